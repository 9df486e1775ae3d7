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

/**
 * The report files of one run, by name, each made from the results document alone and where that document is written
 * (`resultsPath`: the failures' `vmconform repro` lines name it).
 */
export const REPORT_FILES: Readonly<Record<string, (doc: ResultsDocument, resultsPath?: string) => string>> = {
  'results.json': (doc) => `${safeJson(doc)}\n`,
  'junit.xml': (doc, resultsPath) => toJUnitXml(doc, resultsPath),
  'summary.txt': (doc, resultsPath) => formatSummary(doc, undefined, undefined, resultsPath),
  'summary.md': (doc, resultsPath) => toSummaryMarkdown([doc], undefined, [resultsPath]),
  'report.html': (doc, resultsPath) => toHtmlReport([doc], [resultsPath]),
  'exchanges.har': (doc) => safeJson(toHar([doc])),
};

/** The report files of several runs merged (`resultsPaths`: where each document is, in the same order). */
export const MERGED_REPORT_FILES: Readonly<Record<string, (docs: readonly ResultsDocument[], resultsPaths?: readonly (string | undefined)[]) => string>> = {
  'summary.md': (docs, resultsPaths) => toSummaryMarkdown(docs, undefined, resultsPaths),
  'report.html': (docs, resultsPaths) => toHtmlReport(docs, resultsPaths),
};

function writeAll<T, P>(dir: string, files: Readonly<Record<string, (input: T, place: P) => string>>, input: T, place: P): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(files).map(([name, make]) => {
    const path = join(dir, name);
    writeFileSync(path, make(input, place));
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
  return writeAll(dir, REPORT_FILES, doc, join(dir, 'results.json'));
}

/**
 * Write summary.md and report.html of several runs merged into `dir`; returns their paths. `resultsPaths` (where each
 * document was read from) lets each failure show its `vmconform repro` line.
 *
 * @example
 * writeMergedReports('merged', docs, ['linux/results.json', 'mac/results.json']);
 */
export function writeMergedReports(dir: string, docs: readonly ResultsDocument[], resultsPaths?: readonly (string | undefined)[]): string[] {
  return writeAll(dir, MERGED_REPORT_FILES, docs, resultsPaths);
}
