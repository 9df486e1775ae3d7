/**
 * The server side of the throughput bench, in its own process (the load generator runs in the parent, so the two
 * compete for the machine's cores, not for one event loop). Driven over IPC by `throughput.ts`: start a reference
 * provider (fast path, signature checks and rate limit off) and a bare `node:http` server answering the provider's
 * own answer bytes for the same request, report CPU time used, count the instances stopped, close both.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DialectName } from '../src/dialects/types.ts';
import { createProvider } from '../src/provider/handlers.ts';
import { startProviderServer, type RunningProvider } from '../src/provider/server.ts';
import { benchId, benchRequest, FIRST_STOP_INDEX, runningWord, STATUS_ID_INDEX, type BenchOperation } from './requests.ts';

/** A command from the parent. */
export type ChildCommand =
  | { readonly id: number; readonly cmd: 'start'; readonly dialect: DialectName; readonly operation: BenchOperation; readonly seed: number }
  | { readonly id: number; readonly cmd: 'cpu' }
  | { readonly id: number; readonly cmd: 'stopped' }
  | { readonly id: number; readonly cmd: 'close' };

/** The child's reply to command `id`. */
export interface ChildReply {
  readonly id: number;
  readonly providerUrl?: string;
  readonly bareUrl?: string;
  /** CPU time this process used so far, in microseconds (user + system). */
  readonly cpuMicros?: number;
  /** Seeded instances no longer RUNNING. */
  readonly stopped?: number;
  readonly error?: string;
}

let provider: RunningProvider | undefined;
let bare: Server | undefined;
let current: { dialect: DialectName; seed: number } | undefined;

/** A node:http server that reads each request's body and answers fixed bytes: the floor any server pays. */
async function startBare(dialect: DialectName, operation: BenchOperation): Promise<string> {
  // The bytes the provider itself answers to this request, so both servers send the same answer.
  const reference = createProvider(dialect, { rateLimitPerSecond: false });
  reference.store.put(benchId(dialect, STATUS_ID_INDEX), runningWord(dialect), false);
  reference.store.put(benchId(dialect, FIRST_STOP_INDEX), runningWord(dialect), false);
  const shape = benchRequest(dialect, operation, benchId(dialect, operation === 'stop' ? FIRST_STOP_INDEX : STATUS_ID_INDEX));
  const answer = reference.handle({
    method: shape.method,
    url: `http://127.0.0.1${shape.path}`,
    headers: shape.headers,
    body: Buffer.from(shape.body ?? ''),
  });
  if (!answer) throw new Error(`the provider does not answer ${shape.method} ${shape.path}`);
  const body = Buffer.from(answer.body);
  const headers = { ...answer.headers, 'content-length': String(body.length) };
  bare = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(answer.status, headers);
      res.end(body);
    });
  });
  bare.keepAliveTimeout = 5_000;
  const server = bare;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function run(command: ChildCommand): Promise<Omit<ChildReply, 'id'>> {
  switch (command.cmd) {
    case 'start': {
      const { dialect, operation, seed } = command;
      current = { dialect, seed };
      provider = await startProviderServer({ dialect, rateLimitPerSecond: false, transitionMs: 1000 });
      const store = provider.provider?.store;
      if (!store) throw new Error('the provider has no store');
      const word = runningWord(dialect);
      for (let n = 0; n < seed; n += 1) store.put(benchId(dialect, n), word, false);
      return { providerUrl: provider.url, bareUrl: await startBare(dialect, operation) };
    }
    case 'cpu': {
      const { user, system } = process.cpuUsage();
      return { cpuMicros: user + system };
    }
    case 'stopped': {
      const store = provider?.provider?.store;
      if (!store || !current) return { stopped: 0 };
      const word = runningWord(current.dialect);
      let stopped = 0;
      for (let n = FIRST_STOP_INDEX; n < current.seed; n += 1) if (store.get(benchId(current.dialect, n))?.status !== word) stopped += 1;
      return { stopped };
    }
    case 'close': {
      await provider?.close();
      const server = bare;
      if (server) {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      }
      provider = undefined;
      bare = undefined;
      current = undefined;
      return {};
    }
  }
}

process.on('message', (command: ChildCommand) => {
  run(command).then(
    (reply) => process.send?.({ id: command.id, ...reply } satisfies ChildReply),
    (err: unknown) => process.send?.({ id: command.id, error: err instanceof Error ? err.message : String(err) } satisfies ChildReply),
  );
});
process.on('disconnect', () => process.exit(0));
