import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyRequest, isStatesRequest, startWithHandler } from '../provider-variants/build.ts';
import { startProviderServer, type RunningProvider } from '../provider/server.ts';
import { runCli, runCliInProcess } from '../testing/cli.ts';
import { wrongProvider } from '../wrong-providers/index.ts';

/** A reference provider that counts the API requests (not provider states) it serves at once, each held a little. */
async function countingProvider(): Promise<{ running: RunningProvider; maxInFlight: () => number }> {
  let now = 0;
  let max = 0;
  const running = await startWithHandler('zenlayer-bmc', (forward) =>
    everyRequest(async (request) => {
      if (isStatesRequest(request)) return forward(request);
      max = Math.max(max, ++now);
      try {
        await new Promise((resolve) => setTimeout(resolve, 15));
        return await forward(request);
      } finally {
        now--;
      }
    }),
  )({ transitionMs: 100 });
  return { running, maxInFlight: () => max };
}

describe('vmconform fuzz', () => {
  let good: RunningProvider;
  let bad: RunningProvider;
  const dir = mkdtempSync(join(tmpdir(), 'vmconform-fuzz-'));

  beforeAll(async () => {
    good = await startProviderServer({ dialect: 'zenlayer-bmc', transitionMs: 100 });
    bad = await wrongProvider('zenlayer-bmc-stops-stopped').start({ transitionMs: 100 });
  });
  afterAll(async () => {
    await Promise.all([good.close(), bad.close()]);
  });

  it('exits 0 against the reference provider and writes one results row per property', async () => {
    const r = await runCli(['fuzz', '--dialect', 'zenlayer-bmc', '--target', good.url, '--runs', '40', '--seed', '5', '--report-dir', join(dir, 'good')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^vmconform fuzz zenlayer-bmc http:\/\/127\.0\.0\.1:\d+ {2}runs 40 {2}seed 5$/m);
    expect(r.stdout).toMatch(/fuzz: \d+ requests in [\d.]+ s \(\d+\/s\), seed 5/);
    const doc = JSON.parse(readFileSync(join(dir, 'good', 'results.json'), 'utf8')) as { runs: { cases: { id: string; status: string }[] }[] };
    expect(doc.runs[0]?.cases.map((c) => `${c.id}:${c.status}`)).toEqual([
      'fuzz.requests:passed',
      'fuzz.requests-boundary:passed',
      'fuzz.requests-undocumented:passed',
      'fuzz.sequences:passed',
      'fuzz.eventually-stopped:passed',
    ]);
  });

  it('exits 1 against a wrong provider, prints the seed, path and shrunk case as curl lines, and --path replays it', async () => {
    const r = await runCli(['fuzz', '--dialect', 'zenlayer-bmc', '--target', bad.url, '--runs', '60', '--seed', '3', '--property', 'requests-boundary', '--report-dir', join(dir, 'bad')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL fuzz\.requests-boundary \[MUST\]/);
    const replay = new RegExp(`replay with: (vmconform fuzz --dialect zenlayer-bmc --target ${bad.url.replace(/\./g, '\\.')} --seed 3 --path (\\S+) --property requests-boundary)$`, 'm').exec(r.stdout);
    expect(replay, r.stdout).not.toBeNull();
    expect(r.stdout).toMatch(/the shrunk case as curl lines, in order:\n\s*1\. curl -sS -X POST http:\/\/127\.0\.0\.1:\d+\/api\/v2\/bmc/);
    const junit = readFileSync(join(dir, 'bad', 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<failure /);
    const again = await runCli(['fuzz', '--dialect', 'zenlayer-bmc', '--target', bad.url, '--seed', '3', '--path', replay?.[2] ?? '', '--property', 'requests-boundary', '--report-dir', join(dir, 'again')]);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain(`replay with: ${replay?.[1] ?? ''}\n`);
  });

  it('a budget too small for a property says so and exits 0: a started case finishes, a property left no time is not run', async () => {
    const api3 = await startProviderServer({ dialect: 'tencent-cvm-api3', transitionMs: 1_500 });
    try {
      const r = await runCli(['fuzz', '--dialect', 'tencent-cvm-api3', '--target', api3.url, '--seed', '1', '--property', 'eventually-stopped,rate-limit', '--time-budget', '1', '--report-dir', join(dir, 'budget')]);
      expect(r.stderr).toBe('');
      expect(r.code, r.stdout).toBe(0);
      expect(r.stdout).toContain('2 cases: 1 passed, 0 failed, 1 skipped');
      expect(r.stdout).toContain(
        'fuzz: 0 of 2 properties ran fully; fuzz.eventually-stopped ran 1 of 2 case(s) (the time budget ran out); fuzz.rate-limit not run (the time budget left no time for it)',
      );
      const doc = JSON.parse(readFileSync(join(dir, 'budget', 'results.json'), 'utf8')) as { runs: { cases: { id: string; status: string; message?: string }[] }[] };
      expect(doc.runs[0]?.cases.map((c) => [c.id, c.status, c.message])).toEqual([
        ['fuzz.eventually-stopped', 'passed', 'incomplete: ran 1 of 2 generated case(s) before the time budget ran out; none failed'],
        ['fuzz.rate-limit', 'skipped', 'not run: the time budget left no time for this property'],
      ]);
    } finally {
      await api3.close();
    }
  });

  it('--concurrency N runs up to N cases at once, the same cases as one at a time', async () => {
    const [single, parallel] = await Promise.all([countingProvider(), countingProvider()]);
    try {
      const args = (p: RunningProvider, more: string[]): string[] => ['fuzz', '--dialect', 'zenlayer-bmc', '--target', p.url, '--runs', '12', '--seed', '4', '--property', 'requests', ...more];
      const [one, three] = await Promise.all([
        runCli(args(single.running, ['--report-dir', join(dir, 'one')])),
        runCli(args(parallel.running, ['--concurrency', '3', '--report-dir', join(dir, 'three')])),
      ]);
      expect([one.code, three.code]).toEqual([0, 0]);
      expect(single.maxInFlight()).toBe(1);
      expect(parallel.maxInFlight()).toBeGreaterThan(1);
      expect(parallel.maxInFlight()).toBeLessThanOrEqual(3);
      expect(three.stdout).toMatch(/seed 4 {2}concurrency 3$/m);
      const requests = (r: { stdout: string }): string | undefined => /fuzz: (\d+) requests/.exec(r.stdout)?.[1];
      expect(requests(three)).toBe(requests(one));
    } finally {
      await Promise.all([single.running.close(), parallel.running.close()]);
    }
  });

  it('options that select nothing are usage errors with the valid choices, before any request', async () => {
    const nowhere = 'http://127.0.0.1:9';
    const lacking = await runCliInProcess(['fuzz', '--dialect', 'zenlayer-vm', '--target', nowhere, '--property', 'requests,rate-limit']);
    expect(lacking.code).toBe(2);
    expect(lacking.stderr).toContain('--property rate-limit: zenlayer-vm has no such property (choose from requests, requests-boundary, requests-undocumented, sequences, eventually-stopped;');
    const noSeed = await runCliInProcess(['fuzz', '--dialect', 'zenlayer-vm', '--target', nowhere, '--path', '3:1', '--property', 'sequences']);
    expect(noSeed.code).toBe(2);
    expect(noSeed.stderr).toContain('--path replays a printed failure: give it with the --seed it was printed with');
    const twoProperties = await runCliInProcess(['fuzz', '--dialect', 'zenlayer-vm', '--target', nowhere, '--seed', '1', '--path', '3', '--property', 'requests', '--property', 'sequences']);
    expect(twoProperties.code).toBe(2);
    expect(twoProperties.stderr).toContain('--path replays one case of one property');
    const noProperty = await runCliInProcess(['fuzz', '--dialect', 'zenlayer-vm', '--target', nowhere, '--seed', '1', '--path', '3']);
    expect(noProperty.code).toBe(2);
    expect([lacking, noSeed, twoProperties, noProperty].map((r) => r.stdout)).toEqual(['', '', '', '']);
  });

  it('exits 2 on a bad option, before any request', async () => {
    const r = await runCli(['fuzz', '--dialect', 'zenlayer-bmc', '--target', good.url, '--runs', 'many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/expected a whole number 1\.\.100000/);
  });
});
