/**
 * Every rule the coverage report credits is really observed: for each testable rule of each dialect, the rows that
 * name it run (over real HTTP) against each flip of the reference provider that breaks that rule alone
 * (`ruleFlips`). Two things must hold: every crediting row fails against at least one flip of the rule (a row is
 * never credited with a rule it cannot catch), and every flip of the rule is caught by at least one crediting row
 * (a rule counts as checked only when no way of breaking it goes unnoticed). The flips no row catches yet are
 * declared, each with why, in `UNCAUGHT_FLIPS`; the coverage report lists their rules as partly checked, and this
 * test fails when a declared one is caught after all (the declaration is stale).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { casesFor } from '../cases/index.ts';
import { coverageReport } from '../coverage/coverage.ts';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import type { CaseResult } from '../engine/types.ts';
import { limiter, runRowsAgainst } from '../testing/run-catalog.ts';
import { FLIPS_TO_WRITE, flipKey, flipsToWrite, LEGAL_NOT_FLIPS, ruleFlips, UNCAUGHT_FLIPS, type RuleFlip } from './index.ts';

const limit = limiter(32);

interface FlipRun {
  readonly flip: RuleFlip;
  readonly results: readonly CaseResult[];
}

const runs = new Map<DialectName, FlipRun[]>();

beforeAll(async () => {
  const plans = DIALECT_NAMES.flatMap((d) => {
    const credited = new Map(coverageReport(d).rules.map((c) => [c.rule.id, new Set(c.cases)]));
    const rows = casesFor(d);
    return ruleFlips(d)
      .filter((f) => (credited.get(f.rule)?.size ?? 0) > 0 && !flipsToWrite(d, f.rule))
      .map((flip) => ({ d, flip, rows: rows.filter((r) => credited.get(flip.rule)?.has(r.id)) }));
  });
  const run = async (plan: (typeof plans)[number]): Promise<void> => {
    const results = await runRowsAgainst(() => plan.flip.start({ transitionMs: 150 }), plan.d, { limit, pollTimeoutMs: 2_000 }, plan.rows);
    const list = runs.get(plan.d) ?? [];
    list.push({ flip: plan.flip, results });
    runs.set(plan.d, list);
  };
  // A burst proves a rate limit only when it lands within one window: the flips whose rows burst run last, on their
  // own (a few providers, not the whole load of every other flip).
  const bursts = plans.filter((p) => p.rows.some((r) => r.steps.some((s) => s.kind === 'burst')));
  await Promise.all(plans.filter((p) => !bursts.includes(p)).map(run));
  await Promise.all(bursts.map(run));
}, 600_000);

describe('the declared flip lists', () => {
  it('name real flips of testable rules, each with a reason; a legal behaviour is never generated as a flip', () => {
    const all = new Set(DIALECT_NAMES.flatMap((d) => ruleFlips(d).map(flipKey)));
    for (const [key, why] of Object.entries(UNCAUGHT_FLIPS)) {
      expect(all.has(key), `UNCAUGHT_FLIPS names no flip: ${key}`).toBe(true);
      expect(why.length, key).toBeGreaterThan(20);
    }
    for (const [key, why] of Object.entries(FLIPS_TO_WRITE)) expect(why.length, key).toBeGreaterThan(20);
    for (const [key, why] of Object.entries(LEGAL_NOT_FLIPS)) {
      expect(all.has(key), `a legal behaviour is generated as a flip: ${key}`).toBe(false);
      expect(why.length, key).toBeGreaterThan(20);
    }
  });
});

describe.each(DIALECT_NAMES)('rule observation in %s', (d) => {
  it('has a flip for every credited testable rule', () => {
    const flipped = new Set(ruleFlips(d).map((f) => f.rule));
    const missing = coverageReport(d).rules.filter((c) => c.rule.testable === true && c.cases.length > 0 && !flipped.has(c.rule.id) && !flipsToWrite(d, c.rule.id)).map((c) => c.rule.id);
    expect(missing).toEqual([]);
  });

  it('credits a rule only to rows that fail when the rule is broken', () => {
    const failedBy = new Map<string, Set<string>>();
    for (const { flip, results } of runs.get(d) ?? []) {
      for (const r of results) {
        if (r.status !== 'failed') continue;
        const key = `${flip.rule} <- ${r.id}`;
        const set = failedBy.get(key) ?? new Set<string>();
        set.add(flip.how);
        failedBy.set(key, set);
      }
    }
    const unobserved: string[] = [];
    for (const c of coverageReport(d).rules) {
      if (c.rule.testable !== true || flipsToWrite(d, c.rule.id)) continue;
      for (const id of c.cases) if (!failedBy.has(`${c.rule.id} <- ${id}`)) unobserved.push(`${c.rule.id} <- ${id}`);
    }
    expect(unobserved).toEqual([]);
  });

  it('catches every flip of every credited rule with some row naming the rule, except the declared ones, which stay uncaught', () => {
    const uncaught = (runs.get(d) ?? []).filter(({ results }) => !results.some((r) => r.status === 'failed')).map(({ flip }) => flipKey(flip));
    const declared = Object.keys(UNCAUGHT_FLIPS).filter((k) => k.startsWith(`${d} `));
    expect(uncaught.filter((k) => !declared.includes(k)), 'flips no crediting row catches (add a row, or declare them in UNCAUGHT_FLIPS with why)').toEqual([]);
    expect(declared.filter((k) => !uncaught.includes(k)), 'UNCAUGHT_FLIPS entries that a row catches after all (remove them)').toEqual([]);
  });

  it('never fails a row for an engine or provider-state reason under a flip', () => {
    const bad = (runs.get(d) ?? []).flatMap(({ flip, results }) =>
      results.flatMap((r) => r.findings.filter((f) => f.check === 'engine' || f.check === 'provider-state').map((f) => `${flip.rule}/${flip.how} ${r.id}: ${f.message}`)),
    );
    expect(bad).toEqual([]);
  });
});
