import * as tencentcloud from 'tencentcloud-sdk-nodejs-cvm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { startCaptureServer, type CaptureServer, type CapturedRequest } from '../testing/capture-server.ts';
import { parseTc3Authorization, verifyTc3 } from '../signing/tc3.ts';
import { verifyTencentV2 } from '../signing/tencent-v2.ts';
import { schemaValidator } from '../specs/validator.ts';
import { callTarget, queryStatuses } from './client.ts';
import { toCurl } from './curl.ts';
import { tencentCvmApi3 } from './tencent-cvm-api3.ts';
import type { DialectContext } from './types.ts';

let srv: CaptureServer;
/** What the in-test server received (the capture server's own list). */
let seen: CapturedRequest[] = [];
/** Answer every following request with this. */
const setReply = (r: { status: number; contentType?: string; body: string }): void =>
  srv.answerWith({ status: r.status, headers: r.contentType ? { 'content-type': r.contentType } : {}, body: r.body });
let base = '';
let port = 0;
const NOW = 1_700_000_000_999;
const ctx = (over: Partial<DialectContext> = {}): DialectContext => ({
  baseUrl: base,
  credentials: TEST_CREDENTIALS,
  now: () => NOW,
  ...over,
});
const jsonReply = (body: unknown) => setReply({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
const received = (i = 0) => {
  const s = seen[i];
  if (!s) throw new Error(`server saw no request #${i}`);
  return { method: s.method, url: s.target, headers: s.headers, body: s.body };
};
const queryOf = (i = 0) => [...new URLSearchParams(received(i).url.split('?')[1] ?? '')];

beforeAll(async () => {
  srv = await startCaptureServer();
  seen = srv.requests;
  base = srv.baseUrl;
  port = Number(new URL(base).port);
});
afterAll(async () => {
  await srv.close();
});
beforeEach(() => {
  seen.length = 0;
  jsonReply({ Response: { RequestId: '6ef60bec-0242-43af-bb20-270359fb54a7' } });
});

describe('tencent-cvm-api3 dialect facts', () => {
  it('names its spec, styles, words and ids', () => {
    expect(tencentCvmApi3.name).toBe('tencent-cvm-api3');
    expect(tencentCvmApi3.specFile).toBe('specs/tencent-cvm-api3.yaml');
    expect(tencentCvmApi3.styles).toEqual(['json', 'query-get']);
    expect(tencentCvmApi3.statusPageSize).toBe(100);
    expect(tencentCvmApi3.statusWords).toContain('SHUTDOWN');
    expect(tencentCvmApi3.instanceId('x')).toMatch(/^ins-[a-z0-9]{8}$/);
  });
});

describe('tencent-cvm-api3 json style over HTTP', () => {
  it('sends StopInstances as a TC3-signed JSON POST with X-TC-* headers', async () => {
    const ex = await callTarget(
      tencentCvmApi3,
      {
        operation: 'StopInstances',
        instanceIds: ['ins-r8hr2upy', 'ins-5d8a23rs'],
        params: { ForceStop: true, StopType: 'SOFT', StoppedMode: 'KEEP_CHARGING', Other: null },
      },
      ctx(),
    );
    expect(seen).toHaveLength(1);
    const r = received();
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/');
    expect(r.body).toBe(
      '{"InstanceIds":["ins-r8hr2upy","ins-5d8a23rs"],"ForceStop":true,"StopType":"SOFT","StoppedMode":"KEEP_CHARGING"}',
    );
    expect(r.headers).toMatchObject({
      'content-type': 'application/json',
      'x-tc-action': 'StopInstances',
      'x-tc-version': '2017-03-12',
      'x-tc-region': 'ap-guangzhou',
      'x-tc-timestamp': '1700000000',
      host: `127.0.0.1:${port}`,
    });
    const auth = parseTc3Authorization(String(r.headers.authorization));
    expect(auth).toMatchObject({
      secretId: TEST_CREDENTIALS.accessKeyId,
      date: '2023-11-14',
      service: 'cvm',
      signedHeaders: ['content-type', 'host'],
    });
    expect(verifyTc3(r, TEST_CREDENTIALS)).toEqual({ ok: true, secretId: TEST_CREDENTIALS.accessKeyId });
    expect(verifyTc3(r, { ...TEST_CREDENTIALS, accessKeySecret: 'x'.repeat(32) }).ok).toBe(false);
    expect(ex.outcome).toMatchObject({
      ok: true,
      requestId: '6ef60bec-0242-43af-bb20-270359fb54a7',
      schemaErrors: [],
      decodeProblems: [],
    });
  });

  it('appends to a base path prefix, signs extra query parameters, and omits region and ids when asked', async () => {
    await callTarget(
      tencentCvmApi3,
      { operation: 'StopInstances', region: null, params: { ForceStop: 'yes' }, extraQuery: [['Foo', 'b a+r']] },
      ctx({ baseUrl: `${base}/tencent-cvm-api3` }),
    );
    const r = received();
    expect(r.url).toBe('/tencent-cvm-api3/?Foo=b%20a%2Br');
    expect(r.body).toBe('{"ForceStop":"yes"}');
    expect(r.headers['x-tc-region']).toBeUndefined();
    expect(verifyTc3(r, TEST_CREDENTIALS).ok).toBe(true);
  });

  it('sends a raw body with an overridden content type, still signed', async () => {
    await callTarget(
      tencentCvmApi3,
      { operation: 'StopInstances', instanceIds: ['ins-aaaaaaaa'], rawBody: '{"InstanceIds": [', contentType: 'text/plain' },
      ctx(),
    );
    const r = received();
    expect(r.body).toBe('{"InstanceIds": [');
    expect(r.headers['content-type']).toBe('text/plain');
    expect(verifyTc3(r, TEST_CREDENTIALS).ok).toBe(true);
  });

  it('queries statuses with DescribeInstancesStatus, Limit and Offset', async () => {
    jsonReply({
      Response: {
        TotalCount: 2,
        InstanceStatusSet: [
          { InstanceId: 'ins-r8hr2upy', InstanceState: 'STOPPING' },
          { InstanceId: 'ins-5d8a23rs', InstanceState: 'RUNNING' },
        ],
        RequestId: 'r-s',
      },
    });
    const ex = await callTarget(
      tencentCvmApi3,
      { operation: 'DescribeStatus', instanceIds: ['ins-r8hr2upy', 'ins-5d8a23rs'], pageSize: 100, page: 0 },
      ctx(),
    );
    const r = received();
    expect(r.headers['x-tc-action']).toBe('DescribeInstancesStatus');
    expect(r.body).toBe('{"InstanceIds":["ins-r8hr2upy","ins-5d8a23rs"],"Limit":100,"Offset":0}');
    expect(verifyTc3(r, TEST_CREDENTIALS).ok).toBe(true);
    expect(ex.outcome).toMatchObject({ ok: true, schemaErrors: [], decodeProblems: [] });
    expect(ex.outcome?.instances).toEqual([
      { instanceId: 'ins-r8hr2upy', status: 'STOPPING' },
      { instanceId: 'ins-5d8a23rs', status: 'RUNNING' },
    ]);
    const read = await queryStatuses(tencentCvmApi3, ['ins-r8hr2upy', 'ins-5d8a23rs'], ctx());
    expect(read.problem).toBeUndefined();
    expect(Object.fromEntries(read.statuses)).toEqual({ 'ins-r8hr2upy': 'STOPPING', 'ins-5d8a23rs': 'RUNNING' });
  });

  it('decodes error envelopes, garbage, empty and HTML answers', async () => {
    jsonReply({ Response: { Error: { Code: 'MissingParameter', Message: 'InstanceIds' }, RequestId: 'r-e' } });
    let ex = await callTarget(tencentCvmApi3, { operation: 'StopInstances' }, ctx());
    expect(ex.outcome).toMatchObject({
      ok: false,
      error: { code: 'MissingParameter', message: 'InstanceIds' },
      requestId: 'r-e',
      schemaErrors: [],
    });
    setReply({ status: 200, contentType: 'application/json', body: 'not json at all' });
    ex = await callTarget(tencentCvmApi3, { operation: 'StopInstances', instanceIds: ['ins-aaaaaaaa'] }, ctx());
    expect(ex.outcome).toMatchObject({ format: 'unparseable', ok: false });
    setReply({ status: 500, body: '' });
    ex = await callTarget(tencentCvmApi3, { operation: 'StopInstances', instanceIds: ['ins-aaaaaaaa'] }, ctx());
    expect(ex.outcome).toMatchObject({ format: 'empty', httpStatus: 500, ok: false });
    setReply({ status: 404, contentType: 'text/html', body: '<!doctype html><title>Not Found</title>' });
    ex = await callTarget(tencentCvmApi3, { operation: 'DescribeStatus', instanceIds: ['ins-aaaaaaaa'] }, ctx());
    expect(ex.outcome).toMatchObject({ format: 'unparseable', httpStatus: 404, ok: false });
    jsonReply({ code: 'x' });
    const read = await queryStatuses(tencentCvmApi3, ['ins-aaaaaaaa'], ctx());
    expect(read.problem).toMatch(/no Response object/);
  });
});

describe('tencent-cvm-api3 request bodies match the spec', () => {
  it('valid StopInstances and DescribeStatus bodies validate against the request schemas', async () => {
    const v = schemaValidator('tencent-cvm-api3');
    await callTarget(
      tencentCvmApi3,
      { operation: 'StopInstances', instanceIds: ['ins-r8hr2upy'], params: { ForceStop: false, StopType: 'SOFT_FIRST', StoppedMode: 'STOP_CHARGING' } },
      ctx(),
    );
    await callTarget(tencentCvmApi3, { operation: 'DescribeStatus', instanceIds: ['ins-r8hr2upy'], pageSize: 100, page: 0 }, ctx());
    expect(v.validate('StopInstancesRequest', JSON.parse(received(0).body))).toEqual([]);
    expect(v.validate('DescribeStatusRequest', JSON.parse(received(1).body))).toEqual([]);
    // and a deliberately bad value (sent as given) is what the schema rejects
    await callTarget(tencentCvmApi3, { operation: 'StopInstances', instanceIds: ['ins-r8hr2upy'], params: { ForceStop: 'TRUE' } }, ctx());
    expect(v.validate('StopInstancesRequest', JSON.parse(received(2).body))).not.toEqual([]);
  });
});

describe('tencent-cvm-api3 query-get style over HTTP', () => {
  it('sends everything in the query of a GET with 0-based ids, signed HmacSHA256', async () => {
    const ex = await callTarget(
      tencentCvmApi3,
      {
        operation: 'StopInstances',
        style: 'query-get',
        instanceIds: ['ins-r8hr2upy', 'ins-5d8a23rs'],
        params: { ForceStop: true, StopType: 'HARD' },
      },
      ctx(),
    );
    const r = received();
    expect(r.method).toBe('GET');
    expect(r.url.split('?')[0]).toBe('/');
    expect(r.body).toBe('');
    expect(r.headers.authorization).toBeUndefined();
    const q = queryOf();
    expect(q.slice(0, 7)).toEqual([
      ['Action', 'StopInstances'],
      ['Version', '2017-03-12'],
      ['Region', 'ap-guangzhou'],
      ['InstanceIds.0', 'ins-r8hr2upy'],
      ['InstanceIds.1', 'ins-5d8a23rs'],
      ['ForceStop', 'TRUE'],
      ['StopType', 'HARD'],
    ]);
    expect(q.slice(7).map(([k]) => k)).toEqual(['Timestamp', 'Nonce', 'SecretId', 'SignatureMethod', 'Signature']);
    expect(verifyTencentV2(r, TEST_CREDENTIALS)).toEqual({ ok: true, secretId: TEST_CREDENTIALS.accessKeyId });
    expect(ex.outcome).toMatchObject({ ok: true, schemaErrors: [] });
  });

  it('queries statuses in the query style under a base prefix', async () => {
    jsonReply({ Response: { TotalCount: 0, InstanceStatusSet: [], RequestId: 'r' } });
    const ex = await callTarget(
      tencentCvmApi3,
      { operation: 'DescribeStatus', style: 'query-get', instanceIds: ['ins-r8hr2upy'], pageSize: 5, page: 10 },
      ctx({ baseUrl: `${base}/p/` }),
    );
    const r = received();
    expect(r.url.split('?')[0]).toBe('/p/');
    expect(queryOf().slice(0, 6)).toEqual([
      ['Action', 'DescribeInstancesStatus'],
      ['Version', '2017-03-12'],
      ['Region', 'ap-guangzhou'],
      ['InstanceIds.0', 'ins-r8hr2upy'],
      ['Limit', '5'],
      ['Offset', '10'],
    ]);
    expect(verifyTencentV2(r, TEST_CREDENTIALS).ok).toBe(true);
    expect(ex.outcome).toMatchObject({ ok: true, instances: [] });
  });
});

describe('the verifiers accept the official Tencent Node SDK', () => {
  const sdkClient = (profile: Record<string, unknown>) =>
    new tencentcloud.cvm.v20170312.Client({
      credential: { secretId: TEST_CREDENTIALS.accessKeyId, secretKey: TEST_CREDENTIALS.accessKeySecret },
      region: 'ap-guangzhou',
      profile: { ...profile, httpProfile: { ...(profile['httpProfile'] as object), endpoint: `127.0.0.1:${port}`, protocol: 'http://' } },
    });

  it('TC3 POST: host signed without the port, service "127"', async () => {
    const res = await sdkClient({}).StopInstances({ InstanceIds: ['ins-r8hr2upy'], ForceStop: true });
    expect(res.RequestId).toBe('6ef60bec-0242-43af-bb20-270359fb54a7');
    const r = received();
    expect(parseTc3Authorization(String(r.headers.authorization))?.service).toBe('127');
    expect(verifyTc3(r, TEST_CREDENTIALS)).toEqual({ ok: true, secretId: TEST_CREDENTIALS.accessKeyId });
    expect(verifyTc3(r, { ...TEST_CREDENTIALS, accessKeySecret: 'y'.repeat(32) }).ok).toBe(false);
  });

  it('HmacSHA256 GET (signature v1, everything in the query)', async () => {
    await sdkClient({ signMethod: 'HmacSHA256', httpProfile: { reqMethod: 'GET' } }).StopInstances({
      InstanceIds: ['ins-r8hr2upy'],
    });
    const r = received();
    expect(r.method).toBe('GET');
    expect(Object.fromEntries(queryOf())).toMatchObject({ Action: 'StopInstances', 'InstanceIds.0': 'ins-r8hr2upy' });
    expect(verifyTencentV2(r, TEST_CREDENTIALS)).toEqual({ ok: true, secretId: TEST_CREDENTIALS.accessKeyId });
  });
});

describe('tencent-cvm-api3 secrets', () => {
  it('never puts the secret in the request or its curl line', () => {
    const creds = { accessKeyId: 'AKIDsomeid', accessKeySecret: 'SuperSecretValue123456' };
    for (const style of ['json', 'query-get'] as const) {
      const req = tencentCvmApi3.encode(
        { operation: 'StopInstances', style, instanceIds: ['ins-aaaaaaaa'], params: { ForceStop: true } },
        { baseUrl: base, credentials: creds },
      );
      const curl = toCurl(req);
      expect(curl).toContain('ins-aaaaaaaa');
      expect(curl).not.toContain(creds.accessKeySecret);
      expect(JSON.stringify(req)).not.toContain(creds.accessKeySecret);
    }
  });
});
