import { describe, expect, it } from 'vitest';
import {
  parseZc2Authorization,
  signZc2,
  verifyZc2,
  zc2CanonicalRequest,
  zc2Signature,
  zc2StringToSign,
} from './zc2.ts';
import { sha256Hex } from './server-request.ts';

// Vector from Zenlayer's "signature method v2" page (curl example for DescribeInstances on /api/v2/bmc).
const SECRET = 'Gu5t9xGARNpq86cd98joQYCN3';
const BODY = '{"pageSize":10,"pageNum":1,"zoneId":"HKG-A"}';
const CT = 'application/json; charset=utf-8';
const HOST = 'console.zenlayer.com';
const EXPECTED = 'efb356c32e55c781e10dc676da59462c22596d82e91c57803666243379555b2f';
const creds = { accessKeyId: '0D9UtpyKYcHxms5v', accessKeySecret: SECRET };
const lookup = (id: string): string | undefined => (id === creds.accessKeyId ? SECRET : undefined);

describe('ZC2-HMAC-SHA256', () => {
  it('reproduces the vendor vector step by step', () => {
    expect(sha256Hex(BODY)).toBe('5f714687ba91c606d503467766151206392474accd137ffea6dce2420b67c29a');
    const canonical = zc2CanonicalRequest({ method: 'POST', headers: { 'Content-Type': CT, Host: HOST }, payload: BODY });
    expect(canonical).toBe(
      `POST\n/\n\ncontent-type:${CT}\nhost:${HOST}\n\ncontent-type;host\n5f714687ba91c606d503467766151206392474accd137ffea6dce2420b67c29a`,
    );
    expect(zc2Signature(SECRET, zc2StringToSign(1673361177, canonical))).toBe(EXPECTED);
  });

  it('signZc2 builds the vendor Authorization header', () => {
    const h = signZc2({ credentials: creds, timestamp: 1673361177, method: 'POST', host: HOST, contentType: CT, payload: BODY });
    expect(h.authorization).toBe(`ZC2-HMAC-SHA256 Credential=0D9UtpyKYcHxms5v, SignedHeaders=content-type;host, Signature=${EXPECTED}`);
    expect(h['x-zc-timestamp']).toBe('1673361177');
    expect(h['x-zc-signature-method']).toBe('ZC2-HMAC-SHA256');
  });

  const signed = signZc2({ credentials: creds, timestamp: 1673361177, method: 'POST', host: HOST, contentType: CT, payload: BODY });
  const seen = {
    method: 'POST',
    target: '/api/v2/bmc',
    headers: { host: HOST, 'content-type': CT, ...signed },
    body: BODY,
  };

  it('verifies what a server sees, and rejects tampering', () => {
    expect(verifyZc2(seen, lookup)).toEqual({ ok: true, accessKeyId: creds.accessKeyId });
    expect(verifyZc2({ ...seen, body: BODY.replace('10', '11') }, lookup)).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifyZc2({ ...seen, headers: { ...seen.headers, host: 'other' } }, lookup)).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifyZc2({ ...seen, headers: { ...seen.headers, 'x-zc-timestamp': '1673361178' } }, lookup)).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyZc2(seen, () => undefined)).toMatchObject({ ok: false, reason: 'unknown-key' });
    const { authorization: _a, ...noAuth } = seen.headers;
    expect(verifyZc2({ ...seen, headers: noAuth }, lookup)).toMatchObject({ ok: false, reason: 'missing' });
    expect(verifyZc2({ ...seen, headers: { ...seen.headers, authorization: 'garbage' } }, lookup)).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });

  it('accepts Authorization without spaces after commas and a lower-cased content type', () => {
    const compact = signed.authorization.replace(/, /g, ',');
    expect(parseZc2Authorization(compact)?.signedHeaders).toEqual(['content-type', 'host']);
    expect(verifyZc2({ ...seen, headers: { ...seen.headers, authorization: compact } }, lookup).ok).toBe(true);
    const upper = 'application/json; charset=UTF-8';
    const lowerSigned = signZc2({ credentials: creds, timestamp: 5, method: 'POST', host: HOST, contentType: upper.toLowerCase(), payload: '{}' });
    const req = { method: 'POST', target: '/', headers: { host: HOST, 'content-type': upper, ...lowerSigned }, body: '{}' };
    expect(verifyZc2(req, lookup).ok).toBe(true);
  });

  it('checks the timestamp window only when asked', () => {
    expect(verifyZc2(seen, lookup, { now: 1673361177_000 + 200_000, maxSkewSeconds: 300 }).ok).toBe(true);
    expect(verifyZc2(seen, lookup, { now: 1673361177_000 + 400_000, maxSkewSeconds: 300 })).toMatchObject({
      ok: false,
      reason: 'expired',
    });
  });

  it('never puts the secret in a result', () => {
    const r = verifyZc2({ ...seen, body: '{}' }, lookup);
    expect(JSON.stringify(r)).not.toContain(SECRET);
  });
});
