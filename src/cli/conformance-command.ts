/**
 * `vmconform conformance` (`npm run conformance`): start the built-in reference providers on free loopback ports,
 * run every dialect against them in one vitest run, write `reports/`, stop the providers, print the wall time.
 * Exit 0 when every case passes. This module only registers the command; the run loads with
 * `conformance-action.ts` when it starts.
 */
import { Option, type Command } from 'commander';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import type { ExitSlot } from './main.ts';
import { addVerbosityOptions, parseGrep, type VerbosityOptions } from './options.ts';

/** Options of `vmconform conformance` after parsing. */
export interface ConformanceOptions extends VerbosityOptions {
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
  addVerbosityOptions(
    program
      .command('conformance')
      .description('Run every dialect against the built-in reference providers (free loopback ports) and write reports.'),
  )
    .option('--report-dir <dir>', 'where to write the reports and coverage.md', 'reports')
    .addOption(new Option('--dialect <name...>', 'only these dialects (default: all five)').choices([...DIALECT_NAMES]))
    .option('--grep <pattern>', 'run only the cases whose id matches this regular expression', parseGrep)
    .action(async (opts: ConformanceOptions) => {
      const { conformanceAction } = await import('./conformance-action.ts');
      exit.code = await conformanceAction(opts);
    });
}
