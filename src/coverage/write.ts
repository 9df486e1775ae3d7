/**
 * Writing the coverage report to a file, shared by `vmconform coverage --out` and `vmconform conformance`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DialectName } from '../dialects/types.ts';
import { coverageReports, formatCoverage, isChecked, type CoverageReport } from './coverage.ts';

/** What was written and how many gaps it lists. */
export interface CoverageWrite {
  readonly reports: readonly CoverageReport[];
  readonly text: string;
  /** Uncovered testable rules plus rule ids named by cases that the inventory lacks; 0 is the aim. */
  readonly gaps: number;
}

/**
 * Build the coverage of every dialect (or of `dialects`) and, when `path` is given, write it there as Markdown.
 *
 * @example
 * const { gaps } = writeCoverage('reports/coverage.md');
 */
export function writeCoverage(path?: string, dialects?: readonly DialectName[]): CoverageWrite {
  const reports = coverageReports().filter((r) => dialects === undefined || dialects.includes(r.dialect));
  const text = formatCoverage(reports);
  if (path !== undefined) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  const gaps = reports.reduce((n, r) => n + r.uncovered.length + r.unknownRuleRefs.length, 0);
  return { reports, text, gaps };
}

/**
 * One line per dialect: "aliyun-ecs: 67/72 rules covered, 3 not testable black-box, 0 uncovered, 2 partly checked".
 * "Covered" counts the rules that are checked in full (every flip caught, `isChecked`).
 */
export function coverageSummaryLines(reports: readonly CoverageReport[]): string[] {
  return reports.map((r) => {
    const covered = r.rules.filter(isChecked).length;
    return `${r.dialect}: ${covered}/${r.rules.length} rules covered, ${r.untestable.length} not testable black-box, ${r.uncovered.length} uncovered, ${r.partial.length} partly checked`;
  });
}
