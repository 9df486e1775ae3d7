/**
 * `vmconform mock [--dialect D,...|all] --port N`: the reference provider over HTTP with its provider-state endpoint
 * (DESIGN.md §6). Prints one `dialect url` line per provider, runs until SIGINT/SIGTERM, then stops cleanly. This
 * module only registers the command; the provider loads with `mock-action.ts` when it starts.
 */
import type { Command } from 'commander';
import type { DialectName } from '../dialects/types.ts';
import type { ExitSlot } from './main.ts';
import { addTerm, parseDialectList, parseNonNegativeInt } from './options.ts';

/** Options the `mock` subcommand accepts. */
export interface MockCommandOptions {
  /** The dialects to serve (absent: all). */
  readonly dialect?: readonly DialectName[];
  readonly port: number;
  readonly host: string;
  readonly transitionMs: number;
  readonly verifySignatures: boolean;
  readonly rateLimit: boolean;
}

/**
 * Register `mock` on the program. The action's promise resolves once SIGINT or SIGTERM has stopped every server.
 *
 * @example
 * registerMockCommand(program, exit);
 */
export function registerMockCommand(program: Command, exit: ExitSlot): void {
  const mock = program.command('mock').description('Run the reference provider (with the provider-state endpoint) until SIGINT/SIGTERM.');
  addTerm(mock, 'dialects', { parse: parseDialectList });
  addTerm(mock, 'port', { parse: parseNonNegativeInt(65535), default: 0 });
  addTerm(mock, 'host', { default: '127.0.0.1' });
  addTerm(mock, 'transition-ms', { parse: parseNonNegativeInt(3_600_000), default: 1000 });
  addTerm(mock, 'verify-signatures', { default: false });
  addTerm(mock, 'no-rate-limit');
  mock.action(async (opts: MockCommandOptions) => {
    const { mockAction } = await import('./mock-action.ts');
    exit.code = await mockAction(opts);
  });
}
