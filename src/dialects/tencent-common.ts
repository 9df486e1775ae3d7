/**
 * What tencent-cvm-api2 and tencent-cvm-api3 share (DESIGN.md §2): the query-string encoding with its HmacSHA256
 * signature, and the decoding of the `{"Response": ...}` envelope. The facts (version, region, ids, status words)
 * are the dialects' descriptions (`descriptions/tencent*.ts`).
 */
import { randomInt } from 'node:crypto';
import { UsageError } from '../errors.ts';
import { encodeQueryPairs, signTencentV2, type ParamPair } from '../signing/tencent-v2.ts';
import { schemaValidator } from '../specs/validator.ts';
import { defaultWire, makeInstanceId, memberAt, requestIdOf, spellBoolean, wireOf, type DialectDescription, type StyleWire } from './description.ts';
import { parseJson } from './wire-util.ts';
import type {
  DialectContext,
  DialectName,
  InstanceResult,
  OperationCall,
  Outcome,
  ParamValue,
  WireRequest,
  WireResponse,
  WireStyle,
} from './types.ts';
import { TENCENT_COMMON } from './descriptions/tencent.ts';
import { TENCENT_CVM_API2 } from './descriptions/tencent-cvm-api2.ts';

/**
 * A valid CVM instance id (`ins-` + 8 of `[a-z0-9]`) derived deterministically from a token by SHA-256.
 *
 * @example
 * tencentInstanceId('case-1/a') // 'ins-' + 8 characters, always the same for this token
 */
export function tencentInstanceId(token: string): string {
  return makeInstanceId(TENCENT_COMMON.ids.make, token);
}

/** The vendor action a call sends: its raw `action` when set, else the operation's (`DescribeInstancesStatus`...). */
export function tencentAction(call: OperationCall): string {
  return call.action ?? TENCENT_COMMON.actions[call.operation];
}

/** The region to send: the call's, else the context's, else `ap-guangzhou`; `null` on the call omits it. */
export function tencentRegion(call: OperationCall, ctx: DialectContext): string | undefined {
  if (call.region === null) return undefined;
  return call.region ?? ctx.region ?? TENCENT_COMMON.region.default;
}

/** A parameter value in a query string: booleans as the style spells them (`TRUE`/`FALSE`, 000:21), numbers in decimal, strings as given. */
export function tencentQueryValue(value: Exclude<ParamValue, null>, wire: StyleWire = TENCENT_QUERY_WIRE): string {
  return String(typeof value === 'boolean' ? spellBoolean(wire, value) : value);
}

/** The wire style to use: the call's (must be one the dialect speaks) or the dialect's first. */
export function pickStyle(dialect: DialectName, styles: readonly WireStyle[], call: OperationCall): WireStyle {
  const style = call.style ?? styles[0];
  if (style === undefined || !styles.includes(style)) {
    throw new UsageError(`${dialect} does not speak the wire style ${String(call.style)} (it speaks ${styles.join(', ')})`);
  }
  return style;
}

/**
 * The target URL for a path appended to the base URL (which may carry a path prefix), without query.
 *
 * @example
 * joinBase('http://127.0.0.1:9000/tencent-cvm-api2/', '/v2/index.php').href
 * // 'http://127.0.0.1:9000/tencent-cvm-api2/v2/index.php'
 */
export function joinBase(baseUrl: string, path: string): URL {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw new UsageError(`target base URL is not a URL: ${baseUrl}`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new UsageError(`target base URL must be http or https: ${baseUrl}`);
  }
  const url = new URL(base.origin);
  url.pathname = base.pathname.replace(/\/+$/, '') + path;
  return url;
}

/** Unix seconds from the context's clock. */
export function nowSeconds(ctx: DialectContext): number {
  return Math.floor((ctx.now ?? Date.now)() / 1000);
}

/** The query-string style of API 2.0 (1-based ids), the default wire of {@link tencentQueryValue}. */
const TENCENT_QUERY_WIRE: StyleWire = defaultWire(TENCENT_CVM_API2);

/**
 * The API parameters of a call as query pairs in a query style's spelling: Action, Version, Region, `InstanceIds.N`
 * (from the style's index base), `Limit`/`Offset` for status queries, then `call.params` (`null` omitted).
 */
export function tencentQueryParams(call: OperationCall, ctx: DialectContext, wire: StyleWire): ParamPair[] {
  const pairs: [string, string][] = [[wire.action.name, tencentAction(call)]];
  if (call.version !== null && wire.version !== null) pairs.push([wire.version.name, call.version ?? TENCENT_COMMON.version.value]);
  const region = tencentRegion(call, ctx);
  if (region !== undefined && wire.region !== null) pairs.push([wire.region.name, region]);
  const base = wire.ids.in === 'query' ? wire.ids.indexBase : 0;
  call.instanceIds?.forEach((id, i) => pairs.push([`${wire.ids.name}.${i + base}`, id]));
  if (call.operation === 'DescribeStatus') {
    if (call.pageSize !== undefined) pairs.push([TENCENT_COMMON.statusQuery.sizeParam, String(call.pageSize)]);
    if (call.page !== undefined) pairs.push([TENCENT_COMMON.statusQuery.startParam, String(call.page)]);
  }
  for (const [name, value] of Object.entries(call.params ?? {})) {
    if (value !== null) pairs.push([name, tencentQueryValue(value, wire)]);
  }
  return pairs;
}

/**
 * A signed GET with everything in the query (API 2.0, and API 3.0's GET with the "signature v1" HmacSHA256) to the
 * dialect's path: the API parameters, then Timestamp, Nonce, SecretId, SignatureMethod, Signature, then
 * `call.extraQuery`. The signature covers every parameter sent (extras included) with the host as addressed (with
 * its port) and the full path (base prefix included).
 */
export function encodeTencentQueryGet(call: OperationCall, ctx: DialectContext, description: DialectDescription): WireRequest {
  const url = joinBase(ctx.baseUrl, description.path);
  const params: ParamPair[] = [
    ...tencentQueryParams(call, ctx, wireOf(description, 'query-get')),
    ['Timestamp', String(nowSeconds(ctx))],
    ['Nonce', String(randomInt(1, 2 ** 31 - 1))],
    ['SecretId', ctx.credentials.accessKeyId],
    ['SignatureMethod', 'HmacSHA256'],
  ];
  const extras = call.extraQuery ?? [];
  const { signature } = signTencentV2({
    credentials: ctx.credentials,
    method: 'GET',
    host: url.host,
    path: url.pathname,
    params: [...params, ...extras],
    signatureMethod: 'HmacSHA256',
  });
  const query = encodeQueryPairs([...params, ['Signature', signature], ...extras]);
  const headers: Record<string, string> = {};
  if (call.contentType !== undefined) headers['content-type'] = call.contentType;
  return {
    method: 'GET',
    url: `${url.origin}${url.pathname}?${query}`,
    headers,
    ...(call.rawBody !== undefined ? { body: call.rawBody } : {}),
  };
}

/** The schema names of the tencent specs that decode validates against. */
export type TencentSchemaName = 'StopInstancesResponse' | 'DescribeStatusResponse' | 'ErrorResponse';

/** Validate a body against a spec schema; a failing validator becomes a line, never an exception. */
function validateSchema(dialect: DialectName, schema: TencentSchemaName, value: unknown): string[] {
  try {
    return schemaValidator(dialect).validate(schema, value);
  } catch (err: unknown) {
    return [`vmconform could not validate against ${schema}: ${err instanceof Error ? err.message : String(err)}`];
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short, printable excerpt of a body for messages. */
function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > 80 ? `${flat.slice(0, 80)}...` : flat);
}

/**
 * Decode any answer of a tencent target into an {@link Outcome}. Never throws. `Response.Error` as an object is the
 * error whatever the HTTP status (DESIGN.md §3: errors travel with HTTP 200; `"Error": null` is none); otherwise HTTP
 * 200 with a `Response` object is the success. The body is read as JSON whatever its Content-Type says (no seed states
 * one, DESIGN.md §3).
 */
export function decodeTencent(dialect: DialectName, call: OperationCall, response: WireResponse): Outcome {
  const contentType = response.headers['content-type'];
  const base = {
    httpStatus: response.status,
    contentType,
    requestId: undefined,
    ok: false,
    error: undefined,
    instances: undefined,
    schemaErrors: [] as string[],
  };
  if (response.bodyText.trim() === '') {
    return { ...base, format: 'empty', body: undefined, decodeProblems: ['empty body, expected a JSON {"Response": ...} envelope'] };
  }
  const parsed = parseJson(response.bodyText);
  if (!parsed.ok) {
    return {
      ...base,
      format: 'unparseable',
      body: undefined,
      decodeProblems: [`${parsed.kind === 'syntax' ? 'body is not JSON' : parsed.problem} (content-type ${contentType ?? 'absent'}): ${excerpt(response.bodyText)}`],
    };
  }
  const body = parsed.value;
  const problems: string[] = [];
  const successSchema = call.operation === 'StopInstances' ? 'StopInstancesResponse' : 'DescribeStatusResponse';
  const shape = TENCENT_COMMON.answers;
  const envelopeName = shape.envelope.join('.');
  const envelope = memberAt(body, shape.envelope);
  if (!isRecord(envelope)) {
    problems.push(isRecord(body) ? `no ${envelopeName} object in the body` : `body is JSON but not an object with a ${envelopeName} object`);
    return { ...base, format: 'json', body, schemaErrors: validateSchema(dialect, successSchema, body), decodeProblems: problems };
  }
  const requestId = requestIdOf(TENCENT_CVM_API2, body);
  const err = memberAt(body, shape.error);
  if (isRecord(err)) {
    const at = shape.error.join('.');
    let code = '';
    let message = '';
    const c = err[shape.errorCode];
    const m = err[shape.errorMessage];
    if (typeof c === 'string') code = c;
    else problems.push(`${at}.${shape.errorCode} is not a string`);
    if (typeof m === 'string') message = m;
    else problems.push(`${at}.${shape.errorMessage} is not a string`);
    return {
      ...base,
      format: 'json',
      body,
      requestId,
      error: { code, message },
      schemaErrors: validateSchema(dialect, 'ErrorResponse', body),
      decodeProblems: problems,
    };
  }
  let instances: InstanceResult[] | undefined;
  if (call.operation === 'DescribeStatus') {
    // DESIGN.md §3: the suite reads the ids and their status words from a status answer, nothing else; entries it
    // cannot read are left out (the instances they would name then read as missing).
    const set = memberAt(body, shape.statusList);
    if (Array.isArray(set)) {
      instances = [];
      for (const entry of set as unknown[]) {
        if (!isRecord(entry) || typeof entry[shape.statusId] !== 'string') continue;
        const state = entry[shape.statusWord];
        instances.push({ instanceId: entry[shape.statusId] as string, ...(typeof state === 'string' ? { status: state } : {}) });
      }
    } else {
      problems.push(`${shape.statusList.join('.')} is not an array`);
    }
  }
  return {
    ...base,
    format: 'json',
    body,
    requestId,
    ok: response.status === 200,
    instances,
    schemaErrors: validateSchema(dialect, successSchema, body),
    decodeProblems: problems,
  };
}
