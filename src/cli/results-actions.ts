/**
 * What `vmconform compare`, `baseline` and `report` do once their arguments are parsed (loaded by
 * `results-commands.ts` when one starts): read results documents, compare them, record a baseline, merge reports.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PREFLIGHT_ID } from '../engine/defaults.ts';
import type { DialectName } from '../dialects/types.ts';
import { BASELINE_SCHEMA_VERSION, fingerprintsOf, loadBaseline, type Baseline, type KnownFailure } from '../engine/baseline.ts';
import { UsageError } from '../errors.ts';
import { comparedLabel, compareRuns, comparisonMarkdown, formatComparison, type SourcedResults } from '../../reporters/compare.ts';
import { readResultsJson } from '../../reporters/results-json.ts';
import { terminalSafe } from '../../reporters/safe-text.ts';
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

/** What {@link mergeBaseline} did to each entry, as `<dialect>/<case id>` keys. */
export interface BaselineMerge {
  readonly baseline: Baseline;
  /** Failed in these results, not listed before. */
  readonly added: readonly string[];
  /** Listed before, passed in these results. */
  readonly dropped: readonly string[];
  /** Listed before, passed only on a retry (flaky): kept as is. */
  readonly flaky: readonly string[];
  /** Listed before and failed again: reason kept, fingerprints re-recorded (with what changed, when something did). */
  readonly rerecorded: readonly { readonly key: string; readonly gained: readonly string[]; readonly lost: readonly string[] }[];
  /** Listed before and not run by these results (another dialect, a case skipped or left out by --grep): kept as is. */
  readonly kept: readonly string[];
}

/**
 * Record the failed cases of some runs as a baseline, merged into `previous` (the file being re-recorded): the
 * entries of the cases that ran (passed or failed, per dialect) are replaced: a failed case gets the fingerprints it
 * failed with and keeps its reason, a passed one is dropped. Every other entry (other dialects, cases skipped or not
 * selected, an interrupted run's rest) is kept as it was. The preflight is never recorded.
 *
 * @example
 * mergeBaseline(collectResults(['aliyun/results.json']), loadBaseline('baseline.json')).kept // ['zenlayer-vm/stop.single']
 */
export function mergeBaseline(runs: readonly SourcedResults[], previous?: Baseline): BaselineMerge {
  const keyOf = (dialect: string, id: string): string => `${dialect}/${id}`;
  const failed = new Map<string, { dialect: DialectName; id: string; runId: string; fingerprints: Set<string> }>();
  const passed = new Set<string>();
  const flaky = new Set<string>();
  for (const { doc } of runs) {
    for (const run of doc.runs) {
      for (const c of run.cases) {
        const key = keyOf(run.dialect, c.id);
        if (c.id === PREFLIGHT_ID || c.status === 'skipped') continue;
        if (c.status === 'passed') {
          passed.add(key);
          if (c.gate === 'flaky') flaky.add(key);
          continue;
        }
        const entry = failed.get(key) ?? { dialect: run.dialect, id: c.id, runId: doc.runId, fingerprints: new Set<string>() };
        for (const f of fingerprintsOf(c.findings)) entry.fingerprints.add(f);
        failed.set(key, entry);
      }
    }
  }
  const before = previous?.known ?? [];
  const listed = new Set(before.map((k) => keyOf(k.dialect, k.id)));
  const known: KnownFailure[] = [];
  const dropped: string[] = [];
  const kept: string[] = [];
  const keptFlaky: string[] = [];
  const rerecorded: { key: string; gained: string[]; lost: string[] }[] = [];
  const recorded = (f: { dialect: DialectName; id: string; fingerprints: Set<string> }, reason: string): KnownFailure => ({
    dialect: f.dialect,
    id: f.id,
    reason,
    ...(f.fingerprints.size > 0 ? { fingerprints: [...f.fingerprints].sort() } : {}),
  });
  for (const k of before) {
    const key = keyOf(k.dialect, k.id);
    const now = failed.get(key);
    if (now) {
      const old = new Set(k.fingerprints ?? []);
      const entry = recorded(now, k.reason);
      known.push(entry);
      rerecorded.push({ key, gained: (entry.fingerprints ?? []).filter((f) => !old.has(f)), lost: [...old].filter((f) => !now.fingerprints.has(f)) });
    } else if (flaky.has(key)) {
      known.push(k);
      keptFlaky.push(key);
    } else if (passed.has(key)) {
      dropped.push(key);
    } else {
      known.push(k);
      kept.push(key);
    }
  }
  const added: string[] = [];
  for (const [key, f] of failed) {
    if (listed.has(key)) continue;
    known.push(recorded(f, `recorded from run ${f.runId}`));
    added.push(key);
  }
  return { baseline: { schemaVersion: BASELINE_SCHEMA_VERSION, known }, added, dropped, flaky: keptFlaky, rerecorded, kept };
}

/**
 * What {@link mergeBaseline} did, one line per kind naming every entry (never just a count).
 *
 * @example
 * mergeReport('baseline.json', merge) // 'baseline: baseline.json: 2 known failure(s): 1 added, 0 dropped, ...\n  added (1): ...'
 */
export function mergeReport(file: string, m: BaselineMerge): string {
  const lines = [
    `baseline: ${file}: ${m.baseline.known.length} known failure(s): ${m.added.length} added, ${m.dropped.length} dropped, ` +
      `${m.rerecorded.length} still failing (reason kept), ${m.kept.length + m.flaky.length} kept (not run here, or flaky)`,
  ];
  const list = (title: string, keys: readonly string[]): void => {
    if (keys.length > 0) lines.push(`  ${title} (${keys.length}): ${keys.join(', ')}`);
  };
  list('added', m.added);
  list('dropped, passed now', m.dropped);
  list(
    'still failing, reason kept, fingerprints re-recorded',
    m.rerecorded.map((r) => `${r.key}${r.gained.length + r.lost.length > 0 ? ` [${[...r.gained.map((f) => `+${f}`), ...r.lost.map((f) => `-${f}`)].join(' ')}]` : ''}`),
  );
  list('kept, flaky (passed on a retry)', m.flaky);
  list('kept, not run here', m.kept);
  return `${terminalSafe(lines.join('\n'))}\n`;
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
  if (comparison.dialects.every((d) => d.older === undefined)) {
    const dialects = runs.map((r) => `${relative('.', r.source) || r.source}: ${[...new Set(r.doc.runs.map(comparedLabel))].join(', ')}`);
    // Judged rules are compared with judged rules only (their ids are rule ids, never case ids).
    const judged = runs.some((r) => r.doc.runs.some((x) => x.rows === 'rules')) ? ' (runs of judged rules are compared only with runs of judged rules)' : '';
    throw new UsageError(`the runs share no dialect, so nothing can be compared${judged} (${dialects.join('; ')})`);
  }
  process.stdout.write(formatComparison(comparison));
  if (opts.md !== undefined) {
    writeFileSync(opts.md, comparisonMarkdown(comparison));
    process.stdout.write(`markdown: ${opts.md}\n`);
  }
  return comparison.broke ? 1 : 0;
}

/**
 * `vmconform baseline`: write the baseline of every failed case of some runs, merged into `out` when it exists (to `out`
 * or stdout), and say which entries it added, dropped and kept; returns the exit code (0).
 *
 * @example
 * baselineAction(['reports/results.json'], { out: 'baseline.json' })
 */
export function baselineAction(paths: readonly string[], opts: { out?: string }): number {
  const runs = collectResults(paths);
  const previous = opts.out !== undefined && existsSync(opts.out) ? loadBaseline(opts.out) : undefined;
  const merge = mergeBaseline(runs, previous);
  const text = `${JSON.stringify(merge.baseline, null, 2)}\n`;
  if (opts.out === undefined) {
    process.stdout.write(text);
    process.stderr.write(mergeReport('stdout', merge));
  } else {
    writeFileSync(opts.out, text);
    process.stdout.write(mergeReport(opts.out, merge));
  }
  return 0;
}

/**
 * `vmconform report`: merge the results of several runs into one summary.md and report.html; returns the exit code (0).
 *
 * @example
 * reportAction(['ci-artifacts/'], { reportDir: 'merged' })
 */
export function reportAction(paths: readonly string[], opts: { reportDir?: string }): number {
  const runs = collectResults(paths);
  const first = paths[0] ?? '.';
  const outDir = opts.reportDir ?? (statSync(first).isDirectory() ? first : '.');
  const files = writeMergedReports(outDir, runs.map((r) => r.doc), runs.map((r) => r.source));
  const targets = runs.reduce((n, r) => n + r.doc.runs.length, 0);
  process.stdout.write(`merged ${runs.length} results.json (${targets} target run(s)): ${runs.map((r) => relative('.', r.source) || r.source).join(', ')}\n`);
  process.stdout.write(`reports: ${files.join(', ')}\n`);
  return 0;
}
