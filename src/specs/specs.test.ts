import { readFileSync } from 'node:fs';
import { createConfig, lint, lintFromString } from '@redocly/openapi-core';
import type { Config } from '@redocly/openapi-core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Protocol } from '../dialects/description.ts';
import { describeDialect } from '../dialects/descriptions/index.ts';
import { DIALECT_NAMES } from '../dialects/types.ts';
import type { DialectName } from '../dialects/types.ts';
import { checkDocRef, checkDocRefs, checkRefs, checkSchemasAndExamples, collectExamples, findSeedsDir } from './check.ts';
import { loadSpec, specPath } from './load.ts';
import { schemaValidator, type SchemaValidator } from './validator.ts';

const seedsDir = findSeedsDir();

describe('source documents', () => {
  it('ship with the package (specs/sources), so every docRef can be checked from a fresh clone', () => {
    expect(seedsDir).toBeDefined();
  });
});
const fresh = (d: DialectName): Record<string, unknown> => parse(readFileSync(specPath(d), 'utf8')) as Record<string, unknown>;

let config: Config;
beforeAll(async () => {
  config = await createConfig({ extends: ['recommended'] });
});

type Problem = Awaited<ReturnType<typeof lint>>[number];
const show = (p: Problem): string => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? '?'}`;

/** The pinned shape of the x-vmconform root extension. */
const EXTENSION_SCHEMA = {
  $defs: {
    ref: { type: 'string', minLength: 5 },
    testable: { anyOf: [{ const: true }, { type: 'string', minLength: 10 }] },
  },
  type: 'object',
  required: ['dialect', 'seed', 'errors', 'limits', 'states', 'transitions', 'resolutions', 'model'],
  additionalProperties: false,
  properties: {
    dialect: { enum: [...DIALECT_NAMES] },
    seed: { type: 'string', pattern: '^(\\d{3}_[0-9a-f]{16}\\.txt|[a-z][a-z0-9-]*\\.md)$' },
    errors: { type: 'array', minItems: 3, items: { type: 'object', additionalProperties: false, required: ['code', 'httpStatus', 'meaning', 'docRef', 'source', 'testable'],
      properties: { code: { type: 'string', minLength: 1 }, httpStatus: { type: 'integer', minimum: 200, maximum: 599 }, meaning: { type: 'string', minLength: 1 },
        docRef: { $ref: '#/$defs/ref' }, source: { enum: ['document', 'common', 'design'] }, testable: { $ref: '#/$defs/testable' } } } },
    limits: { type: 'array', minItems: 1, items: { type: 'object', additionalProperties: false, required: ['id', 'summary', 'value', 'docRef'],
      properties: { id: { type: 'string', pattern: '^[a-z0-9-]+$' }, summary: { type: 'string' }, value: { type: 'number' }, docRef: { $ref: '#/$defs/ref' }, testable: { $ref: '#/$defs/testable' } } } },
    states: { type: 'object', additionalProperties: false, required: ['running', 'stopping', 'stopped', 'stoppable', 'notStoppable', 'docRef'],
      properties: { running: { type: 'string' }, stopping: { type: 'string' }, stopped: { type: 'string' }, stoppable: { type: 'array', minItems: 1, items: { type: 'string' } },
        notStoppable: { type: 'array', minItems: 1, items: { type: 'object', additionalProperties: false, required: ['status', 'codes', 'httpStatus'],
          properties: { status: { type: 'string' }, codes: { type: 'array', minItems: 1, items: { type: 'string' } }, httpStatus: { type: 'integer' } } } },
        docRef: { $ref: '#/$defs/ref' } } },
    transitions: { type: 'array', minItems: 1, items: { type: 'object', additionalProperties: false, required: ['from', 'to', 'docRef'],
      properties: { from: { type: 'string' }, to: { type: 'string' }, docRef: { $ref: '#/$defs/ref' } } } },
    resolutions: { type: 'array', minItems: 1, items: { type: 'object', additionalProperties: false, required: ['id', 'summary', 'docRef'],
      properties: { id: { type: 'string', pattern: '^[a-z0-9-]+$' }, summary: { type: 'string', minLength: 1 }, docRef: { $ref: '#/$defs/ref' }, testable: { $ref: '#/$defs/testable' },
        judgedBy: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^(situation:[a-z-]+|error-answer|request-id|status-answer|answer)$' } } } } },
    model: { type: 'object', additionalProperties: false, required: ['summary', 'docRef', 'situations'],
      properties: {
        summary: { type: 'string', minLength: 10 },
        docRef: { $ref: '#/$defs/ref' },
        idPattern: { type: 'string', format: 'regex' },
        situations: { type: 'object', propertyNames: { enum: ['unknown-id', 'malformed-id', 'too-many-ids', 'missing-ids', 'empty-ids', 'empty-id', 'invalid-value', 'missing-region', 'rate-limited',
          'security-locked', 'dry-run-passed', 'unknown-action', 'unreadable', 'duplicate-ids', 'unknown-param', 'wrong-index', 'wrong-type', 'ineligible'] },
          additionalProperties: { type: 'object', additionalProperties: false, required: ['docRef'], anyOf: [{ required: ['codes'] }, { required: ['clientError'] }],
            properties: { codes: { type: 'array', minItems: 1, items: { type: 'string' } }, clientError: { const: true }, orIgnored: { const: true },
              httpStatus: { type: 'array', items: { type: 'integer' } }, docRef: { $ref: '#/$defs/ref' } } } },
        precedence: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['winner', 'over', 'docRef'],
          properties: { winner: { type: 'string' }, over: { type: 'array', items: { type: 'string' } }, docRef: { $ref: '#/$defs/ref' } } } },
        batchModes: { type: 'object', additionalProperties: false, required: ['param', 'default', 'perInstance', 'docRef'],
          properties: { param: { type: 'string' }, default: { type: 'string' }, perInstance: { type: 'string' }, docRef: { $ref: '#/$defs/ref' } } },
        burst: { type: 'object', additionalProperties: false, required: ['served', 'refused', 'docRef'],
          properties: { served: { type: 'integer', minimum: 1 }, refused: { type: 'integer', minimum: 2 }, docRef: { $ref: '#/$defs/ref' } } },
        eligibility: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['param', 'value', 'docRef'],
          properties: { param: { type: 'string' }, value: { type: 'string' }, docRef: { $ref: '#/$defs/ref' } } } },
        dryRun: { type: 'object', additionalProperties: false, required: ['param', 'docRef'],
          properties: { param: { type: 'string' }, alwaysPassesWith: { type: 'string' }, docRef: { $ref: '#/$defs/ref' } } },
      } },
  },
} as const;
const extensionValidator = new Ajv2020({ allErrors: true, validateFormats: false }).compile(EXTENSION_SCHEMA);

type Example = Record<string, unknown>;

/** The members DESIGN.md §3 lets each protocol's envelopes carry besides the documented ones, tried on the spec's examples. */
const OPEN_MEMBERS: Readonly<Record<Protocol, (v: SchemaValidator, ex: { stop?: Example; error?: Example; status?: Example }) => void>> = {
  tencent: (v, { stop, status }) => {
    const inner = (stop as { Response: Example }).Response;
    expect(v.validate('StopInstancesResponse', { Response: { ...inner, Error: null } })).toEqual([]);
    expect(v.validate('DescribeStatusResponse', { Response: { ...(status as { Response: Example }).Response, Error: null } })).toEqual([]);
  },
  aliyun: (v, { stop, error }) => {
    expect(v.validate('StopInstancesResponse', { ...stop, HostId: 'ecs.aliyuncs.com', Code: '200' })).toEqual([]);
    expect(v.validate('ErrorResponse', { ...error, InstanceResponses: { InstanceResponse: [] } })).toEqual([]);
    expect(v.validate('ErrorResponse', { ...error, InstanceResponses: null, Recommend: 7 })).toEqual([]);
  },
  zenlayer: (v, { stop, error }) => {
    expect(v.validate('StopInstancesResponse', { ...stop, code: 'SUCCESS' })).toEqual([]);
    expect(v.validate('StopInstancesResponse', { ...stop, code: 0, message: null })).toEqual([]);
    expect(v.validate('ErrorResponse', { ...error, response: null })).toEqual([]);
  },
  // aws-ec2.md:100, 202: extra elements anywhere, an Error with further members.
  ec2: (v, { stop, error }) => {
    const inner = (stop as { StopInstancesResponse: Example }).StopInstancesResponse;
    expect(v.validate('StopInstancesResponse', { StopInstancesResponse: { ...inner, return: 'true' } })).toEqual([]);
    const response = (error as { Response: Example }).Response;
    expect(v.validate('ErrorResponse', { Response: { ...response, ResponseMetadata: { Region: 'us-east-1' } } })).toEqual([]);
  },
};

const PINNED: Record<DialectName, string[]> = {
  'tencent-cvm-api2': ['StopInstancesResponse', 'DescribeStatusResponse', 'ErrorResponse'],
  'tencent-cvm-api3': ['StopInstancesResponse', 'DescribeStatusResponse', 'ErrorResponse', 'StopInstancesRequest', 'DescribeStatusRequest'],
  'zenlayer-vm': ['StopInstancesResponse', 'DescribeStatusResponse', 'ErrorResponse', 'StopInstancesRequest', 'DescribeStatusRequest'],
  'zenlayer-bmc': ['StopInstancesResponse', 'DescribeStatusResponse', 'ErrorResponse', 'StopInstancesRequest', 'DescribeStatusRequest'],
  'aliyun-ecs': ['StopInstancesResponse', 'DescribeStatusResponse', 'ErrorResponse', 'StopInstancesResponseXml', 'DescribeStatusResponseXml', 'ErrorResponseXml'],
  'aws-ec2': ['StopInstancesResponse', 'DescribeStatusResponse', 'ErrorResponse', 'DescribeInstancesResponse'],
};

describe.each(DIALECT_NAMES)('specs/%s.yaml', (dialect) => {
  const doc = loadSpec(dialect) as unknown as Record<string, unknown>;
  const schemas = (doc['components'] as { schemas: Record<string, { examples?: unknown[] }> }).schemas;

  it('is an OpenAPI 3.1.0 document with the 2020-12 JSON Schema dialect', () => {
    expect(doc['openapi']).toBe('3.1.0');
    expect(doc['jsonSchemaDialect']).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('passes @redocly/openapi-core lint (recommended ruleset) without any problem', async () => {
    const problems = await lint({ ref: specPath(dialect), config });
    expect(problems.map(show)).toEqual([]);
  });

  it('is self-contained: every $ref is local and resolves', () => {
    expect(checkRefs(doc)).toEqual([]);
  });

  it('defines the pinned schema names', () => {
    for (const name of PINNED[dialect]) expect(Object.keys(schemas), name).toContain(name);
  });

  it('compiles every schema in ajv 2020 and every example validates against its own schema', () => {
    expect(collectExamples(doc).length).toBeGreaterThanOrEqual(15);
    expect(checkSchemasAndExamples(doc)).toEqual([]);
  });

  it('keeps every response schema open (DESIGN.md §3): its examples with unknown fields at every object level still validate, paging fields may be absent', () => {
    const v = schemaValidator(dialect);
    const responseSchemas = PINNED[dialect].filter((n) => n.includes('Response'));
    const widen = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(widen).reverse();
      if (value === null || typeof value !== 'object') return value;
      const out: Record<string, unknown> = { vmconformExtra: { nested: [1, 'x'] } };
      for (const [k, inner] of Object.entries(value)) out[k] = widen(inner);
      return out;
    };
    const withoutPaging = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(withoutPaging);
      if (value === null || typeof value !== 'object') return value;
      return Object.fromEntries(
        Object.entries(value).filter(([k]) => !['TotalCount', 'totalCount', 'PageNumber', 'PageSize'].includes(k)).map(([k, inner]) => [k, withoutPaging(inner)]),
      );
    };
    const otherPaging = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(otherPaging);
      if (value === null || typeof value !== 'object') return value;
      return Object.fromEntries(
        Object.entries(value).map(([k, inner]) =>
          ['TotalCount', 'totalCount', 'PageNumber', 'PageSize'].includes(k) ? [k, typeof inner === 'string' ? '100000' : 100_000] : [k, otherPaging(inner)],
        ),
      );
    };
    for (const name of responseSchemas) {
      for (const example of schemas[name]?.examples ?? []) {
        // The XML forms keep their single root: extra elements go inside it.
        const open = name.endsWith('Xml')
          ? Object.fromEntries(Object.entries(example as Record<string, unknown>).map(([k, inner]) => [k, widen(inner)]))
          : widen(example);
        expect(v.validate(name, open), `${name} with extra fields`).toEqual([]);
        expect(v.validate(name, withoutPaging(example)), `${name} without paging fields`).toEqual([]);
        expect(v.validate(name, otherPaging(example)), `${name} with other paging values`).toEqual([]);
      }
    }
  });

  it('models every problem with codes of its own error table (seed-listed or pinned, never a common code)', () => {
    const ext = doc['x-vmconform'] as { errors: { code: string; source: string }[]; model: { situations: Record<string, { codes?: string[] }>; precedence?: { winner: string; over: string[] }[] } };
    const own = new Set(ext.errors.filter((e) => e.source !== 'common').map((e) => e.code));
    const named = [
      ...Object.values(ext.model.situations).flatMap((s) => s.codes ?? []),
      ...(ext.model.precedence ?? []).flatMap((p) => [p.winner, ...p.over]),
    ];
    for (const code of named) expect(own.has(code), code).toBe(true);
  });

  it("judges each resolution the judge reads by observations the judge makes: situations of the dialect's model, answers", () => {
    const ext = doc['x-vmconform'] as { model: { situations: Record<string, unknown> }; resolutions: { id: string; judgedBy?: string[]; testable?: unknown }[] };
    for (const r of ext.resolutions) {
      for (const o of r.judgedBy ?? []) {
        const situation = /^situation:(.+)$/.exec(o)?.[1];
        if (situation !== undefined) expect(situation === 'not-stoppable' || Object.hasOwn(ext.model.situations, situation), `${r.id}: ${o}`).toBe(true);
      }
      // A resolution no black box can judge is never judged by an observer either.
      if (r.judgedBy) expect(r.testable ?? true, r.id).toBe(true);
    }
  });

  it('has an x-vmconform extension of the pinned shape for this dialect', () => {
    const ext = doc['x-vmconform'];
    const ok = extensionValidator(ext);
    expect(extensionValidator.errors ?? [], JSON.stringify(extensionValidator.errors)).toEqual([]);
    expect(ok).toBe(true);
    expect((ext as { dialect: string }).dialect).toBe(dialect);
  });

  it('cites existing seed lines (or DESIGN.md sections) that contain the quoted text', () => {
    expect(checkDocRefs(doc, seedsDir as string)).toEqual([]);
  });

  it('tells success from error as DESIGN.md §3 pins it: tencent by Response.Error being an object, zenlayer and aliyun by the HTTP status alone', () => {
    const v = schemaValidator(dialect);
    const errorExamples = schemas['ErrorResponse']?.examples ?? [];
    const successExamples = [...(schemas['StopInstancesResponse']?.examples ?? []), ...(schemas['DescribeStatusResponse']?.examples ?? [])];
    expect(errorExamples.length).toBeGreaterThan(0);
    expect(successExamples.length).toBeGreaterThan(1);
    for (const e of errorExamples) {
      expect(v.validate('ErrorResponse', e)).toEqual([]);
      expect(v.validate('DescribeStatusResponse', e)).not.toEqual([]);
      // tencent: an object Response.Error makes any answer an error; zenlayer and aliyun: a 2xx is a success whatever it carries.
      if (describeDialect(dialect).errorsAsHttp200) expect(v.validate('StopInstancesResponse', e)).not.toEqual([]);
    }
    for (const s of successExamples) expect(v.validate('ErrorResponse', s)).not.toEqual([]);
  });

  it('keeps success, error and status envelopes open to the members DESIGN.md §3 names (and nulls of any unknown name)', () => {
    const v = schemaValidator(dialect);
    const [stop] = (schemas['StopInstancesResponse']?.examples ?? []) as Record<string, unknown>[];
    const [error] = (schemas['ErrorResponse']?.examples ?? []) as Record<string, unknown>[];
    const [status] = (schemas['DescribeStatusResponse']?.examples ?? []) as Record<string, unknown>[];
    const nulls = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(nulls);
      if (value === null || typeof value !== 'object') return value;
      return { vmconformNull: null, ...Object.fromEntries(Object.entries(value).map(([k, inner]) => [k, nulls(inner)])) };
    };
    for (const [name, example] of [['StopInstancesResponse', stop], ['ErrorResponse', error], ['DescribeStatusResponse', status]] as const) {
      expect(v.validate(name, nulls(example)), `${name} with null members`).toEqual([]);
    }
    OPEN_MEMBERS[describeDialect(dialect).protocol](v, { stop, error, status });
  });

  it('judges a status answer by its entries, ids and status words only (DESIGN.md §3: status answers)', () => {
    const v = schemaValidator(dialect);
    const [status] = (schemas['DescribeStatusResponse']?.examples ?? []) as Record<string, unknown>[];
    const strip = (value: unknown, keys: readonly string[]): unknown => {
      if (Array.isArray(value)) return value.map((x) => strip(x, keys));
      if (value === null || typeof value !== 'object') return value;
      return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)).map(([k, inner]) => [k, strip(inner, keys)]));
    };
    const set = (value: unknown, values: Record<string, unknown>): unknown => {
      if (Array.isArray(value)) return value.map((x) => set(x, values));
      if (value === null || typeof value !== 'object') return value;
      return Object.fromEntries(Object.entries(value).map(([k, inner]) => [k, k in values ? values[k] : set(inner, values)]));
    };
    const noRequestId = strip(status, ['RequestId', 'requestId']);
    expect(v.validate('DescribeStatusResponse', noRequestId), 'without any request id').toEqual([]);
    for (const paging of [{ TotalCount: '2', totalCount: '2', PageNumber: 0, PageSize: '10' }, { TotalCount: -1, totalCount: -1, PageNumber: null, PageSize: 1e9 }]) {
      expect(v.validate('DescribeStatusResponse', set(status, { ...paging, RequestId: 12, requestId: 12 })), JSON.stringify(paging)).toEqual([]);
    }
    // What it does read stays judged: an entry without its id, or with a status word the dialect does not have.
    expect(v.validate('DescribeStatusResponse', strip(status, ['InstanceId', 'instanceId']))).not.toEqual([]);
    expect(v.validate('DescribeStatusResponse', set(status, { InstanceState: 'HALTED', instanceStatus: 'HALTED', Status: 'HALTED', instanceState: { name: 'HALTED' } }))).not.toEqual([]);
  });
});

describe('spec content the cases rely on', () => {
  const ext = (d: DialectName) => (loadSpec(d) as unknown as { 'x-vmconform': { errors: { code: string; httpStatus: number; source: string }[]; limits: { id: string; value: number }[]; resolutions: { id: string }[]; states: { stoppable: string[]; notStoppable: { status: string; codes: string[] }[] } } })['x-vmconform'];
  const TENCENT_DOC = ['MissingParameter', 'InvalidInstanceId.NotFound', 'InvalidInstanceId.Malformed', 'InvalidParameterValue', 'InvalidParameterValue.LimitExceeded', 'InvalidInstance.NotSupported', 'InternalServerError'];

  it.each(['tencent-cvm-api2', 'tencent-cvm-api3'] as const)('%s lists the 7 documented codes, all as HTTP 200', (d) => {
    const docCodes = ext(d).errors.filter((e) => e.source === 'document');
    expect(docCodes.map((e) => e.code).sort()).toEqual([...TENCENT_DOC].sort());
    expect(ext(d).errors.every((e) => e.httpStatus === 200)).toBe(true);
  });

  it('tencent-cvm-api3 has the 10 requests/second limit and RequestLimitExceeded; api2 has neither', () => {
    expect(ext('tencent-cvm-api3').limits.find((l) => l.id === 'rate-per-second')?.value).toBe(10);
    expect(ext('tencent-cvm-api3').errors.map((e) => e.code)).toContain('RequestLimitExceeded');
    expect(ext('tencent-cvm-api3').errors.find((e) => e.code === 'RequestLimitExceeded')?.source).toBe('design');
    expect(ext('tencent-cvm-api2').limits.map((l) => l.id)).not.toContain('rate-per-second');
    expect(ext('tencent-cvm-api2').errors.map((e) => e.code)).not.toContain('RequestLimitExceeded');
  });

  it.each(['zenlayer-vm', 'zenlayer-bmc'] as const)('%s lists its 3 codes with their HTTP statuses and the recycle-bin precedence', (d) => {
    expect(ext(d).errors.filter((e) => e.source === 'document').map((e) => [e.code, e.httpStatus])).toEqual([
      ['INVALID_INSTANCE_NOT_FOUND', 404], ['OPERATION_DENIED_INSTANCE_RECYCLED', 403], ['OPERATION_DENIED_INSTANCE_NOT_RUNNING', 403]]);
    expect(ext(d).states.stoppable).toEqual(['RUNNING']);
    for (const s of ['RECYCLE', 'RECYCLING']) expect(ext(d).states.notStoppable.find((n) => n.status === s)?.codes).toEqual(['OPERATION_DENIED_INSTANCE_RECYCLED']);
    expect(ext(d).states.notStoppable.find((n) => n.status === 'STOPPED')?.codes).toEqual(['OPERATION_DENIED_INSTANCE_NOT_RUNNING']);
    expect(ext(d).resolutions.map((r) => r.id)).toContain('recycle-bin-precedence');
  });

  it('zenlayer-vm records the STOPPED/RUNNING contradiction with RUNNING winning', () => {
    expect(ext('zenlayer-vm').resolutions.map((r) => r.id)).toEqual(expect.arrayContaining(['vm-stoppable-running-wins', 'vm-note-says-stopped']));
  });

  it('aliyun-ecs lists all 10 rows of the document error table', () => {
    const rows = ext('aliyun-ecs').errors.filter((e) => e.source === 'document');
    expect(rows).toHaveLength(10);
    expect(rows.map((e) => `${e.httpStatus} ${e.code}`)).toEqual([
      '400 InvalidParameter.KMSKeyId.CMKNotEnabled', '400 DRYRUN.SUCCESS', '403 Abs.InvalidInstanceIds.MalFormed', '403 IncorrectInstanceStatus',
      '403 InsufficientBalance', '403 InstanceNotReady', '404 InvalidInstanceId.NotFound', '404 InvalidInstanceIds.NotFound',
      '404 InvalidInstanceId.NotFound', '500 InternalError']);
    expect(ext('aliyun-ecs').states.notStoppable.find((n) => n.status === 'Stopped')?.codes).toEqual(['IncorrectInstanceStatus']);
  });

  it('indexed id parameters use the right base and bounds', () => {
    const idxSchema = (d: DialectName, path: string, method: string, name: string): Record<string, unknown> => {
      const op = (loadSpec(d).paths as Record<string, Record<string, { parameters: { name: string; schema: Record<string, unknown> }[] }>>)[path]?.[method];
      const p = op?.parameters.find((x) => x.name === name);
      if (!p) throw new Error(`no ${name} on ${method} ${path}`);
      return p.schema;
    };
    const names = (schema: Record<string, unknown>) => new RegExp((schema['propertyNames'] as { pattern: string }).pattern);
    const api2 = names(idxSchema('tencent-cvm-api2', '/v2/index.php', 'get', 'InstanceIds.N'));
    expect([api2.test('InstanceIds.1'), api2.test('InstanceIds.100'), api2.test('InstanceIds.0'), api2.test('InstanceIds.101')]).toEqual([true, true, false, false]);
    const api3 = names(idxSchema('tencent-cvm-api3', '/', 'get', 'InstanceIds.N'));
    expect([api3.test('InstanceIds.0'), api3.test('InstanceIds.99'), api3.test('InstanceIds.100')]).toEqual([true, true, false]);
    const ali = names(idxSchema('aliyun-ecs', '/', 'get', 'InstanceId.N'));
    expect([ali.test('InstanceId.1'), ali.test('InstanceId.100'), ali.test('InstanceId.0'), ali.test('InstanceIds.1')]).toEqual([true, true, false, false]);
  });

  it('status queries reject a status word the dialect does not have', () => {
    expect(schemaValidator('tencent-cvm-api2').validate('DescribeStatusResponse', { Response: { TotalCount: 1, InstanceStatusSet: [{ InstanceId: 'ins-r8hr2upy', InstanceState: 'HALTED' }], RequestId: 'r' } })).not.toEqual([]);
    expect(schemaValidator('zenlayer-bmc').validate('DescribeStatusResponse', { requestId: 'r', response: { requestId: 'r', totalCount: 1, dataSet: [{ instanceId: 'a', instanceStatus: 'DEPLOYING' }] } })).not.toEqual([]);
    expect(schemaValidator('zenlayer-vm').validate('DescribeStatusResponse', { requestId: 'r', response: { requestId: 'r', totalCount: 1, dataSet: [{ instanceId: 'a', instanceStatus: 'DEPLOYING' }] } })).toEqual([]);
    expect(schemaValidator('aliyun-ecs').validate('DescribeStatusResponse', { RequestId: 'r', TotalCount: 1, PageNumber: 1, PageSize: 10, InstanceStatuses: { InstanceStatus: [{ InstanceId: 'i-a', Status: 'RUNNING' }] } })).not.toEqual([]);
  });
});

describe('common error codes (the codes the seeds only link to)', () => {
  type Row = { code: string; httpStatus: number; source: string; docRef: string; testable: true | string };
  const rows = (d: DialectName): Row[] => (loadSpec(d) as unknown as { 'x-vmconform': { errors: Row[] } })['x-vmconform'].errors;
  const COMMON_LINE: Record<DialectName, string> = {
    'tencent-cvm-api2': '000_89740aa573049d06.txt:33 ', 'tencent-cvm-api3': '002_40889c500b2228ae.txt:76 ',
    'zenlayer-vm': '001_531d5cb6841b9371.txt:69 ', 'zenlayer-bmc': '003_c37a545698f1730b.txt:67 ', 'aliyun-ecs': '004_edc2cde202d0f4dc.txt:188 ',
    // aws-ec2.md restates the common error page itself (its §7): every code is a document row, none is linked.
    'aws-ec2': 'aws-ec2.md:92 ',
  };
  const COMMON: Record<DialectName, string[]> = {
    'tencent-cvm-api2': ['200 InvalidParameter', '200 InvalidAction', '200 AuthFailure.SignatureFailure', '200 AuthFailure.SignatureExpire',
      '200 AuthFailure.SecretIdNotFound', '200 RequestSizeLimitExceeded'],
    'tencent-cvm-api3': ['200 InvalidAction', '200 AuthFailure.SignatureFailure', '200 AuthFailure.SignatureExpire',
      '200 AuthFailure.SecretIdNotFound', '200 RequestSizeLimitExceeded'],
    'zenlayer-vm': ['400 INVALID_PARAMETER', '400 MISSING_PARAMETER', '400 INVALID_PARAMETER_LIMIT_EXCEEDED', '400 INVALID_ACTION', '401 AUTH_FAILURE_SIGNATURE_FAILURE',
      '401 AUTH_FAILURE_SIGNATURE_EXPIRED', '401 AUTH_FAILURE_ACCESS_KEY_NOT_FOUND', '413 REQUEST_BODY_TOO_LARGE'],
    'zenlayer-bmc': ['400 INVALID_PARAMETER', '400 MISSING_PARAMETER', '400 INVALID_PARAMETER_LIMIT_EXCEEDED', '400 INVALID_ACTION', '401 AUTH_FAILURE_SIGNATURE_FAILURE',
      '401 AUTH_FAILURE_SIGNATURE_EXPIRED', '401 AUTH_FAILURE_ACCESS_KEY_NOT_FOUND', '413 REQUEST_BODY_TOO_LARGE'],
    'aliyun-ecs': ['400 MissingParameter', '400 InvalidParameter', '403 InstanceLockedForSecurity', '404 InvalidAction.NotFound', '400 InvalidVersion',
      '400 SignatureDoesNotMatch', '400 InvalidTimeStamp.Expired', '404 InvalidAccessKeyId.NotFound', '413 InvalidParameter'],
    'aws-ec2': [],
  };

  it.each(DIALECT_NAMES)('%s lists the common codes it relies on, each citing the seed line that links the common page', (d) => {
    const common = rows(d).filter((r) => r.source === 'common');
    expect(common.map((r) => `${r.httpStatus} ${r.code}`).sort()).toEqual([...COMMON[d]].sort());
    // Every common row cites the linking line (api3's RequestLimitExceeded is pinned by DESIGN.md §3: source design).
    for (const r of common) expect(r.docRef.startsWith(COMMON_LINE[d]), `${r.code}: ${r.docRef}`).toBe(true);
  });

  it.each(DIALECT_NAMES)('%s: auth and size-limit codes are not required by any case (testable is a reason)', (d) => {
    for (const r of rows(d).filter((x) => /^(AuthFailure|AUTH_FAILURE|Signature|InvalidTimeStamp|InvalidAccessKeyId|RequestSizeLimit|REQUEST_BODY)/.test(x.code) || x.httpStatus === 413)) {
      expect(typeof r.testable, r.code).toBe('string');
    }
  });

  it.each(DIALECT_NAMES)('%s declares every HTTP status of its error table on every operation', (d) => {
    const doc = loadSpec(d) as unknown as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const keys = Object.keys(op.responses);
        for (const r of rows(d)) {
          const status = String(r.httpStatus);
          expect(keys.includes(status) || keys.includes(`${status[0] ?? ''}XX`), `${method} ${path} ${r.code} ${status}`).toBe(true);
        }
      }
    }
  });
});

describe('the checks catch a broken spec', () => {
  it('lint reports a structurally broken document', async () => {
    const text = readFileSync(specPath('zenlayer-vm'), 'utf8').replace('openapi: 3.1.0', 'openapi: 3.1.0\nbogusRootField: 1').replace(/\n {6}responses:\n/, '\n      responsez:\n');
    const problems = await lintFromString({ source: text, absoluteRef: '/virtual/zenlayer-vm.yaml', config });
    expect(problems.filter((p) => p.severity === 'error').length).toBeGreaterThan(0);
  });

  it('an example that contradicts its schema is reported', () => {
    const doc = fresh('tencent-cvm-api2') as { components: { schemas: { StopInstancesResponse: { examples: unknown[] } } } };
    doc.components.schemas.StopInstancesResponse.examples = [{ Response: { RequestId: 42 } }];
    expect(checkSchemasAndExamples(doc).join('\n')).toMatch(/StopInstancesResponse\/examples\/0: \/Response\/RequestId: must be string/);
  });

  it('an XML example whose parsed form breaks its schema is reported', () => {
    const text = readFileSync(specPath('aliyun-ecs'), 'utf8').replace('<Code>IncorrectInstanceStatus</Code>', '<Kode>IncorrectInstanceStatus</Kode>');
    expect(checkSchemasAndExamples(parse(text)).join('\n')).toMatch(/\(parsed XML\)/);
  });

  it('a dangling or external $ref is reported', () => {
    const doc = fresh('zenlayer-bmc') as { components: { schemas: Record<string, unknown> } };
    doc.components.schemas['Extra'] = { anyOf: [{ $ref: '#/components/schemas/Missing' }, { $ref: 'other.yaml#/X' }] };
    expect(checkRefs(doc)).toHaveLength(2);
  });

  it('a docRef with a wrong line, file or quote is reported', () => {
    const dir = seedsDir as string;
    expect(checkDocRef('001_531d5cb6841b9371.txt:74 403 OPERATION_DENIED_INSTANCE_RECYCLED', dir)).toBeUndefined();
    expect(checkDocRef('001_531d5cb6841b9371.txt:73 403 OPERATION_DENIED_INSTANCE_RECYCLED', dir)).toMatch(/does not contain/);
    expect(checkDocRef('001_531d5cb6841b9371.txt:999 x', dir)).toMatch(/has no lines/);
    expect(checkDocRef('009_0000000000000000.txt:1 x', dir)).toMatch(/does not exist/);
    expect(checkDocRef('DESIGN.md §3 RUNNING wins', dir)).toBeUndefined();
    expect(checkDocRef('DESIGN.md §3 STOPPED wins', dir)).toMatch(/does not contain/);
    expect(checkDocRef('somewhere line 3', dir)).toMatch(/malformed/);
    // A docRef quotes what it cites; a schema source (x-vmconform-source) may leave the quote out.
    expect(checkDocRef('001_531d5cb6841b9371.txt:74', dir)).toMatch(/quotes nothing/);
    expect(checkDocRef('001_531d5cb6841b9371.txt:74', dir, { quoteRequired: false })).toBeUndefined();
    expect(checkDocRef('001_531d5cb6841b9371.txt:76', dir, { quoteRequired: false })).toMatch(/has no lines 76 \(it has 75\)/);
    // Joined references are each checked.
    expect(checkDocRef('001_531d5cb6841b9371.txt:74 403; DESIGN.md §3 STOPPED wins', dir)).toMatch(/^DESIGN.md §3 does not contain "STOPPED wins"$/);
    const doc = fresh('aliyun-ecs') as { 'x-vmconform': { errors: { docRef: string }[] } };
    const first = doc['x-vmconform'].errors[0];
    if (first) first.docRef = first.docRef.replace(':177 ', ':178 ');
    expect(checkDocRefs(doc, dir)).toHaveLength(1);
  });
});
