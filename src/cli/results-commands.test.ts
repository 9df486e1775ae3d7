import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildResults, type ResultsDocument } from '../../reporters/results-json.ts';
import { EMPTY_BASELINE, gate, loadBaseline, parseBaseline } from '../engine/baseline.ts';
import type { CaseResult, Finding } from '../engine/types.ts';
import { UsageError } from '../errors.ts';
import { runCliInProcess } from '../testing/cli.ts';
import { collectResults, mergeBaseline, mergeReport } from './results-actions.ts';

const finding = (id: string): Finding => ({ fingerprint: `aliyun-ecs/${id}/error-code/B`, caseId: id, dialect: 'aliyun-ecs', level: 'MUST', check: 'error-code', rule: 'error:A', message: 'expected A, received B', docRef: 'x:1 y', source: 'x:1 y', curl: undefined });
const result = (id: string, status: CaseResult['status']): CaseResult => ({ id, dialect: 'aliyun-ecs', level: 'MUST', title: id, docRef: 'x:1 y', rules: [], status, durationMs: 1, findings: status === 'failed' ? [finding(id)] : [] });
function doc(runId: string, startedAt: number, cases: readonly [string, CaseResult['status']][]): ResultsDocument {
  const results = cases.map(([id, s]) => result(id, s));
  return buildResults({ runId, startedAt: new Date(startedAt), finishedAt: new Date(startedAt + 1), targets: [{ dialect: 'aliyun-ecs', target: 't' }], results, verdict: gate(results, EMPTY_BASELINE) });
}

describe('collectResults', () => {
  it('reads files as given and every results.json below a directory, oldest run first; refuses an empty directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmconform-collect-'));
    for (const [name, at] of [['b', 2000], ['a', 3000], ['c/deeper', 1000]] as const) {
      mkdirSync(join(dir, 'runs', name), { recursive: true });
      writeFileSync(join(dir, 'runs', name, 'results.json'), JSON.stringify(doc(`run-${name}`, at, [])));
    }
    writeFileSync(join(dir, 'runs', 'other.json'), '{}'); // not named results.json: ignored
    expect(collectResults([join(dir, 'runs')]).map((r) => r.doc.runId)).toEqual(['run-c/deeper', 'run-b', 'run-a']);
    expect(collectResults([join(dir, 'runs', 'a', 'results.json'), join(dir, 'runs', 'b', 'results.json')]).map((r) => r.doc.runId)).toEqual(['run-a', 'run-b']);
    // The same run named twice (a directory given twice, a file and its directory) counts once.
    expect(collectResults([join(dir, 'runs'), join(dir, 'runs', 'a', 'results.json'), join(dir, 'runs')]).map((r) => r.doc.runId)).toEqual(['run-c/deeper', 'run-b', 'run-a']);
    mkdirSync(join(dir, 'empty'));
    expect(() => collectResults([join(dir, 'empty')])).toThrow(UsageError);
    expect(() => collectResults([join(dir, 'nope')])).toThrow(/no such file or directory/);
  });
});

describe('mergeBaseline', () => {
  it('records every failed case of the runs once (never the preflight) with its fingerprints, keeping the reasons of a previous baseline', () => {
    const r = { source: 'r.json', doc: doc('r9', 0, [['preflight', 'failed'], ['a', 'failed'], ['b', 'failed'], ['c', 'passed']]) };
    const m = mergeBaseline([r, r], { schemaVersion: 1, known: [{ dialect: 'aliyun-ecs', id: 'b', reason: 'OPS-7' }, { dialect: 'aliyun-ecs', id: 'c', reason: 'old' }] });
    expect(m.baseline).toEqual({
      schemaVersion: 2,
      known: [
        { dialect: 'aliyun-ecs', id: 'b', reason: 'OPS-7', fingerprints: ['aliyun-ecs/b/error-code/B'] },
        { dialect: 'aliyun-ecs', id: 'a', reason: 'recorded from run r9', fingerprints: ['aliyun-ecs/a/error-code/B'] },
      ],
    });
    expect([m.added, m.dropped, m.rerecorded.map((x) => x.key), m.kept, m.flaky]).toEqual([['aliyun-ecs/a'], ['aliyun-ecs/c'], ['aliyun-ecs/b'], [], []]);
    expect(m.rerecorded[0]?.gained).toEqual(['aliyun-ecs/b/error-code/B']);
  });

  it('a baseline shared by aliyun-ecs and zenlayer-vm keeps the zenlayer entry and its reason when merged with an aliyun-only run', () => {
    const shared = parseBaseline({
      schemaVersion: 1,
      known: [
        { dialect: 'zenlayer-vm', id: 'state.RECYCLE.rejected', reason: 'our gateway answers 409 (OPS-12)' },
        { dialect: 'aliyun-ecs', id: 'a', reason: 'hand-written: DryRun ignored (OPS-3)' },
        { dialect: 'aliyun-ecs', id: 'fixed.now', reason: 'was broken' },
      ],
    });
    const aliyun = { source: 'aliyun/results.json', doc: doc('al1', 0, [['a', 'failed'], ['fixed.now', 'passed'], ['new.one', 'failed']]) };
    const m = mergeBaseline([aliyun], shared);
    expect(m.baseline.known).toEqual([
      { dialect: 'zenlayer-vm', id: 'state.RECYCLE.rejected', reason: 'our gateway answers 409 (OPS-12)' },
      { dialect: 'aliyun-ecs', id: 'a', reason: 'hand-written: DryRun ignored (OPS-3)', fingerprints: ['aliyun-ecs/a/error-code/B'] },
      { dialect: 'aliyun-ecs', id: 'new.one', reason: 'recorded from run al1', fingerprints: ['aliyun-ecs/new.one/error-code/B'] },
    ]);
    expect(mergeReport('baseline.json', m)).toBe(
      'baseline: baseline.json: 3 known failure(s): 1 added, 1 dropped, 1 still failing (reason kept), 1 kept (not run here, or flaky)\n' +
        '  added (1): aliyun-ecs/new.one\n' +
        '  dropped, passed now (1): aliyun-ecs/fixed.now\n' +
        '  still failing, reason kept, fingerprints re-recorded (1): aliyun-ecs/a [+aliyun-ecs/a/error-code/B]\n' +
        '  kept, not run here (1): zenlayer-vm/state.RECYCLE.rejected\n',
    );
  });

  it('replaces nothing a run did not run: skipped cases (--grep, --no-states, an interrupt) keep their entries; a flaky pass keeps its entry', () => {
    const previous = parseBaseline({
      schemaVersion: 2,
      known: [
        { dialect: 'aliyun-ecs', id: 'skipped.one', reason: 'r1', fingerprints: ['aliyun-ecs/skipped.one/http-status/500'] },
        { dialect: 'aliyun-ecs', id: 'not.selected', reason: 'r2' },
        { dialect: 'aliyun-ecs', id: 'flaky.one', reason: 'r3' },
      ],
    });
    const base = doc('r1', 0, [['skipped.one', 'skipped'], ['flaky.one', 'passed']]);
    const flakyRun = { ...base, runs: base.runs.map((run) => ({ ...run, cases: run.cases.map((c) => (c.id === 'flaky.one' ? { ...c, gate: 'flaky' as const } : c)) })) };
    const m = mergeBaseline([{ source: 'r.json', doc: flakyRun }], previous);
    expect(m.baseline.known).toEqual(previous.known);
    expect([m.added, m.dropped, m.rerecorded, m.kept, m.flaky]).toEqual([[], [], [], ['aliyun-ecs/skipped.one', 'aliyun-ecs/not.selected'], ['aliyun-ecs/flaky.one']]);
    expect(mergeReport('b.json', m)).toContain('  kept, flaky (passed on a retry) (1): aliyun-ecs/flaky.one\n  kept, not run here (2): aliyun-ecs/skipped.one, aliyun-ecs/not.selected\n');
  });
});

describe('vmconform baseline --out: merges into an existing file', () => {
  it('writes schemaVersion 2 and says which entries it added, dropped and kept; the result loads as a baseline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmconform-merge-'));
    const results = join(dir, 'results.json');
    const out = join(dir, 'baseline.json');
    writeFileSync(results, JSON.stringify(doc('m1', 0, [['a', 'failed'], ['b', 'passed']])));
    writeFileSync(out, JSON.stringify({ schemaVersion: 1, known: [{ dialect: 'zenlayer-vm', id: 'stop.single', reason: 'hand-written' }, { dialect: 'aliyun-ecs', id: 'b', reason: 'old' }] }));
    const r = await runCliInProcess(['baseline', results, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('  added (1): aliyun-ecs/a\n  dropped, passed now (1): aliyun-ecs/b\n  kept, not run here (1): zenlayer-vm/stop.single\n');
    const written = loadBaseline(out);
    expect(written.schemaVersion).toBe(2);
    expect(written.known.map((k) => [k.id, k.reason, k.fingerprints])).toEqual([
      ['stop.single', 'hand-written', undefined],
      ['a', 'recorded from run m1', ['aliyun-ecs/a/error-code/B']],
    ]);
    const toStdout = await runCliInProcess(['baseline', results]);
    expect(JSON.parse(toStdout.stdout)).toEqual({ schemaVersion: 2, known: [{ dialect: 'aliyun-ecs', id: 'a', reason: 'recorded from run m1', fingerprints: ['aliyun-ecs/a/error-code/B'] }] });
    expect(toStdout.stderr).toContain('added (1): aliyun-ecs/a');
  });
});

describe('vmconform compare', () => {
  it('runs that share no dialect are a usage error naming each file\'s dialects, not "nothing broke"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmconform-compare-'));
    const aliyun = join(dir, 'a.json');
    const zenlayer = join(dir, 'z.json');
    writeFileSync(aliyun, JSON.stringify(doc('c1', 0, [['a', 'failed']])));
    const other = buildResults({ runId: 'c2', startedAt: new Date(5), finishedAt: new Date(6), targets: [{ dialect: 'zenlayer-vm', target: 't' }], results: [], verdict: gate([], EMPTY_BASELINE) });
    writeFileSync(zenlayer, JSON.stringify(other));
    const r = await runCliInProcess(['compare', aliyun, zenlayer]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the runs share no dialect, so nothing can be compared \(.*a\.json: aliyun-ecs; .*z\.json: zenlayer-vm\)/);
    expect(r.stdout).toBe('');
  });
});

describe('a results.json of judged rules (vmconform judge, proxy)', () => {
  it('compare, baseline and report read it: compared with runs of judged rules only, recorded by rule id, merged reports count rules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmconform-judged-'));
    const judged = (runId: string, startedAt: number, status: CaseResult['status']): string => {
      const results = [result('error:A', status)];
      const file = join(dir, runId, 'results.json');
      mkdirSync(join(dir, runId));
      const verdict = gate(results, EMPTY_BASELINE);
      writeFileSync(file, JSON.stringify(buildResults({ runId, startedAt: new Date(startedAt), finishedAt: new Date(startedAt + 1), targets: [{ dialect: 'aliyun-ecs', target: 't', rows: 'rules' }], results, verdict })));
      return file;
    };
    const [j1, j2] = [judged('j1', 1000, 'passed'), judged('j2', 2000, 'failed')];
    const cmp = await runCliInProcess(['compare', j1, j2]);
    expect([cmp.code, cmp.stderr]).toEqual([1, '']);
    expect(cmp.stdout).toMatch(/^aliyun-ecs \(judged rules\): run j1 .*\n  broken \(1\):\n    error:A \[MUST\] passed -> failed/);
    expect(cmp.stdout).toContain('RESULT: BROKEN (a rule that passed now fails');
    // A run of cases of the same dialect is not compared with it (rule ids are not case ids).
    const cases = join(dir, 'cases.json');
    writeFileSync(cases, JSON.stringify(doc('c1', 500, [['a', 'failed']])));
    const apart = await runCliInProcess(['compare', cases, j2]);
    expect([apart.code, apart.stderr]).toEqual([2, expect.stringMatching(/the runs share no dialect, so nothing can be compared \(runs of judged rules are compared only with runs of judged rules\) \(.*cases\.json: aliyun-ecs; .*results\.json: aliyun-ecs \(judged rules\)\)/)]);
    const base = await runCliInProcess(['baseline', j2]);
    expect([base.code, (JSON.parse(base.stdout) as { known: { id: string }[] }).known.map((k) => k.id)]).toEqual([0, ['error:A']]);
    const merged = join(dir, 'merged');
    const report = await runCliInProcess(['report', j2, '--report-dir', merged]);
    expect(report.code, report.stderr).toBe(0);
    expect(readFileSync(join(merged, 'summary.md'), 'utf8')).toContain('| dialect | target | rules | passed |');
  });
});
