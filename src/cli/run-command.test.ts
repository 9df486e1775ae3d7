import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeZenlayer, type FakeTarget } from '../engine/testing/fake-zenlayer.ts';
import { startProviderServer, type RunningProvider } from '../provider/server.ts';
import { runCli, type CliRun } from '../testing/cli.ts';

const vmconform = (args: readonly string[]): Promise<CliRun> => runCli(args);

let provider: RunningProvider;
let fake: FakeTarget;
let dir: string;

beforeAll(async () => {
  provider = await startProviderServer({ dialect: 'zenlayer-vm', port: 0, host: '127.0.0.1', transitionMs: 100 });
  fake = await startFakeZenlayer({ transitionMs: 50 });
  fake.fault = 'no-stop';
  dir = mkdtempSync(join(tmpdir(), 'vmconform-cli-'));
});
afterAll(async () => {
  await provider.close();
  await fake.close();
});

describe('vmconform run', () => {
  it('exits 0 against the reference provider and writes the reports', async () => {
    const reports = join(dir, 'ok');
    const r = await vmconform(['run', '--dialect', 'zenlayer-vm', '--target', provider.url, '--grep', '^(stop\\.|state\\.STOPPED)', '--report-dir', reports]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/RESULT: PASSED/);
    const doc = JSON.parse(readFileSync(join(reports, 'results.json'), 'utf8')) as {
      tool: string;
      runs: { dialect: string; target: string; cases: { id: string; status: string }[] }[];
    };
    expect(doc.tool).toBe('vmconform');
    expect(doc.runs[0]?.dialect).toBe('zenlayer-vm');
    expect(doc.runs[0]?.target).toBe(provider.url);
    const ids = doc.runs[0]?.cases.map((c) => c.id) ?? [];
    expect(ids).toContain('stop.single');
    expect(ids).toContain('state.STOPPED.rejected');
    expect(ids.every((id) => /^(stop\.|state\.STOPPED)/.test(id))).toBe(true);
    expect(doc.runs[0]?.cases.every((c) => c.status === 'passed')).toBe(true);
    expect(readFileSync(join(reports, 'junit.xml'), 'utf8')).toContain('<testsuite name="vmconform zenlayer-vm"');
  });

  it('exits 1 against a wrong target, with the finding and curl line; 0 when the baseline knows the failure', async () => {
    const reports = join(dir, 'bad');
    const args = ['run', '--dialect', 'zenlayer-vm', '--target', fake.url, '--grep', '^stop\\.single$', '--report-dir', reports, '--poll-timeout', '500'];
    const r = await vmconform(args);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL stop\.single \[MUST\]/);
    expect(r.stdout).toMatch(/\[state-immediate\] a \(vm-[0-9a-f]+\): expected status STOPPING or STOPPED right after the call, received RUNNING/);
    expect(r.stdout).toMatch(/curl -sS -X POST http:\/\/127\.0\.0\.1:\d+\/api\/v2\/vm /);
    const baseline = join(dir, 'baseline.json');
    writeFileSync(
      baseline,
      JSON.stringify({
        version: 1,
        known: [
          { dialect: 'zenlayer-vm', id: 'stop.single', reason: 'fake target never stops' },
          { dialect: 'zenlayer-vm', id: 'no.such.case', reason: 'a stale entry' },
        ],
      }),
    );
    const known = await vmconform([...args, '--baseline', baseline]);
    expect(known.code).toBe(0);
    expect(known.stdout).toMatch(/\(known, in baseline\)/);
    expect(known.stderr).toMatch(/baseline lists unknown case zenlayer-vm\/no\.such\.case/);
  });

  it('exits 2 on usage and configuration errors, before running anything', async () => {
    const runs = await Promise.all([
      vmconform(['run', '--dialect', 'gcp-compute', '--target', provider.url]),
      vmconform(['run', '--dialect', 'zenlayer-vm', '--target', 'ftp://127.0.0.1/']),
      vmconform(['run', '--dialect', 'zenlayer-vm']),
      vmconform(['run', '--dialect', 'zenlayer-vm', '--target', provider.url, '--baseline', join(dir, 'missing.json')]),
      vmconform(['run', '--dialect', 'zenlayer-vm', '--target', provider.url, '--grep', '^no-such-case$']),
      vmconform(['run', '--dialect', 'zenlayer-vm', '--target', provider.url, '--poll-timeout', 'soon']),
      vmconform(['run', '--dialect', 'zenlayer-vm', '--target', provider.url.replace('http://', 'http://bob:hunter2@')]),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 2, 2]);
    expect(runs[6]?.stderr).toMatch(/must not carry user credentials/);
    expect(`${runs[6]?.stderr}${runs[6]?.stdout}`).not.toContain('hunter2');
    expect(runs[0]?.stderr).toMatch(/unknown dialect "gcp-compute"/);
    expect(runs[1]?.stderr).toMatch(/expected an http:\/\/ or https:\/\/ URL/);
    expect(runs[2]?.stderr).toMatch(/--target/);
    expect(runs[3]?.stderr).toMatch(/cannot read baseline/);
    expect(runs[4]?.stderr).toMatch(/no case of zenlayer-vm matches/);
    expect(runs[5]?.stderr).toMatch(/milliseconds/);
  }, 120_000); // seven CLI processes start at once; each loads the TypeScript sources through tsx

  it('an unreachable target is a failing run with clear messages, not a crash', async () => {
    const r = await vmconform(['run', '--dialect', 'zenlayer-vm', '--target', 'http://127.0.0.1:1', '--grep', '^stop\\.single$', '--report-dir', join(dir, 'down')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/target http:\/\/127\.0\.0\.1:1 is unreachable \(.*ECONNREFUSED/);
    expect(r.stdout).toMatch(/\[provider-state\] provider-state setup: expected an HTTP answer from http:\/\/127\.0\.0\.1:1\/_vmconform\/provider-states, received none: .*ECONNREFUSED/);
  });

  it('--level must gates on MUST cases only: a failing SHOULD case is reported but does not fail the run', async () => {
    // The reference provider with its rate limit turned off fails the SHOULD rate-limit case and nothing else.
    const lenient = await startProviderServer({ dialect: 'tencent-cvm-api3', port: 0, host: '127.0.0.1', transitionMs: 100, rateLimitPerSecond: false });
    try {
      const args = ['run', '--dialect', 'tencent-cvm-api3', '--target', lenient.url, '--grep', '^(rate\\.burst-25\\.refused|stop\\.single)$'];
      const all = await vmconform([...args, '--report-dir', join(dir, 'level-all')]);
      expect(all.code, all.stdout).toBe(1);
      expect(all.stdout).toMatch(/FAIL rate\.burst-25\.refused \[SHOULD\]/);
      const must = await vmconform([...args, '--report-dir', join(dir, 'level-must'), '--level', 'must']);
      expect(must.code, must.stdout).toBe(0);
      expect(must.stdout).toMatch(/FAIL rate\.burst-25\.refused \[SHOULD\] \(SHOULD, not gated\)/);
      expect(must.stdout).toMatch(/RESULT: PASSED/);
    } finally {
      await lenient.close();
    }
  });

  it('a malformed baseline exits 2 and says what is wrong with it', async () => {
    const bad = join(dir, 'bad-baseline.json');
    writeFileSync(bad, JSON.stringify({ version: 1, known: [{ dialect: 'zenlayer-vm', id: 'stop.single' }] }));
    const r = await vmconform(['run', '--dialect', 'zenlayer-vm', '--target', provider.url, '--baseline', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/reason/);
  });

  it('--help describes every option', async () => {
    const r = await vmconform(['run', '--help']);
    expect(r.code).toBe(0);
    for (const opt of ['--dialect', '--target', '--states-url', '--report-dir', '--baseline', '--level', '--grep', '--poll-timeout', '--region', '--retries', '--fail-on-flaky']) {
      expect(r.stdout).toContain(opt);
    }
  });
});
