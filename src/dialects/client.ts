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

/**
 * How long to wait before sending a throttled request again, the `attempt`-th time (0-based): 100 ms doubled each
 * time, jittered by 0.5x..1.5x.
 *
 * @example
 * await sleep(throttleWaitMs(0)); // 50..150 ms
 */
export function throttleWaitMs(attempt: number): number {
  return THROTTLE_FIRST_WAIT_MS * 2 ** attempt * (0.5 + Math.random());
}

/** Run `send` again (after a growing, jittered wait) while its answer is throttled; every exchange goes to `exchanges`. */
export async function retryWhileThrottled(send: () => Promise<Exchange>, exchanges: Exchange[]): Promise<Exchange> {
  for (let attempt = 0; ; attempt++) {
    const ex = await send();
    exchanges.push(ex);
    if (attempt >= THROTTLE_RETRIES || !isThrottled(ex)) return ex;
    await sleep(throttleWaitMs(attempt));
  }
}

/**
 * Where a status read is (see {@link queryStatuses}): plain JSON, so that a read can go on in another process (the
 * script `vmconform repro` prints sends each page with curl).
 */
export interface StatusPaging {
  readonly ids: readonly string[];
  /** Index in `ids` of the chunk being read. */
  chunkStart: number;
  /** Page of the chunk being read (1-based). */
  page: number;
  /** Entries received for the chunk so far. */
  received: number;
  /** The token the last answer gave for the next page (dialects that page by token, aws-ec2 `nextToken`). */
  token?: string;
  /** [id, status word] read so far, in the order first read. */
  readonly statuses: [string, string][];
  /** Set when a status query failed; the read ends with it. */
  problem?: string;
  done: boolean;
}

/**
 * A status read of `ids` that has not sent anything yet.
 *
 * @example
 * const paging = startStatusPaging(['ins-ab12cd34']);
 */
export function startStatusPaging(ids: readonly string[]): StatusPaging {
  return { ids: [...ids], chunkStart: 0, page: 1, received: 0, statuses: [], done: ids.length === 0 };
}

/**
 * The next status query of a read, or `undefined` when the read is over: ids go in chunks of
 * `dialect.statusPageSize`, each asking that page size explicitly, later pages by tencent `Offset` or a page number.
 */
export function nextStatusCall(dialect: Dialect, paging: StatusPaging): OperationCall | undefined {
  if (paging.done) return undefined;
  const size = dialect.statusPageSize;
  const chunk = paging.ids.slice(paging.chunkStart, paging.chunkStart + size);
  if (dialect.statusPaging === 'next-token') {
    // aws-ec2.md:175: no page size with instance ids; the next page by the previous answer's token.
    return { operation: 'DescribeStatus', instanceIds: chunk, ...(paging.token === undefined ? {} : { pageToken: paging.token }) };
  }
  const where = paging.page === 1 ? {} : { page: dialect.statusPaging === 'offset' ? paging.received : paging.page };
  return { operation: 'DescribeStatus', instanceIds: chunk, pageSize: size, ...where };
}

/**
 * Take the answer to the query {@link nextStatusCall} gave. Paging fields are never trusted (DESIGN.md §3: TotalCount
 * may be a string, -1, or absent): a chunk ends once every id is read, a page brings nothing new, a page was full (the
 * target answered all it has) or {@link MAX_PAGES} were asked.
 */
export function takeStatusAnswer(dialect: Dialect, paging: StatusPaging, ex: Exchange): void {
  const problem = statusProblem(ex);
  if (problem) {
    paging.problem = problem;
    paging.done = true;
    return;
  }
  const size = dialect.statusPageSize;
  const chunk = paging.ids.slice(paging.chunkStart, paging.chunkStart + size);
  const wanted = new Set(chunk);
  const entries = ex.outcome?.instances ?? [];
  const statuses = new Map(paging.statuses);
  let fresh = 0;
  for (const entry of entries) {
    if (entry.status === undefined || !wanted.has(entry.instanceId)) continue;
    if (!statuses.has(entry.instanceId)) fresh++;
    statuses.set(entry.instanceId, entry.status);
  }
  paging.statuses.splice(0, paging.statuses.length, ...statuses);
  paging.received += entries.length;
  const allRead = chunk.every((id) => statuses.has(id));
  // A token-paged answer goes on while it gives a token, even after a short or empty page (aws-ec2.md:165, 176).
  const token = dialect.statusPaging === 'next-token' ? ex.outcome?.nextToken : undefined;
  const ended = dialect.statusPaging === 'next-token' ? token === undefined : fresh === 0 || entries.length >= size;
  if (allRead || ended || paging.page >= MAX_PAGES) {
    paging.chunkStart += size;
    paging.page = 1;
    paging.received = 0;
    delete paging.token;
    paging.done = paging.chunkStart >= paging.ids.length;
  } else {
    paging.page++;
    if (token !== undefined) paging.token = token;
  }
}

/**
 * What a status read found, once it is over.
 *
 * @example
 * const read = statusReadOf(paging, exchanges);
 */
export function statusReadOf(paging: StatusPaging, exchanges: readonly Exchange[]): StatusRead {
  return { statuses: new Map(paging.statuses), exchanges, problem: paging.problem };
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
  const exchanges: Exchange[] = [];
  const paging = startStatusPaging(ids);
  for (let call = nextStatusCall(dialect, paging); call !== undefined; call = nextStatusCall(dialect, paging)) {
    takeStatusAnswer(dialect, paging, await callTargetPatiently(dialect, call, ctx, exchanges));
  }
  return statusReadOf(paging, exchanges);
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
