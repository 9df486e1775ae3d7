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

/** The provider-state endpoint's path and default URL (defined in `defaults.ts`, which reporters may read). */
export { defaultStatesUrl, STATES_PATH } from './defaults.ts';

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

/** A provider-state action of DESIGN.md §4. */
export type ProviderStateAction = 'setup' | 'teardown';

/**
 * The request of a provider-state call (DESIGN.md §4): a JSON POST to the provider-state URL. A setup seeds
 * `instances` with their statuses; a teardown removes the instances of those ids.
 *
 * @example
 * providerStateRequest(statesUrl, 'teardown', [{ id: 'ins-ab12cd34' }])
 */
export function providerStateRequest(url: string, action: ProviderStateAction, instances: readonly (SeedInstance | { readonly id: string })[]): WireRequest {
  const params = {
    instances: instances.map((i) => ('status' in i ? { id: i.id, status: i.status, securityLocked: i.securityLocked ?? false } : { id: i.id })),
  };
  return {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ action, state: STATE_NAME, params }),
  };
}

/**
 * Judge the answer to a provider-state call: any 2xx (DESIGN.md §4), and for a setup an id map the suite can use.
 * Returns the ids the target gave the requested ones (empty for a teardown); throws {@link ProviderStateCallError}
 * otherwise (no answer, another status, an unusable id map).
 *
 * @example
 * const assigned = judgeProviderStateAnswer('setup', request, sent, ['ins-ab12cd34']);
 */
export function judgeProviderStateAnswer(
  action: ProviderStateAction,
  request: WireRequest,
  sent: { readonly response: WireResponse | undefined; readonly transportError: string | undefined },
  requested: readonly string[] = [],
): IdAssignments {
  const curl = toCurl(request);
  if (!sent.response) {
    throw new ProviderStateCallError(
      `provider-state ${action}: expected an HTTP answer from ${request.url}, received none: ${sent.transportError ?? 'no answer'}`,
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
  if (action === 'teardown') return new Map();
  const read = readIdMap(bodyText, requested);
  if (!read.ok) {
    throw new ProviderStateCallError(`provider-state setup: the reply's id map cannot be used: ${read.problem}`, status, truncate(bodyText), curl);
  }
  return read.map;
}

async function post(request: WireRequest, action: ProviderStateAction, timeoutMs: number, requested: readonly string[] = []): Promise<IdAssignments> {
  const started = Date.now();
  const sent = await sendWire(request, timeoutMs);
  currentExchangeLog()?.add(action, 'provider-state', request, sent.response, sent.transportError, started, sent.durationMs);
  return judgeProviderStateAnswer(action, request, sent, requested);
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
  const assigned = await post(providerStateRequest(statesUrl, 'setup', instances), 'setup', timeoutMs, instances.map((i) => i.id));
  // The ledger named the requested ids before the setup was sent; the ones the target renamed go under its ids.
  if (assigned.size > 0) {
    recordSeeds('teardown', statesUrl, [...assigned.keys()]);
    recordSeeds('setup', statesUrl, [...assigned.values()]);
  }
  return assigned;
}

/** Remove seeded instances (`teardown`). Throws {@link ProviderStateCallError} on failure. */
export async function teardownInstances(
  statesUrl: string,
  ids: readonly string[],
  timeoutMs = 10_000,
): Promise<void> {
  await post(providerStateRequest(statesUrl, 'teardown', ids.map((id) => ({ id }))), 'teardown', timeoutMs);
  recordSeeds('teardown', statesUrl, ids);
}
