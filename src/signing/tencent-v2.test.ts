import { describe, expect, it } from 'vitest';
import {
  decodeQueryPairs,
  encodeQueryPairs,
  rfc3986Encode,
  signTencentV2,
  tencentV2Signature,
  tencentV2StringToSign,
  verifyTencentV2,
  type ParamPair,
} from './tencent-v2.ts';

// Tencent's published API 2.0 / signature v1 example.
const SECRET = 'Gu5t9xGARNpq86cd98joQYCN3Cozk1qA';
const ID = 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA';
const creds = { accessKeyId: ID, accessKeySecret: SECRET };
const PARAMS: ParamPair[] = [
  ['Timestamp', '1465185768'],
  ['Action', 'DescribeInstances'],
  ['SecretId', ID],
  ['Region', 'ap-guangzhou'],
  ['Nonce', '11886'],
  ['SignatureMethod', 'HmacSHA256'],
  ['InstanceIds.0', 'ins-09dx96dg'],
];
const EXPECTED = '0EEm/HtGRr/VJXTAD9tYMth1Bzm3lLHz5RCDv1GdM8s=';

describe('Tencent HmacSHA256 query signature', () => {
  it('reproduces the published test vector', () => {
    const s = signTencentV2({ credentials: creds, method: 'GET', host: 'cvm.api.qcloud.com', path: '/v2/index.php', params: PARAMS });
    expect(s.stringToSign).toBe(
      `GETcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Nonce=11886&Region=ap-guangzhou&SecretId=${ID}&SignatureMethod=HmacSHA256&Timestamp=1465185768`,
    );
    expect(s.signature).toBe(EXPECTED);
    expect(JSON.stringify(s)).not.toContain(SECRET);
  });

  it('leaves Signature out of the string to sign and keeps duplicate names in sent order', () => {
    const s = tencentV2StringToSign('get', 'h', '/p', [
      ['b', '2'],
      ['Signature', 'x'],
      ['a', '1'],
      ['b', '1'],
    ]);
    expect(s).toBe('GETh/p?a=1&b=2&b=1');
  });

  it('supports HmacSHA1 as well', () => {
    expect(tencentV2Signature(SECRET, 'x', 'HmacSHA1')).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    expect(tencentV2Signature(SECRET, 'x', 'HmacSHA1')).not.toBe(tencentV2Signature(SECRET, 'x', 'HmacSHA256'));
  });

  it('percent-encodes RFC 3986 style and decodes back', () => {
    expect(rfc3986Encode("a b+c/d=e!'()*~")).toBe('a%20b%2Bc%2Fd%3De%21%27%28%29%2A~');
    const pairs: ParamPair[] = [
      ['Signature', EXPECTED],
      ['x', 'ü &='],
      ['x', ''],
    ];
    expect(encodeQueryPairs([['Signature', EXPECTED]])).toBe('Signature=0EEm%2FHtGRr%2FVJXTAD9tYMth1Bzm3lLHz5RCDv1GdM8s%3D');
    expect(decodeQueryPairs(encodeQueryPairs(pairs))).toEqual(pairs);
  });
});

describe('verifyTencentV2', () => {
  const url = (extra: ParamPair[] = [], host = 'cvm.api.qcloud.com') => {
    const sig = signTencentV2({ credentials: creds, method: 'GET', host, path: '/v2/index.php', params: [...PARAMS, ...extra] }).signature;
    return `/v2/index.php?${encodeQueryPairs([...PARAMS, ...extra, ['Signature', sig]])}`;
  };

  it('accepts the vector as a server receives it, with or without the port in the signed host', () => {
    expect(verifyTencentV2({ method: 'GET', url: url(), headers: { host: 'cvm.api.qcloud.com' }, body: '' }, creds)).toEqual({
      ok: true,
      secretId: ID,
    });
    expect(
      verifyTencentV2({ method: 'GET', url: url([], '127.0.0.1:8080'), headers: { host: '127.0.0.1:8080' }, body: '' }, creds).ok,
    ).toBe(true);
    expect(
      verifyTencentV2({ method: 'GET', url: url([], '127.0.0.1'), headers: { host: '127.0.0.1:8080' }, body: '' }, creds).ok,
    ).toBe(true);
  });

  it('accepts a form-encoded POST (parameters in the body)', () => {
    const sig = signTencentV2({ credentials: creds, method: 'POST', host: 'h', path: '/', params: PARAMS }).signature;
    const body = encodeQueryPairs([...PARAMS, ['Signature', sig]]);
    const r = verifyTencentV2(
      { method: 'POST', url: '/', headers: { host: 'h', 'content-type': 'application/x-www-form-urlencoded' }, body },
      creds,
    );
    expect(r.ok).toBe(true);
  });

  it('rejects tampering and foreign credentials without leaking the secret', () => {
    const good = url();
    const results = [
      verifyTencentV2({ method: 'GET', url: good.replace('ins-09dx96dg', 'ins-09dx96dh'), headers: { host: 'cvm.api.qcloud.com' }, body: '' }, creds),
      verifyTencentV2({ method: 'POST', url: good, headers: { host: 'cvm.api.qcloud.com' }, body: '' }, creds),
      verifyTencentV2({ method: 'GET', url: good.replace('/v2/index.php', '/v2/other.php'), headers: { host: 'cvm.api.qcloud.com' }, body: '' }, creds),
      verifyTencentV2({ method: 'GET', url: `${good}&Extra=1`, headers: { host: 'cvm.api.qcloud.com' }, body: '' }, creds),
      verifyTencentV2({ method: 'GET', url: good, headers: { host: 'other.host' }, body: '' }, creds),
      verifyTencentV2({ method: 'GET', url: good, headers: { host: 'cvm.api.qcloud.com' }, body: '' }, { accessKeyId: ID, accessKeySecret: 'wrong-secret-value' }),
    ];
    for (const r of results) {
      expect(r).toMatchObject({ ok: false, code: 'AuthFailure.SignatureFailure' });
      expect(JSON.stringify(r)).not.toContain(SECRET);
    }
    expect(
      verifyTencentV2({ method: 'GET', url: good, headers: { host: 'cvm.api.qcloud.com' }, body: '' }, { accessKeyId: 'AKIDx', accessKeySecret: SECRET }),
    ).toMatchObject({ ok: false, code: 'AuthFailure.SecretIdNotFound' });
    expect(
      verifyTencentV2({ method: 'GET', url: '/v2/index.php?Action=X', headers: { host: 'h' }, body: '' }, creds),
    ).toMatchObject({ ok: false, code: 'MissingParameter' });
  });

  it('checks the timestamp age only when asked', () => {
    const req = { method: 'GET', url: url(), headers: { host: 'cvm.api.qcloud.com' }, body: '' };
    expect(verifyTencentV2(req, creds, { nowSeconds: 1465185768 + 10, maxSkewSeconds: 300 }).ok).toBe(true);
    expect(verifyTencentV2(req, creds, { nowSeconds: 1465185768 + 1000, maxSkewSeconds: 300 })).toMatchObject({
      code: 'AuthFailure.SignatureExpire',
    });
  });
});
