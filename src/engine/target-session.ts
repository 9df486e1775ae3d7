/**
 * One session with a target, shared by the engine (the steps of a case) and the fuzzer (a generated session): it
 * sends a call (through the pacer when the dialect documents a rate limit for its operation, sent again while the
 * answer is throttled, never once the run's breaker is open), fires a burst (every request at once, unpaced, the
 * pacer held around it when asked), reads statuses and polls them until instances read the stopped word. Every
 * exchange is kept in the order sent and added to the current case's exchange log. What the answers mean is the
 * caller's: the engine judges them against a row's expectations, the fuzzer against its model.
 */
import { retryWhileThrottled } from '../dialects/client.ts';
import type { Dialect, DialectContext, Exchange, OperationCall } from '../dialects/types.ts';
import type { TransportBreaker } from './breaker.ts';
import { STEP_CHECKS, type StateEventualInput } from './checks.ts';
import { callTarget, queryStatuses, type StatusRead } from './recorded-client.ts';
import type { Finding, Pacer } from './types.ts';

/**
 * Whether a session paces this call: the dialect documents a rate limit for its operation (DESIGN.md §3).
 *
 * @example
 * isPacedCall(getDialect('tencent-cvm-api3'), { operation: 'StopInstances' }) // true
 */
export function isPacedCall(dialect: Dialect, call: OperationCall): boolean {
  return dialect.rateLimit !== undefined && dialect.rateLimit.operation === call.operation;
}

/**
 * Time spent queued behind the pacer (a case's timeout does not count it).
 *
 * @example
 * const wait = new PacerWait();
 * await wait.through((fn) => pacer.paced(fn), send);
 * wait.waited(); // ms spent before `send` started
 */
export class PacerWait {
  private total = 0;
  private since: number | undefined;

  /** Waited so far, including a wait in progress. */
  waited(): number {
    return this.total + (this.since === undefined ? 0 : performance.now() - this.since);
  }

  /** Run `fn` through `queue`, counting the time until `fn` starts. */
  async through<T>(queue: (fn: () => Promise<T>) => Promise<T>, fn: () => Promise<T>): Promise<T> {
    this.since = performance.now();
    try {
      return await queue(() => {
        this.end();
        return fn();
      });
    } finally {
      this.end();
    }
  }

  private end(): void {
    if (this.since !== undefined) this.total += performance.now() - this.since;
    this.since = undefined;
  }
}

/** What a {@link TargetSession} talks to and through. */
export interface TargetSessionOptions {
  readonly dialect: Dialect;
  readonly dctx: DialectContext;
  /** The pacer shared by every session of the process. */
  readonly pacer: Pacer;
  /** The run's transport breaker: once open, nothing more is sent (the engine's; the fuzzer runs without one). */
  readonly breaker?: TransportBreaker;
  /** Where time queued behind the pacer is counted (the engine's case timeout leaves it out). */
  readonly pacerWait?: PacerWait;
}

/** The answers of a burst, in the order sent, and how long sending them took. */
export interface BurstAnswers {
  readonly answers: Exchange[];
  readonly spanMs: number;
}

/**
 * One session with a target: sending, bursts and status reads, every exchange kept.
 *
 * @example
 * const session = new TargetSession({ dialect, dctx, pacer: sharedPacer() });
 * const ex = await session.send({ operation: 'StopInstances', instanceIds: [id] });
 * const read = await session.read([id]);
 */
export class TargetSession {
  /** Every exchange of the session (status reads included), in the order sent. */
  readonly exchanges: Exchange[] = [];

  constructor(private readonly o: TargetSessionOptions) {}

  /**
   * Send one call. A throttled answer is not the verdict: the request is sent again (a throttled refusal changes
   * nothing), each attempt through the pacer when the call is paced; every attempt is kept.
   */
  async send(call: OperationCall): Promise<Exchange> {
    this.o.breaker?.check();
    const attempts: Exchange[] = [];
    const go = (): Promise<Exchange> => {
      // A paced call may have queued while the breaker opened: it is not sent.
      this.o.breaker?.check();
      return callTarget(this.o.dialect, call, this.o.dctx);
    };
    const once = (): Promise<Exchange> => (isPacedCall(this.o.dialect, call) ? this.queued((fn) => this.o.pacer.paced(fn), go) : go());
    const ex = await retryWhileThrottled(once, attempts);
    this.exchanges.push(...attempts);
    return ex;
  }

  /**
   * Send every call at once, unpaced and not retried; with `hold`, inside the pacer's exclusive hold (no paced call of
   * another session disturbs the burst's window, and the burst none of theirs).
   */
  async burst(calls: readonly OperationCall[], hold: boolean): Promise<BurstAnswers> {
    let spanMs = 0;
    const fire = async (): Promise<Exchange[]> => {
      const t0 = performance.now();
      const all = await Promise.all(
        calls.map(async (call) => {
          this.o.breaker?.check();
          return callTarget(this.o.dialect, call, this.o.dctx);
        }),
      );
      spanMs = performance.now() - t0;
      return all;
    };
    const answers = hold ? await this.queued((fn) => this.o.pacer.exclusive(fn), fire) : await fire();
    this.exchanges.push(...answers);
    return { answers, spanMs };
  }

  /** Read the statuses of these ids (every page kept). */
  async read(ids: readonly string[]): Promise<StatusRead> {
    const read = await queryStatuses(this.o.dialect, ids, this.o.dctx);
    this.exchanges.push(...read.exchanges);
    return read;
  }

  /** The `state-eventual` check, polling through this session: each expected instance reads the stopped word in time. */
  eventually(input: Omit<StateEventualInput, 'read'>): Promise<Finding[]> {
    return STEP_CHECKS['state-eventual']({ ...input, read: (ids) => this.read(ids) });
  }

  private queued<T>(queue: (fn: () => Promise<T>) => Promise<T>, fn: () => Promise<T>): Promise<T> {
    return this.o.pacerWait ? this.o.pacerWait.through(queue, fn) : queue(fn);
  }
}
