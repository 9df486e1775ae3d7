/**
 * What `vmconform fuzz` does once its options are parsed (loaded by `fuzz-command.ts` when the command starts): the
 * preflight, the properties (fast-check loads only here, after the preflight passed), the reports.
 */
import { getDialect } from '../dialects/index.ts';
import { withoutSignatures } from '../engine/attempts.ts';
import { EMPTY_BASELINE, loadBaseline } from '../engine/baseline.ts';
import { WindowPacer } from '../engine/pacer.ts';
import { newRunId } from '../engine/run-case.ts';
import { watchInterrupts } from '../engine/interrupt.ts';
import { EXIT_INTERRUPTED } from '../errors.ts';
import { reportRun } from '../../reporters/report-run.ts';
import { formatSummaryBody } from '../../reporters/summary.ts';
import type { FuzzCliOptions } from './fuzz-command.ts';
import { approachTarget, consoleOptions, reportPreflightFailure } from './run-action.ts';

/**
 * Fuzz a target (`vmconform fuzz`) and return the exit code.
 *
 * @example
 * exit.code = await fuzzAction(opts); // opts as commander parsed them
 */
export async function fuzzAction(opts: FuzzCliOptions): Promise<number> {
  const baseline = opts.baseline !== undefined ? loadBaseline(opts.baseline) : EMPTY_BASELINE;
  const startedAt = new Date();
  const dialect = getDialect(opts.dialect);
  const { statesUrl, credentials, failed } = await approachTarget(opts, true);
  const level = opts.level === 'must' ? 'MUST' : 'ALL';
  if (failed !== undefined) {
    return reportPreflightFailure(failed, [], {
      target: opts.target,
      reportDir: opts.reportDir,
      baseline,
      ...(opts.baseline !== undefined ? { baselineFile: opts.baseline } : {}),
      level,
      redactSignatures: opts.redactSignatures === true,
    });
  }
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  process.stdout.write(`vmconform fuzz ${opts.dialect} ${opts.target}  runs ${opts.runs}  seed ${seed}\n`);
  // fast-check loads only for a fuzz run.
  const { runFuzz } = await import('../fuzz/properties.ts');
  const interrupts = watchInterrupts('finishing the running case and its teardown');
  const report = await runFuzz({
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
    signal: interrupts.signal,
  }).finally(() => interrupts.dispose());
  const interrupted = interrupts.signal.aborted;
  const outcome = reportRun({
    runId: newRunId(),
    startedAt,
    targets: [{ dialect: opts.dialect, target: opts.target }],
    results: opts.redactSignatures ? report.results.map(withoutSignatures) : report.results,
    baseline,
    ...(opts.baseline !== undefined ? { baselineFile: opts.baseline } : {}),
    level,
    reportDir: opts.reportDir,
    interrupted,
  });
  process.stdout.write(formatSummaryBody(outcome.doc, consoleOptions().paint));
  const perSecond = report.durationMs > 0 ? Math.round((report.requests * 1000) / report.durationMs) : report.requests;
  process.stdout.write(`fuzz: ${report.requests} requests in ${(report.durationMs / 1000).toFixed(1)} s (${perSecond}/s), seed ${report.seed}\n`);
  if (outcome.files.length > 0) process.stdout.write(`reports: ${outcome.files.join(', ')}\n`);
  return interrupted ? EXIT_INTERRUPTED : outcome.verdict.failed ? 1 : 0;
}
