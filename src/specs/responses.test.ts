import { describe, expect, it } from 'vitest';
import { checkDeclaredAnswer, checkErrorCode, declaredResponse, errorRows } from './responses.ts';

const json = (body: unknown) => ({ contentType: 'application/json; charset=utf-8', bodyText: JSON.stringify(body) });
const zlError = (code: string) => json({ requestId: 'r', code, message: 'm' });

describe('declaredResponse', () => {
  it('finds exact codes, NXX ranges and nothing else', () => {
    expect(declaredResponse('zenlayer-vm', 'POST', '/api/v2/vm', 413)?.key).toBe('413');
    expect(declaredResponse('zenlayer-vm', 'post', '/api/v2/vm', 401)?.key).toBe('401');
    expect(declaredResponse('zenlayer-vm', 'POST', '/api/v2/vm', 503)?.key).toBe('5XX');
    expect(declaredResponse('zenlayer-vm', 'POST', '/api/v2/vm', 429)).toBeUndefined();
    expect(declaredResponse('zenlayer-vm', 'GET', '/api/v2/vm', 200)).toBeUndefined();
    expect(declaredResponse('zenlayer-vm', 'POST', '/api/v2/bmc', 200)).toBeUndefined();
    expect(declaredResponse('tencent-cvm-api3', 'POST', '/', 400)?.mediaTypes).toEqual([]);
    expect(declaredResponse('aliyun-ecs', 'GET', '/', 413)?.mediaTypes).toEqual(['application/json', 'application/xml']);
    expect(declaredResponse('aliyun-ecs', 'POST', '/', 413)?.key).toBe('413');
  });
});

describe('checkDeclaredAnswer', () => {
  it('accepts a declared status with a body that fits the declared schema', () => {
    expect(checkDeclaredAnswer('zenlayer-bmc', { method: 'POST', path: '/api/v2/bmc', status: 413, ...zlError('REQUEST_BODY_TOO_LARGE') })).toEqual([]);
    expect(checkDeclaredAnswer('tencent-cvm-api2', { method: 'GET', path: '/v2/index.php', status: 200, ...json({ Response: { RequestId: 'r' } }) })).toEqual([]);
    const xml = '<?xml version="1.0"?><Error><RequestId>r</RequestId><HostId>h</HostId><Code>InvalidParameter</Code><Message>m</Message></Error>';
    expect(checkDeclaredAnswer('aliyun-ecs', { method: 'GET', path: '/', status: 413, contentType: 'application/xml;charset=utf-8', bodyText: xml })).toEqual([]);
  });

  it('reports an undeclared status, operation or media type', () => {
    expect(checkDeclaredAnswer('zenlayer-vm', { method: 'POST', path: '/api/v2/vm', status: 429, ...zlError('X') })[0]).toMatch(/declares no such response/);
    expect(checkDeclaredAnswer('tencent-cvm-api2', { method: 'POST', path: '/v2/index.php', status: 200, ...json({ Response: { RequestId: 'r' } }) })[0]).toMatch(/declares no such response/);
    expect(checkDeclaredAnswer('aliyun-ecs', { method: 'GET', path: '/', status: 404, contentType: 'text/html', bodyText: '<h1>no</h1>' })[0]).toMatch(/declares application\/json, application\/xml, not "text\/html" \(004_edc2cde202d0f4dc.txt:183-185; /);
    expect(checkDeclaredAnswer('tencent-cvm-api3', { method: 'POST', path: '/', status: 400, ...json({ error: 'x' }) })[0]).toMatch(/declares no body/);
  });

  it('judges a Content-Type only where a seed states one (aliyun, 004:112-147; DESIGN.md §3)', () => {
    const body = JSON.stringify({ requestId: 'r', response: { requestId: 'r' } });
    for (const contentType of ['text/json', 'text/plain; charset=gbk', '']) {
      expect(checkDeclaredAnswer('zenlayer-vm', { method: 'POST', path: '/api/v2/vm', status: 200, contentType, bodyText: body }), contentType).toEqual([]);
      expect(checkDeclaredAnswer('tencent-cvm-api3', { method: 'POST', path: '/', status: 200, contentType, bodyText: JSON.stringify({ Response: { RequestId: 'r' } }) }), contentType).toEqual([]);
    }
    expect(declaredResponse('zenlayer-bmc', 'POST', '/api/v2/bmc', 200)).toMatchObject({ contentTypeJudged: false, source: expect.stringContaining('DESIGN.md §2') });
    expect(declaredResponse('aliyun-ecs', 'GET', '/', 200)).toMatchObject({ contentTypeJudged: true, source: expect.stringContaining('004_edc2cde202d0f4dc.txt:112-115') });
    expect(checkDeclaredAnswer('zenlayer-vm', { method: 'POST', path: '/api/v2/vm', status: 404, contentType: 'text/html', bodyText: '<h1>no</h1>' })[0]).toMatch(/the body is not JSON/);
    // aliyun: judged for StopInstances answers; a status answer is read as what it is, JSON or XML, whatever it says.
    const stopJson = JSON.stringify({ RequestId: 'r' });
    expect(checkDeclaredAnswer('aliyun-ecs', { method: 'GET', path: '/', status: 200, contentType: 'text/plain', bodyText: stopJson })[0]).toMatch(/declares application\/json, application\/xml, not "text\/plain"/);
    const statusXml = '<DescribeInstanceStatusResponse><InstanceStatuses><InstanceStatus><InstanceId>i-a</InstanceId><Status>Running</Status></InstanceStatus></InstanceStatuses></DescribeInstanceStatusResponse>';
    expect(checkDeclaredAnswer('aliyun-ecs', { method: 'GET', path: '/', status: 200, contentType: 'application/json', bodyText: statusXml, statusQuery: true })).toEqual([]);
    expect(checkDeclaredAnswer('aliyun-ecs', { method: 'GET', path: '/', status: 200, contentType: 'text/xml', bodyText: JSON.stringify({ InstanceStatuses: { InstanceStatus: [] } }), statusQuery: true })).toEqual([]);
  });

  it('reports a body that breaks the declared schema, JSON or XML, naming the source of the constraint', () => {
    expect(checkDeclaredAnswer('zenlayer-vm', { method: 'POST', path: '/api/v2/vm', status: 403, ...json({ requestId: 'r', message: 'm' }) })).toEqual([
      "POST /api/v2/vm -> 403 (response 403): /: must have required property 'code' (DESIGN.md §2 HTTP 4xx/5xx `{\"requestId\",\"code\",\"message\"}`)",
    ]);
    expect(checkDeclaredAnswer('zenlayer-vm', { method: 'POST', path: '/api/v2/vm', status: 200, contentType: 'application/json', bodyText: '{' })[0]).toMatch(/not JSON/);
    const xml = '<Error><Kode>X</Kode></Error>';
    expect(checkDeclaredAnswer('aliyun-ecs', { method: 'GET', path: '/', status: 403, contentType: 'application/xml', bodyText: xml })).not.toEqual([]);
  });
});

describe('error table lookups', () => {
  it('knows each code with its HTTP status', () => {
    expect(checkErrorCode('aliyun-ecs', 'InvalidAction.NotFound', 404)).toBeUndefined();
    expect(checkErrorCode('aliyun-ecs', 'InvalidParameter', 413)).toBeUndefined();
    expect(checkErrorCode('aliyun-ecs', 'InvalidParameter', 400)).toBeUndefined();
    expect(checkErrorCode('aliyun-ecs', 'InvalidAction.NotFound', 400)).toMatch(/with HTTP 404, not 400/);
    expect(checkErrorCode('zenlayer-vm', 'NO_SUCH_CODE', 400)).toMatch(/not in the zenlayer-vm error table/);
    expect(errorRows('tencent-cvm-api2', 'RequestSizeLimitExceeded').map((r) => [r.httpStatus, r.source])).toEqual([[200, 'common']]);
  });
});
