import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { gate, EMPTY_BASELINE, type Baseline, type GateOptions } from '../src/engine/baseline.ts';
import { schemaValidator } from '../src/engine/json-file.ts';
import type { CaseResult, Finding } from '../src/engine/types.ts';
import { ansi, plain, useColor } from './color.ts';
import { toJUnitXml, wallTimeMs, xmlSafe } from './junit.ts';
import { buildResults, parseResults, type ResultsDocument } from './results-json.ts';
import { formatHeader, formatSummary, formatSummaryBody, headerOf } from './summary.ts';
import { MAX_SUMMARY_MD_BYTES, toSummaryMarkdown } from './summary-md.ts';
import { REPORT_FILES, writeReports } from './write-reports.ts';

const hostile = `expected 200, received <b>"x" & 'y'</b> ]]> \u0000\u001b[31m`;
const finding = (caseId: string, message: string, curl?: string): Finding => ({
  fingerprint: `zenlayer-vm/${caseId}/error-code/NOT_FOUND`,
  caseId,
  dialect: 'zenlayer-vm',
  level: 'MUST',
  check: 'error-code',
  rule: 'error:INVALID_INSTANCE_NOT_FOUND',
  message,
  docRef: '001.txt:73 404 INVALID_INSTANCE_NOT_FOUND',
  source: '001.txt:73 404 INVALID_INSTANCE_NOT_FOUND',
  curl,
});
const failedCase = (id: string, level: CaseResult['level'] = 'MUST', over: Partial<CaseResult> = {}): CaseResult => ({
  id,
  dialect: 'zenlayer-vm',
  level,
  title: `${id} title`,
  docRef: '001_531d5cb6841b9371.txt:73 404 INVALID_INSTANCE_NOT_FOUND',
  rules: ['error:INVALID_INSTANCE_NOT_FOUND'],
  status: 'failed',
  durationMs: 30,
  message: `[error-code] ${hostile}`,
  findings: [finding(id, hostile, `curl -sS -X POST http://127.0.0.1:1/api/v2/vm --data-raw '{"instanceIds":["a<b"]}'`)],
  ...over,
});
const passed = (id: string, over: Partial<CaseResult> = {}): CaseResult => ({
  id,
  dialect: 'zenlayer-vm',
  level: 'MUST',
  title: 'stop one',
  docRef: '001_531d5cb6841b9371.txt:40 StopInstances',
  rules: ['transition:RUNNING->STOPPING'],
  status: 'passed',
  durationMs: 12,
  findings: [],
  ...over,
});
const flaky = passed('stop.flaky', {
  previousAttempts: [{ status: 'failed', durationMs: 20, findings: [finding('stop.flaky', 'HTTP status: expected 200, received 500')], message: 'x' }],
});

const results: CaseResult[] = [
  passed('stop.single', { startedAt: '2026-01-01T00:00:01.000Z', durationMs: 1000 }),
  failedCase('ids.unknown.rejected', 'MUST', { startedAt: '2026-01-01T00:00:00.500Z', durationMs: 300 }),
  failedCase('ids.known', 'MUST', { startedAt: '2026-01-01T00:00:02.000Z', durationMs: 500 }),
  failedCase('body.bad-json', 'SHOULD'),
  flaky,
  passed('stop.fixed'),
  { id: 'rate.burst', dialect: 'tencent-cvm-api3', level: 'SHOULD', title: 'burst', docRef: '002.txt:14', rules: [], status: 'skipped', durationMs: 0, message: 'not run', findings: [] },
];
const baseline: Baseline = {
  schemaVersion: 1,
  known: [
    { dialect: 'zenlayer-vm', id: 'ids.known', reason: 'gateway answers 400 (OPS-1)' },
    { dialect: 'zenlayer-vm', id: 'stop.fixed', reason: 'was broken' },
  ],
};

function docFor(rs: readonly CaseResult[], b: Baseline, options: GateOptions = {}): ResultsDocument {
  return buildResults({
    runId: 'run1',
    startedAt: new Date('2026-01-01T00:00:00Z'),
    finishedAt: new Date('2026-01-01T00:00:05Z'),
    targets: [
      { dialect: 'zenlayer-vm', target: 'http://127.0.0.1:1' },
      { dialect: 'tencent-cvm-api3', target: 'http://127.0.0.1:2' },
    ],
    results: rs,
    verdict: gate(rs, b, options),
    baselineFile: 'baseline.json',
    version: '9.9.9',
  });
}
const doc = docFor(results, baseline, { level: 'MUST' });

type JUnitCase = Record<string, unknown> & { '@_name': string; '@_classname': string; '@_file': string };
function parseJUnit(xml: string): { testsuites: Record<string, string> & { testsuite: (Record<string, string> & { testcase: JUnitCase[] })[] } } {
  return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => ['testsuite', 'testcase', 'property', 'flakyFailure'].includes(name) }).parse(xml) as never;
}

describe('results.json', () => {
  it('has the pinned shape (DESIGN.md §6) with schemaVersion, every case\'s gate and the run\'s gate, and passes its shipped schema', () => {
    expect(doc).toMatchObject({ schemaVersion: 1, tool: 'vmconform', version: '9.9.9', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 5000 });
    expect(doc.runs.map((r) => [r.dialect, r.target, r.summary])).toEqual([
      ['zenlayer-vm', 'http://127.0.0.1:1', { total: 6, passed: 3, failed: 3, skipped: 0, flaky: 1 }],
      ['tencent-cvm-api3', 'http://127.0.0.1:2', { total: 1, passed: 0, failed: 0, skipped: 1, flaky: 0 }],
    ]);
    expect(doc.runs[0]?.cases.map((c) => [c.id, c.gate, c.failsRun])).toEqual([
      ['stop.single', 'ok', false],
      ['ids.unknown.rejected', 'new', true],
      ['ids.known', 'known', false],
      ['body.bad-json', 'ok', false],
      ['stop.flaky', 'flaky', false],
      ['stop.fixed', 'fixed', false],
    ]);
    expect(doc.gate).toEqual({ failed: true, level: 'MUST', failOnFlaky: false, retries: 0, baseline: 'baseline.json', counts: { new: 1, known: 1, fixed: 1, flaky: 1, ok: 3 } });
    expect(doc.runs[0]?.cases[2]?.gateReason).toBe('known failure (baseline): gateway answers 400 (OPS-1)');
    expect(doc.runs[0]?.score.must).toEqual({ passed: 3, total: 5, skipped: 0, percent: 60 });
    expect(doc.runs[0]?.score.should).toEqual({ passed: 0, total: 1, skipped: 0, percent: 0 });
    expect(doc.runs[1]?.score.must).toEqual({ passed: 0, total: 0, skipped: 0, percent: null });
    // A skipped case counts as not passed (it verified nothing).
    expect(doc.runs[1]?.score.should).toEqual({ passed: 0, total: 1, skipped: 1, percent: 0 });
    expect(Object.keys(doc.runs[0]?.cases[0] ?? {}).sort()).toEqual(['docRef', 'durationMs', 'exchanges', 'failsRun', 'findings', 'gate', 'id', 'level', 'rules', 'startedAt', 'status', 'title']);
    const validate = schemaValidator('results.schema.json');
    expect(validate(JSON.parse(JSON.stringify(doc))), JSON.stringify(validate.errors)).toBe(true);
    expect(parseResults(JSON.parse(JSON.stringify(doc)))).toEqual(doc);
  });

  it('refuses what it cannot read: no schemaVersion, a newer one, a baseline, a broken case', () => {
    const plainDoc = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
    expect(() => parseResults({ ...plainDoc, schemaVersion: undefined }, 'old.json')).toThrow(/old\.json is not a results\.json this vmconform can read: it has no schemaVersion/);
    expect(() => parseResults({ ...plainDoc, schemaVersion: 7 }, 'new.json')).toThrow(/new\.json has schemaVersion 7; this vmconform reads results\.json of schemaVersion 1/);
    expect(() => parseResults({ schemaVersion: 1, known: [] }, 'b.json')).toThrow('b.json is not a results.json: it is a baseline file');
    const broken = JSON.parse(JSON.stringify(doc)) as { runs: { cases: { gate: string }[] }[] };
    (broken.runs[0]?.cases[0] as { gate: string }).gate = 'green';
    expect(() => parseResults(broken, 'x.json')).toThrow(/x\.json is not a valid results\.json \(schemas\/results\.schema\.json\): \/runs\/0\/cases\/0\/gate must be equal to one of the allowed values \(new, known, fixed, flaky, ok\)/);
  });
});

describe('junit.xml agrees with the gate', () => {
  const xml = toJUnitXml(doc);
  const parsed = parseJUnit(xml);
  const cases = parsed.testsuites.testsuite[0]?.testcase ?? [];
  const byName = (n: string): JUnitCase => cases.find((c) => c['@_name'] === n) as JUnitCase;

  it('is well-formed XML even with hostile text; a <failure> only for the case that fails the run', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toContain('<b>');
    expect(xml).not.toContain('\u0000');
    expect(parsed.testsuites['@_tests']).toBe('7');
    expect(parsed.testsuites['@_failures']).toBe('1');
    expect(parsed.testsuites['@_skipped']).toBe('3');
    expect(xml.match(/<failure /g)).toHaveLength(1);
    const failure = byName('ids.unknown.rejected')['failure'] as { '@_message': string; '#text': string };
    expect(failure['@_message']).toContain(`received <b>"x" & 'y'</b> ]]>`);
    expect(failure['#text']).toContain(`curl -sS -X POST http://127.0.0.1:1/api/v2/vm --data-raw '{"instanceIds":["a<b"]}'`);
  });

  it('known and ungated SHOULD failures are <skipped> with the gate\'s reason and their findings; flaky passes with <flakyFailure>', () => {
    expect(byName('ids.known')['skipped']).toMatchObject({ '@_message': 'known failure (baseline): gateway answers 400 (OPS-1)' });
    expect((byName('ids.known')['skipped'] as { '#text': string })['#text']).toContain('[error-code]');
    expect(byName('body.bad-json')['skipped']).toMatchObject({ '@_message': 'SHOULD failure, not gated (--level must)' });
    expect(byName('stop.flaky')['failure']).toBeUndefined();
    expect(byName('stop.flaky')['flakyFailure']).toEqual([expect.objectContaining({ '@_message': '[error-code] HTTP status: expected 200, received 500' })]);
    expect(byName('stop.fixed')['failure']).toBeUndefined();
    expect(byName('stop.fixed')['skipped']).toBeUndefined();
  });

  it('reads well in Jenkins and GitLab: classname vmconform.<dialect>, name the case id, a file, properties with level, docRef and gate', () => {
    const c = byName('ids.known');
    expect(c['@_classname']).toBe('vmconform.zenlayer-vm');
    expect(c['@_file']).toBe('src/cases/zenlayer-vm.ts');
    expect((c['properties'] as { property: { '@_name': string; '@_value': string }[] }).property.map((p) => [p['@_name'], p['@_value']])).toEqual([
      ['level', 'MUST'],
      // The lines only: results.json and report.html quote them; the rules are in results.json.
      ['docRef', '001_531d5cb6841b9371.txt:73'],
      ['gate', 'known'],
    ]);
    expect(parsed.testsuites.testsuite.map((s) => s['@_name'])).toEqual(['vmconform zenlayer-vm', 'vmconform tencent-cvm-api3']);
  });

  it('a suite\'s time is its wall time (first start to last end), not the sum of its cases', () => {
    const run = { ...(doc.runs[0] as ResultsDocument['runs'][number]) };
    const timed = { ...run, cases: run.cases.filter((c) => c.startedAt !== undefined) };
    expect(wallTimeMs(timed)).toBe(2000); // 00:00:00.5 .. 00:00:02.5
    expect(timed.cases.reduce((n, c) => n + c.durationMs, 0)).toBe(1800);
    expect(wallTimeMs(run)).toBe(run.cases.reduce((n, c) => n + c.durationMs, 0)); // some starts unknown: the sum
  });

  it('with a baseline covering every failure there is no <failure>; with --fail-on-flaky the flaky case is one', () => {
    const all: Baseline = { schemaVersion: 1, known: ['ids.unknown.rejected', 'ids.known', 'body.bad-json'].map((id) => ({ dialect: 'zenlayer-vm' as const, id, reason: 'r' })) };
    const green = docFor(results, all);
    expect(green.gate.failed).toBe(false);
    expect(toJUnitXml(green)).not.toContain('<failure');
    const strict = docFor(results, all, { failOnFlaky: true });
    expect(strict.gate.failed).toBe(true);
    const strictXml = parseJUnit(toJUnitXml(strict));
    const f = strictXml.testsuites.testsuite[0]?.testcase.find((c) => c['@_name'] === 'stop.flaky')?.['failure'] as { '@_message': string; '@_type': string };
    expect(f['@_type']).toBe('vmconform.flaky');
    expect(f['@_message']).toMatch(/fails the run: --fail-on-flaky/);
    expect(strictXml.testsuites['@_failures']).toBe('1');
  });

  it('shows control characters escaped (as every report does) and replaces what XML still cannot carry', () => {
    expect(xmlSafe('a\u0000b\u0007c\uFFFEd\u009b')).toBe('a\\u0000b\\u0007c\uFFFDd\\u009b');
    expect(xmlSafe('ok \u00e9 \u{1F600}')).toBe('ok \u00e9 \u{1F600}');
  });
});

describe('summary (console and summary.txt)', () => {
  it('says what the gate says: counts, score, each failure with its gate, docRef, message and curl, flaky, fixed, the verdict', () => {
    const text = formatSummary(doc);
    expect(text).toContain('vmconform 9.9.9  run run1  started 2026-01-01T00:00:00.000Z\n  zenlayer-vm  http://127.0.0.1:1');
    expect(text).toContain('gate: level must (SHOULD failures not gated), baseline baseline.json, retries 0');
    expect(text).toContain('zenlayer-vm  http://127.0.0.1:1\n  6 cases: 3 passed, 3 failed, 0 skipped (1 flaky)  score: MUST 60% (3/5), SHOULD 0% (0/1)');
    expect(text).toContain('FAIL ids.unknown.rejected [MUST]\n');
    // Known and ungated failures: one line each.
    expect(text).toContain('  FAIL ids.known [MUST] (known, in baseline): gateway answers 400 (OPS-1)\n');
    expect(text).toContain('  FAIL body.bad-json [SHOULD] (SHOULD, not gated): [error-code] expected 200, received');
    expect(text).toContain('tencent-cvm-api3  http://127.0.0.1:2\n  1 cases: 0 passed, 0 failed, 1 skipped  score: MUST n/a, SHOULD 0% (0/1)\n  ran 0 of 1 cases; 1 skipped: not run\n');
    expect(text).toContain('doc: 001_531d5cb6841b9371.txt:73 404 INVALID_INSTANCE_NOT_FOUND');
    expect(text).toContain('curl -sS -X POST http://127.0.0.1:1/api/v2/vm');
    expect(text).toContain('FLAKY stop.flaky [MUST] flaky: failed 1 time(s), passed on attempt 2\n    attempt 1: [error-code] HTTP status: expected 200, received 500');
    expect(text).toContain('fixed: remove from baseline: zenlayer-vm stop.fixed (was broken)');
    expect(text).toContain('1 known failure(s) listed in the baseline\n1 SHOULD failure(s) not gated (--level must)\n1 flaky case(s) (passed on a retry)');
    expect(text).toContain('RESULT: FAILED (1 failure(s) beyond the baseline; 1 of 7 cases skipped)');
    expect(formatSummary(docFor(results, { schemaVersion: 1, known: [{ dialect: 'zenlayer-vm', id: 'ids.unknown.rejected', reason: 'r' }, ...baseline.known] }, { level: 'MUST' }))).toContain(
      'RESULT: PASSED (nothing failed beyond the baseline; 1 of 7 cases skipped)',
    );
  });

  it('the header comes apart from the body (printed when the run starts); colour only where asked', () => {
    expect(formatSummary(doc)).toBe(formatHeader(headerOf(doc)) + formatSummaryBody(doc));
    // A target's text cannot drive the terminal: its control characters are shown, not sent.
    expect(formatSummaryBody(doc, plain)).not.toContain('\u001b');
    expect(formatSummaryBody(doc, plain)).toContain(']]> \\u0000\\u001b[31m');
    expect(formatSummaryBody(doc, ansi)).toContain('\u001b[31mFAIL\u001b[39m ids.unknown.rejected');
    expect(formatSummaryBody(doc, ansi)).toContain('\u001b[33mFAIL\u001b[39m ids.known');
    expect(useColor(true, {})).toBe(true);
    expect(useColor(false, {})).toBe(false);
    expect(useColor(true, { NO_COLOR: '1' })).toBe(false);
    expect(useColor(false, { FORCE_COLOR: '1' })).toBe(true);
    expect(useColor(true, { FORCE_COLOR: '0' })).toBe(false);
    expect(useColor(true, { TERM: 'dumb' })).toBe(false);
  });
});

describe('summary.md', () => {
  it('leads with the verdict and counts per dialect, then new failures with docRef, finding and curl; known ones folded', () => {
    const md = toSummaryMarkdown([doc]);
    expect(md.startsWith('## vmconform: ❌ FAILED\n')).toBe(true);
    expect(md).toContain('| zenlayer-vm | http://127.0.0.1:1 | 6 | 3 | 3 | 0 | 1 | 1 | 1 | 1 | 60% (3/5) | 0% (0/1) |');
    const newAt = md.indexOf('### ❌ New failures (1)');
    const knownAt = md.indexOf('<details><summary>Known failures (baseline) (1)</summary>');
    expect(newAt).toBeGreaterThan(0);
    expect(knownAt).toBeGreaterThan(newAt);
    expect(md).toContain('#### `zenlayer-vm` · `ids.unknown.rejected` [MUST]');
    expect(md).toContain('**doc:** 001\\_531d5cb6841b9371.txt:73 404 INVALID\\_INSTANCE\\_NOT\\_FOUND');
    expect(md).toContain('- **[error-code]** expected 200, received &lt;b&gt;"x" &amp; \'y\'&lt;/b&gt; \\]\\]&gt;');
    expect(md).toContain('```sh\ncurl -sS -X POST http://127.0.0.1:1/api/v2/vm');
    expect(md).toContain('### ⚠️ Flaky (passed on a retry) (1)');
    expect(md).toContain('### ✅ Fixed: remove from the baseline (1)');
    expect(md).toContain('Score per rule family');
    expect(md).not.toContain('<b>');
  });

  it('stays under 1 MiB whatever the run, saying what it left out', () => {
    // Every finding of its own cause (no two cases share one: nothing to group).
    const huge = Array.from({ length: 3000 }, (_, i) =>
      failedCase(`case.${i}`, 'MUST', {
        findings: Array.from({ length: 3 }, (_, j) => ({ ...finding(`case.${i}`, 'x'.repeat(3000), `curl ${'y'.repeat(5000)}`), fingerprint: `zenlayer-vm/case.${i}/error-code/C${i}-${j}` })),
      }),
    );
    const md = toSummaryMarkdown([docFor(huge, EMPTY_BASELINE)]);
    expect(Buffer.byteLength(md)).toBeLessThan(MAX_SUMMARY_MD_BYTES);
    expect(Buffer.byteLength(md)).toBeGreaterThan(MAX_SUMMARY_MD_BYTES - 64 * 1024);
    expect(md).toMatch(/> \*\*Truncated\*\* to stay under 1024 KiB: not shown: \d+ of the 3000 new failures\. Every case is in report\.html and results\.json\./);
    expect(md).toContain('#### `zenlayer-vm` · `case.0` [MUST]');
  });

  it('merges several runs (vmconform report): one row per run, the dialect labelled with its target when it ran twice', () => {
    const other = { ...doc, runId: 'run2', runs: [{ ...(doc.runs[0] as ResultsDocument['runs'][number]), target: 'http://127.0.0.1:9' }] };
    const md = toSummaryMarkdown([doc, other]);
    expect(md).toContain('| zenlayer-vm (http://127.0.0.1:1) |');
    expect(md).toContain('| zenlayer-vm (http://127.0.0.1:9) |');
    expect(md).toContain('Run `run2`');
  });
});

describe('writeReports', () => {
  it('writes every report file of a run from the document', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmconform-writers-'));
    const files = writeReports(dir, doc);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['results.json', 'junit.xml', 'summary.txt', 'summary.md', 'report.html', 'exchanges.har']);
    expect(Object.keys(REPORT_FILES)).toHaveLength(6);
    expect(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toBe(toJUnitXml(doc));
  });
});
