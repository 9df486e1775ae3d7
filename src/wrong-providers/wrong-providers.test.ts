/**
 * Over real HTTP on loopback: every case of a dialect runs with the engine against the reference provider (all must
 * pass) and against each deliberately wrong provider (exactly its declared cases must fail: `expectFailing`, which name
 * the broken rule, and `alsoFails`, which the same fault breaks too; every other case passes). Dialects and providers run
 * concurrently; each provider gets its own pacer (the api3 rate limit is per provider).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { casesFor } from '../cases/index.ts';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import type { CaseResult } from '../engine/types.ts';
import { startProviderServer, type RunningProvider } from '../provider/server.ts';
import { ruleInventory } from '../specs/inventory.ts';
import { failedIds, limiter, runRowsAgainst } from '../testing/run-catalog.ts';
import { WRONG_PROVIDERS, wrongProvider } from './index.ts';

const TRANSITION_MS = 150;
const POLL_TIMEOUT_MS = 3_000;
/** Cases in flight at once over all providers: the providers and the engine share this process's event loop. */
const MAX_IN_FLIGHT = 24;

const limit = limiter(MAX_IN_FLIGHT);
const runAgainst = (start: () => Promise<RunningProvider>, dialect: DialectName): Promise<CaseResult[]> =>
  runRowsAgainst(start, dialect, { limit, pollTimeoutMs: POLL_TIMEOUT_MS });

/** The cases a wrong provider declares failing: `expectFailing` and the keys of `alsoFails`, sorted. */
const declaredFailing = (w: (typeof WRONG_PROVIDERS)[number]): string[] => [...w.expectFailing, ...Object.keys(w.alsoFails)].sort();

describe('wrong-provider catalog', () => {
  it('names real rules and real cases, and each breaks a rule one of its expected cases checks', () => {
    const names = WRONG_PROVIDERS.map((w) => w.name);
    expect(new Set(names).size).toBe(names.length);
    for (const w of WRONG_PROVIDERS) {
      const rules = new Set(ruleInventory(w.dialect).map((r) => r.id));
      expect(rules.has(w.breaks), `${w.name}: ${w.breaks} is not an inventory rule`).toBe(true);
      const rows = casesFor(w.dialect);
      expect(w.expectFailing.length).toBeGreaterThan(0);
      for (const id of w.expectFailing) expect(rows.some((r) => r.id === id), `${w.name}: no case ${id}`).toBe(true);
      for (const id of w.expectFailing) {
        expect(rows.find((r) => r.id === id)?.rules, `${w.name}: expectFailing ${id} does not name ${w.breaks}`).toContain(w.breaks);
      }
      expect(new Set(w.expectFailing).size, `${w.name}: duplicated expectFailing id`).toBe(w.expectFailing.length);
      for (const [id, why] of Object.entries(w.alsoFails)) {
        const row = rows.find((r) => r.id === id);
        expect(row, `${w.name}: no case ${id}`).toBeDefined();
        expect(row?.rules, `${w.name}: alsoFails ${id} names ${w.breaks}; it belongs in expectFailing`).not.toContain(w.breaks);
        expect(w.expectFailing, `${w.name}: ${id} in both lists`).not.toContain(id);
        expect(why.length, `${w.name}: alsoFails ${id} needs a reason`).toBeGreaterThan(10);
      }
    }
    expect(() => wrongProvider('no-such-provider')).toThrow(/no wrong provider named/);
  });
});

describe('the catalog against the reference and the wrong providers (real HTTP)', () => {
  const reference = new Map<DialectName, CaseResult[]>();
  const wrong = new Map<string, CaseResult[]>();

  beforeAll(async () => {
    // A burst proves a rate limit only when it lands within one window: the providers that must fail a burst row run
    // after the others, on their own (a burst spread over more than a second by the load proves nothing).
    const bursty = (w: (typeof WRONG_PROVIDERS)[number]): boolean =>
      declaredFailing(w).some((id) => casesFor(w.dialect).find((r) => r.id === id)?.steps.some((st) => st.kind === 'burst') === true);
    const runWrong = async (w: (typeof WRONG_PROVIDERS)[number]): Promise<void> => {
      wrong.set(w.name, await runAgainst(() => w.start({ transitionMs: TRANSITION_MS }), w.dialect));
    };
    await Promise.all([
      ...DIALECT_NAMES.map(async (d) => {
        reference.set(d, await runAgainst(() => startProviderServer({ dialect: d, transitionMs: TRANSITION_MS }), d));
      }),
      ...WRONG_PROVIDERS.filter((w) => !bursty(w)).map(runWrong),
    ]);
    await Promise.all(WRONG_PROVIDERS.filter(bursty).map(runWrong));
    const lines = WRONG_PROVIDERS.map((w) => {
      const failed = failedIds(wrong.get(w.name) ?? []);
      const declared = declaredFailing(w);
      const undeclared = failed.filter((id) => !declared.includes(id));
      const passing = declared.filter((id) => !failed.includes(id));
      return `${w.name} (${w.dialect}, breaks ${w.breaks}): ${failed.length} failed; undeclared failures: ${undeclared.length === 0 ? 'none' : undeclared.join(', ')}; declared but passed: ${passing.length === 0 ? 'none' : passing.join(', ')}`;
    });
    console.info(`wrong providers:\n  ${lines.join('\n  ')}`);
  }, 120_000);

  afterAll(() => {
    reference.clear();
    wrong.clear();
  });

  it.each(DIALECT_NAMES.map((d) => [d] as const))('the reference provider passes every %s case', (d) => {
    const results = reference.get(d) ?? [];
    expect(results.length).toBe(casesFor(d).length);
    const failures = results.filter((r) => r.status !== 'passed').map((r) => `${r.id}: ${r.message ?? r.status}`);
    expect(failures).toEqual([]);
  });

  it.each(WRONG_PROVIDERS.map((w) => [w.name, w] as const))('%s fails exactly its declared cases', (_name, w) => {
    const results = wrong.get(w.name) ?? [];
    expect(results.length).toBe(casesFor(w.dialect).length);
    // failed == expectFailing ∪ alsoFails: each declared case fails, and nothing else does.
    expect(failedIds(results).sort(), `${w.name}: failed cases`).toEqual(declaredFailing(w));
    // Every failure is the target's fault, never the engine's or the provider-state protocol's.
    for (const r of results) {
      if (r.status !== 'passed') expect(r.findings.length, `${w.name}/${r.id}: failed without a finding (${r.message ?? ''})`).toBeGreaterThan(0);
      for (const f of r.findings) expect(['engine', 'provider-state'], `${w.name}/${r.id}: ${f.message}`).not.toContain(f.check);
    }
  });
});
