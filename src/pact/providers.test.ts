/**
 * The contracts against the suite's trust fixtures, with Pact's own verifier, over real HTTP on loopback:
 * - every legal variant of the reference provider (`src/legal-providers/`, 73 variant/dialect pairs) passes every
 *   interaction: the matching rules are no stricter than the documents;
 * - every wrong provider (`src/wrong-providers/`) fails exactly the interactions of its broken rule (its declared
 *   cases, less those whose fault only shows in what Pact cannot express, each named with the gap that hides it),
 *   mapped to the right case ids, and nothing else; its findings are Pact's, never a provider-state or engine problem.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DialectName } from '../dialects/types.ts';
import type { CaseResult } from '../engine/types.ts';
import { LEGAL_VARIANTS } from '../legal-providers/index.ts';
import type { RunningProvider } from '../provider/server.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { startPactWorker } from '../testing/pact-worker.ts';
import { limiter } from '../testing/run-catalog.ts';
import { WRONG_PROVIDERS, type WrongProvider } from '../wrong-providers/index.ts';
import type { PactGap } from './gaps.ts';
import { planContract } from './generate.ts';

/**
 * Declared failing cases of a wrong provider that no interaction can see, each with the gap that hides the fault:
 * the fault shows only in a later status read, over time, in a burst, or in a request the contracts cannot carry.
 */
const HIDDEN_FROM_PACT: Readonly<Record<string, Readonly<Record<string, PactGap>>>> = {
  'api3-ignores-rate-limit': { 'rate.burst-25.refused': 'burst' },
  'api3-errors-http-400': { 'body.bad-json.rejected': 'malformed-body' },
  'zenlayer-bmc-never-stopped': {
    'stop.single': 'eventually-stopped',
    'stop.batch.2': 'eventually-stopped',
    'ids.limit.100-accepted': 'eventually-stopped',
    'ids.duplicate.handled': 'eventually-stopped',
    'body.content-type.charset': 'eventually-stopped',
  },
  'aliyun-dry-run-stops': { 'aliyun.dry-run.pass': 'state-after-call', 'aliyun.success-first.dry-run': 'state-after-call' },
  'aliyun-all-together-not-atomic': {
    'state.mixed-batch.rejected': 'state-after-call',
    'aliyun.all-together.mixed-rejected': 'state-after-call',
    'aliyun.security-locked.mixed-batch-rejected': 'state-after-call',
    'ids.unknown.mixed-batch-rejected': 'state-after-call',
    'ids.malformed.mixed-batch-rejected': 'state-after-call',
    'ids.several-problems.rejected': 'state-after-call',
  },
  'zenlayer-bmc-5xx-on-bad-json': { 'body.bad-json.rejected': 'malformed-body' },
  'ec2-batch-not-atomic': {
    'state.mixed-batch.rejected': 'state-after-call',
    'ids.unknown.mixed-batch-rejected': 'state-after-call',
    'ids.malformed.mixed-batch-rejected': 'state-after-call',
    'ids.several-problems.rejected': 'state-after-call',
  },
};

/** The cases a wrong provider must fail under the contracts: its declared ones, less those hidden from Pact. */
function pactFailing(w: WrongProvider): string[] {
  const hidden = HIDDEN_FROM_PACT[w.name] ?? {};
  return [...w.expectFailing, ...Object.keys(w.alsoFails)].filter((id) => !(id in hidden)).sort();
}

const worker = startPactWorker();
/** Verifications in flight at once (the providers answer from this process, the verifiers run in the worker). */
const limit = limiter(6);
afterAll(() => worker.close());

async function verifyAgainst(start: () => Promise<RunningProvider>, dialect: DialectName): Promise<readonly CaseResult[]> {
  return limit(async () => {
    const provider = await start();
    try {
      const { results } = await worker.verify({ dialect, target: provider.url, statesUrl: `${provider.url}/_vmconform/provider-states`, credentials: TEST_CREDENTIALS });
      return results;
    } finally {
      await provider.close();
    }
  });
}

const failedIds = (results: readonly CaseResult[]): string[] => results.filter((r) => r.status === 'failed').map((r) => r.id).sort();

describe('the contracts against every wrong provider (Pact verifier, real HTTP)', () => {
  const runs = new Map<string, readonly CaseResult[]>();
  beforeAll(async () => {
    await Promise.all(WRONG_PROVIDERS.map(async (w) => runs.set(w.name, await verifyAgainst(() => w.start({ transitionMs: 100 }), w.dialect))));
  }, 300_000);

  it('names real cases and real gaps for what Pact cannot see', () => {
    for (const [name, hidden] of Object.entries(HIDDEN_FROM_PACT)) {
      const w = WRONG_PROVIDERS.find((x) => x.name === name);
      expect(w, name).toBeDefined();
      const declared = [...(w?.expectFailing ?? []), ...Object.keys(w?.alsoFails ?? {})];
      const plans = planContract(w?.dialect ?? 'zenlayer-vm');
      for (const [id, gap] of Object.entries(hidden)) {
        expect(declared, `${name}: ${id} is not declared failing`).toContain(id);
        expect(plans.find((p) => p.row.id === id)?.gaps, `${name}: ${id} has no gap ${gap}`).toContain(gap);
      }
    }
  });

  it.each(WRONG_PROVIDERS.map((w) => [w.name, w] as const))('%s fails exactly the interactions of its broken rule', (_name, w) => {
    const results = runs.get(w.name) ?? [];
    expect(results.length).toBe(planContract(w.dialect).length);
    expect(failedIds(results), `${w.name}: failed cases`).toEqual(pactFailing(w));
    for (const r of results.filter((x) => x.status === 'failed')) {
      expect(r.findings.length).toBeGreaterThan(0);
      for (const f of r.findings) {
        expect(f.caseId).toBe(r.id);
        expect(f.check, `${w.name}/${r.id}: ${f.message}`).toMatch(/^pact-/);
        expect(f.message.startsWith(`${r.id}#`), f.message).toBe(true);
        expect(f.curl, `${w.name}/${r.id}`).toMatch(/^curl /);
      }
    }
  });
});

describe('the contracts against every legal variant (Pact verifier, real HTTP)', () => {
  const pairs = LEGAL_VARIANTS.flatMap((v) => v.dialects.map((d) => [`${v.name} / ${d}`, v, d] as const));
  const runs = new Map<string, readonly CaseResult[]>();
  beforeAll(async () => {
    await Promise.all(pairs.map(async ([key, v, d]) => runs.set(key, await verifyAgainst(() => v.start(d, { transitionMs: 100 }), d))));
  }, 600_000);

  it.each(pairs)('%s: every interaction passes', (key, _v, d) => {
    const results = runs.get(key) ?? [];
    expect(results.length).toBe(planContract(d).length);
    expect(results.filter((r) => r.status === 'failed').map((r) => `${r.id}: ${r.message ?? ''}`)).toEqual([]);
  });
});
