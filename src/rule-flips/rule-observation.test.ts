/**
 * Every rule the coverage report credits is really observed: for each testable rule of each dialect, the rows that
 * name it run (over real HTTP) against each flip of the reference provider that breaks that rule alone
 * (`ruleFlips`), and every crediting row must fail against at least one of them. A rule no row can catch is not
 * credited (it is listed as uncovered, with the reason in the spec).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { casesFor } from '../cases/index.ts';
import { coverageReport } from '../coverage/coverage.ts';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import type { CaseResult } from '../engine/types.ts';
import { limiter, runRowsAgainst } from '../testing/run-catalog.ts';
import { ruleFlips, type RuleFlip } from './index.ts';

const limit = limiter(32);

interface FlipRun {
  readonly flip: RuleFlip;
  readonly results: readonly CaseResult[];
}

const runs = new Map<DialectName, FlipRun[]>();

beforeAll(async () => {
  await Promise.all(
    DIALECT_NAMES.map(async (d) => {
      const credited = new Map(coverageReport(d).rules.map((c) => [c.rule.id, new Set(c.cases)]));
      const rows = casesFor(d);
      const flips = ruleFlips(d).filter((f) => (credited.get(f.rule)?.size ?? 0) > 0);
      const done = await Promise.all(
        flips.map(async (flip) => {
          const mine = rows.filter((r) => credited.get(flip.rule)?.has(r.id));
          const results = await runRowsAgainst(() => flip.start({ transitionMs: 150 }), d, { limit, pollTimeoutMs: 2_000 }, mine);
          return { flip, results };
        }),
      );
      runs.set(d, done);
    }),
  );
}, 600_000);

describe.each(DIALECT_NAMES)('rule observation in %s', (d) => {
  it('has a flip for every credited testable rule', () => {
    const flipped = new Set(ruleFlips(d).map((f) => f.rule));
    const missing = coverageReport(d).rules.filter((c) => c.rule.testable === true && c.cases.length > 0 && !flipped.has(c.rule.id)).map((c) => c.rule.id);
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
      if (c.rule.testable !== true) continue;
      for (const id of c.cases) if (!failedBy.has(`${c.rule.id} <- ${id}`)) unobserved.push(`${c.rule.id} <- ${id}`);
    }
    expect(unobserved).toEqual([]);
  });

  it('never fails a row for an engine or provider-state reason under a flip', () => {
    const bad = (runs.get(d) ?? []).flatMap(({ flip, results }) =>
      results.flatMap((r) => r.findings.filter((f) => f.check === 'engine' || f.check === 'provider-state').map((f) => `${flip.rule}/${flip.how} ${r.id}: ${f.message}`)),
    );
    expect(bad).toEqual([]);
  });
});
