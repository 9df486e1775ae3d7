/**
 * What every behaviour module works with (one per provider), plus the checks they share: per-instance problems
 * in a fixed precedence, atomic batches, and the api3 rate limiter.
 */
import type { Credentials, DialectName } from '../dialects/types.ts';
import { Refusal } from './common.ts';
import { isValidId, type DialectRules, type ErrorKey } from './rules.ts';
import type { InstanceStore } from './store.ts';

/** One provider's state and settings, shared by its handlers. */
export interface ProviderContext {
  readonly dialect: DialectName;
  readonly rules: DialectRules;
  readonly store: InstanceStore;
  readonly now: () => number;
  /** Credentials to verify signatures with; `undefined` = signatures are not checked. */
  readonly credentials: Credentials | undefined;
  /** StopInstances limiter (tencent-cvm-api3 by default); `undefined` = no limit. */
  readonly stopLimiter: SlidingWindowLimiter | undefined;
}

/** A problem of one instance for a stop. */
export interface InstanceProblem {
  readonly id: string;
  readonly key: ErrorKey;
  /** The status it has, when it exists. */
  readonly status: string | undefined;
}

/** Why one id may not be stopped, or `undefined` when it may. */
export function instanceProblem(ctx: ProviderContext, id: string): InstanceProblem | undefined {
  const { rules } = ctx;
  if (!isValidId(rules, id)) return { id, key: 'malformedId', status: undefined };
  const view = ctx.store.get(id);
  if (!view) return { id, key: 'notFound', status: undefined };
  if (rules.honourSecurityLock && view.securityLocked) return { id, key: 'securityLocked', status: view.status };
  if (rules.recycledWords.includes(view.status)) return { id, key: 'recycled', status: view.status };
  if (rules.stoppableWords.includes(view.status)) return undefined;
  if (rules.notReadyWords.includes(view.status)) return { id, key: 'notReady', status: view.status };
  return { id, key: 'wrongState', status: view.status };
}

/** A readable message for a group of instances with the same problem. */
export function problemMessage(key: ErrorKey, problems: readonly InstanceProblem[]): string {
  const list = problems.map((p) => (p.status === undefined ? p.id : `${p.id} (${p.status})`)).join(', ');
  switch (key) {
    case 'malformedId':
      return `malformed instance id: ${list}`;
    case 'notFound':
      return `instance not found: ${list}`;
    case 'securityLocked':
      return `instance locked for security reasons: ${list}`;
    case 'recycled':
      return `instance is in the recycle bin: ${list}`;
    case 'notReady':
      return `instance is not ready: ${list}`;
    default:
      return `instance status does not allow this operation: ${list}`;
  }
}

/**
 * Check every id and stop them all, or none (DESIGN.md §3: a request that fails changes nothing). Runs
 * synchronously, so concurrent stops of one instance cannot both pass the check. With `dryRun` nothing changes.
 * With `rules.atomicBatch === false` (a deliberately wrong provider) the good ones are stopped before the refusal.
 * `begin` starts one instance's stop (default: the store's STOPPING -> STOPPED transition; aws-ec2 leaves an instance
 * that is already stopping or stopped as it is).
 */
export function stopAtomically(ctx: ProviderContext, ids: readonly string[], dryRun = false, begin: (id: string) => void = (id) => ctx.store.beginStop(id)): void {
  const problems: InstanceProblem[] = [];
  for (const id of ids) {
    const problem = instanceProblem(ctx, id);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) {
    if (!ctx.rules.atomicBatch && !dryRun) {
      const bad = new Set(problems.map((p) => p.id));
      for (const id of ids) if (!bad.has(id)) begin(id);
    }
    const key = ctx.rules.problemPrecedence.find((k) => problems.some((p) => p.key === k)) ?? problems[0]?.key ?? 'wrongState';
    throw new Refusal(
      key,
      problemMessage(
        key,
        problems.filter((p) => p.key === key),
      ),
    );
  }
  if (dryRun) return;
  for (const id of ids) begin(id);
}

/**
 * A sliding-window request limiter: at most `limit` admitted requests within any `windowMs`. Refused requests are
 * not counted.
 *
 * @example
 * const limiter = new SlidingWindowLimiter(10, 1000, Date.now);
 * if (!limiter.tryAcquire()) refuse();
 */
export class SlidingWindowLimiter {
  readonly #stamps: number[] = [];
  constructor(
    readonly limit: number,
    readonly windowMs: number,
    readonly now: () => number,
  ) {}

  /** Admit one request now, or refuse it. */
  tryAcquire(): boolean {
    const t = this.now();
    while (this.#stamps.length > 0 && t - (this.#stamps[0] ?? 0) >= this.windowMs) this.#stamps.shift();
    if (this.#stamps.length >= this.limit) return false;
    this.#stamps.push(t);
    return true;
  }
}
