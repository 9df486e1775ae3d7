/**
 * Client of the provider-state protocol (DESIGN.md §4): `setup` seeds instances with given statuses, `teardown`
 * removes them. A refused or botched call raises {@link ProviderStateCallError}, which carries the target's HTTP
 * status and body, so the case fails visibly with them.
 */
import { toCurl } from '../dialects/curl.ts';
import { sendWire } from '../dialects/transport.ts';
import type { WireRequest } from '../dialects/types.ts';
import { ProviderStateError } from '../errors.ts';
import { currentExchangeLog } from './exchange-log.ts';

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

async function post(url: string, payload: unknown, timeoutMs: number): Promise<void> {
  const action = (payload as { action: string }).action;
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
  if (status !== 200) {
    throw new ProviderStateCallError(
      `provider-state ${action}: expected HTTP 200, received HTTP ${status} with body ${JSON.stringify(truncate(bodyText))}`,
      status,
      truncate(bodyText),
      curl,
    );
  }
  let parsed: unknown;
  try {
    parsed = bodyText.trim() === '' ? {} : JSON.parse(bodyText);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ProviderStateCallError(
      `provider-state ${action}: expected a JSON object, received ${JSON.stringify(truncate(bodyText))}`,
      status,
      truncate(bodyText),
      curl,
    );
  }
}

/**
 * Seed instances (`setup`). Throws {@link ProviderStateCallError} unless the endpoint answers 200 with a JSON object.
 *
 * @example
 * await setupInstances(statesUrl, [{ id: 'ins-ab12cd34', status: 'RUNNING' }]);
 */
export async function setupInstances(
  statesUrl: string,
  instances: readonly SeedInstance[],
  timeoutMs = 10_000,
): Promise<void> {
  await post(
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
}
