import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderServer, type RunningProvider } from '../provider/server.ts';
import { runCli } from '../testing/cli.ts';
import { wrongProvider } from '../wrong-providers/index.ts';

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

  it('exits 2 on a bad option, before any request', async () => {
    const r = await runCli(['fuzz', '--dialect', 'zenlayer-bmc', '--target', good.url, '--runs', 'many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/expected a whole number 1\.\.100000/);
  });
});
