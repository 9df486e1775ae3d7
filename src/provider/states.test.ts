import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderServer, type RunningProvider } from './server.ts';
import { PROVIDER_STATES_PATH } from './states.ts';
import { dig, readAnswer, seed, tc3Call, type RawAnswer } from './test-helpers.ts';

let tc: RunningProvider;
let ali: RunningProvider;
let zl: RunningProvider;

beforeAll(async () => {
  tc = await startProviderServer({ dialect: 'tencent-cvm-api3', rateLimitPerSecond: false });
  ali = await startProviderServer({ dialect: 'aliyun-ecs' });
  zl = await startProviderServer({ dialect: 'zenlayer-bmc', basePath: '/zl' });
});
afterAll(async () => {
  await Promise.all([tc.close(), ali.close(), zl.close()]);
});

async function post(url: string, body: string, method = 'POST'): Promise<RawAnswer> {
  return readAnswer(
    await fetch(`${url}${PROVIDER_STATES_PATH}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: method === 'GET' ? undefined : body,
    }),
  );
}

describe('provider-state endpoint (DESIGN.md §4)', () => {
  it('setup answers 200 {} and seeds; teardown answers 200 and removes', async () => {
    const setup = await post(
      tc.url,
      JSON.stringify({ action: 'setup', state: 'instances exist', params: { instances: [{ id: 'ins-st000001', status: 'STOPPED', securityLocked: false }] } }),
    );
    expect(setup.status).toBe(200);
    expect(setup.json).toEqual({});
    const st = await tc3Call(tc.url, 'DescribeInstancesStatus', { InstanceIds: ['ins-st000001'] });
    expect(dig(st.json, 'Response', 'InstanceStatusSet')).toEqual([{ InstanceId: 'ins-st000001', InstanceState: 'STOPPED' }]);
    const down = await post(tc.url, JSON.stringify({ action: 'teardown', state: 'instances exist', params: { instances: [{ id: 'ins-st000001' }] } }));
    expect(down.status).toBe(200);
    const after = await tc3Call(tc.url, 'StopInstances', { InstanceIds: ['ins-st000001'] });
    expect(dig(after.json, 'Response', 'Error', 'Code')).toBe('InvalidInstanceId.NotFound');
  });

  it("takes Pact's verifier shape: extra keys ignored, and an empty state (an interaction without one) is a no-op answered 200 {}", async () => {
    const withExtras = await post(
      tc.url,
      JSON.stringify({ action: 'setup', state: 'instances exist', consumer: 'vmconform', states: ['instances exist'], params: { instances: [{ id: 'ins-st000010', status: 'RUNNING' }] } }),
    );
    expect([withExtras.status, withExtras.json]).toEqual([200, {}]);
    for (const action of ['setup', 'teardown']) {
      const none = await post(tc.url, JSON.stringify({ action, state: '', params: {}, consumer: 'vmconform' }));
      expect([none.status, none.json], action).toEqual([200, {}]);
    }
    const st = await tc3Call(tc.url, 'DescribeInstancesStatus', { InstanceIds: ['ins-st000010'] });
    expect(dig(st.json, 'Response', 'InstanceStatusSet', 0, 'InstanceState')).toBe('RUNNING');
  });

  it('setup again resets an instance', async () => {
    await seed(tc.url, [{ id: 'ins-st000002', status: 'RUNNING' }]);
    await tc3Call(tc.url, 'StopInstances', { InstanceIds: ['ins-st000002'] });
    await seed(tc.url, [{ id: 'ins-st000002', status: 'RUNNING' }]);
    const st = await tc3Call(tc.url, 'DescribeInstancesStatus', { InstanceIds: ['ins-st000002'] });
    expect(dig(st.json, 'Response', 'InstanceStatusSet', 0, 'InstanceState')).toBe('RUNNING');
  });

  const bad: [string, string][] = [
    ['not JSON', '{'],
    ['an array', '[]'],
    ['unknown action', JSON.stringify({ action: 'reset', state: 'instances exist', params: { instances: [] } })],
    ['unknown state', JSON.stringify({ action: 'setup', state: 'something else', params: { instances: [] } })],
    ['no params', JSON.stringify({ action: 'setup', state: 'instances exist' })],
    ['instances not an array', JSON.stringify({ action: 'setup', state: 'instances exist', params: { instances: {} } })],
    ['invalid id', JSON.stringify({ action: 'setup', state: 'instances exist', params: { instances: [{ id: 'i-abc', status: 'RUNNING' }] } })],
    ['wrong status word', JSON.stringify({ action: 'setup', state: 'instances exist', params: { instances: [{ id: 'ins-st000003', status: 'Running' }] } })],
    ['securityLocked not boolean', JSON.stringify({ action: 'setup', state: 'instances exist', params: { instances: [{ id: 'ins-st000003', status: 'RUNNING', securityLocked: 'no' }] } })],
    ['duplicate ids', JSON.stringify({ action: 'setup', state: 'instances exist', params: { instances: [{ id: 'ins-st000003', status: 'RUNNING' }, { id: 'ins-st000003', status: 'STOPPED' }] } })],
    ['empty body', ''],
  ];
  it.each(bad)('answers 400 with a clear message for %s', async (_name, body) => {
    const a = await post(tc.url, body);
    expect(a.status).toBe(400);
    expect(dig(a.json, 'error')).toEqual(expect.any(String));
  });

  it('a rejected setup seeds nothing (validated before any change)', async () => {
    const a = await post(
      tc.url,
      JSON.stringify({ action: 'setup', state: 'instances exist', params: { instances: [{ id: 'ins-st000009', status: 'RUNNING' }, { id: 'bad', status: 'RUNNING' }] } }),
    );
    expect(a.status).toBe(400);
    const st = await tc3Call(tc.url, 'DescribeInstancesStatus', { InstanceIds: ['ins-st000009'] });
    expect(dig(st.json, 'Response', 'InstanceStatusSet')).toEqual([]);
  });

  it('validates ids and status words per dialect (aliyun: i-..., Running; securityLocked kept)', async () => {
    expect((await post(ali.url, JSON.stringify({ action: 'setup', state: 'instances exist', params: { instances: [{ id: 'ins-abcdefgh', status: 'Running' }] } }))).status).toBe(400);
    expect((await post(ali.url, JSON.stringify({ action: 'setup', state: 'instances exist', params: { instances: [{ id: 'i-abc', status: 'RUNNING' }] } }))).status).toBe(400);
    expect((await post(ali.url, JSON.stringify({ action: 'setup', state: 'instances exist', params: { instances: [{ id: 'i-abc', status: 'Running', securityLocked: true }] } }))).status).toBe(200);
  });

  it('lives under the base path, answers 405 for GET', async () => {
    expect(zl.url.endsWith('/zl')).toBe(true);
    expect((await post(zl.url, JSON.stringify({ action: 'setup', state: 'instances exist', params: { instances: [{ id: 'any-id', status: 'INSTALLING' }] } }))).status).toBe(200);
    expect((await post(zl.url, '', 'GET')).status).toBe(405);
    const outside = await fetch(zl.url.replace(/\/zl$/, '') + PROVIDER_STATES_PATH, { method: 'POST', body: '{}' });
    expect(outside.status).toBe(404);
  });
});
