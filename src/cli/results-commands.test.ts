import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildResults, type ResultsDocument } from '../../reporters/results-json.ts';
import { EMPTY_BASELINE, gate } from '../engine/baseline.ts';
import type { CaseResult } from '../engine/types.ts';
import { UsageError } from '../errors.ts';
import { baselineFrom, collectResults } from './results-actions.ts';

const result = (id: string, status: CaseResult['status']): CaseResult => ({ id, dialect: 'aliyun-ecs', level: 'MUST', title: id, docRef: 'x:1 y', rules: [], status, durationMs: 1, findings: [] });
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

describe('baselineFrom', () => {
  it('lists every failed case of the runs once (never the preflight), keeping the reasons of a previous baseline for those still failing', () => {
    const r = { source: 'r.json', doc: doc('r9', 0, [['preflight', 'failed'], ['a', 'failed'], ['b', 'failed'], ['c', 'passed']]) };
    const b = baselineFrom([r, r], { schemaVersion: 1, known: [{ dialect: 'aliyun-ecs', id: 'b', reason: 'OPS-7' }, { dialect: 'aliyun-ecs', id: 'c', reason: 'old' }] });
    expect(b).toEqual({
      schemaVersion: 1,
      known: [
        { dialect: 'aliyun-ecs', id: 'a', reason: 'recorded from run r9' },
        { dialect: 'aliyun-ecs', id: 'b', reason: 'OPS-7' },
      ],
    });
  });
});
