/**
 * What a hanging or hostile target costs a run, per dialect (issue #11): the wall time of `vmconform run` (the real
 * CLI, default timeouts) against a target that never answers at all (the preflight stops the run), and against one
 * whose provider states and status reads work but whose StopInstances never answers (the cases in flight wait one
 * request timeout together; the transport breaker skips the rest); and the peak RSS of a run against the reference
 * provider and the hostile targets of `src/testing/hostile-targets.ts`.
 *
 * A benchmark, never a test: `npm run bench:robustness [-- --only hanging|memory]` prints Markdown tables.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { http } from 'msw';
import { DIALECT_NAMES, type DialectName } from '../src/dialects/types.ts';
import { startProviderServer } from '../src/provider/server.ts';
import { actionOf, isStatesRequest, startWithHandler } from '../src/provider-variants/build.ts';
import { hostileTarget, type HostileKind } from '../src/testing/hostile-targets.ts';

const BIN = new URL('../bin/vmconform.js', import.meta.url).pathname;
const { values } = parseArgs({ options: { only: { type: 'string', multiple: true } } });
const only = new Set(values.only ?? ['hanging', 'memory']);

interface Timed {
  readonly code: number | null;
  readonly seconds: number;
  readonly peakMb: number;
  readonly stdout: string;
}

function cli(args: readonly string[]): Promise<Timed> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    let peakKb = 0;
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const sample = setInterval(() => {
      try {
        peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid ?? 0}/status`, 'utf8'))?.[1] ?? 0));
      } catch {
        // ended
      }
    }, 50);
    child.on('close', (code) => {
      clearInterval(sample);
      resolve({ code, seconds: (performance.now() - started) / 1000, peakMb: Math.round(peakKb / 1024), stdout });
    });
  });
}

const reportDir = (name: string): string => join(tmpdir(), `vmconform-bench-robustness-${process.pid}`, name);
const counts = (stdout: string): string => /(\d+) cases: (\d+) passed, (\d+) failed, (\d+) skipped/.exec(stdout)?.slice(2).join(' / ') ?? '?';

if (only.has('hanging')) {
  // Accepts connections, never answers a byte.
  const silent: Server = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const silentUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
  console.log('| dialect | silent target: exit, wall time | StopInstances never answers: exit, wall time, passed / failed / skipped |');
  console.log('|---|---|---|');
  for (const dialect of DIALECT_NAMES) {
    const hanging = await startWithHandler(dialect as DialectName, (forward) =>
      http.all('*', async ({ request }) => {
        if (isStatesRequest(request) || (await actionOf(request.clone())) !== 'StopInstances') return forward(request);
        return new Promise<never>(() => undefined);
      }),
    )({ transitionMs: 150 });
    const a = await cli(['run', '--dialect', dialect, '--target', silentUrl, '--report-dir', reportDir(`silent-${dialect}`)]);
    const b = await cli(['run', '--dialect', dialect, '--target', hanging.url, '--report-dir', reportDir(`hang-${dialect}`)]);
    console.log(`| ${dialect} | ${a.code}, ${a.seconds.toFixed(1)} s | ${b.code}, ${b.seconds.toFixed(1)} s, ${counts(b.stdout)} |`);
    await hanging.close();
  }
  silent.close();
  console.log('\n(default --request-timeout 10000 ms, --concurrency 16)\n');
}

if (only.has('memory')) {
  console.log('| target (zenlayer-vm, whole catalog) | exit | wall time | peak RSS |');
  console.log('|---|---|---|---|');
  const reference = await startProviderServer({ dialect: 'zenlayer-vm', transitionMs: 150 });
  const r = await cli(['run', '--dialect', 'zenlayer-vm', '--target', reference.url, '--report-dir', reportDir('memory-reference')]);
  console.log(`| reference provider | ${r.code} | ${r.seconds.toFixed(1)} s | ${r.peakMb} MB |`);
  await reference.close();
  for (const kind of ['escapes', 'deep-json', 'huge-body'] as HostileKind[]) {
    const target = await hostileTarget(kind)({ transitionMs: 150 });
    const m = await cli(['run', '--dialect', 'zenlayer-vm', '--target', target.url, '--report-dir', reportDir(`memory-${kind}`)]);
    console.log(`| hostile: ${kind} | ${m.code} | ${m.seconds.toFixed(1)} s | ${m.peakMb} MB |`);
    await target.close();
  }
}
