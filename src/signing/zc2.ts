/**
 * Zenlayer Cloud's ZC2-HMAC-SHA256 request signature (the vendor's "signature method v2"; TC3's scheme with ZC2
 * names). Building blocks for signing (the suite) and for verifying (the reference provider).
 *
 * CanonicalRequest = METHOD \n CanonicalURI ("/") \n CanonicalQuery ("") \n CanonicalHeaders \n SignedHeaders \n
 * hex(sha256(body)); StringToSign = "ZC2-HMAC-SHA256" \n X-ZC-Timestamp \n hex(sha256(CanonicalRequest));
 * Signature = hex(HMAC-SHA256(secret, StringToSign)).
 */
import type { Credentials } from '../dialects/types.ts';
import {
  headerValue,
  hmac,
  safeEqual,
  sha256Hex,
  type SecretLookup,
  type ServerRequest,
  type VerifyResult,
} from './server-request.ts';

/** The algorithm name, in the `Authorization` header and `X-ZC-Signature-Method`. */
export const ZC2_ALGORITHM = 'ZC2-HMAC-SHA256';

/** The headers the official SDKs sign (content-type and host are mandatory). */
export const ZC2_DEFAULT_SIGNED_HEADERS: readonly string[] = ['content-type', 'host'];

/** Inputs of the canonical request. Header names in `headers` may be in any case. */
export interface Zc2CanonicalInput {
  readonly method: string;
  /** Always `/` for the API (the vendor fixes it); kept as an input for completeness. */
  readonly canonicalUri?: string;
  /** Always `''` for POST (the vendor fixes it). */
  readonly canonicalQuery?: string;
  /** Values of the signed headers, by (any-case) name. */
  readonly headers: Readonly<Record<string, string>>;
  /** Names of the signed headers; default `content-type;host`. */
  readonly signedHeaders?: readonly string[];
  /** The exact body text. */
  readonly payload: string;
}

function normalizedSignedHeaders(names: readonly string[]): string[] {
  return [...new Set(names.map((n) => n.trim().toLowerCase()).filter((n) => n !== ''))].sort();
}

/**
 * The canonical request string.
 *
 * @example
 * zc2CanonicalRequest({ method: 'POST', headers: { 'content-type': 'application/json', host: 'h' }, payload: '{}' })
 */
export function zc2CanonicalRequest(input: Zc2CanonicalInput): string {
  const names = normalizedSignedHeaders(input.signedHeaders ?? ZC2_DEFAULT_SIGNED_HEADERS);
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.headers)) lower[k.toLowerCase()] = v;
  const canonicalHeaders = names.map((n) => `${n}:${(lower[n] ?? '').trim()}\n`).join('');
  return [
    input.method.toUpperCase(),
    input.canonicalUri ?? '/',
    input.canonicalQuery ?? '',
    canonicalHeaders,
    names.join(';'),
    sha256Hex(input.payload),
  ].join('\n');
}

/** The string to sign for a canonical request and an `X-ZC-Timestamp` value (seconds). */
export function zc2StringToSign(timestamp: string | number, canonicalRequest: string): string {
  return `${ZC2_ALGORITHM}\n${String(timestamp)}\n${sha256Hex(canonicalRequest)}`;
}

/** The hex signature of a string to sign. */
export function zc2Signature(secret: string, stringToSign: string): string {
  return hmac('sha256', secret, stringToSign).toString('hex');
}

/** The `Authorization` header value, in the vendor's format (`, ` separators). */
export function zc2Authorization(accessKeyId: string, signedHeaders: readonly string[], signature: string): string {
  return `${ZC2_ALGORITHM} Credential=${accessKeyId}, SignedHeaders=${normalizedSignedHeaders(signedHeaders).join(';')}, Signature=${signature}`;
}

/** What {@link signZc2} needs. */
export interface Zc2SignInput {
  readonly credentials: Credentials;
  /** Unix time in seconds (the `X-ZC-Timestamp` value). */
  readonly timestamp: number;
  readonly method: string;
  /** The Host header the server will see (`console.zenlayer.com`, `127.0.0.1:8080`). */
  readonly host: string;
  /** The Content-Type header sent. */
  readonly contentType: string;
  /** The exact body sent. */
  readonly payload: string;
}

/**
 * Sign a request; returns the headers to add (lower-case names): `authorization`, `x-zc-timestamp`,
 * `x-zc-signature-method`.
 *
 * @example
 * signZc2({ credentials, timestamp: 1673361177, method: 'POST', host: 'console.zenlayer.com',
 *   contentType: 'application/json', payload: '{}' }).authorization
 */
export function signZc2(input: Zc2SignInput): {
  authorization: string;
  'x-zc-timestamp': string;
  'x-zc-signature-method': string;
} {
  const canonical = zc2CanonicalRequest({
    method: input.method,
    headers: { 'content-type': input.contentType, host: input.host },
    payload: input.payload,
  });
  const signature = zc2Signature(input.credentials.accessKeySecret, zc2StringToSign(input.timestamp, canonical));
  return {
    authorization: zc2Authorization(input.credentials.accessKeyId, ZC2_DEFAULT_SIGNED_HEADERS, signature),
    'x-zc-timestamp': String(input.timestamp),
    'x-zc-signature-method': ZC2_ALGORITHM,
  };
}

/** A parsed ZC2 `Authorization` header. */
export interface Zc2AuthorizationParts {
  readonly algorithm: string;
  readonly credential: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** Parse `ZC2-HMAC-SHA256 Credential=.., SignedHeaders=..;.., Signature=..`; `undefined` when malformed. */
export function parseZc2Authorization(value: string): Zc2AuthorizationParts | undefined {
  const m = /^\s*(\S+)\s+(.*)$/s.exec(value);
  if (!m) return undefined;
  const fields = new Map<string, string>();
  for (const part of (m[2] ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders || !signature) return undefined;
  return { algorithm: m[1] ?? '', credential, signedHeaders: signedHeaders.split(';'), signature };
}

/** Options of {@link verifyZc2}. */
export interface Zc2VerifyOptions {
  /** Current time in ms, for the timestamp window. */
  readonly now?: number;
  /** Reject timestamps further than this from `now` (seconds). Default: no check. */
  readonly maxSkewSeconds?: number;
}

/**
 * Verify the ZC2 signature of a received request. The signed headers are the ones the `Authorization` header
 * lists (must include content-type and host), with the values the server received; the content type is also
 * tried lower-cased (the vendor's page says values are lower-cased, its SDKs do not).
 *
 * @example
 * verifyZc2({ method: req.method, target: req.url, headers: req.headers, body }, (id) => secrets.get(id))
 */
export function verifyZc2(req: ServerRequest, lookupSecret: SecretLookup, options: Zc2VerifyOptions = {}): VerifyResult {
  const auth = headerValue(req.headers, 'authorization');
  if (auth === undefined || auth.trim() === '') {
    return { ok: false, reason: 'missing', message: 'no Authorization header' };
  }
  const parts = parseZc2Authorization(auth);
  if (!parts) return { ok: false, reason: 'malformed', message: 'Authorization header is not Credential=, SignedHeaders=, Signature=' };
  if (parts.algorithm !== ZC2_ALGORITHM) {
    return { ok: false, reason: 'unsupported', message: `unsupported signature algorithm "${parts.algorithm}"` };
  }
  const timestamp = headerValue(req.headers, 'x-zc-timestamp');
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp.trim())) {
    return { ok: false, reason: 'malformed', message: 'X-ZC-Timestamp is missing or not a Unix time in seconds' };
  }
  const names = normalizedSignedHeaders(parts.signedHeaders);
  if (!names.includes('content-type') || !names.includes('host')) {
    return { ok: false, reason: 'malformed', message: 'SignedHeaders must include content-type and host' };
  }
  if (options.maxSkewSeconds !== undefined) {
    const nowSec = Math.floor((options.now ?? Date.now()) / 1000);
    if (Math.abs(nowSec - Number(timestamp.trim())) > options.maxSkewSeconds) {
      return { ok: false, reason: 'expired', message: 'X-ZC-Timestamp is outside the allowed window', accessKeyId: parts.credential };
    }
  }
  const secret = lookupSecret(parts.credential);
  if (secret === undefined) {
    return { ok: false, reason: 'unknown-key', message: 'unknown access key id', accessKeyId: parts.credential };
  }
  const headers: Record<string, string> = {};
  for (const n of names) headers[n] = headerValue(req.headers, n) ?? '';
  const variants = [headers];
  const ct = headers['content-type'] ?? '';
  if (ct.toLowerCase() !== ct) variants.push({ ...headers, 'content-type': ct.toLowerCase() });
  let firstStringToSign = '';
  for (const h of variants) {
    const canonical = zc2CanonicalRequest({ method: req.method, headers: h, signedHeaders: names, payload: req.body });
    const sts = zc2StringToSign(timestamp.trim(), canonical);
    if (firstStringToSign === '') firstStringToSign = sts;
    if (safeEqual(zc2Signature(secret, sts), parts.signature.toLowerCase())) {
      return { ok: true, accessKeyId: parts.credential };
    }
  }
  return {
    ok: false,
    reason: 'mismatch',
    message: 'signature does not match',
    accessKeyId: parts.credential,
    stringToSign: firstStringToSign,
  };
}
