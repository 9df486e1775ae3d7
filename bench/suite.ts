/**
 * The suite's own cost next to the requests it sends, and `npm run conformance` next to the time its pacing forces.
 *
 * Suite vs raw undici: per dialect, `vmconform run` (a child process, as a user runs it) against a reference provider
 * in this process (fast path, signatures checked, api3 rate limit on, STOPPING -> STOPPED at once so the suite never
 * waits on the provider). The provider records every exchange (`onExchange`); the suite's window is its first
 * answer to its last. Then a raw undici loop sends the same recorded requests, one after another, to a fresh provider
 * (rate limit off: the loop does not pace; warmed up, fastest of three passes) and the two times per exchange are
 * compared. Process start-up of the CLI is reported apart (the wall time of the command).
 *
 * Conformance vs floor: `vmconform conformance` wall time next to what the api3 pacing alone forces: its paced
 * StopInstances requests at the pacer's rate, plus the quiet time around each burst.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { casesFor } from '../src/cases/index.ts';
import { getDialect } from '../src/dialects/index.ts';
import type { DialectName } from '../src/dialects/types.ts';
import { DEFAULT_BURST_COOLDOWN_MS, DEFAULT_PACED_PER_WINDOW, DEFAULT_PACER_WINDOW_MS } from '../src/engine/pacer.ts';
import { isPacedCall } from '../src/engine/run-case.ts';
import type { ProviderRequest } from '../src/provider/exchange.ts';
import { startProviderServer } from '../src/provider/server.ts';
import { TEST_CREDENTIALS } from '../src/signing/credentials.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** One recorded request, replayable. */
interface Recorded {
  readonly method: string;
  /** Path and query. */
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** One dialect's suite numbers. */
export interface SuiteRow {
  readonly dialect: DialectName;
  readonly exchanges: number;
  /** First answer to last answer of the suite run, ms. */
  readonly suiteWindowMs: number;
  /** Wall time of the `vmconform run` command, ms (includes process start-up and reports). */
  readonly commandMs: number;
  /** The raw undici loop over the same requests, ms. */
  readonly rawMs: number;
  /** (suite window / exchanges) ÷ (raw time / requests). */
  readonly ratio: number;
  readonly exitCode: number | null;
}

/** `npm run conformance` numbers. */
export interface ConformanceResult {
  readonly wallMs: number;
  readonly floorMs: number;
  readonly pacedStops: number;
  readonly bursts: number;
  readonly exitCode: number | null;
}

/** Run a command of the CLI; resolves with its wall time and exit code (output discarded unless it fails). */
async function runCli(args: readonly string[]): Promise<{ ms: number; code: number | null; output: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin/vmconform.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { ms: performance.now() - started, code, output };
}

function record(request: ProviderRequest): Recorded {
  const url = typeof request.url === 'string' ? new URL(request.url) : request.url;
  const body = request.body === 'too-large' ? Buffer.alloc(0) : Buffer.from(request.body);
  return { method: request.method, target: url.pathname + url.search, headers: { ...request.headers }, body };
}

/**
 * Send every recorded request in order, one at a time, to a fresh provider: once to warm up, then three timed passes
 * (the provider-state setups in the recording reset the instances, so every pass sees the same states). Resolves
 * with the fastest timed pass in ms: the floor, least disturbed by other work on the machine.
 */
async function replay(dialect: DialectName, recorded: readonly Recorded[]): Promise<number> {
  const target = await startProviderServer({ dialect, transitionMs: 0, verifySignatures: TEST_CREDENTIALS, rateLimitPerSecond: false });
  const agent = new Agent({ connections: 1 });
  const pass = async (): Promise<number> => {
    const started = performance.now();
    for (const r of recorded) {
      const res = await request(`${target.url}${r.target}`, {
        method: r.method as 'GET',
        headers: r.headers,
        body: r.body.length > 0 ? r.body : null,
        dispatcher: agent,
      });
      await res.body.arrayBuffer();
    }
    return performance.now() - started;
  };
  try {
    await pass();
    const timed = [await pass(), await pass(), await pass()];
    return Math.min(...timed);
  } finally {
    await agent.close();
    await target.close();
  }
}

/**
 * Measure the suite for each dialect.
 *
 * @example
 * const rows = await measureSuite(['zenlayer-vm'], console.error);
 */
export async function measureSuite(dialects: readonly DialectName[], progress: (line: string) => void): Promise<SuiteRow[]> {
  const rows: SuiteRow[] = [];
  for (const dialect of dialects) {
    progress(`suite: vmconform run --dialect ${dialect}`);
    const recorded: Recorded[] = [];
    const times: number[] = [];
    const provider = await startProviderServer({
      dialect,
      transitionMs: 0,
      verifySignatures: TEST_CREDENTIALS,
      onExchange: (req) => {
        recorded.push(record(req));
        times.push(performance.now());
      },
    });
    const reportDir = mkdtempSync(join(tmpdir(), 'vmconform-bench-'));
    let run: Awaited<ReturnType<typeof runCli>>;
    try {
      run = await runCli(['run', '--dialect', dialect, '--target', provider.url, '--report-dir', reportDir]);
    } finally {
      await provider.close();
      rmSync(reportDir, { recursive: true, force: true });
    }
    if (run.code !== 0) progress(`suite: vmconform run --dialect ${dialect} exited ${String(run.code)}:\n${run.output}`);
    const windowMs = (times.at(-1) ?? 0) - (times[0] ?? 0);
    const rawMs = await replay(dialect, recorded);
    rows.push({
      dialect,
      exchanges: recorded.length,
      suiteWindowMs: windowMs,
      commandMs: run.ms,
      rawMs,
      ratio: windowMs / recorded.length / (rawMs / recorded.length),
      exitCode: run.code,
    });
  }
  return rows;
}

/** The api3 requests the pacing spaces out: paced StopInstances calls and bursts of the catalog. */
function pacedWork(): { pacedStops: number; bursts: number } {
  let pacedStops = 0;
  let bursts = 0;
  for (const row of casesFor('tencent-cvm-api3')) {
    for (const step of row.steps) {
      if (step.kind === 'burst') bursts += 1;
      else if (isPacedCall(getDialect(row.dialect), { ...step.call, instanceIds: [] })) pacedStops += 1;
    }
  }
  return { pacedStops, bursts };
}

/**
 * Time `vmconform conformance` and compute its floor.
 *
 * @example
 * const c = await measureConformance(console.error); // c.wallMs / c.floorMs
 */
export async function measureConformance(progress: (line: string) => void): Promise<ConformanceResult> {
  progress('conformance: vmconform conformance');
  const reportDir = mkdtempSync(join(tmpdir(), 'vmconform-bench-'));
  try {
    const run = await runCli(['conformance', '--report-dir', reportDir]);
    if (run.code !== 0) progress(`conformance exited ${String(run.code)}:\n${run.output}`);
    const { pacedStops, bursts } = pacedWork();
    const floorMs = (pacedStops / DEFAULT_PACED_PER_WINDOW) * DEFAULT_PACER_WINDOW_MS + bursts * 2 * DEFAULT_BURST_COOLDOWN_MS;
    return { wallMs: run.ms, floorMs, pacedStops, bursts, exitCode: run.code };
  } finally {
    rmSync(reportDir, { recursive: true, force: true });
  }
}
