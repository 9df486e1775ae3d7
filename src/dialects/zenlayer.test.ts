import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { startCaptureServer, type CaptureServer } from '../testing/capture-server.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { verifyZc2 } from '../signing/zc2.ts';
import { schemaValidator } from '../specs/validator.ts';
import { callTarget, queryStatuses } from './client.ts';
import { toCurl } from './curl.ts';
import type { DialectContext, OperationCall, WireResponse } from './types.ts';
import { zenlayerBmc, zenlayerVm } from './zenlayer.ts';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);
const lookup = (id: string): string | undefined =>
  id === TEST_CREDENTIALS.accessKeyId ? TEST_CREDENTIALS.accessKeySecret : undefined;
const json = (status: number, body: unknown): { status: number; headers: Record<string, string>; body: string } => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const stop: OperationCall = { operation: 'StopInstances', instanceIds: ['vm-1', 'vm-2'] };
const answer = (status: number, bodyText: string, ct = 'application/json'): WireResponse => ({
  status,
  headers: { 'content-type': ct },
  bodyText,
});

let srv: CaptureServer;
let ctx: DialectContext;
beforeAll(async () => {
  srv = await startCaptureServer();
  ctx = { baseUrl: `${srv.baseUrl}/zen/`, credentials: TEST_CREDENTIALS, now: () => NOW };
});
afterAll(async () => srv.close());

describe('zenlayer wire round trips', () => {
  it('vm StopInstances: exact request, verifiable ZC2 signature, success decoded', async () => {
    srv.queue(json(200, { requestId: 'R1', response: { requestId: 'R1' } }));
    const n = srv.requests.length;
    const ex = await callTarget(zenlayerVm, { ...stop, params: { forceShutdown: false, ignored: null } }, ctx);
    const got = srv.requests[n]!;
    expect(got.method).toBe('POST');
    expect(got.target).toBe('/zen/api/v2/vm');
    expect(got.body).toBe('{"instanceIds":["vm-1","vm-2"],"forceShutdown":false}');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['x-zc-action']).toBe('StopInstances');
    expect(got.headers['x-zc-timestamp']).toBe(String(Math.floor(NOW / 1000)));
    expect(got.headers['x-zc-signature-method']).toBe('ZC2-HMAC-SHA256');
    expect(got.headers['authorization']).toMatch(/^ZC2-HMAC-SHA256 Credential=AKID\w+, SignedHeaders=content-type;host, Signature=[0-9a-f]{64}$/);
    expect(verifyZc2(got, lookup)).toEqual({ ok: true, accessKeyId: TEST_CREDENTIALS.accessKeyId });
    expect(verifyZc2({ ...got, body: got.body.replace('false', 'true') }, lookup).ok).toBe(false);
    expect(ex.outcome).toMatchObject({ httpStatus: 200, format: 'json', ok: true, requestId: 'R1', error: undefined });
    expect(ex.outcome?.schemaErrors).toEqual([]);
    expect(ex.outcome?.decodeProblems).toEqual([]);
  });

  it('bmc StopInstances goes to /api/v2/bmc and still sends forceShutdown when a case passes it', async () => {
    const n = srv.requests.length;
    await callTarget(zenlayerBmc, { ...stop, params: { forceShutdown: true } }, ctx);
    const got = srv.requests[n]!;
    expect(got.target).toBe('/zen/api/v2/bmc');
    expect(got.body).toBe('{"instanceIds":["vm-1","vm-2"],"forceShutdown":true}');
    expect(verifyZc2(got, lookup).ok).toBe(true);
  });

  it('error envelope (HTTP 404) decoded', async () => {
    srv.queue(json(404, { requestId: 'R2', code: 'INVALID_INSTANCE_NOT_FOUND', message: 'Instance does not exist.' }));
    const ex = await callTarget(zenlayerVm, stop, ctx);
    expect(ex.outcome).toMatchObject({
      httpStatus: 404,
      ok: false,
      requestId: 'R2',
      error: { code: 'INVALID_INSTANCE_NOT_FOUND', message: 'Instance does not exist.' },
    });
    expect(ex.outcome?.schemaErrors).toEqual([]);
    expect(ex.outcome?.decodeProblems).toEqual([]);
  });

  it('status queries: vm DescribeInstancesStatus, bmc DescribeInstances, paged by 20 with explicit pageSize', async () => {
    const ids = Array.from({ length: 25 }, (_, i) => zenlayerBmc.instanceId(`t${i}`));
    const page = (slice: string[]) =>
      json(200, {
        requestId: 'R',
        response: { requestId: 'R', totalCount: slice.length, dataSet: slice.map((id) => ({ instanceId: id, instanceStatus: 'RUNNING' })) },
      });
    srv.queue(page(ids.slice(0, 20)), page(ids.slice(20)));
    const n = srv.requests.length;
    const read = await queryStatuses(zenlayerBmc, ids, ctx);
    expect(read.problem).toBeUndefined();
    expect(read.statuses.size).toBe(25);
    expect(read.statuses.get(ids[24]!)).toBe('RUNNING');
    const sent = srv.requests.slice(n);
    expect(sent).toHaveLength(2);
    expect(sent.map((r) => r.headers['x-zc-action'])).toEqual(['DescribeInstances', 'DescribeInstances']);
    expect(JSON.parse(sent[0]!.body)).toEqual({ instanceIds: ids.slice(0, 20), pageSize: 20 });
    expect(JSON.parse(sent[1]!.body)).toEqual({ instanceIds: ids.slice(20), pageSize: 20 });
    expect(read.exchanges[0]?.outcome?.schemaErrors).toEqual([]);

    srv.queue(page(['vm-a']));
    const m = srv.requests.length;
    const ex = await callTarget(zenlayerVm, { operation: 'DescribeStatus', instanceIds: ['vm-a'], pageSize: 20, page: 2 }, ctx);
    expect(srv.requests[m]!.headers['x-zc-action']).toBe('DescribeInstancesStatus');
    expect(srv.requests[m]!.body).toBe('{"instanceIds":["vm-a"],"pageSize":20,"pageNum":2}');
    expect(ex.outcome?.instances).toEqual([{ instanceId: 'vm-a', status: 'RUNNING' }]);
  });

  it('rawBody, contentType and extraQuery are sent as given and the signature covers them', async () => {
    const n = srv.requests.length;
    const req = zenlayerVm.encode(
      { ...stop, rawBody: '{"instanceIds":[', contentType: 'text/plain', extraQuery: [['a', 'b c']] },
      ctx,
    );
    await callTarget(zenlayerVm, { ...stop, rawBody: '{"instanceIds":[', contentType: 'text/plain', extraQuery: [['a', 'b c']] }, ctx);
    const got = srv.requests[n]!;
    expect(got.body).toBe('{"instanceIds":[');
    expect(got.headers['content-type']).toBe('text/plain');
    expect(got.target).toBe('/zen/api/v2/vm?a=b%20c');
    expect(verifyZc2(got, lookup).ok).toBe(true);
    expect(req.url).toBe(`${srv.baseUrl}/zen/api/v2/vm?a=b%20c`);
  });

  it('encoded bodies satisfy the spec request schemas of both dialects', () => {
    for (const d of [zenlayerVm, zenlayerBmc]) {
      const v = schemaValidator(d.name);
      // forceShutdown is documented for vm only (001:22); the bmc page has instanceIds alone (003:22).
      const params: Record<string, boolean> = d === zenlayerVm ? { forceShutdown: true } : {};
      const stopBody: unknown = JSON.parse(d.encode({ ...stop, params }, ctx).body ?? '');
      const statusBody: unknown = JSON.parse(d.encode({ operation: 'DescribeStatus', instanceIds: ['x'], pageSize: 20, page: 1 }, ctx).body ?? '');
      expect(v.validate('StopInstancesRequest', stopBody)).toEqual([]);
      expect(v.validate('DescribeStatusRequest', statusBody)).toEqual([]);
      expect(v.validate('StopInstancesRequest', JSON.parse(d.encode({ operation: 'StopInstances' }, ctx).body ?? ''))).not.toEqual([]);
    }
    const bmcForced: unknown = JSON.parse(zenlayerBmc.encode({ ...stop, params: { forceShutdown: true } }, ctx).body ?? '');
    expect(schemaValidator('zenlayer-bmc').validate('StopInstancesRequest', bmcForced)).not.toEqual([]);
  });

  it('omits instanceIds when undefined; refuses other wire styles', () => {
    expect(zenlayerVm.encode({ operation: 'StopInstances' }, ctx).body).toBe('{}');
    expect(() => zenlayerVm.encode({ ...stop, style: 'query-get' }, ctx)).toThrow(UsageError);
  });

  it('toCurl of an encoded request has no secret', () => {
    const line = toCurl(zenlayerVm.encode(stop, ctx));
    expect(line).toContain('x-zc-action: StopInstances');
    expect(line).not.toContain(TEST_CREDENTIALS.accessKeySecret);
  });
});

describe('zenlayer decode of hostile or odd answers', () => {
  it('garbage, empty and HTML answers never throw', () => {
    const garbage = zenlayerVm.decode(stop, answer(200, 'not json at all'));
    expect(garbage).toMatchObject({ format: 'unparseable', ok: false, body: undefined });
    expect(garbage.decodeProblems[0]).toMatch(/not JSON/);
    const empty = zenlayerVm.decode(stop, answer(502, ''));
    expect(empty).toMatchObject({ format: 'empty', ok: false });
    expect(empty.decodeProblems).toHaveLength(1);
    const html = zenlayerVm.decode(stop, answer(500, '<html><body>Bad Gateway</body></html>', 'text/html'));
    expect(html).toMatchObject({ format: 'unparseable', ok: false, contentType: 'text/html' });
  });

  it('JSON that is no object is a decode problem; a 2xx is a success and a 4xx/5xx an error whatever else the body carries (DESIGN.md §3)', () => {
    const arr = zenlayerVm.decode(stop, answer(200, '[1,2]'));
    expect(arr).toMatchObject({ format: 'json', ok: false });
    expect(arr.decodeProblems[0]).toMatch(/not an object/);
    // A 200 without `response` is a success whose shape the spec judges (schema-valid), not an undecodable answer.
    const other = zenlayerVm.decode(stop, answer(200, '{"requestId":"x"}'));
    expect(other).toMatchObject({ ok: true, error: undefined, decodeProblems: [] });
    expect(other.schemaErrors.length).toBeGreaterThan(0);
    const withCode = zenlayerVm.decode(stop, answer(200, '{"requestId":"x","code":"SUCCESS","response":{"requestId":"x"}}'));
    expect(withCode).toMatchObject({ ok: true, error: undefined, decodeProblems: [] });
    expect(zenlayerVm.decode(stop, answer(200, '{"requestId":"x","code":0,"response":{"requestId":"x"}}'))).toMatchObject({ ok: true, error: undefined });
    const nullResponse = zenlayerVm.decode(stop, answer(403, '{"requestId":"x","code":"OPERATION_DENIED_INSTANCE_NOT_RUNNING","message":"m","response":null}'));
    expect(nullResponse).toMatchObject({ ok: false, error: { code: 'OPERATION_DENIED_INSTANCE_NOT_RUNNING' }, decodeProblems: [] });
    const wrongStatus = zenlayerVm.decode(stop, answer(500, '{"requestId":"x","response":{"requestId":"x"}}'));
    expect(wrongStatus).toMatchObject({ ok: false, error: undefined });
    expect(wrongStatus.decodeProblems[0]).toMatch(/HTTP 500 answer without an error code/);
  });

  it('reports schema violations and a status answer without dataSet; unreadable status entries are left out', () => {
    const bad = zenlayerVm.decode(stop, answer(404, '{"requestId":7,"code":"X"}'));
    expect(bad.error).toEqual({ code: 'X', message: '' });
    expect(bad.schemaErrors.length).toBeGreaterThan(0);
    const noData = zenlayerVm.decode(
      { operation: 'DescribeStatus', instanceIds: ['a'] },
      answer(200, '{"requestId":"x","response":{"requestId":"x","dataSet":[{"instanceStatus":"RUNNING"}]}}'),
    );
    expect(noData.ok).toBe(true);
    expect(noData.instances).toEqual([]);
    expect(noData.decodeProblems).toEqual([]);
    const missing = zenlayerVm.decode({ operation: 'DescribeStatus' }, answer(200, '{"requestId":"x","response":{}}'));
    expect(missing.decodeProblems).toEqual(['response.dataSet is missing or not an array']);
  });

  it('instance ids look like the vendor prefix, are stable per token and distinct across tokens', () => {
    expect(zenlayerVm.instanceId('a')).toMatch(/^vm-[0-9a-f]{16}$/);
    expect(zenlayerBmc.instanceId('a')).toMatch(/^bmc-[0-9a-f]{16}$/);
    expect(zenlayerVm.instanceId('a')).toBe(zenlayerVm.instanceId('a'));
    expect(zenlayerVm.instanceId('a')).not.toBe(zenlayerVm.instanceId('b'));
    expect(zenlayerVm.statusWords).toContain('DEPLOYING');
    expect(zenlayerBmc.statusWords).toContain('INSTALL_FAILED');
    expect(zenlayerBmc.statusWords).not.toContain('DEPLOYING');
  });
});
