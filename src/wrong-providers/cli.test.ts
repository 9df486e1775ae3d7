/**
 * The real command line against one wrong provider: `node bin/vmconform.js run` exits 1 and names the broken cases.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { wrongProvider } from './index.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function run(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/vmconform.js', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('vmconform run against a wrong provider', () => {
  it('exits 1 and names the broken cases and the broken rule (aliyun-ignores-format-xml)', async () => {
    const wp = wrongProvider('aliyun-ignores-format-xml');
    const provider = await wp.start({ transitionMs: 150 });
    const reportDir = mkdtempSync(join(tmpdir(), 'vmconform-wrong-cli-'));
    try {
      const { code, output } = await run(['run', '--dialect', wp.dialect, '--target', provider.url, '--report-dir', reportDir, '--poll-timeout', '2000']);
      expect(code, output).toBe(1);
      for (const id of wp.expectFailing) expect(output).toContain(id);
      expect(output).toMatch(new RegExp(`rules: [^\\n]*${wp.breaks.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      const results = JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as {
        runs: { dialect: string; cases: { id: string; status: string }[] }[];
      };
      const cases = results.runs.flatMap((r) => r.cases);
      const failed = cases.filter((c) => c.status === 'failed').map((c) => c.id);
      expect(failed.sort()).toEqual([...wp.expectFailing, ...Object.keys(wp.alsoFails)].sort());
      expect(cases.find((c) => c.id === 'stop.single')?.status).toBe('passed');
    } finally {
      await provider.close();
      rmSync(reportDir, { recursive: true, force: true });
    }
  }, 60_000);
});
