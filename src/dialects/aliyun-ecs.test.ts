import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { verifyAcs3 } from '../signing/acs3.ts';
import { verifyRpc } from '../signing/aliyun-rpc.ts';
import { startCaptureServer, type CaptureServer, type CapturedRequest } from '../testing/capture-server.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { aliyunEcs } from './aliyun-ecs.ts';
import { callTarget, queryStatuses } from './client.ts';
import { toCurl } from './curl.ts';
import type { DialectContext, OperationCall, WireResponse } from './types.ts';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);
const lookup = (id: string): string | undefined =>
  id === TEST_CREDENTIALS.accessKeyId ? TEST_CREDENTIALS.accessKeySecret : undefined;
const stop: OperationCall = {
  operation: 'StopInstances',
  instanceIds: ['i-aaa', 'i-bbb'],
  params: { ForceStop: true, StoppedMode: 'KeepCharging', BatchOptimization: 'SuccessFirst', DryRun: false, Nope: null },
};
const answer = (status: number, bodyText: string, ct = 'application/json'): WireResponse => ({
  status,
  headers: { 'content-type': ct },
  bodyText,
});
const jsonAnswer = (status: number, body: unknown) => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** Params a server sees (query, plus form body for form posts), without the per-request signing values. */
function stableParams(r: CapturedRequest): [string, string][] {
  const pairs = [...new URLSearchParams(r.target.split('?')[1] ?? '')];
  if (r.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) pairs.push(...new URLSearchParams(r.body));
  return pairs.filter(([k]) => !['SignatureNonce', 'Signature'].includes(k));
}

const EXPECTED_STOP: [string, string][] = [
  ['Action', 'StopInstances'],
  ['Version', '2014-05-26'],
  ['RegionId', 'cn-hangzhou'],
  ['InstanceId.1', 'i-aaa'],
  ['InstanceId.2', 'i-bbb'],
  ['ForceStop', 'true'],
  ['StoppedMode', 'KeepCharging'],
  ['BatchOptimization', 'SuccessFirst'],
  ['DryRun', 'false'],
  ['Format', 'JSON'],
  ['AccessKeyId', TEST_CREDENTIALS.accessKeyId],
  ['SignatureMethod', 'HMAC-SHA1'],
  ['SignatureVersion', '1.0'],
  ['Timestamp', '2026-01-02T03:04:05Z'],
];

// The document's own examples (004:117-142 XML, 004:149-172 JSON).
const DOC_JSON = {
  RequestId: 'FF53E96D-3F1A-42F0-8373-1C2B39D72D44',
  InstanceResponses: {
    InstanceResponse: [
      { Message: 'success', InstanceId: 'i-bp67acfmxazb4p****', PreviousStatus: 'Running', CurrentStatus: 'Stopping', Code: '200' },
      { Message: 'The specified InstanceId does not exist.', InstanceId: 'i-TestID', PreviousStatus: '', CurrentStatus: '', Code: 'InvalidInstanceId.NotFound' },
    ],
  },
};
const DOC_XML = `<?xml version="1.0" encoding="UTF-8"?>
<StopInstancesResponse>
    <RequestId>FF53E96D-3F1A-42F0-8373-1C2B39D72D44</RequestId>
    <InstanceResponses>
        <InstanceResponse>
            <Message>success</Message>
            <InstanceId>i-bp67acfmxazb4p****</InstanceId>
            <PreviousStatus>Running</PreviousStatus>
            <CurrentStatus>Stopping</CurrentStatus>
            <Code>200</Code>
        </InstanceResponse>
        <InstanceResponse>
            <Message>The specified InstanceId does not exist.</Message>
            <InstanceId>i-TestID</InstanceId>
            <PreviousStatus/>
            <CurrentStatus/>
            <Code>InvalidInstanceId.NotFound</Code>
        </InstanceResponse>
    </InstanceResponses>
</StopInstancesResponse>`;
const EXPECTED_INSTANCES = [
  { instanceId: 'i-bp67acfmxazb4p****', code: '200', message: 'success', previousStatus: 'Running', status: 'Stopping' },
  { instanceId: 'i-TestID', code: 'InvalidInstanceId.NotFound', message: 'The specified InstanceId does not exist.', previousStatus: '', status: '' },
];
const XML_ERROR = `<?xml version="1.0" encoding="UTF-8"?>
<Error><RequestId>R9</RequestId><HostId>ecs.aliyuncs.com</HostId><Code>IncorrectInstanceStatus</Code><Message>The current status of the resource does not support this operation.</Message></Error>`;

let srv: CaptureServer;
let ctx: DialectContext;
beforeAll(async () => {
  srv = await startCaptureServer();
  ctx = { baseUrl: `${srv.baseUrl}/ali`, credentials: TEST_CREDENTIALS, now: () => NOW };
});
afterAll(async () => srv.close());

async function roundTrip(call: OperationCall, reply = jsonAnswer(200, DOC_JSON)) {
  srv.queue(reply);
  const n = srv.requests.length;
  const ex = await callTarget(aliyunEcs, call, ctx);
  expect(srv.requests).toHaveLength(n + 1);
  return { ex, got: srv.requests[n]! };
}

describe('aliyun-ecs wire round trips', () => {
  it('GET query: exact parameters, verifiable RPC signature, SuccessFirst per-instance results', async () => {
    const { ex, got } = await roundTrip(stop);
    expect(got.method).toBe('GET');
    expect(got.target.startsWith('/ali/?Action=StopInstances&')).toBe(true);
    expect(got.body).toBe('');
    expect(stableParams(got)).toEqual(EXPECTED_STOP);
    expect(verifyRpc(got, lookup)).toEqual({ ok: true, accessKeyId: TEST_CREDENTIALS.accessKeyId });
    expect(verifyRpc({ ...got, target: got.target.replace('ForceStop=true', 'ForceStop=false') }, lookup).ok).toBe(false);
    expect(ex.outcome).toMatchObject({ httpStatus: 200, format: 'json', ok: true, requestId: DOC_JSON.RequestId, error: undefined });
    expect(ex.outcome?.instances).toEqual(EXPECTED_INSTANCES);
    expect(ex.outcome?.schemaErrors).toEqual([]);
    expect(ex.outcome?.decodeProblems).toEqual([]);
  });

  it('form POST: same parameters in an x-www-form-urlencoded body, signature verifies', async () => {
    const { got } = await roundTrip({ ...stop, style: 'form-post' });
    expect(got.method).toBe('POST');
    expect(got.target).toBe('/ali/');
    expect(got.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(stableParams(got)).toEqual(EXPECTED_STOP);
    expect(verifyRpc(got, lookup).ok).toBe(true);
  });

  it('form POST with an exact raw body keeps the body and still signs what the server sees', async () => {
    const { got } = await roundTrip({ ...stop, style: 'form-post', rawBody: 'DryRun=maybe' });
    expect(got.body).toBe('DryRun=maybe');
    expect(verifyRpc(got, lookup).ok).toBe(true);
  });

  it('ACS3: action and version in headers, parameters in the query, Authorization verifies', async () => {
    const { ex, got } = await roundTrip({ ...stop, style: 'acs3' });
    expect(got.method).toBe('POST');
    expect(got.body).toBe('');
    expect(got.headers['x-acs-action']).toBe('StopInstances');
    expect(got.headers['x-acs-version']).toBe('2014-05-26');
    expect(got.headers['x-acs-date']).toBe('2026-01-02T03:04:05Z');
    expect(got.headers['authorization']).toMatch(/^ACS3-HMAC-SHA256 Credential=/);
    expect(stableParams(got)).toEqual(EXPECTED_STOP.slice(2, 10));
    expect(verifyAcs3(got, lookup)).toEqual({ ok: true, accessKeyId: TEST_CREDENTIALS.accessKeyId });
    expect(verifyAcs3({ ...got, headers: { ...got.headers, 'x-acs-action': 'StartInstances' } }, lookup).ok).toBe(false);
    expect(ex.outcome?.ok).toBe(true);
  });

  it('region: undefined -> ctx region or cn-hangzhou, null -> omitted; ids undefined -> omitted', async () => {
    const a = await roundTrip({ operation: 'StopInstances', instanceIds: ['i-a'] });
    expect(stableParams(a.got)).toContainEqual(['RegionId', 'cn-hangzhou']);
    srv.queue(jsonAnswer(200, DOC_JSON));
    const n = srv.requests.length;
    await callTarget(aliyunEcs, { operation: 'StopInstances', instanceIds: ['i-a'] }, { ...ctx, region: 'cn-shanghai' });
    expect(stableParams(srv.requests[n]!)).toContainEqual(['RegionId', 'cn-shanghai']);
    const b = await roundTrip({ operation: 'StopInstances', region: null });
    expect(stableParams(b.got).map(([k]) => k)).not.toContain('RegionId');
    expect(stableParams(b.got).some(([k]) => k.startsWith('InstanceId'))).toBe(false);
    expect(verifyRpc(b.got, lookup).ok).toBe(true);
  });

  it('extraQuery is sent and signed; Format=XML when asked', async () => {
    const { got } = await roundTrip({ ...stop, format: 'XML', extraQuery: [['InstanceId.1', 'i-dup'], ['Odd Name', "a*b'"]] });
    const params = stableParams(got);
    expect(params).toContainEqual(['Format', 'XML']);
    expect(params.filter(([k]) => k === 'InstanceId.1')).toEqual([['InstanceId.1', 'i-aaa'], ['InstanceId.1', 'i-dup']]);
    expect(params).toContainEqual(['Odd Name', "a*b'"]);
    expect(verifyRpc(got, lookup).ok).toBe(true);
  });

  it('error envelope (HTTP 403 JSON) decoded', async () => {
    const { ex } = await roundTrip(
      stop,
      jsonAnswer(403, { RequestId: 'R3', HostId: 'ecs.aliyuncs.com', Code: 'IncorrectInstanceStatus', Message: 'bad status' }),
    );
    expect(ex.outcome).toMatchObject({ httpStatus: 403, ok: false, requestId: 'R3', error: { code: 'IncorrectInstanceStatus', message: 'bad status' } });
    expect(ex.outcome?.schemaErrors).toEqual([]);
    expect(ex.outcome?.decodeProblems).toEqual([]);
  });

  it('XML success and XML error decoded and validated against the *Xml schemas', async () => {
    const ok = await roundTrip({ ...stop, format: 'XML' }, { status: 200, headers: { 'content-type': 'application/xml' }, body: DOC_XML });
    expect(ok.ex.outcome).toMatchObject({ format: 'xml', ok: true, requestId: 'FF53E96D-3F1A-42F0-8373-1C2B39D72D44' });
    expect(ok.ex.outcome?.instances).toEqual(EXPECTED_INSTANCES);
    expect(ok.ex.outcome?.body).toHaveProperty('StopInstancesResponse');
    expect(ok.ex.outcome?.schemaErrors).toEqual([]);
    expect(ok.ex.outcome?.decodeProblems).toEqual([]);
    const err = await roundTrip({ ...stop, format: 'XML' }, { status: 403, headers: { 'content-type': 'text/xml' }, body: XML_ERROR });
    expect(err.ex.outcome).toMatchObject({ format: 'xml', ok: false, requestId: 'R9', error: { code: 'IncorrectInstanceStatus' } });
    expect(err.ex.outcome?.schemaErrors).toEqual([]);
    expect(err.ex.outcome?.decodeProblems).toEqual([]);
  });

  it('status query: DescribeInstanceStatus paged by 50 with explicit PageSize, JSON and XML', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => aliyunEcs.instanceId(`s${i}`));
    const page = (slice: string[], n: number) =>
      jsonAnswer(200, {
        RequestId: 'R',
        TotalCount: slice.length,
        PageNumber: n,
        PageSize: 50,
        InstanceStatuses: { InstanceStatus: slice.map((id) => ({ InstanceId: id, Status: 'Running' })) },
      });
    srv.queue(page(ids.slice(0, 50), 1), page(ids.slice(50), 1));
    const n = srv.requests.length;
    const read = await queryStatuses(aliyunEcs, ids, ctx);
    expect(read.problem).toBeUndefined();
    expect(read.statuses.size).toBe(60);
    const sent = srv.requests.slice(n);
    expect(sent).toHaveLength(2);
    for (const r of sent) {
      expect(stableParams(r)).toContainEqual(['Action', 'DescribeInstanceStatus']);
      expect(stableParams(r)).toContainEqual(['PageSize', '50']);
      expect(verifyRpc(r, lookup).ok).toBe(true);
    }
    expect(stableParams(sent[1]!).filter(([k]) => k.startsWith('InstanceId.'))).toHaveLength(10);
    expect(read.exchanges[0]?.outcome?.schemaErrors).toEqual([]);

    const xml = `<DescribeInstanceStatusResponse><RequestId>R</RequestId><TotalCount>1</TotalCount><PageNumber>1</PageNumber><PageSize>50</PageSize><InstanceStatuses><InstanceStatus><InstanceId>i-x</InstanceId><Status>Stopped</Status></InstanceStatus></InstanceStatuses></DescribeInstanceStatusResponse>`;
    const out = aliyunEcs.decode({ operation: 'DescribeStatus', instanceIds: ['i-x'], format: 'XML' }, answer(200, xml, 'text/xml'));
    expect(out).toMatchObject({ format: 'xml', ok: true, instances: [{ instanceId: 'i-x', status: 'Stopped' }] });
    expect(out.schemaErrors).toEqual([]);
  });

  it('refuses a style it does not speak; toCurl carries no secret', () => {
    expect(() => aliyunEcs.encode({ ...stop, style: 'json' }, ctx)).toThrow(UsageError);
    for (const style of aliyunEcs.styles) {
      const line = toCurl(aliyunEcs.encode({ ...stop, style }, ctx));
      expect(line).toContain('StopInstances');
      expect(line).not.toContain(TEST_CREDENTIALS.accessKeySecret);
    }
  });
});

describe('aliyun-ecs decode of hostile or odd answers', () => {
  it('garbage, empty and HTML answers never throw', () => {
    const garbage = aliyunEcs.decode(stop, answer(200, '{"RequestId":'));
    expect(garbage).toMatchObject({ format: 'unparseable', ok: false });
    expect(garbage.decodeProblems[0]).toMatch(/not JSON/);
    expect(aliyunEcs.decode(stop, answer(200, '   '))).toMatchObject({ format: 'empty', ok: false });
    const brokenHtml = aliyunEcs.decode(stop, answer(502, '<html><body>Bad<br></body></html>', 'text/html'));
    expect(brokenHtml).toMatchObject({ format: 'unparseable', ok: false });
    expect(brokenHtml.decodeProblems[0]).toMatch(/not well-formed XML/);
    const html = aliyunEcs.decode(stop, answer(200, '<!DOCTYPE html><html><body>hi</body></html>', 'text/html'));
    expect(html).toMatchObject({ format: 'xml', ok: false });
    expect(html.decodeProblems[0]).toMatch(/<html>, expected <StopInstancesResponse> for HTTP 200/);
    const proto = aliyunEcs.decode(stop, answer(200, '<a><__proto__>1</__proto__></a>', 'text/xml'));
    expect(proto.format).toBe('unparseable');
  });

  it('JSON that is no envelope, or an error status without a Code, is a decode problem; a 2xx is a success whatever it carries (DESIGN.md §3)', () => {
    const arr = aliyunEcs.decode(stop, answer(200, '[]'));
    expect(arr.decodeProblems[0]).toMatch(/not an object/);
    const noCode = aliyunEcs.decode(stop, answer(500, '{"RequestId":"x"}'));
    expect(noCode.ok).toBe(false);
    expect(noCode.decodeProblems).toEqual(['HTTP 500 answer without an error code (Code)']);
    expect(noCode.schemaErrors.length).toBeGreaterThan(0);
    const badList = aliyunEcs.decode(stop, answer(200, '{"RequestId":"x","InstanceResponses":{"InstanceResponse":{}}}'));
    expect(badList.decodeProblems).toEqual(['InstanceResponses.InstanceResponse is not a list']);
    const noStatuses = aliyunEcs.decode({ operation: 'DescribeStatus' }, answer(200, '{"RequestId":"x"}'));
    expect(noStatuses.decodeProblems).toEqual(['InstanceStatuses is missing']);
    const jsonWithXmlType = aliyunEcs.decode(stop, answer(200, JSON.stringify(DOC_JSON), 'application/xml'));
    // The body is read for what it is; the content-type check judges the header against Format (004:112-147).
    expect(jsonWithXmlType).toMatchObject({ format: 'json', ok: true, decodeProblems: [] });
    const successWithCode = aliyunEcs.decode(stop, answer(200, JSON.stringify({ ...DOC_JSON, Code: 'Success', HostId: 'ecs.aliyuncs.com' })));
    expect(successWithCode).toMatchObject({ ok: true, error: undefined, decodeProblems: [] });
    const errorWithList = aliyunEcs.decode(stop, answer(404, JSON.stringify({ RequestId: 'r', Code: 'InvalidInstanceId.NotFound', Message: 'm', InstanceResponses: DOC_JSON.InstanceResponses })));
    expect(errorWithList).toMatchObject({ ok: false, error: { code: 'InvalidInstanceId.NotFound' }, decodeProblems: [] });
    const redirect = aliyunEcs.decode(stop, answer(302, '{"RequestId":"x"}'));
    expect(redirect).toMatchObject({ ok: false, error: undefined, decodeProblems: ['HTTP 302 is neither a success (2xx) nor an error (4xx/5xx)'] });
  });

  it('instance ids are i- plus lowercase alphanumerics, stable per token', () => {
    expect(aliyunEcs.instanceId('x')).toMatch(/^i-[a-z0-9]{18}$/);
    expect(aliyunEcs.instanceId('x')).toBe(aliyunEcs.instanceId('x'));
    expect(aliyunEcs.instanceId('x')).not.toBe(aliyunEcs.instanceId('y'));
    expect(aliyunEcs.lifecycle).toEqual({ running: 'Running', stopping: 'Stopping', stopped: 'Stopped' });
  });
});
