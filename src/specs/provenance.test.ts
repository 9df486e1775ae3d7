import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DIALECT_NAMES } from '../dialects/types.ts';
import type { DialectName } from '../dialects/types.ts';
import { findSeedsDir } from './check.ts';
import { loadSpec, specPath } from './load.ts';
import { CONSTRAINT_KEYWORDS, RESPONSE_KEYWORD, checkProvenance, formatProvenance, responseConstraints, sourceOfAjvError } from './provenance.ts';

const seedsDir = findSeedsDir() as string;
type Json = Record<string, unknown>;
/** A fresh, mutable copy of a shipped spec (the broken copies below never touch the shipped one). */
const fresh = (d: DialectName): Json => parse(readFileSync(specPath(d), 'utf8')) as Json;
const at = (doc: Json, ...keys: string[]): Json => keys.reduce<Json>((node, key) => node[key] as Json, doc);

describe.each(DIALECT_NAMES)('provenance of specs/%s.yaml', (dialect) => {
  const doc = loadSpec(dialect) as unknown as Json;
  const constraints = responseConstraints(doc);

  it('names a source for every constraint its response schemas put on an answer, and every cited line exists', () => {
    expect(checkProvenance(doc, seedsDir)).toEqual([]);
    expect(constraints.filter((c) => c.source === undefined)).toEqual([]);
  });

  it('closes no object anywhere an answer is validated (DESIGN.md §3: responses are open)', () => {
    expect(constraints.filter((c) => c.closed)).toEqual([]);
  });

  it('lists every declared response with the source of its status and media types, and reaches the schemas behind them', () => {
    const paths = doc['paths'] as Record<string, Record<string, { responses: Json }>>;
    const declared = Object.values(paths).flatMap((item) => Object.values(item).flatMap((op) => Object.keys(op.responses)));
    expect(constraints.filter((c) => c.keyword === RESPONSE_KEYWORD)).toHaveLength(declared.length);
    const pointers = new Set(constraints.map((c) => c.pointer));
    for (const name of ['StopInstancesResponse', 'DescribeStatusResponse', 'ErrorResponse']) expect(pointers.has(`/components/schemas/${name}`), name).toBe(true);
    // Request schemas are not answers: none of their constraints is listed.
    expect([...pointers].some((p) => p.includes('Request/') || p.endsWith('Request'))).toBe(false);
    expect(formatProvenance(dialect)).toContain('| `/components/schemas/ErrorResponse` | required |');
  });
});

describe('the provenance check fails on a broken spec', () => {
  const problemsOf = (doc: Json): string => checkProvenance(doc, seedsDir).join('\n');

  it('a constraint without a source', () => {
    const doc = fresh('tencent-cvm-api3');
    delete at(doc, 'components', 'schemas', 'StopInstancesResponse', 'properties', 'Response', 'properties', 'RequestId')['x-vmconform-source'];
    expect(problemsOf(doc)).toBe('/components/schemas/StopInstancesResponse/properties/Response/properties/RequestId: type has no x-vmconform-source');
  });

  it('a new constraint deep inside an XML contentSchema, an anyOf branch and an array item', () => {
    const doc = fresh('aliyun-ecs');
    const branch = at(doc, 'components', 'schemas', 'StopInstancesResponseXml', 'properties', 'StopInstancesResponse', 'properties', 'InstanceResponses', 'anyOf', '1');
    at(branch, 'properties')['Extra'] = { items: { minLength: 1 } };
    const problems = problemsOf(doc);
    expect(problems).toBe('/components/schemas/StopInstancesResponseXml/properties/StopInstancesResponse/properties/InstanceResponses/anyOf/1/properties/Extra/items: minLength has no x-vmconform-source');
  });

  it('a per-keyword source that misses a keyword, or names one the schema does not have', () => {
    const doc = fresh('tencent-cvm-api2');
    const response = at(doc, 'components', 'schemas', 'StopInstancesResponse', 'properties', 'Response');
    const source = response['x-vmconform-source'] as Json;
    delete source['required'];
    source['pattern'] = 'DESIGN.md §3 Responses are open';
    expect(problemsOf(doc).split('\n').sort()).toEqual([
      '/components/schemas/StopInstancesResponse/properties/Response: required has no x-vmconform-source',
      '/components/schemas/StopInstancesResponse/properties/Response: x-vmconform-source.pattern names a keyword the schema does not have',
    ]);
  });

  it('a cited line beyond the file, a missing file, a quote not on the cited lines', () => {
    const doc = fresh('zenlayer-vm');
    const schemas = at(doc, 'components', 'schemas');
    at(schemas, 'ErrorResponse', 'properties', 'requestId')['x-vmconform-source'] = '001_531d5cb6841b9371.txt:76';
    at(schemas, 'StopInstancesResponse', 'properties', 'requestId')['x-vmconform-source'] = '009_0000000000000000.txt:1';
    at(schemas, 'StopInstancesResponse', 'properties', 'response', 'properties', 'requestId')['x-vmconform-source'] = '001_531d5cb6841b9371.txt:27 requestId | String';
    const problems = problemsOf(doc);
    expect(problems).toMatch(/ErrorResponse\/properties\/requestId: type: x-vmconform-source 001_531d5cb6841b9371.txt has no lines 76 \(it has 75\)/);
    expect(problems).toMatch(/StopInstancesResponse\/properties\/requestId: type: x-vmconform-source seed file 009_0000000000000000.txt does not exist/);
    expect(problems).toMatch(/response\/properties\/requestId: type: x-vmconform-source 001_531d5cb6841b9371.txt:27 does not contain "requestId \| String"/);
  });

  it('a DESIGN.md section that does not exist or does not contain the words, and a source that is no reference at all', () => {
    const doc = fresh('zenlayer-bmc');
    const schemas = at(doc, 'components', 'schemas');
    at(schemas, 'InstanceStatusWord')['x-vmconform-source'] = 'DESIGN.md §9 bmc: PENDING';
    at(schemas, 'ErrorResponse')['x-vmconform-source'] = 'DESIGN.md §2 HTTP 4xx/5xx `{"requestId","errorCode"}`';
    at(schemas, 'InstanceStatus')['x-vmconform-source'] = 'the vendor says so';
    const problems = problemsOf(doc);
    expect(problems).toMatch(/InstanceStatusWord: type: x-vmconform-source DESIGN.md has no section §9/);
    expect(problems).toMatch(/ErrorResponse: required: x-vmconform-source DESIGN.md §2 does not contain/);
    expect(problems).toMatch(/InstanceStatus: required: x-vmconform-source malformed docRef "the vendor says so"/);
  });

  it('a closed object: additionalProperties false, a false property (aliyun HostId on a success), whatever its source', () => {
    const doc = fresh('aliyun-ecs');
    const schemas = at(doc, 'components', 'schemas');
    at(schemas, 'StopInstancesResponse', 'properties')['HostId'] = false;
    const xmlError = at(schemas, 'ErrorResponseXml', 'properties', 'Error');
    xmlError['additionalProperties'] = false;
    xmlError['x-vmconform-source'] = 'DESIGN.md §2 XML `<Error>..</Error>` when `Format=XML`';
    expect(problemsOf(doc).split('\n').sort()).toEqual([
      '/components/schemas/ErrorResponseXml/properties/Error: additionalProperties: false closes the answer (DESIGN.md §3 Responses are open: no response schema may close an object)',
      '/components/schemas/StopInstancesResponse/properties/HostId: false schema closes the answer (DESIGN.md §3 Responses are open: no response schema may close an object)',
    ]);
  });

  it('a response object without the source of its status', () => {
    const doc = fresh('tencent-cvm-api2');
    delete at(doc, 'paths', '/v2/index.php', 'get', 'responses', '4XX')['x-vmconform-source'];
    expect(problemsOf(doc)).toBe('/paths/~1v2~1index.php/get/responses/4XX: response has no x-vmconform-source');
  });
});

describe('sourceOfAjvError', () => {
  it('gives the source of the constraint an ajv error (verbose) reports, and nothing for anyOf summaries', () => {
    const doc = loadSpec('aliyun-ecs') as unknown as Json;
    const ajv = new Ajv2020({ strict: false, allErrors: true, verbose: true });
    ajv.addSchema({ ...doc, $id: 'urn:test:aliyun' });
    const validate = ajv.compile({ $ref: 'urn:test:aliyun#/components/schemas/StopInstancesResponseXml' });
    expect(validate({ StopInstancesResponse: { RequestId: 5, InstanceResponses: { InstanceResponse: [{ Code: 200, Message: 'm', InstanceId: 'i-a' }] } } })).toBe(false);
    const sources = (validate.errors ?? []).map((e) => [e.instancePath, e.keyword, sourceOfAjvError(e)]);
    expect(sources).toEqual(expect.arrayContaining([
      ['/StopInstancesResponse/RequestId', 'type', '004_edc2cde202d0f4dc.txt:68 RequestId String; 004_edc2cde202d0f4dc.txt:118 <RequestId>'],
      ['/StopInstancesResponse/InstanceResponses/InstanceResponse/0/Code', 'type', '004_edc2cde202d0f4dc.txt:77-79 Code String 200'],
      ['/StopInstancesResponse/InstanceResponses', 'anyOf', undefined],
    ]));
  });

  it('every constraint keyword the walk knows is one ajv validates (no typo hides a constraint)', () => {
    const ajv = new Ajv2020();
    for (const keyword of CONSTRAINT_KEYWORDS) expect(ajv.getKeyword(keyword), keyword).toBeTruthy();
  });
});
