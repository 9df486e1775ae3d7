/**
 * The fuzzer reports only the target's faults (over real HTTP, against the reference provider): a time budget that
 * ends a property early says so ("incomplete", "not run") instead of failing it, an exception in vmconform's own code
 * is a FuzzEngineError (exit 3 on the command line) and never a finding, and options that select nothing are usage
 * errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDialect } from '../dialects/index.ts';
import type { Dialect, DialectName } from '../dialects/types.ts';
import { WindowPacer } from '../engine/pacer.ts';
import { UsageError } from '../errors.ts';
import { startProviderServer, type RunningProvider } from '../provider/server.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { FuzzEngineError, NOT_RUN_NO_TIME, replayLine, runFuzz, type FuzzOptions } from './properties.ts';
import type { FuzzTarget } from './session.ts';

/** Longer than the budgets below: one eventually-stopped case outlasts them. */
const SLOW_STOP_MS = 1_200;

function targetOf(p: RunningProvider, dialect: Dialect, pollTimeoutMs = 5_000): FuzzTarget {
  return {
    dialect,
    dctx: { baseUrl: p.url, credentials: TEST_CREDENTIALS, timeoutMs: 10_000 },
    statesUrl: `${p.url}/_vmconform/provider-states`,
    pacer: new WindowPacer(),
    pollTimeoutMs,
  };
}

describe('the fuzzer is honest about itself', () => {
  const providers = new Map<DialectName, RunningProvider>();
  const fuzz = (dialect: DialectName, options: Omit<FuzzOptions, 'target'>, d: Dialect = getDialect(dialect)): ReturnType<typeof runFuzz> =>
    runFuzz({ target: targetOf(providers.get(dialect) as RunningProvider, d), ...options });

  beforeAll(async () => {
    for (const d of ['zenlayer-vm', 'tencent-cvm-api3'] as const) providers.set(d, await startProviderServer({ dialect: d, transitionMs: SLOW_STOP_MS }));
  });
  afterAll(async () => {
    await Promise.all([...providers.values()].map((p) => p.close()));
  });

  it('a budget shorter than one case: the case finishes, the property is incomplete, never failed', async () => {
    const r = await fuzz('zenlayer-vm', { runs: 100, seed: 1, only: ['eventually-stopped'], timeBudgetMs: 300 });
    expect(r.results.map((x) => [x.id, x.status, x.message])).toEqual([
      ['fuzz.eventually-stopped', 'passed', 'incomplete: ran 1 of 2 generated case(s) before the time budget ran out; none failed'],
    ]);
    expect(r.properties).toEqual([{ id: 'fuzz.eventually-stopped', planned: 2, ran: 1, ending: 'time' }]);
    expect(r.requests).toBeGreaterThan(0);
    expect(providers.get('zenlayer-vm')?.provider?.store.size).toBe(0);
  });

  it('a property reached after the budget is spent is not run, and says so', async () => {
    const r = await fuzz('tencent-cvm-api3', { runs: 100, seed: 1, only: ['eventually-stopped', 'rate-limit'], timeBudgetMs: 300 });
    expect(r.results.map((x) => [x.id, x.status])).toEqual([
      ['fuzz.eventually-stopped', 'passed'],
      ['fuzz.rate-limit', 'skipped'],
    ]);
    expect(r.results[1]?.message).toBe(NOT_RUN_NO_TIME);
    expect(r.properties.map((p) => p.ending)).toEqual(['time', 'not-run']);
  });

  it("an exception in vmconform's own code is a FuzzEngineError, not a finding about the target", async () => {
    const real = getDialect('zenlayer-vm');
    const broken: Dialect = {
      ...real,
      decode: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'pool')");
      },
    };
    const run = fuzz('zenlayer-vm', { runs: 10, seed: 1, only: ['requests'] }, broken);
    await expect(run).rejects.toBeInstanceOf(FuzzEngineError);
    await expect(run).rejects.toThrow(/vmconform failed while running a case of fuzz\.requests \(seed 1\): Cannot read properties of undefined/);
  });

  it('a property the dialect does not have, or a path without exactly one property, is a usage error', async () => {
    await expect(fuzz('zenlayer-vm', { runs: 10, only: ['rate-limit'] })).rejects.toThrow(UsageError);
    await expect(fuzz('zenlayer-vm', { runs: 10, seed: 1, path: '3' })).rejects.toThrow(/exactly one property/);
    await expect(fuzz('zenlayer-vm', { runs: 10, seed: 1, path: '0:999:999', only: ['requests'] })).rejects.toThrow(/names no generated case of fuzz\.requests under --seed 1/);
  });

  it('a replay line names the target, and the states URL, region and timeouts where they are not the defaults', () => {
    const p = providers.get('zenlayer-vm') as RunningProvider;
    const plain = targetOf(p, getDialect('zenlayer-vm'), 10_000);
    expect(replayLine(plain, [], 7, '3:1', 'sequences')).toBe(`vmconform fuzz --dialect zenlayer-vm --target ${p.url} --seed 7 --path 3:1 --property sequences`);
    const odd: FuzzTarget = { ...plain, statesUrl: 'http://127.0.0.1:9/states', pollTimeoutMs: 60_000, dctx: { ...plain.dctx, region: 'ap guangzhou', timeoutMs: 2_000 } };
    expect(replayLine(odd, ['--allow-remote'], -4, '0', 'requests')).toBe(
      `vmconform fuzz --dialect zenlayer-vm --target ${p.url} --states-url http://127.0.0.1:9/states --region 'ap guangzhou' --poll-timeout 60000 --request-timeout 2000 --allow-remote --seed=-4 --path 0 --property requests`,
    );
  });
});
