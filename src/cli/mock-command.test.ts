/**
 * `vmconform mock` for real: spawn `node bin/vmconform.js mock ...`, read the `dialect url` lines, talk to the
 * providers, stop with SIGINT/SIGTERM and check the clean exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DIALECT_NAMES } from '../dialects/types.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Spawned {
  readonly child: ChildProcess;
  /** Resolves with the first `count` stdout lines. */
  readonly lines: Promise<string[]>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function spawnMock(args: readonly string[], count: number, env: NodeJS.ProcessEnv = process.env): Spawned {
  const child = spawn(process.execPath, ['bin/vmconform.js', 'mock', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const lines = new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${count} lines within 20 s; stdout=${out} stderr=${err}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const got = out.split('\n').filter((l) => l.trim() !== '');
      if (got.length >= count) {
        clearTimeout(timer);
        resolve(got.slice(0, count));
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`exited early; stdout=${out} stderr=${err}`));
    });
  });
  lines.catch(() => undefined);
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stderr: err }));
  });
  return { child, lines, exit };
}

describe('vmconform mock', () => {
  it('--dialect all starts every dialect\'s provider, each with the provider-state endpoint, and stops on SIGINT', async () => {
    const m = spawnMock(['--dialect', 'all', '--port', '0', '--transition-ms', '50'], DIALECT_NAMES.length);
    try {
      const lines = await m.lines;
      const entries = lines.map((l) => l.split(' '));
      expect(entries.map((e) => e[0])).toEqual([...DIALECT_NAMES]);
      for (const [dialect, url] of entries) {
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const ok = await fetch(`${url}/_vmconform/provider-states`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ action: 'setup', state: 'instances exist', params: { instances: [] } }),
        });
        expect(ok.status, dialect).toBe(200);
      }
      const ports = new Set(entries.map((e) => new URL(e[1] ?? '').port));
      expect(ports.size).toBe(DIALECT_NAMES.length);
      const zl = new Map(entries.map((e) => [e[0], e[1]] as const)).get('zenlayer-vm') ?? '';
      await fetch(`${zl}/_vmconform/provider-states`, {
        method: 'POST',
        body: JSON.stringify({ action: 'setup', state: 'instances exist', params: { instances: [{ id: 'cli-1', status: 'RUNNING' }] } }),
      });
      const stop = await fetch(`${zl}/api/v2/vm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-zc-action': 'StopInstances' },
        body: JSON.stringify({ instanceIds: ['cli-1'] }),
      });
      expect(stop.status).toBe(200);
    } finally {
      m.child.kill('SIGINT');
    }
    const exit = await m.exit;
    expect(exit.code).toBe(0);
    expect(exit.stderr).toContain('stopped');
  }, 40_000);

  it('one dialect on a fixed port with --verify-signatures stops on SIGTERM', async () => {
    const probe = await import('node:net').then(
      (net) =>
        new Promise<number>((resolve) => {
          const s = net.createServer();
          s.listen(0, '127.0.0.1', () => {
            const port = (s.address() as { port: number }).port;
            s.close(() => resolve(port));
          });
        }),
    );
    const m = spawnMock(['--dialect', 'aliyun-ecs', '--port', String(probe), '--verify-signatures'], 1);
    try {
      const [line] = await m.lines;
      expect(line).toBe(`aliyun-ecs http://127.0.0.1:${probe}`);
      const res = await fetch(`http://127.0.0.1:${probe}/?Action=StopInstances&Version=2014-05-26&RegionId=x&InstanceId.1=i-a&Format=JSON`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { Code?: string }).Code).toBe('SignatureDoesNotMatch');
    } finally {
      m.child.kill('SIGTERM');
    }
    expect((await m.exit).code).toBe(0);
  }, 40_000);

  it('binds another address when asked, with a warning that the mock has no access control (none for another loopback address)', async () => {
    // 0.0.0.0: every interface, so reachable from elsewhere.
    const m = spawnMock(['--dialect', 'zenlayer-bmc', '--port', '0', '--host', '0.0.0.0'], 1);
    try {
      const [line] = await m.lines;
      expect(line).toMatch(/^zenlayer-bmc http:\/\/0\.0\.0\.0:\d+$/);
      const port = (line ?? '').split(':').at(-1) ?? '';
      const res = await fetch(`http://127.0.0.1:${port}/_vmconform/provider-states`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(400);
    } finally {
      m.child.kill('SIGTERM');
    }
    const exit = await m.exit;
    expect(exit.code).toBe(0);
    expect(exit.stderr).toMatch(/warning: binding the mock to 0\.0\.0\.0: it has no access control \(not even signature checks\)/);
    // 127.0.0.2 is loopback (127.0.0.0/8, as consent judges it): reachable from this machine only, no warning.
    const local = spawnMock(['--dialect', 'zenlayer-bmc', '--port', '0', '--host', '127.0.0.2'], 1);
    try {
      const [line] = await local.lines;
      expect(line).toMatch(/^zenlayer-bmc http:\/\/127\.0\.0\.2:\d+$/);
    } finally {
      local.child.kill('SIGTERM');
    }
    expect((await local.exit).stderr).not.toMatch(/warning/);
  }, 40_000);

  it('exits 2 for an unknown dialect', async () => {
    const m = spawnMock(['--dialect', 'nope', '--port', '0'], 1);
    const exit = await m.exit;
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain('unknown dialect');
  }, 40_000);
});
