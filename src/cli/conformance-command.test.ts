import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../testing/cli.ts';

describe('vmconform conformance', () => {
  it('starts the reference providers, runs the chosen dialects, writes reports, prints the wall time, exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmconform-conformance-'));
    const r = await runCli(['conformance', '--dialect', 'zenlayer-bmc,aliyun-ecs', '--grep', '^stop\\.single$', '--report-dir', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/reference provider zenlayer-bmc at http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stdout).toMatch(/wall time: \d+\.\d s/);
    const doc = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { runs: { dialect: string; cases: { id: string; status: string }[] }[] };
    expect(doc.runs.map((run) => [run.dialect, run.cases.map((c) => `${c.id}:${c.status}`)])).toEqual([
      ['zenlayer-bmc', ['stop.single:passed']],
      ['aliyun-ecs', ['stop.single:passed']],
    ]);
    expect(readFileSync(join(dir, 'summary.txt'), 'utf8')).toMatch(/RESULT: PASSED/);
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toContain('<testsuite');
    expect(readdirSync(dir).sort()).toEqual(['coverage.md', 'exchanges.har', 'junit.xml', 'report.html', 'results.json', 'summary.md', 'summary.txt']);
    expect(readFileSync(join(dir, 'coverage.md'), 'utf8')).toContain('# vmconform rule coverage');
    expect(r.stdout).toMatch(/coverage aliyun-ecs: \d+\/\d+ rules covered, \d+ not testable black-box, 0 uncovered/);
  });

  it('signs with VMCONFORM_ACCESS_KEY_ID / _SECRET and its providers check them; one without the other is exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmconform-conformance-'));
    const keys = { VMCONFORM_ACCESS_KEY_ID: 'AKIDconformanceKEY01', VMCONFORM_ACCESS_KEY_SECRET: 'conformance-secret-0123456789' };
    const both = await runCli(['conformance', '--dialect', 'zenlayer-vm', '--grep', '^stop\\.single$', '--report-dir', dir], keys);
    expect(both.code, both.stderr).toBe(0);
    expect(readFileSync(join(dir, 'exchanges.har'), 'utf8')).toContain('AKIDconformanceKEY01');
    const half = await runCli(['conformance', '--dialect', 'zenlayer-vm', '--report-dir', dir], { VMCONFORM_ACCESS_KEY_ID: 'AKIDconformanceKEY01' });
    expect(half.code).toBe(2);
    expect(half.stderr).toMatch(/VMCONFORM_ACCESS_KEY_ID is set but VMCONFORM_ACCESS_KEY_SECRET is not/);
  });
});
