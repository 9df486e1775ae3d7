/**
 * `vmconform repro RESULTS.json CASE_ID [--dialect D] [--target URL] [--states-url URL] [--exec | --shell | --json]`
 * (DESIGN.md §6): one case of a results.json again from scratch (its seeded instances, every request freshly
 * signed, the status reads, the teardown), each step with what the run expected. `--shell` (default) prints a sh
 * script that does it with curl, `--exec` does it through the engine, `--json` prints the steps. Exit 0 every
 * expectation held, 1 one failed or the target did not answer, 2 usage, 3 vmconform itself failed.
 *
 * Also the hidden `vmconform repro-step`, which the script runs between its curl calls (kept out of `--help`; the
 * script says what it does). This module only registers them; what they run loads with `repro-action.ts` and
 * `repro-step-action.ts`.
 */
import { Option, type Command } from 'commander';
import type { DialectName } from '../dialects/types.ts';
import { DEFAULT_POLL_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from '../engine/defaults.ts';
import { ALLOW_REMOTE_HELP } from './consent.ts';
import type { ExitSlot } from './main.ts';
import { addTerm, parseDialect, parseHttpUrl, parseMs } from './options.ts';

/** Options of `vmconform repro` after parsing. */
export interface ReproOptions {
  dialect?: DialectName;
  target?: string;
  statesUrl?: string;
  exec?: boolean;
  shell?: boolean;
  json?: boolean;
  allowRemote?: boolean;
}

/** Options of the hidden `vmconform repro-step` after parsing. */
export interface ReproStepOptions {
  dir: string;
  dialect: DialectName;
  case: string;
  target: string;
  statesUrl: string;
  region?: string;
  pollTimeout: number;
  requestTimeout: number;
  /** `--no-states` sets it false. */
  states?: boolean;
  allowRemote?: boolean;
  interrupted?: boolean;
  recordedStatus?: 'passed' | 'failed' | 'skipped';
  recordedFingerprint?: string[];
}

/**
 * Register `vmconform repro` and the hidden `vmconform repro-step` on the program.
 *
 * @example
 * registerReproCommand(program, exit); // vmconform repro reports/results.json stop.single --exec
 */
export function registerReproCommand(program: Command, exit: ExitSlot): void {
  const repro = program
    .command('repro')
    .description('Reproduce one case of a results.json from scratch (seeded instances, freshly signed requests, status reads, teardown), each step with what the run expected.')
    .argument('<results>', 'the results.json of a run (run or conformance)')
    .argument('<case>', 'the id of the case, e.g. state.STOPPED.rejected');
  addTerm(repro, 'dialect', { parse: parseDialect });
  addTerm(repro, 'target', { parse: parseHttpUrl });
  addTerm(repro, 'states-url', { parse: parseHttpUrl });
  addTerm(repro, 'shell', { conflicts: ['exec', 'json'] });
  addTerm(repro, 'exec', { conflicts: ['shell', 'json'] });
  addTerm(repro, 'json', { conflicts: ['shell', 'exec'] });
  addTerm(repro, 'allow-remote');
  repro
    .addHelpText(
      'after',
      '\nWithout --dialect: the run of the file that holds the case (required when several do). Without --target: the\n' +
        'target the run recorded, and its provider-state endpoint.\n' +
        '\nExample:\n  npx vmconform repro reports/results.json state.STOPPED.rejected --dialect tencent-cvm-api2 > repro.sh && sh repro.sh\n' +
        'The script needs sh, curl (7.68 or later) and node with vmconform; it signs each request when it sends it.\n' +
        'Credentials: VMCONFORM_ACCESS_KEY_ID and VMCONFORM_ACCESS_KEY_SECRET, else fixed test credentials.\n' +
        'Exit status (--exec, and the script): 0 every expectation held, 1 one failed or the target did not answer,\n' +
        '2 usage or configuration error, 3 vmconform itself failed.',
    )
    .action(async (results: string, caseId: string, opts: ReproOptions) => {
      const { reproAction } = await import('./repro-action.ts');
      exit.code = await reproAction(results, caseId, opts);
    });

  program
    .command('repro-step', { hidden: true })
    .description('Used by the scripts `vmconform repro` prints: judge the answers curl brought, then write the requests of STEP signed now.')
    .argument('<step>', 'setup, call:N, read:N, poll:N, teardown or end')
    .requiredOption('--dir <dir>', "the script's work folder")
    .requiredOption('--dialect <name>', 'dialect of the case', parseDialect)
    .requiredOption('--case <id>', 'the case id')
    .requiredOption('--target <url>', 'base URL of the target', parseHttpUrl)
    .requiredOption('--states-url <url>', 'provider-state endpoint', parseHttpUrl)
    .option('--region <region>', 'region sent with each request')
    .option('--poll-timeout <ms>', 'how long a stopped instance may take to read the stopped status', parseMs, DEFAULT_POLL_TIMEOUT_MS)
    .option('--request-timeout <ms>', 'timeout of each request', parseMs, DEFAULT_REQUEST_TIMEOUT_MS)
    .option('--no-states', 'the run had no provider states: nothing is seeded')
    .option('--allow-remote', ALLOW_REMOTE_HELP)
    .option('--interrupted', 'the script was interrupted: drop what is pending and tear down')
    .addOption(new Option('--recorded-status <status>', 'what the run recorded (end)').choices(['passed', 'failed', 'skipped']))
    .option('--recorded-fingerprint <fingerprint>', 'a fingerprint the run recorded (end; repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .action(async (step: string, opts: ReproStepOptions) => {
      const { reproStepAction } = await import('./repro-step-action.ts');
      exit.code = await reproStepAction(step, opts);
    });
}
