/**
 * What `vmconform mock` does once its options are parsed (loaded by `mock-command.ts` when the command starts): start
 * the reference providers and serve until SIGINT or SIGTERM.
 */
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { UsageError } from '../errors.ts';
import { startProviderServer, type RunningProvider } from '../provider/server.ts';
import { resolveCredentials } from '../signing/credentials.ts';
import { watchInterrupts } from '../engine/interrupt.ts';
import { isLoopbackUrl } from './consent.ts';
import type { MockCommandOptions } from './mock-command.ts';

/**
 * Start the providers a `mock` invocation asks for (ports `port`, `port + 1`, ... or all ephemeral when 0).
 *
 * @example
 * const running = await startMockProviders({ port: 0, host: '127.0.0.1', transitionMs: 1000, verifySignatures: false, rateLimit: true });
 */
export async function startMockProviders(options: MockCommandOptions): Promise<RunningProvider[]> {
  if (options.host.trim() === '') throw new UsageError('--host must name an address to bind');
  const bracketed = options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
  if (!isLoopbackUrl(`http://${bracketed}/`)) {
    process.stderr.write(
      `warning: binding the mock to ${options.host}: it has no access control${options.verifySignatures ? '' : ' (not even signature checks)'}; anyone who can reach it can change its instances\n`,
    );
  }
  const dialects: readonly DialectName[] = options.dialect ?? DIALECT_NAMES;
  const credentials = options.verifySignatures ? resolveCredentials(undefined, process.env) : false;
  const running: RunningProvider[] = [];
  try {
    for (const [index, dialect] of dialects.entries()) {
      running.push(
        await startProviderServer({
          dialect,
          port: options.port === 0 ? 0 : options.port + index,
          host: options.host,
          transitionMs: options.transitionMs,
          verifySignatures: credentials,
          ...(options.rateLimit ? {} : { rateLimitPerSecond: false as const }),
        }),
      );
    }
  } catch (err: unknown) {
    await Promise.all(running.map((r) => r.close()));
    const message = err instanceof Error ? err.message : String(err);
    throw new UsageError(`cannot start the mock provider: ${message}`);
  }
  return running;
}

/**
 * Serve the providers until SIGINT, SIGTERM or (under `npx`/`npm exec`) the end of npm has stopped every server;
 * returns the exit code (0). A second signal exits 130 at once.
 *
 * @example
 * exit.code = await mockAction(opts); // opts as commander parsed them
 */
export async function mockAction(opts: MockCommandOptions): Promise<number> {
  // The watch covers the whole command: a signal during start-up stops the servers as soon as they are up. Through
  // npx the signal reaches npm only, which ends without passing it on: the end of npm stops the mock too, so it never
  // keeps its port as an orphan.
  let requestStop: () => void = () => undefined;
  const stopRequested = new Promise<void>((resolve) => {
    requestStop = resolve;
  });
  const watch = watchInterrupts('closing the servers', () => requestStop());
  try {
    const running = await startMockProviders(opts);
    for (const r of running) process.stdout.write(`${r.dialect} ${r.url}\n`);
    await stopRequested;
    await Promise.all(running.map((r) => r.close()));
    process.stderr.write('vmconform mock: stopped\n');
    return 0;
  } finally {
    watch.dispose();
  }
}
