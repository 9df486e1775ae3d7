import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { gate, EMPTY_BASELINE } from '../src/engine/baseline.ts';
import type { CaseResult } from '../src/engine/types.ts';
import { toJUnitXml, writeJUnitXml, xmlSafe } from './junit.ts';
import { buildResults, writeResultsJson } from './results-json.ts';
import { formatSummary } from './summary.ts';

const hostile = `expected 200, received <b>"x" & 'y'</b> ]]> \u0000\u001b[31m`;
const results: CaseResult[] = [
  { id: 'stop.single', dialect: 'zenlayer-vm', level: 'MUST', title: 'stop one', docRef: '001.txt:40 StopInstances', rules: ['transition:RUNNING->STOPPING'], status: 'passed', durationMs: 12, findings: [] },
  {
    id: 'ids.unknown.rejected',
    dialect: 'zenlayer-vm',
    level: 'MUST',
    title: 'unknown <id> & co',
    docRef: '001.txt:73 404 INVALID_INSTANCE_NOT_FOUND',
    rules: ['error:INVALID_INSTANCE_NOT_FOUND'],
    status: 'failed',
    durationMs: 30,
    message: `[error-code] ${hostile}`,
    findings: [
      {
        caseId: 'ids.unknown.rejected',
        dialect: 'zenlayer-vm',
        level: 'MUST',
        check: 'error-code',
        message: hostile,
        docRef: '001.txt:73 404 INVALID_INSTANCE_NOT_FOUND',
        curl: `curl -sS -X POST http://127.0.0.1:1/api/v2/vm --data-raw '{"instanceIds":["a<b"]}'`,
      },
    ],
  },
  { id: 'rate.burst', dialect: 'tencent-cvm-api3', level: 'SHOULD', title: 'burst', docRef: '002.txt:14', rules: [], status: 'skipped', durationMs: 0, message: 'not run', findings: [] },
];
const doc = buildResults({
  runId: 'run1',
  startedAt: new Date('2026-01-01T00:00:00Z'),
  finishedAt: new Date('2026-01-01T00:00:05Z'),
  targets: [
    { dialect: 'zenlayer-vm', target: 'http://127.0.0.1:1' },
    { dialect: 'tencent-cvm-api3', target: 'http://127.0.0.1:2' },
  ],
  results,
  version: '9.9.9',
});

describe('results.json', () => {
  it('has the pinned shape (DESIGN.md §6)', () => {
    expect(doc).toMatchObject({ tool: 'vmconform', version: '9.9.9', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 5000 });
    expect(doc.runs.map((r) => [r.dialect, r.target, r.summary])).toEqual([
      ['zenlayer-vm', 'http://127.0.0.1:1', { total: 2, passed: 1, failed: 1, skipped: 0 }],
      ['tencent-cvm-api3', 'http://127.0.0.1:2', { total: 1, passed: 0, failed: 0, skipped: 1 }],
    ]);
    const [passed, failed] = doc.runs[0]?.cases ?? [];
    expect(Object.keys(passed ?? {}).sort()).toEqual(['docRef', 'durationMs', 'findings', 'id', 'level', 'rules', 'status', 'title']);
    expect(failed).toMatchObject({ id: 'ids.unknown.rejected', level: 'MUST', status: 'failed', durationMs: 30, message: expect.any(String) });
    const dir = mkdtempSync(join(tmpdir(), 'vmconform-results-'));
    const path = writeResultsJson(dir, doc);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(doc);
  });
});

describe('junit.xml', () => {
  const xml = toJUnitXml(doc);

  it('is well-formed XML even with hostile text, one testsuite per dialect', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(xml) as {
      testsuites: { '@_tests': string; '@_failures': string; testsuite: { '@_name': string; '@_failures': string; testcase: Record<string, unknown>[] }[] };
    };
    expect(parsed.testsuites['@_tests']).toBe('3');
    expect(parsed.testsuites['@_failures']).toBe('1');
    expect(parsed.testsuites.testsuite.map((s) => s['@_name'])).toEqual(['vmconform zenlayer-vm', 'vmconform tencent-cvm-api3']);
    const failedCase = parsed.testsuites.testsuite[0]?.testcase[1] as { failure: { '@_message': string; '#text': string } };
    expect(failedCase.failure['@_message']).toContain(`received <b>"x" & 'y'</b> ]]>`);
    expect(failedCase.failure['#text']).toContain(`curl -sS -X POST http://127.0.0.1:1/api/v2/vm --data-raw '{"instanceIds":["a<b"]}'`);
    expect(parsed.testsuites.testsuite[1]?.testcase[0]).toHaveProperty('skipped');
  });

  it('escapes markup and replaces characters XML cannot carry', () => {
    expect(xml).not.toContain('<b>');
    expect(xml).not.toContain('\u0000');
    expect(xmlSafe('a\u0000b\u0007c\uFFFEd')).toBe('a\uFFFDb\uFFFDc\uFFFDd');
    expect(xmlSafe('ok \u00e9 \u{1F600}')).toBe('ok \u00e9 \u{1F600}');
    const dir = mkdtempSync(join(tmpdir(), 'vmconform-junit-'));
    expect(readFileSync(writeJUnitXml(dir, doc), 'utf8')).toBe(xml);
  });
});

describe('summary', () => {
  it('lists counts per dialect and each failure with id, docRef, message and curl, then the verdict', () => {
    const text = formatSummary(doc, gate(results, EMPTY_BASELINE));
    expect(text).toContain('zenlayer-vm  http://127.0.0.1:1\n  2 cases: 1 passed, 1 failed, 0 skipped');
    expect(text).toContain('FAIL ids.unknown.rejected [MUST]');
    expect(text).toContain('doc: 001.txt:73 404 INVALID_INSTANCE_NOT_FOUND');
    expect(text).toContain('rules: error:INVALID_INSTANCE_NOT_FOUND');
    expect(text).toContain('Total: 3 cases: 1 passed, 1 failed, 1 skipped');
    expect(text).toContain('[error-code] expected 200, received');
    expect(text).toContain('curl -sS -X POST http://127.0.0.1:1/api/v2/vm');
    expect(text).toContain('RESULT: FAILED (1 failure(s) beyond the baseline)');
    const known = gate(results, { version: 1, known: [{ dialect: 'zenlayer-vm', id: 'ids.unknown.rejected', reason: 'r' }, { dialect: 'zenlayer-vm', id: 'stop.single', reason: 'flaky' }] });
    const text2 = formatSummary(doc, known);
    expect(text2).toContain('(known, in baseline)');
    expect(text2).toContain('fixed: remove from baseline: zenlayer-vm stop.single (flaky)');
    expect(text2).toContain('RESULT: PASSED');
  });
});
