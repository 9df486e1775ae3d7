/**
 * `vmconform conformance` (`npm run conformance`): start the built-in reference providers on free loopback ports,
 * run every dialect against them in one vitest run, write `reports/`, stop the providers, print the wall time.
 * Exit 0 when every case passes.
 */
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { casesFor } from '../cases/index.ts';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { EMPTY_BASELINE } from '../engine/baseline.ts';
import { defaultStatesUrl } from '../engine/provider-states.ts';
import { DEFAULT_POLL_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from '../engine/run-case.ts';
import { selectRows, type SuiteTarget } from '../engine/suite-config.ts';
import { coverageSummaryLines, writeCoverage } from '../coverage/write.ts';
import { UsageError } from '../errors.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import type { ExitSlot } from './main.ts';
import { consoleOptions, exitCodeOf, parseGrep } from './run-command.ts';

/** How fast the reference providers move STOPPING to STOPPED in a conformance run. */
export const CONFORMANCE_TRANSITION_MS = 300;

interface ConformanceOptions {
  reportDir: string;
  dialect?: DialectName[];
  grep?: string;
}

/**
 * Register `vmconform conformance` on the program.
 *
 * @example
 * registerConformanceCommand(program, exit); // vmconform conformance --report-dir reports
 */
export function registerConformanceCommand(program: Command, exit: ExitSlot): void {
  program
    .command('conformance')
    .description('Run every dialect against the built-in reference providers (free loopback ports) and write reports.')
    .option('--report-dir <dir>', 'where to write the reports and coverage.md', 'reports')
    .addOption(new Option('--dialect <name...>', 'only these dialects (default: all five)').choices([...DIALECT_NAMES]))
    .option('--grep <pattern>', 'run only the cases whose id matches this regular expression', parseGrep)
    .action(async (opts: ConformanceOptions) => {
      const started = performance.now();
      // Dialects with no case matching --grep are left out (no provider, no empty run).
      const dialects = [...new Set(opts.dialect ?? DIALECT_NAMES)].filter(
        (d) => selectRows(casesFor(d), opts.grep).length > 0,
      );
      if (dialects.length === 0) throw new UsageError(`no case matches --grep ${JSON.stringify(opts.grep ?? '')}`);
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
            verifySignatures: TEST_CREDENTIALS,
          });
          providers.push(p);
          runs.push({ dialect, target: p.url, statesUrl: defaultStatesUrl(p.url) });
          process.stdout.write(`reference provider ${dialect} at ${p.url}\n`);
        }
        // vitest loads only for a run: `compare`, `report`, `--version`... start fast.
      const { launchSuite } = await import('../engine/launch.ts');
      const outcome = await launchSuite({
          runs,
          credentials: TEST_CREDENTIALS,
          ...(opts.grep !== undefined ? { grep: opts.grep } : {}),
          pollTimeoutMs: DEFAULT_POLL_TIMEOUT_MS,
          requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
          reportDir: opts.reportDir,
          baseline: EMPTY_BASELINE,
          level: 'ALL',
          ...consoleOptions(),
        });
        const coveragePath = join(opts.reportDir, 'coverage.md');
        const coverage = writeCoverage(coveragePath);
        process.stdout.write(`reports: ${[...outcome.files, coveragePath].join(', ')}\n`);
        for (const line of coverageSummaryLines(coverage.reports)) process.stdout.write(`coverage ${line}\n`);
        exit.code = exitCodeOf(outcome);
      } finally {
        await Promise.allSettled(providers.map((p) => p.close()));
        process.stdout.write(`wall time: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      }
    });
}
