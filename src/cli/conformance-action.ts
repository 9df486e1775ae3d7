/**
 * What `vmconform conformance` does once its options are parsed (loaded by `conformance-command.ts` when the command
 * starts): the reference providers on free loopback ports, every dialect against them in one vitest run, the reports
 * and `coverage.md`.
 */
import { join } from 'node:path';
import { casesFor } from '../cases/index.ts';
import { coverageSummaryLines, writeCoverage } from '../coverage/write.ts';
import { DIALECT_NAMES } from '../dialects/types.ts';
import { EMPTY_BASELINE } from '../engine/baseline.ts';
import { DEFAULT_POLL_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from '../engine/defaults.ts';
import { defaultStatesUrl } from '../engine/provider-states.ts';
import { noCaseMatches, selectRows, type SuiteTarget } from '../engine/suite-config.ts';
import { UsageError } from '../errors.ts';
import { resolveCredentials } from '../signing/credentials.ts';
import type { ConformanceOptions } from './conformance-command.ts';
import { verbosityOf } from './options.ts';
import { consoleOptions, exitCodeOf, printReportFiles } from './run-action.ts';

/** How fast the reference providers move STOPPING to STOPPED in a conformance run. */
export const CONFORMANCE_TRANSITION_MS = 300;

/**
 * Run every selected dialect against its reference provider and return the exit code.
 *
 * @example
 * exit.code = await conformanceAction({ reportDir: 'reports' });
 */
export async function conformanceAction(opts: ConformanceOptions): Promise<number> {
  const started = performance.now();
  const verbosity = verbosityOf(opts);
  // --quiet: only the new failures and the result line.
  const say = (line: string): void => {
    if (verbosity !== 'quiet') process.stdout.write(`${line}\n`);
  };
  // Dialects with no case matching --grep are left out (no provider, no empty run).
  const dialects = [...new Set(opts.dialect ?? DIALECT_NAMES)].filter((d) => selectRows(casesFor(d), opts.grep).length > 0);
  if (dialects.length === 0) throw new UsageError(noCaseMatches(opts.grep, opts.dialect ?? DIALECT_NAMES, (opts.dialect ?? DIALECT_NAMES).flatMap((d) => casesFor(d))));
  // VMCONFORM_ACCESS_KEY_ID / _SECRET (both, or neither for the test credentials): the suite signs with them and the
  // reference providers check them.
  const credentials = resolveCredentials(undefined, process.env);
  const { startProviderServer } = await import('../provider/server.ts');
  const providers: { close(): Promise<void> }[] = [];
  try {
    const runs: SuiteTarget[] = [];
    for (const dialect of dialects) {
      const p = await startProviderServer({
        dialect,
        port: 0,
        host: '127.0.0.1',
        transitionMs: CONFORMANCE_TRANSITION_MS,
        verifySignatures: credentials,
      });
      providers.push(p);
      runs.push({ dialect, target: p.url, statesUrl: defaultStatesUrl(p.url) });
      say(`reference provider ${dialect} at ${p.url}`);
    }
    const { launchSuite } = await import('../engine/launch.ts');
    const outcome = await launchSuite({
      runs,
      credentials,
      ...(opts.grep !== undefined ? { grep: opts.grep } : {}),
      pollTimeoutMs: DEFAULT_POLL_TIMEOUT_MS,
      requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
      reportDir: opts.reportDir,
      baseline: EMPTY_BASELINE,
      level: 'ALL',
      concurrency: opts.concurrency,
      ...consoleOptions(),
      verbosity,
    });
    const coveragePath = join(opts.reportDir, 'coverage.md');
    const coverage = writeCoverage(coveragePath);
    printReportFiles([...outcome.files, coveragePath], verbosity);
    for (const line of coverageSummaryLines(coverage.reports)) say(`coverage ${line}`);
    return exitCodeOf(outcome);
  } finally {
    await Promise.allSettled(providers.map((p) => p.close()));
    say(`wall time: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}
