/**
 * `vmconform repro` through the real command line, over real HTTP on loopback: a case run against a wrong provider
 * fails and writes results.json, whose every report shows the repro and rerun lines; the printed script, run with
 * `sh`, reproduces the failure (exit 1, the failing expectation named) and passes against the reference provider
 * (exit 0, `--target`); `--exec` likewise; `--json` names every step; usage errors exit 2 and say why.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderServer, type RunningProvider } from '../provider/server.ts';
import { runCli, runCliInProcess, type CliRun } from '../testing/cli.ts';
import { wrongProvider } from '../wrong-providers/index.ts';

const DIALECT = 'tencent-cvm-api2';
const CASE = 'state.STOPPED.rejected';

/** Run a script with sh (its own process group of curl and node calls), as a user does. */
function sh(script: string, env: Readonly<Record<string, string>> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile('sh', [script], { timeout: 120_000, env: { ...process.env, NO_COLOR: '1', ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

let wrong: RunningProvider;
let reference: RunningProvider;
let dir: string;
let results: string;

beforeAll(async () => {
  [wrong, reference] = await Promise.all([
    wrongProvider('api2-wrong-not-stoppable-code').start({ transitionMs: 100 }),
    startProviderServer({ dialect: DIALECT, port: 0, host: '127.0.0.1', transitionMs: 100 }),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'vmconform-repro-'));
  results = join(dir, 'reports', 'results.json');
});
afterAll(async () => {
  await Promise.all([wrong.close(), reference.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('vmconform repro', () => {
  it('a failed run records its options and shows, once per case, the repro and the --grep rerun line in every report', async () => {
    const r = await runCli(['run', '--dialect', DIALECT, '--target', wrong.url, '--grep', `^${CASE.replace(/\./g, '\\.')}$`, '--report-dir', join(dir, 'reports'), '--poll-timeout', '2000']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const repro = `repro: npx vmconform repro ${results} ${CASE} --dialect ${DIALECT}`;
    const rerun = `rerun: npx vmconform run --dialect ${DIALECT} --target ${wrong.url} --grep '^state\\.STOPPED\\.rejected$'`;
    for (const line of [repro, rerun]) expect(r.stdout.split(line)).toHaveLength(2);
    const doc = JSON.parse(readFileSync(results, 'utf8')) as { runs: Record<string, unknown>[] };
    expect(doc.runs[0]).toMatchObject({ statesUrl: `${wrong.url}/_vmconform/provider-states`, pollTimeoutMs: 2000, requestTimeoutMs: 10_000 });
    for (const file of ['summary.txt', 'summary.md', 'junit.xml', 'report.html']) {
      const text = readFileSync(join(dir, 'reports', file), 'utf8');
      expect(text, file).toContain(`npx vmconform repro ${results} ${CASE} --dialect ${DIALECT}`);
      // report.html carries it in JSON, its backslashes doubled.
      const grep = "--grep '^state\\.STOPPED\\.rejected$'";
      expect(text, file).toContain(file === 'report.html' ? grep.replace(/\\/g, '\\\\') : grep);
    }
  }, 120_000);

  it('reproduces the failure with the printed script and with --exec, and passes against the reference provider', async () => {
    // Printing a script reads files only: in this process.
    const scripts = [await runCliInProcess(['repro', results, CASE]), await runCliInProcess(['repro', results, CASE, '--shell', '--target', reference.url])];
    for (const s of scripts) expect(s.code, s.stderr).toBe(0);
    const [failing, passing] = scripts.map((s, i) => {
      const file = join(dir, `repro-${i}.sh`);
      writeFileSync(file, s.stdout);
      return file;
    }) as [string, string];
    const [againstWrong, againstReference, execWrong, execReference, broken] = await Promise.all([
      sh(failing),
      sh(passing),
      runCli(['repro', results, CASE, '--exec']),
      runCli(['repro', results, CASE, '--exec', '--target', reference.url]),
      // vmconform itself failing where the script calls it: exit 3, never a verdict.
      sh(failing, { VMCONFORM: 'false' }),
    ]);
    for (const [run, code] of [[againstWrong, 1], [execWrong, 1]] as const) {
      expect(run.code, run.stdout + run.stderr).toBe(code);
      expect(run.stdout).toMatch(/^ {3}FAILED +\[error-code\] error code InvalidInstance\.NotSupported/m);
      expect(run.stdout).toMatch(/received InvalidParameterValue/);
      expect(run.stdout).toMatch(/^ {3}held +\[state-immediate\] unchanged: a STOPPED/m);
      expect(run.stdout).toContain('reproduced: the same fingerprints as the run (tencent-cvm-api2/state.STOPPED.rejected/error-code/InvalidParameterValue)');
      // Every step of the case: the setup, the call, the status read, the teardown, each request as a curl line.
      for (const step of ['== setup: seed a=STOPPED', '== step 1: StopInstances, ids [a]', '== the statuses right after step 1', '== teardown:']) expect(run.stdout).toContain(step);
      expect(run.stdout.match(/^ {3}curl -sS /gm)).toHaveLength(4);
    }
    for (const run of [againstReference, execReference]) {
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toContain(`against ${reference.url}`);
      expect(run.stdout).toMatch(/RESULT: PASSED: (\d+) of \1 expectations held/);
    }
    expect(broken.code, broken.stdout + broken.stderr).toBe(3);
  }, 120_000);

  it('--json prints every step with its expectations', async () => {
    const r = await runCliInProcess(['repro', results, CASE, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { case: { id: string }; run: { target: string }; from: { recorded: { status: string } }; steps: { phase: string; expectations: { check: string; source: string }[] }[] };
    expect(doc.case.id).toBe(CASE);
    expect(doc.run.target).toBe(wrong.url);
    expect(doc.from.recorded.status).toBe('failed');
    expect(doc.steps.map((s) => s.phase)).toEqual(['setup', 'call:1', 'read:1', 'case', 'teardown']);
    expect(doc.steps.find((s) => s.phase === 'call:1')?.expectations.map((e) => e.check)).toContain('error-code');
    for (const s of doc.steps) for (const e of s.expectations) expect(e.source, `${s.phase} ${e.check}`).toMatch(/\d{3}_[0-9a-f]{16}\.txt:\d|DESIGN\.md §\d/);
  });

  it('usage errors exit 2 and say why; repro-step is not in --help', async () => {
    const twoRuns = join(dir, 'two-runs.json');
    const doc = JSON.parse(readFileSync(results, 'utf8')) as { runs: { dialect: string; cases: { id: string }[] }[] };
    const [run] = doc.runs as [(typeof doc.runs)[number]];
    writeFileSync(twoRuns, JSON.stringify({ ...doc, runs: [run, { ...run, dialect: 'tencent-cvm-api3' }] }));
    const gone = join(dir, 'gone.json');
    writeFileSync(gone, JSON.stringify({ ...doc, runs: [{ ...run, cases: run.cases.map((c) => ({ ...c, id: 'state.GONE.rejected' })) }] }));
    const cases: [readonly string[], RegExp][] = [
      [['repro', twoRuns, CASE], /is in 2 runs of .*two-runs\.json: choose one with --dialect \(tencent-cvm-api2, tencent-cvm-api3\)/],
      [['repro', results, 'no.such.case'], /no case "no\.such\.case" in .*results\.json/],
      [['repro', join(dir, 'missing.json'), CASE], /cannot read results\.json .*missing\.json/],
      [['repro', gone, 'state.GONE.rejected'], /"state\.GONE\.rejected" of tencent-cvm-api2 is not in the catalog of this vmconform/],
      [['repro', results, CASE, '--target', 'http://192.0.2.1:8080'], /refusing to send requests to --target http:\/\/192\.0\.2\.1:8080.*--allow-remote/],
      [['repro', results, CASE, '--exec', '--json'], /cannot be used with option '--json'/],
    ];
    for (const [args, says] of cases) {
      const r = await runCliInProcess(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(says);
    }
    const ok = await runCliInProcess(['repro', twoRuns, CASE, '--dialect', 'tencent-cvm-api3', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    const help = await runCliInProcess(['--help']);
    expect(help.stdout).toMatch(/^ {2}repro \[options\] <results> <case>/m);
    expect(help.stdout).not.toContain('repro-step');
  });
});
