/**
 * `vmconform judge FILE.har... --dialect D [--target URL] [--poll-timeout MS] [--report-dir DIR]` (DESIGN.md §6):
 * traffic recorded as HAR 1.2 (a browser's devtools, mitmproxy, vmconform's own exchanges.har) judged by every rule an
 * observer can judge, one results row per rule of the inventory. Exit 0 nothing violated, 1 a violation (a new one
 * under --baseline), 2 usage, an unreadable HAR or no exchange of the dialect judged, 3 vmconform itself failed.
 * This module only registers the command; the judge loads with `judge-action.ts` when it starts.
 */
import type { Command } from 'commander';
import type { DialectName } from '../dialects/types.ts';
import { DEFAULT_POLL_TIMEOUT_MS } from '../engine/defaults.ts';
import type { ExitSlot } from './main.ts';
import { addGateOptions, addTerm, addVerbosityOptions, parseDialect, parseGrep, parseHttpUrl, parseMs, type VerbosityOptions } from './options.ts';

/** Options of `vmconform judge` after parsing. */
export interface JudgeCliOptions extends VerbosityOptions {
  dialect: DialectName;
  target?: string;
  pollTimeout: number;
  reportDir: string;
  baseline?: string;
  level: 'must' | 'all';
  grep?: string;
  redactSignatures?: boolean;
}

/** The help lines `judge` and `proxy` share: what a row of their results is. */
export const JUDGED_TRAFFIC_HELP =
  'Each rule of the dialect\'s inventory is a results row: passed (judged, never broken), failed (with the exchanges\n' +
  'that showed it) or skipped (not observed: the traffic never exercised it; never counted as passed).';

/**
 * Register `vmconform judge` on the program.
 *
 * @example
 * registerJudgeCommand(program, exit); // vmconform judge session.har --dialect aliyun-ecs
 */
export function registerJudgeCommand(program: Command, exit: ExitSlot): void {
  const judge = program
    .command('judge')
    .description('Judge recorded traffic (HAR 1.2 files) of one dialect by every rule an observer can judge, and report a verdict per rule.')
    .argument('<har...>', 'HAR 1.2 files (Chromium, Firefox, mitmproxy, or vmconform\'s own exchanges.har)');
  addTerm(judge, 'dialect', { parse: parseDialect, required: true });
  addTerm(judge, 'target', { parse: parseHttpUrl });
  addTerm(judge, 'poll-timeout', { parse: parseMs, default: DEFAULT_POLL_TIMEOUT_MS });
  addTerm(judge, 'report-dir', { default: 'reports' });
  addGateOptions(judge);
  addTerm(judge, 'grep', { parse: parseGrep });
  addTerm(judge, 'redact-signatures');
  addVerbosityOptions(judge);
  judge
    .addHelpText(
      'after',
      '\nWithout --target every entry is read; with it, entries of other hosts or paths are left out (and counted).\n' +
        'Entries are judged in the order they started; a body missing, base64-encoded or truncated is counted, not judged.\n' +
        `${JUDGED_TRAFFIC_HELP}\n` +
        'Exit status: 0 nothing violated, 1 a violation (a new one under --baseline), 2 usage error, unreadable HAR, or\n' +
        'no exchange of the dialect judged ("no traffic reached vmconform"), 3 vmconform itself failed.\n' +
        '\nExample:\n  npx vmconform judge reports/exchanges.har --dialect zenlayer-vm --report-dir judged',
    )
    .action(async (files: string[], opts: JudgeCliOptions) => {
      const { judgeAction } = await import('./judge-action.ts');
      exit.code = await judgeAction(files, opts);
    });
}
