/**
 * The aws-ec2 reference provider over real HTTP (specs/sources/aws-ec2.md): the Query API's wire, the answers'
 * shapes and codes, DescribeInstanceStatus paging by NextToken, DescribeInstances. The SDK's view of it is
 * `sdk-interop-ec2.test.ts`; what every dialect shares is in `robustness*.test.ts` and `signature.test.ts`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderServer, type RunningProvider } from './server.ts';
import { dig, ec2Call, seed } from './test-helpers.ts';

let ec2: RunningProvider;

beforeAll(async () => {
  ec2 = await startProviderServer({ dialect: 'aws-ec2', transitionMs: 60_000 });
});
afterAll(async () => {
  await ec2.close();
});

/** An id of 17 hex digits for test `n`. */
const id = (n: number): string => `i-0a${String(n).padStart(15, '0')}`;
const code = (json: unknown): unknown => dig(json, 'Response', 'Errors', 'Error', 'Code');
const statusWords = async (ids: readonly string[], extra: readonly (readonly [string, string])[] = [['IncludeAllInstances', 'true']]): Promise<unknown> => {
  const a = await ec2Call(ec2.url, 'DescribeInstanceStatus', [...ids.map((x, i): [string, string] => [`InstanceId.${i + 1}`, x]), ...extra]);
  const items = dig(a.json, 'DescribeInstanceStatusResponse', 'instanceStatusSet', 'item');
  return (Array.isArray(items) ? items : items === undefined ? [] : [items]).map((item: unknown) => [dig(item, 'instanceId'), dig(item, 'instanceState', 'name')]);
};

describe('aws-ec2 reference provider', () => {
  it('answers a stop with the state changes (codes and names), the namespace and the request id twice', async () => {
    await seed(ec2.url, [{ id: id(1), status: 'running' }]);
    const res = await fetch(`${ec2.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `Action=StopInstances&Version=2016-11-15&InstanceId.1=${id(1)}`,
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/xml;charset=UTF-8');
    expect(text).toContain('<StopInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">');
    expect(text).toContain(`<item><instanceId>${id(1)}</instanceId><currentState><code>64</code><name>stopping</name></currentState><previousState><code>16</code><name>running</name></previousState></item>`);
    expect(text).toContain(`<requestId>${res.headers.get('x-amzn-requestid') ?? '?'}</requestId>`);
  });

  it('speaks GET too, and refuses what the Query API does not take', async () => {
    await seed(ec2.url, [{ id: id(2), status: 'running' }]);
    const get = await fetch(`${ec2.url}/?Action=StopInstances&Version=2016-11-15&InstanceId.1=${id(2)}&Force=true`);
    expect(get.status).toBe(200);
    expect(await statusWords([id(2)])).toEqual([[id(2), 'stopping']]);
    await seed(ec2.url, [{ id: id(3), status: 'running' }]);
    const refused = async (params: [string, string][], version = '2016-11-15'): Promise<unknown> => {
      const a = await fetch(`${ec2.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams([['Action', 'StopInstances'], ...(version === '' ? [] : [['Version', version] as [string, string]]), ...params]).toString() });
      return [a.status, (await a.text()).match(/<Code>([^<]*)<\/Code>/)?.[1]];
    };
    expect(await refused([['InstanceId.1', id(3)], ['Force', 'TRUE']])).toEqual([400, 'InvalidParameterValue']);
    expect(await refused([['InstanceId.1', id(3)]], '2014-05-26')).toEqual([400, 'InvalidParameterValue']);
    expect(await refused([['InstanceId.1', id(3)]], '')).toEqual([400, 'MissingParameter']);
    expect(await refused([['InstanceId.1', '']])).toEqual([400, 'InvalidParameterValue']);
    expect(await refused([['InstanceId.1', 'i-1234']])).toEqual([400, 'InvalidInstanceID.Malformed']);
    expect((await ec2Call(ec2.url, 'StopInstancez', [['InstanceId.1', id(3)]])).status).toBe(400);
    expect(await statusWords([id(3)])).toEqual([[id(3), 'running']]);
  });

  it('stops an already stopping or stopped instance again without a change; refuses pending and terminated', async () => {
    await seed(ec2.url, [
      { id: id(4), status: 'stopping' },
      { id: id(5), status: 'stopped' },
      { id: id(6), status: 'pending' },
      { id: id(7), status: 'terminated' },
    ]);
    const again = await ec2Call(ec2.url, 'StopInstances', [['InstanceId.1', id(4)], ['InstanceId.2', id(5)]]);
    expect(again.status).toBe(200);
    expect(await statusWords([id(4), id(5)])).toEqual([[id(4), 'stopping'], [id(5), 'stopped']]);
    for (const n of [6, 7]) expect(code((await ec2Call(ec2.url, 'StopInstances', [['InstanceId.1', id(n)]])).json)).toBe('IncorrectInstanceState');
    const dry = await ec2Call(ec2.url, 'StopInstances', [['InstanceId.1', id(5)], ['DryRun', 'true']]);
    expect([dry.status, code(dry.json)]).toEqual([412, 'DryRunOperation']);
  });

  it('pages DescribeInstanceStatus by NextToken without ids, refuses MaxResults with ids, lists only running without IncludeAllInstances', async () => {
    const fresh = await startProviderServer({ dialect: 'aws-ec2' });
    try {
      await seed(fresh.url, Array.from({ length: 7 }, (_, i) => ({ id: id(20 + i), status: i < 5 ? 'running' : 'stopped' })));
      const first = await ec2Call(fresh.url, 'DescribeInstanceStatus', [['MaxResults', '5'], ['IncludeAllInstances', 'true']]);
      const token = dig(first.json, 'DescribeInstanceStatusResponse', 'nextToken');
      expect(token).toEqual(expect.any(String));
      const second = await ec2Call(fresh.url, 'DescribeInstanceStatus', [['MaxResults', '5'], ['IncludeAllInstances', 'true'], ['NextToken', String(token)]]);
      expect(dig(second.json, 'DescribeInstanceStatusResponse', 'nextToken')).toBeUndefined();
      const items = [first, second].flatMap((a) => dig(a.json, 'DescribeInstanceStatusResponse', 'instanceStatusSet', 'item') as unknown[]);
      expect(items.map((item) => dig(item, 'instanceId'))).toEqual(Array.from({ length: 7 }, (_, i) => id(20 + i)));
      const both = await ec2Call(fresh.url, 'DescribeInstanceStatus', [['InstanceId.1', id(20)], ['MaxResults', '5']]);
      expect(both.status).toBe(400);
      const running = await ec2Call(fresh.url, 'DescribeInstanceStatus', [['InstanceId.1', id(20)], ['InstanceId.2', id(26)]]);
      expect(dig(running.json, 'DescribeInstanceStatusResponse', 'instanceStatusSet', 'item', 'instanceId')).toBe(id(20));
    } finally {
      await fresh.close();
    }
  });

  it('serves DescribeInstances (reservations of instances) and refuses an unknown id there', async () => {
    await seed(ec2.url, [{ id: id(8), status: 'stopped' }]);
    const a = await ec2Call(ec2.url, 'DescribeInstances', [['InstanceId.1', id(8)]]);
    expect(dig(a.json, 'DescribeInstancesResponse', 'reservationSet', 'item', 'instancesSet', 'item', 'instanceState')).toEqual({ code: '80', name: 'stopped' });
    expect(code((await ec2Call(ec2.url, 'DescribeInstances', [['InstanceId.1', id(9)]])).json)).toBe('InvalidInstanceID.NotFound');
  });
});
