/**
 * The generic client over any dialect: encode, send over HTTP, decode. Cases and the engine call targets through
 * this, never through a dialect's wire details.
 */
import { sendWire } from './transport.ts';
import type { Dialect, DialectContext, Exchange, OperationCall } from './types.ts';

/**
 * Encode, send and decode one call.
 *
 * @example
 * const ex = await callTarget(getDialect('aliyun-ecs'), { operation: 'StopInstances', instanceIds: ['i-abc'] }, ctx);
 */
export async function callTarget(dialect: Dialect, call: OperationCall, ctx: DialectContext): Promise<Exchange> {
  const request = dialect.encode(call, ctx);
  const sent = await sendWire(request, ctx.timeoutMs ?? 10_000);
  const outcome = sent.response ? dialect.decode(call, sent.response) : undefined;
  return {
    call,
    request,
    response: sent.response,
    outcome,
    transportError: sent.transportError,
    durationMs: sent.durationMs,
  };
}

/** Statuses read for a set of ids, plus every exchange made to read them (for findings and curl lines). */
export interface StatusRead {
  /** id -> status word; ids the target left out are absent. */
  readonly statuses: ReadonlyMap<string, string>;
  readonly exchanges: readonly Exchange[];
  /** Set when a status query failed (transport error, error envelope, undecodable answer). */
  readonly problem: string | undefined;
}

/** How many pages of one chunk the client follows at most (a target that never stops paging cannot hold a case). */
export const MAX_PAGES = 50;
/** How often a throttled request is sent again, and the first wait (doubled each time, jittered by at most 1.5x). */
export const THROTTLE_RETRIES = 6;
const THROTTLE_FIRST_WAIT_MS = 100;

/**
 * The longest a call can take through {@link retryWhileThrottled}: every attempt up to its request timeout, plus
 * every wait between attempts.
 *
 * @example
 * patientCallBoundMs(10_000) // 7 attempts of 10 s and the waits between them
 */
export function patientCallBoundMs(requestTimeoutMs: number): number {
  let waits = 0;
  for (let k = 0, w = THROTTLE_FIRST_WAIT_MS; k < THROTTLE_RETRIES; k++, w *= 2) waits += w * 1.5;
  return (THROTTLE_RETRIES + 1) * requestTimeoutMs + Math.ceil(waits);
}

/**
 * Whether a status query was refused for its rate: HTTP 429, or an error code that says so (tencent
 * `RequestLimitExceeded`, aliyun `Throttling*`). Real APIs rate-limit their status queries too; the status query is
 * the suite's instrument (DESIGN.md §3), so the client waits and asks again instead of failing the case.
 */
export function isThrottled(ex: Exchange): boolean {
  const o = ex.outcome;
  if (!o) return false;
  if (o.httpStatus === 429) return true;
  const code = o.error?.code ?? '';
  return /^(RequestLimitExceeded|Throttling|REQUEST_LIMIT_EXCEEDED)(\.|$)/.test(code);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Send a call, and send it again (after a growing, jittered wait) while the target answers that it is throttled. A
 * throttled refusal changes nothing (DESIGN.md §3), so resending is safe; the answer that ends it is returned, and
 * every exchange made is pushed to `exchanges`. Cases that test a rate limit send their bursts with `callTarget`.
 */
export function callTargetPatiently(dialect: Dialect, call: OperationCall, ctx: DialectContext, exchanges: Exchange[] = []): Promise<Exchange> {
  return retryWhileThrottled(() => callTarget(dialect, call, ctx), exchanges);
}

/** Run `send` again (after a growing, jittered wait) while its answer is throttled; every exchange goes to `exchanges`. */
export async function retryWhileThrottled(send: () => Promise<Exchange>, exchanges: Exchange[]): Promise<Exchange> {
  let wait = THROTTLE_FIRST_WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    const ex = await send();
    exchanges.push(ex);
    if (attempt >= THROTTLE_RETRIES || !isThrottled(ex)) return ex;
    await sleep(wait * (0.5 + Math.random()));
    wait *= 2;
  }
}

/**
 * Read the statuses of `ids` with the dialect's status query (DESIGN.md §3: the status query is the suite's
 * instrument, never judged). Ids go in chunks of `dialect.statusPageSize`, each asking that page size explicitly;
 * when a target answers a smaller page than asked (its own maximum or default), the client follows the next pages
 * (tencent `Offset`, the others' page number) until every id of the chunk is read or a page brings nothing new; totals
 * and page fields of the answer are never read. A target that answers everything at once, pages by 10, or omits or
 * misstates totals reads the same.
 * Ids a target leaves out are absent from `statuses`.
 */
export async function queryStatuses(
  dialect: Dialect,
  ids: readonly string[],
  ctx: DialectContext,
): Promise<StatusRead> {
  const statuses = new Map<string, string>();
  const exchanges: Exchange[] = [];
  const size = dialect.statusPageSize;
  for (let i = 0; i < ids.length; i += size) {
    const chunk = ids.slice(i, i + size);
    const wanted = new Set(chunk);
    let received = 0;
    for (let page = 1; page <= MAX_PAGES; page++) {
      const where = page === 1 ? {} : { page: dialect.statusPaging === 'offset' ? received : page };
      const ex = await callTargetPatiently(dialect, { operation: 'DescribeStatus', instanceIds: chunk, pageSize: size, ...where }, ctx, exchanges);
      const problem = statusProblem(ex);
      if (problem) return { statuses, exchanges, problem };
      const entries = ex.outcome?.instances ?? [];
      let fresh = 0;
      for (const entry of entries) {
        if (entry.status === undefined || !wanted.has(entry.instanceId)) continue;
        if (!statuses.has(entry.instanceId)) fresh++;
        statuses.set(entry.instanceId, entry.status);
      }
      received += entries.length;
      // Paging fields are never trusted (DESIGN.md §3: TotalCount may be a string, -1, or absent): the client stops
      // once every id is read, a page brings nothing new, or a page was full (the target answered all it has).
      const allRead = chunk.every((id) => statuses.has(id));
      if (allRead || fresh === 0 || entries.length >= size) break;
    }
  }
  return { statuses, exchanges, problem: undefined };
}

function statusProblem(ex: Exchange): string | undefined {
  if (ex.transportError) return `status query failed: ${ex.transportError}`;
  const o = ex.outcome;
  if (!o) return 'status query got no answer';
  if (o.decodeProblems.length > 0) return `status query answer undecodable: ${o.decodeProblems.join('; ')}`;
  if (o.error) return `status query answered error ${o.error.code}: ${o.error.message}`;
  if (!o.ok) return `status query answered HTTP ${o.httpStatus} without a success envelope`;
  return undefined;
}
