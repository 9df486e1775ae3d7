/**
 * What `vmconform run` does once its options are parsed (loaded by `run-command.ts` when the command starts), and
 * the pieces the other commands that judge a target share: the console's look, the exit code of a launch, and a run
 * stopped by its preflight.
 */
import { join } from 'node:path';
import { casesFor } from '../cases/index.ts';
import type { CaseRow } from '../cases/types.ts';
import type { Credentials, DialectName } from '../dialects/types.ts';
import { configureTransport } from '../dialects/transport.ts';
import { withoutSignatures } from '../engine/attempts.ts';
import { EMPTY_BASELINE, loadBaseline, type Baseline } from '../engine/baseline.ts';
import { preflight, skippedByPreflight } from '../engine/preflight.ts';
import type { Leftover } from '../engine/seed-ledger.ts';
import { defaultStatesUrl } from '../engine/provider-states.ts';
import { interruptedEarly } from '../engine/interrupt.ts';
import { caseIdentity, newRunId } from '../engine/run-case.ts';
import { noCaseMatches, selectRows } from '../engine/suite-config.ts';
import type { CaseResult } from '../engine/types.ts';
import { EXIT_INTERRUPTED, UsageError, VmconformError } from '../errors.ts';
import { resolveCredentials } from '../signing/credentials.ts';
import { paintFor, type Paint } from '../../reporters/color.ts';
import { reportRun, type ReportRunInput } from '../../reporters/report-run.ts';
import { terminalSafe } from '../../reporters/safe-text.ts';
import { formatSummary, type Verbosity } from '../../reporters/summary.ts';
import type { RunTarget } from '../../reporters/results-json.ts';
import type { ReporterOutcome } from '../../reporters/vmconform-reporter.ts';
import { requireConsent } from './consent.ts';
import { verbosityOf, type VerbosityOptions } from './options.ts';
import type { RunOptions } from './run-command.ts';

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

/** The options of a command that gates a run (`run`, `fuzz`, `pact verify`) that {@link reportPreflightFailure} reads. */
export interface GatedCommandOptions extends VerbosityOptions {
  readonly target: string;
  readonly reportDir: string;
  /** The baseline's file (`--baseline`). */
  readonly baseline?: string;
  readonly level: 'must' | 'all';
  readonly redactSignatures?: boolean;
}

/**
 * What a second signal writes before the process quits at once: the reports of a run that did not finish, with the
 * instances it left seeded (results.json `leftovers`), every case not finished reported not run.
 *
 * @example
 * watchInterrupts('...', undefined, quitReport(ledger, writeQuitReports({ ...run, results: notRun })));
 */
export function writeQuitReports(run: Omit<ReportRunInput, 'interrupted' | 'leftovers' | 'errors'>): (leftovers: readonly Leftover[]) => void {
  return (leftovers) => {
    reportRun({ ...run, interrupted: true, leftovers, errors: ['quit at once at a second signal: what was still running was not finished and is missing'] });
  };
}

/**
 * A run the preflight stopped: one failing `preflight` row and every selected case skipped with the reason, through the
 * same reports; prints the diagnosis and returns the gate's exit code (1: no baseline can list the preflight).
 *
 * @example
 * if (failed !== undefined) return reportPreflightFailure(failed, rows, opts, baseline);
 */
export function reportPreflightFailure(
  failed: CaseResult,
  rows: readonly CaseRow[],
  opts: GatedCommandOptions,
  baseline: Baseline,
  /** The target with the options of the run (recorded in results.json); the URL alone by default. */
  target: string | Omit<RunTarget, 'dialect'> = opts.target,
): number {
  const verbosity = verbosityOf(opts);
  const run = {
    target,
    reportDir: opts.reportDir,
    baseline,
    ...(opts.baseline !== undefined ? { baselineFile: opts.baseline } : {}),
    level: opts.level === 'must' ? ('MUST' as const) : ('ALL' as const),
    redactSignatures: opts.redactSignatures === true,
  };
  const shown = run.redactSignatures ? withoutSignatures(failed) : failed;
  const results = [shown, ...rows.map((r) => skippedByPreflight(caseIdentity(r), shown))];
  const interrupted = interruptedEarly();
  const outcome = reportRun({
    runId: newRunId(),
    startedAt: new Date(),
    targets: [typeof run.target === 'string' ? { dialect: failed.dialect, target: run.target } : { ...run.target, dialect: failed.dialect }],
    results,
    baseline: run.baseline,
    ...(run.baselineFile !== undefined ? { baselineFile: run.baselineFile } : {}),
    level: run.level,
    reportDir: run.reportDir,
    ...(interrupted ? { interrupted } : {}),
  });
  const finding = shown.findings[0];
  process.stderr.write(terminalSafe(`vmconform: preflight failed: ${finding?.message ?? shown.message ?? ''}\n${finding?.curl ? `  ${finding.curl}\n` : ''}`));
  // The header too (version, run id, target, gate): the run stopped before the reporter that prints it started.
  process.stdout.write(formatSummary(outcome.doc, consoleOptions().paint, verbosity, join(run.reportDir, 'results.json')));
  printReportFiles(outcome.files, verbosity);
  return interrupted ? EXIT_INTERRUPTED : outcome.verdict.failed ? 1 : 0;
}

/**
 * Print where the report files went (`reports: ...`), unless `--quiet`.
 *
 * @example
 * printReportFiles(outcome.files, verbosityOf(opts));
 */
export function printReportFiles(files: readonly string[], verbosity: Verbosity = 'normal'): void {
  if (files.length > 0 && verbosity !== 'quiet') process.stdout.write(`reports: ${files.join(', ')}\n`);
}

/** The options of a command that sends requests to a target (`run`, `fuzz`) that {@link approachTarget} reads. */
export interface TargetCommandOptions {
  readonly dialect: DialectName;
  readonly target: string;
  readonly statesUrl?: string;
  readonly allowRemote?: boolean;
  readonly ca?: readonly string[];
  readonly region?: string;
  readonly requestTimeout: number;
}

/**
 * The start `run` and `fuzz` share before any case: consent for a target off loopback, the credentials, the
 * transport (`--ca`), and the preflight (`states`: whether it checks the provider-state endpoint). `failed` is the
 * preflight's failing row, when it failed.
 *
 * @example
 * const { statesUrl, credentials, failed } = await approachTarget(opts, true);
 */
export async function approachTarget(
  opts: TargetCommandOptions,
  states: boolean,
): Promise<{ statesUrl: string; credentials: Credentials; failed: CaseResult | undefined }> {
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
    states,
    warn: (line) => void process.stderr.write(terminalSafe(`vmconform: warning: ${line}\n`)),
  });
  return { statesUrl, credentials, failed };
}

/**
 * Run the cases of one dialect against a target (`vmconform run`) and return the exit code.
 *
 * @example
 * exit.code = await runAction(opts); // opts as commander parsed them
 */
export async function runAction(opts: RunOptions): Promise<number> {
  const verbosity = verbosityOf(opts);
  const baseline = opts.baseline !== undefined ? loadBaseline(opts.baseline) : EMPTY_BASELINE;
  if (selectRows(casesFor(opts.dialect), opts.grep).length === 0) throw new UsageError(noCaseMatches(opts.grep, [opts.dialect], casesFor(opts.dialect)));
  const { statesUrl, credentials, failed } = await approachTarget(opts, opts.states !== false);
  if (failed !== undefined) {
    return reportPreflightFailure(failed, selectRows(casesFor(opts.dialect), opts.grep), opts, baseline, {
      target: opts.target,
      statesUrl,
      ...(opts.region !== undefined ? { region: opts.region } : {}),
      pollTimeoutMs: opts.pollTimeout,
      requestTimeoutMs: opts.requestTimeout,
      ...(opts.states === false ? { noStates: true } : {}),
    });
  }
  // vitest loads only once the preflight passed.
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
    verbosity,
  });
  printReportFiles(outcome.files, verbosity);
  return exitCodeOf(outcome);
}
