/**
 * Each perturbation family really makes its choice (so "the catalog passes against it" means something): probes over
 * real HTTP, read from the raw answers (the suite's decoders are what the generator judges, so the probes do not use
 * them). Families the named variants already show (variant-behaviour.test.ts: rate limits, path prefix, duplicate ids,
 * unknown ids in status queries, strict and unpaged status queries, throttled status queries) are not repeated.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { callTarget } from '../dialects/client.ts';
import { getDialect } from '../dialects/index.ts';
import { sendWire } from '../dialects/transport.ts';
import { DIALECT_NAMES, type DialectName, type OperationCall } from '../dialects/types.ts';
import { defaultStatesUrl, setupInstances } from '../engine/provider-states.ts';
import type { RunningProvider } from '../provider/server.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { startCombination, type Combination } from './generate.ts';
import { DEFAULT_LIMITS, perturbationFamily, reservedMemberNames, type FamilyParams } from './perturbations.ts';

const open: RunningProvider[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

/** A raw answer: status, headers, body text and (when JSON) the parsed body. */
interface Raw {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  readonly json: Record<string, unknown>;
  readonly ms: number;
}

/** Start one family with fixed parameters, seed instances, and return a raw caller. */
async function probe(dialect: DialectName, family: string, params: FamilyParams, seeds: readonly { id: string; status: string }[] = []) {
  const combination: Combination = [{ family, params }];
  const p = await startCombination(dialect, combination);
  open.push(p);
  if (seeds.length > 0) await setupInstances(defaultStatesUrl(p.url), seeds);
  const raw = async (call: OperationCall): Promise<Raw> => {
    const ex = await callTarget(getDialect(dialect), call, { baseUrl: p.url, credentials: TEST_CREDENTIALS });
    const text = ex.response?.bodyText ?? '';
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = {};
    }
    return { status: ex.response?.status ?? 0, headers: ex.response?.headers ?? {}, text, json, ms: ex.durationMs };
  };
  const states = async (body: unknown): Promise<{ status: number; text: string; headers: Readonly<Record<string, string>> }> => {
    const sent = await sendWire({ method: 'POST', url: defaultStatesUrl(p.url), headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: sent.response?.status ?? 0, text: sent.response?.bodyText ?? '', headers: sent.response?.headers ?? {} };
  };
  return { p, raw, states };
}

const tc = (n: number): string => `ins-${String(n).padStart(8, '0')}`;
const ali = (n: number): string => `i-probe${n}`;
const sf = { BatchOptimization: 'SuccessFirst' };
type Obj = Record<string, unknown>;
const at = (value: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Obj)[k] : undefined), value);
const entries = (r: Raw): Obj[] => (at(r.json, 'InstanceResponses', 'InstanceResponse') as Obj[] | undefined) ?? [];

describe('perturbation families make their choice', () => {
  it('transport: late answers that close their connection and carry extra headers', async () => {
    const { raw } = await probe('zenlayer-vm', 'transport', { delayMs: 30, closeConnection: true, extraHeaders: true }, [{ id: 'vm-1', status: 'RUNNING' }]);
    const r = await raw({ operation: 'DescribeStatus', instanceIds: ['vm-1'], pageSize: 20 });
    expect([r.headers['connection'], r.headers['x-request-id'], r.headers['server']]).toEqual(['close', 'vmconform-legal-gateway', 'legal-gateway/1.0']);
    expect(r.ms).toBeGreaterThanOrEqual(25);
  });

  it('content-types: none, text/json and text/plain for tencent; aliyun keeps JSON and XML with other parameters, any type for status answers', async () => {
    const t = await probe('tencent-cvm-api2', 'content-types', { success: null, error: 'text/json', status: 'text/plain' }, [{ id: tc(1), status: 'RUNNING' }]);
    expect((await t.raw({ operation: 'StopInstances', instanceIds: [tc(1)] })).headers['content-type']).toBeUndefined();
    expect((await t.raw({ operation: 'StopInstances', instanceIds: [tc(9)] })).headers['content-type']).toBe('text/json');
    expect((await t.raw({ operation: 'DescribeStatus', instanceIds: [tc(1)] })).headers['content-type']).toBe('text/plain');
    const a = await probe('aliyun-ecs', 'content-types', { json: 'application/json; charset=utf-8', xml: 'text/xml', status: 'application/vnd.api+json' }, [{ id: ali(1), status: 'Running' }]);
    expect((await a.raw({ operation: 'StopInstances', instanceIds: [ali(9)] })).headers['content-type']).toBe('application/json; charset=utf-8');
    expect((await a.raw({ operation: 'StopInstances', instanceIds: [ali(9)], format: 'XML' })).headers['content-type']).toBe('text/xml');
    const status = await a.raw({ operation: 'DescribeStatus', instanceIds: [ali(1)], format: 'XML' });
    expect([status.headers['content-type'], status.text.startsWith('<?xml')]).toEqual(['application/vnd.api+json', true]);
  });

  it('states-reply: a setup answered 201 OK in plain text, a teardown 204 without a body; refusals stay', async () => {
    const { states } = await probe('zenlayer-bmc', 'states-reply', {
      setup: { status: 201, body: 'text-ok', contentType: 'text/plain' },
      teardown: { status: 204, body: 'echo', contentType: null },
    });
    const instances = [{ id: 'bm-1', status: 'RUNNING' }];
    expect(await states({ action: 'setup', state: 'instances exist', params: { instances } })).toMatchObject({ status: 201, text: 'OK' });
    expect(await states({ action: 'teardown', state: 'instances exist', params: { instances } })).toMatchObject({ status: 204, text: '' });
    expect((await states({ action: 'destroy' })).status).toBe(400);
  });

  it('id-map: the target answers setups with its own ids and knows instances only by them; teardown takes either', async () => {
    const { raw, states } = await probe('tencent-cvm-api3', 'id-map', { seed: 1, style: 'random', keepSome: false });
    const setup = await states({ action: 'setup', state: 'instances exist', params: { instances: [{ id: tc(1), status: 'RUNNING' }, { id: tc(2), status: 'STOPPED' }] } });
    const map = (JSON.parse(setup.text) as { instances: { requested: string; id: string }[] }).instances;
    expect(map.map((m) => m.requested)).toEqual([tc(1), tc(2)]);
    for (const m of map) expect(m.id).toMatch(/^ins-[a-z0-9]{8}$/);
    expect(map.every((m) => m.id !== m.requested)).toBe(true);
    const own = map.map((m) => m.id);
    const read = await raw({ operation: 'DescribeStatus', instanceIds: [...own, tc(1)] });
    expect((at(read.json, 'Response', 'InstanceStatusSet') as Obj[]).map((e) => `${String(e['InstanceId'])}=${String(e['InstanceState'])}`)).toEqual([`${own[0]}=RUNNING`, `${own[1]}=STOPPED`]);
    expect(at((await raw({ operation: 'StopInstances', instanceIds: [own[0] ?? ''] })).json, 'Response', 'Error')).toBeUndefined();
    await states({ action: 'teardown', state: 'instances exist', params: { instances: [{ id: tc(2) }, { id: own[0] }] } });
    expect(at((await raw({ operation: 'DescribeStatus', instanceIds: own })).json, 'Response', 'InstanceStatusSet')).toEqual([]);

    const z = await probe('zenlayer-vm', 'id-map', { seed: 2, style: 'spaced', keepSome: true });
    const zmap = (JSON.parse((await z.states({ action: 'setup', state: 'instances exist', params: { instances: ['a', 'b', 'c', 'd'].map((id) => ({ id: `vm-${id}`, status: 'RUNNING' })) } })).text) as { instances: { requested: string; id: string }[] }).instances;
    expect(zmap).toHaveLength(4);
    expect(zmap.some((m) => m.id === m.requested) && zmap.some((m) => /^Instance \w{4} \/ 实例$/.test(m.id))).toBe(true);
  });

  it('id-map and states-reply together: a reply carrying the map keeps it (and a body, so no 204)', async () => {
    const p = await startCombination('aliyun-ecs', [
      { family: 'states-reply', params: { setup: { status: 204, body: 'text-ok', contentType: 'text/plain' }, teardown: { status: 200, body: 'empty', contentType: null } } },
      { family: 'id-map', params: { seed: 3, style: 'long', keepSome: false } },
    ]);
    open.push(p);
    const sent = await sendWire({ method: 'POST', url: defaultStatesUrl(p.url), headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'setup', state: 'instances exist', params: { instances: [{ id: ali(1), status: 'Running' }] } }) });
    expect(sent.response?.status).toBe(200);
    expect(JSON.parse(sent.response?.bodyText ?? '{}')).toMatchObject({ instances: [{ requested: ali(1), id: expect.stringMatching(/^i-[a-z0-9]{20}$/) }] });
  });

  it('request-id-formats: other formats per kind of answer, still one per answer', async () => {
    const { raw } = await probe('aliyun-ecs', 'request-id-formats', { success: 'braced', error: 'numeric', status: 'hex32' }, [{ id: ali(1), status: 'Running' }, { id: ali(2), status: 'Running' }]);
    const a = await raw({ operation: 'StopInstances', instanceIds: [ali(1)] });
    const b = await raw({ operation: 'StopInstances', instanceIds: [ali(2)] });
    expect(a.json['RequestId']).toMatch(/^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/);
    expect(a.json['RequestId']).not.toBe(b.json['RequestId']);
    expect((await raw({ operation: 'StopInstances', instanceIds: [ali(9)] })).json['RequestId']).toMatch(/^\d+$/);
    expect((await raw({ operation: 'DescribeStatus', instanceIds: [ali(1)] })).json['RequestId']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('status-request-ids: zenlayer status answers without the inner request id; tencent repeats one in every status answer', async () => {
    const z = await probe('zenlayer-vm', 'status-request-ids', { mode: 'missing', where: 'inner' }, [{ id: 'vm-1', status: 'RUNNING' }]);
    const r = await z.raw({ operation: 'DescribeStatus', instanceIds: ['vm-1'], pageSize: 20 });
    expect([typeof r.json['requestId'], Object.hasOwn(r.json['response'] as Obj, 'requestId')]).toEqual(['string', false]);
    const t = await probe('tencent-cvm-api2', 'status-request-ids', { mode: 'repeated', where: 'both' }, [{ id: tc(1), status: 'RUNNING' }]);
    const ids = await Promise.all([1, 2].map(async () => at((await t.raw({ operation: 'DescribeStatus', instanceIds: [tc(1)] })).json, 'Response', 'RequestId')));
    expect(ids[0]).toBe(ids[1]);
  });

  it('extra-members: never a name the pins reserve; nested elements in aliyun XML errors', async () => {
    for (const d of DIALECT_NAMES) {
      const reserved = reservedMemberNames(d);
      for (const params of fc.sample(perturbationFamily('extra-members').params(d, DEFAULT_LIMITS), { seed: 9, numRuns: 100 })) {
        expect((params['names'] as string[]).filter((n) => reserved.has(n)), d).toEqual([]);
      }
    }
    const { raw } = await probe('aliyun-ecs', 'extra-members', { seed: 0, names: ['Data'], values: [{ a: 1, b: [true, 'x'] }], kinds: ['error'], everywhere: true });
    expect((await raw({ operation: 'StopInstances', instanceIds: [ali(9)], format: 'XML' })).text).toMatch(/<Error>.*<Data><a>1<\/a><b>true<\/b><b>x<\/b><\/Data><\/Error>$/);
  });

  it('null-members: null members at every level, null paging fields in status answers', async () => {
    const { raw } = await probe('tencent-cvm-api2', 'null-members', { seed: 1, names: ['Extra'], kinds: ['success'], everywhere: true, pagingNull: true }, [{ id: tc(1), status: 'RUNNING' }]);
    const stop = await raw({ operation: 'StopInstances', instanceIds: [tc(1)] });
    expect([stop.json['Extra'], at(stop.json, 'Response', 'Extra')]).toEqual([null, null]);
    expect(at((await raw({ operation: 'DescribeStatus', instanceIds: [tc(1)] })).json, 'Response', 'TotalCount')).toBeNull();
  });

  it("other-envelope-members: the other envelope's members, where DESIGN.md §3 allows them", async () => {
    const t = await probe('tencent-cvm-api3', 'other-envelope-members', { where: ['response'], kinds: ['success', 'status'] }, [{ id: tc(1), status: 'RUNNING' }]);
    const stop = await t.raw({ operation: 'StopInstances', instanceIds: [tc(1)] });
    expect(Object.hasOwn(stop.json['Response'] as Obj, 'Error') && at(stop.json, 'Response', 'Error') === null).toBe(true);
    const z = await probe('zenlayer-vm', 'other-envelope-members', { onError: 'response-null', successCode: 'SUCCESS', successMessage: true }, [{ id: 'vm-1', status: 'RUNNING' }]);
    const ok = await z.raw({ operation: 'StopInstances', instanceIds: ['vm-1'] });
    expect([ok.status, ok.json['code'], ok.json['message']]).toEqual([200, 'SUCCESS', 'Success']);
    const bad = await z.raw({ operation: 'StopInstances', instanceIds: ['vm-9'] });
    expect([bad.status, bad.json['response']]).toEqual([404, null]);
    const a = await probe('aliyun-ecs', 'other-envelope-members', { hostId: true, successCode: '200', successMessage: false, onError: 'empty-list' }, [{ id: ali(1), status: 'Running' }]);
    const success = await a.raw({ operation: 'StopInstances', instanceIds: [ali(1)] });
    expect([success.json['HostId'], success.json['Code']]).toEqual(['ecs.aliyuncs.com', '200']);
    expect((await a.raw({ operation: 'StopInstances', instanceIds: [ali(9)] })).json['InstanceResponses']).toEqual({ InstanceResponse: [] });
  });

  it('error-messages: other error texts; aliyun SuccessFirst entries say Success', async () => {
    const z = await probe('zenlayer-bmc', 'error-messages', { text: '实例不存在。', successFirst: 'as-is' });
    expect((await z.raw({ operation: 'StopInstances', instanceIds: ['bm-9'] })).json['message']).toBe('实例不存在。');
    const a = await probe('aliyun-ecs', 'error-messages', { text: '', successFirst: 'Success' }, [{ id: ali(1), status: 'Running' }]);
    expect(entries(await a.raw({ operation: 'StopInstances', instanceIds: [ali(1), ali(9)], params: sf })).map((e) => e['Message'])).toEqual(['Success', '']);
  });

  it('status-paging-fields: aliyun counts as a string, pages from 0, and leaves PageSize out', async () => {
    const { raw } = await probe('aliyun-ecs', 'status-paging-fields', { total: 'string', pageNumber: 'zero-based', pageSize: 'missing' }, [{ id: ali(1), status: 'Running' }, { id: ali(2), status: 'Stopped' }]);
    const r = await raw({ operation: 'DescribeStatus', instanceIds: [ali(1), ali(2)], pageSize: 50 });
    expect([r.json['TotalCount'], r.json['PageNumber'], Object.hasOwn(r.json, 'PageSize')]).toEqual(['2', 0, false]);
  });

  it('list-order: status entries rotated', async () => {
    const { raw } = await probe('zenlayer-vm', 'list-order', { order: 'rotate', seed: 0 }, ['a', 'b', 'c'].map((x) => ({ id: `vm-${x}`, status: 'RUNNING' })));
    const r = await raw({ operation: 'DescribeStatus', instanceIds: ['vm-a', 'vm-b', 'vm-c'], pageSize: 20 });
    expect((at(r.json, 'response', 'dataSet') as Obj[]).map((e) => e['instanceId'])).toEqual(['vm-b', 'vm-c', 'vm-a']);
  });

  it('stop-duration: an accepted stop still reads STOPPING a while later', async () => {
    const { raw } = await probe('zenlayer-bmc', 'stop-duration', { ms: 1_500, sayStopped: false }, [{ id: 'bm-1', status: 'RUNNING' }]);
    await raw({ operation: 'StopInstances', instanceIds: ['bm-1'] });
    await new Promise((r) => setTimeout(r, 300));
    expect(at((await raw({ operation: 'DescribeStatus', instanceIds: ['bm-1'], pageSize: 20 })).json, 'response', 'dataSet')).toEqual([{ instanceId: 'bm-1', instanceStatus: 'STOPPING' }]);
  });

  it("tencent-state-codes: only the chosen words get the live API's code", async () => {
    const { raw } = await probe('tencent-cvm-api2', 'tencent-state-codes', { words: ['STOPPED'] }, [{ id: tc(1), status: 'STOPPED' }, { id: tc(2), status: 'PENDING' }]);
    expect(at((await raw({ operation: 'StopInstances', instanceIds: [tc(1)] })).json, 'Response', 'Error', 'Code')).toBe('UnsupportedOperation.InstanceStateStopped');
    expect(at((await raw({ operation: 'StopInstances', instanceIds: [tc(2)] })).json, 'Response', 'Error', 'Code')).toBe('InvalidInstance.NotSupported');
  });

  it('aliyun-not-ready-codes: each word its chosen code, in errors and SuccessFirst entries', async () => {
    const { raw } = await probe('aliyun-ecs', 'aliyun-not-ready-codes', { Pending: 'IncorrectInstanceStatus', Starting: 'InstanceNotReady', Stopping: 'InstanceNotReady' }, [
      { id: ali(1), status: 'Pending' },
      { id: ali(2), status: 'Stopping' },
    ]);
    const pending = await raw({ operation: 'StopInstances', instanceIds: [ali(1)] });
    expect([pending.status, pending.json['Code']]).toEqual([403, 'IncorrectInstanceStatus']);
    expect((await raw({ operation: 'StopInstances', instanceIds: [ali(2)] })).json['Code']).toBe('InstanceNotReady');
    expect(entries(await raw({ operation: 'StopInstances', instanceIds: [ali(1), ali(2)], params: sf })).map((e) => e['Code'])).toEqual(['IncorrectInstanceStatus', 'InstanceNotReady']);
  });

  it('aliyun-id-codes: a malformed id answered 404 InvalidInstanceId.NotFound, an unknown one InvalidInstanceIds.NotFound, a malformed SuccessFirst entry the malformed code', async () => {
    const { raw } = await probe('aliyun-ecs', 'aliyun-id-codes', { malformed: 'InvalidInstanceId.NotFound', unknown: 'InvalidInstanceIds.NotFound', successFirstMalformed: 'Abs.InvalidInstanceIds.MalFormed' }, [{ id: ali(1), status: 'Running' }]);
    const malformed = await raw({ operation: 'StopInstances', instanceIds: ['x-bad'] });
    expect([malformed.status, malformed.json['Code']]).toEqual([404, 'InvalidInstanceId.NotFound']);
    const unknown = await raw({ operation: 'StopInstances', instanceIds: [ali(9)] });
    expect([unknown.status, unknown.json['Code']]).toEqual([404, 'InvalidInstanceIds.NotFound']);
    expect(entries(await raw({ operation: 'StopInstances', instanceIds: [ali(1), 'x-bad', ali(9)], params: sf })).map((e) => e['Code'])).toEqual(['200', 'Abs.InvalidInstanceIds.MalFormed', 'InvalidInstanceId.NotFound']);
  });

  it('aliyun-failed-entry-statuses: a failed SuccessFirst entry with a blank CurrentStatus', async () => {
    const { raw } = await probe('aliyun-ecs', 'aliyun-failed-entry-statuses', { blank: 'current' }, [{ id: ali(1), status: 'Stopped' }]);
    expect(entries(await raw({ operation: 'StopInstances', instanceIds: [ali(1)], params: sf }))[0]).toMatchObject({ PreviousStatus: 'Stopped', CurrentStatus: '' });
  });

  it('tencent-type-error-code: a value of the wrong JSON type gets InvalidParameter, a wrong value of the right type keeps InvalidParameterValue', async () => {
    const { raw } = await probe('tencent-cvm-api3', 'tencent-type-error-code', { code: 'InvalidParameter' }, [{ id: tc(1), status: 'RUNNING' }]);
    expect(at((await raw({ operation: 'StopInstances', instanceIds: [tc(1)], params: { ForceStop: 'MAYBE' } })).json, 'Response', 'Error', 'Code')).toBe('InvalidParameter');
    expect(at((await raw({ operation: 'StopInstances', instanceIds: [tc(1)], params: { StopType: 'NOPE' } })).json, 'Response', 'Error', 'Code')).toBe('InvalidParameterValue');
  });

  it('aliyun-status-format: a status query asking XML is answered in JSON', async () => {
    const { raw } = await probe('aliyun-ecs', 'aliyun-status-format', { format: 'JSON' }, [{ id: ali(1), status: 'Running' }]);
    expect((await raw({ operation: 'DescribeStatus', instanceIds: [ali(1)], format: 'XML' })).json).toMatchObject({ InstanceStatuses: { InstanceStatus: [{ InstanceId: ali(1), Status: 'Running' }] } });
    expect((await raw({ operation: 'StopInstances', instanceIds: [ali(9)], format: 'XML' })).text).toMatch(/^<\?xml/);
  });

  it('status-paging: small pages whatever size is asked', async () => {
    const seeds = Array.from({ length: 5 }, (_, i) => ({ id: tc(i), status: 'RUNNING' }));
    const { raw } = await probe('tencent-cvm-api2', 'status-paging', { mode: 'small', cap: 3, totals: false }, seeds);
    const r = await raw({ operation: 'DescribeStatus', instanceIds: seeds.map((s) => s.id), pageSize: 100 });
    expect([(at(r.json, 'Response', 'InstanceStatusSet') as Obj[]).length, at(r.json, 'Response', 'TotalCount')]).toEqual([3, undefined]);
  });

  it('stop-charging-refused: STOP_CHARGING refused with the chosen code, nothing stopped; a SuccessFirst dry run still passes', async () => {
    const t = await probe('tencent-cvm-api3', 'stop-charging-refused', { ineligible: 'all', seed: 0, refusal: 1 }, [{ id: tc(1), status: 'RUNNING' }]);
    expect(at((await t.raw({ operation: 'StopInstances', instanceIds: [tc(1)], params: { StoppedMode: 'STOP_CHARGING' } })).json, 'Response', 'Error', 'Code')).toBe('UnsupportedOperation.StoppedModeStopCharging');
    expect(at((await t.raw({ operation: 'DescribeStatus', instanceIds: [tc(1)] })).json, 'Response', 'InstanceStatusSet')).toEqual([{ InstanceId: tc(1), InstanceState: 'RUNNING' }]);
    expect(at((await t.raw({ operation: 'StopInstances', instanceIds: [tc(1)], params: { StoppedMode: 'KEEP_CHARGING' } })).json, 'Response', 'Error')).toBeUndefined();
    const a = await probe('aliyun-ecs', 'stop-charging-refused', { ineligible: 'all', seed: 0, refusal: 2 }, [{ id: ali(1), status: 'Running' }]);
    expect((await a.raw({ operation: 'StopInstances', instanceIds: [ali(1)], params: { StoppedMode: 'StopCharging' } })).json['Code']).toBe('IncorrectInstanceStatus');
    expect((await a.raw({ operation: 'StopInstances', instanceIds: [ali(1)], params: { StoppedMode: 'StopCharging', DryRun: true, ...sf } })).json['Code']).toBe('DRYRUN.SUCCESS');
  });

  it('layers read a form-POST request before forwarding it (forwarding consumes the body)', async () => {
    const p = await startCombination('aliyun-ecs', [
      { family: 'content-types', params: { json: 'application/json', xml: 'text/xml', status: 'text/plain' } },
      { family: 'status-unknown-ids', params: { notFound: true } },
    ]);
    open.push(p);
    await setupInstances(defaultStatesUrl(p.url), [{ id: ali(1), status: 'Running' }]);
    const call = (c: OperationCall) => callTarget(getDialect('aliyun-ecs'), { ...c, style: 'form-post' }, { baseUrl: p.url, credentials: TEST_CREDENTIALS });
    const stop = await call({ operation: 'StopInstances', instanceIds: [ali(9)], format: 'XML' });
    expect([stop.response?.status, stop.response?.headers['content-type']]).toEqual([404, 'text/xml']);
    const status = await call({ operation: 'DescribeStatus', instanceIds: [ali(1), ali(9)] });
    expect([status.response?.status, status.response?.headers['content-type']]).toEqual([404, 'application/json']);
  });

  it('undocumented-codes: the chosen code and 4xx where no code is documented', async () => {
    const { raw } = await probe('zenlayer-vm', 'undocumented-codes', { unknownAction: { code: 'BAD_REQUEST', httpStatus: 405 } });
    const r = await raw({ operation: 'StopInstances', instanceIds: ['vm-1'], action: 'StopInstancez' });
    expect([r.status, r.json['code']]).toEqual([405, 'BAD_REQUEST']);
  });

  it('problem-precedence: a batch with several problems answers the one the order puts first', async () => {
    const order = ['wrongState', 'malformedId', 'notFound', 'securityLocked', 'recycled', 'notReady'];
    const { raw } = await probe('tencent-cvm-api2', 'problem-precedence', { order }, [{ id: tc(1), status: 'STOPPED' }]);
    expect(at((await raw({ operation: 'StopInstances', instanceIds: [tc(9), tc(1)] })).json, 'Response', 'Error', 'Code')).toBe('InvalidInstance.NotSupported');
  });
});
