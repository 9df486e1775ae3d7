/**
 * The `vmconform` command line (DESIGN.md §6): `run`, `mock`, `conformance`, `coverage`, `cases`, `fuzz`, `pact`,
 * `compare`, `baseline`, `report`, `repro`, `judge` and `proxy`. Each subcommand lives in its own module and sets its exit code: 0 nothing failed
 * beyond the baseline, 1 something did, 2 usage or configuration error, 3 vmconform itself failed, 130 interrupted.
 * Registering the commands loads commander and a few constants only: a command loads what it runs when its action
 * starts, so `--help` and `--version` start fast (an architecture test lists what they load).
 */
import { Command, CommanderError } from 'commander';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, UsageError, VmconformError } from '../errors.ts';
import { toolVersion } from '../package-root.ts';
import { terminalSafe } from '../../reporters/safe-text.ts';
import { guardStartup } from '../engine/interrupt.ts';
import { ENV_ACCESS_KEY_SECRET, redactSecret } from '../signing/credentials.ts';
import { registerCasesCommand } from './cases-command.ts';
import { internalErrorLine } from './internal-error.ts';
import { registerFuzzCommand } from './fuzz-command.ts';
import { registerJudgeCommand } from './judge-command.ts';
import { registerProxyCommand } from './proxy-command.ts';
import { registerBaselineCommand, registerCompareCommand, registerReportCommand } from './results-commands.ts';
import { registerConformanceCommand } from './conformance-command.ts';
import { registerCoverageCommand } from './coverage-command.ts';
import { registerMockCommand } from './mock-command.ts';
import { registerPactCommand } from './pact-command.ts';
import { registerReproCommand } from './repro-command.ts';
import { registerRunCommand } from './run-command.ts';
import { requireAfterUnknown } from './options.ts';
import { TERMS } from './vocabulary.ts';

/** The exit codes (defined with the error classes they map from). */
export { EXIT_FAILED, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE } from '../errors.ts';

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
  const restore = hideSecretFromConsole(process.env[ENV_ACCESS_KEY_SECRET]);
  // Commands that send requests: a Ctrl-C before their work begins is remembered, not fatal (src/engine/interrupt.ts).
  const sends = ['run', 'conformance', 'fuzz', 'mock', 'proxy'].includes(argv[0] ?? '') || (argv[0] === 'pact' && argv[1] === 'verify');
  const release = sends ? guardStartup() : () => undefined;
  try {
    return await runMain(argv);
  } finally {
    release();
    restore();
  }
}

/**
 * Defence in depth: while a command runs, the configured secret never reaches the console, whatever echoes it (an
 * option value typed by mistake, an error quoting its input). Returns the function that undoes it.
 */
export function hideSecretFromConsole(secret: string | undefined): () => void {
  if (secret === undefined || secret.length < 4) return () => undefined;
  const wrap = (stream: NodeJS.WriteStream): (() => void) => {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) || chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : String(chunk);
      return (original as (c: string, ...r: unknown[]) => boolean)(redactSecret(text, secret), ...rest);
    }) as typeof stream.write;
    return () => {
      stream.write = original as typeof stream.write;
    };
  };
  const undo = [wrap(process.stdout), wrap(process.stderr)];
  return () => {
    for (const u of undo) u();
  };
}

/**
 * The program with every command registered (its actions set `exit.code`). Required options are checked after
 * unknown ones, so that a misspelt option gets commander's "Did you mean ...?" (`requireAfterUnknown`).
 *
 * @example
 * const program = createProgram({ code: 0 }); // program.commands: run, mock, ...
 */
export function createProgram(exit: ExitSlot): Command {
  const program = new Command('vmconform')
    .description('Contract-test conformance suite for cloud VM lifecycle APIs (StopInstances).')
    .version(toolVersion(), TERMS.version.flags, TERMS.version.description)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  registerRunCommand(program, exit);
  registerMockCommand(program, exit);
  registerConformanceCommand(program, exit);
  registerCoverageCommand(program, exit);
  registerCasesCommand(program, exit);
  registerFuzzCommand(program, exit);
  registerPactCommand(program, exit);
  registerCompareCommand(program, exit);
  registerBaselineCommand(program, exit);
  registerReportCommand(program, exit);
  registerReproCommand(program, exit);
  registerJudgeCommand(program, exit);
  registerProxyCommand(program, exit);
  requireAfterUnknown(program);
  return program;
}

async function runMain(argv: readonly string[]): Promise<number> {
  const exit: ExitSlot = { code: EXIT_OK };
  const program = createProgram(exit);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exit.code;
  } catch (err: unknown) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; everything else commander rejects is a usage error.
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`vmconform: ${terminalSafe(err.message)}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof VmconformError) {
      process.stderr.write(`vmconform: ${terminalSafe(err.message)}\n`);
      return EXIT_INTERNAL;
    }
    process.stderr.write(internalErrorLine(err, argv, toolVersion()));
    return EXIT_INTERNAL;
  }
}
