/**
 * The reports of real runs, end to end: the CLI spawned against providers over loopback (a wrong one, the reference
 * one, one that fails once, one that drops the request id from every answer), then `baseline`, `compare` and `report`
 * (the same CLI, in this process) on what they wrote, the HAR checked by a third-party HAR validator, no secret
 * anywhere, and the size of a run whose cases all fail for one cause.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { har as validateHar } from 'har-validator';
import { http } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapObjects, isStatesRequest, rewriteAnswer, startWithHandler } from '../src/provider-variants/build.ts';
import { startFailsOnce } from '../src/testing/fails-once.ts';
import { startProviderServer, type RunningProvider } from '../src/provider/server.ts';
import { BIN, runCli, runCliInProcess, type CliRun } from '../src/testing/cli.ts';
import { wrongProvider } from '../src/wrong-providers/index.ts';
import type { ResultsDocument } from './results-json.ts';
import { formatSummary } from './summary.ts';

const SECRET = 'e2eReportSecretNeverWritten42';
const ENV = { VMCONFORM_ACCESS_KEY_ID: 'AKIDe2ereports', VMCONFORM_ACCESS_KEY_SECRET: SECRET };
/** Four zenlayer-vm cases: two fail against the provider that stops recycled instances. */
const GREP = '^(stop\\.single|state\\.(RECYCLE|mixed-recycled|STOPPED)\\.rejected)$';
const BROKEN = ['state.RECYCLE.rejected', 'state.mixed-recycled.rejected'];

const vmconform = (args: readonly string[]): Promise<CliRun> => runCli(args, ENV);
const cli = runCliInProcess;
type Run = CliRun;

const readDoc = (dir: string): ResultsDocument => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as ResultsDocument;
const casesOf = (doc: ResultsDocument): Record<string, string> =>
  Object.fromEntries(doc.runs.flatMap((r) => r.cases.map((c) => [c.id, `${c.status}/${c.gate}`])));

let wrong: RunningProvider;
let good: RunningProvider;
const failingOnce: RunningProvider[] = [];
let dir: string;
const runs: Record<'bad' | 'good' | 'known' | 'flaky' | 'strict' | 'otherReason' | 'oneCause', { run: Run; dir: string }> = {} as never;
let noRequestId: RunningProvider;
/** The zenlayer-vm cases that stop an instance in a status that may not be stopped: one answer, 403 NOT_RUNNING. */
const NOT_RUNNING = '^state\\.(PENDING|DEPLOYING|CREATE_FAILED|REBUILDING|STOPPED|BOOTING|STOPPING|RELEASING|mixed-batch)\\.rejected$';

/** A zenlayer-vm reference provider whose every API answer (not the provider states') lacks `requestId`. */
const dropsRequestId = startWithHandler('zenlayer-vm', (forward) =>
  http.all('*', async ({ request }) => {
    if (isStatesRequest(request)) return undefined;
    return rewriteAnswer(await forward(request), (body) =>
      mapObjects(body, (o) => {
        const { requestId: _dropped, ...rest } = o;
        return rest;
      }),
    );
  }),
);

async function runInto(name: keyof typeof runs, args: readonly string[]): Promise<void> {
  const reportDir = join(dir, name);
  runs[name] = { run: await vmconform(['run', '--dialect', 'zenlayer-vm', '--grep', GREP, '--report-dir', reportDir, ...args]), dir: reportDir };
}

/** A zenlayer-vm reference provider whose first StopInstances answers 500. */
async function failsOnce(): Promise<RunningProvider> {
  const p = await startFailsOnce();
  failingOnce.push(p);
  return p;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vmconform-e2e-'));
  // STOPPING lasts 1 s: the wrongly stopped instance reads STOPPING right after the call in every run, so the
  // state-immediate fingerprint (its received word) is the same from run to run (with 50 ms it may read STOPPED).
  wrong = await wrongProvider('zenlayer-vm-stops-recycled').start({ transitionMs: 1000 });
  good = await startProviderServer({ dialect: 'zenlayer-vm', transitionMs: 50 });
  const [once, onceStrict] = [await failsOnce(), await failsOnce()];
  noRequestId = await dropsRequestId({ transitionMs: 50 });
  // Three phases, so that the runs bad -> good -> known start in that order (their history reads F P F).
  await Promise.all([runInto('bad', ['--target', wrong.url]), runInto('oneCause', ['--target', noRequestId.url, '--grep', NOT_RUNNING])]);
  const baseline = await cli(['baseline', join(dir, 'bad', 'results.json'), '--out', join(dir, 'baseline.json')]);
  expect(baseline.code, baseline.stderr).toBe(0);
  // The recorded baseline, plus a case that passes (it will be reported fixed).
  const recorded = JSON.parse(readFileSync(join(dir, 'baseline.json'), 'utf8')) as { schemaVersion: 2; known: { id: string; fingerprints?: string[] }[] };
  writeFileSync(join(dir, 'baseline-plus.json'), JSON.stringify({ ...recorded, known: [...recorded.known, { dialect: 'zenlayer-vm', id: 'stop.single', reason: 'was broken (OPS-9)' }] }));
  // The same baseline, but knowing state.RECYCLE.rejected for another reason than the one it fails with.
  const elsewhere = recorded.known.map((k) => (k.id === 'state.RECYCLE.rejected' ? { ...k, fingerprints: ['zenlayer-vm/state.RECYCLE.rejected/http-status/500'] } : k));
  writeFileSync(join(dir, 'baseline-other-reason.json'), JSON.stringify({ ...recorded, known: elsewhere }));
  await Promise.all([runInto('good', ['--target', good.url]), runInto('flaky', ['--target', once.url, '--grep', '^stop\\.single$', '--retries', '2'])]);
  await Promise.all([
    runInto('known', ['--target', wrong.url, '--baseline', join(dir, 'baseline-plus.json'), '--verbose']),
    runInto('strict', ['--target', onceStrict.url, '--grep', '^stop\\.single$', '--retries', '2', '--fail-on-flaky']),
    runInto('otherReason', ['--target', wrong.url, '--grep', '^state\\.(RECYCLE|mixed-recycled)\\.rejected$', '--baseline', join(dir, 'baseline-other-reason.json'), '--quiet']),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([wrong.close(), good.close(), noRequestId.close(), ...failingOnce.map((p) => p.close())]);
});

describe('one gate: exit code, results.json, console, JUnit', () => {
  it('a failing run exits 1, its two failures are new in results.json, the console and junit.xml', () => {
    const { run, dir: d } = runs.bad;
    expect(run.code, run.stderr).toBe(1);
    expect(casesOf(readDoc(d))).toEqual({
      'stop.single': 'passed/ok',
      'state.STOPPED.rejected': 'passed/ok',
      'state.RECYCLE.rejected': 'failed/new',
      'state.mixed-recycled.rejected': 'failed/new',
    });
    // One cause, two cases: one entry with both ids (RESTler's bug bucket); JUnit keeps one row per case.
    expect(run.stdout).toMatch(/FAIL 2 cases, (one cause|the same \d causes) \[MUST\]: state\.RECYCLE\.rejected, state\.mixed-recycled\.rejected\n/);
    const junit = readFileSync(join(d, 'junit.xml'), 'utf8');
    expect(junit.match(/<failure /g)).toHaveLength(2);
    expect(junit).toMatch(/one cause in 2 cases of this run \(zenlayer-vm\/\*\/[\w-]+\/\w+, rule [^)]+\): state\.RECYCLE\.rejected, state\.mixed-recycled\.rejected/);
  });

  it('prints the header when the run starts, before any result', () => {
    const out = runs.bad.run.stdout;
    expect(out.indexOf('vmconform 0.')).toBe(0);
    expect(out.indexOf('gate: level all, no baseline, retries 0')).toBeLessThan(out.indexOf('FAIL '));
  });

  it('`vmconform baseline` records every failure with a reason to edit and the fingerprints it failed with', () => {
    const b = JSON.parse(readFileSync(join(dir, 'baseline.json'), 'utf8')) as { schemaVersion: number; known: { dialect: string; id: string; reason: string; fingerprints: string[] }[] };
    const doc = readDoc(runs.bad.dir);
    const fingerprints = (id: string): string[] => [...new Set(doc.runs[0]?.cases.find((c) => c.id === id)?.findings.map((f) => f.fingerprint))].sort();
    expect(b.schemaVersion).toBe(2);
    expect(b.known).toEqual(BROKEN.map((id) => ({ dialect: 'zenlayer-vm', id, reason: `recorded from run ${doc.runId}`, fingerprints: fingerprints(id) })));
    expect(b.known.every((k) => k.fingerprints.length > 0 && k.fingerprints.every((f) => f.startsWith(`zenlayer-vm/${k.id}/`)))).toBe(true);
  });

  it('a known case failing with a fingerprint its entry does not list is a new failure: said so, exit 1, JUnit <failure>; --quiet prints it and the result alone', () => {
    const { run, dir: d } = runs.otherReason;
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toMatch(/^\nzenlayer-vm {2}http:\S+\n {2}FAIL state\.RECYCLE\.rejected \[MUST\]\n {4}known case failing for a different reason: zenlayer-vm\/state\.RECYCLE\.rejected\/[\w-]+\/\w+/);
    // --quiet: no header, no progress, no known failure, no reports line; the result line last.
    expect(run.stdout).not.toMatch(/vmconform 0\.|mixed-recycled|reports: /);
    expect(run.stdout.endsWith('\nRESULT: FAILED (1 failure(s) beyond the baseline)\n')).toBe(true);
    expect(readDoc(d).runs[0]?.cases.find((x) => x.id === 'state.mixed-recycled.rejected')?.gate).toBe('known');
    const c = readDoc(d).runs[0]?.cases.find((x) => x.id === 'state.RECYCLE.rejected');
    expect([c?.gate, c?.failsRun]).toEqual(['new', true]);
    expect(c?.gateReason).toMatch(/^known case failing for a different reason: .* \(the baseline lists zenlayer-vm\/state\.RECYCLE\.rejected\/http-status\/500\)$/);
    expect(readFileSync(join(d, 'junit.xml'), 'utf8').match(/<failure /g)).toHaveLength(1);
    expect(readFileSync(join(d, 'summary.md'), 'utf8')).toContain('**gate:** known case failing for a different reason');
  });

  it('with a baseline that covers every failure: exit 0, junit.xml has zero <failure>, known failures are <skipped> with the reason', () => {
    const { run, dir: d } = runs.known;
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/RESULT: PASSED/);
    // --verbose: every known failure in full, with its reason and findings.
    expect(run.stdout).toMatch(/FAIL state\.RECYCLE\.rejected \[MUST\] \(known, in baseline\)\n {4}known failure \(baseline\): recorded from run \w+\n {4}doc: /);
    const junit = readFileSync(join(d, 'junit.xml'), 'utf8');
    expect(junit).not.toMatch(/<failure/);
    expect(junit.match(/<skipped message="known failure \(baseline\): recorded from run [0-9a-f]+"/g)).toHaveLength(2);
    expect(casesOf(readDoc(d))['state.RECYCLE.rejected']).toBe('failed/known');
    expect(readFileSync(join(d, 'summary.md'), 'utf8')).toContain('<details><summary>Known failures (baseline) (2)</summary>');
  });

  it('a baseline entry whose case passes is fixed: reported, not failing', () => {
    const { run, dir: d } = runs.known;
    expect(casesOf(readDoc(d))['stop.single']).toBe('passed/fixed');
    expect(run.stdout).toContain('fixed: remove from baseline: zenlayer-vm stop.single (was broken (OPS-9))');
    const junit = readFileSync(join(d, 'junit.xml'), 'utf8');
    const single = junit.slice(junit.indexOf('name="stop.single"'), junit.indexOf('</testcase>', junit.indexOf('name="stop.single"')));
    expect(single).toContain('<property name="gate" value="fixed"/>');
    expect(single).not.toMatch(/<failure|<skipped/);
  });

  it('--retries: a case that fails once then passes is flaky, passes the gate, and fails it with --fail-on-flaky', () => {
    const flaky = runs.flaky;
    expect(flaky.run.code, flaky.run.stdout).toBe(0);
    const doc = readDoc(flaky.dir);
    const c = doc.runs[0]?.cases[0];
    expect([c?.status, c?.gate, c?.failsRun, c?.previousAttempts?.length]).toEqual(['passed', 'flaky', false, 1]);
    expect(doc.gate.retries).toBe(2);
    expect(flaky.run.stdout).toMatch(/FLAKY stop\.single \[MUST\] flaky: failed 1 time\(s\), passed on attempt 2/);
    expect(readFileSync(join(flaky.dir, 'junit.xml'), 'utf8')).toMatch(/<flakyFailure message="\[not-server-error\] expected no 5xx, received HTTP 500/);
    const strict = runs.strict;
    expect(strict.run.code, strict.run.stdout).toBe(1);
    expect(readDoc(strict.dir).runs[0]?.cases[0]?.failsRun).toBe(true);
    expect(readFileSync(join(strict.dir, 'junit.xml'), 'utf8').match(/<failure /g)).toHaveLength(1);
  });
});

describe('quiet where it is noise', () => {
  it('nine cases failing for one cause (no request id): the console names the cause once, in under 3 KB; junit.xml under 20 KB', () => {
    // Before this grouping (main at 9383430): 16.9 KB of console and 33 KB of junit.xml for this run.
    const { run, dir: d } = runs.oneCause;
    expect(run.code, run.stderr).toBe(1);
    const doc = readDoc(d);
    expect(doc.runs[0]?.summary).toMatchObject({ total: 9, failed: 9 });
    expect(run.stdout).toMatch(/FAIL 9 cases, the same 2 causes \[MUST\]: state\.PENDING\.rejected, /);
    expect(run.stdout.match(/curl -sS/g)).toHaveLength(1);
    expect(Buffer.byteLength(run.stdout)).toBeLessThan(3 * 1024);
    const junit = readFileSync(join(d, 'junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)).toHaveLength(9);
    expect(junit.match(/curl -sS/g)).toHaveLength(1);
    expect(Buffer.byteLength(junit)).toBeLessThan(20 * 1024);
    // --quiet says less still; --verbose says everything, each case alone (as before the grouping).
    expect(Buffer.byteLength(formatSummary(doc, undefined, 'quiet'))).toBeLessThan(2 * 1024);
    const verbose = formatSummary(doc, undefined, 'verbose');
    expect(verbose.match(/^ {2}FAIL state\./gm)).toHaveLength(9);
    expect(verbose.match(/curl -sS/g)).toHaveLength(9);
  });
});

describe('vmconform compare', () => {
  it('names the broken cases between two real runs and exits 1; the fixed ones the other way round, exit 0', async () => {
    const broke = await cli(['compare', join(runs.good.dir, 'results.json'), join(runs.bad.dir, 'results.json'), '--md', join(dir, 'compare.md')]);
    const fixed = await cli(['compare', join(runs.bad.dir, 'results.json'), join(runs.good.dir, 'results.json')]);
    expect(broke.code, broke.stderr).toBe(1);
    expect(broke.stdout).toMatch(/zenlayer-vm: run \w+ \(.+\) -> run \w+/);
    expect(broke.stdout).toMatch(/ {2}broken \(2\):\n {4}state\.RECYCLE\.rejected \[MUST\] passed -> failed: \[/);
    expect(broke.stdout).toContain('2 broken, 0 no longer run, 0 fixed, 0 new, 0 removed, 0 still failing');
    expect(readFileSync(join(dir, 'compare.md'), 'utf8')).toContain('| broken | `state.RECYCLE.rejected` | MUST | passed | failed |');
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toMatch(/ {2}fixed \(2\):\n {4}state\.RECYCLE\.rejected \[MUST\] failed -> passed/);
  });

  it('over a directory of runs prints each case\'s history, newest last, and marks flipping cases', async () => {
    const history = join(dir, 'history');
    for (const name of ['bad', 'good', 'known'] as const) {
      mkdirSync(join(history, name), { recursive: true });
      cpSync(join(runs[name].dir, 'results.json'), join(history, name, 'results.json'));
    }
    const r = await cli(['compare', history]);
    expect(r.code).toBe(1); // good -> known broke them again
    expect(r.stdout).toMatch(/history over 3 runs, oldest first .*: 2 case\(s\) passed in every run/);
    expect(r.stdout).toContain('    F P F  state.RECYCLE.rejected  flipping');
    expect(r.stdout).toMatch(/, 2 flipping\n/);
  });

  it('refuses what it cannot read, with exit 2 and a clear message', async () => {
    const old = join(dir, 'old-results.json');
    const doc = readDoc(runs.bad.dir) as unknown as Record<string, unknown>;
    writeFileSync(old, JSON.stringify({ ...doc, schemaVersion: undefined }));
    const r = await cli(['compare', old, join(runs.good.dir, 'results.json')]);
    const asBaseline = await cli(['run', '--dialect', 'zenlayer-vm', '--target', good.url, '--baseline', join(runs.bad.dir, 'results.json')]);
    const one = await cli(['compare', join(runs.bad.dir, 'results.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${old} is not a results.json this vmconform can read: it has no schemaVersion`);
    expect(asBaseline.code).toBe(2);
    expect(asBaseline.stderr).toMatch(/is not a baseline: it is a results\.json; record a baseline from it with `vmconform baseline RESULTS/);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/compare needs two runs or more/);
  });
});

describe('vmconform report: a merged view of several runs', () => {
  it('merges the results.json below a directory into one summary.md and report.html', async () => {
    const matrix = join(dir, 'matrix');
    const out = join(dir, 'merged');
    for (const name of ['bad', 'good'] as const) cpSync(runs[name].dir, join(matrix, name), { recursive: true });
    const r = await cli(['report', matrix, '--report-dir', out]);
    const bad = await cli(['report', join(dir, 'nothing-here')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/merged 2 results\.json \(2 target run\(s\)\)/);
    expect(readdirSync(out).sort()).toEqual(['report.html', 'summary.md']);
    const md = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(md).toContain(`| zenlayer-vm (${wrong.url}) | ${wrong.url} | 4 | 2 | 2 |`);
    expect(md).toContain(`| zenlayer-vm (${good.url}) | ${good.url} | 4 | 4 | 0 |`);
    expect(md.startsWith('## vmconform: ❌ FAILED')).toBe(true);
    expect(bad.code).toBe(2);
  });
});

describe('exchanges.har', () => {
  it('is HAR 1.2 by a third-party validator, holds every recorded request, names case and step, and no secret', async () => {
    const har = JSON.parse(readFileSync(join(runs.bad.dir, 'exchanges.har'), 'utf8')) as {
      log: { entries: { _vmconform: { case: string; step: unknown; role: string; attempt: number }; request: { url: string }; response: { status: number } }[]; pages: { id: string }[] };
    };
    await expect(validateHar(har)).resolves.toBe(har);
    const doc = readDoc(runs.bad.dir);
    const recorded = doc.runs.flatMap((r) => r.cases.flatMap((c) => c.exchanges));
    expect(har.log.entries).toHaveLength(recorded.length);
    expect(har.log.pages.map((p) => p.id)).toEqual(doc.runs[0]?.cases.map((c) => `zenlayer-vm ${c.id}`));
    const single = har.log.entries.filter((e) => e._vmconform.case === 'stop.single').map((e) => `${String(e._vmconform.step)}:${e._vmconform.role}`);
    expect(single[0]).toBe('setup:provider-state');
    expect(single[1]).toBe('1:call');
    expect(single.at(-1)).toBe('teardown:provider-state');
    const flakyHar = JSON.parse(readFileSync(join(runs.flaky.dir, 'exchanges.har'), 'utf8')) as typeof har;
    await expect(validateHar(flakyHar)).resolves.toBe(flakyHar);
    expect(new Set(flakyHar.log.entries.map((e) => e._vmconform.attempt))).toEqual(new Set([1, 2]));
    expect(flakyHar.log.entries.find((e) => e._vmconform.attempt === 1 && e._vmconform.role === 'call')?.response.status).toBe(500);
  });

  it('a broken HAR is refused by the same validator (the check can fail)', async () => {
    const har = JSON.parse(readFileSync(join(runs.bad.dir, 'exchanges.har'), 'utf8')) as { log: { entries: Record<string, unknown>[] } };
    delete har.log.entries[0]?.['request'];
    await expect(validateHar(har)).rejects.toMatchObject({
      name: 'HARError',
      errors: expect.arrayContaining([expect.objectContaining({ params: { missingProperty: 'request' } })]),
    });
  });

  it('no report file of any run holds the credentials\' secret (signatures stay)', () => {
    for (const name of Object.keys(runs) as (keyof typeof runs)[]) {
      for (const file of readdirSync(runs[name].dir)) {
        const text = readFileSync(join(runs[name].dir, file), 'utf8');
        expect(text, `${name}/${file}`).not.toContain(SECRET);
      }
    }
    expect(readFileSync(join(runs.bad.dir, 'exchanges.har'), 'utf8').includes('ZC2-HMAC-SHA256 Credential=AKIDe2ereports, SignedHeaders=content-type;host, Signature=')).toBe(true);
  });
});

describe('the command line', () => {
  it('--quiet and --verbose exclude each other (exit 2)', async () => {
    for (const command of [['run', '--dialect', 'zenlayer-vm', '--target', good.url], ['conformance']]) {
      const r = await cli([...command, '--quiet', '--verbose']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/option '--quiet' cannot be used with option '--verbose'/);
    }
  });

  it('--version prints the version', async () => {
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe((JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version);
  });

  it('Ctrl-C: the case in flight finishes and tears down, no other starts, partial reports are written, exit 130', async () => {
    const reportDir = join(dir, 'interrupted');
    const child = spawn(process.execPath, [BIN, 'run', '--dialect', 'zenlayer-vm', '--target', good.url, '--concurrency', '1', '--report-dir', reportDir], { env: { ...process.env, ...ENV } });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    // Interrupt while a case is in flight (it has seeded its instances on the provider), after the preflight (whose
    // own setup seeds one too): the header prints when the cases start.
    await new Promise<void>((resolve) => {
      const wait = setInterval(() => {
        if (/ gate: /.test(stdout) && (good.provider?.store.size ?? 0) > 0) {
          clearInterval(wait);
          resolve();
        }
      }, 5);
    });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(stdout).toMatch(/RESULT: INTERRUPTED/);
    const doc = readDoc(reportDir);
    expect(doc.interrupted).toBe(true);
    const cases = doc.runs[0]?.cases ?? [];
    const done = cases.filter((c) => c.status !== 'skipped');
    expect(done.length).toBeGreaterThan(0);
    expect(done.length).toBeLessThan(5);
    expect(done.every((c) => c.status === 'passed')).toBe(true);
    expect(cases.filter((c) => c.status === 'skipped').every((c) => c.message === 'not run: the run was interrupted' && c.exchanges.length === 0)).toBe(true);
    // Every case that ran tore its instances down.
    expect(done.every((c) => c.exchanges.at(-1)?.step === 'teardown' || c.exchanges.length === 0)).toBe(true);
    expect(good.provider?.store.size).toBe(0);
    // Every report says interrupted, none says passed: JUnit carries an <error> per run, so no reader shows it green.
    const junit = readFileSync(join(reportDir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testcase classname="vmconform\.zenlayer-vm" name="run interrupted" time="0">\s*<error message="the run was interrupted \(exit 130\): \d+ case\(s\) not run or skipped" type="vmconform\.interrupted"/);
    expect(junit).toMatch(/<testsuites name="vmconform" tests="\d+" failures="0" errors="1"/);
    expect(readFileSync(join(reportDir, 'summary.md'), 'utf8')).toMatch(/^## vmconform: ⚠️ INTERRUPTED/m);
    const html = readFileSync(join(reportDir, 'report.html'), 'utf8');
    expect(html).toContain('<title>vmconform INTERRUPTED: zenlayer-vm</title>');
    expect(html).toContain('"verdict":"interrupted"'); // the page's badge reads it (report.js)
  });
});
