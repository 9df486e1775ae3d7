/**
 * Pact's own verifier (the Rust core behind @pact-foundation/pact) over the contracts, against real providers on
 * loopback: every dialect's reference provider passes every interaction with signatures checked, and its instances
 * are all torn down; a refused provider-state setup fails its case visibly with the target's answer (never silently:
 * pact-js issues #631 and #1585 are the anti-example); a tencent error answer never passes for a success; an
 * unreachable target fails the cases instead of crashing; a verifier that cannot run is vmconform's failure.
 */
import { http, HttpResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { VmconformError } from '../errors.ts';
import { everyRequest, isStatesRequest, mapObjects, rewriteAnswer, startWithHandler, startWithOptions } from '../provider-variants/build.ts';
import { startProviderServer } from '../provider/server.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { isInexpressible, planContract } from './generate.ts';
import type { PactVerifyOutcome } from './verify.ts';
import { startPactWorker } from '../testing/pact-worker.ts';

// Verifications run in a child process: Pact's Rust core prints its whole report to standard output.
const worker = startPactWorker();
const verifyContract = worker.verify;
afterAll(() => worker.close());

const statesOf = (url: string): string => `${url}/_vmconform/provider-states`;

describe('pact verify against the reference providers (signatures checked)', () => {
  const runs = new Map<DialectName, { outcome: PactVerifyOutcome; leftSeeded: number | undefined }>();
  beforeAll(async () => {
    await Promise.all(
      DIALECT_NAMES.map(async (dialect) => {
        const provider = await startProviderServer({ dialect, verifySignatures: TEST_CREDENTIALS, transitionMs: 100 });
        try {
          const outcome = await verifyContract({ dialect, target: provider.url, statesUrl: statesOf(provider.url), credentials: TEST_CREDENTIALS });
          runs.set(dialect, { outcome, leftSeeded: provider.provider?.store.size });
        } finally {
          await provider.close();
        }
      }),
    );
  }, 120_000);

  it.each(DIALECT_NAMES.map((d) => [d] as const))('%s: every interaction passes, the rest is skipped, nothing is left seeded', (dialect) => {
    const run = runs.get(dialect);
    const results = run?.outcome.results ?? [];
    const plans = planContract(dialect);
    expect(results.map((r) => r.id)).toEqual(plans.map((p) => p.row.id));
    expect(results.filter((r) => r.status === 'failed').map((r) => `${r.id}: ${r.message ?? ''}`)).toEqual([]);
    expect(results.filter((r) => r.status === 'skipped').map((r) => r.id)).toEqual(plans.filter(isInexpressible).map((p) => p.row.id));
    for (const r of results.filter((x) => x.status === 'skipped')) expect(r.message).toMatch(/vmconform run/);
    expect(run?.outcome.output.join('\n')).toContain(`Verifying a pact between vmconform and ${dialect}`);
    expect(run?.leftSeeded, 'every setup was torn down').toBe(0);
  });
});

describe('a refused provider-state setup', () => {
  it('fails its own case, with the target\'s answer and the setup as a curl line; the other cases pass', async () => {
    const dialect = 'zenlayer-vm';
    const victim = planContract(dialect).find((p) => p.row.id === 'state.STOPPED.rejected');
    const victimId = victim?.interactions[0]?.providerStates?.[0]?.params.instances[0]?.id ?? '';
    expect(victimId).not.toBe('');
    const start = startWithHandler(dialect, (forward) =>
      http.post('*', async ({ request }) => {
        if (!new URL(request.url).pathname.endsWith('/_vmconform/provider-states')) return forward(request);
        const body = (await request.clone().json()) as { action?: string; params?: { instances?: { id?: string }[] } };
        if (body.action === 'setup' && body.params?.instances?.some((i) => i.id === victimId)) {
          return HttpResponse.json({ error: 'seeding refused by this target' }, { status: 400 });
        }
        return forward(request);
      }),
    );
    const provider = await start();
    try {
      const { results } = await verifyContract({ dialect, target: provider.url, statesUrl: statesOf(provider.url), credentials: TEST_CREDENTIALS });
      const failed = results.filter((r) => r.status === 'failed');
      expect(failed.map((r) => r.id)).toEqual(['state.STOPPED.rejected']);
      const finding = failed[0]?.findings[0];
      expect(finding).toMatchObject({ caseId: 'state.STOPPED.rejected', dialect, level: 'MUST', check: 'provider-state' });
      expect(finding?.message).toMatch(/^state\.STOPPED\.rejected#1: provider-state setup: expected HTTP 2xx \(DESIGN\.md §4\), received HTTP 400 with body .*seeding refused by this target/);
      expect(finding?.curl).toMatch(/^curl -sS -X POST .*_vmconform\/provider-states/);
      expect(finding?.docRef).toBe(victim?.row.docRef);
    } finally {
      await provider.close();
    }
  }, 60_000);
});

describe('matching', () => {
  it('a tencent error (HTTP 200 with Response.Error) never passes for a success: the eachKey rule forbids Response.Error', async () => {
    const dialect = 'tencent-cvm-api2';
    const provider = await startWithOptions(dialect, { rules: { stoppableWords: [] } })();
    try {
      const { results } = await verifyContract({ dialect, target: provider.url, statesUrl: statesOf(provider.url), credentials: TEST_CREDENTIALS });
      const stop = results.find((r) => r.id === 'stop.single');
      expect(stop?.status).toBe('failed');
      expect(stop?.findings.map((f) => f.check)).toContain('pact-body');
      expect(stop?.message).toMatch(/Error/);
      expect(stop?.message).toMatch(/received HTTP 200 with error InvalidInstance\.NotSupported/);
      expect(stop?.findings[0]?.curl).toMatch(/Signature=/);
      expect(results.find((r) => r.id === 'state.STOPPED.rejected')?.status).toBe('passed');
    } finally {
      await provider.close();
    }
  }, 60_000);
});

describe('what the pins make legal and Pact cannot say (DESIGN.md §3): adapted before Pact compares', () => {
  it('a tencent success with "Error": null and every answer as text/json, a zenlayer answer without a Content-Type: every interaction passes', async () => {
    const tencent = await startWithHandler('tencent-cvm-api2', (forward) =>
      everyRequest(async (request) => {
        if (isStatesRequest(request)) return forward(request);
        const answer = await forward(request);
        return rewriteAnswer(answer, (body) => mapObjects(body, (obj, key) => (key === 'Response' && !('Error' in obj) ? { ...obj, Error: null } : obj)), () => 'text/json');
      }),
    )();
    const zenlayer = await startWithHandler('zenlayer-vm', (forward) =>
      everyRequest(async (request) => {
        const answer = await forward(request);
        if (isStatesRequest(request)) return answer;
        const headers = new Headers(answer.headers);
        headers.delete('content-type');
        return new Response(await answer.text(), { status: answer.status, headers });
      }),
    )();
    try {
      for (const [dialect, provider] of [['tencent-cvm-api2', tencent], ['zenlayer-vm', zenlayer]] as const) {
        const { results } = await verifyContract({ dialect, target: provider.url, statesUrl: statesOf(provider.url), credentials: TEST_CREDENTIALS });
        expect(results.filter((r) => r.status === 'failed').map((r) => `${r.id}: ${r.message ?? ''}`), dialect).toEqual([]);
      }
    } finally {
      await Promise.all([tencent.close(), zenlayer.close()]);
    }
  }, 120_000);
});

describe('failures of the setting', () => {
  it('an unreachable target fails every case with an interaction, and crashes nothing', async () => {
    const provider = await startProviderServer({ dialect: 'zenlayer-bmc' });
    const url = provider.url;
    await provider.close();
    const { results } = await verifyContract({ dialect: 'zenlayer-bmc', target: url, statesUrl: statesOf(url), credentials: TEST_CREDENTIALS, requestTimeoutMs: 2_000 });
    const plans = planContract('zenlayer-bmc');
    expect(results.filter((r) => r.status === 'failed').length).toBe(plans.filter((p) => p.interactions.length > 0).length);
    for (const r of results.filter((x) => x.status === 'failed')) {
      expect(r.findings.length).toBeGreaterThan(0);
      expect(r.findings.map((f) => f.check)).not.toContain('engine');
    }
    expect(results.find((r) => r.id === 'stop.single')?.message).toMatch(/no answer|ECONNREFUSED|error sending request/i);
  }, 120_000);

  it('a contract the verifier cannot load is vmconform\'s failure (VmconformError), not a target finding', async () => {
    await expect(
      verifyContract({ dialect: 'zenlayer-vm', target: 'http://127.0.0.1:9', statesUrl: 'http://127.0.0.1:9/s', credentials: TEST_CREDENTIALS, contractPath: '/nonexistent/contract.json' }),
    ).rejects.toBeInstanceOf(VmconformError);
  }, 60_000);
});
