import { har as validateHar } from 'har-validator';
import { describe, expect, it } from 'vitest';
import { EMPTY_BASELINE, gate } from '../src/engine/baseline.ts';
import type { CaseResult, RecordedExchange } from '../src/engine/types.ts';
import { toHar } from './har.ts';
import { buildResults } from './results-json.ts';

const unanswered: RecordedExchange = {
  step: 1,
  role: 'call',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 3.5,
  request: { method: 'GET', url: 'http://127.0.0.1:1/?Action=StopInstances&InstanceId.1=i-a', headers: {}, body: 'x'.repeat(10), truncatedFrom: 100_000 },
  transportError: 'connect ECONNREFUSED 127.0.0.1:1',
};

describe('toHar', () => {
  it('keeps a request that got no answer (status 0 and _error, as devtools do), its query and a cut body, and stays valid HAR 1.2', async () => {
    const r: CaseResult = { id: 'stop.single', dialect: 'aliyun-ecs', level: 'MUST', title: 't', docRef: 'd', rules: [], status: 'failed', durationMs: 4, findings: [], exchanges: [unanswered] };
    const doc = buildResults({ runId: 'r', startedAt: new Date(0), finishedAt: new Date(1), targets: [{ dialect: 'aliyun-ecs', target: 'http://127.0.0.1:1' }], results: [r], verdict: gate([r], EMPTY_BASELINE) });
    const har = toHar([doc]);
    await expect(validateHar(har)).resolves.toBe(har);
    const e = har.log.entries[0];
    expect(e?.response).toMatchObject({ status: 0, _error: 'connect ECONNREFUSED 127.0.0.1:1', bodySize: -1 });
    expect(e?.request.queryString).toEqual([{ name: 'Action', value: 'StopInstances' }, { name: 'InstanceId.1', value: 'i-a' }]);
    expect(e?._vmconform).toMatchObject({ case: 'stop.single', step: 1, role: 'call', attempt: 1, gate: 'new', requestBodyTruncatedFrom: 100_000 });
    expect(har.log.pages).toEqual([{ id: 'aliyun-ecs stop.single', title: 'aliyun-ecs stop.single: t (failed)', startedDateTime: '2026-01-01T00:00:00.000Z', pageTimings: {} }]);
  });
});
