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
import { STATUS_WORDS } from './vocabulary.ts';
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
  parseJson,
  textField,
  tokenDigest,
  validateSchema,
} from './wire-util.ts';

/** The ECS API version (DESIGN.md §2; seed 004 names the 2014-05-26 RPC API in seeds/README.md). */
export const ALIYUN_ECS_VERSION = '2014-05-26';

/** Region used when neither the call nor the context names one. */
export const ALIYUN_DEFAULT_REGION = 'cn-hangzhou';

/** Ids per status query: the API's maximum `PageSize` (DESIGN.md §3), asked explicitly. */
export const ALIYUN_STATUS_PAGE_SIZE = 50;

/** ECS status words (DESIGN.md §2). */
export const ALIYUN_STATUS_WORDS: readonly string[] = STATUS_WORDS['aliyun-ecs'];

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

const STYLES: readonly WireStyle[] = Object.freeze(['query-get', 'form-post', 'acs3'] as const);
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const FORM_TYPE = 'application/x-www-form-urlencoded';

type Pair = readonly [string, string];

function wireValue(value: Exclude<ParamValue, null>): string {
  return typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
}

/** The operation's own action (what an answer is decoded as). */
function actionOf(call: OperationCall): string {
  return call.operation === 'StopInstances' ? 'StopInstances' : 'DescribeInstanceStatus';
}

/** The action a call sends: its raw `action` when set, else the operation's. */
function wireAction(call: OperationCall): string {
  return call.action ?? actionOf(call);
}

/** The API parameters of a call (no Action/Version, no signing parameters), in a stable order. */
function apiParams(call: OperationCall, ctx: DialectContext): Pair[] {
  const pairs: Pair[] = [];
  const region = call.region === undefined ? (ctx.region ?? ALIYUN_DEFAULT_REGION) : call.region;
  if (region !== null) pairs.push(['RegionId', region]);
  call.instanceIds?.forEach((id, i) => pairs.push([`InstanceId.${i + 1}`, id]));
  if (call.operation === 'DescribeStatus') {
    if (call.pageSize !== undefined) pairs.push(['PageSize', String(call.pageSize)]);
    if (call.page !== undefined) pairs.push(['PageNumber', String(call.page)]);
  }
  const params = call.params ?? {};
  for (const [key, value] of Object.entries(params)) {
    if (value !== null) pairs.push([key, wireValue(value)]);
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
  const api = apiParams(call, ctx);

  if (style === 'acs3') {
    const query = [...api, ...extra];
    const url = joinUrl(ctx.baseUrl, '/', encodePairs(query));
    const headers = signAcs3({
      credentials: ctx.credentials,
      method: 'POST',
      host: hostOf(url),
      path: new URL(url).pathname,
      query,
      action,
      version: ALIYUN_ECS_VERSION,
      body: call.rawBody ?? '',
      contentType: call.contentType,
      nowMs,
    });
    return call.rawBody === undefined ? { method: 'POST', url, headers } : { method: 'POST', url, headers, body: call.rawBody };
  }

  const rpc: Pair[] = [['Action', action], ['Version', ALIYUN_ECS_VERSION], ...api, ...rpcCommonParams(ctx.credentials, nowMs)];
  if (style === 'query-get') {
    const signature = signRpc('GET', [...rpc, ...extra], ctx.credentials);
    const url = joinUrl(ctx.baseUrl, '/', encodePairs([...rpc, ...extra, ['Signature', signature]]));
    const headers: Record<string, string> = call.contentType === undefined ? {} : { 'content-type': call.contentType };
    return call.rawBody === undefined ? { method: 'GET', url, headers } : { method: 'GET', url, headers, body: call.rawBody };
  }

  // form-post
  const contentType = call.contentType ?? FORM_TYPE;
  if (call.rawBody === undefined) {
    const signature = signRpc('POST', [...rpc, ...extra], ctx.credentials);
    return {
      method: 'POST',
      url: joinUrl(ctx.baseUrl, '/', encodePairs(extra)),
      headers: { 'content-type': contentType },
      body: encodePairs([...rpc, ['Signature', signature]]),
    };
  }
  // An exact body was asked for: the parameters move to the query, signed together with what the body declares.
  const inBody = contentType.toLowerCase().startsWith(FORM_TYPE) ? parseFormPairs(call.rawBody) : [];
  const signature = signRpc('POST', [...rpc, ...extra, ...inBody], ctx.credentials);
  return {
    method: 'POST',
    url: joinUrl(ctx.baseUrl, '/', encodePairs([...rpc, ...extra, ['Signature', signature]])),
    headers: { 'content-type': contentType },
    body: call.rawBody,
  };
}

/** Extract the per-instance list or status list from a success envelope's inner object. */
function extractEntries(
  call: OperationCall,
  inner: Record<string, unknown>,
  problems: string[],
): { instances: InstanceResult[] | undefined; totalCount: number | undefined } {
  const [listKey, itemKey] =
    call.operation === 'StopInstances' ? ['InstanceResponses', 'InstanceResponse'] : ['InstanceStatuses', 'InstanceStatus'];
  const container = field(inner, listKey);
  let totalCount: number | undefined;
  if (call.operation === 'DescribeStatus') {
    const total = textField(inner, 'TotalCount');
    if (total !== undefined && /^\d+$/.test(total.trim())) totalCount = Number(total.trim());
  }
  if (container === undefined) {
    if (call.operation === 'DescribeStatus') problems.push(`${listKey} is missing`);
    return { instances: undefined, totalCount };
  }
  // An empty XML element parses to ''.
  const list = container === '' ? [] : isRecord(container) ? (field(container, itemKey) ?? []) : undefined;
  if (!Array.isArray(list)) {
    problems.push(`${listKey}.${itemKey} is not a list`);
    return { instances: undefined, totalCount };
  }
  const instances: InstanceResult[] = [];
  list.forEach((entry: unknown, i) => {
    const id = isRecord(entry) ? textField(entry, 'InstanceId') : undefined;
    if (!isRecord(entry) || id === undefined) {
      problems.push(`${listKey}.${itemKey}[${i}] has no InstanceId`);
      return;
    }
    const r: { -readonly [K in keyof InstanceResult]: InstanceResult[K] } = { instanceId: id };
    const status = textField(entry, call.operation === 'StopInstances' ? 'CurrentStatus' : 'Status');
    if (status !== undefined) r.status = status;
    if (call.operation === 'StopInstances') {
      const previous = textField(entry, 'PreviousStatus');
      const code = textField(entry, 'Code');
      const message = textField(entry, 'Message');
      if (previous !== undefined) r.previousStatus = previous;
      if (code !== undefined) r.code = code;
      if (message !== undefined) r.message = message;
    }
    instances.push(r);
  });
  return { instances, totalCount };
}

interface Base {
  readonly httpStatus: number;
  readonly contentType: string | undefined;
}

function outcome(base: Base, rest: Partial<Outcome> & Pick<Outcome, 'format'>): Outcome {
  return {
    ...base,
    body: undefined,
    requestId: undefined,
    ok: false,
    error: undefined,
    instances: undefined,
    totalCount: undefined,
    schemaErrors: [],
    decodeProblems: [],
    ...rest,
  };
}

/** Decode a parsed envelope (JSON body, or the XML root's content) once its kind is known. */
function decodeEnvelope(
  call: OperationCall,
  base: Base,
  format: 'json' | 'xml',
  body: unknown,
  inner: Record<string, unknown>,
  kind: 'error' | 'success' | 'unknown',
  problems: string[],
): Outcome {
  const is2xx = base.httpStatus >= 200 && base.httpStatus < 300;
  const suffix = format === 'xml' ? 'Xml' : '';
  const successSchema = `${call.operation === 'StopInstances' ? 'StopInstancesResponse' : 'DescribeStatusResponse'}${suffix}`;
  const requestId = textField(inner, 'RequestId');
  if (kind === 'error') {
    return outcome(base, {
      format,
      body,
      requestId,
      error: { code: textField(inner, 'Code') ?? '', message: textField(inner, 'Message') ?? '' },
      schemaErrors: validateSchema('aliyun-ecs', `ErrorResponse${suffix}`, body),
      decodeProblems: problems,
    });
  }
  if (kind === 'success' && !is2xx) {
    problems.push(`HTTP ${base.httpStatus} answer without an error envelope (Code, Message)`);
  }
  const { instances, totalCount } = extractEntries(call, inner, problems);
  return outcome(base, {
    format,
    body,
    requestId,
    ok: kind === 'success' && is2xx,
    instances,
    totalCount,
    schemaErrors: validateSchema('aliyun-ecs', is2xx ? successSchema : `ErrorResponse${suffix}`, body),
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
  const roots = isRecord(parsed) ? Object.keys(parsed).filter((k) => !k.startsWith('?') && !k.startsWith('!')) : [];
  const root = roots[0];
  if (!isRecord(parsed) || root === undefined || roots.length !== 1) {
    return outcome(base, { format: 'xml', body: parsed, decodeProblems: ['XML body has no single root element'] });
  }
  const rootValue = field(parsed, root);
  const body = { [root]: rootValue };
  const inner = isRecord(rootValue) ? rootValue : {};
  const expected = `${actionOf(call)}Response`;
  const problems: string[] = [];
  let kind: 'error' | 'success' | 'unknown';
  if (root === 'Error') kind = 'error';
  else if (root === expected) kind = 'success';
  else {
    kind = 'unknown';
    problems.push(`XML root element <${root}> is neither <${expected}> nor <Error>`);
  }
  return decodeEnvelope(call, base, 'xml', body, inner, kind, problems);
}

function decodeAliyun(call: OperationCall, response: WireResponse): Outcome {
  const contentType = contentTypeOf(response);
  const base: Base = { httpStatus: response.status, contentType };
  const text = response.bodyText;
  if (text.trim() === '') return outcome(base, { format: 'empty', decodeProblems: ['body is empty (no envelope)'] });
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
  const problems: string[] = saysXml ? [`content type "${contentType ?? ''}" says XML but the body is JSON`] : [];
  if (!isRecord(body)) {
    const is2xx = response.status >= 200 && response.status < 300;
    const schema = is2xx ? (call.operation === 'StopInstances' ? 'StopInstancesResponse' : 'DescribeStatusResponse') : 'ErrorResponse';
    return outcome(base, {
      format: 'json',
      body,
      schemaErrors: validateSchema('aliyun-ecs', schema, body),
      decodeProblems: [...problems, 'body is JSON but not an object (no envelope)'],
    });
  }
  return decodeEnvelope(call, base, 'json', body, body, Object.hasOwn(body, 'Code') ? 'error' : 'success', problems);
}

/**
 * aliyun-ecs (seed 004).
 *
 * @example
 * aliyunEcs.encode({ operation: 'StopInstances', instanceIds: ['i-abc'], params: { ForceStop: true } }, ctx)
 */
export const aliyunEcs: Dialect = Object.freeze({
  name: 'aliyun-ecs',
  specFile: 'specs/aliyun-ecs.yaml',
  styles: STYLES,
  statusWords: ALIYUN_STATUS_WORDS,
  lifecycle: Object.freeze({ running: 'Running', stopping: 'Stopping', stopped: 'Stopped' }),
  errorsAsHttp200: false,
  statusPageSize: ALIYUN_STATUS_PAGE_SIZE,
  statusPaging: 'page-number',
  uniqueRequestIds: false,
  instanceId(token: string): string {
    const digest = tokenDigest(token);
    let suffix = '';
    for (let i = 0; i < 18; i++) suffix += ID_ALPHABET[(digest[i] ?? 0) % ID_ALPHABET.length];
    return `i-${suffix}`;
  },
  encode: encodeAliyun,
  decode(call: OperationCall, response: WireResponse): Outcome {
    try {
      return decodeAliyun(call, response);
    } catch (err: unknown) {
      return outcome(
        { httpStatus: response.status, contentType: contentTypeOf(response) },
        { format: 'unparseable', decodeProblems: [`decoding failed: ${err instanceof Error ? err.message : String(err)}`] },
      );
    }
  },
} satisfies Dialect);
