import { describe, expect, it } from 'vitest';
import {
  hostVariants,
  parseTc3Authorization,
  signTc3,
  splitRequestTarget,
  tc3CanonicalRequest,
  tc3Date,
  tc3StringToSign,
  verifyTc3,
  type ReceivedRequest,
} from './tc3.ts';

// Tencent's published TC3 example (API 3.0 signature docs).
const VECTOR_SECRET = 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE';
const VECTOR_ID = 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE';
const VECTOR_BODY = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
const creds = { accessKeyId: VECTOR_ID, accessKeySecret: VECTOR_SECRET };

function vectorSigned() {
  return signTc3({
    credentials: creds,
    timestamp: 1551113065,
    service: 'cvm',
    method: 'POST',
    path: '/',
    query: '',
    headers: [
      ['content-type', 'application/json; charset=utf-8'],
      ['host', 'cvm.tencentcloudapi.com'],
    ],
    payload: VECTOR_BODY,
  });
}

describe('TC3-HMAC-SHA256 signing', () => {
  it('reproduces the published test vector', () => {
    expect(VECTOR_BODY).toContain('\\u672a'); // literal backslash text, as in the docs
    const s = vectorSigned();
    expect(s.signature).toBe('72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168');
    expect(s.authorization).toBe(
      `TC3-HMAC-SHA256 Credential=${VECTOR_ID}/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168`,
    );
    expect(s.canonicalRequest.split('\n').slice(0, 7)).toEqual([
      'POST',
      '/',
      '',
      'content-type:application/json; charset=utf-8',
      'host:cvm.tencentcloudapi.com',
      '',
      'content-type;host',
    ]);
    expect(s.stringToSign.split('\n').slice(0, 3)).toEqual(['TC3-HMAC-SHA256', '1551113065', '2019-02-25/cvm/tc3_request']);
    expect(JSON.stringify(s)).not.toContain(VECTOR_SECRET);
  });

  it('canonicalizes header names and values to lower case, trimmed and sorted', () => {
    const a = tc3CanonicalRequest({
      method: 'post',
      path: '/',
      query: '',
      headers: [
        ['Host', ' CVM.tencentcloudapi.com '],
        ['Content-Type', 'Application/JSON'],
      ],
      payload: '',
    });
    expect(a.split('\n').slice(0, 7)).toEqual([
      'POST',
      '/',
      '',
      'content-type:application/json',
      'host:cvm.tencentcloudapi.com',
      '',
      'content-type;host',
    ]);
    expect(a.split('\n')[7]).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'); // sha256('')
  });

  it('computes UTC dates and string to sign scopes', () => {
    expect(tc3Date(1551113065)).toBe('2019-02-25');
    expect(tc3Date(0)).toBe('1970-01-01');
    expect(tc3StringToSign('x', 86399, '127').split('\n')[2]).toBe('1970-01-01/127/tc3_request');
  });

  it('parses Authorization headers and rejects other shapes', () => {
    const p = parseTc3Authorization(vectorSigned().authorization);
    expect(p).toEqual({
      secretId: VECTOR_ID,
      date: '2019-02-25',
      service: 'cvm',
      signedHeaders: ['content-type', 'host'],
      signature: '72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    });
    expect(parseTc3Authorization('Bearer x')).toBeUndefined();
    expect(parseTc3Authorization('TC3-HMAC-SHA256 Credential=a/2019-02-25/cvm, SignedHeaders=host, Signature=ab')).toBeUndefined();
    expect(parseTc3Authorization('')).toBeUndefined();
  });

  it('splits request targets and lists host variants', () => {
    expect(splitRequestTarget('/a/b?x=1&y=2')).toEqual({ path: '/a/b', query: 'x=1&y=2' });
    expect(splitRequestTarget('/')).toEqual({ path: '/', query: '' });
    expect(hostVariants('127.0.0.1:9000')).toEqual(['127.0.0.1:9000', '127.0.0.1']);
    expect(hostVariants('cvm.tencentcloudapi.com')).toEqual(['cvm.tencentcloudapi.com']);
    expect(hostVariants('[::1]:80')).toEqual(['[::1]:80', '[::1]']);
  });
});

describe('verifyTc3', () => {
  const received = (over: Partial<ReceivedRequest> = {}, headerOver: Record<string, string | undefined> = {}) => {
    const s = vectorSigned();
    return {
      method: 'POST',
      url: '/',
      body: VECTOR_BODY,
      ...over,
      headers: {
        host: 'cvm.tencentcloudapi.com',
        'content-type': 'application/json; charset=utf-8',
        'x-tc-timestamp': '1551113065',
        authorization: s.authorization,
        ...headerOver,
      },
    } satisfies ReceivedRequest;
  };

  it('accepts the vector request as a server receives it', () => {
    expect(verifyTc3(received(), creds)).toEqual({ ok: true, secretId: VECTOR_ID });
    expect(verifyTc3(received({ body: Buffer.from(VECTOR_BODY, 'utf8') }), creds).ok).toBe(true);
  });

  it('accepts a signature over the host without its port (the Node SDK) and a service named 127', () => {
    const signed = signTc3({
      credentials: creds,
      timestamp: 1551113065,
      service: '127',
      method: 'POST',
      path: '/',
      query: '',
      headers: [
        ['content-type', 'application/json'],
        ['host', '127.0.0.1'],
      ],
      payload: '{}',
    });
    const req = received(
      { body: '{}' },
      { host: '127.0.0.1:41234', 'content-type': 'application/json', authorization: signed.authorization },
    );
    expect(verifyTc3(req, creds)).toEqual({ ok: true, secretId: VECTOR_ID });
  });

  it('rejects a wrong secret, a changed body, path, query or header, without leaking the secret', () => {
    const other = { accessKeyId: VECTOR_ID, accessKeySecret: 'another-secret-of-some-length' };
    const cases = [
      verifyTc3(received(), other),
      verifyTc3(received({ body: VECTOR_BODY.replace('1', '2') }), creds),
      verifyTc3(received({ url: '/x' }), creds),
      verifyTc3(received({ url: '/?a=1' }), creds),
      verifyTc3(received({}, { 'content-type': 'application/json' }), creds),
      verifyTc3(received({}, { host: 'evil.example' }), creds),
    ];
    for (const c of cases) {
      expect(c).toMatchObject({ ok: false, code: 'AuthFailure.SignatureFailure' });
      expect(JSON.stringify(c)).not.toContain(VECTOR_SECRET);
      expect(JSON.stringify(c)).not.toContain(other.accessKeySecret);
    }
  });

  it('names missing, malformed and foreign credentials with Tencent codes', () => {
    expect(verifyTc3(received({}, { authorization: undefined }), creds)).toMatchObject({
      ok: false,
      code: 'AuthFailure.InvalidAuthorization',
    });
    expect(verifyTc3(received({}, { authorization: 'TC3-HMAC-SHA256 junk' }), creds)).toMatchObject({
      code: 'AuthFailure.InvalidAuthorization',
    });
    expect(verifyTc3(received(), { accessKeyId: 'AKIDother', accessKeySecret: VECTOR_SECRET })).toMatchObject({
      code: 'AuthFailure.SecretIdNotFound',
    });
    expect(verifyTc3(received({}, { 'x-tc-timestamp': undefined }), creds)).toMatchObject({
      code: 'AuthFailure.SignatureFailure',
    });
    // Timestamp on another UTC day than the credential scope.
    expect(verifyTc3(received({}, { 'x-tc-timestamp': String(1551113065 + 86400) }), creds)).toMatchObject({
      code: 'AuthFailure.SignatureFailure',
    });
  });

  it('checks the timestamp age only when asked', () => {
    expect(verifyTc3(received(), creds, { nowSeconds: 1551113065 + 299, maxSkewSeconds: 300 }).ok).toBe(true);
    expect(verifyTc3(received(), creds, { nowSeconds: 1551113065 + 301, maxSkewSeconds: 300 })).toMatchObject({
      ok: false,
      code: 'AuthFailure.SignatureExpire',
    });
  });
});
