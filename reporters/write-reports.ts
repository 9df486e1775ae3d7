/**
 * The one way case results become report files: {@link reportRun} turns the {@link CaseResult}s of a run into the
 * results document, the gate verdict and the summary, and writes every report file through {@link writeReports}.
 * `vmconform run` (through the vitest reporter) and `vmconform pact verify` both call it, so a new report file is
 * added in one place, {@link REPORT_FILES}.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gate, type Baseline, type GateResult } from '../src/engine/baseline.ts';
import { toJUnitXml } from './junit.ts';
import { buildResults, type BuildResultsInput, type ResultsDocument } from './results-json.ts';
import { formatSummary } from './summary.ts';

/** The report files of a run, by name, each made from the results document and the gate verdict alone. */
export const REPORT_FILES: Readonly<Record<string, (doc: ResultsDocument, verdict: GateResult | undefined) => string>> = {
  'results.json': (doc) => `${JSON.stringify(doc, null, 2)}\n`,
  'junit.xml': (doc) => toJUnitXml(doc),
  'summary.txt': (doc, verdict) => formatSummary(doc, verdict),
};

/**
 * Write every report file of a run into `dir` (created if needed); returns their paths.
 *
 * @example
 * const files = writeReports('reports', doc, verdict);
 */
export function writeReports(dir: string, doc: ResultsDocument, verdict?: GateResult): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(REPORT_FILES).map(([name, make]) => {
    const path = join(dir, name);
    writeFileSync(path, make(doc, verdict));
    return path;
  });
}

/** What {@link reportRun} needs: the run's identity, targets, results and errors, and how to gate them. */
export interface ReportRunInput extends Omit<BuildResultsInput, 'version'> {
  readonly baseline: Baseline;
  /** `MUST`: only MUST cases gate the run. */
  readonly level: 'MUST' | 'ALL';
  /** Where to write the report files; nothing is written when absent. */
  readonly reportDir?: string;
}

/** What a run produced: the results document, the gate verdict, the summary text and the files written. */
export interface RunReport {
  readonly doc: ResultsDocument;
  readonly verdict: GateResult;
  readonly summary: string;
  readonly files: readonly string[];
}

/**
 * Turn a run's case results into its report: results document, gate verdict, summary, and the files in `reportDir`.
 *
 * @example
 * const { verdict, summary } = reportRun({ runId, startedAt, finishedAt: new Date(), targets, results,
 *   baseline: EMPTY_BASELINE, level: 'ALL', reportDir: 'reports' });
 */
export function reportRun(input: ReportRunInput): RunReport {
  const { baseline, level, reportDir, ...run } = input;
  const doc = buildResults(run);
  const verdict = gate(input.results, baseline, level);
  const summary = formatSummary(doc, verdict);
  const files = reportDir === undefined ? [] : writeReports(reportDir, doc, verdict);
  return { doc, verdict, summary, files };
}
