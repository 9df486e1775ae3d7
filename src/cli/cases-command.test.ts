import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allCases, casesFor } from '../cases/index.ts';
import { formatCase } from '../cases/print.ts';
import { DIALECT_NAMES } from '../dialects/types.ts';
import { assertionsOf } from '../engine/assertions.ts';

const BIN = fileURLToPath(new URL('../../bin/vmconform.js', import.meta.url));

function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('vmconform cases', () => {
  it('--json prints exactly the generated rows of the dialect, each with its assertions and their sources', async () => {
    const r = await cli(['cases', '--dialect', 'aliyun-ecs', '--json']);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as { assertions: { step?: number; check: string; expect: string; source: string; rule: string }[] }[];
    const withPlans = casesFor('aliyun-ecs').map((row) => ({ ...row, assertions: assertionsOf(row).map(({ subject: _s, ...a }) => a) }));
    expect(printed).toEqual(JSON.parse(JSON.stringify(withPlans)));
    for (const row of printed) {
      expect(row.assertions.length).toBeGreaterThan(0);
      for (const a of row.assertions) expect(Object.keys(a).sort()).toEqual(expect.arrayContaining(['check', 'expect', 'rule', 'source']));
    }
    const single = printed[0] as unknown as { id: string; assertions: { step?: number; check: string; source: string }[] };
    expect(single.id).toBe('stop.single');
    expect(single.assertions).toContainEqual(expect.objectContaining({ step: 1, check: 'content-type', source: '004_edc2cde202d0f4dc.txt:112-147' }));
  });

  it('prints every row of every dialect as text: level, docRef, rules, seeds, each call and its expectation', async () => {
    const r = await cli(['cases']);
    expect(r.code).toBe(0);
    for (const row of allCases()) expect(r.stdout).toContain(`${row.dialect} ${row.id} [${row.level}]`);
    expect(r.stdout).toMatch(new RegExp(`${allCases().length} cases \\(${DIALECT_NAMES.map((d) => `${d} \\d+`).join(', ')}\\)\\n$`));
    const block = r.stdout.split('\n\n').find((b) => b.startsWith('zenlayer-vm state.mixed-recycled-stopped.rejected'));
    expect(block).toContain('rules: state:not-stoppable=RECYCLING, error:OPERATION_DENIED_INSTANCE_RECYCLED, resolution:recycle-bin-precedence');
    expect(block).toContain('seeds: a=STOPPED, b=RECYCLING');
    expect(block).toContain('1. StopInstances, ids [a, b] -> the error envelope with OPERATION_DENIED_INSTANCE_RECYCLED; HTTP 403; nothing stopped');
    const ex = await cli(['cases', '--dialect', 'nope']);
    expect(ex.code).toBe(2);
  });

  it('writes numbered runs compactly, so a 101-id row stays one readable block', () => {
    const row = casesFor('zenlayer-bmc').find((c) => c.id === 'ids.limit.101-rejected');
    expect(row).toBeDefined();
    const text = formatCase(row!);
    expect(text).toContain('seeds: n0..n100 (101)=RUNNING');
    expect(text).toContain('StopInstances, ids [n0..n100 (101)] -> a client error');
    expect(text.length).toBeLessThan(1_500);
  });
});
