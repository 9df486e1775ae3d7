/**
 * What `vmconform compare`, `baseline` and `report` do once their arguments are parsed (loaded by
 * `results-commands.ts` when one starts): read results documents, compare them, record a baseline, merge reports.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PREFLIGHT_ID } from '../engine/defaults.ts';
import { BASELINE_SCHEMA_VERSION, loadBaseline, type Baseline, type KnownFailure } from '../engine/baseline.ts';
import { UsageError } from '../errors.ts';
import { compareRuns, comparisonMarkdown, formatComparison, type SourcedResults } from '../../reporters/compare.ts';
import { readResultsJson } from '../../reporters/results-json.ts';
import { writeMergedReports } from '../../reporters/write-reports.ts';

/** Every `results.json` below a directory (any depth), in path order. */
function resultsFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name === 'results.json')
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/**
 * Read results documents from files and directories: a file is read as given; a directory contributes every
 * `results.json` below it, oldest run first. Anything unreadable is a {@link UsageError}.
 *
 * @example
 * collectResults(['ci-artifacts/']) // every results.json under ci-artifacts/, by startedAt
 */
export function collectResults(paths: readonly string[]): SourcedResults[] {
  const out: SourcedResults[] = [];
  const seen = new Set<string>();
  const add = (found: SourcedResults): void => {
    // The same run named twice (a file and its directory, a directory given twice) counts once.
    if (seen.has(found.doc.runId)) return;
    seen.add(found.doc.runId);
    out.push(found);
  };
  for (const path of paths) {
    if (!existsSync(path)) throw new UsageError(`no such file or directory: ${path}`);
    if (statSync(path).isDirectory()) {
      const files = resultsFilesUnder(path);
      if (files.length === 0) throw new UsageError(`no results.json below ${path}`);
      const docs = files.map((f) => ({ source: f, doc: readResultsJson(f) }));
      docs.sort((a, b) => a.doc.startedAt.localeCompare(b.doc.startedAt));
      docs.forEach(add);
    } else {
      add({ source: path, doc: readResultsJson(path) });
    }
  }
  return out;
}

/**
 * The baseline of every failed case of some runs, each with a reason to edit. Reasons already in `previous` (the
 * baseline being re-recorded) are kept for the cases that still fail.
 *
 * @example
 * baselineFrom(collectResults(['reports/results.json'])) // { schemaVersion: 1, known: [{ ..., reason: 'recorded from run 1a2b3c' }] }
 */
export function baselineFrom(runs: readonly SourcedResults[], previous?: Baseline): Baseline {
  const reasons = new Map((previous?.known ?? []).map((k) => [`${k.dialect}/${k.id}`, k.reason]));
  const known = new Map<string, KnownFailure>();
  for (const { doc } of runs) {
    for (const run of doc.runs) {
      for (const c of run.cases) {
        const key = `${run.dialect}/${c.id}`;
        if (c.status !== 'failed' || c.id === PREFLIGHT_ID || known.has(key)) continue;
        known.set(key, { dialect: run.dialect, id: c.id, reason: reasons.get(key) ?? `recorded from run ${doc.runId}` });
      }
    }
  }
  return { schemaVersion: BASELINE_SCHEMA_VERSION, known: [...known.values()] };
}

/**
 * `vmconform compare`: print (and with `md`, write) the comparison of some runs; returns the exit code (1 when a case broke).
 *
 * @example
 * compareAction(['old/results.json', 'new/results.json'], {}) // 0, or 1 when a case that passed fails
 */
export function compareAction(paths: readonly string[], opts: { md?: string }): number {
  const runs = collectResults(paths);
  if (runs.length < 2) throw new UsageError(`compare needs two runs or more, found ${runs.length} in ${paths.join(', ')}`);
  for (let i = 1; i < runs.length; i++) {
    const [a, b] = [runs[i - 1], runs[i]];
    if (a && b && b.doc.startedAt < a.doc.startedAt) {
      process.stderr.write(`vmconform: warning: ${b.source} started before ${a.source}; compare takes the runs oldest first (OLD NEW)\n`);
    }
  }
  const comparison = compareRuns(runs);
  process.stdout.write(formatComparison(comparison));
  if (opts.md !== undefined) {
    writeFileSync(opts.md, comparisonMarkdown(comparison));
    process.stdout.write(`markdown: ${opts.md}\n`);
  }
  return comparison.broke ? 1 : 0;
}

/**
 * `vmconform baseline`: write the baseline of every failed case of some runs (to `out` or stdout); returns the exit code (0).
 *
 * @example
 * baselineAction(['reports/results.json'], { out: 'baseline.json' })
 */
export function baselineAction(paths: readonly string[], opts: { out?: string }): number {
  const runs = collectResults(paths);
  const previous = opts.out !== undefined && existsSync(opts.out) ? loadBaseline(opts.out) : undefined;
  const baseline = baselineFrom(runs, previous);
  const text = `${JSON.stringify(baseline, null, 2)}\n`;
  if (opts.out === undefined) {
    process.stdout.write(text);
  } else {
    writeFileSync(opts.out, text);
    const before = new Set((previous?.known ?? []).map((k) => `${k.dialect}/${k.id}`));
    const after = new Set(baseline.known.map((k) => `${k.dialect}/${k.id}`));
    const added = [...after].filter((k) => !before.has(k)).length;
    const dropped = [...before].filter((k) => !after.has(k)).length;
    process.stdout.write(`baseline: ${opts.out}: ${baseline.known.length} known failure(s) (${added} added, ${dropped} dropped)\n`);
  }
  return 0;
}

/**
 * `vmconform report`: merge the results of several runs into one summary.md and report.html; returns the exit code (0).
 *
 * @example
 * reportAction(['ci-artifacts/'], { outDir: 'merged' })
 */
export function reportAction(paths: readonly string[], opts: { outDir?: string }): number {
  const runs = collectResults(paths);
  const first = paths[0] ?? '.';
  const outDir = opts.outDir ?? (statSync(first).isDirectory() ? first : '.');
  const files = writeMergedReports(outDir, runs.map((r) => r.doc));
  const targets = runs.reduce((n, r) => n + r.doc.runs.length, 0);
  process.stdout.write(`merged ${runs.length} results.json (${targets} target run(s)): ${runs.map((r) => relative('.', r.source) || r.source).join(', ')}\n`);
  process.stdout.write(`reports: ${files.join(', ')}\n`);
  return 0;
}
