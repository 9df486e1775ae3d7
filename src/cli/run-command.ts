/**
 * `vmconform run`: run the conformance suite of one dialect against any target URL (DESIGN.md §6). Exit 0 when
 * nothing fails beyond the baseline, 1 when something does, 2 on a usage or configuration error. An unreachable
 * target is a failing run (every case says why), not a crash.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { sendWire } from '../dialects/transport.ts';
import { isDialectName, DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { casesFor } from '../cases/index.ts';
import { EMPTY_BASELINE, loadBaseline } from '../engine/baseline.ts';
import { launchSuite } from '../engine/launch.ts';
import { defaultStatesUrl } from '../engine/provider-states.ts';
import { DEFAULT_POLL_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from '../engine/run-case.ts';
import { selectRows } from '../engine/suite-config.ts';
import { UsageError } from '../errors.ts';
import { ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, resolveCredentials } from '../signing/credentials.ts';
import type { ExitSlot } from './main.ts';

/** Parse an http(s) URL option; commander turns the error into a usage error. */
export function parseHttpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`not a URL: ${JSON.stringify(value)}`);
  }
  // Credentials in a URL would be copied into every report and curl line; the suite signs with its own. A UsageError
  // (not commander's InvalidArgumentError) so that the value itself is not echoed.
  if (url.username !== '' || url.password !== '') {
    throw new UsageError(
      `the URL ${url.protocol}//${url.host}${url.pathname} must not carry user credentials (they would appear in reports); the suite signs with ${ENV_ACCESS_KEY_ID} / ${ENV_ACCESS_KEY_SECRET}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`expected an http:// or https:// URL, got ${JSON.stringify(value)}`);
  }
  if (url.search !== '' || url.hash !== '') throw new InvalidArgumentError(`the URL must not carry a query or fragment: ${JSON.stringify(value)}`);
  return value.replace(/\/+$/, '');
}

/** Parse a positive integer of milliseconds. */
export function parseMs(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0 || Number(value) > 3_600_000) {
    throw new InvalidArgumentError(`expected a whole number of milliseconds (1..3600000), got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/** Parse a dialect name. */
export function parseDialect(value: string): DialectName {
  if (!isDialectName(value)) throw new InvalidArgumentError(`unknown dialect ${JSON.stringify(value)} (one of ${DIALECT_NAMES.join(', ')})`);
  return value;
}

/** Parse a --grep regular expression. */
export function parseGrep(value: string): string {
  try {
    new RegExp(value);
  } catch (err: unknown) {
    throw new InvalidArgumentError(`not a valid regular expression: ${err instanceof Error ? err.message : String(err)}`);
  }
  return value;
}

/**
 * Add the options every command that judges a target shares (`run`, `pact verify`): `--dialect`, `--target`,
 * `--states-url` and `--report-dir`.
 *
 * @example
 * addTargetOptions(program.command('run')).option('--baseline <file>', '...')
 */
export function addTargetOptions(command: Command): Command {
  return command
    .requiredOption('--dialect <name>', `dialect the target claims to speak (${DIALECT_NAMES.join(', ')})`, parseDialect)
    .requiredOption('--target <url>', 'base URL of the target, e.g. http://127.0.0.1:8080', parseHttpUrl)
    .option('--states-url <url>', 'provider-state endpoint (default: <target>/_vmconform/provider-states)', parseHttpUrl)
    .option('--report-dir <dir>', 'where to write results.json, junit.xml and summary.txt', 'reports');
}

/** Options of `vmconform run` after parsing. */
interface RunOptions {
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
}

/** Probe the target once; returns a problem line when it cannot be reached at all. */
async function probe(url: string): Promise<string | undefined> {
  const sent = await sendWire({ method: 'GET', url: `${url}/`, headers: {} }, 5_000);
  return sent.transportError;
}

/**
 * Register `vmconform run` on the program.
 *
 * @example
 * registerRunCommand(program, exit); // vmconform run --dialect zenlayer-vm --target http://127.0.0.1:8080
 */
export function registerRunCommand(program: Command, exit: ExitSlot): void {
  addTargetOptions(
    program.command('run').description('Run the StopInstances conformance cases of one dialect against a target and report a verdict per case.'),
  )
    .option('--baseline <file>', 'JSON file of known failures {"version":1,"known":[{"dialect","id","reason"}]}; they do not fail the run')
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
    .addHelpText(
      'after',
      '\nCredentials: VMCONFORM_ACCESS_KEY_ID and VMCONFORM_ACCESS_KEY_SECRET, else fixed test credentials.\n' +
        'Exit status: 0 nothing failed beyond the baseline, 1 something did, 2 usage or configuration error.',
    )
    .action(async (opts: RunOptions) => {
      const baseline = opts.baseline !== undefined ? loadBaseline(opts.baseline) : EMPTY_BASELINE;
      if (selectRows(casesFor(opts.dialect), opts.grep).length === 0) {
        throw new UsageError(`no case of ${opts.dialect} matches --grep ${JSON.stringify(opts.grep ?? '')}`);
      }
      const statesUrl = opts.statesUrl ?? defaultStatesUrl(opts.target);
      const problem = await probe(opts.target);
      if (problem !== undefined) {
        process.stderr.write(`vmconform: target ${opts.target} is unreachable (${problem}); every case will fail.\n`);
      }
      const { verdict, doc, files } = await launchSuite({
        runs: [{ dialect: opts.dialect, target: opts.target, statesUrl, ...(opts.region !== undefined ? { region: opts.region } : {}) }],
        credentials: resolveCredentials(undefined, process.env),
        ...(opts.grep !== undefined ? { grep: opts.grep } : {}),
        pollTimeoutMs: opts.pollTimeout,
        requestTimeoutMs: opts.requestTimeout,
        reportDir: opts.reportDir,
        baseline,
        level: opts.level === 'must' ? 'MUST' : 'ALL',
        concurrency: opts.concurrency,
      });
      if (files.length > 0) process.stdout.write(`reports: ${files.join(', ')}\n`);
      if (doc.errors.length > 0) {
        throw new UsageError(`the suite did not run cleanly: ${doc.errors.join('; ')}`);
      }
      exit.code = verdict.failed ? 1 : 0;
    });
}
