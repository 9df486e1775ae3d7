/**
 * What tencent-cvm-api2 and tencent-cvm-api3 share (DESIGN.md §2): status words, instance ids, the query-string
 * encoding with its HmacSHA256 signature, and the decoding of the `{"Response": ...}` envelope.
 */
import { createHash, randomInt } from 'node:crypto';
import { UsageError } from '../errors.ts';
import { encodeQueryPairs, signTencentV2, type ParamPair } from '../signing/tencent-v2.ts';
import { schemaValidator } from '../specs/validator.ts';
import { STATUS_WORDS } from './vocabulary.ts';
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

/** The API version both tencent dialects send (000:19, 002:24). */
export const TENCENT_VERSION = '2017-03-12';

/** Region used when neither the call nor the context names one. */
export const TENCENT_DEFAULT_REGION = 'ap-guangzhou';

/** Every CVM status word (DESIGN.md §2). */
export const TENCENT_STATUS_WORDS: readonly string[] = STATUS_WORDS['tencent-cvm-api2'];

/** CVM's words for running, stopping and stopped (000:7-8, 002:9-10). */
export const TENCENT_LIFECYCLE = Object.freeze({ running: 'RUNNING', stopping: 'STOPPING', stopped: 'STOPPED' });

/** Ids per status query: the API's maximum `Limit` (DESIGN.md §3). */
export const TENCENT_STATUS_PAGE_SIZE = 100;

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A valid CVM instance id (`ins-` + 8 of `[a-z0-9]`) derived deterministically from a token by SHA-256.
 *
 * @example
 * tencentInstanceId('case-1/a') // 'ins-' + 8 characters, always the same for this token
 */
export function tencentInstanceId(token: string): string {
  const digest = createHash('sha256').update(token, 'utf8').digest();
  let suffix = '';
  for (let i = 0; i < 8; i++) suffix += ID_ALPHABET[(digest[i] ?? 0) % ID_ALPHABET.length];
  return `ins-${suffix}`;
}

/** The vendor action a call sends: its raw `action` when set, else the operation's (`DescribeInstancesStatus`...). */
export function tencentAction(call: OperationCall): string {
  return call.action ?? (call.operation === 'StopInstances' ? 'StopInstances' : 'DescribeInstancesStatus');
}

/** The region to send: the call's, else the context's, else `ap-guangzhou`; `null` on the call omits it. */
export function tencentRegion(call: OperationCall, ctx: DialectContext): string | undefined {
  if (call.region === null) return undefined;
  return call.region ?? ctx.region ?? TENCENT_DEFAULT_REGION;
}

/** A parameter value in a query string: booleans `TRUE`/`FALSE` (000:21), numbers in decimal, strings as given. */
export function tencentQueryValue(value: Exclude<ParamValue, null>): string {
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return String(value);
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

/**
 * The API parameters of a call as query pairs: Action, Version, Region, `InstanceIds.N` (from `indexBase`),
 * `Limit`/`Offset` for status queries, then `call.params` (`null` omitted).
 */
export function tencentQueryParams(call: OperationCall, ctx: DialectContext, indexBase: 0 | 1): ParamPair[] {
  const pairs: [string, string][] = [['Action', tencentAction(call)]];
  if (call.version !== null) pairs.push(['Version', call.version ?? TENCENT_VERSION]);
  const region = tencentRegion(call, ctx);
  if (region !== undefined) pairs.push(['Region', region]);
  call.instanceIds?.forEach((id, i) => pairs.push([`InstanceIds.${i + indexBase}`, id]));
  if (call.operation === 'DescribeStatus') {
    if (call.pageSize !== undefined) pairs.push(['Limit', String(call.pageSize)]);
    if (call.page !== undefined) pairs.push(['Offset', String(call.page)]);
  }
  for (const [name, value] of Object.entries(call.params ?? {})) {
    if (value !== null) pairs.push([name, tencentQueryValue(value)]);
  }
  return pairs;
}

/**
 * A signed GET with everything in the query (API 2.0, and API 3.0's GET with the "signature v1" HmacSHA256):
 * the API parameters, then Timestamp, Nonce, SecretId, SignatureMethod, Signature, then `call.extraQuery`. The
 * signature covers every parameter sent (extras included) with the host as addressed (with its port) and the
 * full path (base prefix included).
 */
export function encodeTencentQueryGet(
  call: OperationCall,
  ctx: DialectContext,
  path: string,
  indexBase: 0 | 1,
): WireRequest {
  const url = joinBase(ctx.baseUrl, path);
  const params: ParamPair[] = [
    ...tencentQueryParams(call, ctx, indexBase),
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
  const envelope = isRecord(body) ? body['Response'] : undefined;
  if (!isRecord(envelope)) {
    problems.push(isRecord(body) ? 'no Response object in the body' : 'body is JSON but not an object with a Response object');
    return { ...base, format: 'json', body, schemaErrors: validateSchema(dialect, successSchema, body), decodeProblems: problems };
  }
  const requestId = typeof envelope['RequestId'] === 'string' ? envelope['RequestId'] : undefined;
  const err = envelope['Error'];
  if (isRecord(err)) {
    let code = '';
    let message = '';
    if (typeof err['Code'] === 'string') code = err['Code'];
    else problems.push('Response.Error.Code is not a string');
    if (typeof err['Message'] === 'string') message = err['Message'];
    else problems.push('Response.Error.Message is not a string');
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
    const set = envelope['InstanceStatusSet'];
    if (Array.isArray(set)) {
      instances = [];
      for (const entry of set as unknown[]) {
        if (!isRecord(entry) || typeof entry['InstanceId'] !== 'string') continue;
        const state = entry['InstanceState'];
        instances.push({ instanceId: entry['InstanceId'], ...(typeof state === 'string' ? { status: state } : {}) });
      }
    } else {
      problems.push('Response.InstanceStatusSet is not an array');
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
