/**
 * The fuzzer over real HTTP: zero findings against the reference provider and every legal variant over a fixed seed
 * set, a finding on every wrong provider, and on the wrong providers the whole catalog passes (faults that need a
 * particular combination or sequence). Bounded: fixed seeds and run counts, providers fuzzed in parallel.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { getDialect } from '../dialects/index.ts';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { WindowPacer } from '../engine/pacer.ts';
import { LEGAL_VARIANTS } from '../legal-providers/index.ts';
import { startProviderServer, type RunningProvider } from '../provider/server.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { failureLines, limiter, runRowsAgainst } from '../testing/run-catalog.ts';
import { FUZZ_ONLY_WRONG_PROVIDERS } from '../wrong-providers/fuzz-only.ts';
import { WRONG_PROVIDERS } from '../wrong-providers/index.ts';
import { runFuzz, type FuzzReport } from './properties.ts';

const TRANSITION_MS = 150;

async function fuzz(dialect: DialectName, start: () => Promise<RunningProvider>, runs: number, seed: number, pollTimeoutMs = 3_000): Promise<FuzzReport> {
  const p = await start();
  try {
    return await runFuzz({
      target: {
        dialect: getDialect(dialect),
        dctx: { baseUrl: p.url, credentials: TEST_CREDENTIALS, timeoutMs: 10_000 },
        statesUrl: `${p.url}/_vmconform/provider-states`,
        pacer: new WindowPacer(),
        pollTimeoutMs,
      },
      runs,
      seed,
    });
  } finally {
    await p.close();
  }
}

const failedProps = (r: FuzzReport): string[] => r.results.filter((x) => x.status !== 'passed').map((x) => `${x.id}: ${x.message ?? ''}`);

describe('the fuzzer raises no false alarm', () => {
  const reports = new Map<string, FuzzReport>();
  const pairs = [
    ...DIALECT_NAMES.flatMap((d) => [1, 2].map((seed) => [`reference / ${d} / seed ${seed}`, d, () => startProviderServer({ dialect: d, transitionMs: TRANSITION_MS }), seed, 3_000] as const)),
    ...LEGAL_VARIANTS.flatMap((v) => v.dialects.map((d) => [`${v.name} / ${d}`, d, () => v.start(d, { transitionMs: TRANSITION_MS }), 1, v.pollTimeoutMs ?? 3_000] as const)),
  ];

  beforeAll(async () => {
    await Promise.all(pairs.map(async ([key, d, start, seed, poll]) => reports.set(key, await fuzz(d, start, 60, seed, poll))));
  }, 300_000);

  it.each(pairs.map(([key]) => [key]))('%s: zero findings', (key) => {
    const r = reports.get(key);
    expect(r?.results.length).toBeGreaterThanOrEqual(5);
    expect(failedProps(r as FuzzReport)).toEqual([]);
  });
});

describe('the fuzzer finds every wrong provider', () => {
  const reports = new Map<string, FuzzReport>();

  beforeAll(async () => {
    // Seed 3, and for a fault it did not reach, a second seed (a fault in a rare combination needs more draws).
    await Promise.all(
      WRONG_PROVIDERS.map(async (w) => {
        const first = await fuzz(w.dialect, () => w.start({ transitionMs: TRANSITION_MS }), 120, 3, 1_500);
        const found = first.results.some((r) => r.status === 'failed');
        reports.set(w.name, found ? first : await fuzz(w.dialect, () => w.start({ transitionMs: TRANSITION_MS }), 120, 4, 1_500));
      }),
    );
  }, 300_000);

  it.each(WRONG_PROVIDERS.map((w) => [w.name]))('%s: at least one finding', (name) => {
    const failed = (reports.get(name)?.results ?? []).filter((r) => r.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const r of failed) {
      expect(r.findings.some((f) => /replay with: vmconform fuzz --dialect \S+ --target http:\/\/127\.0\.0\.1:\d+ --poll-timeout 1500 --seed [34] --path \S+ --property \S+/.test(f.message)), r.id).toBe(true);
      expect(r.findings.some((f) => f.curl !== undefined || /curl -sS/.test(f.message)), r.id).toBe(true);
      // Every finding names the rule its property judges (the inventory's id) and a fingerprint.
      for (const f of r.findings) {
        expect(f.rule, r.id).toBe(r.rules[0]);
        expect(f.rule, r.id).toMatch(/^(resolution|limit):/);
        expect(f.fingerprint.startsWith(`${r.dialect}/${r.id}/`), r.id).toBe(true);
      }
    }
  });
});

describe('wrong providers only the fuzzer catches', () => {
  const catalog = new Map<string, string[]>();
  const reports = new Map<string, FuzzReport>();
  const limit = limiter(24);

  beforeAll(async () => {
    await Promise.all(
      FUZZ_ONLY_WRONG_PROVIDERS.map(async (w) => {
        catalog.set(w.name, failureLines(await runRowsAgainst(() => w.start({ transitionMs: TRANSITION_MS }), w.dialect, { limit })));
        reports.set(w.name, await fuzz(w.dialect, () => w.start({ transitionMs: TRANSITION_MS }), 200, 1, 1_500));
      }),
    );
  }, 300_000);

  it('there are at least three, each naming the rule it breaks', () => {
    expect(FUZZ_ONLY_WRONG_PROVIDERS.length).toBeGreaterThanOrEqual(3);
  });

  it.each(FUZZ_ONLY_WRONG_PROVIDERS.map((w) => [w.name]))('%s: the whole catalog passes, the fuzzer finds it', (name) => {
    expect(catalog.get(name)).toEqual([]);
    expect((reports.get(name)?.results ?? []).filter((r) => r.status === 'failed').map((r) => r.id)).not.toEqual([]);
  });
});
