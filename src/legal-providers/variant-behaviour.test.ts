/**
 * Each legal variant really makes its choice (so "the catalog passes against it" means something): one probe per
 * variant, over real HTTP, showing the difference from the reference provider.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { callTarget } from '../dialects/client.ts';
import { getDialect } from '../dialects/index.ts';
import { sendWire } from '../dialects/transport.ts';
import type { DialectName, Exchange, OperationCall } from '../dialects/types.ts';
import { defaultStatesUrl, setupInstances } from '../engine/provider-states.ts';
import type { RunningProvider } from '../provider/server.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { legalVariant } from './index.ts';

const open: RunningProvider[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

/** Start a variant for a dialect, seed instances, and return a caller. */
async function probe(name: string, dialect: DialectName, seeds: readonly { id: string; status: string }[] = [], transitionMs = 150) {
  const p = await legalVariant(name).start(dialect, { transitionMs });
  open.push(p);
  if (seeds.length > 0) await setupInstances(defaultStatesUrl(p.url), seeds);
  const d = getDialect(dialect);
  const call = (c: OperationCall): Promise<Exchange> => callTarget(d, c, { baseUrl: p.url, credentials: TEST_CREDENTIALS });
  return { p, d, call };
}

const tc = (n: number): string => `ins-${String(n).padStart(8, '0')}`;
const ali = (n: number): string => `i-probe${n}`;
const statuses = (ex: Exchange): string[] => (ex.outcome?.instances ?? []).map((e) => `${e.instanceId}=${e.status ?? ''}`);

describe('legal variants make their choice', () => {
  it('extra-fields: unknown fields at the top level and nested, in successes and errors', async () => {
    const { call } = await probe('extra-fields', 'tencent-cvm-api3', [{ id: tc(1), status: 'RUNNING' }]);
    const status = await call({ operation: 'DescribeStatus', instanceIds: [tc(1)] });
    const body = status.outcome?.body as { ExtraInfo?: unknown; Response: { ExtraInfo?: unknown; InstanceStatusSet: { ExtraInfo?: unknown }[] } };
    expect(body.ExtraInfo).toBeDefined();
    expect(body.Response.ExtraInfo).toBeDefined();
    expect(body.Response.InstanceStatusSet[0]?.ExtraInfo).toBeDefined();
    expect(status.outcome?.contentType).toBe('application/json;charset=UTF-8');
    const error = await call({ operation: 'StopInstances', instanceIds: [tc(9)] });
    expect((error.outcome?.body as { Response: { Error: { ExtraInfo?: unknown } } }).Response.Error.ExtraInfo).toBeDefined();
    const xml = await probe('extra-fields', 'aliyun-ecs', [{ id: ali(1), status: 'Running' }]);
    const x = await xml.call({ operation: 'StopInstances', instanceIds: [ali(9)], format: 'XML' });
    expect(x.response?.bodyText).toMatch(/<Error>.*<ExtraInfo>true<\/ExtraInfo><extra_flag>vmconform legal variant<\/extra_flag><\/Error>$/);
  });

  it('other-request-ids-and-order: another request-id format, lists reversed, plain content types', async () => {
    const { call } = await probe('other-request-ids-and-order', 'zenlayer-vm', [
      { id: 'vm-a', status: 'RUNNING' },
      { id: 'vm-b', status: 'STOPPED' },
    ]);
    const ex = await call({ operation: 'DescribeStatus', instanceIds: ['vm-a', 'vm-b'], pageSize: 20 });
    expect(ex.outcome?.requestId).toMatch(/^req-/);
    expect(statuses(ex)).toEqual(['vm-b=STOPPED', 'vm-a=RUNNING']);
    expect(ex.outcome?.contentType).toBe('application/json');
  });

  it('instant-stop: STOPPED at once; aliyun says CurrentStatus Stopped', async () => {
    const { call } = await probe('instant-stop', 'aliyun-ecs', [{ id: ali(1), status: 'Running' }], 150);
    const stop = await call({ operation: 'StopInstances', instanceIds: [ali(1)], params: { BatchOptimization: 'SuccessFirst' } });
    expect(stop.outcome?.instances?.[0]?.status).toBe('Stopped');
    expect(statuses(await call({ operation: 'DescribeStatus', instanceIds: [ali(1)] }))).toEqual([`${ali(1)}=Stopped`]);
  });

  it('slow-stop: still STOPPING a second after the stop', async () => {
    const { call } = await probe('slow-stop', 'zenlayer-bmc', [{ id: 'bm-1', status: 'RUNNING' }]);
    await call({ operation: 'StopInstances', instanceIds: ['bm-1'] });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(statuses(await call({ operation: 'DescribeStatus', instanceIds: ['bm-1'] }))).toEqual(['bm-1=STOPPING']);
  });

  it('status-small-pages and status-pages-without-totals: at most 7 entries whatever the page size asked', async () => {
    const seeds = Array.from({ length: 10 }, (_, i) => ({ id: tc(i), status: 'RUNNING' }));
    const withTotals = await probe('status-small-pages', 'tencent-cvm-api2', seeds);
    const a = await withTotals.call({ operation: 'DescribeStatus', instanceIds: seeds.map((s) => s.id), pageSize: 100 });
    expect([a.outcome?.instances?.length, (a.outcome?.body as { Response?: { TotalCount?: number } }).Response?.TotalCount]).toEqual([7, 10]);
    const without = await probe('status-pages-without-totals', 'aliyun-ecs', seeds.map((s, i) => ({ id: ali(i), status: 'Running' })));
    const b = await without.call({ operation: 'DescribeStatus', instanceIds: seeds.map((_, i) => ali(i)), pageSize: 50 });
    expect([b.outcome?.instances?.length, (b.outcome?.body as { TotalCount?: unknown }).TotalCount]).toEqual([7, undefined]);
  });

  it('status-everything-at-once: a page size of 2 still answers all five', async () => {
    const seeds = Array.from({ length: 5 }, (_, i) => ({ id: `vm-${i}`, status: 'RUNNING' }));
    const { call } = await probe('status-everything-at-once', 'zenlayer-vm', seeds);
    expect((await call({ operation: 'DescribeStatus', instanceIds: seeds.map((s) => s.id), pageSize: 2, page: 2 })).outcome?.instances).toHaveLength(5);
  });

  it('status-strict-maximum: zenlayer refuses a pageSize over 20', async () => {
    const { call } = await probe('status-strict-maximum', 'zenlayer-vm', [{ id: 'vm-1', status: 'RUNNING' }]);
    expect((await call({ operation: 'DescribeStatus', instanceIds: ['vm-1'], pageSize: 21 })).outcome?.httpStatus).toBe(400);
    expect((await call({ operation: 'DescribeStatus', instanceIds: ['vm-1'], pageSize: 20 })).outcome?.ok).toBe(true);
  });

  it("tencent-unsupported-operation-codes: the live API's UnsupportedOperation.InstanceState<Word>", async () => {
    const { call } = await probe('tencent-unsupported-operation-codes', 'tencent-cvm-api2', [{ id: tc(1), status: 'LAUNCH_FAILED' }]);
    expect((await call({ operation: 'StopInstances', instanceIds: [tc(1)] })).outcome?.error?.code).toBe('UnsupportedOperation.InstanceStateLaunchFailed');
  });

  it('aliyun-other-documented-codes and aliyun-incorrect-status-everywhere', async () => {
    const { call } = await probe('aliyun-other-documented-codes', 'aliyun-ecs', [
      { id: ali(1), status: 'Stopping' },
      { id: ali(2), status: 'Running' },
    ]);
    expect((await call({ operation: 'StopInstances', instanceIds: [ali(1)] })).outcome?.error?.code).toBe('InstanceNotReady');
    expect((await call({ operation: 'StopInstances', instanceIds: [ali(9)] })).outcome?.error?.code).toBe('InvalidInstanceIds.NotFound');
    const sf = await call({ operation: 'StopInstances', instanceIds: [ali(2), 'x-bad'], params: { BatchOptimization: 'SuccessFirst' } });
    expect(sf.outcome?.instances?.find((e) => e.instanceId === 'x-bad')).toMatchObject({ code: 'Abs.InvalidInstanceIds.MalFormed', status: '' });
    const incorrect = await probe('aliyun-incorrect-status-everywhere', 'aliyun-ecs', [{ id: ali(3), status: 'Pending' }]);
    expect((await incorrect.call({ operation: 'StopInstances', instanceIds: [ali(3)] })).outcome?.error?.code).toBe('IncorrectInstanceStatus');
  });

  it('other-undocumented-codes: another code and 4xx where none is documented; tencent stays HTTP 200', async () => {
    const z = await probe('other-undocumented-codes', 'zenlayer-vm');
    const unknownAction = await z.call({ operation: 'StopInstances', instanceIds: ['vm-1'], action: 'StopInstancez' });
    expect([unknownAction.outcome?.httpStatus, unknownAction.outcome?.error?.code]).toEqual([404, 'ACTION_NOT_FOUND']);
    const t = await probe('other-undocumented-codes', 'tencent-cvm-api3');
    const bad = await t.call({ operation: 'StopInstances', instanceIds: [tc(1)], rawBody: '{"InstanceIds": [' });
    expect([bad.outcome?.httpStatus, bad.outcome?.error?.code]).toEqual([200, 'InvalidParameter.JsonParseError']);
  });

  it('refuses-duplicate-ids: a stop naming one id twice is a client error', async () => {
    const { call } = await probe('refuses-duplicate-ids', 'aliyun-ecs', [{ id: ali(1), status: 'Running' }]);
    expect((await call({ operation: 'StopInstances', instanceIds: [ali(1), ali(1)] })).outcome?.httpStatus).toBe(400);
  });

  it('ec2-own-instance-ids: the setup answers the ids the emulator created; only those stop', async () => {
    const requested = 'i-0123456789abcdef0';
    const p = await legalVariant('ec2-own-instance-ids').start('aws-ec2', { transitionMs: 150 });
    open.push(p);
    const assigned = await setupInstances(defaultStatesUrl(p.url), [{ id: requested, status: 'running' }]);
    const own = assigned.get(requested);
    expect(own).toMatch(/^i-[0-9a-f]{17}$/);
    expect(own).not.toBe(requested);
    const call = (c: OperationCall): Promise<Exchange> => callTarget(getDialect('aws-ec2'), c, { baseUrl: p.url, credentials: TEST_CREDENTIALS });
    expect((await call({ operation: 'StopInstances', instanceIds: [requested] })).outcome?.error?.code).toBe('InvalidInstanceID.NotFound');
    expect((await call({ operation: 'StopInstances', instanceIds: [own ?? ''] })).outcome?.ok).toBe(true);
  });

  it('states-reply-and-transport: a non-empty provider-state reply, Connection: close on every answer', async () => {
    const { p, call } = await probe('states-reply-and-transport', 'zenlayer-bmc');
    const setup = await sendWire({
      method: 'POST',
      url: defaultStatesUrl(p.url),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'setup', state: 'instances exist', params: { instances: [{ id: 'bm-1', status: 'RUNNING' }] } }),
    });
    expect(JSON.parse(setup.response?.bodyText ?? '{}')).toMatchObject({ ok: true });
    expect((await call({ operation: 'DescribeStatus', instanceIds: ['bm-1'] })).response?.headers['connection']).toBe('close');
  });

  it("status-unknown-id-not-found: a status query naming an unknown id answers the dialect's not-found error", async () => {
    const { call } = await probe('status-unknown-id-not-found', 'aliyun-ecs', [{ id: ali(1), status: 'Running' }]);
    expect((await call({ operation: 'DescribeStatus', instanceIds: [ali(1), ali(2)] })).outcome?.error?.code).toBe('InvalidInstanceId.NotFound');
    expect(statuses(await call({ operation: 'DescribeStatus', instanceIds: [ali(1)] }))).toEqual([`${ali(1)}=Running`]);
  });

  it('path-prefix: the API answers under /gateway/v1 only', async () => {
    const { p, call } = await probe('path-prefix', 'zenlayer-vm', [{ id: 'vm-1', status: 'RUNNING' }]);
    expect(p.url).toMatch(/\/gateway\/v1$/);
    expect((await call({ operation: 'DescribeStatus', instanceIds: ['vm-1'] })).outcome?.ok).toBe(true);
    expect((await sendWire({ method: 'POST', url: `${new URL(p.url).origin}/api/v2/vm`, headers: { 'x-zc-action': 'DescribeInstancesStatus', 'content-type': 'application/json' }, body: '{}' })).response?.status).toBe(404);
  });

  it.each(['rate-limit-fixed-window', 'rate-limit-token-bucket'])('%s: a burst of 25 StopInstances is partly refused with RequestLimitExceeded', async (name) => {
    const seeds = Array.from({ length: 25 }, (_, i) => ({ id: tc(i), status: 'RUNNING' }));
    const { call } = await probe(name, 'tencent-cvm-api3', seeds);
    const answers = await Promise.all(seeds.map((s) => call({ operation: 'StopInstances', instanceIds: [s.id] })));
    const refused = answers.filter((a) => a.outcome?.error?.code === 'RequestLimitExceeded').length;
    expect(refused).toBeGreaterThanOrEqual(5);
    expect(refused).toBeLessThanOrEqual(15);
  });

  it('throttled-status-query: 80 status queries at once see the rate-limit error', async () => {
    const { call } = await probe('throttled-status-query', 'zenlayer-vm', [{ id: 'vm-1', status: 'RUNNING' }]);
    const answers = await Promise.all(Array.from({ length: 80 }, () => call({ operation: 'DescribeStatus', instanceIds: ['vm-1'] })));
    expect(answers.filter((a) => a.outcome?.httpStatus === 429).length).toBeGreaterThan(0);
  });
});
