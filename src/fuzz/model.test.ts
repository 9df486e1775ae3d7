import { describe, expect, it } from 'vitest';
import { dialectModel, legalWorlds, type ModelStore, type World } from './model.ts';

const store = (entries: Record<string, string | [string, boolean]>): ModelStore =>
  new Map(Object.entries(entries).map(([id, v]) => [id, { words: [typeof v === 'string' ? v : v[0]], securityLocked: typeof v === 'string' ? false : v[1] }]));

const brief = (w: World): string =>
  w.kind === 'error'
    ? `error ${w.codes === 'any' ? 'any' : w.codes.join('|')}`
    : `success stops ${[...w.stops].join(',') || 'nothing'}${w.perInstance ? ` per-instance ${[...w.perInstance].map(([id, o]) => `${id}=${o.kind === 'success' ? 'ok' : o.codes.join('|')}`).join(' ')}` : ''}`;

describe('the model of each dialect, from its spec', () => {
  it('zenlayer: the recycle bin wins over NOT_RUNNING in one batch (DESIGN.md §3)', () => {
    const m = dialectModel('zenlayer-vm');
    expect(legalWorlds(m, store({ a: 'STOPPED', b: 'RECYCLING' }), { operation: 'StopInstances', instanceIds: ['a', 'b'] }).map(brief)).toEqual([
      'error OPERATION_DENIED_INSTANCE_RECYCLED',
    ]);
    expect(legalWorlds(m, store({ a: 'RUNNING', b: 'RUNNING' }), { operation: 'StopInstances', instanceIds: ['a', 'b'] }).map(brief)).toEqual(['success stops a,b']);
  });

  it('tencent: several problems accept any documented code that applies; the live UnsupportedOperation pattern included', () => {
    const m = dialectModel('tencent-cvm-api2');
    const worlds = legalWorlds(m, store({ 'ins-aaaaaaaa': 'STOPPED' }), { operation: 'StopInstances', instanceIds: ['ins-aaaaaaaa', 'ins-bbbbbbbb'] });
    expect(worlds.map(brief)).toEqual(['error InvalidInstance.NotSupported|UnsupportedOperation.InstanceState*|InvalidInstanceId.NotFound']);
    // api2 cannot say "an empty list": no InstanceIds.N is the missing list.
    expect(legalWorlds(m, store({}), { operation: 'StopInstances', instanceIds: [] }).map(brief)).toEqual(['error MissingParameter']);
    expect(legalWorlds(m, store({}), { operation: 'StopInstances', instanceIds: ['ins-1122'] }).map(brief)).toEqual(['error InvalidInstanceId.Malformed']);
  });

  it('DESIGN.md §3 pins: a wrong JSON type (api3), an ineligible value (api3, aliyun), an aliyun malformed id answered not found', () => {
    const api3 = dialectModel('tencent-cvm-api3');
    const s = store({ 'ins-aaaaaaaa': 'RUNNING' });
    const call = (params: Record<string, string | boolean>, style?: 'query-get') => ({ operation: 'StopInstances' as const, instanceIds: ['ins-aaaaaaaa'], params, ...(style ? { style } : {}) });
    expect(legalWorlds(api3, s, call({ ForceStop: 'MAYBE' })).map(brief)).toEqual(['error InvalidParameter|InvalidParameterValue']);
    // Query strings carry no types: a bad value there is InvalidParameterValue alone (000:41, 002:83).
    expect(legalWorlds(api3, s, call({ ForceStop: 'MAYBE' }, 'query-get')).map(brief)).toEqual(['error InvalidParameterValue']);
    expect(legalWorlds(api3, s, call({ StopType: 'GENTLE' })).map(brief)).toEqual(['error InvalidParameterValue']);
    expect(legalWorlds(api3, s, call({ StoppedMode: 'STOP_CHARGING' })).map(brief)).toEqual(['error any', 'success stops ins-aaaaaaaa']);
    expect(legalWorlds(api3, s, call({ StoppedMode: 'KEEP_CHARGING' })).map(brief)).toEqual(['success stops ins-aaaaaaaa']);
    const ali = dialectModel('aliyun-ecs');
    const a = store({ 'i-a': 'Running' });
    expect(legalWorlds(ali, a, { operation: 'StopInstances', instanceIds: ['i-a'], params: { StoppedMode: 'StopCharging' } }).map(brief)).toEqual(['error any', 'success stops i-a']);
    expect(legalWorlds(ali, a, { operation: 'StopInstances', instanceIds: ['I-TestID'] }).map(brief)).toEqual(['error Abs.InvalidInstanceIds.MalFormed|InvalidInstanceId.NotFound|InvalidInstanceIds.NotFound']);
  });

  it('zenlayer: more than 100 ids, where no code is documented, is any client error', () => {
    const m = dialectModel('zenlayer-bmc');
    const ids = Array.from({ length: 101 }, (_, i) => `bm-${i}`);
    const s = store(Object.fromEntries(ids.map((id) => [id, 'RUNNING'])));
    expect(legalWorlds(m, s, { operation: 'StopInstances', instanceIds: ids }).map(brief)).toEqual(['error any']);
    expect(legalWorlds(m, s, { operation: 'StopInstances', instanceIds: ids.slice(0, 100) }).map(brief)).toEqual([`success stops ${ids.slice(0, 100).join(',')}`]);
  });

  it('aliyun: SuccessFirst answers per instance (unknown and malformed ids with their codes), a dry run passes or answers the real error', () => {
    const m = dialectModel('aliyun-ecs');
    const s = store({ 'i-a': 'Running', 'i-b': 'Stopped', 'i-c': ['Running', true] });
    const sf = legalWorlds(m, s, { operation: 'StopInstances', instanceIds: ['i-a', 'i-b', 'i-x', 'x-bad'], params: { BatchOptimization: 'SuccessFirst' } });
    expect(sf.map(brief)).toEqual([
      'success stops i-a per-instance i-a=ok i-b=IncorrectInstanceStatus i-x=InvalidInstanceId.NotFound|InvalidInstanceIds.NotFound x-bad=Abs.InvalidInstanceIds.MalFormed|InvalidInstanceId.NotFound|InvalidInstanceIds.NotFound',
    ]);
    expect(legalWorlds(m, s, { operation: 'StopInstances', instanceIds: ['i-b'], params: { BatchOptimization: 'SuccessFirst', DryRun: true } }).map(brief)).toEqual(['error DRYRUN.SUCCESS']);
    expect(legalWorlds(m, s, { operation: 'StopInstances', instanceIds: ['i-a'], params: { DryRun: true } }).map(brief)).toEqual(['error DRYRUN.SUCCESS']);
    expect(legalWorlds(m, s, { operation: 'StopInstances', instanceIds: ['i-a', 'i-b'], params: { DryRun: true } }).map(brief)).toEqual(['error IncorrectInstanceStatus']);
    // An id named twice: one entry per distinct id, or one per naming (nothing documents duplicates).
    const twice = legalWorlds(m, s, { operation: 'StopInstances', instanceIds: ['i-a', 'i-a', 'i-b'], params: { BatchOptimization: 'SuccessFirst' } });
    const listed = twice.flatMap((w) => (w.kind === 'success' && w.listed ? [[...w.listed]] : []));
    expect(listed).toContainEqual([['i-a', 2], ['i-b', 1]]);
    // A security-locked instance: 403, no code documented.
    expect(legalWorlds(m, s, { operation: 'StopInstances', instanceIds: ['i-c'] })).toEqual([expect.objectContaining({ kind: 'error', codes: 'any', httpStatus: [403] })]);
  });

  it('problems a target may ignore fork the outcomes: refused as a client error, or taken as if absent', () => {
    const m = dialectModel('zenlayer-vm');
    const s = store({ a: 'RUNNING' });
    expect(legalWorlds(m, s, { operation: 'StopInstances', instanceIds: ['a', 'a'] }).map(brief)).toEqual(['error any', 'success stops a']);
    expect(legalWorlds(m, s, { operation: 'StopInstances', instanceIds: ['a'], params: { VmconformProbe: 'x' } }).map(brief)).toEqual(['error any', 'success stops a']);
    expect(legalWorlds(m, s, { operation: 'StopInstances', instanceIds: ['a'], action: 'StopInstancez' }).map(brief)).toEqual(['error any']);
    expect(legalWorlds(m, s, { operation: 'StopInstances', instanceIds: ['a'], params: { forceShutdown: 'MAYBE' } }).map(brief)).toEqual(['error any']);
  });
});
