/**
 * Ctrl-C for the commands beside `run` (whose interrupt test is in reporters/reports.e2e.test.ts): `fuzz` and
 * `pact verify`, interrupted the way a terminal does it (SIGINT to the whole process group, Pact's child process
 * included) while instances are seeded on the target. Each exits 130 with partial reports marked interrupted, and
 * leaves nothing seeded behind. And `run` interrupted before its cases start (during the preflight), and `run`
 * whose parent process ends (what `npx` does at a signal: it ends without passing the signal on).
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from 'msw';
import { startProviderServer, type RunningProvider } from '../provider/server.ts';
import { actionOf, isStatesRequest, startWithHandler } from '../provider-variants/build.ts';
import { BIN } from '../testing/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'vmconform-interrupts-'));
let fuzzTarget: RunningProvider;
let pactTarget: RunningProvider;

beforeAll(async () => {
  // Slow transitions keep each generated case busy long enough to be interrupted in the middle of it.
  [fuzzTarget, pactTarget] = await Promise.all([
    startProviderServer({ dialect: 'zenlayer-vm', transitionMs: 400 }),
    startProviderServer({ dialect: 'zenlayer-vm', transitionMs: 400 }),
  ]);
});
afterAll(async () => {
  await Promise.all([fuzzTarget.close(), pactTarget.close()]);
});

interface Interrupted {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Start the command in its own process group; once `ready` holds, Ctrl-C the group; wait for the end. */
async function interruptWhen(args: readonly string[], ready: (stdout: string) => boolean): Promise<Interrupted> {
  const child = spawn(process.execPath, [BIN, ...args], { detached: true, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  await new Promise<void>((resolve, reject) => {
    const wait = setInterval(() => {
      if (ready(stdout)) {
        clearInterval(wait);
        resolve();
      }
    }, 5);
    void closed.then(() => {
      clearInterval(wait);
      reject(new Error(`ended before it could be interrupted: ${stdout}\n${stderr}`));
    });
  });
  process.kill(-(child.pid ?? 0), 'SIGINT');
  return { code: await closed, stdout, stderr };
}

interface Doc {
  interrupted: boolean;
  runs: { cases: { id: string; status: string; message?: string }[] }[];
}

describe('Ctrl-C', () => {
  it('fuzz: the running case finishes and tears down, no new one starts, partial reports, exit 130', async () => {
    const reportDir = join(dir, 'fuzz');
    const r = await interruptWhen(
      ['fuzz', '--dialect', 'zenlayer-vm', '--target', fuzzTarget.url, '--runs', '400', '--seed', '5', '--property', 'sequences,requests', '--report-dir', reportDir],
      // After the preflight (the seed line), while a generated case has instances seeded.
      (out) => /seed 5/.test(out) && (fuzzTarget.provider?.store.size ?? 0) > 0,
    );
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/interrupted \(SIGINT\): finishing the running case and its teardown/);
    const doc = JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as Doc;
    expect(doc.interrupted).toBe(true);
    const cases = doc.runs[0]?.cases ?? [];
    expect(cases.map((c) => c.id)).toEqual(['fuzz.requests', 'fuzz.sequences']);
    expect(cases.every((c) => c.status === 'skipped' && /^not run: the run was interrupted/.test(c.message ?? ''))).toBe(true);
    expect(r.stdout).toMatch(/RESULT: INTERRUPTED/);
    expect(fuzzTarget.provider?.store.size).toBe(0);
  }, 120_000);

  it('pact verify: Pact\'s child tears down what it set up, every case reported not run, exit 130', async () => {
    const reportDir = join(dir, 'pact');
    const r = await interruptWhen(
      ['pact', 'verify', '--dialect', 'zenlayer-vm', '--target', pactTarget.url, '--report-dir', reportDir],
      // After the preflight (its own seeded instances come and go before the 'pact verify' line), while Pact's child has
      // instances set up.
      (out) => out.includes('pact verify ') && (pactTarget.provider?.store.size ?? 0) > 0,
    );
    expect(r.code, r.stderr).toBe(130);
    // Whichever of the two processes handles the Ctrl-C first says so.
    expect(r.stderr, r.stdout).toMatch(/interrupted \((SIGINT|in Pact's verifier process)\): (tearing down the instances set up so far|the instances set up so far are torn down)/);
    const doc = JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as Doc;
    expect(doc.interrupted).toBe(true);
    const cases = doc.runs[0]?.cases ?? [];
    expect(cases.length).toBe(34);
    expect(cases.every((c) => c.status === 'skipped')).toBe(true);
    expect(pactTarget.provider?.store.size).toBe(0);
  }, 120_000);

  it('run: a Ctrl-C during the preflight is remembered, not fatal: no case starts, every case reported not run, exit 130', async () => {
    // The preflight's status query is held until the test has sent Ctrl-C, then answered normally.
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    let store: { readonly size: number } | undefined;
    const target = await startWithHandler('zenlayer-vm', (forward, provider) => {
      store = provider.store;
      return http.all('*', async ({ request }) => {
        if (!held && !isStatesRequest(request) && (await actionOf(request.clone())) !== 'StopInstances') {
          held = true;
          await released;
        }
        return forward(request);
      });
    })({ transitionMs: 100 });
    try {
      const reportDir = join(dir, 'early');
      const pending = interruptWhen(['run', '--dialect', 'zenlayer-vm', '--target', target.url, '--report-dir', reportDir], () => held);
      setTimeout(release, 1500);
      const r = await pending;
      expect(r.code, r.stderr).toBe(130);
      expect(r.stderr).toMatch(/interrupted \(SIGINT\): no case will start/);
      const doc = JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as Doc;
      expect(doc.interrupted).toBe(true);
      const cases = doc.runs[0]?.cases ?? [];
      expect(cases.length).toBe(34);
      expect(cases.every((c) => c.status === 'skipped' && c.message === 'not run: the run was interrupted')).toBe(true);
      expect(store?.size).toBe(0); // the preflight tore down its own instance
    } finally {
      release();
      await target.close();
    }
  }, 120_000);

  /** Start a command, Ctrl-C it twice once `busy` holds, and check what it says it left seeded (stderr, results.json). */
  async function quitTwice(args: readonly string[], target: RunningProvider, busy: (stdout: string) => boolean, reportDir: string): Promise<void> {
    const child = spawn(process.execPath, [BIN, ...args, '--target', target.url, '--report-dir', reportDir], { detached: true, env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const until = Date.now() + 60_000;
    while (!busy(stdout) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    process.kill(-(child.pid ?? 0), 'SIGINT');
    while (!/again to quit at once/.test(stderr) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    process.kill(-(child.pid ?? 0), 'SIGINT');
    expect(await closed, stderr).toBe(130);
    const m = /quit at once, leaving (\d+) seeded instance\(s\) behind:\n {2}(\S+): ([^\n]+)\n {2}tear them down: curl /.exec(stderr);
    expect(m, stderr).not.toBeNull();
    const ids = (m?.[3] ?? '').split(' ');
    expect(Number(m?.[1])).toBe(ids.length);
    expect(m?.[2]).toBe(`${target.url}/_vmconform/provider-states`);
    // Every instance still seeded on the target is named (a teardown in flight at the second signal may have
    // removed a named one since: the list errs on the side of naming too many, never too few).
    const seeded = (target.provider?.store.page(0, 10_000) ?? []).map((v) => v.id);
    expect(seeded.length).toBeGreaterThan(0);
    expect(seeded.filter((id) => !ids.includes(id))).toEqual([]);
    const doc = JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as Doc & { leftovers?: { statesUrl: string; ids: string[] }[] };
    expect(doc.interrupted).toBe(true);
    expect(doc.leftovers?.flatMap((l) => l.ids).sort()).toEqual([...ids].sort());
  }

  it('run: a second Ctrl-C quits at once and says how many seeded instances it left and their ids, in results.json too', async () => {
    // Slow stops keep the cases busy with instances seeded while the two signals come.
    const target = await startProviderServer({ dialect: 'zenlayer-vm', transitionMs: 5_000 });
    try {
      // After the preflight (its own three instances), once the cases have seeded theirs.
      await quitTwice(['run', '--dialect', 'zenlayer-vm'], target, (out) => /^ {2}gate: /m.test(out) && (target.provider?.store.size ?? 0) > 5, join(dir, 'twice'));
    } finally {
      await target.close();
    }
  }, 120_000);

  it('run under npm: when its parent process ends (npx at a Ctrl-C), the running cases finish and tear down, reports say interrupted', async () => {
    const target = await startProviderServer({ dialect: 'zenlayer-vm', transitionMs: 400 });
    const reportDir = join(dir, 'orphan');
    const out = openSync(join(dir, 'orphan.out'), 'w');
    try {
      // The parent: starts vmconform with its output in a file, says its pid, then is killed as npm would end.
      const parent = spawn(
        process.execPath,
        [
          '-e',
          `const c = require('node:child_process').spawn(process.execPath, ${JSON.stringify([BIN, 'run', '--dialect', 'zenlayer-vm', '--target', target.url, '--concurrency', '1', '--report-dir', reportDir])}, { stdio: ['ignore', 3, 3] }); console.log(c.pid); setInterval(() => {}, 1000);`,
        ],
        // npx sets npm_command=exec for what it runs; only under npm does the parent's end count as a signal.
        { stdio: ['ignore', 'pipe', 'inherit', out], env: { ...process.env, npm_command: 'exec' } },
      );
      const parentEnded = new Promise<void>((resolve) => parent.on('exit', () => resolve()));
      const pid = await new Promise<number>((resolve) => parent.stdout?.once('data', (c: Buffer) => resolve(Number(c.toString().trim()))));
      await new Promise<void>((resolve, reject) => {
        const wait = setInterval(() => {
          if ((target.provider?.store.size ?? 0) > 0 && / gate: /.test(readFileSync(join(dir, 'orphan.out'), 'utf8'))) {
            clearInterval(wait);
            resolve();
          }
        }, 5);
        void parentEnded.then(() => {
          clearInterval(wait);
          reject(new Error(`the parent ended first: ${readFileSync(join(dir, 'orphan.out'), 'utf8')}`));
        });
      });
      parent.kill('SIGKILL');
      const alive = (): boolean => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      for (let i = 0; i < 600 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
      expect(alive()).toBe(false);
      expect(readFileSync(join(dir, 'orphan.out'), 'utf8')).toMatch(/interrupted \(npm, which started it, ended\): finishing the running cases/);
      expect(existsSync(join(reportDir, 'results.json'))).toBe(true);
      const doc = JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as Doc;
      expect(doc.interrupted).toBe(true);
      expect((doc.runs[0]?.cases ?? []).some((c) => c.message === 'not run: the run was interrupted')).toBe(true);
      expect(target.provider?.store.size).toBe(0);
    } finally {
      closeSync(out);
      await target.close();
    }
  }, 120_000);
});
