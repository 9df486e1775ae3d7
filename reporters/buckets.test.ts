/**
 * One cause reads once: the findings several cases of a run share (the same fingerprint but for the case id) are one
 * bucket in the console, summary.md, JUnit's text and report.html; a curl line shows once per request; known failures
 * are one line each; --quiet and --verbose; how many cases ran. Documents built in memory (the end-to-end sizes of a
 * real run are pinned in reports.e2e.test.ts).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { gate, parseBaseline, type Baseline } from '../src/engine/baseline.ts';
import { schemaValidator } from '../src/engine/json-file.ts';
import type { CaseResult, Finding } from '../src/engine/types.ts';
import { bucketsOf, causeOf, curlOnce, ranLine } from './buckets.ts';
import { pageData } from './html.ts';
import { toJUnitXml } from './junit.ts';
import { buildResults, rowNoun, type ResultsDocument } from './results-json.ts';
import { formatSummary, formatSummaryBody } from './summary.ts';
import { toSummaryMarkdown } from './summary-md.ts';

const D = 'zenlayer-vm' as const;
const curlOf = (id: string, extra = ''): string => `curl -sS -X POST http://127.0.0.1:1/api/v2/vm --data-raw '{"instanceIds":["${id}"]${extra}}'`;
const finding = (caseId: string, check: Finding['check'], answer: string, message: string, curl: string | undefined = curlOf(caseId), rule = 'envelope:success'): Finding => ({
  fingerprint: `${D}/${caseId}/${check}/${answer}`,
  caseId,
  dialect: D,
  level: 'MUST',
  check,
  rule,
  message,
  docRef: '001.txt:51 requestId',
  source: 'DESIGN.md §2 HTTP 200',
  curl,
});
const noCurl = (f: Finding): Finding => ({ ...f, curl: undefined });
const noRequestId = (id: string, extra = ''): Finding[] => [
  finding(id, 'schema-valid', '200', "expected an answer valid against the spec, received 1 violation(s): /: must have required property 'requestId'", curlOf(id, extra)),
  finding(id, 'request-id-present', '200', 'expected a non-empty RequestId in the answer, received none', curlOf(id, extra)),
];
const failed = (id: string, findings: Finding[], over: Partial<CaseResult> = {}): CaseResult => ({
  id,
  dialect: D,
  level: 'MUST',
  title: `${id} title`,
  docRef: `001.txt:40 ${id}`,
  rules: ['envelope:success'],
  status: 'failed',
  durationMs: 5,
  message: findings.map((f) => `[${f.check}] ${f.message}`).join('\n'),
  findings,
  ...over,
});
const SHARED = ['stop.single', 'stop.batch.2', 'param.force.true', 'param.force.false', 'ids.limit.100-accepted'];
const results: CaseResult[] = [
  // Five cases, one cause (two findings each, on one request each): one bucket; the 100-id case has the longest curl.
  ...SHARED.map((id) => failed(id, noRequestId(id, id === 'ids.limit.100-accepted' ? `,"pad":"${'x'.repeat(3000)}"` : ''))),
  // A cause of its own besides the shared one.
  failed('state.mixed.immediate', [...noRequestId('state.mixed.immediate'), noCurl(finding('state.mixed.immediate', 'state-immediate', 'RUNNING', 'expected STOPPING, received RUNNING', undefined, 'transition:RUNNING->STOPPING'))]),
  // A finding that names no answer is never grouped.
  failed('fuzz.a', [noCurl(finding('fuzz.a', 'legal-outcome', 'none', 'replay with: vmconform fuzz --seed 1'))]),
  failed('fuzz.b', [noCurl(finding('fuzz.b', 'legal-outcome', 'none', 'replay with: vmconform fuzz --seed 2'))]),
  // Known, and known but failing for a different reason.
  failed('known.same', noRequestId('known.same')),
  failed('known.other', [finding('known.other', 'http-status', '500', 'expected 200, received 500')]),
  { id: 'needs.states', dialect: D, level: 'MUST', title: 't', docRef: '001.txt:1', rules: [], status: 'skipped', durationMs: 0, message: 'not run: the case needs seeded instances, and the run has no provider states (--no-states)', findings: [] },
  { id: 'passes', dialect: D, level: 'MUST', title: 't', docRef: '001.txt:1', rules: [], status: 'passed', durationMs: 1, findings: [] },
];
const baseline: Baseline = parseBaseline({
  schemaVersion: 2,
  known: [
    { dialect: D, id: 'known.same', reason: 'gateway drops requestId (OPS-4)' },
    { dialect: D, id: 'known.other', reason: 'answers 503 under load (OPS-5)', fingerprints: [`${D}/known.other/http-status/503`] },
  ],
});
const docInput = {
  runId: 'b1',
  startedAt: new Date('2026-01-01T00:00:00Z'),
  finishedAt: new Date('2026-01-01T00:00:02Z'),
  targets: [{ dialect: D, target: 'http://127.0.0.1:1' }],
  version: '9.9.9',
};
const doc: ResultsDocument = buildResults({ ...docInput, results, verdict: gate(results, baseline) });
const run = doc.runs[0] as ResultsDocument['runs'][number];
const byId = (id: string): ResultsDocument['runs'][number]['cases'][number] => run.cases.find((c) => c.id === id) as never;

describe('buckets', () => {
  it('a cause is the fingerprint without its case id, with the rule; a finding that names no answer has none', () => {
    // A check of the answer's shape is one cause whatever the answer's code (the message tells causes apart).
    expect(causeOf(noRequestId('stop.single')[1] as Finding)).toEqual({ key: `${D}/*/request-id-present/* expected a non-empty RequestId in the answer, received none`, pattern: `${D}/*/request-id-present/*` });
    expect(causeOf(finding('x', 'request-id-present', '403', 'expected a non-empty RequestId in the answer, received none (HTTP 403 with error X: "m (y)")'))?.key).toBe(causeOf(noRequestId('stop.single')[1] as Finding)?.key);
    expect(causeOf(finding('x', 'http-status', '500', 'expected 200'))).toEqual({ key: `${D}/*/http-status/500 envelope:success`, pattern: `${D}/*/http-status/500` });
    expect(causeOf(byId('fuzz.a').findings[0] as Finding)).toBeUndefined();
  });

  it('causes shared by the same cases are one bucket, with its shortest curl; what no other case shares stays with its case', () => {
    const { buckets, rest } = bucketsOf(run.cases.filter((c) => c.gate === 'new'));
    expect(buckets).toHaveLength(1);
    const b = buckets[0];
    expect(b?.cases.map((c) => c.id)).toEqual([...SHARED, 'state.mixed.immediate']);
    expect(b?.causes.map((c) => c.pattern)).toEqual([`${D}/*/schema-valid/*`, `${D}/*/request-id-present/*`]);
    expect(b?.example).toEqual({ caseId: 'stop.single', curl: curlOf('stop.single') });
    expect(rest.get(byId('state.mixed.immediate'))?.map((f) => f.check)).toEqual(['state-immediate']);
    expect(rest.get(byId('stop.single'))).toEqual([]);
    expect(rest.get(byId('fuzz.a'))?.map((f) => f.check)).toEqual(['legal-outcome']);
  });

  it('a check that found two things in the same answer: the bucket shows both (its first case\'s messages)', () => {
    const twice = (id: string): CaseResult =>
      failed(id, [finding(id, 'decodable', '200', 'expected a JSON body, received unparseable body'), finding(id, 'decodable', '200', 'body nests deeper than 64 levels; not parsed')]);
    const run2 = buildResults({ ...docInput, results: [twice('a'), twice('b')], verdict: gate([twice('a'), twice('b')], baseline) }).runs[0];
    const text = formatSummaryBody({ ...doc, runs: run2 ? [run2] : [] });
    expect(text).toContain('FAIL 2 cases, one cause [MUST]: a, b\n');
    expect(text).toContain('[decodable] expected a JSON body, received unparseable body');
    expect(text).toContain('[decodable] body nests deeper than 64 levels; not parsed');
  });

  it('a curl line once per request, after the last finding about it', () => {
    expect(curlOnce([{ curl: 'a' }, { curl: 'a' }, { curl: undefined }, { curl: 'b' }, { curl: 'a' }])).toEqual([false, false, false, true, true]);
  });

  it('says how many cases ran and why the others did not', () => {
    expect(ranLine(run)).toBe('ran 11 of 12 cases; 1 skipped: the case needs seeded instances, and the run has no provider states (--no-states)');
    expect(ranLine({ cases: [byId('passes')] })).toBeUndefined();
    const mixed = { cases: [byId('needs.states'), byId('needs.states'), { ...byId('needs.states'), message: 'not run: the preflight failed' }] };
    expect(ranLine(mixed)).toBe('ran 0 of 3 cases; 3 skipped: 2: the case needs seeded instances, and the run has no provider states (--no-states); 1: the preflight failed');
  });
});

describe('the console', () => {
  const normal = formatSummaryBody(doc);

  it('shows a bucket once: the count, the cases, each cause\'s message and fingerprint, one curl line', () => {
    expect(normal).toContain(`  FAIL 6 cases, the same 2 causes [MUST]: ${[...SHARED, 'state.mixed.immediate'].join(', ')}\n    rules: envelope:success\n`);
    expect(normal).toContain(`    [request-id-present] expected a non-empty RequestId in the answer, received none (${D}/*/request-id-present/*)\n`);
    expect(normal).toContain(`    request of stop.single (the others differ in their ids):\n      ${curlOf('stop.single')}\n`);
    expect(normal.match(/must have required property 'requestId'/g)).toHaveLength(1);
    // The case with a cause of its own keeps it, and says the rest is above.
    expect(normal).toContain('  FAIL state.mixed.immediate [MUST]\n');
    expect(normal).toContain('    [state-immediate] expected STOPPING, received RUNNING\n    and 2 cause(s) it shares with other cases, shown above\n');
    expect(normal).not.toContain('FAIL stop.batch.2');
    // Findings that name no answer are each their own.
    expect(normal).toContain('FAIL fuzz.a [MUST]');
    expect(normal).toContain('FAIL fuzz.b [MUST]');
  });

  it('a known failure is one line; a known case failing for a different reason is new, in full, saying why', () => {
    expect(normal).toContain('  FAIL known.same [MUST] (known, in baseline): gateway drops requestId (OPS-4)\n  FAIL known.other [MUST]\n');
    expect(normal).toContain(`    known case failing for a different reason: ${D}/known.other/http-status/500 (the baseline lists ${D}/known.other/http-status/503)\n`);
    expect(byId('known.other').gate).toBe('new');
    expect(doc.gate.failed).toBe(true);
  });

  it('says how many cases ran, in the counts and in the result line', () => {
    expect(normal).toContain('  ran 11 of 12 cases; 1 skipped: the case needs seeded instances');
    expect(normal).toContain('RESULT: FAILED (9 failure(s) beyond the baseline; 1 of 12 cases skipped)');
  });

  it('--quiet: only the new failures and the result line; --verbose: every failed case in full, each curl once per request', () => {
    const quiet = formatSummary(doc, undefined, 'quiet');
    expect(quiet).not.toMatch(/vmconform 9\.9\.9|score:|ran 11|known\.same|Total:/);
    expect(quiet).toContain('FAIL 6 cases, the same 2 causes [MUST]');
    expect(quiet.trimEnd().split('\n').at(-1)).toBe('RESULT: FAILED (9 failure(s) beyond the baseline; 1 of 12 cases skipped)');
    const verbose = formatSummaryBody(doc, undefined, 'verbose');
    for (const id of [...SHARED, 'known.same']) expect(verbose).toContain(`  FAIL ${id} [MUST]`);
    expect(verbose).toContain('    known failure (baseline): gateway drops requestId (OPS-4)');
    expect(verbose.split(curlOf('stop.single'))).toHaveLength(2);
    expect(verbose).not.toContain('the same 2 causes');
  });
});

describe('summary.md, JUnit and report.html', () => {
  it('summary.md: one block per bucket with its cases and one curl; known failures one line each; how many ran', () => {
    const md = toSummaryMarkdown([doc]);
    expect(md).toContain('#### `zenlayer-vm` · 6 cases, the same 2 causes [MUST]\n\n`stop.single`, `stop.batch.2`');
    expect(md).toContain('request of `stop.single` (the others differ in their ids):');
    // Two curl blocks: the bucket's, and known.other's (the other new failures' findings have none of their own).
    expect(md.match(/```sh\n/g)).toHaveLength(2);
    expect(md).toContain('- `zenlayer-vm` `known.same` [MUST]: known failure (baseline): gateway drops requestId (OPS-4)');
    expect(md).toContain('**gate:** known case failing for a different reason');
    expect(md).toContain('- zenlayer-vm: ran 11 of 12 cases; 1 skipped');
  });

  it('JUnit: one row per case; the first case of a bucket lists its cases and keeps the curl, the others point to it', () => {
    const xml = toJUnitXml(doc);
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (n) => ['testsuite', 'testcase'].includes(n) }).parse(xml) as {
      testsuites: { testsuite: { testcase: { '@_name': string; failure?: { '@_message': string; '#text': string }; skipped?: { '#text'?: string } }[] }[] };
    };
    const cases = parsed.testsuites.testsuite[0]?.testcase ?? [];
    expect(cases).toHaveLength(12);
    const text = (id: string): string => cases.find((c) => c['@_name'] === id)?.failure?.['#text'] ?? '';
    expect(text('stop.single')).toContain(`one cause in 6 cases of this run (${D}/*/schema-valid/*, rule envelope:success): ${[...SHARED, 'state.mixed.immediate'].join(', ')}`);
    expect(text('stop.single').split(curlOf('stop.single'))).toHaveLength(2); // two findings, one request: one curl
    // A case whose every finding the bucket's first case tells in full says one line.
    expect(text('stop.batch.2')).toBe('the same causes as stop.single (schema-valid, request-id-present; one cause in 6 cases), which say them in full');
    expect(cases.find((c) => c['@_name'] === 'stop.batch.2')?.failure?.['@_message']).toBe('[schema-valid] the cause of stop.single, which says it in full (one cause in 6 cases)');
    // Quotes in text stay quotes (no &quot;): the file is smaller and reads the same.
    expect(xml).toContain(`--data-raw '{"instanceIds":["stop.single"]}'`);
  });

  it('report.html\'s data: the buckets of each run, and per finding the cases its cause is shared with', () => {
    const data = pageData([doc]) as { runs: { ran?: string; buckets: { title: string; cases: string[] }[]; cases: { id: string; inBucketOnly: boolean; shared: (number | null)[] }[] }[] };
    const page = data.runs[0];
    expect(page?.ran).toMatch(/^ran 11 of 12 cases/);
    expect(page?.buckets.map((b) => [b.title, b.cases.length])).toEqual([['6 cases, the same 2 causes [MUST]', 6]]);
    const mixed = page?.cases.find((c) => c.id === 'state.mixed.immediate');
    expect(mixed?.inBucketOnly).toBe(false);
    expect(mixed?.shared).toEqual([0, 0, null]);
    expect(page?.cases.find((c) => c.id === 'stop.batch.2')?.inBucketOnly).toBe(true);
  });
});

describe('a run of judged rules (vmconform judge, proxy: rows "rules")', () => {
  // The same rows as judged traffic would give them: every report counts rules where it counted cases.
  const rules: ResultsDocument = buildResults({ ...docInput, targets: [{ dialect: D, target: 'http://127.0.0.1:1', rows: 'rules' }], results, verdict: gate(results, baseline) });
  const rulesRun = rules.runs[0] as ResultsDocument['runs'][number];
  // What names rows as cases: a count of cases, the cases of a run, the cases of a bucket.
  const CASE_WORDS = /\d+ cases\b|cases (of this run|skipped)|other cases|Errors outside the cases|case\(s\)/;

  it('results.json says what its rows are; a run of cases leaves the field out', () => {
    expect(rulesRun.rows).toBe('rules');
    expect('rows' in run).toBe(false);
    expect(rowNoun(rulesRun)).toEqual({ one: 'rule', many: 'rules' });
    expect(rowNoun(run)).toEqual({ one: 'case', many: 'cases' });
    expect(rowNoun(run, rulesRun).many).toBe('cases and rules');
    expect(rowNoun().many).toBe('cases');
    // The shipped schema takes it (and only its two values); a document without it (older, or of cases) stays valid.
    const valid = schemaValidator('results.schema.json');
    expect([valid(JSON.parse(JSON.stringify(rules))), valid(JSON.parse(JSON.stringify(doc)))]).toEqual([true, true]);
    expect(valid(JSON.parse(JSON.stringify({ ...rules, runs: [{ ...rulesRun, rows: 'exchanges' }] })))).toBe(false);
  });

  it('the console: counts, what ran, buckets, totals and the result line say rules', () => {
    const text = formatSummary({ ...rules, errors: ['no traffic reached vmconform'] });
    expect(text).toContain('  12 rules: 1 passed, 10 failed, 1 skipped');
    expect(text).toContain('  ran 11 of 12 rules; 1 skipped: the case needs seeded instances');
    expect(text).toContain('  FAIL 6 rules, the same 2 causes [MUST]: ');
    expect(text).toContain('    and 2 cause(s) it shares with other rules, shown above\n');
    expect(text).toContain('Errors outside the rules (the run is incomplete):');
    expect(text).toMatch(/\nTotal: 12 rules: 1 passed, 10 failed, 1 skipped in /);
    expect(text).toContain('RESULT: FAILED (9 failure(s) beyond the baseline; 1 of 12 rules skipped)');
    expect(text).not.toMatch(CASE_WORDS);
    // The same document of cases reads as it always did.
    expect(formatSummary(doc)).toContain('RESULT: FAILED (9 failure(s) beyond the baseline; 1 of 12 cases skipped)');
  });

  it('summary.md: the table, what ran, buckets and the errors say rules', () => {
    const md = toSummaryMarkdown([{ ...rules, errors: ['no traffic reached vmconform'] }]);
    expect(md).toContain('| dialect | target | rules | passed | failed | skipped |');
    expect(md).toContain('- zenlayer-vm: ran 11 of 12 rules; 1 skipped');
    expect(md).toContain('#### `zenlayer-vm` · 6 rules, the same 2 causes [MUST]');
    expect(md).toContain('<summary>Score per rule family (MUST / SHOULD rules passed)</summary>');
    expect(md).toContain('### Errors outside the rules (the run is incomplete)');
    expect(md).not.toMatch(CASE_WORDS);
    expect(toSummaryMarkdown([doc])).toContain('| dialect | target | cases | passed | failed | skipped |');
    // Merged with a run of cases (vmconform report): the totals name both.
    expect(toSummaryMarkdown([doc, rules])).toContain('| dialect | target | cases and rules | passed |');
  });

  it('JUnit: a cause shared by several rules says rules', () => {
    const xml = toJUnitXml({ ...rules, interrupted: true });
    expect(xml).toContain(`one cause in 6 rules of this run (${D}/*/schema-valid/*, rule envelope:success)`);
    expect(xml).toContain('the same causes as stop.single (schema-valid, request-id-present; one cause in 6 rules), which say them in full');
    expect(xml).toContain('(exit 130): 1 rule(s) not run or skipped');
    // The rows come from the spec's rule inventory, not from the catalog's file.
    expect(xml).toContain('file="specs/zenlayer-vm.yaml"');
    expect(xml).not.toContain('src/cases/');
    expect(toJUnitXml(doc)).toContain('file="src/cases/zenlayer-vm.ts"');
    expect(xml).not.toMatch(CASE_WORDS);
  });

  it("report.html's data: the run's noun and the totals' noun, the buckets and what ran", () => {
    const data = pageData([rules]) as { rows: { many: string }; runs: { rows: { one: string; many: string }; ran?: string; buckets: { title: string }[] }[] };
    expect(data.rows.many).toBe('rules');
    expect(data.runs[0]?.rows).toEqual({ one: 'rule', many: 'rules' });
    expect(data.runs[0]?.ran).toMatch(/^ran 11 of 12 rules; /);
    expect(data.runs[0]?.buckets.map((b) => b.title)).toEqual(['6 rules, the same 2 causes [MUST]']);
    expect((pageData([doc]) as { rows: { many: string } }).rows.many).toBe('cases');
  });
});
