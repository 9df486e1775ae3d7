import { describe, expect, it } from 'vitest';
import { buildResults } from '../../reporters/results-json.ts';
import type { ReporterOutcome } from '../../reporters/vmconform-reporter.ts';
import { EMPTY_BASELINE, gate } from '../engine/baseline.ts';
import type { CaseResult } from '../engine/types.ts';
import { EXIT_INTERNAL, EXIT_INTERRUPTED, VmconformError } from '../errors.ts';
import { main } from './main.ts';
import { exitCodeOf } from './run-action.ts';

function outcome(status: CaseResult['status'], extra: { errors?: string[]; interrupted?: boolean } = {}): ReporterOutcome {
  const results: CaseResult[] = [{ id: 'a', dialect: 'aliyun-ecs', level: 'MUST', title: 'a', docRef: 'x', rules: [], status, durationMs: 1, findings: [] }];
  const verdict = gate(results, EMPTY_BASELINE);
  const doc = buildResults({ runId: 'r', startedAt: new Date(0), finishedAt: new Date(1), targets: [{ dialect: 'aliyun-ecs', target: 't' }], results, verdict, ...extra });
  return { doc, verdict, files: [] };
}

describe('exit codes of a run', () => {
  it('0 passed, 1 the gate failed, 130 interrupted (whatever failed), 3 a run that did not complete cleanly', () => {
    expect(exitCodeOf(outcome('passed'))).toBe(0);
    expect(exitCodeOf(outcome('failed'))).toBe(1);
    expect(exitCodeOf(outcome('failed', { interrupted: true }))).toBe(EXIT_INTERRUPTED);
    expect(EXIT_INTERRUPTED).toBe(130);
    expect(() => exitCodeOf(outcome('passed', { errors: ['suites/x.ts: SyntaxError'] }))).toThrow(VmconformError);
    expect(() => exitCodeOf(outcome('passed', { errors: ['suites/x.ts: SyntaxError'] }))).toThrow('the suite did not run cleanly: suites/x.ts: SyntaxError');
    expect(EXIT_INTERNAL).toBe(3);
  });

  it('an unknown command or option is a usage error (2)', async () => {
    const write = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      expect(await main(['no-such-command'])).toBe(2);
      expect(await main(['compare', '--no-such-option', 'a', 'b'])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
  });
});
