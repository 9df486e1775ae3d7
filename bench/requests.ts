/**
 * The requests the throughput bench sends: a one-id StopInstances (a different RUNNING instance each time, a stopped
 * one cannot be stopped again) and a one-id status query, in each dialect's main wire style, unsigned: the request the
 * suite's own dialect module encodes, without what signing adds (as a contract states it, `src/pact/wire.ts`).
 */
import { memberAt } from '../src/dialects/description.ts';
import { describeDialect } from '../src/dialects/descriptions/index.ts';
import type { DialectName } from '../src/dialects/types.ts';
import { encodePairs } from '../src/dialects/wire-util.ts';
import { unsignedRequest } from '../src/pact/wire.ts';

/** What the bench measures. */
export type BenchOperation = 'stop' | 'status';

/** One HTTP request, as autocannon takes it. */
export interface BenchRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/**
 * The `n`-th seeded instance id, valid for the dialect: its id maker's prefix and `n` in its digits, zero-padded to
 * their length (tencent `ins-` + 8 of [a-z0-9]).
 */
export function benchId(dialect: DialectName, n: number): string {
  const { make } = describeDialect(dialect).ids;
  return `${make.prefix}${n.toString(make.digits === 'hex' ? 16 : 36).padStart(make.length, '0')}`;
}

/** The id the status query asks about (seeded RUNNING, never stopped). */
export const STATUS_ID_INDEX = 0;
/** Stops use ids from here on. */
export const FIRST_STOP_INDEX = 1;

/** The status word a seeded instance has. */
export function runningWord(dialect: DialectName): string {
  return describeDialect(dialect).lifecycle.running;
}

/** Stands for the id in a request template (URL- and JSON-safe). */
const ID_SLOT = 'vmconformbenchid';

/** The request of each dialect and operation with {@link ID_SLOT} for the id, made once. */
const templates = new Map<string, BenchRequest>();

function template(dialect: DialectName, operation: BenchOperation): BenchRequest {
  const key = `${dialect} ${operation}`;
  const known = templates.get(key);
  if (known) return known;
  const contract = unsignedRequest(dialect, { operation: operation === 'stop' ? 'StopInstances' : 'DescribeStatus', instanceIds: [ID_SLOT] });
  const query = Object.entries(contract.query ?? {}).flatMap(([k, values]) => values.map((v): [string, string] => [k, v]));
  const headers = Object.fromEntries(Object.entries(contract.headers ?? {}).map(([k, v]) => [k, v.join(', ')]));
  const content = contract.body?.content;
  const made: BenchRequest = {
    method: contract.method,
    path: query.length === 0 ? contract.path : `${contract.path}?${encodePairs(query)}`,
    headers,
    ...(content === undefined ? {} : { body: typeof content === 'string' ? content : JSON.stringify(content) }),
  };
  templates.set(key, made);
  return made;
}

/**
 * The request of `operation` for instance `id`.
 *
 * @example
 * benchRequest('zenlayer-vm', 'stop', 'vm-0000000000000001') // POST /api/v2/vm {"instanceIds":["vm-0000000000000001"]}
 */
export function benchRequest(dialect: DialectName, operation: BenchOperation, id: string): BenchRequest {
  const t = template(dialect, operation);
  const fill = (text: string): string => text.split(ID_SLOT).join(id);
  return { ...t, path: fill(t.path), ...(t.body === undefined ? {} : { body: fill(t.body) }) };
}

/** Whether an answer body is the dialect's success: it has no error code where the description puts one. */
export function isSuccessBody(dialect: DialectName, body: string): boolean {
  const { answers } = describeDialect(dialect);
  try {
    return memberAt(JSON.parse(body) as unknown, [...answers.error, answers.errorCode]) === undefined;
  } catch {
    return false;
  }
}
