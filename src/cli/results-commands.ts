/**
 * The commands that read finished runs (DESIGN.md §6), never a target: `vmconform compare` (run diffs and
 * history), `vmconform baseline` (record the failures of a run as a baseline) and `vmconform report` (one
 * summary.md and report.html from the results.json of several runs, e.g. a CI matrix). Whatever they cannot read
 * (not JSON, another kind of file, an unknown schemaVersion) is refused with exit 2. This module only registers the
 * commands; what they run loads with `results-actions.ts` when one starts.
 */
import type { Command } from 'commander';
import type { ExitSlot } from './main.ts';
import { addTerm, fromDeprecatedAlias } from './options.ts';

/**
 * Register `vmconform compare OLD NEW`.
 *
 * @example
 * registerCompareCommand(program, exit); // vmconform compare old/results.json new/results.json --md diff.md
 */
export function registerCompareCommand(program: Command, exit: ExitSlot): void {
  const compare = program
    .command('compare')
    .description(
      'Compare runs: fixed, broken (passed -> failed), new, removed and still-failing cases per dialect (still failing, for a ' +
        'different reason: the findings\' fingerprints changed). Give two results.json ' +
        '(OLD NEW) or directories of them (every results.json below, oldest first): with three runs or more, each case\'s ' +
        'history is printed, newest last, and cases whose status flips between runs are marked flipping.',
    )
    .argument('<paths...>', 'results.json files or directories, oldest first');
  addTerm(compare, 'md')
    .addHelpText(
      'after',
      '\nExit status: 0 nothing broke, 1 a case that passed now fails (or no longer runs, or a new one fails, or one fails for a\n' +
        'different reason), 2 an input cannot be read.',
    )
    .action(async (paths: string[], opts: { md?: string }) => {
      const { compareAction } = await import('./results-actions.ts');
      exit.code = compareAction(paths, opts);
    });
}

/**
 * Register `vmconform baseline RESULTS [--out FILE]`.
 *
 * @example
 * registerBaselineCommand(program, exit); // vmconform baseline reports/results.json --out baseline.json
 */
export function registerBaselineCommand(program: Command, exit: ExitSlot): void {
  const baseline = program
    .command('baseline')
    .description(
      'Write a baseline of every failed case of a results.json, each with the fingerprints it failed with and the reason ' +
        '"recorded from run <runId>" (to edit). When --out names an existing baseline, it merges: the entries of the cases that ' +
        'ran are replaced (reasons kept), every other entry (other dialects, cases skipped or not selected) is kept; it lists ' +
        'which entries it added, dropped and kept.',
    )
    .argument('<results...>', 'results.json files or directories of them');
  addTerm(baseline, 'out').action(async (paths: string[], opts: { out?: string }) => {
      const { baselineAction } = await import('./results-actions.ts');
      exit.code = baselineAction(paths, opts);
    });
}

/**
 * Register `vmconform report DIR`.
 *
 * @example
 * registerReportCommand(program, exit); // vmconform report ci-artifacts/ --report-dir merged/
 */
export function registerReportCommand(program: Command, exit: ExitSlot): void {
  const report = program
    .command('report')
    .description(
      'Merge the results.json of several runs (every results.json below DIR, e.g. the artifacts of a CI matrix with one ' +
        'job per target) into one summary.md and report.html.',
    )
    .argument('<dirs...>', 'directories (or results.json files) to merge');
  addTerm(report, 'report-dir');
  addTerm(report, 'out-dir');
  report
    .addHelpText('after', '\nReports (--report-dir, default: the first directory): summary.md and report.html.\nExit status: 0 written (whatever the runs\' verdicts), 2 an input cannot be read.')
    .action(async (paths: string[], opts: { reportDir?: string; outDir?: string }) => {
      const reportDir = fromDeprecatedAlias(opts.outDir, opts.reportDir, 'out-dir');
      const { reportAction } = await import('./results-actions.ts');
      exit.code = reportAction(paths, reportDir !== undefined ? { reportDir } : {});
    });
}
