import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { startCaptureServer, type CaptureServer, type CapturedRequest } from '../testing/capture-server.ts';
import { verifyTencentV2 } from '../signing/tencent-v2.ts';
import { callTarget, queryStatuses } from './client.ts';
import { toCurl } from './curl.ts';
import { tencentCvmApi2 } from './tencent-cvm-api2.ts';
import type { DialectContext } from './types.ts';

let srv: CaptureServer;
/** What the in-test server received (the capture server's own list). */
let seen: CapturedRequest[] = [];
/** Answer every following request with this. */
const setReply = (r: { status: number; contentType?: string; body: string }): void =>
  srv.answerWith({ status: r.status, headers: r.contentType ? { 'content-type': r.contentType } : {}, body: r.body });
let base = '';
const NOW = 1_700_000_000_123;
const ctx = (over: Partial<DialectContext> = {}): DialectContext => ({
  baseUrl: base,
  credentials: TEST_CREDENTIALS,
  now: () => NOW,
  ...over,
});
const jsonReply = (body: unknown) => setReply({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
const lastQuery = () => {
  const s = seen.at(-1);
  if (!s) throw new Error('server saw nothing');
  return [...new URLSearchParams(s.target.split('?')[1] ?? '')];
};
const verify = (s: CapturedRequest | undefined) => {
  if (!s) throw new Error('server saw nothing');
  return verifyTencentV2({ method: s.method, url: s.target, headers: s.headers, body: s.body }, TEST_CREDENTIALS);
};

beforeAll(async () => {
  srv = await startCaptureServer();
  seen = srv.requests;
  base = srv.baseUrl;
});
afterAll(async () => {
  await srv.close();
});
beforeEach(() => {
  seen.length = 0;
  jsonReply({ Response: { RequestId: '6EF60BEC-0242-43AF-BB20-270359FB54A7' } });
});

describe('tencent-cvm-api2 dialect facts', () => {
  it('names its spec, style, words and ids', () => {
    expect(tencentCvmApi2.name).toBe('tencent-cvm-api2');
    expect(tencentCvmApi2.specFile).toBe('specs/tencent-cvm-api2.yaml');
    expect(tencentCvmApi2.styles).toEqual(['query-get']);
    expect(tencentCvmApi2.lifecycle).toEqual({ running: 'RUNNING', stopping: 'STOPPING', stopped: 'STOPPED' });
    expect(tencentCvmApi2.statusPageSize).toBe(100);
    expect(tencentCvmApi2.instanceId('t1')).toMatch(/^ins-[a-z0-9]{8}$/);
    expect(tencentCvmApi2.instanceId('t1')).toBe(tencentCvmApi2.instanceId('t1'));
  });

  it('refuses a wire style it does not speak with a UsageError', () => {
    expect(() => tencentCvmApi2.encode({ operation: 'StopInstances', style: 'json' }, ctx())).toThrow(UsageError);
  });
});

describe('tencent-cvm-api2 over HTTP', () => {
  it('sends StopInstances as a signed GET with 1-based ids and TRUE/FALSE booleans', async () => {
    const ex = await callTarget(
      tencentCvmApi2,
      { operation: 'StopInstances', instanceIds: ['ins-r8hr2upy', 'ins-5d8a23rs'], params: { ForceStop: false } },
      ctx(),
    );
    expect(seen).toHaveLength(1);
    const s = seen[0];
    expect(s?.method).toBe('GET');
    expect(s?.target.split('?')[0]).toBe('/v2/index.php');
    expect(s?.body).toBe('');
    const q = lastQuery();
    expect(q.slice(0, 6)).toEqual([
      ['Action', 'StopInstances'],
      ['Version', '2017-03-12'],
      ['Region', 'ap-guangzhou'],
      ['InstanceIds.1', 'ins-r8hr2upy'],
      ['InstanceIds.2', 'ins-5d8a23rs'],
      ['ForceStop', 'FALSE'],
    ]);
    expect(q.slice(6, 11).map(([k]) => k)).toEqual(['Timestamp', 'Nonce', 'SecretId', 'SignatureMethod', 'Signature']);
    expect(Object.fromEntries(q)).toMatchObject({
      Timestamp: '1700000000',
      SecretId: TEST_CREDENTIALS.accessKeyId,
      SignatureMethod: 'HmacSHA256',
    });
    expect(Object.fromEntries(q)['Nonce']).toMatch(/^\d+$/);
    expect(q).toHaveLength(11);
    expect(verify(s)).toEqual({ ok: true, secretId: TEST_CREDENTIALS.accessKeyId });
    expect(ex.transportError).toBeUndefined();
    expect(ex.outcome).toMatchObject({
      httpStatus: 200,
      format: 'json',
      ok: true,
      requestId: '6EF60BEC-0242-43AF-BB20-270359FB54A7',
      decodeProblems: [],
      schemaErrors: [],
    });
  });

  it('signs with the full path under a base path prefix', async () => {
    await callTarget(
      tencentCvmApi2,
      { operation: 'StopInstances', instanceIds: ['ins-r8hr2upy'], params: { ForceStop: true } },
      ctx({ baseUrl: `${base}/tencent-cvm-api2` }),
    );
    expect(seen[0]?.target.split('?')[0]).toBe('/tencent-cvm-api2/v2/index.php');
    expect(Object.fromEntries(lastQuery())['ForceStop']).toBe('TRUE');
    expect(verify(seen[0]).ok).toBe(true);
  });

  it('omits what the call leaves out and sends odd values, duplicates and extras as given, all signed', async () => {
    await callTarget(
      tencentCvmApi2,
      {
        operation: 'StopInstances',
        region: null,
        params: { ForceStop: 'maybe', StopType: null },
        extraQuery: [
          ['Unknown', 'a b&c'],
          ['Action', 'StopInstances'],
        ],
      },
      ctx({ region: 'ap-shanghai' }),
    );
    const q = lastQuery();
    expect(q.map(([k]) => k)).toEqual([
      'Action',
      'Version',
      'ForceStop',
      'Timestamp',
      'Nonce',
      'SecretId',
      'SignatureMethod',
      'Signature',
      'Unknown',
      'Action',
    ]);
    expect(Object.fromEntries(q)['ForceStop']).toBe('maybe');
    expect(q[8]).toEqual(['Unknown', 'a b&c']);
    expect(verify(seen[0]).ok).toBe(true);

    await callTarget(tencentCvmApi2, { operation: 'StopInstances', instanceIds: ['ins-aaaaaaaa', 'ins-aaaaaaaa'], region: 'ap-beijing' }, ctx());
    expect(lastQuery().slice(2, 5)).toEqual([
      ['Region', 'ap-beijing'],
      ['InstanceIds.1', 'ins-aaaaaaaa'],
      ['InstanceIds.2', 'ins-aaaaaaaa'],
    ]);
    expect(verify(seen[1]).ok).toBe(true);
  });

  it('sends a raw body and content type when asked', async () => {
    await callTarget(
      tencentCvmApi2,
      { operation: 'StopInstances', instanceIds: ['ins-aaaaaaaa'], rawBody: '{bad', contentType: 'text/plain' },
      ctx(),
    );
    expect(seen[0]?.body).toBe('{bad');
    expect(seen[0]?.headers['content-type']).toBe('text/plain');
    expect(verify(seen[0]).ok).toBe(true);
  });

  it('queries statuses with DescribeInstancesStatus, Limit and Offset, and decodes the entries', async () => {
    jsonReply({
      Response: {
        TotalCount: 1,
        InstanceStatusSet: [{ InstanceId: 'ins-r8hr2upy', InstanceState: 'STOPPED' }],
        RequestId: 'r-status',
      },
    });
    const ex = await callTarget(
      tencentCvmApi2,
      { operation: 'DescribeStatus', instanceIds: ['ins-r8hr2upy'], pageSize: 100, page: 0 },
      ctx(),
    );
    expect(lastQuery().slice(0, 6)).toEqual([
      ['Action', 'DescribeInstancesStatus'],
      ['Version', '2017-03-12'],
      ['Region', 'ap-guangzhou'],
      ['InstanceIds.1', 'ins-r8hr2upy'],
      ['Limit', '100'],
      ['Offset', '0'],
    ]);
    expect(verify(seen[0]).ok).toBe(true);
    expect(ex.outcome).toMatchObject({
      ok: true,

      requestId: 'r-status',
      instances: [{ instanceId: 'ins-r8hr2upy', status: 'STOPPED' }],
      schemaErrors: [],
    });
    const read = await queryStatuses(tencentCvmApi2, ['ins-r8hr2upy'], ctx());
    expect(read.problem).toBeUndefined();
    expect(read.statuses.get('ins-r8hr2upy')).toBe('STOPPED');
  });

  it('decodes error envelopes, garbage, empty and HTML answers', async () => {
    jsonReply({ Response: { Error: { Code: 'InvalidInstanceId.Malformed', Message: 'ins-1122' }, RequestId: 'r-err' } });
    let ex = await callTarget(tencentCvmApi2, { operation: 'StopInstances', instanceIds: ['ins-1122'] }, ctx());
    expect(ex.outcome).toMatchObject({
      httpStatus: 200,
      ok: false,
      requestId: 'r-err',
      error: { code: 'InvalidInstanceId.Malformed', message: 'ins-1122' },
      schemaErrors: [],
      decodeProblems: [],
    });

    setReply({ status: 200, contentType: 'application/json', body: '{"Response":' });
    ex = await callTarget(tencentCvmApi2, { operation: 'StopInstances', instanceIds: ['ins-aaaaaaaa'] }, ctx());
    expect(ex.outcome).toMatchObject({ format: 'unparseable', ok: false });
    expect(ex.outcome?.decodeProblems[0]).toMatch(/not JSON/);

    setReply({ status: 200, body: '' });
    ex = await callTarget(tencentCvmApi2, { operation: 'StopInstances', instanceIds: ['ins-aaaaaaaa'] }, ctx());
    expect(ex.outcome).toMatchObject({ format: 'empty', ok: false });

    setReply({ status: 502, contentType: 'text/html', body: '<html><h1>502 Bad Gateway</h1></html>' });
    ex = await callTarget(tencentCvmApi2, { operation: 'DescribeStatus', instanceIds: ['ins-aaaaaaaa'] }, ctx());
    expect(ex.outcome).toMatchObject({ httpStatus: 502, contentType: 'text/html', format: 'unparseable', ok: false });
  });

  it('never puts the secret in the request or its curl line', () => {
    const creds = { accessKeyId: 'AKIDsomeid', accessKeySecret: 'SuperSecretValue123456' };
    const req = tencentCvmApi2.encode(
      { operation: 'StopInstances', instanceIds: ['ins-aaaaaaaa'], params: { ForceStop: true } },
      { baseUrl: base, credentials: creds },
    );
    const curl = toCurl(req);
    expect(curl).toContain('InstanceIds.1=ins-aaaaaaaa');
    expect(curl).not.toContain(creds.accessKeySecret);
    expect(JSON.stringify(req)).not.toContain(creds.accessKeySecret);
  });
});
