/**
 * Pact V4 contracts generated from the case catalog (DESIGN.md §6): `contracts/<dialect>.json`, consumer `vmconform`,
 * provider the dialect, one `Synchronous/HTTP` interaction per call step Pact can express, keyed `<case id>#<step>`,
 * with the provider state `instances exist` carrying exactly the instances the case seeds (DESIGN.md §4). Ids are
 * deterministic (derived from the case id and alias like the engine's, with a fixed prefix), so the same catalog
 * gives the same bytes. Matching rules let every legal answer pass: any non-empty request id, extra fields anywhere,
 * any order of list entries, any of the codes a row accepts, content types with parameters, the status range a row
 * allows. What Pact cannot express is listed per case ({@link planContract}, `gaps.ts`).
 */
import { casesFor } from '../cases/index.ts';
import type { CallStep, CaseRow, Expectation, IdRef, InstanceExpectation } from '../cases/types.ts';
import type { Protocol } from '../dialects/description.ts';
import { describeDialect } from '../dialects/descriptions/index.ts';
import { getDialect } from '../dialects/index.ts';
import type { DialectName, OperationCall } from '../dialects/types.ts';
import { STATE_NAME } from '../engine/provider-states.ts';
import { expandSeeds, IdMap } from '../engine/run-case.ts';
import { statusForCodeOf } from '../engine/spec-status.ts';
import { VmconformError } from '../errors.ts';
import { decodeQueryPairs } from '../signing/tencent-v2.ts';
import { PACT_GAPS, WHOLE_STEP_GAPS, type PactGap } from './gaps.ts';
import { parseJson } from '../dialects/wire-util.ts';
import { idExpression } from './id-map.ts';
import type { PactFile, PactGenerator, PactGenerators, PactInteraction, PactMatcher, PactRequest, PactResponse, PactResponseRules, PactRuleList } from './model.ts';
import { isForm, unsignedRequest } from './wire.ts';

/** The consumer name of every contract (DESIGN.md §6). */
export const PACT_CONSUMER = 'vmconform';

/**
 * The request header that names the interaction a request belongs to. `vmconform pact verify` reads it to map each
 * request to its case and removes it before the request reaches the target; another verifier sends it along, and a
 * target ignores it like any unknown header.
 */
export const INTERACTION_HEADER = 'x-vmconform-interaction';

/** The prefix of every contract instance id: fixed, so contracts are deterministic (the engine's is per run). */
const ID_PREFIX = 'pact';

const EXAMPLE_REQUEST_ID = '7b2c1d9e-5f3a-4c8b-9e6d-0a1b2c3d4e5f';
const JSON_CONTENT_TYPE = '(?i)^application/([\\w.+-]+\\+)?json\\s*(;.*)?$';
const XML_CONTENT_TYPE = '(?i)^(application|text)/([\\w.+-]+\\+)?xml\\s*(;.*)?$';
/** Any key but `Error` (Rust's regex engine has no look-ahead, so the complement is spelled out). */
const NOT_ERROR_KEY = '^(|[^E].*|E([^r].*)?|Er([^r].*)?|Err([^o].*)?|Erro([^r].*)?|Error.+)$';

const and = (...matchers: PactMatcher[]): PactRuleList => ({ combine: 'AND', matchers });
/**
 * A member that must be there, of any scalar type: an error's `Message` (and aliyun's `HostId`), which DESIGN.md §2's
 * envelope names while no document states their types (Pact has no "any" matcher; objects and arrays stay refused).
 */
const ANY_SCALAR: PactRuleList = { combine: 'OR', matchers: [{ match: 'type' }, { match: 'number' }, { match: 'boolean' }, { match: 'null' }] };
/** A request id: present and a string ("RequestId String", 000:28, 002:46, 001:28, 003:28, 004:68); any format. */
const REQUEST_ID: PactRuleList = and({ match: 'type' });

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A regex accepting exactly these codes or words; a code ending in `*` accepts every code with that prefix and at
 * least one more character (the engine's `codeMatches`).
 *
 * @example
 * alternativesRegex(['InvalidInstance.NotSupported', 'UnsupportedOperation.InstanceState*'])
 * // '^(?:InvalidInstance\.NotSupported|UnsupportedOperation\.InstanceState.+)$'
 */
export function alternativesRegex(values: readonly string[]): string {
  const parts = values.map((v) => (v.endsWith('*') ? `${escapeRegex(v.slice(0, -1))}.+` : escapeRegex(v)));
  return `^(?:${parts.join('|')})$`;
}

/** An example value that matches {@link alternativesRegex} of `values`. */
function exampleOf(values: readonly string[]): string {
  const first = values.find((v) => !v.endsWith('*')) ?? `${(values[0] ?? 'X*').slice(0, -1)}Example`;
  return first;
}

/** Per-instance `Code` of a stopped instance: "200" or "success" in any letter case (the engine's `matchesCode`). */
const SUCCESS_CODE = '^(?:200|[Ss][Uu][Cc][Cc][Ee][Ss][Ss])$';

/**
 * A regex matching every string but `text` (Rust's regex engine has no look-ahead, so the complement is spelled out:
 * shorter, longer, or differing at some character); `ignoreCase` compares letters without case.
 *
 * @example
 * notLiteralRegex('ab') // '^(|[^a].*|a([^b].*)?|ab.+)$'
 */
export function notLiteralRegex(text: string, ignoreCase = false): string {
  const chars = [...text];
  const lit = (c: string): string => escapeRegex(c);
  const cls = (c: string): string => (ignoreCase && c.toLowerCase() !== c.toUpperCase() ? `${c.toLowerCase()}${c.toUpperCase()}` : c).replace(/[\\\]^-]/g, '\\$&');
  const at = (c: string): string => (ignoreCase && c.toLowerCase() !== c.toUpperCase() ? `[${cls(c)}]` : lit(c));
  const parts = [''];
  chars.forEach((c, i) => {
    const prefix = chars.slice(0, i).map(at).join('');
    parts.push(i === 0 ? `[^${cls(c)}].*` : `${prefix}([^${cls(c)}].*)?`);
  });
  parts.push(`${chars.map(at).join('')}.+`);
  return `^(${parts.join('|')})$`;
}

/** Rules for "any code but these" (a per-instance `*`: never a success; a client error that is not `notCodes`). */
function anyCodeBut(codes: readonly { readonly code: string; readonly ignoreCase?: boolean }[]): PactRuleList {
  return and({ match: 'type' }, ...codes.map((c): PactMatcher => ({ match: 'regex', regex: notLiteralRegex(c.code, c.ignoreCase === true) })));
}

/** A per-instance `*`: any error code, never a success (004:79: "The return value 200 indicates success"). */
const ANY_ERROR_CODE: PactRuleList = anyCodeBut([{ code: '200' }, { code: 'success', ignoreCase: true }]);

const words = (value: string | readonly string[]): readonly string[] => (typeof value === 'string' ? [value] : value);

/** Body example and rules built together. */
class BodyBuilder {
  readonly rules: Record<string, PactRuleList> = {};
  rule(path: string, list: PactRuleList): this {
    this.rules[path] = list;
    return this;
  }
}

/** What the expected response of one step needs to know besides the row. */
interface StepContext {
  readonly dialect: DialectName;
  readonly call: OperationCall;
  readonly expect: Expectation;
  readonly ids: IdMap;
  /** Seeded aliases with their ids and statuses (for status-query answers). */
  readonly seeded: readonly { readonly alias: string; readonly id: string; readonly status: string }[];
  /** Where gaps of this step go. */
  readonly gaps: Set<PactGap>;
}

/** The HTTP status example and rule of a step (DESIGN.md §2-§3: tencent errors are HTTP 200, the others 4xx). */
function statusOf(ctx: StepContext): { status: number; rule?: PactRuleList } {
  const { dialect, expect } = ctx;
  if (getDialect(dialect).errorsAsHttp200 || expect.result === 'success') return { status: 200 };
  const codeStatus = (list: readonly number[]): { status: number; rule?: PactRuleList } =>
    list.length === 1 ? { status: list[0] as number } : { status: list[0] as number, rule: and({ match: 'statusCode', status: list }) };
  switch (expect.result) {
    case 'error': {
      if (expect.httpStatus && expect.httpStatus.length > 0) return codeStatus([...expect.httpStatus].sort((a, b) => a - b));
      const lookup = statusForCodeOf(dialect);
      const perCode = (expect.codes ?? []).map((c) => lookup(c) ?? []);
      const all = [...new Set(perCode.flat())].sort((a, b) => a - b);
      if (all.length === 0) return { status: 400, rule: and({ match: 'statusCode', status: 'error' }) };
      if (all.length > 1) ctx.gaps.add('status-per-code');
      return codeStatus(all);
    }
    case 'client-error': {
      const allowed = (expect.httpStatus ?? []).filter((s) => s >= 400 && s < 500);
      if (allowed.length > 0) return codeStatus([...allowed].sort((a, b) => a - b));
      return { status: 400, rule: and({ match: 'statusCode', status: 'clientError' }) };
    }
    case 'not-5xx':
      return { status: 200, rule: { combine: 'OR', matchers: [{ match: 'statusCode', status: [200] }, { match: 'statusCode', status: 'clientError' }] } };
  }
}

/** The error code rule of an `error` (listed codes) or `client-error` (any non-empty code) expectation. */
function codeRule(expect: Expectation): { example: string; rule: PactRuleList } {
  const codes = expect.codes ?? [];
  if (expect.result === 'error' && codes.length > 0) {
    return { example: exampleOf(codes), rule: and({ match: 'regex', regex: alternativesRegex(codes) }) };
  }
  // A client error: the error envelope with any code (DESIGN.md §3 "It does not invent a code"), but those the row
  // refuses (an aliyun dry run that fails a check never answers DRYRUN.SUCCESS, 004:24).
  return { example: 'AnyClientErrorCode', rule: anyCodeBut((expect.notCodes ?? []).map((code) => ({ code }))) };
}

/** An `arrayContains` over per-instance expectations (aliyun SuccessFirst), keyed like `Expectation.instances`. */
function instanceResponses(ctx: StepContext, instances: Readonly<Record<string, InstanceExpectation>>): { example: unknown[]; rule: PactRuleList } {
  ctx.gaps.add('per-instance-exact');
  const example: unknown[] = [];
  const variants = Object.entries(instances).map(([key, want], index) => {
    const id = ctx.ids.key(key);
    const entry: Record<string, string> = { InstanceId: id, Code: want.code === 'success' ? '200' : exampleOf(want.code), Message: 'example' };
    const rules: Record<string, PactRuleList> = {
      '$.Code': want.code === 'success' ? and({ match: 'regex', regex: SUCCESS_CODE }) : want.code.includes('*') ? ANY_ERROR_CODE : and({ match: 'regex', regex: alternativesRegex(want.code) }),
      // 004:81 "Message String success".
      '$.Message': and({ match: 'type' }),
    };
    if (want.previousStatus !== undefined) {
      entry['PreviousStatus'] = exampleOf(words(want.previousStatus));
      rules['$.PreviousStatus'] = and({ match: 'regex', regex: alternativesRegex(words(want.previousStatus)) });
    }
    if (want.currentStatus !== undefined) {
      entry['CurrentStatus'] = exampleOf(words(want.currentStatus));
      rules['$.CurrentStatus'] = and({ match: 'regex', regex: alternativesRegex(words(want.currentStatus)) });
    }
    example.push(entry);
    return { index, rules };
  });
  return { example, rule: and({ match: 'arrayContains', variants }) };
}

/** Status entries of a status query (the seeded instances it names read as seeded), order-free. */
function statusEntries(ctx: StepContext, idKey: string, statusKey: string): { example: unknown[]; rule: PactRuleList } | undefined {
  // A query without a page size is answered in the target's default page, which the suite never judges (DESIGN.md
  // §3): its entries are checked by `vmconform run`, which follows pages.
  if (ctx.call.pageSize === undefined) {
    ctx.gaps.add('default-page');
    return undefined;
  }
  const named = new Set((ctx.call.instanceIds ?? []));
  const entries = ctx.seeded.filter((s) => named.has(s.id));
  if (entries.length === 0) return undefined;
  return {
    example: entries.map((s) => ({ [idKey]: s.id, [statusKey]: s.status })),
    rule: and({ match: 'arrayContains', variants: entries.map((_, index) => ({ index, rules: {} })) }),
  };
}

/** The JSON body (example and rules) a tencent answer must have. */
function tencentBody(ctx: StepContext, b: BodyBuilder): unknown {
  const { expect, call } = ctx;
  if (expect.result === 'error' || expect.result === 'client-error') {
    const code = codeRule(expect);
    b.rule('$.Response.Error.Code', code.rule).rule('$.Response.Error.Message', ANY_SCALAR).rule('$.Response.RequestId', REQUEST_ID);
    return { Response: { Error: { Code: code.example, Message: 'example' }, RequestId: EXAMPLE_REQUEST_ID } };
  }
  if (expect.result === 'not-5xx') {
    ctx.gaps.add('either-envelope');
    if (call.operation === 'DescribeStatus') return { Response: {} };
    b.rule('$.Response.RequestId', REQUEST_ID);
    return { Response: { RequestId: EXAMPLE_REQUEST_ID } };
  }
  // A success: HTTP 200 like an error, told apart by Response.Error (DESIGN.md §3). No rule can forbid an object under
  // `Error` and allow null: this one forbids the key, and `vmconform pact verify` drops a null Error before Pact
  // compares (see verify.ts adaptAnswer); another verifier fails a success that carries `"Error": null`.
  b.rule('$.Response', and({ match: 'eachKey', rules: [{ match: 'regex', regex: NOT_ERROR_KEY }] }));
  ctx.gaps.add('tencent-required-keys');
  const status = call.operation === 'DescribeStatus';
  // DESIGN.md §3: a status answer is read for its ids and statuses only; its request id is never judged.
  const response: Record<string, unknown> = status ? {} : { RequestId: EXAMPLE_REQUEST_ID };
  if (!status) b.rule('$.Response.RequestId', REQUEST_ID);
  if (status) {
    const entries = statusEntries(ctx, 'InstanceId', 'InstanceState');
    if (entries) {
      response['InstanceStatusSet'] = entries.example;
      b.rule('$.Response.InstanceStatusSet', entries.rule);
    } else {
      response['InstanceStatusSet'] = [];
      b.rule('$.Response.InstanceStatusSet', and({ match: 'type' }));
    }
  }
  return { Response: response };
}

/** The JSON body a zenlayer answer must have. */
function zenlayerBody(ctx: StepContext, b: BodyBuilder): unknown {
  const { expect, call } = ctx;
  if (expect.result === 'error' || expect.result === 'client-error') {
    const code = codeRule(expect);
    b.rule('$.requestId', REQUEST_ID).rule('$.code', code.rule).rule('$.message', ANY_SCALAR);
    return { requestId: EXAMPLE_REQUEST_ID, code: code.example, message: 'example' };
  }
  if (expect.result === 'not-5xx') {
    ctx.gaps.add('either-envelope');
    if (call.operation === 'DescribeStatus') return {};
    b.rule('$.requestId', REQUEST_ID);
    return { requestId: EXAMPLE_REQUEST_ID };
  }
  if (call.operation === 'DescribeStatus') {
    // DESIGN.md §3: a status answer is read for its ids and statuses only (no request id, outer or inner).
    const entries = statusEntries(ctx, 'instanceId', 'instanceStatus');
    b.rule('$.response.dataSet', entries?.rule ?? and({ match: 'type' }));
    return { response: { dataSet: entries?.example ?? [] } };
  }
  b.rule('$.requestId', REQUEST_ID).rule('$.response.requestId', REQUEST_ID);
  return { requestId: EXAMPLE_REQUEST_ID, response: { requestId: EXAMPLE_REQUEST_ID } };
}

/** The JSON body an aliyun answer must have. */
function aliyunJsonBody(ctx: StepContext, b: BodyBuilder): unknown {
  const { expect, call } = ctx;
  const status = call.operation === 'DescribeStatus';
  // DESIGN.md §3: a status answer's request id is never judged.
  if (!status) b.rule('$.RequestId', REQUEST_ID);
  if (expect.result === 'error' || expect.result === 'client-error') {
    const code = codeRule(expect);
    b.rule('$.Code', code.rule).rule('$.HostId', ANY_SCALAR).rule('$.Message', ANY_SCALAR);
    return { RequestId: EXAMPLE_REQUEST_ID, HostId: 'ecs.aliyuncs.com', Code: code.example, Message: 'example' };
  }
  if (expect.result === 'not-5xx') {
    ctx.gaps.add('either-envelope');
    return status ? {} : { RequestId: EXAMPLE_REQUEST_ID };
  }
  const body: Record<string, unknown> = status ? {} : { RequestId: EXAMPLE_REQUEST_ID };
  if (status) {
    const entries = statusEntries(ctx, 'InstanceId', 'Status');
    body['InstanceStatuses'] = { InstanceStatus: entries?.example ?? [] };
    b.rule('$.InstanceStatuses.InstanceStatus', entries?.rule ?? and({ match: 'type' }));
  } else if (expect.instances) {
    const list = instanceResponses(ctx, expect.instances);
    body['InstanceResponses'] = { InstanceResponse: list.example };
    b.rule('$.InstanceResponses.InstanceResponse', list.rule);
  }
  return body;
}

/** The XML body an aliyun `Format=XML` answer must have (root element, request id, code; entries by type only). */
function aliyunXmlBody(ctx: StepContext, b: BodyBuilder): string {
  const { expect, call } = ctx;
  const text = (path: string): string => `${path}['#text']`;
  if (expect.result === 'error' || expect.result === 'client-error') {
    const code = codeRule(expect);
    b.rule(text('$.Error.RequestId'), REQUEST_ID).rule(text('$.Error.Code'), code.rule).rule(text('$.Error.HostId'), REQUEST_ID).rule(text('$.Error.Message'), REQUEST_ID);
    return `<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>${EXAMPLE_REQUEST_ID}</RequestId><HostId>ecs.aliyuncs.com</HostId><Code>${code.example}</Code><Message>example</Message></Error>`;
  }
  if (call.operation === 'DescribeStatus') {
    ctx.gaps.add('xml-entries');
    const root = '$.DescribeInstanceStatusResponse';
    // No rule on the InstanceStatus element itself: a type rule there would refuse extra child elements.
    b.rule(text(`${root}.InstanceStatuses.InstanceStatus.InstanceId`), REQUEST_ID)
      .rule(text(`${root}.InstanceStatuses.InstanceStatus.Status`), and({ match: 'regex', regex: alternativesRegex(getDialect(ctx.dialect).statusWords) }));
    const entry = ctx.seeded[0];
    return (
      `<?xml version="1.0" encoding="UTF-8"?><DescribeInstanceStatusResponse>` +
      `<InstanceStatuses><InstanceStatus><InstanceId>${entry?.id ?? 'i-example'}</InstanceId><Status>${entry?.status ?? 'Running'}</Status></InstanceStatus></InstanceStatuses>` +
      `</DescribeInstanceStatusResponse>`
    );
  }
  b.rule(text('$.StopInstancesResponse.RequestId'), REQUEST_ID);
  return `<?xml version="1.0" encoding="UTF-8"?><StopInstancesResponse><RequestId>${EXAMPLE_REQUEST_ID}</RequestId></StopInstancesResponse>`;
}

/**
 * The XML body an aws-ec2 answer must have (aws-ec2.md:83-85, 97): the root element, the request id, the error code;
 * status entries by their id and state name only. An answer that may be either envelope has no body to match.
 */
function ec2Body(ctx: StepContext, b: BodyBuilder): string | undefined {
  const { expect, call } = ctx;
  const text = (path: string): string => `${path}['#text']`;
  const declaration = '<?xml version="1.0" encoding="UTF-8"?>';
  if (expect.result === 'error' || expect.result === 'client-error') {
    const code = codeRule(expect);
    b.rule(text('$.Response.Errors.Error.Code'), code.rule).rule(text('$.Response.Errors.Error.Message'), REQUEST_ID).rule(text('$.Response.RequestID'), REQUEST_ID);
    return `${declaration}<Response><Errors><Error><Code>${code.example}</Code><Message>example</Message></Error></Errors><RequestID>${EXAMPLE_REQUEST_ID}</RequestID></Response>`;
  }
  if (expect.result === 'not-5xx') {
    ctx.gaps.add('either-envelope');
    return undefined;
  }
  // The answers carry the EC2 namespace (aws-ec2.md:62): Pact names an element of a namespace `<namespace>:<name>`.
  const ns = 'http://ec2.amazonaws.com/doc/2016-11-15/';
  const namespace = `xmlns="${ns}"`;
  const path = (...names: string[]): string => `$${names.map((n) => `['${ns}:${n}']`).join('')}`;
  if (call.operation === 'DescribeStatus') {
    ctx.gaps.add('xml-entries');
    b.rule(text(path('DescribeInstanceStatusResponse', 'instanceStatusSet', 'item', 'instanceId')), REQUEST_ID)
      .rule(text(path('DescribeInstanceStatusResponse', 'instanceStatusSet', 'item', 'instanceState', 'name')), and({ match: 'regex', regex: alternativesRegex(getDialect(ctx.dialect).statusWords) }));
    const entry = ctx.seeded[0];
    return (
      `${declaration}<DescribeInstanceStatusResponse ${namespace}><requestId>${EXAMPLE_REQUEST_ID}</requestId>` +
      `<instanceStatusSet><item><instanceId>${entry?.id ?? 'i-0123456789abcdef0'}</instanceId><instanceState><code>16</code><name>${entry?.status ?? 'running'}</name></instanceState></item></instanceStatusSet>` +
      `</DescribeInstanceStatusResponse>`
    );
  }
  // aws-ec2.md:59-61: one instancesSet item per id, its texts judged by type (ids the target's, states any words of the dialect).
  const words = getDialect(ctx.dialect).statusWords;
  const item = (...names: string[]): string => path('StopInstancesResponse', 'instancesSet', 'item', ...names);
  // No rule on the item element itself: a type rule there would refuse extra child elements (DESIGN.md §3 open answers).
  b.rule(text(path('StopInstancesResponse', 'requestId')), REQUEST_ID)
    .rule(text(item('instanceId')), REQUEST_ID)
    .rule(text(item('currentState', 'code')), and({ match: 'regex', regex: '^[0-9]+$' }))
    .rule(text(item('currentState', 'name')), and({ match: 'regex', regex: alternativesRegex(words) }))
    .rule(text(item('previousState', 'code')), and({ match: 'regex', regex: '^[0-9]+$' }))
    .rule(text(item('previousState', 'name')), and({ match: 'regex', regex: alternativesRegex(words) }));
  const named = new Set(call.instanceIds ?? []);
  const items = ctx.seeded
    .filter((s) => named.has(s.id))
    .map((s) => `<item><instanceId>${s.id}</instanceId><currentState><code>64</code><name>stopping</name></currentState><previousState><code>16</code><name>${s.status}</name></previousState></item>`)
    .join('');
  return `${declaration}<StopInstancesResponse ${namespace}><requestId>${EXAMPLE_REQUEST_ID}</requestId><instancesSet>${items}</instancesSet></StopInstancesResponse>`;
}

/** The body (example and rules) an answer must have, per protocol (one entry per protocol, checked by the compiler). */
const RESPONSE_BODIES: Readonly<Record<Protocol, (ctx: StepContext, b: BodyBuilder) => unknown>> = {
  tencent: tencentBody,
  zenlayer: zenlayerBody,
  // aliyun answers XML where the request asks for it (`Format=XML`, DESIGN.md §3).
  aliyun: (ctx, b) => (ctx.expect.format === 'xml' ? aliyunXmlBody(ctx, b) : aliyunJsonBody(ctx, b)),
  // aws-ec2 answers XML only (aws-ec2.md:82).
  ec2: ec2Body,
};

/** The expected response of a call step, with its matching rules. */
function expectedResponse(ctx: StepContext): PactResponse {
  const { status, rule } = statusOf(ctx);
  const b = new BodyBuilder();
  const xml = (ctx.expect.format ?? describeDialect(ctx.dialect).bodyFormat) === 'xml';
  const content = RESPONSE_BODIES[describeDialect(ctx.dialect).protocol](ctx, b);
  const contentType = xml ? 'application/xml' : 'application/json';
  // A Content-Type is judged only where a seed states it (aliyun, 004:112-147; DESIGN.md §3).
  const judged = getDialect(ctx.dialect).sources.contentType !== undefined;
  const matchingRules: PactResponseRules = {
    body: b.rules,
    ...(judged ? { header: { 'Content-Type': and({ match: 'regex', regex: xml ? XML_CONTENT_TYPE : JSON_CONTENT_TYPE }) } } : {}),
    ...(rule !== undefined ? { status: rule } : {}),
  };
  return {
    status,
    ...(judged ? { headers: { 'Content-Type': [contentType] } } : {}),
    body: { contentType, encoded: false, content },
    matchingRules,
  };
}

/** A path segment as Pact writes one (pact_models `DocPath`): `.name` for an identifier, `['other.name']`, `[index]`. */
function pathSegment(segment: string | number): string {
  if (typeof segment === 'number') return `[${segment}]`;
  return /^[_A-Za-z][_A-Za-z0-9]*$/.test(segment) ? `.${segment}` : `['${segment.replace(/[\\']/g, (c) => `\\${c}`)}']`;
}

/** The generator that puts the target's id where the contract names the seeded id `requested` (DESIGN.md §4 id map). */
const idGenerator = (requested: string): PactGenerator => ({ type: 'ProviderState', expression: idExpression(requested), dataType: 'STRING' });

/** A generator for every string of a JSON value that is a seeded id, by its path from `path`. */
function jsonIdGenerators(value: unknown, seeded: ReadonlySet<string>, path = '$', out: Record<string, PactGenerator> = {}): Record<string, PactGenerator> {
  if (typeof value === 'string') {
    if (seeded.has(value)) out[path] = idGenerator(value);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => jsonIdGenerators(v, seeded, `${path}${pathSegment(i)}`, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) jsonIdGenerators(v, seeded, `${path}${pathSegment(k)}`, out);
  }
  return out;
}

const generatorsOf = (query: Record<string, PactGenerator>, body: Record<string, PactGenerator>): PactGenerators | undefined =>
  Object.keys(query).length + Object.keys(body).length === 0
    ? undefined
    : { ...(Object.keys(query).length > 0 ? { query } : {}), ...(Object.keys(body).length > 0 ? { body } : {}) };

/**
 * The generators of a request: one for every query parameter, form field and JSON body value that names a seeded id,
 * so a verifier sends the target's ids when a setup named them. Pact generates a query parameter's or a form field's
 * value by its name, so a name that carries a seeded id carries nothing else.
 */
function requestIdGenerators(key: string, request: PactRequest, seeded: ReadonlySet<string>): PactGenerators | undefined {
  const once = (name: string, values: readonly string[]): string | undefined => {
    const id = values.find((v) => seeded.has(v));
    if (id !== undefined && values.length !== 1) throw new VmconformError(`${key}: the parameter ${name} names a seeded id among other values; Pact cannot generate it`);
    return id;
  };
  const query: Record<string, PactGenerator> = {};
  for (const [name, values] of Object.entries(request.query ?? {})) {
    const id = once(name, values);
    if (id !== undefined) query[name] = idGenerator(id);
  }
  const content = request.body?.content;
  let body: Record<string, PactGenerator> = {};
  if (typeof content === 'string' && isForm(request.body?.contentType)) {
    const pairs = decodeQueryPairs(content);
    for (const [name] of pairs) {
      const id = once(name, pairs.filter(([n]) => n === name).map(([, v]) => v));
      if (id !== undefined) body[`$${pathSegment(name)}`] = idGenerator(id);
    }
  } else if (typeof content !== 'string') {
    body = jsonIdGenerators(content, seeded);
  }
  return generatorsOf(query, body);
}

/** The call of a step with every id resolved (the engine's `toCall`, with the contract's fixed ids). */
function resolveCall(step: CallStep, ids: IdMap): OperationCall {
  const { ids: refs, ...rest } = step.call;
  return refs === undefined ? { ...rest } : { ...rest, instanceIds: refs.map((r: IdRef) => ids.ref(r)) };
}

/** Gaps that make a step inexpressible, before any interaction is built for it. */
function wholeStepGap(row: CaseRow, stepIndex: number): PactGap | undefined {
  const step = row.steps[stepIndex];
  if (!step || step.kind === 'burst') return 'burst';
  // A body that is not JSON never reaches the target through Pact's verifier; a JSON body of another shape does (an id
  // that is a number, ids.non-string.rejected).
  if (step.call.rawBody !== undefined && !parseJson(step.call.rawBody).ok) return 'malformed-body';
  return undefined;
}

/** One case as its contract holds it: its interactions and what they do not express. */
export interface CasePlan {
  readonly row: CaseRow;
  /** One per expressible call step; empty when no step is expressible. */
  readonly interactions: readonly PactInteraction[];
  /** The call each interaction makes, by interaction key (to decode the target's answer). */
  readonly calls: ReadonlyMap<string, OperationCall>;
  /** What the contract does not express about this case (every reason once, in {@link PACT_GAPS} order). */
  readonly gaps: readonly PactGap[];
}

/** The contract plan of one row. */
export function planCase(row: CaseRow): CasePlan {
  const dialect = row.dialect;
  const ids = new IdMap(getDialect(dialect), `${ID_PREFIX}.${dialect}.${row.id}`);
  const seeds = expandSeeds(row);
  const seeded = seeds.map((s) => ({ alias: s.alias, id: ids.alias(s.alias), status: s.status }));
  const seededIds: ReadonlySet<string> = new Set(seeded.map((s) => s.id));
  const gaps = new Set<PactGap>();
  const interactions: PactInteraction[] = [];
  const calls = new Map<string, OperationCall>();
  row.steps.forEach((step, index) => {
    const whole = wholeStepGap(row, index);
    if (whole !== undefined || step.kind !== 'call') {
      gaps.add(whole ?? 'burst');
      return;
    }
    const call = resolveCall(step, ids);
    const stepGaps = new Set<PactGap>();
    if (seeded.length > 0) stepGaps.add('state-after-call');
    const stops = step.expect.result === 'not-5xx' ? call.operation === 'StopInstances' : (step.expect.stopped ?? []).length > 0;
    if (stops) stepGaps.add('eventually-stopped');
    const expected = expectedResponse({ dialect, call, expect: step.expect, ids, seeded, gaps: stepGaps });
    const key = `${row.id}#${index + 1}`;
    const request = unsignedRequest(dialect, call);
    const requestGenerators = requestIdGenerators(key, request, seededIds);
    const content = expected.body?.content;
    const responseGenerators = typeof content === 'string' ? undefined : generatorsOf({}, jsonIdGenerators(content, seededIds));
    const response = responseGenerators === undefined ? expected : { ...expected, generators: responseGenerators };
    for (const g of stepGaps) gaps.add(g);
    calls.set(key, call);
    interactions.push({
      type: 'Synchronous/HTTP',
      key,
      description: `${key}: ${row.title}`,
      pending: false,
      ...(seeds.length > 0
        ? {
            providerStates: [
              {
                name: STATE_NAME,
                params: { instances: seeds.map((s, i) => ({ id: seeded[i]?.id ?? '', status: s.status, securityLocked: s.securityLocked ?? false })) },
              },
            ],
          }
        : {}),
      comments: {
        testname: row.id,
        text: [
          `${row.level}: ${row.title}`,
          `docRef: ${row.docRef}`,
          ...[...stepGaps].map((g) => `not expressed here (checked by vmconform run): ${PACT_GAPS[g]}`),
        ],
      },
      request: {
        ...request,
        headers: { ...request.headers, [INTERACTION_HEADER]: [key] },
        ...(requestGenerators !== undefined ? { generators: requestGenerators } : {}),
      },
      response,
    });
  });
  const order = Object.keys(PACT_GAPS) as PactGap[];
  return { row, interactions, calls, gaps: order.filter((g) => gaps.has(g)) };
}

/** The plans of every row of a dialect, in catalog order. */
export function planContract(dialect: DialectName): CasePlan[] {
  return casesFor(dialect).map(planCase);
}

/** Whether a plan has no interaction at all (every step is a {@link WHOLE_STEP_GAPS} gap). */
export function isInexpressible(plan: CasePlan): boolean {
  return plan.interactions.length === 0 && plan.gaps.some((g) => WHOLE_STEP_GAPS.has(g));
}

/**
 * The contract of a dialect (DESIGN.md §6).
 *
 * @example
 * buildContract('zenlayer-vm').interactions[0]?.key // 'stop.single#1'
 */
export function buildContract(dialect: DialectName): PactFile {
  const plans = planContract(dialect);
  const interactions = plans.flatMap((p) => p.interactions);
  return {
    consumer: { name: PACT_CONSUMER },
    provider: { name: dialect },
    interactions,
    metadata: {
      pactSpecification: { version: '4.0' },
      vmconform: {
        generatedBy: 'npx vmconform pact generate',
        source: 'the case catalog (npx vmconform cases)',
        cases: plans.length,
        casesWithInteractions: plans.filter((p) => p.interactions.length > 0).length,
        interactions: interactions.length,
      },
    },
  };
}

/** The exact text of `contracts/<dialect>.json` (two-space JSON and a final newline). */
export function contractText(dialect: DialectName): string {
  return `${JSON.stringify(buildContract(dialect), null, 2)}\n`;
}

/** The file name of a dialect's contract inside `contracts/`. */
export function contractFileName(dialect: DialectName): string {
  return `${dialect}.json`;
}
