/**
 * The provider-state endpoint (DESIGN.md §4, Pact's convention): `POST {base}/_vmconform/provider-states` with
 * `{"action":"setup"|"teardown","state":"instances exist","params":{"instances":[...]}}`.
 */
import { preview, type Incoming } from './common.ts';
import type { ProviderContext } from './context.ts';
import { jsonAnswer, type ProviderAnswer } from './exchange.ts';
import { isValidId } from './rules.ts';

/** Path of the endpoint, relative to the provider's base. */
export const PROVIDER_STATES_PATH = '/_vmconform/provider-states';
/** The one state name of the protocol. */
export const INSTANCES_EXIST_STATE = 'instances exist';

interface SeedInstance {
  readonly id: string;
  readonly status: string;
  readonly securityLocked: boolean;
}

class StateRequestError extends Error {}

function bad(message: string): never {
  throw new StateRequestError(message);
}

/**
 * Handle one provider-state request: 200 `{}` when applied (or for `"state": ""`, Pact's setup of an interaction
 * without a state: a no-op), 400 `{"error": "..."}` for any other body, 405 for a method other than POST. Extra keys
 * (Pact's `consumer`, `states`) are ignored. Validation happens before any change, so a rejected setup changes nothing.
 */
export function handleProviderState(ctx: ProviderContext, incoming: Incoming): ProviderAnswer {
  if (incoming.method.toUpperCase() !== 'POST') {
    return jsonAnswer(405, { error: `use POST for ${PROVIDER_STATES_PATH}` }, { allow: 'POST' });
  }
  try {
    let body: unknown;
    try {
      body = JSON.parse(incoming.bodyText);
    } catch {
      bad('the body must be JSON: {"action":"setup"|"teardown","state":"instances exist","params":{"instances":[...]}}');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) bad('the body must be a JSON object');
    const { action, state, params } = body as Record<string, unknown>;
    if (action !== 'setup' && action !== 'teardown') bad(`"action" must be "setup" or "teardown", not ${preview(action)}`);
    // DESIGN.md §4: Pact's verifier posts `"state": ""` for an interaction without a state: a no-op.
    if (state === '') return jsonAnswer(200, {});
    if (state !== INSTANCES_EXIST_STATE) bad(`"state" must be "${INSTANCES_EXIST_STATE}", not ${preview(state)}`);
    if (typeof params !== 'object' || params === null || Array.isArray(params)) bad('"params" must be an object');
    const instances = (params as Record<string, unknown>)['instances'];
    if (!Array.isArray(instances)) bad('"params.instances" must be an array');
    const seeds = instances.map((item, index) => readSeed(ctx, item, index, action === 'setup'));
    const ids = new Set<string>();
    for (const seed of seeds) {
      if (ids.has(seed.id)) bad(`instance id ${seed.id} appears twice`);
      ids.add(seed.id);
    }
    for (const seed of seeds) {
      if (action === 'setup') ctx.store.put(seed.id, seed.status, seed.securityLocked);
      else ctx.store.delete(seed.id);
    }
    return jsonAnswer(200, {});
  } catch (err: unknown) {
    if (err instanceof StateRequestError) return jsonAnswer(400, { error: err.message });
    throw err;
  }
}

function readSeed(ctx: ProviderContext, item: unknown, index: number, setup: boolean): SeedInstance {
  const where = `params.instances[${index}]`;
  if (typeof item !== 'object' || item === null || Array.isArray(item)) bad(`${where} must be an object`);
  const { id, status, securityLocked } = item as Record<string, unknown>;
  if (!isValidId(ctx.rules, id)) {
    bad(`${where}.id ${preview(id)} is not a valid ${ctx.dialect} instance id`);
  }
  if (!setup) return { id, status: '', securityLocked: false };
  if (typeof status !== 'string' || !ctx.rules.statusWords.includes(status)) {
    bad(`${where}.status ${preview(status)} is not a ${ctx.dialect} status word (${ctx.rules.statusWords.join(', ')})`);
  }
  if (securityLocked !== undefined && typeof securityLocked !== 'boolean') {
    bad(`${where}.securityLocked must be a boolean`);
  }
  return { id, status, securityLocked: securityLocked === true };
}
