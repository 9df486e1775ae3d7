/**
 * The generator itself: combinations are reproducible from a seed, compose in the documented order with a rule flip
 * (flip options win; families that cannot go with the flip are left out, with the reason), and a deliberately illegal
 * family is found over real HTTP and shrunk to alone (what `npm run legal-fuzz` prints).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { casesFor } from '../cases/index.ts';
import { apiOnly, mapObjects, rewriteAnswer, type Layer } from '../provider-variants/build.ts';
import { ruleFlips } from '../rule-flips/index.ts';
import {
  combinationArbitrary,
  composeCombination,
  exclusionFor,
  formatCombination,
  legalFuzz,
  legalFuzzReportLines,
  type Combination,
  type FlipToCompose,
} from './generate.ts';
import { perturbationFamily, PERTURBATION_FAMILIES, type PerturbationFamily } from './perturbations.ts';

/** A layer that records its name on the way in, so the test sees the order the layers run in. */
function marker(name: string, seen: string[]): Layer {
  return async (request, next) => {
    seen.push(name);
    return next(request);
  };
}

/** A family that only marks (for composition order). */
function markerFamily(name: string, place: 'outer' | 'inner', seen: string[]): PerturbationFamily {
  return {
    name,
    dialects: ['zenlayer-vm'],
    description: 'marks the order in which layers see a request',
    allowedBy: 'DESIGN.md §3 test only',
    params: () => fc.constant({}),
    build: () => ({ [place]: [marker(name, seen)], options: { rules: { maxIds: place === 'outer' ? 7 : 8 } } }),
  };
}

/** Deliberately illegal: zenlayer successes call their request id `request_id` (001:95 names it requestId). */
const ILLEGAL: PerturbationFamily = {
  name: 'renames-request-id',
  dialects: ['zenlayer-vm'],
  description: 'an illegal provider for the test: successes carry request_id instead of requestId',
  allowedBy: 'DESIGN.md §3 nothing: 001:95 names the member requestId',
  params: () => fc.record({ everywhere: fc.boolean() }),
  build: () => ({
    outer: [
      apiOnly(async (request, next) =>
        rewriteAnswer(await next(request), (body) =>
          mapObjects(body, (o) => (typeof o['requestId'] === 'string' ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k === 'requestId' ? 'request_id' : k, v])) : o)),
        ),
      ),
    ],
  }),
};

describe('combinations', () => {
  it('are reproducible from a seed and print as name{params}', () => {
    const a = fc.sample(combinationArbitrary('aliyun-ecs'), { seed: 7, numRuns: 5 });
    const b = fc.sample(combinationArbitrary('aliyun-ecs'), { seed: 7, numRuns: 5 });
    expect(a).toEqual(b);
    for (const c of a) expect(c.length).toBeGreaterThan(0);
    expect(formatCombination([{ family: 'list-order', params: { order: 'reverse', seed: 1 } }])).toBe('[list-order{"order":"reverse","seed":1}]');
  });

  it('draw only the families asked for, in layer order, and refuse an empty choice', () => {
    const order = PERTURBATION_FAMILIES.map((f) => f.name);
    for (const c of fc.sample(combinationArbitrary('tencent-cvm-api3', { families: ['list-order', 'transport', 'tencent-state-codes'] }), { seed: 3, numRuns: 20 })) {
      const names = c.map((p) => p.family);
      expect(names.every((n) => ['list-order', 'transport', 'tencent-state-codes'].includes(n))).toBe(true);
      expect([...names].sort((x, y) => order.indexOf(x) - order.indexOf(y))).toEqual(names);
    }
    expect(() => combinationArbitrary('zenlayer-vm', { families: ['aliyun-id-codes'] })).toThrow(/no perturbation family to combine for zenlayer-vm/);
  });
});

describe('composition with a rule flip', () => {
  it('puts outer layers outside the flip and inner layers between the flip and the reference; the flip options win', async () => {
    const seen: string[] = [];
    const catalog = [markerFamily('out', 'outer', seen), markerFamily('in', 'inner', seen)];
    const flip: FlipToCompose = { rule: 'limit:instance-ids-max', how: 'test', spec: { layers: [marker('flip', seen)], options: { transitionMs: 0 } } };
    const combination: Combination = [{ family: 'out', params: {} }, { family: 'in', params: {} }];
    const composed = composeCombination('zenlayer-vm', combination, flip, catalog);
    expect(composed.spec.options).toEqual({ rules: { maxIds: 8 }, transitionMs: 0 });
    const reference = async (): Promise<Response> => new Response('reference');
    const chain = (composed.spec.layers ?? []).reduceRight<(r: Request) => Promise<Response>>((next, layer) => (r) => layer(r, next, undefined as never), reference);
    expect(await (await chain(new Request('http://x.test/api/v2/vm'))).text()).toBe('reference');
    expect(seen).toEqual(['out', 'flip', 'in']);
  });

  it('leaves out the families a flip cannot meaningfully go with, saying why', () => {
    const never = ruleFlips('zenlayer-vm').find((f) => f.how === 'never-stopped');
    expect(never).toBeDefined();
    const slow: Combination = [{ family: 'stop-duration', params: { ms: 500, sayStopped: false } }, { family: 'list-order', params: { order: 'reverse', seed: 0 } }];
    const composed = composeCombination('zenlayer-vm', slow, never);
    expect(composed.combination.map((p) => p.family)).toEqual(['list-order']);
    expect(composed.excluded).toEqual([{ family: 'stop-duration', why: expect.stringMatching(/sets transitionMs, which the flip transition:STOPPING->STOPPED\/never-stopped sets itself/) }]);
    expect(composed.spec.options?.transitionMs).toBe(600_000);

    const refuseStopCharging = ruleFlips('tencent-cvm-api3').find((f) => f.rule === 'enum:StoppedMode=STOP_CHARGING');
    expect(refuseStopCharging).toBeDefined();
    expect(exclusionFor(refuseStopCharging as FlipToCompose, perturbationFamily('stop-charging-refused'), undefined)).toMatch(/legally refuses that value/);
    expect(exclusionFor(refuseStopCharging as FlipToCompose, perturbationFamily('list-order'), undefined)).toBeUndefined();
  });
});

describe('the generator finds an illegal provider and shrinks to it (real HTTP)', () => {
  const rows = casesFor('zenlayer-vm').filter((r) => ['stop.single', 'ids.unknown.rejected', 'stop.batch.2'].includes(r.id));
  const catalog = [perturbationFamily('list-order'), perturbationFamily('request-id-formats'), ILLEGAL, perturbationFamily('path-prefix')];

  it('fails, prints seed=S perturbations=[...] for the smallest failing combination, and its failing cases', async () => {
    const report = await legalFuzz({ dialect: 'zenlayer-vm', runs: 4, seed: 42, catalog, rows });
    expect(report.failures.length).toBeGreaterThan(0);
    expect(report.failures.every((f) => f.combination.some((p) => p.family === ILLEGAL.name))).toBe(true);
    expect(report.minimal?.combination.map((p) => p.family)).toEqual([ILLEGAL.name]);
    const lines = legalFuzzReportLines(report);
    expect(lines[0]).toMatch(/^zenlayer-vm: 4 generated legal providers, \d failed \(seed=42\)$/);
    expect(lines).toContain(`seed=42 perturbations=${formatCombination(report.minimal?.combination ?? [])}`);
    expect(lines.some((l) => /^ {2}stop\.single: .*requestId/.test(l))).toBe(true);
  }, 120_000);

  it('passes when every family is legal', async () => {
    const report = await legalFuzz({ dialect: 'zenlayer-vm', runs: 3, seed: 42, catalog: catalog.filter((f) => f !== ILLEGAL), rows });
    expect(report.failures).toEqual([]);
    expect(report.minimal).toBeUndefined();
  }, 120_000);
});
