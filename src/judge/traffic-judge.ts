/**
 * What `vmconform proxy` feeds its log to: the {@link TrafficReader} and the {@link ExchangeJudge} together, in a
 * worker thread so that reading and judging never hold up a socket of the proxy (the proxy's thread only copies
 * bytes), or in line when no worker can start (the same code, on the proxy's thread; a warning says so).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DialectName } from '../dialects/types.ts';
import type { Finding } from '../engine/types.ts';
import { getDialect } from '../dialects/index.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { ExchangeJudge, type JudgeReport } from './judge.ts';
import { TrafficReader, type TrafficEntry } from './traffic-reader.ts';

/** What the judge needs to know. */
export interface TrafficJudgeOptions {
  readonly dialect: DialectName;
  /** The upstream's origin (exchanges' URLs are absolute). */
  readonly origin: string;
  /** The API's path at the upstream (`''` at the root). */
  readonly basePath: string;
  readonly pollTimeoutMs: number;
  /** Tell the count of exchanges judged at once (not a few milliseconds later) when it reaches this (`--exit-after`). */
  readonly judgedAlert?: number;
}

/** What the judge tells as it goes. */
export interface TrafficJudgeEvents {
  /** The findings one exchange made (called only when it made some). */
  readonly onFindings?: (findings: readonly Finding[]) => void;
  /** Exchanges judged so far (after each batch that judged one). */
  readonly onJudged?: (total: number) => void;
  /** Every request written so far has been answered or given up. */
  readonly onIdle?: () => void;
  /** The worker failed after it started (its verdict is lost: `finish` will throw); said once, at once. */
  readonly onFailure?: (message: string) => void;
  /** No worker started: the judge runs on the caller's thread (why). */
  readonly onInline?: (why: string) => void;
}

/** The log's reader and judge, wherever they run. */
export interface TrafficJudge {
  /** Where they run: `'worker'`, or `'inline'` (with why). */
  readonly where: string;
  /** Resolves when it judges as it is written to: the worker has loaded (or the inline judge took over). */
  ready(): Promise<void>;
  /** One more batch of the log, in order. */
  write(entries: readonly TrafficEntry[]): void;
  /** Resolves when every request written so far has been answered or given up. */
  idle(): Promise<void>;
  /** Every request still waiting ends unanswered; the verdict. */
  finish(): Promise<JudgeReport>;
  /** Stop without a verdict (the proxy never started). */
  abandon(): void;
}

/** Reads batches and judges the exchanges they complete (the part that runs in the worker, or in line). */
export class JudgeCore {
  private readonly judge: ExchangeJudge;
  private readonly reader: TrafficReader;
  private judgedCount = 0;
  private found: Finding[] = [];

  constructor(
    options: TrafficJudgeOptions,
    private readonly events: TrafficJudgeEvents,
  ) {
    this.judge = new ExchangeJudge({ dialect: options.dialect, basePath: options.basePath, pollTimeoutMs: options.pollTimeoutMs, onFinding: (f) => void this.found.push(f) });
    this.reader = new TrafficReader(options.origin, (ex) => {
      this.judge.add(ex);
      this.judgedCount++;
      if (this.found.length > 0) {
        const findings = this.found;
        this.found = [];
        this.events.onFindings?.(findings);
      }
    });
  }

  /**
   * Judge one made-up exchange on a judge of its own, so that the first exchanges of the traffic are judged at full
   * speed (the first one compiles the spec's schemas and the model: tens of milliseconds, more on a busy machine).
   */
  static warmUp(options: TrafficJudgeOptions): void {
    try {
      const judge = new ExchangeJudge({ dialect: options.dialect, pollTimeoutMs: options.pollTimeoutMs });
      const request = getDialect(options.dialect).encode({ operation: 'StopInstances', instanceIds: ['warm-up'] }, { baseUrl: options.origin, credentials: TEST_CREDENTIALS, region: 'warm-up', now: () => Date.now() });
      judge.add({ request, response: { status: 200, headers: {}, bodyText: '{}' }, startedMs: Date.now(), durationMs: 0 });
      judge.finish();
    } catch {
      // Only a warm-up: the real judge meets whatever this met, and says so.
    }
  }

  /** Read one batch; tell what it judged, and whether nothing is left waiting. */
  read(entries: readonly TrafficEntry[]): void {
    const before = this.judgedCount;
    for (const e of entries) this.reader.read(e);
    if (this.judgedCount > before) this.events.onJudged?.(this.judgedCount);
    if (this.idle()) this.events.onIdle?.();
  }

  /** Nothing read is waiting for its answer. */
  idle(): boolean {
    return this.reader.pendingCount() === 0;
  }

  /** Every request still waiting ends unanswered; the verdict. */
  finish(): JudgeReport {
    this.reader.finish(Date.now());
    return this.judge.finish();
  }
}

/** Messages to the worker. */
export type ToJudgeWorker = { readonly type: 'entries'; readonly entries: readonly TrafficEntry[]; readonly batch: number } | { readonly type: 'finish' };

/** Messages from the worker. */
export type FromJudgeWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'findings'; readonly findings: readonly Finding[] }
  /** Where the worker stands after the batches it read (sent at most every few milliseconds). */
  | { readonly type: 'progress'; readonly judged: number; readonly batch: number; readonly idle: boolean }
  | { readonly type: 'report'; readonly report: JudgeReport }
  | { readonly type: 'failed'; readonly message: string };

/** The judge in line, on the caller's thread. */
function inlineJudge(options: TrafficJudgeOptions, events: TrafficJudgeEvents, why: string): TrafficJudge {
  const idleWaiters: (() => void)[] = [];
  const core = new JudgeCore(options, {
    ...events,
    onIdle: () => {
      events.onIdle?.();
      for (const w of idleWaiters.splice(0)) w();
    },
  });
  return {
    where: `inline (${why})`,
    ready: () => Promise.resolve(),
    write: (entries) => core.read(entries),
    idle: () => (core.idle() ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
    finish: () => Promise.resolve(core.finish()),
    abandon: () => undefined,
  };
}

/**
 * The worker next to this module: the build's `judge-worker.js`, or from the sources `judge-worker.ts` behind a
 * bootstrap that registers tsx's loader in the worker first (a worker does not inherit the loader of the thread that
 * starts it).
 */
function newWorker(options: TrafficJudgeOptions): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./judge-worker.js', self), { workerData: options });
  const tsxDir = dirname(createRequire(self).resolve('tsx/package.json'));
  // tsx's `tsx/esm/api` export for `import` (import.meta.resolve is not there under vitest's transform).
  const api = pathToFileURL(join(tsxDir, 'dist', 'esm', 'api', 'index.mjs')).href;
  const entry = new URL('./judge-worker.ts', self).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); }).catch((err) => { require('node:worker_threads').parentPort.postMessage({ type: 'failed', message: String(err && err.stack || err) }); });`;
  return new Worker(bootstrap, { eval: true, workerData: options });
}

/**
 * Start the judge in a worker thread, or in line when no worker starts (`onInline` says why). It takes batches at
 * once: those written while the worker loads wait for it (or go to the inline judge if it never comes), so the proxy
 * can listen without waiting.
 *
 * @example
 * const judge = startTrafficJudge({ dialect: 'zenlayer-vm', origin: 'http://127.0.0.1:8080', basePath: '', pollTimeoutMs: 10_000 }, { onFindings: print });
 */
export function startTrafficJudge(options: TrafficJudgeOptions, events: TrafficJudgeEvents, inline = false): TrafficJudge {
  if (inline) return inlineJudge(options, events, 'asked for');
  let worker: Worker;
  try {
    worker = newWorker(options);
  } catch (err: unknown) {
    const why = `no worker: ${err instanceof Error ? err.message : String(err)}`;
    events.onInline?.(why);
    return inlineJudge(options, events, why);
  }
  // While the worker loads: the batches written, in order; then either the worker or the inline judge takes them.
  const early: (readonly TrafficEntry[])[] = [];
  let fallback: TrafficJudge | undefined;
  let ready = false;
  let abandoned = false;
  let sent = 0;
  let idleThrough = 0;
  let judged = 0;
  const idleWaiters: (() => void)[] = [];
  let reported: ((report: JudgeReport) => void) | undefined;
  let finished = false;
  let failure: Error | undefined;
  const post = (entries: readonly TrafficEntry[]): void => {
    sent++;
    const message: ToJudgeWorker = { type: 'entries', entries, batch: sent };
    worker.postMessage(message);
  };
  const started = new Promise<void>((resolve) => {
    const giveUp = (why: string): void => {
      if (ready || fallback) return;
      // Stopped on purpose (the proxy never started): nothing to fall back to, nothing to say.
      if (abandoned) return resolve();
      void worker.terminate();
      events.onInline?.(`no worker: ${why}`);
      fallback = inlineJudge(options, events, `no worker: ${why}`);
      for (const batch of early.splice(0)) fallback.write(batch);
      for (const w of idleWaiters.splice(0)) w();
      resolve();
    };
    worker.once('message', (m: FromJudgeWorker) => {
      if (m.type !== 'ready') return giveUp(m.type === 'failed' ? m.message : `the worker said ${m.type}`);
      ready = true;
      for (const batch of early.splice(0)) post(batch);
      resolve();
    });
    worker.once('error', (err) => giveUp(err.message));
    worker.once('exit', (code) => giveUp(`the worker exited (${code})`));
  });
  const fail = (why: string): void => {
    if (failure) return;
    failure = new Error(`the judge's worker failed: ${why}`);
    events.onFailure?.(failure.message);
    // Of no more use, and it must not keep the process alive.
    void worker.terminate();
    for (const w of idleWaiters.splice(0)) w();
  };
  worker.on('message', (m: FromJudgeWorker) => {
    if (!ready) return;
    if (m.type === 'findings') events.onFindings?.(m.findings);
    else if (m.type === 'progress') {
      if (m.judged > judged) events.onJudged?.((judged = m.judged));
      idleThrough = m.idle ? m.batch : -1;
      if (idleThrough === sent) {
        events.onIdle?.();
        for (const w of idleWaiters.splice(0)) w();
      }
    } else if (m.type === 'report') {
      finished = true;
      reported?.(m.report);
    } else if (m.type === 'failed') fail(m.message);
  });
  worker.on('error', (err) => {
    if (ready) fail(err.message);
  });
  worker.on('exit', (code) => {
    if (ready && !finished) fail(`it exited (${code}) before its verdict`);
  });
  return {
    get where(): string {
      return fallback?.where ?? 'worker';
    },
    ready: () => started,
    write: (entries) => {
      if (entries.length === 0) return;
      if (fallback) fallback.write(entries);
      else if (ready) post(entries);
      else early.push(entries);
    },
    idle: async () => {
      await started;
      if (fallback) return fallback.idle();
      if (idleThrough === sent || failure) return;
      await new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    finish: async () => {
      await started;
      if (fallback) return fallback.finish();
      if (failure) throw failure;
      const report = await new Promise<JudgeReport>((resolve, reject) => {
        reported = resolve;
        worker.once('error', reject);
        worker.once('exit', (code) => reject(failure ?? new Error(`the judge's worker exited (${code}) before its verdict`)));
        const message: ToJudgeWorker = { type: 'finish' };
        worker.postMessage(message);
      });
      await worker.terminate();
      return report;
    },
    abandon: () => {
      abandoned = true;
      void worker.terminate();
    },
  };
}
