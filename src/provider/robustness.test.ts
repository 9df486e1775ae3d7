/**
 * Bad input never crashes the provider nor corrupts its state: oversized bodies, wrong content types, garbage,
 * unknown and duplicated parameters, concurrent conflicting stops.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isErrorAnswer, makeInstanceId, memberAt } from '../dialects/description.ts';
import { describeDialect } from '../dialects/descriptions/index.ts';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { startProviderServer, type RunningProvider } from './server.ts';
import { parseAliyunXml } from '../specs/xml.ts';
import { aliCall, dig, ec2Call, indexedIds, providersPerDialect, readAnswer, seed, tc2Call, tc3Call, zcCall, type RawAnswer } from './test-helpers.ts';

const servers = new Map<DialectName, RunningProvider>();
const DIALECTS = DIALECT_NAMES;

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
  return makeInstanceId(describeDialect(d).ids.make, `robustness-${n}`);
}

/** A form POST of a query-style dialect (tencent api2 at `/v2/index.php`, aliyun at `/`) padded past the body cap. */
function paddedFormPost(base: string, path: string, version: string, id: string, padding: string): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ Action: 'StopInstances', Version: version, Region: 'r', RegionId: 'r', 'InstanceIds.1': id, 'InstanceId.1': id, Format: 'JSON', Pad: padding }).toString(),
  });
}

/**
 * How this file speaks each dialect, by hand: raw HTTP (unsigned), on purpose apart from the dialect modules and
 * descriptions the provider reads, so a fact wrong there is not wrong here too.
 */
interface RawWire {
  /** StopInstances of these ids in the dialect's default style. */
  readonly stop: (base: string, ids: readonly string[]) => Promise<RawAnswer>;
  /** StopInstances naming one id twice (the same parameter twice where the ids are numbered parameters). */
  readonly stopTwice: (base: string, id: string) => Promise<RawAnswer>;
  /** StopInstances with the common parameters the provider does not check and an unknown one. */
  readonly stopWithExtras: (base: string, id: string) => Promise<RawAnswer>;
  /** One instance's status word, read with the dialect's status query. */
  readonly status: (base: string, id: string) => Promise<unknown>;
  /** StopInstances padded with `padding` (past a small body cap). */
  readonly padded: (base: string, id: string, padding: string) => Promise<Response>;
  /** The answer to a body over the cap: tencent HTTP 200 `RequestSizeLimitExceeded`, the others HTTP 413 (any code). */
  readonly tooLarge: { readonly httpStatus: number; readonly code?: string };
  /** JSON-body dialects: bodies with a value nested `deep` levels, how to send one, and the refusal it must get. */
  readonly deep?: {
    readonly bodies: (id: string, deep: string) => string[];
    readonly send: (base: string, body: string) => Promise<RawAnswer>;
    readonly refusal: readonly [number, string];
  };
}

const TENCENT_TOO_LARGE = { httpStatus: 200, code: 'RequestSizeLimitExceeded' } as const;

/** zenlayer-vm and zenlayer-bmc: `/api/v2/<kind>`, JSON bodies, the action in `X-ZC-Action`. */
function zenlayerWire(kind: 'vm' | 'bmc', statusAction: string, deepParams: readonly string[]): RawWire {
  return {
    stop: (base, ids) => zcCall(base, kind, 'StopInstances', { instanceIds: ids }),
    stopTwice: (base, id) => zcCall(base, kind, 'StopInstances', { instanceIds: [id, id] }),
    stopWithExtras: (base, id) =>
      zcCall(base, kind, 'StopInstances', { instanceIds: [id], extra: true }, { authorization: 'ZC2-HMAC-SHA256 Credential=x, SignedHeaders=host, Signature=00', 'x-zc-timestamp': '1', 'x-zc-version': '2022-11-20', 'x-zc-signature-method': 'ZC2-HMAC-SHA256' }),
    status: async (base, id) => dig((await zcCall(base, kind, statusAction, { instanceIds: [id] })).json, 'response', 'dataSet', 0, 'instanceStatus'),
    padded: (base, id, padding) =>
      fetch(`${base}/api/v2/${kind}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-zc-action': 'StopInstances' }, body: JSON.stringify({ instanceIds: [id], pad: padding }) }),
    tooLarge: { httpStatus: 413 },
    deep: {
      bodies: (id, deep) => [`{"instanceIds":${deep}}`, ...deepParams.map((param) => `{"instanceIds":["${id}"],"${param}":${deep}}`)],
      send: (base, body) => zcCall(base, kind, 'StopInstances', body),
      refusal: [400, 'INVALID_PARAMETER'],
    },
  };
}

const WIRE: Readonly<Record<DialectName, RawWire>> = {
  'tencent-cvm-api2': {
    stop: (base, ids) => tc2Call(base, 'StopInstances', indexedIds('InstanceIds', ids, 1)),
    stopTwice: (base, id) => tc2Call(base, 'StopInstances', [['InstanceIds.1', id], ['InstanceIds.1', id]]),
    stopWithExtras: (base, id) => tc2Call(base, 'StopInstances', [['InstanceIds.1', id], ['SignatureMethod', 'HmacSHA256'], ['Token', 't'], ['Language', 'en-US'], ['Extra', '1']]),
    status: async (base, id) => dig((await tc2Call(base, 'DescribeInstancesStatus', [['InstanceIds.1', id]])).json, 'Response', 'InstanceStatusSet', 0, 'InstanceState'),
    padded: (base, id, padding) => paddedFormPost(base, '/v2/index.php', '2017-03-12', id, padding),
    tooLarge: TENCENT_TOO_LARGE,
  },
  'tencent-cvm-api3': {
    stop: (base, ids) => tc3Call(base, 'StopInstances', { InstanceIds: ids }),
    stopTwice: (base, id) => tc3Call(base, 'StopInstances', { InstanceIds: [id, id] }),
    stopWithExtras: (base, id) =>
      tc3Call(base, 'StopInstances', { InstanceIds: [id], Extra: 1 }, { authorization: 'TC3-HMAC-SHA256 Credential=x/y/cvm/tc3_request, SignedHeaders=host, Signature=00', 'x-tc-token': 't', 'x-tc-language': 'en-US' }),
    status: async (base, id) => dig((await tc3Call(base, 'DescribeInstancesStatus', { InstanceIds: [id] })).json, 'Response', 'InstanceStatusSet', 0, 'InstanceState'),
    padded: (base, id, padding) =>
      fetch(`${base}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tc-action': 'StopInstances', 'x-tc-version': '2017-03-12', 'x-tc-region': 'r' },
        body: JSON.stringify({ InstanceIds: [id], Pad: padding }),
      }),
    tooLarge: TENCENT_TOO_LARGE,
    deep: {
      bodies: (id, deep) => [`{"InstanceIds":[${deep}]}`, `{"InstanceIds":["${id}"],"ForceStop":${deep}}`, `{"InstanceIds":["${id}"],"StopType":${deep}}`],
      send: (base, body) => tc3Call(base, 'StopInstances', body),
      refusal: [200, 'InvalidParameterValue'],
    },
  },
  'zenlayer-vm': zenlayerWire('vm', 'DescribeInstancesStatus', ['forceShutdown']),
  'zenlayer-bmc': zenlayerWire('bmc', 'DescribeInstances', []),
  'aliyun-ecs': {
    stop: (base, ids) => aliCall(base, 'StopInstances', indexedIds('InstanceId', ids, 1)),
    stopTwice: (base, id) => aliCall(base, 'StopInstances', [['InstanceId.1', id], ['InstanceId.2', id]]),
    stopWithExtras: (base, id) => aliCall(base, 'StopInstances', [['InstanceId.1', id], ['SignatureMethod', 'HMAC-SHA1'], ['SignatureVersion', '1.0'], ['ResourceOwnerId', '1'], ['Extra', 'x']]),
    status: async (base, id) => dig((await aliCall(base, 'DescribeInstanceStatus', [['InstanceId.1', id]])).json, 'InstanceStatuses', 'InstanceStatus', 0, 'Status'),
    padded: (base, id, padding) => paddedFormPost(base, '/', '2014-05-26', id, padding),
    tooLarge: { httpStatus: 413 },
  },
  'aws-ec2': {
    stop: (base, ids) => ec2Call(base, 'StopInstances', indexedIds('InstanceId', ids, 1)),
    stopTwice: (base, id) => ec2Call(base, 'StopInstances', [['InstanceId.1', id], ['InstanceId.2', id]]),
    stopWithExtras: (base, id) =>
      ec2Call(base, 'StopInstances', [['InstanceId.1', id], ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'], ['X-Amz-Signature', '00'], ['Extra', 'x']], {
        authorization: 'AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=00',
        'x-amz-date': '20260101T000000Z',
      }),
    status: async (base, id) =>
      dig((await ec2Call(base, 'DescribeInstanceStatus', [['InstanceId.1', id], ['IncludeAllInstances', 'true']])).json, 'DescribeInstanceStatusResponse', 'instanceStatusSet', 'item', 'instanceState', 'name'),
    padded: (base, id, padding) =>
      fetch(`${base}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ Action: 'StopInstances', Version: '2016-11-15', 'InstanceId.1': id, Pad: padding }).toString(),
      }),
    tooLarge: { httpStatus: 413 },
  },
};

/** One StopInstances of a single id in the dialect's default style. */
function stopOne(d: DialectName, id: string): Promise<RawAnswer> {
  return WIRE[d].stop(url(d), [id]);
}

/** Whether an answer is a served request: HTTP 200 and not the dialect's error (DESIGN.md §3). */
function succeeded(d: DialectName, a: RawAnswer): boolean {
  return a.status === 200 && !isErrorAnswer(describeDialect(d), a.status, a.json);
}

function errorCode(d: DialectName, a: RawAnswer): unknown {
  const { answers } = describeDialect(d);
  // An XML answer (aws-ec2) is read as the spec's schemas describe it.
  return memberAt(a.json ?? parseAliyunXml(a.text), [...answers.error, answers.errorCode]);
}

/** Read one instance's status via the dialect's status query. */
function statusOf(d: DialectName, id: string, base = url(d)): Promise<unknown> {
  return WIRE[d].status(base, id);
}

describe.each(DIALECTS.map((d) => [d]))('%s robustness', (d) => {
  it('concurrent stops of one instance: exactly one wins, the rest get the wrong-state error', async () => {
    const id = idFor(d, 1);
    await seed(url(d), [{ id, status: RUNNING[d] }]);
    const answers = await Promise.all(Array.from({ length: 20 }, () => stopOne(d, id)));
    // aws-ec2: stopping a stopping instance succeeds and changes nothing (aws-ec2.md:181), so every stop succeeds.
    if (describeDialect(d).stopIdempotent?.includes(describeDialect(d).lifecycle.stopping)) {
      expect(answers.filter((a) => !succeeded(d, a))).toEqual([]);
      expect(await statusOf(d, id)).toBe(describeDialect(d).lifecycle.stopping);
      return;
    }
    expect(answers.filter((a) => succeeded(d, a))).toHaveLength(1);
    const wrongState = {
      'tencent-cvm-api2': 'InvalidInstance.NotSupported',
      'tencent-cvm-api3': 'InvalidInstance.NotSupported',
      'zenlayer-vm': 'OPERATION_DENIED_INSTANCE_NOT_RUNNING',
      'zenlayer-bmc': 'OPERATION_DENIED_INSTANCE_NOT_RUNNING',
      'aliyun-ecs': 'IncorrectInstanceStatus',
      'aws-ec2': 'IncorrectInstanceState',
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
    const a = await readAnswer(await WIRE[d].padded(url(d), id, padding));
    const { httpStatus, code } = WIRE[d].tooLarge;
    expect(a.status).toBe(httpStatus);
    expect(errorCode(d, a)).toEqual(code ?? expect.any(String));
    expect(await statusOf(d, id)).toBe(RUNNING[d]);
  });

  it('ignores common parameters and unknown ones it does not check', async () => {
    const id = idFor(d, 4);
    await seed(url(d), [{ id, status: RUNNING[d] }]);
    const a = await WIRE[d].stopWithExtras(url(d), id);
    expect(succeeded(d, a)).toBe(true);
  });

  it('refuses a duplicated id parameter or handles duplicate ids without a 5xx', async () => {
    const id = idFor(d, 5);
    await seed(url(d), [{ id, status: RUNNING[d] }]);
    const a = await WIRE[d].stopTwice(url(d), id);
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
    const wire = WIRE[d].deep;
    for (const body of wire?.bodies(id, deep) ?? []) {
      const a = await wire?.send(deepUrl(d), body);
      expect([a?.status, a && errorCode(d, a)]).toEqual(wire?.refusal);
    }
    expect(await statusOf(d, id, deepUrl(d))).toBe(RUNNING[d]);
  });
});
