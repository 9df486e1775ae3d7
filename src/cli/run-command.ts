/**
 * `vmconform run`: run the conformance suite of one dialect against any target URL (DESIGN.md §6). Exit 0 when
 * nothing fails beyond the baseline, 1 when something does, 2 on a usage or configuration error, 3 when vmconform
 * itself failed, 130 when interrupted. An unreachable target is a failing run (every case says why), not a crash.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { isDialectName, DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { casesFor } from '../cases/index.ts';
import { EMPTY_BASELINE, loadBaseline, type Baseline } from '../engine/baseline.ts';
import { preflight, skippedByPreflight } from '../engine/preflight.ts';
import type { CaseResult } from '../engine/types.ts';
import type { CaseRow } from '../cases/types.ts';
import { reportRun } from '../../reporters/report-run.ts';
import { terminalSafe } from '../../reporters/safe-text.ts';
import { formatSummaryBody } from '../../reporters/summary.ts';
import { defaultStatesUrl } from '../engine/provider-states.ts';
import { caseIdentity, DEFAULT_POLL_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, newRunId } from '../engine/run-case.ts';
import { selectRows } from '../engine/suite-config.ts';
import { EXIT_INTERRUPTED, UsageError, VmconformError } from '../errors.ts';
import { paintFor, type Paint } from '../../reporters/color.ts';
import type { ReporterOutcome } from '../../reporters/vmconform-reporter.ts';
import { ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, resolveCredentials } from '../signing/credentials.ts';
import { ALLOW_REMOTE_HELP, requireConsent } from './consent.ts';
import { configureTransport } from '../dialects/transport.ts';
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

/** Parse `--retries N` (0..10). */
export function parseRetries(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 10) throw new InvalidArgumentError(`expected a whole number 0..10, got ${JSON.stringify(value)}`);
  return Number(value);
}

/**
 * The exit code of a finished launch: 130 interrupted, 1 when the gate failed, else 0. A run that did not complete
 * cleanly (the suite failed to load, a case without a result) is vmconform's failure: {@link VmconformError}, exit 3.
 *
 * @example
 * exit.code = exitCodeOf(await launchSuite(options));
 */
export function exitCodeOf(outcome: ReporterOutcome): number {
  if (outcome.doc.interrupted) return EXIT_INTERRUPTED;
  if (outcome.doc.errors.length > 0) throw new VmconformError(`the suite did not run cleanly: ${outcome.doc.errors.join('; ')}`);
  return outcome.verdict.failed ? 1 : 0;
}

/** How the console looks: progress as a live line and colour on a terminal (NO_COLOR / FORCE_COLOR respected). */
export function consoleOptions(): { live: boolean; paint: Paint } {
  const tty = process.stdout.isTTY === true;
  return { live: tty, paint: paintFor(tty) };
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
    .option('--report-dir <dir>', 'where to write the reports (results.json, junit.xml, summaries, report.html, exchanges.har)', 'reports');
}

/**
 * Add the options of safety on real targets that `run`, `fuzz` and `pact verify` share: `--allow-remote`,
 * `--redact-signatures` and, where vmconform's own client sends the requests, `--ca`.
 *
 * @example
 * addSafetyOptions(addTargetOptions(program.command('fuzz')))
 */
export function addSafetyOptions(command: Command, { ca = true }: { ca?: boolean } = {}): Command {
  command
    .option('--allow-remote', ALLOW_REMOTE_HELP)
    .option('--redact-signatures', 'mask request signatures in curl lines and recorded exchanges (they are kept by default: reproducing a request needs them)');
  if (ca) command.option('--ca <file...>', "PEM file(s) of CAs to trust besides the system's (NODE_EXTRA_CA_CERTS and HTTPS_PROXY/NO_PROXY are honoured too)");
  return command;
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
  retries: number;
  failOnFlaky?: boolean;
  allowRemote?: boolean;
  ca?: string[];
  redactSignatures?: boolean;
  /** `--no-states` sets it false. */
  states?: boolean;
}

/**
 * A run the preflight stopped: one failing `preflight` row and every selected case skipped with the reason, through the
 * same reports; prints the diagnosis and returns exit code 1.
 */
export function reportPreflightFailure(
  failed: CaseResult,
  rows: readonly CaseRow[],
  run: { target: string; reportDir: string; baseline: Baseline; baselineFile?: string; level: 'MUST' | 'ALL' },
): number {
  const results = [failed, ...rows.map((r) => skippedByPreflight(caseIdentity(r), failed))];
  const outcome = reportRun({
    runId: newRunId(),
    startedAt: new Date(),
    targets: [{ dialect: failed.dialect, target: run.target }],
    results,
    baseline: run.baseline,
    ...(run.baselineFile !== undefined ? { baselineFile: run.baselineFile } : {}),
    level: run.level,
    reportDir: run.reportDir,
  });
  const finding = failed.findings[0];
  process.stderr.write(terminalSafe(`vmconform: preflight failed: ${finding?.message ?? failed.message ?? ''}\n${finding?.curl ? `  ${finding.curl}\n` : ''}`));
  process.stdout.write(formatSummaryBody(outcome.doc, consoleOptions().paint));
  if (outcome.files.length > 0) process.stdout.write(`reports: ${outcome.files.join(', ')}\n`);
  return 1;
}

/**
 * Register `vmconform run` on the program.
 *
 * @example
 * registerRunCommand(program, exit); // vmconform run --dialect zenlayer-vm --target http://127.0.0.1:8080
 */
export function registerRunCommand(program: Command, exit: ExitSlot): void {
  addSafetyOptions(
    addTargetOptions(
      program.command('run').description('Run the StopInstances conformance cases of one dialect against a target and report a verdict per case.'),
    ),
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
    .option('--retries <n>', 'run a failed case again up to n times; a case that then passes is reported flaky', parseRetries, 0)
    .option('--fail-on-flaky', 'a flaky case (passed only on a retry) fails the run')
    .option('--no-states', 'the target has no provider-state endpoint: run only the cases that need no seeded instance (unknown and malformed ids, limits, parameters, unknown actions...), skip the rest with the reason')
    .addHelpText(
      'after',
      '\nCredentials: VMCONFORM_ACCESS_KEY_ID and VMCONFORM_ACCESS_KEY_SECRET, else fixed test credentials.\n' +
        'Reports (--report-dir): results.json, junit.xml, summary.txt, summary.md, report.html, exchanges.har.\n' +
        'Exit status: 0 nothing failed beyond the baseline, 1 something did, 2 usage or configuration error,\n' +
        '3 vmconform itself failed, 130 interrupted (after teardown and partial reports).',
    )
    .action(async (opts: RunOptions) => {
      const baseline = opts.baseline !== undefined ? loadBaseline(opts.baseline) : EMPTY_BASELINE;
      if (selectRows(casesFor(opts.dialect), opts.grep).length === 0) {
        throw new UsageError(`no case of ${opts.dialect} matches --grep ${JSON.stringify(opts.grep ?? '')}`);
      }
      const statesUrl = opts.statesUrl ?? defaultStatesUrl(opts.target);
      requireConsent([{ option: '--target', url: opts.target }, { option: '--states-url', url: statesUrl }], opts.allowRemote === true);
      const credentials = resolveCredentials(undefined, process.env);
      configureTransport(opts.ca ? { caFiles: opts.ca } : {});
      const failed = await preflight({
        dialect: opts.dialect,
        target: opts.target,
        statesUrl,
        credentials,
        ...(opts.region !== undefined ? { region: opts.region } : {}),
        timeoutMs: opts.requestTimeout,
        states: opts.states !== false,
      });
      if (failed !== undefined) {
        exit.code = reportPreflightFailure(failed, selectRows(casesFor(opts.dialect), opts.grep), {
          target: opts.target,
          reportDir: opts.reportDir,
          baseline,
          ...(opts.baseline !== undefined ? { baselineFile: opts.baseline } : {}),
          level: opts.level === 'must' ? 'MUST' : 'ALL',
        });
        return;
      }
      // vitest loads only for a run: `compare`, `report`, `--version`... start fast.
      const { launchSuite } = await import('../engine/launch.ts');
      const outcome = await launchSuite({
        runs: [{ dialect: opts.dialect, target: opts.target, statesUrl, ...(opts.region !== undefined ? { region: opts.region } : {}) }],
        credentials,
        ...(opts.grep !== undefined ? { grep: opts.grep } : {}),
        pollTimeoutMs: opts.pollTimeout,
        requestTimeoutMs: opts.requestTimeout,
        reportDir: opts.reportDir,
        baseline,
        ...(opts.baseline !== undefined ? { baselineFile: opts.baseline } : {}),
        level: opts.level === 'must' ? 'MUST' : 'ALL',
        concurrency: opts.concurrency,
        retries: opts.retries,
        failOnFlaky: opts.failOnFlaky === true,
        ...(opts.states === false ? { noStates: true } : {}),
        ...(opts.ca ? { caFiles: opts.ca } : {}),
        ...(opts.redactSignatures ? { redactSignatures: true } : {}),
        ...consoleOptions(),
      });
      if (outcome.files.length > 0) process.stdout.write(`reports: ${outcome.files.join(', ')}\n`);
      exit.code = exitCodeOf(outcome);
    });
}
