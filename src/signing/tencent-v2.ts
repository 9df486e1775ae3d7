/**
 * Tencent Cloud's query-parameter signature (API 2.0, also API 3.0's "signature v1"): HmacSHA256 (or HmacSHA1) over
 * `METHOD + host + path + '?' + k=v&...` with the parameters sorted by name and their values raw (not URL-encoded),
 * the `Signature` parameter itself excluded. Used by tencent-cvm-api2 and by tencent-cvm-api3's GET style.
 *
 * Hand-written on node:crypto for the same reason as `tc3.ts` (the SDK's signer is internal and cannot verify).
 * Secrets are used only as HMAC keys and never appear in a returned value or message.
 */
import { createHmac } from 'node:crypto';
import type { Credentials } from '../dialects/types.ts';
import {
  headerValue,
  hostVariants,
  safeEqual,
  splitRequestTarget,
  timestampProblem,
  type ReceivedRequest,
  type SignatureCheck,
  type VerifyOptions,
} from './tc3.ts';

/** A query parameter: name and raw (decoded) value. Order and duplicates are kept. */
export type ParamPair = readonly [name: string, value: string];

/** The two methods Tencent accepts in `SignatureMethod`; HmacSHA1 is the default when the parameter is absent. */
export type TencentV2Method = 'HmacSHA256' | 'HmacSHA1';

/** Type guard for {@link TencentV2Method}. */
export function isTencentV2Method(value: string): value is TencentV2Method {
  return value === 'HmacSHA256' || value === 'HmacSHA1';
}

/**
 * The string to sign: method, host, path, `?`, then `name=value` pairs sorted by name (code-unit order, stable
 * for duplicates), joined by `&`, raw values, `Signature` left out.
 *
 * @example
 * tencentV2StringToSign('GET', 'cvm.api.qcloud.com', '/v2/index.php', [['Nonce', '1'], ['Action', 'X']])
 * // 'GETcvm.api.qcloud.com/v2/index.php?Action=X&Nonce=1'
 */
export function tencentV2StringToSign(
  method: string,
  host: string,
  path: string,
  params: readonly ParamPair[],
): string {
  const sorted = params
    .filter(([name]) => name !== 'Signature')
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p[0] < b.p[0] ? -1 : a.p[0] > b.p[0] ? 1 : a.i - b.i))
    .map(({ p }) => `${p[0]}=${p[1]}`);
  return `${method.toUpperCase()}${host}${path}?${sorted.join('&')}`;
}

/**
 * The base64 signature of a string to sign.
 *
 * @example
 * tencentV2Signature(secret, stringToSign) // e.g. '0EEm/HtGRr/VJXTAD9tYMth1Bzm3lLHz5RCDv1GdM8s='
 */
export function tencentV2Signature(
  secretKey: string,
  stringToSign: string,
  method: TencentV2Method = 'HmacSHA256',
): string {
  return createHmac(method === 'HmacSHA256' ? 'sha256' : 'sha1', secretKey)
    .update(stringToSign, 'utf8')
    .digest('base64');
}

/** Input of {@link signTencentV2}. */
export interface TencentV2SignInput {
  readonly credentials: Credentials;
  readonly method: string;
  /** Host as the client addresses it (the Host header: with the port when not the scheme's default). */
  readonly host: string;
  /** Path as sent, e.g. `/v2/index.php`. */
  readonly path: string;
  /** Every parameter that is sent (common ones included, `Signature` excluded or ignored). */
  readonly params: readonly ParamPair[];
  readonly signatureMethod?: TencentV2Method;
}

/**
 * Sign query parameters; returns the signature (to send as `Signature`, URL-encoded) and the string to sign.
 *
 * @example
 * signTencentV2({ credentials, method: 'GET', host: 'cvm.api.qcloud.com', path: '/v2/index.php', params }).signature
 */
export function signTencentV2(input: TencentV2SignInput): { signature: string; stringToSign: string } {
  const stringToSign = tencentV2StringToSign(input.method, input.host, input.path, input.params);
  return {
    signature: tencentV2Signature(input.credentials.accessKeySecret, stringToSign, input.signatureMethod),
    stringToSign,
  };
}

/**
 * Percent-encode one query component RFC 3986 style: everything but `A-Z a-z 0-9 - _ . ~` (so a space is `%20`,
 * `+` is `%2B`). Stricter than `encodeURIComponent`, so the WHATWG URL parser leaves the result unchanged.
 */
export function rfc3986Encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Percent-encode query pairs with {@link rfc3986Encode}.
 *
 * @example
 * encodeQueryPairs([['Signature', 'a+b/c=']]) // 'Signature=a%2Bb%2Fc%3D'
 */
export function encodeQueryPairs(params: readonly ParamPair[]): string {
  return params.map(([k, v]) => `${rfc3986Encode(k)}=${rfc3986Encode(v)}`).join('&');
}

/** Decode a raw query string (or form body) into pairs, keeping order and duplicates. */
export function decodeQueryPairs(query: string): ParamPair[] {
  return [...new URLSearchParams(query)].map(([k, v]) => [k, v] as const);
}

/**
 * Verify the query signature of a received request: parameters from the query (and from an
 * `application/x-www-form-urlencoded` POST body), the `Host` header tried as received and without its port, the path
 * as received.
 *
 * @example
 * verifyTencentV2({ method: 'GET', url: req.url, headers: req.headers, body: '' }, TEST_CREDENTIALS)
 */
export function verifyTencentV2(
  req: ReceivedRequest,
  credentials: Credentials,
  options: VerifyOptions = {},
): SignatureCheck {
  const { path, query } = splitRequestTarget(req.url);
  const params = decodeQueryPairs(query);
  const contentType = headerValue(req.headers, 'content-type') ?? '';
  if (req.method.toUpperCase() === 'POST' && /^application\/x-www-form-urlencoded/i.test(contentType.trim())) {
    const body = typeof req.body === 'string' ? req.body : Buffer.from(req.body).toString('utf8');
    params.push(...decodeQueryPairs(body));
  }
  const get = (name: string): string | undefined => params.find(([k]) => k === name)?.[1];
  for (const name of ['Signature', 'SecretId', 'Timestamp', 'Nonce']) {
    if (get(name) === undefined) {
      return { ok: false, code: 'MissingParameter', message: `the common parameter ${name} is missing` };
    }
  }
  const secretId = get('SecretId') ?? '';
  if (secretId !== credentials.accessKeyId) {
    return { ok: false, code: 'AuthFailure.SecretIdNotFound', message: `unknown SecretId ${secretId}` };
  }
  const methodName = get('SignatureMethod') ?? 'HmacSHA1';
  if (!isTencentV2Method(methodName)) {
    return {
      ok: false,
      code: 'AuthFailure.SignatureFailure',
      message: `SignatureMethod ${methodName} is not HmacSHA256 or HmacSHA1`,
    };
  }
  const tsText = get('Timestamp') ?? '';
  if (!/^\d{1,12}$/.test(tsText)) {
    return { ok: false, code: 'AuthFailure.SignatureFailure', message: 'Timestamp is not an integer number of seconds' };
  }
  const stale = timestampProblem(Number(tsText), options);
  if (stale) return { ok: false, code: 'AuthFailure.SignatureExpire', message: stale };
  const given = get('Signature') ?? '';
  for (const host of hostVariants(headerValue(req.headers, 'host') ?? '')) {
    const expected = tencentV2Signature(
      credentials.accessKeySecret,
      tencentV2StringToSign(req.method, host, path, params),
      methodName,
    );
    if (safeEqual(expected, given)) return { ok: true, secretId };
  }
  return {
    ok: false,
    code: 'AuthFailure.SignatureFailure',
    message: `${methodName} query signature does not match (method ${req.method.toUpperCase()}, path ${path})`,
  };
}
