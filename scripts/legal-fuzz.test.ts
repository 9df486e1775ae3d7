/**
 * The `npm run legal-fuzz` entry point runs the command (src/legal-providers/fuzz-command.ts, tested in process) and
 * exits with its code.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../src/package-root.ts';

it('scripts/legal-fuzz.ts runs a passing sample and exits 0, a usage error exits 2', async () => {
  const tsx = join(PACKAGE_ROOT, 'node_modules', '.bin', 'tsx');
  const script = join(PACKAGE_ROOT, 'scripts', 'legal-fuzz.ts');
  const run = (args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(tsx, [script, ...args], { timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
      );
    });
  const [ok, usage] = await Promise.all([run(['--dialect', 'zenlayer-vm', '--runs', '1', '--seed', '5', '--family', 'list-order']), run(['--runs', '1'])]);
  expect([ok.code, ok.stdout]).toEqual([0, 'zenlayer-vm: 1 generated legal providers, 0 failed (seed=5)\n']);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toMatch(/legal-fuzz: --dialect must be one of/);
}, 120_000);
