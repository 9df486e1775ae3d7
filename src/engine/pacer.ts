/**
 * The engine's pacer for rate-limited calls (tencent-cvm-api3 allows 10 StopInstances per second, DESIGN.md §3).
 * Paced calls run one at a time, at most `maxPerWindow` starts per rolling window; a burst takes the pacer
 * exclusively, fires unpaced, then holds it for a cooldown so neither side disturbs the other's window. Hand-written: the rule is a
 * dozen lines and a rate-limit library would not offer the exclusive-burst mode.
 */
import { DESCRIPTIONS } from '../dialects/descriptions/index.ts';
import type { Pacer } from './types.ts';

/** The rate limits the descriptions document (tencent-cvm-api3's 10 StopInstances per second, 002:14). */
const DOCUMENTED_LIMITS = Object.values(DESCRIPTIONS).flatMap((d) => (d.rateLimit === undefined ? [] : [d.rateLimit]));

/** The pacer's default window, ms: the longest documented window (1000 for api3's second). */
export const DEFAULT_PACER_WINDOW_MS = DOCUMENTED_LIMITS.reduce((ms, l) => Math.max(ms, l.windowMs), 0);
/** Paced calls a window admits by default: 80% of the strictest documented limit (8, below api3's 10). */
export const DEFAULT_PACED_PER_WINDOW = Math.max(1, Math.floor(0.8 * Math.min(...DOCUMENTED_LIMITS.map((l) => l.perSecond))));
/** The default quiet time before and after a burst, ms: a window and 100 ms more (1100). */
export const DEFAULT_BURST_COOLDOWN_MS = DEFAULT_PACER_WINDOW_MS + 100;

/** Options of {@link WindowPacer}. */
export interface PacerOptions {
  /** Slots per rolling window (default 8, below api3's 10). */
  readonly maxPerWindow?: number;
  /** Window length in ms (default 1000). */
  readonly windowMs?: number;
  /** Quiet time before and after a burst in ms (default 1100). */
  readonly cooldownMs?: number;
  /** Clock (tests pin it). */
  readonly now?: () => number;
}

const noop = (): void => undefined;

const sleep = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

/**
 * A FIFO pacer: slots and bursts are granted in the order asked.
 *
 * @example
 * const pacer = new WindowPacer();
 * const exchange = await pacer.paced(() => callTarget(dialect, call, ctx));
 * await pacer.exclusive(async () => fireBurst());
 */
export class WindowPacer implements Pacer {
  private readonly maxPerWindow: number;
  private readonly windowMs: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;
  private sent: number[] = [];
  private lastBurstEnd = Number.NEGATIVE_INFINITY;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: PacerOptions = {}) {
    this.maxPerWindow = options.maxPerWindow ?? DEFAULT_PACED_PER_WINDOW;
    this.windowMs = options.windowMs ?? DEFAULT_PACER_WINDOW_MS;
    this.cooldownMs = options.cooldownMs ?? DEFAULT_BURST_COOLDOWN_MS;
    this.now = options.now ?? Date.now;
  }

  /**
   * Run one paced request: when the window has room, and alone (the next paced request starts after this one is
   * answered). One at a time keeps the target's count honest: a target sees request k before request k+1 is sent,
   * so any second of its clock holds at most `maxPerWindow + 1` of them, however late it processes them.
   */
  paced<T>(fn: () => Promise<T>): Promise<T> {
    let result: Promise<T> | undefined;
    const slot = this.enqueue(async () => {
      for (;;) {
        const now = this.now();
        this.sent = this.sent.filter((t) => t > now - this.windowMs);
        const first = this.sent[0];
        if (this.sent.length < this.maxPerWindow || first === undefined) {
          this.sent.push(now);
          const mine = fn();
          result = mine;
          // Hold the queue until the answer, but a window at most: a target that hangs costs each paced call its own
          // timeout in parallel, never one after another (its count is honest: the request arrived long before).
          await Promise.race([mine.then(noop, noop), sleep(this.windowMs)]);
          return;
        }
        await sleep(first + this.windowMs - now + 1);
      }
    });
    return slot.then(() => result as Promise<T>);
  }

  /** Run `fn` alone: after the last paced slot has cooled down, and hold the pacer for a cooldown afterwards. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      const last = this.sent.at(-1);
      if (last !== undefined) await sleep(last + this.cooldownMs - this.now());
      try {
        return await fn();
      } finally {
        this.lastBurstEnd = this.now();
        this.sent = [];
        await sleep(this.cooldownMs);
      }
    });
  }

  /** When the last burst ended (for tests and diagnostics). */
  get lastBurstEndedAt(): number {
    return this.lastBurstEnd;
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

let shared: WindowPacer | undefined;

/** The one pacer shared by every case run in this process. */
export function sharedPacer(): Pacer {
  shared ??= new WindowPacer();
  return shared;
}
