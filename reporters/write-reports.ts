/**
 * Writes the report files from results documents alone (DESIGN.md §6): for a run `results.json`, `junit.xml`,
 * `summary.txt`, `summary.md`, `report.html` and `exchanges.har`; for several runs merged (`vmconform report`)
 * `summary.md` and `report.html`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHar } from './har.ts';
import { toHtmlReport } from './html.ts';
import { toJUnitXml } from './junit.ts';
import type { ResultsDocument } from './results-json.ts';
import { safeJson } from './safe-text.ts';
import { formatSummary } from './summary.ts';
import { toSummaryMarkdown } from './summary-md.ts';

/** The report files of one run, by name, each made from the results document alone. */
export const REPORT_FILES: Readonly<Record<string, (doc: ResultsDocument) => string>> = {
  'results.json': (doc) => `${safeJson(doc)}\n`,
  'junit.xml': toJUnitXml,
  'summary.txt': (doc) => formatSummary(doc),
  'summary.md': (doc) => toSummaryMarkdown([doc]),
  'report.html': (doc) => toHtmlReport([doc]),
  'exchanges.har': (doc) => safeJson(toHar([doc])),
};

/** The report files of several runs merged. */
export const MERGED_REPORT_FILES: Readonly<Record<string, (docs: readonly ResultsDocument[]) => string>> = {
  'summary.md': (docs) => toSummaryMarkdown(docs),
  'report.html': (docs) => toHtmlReport(docs),
};

function writeAll<T>(dir: string, files: Readonly<Record<string, (input: T) => string>>, input: T): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(files).map(([name, make]) => {
    const path = join(dir, name);
    writeFileSync(path, make(input));
    return path;
  });
}

/**
 * Write every report file of a run into `dir` (created if needed); returns their paths.
 *
 * @example
 * const files = writeReports('reports', doc);
 */
export function writeReports(dir: string, doc: ResultsDocument): string[] {
  return writeAll(dir, REPORT_FILES, doc);
}

/**
 * Write summary.md and report.html of several runs merged into `dir`; returns their paths.
 *
 * @example
 * writeMergedReports('merged', docs);
 */
export function writeMergedReports(dir: string, docs: readonly ResultsDocument[]): string[] {
  return writeAll(dir, MERGED_REPORT_FILES, docs);
}
