import { describe, expect, it } from 'vitest';
import * as Ecs from '@alicloud/ecs20140526';
import * as OpenApi from '@alicloud/openapi-core';
import {
  acs3CanonicalRequest,
  acs3Signature,
  acs3StringToSign,
  isAcs3Request,
  parseAcs3Authorization,
  signAcs3,
  verifyAcs3,
} from './acs3.ts';
import { startCaptureServer } from '../testing/capture-server.ts';

/** The SDK's client class, whichever way the CommonJS default export is interoperated. */
type EcsClientClass = typeof Ecs.default.default;
function ecsClientClass(): EcsClientClass {
  const d = (Ecs as unknown as { default: EcsClientClass | { default: EcsClientClass } }).default;
  return typeof d === 'function' ? d : d.default;
}
import { sha256Hex } from './server-request.ts';

// Vector from Alibaba Cloud's V3 (ACS3) signature documentation (RunInstances, POST /, empty body).
const SECRET = 'YourAccessKeySecret';
const EXPECTED = '06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0';
const QUERY: [string, string][] = [
  ['ImageId', 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd'],
  ['RegionId', 'cn-shanghai'],
];
const creds = { accessKeyId: 'YourAccessKeyId', accessKeySecret: SECRET };
const lookup = (id: string): string | undefined => (id === creds.accessKeyId ? SECRET : undefined);
const EMPTY_SHA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('ACS3-HMAC-SHA256', () => {
  it('reproduces the documented vector', () => {
    expect(sha256Hex('')).toBe(EMPTY_SHA);
    const canonical = acs3CanonicalRequest({
      method: 'POST',
      canonicalUri: '/',
      query: QUERY,
      headers: {
        host: 'ecs.cn-shanghai.aliyuncs.com',
        'x-acs-action': 'RunInstances',
        'x-acs-content-sha256': EMPTY_SHA,
        'x-acs-date': '2023-10-26T10:22:32Z',
        'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
        'x-acs-version': '2014-05-26',
      },
      hashedPayload: EMPTY_SHA,
    });
    expect(canonical.split('\n')[2]).toBe(
      'ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai',
    );
    expect(canonical.split('\n').at(-2)).toBe(
      'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version',
    );
    expect(acs3Signature(SECRET, acs3StringToSign(canonical))).toBe(EXPECTED);
  });

  const headers = signAcs3({
    credentials: creds,
    method: 'POST',
    host: 'ecs.cn-shanghai.aliyuncs.com',
    path: '/',
    query: QUERY,
    action: 'RunInstances',
    version: '2014-05-26',
    body: '',
    nowMs: Date.UTC(2023, 9, 26, 10, 22, 32),
    nonce: '3156853299f313e23d1673dc12e1703d',
  });
  const seen = {
    method: 'POST',
    target: '/?ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai',
    headers: { host: 'ecs.cn-shanghai.aliyuncs.com', ...headers },
    body: '',
  };

  it('signAcs3 yields the vector signature and the SDK header layout', () => {
    expect(headers.authorization).toBe(
      `ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=${EXPECTED}`,
    );
    expect(parseAcs3Authorization(headers.authorization ?? '')?.signature).toBe(EXPECTED);
    expect(isAcs3Request(seen)).toBe(true);
  });

  it('verifies what a server sees and rejects tampering', () => {
    expect(verifyAcs3(seen, lookup)).toEqual({ ok: true, accessKeyId: 'YourAccessKeyId' });
    expect(verifyAcs3({ ...seen, target: seen.target.replace('shanghai', 'beijing') }, lookup)).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyAcs3({ ...seen, body: 'x' }, lookup)).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifyAcs3({ ...seen, headers: { ...seen.headers, 'x-acs-action': 'StopInstances' } }, lookup)).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyAcs3({ ...seen, headers: { ...seen.headers, host: 'ecs.aliyuncs.com:8080' } }, lookup).ok).toBe(false);
    expect(verifyAcs3(seen, () => undefined)).toMatchObject({ ok: false, reason: 'unknown-key' });
    expect(verifyAcs3({ ...seen, headers: { host: 'h' } }, lookup)).toMatchObject({ ok: false, reason: 'missing' });
    expect(JSON.stringify(verifyAcs3({ ...seen, target: '/' }, lookup))).not.toContain(SECRET);
  });

  it('checks x-acs-date only when asked', () => {
    const t = Date.UTC(2023, 9, 26, 10, 22, 32);
    expect(verifyAcs3(seen, lookup, { now: t + 1000, maxSkewSeconds: 900 }).ok).toBe(true);
    expect(verifyAcs3(seen, lookup, { now: t + 3_600_000, maxSkewSeconds: 900 })).toMatchObject({ reason: 'expired' });
  });

  it('accepts what the official Node SDK sends by default (ACS3, host with port, odd characters)', async () => {
    const srv = await startCaptureServer({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"RequestId":"r1","InstanceResponses":{"InstanceResponse":[]}}',
    });
    try {
      const Client = ecsClientClass();
      const client = new Client(
        new OpenApi.$OpenApiUtil.Config({
          accessKeyId: 'YourAccessKeyId',
          accessKeySecret: SECRET,
          endpoint: srv.baseUrl.replace('http://', ''),
          protocol: 'HTTP',
          regionId: 'cn-hangzhou',
        }),
      );
      await client.stopInstances(
        new Ecs.StopInstancesRequest({
          regionId: 'cn-hangzhou',
          instanceId: ['i-abc', "i-d e+f*~!'()"],
          forceStop: true,
          batchOptimization: 'SuccessFirst',
        }),
      );
      expect(srv.requests).toHaveLength(1);
      const r = srv.requests[0]!;
      expect(r.headers['host']).toBe(srv.baseUrl.replace('http://', ''));
      expect(r.headers['x-acs-action']).toBe('StopInstances');
      expect(isAcs3Request(r)).toBe(true);
      expect(verifyAcs3(r, lookup)).toEqual({ ok: true, accessKeyId: 'YourAccessKeyId' });
      expect(verifyAcs3({ ...r, target: r.target.replace('ForceStop=true', 'ForceStop=false') }, lookup).ok).toBe(false);
    } finally {
      await srv.close();
    }
  });
});
