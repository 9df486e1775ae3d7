/**
 * `vmconform run`: run the conformance suite of one dialect against any target URL (DESIGN.md §6). Exit 0 when
 * nothing fails beyond the baseline, 1 when something does, 2 on a usage or configuration error, 3 when vmconform
 * itself failed, 130 when interrupted. An unreachable target is a failing run (every case says why), not a crash.
 * This module only registers the command; what it runs loads with `run-action.ts` when it starts.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { DialectName } from '../dialects/types.ts';
import { DEFAULT_POLL_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from '../engine/defaults.ts';
import type { ExitSlot } from './main.ts';
import { addSafetyOptions, addTargetOptions, addVerbosityOptions, parseGrep, parseMs, parseRetries, type VerbosityOptions } from './options.ts';

/** Options of `vmconform run` after parsing. */
export interface RunOptions extends VerbosityOptions {
  dialect: DialectName;
  target: string;
  statesUrl?: string;
  reportDir: string;
  baseline?: string;
  level: 'must' | 'all';
  grep?: string;
  pollTimeout: number;
  requestTimeout: number;
  region?: string;
  concurrency: number;
  retries: number;
  failOnFlaky?: boolean;
  allowRemote?: boolean;
  ca?: string[];
  redactSignatures?: boolean;
  /** `--no-states` sets it false. */
  states?: boolean;
}

/**
 * Register `vmconform run` on the program.
 *
 * @example
 * registerRunCommand(program, exit); // vmconform run --dialect zenlayer-vm --target http://127.0.0.1:8080
 */
export function registerRunCommand(program: Command, exit: ExitSlot): void {
  addVerbosityOptions(
    addSafetyOptions(
      addTargetOptions(
        program.command('run').description('Run the StopInstances conformance cases of one dialect against a target and report a verdict per case.'),
      ),
    ),
  )
    .option('--baseline <file>', 'JSON file of known failures {"schemaVersion":1,"known":[{"dialect","id","reason"}]} (vmconform baseline writes one); they do not fail the run')
    .addOption(
      new Option('--level <level>', 'which failures fail the run: "must" gates on MUST cases only, "all" on every case')
        .choices(['must', 'all'])
        .default('all'),
    )
    .option('--grep <pattern>', 'run only the cases whose id matches this regular expression', parseGrep)
    .option('--poll-timeout <ms>', 'how long a stopped instance may take to read the stopped status', parseMs, DEFAULT_POLL_TIMEOUT_MS)
    .option('--request-timeout <ms>', 'timeout of each HTTP request to the target', parseMs, DEFAULT_REQUEST_TIMEOUT_MS)
    .option('--region <region>', 'region sent with each request (tencent Region, aliyun RegionId); default: the dialect\'s')
    .option('--concurrency <n>', 'how many cases run at once', (v: string) => {
      if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 256) throw new InvalidArgumentError(`expected 1..256, got ${JSON.stringify(v)}`);
      return Number(v);
    }, 16)
    .option('--retries <n>', 'run a failed case again up to n times; a case that then passes is reported flaky', parseRetries, 0)
    .option('--fail-on-flaky', 'a flaky case (passed only on a retry) fails the run')
    .option('--no-states', 'the target has no provider-state endpoint: run only the cases that seed no instance (missing, empty, unknown and malformed ids, the error envelope), skip the rest with the reason')
    .addHelpText(
      'after',
      '\nCredentials: VMCONFORM_ACCESS_KEY_ID and VMCONFORM_ACCESS_KEY_SECRET, else fixed test credentials.\n' +
        'Reports (--report-dir): results.json, junit.xml, summary.txt, summary.md, report.html, exchanges.har.\n' +
        'Exit status: 0 nothing failed beyond the baseline, 1 something did, 2 usage or configuration error,\n' +
        '3 vmconform itself failed, 130 interrupted (after teardown and partial reports).',
    )
    .action(async (opts: RunOptions) => {
      const { runAction } = await import('./run-action.ts');
      exit.code = await runAction(opts);
    });
}
