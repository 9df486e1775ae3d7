/**
 * The steps a repro script takes judge as the engine does: each row below runs once through `runCase` and once
 * through `repro-step` (in this process, each request sent by real curl with the script's arguments, over real HTTP
 * on loopback), against the reference provider and against wrong providers; the repro names the engine's verdict
 * (the same fingerprints, or a pass). Polling, paging over 101 instances, a SuccessFirst answer per instance, bursts
 * sent at once, a failed setup, the id map of a target that picks its own ids, and the steps' files are covered.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { casesFor } from '../cases/index.ts';
import type { CaseRow } from '../cases/types.ts';
import type { DialectName } from '../dialects/types.ts';
import { defaultStatesUrl } from '../engine/defaults.ts';
import { WindowPacer } from '../engine/pacer.ts';
import { newRunId, runCase } from '../engine/run-case.ts';
import { startProviderServer, type RunningProvider } from '../provider/server.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { renamingProvider } from '../testing/renaming-provider.ts';
import { wrongProvider } from '../wrong-providers/index.ts';
import { ANSWER_ERR, ANSWER_OUT, readCurlAnswers, REQUEST_FILE, writeCurlRequests } from './curl-files.ts';
import { reproSteps } from './plan.ts';
import { CURL_SEND_ARGS } from './script.ts';
import type { ReproRun } from './select.ts';
import { reproStep, STEP_AGAIN, STEP_SEND } from './step.ts';

const TRANSITION_MS = 150;
const POLL_TIMEOUT_MS = 3_000;

function rowOf(dialect: DialectName, id: string): CaseRow {
  const row = casesFor(dialect).find((r) => r.id === id);
  if (!row) throw new Error(`no case ${id} of ${dialect}`);
  return row;
}

/** Send the requests of a step as the script does: curl with its config and arguments, the output in the folder. */
function send(dir: string): Promise<void> {
  return new Promise((resolve) => {
    execFile('curl', ['--config', join(dir, REQUEST_FILE), ...CURL_SEND_ARGS], { timeout: 30_000 }, (_err, stdout, stderr) => {
      writeFileSync(join(dir, ANSWER_OUT), stdout);
      writeFileSync(join(dir, ANSWER_ERR), stderr);
      resolve();
    });
  });
}

/** The script's loop, here: each step (judge the answers before, write its requests, curl sends them), then `end`. */
async function script(row: CaseRow, run: ReproRun, recorded: { status: 'passed' | 'failed'; fingerprints: string[] }): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'vmconform-repro-step-'));
  const lines: string[] = [];
  const input = { dir, row, run, credentials: TEST_CREDENTIALS, print: (l: string) => void lines.push(l) };
  try {
    for (const step of reproSteps(row, { noStates: run.noStates === true }).filter((s) => s.kind !== 'case')) {
      for (;;) {
        const code = await reproStep({ ...input, phase: step.phase });
        if (code === STEP_SEND || code === STEP_AGAIN) await send(dir);
        if (code !== STEP_AGAIN) break;
      }
    }
    const code = await reproStep({ ...input, phase: 'end', recorded });
    return { code, output: lines.join('\n') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The row through the engine, then through the script's steps; both against `target`. */
async function both(row: CaseRow, target: string, statesUrl = defaultStatesUrl(target)): Promise<{ fingerprints: string[]; code: number; output: string }> {
  const run: ReproRun = { dialect: row.dialect, target, statesUrl, pollTimeoutMs: POLL_TIMEOUT_MS, requestTimeoutMs: 10_000 };
  const result = await runCase(row, { ...run, credentials: TEST_CREDENTIALS, runId: newRunId(), pacer: new WindowPacer() });
  const fingerprints = result.findings.map((f) => f.fingerprint);
  const repro = await script(row, run, { status: result.status === 'failed' ? 'failed' : 'passed', fingerprints });
  return { fingerprints, ...repro };
}

describe('repro-step judges as the engine does', () => {
  const providers: RunningProvider[] = [];
  const start = async (p: Promise<RunningProvider>): Promise<string> => {
    const running = await p;
    providers.push(running);
    return running.url;
  };
  const urls = new Map<string, string>();
  beforeAll(async () => {
    const reference = (dialect: DialectName): Promise<RunningProvider> => startProviderServer({ dialect, port: 0, host: '127.0.0.1', transitionMs: TRANSITION_MS });
    const entries = await Promise.all([
      ...(['zenlayer-vm', 'aliyun-ecs', 'tencent-cvm-api3'] as const).map(async (d) => [d, await start(reference(d))] as const),
      ...(['api2-wrong-not-stoppable-code', 'zenlayer-vm-stops-recycled', 'aliyun-success-first-as-all-together'] as const).map(async (w) => [w, await start(wrongProvider(w).start({ transitionMs: TRANSITION_MS }))] as const),
      ['renaming', await start(renamingProvider('zenlayer-vm')({ transitionMs: TRANSITION_MS }))] as const,
    ]);
    for (const [k, v] of entries) urls.set(k, v);
  });
  afterAll(async () => {
    await Promise.all(providers.map((p) => p.close()));
  });
  const url = (key: string): string => urls.get(key) as string;

  it.concurrent.for([
    // A stop, read at once, polled until STOPPED; a client error over 101 instances read in pages of 20; a SuccessFirst
    // answer judged per instance; 25 requests at once, some refused.
    ['zenlayer-vm', 'zenlayer-vm', 'stop.single'],
    ['zenlayer-vm', 'zenlayer-vm', 'ids.limit.101-rejected'],
    ['aliyun-ecs', 'aliyun-ecs', 'aliyun.success-first.mixed'],
    ['tencent-cvm-api3', 'tencent-cvm-api3', 'rate.burst-25.refused'],
    ['renaming', 'zenlayer-vm', 'stop.batch.2'],
  ] as const)('%s: %s %s passes both ways', async ([key, dialect, id]) => {
    const r = await both(rowOf(dialect, id), url(key));
    expect(r.fingerprints, r.output).toEqual([]);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('RESULT: PASSED');
    expect(r.output).toContain('it passes now too');
  });

  it.concurrent.for([
    // A wrong error code; an instance stopped that must not be (its state and the answer); a batch failed as a whole
    // where each instance has its own result. (A burst none of whose requests is refused is judged only when it fits
    // the rate window: on a loaded machine the engine may rightly call it inconclusive, so it is not here.)
    ['api2-wrong-not-stoppable-code', 'tencent-cvm-api2', 'state.STOPPED.rejected', 'error-code'],
    ['zenlayer-vm-stops-recycled', 'zenlayer-vm', 'state.RECYCLE.rejected', 'state-immediate'],
    ['aliyun-success-first-as-all-together', 'aliyun-ecs', 'aliyun.success-first.mixed', 'result-kind'],
  ] as const)('%s: %s %s fails both ways, for the same reasons', async ([key, dialect, id, check]) => {
    const r = await both(rowOf(dialect, id), url(key));
    expect(r.fingerprints.some((f) => f.includes(`/${check}/`)), r.fingerprints.join(', ')).toBe(true);
    expect(r.code, r.output).toBe(1);
    expect(r.output).toContain('RESULT: FAILED');
    expect(r.output).toMatch(new RegExp(`FAILED +\\[${check}\\]`));
    expect(r.output).toContain('reproduced: the same fingerprints as the run');
  });

  it('a provider-state endpoint that does not answer fails the setup, sends no step and still tears down', async () => {
    const r = await both(rowOf('zenlayer-vm', 'stop.single'), url('zenlayer-vm'), 'http://127.0.0.1:1/_vmconform/provider-states');
    expect(r.fingerprints).toEqual(['zenlayer-vm/stop.single/provider-state/setup-no-answer', 'zenlayer-vm/stop.single/provider-state/teardown-no-answer']);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/not judged \[transport-ok\]/);
    expect(r.output).toContain('reproduced: the same fingerprints as the run');
  });
});

describe('the curl files', () => {
  it('send exactly the request (no content type of curl own), and read an answer, a missing one and a cut-off body', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmconform-curl-files-'));
    try {
      writeCurlRequests(dir, [{ method: 'POST', url: 'http://127.0.0.1:9/x?a="b"', headers: { 'x-a': 'v "q" \\' }, body: '{}' }], 2_500);
      const config = readFileSync(join(dir, REQUEST_FILE), 'utf8');
      expect(config).toContain('url = "http://127.0.0.1:9/x?a=\\"b\\""');
      expect(config).toContain('header = "x-a: v \\"q\\" \\\\"');
      expect(config).toContain('header = "Content-Type:"');
      expect(config).toContain('max-time = 2.500');
      writeFileSync(join(dir, 'answer.0.head'), 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 403 Forbidden\r\nX-A: 1\r\nx-a: 2\r\n\r\n');
      writeFileSync(join(dir, 'answer.0.body'), '{"code":"X"}');
      writeFileSync(join(dir, ANSWER_OUT), '0 403 0.012 0 \n1 000 0.001 7 Failed to connect\n');
      const [ok, none] = readCurlAnswers(dir, 2);
      expect(ok?.response).toEqual({ status: 403, headers: { 'x-a': '1, 2' }, bodyText: '{"code":"X"}' });
      expect(ok?.durationMs).toBe(12);
      expect(none).toMatchObject({ response: undefined, transportError: 'curl: (7) Failed to connect' });
      writeFileSync(join(dir, ANSWER_OUT), '0 200 0.5 63 Maximum file size exceeded\n');
      expect(readCurlAnswers(dir, 1)[0]?.transportError).toBe('response body exceeds 1048576 bytes');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
