import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CaseRow } from '../cases/types.ts';
import { getDialect } from '../dialects/index.ts';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { WindowPacer } from './pacer.ts';
import { TransportBreaker } from './breaker.ts';
import { caseBudgetMs, expandSeeds, isPacedCall, newRunId, NOT_RUN_NO_STATES, rowNeedsStates, runCase } from './run-case.ts';
import { startFakeZenlayer, type FakeTarget } from './testing/fake-zenlayer.ts';
import type { RunContext } from './types.ts';

const DOC = '001_531d5cb6841b9371.txt:1 test';

const stopSingle: CaseRow = {
  id: 'stop.single',
  dialect: 'zenlayer-vm',
  level: 'MUST',
  title: 'stop one',
  docRef: DOC,
  rules: [],
  instances: [
    { alias: 'a', status: 'RUNNING' },
    { alias: 'bystander', status: 'RUNNING' },
  ],
  steps: [{ kind: 'call', call: { operation: 'StopInstances', ids: ['a'] }, expect: { result: 'success', stopped: ['a'] } }],
};

const unknownRejected: CaseRow = {
  id: 'ids.unknown.mixed',
  dialect: 'zenlayer-vm',
  level: 'MUST',
  title: 'unknown id in a batch',
  docRef: DOC,
  rules: [],
  instances: [{ alias: 'a', status: 'RUNNING' }],
  steps: [
    {
      kind: 'call',
      call: { operation: 'StopInstances', ids: ['a', { unknown: 'x' }] },
      expect: { result: 'error', codes: ['INVALID_INSTANCE_NOT_FOUND'], stopped: [] },
    },
  ],
};

const stoppedRejected: CaseRow = {
  id: 'state.STOPPED.rejected',
  dialect: 'zenlayer-vm',
  level: 'MUST',
  title: 'stopped instance',
  docRef: DOC,
  rules: [],
  instances: [{ alias: 'a', status: 'STOPPED' }],
  steps: [
    {
      kind: 'call',
      call: { operation: 'StopInstances', ids: ['a'] },
      expect: { result: 'error', codes: ['OPERATION_DENIED_INSTANCE_NOT_RUNNING'], stopped: [] },
    },
  ],
};

let fake: FakeTarget;
const ctx = (over: Partial<RunContext> = {}): RunContext => ({
  dialect: 'zenlayer-vm',
  target: fake.url,
  statesUrl: fake.statesUrl,
  credentials: TEST_CREDENTIALS,
  runId: newRunId(),
  pollTimeoutMs: 2_000,
  requestTimeoutMs: 2_000,
  pacer: new WindowPacer(),
  ...over,
});

beforeAll(async () => {
  fake = await startFakeZenlayer({ transitionMs: 30 });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.fault = 'none';
  fake.stateCalls.length = 0;
});

const checksOf = (r: { findings: readonly { check: string }[] }): string[] => [...new Set(r.findings.map((f) => f.check))];

describe('runCase against a right target', () => {
  it('passes an accepted stop, a rejection and a state rule, and tears down every seeded instance', async () => {
    for (const row of [stopSingle, unknownRejected, stoppedRejected]) {
      const r = await runCase(row, ctx());
      expect(r.findings).toEqual([]);
      expect(r).toMatchObject({ id: row.id, dialect: 'zenlayer-vm', level: 'MUST', status: 'passed', docRef: DOC, title: row.title });
      expect(r.message).toBeUndefined();
    }
    expect(fake.instances.size).toBe(0);
    expect(fake.stateCalls.map((c) => c.action)).toEqual(['setup', 'teardown', 'setup', 'teardown', 'setup', 'teardown']);
  });

  it('picks fresh ids per run and case, valid for the dialect', async () => {
    await runCase(stopSingle, ctx({ runId: 'run1' }));
    await runCase(stopSingle, ctx({ runId: 'run2' }));
    const [a, , b] = fake.stateCalls;
    expect(a?.ids).toHaveLength(2);
    expect(new Set([...(a?.ids ?? []), ...(b?.ids ?? [])]).size).toBe(4);
    for (const id of a?.ids ?? []) expect(id).toMatch(/^vm-[0-9a-f]{16}$/);
  });

  it('skips a row of another dialect', async () => {
    const r = await runCase({ ...stopSingle, dialect: 'aliyun-ecs' }, ctx());
    expect(r.status).toBe('skipped');
    expect(fake.stateCalls).toEqual([]);
  });
});

describe('runCase against wrong targets', () => {
  it('flags a success that stops nothing (state-immediate) and still tears down', async () => {
    fake.fault = 'no-stop';
    const r = await runCase(stopSingle, ctx());
    expect(r.status).toBe('failed');
    expect(checksOf(r)).toEqual(['state-immediate']);
    expect(r.findings[0]?.message).toMatch(/expected status STOPPING or STOPPED right after the call, received RUNNING/);
    expect(r.findings[0]?.curl).toMatch(/^curl -sS -X POST http:\/\/127\.0\.0\.1:\d+\/api\/v2\/vm /);
    expect(fake.instances.size).toBe(0);
  });

  it('flags a 5xx, with the shape every finding has and no secret', async () => {
    fake.fault = 'server-error';
    const r = await runCase(stopSingle, ctx());
    expect(r.status).toBe('failed');
    expect(checksOf(r)).toContain('not-server-error');
    expect(checksOf(r)).toContain('result-kind');
    const f = r.findings.find((x) => x.check === 'not-server-error');
    expect(f).toEqual({
      fingerprint: 'zenlayer-vm/stop.single/not-server-error/INTERNAL',
      caseId: 'stop.single',
      dialect: 'zenlayer-vm',
      level: 'MUST',
      check: 'not-server-error',
      rule: 'envelope:success',
      message: expect.stringMatching(/expected no 5xx, received HTTP 500/),
      docRef: DOC,
      source: '001_531d5cb6841b9371.txt:1',
      curl: expect.stringMatching(/^curl /),
    });
    expect(JSON.stringify(r)).not.toContain(TEST_CREDENTIALS.accessKeySecret);
    expect(r.message).toContain('[not-server-error]');
    expect(fake.instances.size).toBe(0);
  });

  it('turns a garbage answer into findings, never a crash', async () => {
    fake.fault = 'garbage';
    const r = await runCase(stopSingle, ctx());
    expect(r.status).toBe('failed');
    expect(checksOf(r)).toEqual(expect.arrayContaining(['decodable', 'result-kind']));
    // No seed states a zenlayer answer's Content-Type (DESIGN.md §3): never judged.
    expect(checksOf(r)).not.toContain('content-type');
  });

  it('flags the wrong error code', async () => {
    fake.fault = 'wrong-code';
    const r = await runCase(unknownRejected, ctx());
    expect(checksOf(r)).toEqual(['error-code']);
    expect(r.findings[0]?.message).toMatch(/expected error code INVALID_INSTANCE_NOT_FOUND, received NOT_FOUND/);
  });

  it('flags a rejected request that changed state anyway', async () => {
    fake.fault = 'stop-on-error';
    const r = await runCase(unknownRejected, ctx());
    expect(checksOf(r)).toEqual(['state-immediate']);
    expect(r.findings[0]?.message).toMatch(/a \(vm-[0-9a-f]+\): expected status RUNNING right after the call, received STOPPING/);
  });

  it('flags an instance that never reaches the stopped word (state-eventual)', async () => {
    fake.fault = 'never-stopped';
    const r = await runCase(stopSingle, ctx({ pollTimeoutMs: 300 }));
    expect(checksOf(r)).toEqual(['state-eventual']);
    expect(r.findings[0]?.message).toMatch(/expected status STOPPED within 300 ms, received STOPPING/);
  });

  it('flags reused request ids among StopInstances answers, never among status answers (DESIGN.md §3)', async () => {
    fake.fault = 'same-request-id';
    // stop.single: one StopInstances answer and several status answers, all with one id: nothing to judge.
    expect((await runCase(stopSingle, ctx())).findings).toEqual([]);
    const twoStops: CaseRow = {
      ...stopSingle,
      id: 'stop.twice',
      steps: [
        { kind: 'call', call: { operation: 'StopInstances', ids: ['a'] }, expect: { result: 'success', stopped: ['a'] } },
        { kind: 'call', call: { operation: 'StopInstances', ids: ['bystander'] }, expect: { result: 'success', stopped: ['bystander'] } },
      ],
    };
    const r = await runCase(twoStops, ctx());
    expect(checksOf(r)).toEqual(['request-id-unique']);
    expect(r.findings[0]).toMatchObject({ rule: 'envelope:success', source: expect.stringContaining('001_531d5cb6841b9371.txt:28') as unknown });
  });

  it('makes a failed setup visible with the HTTP status and body, and still tears down', async () => {
    fake.fault = 'setup-500';
    const r = await runCase(stopSingle, ctx());
    expect(r.status).toBe('failed');
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]?.check).toBe('provider-state');
    expect(r.findings[0]?.message).toMatch(/setup: expected HTTP 2xx \(DESIGN.md §4\), received HTTP 500 with body .*store is down/);
    expect(r.findings[0]).toMatchObject({ rule: 'protocol:provider-states', source: 'DESIGN.md §4 One extra endpoint on the target' });
    expect(r.findings[0]?.curl).toContain('/_vmconform/provider-states');
    expect(fake.stopCalls).toBeGreaterThanOrEqual(0);
    expect(fake.stateCalls.map((c) => c.action)).toEqual(['setup', 'teardown']);
  });

  it('a hanging target: the request times out at --request-timeout, a finding, and the case tears down', async () => {
    fake.fault = 'hang';
    const started = Date.now();
    const r = await runCase(stopSingle, ctx({ requestTimeoutMs: 400 }));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(checksOf(r)).toEqual(['transport-ok']);
    expect(fake.stateCalls.map((c) => c.action)).toEqual(['setup', 'teardown']);
    expect(fake.instances.size).toBe(0);
  });

  it('reports a refused connection, never a crash', async () => {
    const r = await runCase(stopSingle, ctx({ target: 'http://127.0.0.1:1', statesUrl: 'http://127.0.0.1:1/_vmconform/provider-states' }));
    expect(r.status).toBe('failed');
    expect(r.findings.map((f) => f.check)).toEqual(['provider-state', 'provider-state']);
    expect(r.findings[0]?.message).toMatch(/ECONNREFUSED/);
  });

  it('reports a target that refuses the API call itself (transport-ok) and stops the case', async () => {
    const r = await runCase(stopSingle, ctx({ target: 'http://127.0.0.1:1' }));
    expect(checksOf(r)).toEqual(['transport-ok']);
    expect(fake.instances.size).toBe(0);
  });
});

const row = (id: string, instances: CaseRow['instances'], step: CaseRow['steps'][number]): CaseRow => ({
  id,
  dialect: 'zenlayer-vm',
  level: 'MUST',
  title: id,
  docRef: DOC,
  rules: [],
  instances,
  steps: [step],
});

const emptyRejected = row('ids.empty.rejected', [{ alias: 'bystander', status: 'RUNNING' }], {
  kind: 'call',
  call: { operation: 'StopInstances', ids: [] },
  expect: { result: 'client-error', stopped: [] },
});
const badJsonRejected = row('body.bad-json.rejected', [{ alias: 'bystander', status: 'RUNNING' }], {
  kind: 'call',
  call: { operation: 'StopInstances', ids: ['bystander'], rawBody: '{"instanceIds": [' },
  expect: { result: 'client-error', stopped: [] },
});
const duplicateHandled = row('ids.duplicate.handled', [{ alias: 'a', status: 'RUNNING' }, { alias: 'bystander', status: 'RUNNING' }], {
  kind: 'call',
  call: { operation: 'StopInstances', ids: ['a', 'a'] },
  expect: { result: 'not-5xx' },
});

describe('client errors must be the dialect error envelope', () => {
  it('passes the error envelope (any code) and flags an HTML body that kept the 4xx status', async () => {
    for (const r of [emptyRejected, badJsonRejected]) {
      expect((await runCase(r, ctx())).findings).toEqual([]);
    }
    fake.fault = 'html-errors';
    for (const r of [emptyRejected, badJsonRejected]) {
      const res = await runCase(r, ctx());
      expect(res.status).toBe('failed');
      expect(checksOf(res)).toEqual(expect.arrayContaining(['decodable', 'result-kind', 'request-id-present']));
    }
  });
});

describe('not-5xx answers (duplicated ids)', () => {
  it('passes a success that stops the named instance, and an error envelope that changes nothing', async () => {
    const ok = await runCase(duplicateHandled, ctx());
    expect(ok.findings).toEqual([]);
    fake.fault = 'dup-rejected';
    const rejected = await runCase(duplicateHandled, ctx());
    expect(rejected.findings).toEqual([]);
  });

  it('flags answers that are not the API (HTML, truncated JSON, null)', async () => {
    for (const fault of ['garbage', 'truncated-json', 'null-body'] as const) {
      fake.fault = fault;
      const r = await runCase(duplicateHandled, ctx());
      expect(r.status, fault).toBe('failed');
      expect(checksOf(r), fault).toEqual(expect.arrayContaining(['decodable', 'result-kind', 'request-id-present']));
    }
  });

  it('checks the state by what came back: a success must stop, an error must change nothing', async () => {
    fake.fault = 'dup-accepted-no-stop';
    const noStop = await runCase(duplicateHandled, ctx());
    expect(checksOf(noStop)).toEqual(['state-immediate']);
    expect(noStop.findings[0]?.message).toMatch(/^a \(vm-[0-9a-f]+\): expected status STOPPING or STOPPED right after the call, received RUNNING/);
    fake.fault = 'dup-rejected-but-stops';
    const stops = await runCase(duplicateHandled, ctx());
    expect(checksOf(stops)).toEqual(['state-immediate']);
    expect(stops.findings[0]?.message).toMatch(/^a \(vm-[0-9a-f]+\): expected status RUNNING right after the call, received STOPPING/);
  });
});

describe('reading statuses robustly (DESIGN.md §3: the status query is an instrument, its paging never judged)', () => {
  const seeds = [{ alias: 'a', status: 'RUNNING' }, { alias: 'b', status: 'STOPPED' }, { alias: 'c', status: 'RUNNING' }, { alias: 'd', status: 'RUNNING' }, { alias: 'e', status: 'RUNNING' }];
  const stopTwo = row('stop.two', seeds, { kind: 'call', call: { operation: 'StopInstances', ids: ['a', 'c'] }, expect: { result: 'success', stopped: ['a', 'c'] } });

  it.each(['status-pages-of-2', 'status-pages-of-2-no-total', 'status-reversed', 'status-throttled'] as const)(
    'passes a right target whose status query is %s, and still catches a wrong state',
    async (fault) => {
      fake.fault = fault;
      expect((await runCase(stopTwo, ctx())).findings).toEqual([]);
      const rejected = await runCase(stoppedRejected, ctx());
      expect(rejected.findings).toEqual([]);
    },
  );

  it('sends a call step again when the target throttles it (a throttled refusal changes nothing), but never a burst', async () => {
    fake.fault = 'stop-throttled';
    fake.stopCalls = 0;
    expect((await runCase(stopTwo, ctx())).findings).toEqual([]);
    expect(fake.stopCalls).toBe(2);
  });

  it('follows pages: a target paging by 2 with totals reads all five instances of a case', async () => {
    fake.fault = 'status-pages-of-2';
    const wrongAfterPaging = row('stop.two.wrong', seeds, { kind: 'call', call: { operation: 'StopInstances', ids: ['a', 'c'] }, expect: { result: 'success', stopped: ['a'] } });
    const r = await runCase(wrongAfterPaging, ctx());
    // c is on the second page of the status query: the engine must have read it to see that it changed.
    expect(r.findings.map((f) => f.message)).toEqual([expect.stringMatching(/^c \(vm-[0-9a-f]+\): expected status RUNNING right after the call, received STOPP(ING|ED)/)]);
  });
});

describe('the transport breaker: a target that stopped answering is not waited out case after case', () => {
  it('after the limit of cases in a row without an API answer, the next cases are skipped with the reason', async () => {
    fake.fault = 'hang';
    const breaker = new TransportBreaker(2);
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await runCase(stopSingle, ctx({ requestTimeoutMs: 200, breaker })));
    expect(results.map((r) => r.status)).toEqual(['failed', 'failed', 'skipped', 'skipped']);
    expect(results[2]?.message).toMatch(/^not run: the target stopped answering \(2 cases in a row got no HTTP answer; the last: .*\)/);
    expect(fake.instances.size).toBe(0);
  });

  it('an answer resets the count', async () => {
    const breaker = new TransportBreaker(2);
    fake.fault = 'hang';
    await runCase(stopSingle, ctx({ requestTimeoutMs: 200, breaker }));
    fake.fault = 'none';
    await runCase(stopSingle, ctx({ breaker }));
    fake.fault = 'hang';
    expect((await runCase(stopSingle, ctx({ requestTimeoutMs: 200, breaker }))).status).toBe('failed');
    expect(breaker.reason).toBeUndefined();
  });
});

describe('--no-states', () => {
  it('runs a row whose seeds are bystanders without seeding them, and skips a row that needs its instances', async () => {
    const bystanderOnly: CaseRow = { ...unknownRejected, instances: [{ alias: 'bystander', status: 'RUNNING' }], steps: [{ kind: 'call', call: { operation: 'StopInstances', ids: [{ unknown: 'x' }] }, expect: { result: 'error', codes: ['INVALID_INSTANCE_NOT_FOUND'], stopped: [] } }] };
    expect(rowNeedsStates(bystanderOnly)).toBe(false);
    expect(rowNeedsStates(stopSingle)).toBe(true);
    const ran = await runCase(bystanderOnly, ctx({ noStates: true }));
    expect(ran.status).toBe('passed');
    const skipped = await runCase(stopSingle, ctx({ noStates: true }));
    expect([skipped.status, skipped.message]).toEqual(['skipped', NOT_RUN_NO_STATES]);
    expect(fake.stateCalls).toEqual([]);
  });
});

describe('bursts', () => {
  const burstRow = (expectation: { allServed: true } | { someRefused: string }, count: number): CaseRow => ({
    id: 'rate.burst',
    dialect: 'zenlayer-vm',
    level: 'SHOULD',
    title: 'burst',
    docRef: DOC,
    rules: [],
    instances: [{ alias: 'b{n}', status: 'RUNNING' }],
    steps: [{ kind: 'burst', call: { operation: 'StopInstances', ids: ['b{n}'] }, count, expect: expectation }],
  });

  it('expands {n} seeds per request', () => {
    expect(expandSeeds(burstRow({ allServed: true }, 3)).map((s) => s.alias)).toEqual(['b0', 'b1', 'b2']);
  });

  it('passes allServed on a target that serves them and someRefused on one that limits', async () => {
    expect((await runCase(burstRow({ allServed: true }, 5), ctx())).findings).toEqual([]);
    fake.fault = 'rate-limit';
    expect((await runCase(burstRow({ someRefused: 'RATE_LIMITED' }, 12), ctx())).findings).toEqual([]);
  });

  it('fails someRefused when nothing is refused, and allServed when some are', async () => {
    const r1 = await runCase(burstRow({ someRefused: 'RATE_LIMITED' }, 8), ctx());
    expect(checksOf(r1)).toEqual(['burst-some-refused']);
    fake.fault = 'rate-limit';
    const r2 = await runCase(burstRow({ allServed: true }, 8), ctx());
    expect(checksOf(r2)).toEqual(['burst-all-served']);
  });

  it('paces only the operation a dialect documents a rate limit for (tencent-cvm-api3 StopInstances)', () => {
    expect(isPacedCall(getDialect('tencent-cvm-api3'), { operation: 'StopInstances' })).toBe(true);
    expect(isPacedCall(getDialect('tencent-cvm-api3'), { operation: 'DescribeStatus' })).toBe(false);
    // Only 002:14 documents a limit (DESIGN.md §3 rate limits).
    const paced: Readonly<Record<DialectName, boolean>> = { 'tencent-cvm-api2': false, 'tencent-cvm-api3': true, 'zenlayer-vm': false, 'zenlayer-bmc': false, 'aliyun-ecs': false, 'aws-ec2': false };
    for (const d of DIALECT_NAMES) expect(isPacedCall(getDialect(d), { operation: 'StopInstances' }), d).toBe(paced[d]);
  });
});

describe('pacing (tencent-cvm-api3, against the reference provider)', () => {
  it('time queued behind the shared pacer does not count against the case timeout', async () => {
    const { startProviderServer } = await import('../provider/server.ts');
    const provider = await startProviderServer({ dialect: 'tencent-cvm-api3', port: 0, host: '127.0.0.1', transitionMs: 30 });
    try {
      const pacer = new WindowPacer({ cooldownMs: 0 });
      const row: CaseRow = {
        id: 'stop.single',
        dialect: 'tencent-cvm-api3',
        level: 'MUST',
        title: 'stop one',
        docRef: '002_40889c500b2228ae.txt:1 test',
        rules: [],
        instances: [{ alias: 'a', status: 'RUNNING' }],
        steps: [{ kind: 'call', call: { operation: 'StopInstances', ids: ['a'] }, expect: { result: 'success', stopped: ['a'] } }],
      };
      const hold = pacer.exclusive(() => new Promise((r) => setTimeout(r, 1_800)));
      const started = Date.now();
      const r = await runCase(row, {
        dialect: 'tencent-cvm-api3',
        target: provider.url,
        statesUrl: `${provider.url}/_vmconform/provider-states`,
        credentials: TEST_CREDENTIALS,
        runId: newRunId(),
        pollTimeoutMs: 1_000,
        requestTimeoutMs: 1_000,
        pacer,
      });
      await hold;
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_750);
      expect(r.findings).toEqual([]);
      expect(r.status).toBe('passed');
    } finally {
      await provider.close();
    }
  });
});

describe('every time limit of a case derives from --poll-timeout and --request-timeout (DESIGN.md §3 "Time")', () => {
  it('the case budget grows with the poll bound: a stop that takes 35 s fits --poll-timeout 60000, bare metal fits ten minutes', () => {
    const bounds = (pollTimeoutMs: number, requestTimeoutMs = 10_000) => ({ pollTimeoutMs, requestTimeoutMs });
    expect(caseBudgetMs(stopSingle, bounds(60_000))).toBeGreaterThan(60_000 + 35_000);
    expect(caseBudgetMs(stopSingle, bounds(600_000))).toBeGreaterThan(600_000);
    expect(caseBudgetMs(stopSingle, bounds(600_000))).toBeGreaterThan(caseBudgetMs(stopSingle, bounds(60_000)));
    // Per step, at least the poll bound and a patient call (every throttled retry at its request timeout).
    const twoSteps: CaseRow = { ...stopSingle, steps: [...stopSingle.steps, ...stopSingle.steps] };
    expect(caseBudgetMs(twoSteps, bounds(60_000))).toBeGreaterThan(2 * (60_000 + 7 * 10_000));
    // More pages of status reads for more seeded instances.
    const many: CaseRow = { ...stopSingle, instances: Array.from({ length: 101 }, (_, i) => ({ alias: `n${i}`, status: 'RUNNING' })) };
    expect(caseBudgetMs(many, bounds(10_000), 20)).toBeGreaterThan(caseBudgetMs(stopSingle, bounds(10_000), 20));
    expect(caseBudgetMs(stopSingle, bounds(10_000, 30_000))).toBeGreaterThan(caseBudgetMs(stopSingle, bounds(10_000, 10_000)));
  });
});
