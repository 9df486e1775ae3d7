/**
 * Zero false alarms: over real HTTP on loopback, the whole catalog of each dialect runs against every legal variant
 * of the reference provider (extra fields, other request ids and orders, instant and slow stops, other paging,
 * alternative and undocumented codes, other rate-limit windows...) and every case passes, at every level. A failure
 * here is a false alarm of the suite: an assertion stricter than the documents.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { casesFor } from '../cases/index.ts';
import type { DialectName } from '../dialects/types.ts';
import type { CaseResult } from '../engine/types.ts';
import { failureLines, limiter, runRowsAgainst } from '../testing/run-catalog.ts';
import { LEGAL_VARIANTS, legalVariant } from './index.ts';

const TRANSITION_MS = 150;
/** Cases in flight at once over all variants (they share this process's event loop with the providers). */
const limit = limiter(32);

const pairs = LEGAL_VARIANTS.flatMap((v) => v.dialects.map((d) => [`${v.name} / ${d}`, v, d] as const));

describe('legal-variant catalog', () => {
  it('has unique names, says why each choice is legal, and starts only for its dialects', async () => {
    const names = LEGAL_VARIANTS.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    for (const v of LEGAL_VARIANTS) {
      expect(v.allowedBy, v.name).toMatch(/DESIGN\.md §\d|\d{3}:\d+/);
      expect(v.description.length, v.name).toBeGreaterThan(20);
      expect(v.dialects.length, v.name).toBeGreaterThan(0);
    }
    await expect(legalVariant('aliyun-incorrect-status-everywhere').start('zenlayer-vm')).rejects.toThrow(/does not apply to zenlayer-vm/);
    expect(() => legalVariant('no-such-variant')).toThrow(/no legal variant named/);
  });
});

describe('every case passes against every legal variant (real HTTP)', () => {
  const results = new Map<string, CaseResult[]>();

  beforeAll(async () => {
    await Promise.all(
      pairs.map(async ([key, v, d]) => {
        const run = await runRowsAgainst(() => v.start(d, { transitionMs: TRANSITION_MS }), d, {
          limit,
          pollTimeoutMs: v.pollTimeoutMs ?? 3_000,
        });
        results.set(key, run);
      }),
    );
    const failing = pairs.filter(([key]) => (results.get(key) ?? []).some((r) => r.status !== 'passed'));
    console.info(`legal variants: ${pairs.length} variant/dialect pairs, ${failing.length} with a failure${failing.length ? `: ${failing.map(([k]) => k).join(', ')}` : ''}`);
  }, 300_000);

  it.each(pairs)('%s: zero failures at every level', (key, _v, d: DialectName) => {
    const run = results.get(key) ?? [];
    expect(run.length).toBe(casesFor(d).length);
    expect(failureLines(run)).toEqual([]);
  });
});
