import { describe, expect, it } from 'vitest';
import { familiesOf, formatShare, RULE_FAMILIES, scoreOf, type ScoredCase } from './score.ts';

const c = (level: ScoredCase['level'], status: ScoredCase['status'], rules: string[]): ScoredCase => ({ level, status, rules });

describe('score', () => {
  it('puts a case in every family one of its rules belongs to', () => {
    expect(familiesOf(['param:DryRun', 'error:DRYRUN.SUCCESS'])).toEqual(['parameters', 'errors', 'dry run']);
    expect(familiesOf(['limit:rate-per-second', 'resolution:api3-rate-limit'])).toEqual(['limits', 'resolutions']);
    expect(familiesOf(['state:not-stoppable=STOPPED', 'transition:RUNNING->STOPPING'])).toEqual(['states']);
    expect(familiesOf(['param:BatchOptimization', 'resolution:batch-successfirst-per-instance'])).toEqual(['parameters', 'batch modes', 'resolutions']);
    expect(familiesOf(['envelope:error-xml'])).toEqual(['envelopes']);
    expect(familiesOf([])).toEqual([]);
    expect(RULE_FAMILIES).toContain('dry run');
  });

  it('shares of MUST and SHOULD cases passed per family; a skipped case counts as not passed', () => {
    const s = scoreOf([
      c('MUST', 'passed', ['error:A']),
      c('MUST', 'failed', ['error:B', 'param:X']),
      c('MUST', 'skipped', ['error:C']),
      c('SHOULD', 'passed', ['param:Y']),
    ]);
    expect(s.must).toEqual({ passed: 1, total: 3, skipped: 1, percent: 33.3 });
    expect(s.should).toEqual({ passed: 1, total: 1, skipped: 0, percent: 100 });
    expect(s.families).toEqual([
      { family: 'parameters', must: { passed: 0, total: 1, skipped: 0, percent: 0 }, should: { passed: 1, total: 1, skipped: 0, percent: 100 } },
      { family: 'errors', must: { passed: 1, total: 3, skipped: 1, percent: 33.3 }, should: { passed: 0, total: 0, skipped: 0, percent: null } },
    ]);
    expect(scoreOf([c('MUST', 'passed', []), c('MUST', 'passed', []), c('MUST', 'failed', [])]).must.percent).toBe(66.7);
    expect(formatShare(s.must)).toBe('33.3% (1/3)');
    expect(formatShare(s.families[1]?.should ?? s.must)).toBe('n/a');
  });

  it('a run that skipped 44 of 48 MUST cases (--no-states) scores 8.3% (4/48), not 100% (4/4)', () => {
    const cases = [...Array.from({ length: 4 }, () => c('MUST', 'passed', [])), ...Array.from({ length: 44 }, () => c('MUST', 'skipped', []))];
    expect(formatShare(scoreOf(cases).must)).toBe('8.3% (4/48)');
    expect(scoreOf(cases).must.skipped).toBe(44);
    expect(formatShare(scoreOf(cases.slice(44)).must)).toBe('0% (0/4)');
  });
});
