/**
 * Every kind of answer the reference provider gives validates against its dialect's spec (the yardstick is judged
 * by the specs, not by itself). Each dialect runs a matrix of successes and errors; every answer is checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DialectName } from '../dialects/types.ts';
import { schemaValidator } from '../specs/validator.ts';
import { parseAliyunXml } from '../specs/xml.ts';
import { startProviderServer, type RunningProvider } from './server.ts';
import { aliCall, indexedIds, seed, tc2Call, tc3Call, zcCall, type RawAnswer } from './test-helpers.ts';

type Op = 'stop' | 'status';

interface Checked {
  readonly label: string;
  readonly op: Op;
  readonly answer: RawAnswer;
}

const servers = new Map<DialectName, RunningProvider>();

beforeAll(async () => {
  for (const dialect of ['tencent-cvm-api2', 'tencent-cvm-api3', 'zenlayer-vm', 'zenlayer-bmc', 'aliyun-ecs'] as const) {
    servers.set(dialect, await startProviderServer({ dialect, transitionMs: 60_000 }));
  }
});
afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.close()));
});

function server(dialect: DialectName): string {
  const s = servers.get(dialect);
  if (!s) throw new Error(`no server for ${dialect}`);
  return s.url;
}

function problemsOf(dialect: DialectName, c: Checked): string[] {
  const v = schemaValidator(dialect);
  const { answer } = c;
  if (dialect.startsWith('tencent')) {
    const isError = typeof answer.json === 'object' && answer.json !== null && 'Error' in ((answer.json as { Response?: object }).Response ?? {});
    const schema = isError ? 'ErrorResponse' : c.op === 'stop' ? 'StopInstancesResponse' : 'DescribeStatusResponse';
    return v.validate(schema, answer.json).map((p) => `${schema}${p}`);
  }
  const base = answer.status === 200 ? (c.op === 'stop' ? 'StopInstancesResponse' : 'DescribeStatusResponse') : 'ErrorResponse';
  if (answer.contentType.includes('xml')) {
    const schema = `${base}Xml`;
    return v.validate(schema, parseAliyunXml(answer.text)).map((p) => `${schema}${p}`);
  }
  return v.validate(base, answer.json).map((p) => `${base}${p}`);
}

async function tencentMatrix(dialect: 'tencent-cvm-api2' | 'tencent-cvm-api3'): Promise<Checked[]> {
  const url = server(dialect);
  const run = dialect === 'tencent-cvm-api2' ? 'ins-a2run001' : 'ins-a3run001';
  const stopped = dialect === 'tencent-cvm-api2' ? 'ins-a2stp001' : 'ins-a3stp001';
  await seed(url, [
    { id: run, status: 'RUNNING' },
    { id: stopped, status: 'STOPPED' },
  ]);
  const call = async (action: string, ids: string[] | undefined, extra: Record<string, string> = {}): Promise<RawAnswer> =>
    dialect === 'tencent-cvm-api3'
      ? tc3Call(url, action, { ...(ids ? { InstanceIds: ids } : {}), ...extra })
      : tc2Call(url, action, [...indexedIds('InstanceIds', ids ?? [], 1), ...Object.entries(extra)]);
  const out: Checked[] = [];
  out.push({ label: 'stop ok', op: 'stop', answer: await call('StopInstances', [run]) });
  out.push({ label: 'wrong state', op: 'stop', answer: await call('StopInstances', [stopped]) });
  out.push({ label: 'not found', op: 'stop', answer: await call('StopInstances', ['ins-zzzzzzzz']) });
  out.push({ label: 'malformed', op: 'stop', answer: await call('StopInstances', ['ins-1122']) });
  out.push({ label: 'missing', op: 'stop', answer: await call('StopInstances', undefined) });
  out.push({ label: 'limit', op: 'stop', answer: await call('StopInstances', Array.from({ length: 101 }, (_, i) => `ins-${String(i).padStart(8, '0')}`)) });
  out.push({ label: 'bad ForceStop', op: 'stop', answer: await call('StopInstances', [run], { ForceStop: 'MAYBE' }) });
  out.push({ label: 'unknown action', op: 'stop', answer: await call('FooBar', [run]) });
  out.push({ label: 'status', op: 'status', answer: await call('DescribeInstancesStatus', [run, stopped, 'ins-nothere0']) });
  out.push({ label: 'status all', op: 'status', answer: await call('DescribeInstancesStatus', undefined) });
  out.push({ label: 'status bad limit', op: 'status', answer: await call('DescribeInstancesStatus', undefined, { Limit: '500' }) });
  if (dialect === 'tencent-cvm-api3') {
    out.push({ label: 'bad json', op: 'stop', answer: await tc3Call(url, 'StopInstances', '{') });
  }
  return out;
}

async function zenlayerMatrix(dialect: 'zenlayer-vm' | 'zenlayer-bmc'): Promise<Checked[]> {
  const url = server(dialect);
  const kind = dialect === 'zenlayer-vm' ? 'vm' : 'bmc';
  const statusAction = kind === 'vm' ? 'DescribeInstancesStatus' : 'DescribeInstances';
  await seed(url, [
    { id: 'zl-run', status: 'RUNNING' },
    { id: 'zl-stopped', status: 'STOPPED' },
    { id: 'zl-recycle', status: 'RECYCLE' },
  ]);
  const out: Checked[] = [];
  const stop = async (body: unknown): Promise<RawAnswer> => zcCall(url, kind, 'StopInstances', body);
  out.push({ label: 'stop ok', op: 'stop', answer: await stop({ instanceIds: ['zl-run'] }) });
  out.push({ label: 'not running', op: 'stop', answer: await stop({ instanceIds: ['zl-stopped'] }) });
  out.push({ label: 'recycled', op: 'stop', answer: await stop({ instanceIds: ['zl-recycle'] }) });
  out.push({ label: 'not found', op: 'stop', answer: await stop({ instanceIds: ['zl-none'] }) });
  out.push({ label: 'missing', op: 'stop', answer: await stop({}) });
  out.push({ label: 'empty', op: 'stop', answer: await stop({ instanceIds: [] }) });
  out.push({ label: 'limit', op: 'stop', answer: await stop({ instanceIds: Array.from({ length: 101 }, (_, i) => `x${i}`) }) });
  out.push({ label: 'bad json', op: 'stop', answer: await stop('{') });
  out.push({ label: 'bad forceShutdown', op: 'stop', answer: await stop({ instanceIds: ['zl-run'], forceShutdown: 'yes' }) });
  out.push({ label: 'unknown action', op: 'stop', answer: await zcCall(url, kind, 'FooBar', {}) });
  out.push({ label: 'status', op: 'status', answer: await zcCall(url, kind, statusAction, { instanceIds: ['zl-run', 'zl-none'] }) });
  out.push({ label: 'status all', op: 'status', answer: await zcCall(url, kind, statusAction, {}) });
  return out;
}

async function aliyunMatrix(): Promise<Checked[]> {
  const url = server('aliyun-ecs');
  await seed(url, [
    { id: 'i-run1', status: 'Running' },
    { id: 'i-run2', status: 'Running' },
    { id: 'i-stopped1', status: 'Stopped' },
    { id: 'i-starting1', status: 'Starting' },
    { id: 'i-locked1', status: 'Running', securityLocked: true },
  ]);
  const out: Checked[] = [];
  for (const format of ['JSON', 'XML'] as const) {
    const stop = async (ids: string[], extra: [string, string][] = [], opts: { region?: null } = {}): Promise<RawAnswer> =>
      aliCall(url, 'StopInstances', [...indexedIds('InstanceId', ids, 1), ...extra], { format, ...opts });
    const first = format === 'JSON' ? 'i-run1' : 'i-run2';
    out.push({ label: `${format} stop ok`, op: 'stop', answer: await stop([first]) });
    out.push({ label: `${format} wrong state`, op: 'stop', answer: await stop(['i-stopped1']) });
    out.push({ label: `${format} not ready`, op: 'stop', answer: await stop(['i-starting1']) });
    out.push({ label: `${format} locked`, op: 'stop', answer: await stop(['i-locked1']) });
    out.push({ label: `${format} not found`, op: 'stop', answer: await stop(['i-nothere']) });
    out.push({ label: `${format} malformed`, op: 'stop', answer: await stop(['i-TestID']) });
    out.push({ label: `${format} missing ids`, op: 'stop', answer: await stop([]) });
    out.push({ label: `${format} no region`, op: 'stop', answer: await stop(['i-run1'], [], { region: null }) });
    out.push({ label: `${format} limit`, op: 'stop', answer: await stop(Array.from({ length: 101 }, (_, i) => `i-x${i}`)) });
    out.push({ label: `${format} bad bool`, op: 'stop', answer: await stop(['i-run1'], [['ForceStop', 'maybe']]) });
    out.push({ label: `${format} dry run`, op: 'stop', answer: await stop(['i-stopped1'], [['DryRun', 'true'], ['BatchOptimization', 'SuccessFirst']]) });
    out.push({
      label: `${format} success first`,
      op: 'stop',
      answer: await stop(['i-stopped1', 'i-TestID', 'i-locked1'], [['BatchOptimization', 'SuccessFirst']]),
    });
    out.push({ label: `${format} unknown action`, op: 'stop', answer: await aliCall(url, 'FooBar', [], { format }) });
    out.push({ label: `${format} status`, op: 'status', answer: await aliCall(url, 'DescribeInstanceStatus', [['InstanceId.1', 'i-run1'], ['InstanceId.2', 'i-no']], { format }) });
    out.push({ label: `${format} status all`, op: 'status', answer: await aliCall(url, 'DescribeInstanceStatus', [], { format }) });
    out.push({ label: `${format} status empty`, op: 'status', answer: await aliCall(url, 'DescribeInstanceStatus', [['InstanceId.1', 'i-none']], { format }) });
  }
  return out;
}

describe('every provider answer validates against the dialect spec', () => {
  it.each([['tencent-cvm-api2' as const], ['tencent-cvm-api3' as const]])('%s', async (dialect) => {
    const answers = await tencentMatrix(dialect);
    const problems = answers.flatMap((c) => problemsOf(dialect, c).map((p) => `${c.label}: ${p}`));
    expect(problems).toEqual([]);
    expect(answers.every((c) => c.answer.status === 200)).toBe(true);
  });

  it.each([['zenlayer-vm' as const], ['zenlayer-bmc' as const]])('%s', async (dialect) => {
    const answers = await zenlayerMatrix(dialect);
    const problems = answers.flatMap((c) => problemsOf(dialect, c).map((p) => `${c.label}: ${p}`));
    expect(problems).toEqual([]);
    expect(answers.every((c) => c.answer.status < 500)).toBe(true);
  });

  it('aliyun-ecs (JSON and XML)', async () => {
    const answers = await aliyunMatrix();
    const problems = answers.flatMap((c) => problemsOf('aliyun-ecs', c).map((p) => `${c.label}: ${p}`));
    expect(problems).toEqual([]);
    expect(answers.every((c) => c.answer.status < 500)).toBe(true);
    expect(answers.filter((c) => c.answer.contentType.includes('xml'))).toHaveLength(16);
  });

  it('the check itself can fail (negative control)', () => {
    const broken: RawAnswer = { status: 200, contentType: 'application/json', text: '{}', json: { Response: {} } };
    expect(problemsOf('tencent-cvm-api3', { label: 'x', op: 'stop', answer: broken })).not.toEqual([]);
    const zl: RawAnswer = { status: 404, contentType: 'application/json', text: '{}', json: { code: 1 } };
    expect(problemsOf('zenlayer-vm', { label: 'x', op: 'stop', answer: zl })).not.toEqual([]);
    const xml: RawAnswer = { status: 403, contentType: 'application/xml', text: '<Error><Foo>1</Foo></Error>', json: undefined };
    expect(problemsOf('aliyun-ecs', { label: 'x', op: 'stop', answer: xml })).not.toEqual([]);
  });
});
