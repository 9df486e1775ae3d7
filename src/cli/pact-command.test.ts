/**
 * The command line: `vmconform pact verify` against a running `vmconform mock` exits 0 for every dialect and writes
 * the reports (and `npx vmconform` prints Pact's report, then the summary); against a wrong provider it exits 1 and
 * names the case; a target off loopback is refused with exit 2 before anything is sent; `--help` never loads Pact;
 * `pact generate` writes exactly the checked-in files and `--check` finds stale ones.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DIALECT_NAMES } from '../dialects/types.ts';
import { contractFiles, PACKAGE_CONTRACTS_DIR } from '../pact/files.ts';
import { startPactWorker } from '../testing/pact-worker.ts';
import { wrongProvider } from '../wrong-providers/index.ts';
import { isLoopbackUrl, requireConsent } from './consent.ts';
import { main } from './main.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/vmconform.js');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function vmconform(args: readonly string[], timeout = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, timeout, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

const plain = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');

/** Run `main` in this process with its standard output and error captured (for commands that never load Pact). */
async function inProcess(argv: readonly string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    return { code: await main(argv), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

// Verifying command lines run in a child process whose standard output (Pact's Rust core prints its report there) is
// discarded; the reports they write are what the tests read.
const worker = startPactWorker();
afterAll(() => worker.close());

describe('vmconform pact verify against vmconform mock --dialect all', () => {
  let mock: ChildProcess;
  const urls = new Map<string, string>();
  const dir = mkdtempSync(join(tmpdir(), 'vmconform-pact-cli-'));

  beforeAll(async () => {
    mock = spawn(process.execPath, [BIN, 'mock', '--dialect', 'all', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let text = '';
      mock.stdout?.on('data', (d: Buffer) => {
        text += d.toString();
        for (const line of text.split('\n')) {
          const [dialect, url] = line.trim().split(' ');
          if (dialect && url) urls.set(dialect, url);
        }
        if (urls.size === DIALECT_NAMES.length) resolve();
      });
      mock.once('exit', (code) => reject(new Error(`mock exited ${String(code)}`)));
    });
  }, 60_000);
  afterAll(() => {
    mock.kill('SIGTERM');
  });

  it('exits 0 for every dialect and writes the reports', async () => {
    const codes = await Promise.all(
      DIALECT_NAMES.map((d) => worker.main(['pact', 'verify', '--dialect', d, '--target', urls.get(d) ?? '', '--report-dir', join(dir, d)])),
    );
    DIALECT_NAMES.forEach((d, i) => {
      const file = join(dir, d, 'summary.txt');
      const log = join(dir, d, 'vmconform-error.log');
      const summary = existsSync(file)
        ? readFileSync(file, 'utf8')
        : `no summary.txt: the command failed before it wrote reports${existsSync(log) ? `:\n${readFileSync(log, 'utf8')}` : ''}`;
      expect(codes[i], `${d}: ${summary}`).toBe(0);
      expect(summary).toMatch(/RESULT: PASSED/);
      const doc = JSON.parse(readFileSync(join(dir, d, 'results.json'), 'utf8')) as { runs: { dialect: string; cases: { status: string }[] }[] };
      expect(doc.runs[0]?.dialect).toBe(d);
      expect(doc.runs[0]?.cases.filter((c) => c.status === 'failed')).toEqual([]);
      expect(readFileSync(join(dir, d, 'junit.xml'), 'utf8')).toContain(`vmconform ${d}`);
    });
  }, 240_000);

  it('npx vmconform pact verify --verbose prints Pact\'s own report, then the summary', async () => {
    const run = await vmconform(['pact', 'verify', '--dialect', 'zenlayer-bmc', '--target', urls.get('zenlayer-bmc') ?? '', '--verbose', '--report-dir', join(dir, 'bin')]);
    expect(run.code, run.stderr).toBe(0);
    const out = plain(run.stdout);
    expect(out).toContain('Verifying a pact between vmconform and zenlayer-bmc');
    expect(out.indexOf('Verifying a pact')).toBeLessThan(out.indexOf('RESULT: PASSED'));
    expect(out).toMatch(/zenlayer-bmc {2}http:\/\/127\.0\.0\.1:\d+\n {2}30 cases: 29 passed, 0 failed, 1 skipped/);
  }, 120_000);
});

describe('vmconform pact verify against a wrong provider', () => {
  it('exits 1 and names the failing cases (zenlayer-vm-recycled-as-not-running)', async () => {
    const wp = wrongProvider('zenlayer-vm-recycled-as-not-running');
    const provider = await wp.start({ transitionMs: 100 });
    const dir = mkdtempSync(join(tmpdir(), 'vmconform-pact-wrong-'));
    try {
      const code = await worker.main(['pact', 'verify', '--dialect', wp.dialect, '--target', provider.url, '--report-dir', dir]);
      expect(code).toBe(1);
      const summary = readFileSync(join(dir, 'summary.txt'), 'utf8');
      // Each failing case on a FAIL line: its own, or that of the cases failing for the same cause (a bucket).
      for (const id of wp.expectFailing) expect(summary).toMatch(new RegExp(`^ {2}FAIL .*\\b${id.replace(/\./g, '\\.')}\\b`, 'm'));
      expect(summary).toMatch(/\[pact-body\] state\.RECYCLE\.rejected#1: Expected 'OPERATION_DENIED_INSTANCE_NOT_RUNNING' to match/);
      expect(summary).toMatch(/RESULT: FAILED/);
      // A failure of the dialect's own contract is a catalog case: its repro and rerun lines, as run prints them.
      expect(summary).toMatch(/repro: npx vmconform repro \S*results\.json state\.RECYCLE\.rejected --dialect zenlayer-vm/);
      expect(summary).toMatch(/rerun: npx vmconform run --dialect zenlayer-vm --target http:\/\/127\.0\.0\.1:\d+ --grep '\^state\\\.RECYCLE\\\.rejected\$'/);
      const doc = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { runs: { cases: { id: string; status: string }[] }[] };
      const failed = doc.runs[0]?.cases.filter((c) => c.status === 'failed').map((c) => c.id).sort();
      expect(failed).toEqual([...wp.expectFailing].sort());
      expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toContain('<failure');
      // The same report files as run; the HAR holds every interaction's setup, signed request and teardown.
      expect(readdirSync(dir).sort()).toEqual(['exchanges.har', 'junit.xml', 'report.html', 'results.json', 'summary.md', 'summary.txt']);
      const har = JSON.parse(readFileSync(join(dir, 'exchanges.har'), 'utf8')) as { log: { entries: { request: { url: string }; response: { status: number } }[] } };
      const calls = har.log.entries.filter((e) => e.request.url.endsWith('/api/v2/vm'));
      const states = har.log.entries.filter((e) => e.request.url.endsWith('/_vmconform/provider-states'));
      const interactions = (JSON.parse(readFileSync(join(ROOT, 'contracts', 'zenlayer-vm.json'), 'utf8')) as { interactions: unknown[] }).interactions.length;
      expect(calls.length).toBe(interactions);
      expect(states.length).toBeGreaterThanOrEqual(interactions);
      expect(states.every((e) => e.response.status === 200)).toBe(true);
    } finally {
      await provider.close();
    }
  }, 120_000);
});

describe('usage', () => {
  it('refuses a target or states URL off loopback with exit 2, before any request and without a DNS lookup', async () => {
    const remote = await inProcess(['pact', 'verify', '--dialect', 'zenlayer-vm', '--target', 'http://192.0.2.10:8080']);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toMatch(/--target http:\/\/192\.0\.2\.10:8080\b.*not on loopback .*--allow-remote/);
    expect(remote.stdout).toBe('');
    const named = await inProcess(['pact', 'verify', '--dialect', 'zenlayer-vm', '--target', 'http://127.0.0.1:9', '--states-url', 'http://states.example.invalid/x']);
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/--states-url http:\/\/states\.example\.invalid\/x: not on loopback/);
    expect((await inProcess(['pact', 'verify', '--dialect', 'nope', '--target', 'http://127.0.0.1:9'])).code).toBe(2);
  });

  it('loads Pact only to verify: --help of vmconform, pact and pact verify leave it unloaded', async () => {
    const script = `
      import Module from 'node:module';
      const { main } = await import(${JSON.stringify(join(ROOT, 'src/cli/main.ts'))});
      for (const argv of [['--help'], ['pact', '--help'], ['pact', 'verify', '--help'], ['pact', 'generate', '--check']]) await main(argv);
      process.stderr.write('PACT_MODULES ' + Object.keys(Module._cache).filter((p) => p.includes('@pact-foundation')).length + '\\n');`;
    const run = await new Promise<Run>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? -1 : 0, stdout, stderr }),
      );
    });
    expect(run.stdout).toContain('pact verify');
    expect(run.stderr).toContain('PACT_MODULES 0');
  }, 60_000);

  it('isLoopbackUrl / requireConsent: 127.0.0.0/8, ::1 and localhost only, by the text of the URL', () => {
    for (const url of ['http://127.0.0.1:1', 'http://127.255.0.9', 'http://127.1:80/x', 'http://localhost:8080', 'http://[::1]:9']) expect(isLoopbackUrl(url), url).toBe(true);
    for (const url of ['http://10.0.0.1', 'http://128.0.0.1', 'http://localhost.example.com', 'http://127.0.0.1.nip.io', 'http://[::2]', 'not a url']) expect(isLoopbackUrl(url), url).toBe(false);
    expect(() => requireConsent([{ option: '--target', url: 'http://10.0.0.1:8' }], true)).not.toThrow();
    expect(() => requireConsent([{ option: '--target', url: 'http://10.0.0.1:8' }], false)).toThrow(/not on loopback/);
  });
});

describe('vmconform pact generate', () => {
  it('writes exactly the checked-in files; --check passes on them and fails on a stale directory', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vmconform-pact-gen-'));
    const gen = await inProcess(['pact', 'generate', '--contracts-dir', out]);
    expect(gen.code, gen.stderr).toBe(0);
    for (const [name, text] of Object.entries(contractFiles())) {
      expect(readFileSync(join(out, name), 'utf8') === text, name).toBe(true);
      expect(readFileSync(join(PACKAGE_CONTRACTS_DIR, name), 'utf8') === text, name).toBe(true);
    }
    expect((await inProcess(['pact', 'generate', '--check'])).code).toBe(0);
    const stale = await inProcess(['pact', 'generate', '--check', '--contracts-dir', mkdtempSync(join(tmpdir(), 'vmconform-pact-empty-'))]);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/stale: .*zenlayer-vm\.json/);
    // --dialect: those contracts (and the README); --out is the deprecated spelling of --contracts-dir, with a warning.
    const one = await inProcess(['pact', 'generate', '--dialect', 'aliyun-ecs', '--out', mkdtempSync(join(tmpdir(), 'vmconform-pact-one-'))]);
    expect(one.code).toBe(0);
    expect(one.stdout.trim().split('\n').map((l) => l.split('/').at(-1))).toEqual(['aliyun-ecs.json', 'README.md']);
    expect(one.stderr).toBe('vmconform: warning: --out is deprecated and goes in the next release: use --contracts-dir\n');
  });
});
