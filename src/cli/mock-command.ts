/**
 * `vmconform mock --dialect D|all --port N`: the reference provider over HTTP with its provider-state endpoint
 * (DESIGN.md §6). Prints one `dialect url` line per provider, runs until SIGINT/SIGTERM, then stops cleanly. This
 * module only registers the command; the provider loads with `mock-action.ts` when it starts.
 */
import { Command, InvalidArgumentError } from 'commander';
import { DIALECT_NAMES } from '../dialects/types.ts';
import type { ExitSlot } from './main.ts';

/** Options the `mock` subcommand accepts. */
export interface MockCommandOptions {
  readonly dialect: string;
  readonly port: number;
  readonly host: string;
  readonly transitionMs: number;
  readonly verifySignatures: boolean;
  readonly rateLimit: boolean;
}

function parseNonNegativeInt(max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) > max) throw new InvalidArgumentError(`expected an integer from 0 to ${max}`);
    return Number(value);
  };
}

/**
 * Register `mock` on the program. The action's promise resolves once SIGINT or SIGTERM has stopped every server.
 *
 * @example
 * registerMockCommand(program, exit);
 */
export function registerMockCommand(program: Command, exit: ExitSlot): void {
  program
    .command('mock')
    .description('Run the reference provider (with the provider-state endpoint) until SIGINT/SIGTERM.')
    .requiredOption('--dialect <dialect>', `${DIALECT_NAMES.join(' | ')} | all`)
    .option('--port <n>', 'port of the first provider (0 = ephemeral; with all: n, n+1, ...)', parseNonNegativeInt(65535), 0)
    .option('--host <host>', 'address to bind (default loopback; another address makes the mock reachable from elsewhere)', '127.0.0.1')
    .option('--transition-ms <n>', 'STOPPING -> STOPPED time in ms', parseNonNegativeInt(3_600_000), 1000)
    .option('--verify-signatures', 'verify request signatures (credentials from VMCONFORM_ACCESS_KEY_ID/_SECRET, else the test ones)', false)
    .option('--no-rate-limit', 'do not enforce tencent-cvm-api3\'s 10 StopInstances per second')
    .action(async (opts: MockCommandOptions) => {
      const { mockAction } = await import('./mock-action.ts');
      exit.code = await mockAction(opts);
    });
}
