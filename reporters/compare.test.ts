import { describe, expect, it } from 'vitest';
import { EMPTY_BASELINE, gate } from '../src/engine/baseline.ts';
import type { CaseResult } from '../src/engine/types.ts';
import { comparedLabel, compareRuns, comparisonMarkdown, formatComparison, isFlipping, trend } from './compare.ts';
import { buildResults, type ResultsDocument } from './results-json.ts';

type Dialect = CaseResult['dialect'];
const result = (dialect: Dialect, id: string, status: CaseResult['status']): CaseResult => ({
  id,
  dialect,
  level: 'MUST',
  title: id,
  docRef: 'x:1 y',
  rules: [],
  status,
  durationMs: 1,
  message: status === 'failed' ? '[error-code] expected A | received <B>' : undefined,
  findings: status === 'failed' ? [{ fingerprint: `${dialect}/${id}/error-code/B`, caseId: id, dialect, level: 'MUST', check: 'error-code', rule: 'error:A', message: 'expected A | received <B>', docRef: 'x:1 y', source: 'x:1 y', curl: undefined }] : [],
});
let clock = 0;
function run(runId: string, cases: readonly [Dialect, string, CaseResult['status']][]): { source: string; doc: ResultsDocument } {
  const results = cases.map(([d, id, s]) => result(d, id, s));
  const dialects = [...new Set(cases.map(([d]) => d))];
  clock += 1000;
  return {
    source: `${runId}.json`,
    doc: buildResults({
      runId,
      startedAt: new Date(clock),
      finishedAt: new Date(clock + 1),
      targets: dialects.map((d) => ({ dialect: d, target: `http://127.0.0.1:${runId.length}` })),
      results,
      verdict: gate(results, EMPTY_BASELINE),
    }),
  };
}

describe('compareRuns', () => {
  const old = run('r1', [['aliyun-ecs', 'a', 'passed'], ['aliyun-ecs', 'b', 'failed'], ['aliyun-ecs', 'c', 'failed'], ['aliyun-ecs', 'gone', 'passed']]);
  const now = run('r2', [['aliyun-ecs', 'a', 'failed'], ['aliyun-ecs', 'b', 'passed'], ['aliyun-ecs', 'c', 'failed'], ['aliyun-ecs', 'added', 'failed']]);

  it('lists broken, fixed, new, removed and still failing cases; broke when a passing case fails', () => {
    const c = compareRuns([old, now]);
    const d = c.dialects[0];
    expect(d?.broken.map((x) => x.id)).toEqual(['a']);
    expect(d?.fixed.map((x) => x.id)).toEqual(['b']);
    expect(d?.added.map((x) => [x.id, x.after])).toEqual([['added', 'failed']]);
    expect(d?.removed.map((x) => [x.id, x.before])).toEqual([['gone', 'passed']]);
    expect(d?.stillFailing.map((x) => x.id)).toEqual(['c']);
    expect(d?.broken[0]?.finding).toBe('[error-code] expected A | received <B>');
    expect(c.broke).toBe(true);
    expect(compareRuns([now, old]).broke).toBe(true); // c stays, b broke the other way
    expect(compareRuns([old, old]).broke).toBe(false);
    const text = formatComparison(c);
    expect(text).toContain('  broken (1):\n    a [MUST] passed -> failed: [error-code] expected A | received <B>');
    expect(text).toContain('1 broken, 0 no longer run, 1 fixed, 1 new, 1 removed, 1 still failing, 0 still failing for a different reason');
    expect(text).toContain('RESULT: BROKEN');
    const md = comparisonMarkdown(c);
    expect(md).toContain('| broken | `a` | MUST | passed | failed | \\[error-code\\] expected A \\| received &lt;B&gt; |');
    expect(md).not.toContain('<B>');
  });

  it('a run that no longer runs a passing case (preflight failed, interrupted, fewer cases) or adds a failing one broke', () => {
    const good = run('g1', [['zenlayer-vm', 'a', 'passed'], ['zenlayer-vm', 'b', 'passed']]);
    const stopped = run('g2', [['zenlayer-vm', 'preflight', 'failed'], ['zenlayer-vm', 'a', 'skipped'], ['zenlayer-vm', 'b', 'skipped']]);
    const c = compareRuns([good, stopped]);
    expect(c.dialects[0]?.notRun.map((x) => x.id)).toEqual(['a', 'b']);
    expect(c.dialects[0]?.added.map((x) => [x.id, x.after])).toEqual([['preflight', 'failed']]);
    expect(c.broke).toBe(true);
    expect(formatComparison(c)).toContain('  no longer run (2):\n    a [MUST] passed -> skipped');
    expect(comparisonMarkdown(c)).toContain('| no longer run | `a` | MUST | passed | skipped |');
    // A new case that passes, or one skipped before and after, breaks nothing.
    const more = run('g3', [['zenlayer-vm', 'a', 'passed'], ['zenlayer-vm', 'b', 'passed'], ['zenlayer-vm', 'c', 'passed']]);
    expect(compareRuns([good, more]).broke).toBe(false);
    const interrupted = { ...stopped, doc: { ...run('g4', [['zenlayer-vm', 'a', 'passed'], ['zenlayer-vm', 'b', 'skipped']]).doc, interrupted: true } };
    const ci = compareRuns([good, interrupted]);
    expect(ci.broke).toBe(true);
    expect(formatComparison(ci)).toMatch(/-> run g4 \([^)]*, interrupted\)/);
  });

  it('compares each dialect between the two latest runs that have it (a CI matrix of jobs per dialect)', () => {
    const z1 = run('z1', [['zenlayer-vm', 'a', 'passed']]);
    const z2 = run('z2', [['zenlayer-vm', 'a', 'failed']]);
    const c = compareRuns([old, z1, now, z2]);
    expect(c.dialects.map((d) => [d.dialect, d.older?.runId, d.newer.runId, d.broken.map((x) => x.id)])).toEqual([
      ['aliyun-ecs', 'r1', 'r2', ['a']],
      ['zenlayer-vm', 'z1', 'z2', ['a']],
    ]);
    const single = compareRuns([old, z1]);
    expect(single.dialects.every((d) => d.older === undefined && d.broken.length === 0)).toBe(true);
    expect(formatComparison(single)).toContain('nothing to compare');
  });

  it('with three runs or more gives each case\'s history, newest last, and marks flipping ones', () => {
    const third = run('r3', [['aliyun-ecs', 'a', 'passed'], ['aliyun-ecs', 'b', 'passed'], ['aliyun-ecs', 'c', 'failed']]);
    const c = compareRuns([old, now, third]);
    const h = Object.fromEntries((c.dialects[0]?.history ?? []).map((x) => [x.id, [trend(x.statuses), x.flipping]]));
    expect(h).toEqual({ a: ['P F P', true], b: ['F P P', false], c: ['F F F', false], gone: ['P - -', false], added: ['- F -', false] });
    expect(formatComparison(c)).toContain('    P F P  a  flipping');
    expect(comparisonMarkdown(c)).toContain('| `a` | P F P | flipping |');
  });

  it('runs of judged rules (judge, proxy) are compared with runs of judged rules only, and say rules', () => {
    const judged = (x: { source: string; doc: ResultsDocument }): { source: string; doc: ResultsDocument } => ({ ...x, doc: { ...x.doc, runs: x.doc.runs.map((r) => ({ ...r, rows: 'rules' as const })) } });
    const j1 = judged(run('j1', [['aliyun-ecs', 'error:A', 'passed'], ['aliyun-ecs', 'state:x', 'passed']]));
    const j2 = judged(run('j2', [['aliyun-ecs', 'error:A', 'failed'], ['aliyun-ecs', 'state:x', 'passed']]));
    const j3 = judged(run('j3', [['aliyun-ecs', 'error:A', 'passed'], ['aliyun-ecs', 'state:x', 'passed']]));
    // Interleaved with runs of cases of the same dialect: neither side sees the other's ids as new or removed.
    const c = compareRuns([old, j1, now, j2, j3]);
    expect(c.dialects.map((d) => [comparedLabel(d), d.older?.runId, d.newer.runId, d.broken.map((x) => x.id), d.fixed.map((x) => x.id), d.added.length + d.removed.length])).toEqual([
      ['aliyun-ecs', 'r1', 'r2', ['a'], ['b'], 2],
      ['aliyun-ecs (judged rules)', 'j2', 'j3', [], ['error:A'], 0],
    ]);
    const text = formatComparison(c);
    expect(text).toContain('aliyun-ecs (judged rules): run j2 (');
    expect(text).toContain('(P passed, F failed, S skipped, - absent): 1 rule(s) passed in every run\n    P F P  error:A  flipping');
    expect(text).toContain('RESULT: BROKEN (a case or rule that passed now fails');
    const md = comparisonMarkdown(c);
    expect(md).toContain('| aliyun-ecs (judged rules) | j2 -> j3 | 0 | 0 | 1 |');
    expect(md).toContain('### aliyun-ecs (judged rules)\n\n| change | rule | level | before | after | finding |');
    expect(md).toContain('| rule | trend | |');
    expect(formatComparison(compareRuns([j1, j2]))).toContain('RESULT: BROKEN (a rule that passed now fails');
    // Runs of cases read as they always did.
    expect(comparisonMarkdown(compareRuns([old, now]))).toContain('### aliyun-ecs\n\n| change | case | level |');
  });

  it('a target\'s bytes in a results file reach neither the terminal nor compare.md raw', () => {
    const attack = '\u001b]0;pwned\u0007\u001b[2J';
    const a = run('h1', [['zenlayer-vm', 'x', 'passed']]);
    const b = run('h2', [['zenlayer-vm', 'x', 'failed']]);
    const doc = { ...b.doc, runs: b.doc.runs.map((r) => ({ ...r, cases: r.cases.map((c) => ({ ...c, id: `x`, findings: c.findings.map((f) => ({ ...f, message: `bad ${attack}` })) })) })) };
    const evil = { ...a.doc, runId: `r${attack}` };
    const c = compareRuns([{ source: 'a.json', doc: evil }, { source: 'b.json', doc }]);
    const text = formatComparison(c);
    const md = comparisonMarkdown(c);
    for (const out of [text, md]) {
      expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(out).toContain('\\u001b');
    }
    // An id that is not a plain id is escaped text, not a code span it could close.
    const odd = run('h3', [['zenlayer-vm', 'a`|b', 'failed']]);
    expect(comparisonMarkdown(compareRuns([run('h0', [['zenlayer-vm', 'a`|b', 'passed']]), odd]))).toContain('| broken | a\\`\\|b |');
  });

  it('still failing, for a different reason: the fingerprints changed; that breaks the run (exit 1)', () => {
    const before = run('f1', [['aliyun-ecs', 'same', 'failed'], ['aliyun-ecs', 'other', 'failed']]);
    const after = run('f2', [['aliyun-ecs', 'same', 'failed'], ['aliyun-ecs', 'other', 'failed']]);
    const renamed = {
      ...after,
      doc: {
        ...after.doc,
        runs: after.doc.runs.map((r) => ({
          ...r,
          cases: r.cases.map((c) => (c.id === 'other' ? { ...c, findings: c.findings.map((f) => ({ ...f, fingerprint: 'aliyun-ecs/other/http-status/500' })) } : c)),
        })),
      },
    };
    const c = compareRuns([before, renamed]);
    const d = c.dialects[0];
    expect(d?.stillFailing.map((x) => x.id)).toEqual(['same']);
    expect(d?.otherReason.map((x) => [x.id, x.gained, x.lost])).toEqual([['other', ['aliyun-ecs/other/http-status/500'], ['aliyun-ecs/other/error-code/B']]]);
    expect(c.broke).toBe(true);
    const text = formatComparison(c);
    expect(text).toContain(
      '  still failing, for a different reason (1):\n    other [MUST] failed -> failed (now aliyun-ecs/other/http-status/500; no longer aliyun-ecs/other/error-code/B): [error-code] expected A | received <B>',
    );
    expect(text).toContain('0 removed, 1 still failing, 1 still failing for a different reason');
    expect(text).toContain('RESULT: BROKEN');
    expect(comparisonMarkdown(c)).toContain('| still failing, for a different reason | `other` | MUST | failed | failed | now aliyun-ecs/other/http-status/500; no longer');
    // The same fingerprints, or a run too old to have any: still failing, nothing broke.
    expect(compareRuns([before, after]).broke).toBe(false);
    const old = { ...before, doc: { ...before.doc, runs: before.doc.runs.map((r) => ({ ...r, cases: r.cases.map((x) => ({ ...x, findings: x.findings.map(({ fingerprint: _f, ...f }) => f as typeof x.findings[number]) })) })) } };
    expect(compareRuns([old, renamed]).broke).toBe(false);
  });

  it('flipping is two changes between passed and failed; absent and skipped runs do not count', () => {
    expect(isFlipping(['passed', 'failed', 'passed'])).toBe(true);
    expect(isFlipping(['failed', 'absent', 'passed', 'skipped', 'failed'])).toBe(true);
    expect(isFlipping(['passed', 'passed', 'failed'])).toBe(false);
    expect(isFlipping(['passed', 'skipped', 'passed'])).toBe(false);
  });
});
