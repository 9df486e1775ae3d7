/**
 * What `vmconform fuzz` does once its options are parsed (loaded by `fuzz-command.ts` when the command starts): the
 * checks of options that select nothing, the preflight, the properties (fast-check loads only here, after the
 * preflight passed), the reports, and how far each property got. A failure of vmconform itself exits 3 with the
 * internal-error log, never as a finding.
 */
import { getDialect } from '../dialects/index.ts';
import { withoutSignatures } from '../engine/attempts.ts';
import { EMPTY_BASELINE, loadBaseline } from '../engine/baseline.ts';
import { WindowPacer } from '../engine/pacer.ts';
import { newRunId } from '../engine/run-case.ts';
import { watchInterrupts } from '../engine/interrupt.ts';
import { openSeedLedger, quitReport } from '../engine/seed-ledger.ts';
import { EXIT_INTERNAL, EXIT_INTERRUPTED, UsageError } from '../errors.ts';
import { fuzzPropertiesOf } from '../fuzz/model.ts';
import type { FuzzOptions, FuzzReport } from '../fuzz/properties.ts';
import { toolVersion } from '../package-root.ts';
import { internalErrorLine } from './internal-error.ts';
import { reportRun } from '../../reporters/report-run.ts';
import { formatSummaryBody } from '../../reporters/summary.ts';
import type { FuzzCliOptions } from './fuzz-command.ts';
import { verbosityOf } from './options.ts';
import { approachTarget, consoleOptions, printReportFiles, reportPreflightFailure, writeQuitReports } from './run-action.ts';

/**
 * Fuzz a target (`vmconform fuzz`) and return the exit code.
 *
 * @example
 * exit.code = await fuzzAction(opts); // opts as commander parsed them
 */
export async function fuzzAction(opts: FuzzCliOptions): Promise<number> {
  checkSelection(opts);
  const baseline = opts.baseline !== undefined ? loadBaseline(opts.baseline) : EMPTY_BASELINE;
  const startedAt = new Date();
  const dialect = getDialect(opts.dialect);
  const { statesUrl, credentials, failed } = await approachTarget(opts, true);
  const level = opts.level === 'must' ? 'MUST' : 'ALL';
  const verbosity = verbosityOf(opts);
  const say = (line: string): void => {
    if (verbosity !== 'quiet') process.stdout.write(`${line}\n`);
  };
  if (failed !== undefined) {
    return reportPreflightFailure(failed, [], opts, baseline);
  }
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  const concurrency = opts.concurrency ?? 1;
  say(`vmconform fuzz ${opts.dialect} ${opts.target}  runs ${opts.runs}  seed ${seed}${concurrency > 1 ? `  concurrency ${concurrency}` : ''}`);
  // fast-check loads only for a fuzz run.
  const { runFuzz, FuzzEngineError } = await import('../fuzz/properties.ts');
  // The seed ledger lets a second signal say which instances it left seeded.
  const ledger = openSeedLedger();
  const runId = newRunId();
  const targets = [{ dialect: opts.dialect, target: opts.target }];
  const gateOptions = { baseline, ...(opts.baseline !== undefined ? { baselineFile: opts.baseline } : {}), level, reportDir: opts.reportDir } as const;
  const quit = writeQuitReports({ runId, startedAt, targets, results: [], ...gateOptions });
  const interrupts = watchInterrupts('finishing the running case and its teardown', undefined, quitReport(ledger, quit));
  const options: FuzzOptions = {
    target: {
      dialect,
      dctx: { baseUrl: opts.target, credentials, timeoutMs: opts.requestTimeout, ...(opts.region !== undefined ? { region: opts.region } : {}) },
      statesUrl,
      pacer: new WindowPacer(),
      pollTimeoutMs: opts.pollTimeout,
    },
    runs: opts.runs,
    seed,
    ...(opts.path !== undefined ? { path: opts.path } : {}),
    ...(opts.property !== undefined ? { only: opts.property } : {}),
    ...(opts.timeBudget !== undefined ? { timeBudgetMs: opts.timeBudget * 1000 } : {}),
    concurrency,
    // What a replay line must repeat for the replay to be allowed and to connect the same way.
    replayFlags: [...(opts.allowRemote === true ? ['--allow-remote'] : []), ...(opts.ca ?? []).flatMap((f) => ['--ca', f])],
    signal: interrupts.signal,
  };
  let report: FuzzReport;
  try {
    report = await runFuzz(options);
  } catch (err: unknown) {
    if (!(err instanceof FuzzEngineError)) throw err;
    process.stderr.write(internalErrorLine(err, ['fuzz', '--report-dir', opts.reportDir], toolVersion()));
    return EXIT_INTERNAL;
  } finally {
    interrupts.dispose();
    ledger.close();
  }
  const interrupted = interrupts.signal.aborted;
  const outcome = reportRun({
    runId,
    startedAt,
    targets,
    results: opts.redactSignatures ? report.results.map(withoutSignatures) : report.results,
    ...gateOptions,
    interrupted,
  });
  process.stdout.write(formatSummaryBody(outcome.doc, consoleOptions().paint, verbosity));
  say(howFar(report));
  const perSecond = report.durationMs > 0 ? Math.round((report.requests * 1000) / report.durationMs) : report.requests;
  say(`fuzz: ${report.requests} requests in ${(report.durationMs / 1000).toFixed(1)} s (${perSecond}/s), seed ${report.seed}`);
  printReportFiles(outcome.files, verbosity);
  return interrupted ? EXIT_INTERRUPTED : outcome.verdict.failed ? 1 : 0;
}

/**
 * Options that would select nothing are usage errors (exit 2, before any request): a property the dialect does not
 * have, a `--path` without its `--seed` or without exactly one `--property`.
 */
function checkSelection(opts: FuzzCliOptions): void {
  const available = fuzzPropertiesOf(opts.dialect);
  const missing = (opts.property ?? []).filter((p) => !available.includes(p));
  if (missing.length > 0) {
    throw new UsageError(`--property ${missing.join(',')}: ${opts.dialect} has no such property (choose from ${available.join(', ')}; rate-limit only where the spec documents a rate)`);
  }
  if (opts.path !== undefined && opts.seed === undefined) throw new UsageError('--path replays a printed failure: give it with the --seed it was printed with');
  if (opts.path !== undefined && opts.property?.length !== 1) throw new UsageError('--path replays one case of one property: give it with the one --property it was printed with');
}

/** One line on how far the properties got: how many ran fully, and which the time budget cut short or left out. */
function howFar(report: FuzzReport): string {
  const full = report.properties.filter((p) => p.ending === 'complete' || p.ending === 'failed').length;
  const short = report.properties.flatMap((p) =>
    p.ending === 'time' ? [`${p.id} ran ${p.ran} of ${p.planned} case(s) (the time budget ran out)`]
    : p.ending === 'not-run' ? [`${p.id} not run (the time budget left no time for it)`]
    : p.ending === 'interrupted' ? [`${p.id} ran ${p.ran} of ${p.planned} case(s) (interrupted)`]
    : [],
  );
  return `fuzz: ${full} of ${report.properties.length} properties ran fully${short.length > 0 ? `; ${short.join('; ')}` : ''}`;
}
