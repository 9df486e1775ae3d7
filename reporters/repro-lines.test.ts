/**
 * Every failure of a catalog run shows how to reproduce it, once per case: `vmconform repro <results.json> <case>
 * --dialect D` and a `vmconform run ... --grep '^<case>$'` rerun, in the console, summary.md, JUnit and report.html
 * (a bucket shows them for one of its cases); runs that record no options (fuzz, Pact) and the preflight row show none.
 * Documents built in memory.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_BASELINE, gate } from '../src/engine/baseline.ts';
import type { CaseResult, Finding } from '../src/engine/types.ts';
import { pageData } from './html.ts';
import { toJUnitXml } from './junit.ts';
import { reproLinesOf } from './repro-lines.ts';
import { buildResults, type ResultsDocument, type RunTarget } from './results-json.ts';
import { formatSummaryBody } from './summary.ts';
import { toSummaryMarkdown } from './summary-md.ts';

const D = 'zenlayer-vm' as const;
const TARGET = 'http://127.0.0.1:8080';
const RESULTS = 'out dir/results.json';
const finding = (caseId: string, check: Finding['check'], answer: string): Finding => ({
  fingerprint: `${D}/${caseId}/${check}/${answer}`,
  caseId,
  dialect: D,
  level: 'MUST',
  check,
  rule: 'envelope:success',
  message: `${check} broke`,
  docRef: '001.txt:28',
  source: '001.txt:28',
  curl: `curl -sS -X POST ${TARGET}/api/v2/vm --data-raw '{"instanceIds":["${caseId}"]}'`,
});
const failed = (id: string, findings: Finding[]): CaseResult => ({ id, dialect: D, level: 'MUST', title: id, docRef: '001.txt:1', rules: ['envelope:success'], status: 'failed', durationMs: 1, findings });
// Three cases, one cause (a bucket); one of them also has a cause of its own; one case alone.
const results: CaseResult[] = [
  failed('stop.single', [finding('stop.single', 'request-id-present', '200')]),
  failed('stop.batch.2', [finding('stop.batch.2', 'request-id-present', '200'), finding('stop.batch.2', 'http-status', '500')]),
  failed('param.force.true', [finding('param.force.true', 'request-id-present', '200')]),
  failed('ids.unknown.rejected', [finding('ids.unknown.rejected', 'error-code', 'X')]),
  failed('preflight', [finding('preflight', 'preflight', 'none')]),
];
const docOf = (target: RunTarget): ResultsDocument =>
  buildResults({ runId: 'r1', startedAt: new Date(0), finishedAt: new Date(1), targets: [target], results, verdict: gate(results, EMPTY_BASELINE) });
const catalogRun: RunTarget = { dialect: D, target: TARGET, statesUrl: `${TARGET}/_vmconform/provider-states`, pollTimeoutMs: 10_000, requestTimeoutMs: 10_000 };
const doc = docOf(catalogRun);
const run = doc.runs[0] as ResultsDocument['runs'][number];
const repro = (id: string): string => `npx vmconform repro 'out dir/results.json' ${id} --dialect ${D}`;
const rerun = (id: string): string => `npx vmconform run --dialect ${D} --target ${TARGET} --grep '^${id.replace(/\./g, '\\.')}$'`;
const count = (text: string, part: string): number => text.split(part).length - 1;

describe('repro lines', () => {
  it('name the results file and the case, and rerun it alone with the run\'s states URL, region and --no-states', () => {
    expect(reproLinesOf(run, 'stop.single', RESULTS)).toEqual({ repro: repro('stop.single'), rerun: rerun('stop.single') });
    const other = docOf({ ...catalogRun, statesUrl: 'http://127.0.0.1:9/states', region: 'eu west', noStates: true }).runs[0] as typeof run;
    expect(reproLinesOf(other, 'stop.single', undefined)).toEqual({
      rerun: `npx vmconform run --dialect ${D} --target ${TARGET} --states-url http://127.0.0.1:9/states --region 'eu west' --no-states --grep '^stop\\.single$'`,
    });
    // Fuzz and Pact runs record no options: they print their own replay lines. The preflight is not a case.
    expect(reproLinesOf(docOf({ dialect: D, target: TARGET }).runs[0] as typeof run, 'stop.single', RESULTS)).toBeUndefined();
    expect(reproLinesOf(run, 'preflight', RESULTS)).toBeUndefined();
  });

  it('show once per case in the console, summary.md, JUnit and report.html', () => {
    const ids = ['stop.single', 'stop.batch.2', 'param.force.true', 'ids.unknown.rejected'];
    const console = formatSummaryBody(doc, undefined, 'normal', RESULTS);
    const md = toSummaryMarkdown([doc], undefined, [RESULTS]);
    const xml = toJUnitXml(doc, RESULTS);
    // The console and summary.md: the bucket's lines for a case with no entry of its own, each other entry its own.
    for (const text of [console, md]) {
      expect(count(text, repro('stop.single'))).toBe(1);
      expect(count(text, repro('stop.batch.2'))).toBe(1);
      expect(count(text, repro('ids.unknown.rejected'))).toBe(1);
      expect(count(text, repro('param.force.true'))).toBe(0);
      expect(count(text, rerun('stop.single'))).toBe(1);
      expect(text).not.toContain('repro preflight');
    }
    expect(console).toContain(`    repro: ${repro('ids.unknown.rejected')}\n    rerun: ${rerun('ids.unknown.rejected')}`);
    // JUnit and report.html: one row per case, each with its own lines.
    for (const id of ids) {
      expect(count(xml, repro(id))).toBe(1);
      expect(count(xml, rerun(id))).toBe(1);
    }
    const page = pageData([doc], new Date(0), [RESULTS]) as { runs: { cases: { id: string; repro?: unknown }[]; buckets: { repro?: unknown }[] }[] };
    const [pageRun] = page.runs;
    for (const id of ids) expect(pageRun?.cases.find((c) => c.id === id)?.repro).toEqual({ repro: repro(id), rerun: rerun(id) });
    expect(pageRun?.cases.find((c) => c.id === 'preflight')?.repro).toBeUndefined();
    expect(pageRun?.buckets[0]?.repro).toEqual({ repro: repro('stop.single'), rerun: rerun('stop.single') });
  });

  it('without the results file\'s place, show the rerun line alone', () => {
    const text = formatSummaryBody(doc);
    expect(text).not.toContain('npx vmconform repro');
    expect(count(text, rerun('ids.unknown.rejected'))).toBe(1);
  });
});
