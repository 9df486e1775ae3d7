/**
 * `vmconform conformance` (`npm run conformance`): start the built-in reference providers on free loopback ports,
 * run every dialect against them in one vitest run, write `reports/`, stop the providers, print the wall time.
 * Exit 0 when every case passes. This module only registers the command; the run loads with
 * `conformance-action.ts` when it starts.
 */
import type { Command } from 'commander';
import type { DialectName } from '../dialects/types.ts';
import type { ExitSlot } from './main.ts';
import { addTerm, addVerbosityOptions, parseConcurrency, parseDialectList, parseGrep, type VerbosityOptions } from './options.ts';

/** Options of `vmconform conformance` after parsing. */
export interface ConformanceOptions extends VerbosityOptions {
  reportDir: string;
  dialect?: DialectName[];
  grep?: string;
  concurrency: number;
}

/**
 * Register `vmconform conformance` on the program.
 *
 * @example
 * registerConformanceCommand(program, exit); // vmconform conformance --report-dir reports
 */
export function registerConformanceCommand(program: Command, exit: ExitSlot): void {
  const conformance = program
    .command('conformance')
    .description('Run every dialect against the built-in reference providers (free loopback ports) and write reports.');
  addVerbosityOptions(conformance);
  addTerm(conformance, 'report-dir', { default: 'reports' });
  addTerm(conformance, 'dialects', { parse: parseDialectList });
  addTerm(conformance, 'grep', { parse: parseGrep });
  addTerm(conformance, 'concurrency', { parse: parseConcurrency, default: 16 });
  conformance
    .addHelpText('after', '\nReports (--report-dir): those of `vmconform run` for every dialect, and coverage.md.')
    .action(async (opts: ConformanceOptions) => {
      const { conformanceAction } = await import('./conformance-action.ts');
      exit.code = await conformanceAction(opts);
    });
}
