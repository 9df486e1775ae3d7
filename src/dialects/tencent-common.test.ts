import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { TENCENT_STATUS_WORDS, tencentQueryGet } from './descriptions/tencent.ts';
import {
  decodeTencent,
  joinBase,
  tencentInstanceId,
  tencentQueryParams,
  tencentQueryValue,
  tencentRegion,
} from './tencent-common.ts';
import type { OperationCall, WireResponse } from './types.ts';

const stop: OperationCall = { operation: 'StopInstances', instanceIds: ['ins-ab12cd34'] };
const status: OperationCall = { operation: 'DescribeStatus', instanceIds: ['ins-ab12cd34', 'ins-ef56gh78'] };
const json = (body: unknown, status = 200): WireResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  bodyText: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('tencent ids, regions and values', () => {
  it('derives valid, deterministic, distinct instance ids from tokens', () => {
    const ids = ['a', 'b', 'case-1/x', '', 'ünï'].map(tencentInstanceId);
    for (const id of ids) expect(id).toMatch(/^ins-[a-z0-9]{8}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(tencentInstanceId('case-1/x')).toBe(ids[2]);
  });

  it('picks the region from the call, the context, or ap-guangzhou; null omits it', () => {
    const ctx = { baseUrl: 'http://127.0.0.1:1', credentials: { accessKeyId: 'a', accessKeySecret: 'b' } };
    expect(tencentRegion({ ...stop, region: 'ap-beijing' }, { ...ctx, region: 'ap-shanghai' })).toBe('ap-beijing');
    expect(tencentRegion(stop, { ...ctx, region: 'ap-shanghai' })).toBe('ap-shanghai');
    expect(tencentRegion(stop, ctx)).toBe('ap-guangzhou');
    expect(tencentRegion({ ...stop, region: null }, { ...ctx, region: 'ap-shanghai' })).toBeUndefined();
  });

  it('writes query booleans as TRUE/FALSE and passes strings through', () => {
    expect(tencentQueryValue(true)).toBe('TRUE');
    expect(tencentQueryValue(false)).toBe('FALSE');
    expect(tencentQueryValue('maybe')).toBe('maybe');
    expect(tencentQueryValue(7)).toBe('7');
  });

  it('builds API parameters with 0- or 1-based ids, paging, and params without nulls', () => {
    const ctx = { baseUrl: 'http://127.0.0.1:1', credentials: { accessKeyId: 'a', accessKeySecret: 'b' } };
    expect(
      tencentQueryParams({ ...status, pageSize: 100, page: 0, params: { X: null, Y: 'y' } }, ctx, tencentQueryGet(0)),
    ).toEqual([
      ['Action', 'DescribeInstancesStatus'],
      ['Version', '2017-03-12'],
      ['Region', 'ap-guangzhou'],
      ['InstanceIds.0', 'ins-ab12cd34'],
      ['InstanceIds.1', 'ins-ef56gh78'],
      ['Limit', '100'],
      ['Offset', '0'],
      ['Y', 'y'],
    ]);
    expect(tencentQueryParams({ operation: 'StopInstances', region: null }, ctx, tencentQueryGet(1))).toEqual([
      ['Action', 'StopInstances'],
      ['Version', '2017-03-12'],
    ]);
  });

  it('joins base URLs with path prefixes and refuses non-http bases with a UsageError', () => {
    expect(joinBase('http://127.0.0.1:9000', '/v2/index.php').href).toBe('http://127.0.0.1:9000/v2/index.php');
    expect(joinBase('http://127.0.0.1:9000/tencent-cvm-api2/', '/v2/index.php').href).toBe(
      'http://127.0.0.1:9000/tencent-cvm-api2/v2/index.php',
    );
    expect(joinBase('http://127.0.0.1:9000/p?x=1', '/').href).toBe('http://127.0.0.1:9000/p/');
    expect(() => joinBase('not a url', '/')).toThrow(UsageError);
    expect(() => joinBase('ftp://127.0.0.1/', '/')).toThrow(UsageError);
  });

  it('lists the documented status words', () => {
    expect(TENCENT_STATUS_WORDS).toContain('RUNNING');
    expect(TENCENT_STATUS_WORDS).toContain('STOPPING');
    expect(TENCENT_STATUS_WORDS).toContain('STOPPED');
    expect(TENCENT_STATUS_WORDS).toHaveLength(9);
  });
});

describe('decodeTencent', () => {
  for (const dialect of ['tencent-cvm-api2', 'tencent-cvm-api3'] as const) {
    describe(dialect, () => {
      it('decodes the success envelope', () => {
        const o = decodeTencent(dialect, stop, json({ Response: { RequestId: '6EF60BEC-0242-43AF-BB20-270359FB54A7' } }));
        expect(o).toMatchObject({
          httpStatus: 200,
          contentType: 'application/json',
          format: 'json',
          ok: true,
          requestId: '6EF60BEC-0242-43AF-BB20-270359FB54A7',
          error: undefined,
          instances: undefined,
          decodeProblems: [],
          schemaErrors: [],
        });
      });

      it('decodes the error envelope whatever the HTTP status', () => {
        for (const code of [200, 400, 500]) {
          const o = decodeTencent(
            dialect,
            stop,
            json({ Response: { Error: { Code: 'InvalidInstanceId.NotFound', Message: 'no such' }, RequestId: 'r1' } }, code),
          );
          expect(o).toMatchObject({
            httpStatus: code,
            ok: false,
            requestId: 'r1',
            error: { code: 'InvalidInstanceId.NotFound', message: 'no such' },
            decodeProblems: [],
            schemaErrors: [],
          });
        }
      });

      it('reports a malformed error object and schema violations', () => {
        const o = decodeTencent(dialect, stop, json({ Response: { Error: { Code: 5 } } }));
        expect(o.ok).toBe(false);
        expect(o.error).toEqual({ code: '', message: '' });
        expect(o.decodeProblems).toEqual(['Response.Error.Code is not a string', 'Response.Error.Message is not a string']);
        expect(o.schemaErrors.length).toBeGreaterThan(0);
      });

      it('is not ok on a success envelope with a non-200 status, and flags a missing RequestId by schema', () => {
        expect(decodeTencent(dialect, stop, json({ Response: { RequestId: 'r' } }, 503)).ok).toBe(false);
        const o = decodeTencent(dialect, stop, json({ Response: {} }));
        expect(o.requestId).toBeUndefined();
        expect(o.schemaErrors.length).toBeGreaterThan(0);
      });

      it('decodes status query entries and the total count', () => {
        const o = decodeTencent(
          dialect,
          status,
          json({
            Response: {
              TotalCount: 2,
              InstanceStatusSet: [
                { InstanceId: 'ins-ab12cd34', InstanceState: 'STOPPING' },
                { InstanceId: 'ins-ef56gh78', InstanceState: 'RUNNING' },
              ],
              RequestId: 'r2',
            },
          }),
        );
        expect(o).toMatchObject({ ok: true, requestId: 'r2', decodeProblems: [], schemaErrors: [] });
        expect(o.instances).toEqual([
          { instanceId: 'ins-ab12cd34', status: 'STOPPING' },
          { instanceId: 'ins-ef56gh78', status: 'RUNNING' },
        ]);
      });

      it('reads ids and status words only: unreadable entries are left out, paging fields ignored (DESIGN.md §3)', () => {
        const o = decodeTencent(
          dialect,
          status,
          json({ Response: { TotalCount: 'x', InstanceStatusSet: [{ InstanceId: 'ins-ab12cd34' }, 7], RequestId: 'r' } }),
        );
        expect(o.instances).toEqual([{ instanceId: 'ins-ab12cd34' }]);
        expect(o.decodeProblems).toEqual([]);
        const missing = decodeTencent(dialect, status, json({ Response: { RequestId: 'r' } }));
        expect(missing.decodeProblems).toEqual(['Response.InstanceStatusSet is not an array']);
        expect(missing.instances).toBeUndefined();
      });

      it('never throws on garbage, empty, HTML, or JSON that is not the envelope', () => {
        const bodies: [WireResponse, string, RegExp][] = [
          [{ status: 200, headers: {}, bodyText: '' }, 'empty', /empty body/],
          [{ status: 204, headers: {}, bodyText: '  \n' }, 'empty', /empty body/],
          [{ status: 502, headers: { 'content-type': 'text/html' }, bodyText: '<html><body>Bad Gateway</body></html>' }, 'unparseable', /not JSON \(content-type text\/html\): "<html>/],
          [{ status: 200, headers: {}, bodyText: '{"Response": {' }, 'unparseable', /not JSON/],
          [{ status: 200, headers: {}, bodyText: '\u0000\u00ff'.repeat(500) }, 'unparseable', /not JSON/],
          [json({ requestId: 'x', code: 'E' }), 'json', /no Response object/],
          [json([1, 2]), 'json', /not an object with a Response object/],
          [json('null'), 'json', /not an object with a Response object/],
          [json({ Response: 'x' }), 'json', /no Response object/],
        ];
        for (const [res, format, problem] of bodies) {
          for (const call of [stop, status]) {
            const o = decodeTencent(dialect, call, res);
            expect(o.format).toBe(format);
            expect(o.ok).toBe(false);
            expect(o.httpStatus).toBe(res.status);
            expect(o.decodeProblems.join('\n')).toMatch(problem);
            if (format === 'json') expect(o.schemaErrors.length).toBeGreaterThan(0);
            else expect(o.body).toBeUndefined();
          }
        }
      });
    });
  }
});
