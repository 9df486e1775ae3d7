/**
 * The aws-ec2 dialect (EC2 Query API 2016-11-15, specs/sources/aws-ec2.md; DESIGN.md §2): `POST /` with a form body
 * `Action=StopInstances&Version=2016-11-15&InstanceId.N=..` (or GET with the same query), SigV4-signed (service `ec2`).
 * Answers are XML: a success's root is `<Action>Response` with `requestId` (aws-ec2.md:83-85), an error
 * `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>` with HTTP 4xx/5xx (aws-ec2.md:96-97).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { UsageError } from '../errors.ts';
import { signSigV4 } from '../signing/sigv4.ts';
import { makeInstanceId, spellBoolean, wireOf, type StyleWire } from './description.ts';
import { AWS_EC2 } from './descriptions/aws-ec2.ts';
import type { Dialect, DialectContext, InstanceResult, OperationCall, Outcome, ParamValue, WireRequest, WireResponse } from './types.ts';
import { contentTypeOf, encodePairs, excerpt, field, isRecord, joinUrl, neverThrows, outcomeOf, textField, validateSchema, xmlRoot, type OutcomeBase } from './wire-util.ts';

/** The EC2 API version (aws-ec2.md:16). */
export const AWS_EC2_VERSION = AWS_EC2.version.value;

/**
 * The options fast-xml-parser runs with; the spec's schemas describe what this produces (the root element name as the
 * single key, the xmlns attribute dropped, every text a string, an empty element '', a list one object or an array).
 */
export const EC2_XML_PARSE_OPTIONS = Object.freeze({ ignoreAttributes: true, parseTagValue: false, trimValues: true });

/** The form content type the AWS SDK sends (aws-ec2.md:21). */
export const EC2_FORM_TYPE = 'application/x-www-form-urlencoded; charset=utf-8';

/** EC2's state codes by name: the low byte of `code` (aws-ec2.md:71-72). */
export const EC2_STATE_CODES: Readonly<Record<string, number>> = Object.freeze({
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
});

type Pair = readonly [string, string];

function wireValue(wire: StyleWire, value: Exclude<ParamValue, null>): string {
  return String(typeof value === 'boolean' ? spellBoolean(wire, value) : value);
}

/** The Query parameters of a call (Action and Version first), in a stable order. */
function queryParams(call: OperationCall, wire: StyleWire): Pair[] {
  const pairs: Pair[] = [[wire.action.name, call.action ?? AWS_EC2.actions[call.operation]]];
  if (call.version !== null && wire.version !== null) pairs.push([wire.version.name, call.version ?? AWS_EC2.version.value]);
  const ids = wire.ids;
  if (ids.in === 'query') call.instanceIds?.forEach((id, i) => pairs.push([`${ids.name}.${i + ids.indexBase}`, id]));
  const params = call.params ?? {};
  if (call.operation === 'DescribeStatus') {
    // aws-ec2.md:174-176: every state, never MaxResults, the previous answer's token.
    if (!Object.hasOwn(params, 'IncludeAllInstances')) pairs.push(['IncludeAllInstances', 'true']);
    if (call.pageToken !== undefined) pairs.push([AWS_EC2.statusQuery.startParam, call.pageToken]);
  }
  for (const [key, value] of Object.entries(params)) if (value !== null) pairs.push([key, wireValue(wire, value)]);
  return pairs;
}

function encodeEc2(call: OperationCall, ctx: DialectContext): WireRequest {
  const style = call.style ?? AWS_EC2.styles[0] ?? 'form-post';
  if (!AWS_EC2.styles.includes(style)) throw new UsageError(`aws-ec2 speaks ${AWS_EC2.styles.join(', ')}, not '${style}'`);
  const wire = wireOf(AWS_EC2, style);
  const params = queryParams(call, wire);
  const extra: Pair[] = (call.extraQuery ?? []).map(([k, v]) => [k, v] as const);
  const region = (call.region ?? undefined) ?? ctx.region ?? AWS_EC2.region?.default ?? 'us-east-1';
  const service = wire.signer.scheme === 'sigv4' ? wire.signer.service : 'ec2';
  let url: string;
  let body: string | undefined;
  const headers: Record<string, string> = {};
  if (wire.method === 'GET') {
    url = joinUrl(ctx.baseUrl, AWS_EC2.path, encodePairs([...params, ...extra]));
    body = call.rawBody;
    if (call.contentType !== undefined) headers['content-type'] = call.contentType;
  } else {
    url = joinUrl(ctx.baseUrl, AWS_EC2.path, encodePairs(extra));
    body = call.rawBody ?? encodePairs(params);
    headers['content-type'] = call.contentType ?? EC2_FORM_TYPE;
  }
  const signed = signSigV4({
    credentials: ctx.credentials,
    region,
    service,
    method: wire.method,
    url,
    headers,
    body: body ?? '',
    nowMs: (ctx.now ?? Date.now)(),
  });
  return body === undefined ? { method: wire.method, url, headers: signed } : { method: wire.method, url, headers: signed, body };
}

type Base = OutcomeBase;
const outcome = outcomeOf;

/** A list as parsed: one element is an object, several an array, none ''. */
function listOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === '' ? [] : [value];
}

/** `container.item` as a list (aws-ec2.md:84: a `*Set` holds its entries as `item` elements). */
function items(container: unknown): unknown[] {
  return isRecord(container) ? listOf(field(container, 'item')) : [];
}

/** The state name of an `InstanceState`, checking its code's low byte against it (aws-ec2.md:184). */
function stateName(state: unknown, where: string, problems: string[] | undefined): string | undefined {
  if (!isRecord(state)) return undefined;
  const name = textField(state, 'name');
  const code = textField(state, 'code');
  if (problems !== undefined && name !== undefined && code !== undefined && EC2_STATE_CODES[name] !== undefined) {
    const low = /^\d+$/.test(code) ? Number(code) % 256 : undefined;
    if (low !== EC2_STATE_CODES[name]) problems.push(`${where}: code ${code} does not match name ${name} (its low byte must be ${EC2_STATE_CODES[name]}, aws-ec2.md:184)`);
  }
  return name;
}

/** The entries of a success: StopInstances `instancesSet`, or the status query's `instanceStatusSet`. */
function entries(call: OperationCall, inner: Record<string, unknown>, problems: string[]): InstanceResult[] | undefined {
  const stop = call.operation === 'StopInstances';
  const setName = stop ? 'instancesSet' : 'instanceStatusSet';
  const set = field(inner, setName);
  if (set === undefined) {
    problems.push(`${setName} is missing`);
    return undefined;
  }
  const out: InstanceResult[] = [];
  items(set).forEach((item, i) => {
    const id = isRecord(item) ? textField(item, 'instanceId') : undefined;
    if (!isRecord(item) || id === undefined) {
      if (stop) problems.push(`${setName}.item[${i}] has no instanceId`);
      return;
    }
    const r: { -readonly [K in keyof InstanceResult]: InstanceResult[K] } = { instanceId: id };
    const current = stateName(field(item, stop ? 'currentState' : 'instanceState'), `${setName}.item[${i}].${stop ? 'currentState' : 'instanceState'}`, stop ? problems : undefined);
    if (current !== undefined) r.status = current;
    if (stop) {
      const previous = stateName(field(item, 'previousState'), `${setName}.item[${i}].previousState`, problems);
      if (previous !== undefined) r.previousStatus = previous;
    }
    out.push(r);
  });
  return out;
}

function decodeEc2(call: OperationCall, response: WireResponse): Outcome {
  const base: Base = { httpStatus: response.status, contentType: contentTypeOf(response) };
  const text = response.bodyText;
  if (text.trim() === '') return outcome(base, { format: 'empty', decodeProblems: ['body is empty (no envelope)'] });
  const valid = text.trimStart().startsWith('<') ? XMLValidator.validate(text) : { err: { msg: 'not XML' } };
  if (valid !== true) {
    return outcome(base, { format: 'unparseable', decodeProblems: [`body is not well-formed XML: ${valid.err.msg} (starts "${excerpt(text)}")`] });
  }
  const parsed: unknown = new XMLParser(EC2_XML_PARSE_OPTIONS).parse(text);
  const single = xmlRoot(parsed);
  if (single === undefined) return outcome(base, { format: 'xml', body: parsed, decodeProblems: ['XML body has no single root element'] });
  const { root, body, inner } = single;
  const status = base.httpStatus;
  if (status >= 200 && status < 300) {
    // aws-ec2.md:83: the root of a success is the operation's name followed by Response.
    const expected = `${AWS_EC2.actions[call.operation]}Response`;
    const problems: string[] = root === expected ? [] : [`XML root element <${root}>, expected <${expected}> for HTTP ${status}`];
    const instances = entries(call, inner, problems);
    const nextToken = call.operation === 'DescribeStatus' ? textField(inner, 'nextToken') : undefined;
    return outcome(base, {
      format: 'xml',
      body,
      requestId: textField(inner, 'requestId'),
      ok: root === expected,
      instances,
      schemaErrors: validateSchema(AWS_EC2.name, call.operation === 'StopInstances' ? 'StopInstancesResponse' : 'DescribeStatusResponse', body),
      decodeProblems: problems,
      ...(nextToken !== undefined && nextToken !== '' ? { nextToken } : {}),
    });
  }
  const problems: string[] = [];
  if (status < 400) problems.push(`HTTP ${status} is neither a success (2xx) nor an error (4xx/5xx)`);
  if (root !== 'Response') problems.push(`XML root element <${root}>, expected <Response> for HTTP ${status}`);
  // aws-ec2.md:200: the first Error's Code and Message.
  const first = listOf(isRecord(field(inner, 'Errors')) ? field(field(inner, 'Errors') as Record<string, unknown>, 'Error') : undefined)[0];
  const code = isRecord(first) ? textField(first, 'Code') : undefined;
  if (status >= 400 && code === undefined) problems.push(`HTTP ${status} answer without an error code (Response/Errors/Error/Code)`);
  return outcome(base, {
    format: 'xml',
    body,
    requestId: textField(inner, 'RequestID'),
    error: status >= 400 && code !== undefined ? { code, message: (isRecord(first) ? textField(first, 'Message') : undefined) ?? '' } : undefined,
    schemaErrors: validateSchema(AWS_EC2.name, 'ErrorResponse', body),
    decodeProblems: problems,
  });
}

/**
 * aws-ec2 (specs/sources/aws-ec2.md).
 *
 * @example
 * awsEc2.encode({ operation: 'StopInstances', instanceIds: ['i-0123456789abcdef0'], params: { Force: true } }, ctx)
 */
export const awsEc2: Dialect = Object.freeze({
  ...AWS_EC2,
  instanceId(token: string): string {
    return makeInstanceId(AWS_EC2.ids.make, token);
  },
  encode: encodeEc2,
  decode: neverThrows(decodeEc2),
} satisfies Dialect);
