/**
 * Test support: the reference provider behind a provider-state endpoint that picks its own ids (DESIGN.md §4 id map).
 * Each requested id is seeded under another valid id of the dialect (derived from it), so the requested ids are
 * unknown to the API. The setup reply is the id map `{"instances": [{"requested", "id"}]}` (or nothing with
 * `answerMap: false`), plus with `flatKeys` each target id under its requested id at the top level, which is what
 * another Pact verifier reads. A teardown removes the target's ids it names; with `teardownByRequestedId` it also
 * takes the requested ids (another Pact verifier resends the setup's params at teardown). `answerRequestedIds` makes it
 * wrong on purpose: its API answers name the requested ids instead of its own.
 */
import { getDialect } from '../dialects/index.ts';
import type { DialectName } from '../dialects/types.ts';
import type { Provider, ProviderOptions } from '../provider/handlers.ts';
import type { RunningProvider } from '../provider/server.ts';
import { everyRequest, isStatesRequest, rewriteAnswer, startWithHandler, type Json, type VariantStartOptions } from '../provider-variants/build.ts';

/** How the renaming endpoint answers and what its teardown accepts. */
export interface RenamingOptions {
  /** Answer the `instances` id map (default true); false: rename without saying so. */
  readonly answerMap?: boolean;
  /** Also answer `{"<requested id>": "<target id>"}` at the top level (default false). */
  readonly flatKeys?: boolean;
  /** A teardown naming requested ids removes the target's instances for them (default false). */
  readonly teardownByRequestedId?: boolean;
  /** Wrong on purpose: API answers name the requested ids where the target's ids belong (default false). */
  readonly answerRequestedIds?: boolean;
  /** Options of the reference provider underneath. */
  readonly provider?: ProviderOptions;
}

/** The id this endpoint gives a requested id. */
export function targetIdFor(dialect: DialectName, requested: string): string {
  return getDialect(dialect).instanceId(`target-own.${requested}`);
}

/**
 * A provider that seeds every requested id under its own id (see the module comment); its `provider` is the reference
 * provider underneath (its store holds the target's ids).
 *
 * @example
 * const provider = await renamingProvider('zenlayer-vm')({ transitionMs: 100 });
 */
export function renamingProvider(dialect: DialectName, options: RenamingOptions = {}): (start?: VariantStartOptions) => Promise<RunningProvider> {
  let underneath: Provider | undefined;
  const start = startWithHandler(
    dialect,
    (forward, provider) => {
      underneath = provider;
      // Requested id -> the id this endpoint gave it, for every setup so far.
      const given = new Map<string, string>();
      return everyRequest(async (request) => {
        if (!isStatesRequest(request)) {
          const answer = await forward(request);
          if (options.answerRequestedIds !== true) return answer;
          const requestedOf = new Map([...given].map(([requested, own]) => [own, requested]));
          const back = (value: Json): Json =>
            typeof value === 'string' ? (requestedOf.get(value) ?? value) : Array.isArray(value) ? value.map(back) : value !== null && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, back(v)])) : value;
          return rewriteAnswer(answer, (body) => back(body));
        }
        const payload = (await request.clone().json()) as { action?: string; params?: { instances?: { id: string }[] } };
        const list = payload.params?.instances;
        if (!Array.isArray(list)) return forward(request);
        const setup = payload.action === 'setup';
        if (setup) for (const i of list) given.set(i.id, targetIdFor(dialect, i.id));
        const translate = setup || options.teardownByRequestedId === true;
        const ids = list.map((i) => (translate ? (given.get(i.id) ?? i.id) : i.id));
        const body = JSON.stringify({ ...payload, params: { ...payload.params, instances: list.map((i, n) => ({ ...i, id: ids[n] })) } });
        const answer = await forward(new Request(request.url, { method: 'POST', headers: request.headers, body }));
        if (!answer.ok || !setup) return answer;
        const pairs = list.map((i, n) => ({ requested: i.id, id: ids[n] ?? '' }));
        return Response.json({
          ...(options.answerMap === false ? {} : { instances: pairs }),
          ...(options.flatKeys === true ? Object.fromEntries(pairs.map((p) => [p.requested, p.id])) : {}),
        });
      });
    },
    options.provider,
  );
  return async (o) => ({ ...(await start(o)), provider: underneath });
}
