/**
 * Runs the vitest suite programmatically (`createVitest` from `vitest/node`) with the run configuration provided
 * to it and the vmconform reporter attached, and returns what the reporter collected. Used by `vmconform run`
 * and `vmconform conformance`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVitest } from 'vitest/node';
import { VmconformReporter, type ReporterOutcome } from '../../reporters/vmconform-reporter.ts';
import type { Credentials } from '../dialects/types.ts';
import { VmconformError } from '../errors.ts';
import { watchInterrupts } from './interrupt.ts';
import { openSeedLedger, quitReport } from './seed-ledger.ts';
import { casesFor } from '../cases/index.ts';
import type { Paint } from '../../reporters/color.ts';
import type { Verbosity } from '../../reporters/summary.ts';
import { unknownBaselineEntries, unknownBaselineWarning, type Baseline } from './baseline.ts';
import { newRunId } from './run-case.ts';
import { SUITE_CONFIG_KEY, selectRows, type SuiteRunConfig, type SuiteTarget } from './suite-config.ts';

/**
 * The folder vitest runs in, the one holding `suites/`: the package root for the sources, `dist/` for the build
 * (the suite is found next to this module, whichever of the two runs).
 */
export const SUITE_ROOT: string = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The suite file, relative to {@link SUITE_ROOT}: `suites/stop-instances.suite.ts` from the sources, the built
 * `suites/stop-instances.suite.js` from `dist/` (so an installed package needs no TypeScript transform).
 */
export const SUITE_FILE = `suites/stop-instances.suite${extname(fileURLToPath(import.meta.url))}`;

/** Options of {@link launchSuite}. */
export interface LaunchOptions {
  readonly runs: readonly SuiteTarget[];
  readonly credentials: Credentials;
  readonly grep?: string;
  readonly pollTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly reportDir?: string;
  readonly baseline: Baseline;
  /** The baseline's file name, recorded in the reports. */
  readonly baselineFile?: string;
  readonly level: 'MUST' | 'ALL';
  /** Run a failed case again up to this many times (`--retries`); default 0. */
  readonly retries?: number;
  /** `--no-states`: only the rows that need no seeded instance run, without seeds. */
  readonly noStates?: boolean;
  /** `--ca`: PEM files of CAs to trust besides the system's. */
  readonly caFiles?: readonly string[];
  /** `--redact-signatures`: mask request signatures in curl lines and recorded exchanges. */
  readonly redactSignatures?: boolean;
  /** A case that passes only on a retry fails the run (`--fail-on-flaky`). */
  readonly failOnFlaky?: boolean;
  readonly runId?: string;
  /** How many cases run at once (default 16). */
  readonly concurrency?: number;
  /** Where the header, progress and summary go (default stdout). */
  readonly print?: (text: string) => void;
  /** Progress as a live line (a terminal); else a plain line every few seconds. */
  readonly live?: boolean;
  /** Colour for the console. */
  readonly paint?: Paint;
  /** How much the console says (`--quiet`, `--verbose`); default `normal`. */
  readonly verbosity?: Verbosity;
  /** Where warnings go, one line each without the newline (default stderr, prefixed `vmconform: warning: `). */
  readonly warn?: (line: string) => void;
}

/**
 * Run the suite once over every target of `runs` and return the reporter's outcome.
 *
 * @example
 * const { verdict } = await launchSuite({ runs: [{ dialect, target, statesUrl }], credentials, baseline: EMPTY_BASELINE,
 *   level: 'ALL', pollTimeoutMs: 10_000, requestTimeoutMs: 10_000 });
 */
export async function launchSuite(options: LaunchOptions): Promise<ReporterOutcome> {
  const warn = options.warn ?? ((line: string): void => void process.stderr.write(`vmconform: warning: ${line}\n`));
  for (const entry of unknownBaselineEntries(options.baseline, [...new Set(options.runs.map((r) => r.dialect))])) {
    warn(unknownBaselineWarning(entry));
  }
  const runId = options.runId ?? newRunId();
  const flagDir = mkdtempSync(join(tmpdir(), 'vmconform-run-'));
  const interruptFlag = join(flagDir, 'interrupted');
  const config: SuiteRunConfig = {
    runId,
    runs: options.runs,
    credentials: options.credentials,
    ...(options.grep !== undefined ? { grep: options.grep } : {}),
    pollTimeoutMs: options.pollTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
    retries: options.retries ?? 0,
    ...(options.noStates ? { noStates: true } : {}),
    ...(options.caFiles && options.caFiles.length > 0 ? { caFiles: options.caFiles } : {}),
    ...(options.redactSignatures ? { redactSignatures: true } : {}),
    interruptFlag,
  };
  const reporter = new VmconformReporter({
    runId,
    targets: options.runs.map((r) => ({
      dialect: r.dialect,
      target: r.target,
      statesUrl: r.statesUrl,
      ...(r.region !== undefined ? { region: r.region } : {}),
      pollTimeoutMs: options.pollTimeoutMs,
      requestTimeoutMs: options.requestTimeoutMs,
      ...(options.noStates ? { noStates: true } : {}),
    })),
    ...(options.reportDir !== undefined ? { reportDir: options.reportDir } : {}),
    baseline: options.baseline,
    ...(options.baselineFile !== undefined ? { baselineFile: options.baselineFile } : {}),
    level: options.level,
    retries: options.retries ?? 0,
    failOnFlaky: options.failOnFlaky === true,
    total: options.runs.reduce((n, r) => n + selectRows(casesFor(r.dialect), options.grep).length, 0),
    ...(options.print ? { print: options.print } : {}),
    ...(options.live !== undefined ? { live: options.live } : {}),
    ...(options.paint ? { paint: options.paint } : {}),
    ...(options.verbosity ? { verbosity: options.verbosity } : {}),
  });
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const ownListeners = new Set(signals.flatMap((sig) => process.listeners(sig)));
  const vitest = await createVitest(
    'test',
    {
      config: false,
      root: SUITE_ROOT,
      include: [SUITE_FILE],
      watch: false,
      reporters: [reporter],
      maxConcurrency: options.concurrency ?? 16,
      pool: 'threads',
      passWithNoTests: true,
      // No results cache: one suite file has nothing to order, and an installed package may be read-only.
      cache: false,
      // The suite's own per-case timeouts apply; these are backstops for the hooks vitest runs itself.
      hookTimeout: 60_000,
      teardownTimeout: 10_000,
    },
    { logLevel: 'error' },
  );
  // Ctrl-C (or SIGTERM): no case starts any more (the suite sees the flag file), the running ones finish and tear
  // down, the reports are written. A second signal ends the process at once. vitest's own handlers would end the
  // process on the first signal (and its cancel stops the workers mid-case, before teardown): ours replace them.
  for (const sig of signals) for (const l of process.listeners(sig)) if (!ownListeners.has(l)) process.off(sig, l);
  // Every setup and teardown of the run goes to the seed ledger, so a second signal can say what it left behind.
  const ledger = openSeedLedger();
  const interrupts = watchInterrupts(
    'finishing the running cases and their teardown',
    () => {
      writeFileSync(interruptFlag, '');
      reporter.interrupt();
    },
    quitReport(ledger, (leftovers) => reporter.abandon(leftovers)),
  );
  try {
    vitest.provide(SUITE_CONFIG_KEY, config);
    await vitest.start([SUITE_FILE]);
  } finally {
    interrupts.dispose();
    await vitest.close();
    ledger.close();
    rmSync(flagDir, { recursive: true, force: true });
  }
  const outcome = reporter.outcome;
  if (!outcome) throw new VmconformError('the vitest run ended without a report (the suite did not run)');
  return outcome;
}
