/**
 * The AWS SDK for JavaScript v3 (`@aws-sdk/client-ec2`) against the aws-ec2 reference provider over real HTTP, with
 * SigV4 verified by the provider (issue 17 item 3): StopInstances (single, batch, DryRun, Force, Hibernate),
 * DescribeInstances and DescribeInstanceStatus, the SDK's error types (`error.name` is the code), the
 * `waitUntilInstanceStopped` waiter, and a refusal when the credentials do not match.
 */
import {
  DescribeInstancesCommand,
  DescribeInstanceStatusCommand,
  EC2Client,
  StopInstancesCommand,
  waitUntilInstanceStopped,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from '../dialects/types.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { startProviderServer, type RunningProvider } from './server.ts';
import { seed } from './test-helpers.ts';

let ec2: RunningProvider;

beforeAll(async () => {
  ec2 = await startProviderServer({ dialect: 'aws-ec2', verifySignatures: TEST_CREDENTIALS, transitionMs: 300 });
});
afterAll(async () => {
  await ec2.close();
});

/** An SDK client for the provider: its URL as the endpoint, the region the signature's scope names. */
function client(credentials: Credentials = TEST_CREDENTIALS): EC2Client {
  return new EC2Client({
    endpoint: ec2.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.accessKeySecret },
    maxAttempts: 1,
  });
}

/** An id of 17 hex digits for test `n` (DESIGN.md §2). */
const id = (n: number): string => `i-0ec2${String(n).padStart(13, '0')}`;

/** The error an SDK call rejects with: its `name` (the EC2 code) and HTTP status. */
async function rejection(pending: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await pending;
    return { name: '<resolved>', status: undefined };
  } catch (err: unknown) {
    const e = err as { name?: unknown; $metadata?: { httpStatusCode?: number } };
    return { name: typeof e.name === 'string' ? e.name : String(err), status: e.$metadata?.httpStatusCode };
  }
}

describe('AWS SDK v3 (@aws-sdk/client-ec2) over real HTTP, SigV4 verified', () => {
  it('stops one and a batch of instances; the answer has the state changes', async () => {
    await seed(ec2.url, [1, 2, 3].map((n) => ({ id: id(n), status: 'running' })));
    const sdk = client();
    const one = await sdk.send(new StopInstancesCommand({ InstanceIds: [id(1)] }));
    expect(one.$metadata.httpStatusCode).toBe(200);
    expect(one.$metadata.requestId).toEqual(expect.any(String));
    expect(one.StoppingInstances).toEqual([
      { InstanceId: id(1), CurrentState: { Code: 64, Name: 'stopping' }, PreviousState: { Code: 16, Name: 'running' } },
    ]);
    const batch = await sdk.send(new StopInstancesCommand({ InstanceIds: [id(2), id(3)], Force: true, SkipOsShutdown: true }));
    expect(batch.StoppingInstances?.map((s) => [s.InstanceId, s.CurrentState?.Name])).toEqual([
      [id(2), 'stopping'],
      [id(3), 'stopping'],
    ]);
  });

  it('DryRun answers DryRunOperation (an error, as the SDK expects) and stops nothing; Hibernate stops', async () => {
    await seed(ec2.url, [4, 5].map((n) => ({ id: id(n), status: 'running' })));
    const sdk = client();
    expect(await rejection(sdk.send(new StopInstancesCommand({ InstanceIds: [id(4)], DryRun: true })))).toEqual({ name: 'DryRunOperation', status: 412 });
    const st = await sdk.send(new DescribeInstanceStatusCommand({ InstanceIds: [id(4)], IncludeAllInstances: true }));
    expect(st.InstanceStatuses?.map((s) => [s.InstanceId, s.InstanceState?.Name, s.InstanceState?.Code])).toEqual([[id(4), 'running', 16]]);
    const hibernated = await sdk.send(new StopInstancesCommand({ InstanceIds: [id(5)], Hibernate: true }));
    expect(hibernated.StoppingInstances?.[0]?.CurrentState?.Name).toBe('stopping');
  });

  it('reads DescribeInstances and DescribeInstanceStatus, and waits with waitUntilInstanceStopped', async () => {
    await seed(ec2.url, [
      { id: id(6), status: 'running' },
      { id: id(7), status: 'stopped' },
      { id: id(8), status: 'pending' },
    ]);
    const sdk = client();
    await sdk.send(new StopInstancesCommand({ InstanceIds: [id(6)] }));
    const described = await sdk.send(new DescribeInstancesCommand({ InstanceIds: [id(6), id(7)] }));
    expect(described.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => [i.InstanceId, i.State?.Name])).toEqual([
      [id(6), 'stopping'],
      [id(7), 'stopped'],
    ]);
    // Without IncludeAllInstances only running instances are described (aws-ec2.md:135-136).
    const runningOnly = await sdk.send(new DescribeInstanceStatusCommand({ InstanceIds: [id(6), id(7), id(8)] }));
    expect(runningOnly.InstanceStatuses).toEqual([]);
    const waited = await waitUntilInstanceStopped({ client: sdk, maxWaitTime: 10, minDelay: 1, maxDelay: 1 }, { InstanceIds: [id(6), id(7)] });
    expect(waited.state).toBe('SUCCESS');
  });

  it('raises the EC2 codes as the error names, with 4xx statuses', async () => {
    await seed(ec2.url, [
      { id: id(9), status: 'pending' },
      { id: id(10), status: 'running' },
      { id: id(11), status: 'stopped' },
    ]);
    const sdk = client();
    const stop = (ids: string[]): Promise<unknown> => sdk.send(new StopInstancesCommand({ InstanceIds: ids }));
    expect(await rejection(stop([id(9)]))).toEqual({ name: 'IncorrectInstanceState', status: 400 });
    expect(await rejection(stop([id(99)]))).toEqual({ name: 'InvalidInstanceID.NotFound', status: 400 });
    expect(await rejection(stop(['i-nothex']))).toEqual({ name: 'InvalidInstanceID.Malformed', status: 400 });
    expect(await rejection(stop([]))).toEqual({ name: 'MissingParameter', status: 400 });
    // A failed batch stops nothing; stopping a stopped instance succeeds and changes nothing (aws-ec2.md:181, 192).
    expect(await rejection(stop([id(10), id(9)]))).toEqual({ name: 'IncorrectInstanceState', status: 400 });
    const again = await sdk.send(new StopInstancesCommand({ InstanceIds: [id(11), id(10)] }));
    expect(again.StoppingInstances?.map((s) => [s.InstanceId, s.PreviousState?.Name, s.CurrentState?.Name])).toEqual([
      [id(11), 'stopped', 'stopped'],
      [id(10), 'running', 'stopping'],
    ]);
  });

  it('is refused with AuthFailure when the secret does not match, and nothing changes', async () => {
    await seed(ec2.url, [{ id: id(12), status: 'running' }]);
    const wrong = client({ accessKeyId: TEST_CREDENTIALS.accessKeyId, accessKeySecret: `${TEST_CREDENTIALS.accessKeySecret}x` });
    expect(await rejection(wrong.send(new StopInstancesCommand({ InstanceIds: [id(12)] })))).toEqual({ name: 'AuthFailure', status: 400 });
    const stranger = client({ accessKeyId: 'AKIDstranger', accessKeySecret: 'whatever' });
    expect((await rejection(stranger.send(new StopInstancesCommand({ InstanceIds: [id(12)] })))).name).toBe('AuthFailure');
    const st = await client().send(new DescribeInstanceStatusCommand({ InstanceIds: [id(12)], IncludeAllInstances: true }));
    expect(st.InstanceStatuses?.[0]?.InstanceState?.Name).toBe('running');
  });
});
