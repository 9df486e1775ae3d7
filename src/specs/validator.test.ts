import { describe, expect, it } from 'vitest';
import { describeDialect } from '../dialects/descriptions/index.ts';
import { DIALECT_NAMES } from '../dialects/types.ts';
import { VmconformError } from '../errors.ts';
import { schemaValidator } from './validator.ts';
import { parseAliyunXml } from './xml.ts';

describe('schemaValidator', () => {
  it('is cached per dialect', () => {
    expect(schemaValidator('zenlayer-vm')).toBe(schemaValidator('zenlayer-vm'));
    expect(schemaValidator('zenlayer-vm')).not.toBe(schemaValidator('zenlayer-bmc'));
  });

  it('returns [] for a valid answer and readable lines naming the source of each violated constraint', () => {
    const v = schemaValidator('tencent-cvm-api3');
    expect(v.validate('StopInstancesResponse', { Response: { RequestId: '6ef60bec-0242-43af-bb20-270359fb54a7' } })).toEqual([]);
    expect(v.validate('StopInstancesResponse', { Response: { RequestId: 7 } })).toEqual(['/Response/RequestId: must be string (002_40889c500b2228ae.txt:46)']);
    expect(v.validate('StopInstancesResponse', { Response: {} })).toEqual(["/Response: must have required property 'RequestId' (002_40889c500b2228ae.txt:46)"]);
    expect(schemaValidator('tencent-cvm-api2').validate('StopInstancesResponse', { Response: { RequestId: 7 } })).toEqual(['/Response/RequestId: must be string (000_89740aa573049d06.txt:28)']);
    expect(schemaValidator('zenlayer-vm').validate('ErrorResponse', { requestId: 'r', code: 'X' })).toEqual([
      `/: must have required property 'message' (DESIGN.md §2 HTTP 4xx/5xx \`{"requestId","code","message"}\`)`,
    ]);
    // DESIGN.md §3: responses are open; unknown fields anywhere (top level included) are legal.
    expect(v.validate('StopInstancesResponse', { Response: { RequestId: 'r', Extra: { a: 1 } }, Extra: 1 })).toEqual([]);
  });

  it('violations() gives the same problems as objects, with the whole source', () => {
    expect(schemaValidator('aliyun-ecs').violations('ErrorResponse', { RequestId: 1, HostId: 'h', Code: 'C', Message: 'm' })).toEqual([
      { path: '/RequestId', keyword: 'type', message: 'must be string', source: '004_edc2cde202d0f4dc.txt:68 RequestId String' },
    ]);
    expect(schemaValidator('aliyun-ecs').violations('ErrorResponse', { RequestId: 'r', HostId: 'h', Code: 'C', Message: 'm' })).toEqual([]);
  });

  it('a tencent success schema rejects a Response.Error object and takes "Error": null (DESIGN.md §3: what makes an answer an error)', () => {
    const body = { Response: { Error: { Code: 'InvalidInstanceId.NotFound', Message: 'no' }, RequestId: 'r' } };
    expect(schemaValidator('tencent-cvm-api2').validate('StopInstancesResponse', body)).toEqual([
      '/Response/Error: must not be an object (DESIGN.md §3 tencent: `Response.Error` is an object (`"Error": null` is none))',
    ]);
    expect(schemaValidator('tencent-cvm-api2').validate('ErrorResponse', body)).toEqual([]);
    for (const d of ['tencent-cvm-api2', 'tencent-cvm-api3'] as const) {
      expect(schemaValidator(d).validate('StopInstancesResponse', { Response: { RequestId: 'r', Error: null } })).toEqual([]);
      expect(schemaValidator(d).validate('ErrorResponse', { Response: { RequestId: 'r', Error: null } })).not.toEqual([]);
    }
  });

  it.each(DIALECT_NAMES)('%s: every violation of a response schema names its source, except anyOf summaries', (d) => {
    const v = schemaValidator(d);
    const hostile: unknown[] = [{}, { Response: {} }, { Response: { Error: 1, RequestId: 2, InstanceStatusSet: [{}] } }, { response: { dataSet: [{ instanceStatus: 'X' }] }, requestId: 1 },
      { RequestId: 1, InstanceResponses: { InstanceResponse: [{ Code: 1, PreviousStatus: 'Halted' }] }, InstanceStatuses: { InstanceStatus: [{ Status: 'X' }] } }];
    const names = ['StopInstancesResponse', 'DescribeStatusResponse', 'ErrorResponse', ...(describeDialect(d).xmlAnswers ? ['StopInstancesResponseXml', 'DescribeStatusResponseXml', 'ErrorResponseXml'] : [])];
    let seen = 0;
    for (const name of names) {
      for (const value of hostile) {
        for (const violation of v.violations(name, value)) {
          seen += 1;
          if (violation.keyword !== 'anyOf') expect(violation.source, `${name} ${violation.path} ${violation.message}`).toBeDefined();
        }
      }
    }
    expect(seen).toBeGreaterThan(10);
  });

  it('validates the pinned request bodies', () => {
    const v = schemaValidator('tencent-cvm-api3');
    expect(v.validate('StopInstancesRequest', { InstanceIds: ['ins-r8hr2upy'], StopType: 'HARD' })).toEqual([]);
    expect(v.validate('StopInstancesRequest', { InstanceIds: ['ins-r8hr2upy'], StopType: 'BRUTAL' })[0]).toMatch(/^\/StopType: must be equal to one of the allowed values: "SOFT_FIRST", "HARD", "SOFT"$/);
    expect(v.validate('StopInstancesRequest', { InstanceIds: Array.from({ length: 101 }, (_, i) => `ins-${String(i).padStart(8, '0')}`) })).toEqual(['/InstanceIds: must NOT have more than 100 items']);
    const z = schemaValidator('zenlayer-bmc');
    expect(z.validate('StopInstancesRequest', { instanceIds: ['a'] })).toEqual([]);
    expect(z.validate('StopInstancesRequest', { instanceIds: ['a'], forceShutdown: true })).toEqual(['/: must NOT have additional properties (forceShutdown)']);
    expect(schemaValidator('zenlayer-vm').validate('StopInstancesRequest', { instanceIds: ['a'], forceShutdown: true })).toEqual([]);
  });

  it('throws VmconformError for a schema name the spec does not have', () => {
    expect(() => schemaValidator('aliyun-ecs').validate('NoSuchSchema', {})).toThrow(VmconformError);
    expect(() => schemaValidator('tencent-cvm-api2').validate('StopInstancesRequest', {})).toThrow(/no schema components\.schemas\.StopInstancesRequest/);
    expect(() => schemaValidator('aliyun-ecs').validate('toString', {})).toThrow(VmconformError);
  });

  it.each(DIALECT_NAMES)('%s: hostile values give findings, never a crash', (d) => {
    const v = schemaValidator(d);
    for (const name of ['StopInstancesResponse', 'DescribeStatusResponse', 'ErrorResponse']) {
      for (const hostile of [null, undefined, 'text', 42, [], [{}], { __proto__: { a: 1 } }, {}]) {
        const problems = v.validate(name, hostile);
        expect(problems.length, `${name} ${JSON.stringify(hostile)}`).toBeGreaterThan(0);
        for (const p of problems) expect(p).toMatch(/^\/\S*: /);
      }
    }
  });
});

describe('aliyun XML answers parsed with the pinned fast-xml-parser options', () => {
  const v = schemaValidator('aliyun-ecs');
  const stopXml = `<?xml version="1.0" encoding="UTF-8"?>
<StopInstancesResponse>
    <RequestId>FF53E96D-3F1A-42F0-8373-1C2B39D72D44</RequestId>
    <InstanceResponses>
        <InstanceResponse>
            <Message>The specified InstanceId does not exist.</Message>
            <InstanceId>i-TestID</InstanceId>
            <PreviousStatus/>
            <CurrentStatus/>
            <Code>InvalidInstanceId.NotFound</Code>
        </InstanceResponse>
    </InstanceResponses>
</StopInstancesResponse>`;

  it('a StopInstances answer with one InstanceResponse (an array after parsing) validates', () => {
    const parsed = parseAliyunXml(stopXml);
    expect(parsed).toEqual({ '?xml': '', StopInstancesResponse: { RequestId: 'FF53E96D-3F1A-42F0-8373-1C2B39D72D44', InstanceResponses: { InstanceResponse: [
      { Message: 'The specified InstanceId does not exist.', InstanceId: 'i-TestID', PreviousStatus: '', CurrentStatus: '', Code: 'InvalidInstanceId.NotFound' }] } } });
    expect(v.validate('StopInstancesResponseXml', parsed)).toEqual([]);
    expect(v.validate('ErrorResponseXml', parsed)).not.toEqual([]);
  });

  it('an AllTogether success without InstanceResponses and an empty InstanceResponses validate', () => {
    expect(v.validate('StopInstancesResponseXml', parseAliyunXml('<StopInstancesResponse><RequestId>R</RequestId></StopInstancesResponse>'))).toEqual([]);
    expect(v.validate('StopInstancesResponseXml', parseAliyunXml('<StopInstancesResponse><RequestId>R</RequestId><InstanceResponses/></StopInstancesResponse>'))).toEqual([]);
  });

  it('the status query answer validates; only its ids and status words are judged (DESIGN.md §3: status answers)', () => {
    const parsed = parseAliyunXml(`<DescribeInstanceStatusResponse><RequestId>R</RequestId><TotalCount>1</TotalCount><PageNumber>1</PageNumber><PageSize>10</PageSize>
      <InstanceStatuses><InstanceStatus><InstanceId>i-abc</InstanceId><Status>Stopped</Status></InstanceStatus></InstanceStatuses></DescribeInstanceStatusResponse>`);
    expect(v.validate('DescribeStatusResponseXml', parsed)).toEqual([]);
    const paging = parseAliyunXml('<DescribeInstanceStatusResponse><TotalCount>one</TotalCount><PageNumber>0</PageNumber><PageSize>-1</PageSize><InstanceStatuses/></DescribeInstanceStatusResponse>');
    expect(v.validate('DescribeStatusResponseXml', paging)).toEqual([]);
    const bad = parseAliyunXml('<DescribeInstanceStatusResponse><RequestId>R</RequestId><InstanceStatuses><InstanceStatus><InstanceId>i-abc</InstanceId><Status>Halted</Status></InstanceStatus></InstanceStatuses></DescribeInstanceStatusResponse>');
    expect(v.validate('DescribeStatusResponseXml', bad)).toEqual([
      '/DescribeInstanceStatusResponse/InstanceStatuses: must be equal to constant: "" (004_edc2cde202d0f4dc.txt:137; 004_edc2cde202d0f4dc.txt:167)',
      '/DescribeInstanceStatusResponse/InstanceStatuses/InstanceStatus/0/Status: must be equal to one of the allowed values: "Pending", "Running", "Starting", "Stopping", "Stopped" (DESIGN.md §2 Pending, Running, Starting, Stopping, Stopped)',
      '/DescribeInstanceStatusResponse/InstanceStatuses: must match a schema in anyOf',
    ]);
  });

  it('the error answer validates as ErrorResponseXml and not as a success', () => {
    const parsed = parseAliyunXml('<Error><RequestId>R</RequestId><HostId>ecs.aliyuncs.com</HostId><Code>IncorrectInstanceStatus</Code><Message>m</Message></Error>');
    expect(v.validate('ErrorResponseXml', parsed)).toEqual([]);
    expect(v.validate('StopInstancesResponseXml', parsed)).not.toEqual([]);
  });

  it('a JSON-style body is rejected; extra elements are legal (DESIGN.md §3: responses are open)', () => {
    expect(v.validate('ErrorResponseXml', parseAliyunXml('<Error><RequestId>R</RequestId><HostId>h</HostId><Code>C</Code><Message>m</Message><Recommend>x</Recommend><Extra>1</Extra></Error>'))).toEqual([]);
    expect(v.validate('ErrorResponseXml', parseAliyunXml('<?xml version="1.0"?><Error><RequestId>R</RequestId><HostId>h</HostId><Code>C</Code><Message>m</Message><InstanceResponses/></Error>'))).toEqual([]);
    expect(v.validate('StopInstancesResponseXml', parseAliyunXml('<?xml version="1.0"?><StopInstancesResponse><RequestId>R</RequestId><HostId>h</HostId><Code>200</Code></StopInstancesResponse><!-- x -->'))).toEqual([]);
    expect(v.validate('ErrorResponseXml', { RequestId: 'R', HostId: 'h', Code: 'C', Message: 'm' })).not.toEqual([]);
    expect(parseAliyunXml('<<<not xml')).toBeUndefined();
  });
});
