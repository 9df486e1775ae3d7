/**
 * `vmconform pact verify` against targets that pick their own instance ids (DESIGN.md §4 id map), with Pact's own
 * verifier over real HTTP on loopback:
 * - a target that answers each setup with the id map passes every interaction of every dialect, signatures checked:
 *   the relay flattens the map into the provider-state values the contracts' `ProviderState` generators read, so
 *   every request names the target's ids, every teardown too, and nothing is left seeded;
 * - the same target keeping its map to itself fails (the ids matter), one whose answers name the requested ids
 *   instead of its own fails exactly where an expected answer names an id (the swap is one-to-one, not a blind
 *   replace), and a map that gives one id to two instances fails those setups visibly, after they are torn down.
 */
import { http, HttpResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import type { CaseResult } from '../engine/types.ts';
import { isStatesRequest, startWithHandler } from '../provider-variants/build.ts';
import type { Provider } from '../provider/handlers.ts';
import type { RunningProvider } from '../provider/server.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { startPactWorker } from '../testing/pact-worker.ts';
import { renamingProvider, targetIdFor, type RenamingOptions } from '../testing/renaming-provider.ts';
import { planContract } from './generate.ts';
import type { PactInteraction } from './model.ts';

const worker = startPactWorker();
afterAll(() => worker.close());

interface Run {
  readonly results: readonly CaseResult[];
  readonly leftSeeded: number | undefined;
}

async function verifyAgainst(dialect: DialectName, start: () => Promise<RunningProvider>): Promise<Run> {
  const provider = await start();
  try {
    const { results } = await worker.verify({ dialect, target: provider.url, statesUrl: `${provider.url}/_vmconform/provider-states`, credentials: TEST_CREDENTIALS });
    return { results, leftSeeded: provider.provider?.store.size };
  } finally {
    await provider.close();
  }
}

const renaming = (dialect: DialectName, options: RenamingOptions = {}): (() => Promise<RunningProvider>) => () =>
  renamingProvider(dialect, { ...options, provider: { verifySignatures: TEST_CREDENTIALS } })({ transitionMs: 100 });

const seededIds = (i: PactInteraction): string[] => i.providerStates?.[0]?.params.instances.map((x) => x.id) ?? [];
const failedIds = (run: Run | undefined): string[] => (run?.results ?? []).filter((r) => r.status === 'failed').map((r) => r.id).sort();
/** Cases with an interaction whose expected answer names a seeded id (a response generator). */
const answerNamesIds = (dialect: DialectName): string[] =>
  planContract(dialect)
    .filter((p) => p.interactions.some((i) => i.response.generators !== undefined))
    .map((p) => p.row.id)
    .sort();

describe('a target that answers each setup with the ids it created', () => {
  const runs = new Map<DialectName, Run>();
  beforeAll(async () => {
    await Promise.all(DIALECT_NAMES.map(async (d) => runs.set(d, await verifyAgainst(d, renaming(d)))));
  }, 120_000);

  it.each(DIALECT_NAMES.map((d) => [d] as const))('%s: every interaction passes with the target\'s ids in every request and teardown; nothing is left seeded', (dialect) => {
    const run = runs.get(dialect);
    expect((run?.results ?? []).filter((r) => r.status === 'failed').map((r) => `${r.id}: ${r.message ?? ''}`)).toEqual([]);
    expect(run?.leftSeeded, 'every setup was torn down').toBe(0);
    let named = 0;
    for (const plan of planContract(dialect)) {
      const exchanges = run?.results.find((r) => r.id === plan.row.id)?.exchanges ?? [];
      for (const interaction of plan.interactions) {
        const requested = seededIds(interaction);
        if (requested.length === 0) continue;
        const own = requested.map((id) => targetIdFor(dialect, id));
        const step = Number(interaction.key.split('#')[1]);
        const calls = exchanges.filter((e) => e.role === 'call' && e.step === step);
        expect(calls, interaction.key).toHaveLength(1);
        const sent = `${calls[0]?.request.url ?? ''} ${calls[0]?.request.body ?? ''}`;
        for (const id of requested) expect(sent, interaction.key).not.toContain(id);
        const contract = JSON.stringify(interaction.request);
        requested.forEach((id, n) => {
          if (!contract.includes(id)) return;
          named++;
          expect(sent, interaction.key).toContain(own[n]);
        });
        const teardown = exchanges.filter((e) => e.step === 'teardown').map((e) => JSON.parse(e.request.body ?? '{}') as { params: { instances: { id: string }[] } });
        expect(teardown.length, interaction.key).toBeGreaterThan(0);
        for (const t of teardown) expect(t.params.instances.map((i) => i.id)).toEqual(own);
      }
    }
    expect(named).toBeGreaterThan(10);
  });
});

describe.concurrent('what makes a renaming target pass, and what does not', () => {
  it('the same target keeping its map to itself fails: the requested ids are unknown to it', async () => {
    const run = await verifyAgainst('zenlayer-vm', renaming('zenlayer-vm', { answerMap: false }));
    expect(failedIds(run)).toEqual(expect.arrayContaining(['stop.single', 'stop.batch.2', 'state.STOPPED.rejected']));
    expect(run.results.find((r) => r.id === 'stop.single')?.message).toMatch(/INVALID_INSTANCE_NOT_FOUND/);
  }, 60_000);

  it('answers that name the requested ids where the target\'s belong fail exactly the interactions whose answer names an id', async () => {
    const dialect = 'aliyun-ecs';
    const expected = answerNamesIds(dialect);
    expect(expected).toEqual(expect.arrayContaining(['aliyun.success-first.mixed', 'param.BatchOptimization.SuccessFirst']));
    const run = await verifyAgainst(dialect, renaming(dialect, { answerRequestedIds: true }));
    expect(failedIds(run)).toEqual(expected);
    for (const r of run.results.filter((x) => x.status === 'failed')) expect(r.findings.map((f) => f.check)).toEqual(r.findings.map(() => 'pact-body'));
    expect(run.leftSeeded).toBe(0);
  }, 60_000);

  it('a map that gives one id to two instances fails those setups visibly, and they are torn down', async () => {
    const dialect = 'zenlayer-vm';
    let underneath: Provider | undefined;
    const start = async (): Promise<RunningProvider> => ({
      ...(await startWithHandler(dialect, (forward, provider) => {
        underneath = provider;
        return http.post('*', async ({ request }) => {
          if (!isStatesRequest(request)) return forward(request);
          const body = (await request.clone().json()) as { action?: string; params?: { instances?: { id: string }[] } };
          const answer = await forward(request);
          const [first, second] = body.params?.instances ?? [];
          if (body.action !== 'setup' || first === undefined || second === undefined || !answer.ok) return answer;
          return HttpResponse.json({ instances: [{ requested: second.id, id: first.id }] });
        });
      })({ transitionMs: 100 })),
      provider: underneath,
    });
    const shared = planContract(dialect)
      .filter((p) => p.interactions.some((i) => seededIds(i).length >= 2))
      .map((p) => p.row.id)
      .sort();
    expect(shared.length).toBeGreaterThan(2);
    const run = await verifyAgainst(dialect, start);
    expect(failedIds(run)).toEqual(shared);
    for (const id of shared) {
      const findings = run.results.find((r) => r.id === id)?.findings ?? [];
      expect(findings.map((f) => f.check), id).toEqual(['provider-state']);
      expect(findings[0]?.message).toMatch(/provider-state setup: the reply's id map cannot be used: the setup reply gives "[^"]+" to both/);
      expect(findings[0]?.curl).toMatch(/^curl .*_vmconform\/provider-states/);
    }
    expect(run.leftSeeded, 'the relay tore down what the target set up').toBe(0);
  }, 60_000);
});
