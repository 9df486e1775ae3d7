/**
 * The SDK interop test body, defined once and run twice: against real HTTP servers and against the msw handlers
 * in-process (see `sdk-interop.test.ts`, `sdk-interop-msw.test.ts`). Only test files import this module.
 */
import { expect, it } from 'vitest';
import type { Credentials } from '../dialects/types.ts';
import { aliyunClient, EcsModels, rejectionCode, tencentClient } from './sdk-scenarios.ts';
import { seed } from './test-helpers.ts';

/** Where the suite finds its targets: base URLs for seeding, `host[:port]` endpoints for the SDKs. */
export interface SdkTargets {
  readonly tencentBase: string;
  readonly tencentEndpoint: string;
  readonly aliyunBase: string;
  readonly aliyunEndpoint: string;
}

/** Register the interop tests; `targets()` is read when each test runs; `tag` keeps ids unique per variant. */
export function defineSdkSuite(targets: () => SdkTargets, credentials: Credentials, tag: string): void {
  const tcId = (n: number): string => `ins-${tag}${String(n).padStart(7, '0')}`;
  const aliId = (n: number): string => `i-${tag}sdk${n}`;
  const wrong: Credentials = { accessKeyId: credentials.accessKeyId, accessKeySecret: `${credentials.accessKeySecret}x` };

  it('tencent SDK (POST, TC3): stop, status, and the codes it raises', async () => {
    const t = targets();
    await seed(t.tencentBase, [
      { id: tcId(1), status: 'RUNNING' },
      { id: tcId(2), status: 'STOPPED' },
      ...Array.from({ length: 101 }, (_, i) => ({ id: tcId(100 + i), status: 'RUNNING' })),
    ]);
    const client = tencentClient(t.tencentEndpoint, credentials);
    const stopped = await client.StopInstances({ InstanceIds: [tcId(1)], StopType: 'SOFT' });
    expect(stopped.RequestId).toEqual(expect.any(String));
    const st = await client.DescribeInstancesStatus({ InstanceIds: [tcId(1), tcId(2)] });
    expect(st.InstanceStatusSet).toEqual([
      { InstanceId: tcId(1), InstanceState: 'STOPPING' },
      { InstanceId: tcId(2), InstanceState: 'STOPPED' },
    ]);
    expect(await rejectionCode(client.StopInstances({ InstanceIds: [tcId(99)] }))).toBe('InvalidInstanceId.NotFound');
    expect(await rejectionCode(client.StopInstances({ InstanceIds: [tcId(2)] }))).toBe('InvalidInstance.NotSupported');
    const many = Array.from({ length: 101 }, (_, i) => tcId(100 + i));
    expect(await rejectionCode(client.StopInstances({ InstanceIds: many }))).toBe('InvalidParameterValue.LimitExceeded');
    const bad = tencentClient(t.tencentEndpoint, wrong);
    expect(await rejectionCode(bad.DescribeInstancesStatus({ InstanceIds: [tcId(1)] }))).toBe('AuthFailure.SignatureFailure');
  });

  it('tencent SDK (GET, TC3, InstanceIds.0): stop and status', async () => {
    const t = targets();
    await seed(t.tencentBase, [{ id: tcId(3), status: 'RUNNING' }]);
    const client = tencentClient(t.tencentEndpoint, credentials, 'GET');
    await client.StopInstances({ InstanceIds: [tcId(3)], ForceStop: true });
    const st = await client.DescribeInstancesStatus({ InstanceIds: [tcId(3)] });
    expect(st.InstanceStatusSet?.[0]?.InstanceState).toBe('STOPPING');
  });

  it('aliyun SDK (ACS3): stop, status, and the codes it raises', async () => {
    const t = targets();
    await seed(t.aliyunBase, [
      { id: aliId(1), status: 'Running' },
      { id: aliId(2), status: 'Stopped' },
      { id: aliId(3), status: 'Running' },
    ]);
    const client = aliyunClient(t.aliyunEndpoint, credentials);
    const stop = (ids: string[], extra: Record<string, unknown> = {}): Promise<unknown> =>
      client.stopInstances(new EcsModels.StopInstancesRequest({ regionId: 'cn-hangzhou', instanceId: ids, ...extra }));
    const res = (await stop([aliId(1)])) as { statusCode?: number; body?: { requestId?: string; instanceResponses?: { instanceResponse?: { code?: string; currentStatus?: string }[] } } };
    expect(res.statusCode).toBe(200);
    expect(res.body?.requestId).toEqual(expect.any(String));
    expect(res.body?.instanceResponses?.instanceResponse?.[0]).toMatchObject({ code: '200', currentStatus: 'Stopping' });
    const st = await client.describeInstanceStatus(
      new EcsModels.DescribeInstanceStatusRequest({ regionId: 'cn-hangzhou', instanceId: [aliId(1), aliId(2)] }),
    );
    expect(st.body?.instanceStatuses?.instanceStatus?.map((s: { instanceId?: string; status?: string }) => [s.instanceId, s.status])).toEqual([
      [aliId(1), 'Stopping'],
      [aliId(2), 'Stopped'],
    ]);
    expect(await rejectionCode(stop([aliId(99)]))).toBe('InvalidInstanceId.NotFound');
    expect(await rejectionCode(stop([aliId(2)]))).toBe('IncorrectInstanceStatus');
    expect(await rejectionCode(stop(['i-TestID']))).toBe('Abs.InvalidInstanceIds.MalFormed');
    expect(await rejectionCode(stop(Array.from({ length: 101 }, (_, i) => aliId(100 + i))))).toBe('InvalidParameter');
    expect(await rejectionCode(stop([aliId(3)], { dryRun: true }))).toBe('DRYRUN.SUCCESS');
    const sf = (await stop([aliId(3), aliId(2)], { batchOptimization: 'SuccessFirst' })) as { body?: { instanceResponses?: { instanceResponse?: { code?: string }[] } } };
    expect(sf.body?.instanceResponses?.instanceResponse?.map((r) => r.code)).toEqual(['200', 'IncorrectInstanceStatus']);
    const bad = aliyunClient(t.aliyunEndpoint, wrong);
    expect(await rejectionCode(bad.stopInstances(new EcsModels.StopInstancesRequest({ regionId: 'cn-hangzhou', instanceId: [aliId(3)] })))).toBe(
      'SignatureDoesNotMatch',
    );
  });
}
