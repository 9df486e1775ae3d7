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
    expect(runs[4]?.stderr).toMatch(/--grep "\^no-such-case\$" matches no case of zenlayer-vm \(ids such as stop\.single, /);
    expect(runs[5]?.stderr).toMatch(/milliseconds/);
  }, 120_000); // seven CLI processes start at once; each loads the TypeScript sources through tsx

  it('an unreachable target fails the preflight: one diagnosis with a curl line, one failing preflight row, every case skipped', async () => {
    const r = await vmconform(['run', '--dialect', 'zenlayer-vm', '--target', 'http://127.0.0.1:1', '--report-dir', join(dir, 'down')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^vmconform: preflight failed: the target does not answer HTTP: sent the zenlayer-vm status query to http:\/\/127\.0\.0\.1:1, received no answer \(.*ECONNREFUSED.*\)/);
    expect(r.stderr).toMatch(/\n {2}curl -sS -X POST http:\/\/127\.0\.0\.1:1\/api\/v2\/vm /);
    const doc = JSON.parse(readFileSync(join(dir, 'down', 'results.json'), 'utf8')) as { runs: { cases: { id: string; status: string; message?: string }[] }[] };
    const cases = doc.runs[0]?.cases ?? [];
    expect(cases[0]).toMatchObject({ id: 'preflight', status: 'failed' });
    expect(cases.length).toBeGreaterThan(30);
    expect(cases.slice(1).every((c) => c.status === 'skipped' && /^not run: the preflight failed/.test(c.message ?? ''))).toBe(true);
    expect(readFileSync(join(dir, 'down', 'junit.xml'), 'utf8').match(/<failure /g)?.length).toBe(1);
    // The header prints as for any run, then the summary.
    expect(r.stdout).toMatch(/^vmconform \S+ {2}run \S+ {2}started \S+\n {2}zenlayer-vm {2}http:\/\/127\.0\.0\.1:1\n/);
    expect(r.stdout).toMatch(/RESULT: FAILED/);
  });

  it('a target without the provider-state endpoint fails the preflight saying what to implement; --no-states runs what needs none', async () => {
    const bare = await startProviderServer({ dialect: 'zenlayer-vm', port: 0, host: '127.0.0.1', transitionMs: 100 });
    try {
      const statesUrl = `${bare.url}/no-such-endpoint`;
      const r = await vmconform(['run', '--dialect', 'zenlayer-vm', '--target', bare.url, '--states-url', statesUrl, '--report-dir', join(dir, 'nostates')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/preflight failed: the provider-state endpoint does not work: provider-state setup: expected HTTP 2xx \(DESIGN\.md §4\), received HTTP 404.*The target must implement POST .*no-such-endpoint \(DESIGN\.md §4.*or the run must use --no-states/);
      const ok = await vmconform(['run', '--dialect', 'zenlayer-vm', '--target', bare.url, '--states-url', statesUrl, '--no-states', '--report-dir', join(dir, 'nostates2')]);
      expect(ok.code).toBe(0);
      const doc = JSON.parse(readFileSync(join(dir, 'nostates2', 'results.json'), 'utf8')) as { runs: { cases: { id: string; status: string; message?: string }[] }[] };
      const cases = doc.runs[0]?.cases ?? [];
      const passed = cases.filter((c) => c.status === 'passed').map((c) => c.id);
      expect(passed).toEqual(expect.arrayContaining(['ids.unknown.rejected', 'ids.missing.rejected', 'ids.empty.rejected']));
      // A case that names a seeded instance (here the unknown action's) cannot run without states.
      for (const id of ['stop.single', 'action.unknown.rejected']) {
        expect(cases.find((c) => c.id === id), id).toMatchObject({ status: 'skipped', message: expect.stringMatching(/--no-states/) });
      }
      expect(cases.filter((c) => c.status === 'failed')).toEqual([]);
    } finally {
      await bare.close();
    }
  });

  it('a target that refuses the credentials: the preflight warns once which variables to check (and never fails for it)', async () => {
    const strict = await startProviderServer({ dialect: 'zenlayer-vm', transitionMs: 100, verifySignatures: { accessKeyId: 'AKIDotherKEY', accessKeySecret: 'other-secret-0123456789' } });
    try {
      const r = await vmconform(['run', '--dialect', 'zenlayer-vm', '--target', strict.url, '--grep', '^stop\\.single$', '--report-dir', join(dir, 'creds')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^vmconform: warning: the preflight's status query was refused \(HTTP 401, AUTH_FAILURE\w*\): .*VMCONFORM_ACCESS_KEY_ID \/ VMCONFORM_ACCESS_KEY_SECRET .*they are unset/m);
      expect(r.stderr.match(/warning: the preflight/g)).toHaveLength(1);
      // With both variables set (to other credentials), the warning says which key the suite signed with, never "unset".
      const set = await runCli(['run', '--dialect', 'zenlayer-vm', '--target', strict.url, '--grep', '^stop\\.single$', '--report-dir', join(dir, 'creds-set')], {
        VMCONFORM_ACCESS_KEY_ID: 'AKIDmineKEY0001',
        VMCONFORM_ACCESS_KEY_SECRET: 'mine-secret-0123456789',
      });
      expect(set.stderr).toMatch(/warning: the preflight's status query was refused .*signs with access key AKIDmineKEY0001 from them/);
      expect(set.stderr).not.toMatch(/unset/);
      expect(set.stderr).not.toContain('mine-secret-0123456789');
    } finally {
      await strict.close();
    }
    // With the right credentials nothing is said.
    const ok = await vmconform(['run', '--dialect', 'zenlayer-vm', '--target', provider.url, '--grep', '^stop\\.single$', '--report-dir', join(dir, 'creds-ok')]);
    expect(ok.stderr).toBe('');
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
