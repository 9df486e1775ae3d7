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

/**
 * Read the statuses of `ids` with the dialect's status query, in chunks of `dialect.statusPageSize` with that
 * page size asked explicitly (DESIGN.md §3: a client that needs 100 statuses pages or asks for explicit sizes).
 */
export async function queryStatuses(
  dialect: Dialect,
  ids: readonly string[],
  ctx: DialectContext,
): Promise<StatusRead> {
  const statuses = new Map<string, string>();
  const exchanges: Exchange[] = [];
  for (let i = 0; i < ids.length; i += dialect.statusPageSize) {
    const chunk = ids.slice(i, i + dialect.statusPageSize);
    const ex = await callTarget(
      dialect,
      { operation: 'DescribeStatus', instanceIds: chunk, pageSize: dialect.statusPageSize },
      ctx,
    );
    exchanges.push(ex);
    const problem = statusProblem(ex);
    if (problem) return { statuses, exchanges, problem };
    for (const entry of ex.outcome?.instances ?? []) {
      if (entry.status !== undefined) statuses.set(entry.instanceId, entry.status);
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
