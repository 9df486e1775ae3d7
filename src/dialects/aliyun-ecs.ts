/**
 * The aliyun-ecs dialect (DESIGN.md §2, seed 004): RPC-style `?Action=StopInstances&Version=2014-05-26&RegionId=..
 * &InstanceId.N=..` as a GET query, a form POST, or ACS3 (action in `x-acs-action`, parameters in the query).
 * Success is HTTP 200 without `Code` (004:144-172), errors `{RequestId,HostId,Code,Message}` with HTTP 4xx/5xx
 * (004:174-186), or `<Error>` XML when `Format=XML` (004:112-142 show the XML success form).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { UsageError } from '../errors.ts';
import { signAcs3 } from '../signing/acs3.ts';
import { parseFormPairs, rpcCommonParams, signRpc } from '../signing/aliyun-rpc.ts';
import { makeInstanceId, spellBoolean, wireOf, type StyleWire } from './description.ts';
import { ALIYUN_ECS } from './descriptions/aliyun-ecs.ts';
import type {
  Dialect,
  DialectContext,
  InstanceResult,
  OperationCall,
  Outcome,
  ParamValue,
  WireRequest,
  WireResponse,
  WireStyle,
} from './types.ts';
import {
  contentTypeOf,
  encodePairs,
  excerpt,
  field,
  hostOf,
  isRecord,
  joinUrl,
  neverThrows,
  outcomeOf,
  parseJson,
  textField,
  validateSchema,
  xmlRoot,
  type OutcomeBase,
} from './wire-util.ts';

/** The ECS API version (DESIGN.md §2; seed 004 names the 2014-05-26 RPC API in seeds/README.md). */
export const ALIYUN_ECS_VERSION = ALIYUN_ECS.version.value;

/**
 * The options fast-xml-parser runs with; the spec's `*Xml` schemas describe exactly what this produces (root element
 * name as the single key, text values as strings, an empty element as '').
 */
export const ALIYUN_XML_PARSE_OPTIONS = Object.freeze({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name: string): boolean => name === 'InstanceResponse' || name === 'InstanceStatus',
});

const STYLES: readonly WireStyle[] = ALIYUN_ECS.styles;
const FORM_TYPE = 'application/x-www-form-urlencoded';

type Pair = readonly [string, string];

/** A parameter value as the style spells it (booleans `true`/`false`). */
function wireValue(wire: StyleWire, value: Exclude<ParamValue, null>): string {
  return String(typeof value === 'boolean' ? spellBoolean(wire, value) : value);
}

/** The operation's own action (what an answer is decoded as). */
function actionOf(call: OperationCall): string {
  return ALIYUN_ECS.actions[call.operation];
}

/** The action a call sends: its raw `action` when set, else the operation's. */
function wireAction(call: OperationCall): string {
  return call.action ?? actionOf(call);
}

/** The API parameters of a call in a style (no Action/Version, no signing parameters), in a stable order. */
function apiParams(call: OperationCall, ctx: DialectContext, wire: StyleWire): Pair[] {
  const pairs: Pair[] = [];
  const region = call.region === undefined ? (ctx.region ?? ALIYUN_ECS.region?.default ?? null) : call.region;
  if (region !== null && wire.region !== null) pairs.push([wire.region.name, region]);
  const ids = wire.ids;
  if (ids.in === 'query') call.instanceIds?.forEach((id, i) => pairs.push([`${ids.name}.${i + ids.indexBase}`, id]));
  if (call.operation === 'DescribeStatus') {
    if (call.pageSize !== undefined) pairs.push([ALIYUN_ECS.statusQuery.sizeParam, String(call.pageSize)]);
    if (call.page !== undefined) pairs.push([ALIYUN_ECS.statusQuery.startParam, String(call.page)]);
  }
  const params = call.params ?? {};
  for (const [key, value] of Object.entries(params)) {
    if (value !== null) pairs.push([key, wireValue(wire, value)]);
  }
  if (!Object.hasOwn(params, 'Format')) pairs.push(['Format', call.format ?? 'JSON']);
  return pairs;
}

function encodeAliyun(call: OperationCall, ctx: DialectContext): WireRequest {
  const style = call.style ?? 'query-get';
  if (!STYLES.includes(style)) throw new UsageError(`aliyun-ecs speaks ${STYLES.join(', ')}, not '${style}'`);
  const action = wireAction(call);
  const nowMs = (ctx.now ?? Date.now)();
  const extra: Pair[] = (call.extraQuery ?? []).map(([k, v]) => [k, v] as const);
  const wire = wireOf(ALIYUN_ECS, style);
  const api = apiParams(call, ctx, wire);

  if (style === 'acs3') {
    // ACS3 signs the version header: the style always sends one.
    if (call.version === null) throw new UsageError('the acs3 style always sends x-acs-version; leave the Version out in the query-get or form-post style');
    const query = [...api, ...extra];
    const url = joinUrl(ctx.baseUrl, ALIYUN_ECS.path, encodePairs(query));
    const headers = signAcs3({
      credentials: ctx.credentials,
      method: 'POST',
      host: hostOf(url),
      path: new URL(url).pathname,
      query,
      action,
      version: call.version ?? ALIYUN_ECS.version.value,
      body: call.rawBody ?? '',
      contentType: call.contentType,
      nowMs,
    });
    return call.rawBody === undefined ? { method: 'POST', url, headers } : { method: 'POST', url, headers, body: call.rawBody };
  }

  const version: Pair[] = call.version === null || wire.version === null ? [] : [[wire.version.name, call.version ?? ALIYUN_ECS.version.value]];
  const rpc: Pair[] = [[wire.action.name, action], ...version, ...api, ...rpcCommonParams(ctx.credentials, nowMs)];
  if (style === 'query-get') {
    const signature = signRpc('GET', [...rpc, ...extra], ctx.credentials);
    const url = joinUrl(ctx.baseUrl, ALIYUN_ECS.path, encodePairs([...rpc, ...extra, ['Signature', signature]]));
    const headers: Record<string, string> = call.contentType === undefined ? {} : { 'content-type': call.contentType };
    return call.rawBody === undefined ? { method: 'GET', url, headers } : { method: 'GET', url, headers, body: call.rawBody };
  }

  // form-post
  const contentType = call.contentType ?? FORM_TYPE;
  if (call.rawBody === undefined) {
    const signature = signRpc('POST', [...rpc, ...extra], ctx.credentials);
    return {
      method: 'POST',
      url: joinUrl(ctx.baseUrl, ALIYUN_ECS.path, encodePairs(extra)),
      headers: { 'content-type': contentType },
      body: encodePairs([...rpc, ['Signature', signature]]),
    };
  }
  // An exact body was asked for: the parameters move to the query, signed together with what the body declares.
  const inBody = contentType.toLowerCase().startsWith(FORM_TYPE) ? parseFormPairs(call.rawBody) : [];
  const signature = signRpc('POST', [...rpc, ...extra, ...inBody], ctx.credentials);
  return {
    method: 'POST',
    url: joinUrl(ctx.baseUrl, ALIYUN_ECS.path, encodePairs([...rpc, ...extra, ['Signature', signature]])),
    headers: { 'content-type': contentType },
    body: call.rawBody,
  };
}

/**
 * Extract the per-instance list or status list from a success envelope's inner object. A status answer is read for its
 * ids and status words only (DESIGN.md §3): entries without an id are left out; a missing list is a problem.
 */
function extractEntries(call: OperationCall, inner: Record<string, unknown>, problems: string[]): InstanceResult[] | undefined {
  const stop = call.operation === 'StopInstances';
  const [listKey, itemKey] = stop ? ['InstanceResponses', 'InstanceResponse'] : ['InstanceStatuses', 'InstanceStatus'];
  const container = field(inner, listKey);
  if (container === undefined) {
    if (!stop) problems.push(`${listKey} is missing`);
    return undefined;
  }
  // An empty XML element parses to ''.
  const list = container === '' ? [] : isRecord(container) ? (field(container, itemKey) ?? []) : undefined;
  if (!Array.isArray(list)) {
    problems.push(`${listKey}.${itemKey} is not a list`);
    return undefined;
  }
  const instances: InstanceResult[] = [];
  list.forEach((entry: unknown, i) => {
    const id = isRecord(entry) ? textField(entry, 'InstanceId') : undefined;
    if (!isRecord(entry) || id === undefined) {
      if (stop) problems.push(`${listKey}.${itemKey}[${i}] has no InstanceId`);
      return;
    }
    const r: { -readonly [K in keyof InstanceResult]: InstanceResult[K] } = { instanceId: id };
    const status = textField(entry, stop ? 'CurrentStatus' : 'Status');
    if (status !== undefined) r.status = status;
    if (stop) {
      const previous = textField(entry, 'PreviousStatus');
      const code = textField(entry, 'Code');
      const message = textField(entry, 'Message');
      if (previous !== undefined) r.previousStatus = previous;
      if (code !== undefined) r.code = code;
      if (message !== undefined) r.message = message;
    }
    instances.push(r);
  });
  return instances;
}

type Base = OutcomeBase;
const outcome = outcomeOf;

/** What an answer is by its HTTP status (DESIGN.md §3 "What makes an answer an error": 2xx success, 4xx/5xx error). */
function kindOf(httpStatus: number): 'success' | 'error' | 'neither' {
  if (httpStatus >= 200 && httpStatus < 300) return 'success';
  return httpStatus >= 400 ? 'error' : 'neither';
}

/** Decode a parsed envelope (JSON body, or the XML root's content) by the answer's kind. */
function decodeEnvelope(call: OperationCall, base: Base, format: 'json' | 'xml', body: unknown, inner: Record<string, unknown>, problems: string[]): Outcome {
  const suffix = format === 'xml' ? 'Xml' : '';
  const successSchema = `${call.operation === 'StopInstances' ? 'StopInstancesResponse' : 'DescribeStatusResponse'}${suffix}`;
  const requestId = textField(inner, 'RequestId');
  const kind = kindOf(base.httpStatus);
  if (kind !== 'success') {
    const code = textField(inner, 'Code');
    if (kind === 'neither') problems.push(`HTTP ${base.httpStatus} is neither a success (2xx) nor an error (4xx/5xx)`);
    else if (code === undefined) problems.push(`HTTP ${base.httpStatus} answer without an error code (Code)`);
    return outcome(base, {
      format,
      body,
      requestId,
      error: kind === 'error' && code !== undefined ? { code, message: textField(inner, 'Message') ?? '' } : undefined,
      schemaErrors: validateSchema('aliyun-ecs', `ErrorResponse${suffix}`, body),
      decodeProblems: problems,
    });
  }
  // A 2xx answer is a success whatever else it carries (a `Code` member included).
  const instances = extractEntries(call, inner, problems);
  return outcome(base, {
    format,
    body,
    requestId,
    ok: true,
    instances,
    schemaErrors: validateSchema('aliyun-ecs', successSchema, body),
    decodeProblems: problems,
  });
}

function decodeXml(call: OperationCall, base: Base, text: string): Outcome {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    return outcome(base, {
      format: 'unparseable',
      decodeProblems: [`body is not well-formed XML: ${valid.err.msg} (starts "${excerpt(text)}")`],
    });
  }
  let parsed: unknown;
  try {
    parsed = new XMLParser(ALIYUN_XML_PARSE_OPTIONS).parse(text);
  } catch (err: unknown) {
    return outcome(base, {
      format: 'unparseable',
      decodeProblems: [`body could not be parsed as XML: ${err instanceof Error ? err.message : String(err)}`],
    });
  }
  const single = xmlRoot(parsed);
  if (single === undefined) return outcome(base, { format: 'xml', body: parsed, decodeProblems: ['XML body has no single root element'] });
  const { root, body, inner } = single;
  // The root names the envelope: <StopInstancesResponse> for a success (004:117), <Error> for an error (DESIGN.md §2).
  const expected = kindOf(base.httpStatus) === 'success' ? `${actionOf(call)}Response` : 'Error';
  if (root === expected) return decodeEnvelope(call, base, 'xml', body, inner, []);
  // Another root is not the envelope at all (an HTML page, another action's answer): never the success.
  const decoded = decodeEnvelope(call, base, 'xml', body, inner, [`XML root element <${root}>, expected <${expected}> for HTTP ${base.httpStatus}`]);
  return { ...decoded, ok: false };
}

function decodeAliyun(call: OperationCall, response: WireResponse): Outcome {
  const contentType = contentTypeOf(response);
  const base: Base = { httpStatus: response.status, contentType };
  const text = response.bodyText;
  if (text.trim() === '') return outcome(base, { format: 'empty', decodeProblems: ['body is empty (no envelope)'] });
  // The body is read for what it is (the content-type check judges the header against Format, 004:112-147).
  const startsXml = text.trimStart().startsWith('<');
  const saysXml = /xml/i.test(contentType ?? '');
  const parsedJson = startsXml ? undefined : parseJson(text);
  if (startsXml || (saysXml && !parsedJson?.ok)) return decodeXml(call, base, text);
  if (!parsedJson || !parsedJson.ok) {
    return outcome(base, {
      format: 'unparseable',
      decodeProblems: [`${parsedJson?.problem ?? 'body is not JSON'} (starts "${excerpt(text)}")`],
    });
  }
  const body = parsedJson.value;
  if (!isRecord(body)) {
    const schema = kindOf(response.status) === 'success' ? (call.operation === 'StopInstances' ? 'StopInstancesResponse' : 'DescribeStatusResponse') : 'ErrorResponse';
    return outcome(base, {
      format: 'json',
      body,
      schemaErrors: validateSchema('aliyun-ecs', schema, body),
      decodeProblems: ['body is JSON but not an object (no envelope)'],
    });
  }
  return decodeEnvelope(call, base, 'json', body, body, []);
}

/**
 * aliyun-ecs (seed 004).
 *
 * @example
 * aliyunEcs.encode({ operation: 'StopInstances', instanceIds: ['i-abc'], params: { ForceStop: true } }, ctx)
 */
export const aliyunEcs: Dialect = Object.freeze({
  ...ALIYUN_ECS,
  instanceId(token: string): string {
    return makeInstanceId(ALIYUN_ECS.ids.make, token);
  },
  encode: encodeAliyun,
  decode: neverThrows(decodeAliyun),
} satisfies Dialect);
