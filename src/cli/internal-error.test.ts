import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTERNAL_ERROR_LOG, internalErrorLine, reportDirOf } from './internal-error.ts';

describe('internal errors (exit 3)', () => {
  it('write the stack to a log in the report dir and print one line naming it, no stack, no secret, no arguments', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmconform-internal-'));
    const err = new TypeError('cannot read properties of undefined (secret MARKERsecret42)');
    const line = internalErrorLine(err, ['run', '--target', 'http://127.0.0.1:1/MARKERarg', '--report-dir', dir], '9.9.9', { VMCONFORM_ACCESS_KEY_SECRET: 'MARKERsecret42' });
    expect(line).toBe(`vmconform: internal error: cannot read properties of undefined (secret <redacted>) (a bug in vmconform; details in ${join(dir, INTERNAL_ERROR_LOG)})\n`);
    const log = readFileSync(join(dir, INTERNAL_ERROR_LOG), 'utf8');
    expect(log).toMatch(/^vmconform 9\.9\.9 internal error at /);
    expect(log).toContain('TypeError: cannot read properties of undefined');
    expect(log).toContain('internal-error.test.ts');
    expect(log).not.toContain('MARKER');
  });

  it('finds the report dir on the command line', () => {
    expect(reportDirOf(['run', '--report-dir', 'out'])).toBe('out');
    expect(reportDirOf(['fuzz', '--report-dir=x'])).toBe('x');
    expect(reportDirOf(['run'])).toBe('reports');
    expect(reportDirOf(['compare', 'a', 'b'])).toBeUndefined();
  });
});
