import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderServer, type RunningProvider } from './server.ts';
import { aliCall, dig, indexedIds, manualClock, queryCall, seed } from './test-helpers.ts';

const clock = manualClock();
let ali: RunningProvider;
let counter = 0;

function freshId(): string {
  counter += 1;
  return `i-bp${counter.toString(36).padStart(6, '0')}`;
}

async function statuses(ids: readonly string[]): Promise<Record<string, string>> {
  const a = await aliCall(ali.url, 'DescribeInstanceStatus', [...indexedIds('InstanceId', ids, 1), ['PageSize', '50']]);
  const set = dig(a.json, 'InstanceStatuses', 'InstanceStatus') as { InstanceId: string; Status: string }[];
  return Object.fromEntries(set.map((e) => [e.InstanceId, e.Status]));
}

function stopParams(ids: readonly string[], extra: [string, string][] = []): [string, string][] {
  return [...indexedIds('InstanceId', ids, 1), ...extra];
}

beforeAll(async () => {
  ali = await startProviderServer({ dialect: 'aliyun-ecs', transitionMs: 1000, now: clock.now });
});
afterAll(async () => {
  await ali.close();
});

describe('aliyun-ecs StopInstances AllTogether (default)', () => {
  it('stops Running: 200 with RequestId and one InstanceResponse per id (Running -> Stopping), then Stopped', async () => {
    const a = freshId();
    const b = freshId();
    await seed(ali.url, [
      { id: a, status: 'Running' },
      { id: b, status: 'Running' },
    ]);
    const res = await aliCall(ali.url, 'StopInstances', stopParams([a, b], [['ForceStop', 'false'], ['StoppedMode', 'KeepCharging']]));
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^application\/json/);
    expect(dig(res.json, 'RequestId')).toMatch(/^[0-9A-F-]{36}$/);
    expect(dig(res.json, 'InstanceResponses', 'InstanceResponse')).toEqual([
      { Code: '200', Message: 'success', InstanceId: a, PreviousStatus: 'Running', CurrentStatus: 'Stopping' },
      { Code: '200', Message: 'success', InstanceId: b, PreviousStatus: 'Running', CurrentStatus: 'Stopping' },
    ]);
    expect(await statuses([a, b])).toEqual({ [a]: 'Stopping', [b]: 'Stopping' });
    clock.advance(1000);
    expect(await statuses([a, b])).toEqual({ [a]: 'Stopped', [b]: 'Stopped' });
  });

  it.each([
    ['Stopped', 'IncorrectInstanceStatus'],
    ['Stopping', 'IncorrectInstanceStatus'],
    ['Starting', 'InstanceNotReady'],
    ['Pending', 'InstanceNotReady'],
  ])('refuses %s with 403 %s and stops nothing', async (status, code) => {
    const bad = freshId();
    const good = freshId();
    await seed(ali.url, [
      { id: bad, status },
      { id: good, status: 'Running' },
    ]);
    const res = await aliCall(ali.url, 'StopInstances', stopParams([good, bad]));
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ Code: code, RequestId: expect.any(String), HostId: expect.any(String), Message: expect.any(String) });
    expect(await statuses([bad, good])).toEqual({ [bad]: status, [good]: 'Running' });
  });

  it('refuses a security-locked instance with 403 InstanceLockedForSecurity and never stops it', async () => {
    const id = freshId();
    await seed(ali.url, [{ id, status: 'Running', securityLocked: true }]);
    const res = await aliCall(ali.url, 'StopInstances', stopParams([id]));
    expect(res.status).toBe(403);
    expect(dig(res.json, 'Code')).toBe('InstanceLockedForSecurity');
    const sf = await aliCall(ali.url, 'StopInstances', stopParams([id], [['BatchOptimization', 'SuccessFirst']]));
    expect(dig(sf.json, 'InstanceResponses', 'InstanceResponse', 0, 'Code')).toBe('InstanceLockedForSecurity');
    expect(await statuses([id])).toEqual({ [id]: 'Running' });
  });

  it('answers 404 InvalidInstanceId.NotFound and 403 Abs.InvalidInstanceIds.MalFormed', async () => {
    const nf = await aliCall(ali.url, 'StopInstances', stopParams(['i-doesnotexist']));
    expect(nf.status).toBe(404);
    expect(dig(nf.json, 'Code')).toBe('InvalidInstanceId.NotFound');
    for (const bad of ['i-TestID', 'ins-abcdefgh', 'i-', 'i-abc_def', '']) {
      const mf = await aliCall(ali.url, 'StopInstances', stopParams([bad]));
      expect(mf.status, bad).toBe(403);
      expect(dig(mf.json, 'Code')).toBe('Abs.InvalidInstanceIds.MalFormed');
    }
  });

  it('answers 400 for a missing RegionId, missing ids, over 100 ids, bad booleans and enums; nothing changes', async () => {
    const id = freshId();
    await seed(ali.url, [{ id, status: 'Running' }]);
    const cases: [string, Promise<Awaited<ReturnType<typeof aliCall>>>][] = [
      ['no RegionId', aliCall(ali.url, 'StopInstances', stopParams([id]), { region: null })],
      ['no ids', aliCall(ali.url, 'StopInstances', [])],
      ['101 ids', aliCall(ali.url, 'StopInstances', stopParams([id, ...Array.from({ length: 100 }, () => freshId())]))],
      ['ForceStop=yes', aliCall(ali.url, 'StopInstances', stopParams([id], [['ForceStop', 'yes']]))],
      ['DryRun=1', aliCall(ali.url, 'StopInstances', stopParams([id], [['DryRun', '1']]))],
      ['StoppedMode', aliCall(ali.url, 'StopInstances', stopParams([id], [['StoppedMode', 'STOP_CHARGING']]))],
      ['BatchOptimization', aliCall(ali.url, 'StopInstances', stopParams([id], [['BatchOptimization', 'Whatever']]))],
      ['InstanceId.0', aliCall(ali.url, 'StopInstances', [['InstanceId.0', id]])],
    ];
    for (const [name, pending] of cases) {
      const res = await pending;
      expect(res.status, name).toBe(400);
      expect(dig(res.json, 'Code'), name).toEqual(expect.any(String));
    }
    expect(await statuses([id])).toEqual({ [id]: 'Running' });
  });

  it('answers 404 InvalidAction.NotFound for an unknown action and 400 InvalidVersion for a wrong version', async () => {
    const res = await aliCall(ali.url, 'RebootInstance', []);
    expect(res.status).toBe(404);
    expect(dig(res.json, 'Code')).toBe('InvalidAction.NotFound');
    const v = await queryCall(ali.url, '/', [['Action', 'StopInstances'], ['Version', '2099-01-01'], ['RegionId', 'x'], ['Format', 'JSON']]);
    expect(v.status).toBe(400);
    expect(dig(v.json, 'Code')).toBe('InvalidVersion');
  });

  it('accepts the same parameters as a form POST', async () => {
    const id = freshId();
    await seed(ali.url, [{ id, status: 'Running' }]);
    const res = await aliCall(ali.url, 'StopInstances', stopParams([id]), { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await statuses([id])).toEqual({ [id]: 'Stopping' });
  });
});

describe('aliyun-ecs DryRun', () => {
  it('a passing dry run answers 400 DRYRUN.SUCCESS and changes nothing', async () => {
    const id = freshId();
    await seed(ali.url, [{ id, status: 'Running' }]);
    const res = await aliCall(ali.url, 'StopInstances', stopParams([id], [['DryRun', 'true']]));
    expect(res.status).toBe(400);
    expect(dig(res.json, 'Code')).toBe('DRYRUN.SUCCESS');
    expect(await statuses([id])).toEqual({ [id]: 'Running' });
  });

  it('a failing dry run answers the real error', async () => {
    const id = freshId();
    await seed(ali.url, [{ id, status: 'Stopped' }]);
    const res = await aliCall(ali.url, 'StopInstances', stopParams([id], [['DryRun', 'true']]));
    expect(res.status).toBe(403);
    expect(dig(res.json, 'Code')).toBe('IncorrectInstanceStatus');
  });

  it('SuccessFirst + DryRun answers DRYRUN.SUCCESS whatever the checks find', async () => {
    const id = freshId();
    await seed(ali.url, [{ id, status: 'Stopped' }]);
    const res = await aliCall(ali.url, 'StopInstances', stopParams([id, 'i-nothere'], [['DryRun', 'true'], ['BatchOptimization', 'SuccessFirst']]));
    expect(res.status).toBe(400);
    expect(dig(res.json, 'Code')).toBe('DRYRUN.SUCCESS');
    expect(await statuses([id])).toEqual({ [id]: 'Stopped' });
  });
});

describe('aliyun-ecs SuccessFirst', () => {
  it('stops the good ones, one InstanceResponse per id with the error code for the others', async () => {
    const good = freshId();
    const stopped = freshId();
    await seed(ali.url, [
      { id: good, status: 'Running' },
      { id: stopped, status: 'Stopped' },
    ]);
    const res = await aliCall(ali.url, 'StopInstances', stopParams([good, stopped, 'i-TestID', 'i-unknown1'], [['BatchOptimization', 'SuccessFirst']]));
    expect(res.status).toBe(200);
    expect(dig(res.json, 'InstanceResponses', 'InstanceResponse')).toEqual([
      { Code: '200', Message: 'success', InstanceId: good, PreviousStatus: 'Running', CurrentStatus: 'Stopping' },
      { Code: 'IncorrectInstanceStatus', Message: expect.any(String), InstanceId: stopped, PreviousStatus: 'Stopped', CurrentStatus: 'Stopped' },
      { Code: 'InvalidInstanceId.NotFound', Message: 'The specified InstanceId does not exist.', InstanceId: 'i-TestID', PreviousStatus: '', CurrentStatus: '' },
      { Code: 'InvalidInstanceId.NotFound', Message: 'The specified InstanceId does not exist.', InstanceId: 'i-unknown1', PreviousStatus: '', CurrentStatus: '' },
    ]);
    expect(await statuses([good, stopped])).toEqual({ [good]: 'Stopping', [stopped]: 'Stopped' });
  });
});

describe('aliyun-ecs XML', () => {
  const parser = new XMLParser({ parseTagValue: false });

  it('answers XML by default (RPC) for success and for errors', async () => {
    const id = freshId();
    await seed(ali.url, [{ id, status: 'Running' }]);
    const ok = await aliCall(ali.url, 'StopInstances', stopParams([id]), { format: null });
    expect(ok.status).toBe(200);
    expect(ok.contentType).toMatch(/^application\/xml/);
    const doc = parser.parse(ok.text) as Record<string, unknown>;
    expect(dig(doc, 'StopInstancesResponse', 'InstanceResponses', 'InstanceResponse', 'Code')).toBe('200');
    expect(dig(doc, 'StopInstancesResponse', 'RequestId')).toEqual(expect.any(String));
    const err = await aliCall(ali.url, 'StopInstances', stopParams([id]), { format: 'XML' });
    expect(err.status).toBe(403);
    expect(err.contentType).toMatch(/^application\/xml/);
    const edoc = parser.parse(err.text) as Record<string, unknown>;
    expect(dig(edoc, 'Error', 'Code')).toBe('IncorrectInstanceStatus');
    expect(dig(edoc, 'Error', 'RequestId')).toEqual(expect.any(String));
    expect(dig(edoc, 'Error', 'HostId')).toEqual(expect.any(String));
  });

  it('answers the status query in XML', async () => {
    const id = freshId();
    await seed(ali.url, [{ id, status: 'Stopped' }]);
    const res = await aliCall(ali.url, 'DescribeInstanceStatus', [['InstanceId.1', id]], { format: 'XML' });
    const doc = parser.parse(res.text) as Record<string, unknown>;
    expect(dig(doc, 'DescribeInstanceStatusResponse', 'InstanceStatuses', 'InstanceStatus')).toEqual({ InstanceId: id, Status: 'Stopped' });
  });

  it('never writes a character XML 1.0 forbids, whatever the request echoes (ids, action, Format)', async () => {
    const id = freshId();
    await seed(ali.url, [{ id, status: 'Running' }]);
    const answers = await Promise.all([
      aliCall(ali.url, 'StopInstances', stopParams([id, 'i-\u0001\u001f', '\uFFFE'], [['BatchOptimization', 'SuccessFirst'], ['DryRun', 'false']]), { format: 'XML' }),
      aliCall(ali.url, 'Stop\u0000\u000b', [], { format: 'XML' }),
      aliCall(ali.url, 'StopInstances', [], { format: '\u0001' as 'XML' }),
    ]);
    for (const a of answers) {
      expect(a.contentType).toMatch(/^application\/xml/);
      expect(a.text).not.toMatch(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u);
    }
    expect(answers[0]?.text).toContain(`<InstanceId>i-\uFFFD\uFFFD</InstanceId>`);
  });
});

describe('aliyun-ecs DescribeInstanceStatus paging', () => {
  it('PageSize default 10, max 50; PageNumber; unknown ids left out', async () => {
    const ids = Array.from({ length: 12 }, () => freshId());
    await seed(ali.url, ids.map((id) => ({ id, status: 'Running' })));
    const first = await aliCall(ali.url, 'DescribeInstanceStatus', [...indexedIds('InstanceId', [...ids, 'i-nobody'], 1)]);
    expect(dig(first.json, 'TotalCount')).toBe(12);
    expect(dig(first.json, 'InstanceStatuses', 'InstanceStatus', 'length')).toBe(10);
    const second = await aliCall(ali.url, 'DescribeInstanceStatus', [...indexedIds('InstanceId', ids, 1), ['PageNumber', '2']]);
    expect((dig(second.json, 'InstanceStatuses', 'InstanceStatus') as { InstanceId: string }[]).map((e) => e.InstanceId)).toEqual(ids.slice(10));
    const bad = await aliCall(ali.url, 'DescribeInstanceStatus', [['PageSize', '51']]);
    expect(bad.status).toBe(400);
  });
});

describe('aliyun-ecs request syntax', () => {
  it('refuses an unknown Format in the default XML, a duplicated parameter and a JSON body', async () => {
    const fmt = await aliCall(ali.url, 'StopInstances', [['InstanceId.1', 'i-abc']], { format: 'YAML' as 'JSON' });
    expect(fmt.status).toBe(400);
    expect(fmt.contentType).toMatch(/^application\/xml/);
    expect(fmt.text).toContain('<Code>InvalidParameter</Code>');
    const dup = await aliCall(ali.url, 'StopInstances', [['InstanceId.1', 'i-abc'], ['DryRun', 'true'], ['DryRun', 'false']]);
    expect(dup.status).toBe(400);
    expect(dig(dup.json, 'Code')).toBe('InvalidParameter');
    const json = await fetch(`${ali.url}/?Action=StopInstances&Version=2014-05-26&RegionId=x&Format=JSON`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"InstanceId":["i-abc"]}',
    });
    expect(json.status).toBe(400);
  });

  it('accepts the ACS3 style (action and version in headers, parameters in the query) and answers JSON', async () => {
    const id = freshId();
    await seed(ali.url, [{ id, status: 'Running' }]);
    const res = await fetch(`${ali.url}/?RegionId=cn-hangzhou&InstanceId.1=${id}`, {
      method: 'POST',
      headers: { 'x-acs-action': 'StopInstances', 'x-acs-version': '2014-05-26', 'x-acs-date': new Date().toISOString() },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await statuses([id])).toEqual({ [id]: 'Stopping' });
  });
});


describe('aliyun-ecs InstanceId.N index range (seeds/004:63 "Valid values of N: 1 to 100")', () => {
  it('refuses an index outside 1..100 with a client error and stops nothing; 100 is accepted', async () => {
    const id = freshId();
    await seed(ali.url, [{ id, status: 'Running' }]);
    for (const name of ['InstanceId.999999', 'InstanceId.101', 'InstanceId.0']) {
      const res = await aliCall(ali.url, 'StopInstances', [[name, id]]);
      expect(res.status, name).toBe(400);
      expect(dig(res.json, 'Code'), name).toBe('InvalidParameter');
      expect(await statuses([id])).toEqual({ [id]: 'Running' });
    }
    const status = await aliCall(ali.url, 'DescribeInstanceStatus', [['InstanceId.101', id]]);
    expect(status.status).toBe(400);
    const ok = await aliCall(ali.url, 'StopInstances', [['InstanceId.100', id]]);
    expect(ok.status).toBe(200);
    expect(await statuses([id])).toEqual({ [id]: 'Stopping' });
  });
});

describe('aliyun-ecs repeated Format', () => {
  it('is refused like any repeated parameter, in JSON (the asked format is ambiguous), changing nothing', async () => {
    const id = freshId();
    await seed(ali.url, [{ id, status: 'Running' }]);
    for (const formats of [['JSON', 'XML'], ['XML', 'XML']]) {
      const res = await aliCall(ali.url, 'StopInstances', [['InstanceId.1', id], ...formats.map((f): [string, string] => ['Format', f])], { format: null });
      expect(res.status).toBe(400);
      expect(res.contentType).toMatch(/^application\/json/);
      expect(dig(res.json, 'Code')).toBe('InvalidParameter');
      expect(dig(res.json, 'Message')).toMatch(/Format/);
    }
    expect(await statuses([id])).toEqual({ [id]: 'Running' });
  });
});
