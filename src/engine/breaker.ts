/**
 * The transport breaker of a run: after `limit` cases in a row that got no HTTP answer at all (the target is gone or
 * hangs), it opens, and every case that has not sent its requests yet is skipped with the reason instead of waiting
 * out its own timeouts (a hanging target costs the request timeout per case in flight, never per case in sequence).
 */

/** Thrown where a case would send a request while the breaker is open; the case ends as skipped. */
export class BreakerOpen extends Error {
  override readonly name = 'BreakerOpen';
}

/** Consecutive cases without any HTTP answer before the breaker opens. */
export const DEFAULT_BREAKER_LIMIT = 5;

/**
 * One breaker per target of a run.
 *
 * @example
 * const breaker = new TransportBreaker();
 * breaker.record(false, 'connect ECONNREFUSED'); // five of these in a row open it
 */
export class TransportBreaker {
  private streak = 0;
  private why: string | undefined;

  constructor(readonly limit = DEFAULT_BREAKER_LIMIT) {}

  /** Why it is open (the skip reason), or `undefined` while closed. */
  get reason(): string | undefined {
    return this.why;
  }

  /** Record one finished case: whether any request of it got an HTTP answer, and the last transport error if none. */
  record(answered: boolean, lastError: string): void {
    if (this.why !== undefined) return;
    if (answered) {
      this.streak = 0;
      return;
    }
    this.streak++;
    if (this.streak >= this.limit) {
      this.why = `not run: the target stopped answering (${this.limit} cases in a row got no HTTP answer; the last: ${lastError})`;
    }
  }

  /** Throw {@link BreakerOpen} when open. */
  check(): void {
    if (this.why !== undefined) throw new BreakerOpen(this.why);
  }
}
