/**
 * `vmconform fuzz`: generated requests and stateful sequences against a target, judged by the dialect's model from
 * its spec (DESIGN.md §6). One results row per property (`fuzz.<property>`), the same reports and exit codes as
 * `run`; a failure prints its seed, its path and the shrunk case as curl lines.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { getDialect } from '../dialects/index.ts';
import type { DialectName } from '../dialects/types.ts';
import { EMPTY_BASELINE, loadBaseline } from '../engine/baseline.ts';
import { withoutSignatures } from '../engine/attempts.ts';
import { WindowPacer } from '../engine/pacer.ts';
import { preflight } from '../engine/preflight.ts';
import { defaultStatesUrl } from '../engine/provider-states.ts';
import { DEFAULT_POLL_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, newRunId } from '../engine/run-case.ts';
import { FUZZ_PROPERTIES, type FuzzPropertyName } from '../fuzz/names.ts';
import { resolveCredentials } from '../signing/credentials.ts';
import { watchInterrupts } from '../engine/interrupt.ts';
import { EXIT_INTERRUPTED } from '../errors.ts';
import { formatSummaryBody } from '../../reporters/summary.ts';
import { reportRun } from '../../reporters/report-run.ts';
import { requireConsent } from './consent.ts';
import { configureTransport } from '../dialects/transport.ts';
import type { ExitSlot } from './main.ts';
import { addSafetyOptions, addTargetOptions, consoleOptions, parseMs, reportPreflightFailure } from './run-command.ts';

function parseCount(max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) throw new InvalidArgumentError(`expected a whole number 1..${max}, got ${JSON.stringify(value)}`);
    return Number(value);
  };
}

function parseSeed(value: string): number {
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError(`expected an integer seed, got ${JSON.stringify(value)}`);
  return Number(value);
}

function parsePath(value: string): string {
  if (!/^\d+(:\d+)*$/.test(value)) throw new InvalidArgumentError(`expected a fast-check path like 12:0:3, got ${JSON.stringify(value)}`);
  return value;
}

interface FuzzCliOptions {
  dialect: DialectName;
  target: string;
  statesUrl?: string;
  runs: number;
  seed?: number;
  path?: string;
  property?: FuzzPropertyName[];
  timeBudget?: number;
  pollTimeout: number;
  requestTimeout: number;
  region?: string;
  reportDir: string;
  baseline?: string;
  level: 'must' | 'all';
  allowRemote?: boolean;
  ca?: string[];
  redactSignatures?: boolean;
}

/**
 * Register `vmconform fuzz` on the program.
 *
 * @example
 * registerFuzzCommand(program, exit); // vmconform fuzz --dialect aliyun-ecs --target http://127.0.0.1:8084 --runs 200
 */
export function registerFuzzCommand(program: Command, exit: ExitSlot): void {
  addSafetyOptions(
    addTargetOptions(
      program.command('fuzz').description("Generated StopInstances requests and sequences against a target, judged by the dialect's model from its spec."),
    ),
  )
    .option('--runs <n>', 'generated cases in all (each a request or a sequence), split over the properties', parseCount(100_000), 100)
    .option('--seed <n>', 'fast-check seed (default: random; printed, so a run can be replayed)', parseSeed)
    .option('--path <path>', 'replay one failure: the path a failed run printed (with its --seed and --property)', parsePath)
    .addOption(new Option('--property <name...>', 'only these properties').choices([...FUZZ_PROPERTIES]))
    .option('--time-budget <seconds>', 'stop generating after this long (each property gets its share)', parseCount(86_400))
    .option('--poll-timeout <ms>', 'how long a stopped instance may take to read the stopped status', parseMs, DEFAULT_POLL_TIMEOUT_MS)
    .option('--request-timeout <ms>', 'timeout of each HTTP request to the target', parseMs, DEFAULT_REQUEST_TIMEOUT_MS)
    .option('--region <region>', "region sent with each request (tencent Region, aliyun RegionId); default: the dialect's")
    .option('--baseline <file>', 'known failures (by fuzz.<property> id) that do not fail the run')
    .addOption(new Option('--level <level>', '"must" gates on MUST properties only').choices(['must', 'all']).default('all'))
    .addHelpText(
      'after',
      `\nProperties: ${FUZZ_PROPERTIES.join(', ')} (rate-limit only where the spec documents a rate).\n` +
        'Exit status: 0 nothing failed beyond the baseline, 1 something did, 2 usage or configuration error, 3 vmconform itself failed,\n' +
        '130 interrupted (Ctrl-C: the running case finishes and tears down, partial reports are written).',
    )
    .action(async (opts: FuzzCliOptions) => {
      const baseline = opts.baseline !== undefined ? loadBaseline(opts.baseline) : EMPTY_BASELINE;
      const statesUrl = opts.statesUrl ?? defaultStatesUrl(opts.target);
      requireConsent([{ option: '--target', url: opts.target }, { option: '--states-url', url: statesUrl }], opts.allowRemote === true);
      const startedAt = new Date();
      const dialect = getDialect(opts.dialect);
      const credentials = resolveCredentials(undefined, process.env);
      configureTransport(opts.ca ? { caFiles: opts.ca } : {});
      const failed = await preflight({
        dialect: opts.dialect,
        target: opts.target,
        statesUrl,
        credentials,
        ...(opts.region !== undefined ? { region: opts.region } : {}),
        timeoutMs: opts.requestTimeout,
        states: true,
      });
      const level = opts.level === 'must' ? 'MUST' : 'ALL';
      if (failed !== undefined) {
        exit.code = reportPreflightFailure(failed, [], { target: opts.target, reportDir: opts.reportDir, baseline, level });
        return;
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
      exit.code = interrupted ? EXIT_INTERRUPTED : outcome.verdict.failed ? 1 : 0;
    });
}
