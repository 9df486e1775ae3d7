/**
 * No secret anywhere: every command that handles credentials runs with a marker secret in the environment, in its
 * arguments and in the baseline file; stdout, stderr and every file written (results, JUnit, summaries, HTML, HAR,
 * logs) are scanned for it: zero hits. Curl lines keep signatures unless --redact-signatures masks them.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderServer, type RunningProvider } from '../provider/server.ts';
import { BIN, runCli, type CliRun } from '../testing/cli.ts';
import { wrongProvider } from '../wrong-providers/index.ts';

const MARKER = 'MARKERs3cr3tZq9x';
const env = { VMCONFORM_ACCESS_KEY_ID: 'AKIDmarkertest000', VMCONFORM_ACCESS_KEY_SECRET: MARKER };
const credentials = { accessKeyId: env.VMCONFORM_ACCESS_KEY_ID, accessKeySecret: MARKER };
const root = mkdtempSync(join(tmpdir(), 'vmconform-nosecret-'));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const hits = (label: string, text: string): string[] => (text.includes(MARKER) ? [label] : []);
const scan = (label: string, r: CliRun): string[] => [...hits(`${label} stdout`, r.stdout), ...hits(`${label} stderr`, r.stderr)];

let aliyun: RunningProvider;
let wrong: RunningProvider;

beforeAll(async () => {
  aliyun = await startProviderServer({ dialect: 'aliyun-ecs', transitionMs: 100, verifySignatures: credentials });
  wrong = await wrongProvider('zenlayer-bmc-stops-stopped').start({ transitionMs: 100 });
});
afterAll(async () => {
  await Promise.all([aliyun.close(), wrong.close()]);
});

describe('no secret anywhere', () => {
  it('run, fuzz, pact verify, conformance, usage errors and mock: no output and no written file holds the secret', async () => {
    const found: string[] = [];
    const baselineWithSecret = join(root, 'baseline.json');
    writeFileSync(baselineWithSecret, JSON.stringify({ schemaVersion: 1, known: [{ dialect: 'aliyun-ecs', id: 'stop.single', reason: 'r', token: MARKER }] }));
    const runs: [string, readonly string[]][] = [
      ['run', ['run', '--dialect', 'aliyun-ecs', '--target', aliyun.url, '--grep', '^(stop\\.single|ids\\.unknown\\.rejected|aliyun\\.format\\.xml-error)$', '--report-dir', join(root, 'run')]],
      ['run failing', ['run', '--dialect', 'zenlayer-bmc', '--target', wrong.url, '--grep', '^state\\.', '--report-dir', join(root, 'run-failing')]],
      ['fuzz', ['fuzz', '--dialect', 'zenlayer-bmc', '--target', wrong.url, '--runs', '60', '--seed', '3', '--property', 'requests-boundary', '--report-dir', join(root, 'fuzz')]],
      ['pact verify', ['pact', 'verify', '--dialect', 'zenlayer-bmc', '--target', wrong.url, '--report-dir', join(root, 'pact')]],
      ['conformance', ['conformance', '--dialect', 'zenlayer-vm', '--grep', '^stop\\.single$', '--report-dir', join(root, 'conformance')]],
      ['baseline with the secret', ['run', '--dialect', 'aliyun-ecs', '--target', aliyun.url, '--baseline', baselineWithSecret, '--report-dir', join(root, 'bad-baseline')]],
      ['secret in the target URL', ['run', '--dialect', 'aliyun-ecs', '--target', aliyun.url.replace('http://', `http://user:${MARKER}@`)]],
      ['secret in an argument', ['fuzz', '--dialect', 'aliyun-ecs', '--target', aliyun.url, '--runs', MARKER]],
    ];
    const results = await Promise.all(runs.map(async ([label, args]) => [label, await runCli(args, env)] as const));
    for (const [label, r] of results) found.push(...scan(label, r));
    expect(results.map(([label, r]) => `${label}: ${r.code}`)).toEqual([
      'run: 0',
      'run failing: 1',
      'fuzz: 1',
      'pact verify: 1',
      'conformance: 0',
      'baseline with the secret: 2',
      'secret in the target URL: 2',
      'secret in an argument: 2',
    ]);
    // mock with signature checks on: runs, answers, stops on SIGTERM.
    const mock = spawn(process.execPath, [BIN, 'mock', '--dialect', 'aliyun-ecs', '--port', '0', '--verify-signatures'], { env: { ...process.env, ...env } });
    let mockOut = '';
    mock.stdout.on('data', (c: Buffer) => (mockOut += c.toString()));
    mock.stderr.on('data', (c: Buffer) => (mockOut += c.toString()));
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (/aliyun-ecs http:\/\/127\.0\.0\.1:\d+/.test(mockOut)) {
          clearInterval(t);
          resolve();
        }
      }, 50);
    });
    const mockUrl = /aliyun-ecs (http:\/\/127\.0\.0\.1:\d+)/.exec(mockOut)?.[1] ?? '';
    const viaMock = await runCli(['run', '--dialect', 'aliyun-ecs', '--target', mockUrl, '--grep', '^stop\\.single$', '--report-dir', join(root, 'mock')], env);
    found.push(...scan('run against mock', viaMock));
    mock.kill('SIGTERM');
    await new Promise((resolve) => mock.on('exit', resolve));
    found.push(...hits('mock output', mockOut));
    expect(viaMock.code).toBe(0);
    for (const file of filesUnder(root)) if (!file.endsWith('baseline.json')) found.push(...hits(file, readFileSync(file, 'utf8')));
    expect(filesUnder(join(root, 'run')).map((f) => f.slice(join(root, 'run').length + 1)).sort()).toEqual(
      ['exchanges.har', 'junit.xml', 'report.html', 'results.json', 'summary.md', 'summary.txt'],
    );
    expect(found).toEqual([]);
  }, 180_000);

  it('curl lines keep signatures (to reproduce), --redact-signatures masks them in findings and exchanges', async () => {
    const args = ['run', '--dialect', 'zenlayer-bmc', '--target', wrong.url, '--grep', '^state\\.STOPPED\\.rejected$'];
    const kept = await runCli([...args, '--report-dir', join(root, 'kept')], env);
    const masked = await runCli([...args, '--redact-signatures', '--report-dir', join(root, 'masked')], env);
    expect([kept.code, masked.code]).toEqual([1, 1]);
    const keptJson = readFileSync(join(root, 'kept', 'results.json'), 'utf8');
    const maskedJson = readFileSync(join(root, 'masked', 'results.json'), 'utf8');
    expect(keptJson).toMatch(/Signature=[0-9a-f]{64}/);
    expect(maskedJson).not.toMatch(/Signature=[0-9a-f]{16}/);
    expect(maskedJson).toContain('Signature=<redacted>');
    expect(readFileSync(join(root, 'masked', 'exchanges.har'), 'utf8')).not.toMatch(/Signature=[0-9a-f]{16}/);
    expect(masked.stdout).toContain('Signature=<redacted>');
    // A run the preflight stopped keeps the promise too: its curl line goes to results.json and stderr.
    const down = await runCli(['run', '--dialect', 'zenlayer-bmc', '--target', 'http://127.0.0.1:1', '--redact-signatures', '--report-dir', join(root, 'down')], env);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('Signature=<redacted>');
    const downJson = readFileSync(join(root, 'down', 'results.json'), 'utf8');
    expect(downJson).toContain('Signature=<redacted>');
    expect(downJson).not.toMatch(/Signature=[0-9a-f]{16}/);
  }, 120_000);
});
