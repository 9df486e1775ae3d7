import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/vmconform.js', import.meta.url));

describe('vmconform conformance', () => {
  it('starts the reference providers, runs the chosen dialects, writes reports, prints the wall time, exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmconform-conformance-'));
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [BIN, 'conformance', '--dialect', 'zenlayer-bmc', 'aliyun-ecs', '--grep', '^stop\\.single$', '--report-dir', dir],
        { timeout: 120_000 },
        (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
      );
    });
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
    expect(readFileSync(join(dir, 'coverage.md'), 'utf8')).toContain('# vmconform rule coverage');
    expect(r.stdout).toMatch(/coverage aliyun-ecs: \d+\/\d+ rules covered, \d+ not testable black-box, 0 uncovered/);
  });
});
