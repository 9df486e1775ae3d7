/**
 * The provider-state id map (DESIGN.md §4) as Pact carries it. A target that cannot take an id from the caller
 * answers a setup with the ids it created, `{"instances": [{"requested": "ins-ab12cd34", "id": "ins-9zz8yy77"}]}`.
 * Pact's verifier takes provider-state values only from the top-level keys of a JSON object reply (pact-reference
 * `rust/pact_verifier/src/provider_client.rs`, `make_state_change_request`), and the contracts look each seeded id up
 * under its requested id ({@link idExpression}). So:
 * - `vmconform pact verify`'s state relay answers the verifier with the map flattened ({@link providerStateValues}),
 *   and tears down with the target's ids ({@link teardownWithTargetIds}), as `vmconform run` does;
 * - Pact's Rust verifier applies provider-state values to the request only, never to the expected response
 *   (`rust/pact_verifier/src/lib.rs`, `verify_response_from_provider`), so where an expected answer names a seeded id,
 *   `pact verify` swaps the target's ids and the requested ids in the answer before Pact compares it
 *   ({@link answerIdSwap}, {@link swapIdsInJson}): a one-to-one renaming, so an answer matches exactly when it would
 *   have matched with the target's ids in the contract.
 */
import type { IdAssignments } from '../engine/provider-states.ts';

/**
 * The `ProviderState` generator expression of a seeded id: its requested id as the key of a provider-state value.
 *
 * @example
 * idExpression('ins-ab12cd34') // '${ins-ab12cd34}'
 */
export function idExpression(requested: string): string {
  return `\${${requested}}`;
}

/**
 * The provider-state values Pact's verifier gets for a setup: one top-level key per requested id the target renamed,
 * its value the target's id (requested ids it kept need no key: a generator without a value keeps the contract's id).
 *
 * @example
 * providerStateValues(new Map([['ins-ab12cd34', 'ins-9zz8yy77']])) // { 'ins-ab12cd34': 'ins-9zz8yy77' }
 */
export function providerStateValues(map: IdAssignments): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [requested, id] of map) if (requested !== id) values[requested] = id;
  return values;
}

/**
 * The ids a setup body requests (`params.instances[].id`), in order; none when the body has another shape.
 *
 * @example
 * requestedIdsOf({ params: { instances: [{ id: 'ins-ab12cd34' }] } }) // ['ins-ab12cd34']
 */
export function requestedIdsOf(body: unknown): string[] {
  const instances = objectAt(objectAt(body)?.['params'])?.['instances'];
  if (!Array.isArray(instances)) return [];
  return instances.flatMap((i) => {
    const id = objectAt(i)?.['id'];
    return typeof id === 'string' ? [id] : [];
  });
}

function objectAt(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * The teardown of a setup body, naming the target's ids where the map renamed them (DESIGN.md §4: "those instances
 * are gone"; Pact's verifier would resend the requested ids).
 *
 * @example
 * teardownWithTargetIds({ action: 'setup', state: 'instances exist', params: { instances: [{ id: 'a' }] } }, new Map([['a', 'b']]))
 * // { action: 'teardown', state: 'instances exist', params: { instances: [{ id: 'b' }] } }
 */
export function teardownWithTargetIds(setup: Record<string, unknown>, map: IdAssignments): Record<string, unknown> {
  const params = objectAt(setup['params']);
  const instances = params?.['instances'];
  if (params === undefined || !Array.isArray(instances) || map.size === 0) return { ...setup, action: 'teardown' };
  const renamed = instances.map((i) => {
    const entry = objectAt(i);
    const id = entry?.['id'];
    return entry !== undefined && typeof id === 'string' && map.has(id) ? { ...entry, id: map.get(id) } : i;
  });
  return { ...setup, action: 'teardown', params: { ...params, instances: renamed } };
}

/**
 * A one-to-one renaming that turns the target's ids into the requested ones: every target id goes to its requested
 * id, and every requested id that is not itself a target id goes to a target id that is not requested (so an answer
 * that names a requested id the target never used cannot pass for one naming the target's id).
 *
 * @example
 * answerIdSwap(new Map([['a', 'x']])) // Map { 'x' => 'a', 'a' => 'x' }
 */
export function answerIdSwap(map: IdAssignments): ReadonlyMap<string, string> {
  const swap = new Map<string, string>();
  const requested = new Set<string>();
  const targets = new Set<string>();
  for (const [from, to] of map) {
    if (from === to) continue;
    swap.set(to, from);
    requested.add(from);
    targets.add(to);
  }
  const spareTargets = [...targets].filter((t) => !requested.has(t));
  [...requested].filter((r) => !targets.has(r)).forEach((r, i) => swap.set(r, spareTargets[i] as string));
  return swap;
}

/**
 * A JSON text with every string value the swap names replaced (object keys untouched); the text itself when it is not
 * JSON or names none of them.
 *
 * @example
 * swapIdsInJson('{"InstanceId":"x"}', new Map([['x', 'a'], ['a', 'x']])) // '{"InstanceId":"a"}'
 */
export function swapIdsInJson(text: string, swap: ReadonlyMap<string, string>): string {
  if (swap.size === 0) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  let changed = false;
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const other = swap.get(value);
      if (other === undefined) return value;
      changed = true;
      return other;
    }
    if (Array.isArray(value)) return value.map(walk);
    const obj = objectAt(value);
    return obj === undefined ? value : Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, walk(v)]));
  };
  const swapped = walk(parsed);
  return changed ? JSON.stringify(swapped) : text;
}
