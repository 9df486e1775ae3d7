import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderServer, type RunningProvider } from './server.ts';
import { dig, manualClock, seed, zcCall } from './test-helpers.ts';

const clock = manualClock();
const servers: Partial<Record<'vm' | 'bmc', RunningProvider>> = {};
let counter = 0;

function freshId(): string {
  counter += 1;
  return `zl-instance-${counter}`;
}

function url(kind: 'vm' | 'bmc'): string {
  const s = servers[kind];
  if (!s) throw new Error('server not started');
  return s.url;
}

async function statuses(kind: 'vm' | 'bmc', ids: readonly string[]): Promise<Record<string, string>> {
  const action = kind === 'vm' ? 'DescribeInstancesStatus' : 'DescribeInstances';
  const a = await zcCall(url(kind), kind, action, { instanceIds: ids, pageSize: 100 });
  const set = dig(a.json, 'response', 'dataSet') as { instanceId: string; instanceStatus: string }[];
  return Object.fromEntries(set.map((e) => [e.instanceId, e.instanceStatus]));
}

beforeAll(async () => {
  servers.vm = await startProviderServer({ dialect: 'zenlayer-vm', transitionMs: 500, now: clock.now });
  servers.bmc = await startProviderServer({ dialect: 'zenlayer-bmc', transitionMs: 500, now: clock.now });
});
afterAll(async () => {
  await servers.vm?.close();
  await servers.bmc?.close();
});

describe.each([['vm' as const], ['bmc' as const]])('zenlayer-%s StopInstances', (kind) => {
  it('stops RUNNING: 200 {requestId, response:{requestId}}, STOPPING then STOPPED', async () => {
    const id = freshId();
    await seed(url(kind), [{ id, status: 'RUNNING' }]);
    const a = await zcCall(url(kind), kind, 'StopInstances', { instanceIds: [id] });
    expect(a.status).toBe(200);
    expect(a.contentType).toMatch(/^application\/json/);
    const rid = dig(a.json, 'requestId');
    expect(rid).toEqual(expect.any(String));
    expect(dig(a.json, 'response', 'requestId')).toBe(rid);
    expect(await statuses(kind, [id])).toEqual({ [id]: 'STOPPING' });
    clock.advance(500);
    expect(await statuses(kind, [id])).toEqual({ [id]: 'STOPPED' });
  });

  it('answers 404 INVALID_INSTANCE_NOT_FOUND for an unknown id, nothing stopped', async () => {
    const id = freshId();
    await seed(url(kind), [{ id, status: 'RUNNING' }]);
    const a = await zcCall(url(kind), kind, 'StopInstances', { instanceIds: [id, 'nobody-has-this'] });
    expect(a.status).toBe(404);
    expect(a.json).toMatchObject({ code: 'INVALID_INSTANCE_NOT_FOUND', requestId: expect.any(String), message: expect.any(String) });
    expect(await statuses(kind, [id])).toEqual({ [id]: 'RUNNING' });
  });

  it.each([['RECYCLE'], ['RECYCLING']])('answers 403 OPERATION_DENIED_INSTANCE_RECYCLED for %s (wins over NOT_RUNNING)', async (status) => {
    const id = freshId();
    const stopped = freshId();
    await seed(url(kind), [
      { id, status },
      { id: stopped, status: 'STOPPED' },
    ]);
    const a = await zcCall(url(kind), kind, 'StopInstances', { instanceIds: [stopped, id] });
    expect(a.status).toBe(403);
    expect(dig(a.json, 'code')).toBe('OPERATION_DENIED_INSTANCE_RECYCLED');
    expect(await statuses(kind, [id, stopped])).toEqual({ [id]: status, [stopped]: 'STOPPED' });
  });

  const others = kind === 'vm'
    ? ['PENDING', 'DEPLOYING', 'CREATE_FAILED', 'REBUILDING', 'STOPPED', 'BOOTING', 'STOPPING', 'RELEASING']
    : ['PENDING', 'CREATING', 'CREATE_FAILED', 'INSTALLING', 'INSTALL_FAILED', 'STOPPED', 'BOOTING', 'STOPPING'];
  it.each(others.map((s) => [s]))('answers 403 OPERATION_DENIED_INSTANCE_NOT_RUNNING for %s (RUNNING wins over the STOPPED note)', async (status) => {
    const id = freshId();
    const good = freshId();
    await seed(url(kind), [
      { id, status },
      { id: good, status: 'RUNNING' },
    ]);
    const a = await zcCall(url(kind), kind, 'StopInstances', { instanceIds: [good, id] });
    expect(a.status).toBe(403);
    expect(dig(a.json, 'code')).toBe('OPERATION_DENIED_INSTANCE_NOT_RUNNING');
    expect(await statuses(kind, [id, good])).toEqual({ [id]: status, [good]: 'RUNNING' });
  });

  it('answers client errors (4xx) for missing and empty lists, bad JSON and unknown actions', async () => {
    const cases: [string, unknown][] = [
      ['StopInstances', {}],
      ['StopInstances', { instanceIds: [] }],
      ['StopInstances', { instanceIds: 'abc' }],
      ['StopInstances', { instanceIds: [1] }],
      ['StopInstances', '{"instanceIds": '],
      ['StopInstances', 'null'],
      ['RebootInstances', { instanceIds: ['a'] }],
    ];
    for (const [action, body] of cases) {
      const a = await zcCall(url(kind), kind, action, body);
      expect(a.status, `${action} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
      expect(a.status).toBeLessThan(500);
      expect(a.json).toMatchObject({ requestId: expect.any(String), code: expect.any(String), message: expect.any(String) });
    }
  });

  it('answers 400 INVALID_PARAMETER_LIMIT_EXCEEDED for 101 seeded RUNNING ids, none stopped', async () => {
    const ids = Array.from({ length: 101 }, () => freshId());
    await seed(url(kind), ids.map((id) => ({ id, status: 'RUNNING' })));
    const a = await zcCall(url(kind), kind, 'StopInstances', { instanceIds: ids });
    expect(a.status).toBe(400);
    expect(dig(a.json, 'code')).toBe('INVALID_PARAMETER_LIMIT_EXCEEDED');
    const after = Object.values(await statuses(kind, ids.slice(0, 100)));
    expect(after).toHaveLength(100);
    expect(after.every((s) => s === 'RUNNING')).toBe(true);
  });

  it('accepts exactly 100 ids', async () => {
    const ids = Array.from({ length: 100 }, () => freshId());
    await seed(url(kind), ids.map((id) => ({ id, status: 'RUNNING' })));
    const a = await zcCall(url(kind), kind, 'StopInstances', { instanceIds: ids });
    expect(a.status).toBe(200);
  });

  it('pages the status query: pageSize default 20, pageNum', async () => {
    const ids = Array.from({ length: 25 }, () => freshId());
    await seed(url(kind), ids.map((id) => ({ id, status: 'STOPPED' })));
    const action = kind === 'vm' ? 'DescribeInstancesStatus' : 'DescribeInstances';
    const first = await zcCall(url(kind), kind, action, { instanceIds: [...ids, 'unknown-id'] });
    expect(dig(first.json, 'response', 'totalCount')).toBe(25);
    expect(dig(first.json, 'response', 'dataSet', 'length')).toBe(20);
    const second = await zcCall(url(kind), kind, action, { instanceIds: ids, pageNum: 2 });
    expect((dig(second.json, 'response', 'dataSet') as { instanceId: string }[]).map((e) => e.instanceId)).toEqual(ids.slice(20));
    const bad = await zcCall(url(kind), kind, action, { pageSize: 0 });
    expect(bad.status).toBe(400);
  });

  it('accepts any positive pageSize (the documents state no maximum) and caps the page at the instances there are', async () => {
    const ids = Array.from({ length: 3 }, () => freshId());
    await seed(url(kind), ids.map((id) => ({ id, status: 'RUNNING' })));
    const action = kind === 'vm' ? 'DescribeInstancesStatus' : 'DescribeInstances';
    for (const pageSize of [1001, 5000, 1_000_000_000]) {
      const big = await zcCall(url(kind), kind, action, { instanceIds: ids, pageSize });
      expect(big.status, String(pageSize)).toBe(200);
      expect(dig(big.json, 'response', 'dataSet', 'length')).toBe(3);
    }
    const all = await zcCall(url(kind), kind, action, { pageSize: 5000 });
    expect(all.status).toBe(200);
    expect(dig(all.json, 'response', 'dataSet', 'length')).toBe(dig(all.json, 'response', 'totalCount'));
    const far = await zcCall(url(kind), kind, action, { pageSize: 1_000_000_000, pageNum: 1_000_000 });
    expect(far.status).toBe(200);
    expect(dig(far.json, 'response', 'dataSet')).toEqual([]);
  });
});

describe('zenlayer forceShutdown', () => {
  it('vm: accepts booleans, refuses anything else with 400 and changes nothing', async () => {
    for (const value of [true, false]) {
      const id = freshId();
      await seed(url('vm'), [{ id, status: 'RUNNING' }]);
      const a = await zcCall(url('vm'), 'vm', 'StopInstances', { instanceIds: [id], forceShutdown: value });
      expect(a.status).toBe(200);
    }
    for (const value of ['true', 1, null]) {
      const id = freshId();
      await seed(url('vm'), [{ id, status: 'RUNNING' }]);
      const a = await zcCall(url('vm'), 'vm', 'StopInstances', { instanceIds: [id], forceShutdown: value });
      expect(a.status).toBe(400);
      expect(await statuses('vm', [id])).toEqual({ [id]: 'RUNNING' });
    }
  });

  it('bmc: DescribeInstancesStatus is not its status action', async () => {
    const a = await zcCall(url('bmc'), 'bmc', 'DescribeInstancesStatus', { instanceIds: ['x'] });
    expect(a.status).toBe(400);
    expect(dig(a.json, 'code')).toBe('INVALID_ACTION');
  });

  it('vm provider does not serve /api/v2/bmc (404)', async () => {
    const res = await fetch(`${url('vm')}/api/v2/bmc`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
  });
});
