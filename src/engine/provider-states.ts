/**
 * Client of the provider-state protocol (DESIGN.md §4): `setup` seeds instances with given statuses, `teardown`
 * removes them. A refused or botched call raises {@link ProviderStateCallError}, which carries the target's HTTP
 * status and body, so the case fails visibly with them.
 */
import { toCurl } from '../dialects/curl.ts';
import { sendWire } from '../dialects/transport.ts';
import type { WireRequest, WireResponse } from '../dialects/types.ts';
import { ProviderStateError } from '../errors.ts';
import { currentExchangeLog } from './exchange-log.ts';
import { recordSeeds } from './seed-ledger.ts';

/** The state name of the protocol. */
export const STATE_NAME = 'instances exist';

/** Path of the provider-state endpoint relative to the target base URL. */
export const STATES_PATH = '/_vmconform/provider-states';

/** One instance to seed. */
export interface SeedInstance {
  readonly id: string;
  readonly status: string;
  readonly securityLocked?: boolean;
}

/** A provider-state call that failed: the HTTP status (undefined for transport failures), body and curl line. */
export class ProviderStateCallError extends ProviderStateError {
  override readonly name: string = 'ProviderStateError';
  constructor(
    message: string,
    /** HTTP status the endpoint answered, `undefined` when it could not be reached. */
    readonly httpStatus: number | undefined,
    /** Body the endpoint answered (truncated), `''` when none. */
    readonly body: string,
    /** The request as a curl line. */
    readonly curl: string,
  ) {
    super(message);
  }
}

/**
 * The default provider-state URL for a target base URL.
 *
 * @example
 * defaultStatesUrl('http://127.0.0.1:8080/') // 'http://127.0.0.1:8080/_vmconform/provider-states'
 */
export function defaultStatesUrl(target: string): string {
  return `${target.replace(/\/+$/, '')}${STATES_PATH}`;
}

function truncate(text: string, max = 500): string {
  return text.length > max ? `${text.slice(0, max)}... (${text.length} chars)` : text;
}

/**
 * The ids a target created for the ids a setup requested (DESIGN.md §4: a target that cannot take an id from the
 * caller may answer `{"instances": [{"requested": "ins-ab12cd34", "id": "ins-9zz8yy77"}]}`). Requested ids the reply
 * does not map keep their own id.
 */
export type IdAssignments = ReadonlyMap<string, string>;

/**
 * Read the optional id map of a setup reply (DESIGN.md §4): entries `{requested, id}` naming a requested id, each
 * with a non-empty string id. Anything else in the body is ignored (any body is a legal reply), except a map that
 * cannot be used: two requested ids given the same id, or an id given to a requested id that another requested id
 * already is.
 *
 * @example
 * readIdMap('{"instances":[{"requested":"ins-aaaaaaaa","id":"ins-bbbbbbbb"}]}', ['ins-aaaaaaaa']) // { ok: true, map: Map { 'ins-aaaaaaaa' => 'ins-bbbbbbbb' } }
 */
export function readIdMap(bodyText: string, requested: readonly string[]): { readonly ok: true; readonly map: IdAssignments } | { readonly ok: false; readonly problem: string } {
  const map = new Map<string, string>();
  let parsed: unknown;
  try {
    parsed = bodyText.trim() === '' ? undefined : JSON.parse(bodyText);
  } catch {
    return { ok: true, map };
  }
  const list = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>)['instances'] : undefined;
  if (!Array.isArray(list)) return { ok: true, map };
  const wanted = new Set(requested);
  for (const entry of list) {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) continue;
    const e = entry as Record<string, unknown>;
    const from = e['requested'];
    const to = e['id'];
    if (typeof from !== 'string' || typeof to !== 'string' || to === '' || !wanted.has(from)) continue;
    map.set(from, to);
  }
  const taken = new Map<string, string>();
  for (const id of requested) {
    const actual = map.get(id) ?? id;
    const other = taken.get(actual);
    if (other !== undefined) {
      return { ok: false, problem: `the setup reply gives ${JSON.stringify(actual)} to both ${JSON.stringify(other)} and ${JSON.stringify(id)}` };
    }
    taken.set(actual, id);
  }
  return { ok: true, map };
}

async function post(url: string, payload: { readonly action: 'setup' | 'teardown'; readonly state: string; readonly params: unknown }, timeoutMs: number): Promise<{ readonly response: WireResponse; readonly curl: string }> {
  const action = payload.action;
  const request: WireRequest = {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(payload),
  };
  const started = Date.now();
  const sent = await sendWire(request, timeoutMs);
  currentExchangeLog()?.add(action === 'teardown' ? 'teardown' : 'setup', 'provider-state', request, sent.response, sent.transportError, started, sent.durationMs);
  const curl = toCurl(request);
  if (!sent.response) {
    throw new ProviderStateCallError(
      `provider-state ${action}: expected an HTTP answer from ${url}, received none: ${sent.transportError ?? 'no answer'}`,
      undefined,
      '',
      curl,
    );
  }
  const { status, bodyText } = sent.response;
  // DESIGN.md §4: any 2xx; the body is read only for a setup's optional id map.
  if (status < 200 || status > 299) {
    throw new ProviderStateCallError(
      `provider-state ${action}: expected HTTP 2xx (DESIGN.md §4), received HTTP ${status} with body ${JSON.stringify(truncate(bodyText))}`,
      status,
      truncate(bodyText),
      curl,
    );
  }
  return { response: sent.response, curl };
}

/**
 * Seed instances (`setup`) and return the ids the target gave them (DESIGN.md §4's optional id map; a requested id
 * it does not map keeps its own). Throws {@link ProviderStateCallError} unless the endpoint answers 2xx.
 *
 * @example
 * const ids = await setupInstances(statesUrl, [{ id: 'ins-ab12cd34', status: 'RUNNING' }]);
 * ids.get('ins-ab12cd34') // the target's own id, when it named one
 */
export async function setupInstances(
  statesUrl: string,
  instances: readonly SeedInstance[],
  timeoutMs = 10_000,
): Promise<IdAssignments> {
  // Named in the seed ledger before it is sent: a second Ctrl-C while it is in flight still lists these ids.
  recordSeeds('setup', statesUrl, instances.map((i) => i.id));
  const { response, curl } = await post(
    statesUrl,
    {
      action: 'setup',
      state: STATE_NAME,
      params: {
        instances: instances.map((i) => ({ id: i.id, status: i.status, securityLocked: i.securityLocked ?? false })),
      },
    },
    timeoutMs,
  );
  const read = readIdMap(response.bodyText, instances.map((i) => i.id));
  // The ledger named the requested ids before the setup was sent; the ones the target renamed go under its ids.
  if (read.ok && read.map.size > 0) {
    recordSeeds('teardown', statesUrl, [...read.map.keys()]);
    recordSeeds('setup', statesUrl, [...read.map.values()]);
  }
  if (!read.ok) {
    throw new ProviderStateCallError(`provider-state setup: the reply's id map cannot be used: ${read.problem}`, response.status, truncate(response.bodyText), curl);
  }
  return read.map;
}

/** Remove seeded instances (`teardown`). Throws {@link ProviderStateCallError} on failure. */
export async function teardownInstances(
  statesUrl: string,
  ids: readonly string[],
  timeoutMs = 10_000,
): Promise<void> {
  await post(
    statesUrl,
    { action: 'teardown', state: STATE_NAME, params: { instances: ids.map((id) => ({ id })) } },
    timeoutMs,
  );
  recordSeeds('teardown', statesUrl, ids);
}
