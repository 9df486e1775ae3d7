import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { NodeSha256, parseSigV4Authorization, signSigV4, verifySigV4 } from './sigv4.ts';

// AWS's Signature Version 4 test suite (https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html).
const SUITE = { accessKeyId: 'AKIDEXAMPLE', accessKeySecret: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SUITE_NOW = Date.UTC(2015, 7, 30, 12, 36, 0);
const FORM = 'application/x-www-form-urlencoded; charset=utf-8';
const lookup = (id: string): string | undefined => (id === SUITE.accessKeyId ? SUITE.accessKeySecret : undefined);

describe('AWS SigV4 (AWS4-HMAC-SHA256)', () => {
  it('reproduces the test suite vector get-vanilla', () => {
    const h = signSigV4({ credentials: SUITE, region: 'us-east-1', service: 'service', method: 'GET', url: 'https://example.amazonaws.com/', headers: {}, body: '', nowMs: SUITE_NOW });
    expect(h['x-amz-date']).toBe('20150830T123600Z');
    expect(h['authorization']).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('signs an EC2 Query request exactly as @smithy/signature-v4 does', async () => {
    const body = 'Action=StopInstances&Version=2016-11-15&InstanceId.1=i-0123456789abcdef0&Force=true';
    const url = 'http://127.0.0.1:8123/';
    const ours = signSigV4({ credentials: SUITE, region: 'eu-west-1', service: 'ec2', method: 'POST', url, headers: { 'Content-Type': FORM }, body, nowMs: SUITE_NOW });
    const smithy = new SignatureV4({ service: 'ec2', region: 'eu-west-1', credentials: { accessKeyId: SUITE.accessKeyId, secretAccessKey: SUITE.accessKeySecret }, sha256: NodeSha256, applyChecksum: false });
    const signed = await smithy.sign(
      { method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 8123, path: '/', query: {}, headers: { 'content-type': FORM, host: '127.0.0.1:8123' }, body },
      { signingDate: new Date(SUITE_NOW) },
    );
    expect(ours['authorization']).toBe(signed.headers['authorization']);
    expect(ours['x-amz-date']).toBe(signed.headers['x-amz-date']);
  });

  const body = 'Action=DescribeInstanceStatus&Version=2016-11-15&InstanceId.1=i-0123456789abcdef0&IncludeAllInstances=true';
  const headers = signSigV4({ credentials: SUITE, region: 'us-east-1', service: 'ec2', method: 'POST', url: 'http://ec2.test/', headers: { 'content-type': FORM }, body, nowMs: SUITE_NOW });
  const seen = { method: 'POST', target: '/', headers: { ...headers, host: 'ec2.test' }, body };
  const options = { service: 'ec2', now: SUITE_NOW, maxSkewSeconds: 900 };

  it('verifies what it signs', () => {
    expect(verifySigV4(seen, lookup, options)).toEqual({ ok: true, accessKeyId: 'AKIDEXAMPLE' });
    expect(parseSigV4Authorization(headers['authorization'] ?? '')).toMatchObject({ region: 'us-east-1', service: 'ec2', signedHeaders: ['content-type', 'host', 'x-amz-date'] });
  });

  it('refuses a changed body, a wrong secret, an unknown key, another service, an old date and no signature', () => {
    expect(verifySigV4({ ...seen, body: body.replace('i-0123', 'i-9123') }, lookup, options)).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifySigV4(seen, () => 'other', options)).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifySigV4(seen, () => undefined, options)).toMatchObject({ ok: false, reason: 'unknown-key' });
    expect(verifySigV4(seen, lookup, { ...options, service: 's3' })).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verifySigV4(seen, lookup, { ...options, now: SUITE_NOW + 901_000 })).toMatchObject({ ok: false, reason: 'expired' });
    expect(verifySigV4({ ...seen, headers: { host: 'ec2.test' } }, lookup, options)).toMatchObject({ ok: false, reason: 'missing' });
    expect(verifySigV4({ ...seen, headers: { ...seen.headers, host: 'other.test' } }, lookup, options)).toMatchObject({ ok: false, reason: 'mismatch' });
  });
});
