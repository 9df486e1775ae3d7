/**
 * TC3-HMAC-SHA256, Tencent Cloud API 3.0's request signature (tencent-cvm-api3, DESIGN.md §2), as pure functions.
 *
 * The building blocks (canonical request, string to sign, signature) are exported so that a server (the reference
 * provider) can verify what it receives with {@link verifyTc3}. The verifier accepts the official Node SDK's quirks:
 * it signs the host without the port and names the service after the endpoint's first label (`127` against
 * `127.0.0.1:PORT`), so the service is read from the Authorization header's credential scope and the host is tried
 * with and without its port.
 *
 * Hand-written on node:crypto: no maintained npm library implements TC3 apart from the full Tencent SDK, whose
 * `Sign.sign3` is internal, takes a URL rather than what a server sees, and cannot verify.
 *
 * Secrets are used only as HMAC keys; no function returns or puts them in a message.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Credentials } from '../dialects/types.ts';

/** The algorithm name written in the Authorization header and the string to sign. */
export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';

/** A header as it takes part in a signature: name and value (both canonicalized by {@link tc3CanonicalRequest}). */
export type HeaderPair = readonly [name: string, value: string];

/** Hex SHA-256 of text (UTF-8) or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** HMAC-SHA256 of UTF-8 text with a key given as text or bytes. */
export function hmacSha256(key: string | Uint8Array, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/**
 * The UTC date of a Unix timestamp (seconds) as `YYYY-MM-DD`, the date of the credential scope.
 *
 * @example
 * tc3Date(1551113065) // '2019-02-25'
 */
export function tc3Date(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

/** The credential scope `date/service/tc3_request`. */
export function tc3CredentialScope(timestamp: number, service: string): string {
  return `${tc3Date(timestamp)}/${service}/tc3_request`;
}

/** Input of {@link tc3CanonicalRequest}. */
export interface Tc3CanonicalInput {
  /** HTTP method, e.g. `POST` (upper-cased here). */
  readonly method: string;
  /** Path as sent, e.g. `/`. */
  readonly path: string;
  /** Query string as sent, without `?` (`''` for a POST without query). */
  readonly query: string;
  /** The signed headers, any case, any order. */
  readonly headers: readonly HeaderPair[];
  /** The exact body bytes (`''` for a GET). */
  readonly payload: string | Uint8Array;
}

/**
 * Canonical headers and the `SignedHeaders` list: names and values lower-cased and trimmed, sorted by name
 * (Tencent's rule: "key and value in lower case, without leading and trailing spaces").
 */
export function tc3CanonicalHeaders(headers: readonly HeaderPair[]): { canonical: string; signedHeaders: string } {
  const pairs = headers
    .map(([name, value]) => [name.trim().toLowerCase(), value.trim().toLowerCase()] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return {
    canonical: pairs.map(([name, value]) => `${name}:${value}\n`).join(''),
    signedHeaders: pairs.map(([name]) => name).join(';'),
  };
}

/**
 * The canonical request: method, path, query, canonical headers, signed headers and the payload's hex SHA-256,
 * joined by newlines.
 *
 * @example
 * tc3CanonicalRequest({ method: 'POST', path: '/', query: '', payload: '{}',
 *   headers: [['content-type', 'application/json'], ['host', 'cvm.tencentcloudapi.com']] })
 */
export function tc3CanonicalRequest(input: Tc3CanonicalInput): string {
  const { canonical, signedHeaders } = tc3CanonicalHeaders(input.headers);
  return [
    input.method.toUpperCase(),
    input.path,
    input.query,
    canonical,
    signedHeaders,
    sha256Hex(input.payload),
  ].join('\n');
}

/** The string to sign: algorithm, timestamp, credential scope and the canonical request's hex SHA-256. */
export function tc3StringToSign(canonicalRequest: string, timestamp: number, service: string): string {
  return [TC3_ALGORITHM, String(timestamp), tc3CredentialScope(timestamp, service), sha256Hex(canonicalRequest)].join(
    '\n',
  );
}

/**
 * The hex signature: HMAC chain `TC3`+secret -> date -> service -> `tc3_request`, then HMAC of the string to sign.
 *
 * @example
 * tc3Signature(secret, 1551113065, 'cvm', stringToSign) // 64 hex characters
 */
export function tc3Signature(secretKey: string, timestamp: number, service: string, stringToSign: string): string {
  const kDate = hmacSha256(`TC3${secretKey}`, tc3Date(timestamp));
  const kService = hmacSha256(kDate, service);
  const kSigning = hmacSha256(kService, 'tc3_request');
  return createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex');
}

/** The Authorization header value. */
export function tc3Authorization(
  secretId: string,
  timestamp: number,
  service: string,
  signedHeaders: string,
  signature: string,
): string {
  return `${TC3_ALGORITHM} Credential=${secretId}/${tc3CredentialScope(timestamp, service)}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

/** Input of {@link signTc3}: what the client sends. */
export interface Tc3SignInput extends Tc3CanonicalInput {
  readonly credentials: Credentials;
  /** Unix seconds, also sent as `X-TC-Timestamp`. */
  readonly timestamp: number;
  /** Service of the credential scope, `cvm` for CVM. */
  readonly service: string;
}

/** Everything {@link signTc3} computed (no secret among it). */
export interface Tc3Signed {
  readonly authorization: string;
  readonly signature: string;
  readonly signedHeaders: string;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
}

/**
 * Sign a request with TC3-HMAC-SHA256.
 *
 * @example
 * signTc3({ credentials, timestamp: 1551113065, service: 'cvm', method: 'POST', path: '/', query: '',
 *   headers: [['content-type', 'application/json'], ['host', 'cvm.tencentcloudapi.com']], payload: '{}' }).authorization
 */
export function signTc3(input: Tc3SignInput): Tc3Signed {
  const canonicalRequest = tc3CanonicalRequest(input);
  const stringToSign = tc3StringToSign(canonicalRequest, input.timestamp, input.service);
  const signature = tc3Signature(input.credentials.accessKeySecret, input.timestamp, input.service, stringToSign);
  const { signedHeaders } = tc3CanonicalHeaders(input.headers);
  return {
    authorization: tc3Authorization(input.credentials.accessKeyId, input.timestamp, input.service, signedHeaders, signature),
    signature,
    signedHeaders,
    canonicalRequest,
    stringToSign,
  };
}

/** The parts of a TC3 Authorization header. */
export interface ParsedTc3Authorization {
  readonly secretId: string;
  /** `YYYY-MM-DD` of the credential scope. */
  readonly date: string;
  /** Service of the credential scope (`cvm`, or `127` from the Node SDK against `127.0.0.1`). */
  readonly service: string;
  /** Lower-case header names, in the header's order. */
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/**
 * Parse `TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=a;b, Signature=HEX`;
 * `undefined` when it is not that shape.
 */
export function parseTc3Authorization(value: string): ParsedTc3Authorization | undefined {
  const m =
    /^\s*TC3-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{4}-\d{2}-\d{2})\/([^/,\s]+)\/tc3_request\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-fA-F]+)\s*$/.exec(
      value,
    );
  if (!m) return undefined;
  const [, secretId, date, service, signed, signature] = m;
  if (!secretId || !date || !service || !signed || !signature) return undefined;
  return { secretId, date, service, signedHeaders: signed.toLowerCase().split(';'), signature: signature.toLowerCase() };
}

/** What a server sees of a request: enough to verify a signature (node's `IncomingMessage` fields fit). */
export interface ReceivedRequest {
  readonly method: string;
  /** The request target as received: path and query, e.g. `/v2/index.php?Action=...` (node's `req.url`). */
  readonly url: string;
  /** Header names in lower case, as node gives them. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The exact body bytes (`''` when none). */
  readonly body: string | Uint8Array;
}

/** Options of the verifiers. */
export interface VerifyOptions {
  /** Current time in Unix seconds; with `maxSkewSeconds` the timestamp's age is checked. */
  readonly nowSeconds?: number;
  /** Largest accepted difference between the request's timestamp and `nowSeconds` (Tencent uses 300). */
  readonly maxSkewSeconds?: number;
}

/**
 * Result of a signature check. On failure `code` is the Tencent common error code a real server would answer
 * (`AuthFailure.*`, `MissingParameter`) and `message` says why without any secret.
 */
export type SignatureCheck =
  | { readonly ok: true; readonly secretId: string }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** A header's value as one string (repeated headers joined with `,`), `undefined` when absent. */
export function headerValue(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  name: string,
): string | undefined {
  const v = headers[name.toLowerCase()];
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : v.join(',');
}

/** Split a request target into path and raw query (without `?`). */
export function splitRequestTarget(url: string): { path: string; query: string } {
  const noHash = url.split('#', 1)[0] ?? '';
  const q = noHash.indexOf('?');
  return q < 0 ? { path: noHash, query: '' } : { path: noHash.slice(0, q), query: noHash.slice(q + 1) };
}

/**
 * The host variants a verifier tries: as received, and without its port (the Node SDK signs the hostname only).
 *
 * @example
 * hostVariants('127.0.0.1:9000') // ['127.0.0.1:9000', '127.0.0.1']
 */
export function hostVariants(host: string): string[] {
  const m = /^(\[[^\]]*\]|[^:]*)(:\d*)?$/.exec(host);
  const bare = m?.[1];
  return bare !== undefined && bare !== host ? [host, bare] : [host];
}

/** Constant-time comparison of two strings. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** Check a timestamp's freshness when the options ask for it; a failure message or `undefined`. */
export function timestampProblem(timestamp: number, options: VerifyOptions): string | undefined {
  if (options.nowSeconds === undefined || options.maxSkewSeconds === undefined) return undefined;
  const skew = Math.abs(options.nowSeconds - timestamp);
  return skew > options.maxSkewSeconds
    ? `timestamp ${timestamp} is ${skew} s away from the server clock (at most ${options.maxSkewSeconds} s accepted)`
    : undefined;
}

/**
 * Verify the TC3-HMAC-SHA256 signature of a received request against the configured credentials. The service comes
 * from the credential scope; the `host` header is tried as received and without its port.
 *
 * @example
 * verifyTc3({ method: req.method, url: req.url, headers: req.headers, body }, TEST_CREDENTIALS)
 * // { ok: true, secretId: 'AKID...' } or { ok: false, code: 'AuthFailure.SignatureFailure', message: '...' }
 */
export function verifyTc3(
  req: ReceivedRequest,
  credentials: Credentials,
  options: VerifyOptions = {},
): SignatureCheck {
  const authorization = headerValue(req.headers, 'authorization');
  if (authorization === undefined) {
    return { ok: false, code: 'AuthFailure.InvalidAuthorization', message: 'no Authorization header' };
  }
  const parsed = parseTc3Authorization(authorization);
  if (!parsed) {
    return {
      ok: false,
      code: 'AuthFailure.InvalidAuthorization',
      message: 'Authorization header is not "TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=..., Signature=HEX"',
    };
  }
  if (parsed.secretId !== credentials.accessKeyId) {
    return { ok: false, code: 'AuthFailure.SecretIdNotFound', message: `unknown SecretId ${parsed.secretId}` };
  }
  const tsText = headerValue(req.headers, 'x-tc-timestamp');
  if (tsText === undefined || !/^\d{1,12}$/.test(tsText.trim())) {
    return {
      ok: false,
      code: 'AuthFailure.SignatureFailure',
      message: 'X-TC-Timestamp header missing or not an integer number of seconds',
    };
  }
  const timestamp = Number(tsText.trim());
  if (tc3Date(timestamp) !== parsed.date) {
    return {
      ok: false,
      code: 'AuthFailure.SignatureFailure',
      message: `credential scope date ${parsed.date} is not the UTC date of X-TC-Timestamp ${timestamp}`,
    };
  }
  const stale = timestampProblem(timestamp, options);
  if (stale) return { ok: false, code: 'AuthFailure.SignatureExpire', message: stale };

  const { path, query } = splitRequestTarget(req.url);
  const hostCandidates = parsed.signedHeaders.includes('host')
    ? hostVariants(headerValue(req.headers, 'host') ?? '')
    : [''];
  for (const host of hostCandidates) {
    const headers: HeaderPair[] = parsed.signedHeaders.map((name) => [
      name,
      name === 'host' ? host : (headerValue(req.headers, name) ?? ''),
    ]);
    const canonicalRequest = tc3CanonicalRequest({ method: req.method, path, query, headers, payload: req.body });
    const stringToSign = tc3StringToSign(canonicalRequest, timestamp, parsed.service);
    const expected = tc3Signature(credentials.accessKeySecret, timestamp, parsed.service, stringToSign);
    if (safeEqual(expected, parsed.signature)) return { ok: true, secretId: parsed.secretId };
  }
  return {
    ok: false,
    code: 'AuthFailure.SignatureFailure',
    message: `TC3 signature does not match (service ${parsed.service}, signed headers ${parsed.signedHeaders.join(';')})`,
  };
}
