import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderServer, type RunningProvider } from './server.ts';
import { dig, indexedIds, manualClock, queryCall, seed, tc2Call, tc3Call } from './test-helpers.ts';

const clock = manualClock();
let api3: RunningProvider;
let api2: RunningProvider;
let counter = 0;

/** A fresh valid tencent id. */
function freshId(): string {
  counter += 1;
  return `ins-${counter.toString(36).padStart(8, '0')}`;
}

async function statuses3(ids: readonly string[]): Promise<Record<string, string>> {
  const a = await tc3Call(api3.url, 'DescribeInstancesStatus', { InstanceIds: ids, Limit: 100 });
  const set = dig(a.json, 'Response', 'InstanceStatusSet') as { InstanceId: string; InstanceState: string }[];
  return Object.fromEntries(set.map((e) => [e.InstanceId, e.InstanceState]));
}

function errorCode(json: unknown): unknown {
  return dig(json, 'Response', 'Error', 'Code');
}

beforeAll(async () => {
  api3 = await startProviderServer({ dialect: 'tencent-cvm-api3', transitionMs: 1000, now: clock.now, rateLimitPerSecond: false });
  api2 = await startProviderServer({ dialect: 'tencent-cvm-api2', transitionMs: 1000, now: clock.now });
});
afterAll(async () => {
  await api3.close();
  await api2.close();
});

describe('tencent-cvm-api3 StopInstances', () => {
  it('stops a RUNNING instance: 200 Response.RequestId, STOPPING then STOPPED after transitionMs', async () => {
    const id = freshId();
    await seed(api3.url, [{ id, status: 'RUNNING' }]);
    const a = await tc3Call(api3.url, 'StopInstances', { InstanceIds: [id] });
    expect(a.status).toBe(200);
    expect(a.contentType).toMatch(/^application\/json/);
    expect(dig(a.json, 'Response', 'RequestId')).toMatch(/^[0-9a-f-]{36}$/);
    expect(errorCode(a.json)).toBeUndefined();
    expect(await statuses3([id])).toEqual({ [id]: 'STOPPING' });
    clock.advance(999);
    expect(await statuses3([id])).toEqual({ [id]: 'STOPPING' });
    clock.advance(1);
    expect(await statuses3([id])).toEqual({ [id]: 'STOPPED' });
  });

  it('gives every response its own request id', async () => {
    const a = await tc3Call(api3.url, 'DescribeInstancesStatus', {});
    const b = await tc3Call(api3.url, 'DescribeInstancesStatus', {});
    expect(dig(a.json, 'Response', 'RequestId')).not.toEqual(dig(b.json, 'Response', 'RequestId'));
  });

  it.each([
    ['STOPPED'],
    ['STOPPING'],
    ['PENDING'],
    ['STARTING'],
    ['REBOOTING'],
    ['SHUTDOWN'],
    ['TERMINATING'],
    ['LAUNCH_FAILED'],
  ])('refuses %s with InvalidInstance.NotSupported (HTTP 200) and changes nothing', async (status) => {
    const id = freshId();
    await seed(api3.url, [{ id, status }]);
    const a = await tc3Call(api3.url, 'StopInstances', { InstanceIds: [id] });
    expect(a.status).toBe(200);
    expect(errorCode(a.json)).toBe('InvalidInstance.NotSupported');
    expect(await statuses3([id])).toEqual({ [id]: status });
  });

  it('is atomic: one bad instance in a batch stops none', async () => {
    const good = freshId();
    const bad = freshId();
    await seed(api3.url, [
      { id: good, status: 'RUNNING' },
      { id: bad, status: 'STOPPED' },
    ]);
    const a = await tc3Call(api3.url, 'StopInstances', { InstanceIds: [good, bad] });
    expect(errorCode(a.json)).toBe('InvalidInstance.NotSupported');
    expect(await statuses3([good, bad])).toEqual({ [good]: 'RUNNING', [bad]: 'STOPPED' });
  });

  it('answers InvalidInstanceId.NotFound for an unknown id and changes nothing', async () => {
    const good = freshId();
    await seed(api3.url, [{ id: good, status: 'RUNNING' }]);
    const a = await tc3Call(api3.url, 'StopInstances', { InstanceIds: [good, 'ins-zzzzzzzz'] });
    expect(errorCode(a.json)).toBe('InvalidInstanceId.NotFound');
    expect(await statuses3([good])).toEqual({ [good]: 'RUNNING' });
  });

  it.each([['ins-1122'], ['i-abcdefgh'], ['ins-ABCDEFGH'], ['ins-abcdefghi'], ['']])(
    'answers InvalidInstanceId.Malformed for %j',
    async (bad) => {
      const a = await tc3Call(api3.url, 'StopInstances', { InstanceIds: [bad] });
      expect(errorCode(a.json)).toBe('InvalidInstanceId.Malformed');
    },
  );

  it('answers MissingParameter without InstanceIds, a client error for [], LimitExceeded over 100', async () => {
    expect(errorCode((await tc3Call(api3.url, 'StopInstances', {})).json)).toBe('MissingParameter');
    expect(errorCode((await tc3Call(api3.url, 'StopInstances', { InstanceIds: [] })).json)).toBe('InvalidParameterValue');
    const many = Array.from({ length: 101 }, () => freshId());
    await seed(api3.url, many.map((id) => ({ id, status: 'RUNNING' })));
    const a = await tc3Call(api3.url, 'StopInstances', { InstanceIds: many });
    expect(errorCode(a.json)).toBe('InvalidParameterValue.LimitExceeded');
    const after = await statuses3(many.slice(0, 100));
    expect(Object.values(after).every((s) => s === 'RUNNING')).toBe(true);
  });

  it('accepts exactly 100 ids', async () => {
    const many = Array.from({ length: 100 }, () => freshId());
    await seed(api3.url, many.map((id) => ({ id, status: 'RUNNING' })));
    const a = await tc3Call(api3.url, 'StopInstances', { InstanceIds: many });
    expect(errorCode(a.json)).toBeUndefined();
    const after = await statuses3(many);
    expect(Object.values(after).filter((s) => s === 'STOPPING')).toHaveLength(100);
  });

  it.each([
    [{ ForceStop: true }],
    [{ ForceStop: false }],
    [{ ForceStop: 'TRUE' }],
    [{ StopType: 'SOFT' }],
    [{ StopType: 'HARD' }],
    [{ StopType: 'SOFT_FIRST' }],
    [{ StoppedMode: 'KEEP_CHARGING' }],
    [{ StoppedMode: 'STOP_CHARGING' }],
  ])('accepts %j', async (extra) => {
    const id = freshId();
    await seed(api3.url, [{ id, status: 'RUNNING' }]);
    const a = await tc3Call(api3.url, 'StopInstances', { InstanceIds: [id], ...extra });
    expect(errorCode(a.json)).toBeUndefined();
    expect(await statuses3([id])).toEqual({ [id]: 'STOPPING' });
  });

  it.each([
    [{ ForceStop: 'yes' }],
    [{ ForceStop: 1 }],
    [{ StopType: 'soft' }],
    [{ StopType: 'NOW' }],
    [{ StoppedMode: 'KeepCharging' }],
    [{ StoppedMode: 7 }],
  ])('refuses %j with InvalidParameterValue and changes nothing', async (extra) => {
    const id = freshId();
    await seed(api3.url, [{ id, status: 'RUNNING' }]);
    const a = await tc3Call(api3.url, 'StopInstances', { InstanceIds: [id], ...extra });
    expect(errorCode(a.json)).toBe('InvalidParameterValue');
    expect(await statuses3([id])).toEqual({ [id]: 'RUNNING' });
  });

  it('refuses bad JSON and non-object bodies with a client error', async () => {
    expect(errorCode((await tc3Call(api3.url, 'StopInstances', '{"InstanceIds": [')).json)).toBe('InvalidParameter');
    expect(errorCode((await tc3Call(api3.url, 'StopInstances', '[1,2]')).json)).toBe('InvalidParameter');
    expect(errorCode((await tc3Call(api3.url, 'StopInstances', { InstanceIds: 'ins-abcdefgh' })).json)).toBe(
      'InvalidParameterValue',
    );
  });

  it('answers InvalidAction for an unknown action, MissingParameter without Region, InvalidParameterValue for a wrong version (000:41)', async () => {
    expect(errorCode((await tc3Call(api3.url, 'RebootInstances', {})).json)).toBe('InvalidAction');
    expect(errorCode((await tc3Call(api3.url, 'StopInstances', { InstanceIds: [freshId()] }, { 'x-tc-region': '' })).json)).toBe(
      'MissingParameter',
    );
    expect(
      errorCode((await tc3Call(api3.url, 'StopInstances', { InstanceIds: [freshId()] }, { 'x-tc-version': '2099-01-01' })).json),
    ).toBe('InvalidParameterValue');
  });

  it('speaks the 0-based GET style (InstanceIds.0)', async () => {
    const a = freshId();
    const b = freshId();
    await seed(api3.url, [
      { id: a, status: 'RUNNING' },
      { id: b, status: 'RUNNING' },
    ]);
    const res = await queryCall(api3.url, '/', [
      ['Action', 'StopInstances'],
      ['Version', '2017-03-12'],
      ['Region', 'ap-guangzhou'],
      ['ForceStop', 'TRUE'],
      ...indexedIds('InstanceIds', [a, b], 0),
    ]);
    expect(errorCode(res.json)).toBeUndefined();
    expect(await statuses3([a, b])).toEqual({ [a]: 'STOPPING', [b]: 'STOPPING' });
  });
});

describe('tencent-cvm-api3 DescribeInstancesStatus', () => {
  it('pages: Limit default 20, max 100, Offset; unknown ids left out', async () => {
    const ids = Array.from({ length: 30 }, () => freshId());
    await seed(api3.url, ids.map((id) => ({ id, status: 'RUNNING' })));
    const first = await tc3Call(api3.url, 'DescribeInstancesStatus', { InstanceIds: [...ids, 'ins-unknown0'] });
    expect(dig(first.json, 'Response', 'TotalCount')).toBe(30);
    expect(dig(first.json, 'Response', 'InstanceStatusSet', 'length')).toBe(20);
    const second = await tc3Call(api3.url, 'DescribeInstancesStatus', { InstanceIds: ids, Offset: 20, Limit: 20 });
    const set = dig(second.json, 'Response', 'InstanceStatusSet') as { InstanceId: string }[];
    expect(set.map((e) => e.InstanceId)).toEqual(ids.slice(20));
    expect(errorCode((await tc3Call(api3.url, 'DescribeInstancesStatus', { Limit: 101 })).json)).toBe('InvalidParameterValue');
    expect(errorCode((await tc3Call(api3.url, 'DescribeInstancesStatus', { Limit: 0 })).json)).toBe('InvalidParameterValue');
    expect(errorCode((await tc3Call(api3.url, 'DescribeInstancesStatus', { InstanceIds: ['ins-1122'] })).json)).toBe(
      'InvalidInstanceId.Malformed',
    );
  });
});

describe('tencent-cvm-api3 rate limit', () => {
  it('serves 10 StopInstances within a second, refuses a burst of 25 with RequestLimitExceeded, refused ones change nothing', async () => {
    const limited = await startProviderServer({ dialect: 'tencent-cvm-api3', transitionMs: 1000, now: clock.now });
    try {
      const ids = Array.from({ length: 25 }, () => freshId());
      await seed(limited.url, ids.map((id) => ({ id, status: 'RUNNING' })));
      const answers = await Promise.all(ids.map((id) => tc3Call(limited.url, 'StopInstances', { InstanceIds: [id] })));
      const codes = answers.map((a) => errorCode(a.json));
      expect(codes.filter((c) => c === undefined)).toHaveLength(10);
      expect(codes.filter((c) => c === 'RequestLimitExceeded')).toHaveLength(15);
      // Status queries are not counted, and refused instances are unchanged.
      const st = await tc3Call(limited.url, 'DescribeInstancesStatus', { InstanceIds: ids, Limit: 100 });
      const set = dig(st.json, 'Response', 'InstanceStatusSet') as { InstanceId: string; InstanceState: string }[];
      const byId = new Map(set.map((e) => [e.InstanceId, e.InstanceState]));
      ids.forEach((id, i) => {
        expect(byId.get(id)).toBe(codes[i] === undefined ? 'STOPPING' : 'RUNNING');
      });
      // A second later the window has room again.
      clock.advance(1000);
      const again = await tc3Call(limited.url, 'StopInstances', { InstanceIds: [ids[codes.indexOf('RequestLimitExceeded')] ?? ''] });
      expect(errorCode(again.json)).toBeUndefined();
    } finally {
      await limited.close();
    }
  });
});

describe('tencent-cvm-api2', () => {
  async function statuses2(ids: readonly string[]): Promise<Record<string, string>> {
    const a = await tc2Call(api2.url, 'DescribeInstancesStatus', [...indexedIds('InstanceIds', ids, 1), ['Limit', '100']]);
    const set = dig(a.json, 'Response', 'InstanceStatusSet') as { InstanceId: string; InstanceState: string }[];
    return Object.fromEntries(set.map((e) => [e.InstanceId, e.InstanceState]));
  }

  it('stops with 1-based InstanceIds.N and ForceStop=TRUE|FALSE', async () => {
    const a = freshId();
    const b = freshId();
    await seed(api2.url, [
      { id: a, status: 'RUNNING' },
      { id: b, status: 'RUNNING' },
    ]);
    const res = await tc2Call(api2.url, 'StopInstances', [...indexedIds('InstanceIds', [a, b], 1), ['ForceStop', 'FALSE']]);
    expect(res.status).toBe(200);
    expect(dig(res.json, 'Response', 'RequestId')).toEqual(expect.any(String));
    expect(errorCode(res.json)).toBeUndefined();
    expect(await statuses2([a, b])).toEqual({ [a]: 'STOPPING', [b]: 'STOPPING' });
  });

  it('refuses ForceStop=MAYBE, a 0-based list, a missing list and a malformed id', async () => {
    const id = freshId();
    await seed(api2.url, [{ id, status: 'RUNNING' }]);
    expect(errorCode((await tc2Call(api2.url, 'StopInstances', [['InstanceIds.1', id], ['ForceStop', 'MAYBE']])).json)).toBe(
      'InvalidParameterValue',
    );
    expect(errorCode((await tc2Call(api2.url, 'StopInstances', [['InstanceIds.0', id]])).json)).toBe('InvalidParameter');
    expect(errorCode((await tc2Call(api2.url, 'StopInstances', [])).json)).toBe('MissingParameter');
    expect(errorCode((await tc2Call(api2.url, 'StopInstances', [['InstanceIds.1', 'ins-1122']])).json)).toBe(
      'InvalidInstanceId.Malformed',
    );
    expect(await statuses2([id])).toEqual({ [id]: 'RUNNING' });
  });

  it('refuses a parameter given twice, ignores unknown parameters', async () => {
    const id = freshId();
    await seed(api2.url, [{ id, status: 'RUNNING' }]);
    const dup = await tc2Call(api2.url, 'StopInstances', [
      ['InstanceIds.1', id],
      ['ForceStop', 'TRUE'],
      ['ForceStop', 'FALSE'],
    ]);
    expect(errorCode(dup.json)).toBe('InvalidParameter');
    const unknown = await tc2Call(api2.url, 'StopInstances', [
      ['InstanceIds.1', id],
      ['Whatever', 'x'],
    ]);
    expect(errorCode(unknown.json)).toBeUndefined();
  });

  it('answers LimitExceeded for 101 ids and InvalidAction for an unknown action', async () => {
    const ids = Array.from({ length: 101 }, () => freshId());
    expect(errorCode((await tc2Call(api2.url, 'StopInstances', indexedIds('InstanceIds', ids, 1))).json)).toBe(
      'InvalidParameterValue.LimitExceeded',
    );
    expect(errorCode((await tc2Call(api2.url, 'TerminateInstances', [])).json)).toBe('InvalidAction');
  });

  it('has no rate limit by default', async () => {
    const ids = Array.from({ length: 25 }, () => freshId());
    await seed(api2.url, ids.map((id) => ({ id, status: 'RUNNING' })));
    const answers = await Promise.all(ids.map((id) => tc2Call(api2.url, 'StopInstances', [['InstanceIds.1', id]])));
    expect(answers.every((a) => errorCode(a.json) === undefined)).toBe(true);
  });
});

describe('tencent-cvm-api3 request syntax', () => {
  it('refuses an unsupported content type, accepts a form POST', async () => {
    const id = freshId();
    await seed(api3.url, [{ id, status: 'RUNNING' }]);
    const plain = await fetch(`${api3.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-tc-action': 'StopInstances', 'x-tc-version': '2017-03-12', 'x-tc-region': 'r' },
      body: JSON.stringify({ InstanceIds: [id] }),
    });
    expect(errorCode(await plain.json())).toBe('InvalidParameter');
    const form = await fetch(`${api3.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ Action: 'StopInstances', Version: '2017-03-12', Region: 'r', 'InstanceIds.0': id }).toString(),
    });
    expect(errorCode(await form.json())).toBeUndefined();
    expect(await statuses3([id])).toEqual({ [id]: 'STOPPING' });
  });
});


describe('tencent indexed id range (at most 100 ids: api2 InstanceIds.1..100, api3 GET InstanceIds.0..99)', () => {
  it('api2 refuses InstanceIds.101 and InstanceIds.999999 with a client error and stops nothing; 100 is accepted', async () => {
    const id = freshId();
    await seed(api2.url, [{ id, status: 'RUNNING' }]);
    for (const name of ['InstanceIds.101', 'InstanceIds.999999']) {
      expect(errorCode((await tc2Call(api2.url, 'StopInstances', [[name, id]])).json), name).toBe('InvalidParameter');
    }
    const still = await tc2Call(api2.url, 'DescribeInstancesStatus', [['InstanceIds.1', id]]);
    expect(dig(still.json, 'Response', 'InstanceStatusSet', 0, 'InstanceState')).toBe('RUNNING');
    expect(errorCode((await tc2Call(api2.url, 'StopInstances', [['InstanceIds.100', id]])).json)).toBeUndefined();
  });

  it('api3 GET refuses InstanceIds.100 and stops nothing; InstanceIds.99 is accepted', async () => {
    const id = freshId();
    await seed(api3.url, [{ id, status: 'RUNNING' }]);
    const get = (name: string) =>
      queryCall(api3.url, '/', [['Action', 'StopInstances'], ['Version', '2017-03-12'], ['Region', 'ap-guangzhou'], [name, id]]);
    expect(errorCode((await get('InstanceIds.100')).json)).toBe('InvalidParameter');
    expect(await statuses3([id])).toEqual({ [id]: 'RUNNING' });
    expect(errorCode((await get('InstanceIds.99')).json)).toBeUndefined();
    expect(await statuses3([id])).toEqual({ [id]: 'STOPPING' });
  });
});
