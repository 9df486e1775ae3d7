import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { casesFor } from '../cases/index.ts';
import { DIALECT_NAMES } from '../dialects/types.ts';
import { SCHEMAS_DIR, schemaValidator } from './json-file.ts';
import {
  caseVerdict,
  EMPTY_BASELINE,
  fingerprintsOf,
  gate,
  loadBaseline,
  parseBaseline,
  unknownBaselineEntries,
  unknownBaselineWarning,
  unlistedFingerprints,
} from './baseline.ts';
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
  it('accepts a valid baseline (schemaVersion 2, 1, or the older name version) and rejects bad ones with a clear UsageError', () => {
    const known = [{ dialect: 'aliyun-ecs', id: 'dryrun.success', reason: 'gateway strips DryRun' }];
    const fingerprinted = [{ ...known[0], fingerprints: ['aliyun-ecs/dryrun.success/error-code/IncorrectInstanceStatus'] }];
    expect(parseBaseline({ schemaVersion: 2, known: fingerprinted })).toEqual({ schemaVersion: 2, known: fingerprinted });
    expect(parseBaseline({ schemaVersion: 1, known })).toEqual({ schemaVersion: 2, known });
    expect(parseBaseline({ version: 1, known })).toEqual({ schemaVersion: 2, known });
    expect(() => parseBaseline({ schemaVersion: 2, known: [{ ...known[0], fingerprints: ['aliyun-ecs/other.case/error-code/X'] }] })).toThrow(
      'baseline: aliyun-ecs/dryrun.success lists the fingerprint aliyun-ecs/other.case/error-code/X, which is not one of its case (aliyun-ecs/dryrun.success/<check>/<code or HTTP status>)',
    );
    expect(() => parseBaseline({ schemaVersion: 2, known: [{ ...known[0], fingerprints: [] }] })).toThrow(/fingerprints must NOT have fewer than 1 items/);
    expect(() => parseBaseline({ version: 1, known: [{ dialect: 'aliyun-ecs', id: 'x' }] })).toThrow(/must have required property 'reason'/);
    expect(() => parseBaseline({ version: 1, known: [{ dialect: 'aliyun-ecs', id: 'x', reason: '  ' }] })).toThrow(UsageError);
    expect(() => parseBaseline({ schemaVersion: 3, known: [] })).toThrow(/has schemaVersion 3; this vmconform reads baseline of schemaVersion 2 \(upgrade vmconform\)/);
    expect(() => parseBaseline({ known: [] })).toThrow(/no schemaVersion/);
    expect(() => parseBaseline({ version: 1, known: [{ dialect: 'gcp', id: 'x', reason: 'r' }] })).toThrow(/dialect/);
    expect(() => parseBaseline({ version: 1, known: [{ dialect: 'aliyun-ecs', id: 'x', reason: 'r' }, { dialect: 'aliyun-ecs', id: 'x', reason: 'r' }] })).toThrow(/listed twice/);
    expect(() => parseBaseline([1])).toThrow(/expected a JSON object/);
  });

  it('says a results.json is not a baseline and how to make one, instead of listing schema complaints', () => {
    const results = { schemaVersion: 1, tool: 'vmconform', version: '0.1.0', runs: [{ dialect: 'aliyun-ecs', cases: [] }] };
    expect(() => parseBaseline(results, 'baseline r.json')).toThrow(
      'baseline r.json is not a baseline: it is a results.json; record a baseline from it with `vmconform baseline RESULTS --out baseline.json`',
    );
  });

  it('names each distinct schema complaint once', () => {
    const many = { schemaVersion: 1, known: Array.from({ length: 7 }, (_, i) => ({ dialect: 'aliyun-ecs', id: `c${i}`, reason: 'r', extra: true })) };
    const message = (() => {
      try {
        parseBaseline(many);
        return '';
      } catch (err: unknown) {
        return err instanceof Error ? err.message : '';
      }
    })();
    expect(message.match(/must NOT have additional properties/g)?.length).toBe(7);
    expect(new Set(message.split('; ')).size).toBe(message.split('; ').length);
  });

  it('reads files; unreadable or non-JSON files are usage errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmconform-baseline-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ schemaVersion: 1, known: [] }));
    expect(loadBaseline(good)).toEqual(EMPTY_BASELINE);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{nope');
    expect(() => loadBaseline(bad)).toThrow(/is not JSON/);
    expect(() => loadBaseline(join(dir, 'missing.json'))).toThrow(/cannot read baseline/);
  });

  it('the shipped schema is the one the loader uses', () => {
    const schema = JSON.parse(readFileSync(new URL('baseline.schema.json', SCHEMAS_DIR), 'utf8')) as { properties: { known: { items: { properties: { dialect: { enum: string[] } } } } } };
    expect(schema.properties.known.items.properties.dialect.enum).toEqual([...DIALECT_NAMES]);
    expect(schemaValidator('baseline.schema.json')({ schemaVersion: 1, known: [], surprise: 1 })).toBe(false);
    expect(schemaValidator('baseline.schema.json')({ schemaVersion: 2, known: [{ dialect: 'aliyun-ecs', id: 'x', reason: 'r', fingerprints: ['aliyun-ecs/x/a/b', 'aliyun-ecs/x/a/b'] }] })).toBe(false);
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

  it('no baseline hides a failed preflight (a target that stopped the run is never a known failure)', () => {
    const listed = parseBaseline({ schemaVersion: 1, known: [{ dialect: 'aliyun-ecs', id: 'preflight', reason: 'recorded' }] });
    const v = gate([result('preflight', 'failed'), result('a', 'skipped')], listed);
    expect(v.failed).toBe(true);
    expect(v.newFailures.map((r) => r.id)).toEqual(['preflight']);
  });

  it('the same id in another dialect is not covered', () => {
    const other: CaseResult = { ...result('known.fails', 'failed'), dialect: 'zenlayer-vm' };
    expect(gate([other], baseline).failed).toBe(true);
  });

  it('--level must gates on MUST cases only', () => {
    const rs = [result('s', 'failed', 'SHOULD')];
    expect(gate(rs, EMPTY_BASELINE, { level: 'ALL' }).failed).toBe(true);
    const v = gate(rs, EMPTY_BASELINE, { level: 'MUST' });
    expect(v.failed).toBe(false);
    expect(v.ignoredShould.map((r) => r.id)).toEqual(['s']);
    expect(gate([result('m', 'failed', 'MUST')], EMPTY_BASELINE, { level: 'MUST' }).failed).toBe(true);
    expect(v.verdicts).toEqual([{ gate: 'ok', failsRun: false, reason: 'SHOULD failure, not gated (--level must)' }]);
  });

  it('gives every case its place: new, known, fixed, flaky, ok, with the reason', () => {
    const flaky: CaseResult = { ...result('flaky', 'passed'), previousAttempts: [{ status: 'failed', durationMs: 1, findings: [] }] };
    const rs = [result('a', 'passed'), result('new.fail', 'failed'), result('known.fails', 'failed'), result('known.fixed', 'passed'), flaky, result('s', 'skipped')];
    const v = gate(rs, baseline);
    expect(v.verdicts.map((x) => x.gate)).toEqual(['ok', 'new', 'known', 'fixed', 'flaky', 'ok']);
    expect(v.verdicts.map((x) => x.failsRun)).toEqual([false, true, false, false, false, false]);
    expect(v.verdicts[2]?.reason).toBe('known failure (baseline): r1');
    expect(v.verdicts[3]?.reason).toBe('fixed: remove from baseline (r2)');
    expect(v.verdicts[4]?.reason).toBe('flaky: failed 1 time(s), passed on attempt 2');
    expect(v.flaky.map((r) => r.id)).toEqual(['flaky']);
  });

  it('a flaky case fails the run only with --fail-on-flaky, and not when the baseline lists it or its level is not gated', () => {
    const flaky = (id: string, level: CaseResult['level'] = 'MUST'): CaseResult => ({ ...result(id, 'passed', level), previousAttempts: [{ status: 'failed', durationMs: 1, findings: [] }] });
    expect(gate([flaky('x')], EMPTY_BASELINE).failed).toBe(false);
    const strict = gate([flaky('x')], EMPTY_BASELINE, { failOnFlaky: true });
    expect(strict.failed).toBe(true);
    expect(strict.verdicts[0]?.reason).toMatch(/fails the run: --fail-on-flaky/);
    expect(gate([flaky('known.fails')], baseline, { failOnFlaky: true }).failed).toBe(false);
    expect(gate([flaky('s', 'SHOULD')], EMPTY_BASELINE, { failOnFlaky: true, level: 'MUST' }).failed).toBe(false);
    expect(caseVerdict(flaky('known.fails'), baseline.known[0], { failOnFlaky: true }).reason).toMatch(/the baseline lists it: r1/);
  });
});

describe('gate with fingerprints', () => {
  const failing = (fingerprints: readonly string[], level: CaseResult['level'] = 'MUST'): CaseResult => ({
    ...result('stop.single', 'failed', level),
    findings: fingerprints.map((fingerprint) => ({
      fingerprint,
      caseId: 'stop.single',
      dialect: 'aliyun-ecs' as const,
      level,
      check: 'http-status' as const,
      rule: 'r',
      message: 'm',
      docRef: 'x:1',
      source: 'x:1',
      curl: undefined,
    })),
  });
  const listed = (fingerprints?: string[]) =>
    parseBaseline({ schemaVersion: 2, known: [{ dialect: 'aliyun-ecs', id: 'stop.single', reason: 'OPS-1', ...(fingerprints ? { fingerprints } : {}) }] });
  const fp500 = 'aliyun-ecs/stop.single/http-status/500';
  const fp503 = 'aliyun-ecs/stop.single/http-status/503';

  it('a known case failing with a listed fingerprint (or fewer of them) is known', () => {
    expect(gate([failing([fp500])], listed([fp500, fp503])).verdicts[0]?.gate).toBe('known');
    expect(gate([failing([fp500, fp503])], listed([fp500, fp503])).failed).toBe(false);
  });

  it('a known case failing with a fingerprint its entry does not list is a new failure, saying so, and fails the run', () => {
    const v = gate([failing([fp500, fp503])], listed([fp500]));
    expect(v.failed).toBe(true);
    expect(v.newFailures.map((r) => r.id)).toEqual(['stop.single']);
    expect(v.verdicts[0]).toEqual({ gate: 'new', failsRun: true, reason: `known case failing for a different reason: ${fp503} (the baseline lists ${fp500})` });
    // Not gated at its level: still not failing the run.
    expect(gate([failing([fp503], 'SHOULD')], listed([fp500]), { level: 'MUST' }).verdicts[0]?.gate).toBe('ok');
  });

  it('an entry naming the case alone (a hand-written or a version 1 baseline) knows any reason', () => {
    expect(gate([failing([fp503])], listed()).verdicts[0]?.gate).toBe('known');
    const v1 = parseBaseline({ schemaVersion: 1, known: [{ dialect: 'aliyun-ecs', id: 'stop.single', reason: 'OPS-1' }] });
    expect(gate([failing([fp503])], v1).failed).toBe(false);
  });

  it('findings without a fingerprint (a results.json older than fingerprints) cannot differ', () => {
    const old = { ...failing([]), findings: [{ ...failing([fp503]).findings[0], fingerprint: undefined } as unknown as CaseResult['findings'][number]] };
    expect(unlistedFingerprints(old, { dialect: 'aliyun-ecs', id: 'stop.single', reason: 'r', fingerprints: [fp500] })).toEqual([]);
    expect(fingerprintsOf(failing([fp503, fp500, fp503]).findings)).toEqual([fp500, fp503]);
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
