/**
 * The mirror of the legal-provider generator: a rule flip is still caught when the provider it breaks is not the
 * reference provider but a generated legal one (the suite's power must not depend on the reference provider's
 * incidental choices: its request ids, list order, content types, paging, codes among the legal ones...). For a fixed
 * sample of (flip, random legal combination) pairs per dialect, the rows credited with the flip's rule run over real
 * HTTP against the flip alone, the combination alone and the flip composed with the combination (outer perturbations
 * outside the flip, inner ones between the flip and the reference; `composeCombination`). Every row that fails
 * against the flip alone and passes against the legal combination alone must fail against the composition. Families
 * that cannot meaningfully go with a flip are left out of its composition, each with its reason (`exclusionFor`).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { casesFor } from '../cases/index.ts';
import { coverageReport } from '../coverage/coverage.ts';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import type { CaseResult } from '../engine/types.ts';
import { combinationArbitrary, composeCombination, formatCombination, runCombination, type Combination } from '../legal-providers/generate.ts';
import { limiter, runRowsAgainst } from '../testing/run-catalog.ts';
import { ruleFlips, type RuleFlip } from './index.ts';

/** The seed of the fixed sample. */
const SEED = 15;
/** (flip, combination) pairs per dialect. */
const PAIRS = 10;
/** The rule-observation test's poll timeout against flips (a flip that never stops must fail in time). */
const FLIP_POLL_MS = 2_000;
const limit = limiter(32);

interface PairRun {
  readonly flip: RuleFlip;
  readonly combination: Combination;
  readonly excluded: string;
  readonly bare: readonly CaseResult[];
  readonly legal: readonly CaseResult[];
  readonly both: readonly CaseResult[];
}

const failedIds = (results: readonly CaseResult[]): Set<string> => new Set(results.filter((r) => r.status === 'failed').map((r) => r.id));
const passedIds = (results: readonly CaseResult[]): Set<string> => new Set(results.filter((r) => r.status === 'passed').map((r) => r.id));

/** The fixed sample of a dialect: distinct credited flips, each with a random legal combination. */
function samplePairs(d: DialectName): { flip: RuleFlip; combination: Combination }[] {
  const credited = new Map(coverageReport(d).rules.map((c) => [c.rule.id, c.cases.length]));
  const flips = ruleFlips(d).filter((f) => (credited.get(f.rule) ?? 0) > 0);
  const [chosen = []] = fc.sample(fc.shuffledSubarray(flips, { minLength: PAIRS, maxLength: PAIRS }), { seed: SEED, numRuns: 1 });
  const combinations = fc.sample(combinationArbitrary(d), { seed: SEED, numRuns: PAIRS });
  return chosen.map((flip, i) => ({ flip, combination: combinations[i] ?? [] }));
}

const runs = new Map<DialectName, PairRun[]>();

beforeAll(async () => {
  await Promise.all(
    DIALECT_NAMES.map(async (d) => {
      const credited = new Map(coverageReport(d).rules.map((c) => [c.rule.id, new Set(c.cases)]));
      const done = await Promise.all(
        samplePairs(d).map(async ({ flip, combination }) => {
          const rows = casesFor(d).filter((r) => credited.get(flip.rule)?.has(r.id));
          const composed = composeCombination(d, combination, flip);
          const [bare, legal, first] = await Promise.all([
            runRowsAgainst(() => flip.start({ transitionMs: 150 }), d, { limit, pollTimeoutMs: FLIP_POLL_MS }, rows),
            runCombination(d, composed.combination, { limit, rows, minPollTimeoutMs: FLIP_POLL_MS }),
            runCombination(d, combination, { limit, rows, flip, minPollTimeoutMs: FLIP_POLL_MS }),
          ]);
          // A row the composition lets pass runs once more: on a loaded machine a burst spread over more than the rate
          // window proves nothing by the suite's own rule (burst-some-refused), so one pass may be the machine's.
          const lostOnce = rows.filter((r) => failedIds(bare).has(r.id) && passedIds(legal).has(r.id) && !failedIds(first).has(r.id));
          const again = lostOnce.length === 0 ? [] : await runCombination(d, combination, { limit, rows: lostOnce, flip, minPollTimeoutMs: FLIP_POLL_MS });
          const both = first.map((r) => again.find((a) => a.id === r.id && a.status === 'failed') ?? r);
          const excluded = composed.excluded.map((e) => `${e.family} (${e.why})`).join('; ');
          return { flip, combination: composed.combination, excluded, bare, legal, both };
        }),
      );
      runs.set(d, done);
      const judged = done.reduce((n, p) => n + [...failedIds(p.bare)].filter((id) => passedIds(p.legal).has(id)).length, 0);
      const falseAlarms = done.reduce((n, p) => n + [...failedIds(p.bare)].filter((id) => !passedIds(p.legal).has(id)).length, 0);
      console.info(`${d}: ${done.length} flips through legal perturbations, ${judged} caught rows judged, ${falseAlarms} left out (the legal combination alone fails them)`);
    }),
  );
}, 300_000);

describe.each(DIALECT_NAMES)('rule flips through legal perturbations in %s', (d) => {
  it('the sample is what it says: distinct flips, each composed with some perturbation', () => {
    const pairs = runs.get(d) ?? [];
    expect(pairs.length).toBe(PAIRS);
    expect(new Set(pairs.map((p) => `${p.flip.rule}/${p.flip.how}`)).size).toBe(PAIRS);
    expect(pairs.filter((p) => p.combination.length > 0).length).toBeGreaterThan(PAIRS / 2);
  });

  it('every row a flip fails still fails when the flip is composed with legal perturbations', () => {
    const lost: string[] = [];
    for (const p of runs.get(d) ?? []) {
      const caughtBare = failedIds(p.bare);
      const legalPasses = passedIds(p.legal);
      const caughtBoth = failedIds(p.both);
      for (const id of caughtBare) {
        // A row that fails against the legal combination alone is a false alarm (the generator's test reports it):
        // whether it fails against the composition says nothing about the flip.
        if (!legalPasses.has(id) || caughtBoth.has(id)) continue;
        lost.push(`${p.flip.rule}/${p.flip.how} <- ${id} passes through perturbations=${formatCombination(p.combination)}${p.excluded ? ` (left out: ${p.excluded})` : ''}`);
      }
    }
    expect(lost).toEqual([]);
  });
});
