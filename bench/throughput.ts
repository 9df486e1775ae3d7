/**
 * Provider vs bare `node:http`: for each dialect and request (one-id StopInstances, one-id status query), autocannon
 * in this process loads two servers in a child process (`server-child.ts`): the reference provider (fast path,
 * signature checks and rate limit off) and a bare `node:http` server answering the provider's own answer bytes. Same
 * connections, duration and warm-up for both; the loads alternate (provider, bare, bare, provider, ...) over several
 * short rounds, each round's two loads run back to back, and the ratio is the median of the rounds' ratios (each
 * side's median round is shown), so other work coming and going on the machine does not decide the ratio. Reported per side: req/s, p99 latency, the server's CPU time per request (what the load generator does not
 * distort), answers that were not the dialect's success.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon, { type AutocannonRequest } from 'autocannon';
import type { DialectName } from '../src/dialects/types.ts';
import { benchId, benchRequest, FIRST_STOP_INDEX, isSuccessBody, STATUS_ID_INDEX, type BenchOperation } from './requests.ts';
import type { ChildCommand, ChildReply } from './server-child.ts';

/** One server's numbers. */
export interface SideResult {
  readonly reqPerSec: number;
  readonly p99Ms: number;
  /** Server CPU time (user + system) per answered request, microseconds. */
  readonly cpuMicrosPerRequest: number;
  readonly requests: number;
  /** Answers that were not HTTP 2xx or not the dialect's success envelope, plus connection errors. */
  readonly bad: number;
}

/** One dialect and request, both servers. */
export interface ThroughputRow {
  readonly dialect: DialectName;
  readonly operation: BenchOperation;
  readonly provider: SideResult;
  readonly bare: SideResult;
  /** Median over the rounds of provider req/s ÷ bare req/s (the two loads of a round run back to back). */
  readonly ratio: number;
  /** bare CPU per request ÷ provider CPU per request (1 = the provider costs no more than a bare server). */
  readonly cpuRatio: number;
  /** Problems seen (ran out of seeded instances, bad answers). */
  readonly warnings: readonly string[];
}

/** Settings of {@link measureThroughput}. */
export interface ThroughputOptions {
  readonly dialects: readonly DialectName[];
  readonly operations: readonly BenchOperation[];
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  /** Measured loads per side, alternating with the other side. */
  readonly rounds: number;
  readonly connections: number;
  readonly progress: (line: string) => void;
}

/** A command without its id (distributes over the union). */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** The server child, driven by request/reply over IPC. */
class ServerChild {
  readonly #child: ChildProcess;
  readonly #waiting = new Map<number, (reply: ChildReply) => void>();
  #next = 1;

  constructor() {
    this.#child = fork(fileURLToPath(new URL('./server-child.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child.on('message', (reply: ChildReply) => {
      this.#waiting.get(reply.id)?.(reply);
      this.#waiting.delete(reply.id);
    });
  }

  async ask(command: WithoutId<ChildCommand>): Promise<ChildReply> {
    const id = this.#next++;
    const reply = await new Promise<ChildReply>((resolve) => {
      this.#waiting.set(id, resolve);
      this.#child.send({ ...command, id });
    });
    if (reply.error !== undefined) throw new Error(`bench server: ${reply.error}`);
    return reply;
  }

  close(): void {
    this.#child.disconnect();
  }
}

async function load(
  url: string,
  dialect: DialectName,
  operation: BenchOperation,
  seconds: number,
  connections: number,
  nextStopIndex: () => number,
): Promise<autocannon.AutocannonResult> {
  const fixed = benchRequest(dialect, operation, benchId(dialect, STATUS_ID_INDEX));
  const request: AutocannonRequest =
    operation === 'status'
      ? { ...fixed, headers: { ...fixed.headers } }
      : {
          method: fixed.method,
          path: fixed.path,
          headers: { ...fixed.headers },
          setupRequest: (r) => {
            const next = benchRequest(dialect, 'stop', benchId(dialect, nextStopIndex()));
            return { ...r, path: next.path, ...(next.body !== undefined ? { body: next.body } : {}) };
          },
        };
  return autocannon({
    url,
    connections,
    duration: seconds,
    requests: [request],
    verifyBody: (body: string) => isSuccessBody(dialect, body),
  });
}

/** One measured load. */
interface Round {
  readonly reqPerSec: number;
  readonly p99Ms: number;
  readonly cpuMicrosPerRequest: number;
  readonly requests: number;
  readonly bad: number;
}

async function measureRound(
  child: ServerChild,
  url: string,
  dialect: DialectName,
  operation: BenchOperation,
  options: ThroughputOptions,
  nextStopIndex: () => number,
): Promise<Round> {
  const before = (await child.ask({ cmd: 'cpu' })).cpuMicros ?? 0;
  const result = await load(url, dialect, operation, options.durationSeconds, options.connections, nextStopIndex);
  const after = (await child.ask({ cmd: 'cpu' })).cpuMicros ?? 0;
  const answered = result['2xx'] + result.non2xx;
  return {
    // Answers over the run's own duration (per-second samples are too few in a short load).
    reqPerSec: answered / result.duration,
    p99Ms: result.latency.p99,
    cpuMicrosPerRequest: answered > 0 ? (after - before) / answered : Number.NaN,
    requests: answered,
    bad: result.non2xx + result.errors + result.timeouts + result.mismatches,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function summarize(rounds: readonly Round[]): SideResult {
  return {
    reqPerSec: median(rounds.map((r) => r.reqPerSec)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    cpuMicrosPerRequest: median(rounds.map((r) => r.cpuMicrosPerRequest)),
    requests: rounds.reduce((sum, r) => sum + r.requests, 0),
    bad: rounds.reduce((sum, r) => sum + r.bad, 0),
  };
}

async function measurePair(child: ServerChild, dialect: DialectName, operation: BenchOperation, options: ThroughputOptions): Promise<ThroughputRow> {
  const seconds = 2 * options.warmupSeconds + 2 * options.rounds * options.durationSeconds;
  // One RUNNING instance per stop at up to 60,000 stops/s over the whole pair (both sides draw ids from one counter:
  // zenlayer-bmc's pair once took 47,000/s together); a shortfall is reported, never hidden.
  const seed = operation === 'stop' ? Math.ceil(seconds * 60_000) + FIRST_STOP_INDEX : FIRST_STOP_INDEX + 1;
  let next = FIRST_STOP_INDEX;
  const nextStopIndex = (): number => next++;
  const { providerUrl, bareUrl } = await child.ask({ cmd: 'start', dialect, operation, seed });
  if (providerUrl === undefined || bareUrl === undefined) throw new Error('bench server gave no url');
  const warnings: string[] = [];
  try {
    const sides = { provider: { url: providerUrl, rounds: [] as Round[] }, bare: { url: bareUrl, rounds: [] as Round[] } };
    for (const side of [sides.provider, sides.bare]) {
      if (options.warmupSeconds > 0) await load(side.url, dialect, operation, options.warmupSeconds, options.connections, nextStopIndex);
    }
    for (let round = 0; round < options.rounds; round += 1) {
      const order = round % 2 === 0 ? [sides.provider, sides.bare] : [sides.bare, sides.provider];
      for (const side of order) side.rounds.push(await measureRound(child, side.url, dialect, operation, options, nextStopIndex));
    }
    const provider = summarize(sides.provider.rounds);
    const bare = summarize(sides.bare.rounds);
    for (const [kind, side] of [['provider', provider], ['bare', bare]] as const) {
      if (side.bad > 0) warnings.push(`${kind} ${dialect} ${operation}: ${side.bad} answers were not the dialect's success`);
    }
    if (operation === 'stop') {
      const stopped = (await child.ask({ cmd: 'stopped' })).stopped ?? 0;
      if (next > seed) warnings.push(`provider ${dialect} stop: ran out of seeded instances (${seed} seeded, ${next} asked)`);
      // Ids go to both servers from one counter: the provider must have stopped every id it was sent.
      if (stopped < provider.requests) warnings.push(`provider ${dialect} stop: ${stopped} instances stopped for ${provider.requests} stops answered`);
    }
    return {
      dialect,
      operation,
      provider,
      bare,
      ratio: median(sides.provider.rounds.map((r, i) => r.reqPerSec / (sides.bare.rounds[i]?.reqPerSec ?? Number.NaN))),
      cpuRatio: bare.cpuMicrosPerRequest / provider.cpuMicrosPerRequest,
      warnings,
    };
  } finally {
    await child.ask({ cmd: 'close' });
  }
}

/**
 * Measure every dialect and operation, provider then bare, in one run.
 *
 * @example
 * const rows = await measureThroughput({ dialects: ['zenlayer-vm'], operations: ['stop'], durationSeconds: 3,
 *   warmupSeconds: 1, rounds: 3, connections: 16, progress: console.error });
 */
export async function measureThroughput(options: ThroughputOptions): Promise<ThroughputRow[]> {
  const child = new ServerChild();
  const rows: ThroughputRow[] = [];
  try {
    for (const dialect of options.dialects) {
      for (const operation of options.operations) {
        options.progress(`throughput: ${dialect} ${operation}`);
        rows.push(await measurePair(child, dialect, operation, options));
      }
    }
  } finally {
    child.close();
  }
  return rows;
}
