/**
 * `vmconform pact verify` on a par with `run`, through the command line's `main` over loopback (Pact's verifier in its
 * child process, as for a user; `pact-command.test.ts` runs the installed bin): the same preflight (a
 * down target is one diagnosis, not one Pact failure per interaction), quiet by default (Pact's own report only for
 * failing interactions or with `--verbose`), `--grep`, `--level` and `--baseline` gating as `run` does, `--pact` with
 * another contract file, and Pact's own workflow with a broker (a loopback fake serving the broker's documented HAL
 * resources): the bearer token on every request, the provider's branch, and Pact's verdict published whatever the
 * baseline says.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_CONTRACTS_DIR } from '../pact/files.ts';
import { INTERACTION_HEADER } from '../pact/generate.ts';
import { startProviderServer, type RunningProvider } from '../provider/server.ts';
import { runCliInProcess, type CliRun } from '../testing/cli.ts';
import { startFailsOnce } from '../testing/fails-once.ts';
import { startFakeBroker } from '../testing/fake-broker.ts';
import { wrongProvider } from '../wrong-providers/index.ts';

interface Interaction {
  key?: string;
  description: string;
  request: { headers?: Record<string, unknown> };
}
interface Contract {
  provider: { name: string };
  interactions: Interaction[];
}

const dir = mkdtempSync(join(tmpdir(), 'vmconform-pact-verify-'));
const contract = (): Contract => JSON.parse(readFileSync(join(PACKAGE_CONTRACTS_DIR, 'zenlayer-vm.json'), 'utf8')) as Contract;
/** The zenlayer-vm contract with only the interactions of these cases. */
function subset(ids: readonly string[]): Contract {
  const c = contract();
  return { ...c, interactions: c.interactions.filter((i) => ids.some((id) => i.key?.startsWith(`${id}#`))) };
}
/** `main` in this process (Pact runs in its child process either way), with `env` set for the call. */
async function cli(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CliRun> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await runCliInProcess(args);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
const lines = (text: string): number => text.split('\n').filter((l) => l.trim() !== '').length;
const cases = (reportDir: string): Record<string, { status: string; gate: string; message?: string }> =>
  Object.fromEntries(
    (JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as { runs: { cases: { id: string; status: string; gate: string; message?: string }[] }[] }).runs[0]?.cases.map((c) => [c.id, c]) ?? [],
  );

let good: RunningProvider;
let wrong: RunningProvider;
// Follows zenlayer-vm's contradicting note: refuses to stop a RUNNING instance, so stop.single (MUST) and
// body.content-type.charset (SHOULD) fail.
const wp = wrongProvider('zenlayer-vm-follows-stopped-note');
const baseline = join(dir, 'baseline.json');

beforeAll(async () => {
  [good, wrong] = await Promise.all([startProviderServer({ dialect: 'zenlayer-vm', port: 0, host: '127.0.0.1', transitionMs: 100 }), wp.start({ transitionMs: 100 })]);
  writeFileSync(baseline, JSON.stringify({ schemaVersion: 2, known: [{ dialect: 'zenlayer-vm', id: 'stop.single', reason: 'refuses RUNNING, a ticket is open' }] }));
});
afterAll(async () => {
  await Promise.all([good.close(), wrong.close()]);
});

describe('pact verify: the preflight and the console', () => {
  it('a down target gets the preflight\'s one diagnosis, exit 1, and never reaches Pact', async () => {
    const r = await cli(['pact', 'verify', '--dialect', 'zenlayer-vm', '--target', 'http://127.0.0.1:1', '--report-dir', join(dir, 'down')]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^vmconform: preflight failed: the target does not answer HTTP: sent the zenlayer-vm status query to http:\/\/127\.0\.0\.1:1, received no answer \(.*ECONNREFUSED/);
    expect(r.stdout).not.toContain('Verifying a pact');
    // Before the preflight: 481 lines (Pact's report of 32 interactions failing on ECONNREFUSED).
    expect(lines(r.stdout + r.stderr)).toBeLessThan(25);
    const down = cases(join(dir, 'down'));
    expect(down['preflight']?.status).toBe('failed');
    expect(down['stop.single']?.message).toMatch(/^not run: the preflight failed/);
  }, 60_000);

  it('prints none of Pact\'s report when every interaction passes', async () => {
    const quiet = await cli(['pact', 'verify', '--dialect', 'zenlayer-vm', '--target', good.url, '--report-dir', join(dir, 'quiet')]);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toContain("Pact's verifier: every interaction verified (its whole report: --verbose)");
    expect(quiet.stdout).not.toContain('Verifying a pact');
    expect(quiet.stdout).toMatch(/RESULT: PASSED/);
    // Before: 471 lines (Pact's report of every interaction, then the summary); now the summary alone.
    expect(lines(quiet.stdout)).toBeLessThan(15);
  }, 60_000);
});

describe('pact verify: --grep, --level, --baseline and --retries gate as run does', () => {
  it('a known MUST failure and a SHOULD failure under --level must pass; under --level all the SHOULD one is new', async () => {
    const args = (name: string, level: string): string[] => [
      'pact', 'verify', '--dialect', 'zenlayer-vm', '--target', wrong.url, '--grep', '^(stop\\.single|body\\.content-type\\.charset)$',
      '--baseline', baseline, '--level', level, '--report-dir', join(dir, name),
    ];
    const must = await cli(args('must', 'must'));
    const all = await cli(args('all', 'all'));
    expect(must.code, must.stdout).toBe(0);
    expect(must.stdout).toMatch(/RESULT: PASSED \(nothing failed beyond the baseline/);
    // Pact's own report of the failing interactions (only theirs) and its list of failures.
    expect(must.stdout).toMatch(/^ {2}stop\.single#1: /m);
    expect(must.stdout).toMatch(/There were 2 pact failures/);
    expect(must.stdout).not.toMatch(/^ {2}state\./m);
    expect(Object.entries(cases(join(dir, 'must'))).map(([id, c]) => `${id} ${c.status} ${c.gate}`).sort()).toEqual([
      'body.content-type.charset failed ok',
      'stop.single failed known',
    ]);
    expect(all.code, all.stdout).toBe(1);
    expect(all.stdout).toMatch(/FAIL body\.content-type\.charset \[SHOULD\]/);
    expect(all.stdout).toMatch(/RESULT: FAILED \(1 failure\(s\) beyond the baseline/);
  }, 90_000);

  it('--retries verifies a failed case again: one that then passes is flaky and passes the gate', async () => {
    // The first StopInstances answers 500; every later request is the reference provider's.
    const once = await startFailsOnce();
    try {
      const r = await cli(['pact', 'verify', '--dialect', 'zenlayer-vm', '--target', once.url, '--grep', '^stop\\.single$', '--retries', '1', '--report-dir', join(dir, 'flaky')]);
      expect(r.code, r.stdout).toBe(0);
      expect(r.stdout).toContain('retry 1 of 1: 1 failed case(s) again');
      const doc = JSON.parse(readFileSync(join(dir, 'flaky', 'results.json'), 'utf8')) as { runs: { cases: { id: string; status: string; gate: string; previousAttempts?: { status: string }[] }[] }[] };
      expect(doc.runs[0]?.cases).toMatchObject([{ id: 'stop.single', status: 'passed', gate: 'flaky', previousAttempts: [{ status: 'failed' }] }]);
    } finally {
      await once.close();
    }
  }, 60_000);
});

describe('pact verify --pact and a Pact Broker', () => {
  it('--pact verifies another contract file: the cases it holds, the others skipped, an interaction of its own reported (--verbose: all of Pact\'s report)', async () => {
    const file = subset(['stop.single', 'state.RECYCLE.rejected']);
    const [first] = file.interactions;
    if (first !== undefined) {
      const { [INTERACTION_HEADER]: _key, ...headers } = first.request.headers ?? {};
      const { key: _k, ...rest } = first;
      file.interactions.push({ ...rest, description: 'a consumer of ours: stops one instance', request: { ...first.request, headers } });
    }
    const path = join(dir, 'other.json');
    writeFileSync(path, JSON.stringify(file));
    const r = await cli(['pact', 'verify', '--dialect', 'zenlayer-vm', '--target', good.url, '--pact', path, '--verbose', '--report-dir', join(dir, 'other')]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`pact verify ${path} against ${good.url}`);
    // --verbose: Pact's whole report, though every interaction passed.
    expect(r.stdout).toContain('Verifying a pact between vmconform and zenlayer-vm');
    expect(r.stdout).toMatch(/^ {2}stop\.single#1: .* verification\)$/m);
    expect(r.stdout).toMatch(/^ {2}a consumer of ours: stops one instance \(.* verification\)$/m);
    const got = cases(join(dir, 'other'));
    expect(got['stop.single']?.status).toBe('passed');
    expect(got['state.RECYCLE.rejected']?.status).toBe('passed');
    expect(got['pact.a-consumer-of-ours-stops-one-instance']?.status).toBe('passed');
    expect(got['state.STOPPED.rejected']).toMatchObject({ status: 'skipped', message: `not in ${path}; \`vmconform run\` checks it` });
    // A file that holds no interaction of the cases selected selects nothing: a usage error, not a pass.
    const none = await cli(['pact', 'verify', '--dialect', 'zenlayer-vm', '--target', good.url, '--pact', path, '--grep', '^state\\.STOPPED\\.rejected$', '--report-dir', join(dir, 'none')]);
    expect([none.code, none.stderr]).toEqual([2, `vmconform: ${path} holds no interaction to verify (of the cases selected)\n`]);
    const missing = await cli(['pact', 'verify', '--dialect', 'zenlayer-vm', '--target', good.url, '--pact', join(dir, 'nothing.json')]);
    expect([missing.code, missing.stderr]).toEqual([2, `vmconform: --pact ${join(dir, 'nothing.json')}: no such file\n`]);
  }, 60_000);

  it("a broker's pacts with the token; --publish sends Pact's verdict for the provider version and branch, whatever --baseline says", async () => {
    const content = { ...subset(['stop.single', 'state.RECYCLE.rejected']), provider: { name: 'billing-gw' } };
    const broker = await startFakeBroker({ token: 's3cret', pacts: [{ consumer: 'vmconform', provider: 'billing-gw', content }] });
    try {
      const args = ['pact', 'verify', '--dialect', 'zenlayer-vm', '--target', wrong.url, '--broker-url', broker.url, '--provider-name', 'billing-gw'];
      const publish = ['--provider-version', '1.2.3', '--provider-branch', 'main', '--publish', '--baseline', baseline, '--report-dir', join(dir, 'broker')];
      const r = await cli([...args, ...publish], { PACT_BROKER_TOKEN: 's3cret' });
      // stop.single fails (known to the baseline: exit 0); the broker gets Pact's own verdict: failed.
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain(`published Pact's verdict (failed) for billing-gw 1.2.3 (branch main) to ${broker.url}`);
      expect(cases(join(dir, 'broker'))['stop.single']).toMatchObject({ status: 'failed', gate: 'known' });
      expect(broker.requests.map((q) => `${q.method} ${q.path} ${q.status}`)).toEqual([
        'GET / 200',
        'GET /pacts/provider/billing-gw/for-verification 200',
        'POST /pacts/provider/billing-gw/for-verification 200',
        expect.stringMatching(/^GET \/pacts\/provider\/billing-gw\/consumer\/vmconform\/pact-version\/[0-9a-f]{40} 200$/),
        'GET /pacticipants/billing-gw 200',
        'PUT /pacticipants/billing-gw/branches/main/versions/1.2.3 200',
        expect.stringMatching(/^POST \/pacts\/provider\/billing-gw\/consumer\/vmconform\/pact-version\/[0-9a-f]{40}\/verification-results 201$/),
      ]);
      expect(broker.requests.every((q) => q.authorization === 'Bearer s3cret')).toBe(true);
      expect(broker.requests[2]?.body).toMatchObject({ providerVersionBranch: 'main', consumerVersionSelectors: [{ mainBranch: true }, { deployedOrReleased: true }, { matchingBranch: true }] });
      expect(broker.requests[6]?.body).toMatchObject({ success: false, providerApplicationVersion: '1.2.3', verifiedBy: { implementation: 'Pact-Rust' } });
      // A token the broker refuses: nothing is verified, a configuration error (exit 2), not a verdict.
      const refused = await cli([...args, '--report-dir', join(dir, 'refused')], { PACT_BROKER_TOKEN: 'wrong' });
      expect(refused.code, refused.stdout).toBe(2);
      expect(refused.stderr).toMatch(/vmconform: Pact's verifier could not load the pacts of billing-gw in http:\/\/127\.0\.0\.1:\d+: .*401 Unauthorized/);
      const unusable = await cli([...args, '--publish'], { PACT_BROKER_TOKEN: 's3cret' });
      expect([unusable.code, unusable.stderr]).toEqual([2, 'vmconform: --publish needs --provider-version: the broker records the verdict for a provider version\n']);
    } finally {
      await broker.close();
    }
  }, 90_000);
});
