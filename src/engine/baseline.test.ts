import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { casesFor } from '../cases/index.ts';
import { EMPTY_BASELINE, gate, loadBaseline, parseBaseline, unknownBaselineEntries, unknownBaselineWarning } from './baseline.ts';
import type { CaseResult } from './types.ts';

const result = (id: string, status: CaseResult['status'], level: CaseResult['level'] = 'MUST'): CaseResult => ({
  id,
  dialect: 'aliyun-ecs',
  level,
  rules: [],
  title: id,
  docRef: 'x:1',
  status,
  durationMs: 1,
  findings: [],
});

describe('baseline files', () => {
  it('accepts a valid baseline and rejects bad ones with a clear UsageError', () => {
    const ok = { version: 1, known: [{ dialect: 'aliyun-ecs', id: 'dryrun.success', reason: 'gateway strips DryRun' }] };
    expect(parseBaseline(ok)).toEqual(ok);
    expect(() => parseBaseline({ version: 1, known: [{ dialect: 'aliyun-ecs', id: 'x' }] })).toThrow(/must have required property 'reason'/);
    expect(() => parseBaseline({ version: 1, known: [{ dialect: 'aliyun-ecs', id: 'x', reason: '  ' }] })).toThrow(UsageError);
    expect(() => parseBaseline({ version: 2, known: [] })).toThrow(/version/);
    expect(() => parseBaseline({ version: 1, known: [{ dialect: 'gcp', id: 'x', reason: 'r' }] })).toThrow(/dialect/);
    expect(() => parseBaseline({ version: 1, known: [{ dialect: 'aliyun-ecs', id: 'x', reason: 'r' }, { dialect: 'aliyun-ecs', id: 'x', reason: 'r' }] })).toThrow(/listed twice/);
  });

  it('reads files; unreadable or non-JSON files are usage errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmconform-baseline-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ version: 1, known: [] }));
    expect(loadBaseline(good)).toEqual(EMPTY_BASELINE);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{nope');
    expect(() => loadBaseline(bad)).toThrow(/is not JSON/);
    expect(() => loadBaseline(join(dir, 'missing.json'))).toThrow(/cannot read baseline/);
  });
});

describe('gate', () => {
  const baseline = parseBaseline({
    version: 1,
    known: [
      { dialect: 'aliyun-ecs', id: 'known.fails', reason: 'r1' },
      { dialect: 'aliyun-ecs', id: 'known.fixed', reason: 'r2' },
    ],
  });

  it('new failures fail; known failures do not; fixed ones are reported', () => {
    const v = gate([result('a', 'passed'), result('known.fails', 'failed'), result('known.fixed', 'passed')], baseline);
    expect(v.failed).toBe(false);
    expect(v.knownFailures.map((r) => r.id)).toEqual(['known.fails']);
    expect(v.fixed.map((k) => k.id)).toEqual(['known.fixed']);
    const v2 = gate([result('new.fail', 'failed'), result('known.fails', 'failed')], baseline);
    expect(v2.failed).toBe(true);
    expect(v2.newFailures.map((r) => r.id)).toEqual(['new.fail']);
  });

  it('the same id in another dialect is not covered', () => {
    const other: CaseResult = { ...result('known.fails', 'failed'), dialect: 'zenlayer-vm' };
    expect(gate([other], baseline).failed).toBe(true);
  });

  it('--level must gates on MUST cases only', () => {
    const rs = [result('s', 'failed', 'SHOULD')];
    expect(gate(rs, EMPTY_BASELINE, 'ALL').failed).toBe(true);
    const v = gate(rs, EMPTY_BASELINE, 'MUST');
    expect(v.failed).toBe(false);
    expect(v.ignoredShould.map((r) => r.id)).toEqual(['s']);
    expect(gate([result('m', 'failed', 'MUST')], EMPTY_BASELINE, 'MUST').failed).toBe(true);
  });
});

describe('unknownBaselineEntries', () => {
  const real = casesFor('tencent-cvm-api3')[0]?.id ?? 'missing';
  const realZen = casesFor('zenlayer-vm')[0]?.id ?? 'missing';
  const baseline = parseBaseline({
    version: 1,
    known: [
      { dialect: 'tencent-cvm-api3', id: real, reason: 'known' },
      { dialect: 'tencent-cvm-api3', id: 'no.such.case', reason: 'typo' },
      { dialect: 'zenlayer-vm', id: realZen, reason: 'known' },
      { dialect: 'aliyun-ecs', id: 'also.not.a.case', reason: 'typo' },
    ],
  });

  it('lists the entries of the run dialects that name no case of their catalog, with a clear warning', () => {
    expect(casesFor('tencent-cvm-api3').some((c) => c.id === real)).toBe(true);
    const unknown = unknownBaselineEntries(baseline, ['tencent-cvm-api3', 'zenlayer-vm']);
    expect(unknown.map((k) => `${k.dialect}/${k.id}`)).toEqual(['tencent-cvm-api3/no.such.case']);
    expect(unknown.map(unknownBaselineWarning)).toEqual(['baseline lists unknown case tencent-cvm-api3/no.such.case']);
    expect(unknownBaselineEntries(baseline, ['aliyun-ecs']).map((k) => k.id)).toEqual(['also.not.a.case']);
  });

  it('finds nothing in a baseline of real cases, an empty baseline, or for dialects not run', () => {
    expect(unknownBaselineEntries(baseline, ['zenlayer-vm'])).toEqual([]);
    expect(unknownBaselineEntries(EMPTY_BASELINE, ['tencent-cvm-api3'])).toEqual([]);
    expect(unknownBaselineEntries(baseline, [])).toEqual([]);
  });

  it('an unknown entry does not fail the gate by itself', () => {
    expect(gate([], baseline).failed).toBe(false);
  });
});
