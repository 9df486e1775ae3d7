/**
 * `vmconform run`: run the conformance suite of one dialect against any target URL (DESIGN.md §6). Exit 0 when
 * nothing fails beyond the baseline, 1 when something does, 2 on a usage or configuration error, 3 when vmconform
 * itself failed, 130 when interrupted. An unreachable target is a failing run (every case says why), not a crash.
 * This module only registers the command; what it runs loads with `run-action.ts` when it starts.
 */
import type { Command } from 'commander';
import type { DialectName } from '../dialects/types.ts';
import { DEFAULT_POLL_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from '../engine/defaults.ts';
import type { ExitSlot } from './main.ts';
import {
  addGateOptions,
  addSafetyOptions,
  addTargetOptions,
  addTerm,
  addVerbosityOptions,
  parseConcurrency,
  parseGrep,
  parseMs,
  parseRetries,
  type VerbosityOptions,
} from './options.ts';

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
  const run = program.command('run').description('Run the StopInstances conformance cases of one dialect against a target and report a verdict per case.');
  addVerbosityOptions(addSafetyOptions(addTargetOptions(run)));
  addGateOptions(run);
  addTerm(run, 'grep', { parse: parseGrep });
  addTerm(run, 'poll-timeout', { parse: parseMs, default: DEFAULT_POLL_TIMEOUT_MS });
  addTerm(run, 'request-timeout', { parse: parseMs, default: DEFAULT_REQUEST_TIMEOUT_MS });
  addTerm(run, 'region');
  addTerm(run, 'concurrency', { parse: parseConcurrency, default: 16 });
  addTerm(run, 'retries', { parse: parseRetries, default: 0 });
  addTerm(run, 'fail-on-flaky');
  addTerm(run, 'no-states');
  run
    .addHelpText(
      'after',
      '\nCredentials: VMCONFORM_ACCESS_KEY_ID and VMCONFORM_ACCESS_KEY_SECRET, else fixed test credentials.\n' +
        'Reports (--report-dir): results.json, junit.xml, summary.txt, summary.md, report.html, exchanges.har.\n' +
        'Baseline (--baseline): {"schemaVersion":2,"known":[{"dialect","id","reason","fingerprints"?}]}.\n' +
        'Exit status: 0 nothing failed beyond the baseline, 1 something did, 2 usage or configuration error,\n' +
        '3 vmconform itself failed, 130 interrupted (after teardown and partial reports).',
    )
    .action(async (opts: RunOptions) => {
      const { runAction } = await import('./run-action.ts');
      exit.code = await runAction(opts);
    });
}
