/**
 * The commands that read finished runs (DESIGN.md §6), never a target: `vmconform compare` (run diffs and
 * history), `vmconform baseline` (record the failures of a run as a baseline) and `vmconform report` (one
 * summary.md and report.html from the results.json of several runs, e.g. a CI matrix). Whatever they cannot read
 * (not JSON, another kind of file, an unknown schemaVersion) is refused with exit 2.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { BASELINE_SCHEMA_VERSION, loadBaseline, type Baseline, type KnownFailure } from '../engine/baseline.ts';
import { UsageError } from '../errors.ts';
import { compareRuns, comparisonMarkdown, formatComparison, type SourcedResults } from '../../reporters/compare.ts';
import { readResultsJson } from '../../reporters/results-json.ts';
import { writeMergedReports } from '../../reporters/write-reports.ts';
import type { ExitSlot } from './main.ts';

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
  for (const path of paths) {
    if (!existsSync(path)) throw new UsageError(`no such file or directory: ${path}`);
    if (statSync(path).isDirectory()) {
      const files = resultsFilesUnder(path);
      if (files.length === 0) throw new UsageError(`no results.json below ${path}`);
      const docs = files.map((f) => ({ source: f, doc: readResultsJson(f) }));
      docs.sort((a, b) => a.doc.startedAt.localeCompare(b.doc.startedAt));
      out.push(...docs);
    } else {
      out.push({ source: path, doc: readResultsJson(path) });
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
        if (c.status !== 'failed' || known.has(key)) continue;
        known.set(key, { dialect: run.dialect, id: c.id, reason: reasons.get(key) ?? `recorded from run ${doc.runId}` });
      }
    }
  }
  return { schemaVersion: BASELINE_SCHEMA_VERSION, known: [...known.values()] };
}

/**
 * Register `vmconform compare OLD NEW`.
 *
 * @example
 * registerCompareCommand(program, exit); // vmconform compare old/results.json new/results.json --md diff.md
 */
export function registerCompareCommand(program: Command, exit: ExitSlot): void {
  program
    .command('compare')
    .description(
      'Compare runs: fixed, broken (passed -> failed), new, removed and still-failing cases per dialect. Give two results.json ' +
        '(OLD NEW) or directories of them (every results.json below, oldest first): with three runs or more, each case\'s ' +
        'history is printed, newest last, and cases whose status flips between runs are marked flipping.',
    )
    .argument('<paths...>', 'results.json files or directories, oldest first')
    .option('--md <file>', 'also write the comparison as Markdown')
    .addHelpText('after', '\nExit status: 0 nothing broke, 1 a case that passed now fails, 2 an input cannot be read.')
    .action((paths: string[], opts: { md?: string }) => {
      const runs = collectResults(paths);
      if (runs.length < 2) throw new UsageError(`compare needs two runs or more, found ${runs.length} in ${paths.join(', ')}`);
      const comparison = compareRuns(runs);
      process.stdout.write(formatComparison(comparison));
      if (opts.md !== undefined) {
        writeFileSync(opts.md, comparisonMarkdown(comparison));
        process.stdout.write(`markdown: ${opts.md}\n`);
      }
      exit.code = comparison.broke ? 1 : 0;
    });
}

/**
 * Register `vmconform baseline RESULTS [--out FILE]`.
 *
 * @example
 * registerBaselineCommand(program, exit); // vmconform baseline reports/results.json --out baseline.json
 */
export function registerBaselineCommand(program: Command, exit: ExitSlot): void {
  program
    .command('baseline')
    .description(
      'Write a baseline of every failed case of a results.json (each with the reason "recorded from run <runId>", to edit). ' +
        'When --out names an existing baseline, the reasons of the cases that still fail are kept.',
    )
    .argument('<results...>', 'results.json files or directories of them')
    .option('--out <file>', 'write the baseline here (default: stdout)')
    .action((paths: string[], opts: { out?: string }) => {
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
      exit.code = 0;
    });
}

/**
 * Register `vmconform report DIR`.
 *
 * @example
 * registerReportCommand(program, exit); // vmconform report ci-artifacts/ --out-dir merged/
 */
export function registerReportCommand(program: Command, exit: ExitSlot): void {
  program
    .command('report')
    .description(
      'Merge the results.json of several runs (every results.json below DIR, e.g. the artifacts of a CI matrix with one ' +
        'job per target) into one summary.md and report.html.',
    )
    .argument('<dirs...>', 'directories (or results.json files) to merge')
    .option('--out-dir <dir>', 'where to write summary.md and report.html (default: the first directory)')
    .addHelpText('after', '\nExit status: 0 written (whatever the runs\' verdicts), 2 an input cannot be read.')
    .action((paths: string[], opts: { outDir?: string }) => {
      const runs = collectResults(paths);
      const first = paths[0] ?? '.';
      const outDir = opts.outDir ?? (statSync(first).isDirectory() ? first : '.');
      const files = writeMergedReports(outDir, runs.map((r) => r.doc));
      const targets = runs.reduce((n, r) => n + r.doc.runs.length, 0);
      process.stdout.write(`merged ${runs.length} results.json (${targets} target run(s)): ${runs.map((r) => relative('.', r.source) || r.source).join(', ')}\n`);
      process.stdout.write(`reports: ${files.join(', ')}\n`);
      exit.code = 0;
    });
}
