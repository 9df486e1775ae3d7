/**
 * The `vmconform` command line: `run`, `mock`, `conformance`, `coverage`, `cases` and `pact` (DESIGN.md §6). Each
 * subcommand lives in its own module and returns its exit code: 0 nothing failed beyond the baseline, 1 something
 * did, 2 usage/configuration, 3 vmconform itself failed.
 */
import { Command, CommanderError } from 'commander';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, UsageError, VmconformError } from '../errors.ts';
import { registerCasesCommand } from './cases-command.ts';
import { registerConformanceCommand } from './conformance-command.ts';
import { registerCoverageCommand } from './coverage-command.ts';
import { registerMockCommand } from './mock-command.ts';
import { registerPactCommand } from './pact-command.ts';
import { registerRunCommand } from './run-command.ts';

export { EXIT_FAILED, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE } from '../errors.ts';

/** Where a subcommand stores the exit code it wants; commander actions cannot return one. */
export interface ExitSlot {
  code: number;
}

/**
 * Run the CLI with the given arguments (without `node` and the script path) and return the exit code.
 *
 * @example
 * process.exitCode = await main(['run', '--dialect', 'aliyun-ecs', '--target', 'http://127.0.0.1:8080']);
 */
export async function main(argv: readonly string[]): Promise<number> {
  const exit: ExitSlot = { code: EXIT_OK };
  const program = new Command('vmconform')
    .description('Contract-test conformance suite for cloud VM lifecycle APIs (StopInstances).')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  registerRunCommand(program, exit);
  registerMockCommand(program, exit);
  registerConformanceCommand(program, exit);
  registerCoverageCommand(program, exit);
  registerCasesCommand(program, exit);
  registerPactCommand(program, exit);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exit.code;
  } catch (err: unknown) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; everything else commander rejects is a usage error.
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`vmconform: ${err.message}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof VmconformError) {
      process.stderr.write(`vmconform: ${err.message}\n`);
      return EXIT_INTERNAL;
    }
    process.stderr.write(`vmconform: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT_INTERNAL;
  }
}
