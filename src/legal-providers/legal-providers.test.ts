/**
 * Zero false alarms on generated legal providers: for each dialect, a fixed sample (a fixed seed) of generated legal
 * providers (the reference provider with a random combination of the perturbation families, each with random
 * parameters) runs the whole catalog over real HTTP on loopback, and every case passes, at every level. A failure here
 * is a false alarm of the suite (an assertion stricter than the documents): the message names the combination, and
 * `npm run legal-fuzz -- --dialect D --runs N --seed S` replays the sample and shrinks the failure to the smallest
 * failing combination. The named legal variants (`LEGAL_VARIANTS`) are fixed combinations of the same families.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { casesFor } from '../cases/index.ts';
import type { CaseResult } from '../engine/types.ts';
import { limiter } from '../testing/run-catalog.ts';
import { combinationArbitrary, composeCombination, familiesFor, firstFindingLines, formatCombination, runCombination, type Combination } from './generate.ts';
import { LEGAL_VARIANTS, legalVariant } from './index.ts';
import { DEFAULT_LIMITS, PERTURBATION_FAMILIES } from './perturbations.ts';

/** The seed of the fixed sample (`npm run legal-fuzz -- --seed 15` replays it). */
const SEED = 15;
/** Generated providers per dialect: with each family in at 2/3, four cover every family (checked below). */
const RUNS = 4;
/** Cases in flight at once over all providers (they share this process's event loop with the providers). */
const limit = limiter(32);

describe('the perturbation families', () => {
  it('have unique names, say why each is legal, and apply to some dialect', () => {
    const names = PERTURBATION_FAMILIES.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const f of PERTURBATION_FAMILIES) {
      expect(f.allowedBy, f.name).toMatch(/DESIGN\.md §\d|\d{3}:\d+/);
      expect(f.description.length, f.name).toBeGreaterThan(20);
      expect(f.dialects.length, f.name).toBeGreaterThan(0);
      if (f.hides) expect(f.hides.why.length, f.name).toBeGreaterThan(20);
    }
  });

  it.each(PERTURBATION_FAMILIES.map((f) => [f.name, f] as const))('%s: every parameter it draws builds a change for each of its dialects', (_name, f) => {
    for (const d of f.dialects) {
      for (const params of fc.sample(f.params(d, DEFAULT_LIMITS), { seed: 1, numRuns: 20 })) {
        const built = f.build(d, params);
        const changes = Object.keys(built.options ?? {}).length + (built.outer?.length ?? 0) + (built.inner?.length ?? 0);
        expect(changes, `${f.name} ${d} ${JSON.stringify(params)}`).toBeGreaterThan(0);
        expect(JSON.parse(JSON.stringify(params)), 'parameters are plain JSON (they print and replay)').toEqual(params);
      }
    }
  });

  it('refuses a family for a dialect it does not apply to', () => {
    expect(() => composeCombination('zenlayer-vm', [{ family: 'aliyun-id-codes', params: {} }])).toThrow(/does not apply to zenlayer-vm/);
    expect(() => familiesFor('zenlayer-vm', ['no-such-family'])).toThrow(/no perturbation family named/);
  });

  it('the named legal variants are made of families of their dialects', async () => {
    for (const v of LEGAL_VARIANTS) {
      expect(v.allowedBy, v.name).toMatch(/DESIGN\.md §\d|\d{3}:\d+/);
      for (const d of v.dialects) expect(() => composeCombination(d, v.combination(d)), `${v.name} ${d}`).not.toThrow();
    }
    await expect(legalVariant('aliyun-incorrect-status-everywhere').start('zenlayer-vm')).rejects.toThrow(/does not apply to zenlayer-vm/);
    expect(() => legalVariant('no-such-variant')).toThrow(/no legal variant named/);
  });
});

describe('every case passes against generated legal providers (fixed sample, real HTTP)', () => {
  const samples = new Map<DialectName, Combination[]>(DIALECT_NAMES.map((d) => [d, fc.sample(combinationArbitrary(d), { seed: SEED, numRuns: RUNS })]));
  const runs = DIALECT_NAMES.flatMap((d) => (samples.get(d) ?? []).map((combination, index) => [`${d} #${index}`, d, index, combination] as const));
  const results = new Map<string, CaseResult[]>();

  beforeAll(async () => {
    await Promise.all(runs.map(async ([key, d, , combination]) => results.set(key, await runCombination(d, combination, { limit }))));
    const failing = runs.filter(([key]) => (results.get(key) ?? []).some((r) => r.status !== 'passed'));
    console.info(`generated legal providers: ${runs.length} (seed ${SEED}), ${failing.length} with a failure${failing.length ? `: ${failing.map(([k]) => k).join(', ')}` : ''}`);
  }, 300_000);

  it.each(DIALECT_NAMES)('the sample of %s exercises every family of the dialect', (d) => {
    const seen = new Set((samples.get(d) ?? []).flatMap((c) => c.map((p) => p.family)));
    const missing = familiesFor(d).filter((f) => !seen.has(f.name)).map((f) => f.name);
    expect(missing, `raise RUNS or pick another SEED so that the sample covers ${missing.join(', ')}`).toEqual([]);
  });

  it.each(runs)('%s: zero failures at every level', (key, d, index, combination) => {
    const run = results.get(key) ?? [];
    expect(run.length).toBe(casesFor(d).length);
    const replay = `seed=${SEED} path=${index} perturbations=${formatCombination(combination)}\nshrink with: npm run legal-fuzz -- --dialect ${d} --runs ${RUNS} --seed ${SEED}`;
    expect(firstFindingLines(run), replay).toEqual([]);
  });
});
