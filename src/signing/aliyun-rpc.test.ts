import { describe, expect, it } from 'vitest';
import * as Ecs from '@alicloud/ecs20140526';
import * as OpenApi from '@alicloud/openapi-core';
import {
  aliyunPercentEncode,
  rpcCanonicalQuery,
  rpcCommonParams,
  rpcStringToSign,
  rpcTimestamp,
  signRpc,
  verifyRpc,
} from './aliyun-rpc.ts';
import { startCaptureServer } from '../testing/capture-server.ts';

/** The SDK's client class, whichever way the CommonJS default export is interoperated. */
type EcsClientClass = typeof Ecs.default.default;
function ecsClientClass(): EcsClientClass {
  const d = (Ecs as unknown as { default: EcsClientClass | { default: EcsClientClass } }).default;
  return typeof d === 'function' ? d : d.default;
}

// Vector from Alibaba Cloud's RPC signature documentation (DescribeRegions, GET, secret "testsecret").
const PARAMS: [string, string][] = [
  ['Timestamp', '2016-02-23T12:46:24Z'],
  ['Action', 'DescribeRegions'],
  ['AccessKeyId', 'testid'],
  ['Format', 'XML'],
  ['SignatureMethod', 'HMAC-SHA1'],
  ['SignatureNonce', '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf'],
  ['SignatureVersion', '1.0'],
  ['Version', '2014-05-26'],
];
const creds = { accessKeyId: 'testid', accessKeySecret: 'testsecret' };
const lookup = (id: string): string | undefined => (id === 'testid' ? 'testsecret' : undefined);

function query(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([k, v]) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(v)}`).join('&');
}

describe('Alibaba RPC signature (HMAC-SHA1, 1.0)', () => {
  it('reproduces the documented vector', () => {
    expect(rpcStringToSign('GET', rpcCanonicalQuery(PARAMS))).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    );
    expect(signRpc('GET', PARAMS, creds)).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it('percent-encodes per Alibaba rules', () => {
    expect(aliyunPercentEncode("a b*~!'()+/=&é")).toBe('a%20b%2A~%21%27%28%29%2B%2F%3D%26%C3%A9');
    expect(rpcTimestamp(Date.UTC(2016, 1, 23, 12, 46, 24, 999))).toBe('2016-02-23T12:46:24Z');
    expect(rpcCommonParams(creds, 0, 'n').map(([k]) => k)).toEqual([
      'AccessKeyId',
      'SignatureMethod',
      'SignatureVersion',
      'SignatureNonce',
      'Timestamp',
    ]);
  });

  it('verifies a GET and a form POST (union of query and body), rejects tampering', () => {
    const sig = signRpc('GET', PARAMS, creds);
    const get = { method: 'GET', target: `/?${query([...PARAMS, ['Signature', sig]])}`, headers: {}, body: '' };
    expect(verifyRpc(get, lookup)).toEqual({ ok: true, accessKeyId: 'testid' });
    expect(verifyRpc({ ...get, method: 'POST' }, lookup)).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifyRpc({ ...get, target: get.target.replace('DescribeRegions', 'DescribeZones') }, lookup)).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyRpc(get, () => undefined)).toMatchObject({ ok: false, reason: 'unknown-key' });
    expect(verifyRpc({ ...get, target: '/?Action=X' }, lookup)).toMatchObject({ ok: false, reason: 'missing' });

    const postSig = signRpc('POST', PARAMS, creds);
    const post = {
      method: 'POST',
      target: `/?${query(PARAMS.slice(0, 3))}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: query([...PARAMS.slice(3), ['Signature', postSig]]),
    };
    expect(verifyRpc(post, lookup).ok).toBe(true);
    expect(verifyRpc({ ...post, headers: { 'content-type': 'text/plain' } }, lookup)).toMatchObject({ ok: false, reason: 'missing' });
    expect(JSON.stringify(verifyRpc({ ...post, body: post.body.replace('XML', 'JSON') }, lookup))).not.toContain('testsecret');
  });

  it('checks the Timestamp window only when asked', () => {
    const sig = signRpc('GET', PARAMS, creds);
    const get = { method: 'GET', target: `/?${query([...PARAMS, ['Signature', sig]])}`, headers: {}, body: '' };
    const t = Date.UTC(2016, 1, 23, 12, 46, 24);
    expect(verifyRpc(get, lookup, { now: t + 60_000, maxSkewSeconds: 900 }).ok).toBe(true);
    expect(verifyRpc(get, lookup, { now: t + 3_600_000, maxSkewSeconds: 900 })).toMatchObject({ reason: 'expired' });
  });

  it('accepts what the official Node SDK sends in RPC mode (signatureAlgorithm v2, host with port)', async () => {
    const srv = await startCaptureServer({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"RequestId":"r1","InstanceResponses":{"InstanceResponse":[]}}',
    });
    try {
      const Client = ecsClientClass();
      const client = new Client(
        new OpenApi.$OpenApiUtil.Config({
          accessKeyId: 'testid',
          accessKeySecret: 'testsecret',
          endpoint: srv.baseUrl.replace('http://', ''),
          protocol: 'HTTP',
          regionId: 'cn-hangzhou',
          signatureAlgorithm: 'v2',
        }),
      );
      await client.stopInstances(
        new Ecs.StopInstancesRequest({ regionId: 'cn-hangzhou', instanceId: ['i-abc', 'i-d e+f'], forceStop: true }),
      );
      expect(srv.requests).toHaveLength(1);
      const r = srv.requests[0]!;
      expect(r.target).toContain('Signature=');
      expect(verifyRpc(r, lookup)).toEqual({ ok: true, accessKeyId: 'testid' });
      expect(verifyRpc({ ...r, target: r.target.replace('ForceStop=true', 'ForceStop=false') }, lookup).ok).toBe(false);
    } finally {
      await srv.close();
    }
  });
});
