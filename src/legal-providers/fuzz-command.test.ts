/**
 * The `npm run legal-fuzz` command in process: usage errors exit 2 with the usage, `--help` exits 0, and a run that
 * passes exits 0 with its summary. The failing path (exit 1, `seed=S perturbations=[...]`) is `legalFuzz` against a
 * deliberately illegal family in generate.test.ts; the real entry point is scripts/legal-fuzz.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { legalFuzzCommand } from './fuzz-command.ts';

async function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await legalFuzzCommand(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

describe('legal-fuzz command', () => {
  it.each([
    [[], /--dialect must be one of/],
    [['--dialect', 'gcp-compute', '--runs', '1'], /--dialect must be one of .*, not "gcp-compute"/],
    [['--dialect', 'zenlayer-vm'], /--runs is required/],
    [['--dialect', 'zenlayer-vm', '--runs', '0'], /--runs must be a positive integer, not "0"/],
    [['--dialect', 'zenlayer-vm', '--runs', '2', '--seed', 'x'], /--seed must be an integer/],
    [['--dialect', 'zenlayer-vm', '--runs', '2', '--max-stop-ms', '2.5'], /--max-stop-ms must be a positive integer, not "2.5"/],
    [['--dialect', 'zenlayer-vm', '--runs', '2', '--family', 'no-such'], /no perturbation family named "no-such"/],
    [['--dialect', 'zenlayer-vm', '--runs', '2', '--family', 'aliyun-id-codes'], /the family aliyun-id-codes does not apply to zenlayer-vm/],
    [['--dialect', 'zenlayer-vm', '--runs', '2', '--frobnicate'], /Unknown option '--frobnicate'/],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^usage: npm run legal-fuzz -- --dialect D --runs N/m);
    expect(r.stdout).toBe('');
  });

  it('--help prints the usage and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/--family +only this perturbation family \(repeatable\): transport, content-types/);
  });

  it('exits 0 when every generated provider passed, and says how many ran with which seed', async () => {
    const r = await run(['--dialect', 'zenlayer-bmc', '--runs', '2', '--seed', '3', '--family', 'list-order', '--family', 'path-prefix']);
    expect(r.stdout).toBe('zenlayer-bmc: 2 generated legal providers, 0 failed (seed=3)\n');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^#[01] passed \[/m);
  }, 60_000);
});
