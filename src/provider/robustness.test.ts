/**
 * Bad input never crashes the provider nor corrupts its state: oversized bodies, wrong content types, garbage,
 * unknown and duplicated parameters, concurrent conflicting stops.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DialectName } from '../dialects/types.ts';
import { startProviderServer, type RunningProvider } from './server.ts';
import { aliCall, dig, providersPerDialect, readAnswer, seed, tc2Call, tc3Call, zcCall, type RawAnswer } from './test-helpers.ts';

const servers = new Map<DialectName, RunningProvider>();
const DIALECTS = ['tencent-cvm-api2', 'tencent-cvm-api3', 'zenlayer-vm', 'zenlayer-bmc', 'aliyun-ecs'] as const;

beforeAll(async () => {
  for (const dialect of DIALECTS) {
    servers.set(dialect, await startProviderServer({ dialect, maxBodyBytes: 4096, rateLimitPerSecond: false, transitionMs: 60_000 }));
  }
});
afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.close()));
});

function url(d: DialectName): string {
  const s = servers.get(d);
  if (!s) throw new Error(d);
  return s.url;
}

const RUNNING: Record<DialectName, string> = {
  'tencent-cvm-api2': 'RUNNING',
  'tencent-cvm-api3': 'RUNNING',
  'zenlayer-vm': 'RUNNING',
  'zenlayer-bmc': 'RUNNING',
  'aliyun-ecs': 'Running',
  'aws-ec2': 'running',
};

function idFor(d: DialectName, n: number): string {
  if (d.startsWith('tencent')) return `ins-${String(n).padStart(8, '0')}`;
  if (d === 'aliyun-ecs') return `i-rb${n}`;
  return `zl-rb-${n}`;
}

/** One StopInstances of a single id in the dialect's default style. */
async function stopOne(d: DialectName, id: string): Promise<RawAnswer> {
  switch (d) {
    case 'tencent-cvm-api2':
      return tc2Call(url(d), 'StopInstances', [['InstanceIds.1', id]]);
    case 'tencent-cvm-api3':
      return tc3Call(url(d), 'StopInstances', { InstanceIds: [id] });
    case 'zenlayer-vm':
      return zcCall(url(d), 'vm', 'StopInstances', { instanceIds: [id] });
    case 'zenlayer-bmc':
      return zcCall(url(d), 'bmc', 'StopInstances', { instanceIds: [id] });
    case 'aliyun-ecs':
      return aliCall(url(d), 'StopInstances', [['InstanceId.1', id]]);
    case 'aws-ec2':
      // Not in DIALECTS: the aws-ec2 provider's bad input is tested in ec2.test.ts.
      throw new Error('aws-ec2 is not served here');
  }
}

function succeeded(d: DialectName, a: RawAnswer): boolean {
  if (d.startsWith('tencent')) return a.status === 200 && dig(a.json, 'Response', 'Error') === undefined;
  return a.status === 200;
}

function errorCode(d: DialectName, a: RawAnswer): unknown {
  if (d.startsWith('tencent')) return dig(a.json, 'Response', 'Error', 'Code');
  if (d === 'aliyun-ecs') return dig(a.json, 'Code');
  return dig(a.json, 'code');
}

/** Read one instance's status via the dialect's status query. */
async function statusOf(d: DialectName, id: string, base = url(d)): Promise<unknown> {
  switch (d) {
    case 'tencent-cvm-api2': {
      const a = await tc2Call(base, 'DescribeInstancesStatus', [['InstanceIds.1', id]]);
      return dig(a.json, 'Response', 'InstanceStatusSet', 0, 'InstanceState');
    }
    case 'tencent-cvm-api3': {
      const a = await tc3Call(base, 'DescribeInstancesStatus', { InstanceIds: [id] });
      return dig(a.json, 'Response', 'InstanceStatusSet', 0, 'InstanceState');
    }
    case 'zenlayer-vm':
    case 'zenlayer-bmc': {
      const kind = d === 'zenlayer-vm' ? 'vm' : 'bmc';
      const a = await zcCall(base, kind, kind === 'vm' ? 'DescribeInstancesStatus' : 'DescribeInstances', { instanceIds: [id] });
      return dig(a.json, 'response', 'dataSet', 0, 'instanceStatus');
    }
    case 'aliyun-ecs': {
      const a = await aliCall(base, 'DescribeInstanceStatus', [['InstanceId.1', id]]);
      return dig(a.json, 'InstanceStatuses', 'InstanceStatus', 0, 'Status');
    }
  }
}

describe.each(DIALECTS.map((d) => [d]))('%s robustness', (d) => {
  it('concurrent stops of one instance: exactly one wins, the rest get the wrong-state error', async () => {
    const id = idFor(d, 1);
    await seed(url(d), [{ id, status: RUNNING[d] }]);
    const answers = await Promise.all(Array.from({ length: 20 }, () => stopOne(d, id)));
    expect(answers.filter((a) => succeeded(d, a))).toHaveLength(1);
    const wrongState = {
      'tencent-cvm-api2': 'InvalidInstance.NotSupported',
      'tencent-cvm-api3': 'InvalidInstance.NotSupported',
      'zenlayer-vm': 'OPERATION_DENIED_INSTANCE_NOT_RUNNING',
      'zenlayer-bmc': 'OPERATION_DENIED_INSTANCE_NOT_RUNNING',
      'aliyun-ecs': 'IncorrectInstanceStatus',
    }[d];
    expect(answers.filter((a) => !succeeded(d, a)).map((a) => errorCode(d, a))).toEqual(Array(19).fill(wrongState));
  });

  it('garbage never gives a 5xx nor changes state', async () => {
    const id = idFor(d, 2);
    await seed(url(d), [{ id, status: RUNNING[d] }]);
    const base = url(d);
    const paths = ['/', '/v2/index.php', '/api/v2/vm', '/api/v2/bmc'];
    const bodies = ['', '{', 'null', '[]', '"x"', '{"InstanceIds":{"a":1}}', '{"instanceIds":[null]}', '\u0000\u00ff', 'a=b&c', '<xml/>'];
    const contentTypes = ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''];
    const headerSets: Record<string, string>[] = [
      {},
      { 'x-tc-action': 'StopInstances', 'x-tc-version': '2017-03-12', 'x-tc-region': 'r' },
      { 'x-zc-action': 'StopInstances' },
      { 'x-acs-action': 'StopInstances', 'x-acs-version': '2014-05-26' },
      { 'x-tc-action': 'StopInstances', authorization: 'garbage' },
    ];
    const statuses: number[] = [];
    for (const path of paths) {
      for (const body of bodies) {
        for (const ct of contentTypes) {
          for (const headers of headerSets) {
            const res = await fetch(`${base}${path}?Action=StopInstances&InstanceIds.1=%ZZ&InstanceId.1=&Format=XML`, {
              method: 'POST',
              headers: { ...(ct ? { 'content-type': ct } : {}), ...headers },
              body,
            });
            await res.arrayBuffer();
            statuses.push(res.status);
          }
        }
      }
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(await statusOf(d, id)).toBe(RUNNING[d]);
  });

  it('a body over maxBodyBytes gets the dialect error (never a 5xx) and changes nothing', async () => {
    const id = idFor(d, 3);
    await seed(url(d), [{ id, status: RUNNING[d] }]);
    const padding = 'x'.repeat(10_000);
    let res: Response;
    if (d === 'tencent-cvm-api3') {
      res = await fetch(`${url(d)}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tc-action': 'StopInstances', 'x-tc-version': '2017-03-12', 'x-tc-region': 'r' },
        body: JSON.stringify({ InstanceIds: [id], Pad: padding }),
      });
    } else if (d.startsWith('zenlayer')) {
      res = await fetch(`${url(d)}/api/v2/${d === 'zenlayer-vm' ? 'vm' : 'bmc'}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-zc-action': 'StopInstances' },
        body: JSON.stringify({ instanceIds: [id], pad: padding }),
      });
    } else {
      const path = d === 'tencent-cvm-api2' ? '/v2/index.php' : '/';
      res = await fetch(`${url(d)}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ Action: 'StopInstances', Version: d === 'aliyun-ecs' ? '2014-05-26' : '2017-03-12', Region: 'r', RegionId: 'r', 'InstanceIds.1': id, 'InstanceId.1': id, Format: 'JSON', Pad: padding }).toString(),
      });
    }
    const a = await readAnswer(res);
    if (d.startsWith('tencent')) {
      expect(a.status).toBe(200);
      expect(errorCode(d, a)).toBe('RequestSizeLimitExceeded');
    } else {
      expect(a.status).toBe(413);
      expect(errorCode(d, a)).toEqual(expect.any(String));
    }
    expect(await statusOf(d, id)).toBe(RUNNING[d]);
  });

  it('ignores common parameters and unknown ones it does not check', async () => {
    const id = idFor(d, 4);
    await seed(url(d), [{ id, status: RUNNING[d] }]);
    let a: RawAnswer;
    if (d === 'tencent-cvm-api2') {
      a = await tc2Call(url(d), 'StopInstances', [['InstanceIds.1', id], ['SignatureMethod', 'HmacSHA256'], ['Token', 't'], ['Language', 'en-US'], ['Extra', '1']]);
    } else if (d === 'tencent-cvm-api3') {
      a = await tc3Call(url(d), 'StopInstances', { InstanceIds: [id], Extra: 1 }, { authorization: 'TC3-HMAC-SHA256 Credential=x/y/cvm/tc3_request, SignedHeaders=host, Signature=00', 'x-tc-token': 't', 'x-tc-language': 'en-US' });
    } else if (d.startsWith('zenlayer')) {
      a = await zcCall(url(d), d === 'zenlayer-vm' ? 'vm' : 'bmc', 'StopInstances', { instanceIds: [id], extra: true }, { authorization: 'ZC2-HMAC-SHA256 Credential=x, SignedHeaders=host, Signature=00', 'x-zc-timestamp': '1', 'x-zc-version': '2022-11-20', 'x-zc-signature-method': 'ZC2-HMAC-SHA256' });
    } else {
      a = await aliCall(url(d), 'StopInstances', [['InstanceId.1', id], ['SignatureMethod', 'HMAC-SHA1'], ['SignatureVersion', '1.0'], ['ResourceOwnerId', '1'], ['Extra', 'x']]);
    }
    expect(succeeded(d, a)).toBe(true);
  });

  it('refuses a duplicated id parameter or handles duplicate ids without a 5xx', async () => {
    const id = idFor(d, 5);
    await seed(url(d), [{ id, status: RUNNING[d] }]);
    let a: RawAnswer;
    if (d === 'tencent-cvm-api2') a = await tc2Call(url(d), 'StopInstances', [['InstanceIds.1', id], ['InstanceIds.1', id]]);
    else if (d === 'tencent-cvm-api3') a = await tc3Call(url(d), 'StopInstances', { InstanceIds: [id, id] });
    else if (d.startsWith('zenlayer')) a = await zcCall(url(d), d === 'zenlayer-vm' ? 'vm' : 'bmc', 'StopInstances', { instanceIds: [id, id] });
    else a = await aliCall(url(d), 'StopInstances', [['InstanceId.1', id], ['InstanceId.2', id]]);
    expect(a.status).toBeLessThan(500);
    const after = await statusOf(d, id);
    // Either refused (unchanged) or stopped once.
    expect(succeeded(d, a) ? after !== RUNNING[d] : after === RUNNING[d]).toBe(true);
  });
});

/** Providers with the default body cap (1 MiB), so a deeply nested body reaches the parsers. */
const deepUrl = providersPerDialect(DIALECTS, () => ({ rateLimitPerSecond: false, transitionMs: 60_000 }));

describe.each(DIALECTS.map((d) => [d]))('%s deep values', (d) => {
  it('a value nested 200,000 levels deep is refused in the envelope, never a 5xx (the API and the provider-state endpoint)', async () => {
    const id = idFor(d, 6);
    await seed(deepUrl(d), [{ id, status: RUNNING[d] }]);
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const states = await fetch(`${deepUrl(d)}/_vmconform/provider-states`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"action":${deep},"state":${deep}}`,
    });
    expect(states.status).toBe(400);
    expect(dig((await readAnswer(states)).json, 'error')).toMatch(/\[\[\[\[\.\.\.\]\]\]\]/);
    if (d === 'tencent-cvm-api3') {
      for (const body of [`{"InstanceIds":[${deep}]}`, `{"InstanceIds":["${id}"],"ForceStop":${deep}}`, `{"InstanceIds":["${id}"],"StopType":${deep}}`]) {
        const a = await tc3Call(deepUrl(d), 'StopInstances', body);
        expect([a.status, errorCode(d, a)]).toEqual([200, 'InvalidParameterValue']);
      }
    } else if (d.startsWith('zenlayer')) {
      const kind = d === 'zenlayer-vm' ? 'vm' : 'bmc';
      const bodies = [`{"instanceIds":${deep}}`, ...(kind === 'vm' ? [`{"instanceIds":["${id}"],"forceShutdown":${deep}}`] : [])];
      for (const body of bodies) {
        const a = await zcCall(deepUrl(d), kind, 'StopInstances', body);
        expect([a.status, errorCode(d, a)]).toEqual([400, 'INVALID_PARAMETER']);
      }
    }
    expect(await statusOf(d, id, deepUrl(d))).toBe(RUNNING[d]);
  });
});
