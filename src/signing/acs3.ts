/**
 * Alibaba Cloud ACS3-HMAC-SHA256 signature (the V3 scheme the current official SDKs use):
 * CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n
 * HashedPayload; StringToSign = "ACS3-HMAC-SHA256" \n hex(sha256(CanonicalRequest));
 * Signature = hex(HMAC-SHA256(secret, StringToSign)); `Authorization: ACS3-HMAC-SHA256
 * Credential=<id>,SignedHeaders=<a;b>,Signature=<hex>`. Signed headers: host, every `x-acs-*`, and content-type
 * when present.
 */
import { randomBytes } from 'node:crypto';
import type { Credentials } from '../dialects/types.ts';
import { aliyunPercentEncode, parseFormPairs, rpcTimestamp, type ParamPairs } from './aliyun-rpc.ts';
import {
  headerValue,
  hmac,
  safeEqual,
  sha256Hex,
  splitTarget,
  type SecretLookup,
  type ServerRequest,
  type VerifyResult,
} from './server-request.ts';

/** The algorithm name. */
export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

/** The canonical query: pairs sorted by name, name and value percent-encoded, `&`-joined. */
export function acs3CanonicalQuery(params: ParamPairs): string {
  return [...params]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(v)}`)
    .join('&');
}

/** The header names a signer signs from a header set: host, content-type and every `x-acs-*`, sorted. */
export function acs3SignedHeaderNames(headers: Readonly<Record<string, string>>): string[] {
  const names = Object.keys(headers)
    .map((k) => k.toLowerCase())
    .filter((k) => k === 'host' || k === 'content-type' || k.startsWith('x-acs-'));
  return [...new Set(names)].sort();
}

/** Inputs of the canonical request. */
export interface Acs3CanonicalInput {
  readonly method: string;
  /** The path as sent (already percent-encoded), e.g. `/`. */
  readonly canonicalUri: string;
  readonly query: ParamPairs;
  /** Header values by (any-case) name. */
  readonly headers: Readonly<Record<string, string>>;
  /** Names to sign; default {@link acs3SignedHeaderNames}. */
  readonly signedHeaders?: readonly string[];
  /** hex SHA-256 of the body (the `x-acs-content-sha256` value). */
  readonly hashedPayload: string;
}

/** The canonical request string. */
export function acs3CanonicalRequest(input: Acs3CanonicalInput): string {
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.headers)) lower[k.toLowerCase()] = v;
  const names = [...new Set((input.signedHeaders ?? acs3SignedHeaderNames(lower)).map((n) => n.trim().toLowerCase()))]
    .filter((n) => n !== '')
    .sort();
  const canonicalHeaders = names.map((n) => `${n}:${(lower[n] ?? '').trim()}\n`).join('');
  return [
    input.method.toUpperCase(),
    input.canonicalUri === '' ? '/' : input.canonicalUri,
    acs3CanonicalQuery(input.query),
    canonicalHeaders,
    names.join(';'),
    input.hashedPayload,
  ].join('\n');
}

/** The string to sign. */
export function acs3StringToSign(canonicalRequest: string): string {
  return `${ACS3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
}

/** The hex signature. */
export function acs3Signature(secret: string, stringToSign: string): string {
  return hmac('sha256', secret, stringToSign).toString('hex');
}

/** What {@link signAcs3} needs. */
export interface Acs3SignInput {
  readonly credentials: Credentials;
  readonly method: string;
  /** The Host header the server will see (with the port when not the default). */
  readonly host: string;
  /** The path as sent. */
  readonly path: string;
  readonly query: ParamPairs;
  readonly action: string;
  readonly version: string;
  /** Body as sent ('' when none). */
  readonly body: string;
  /** Content-Type sent, if any (then it is signed). */
  readonly contentType?: string;
  readonly nowMs: number;
  /** Default: 32 random hex digits. */
  readonly nonce?: string;
}

/**
 * Sign a request; returns the headers to send (lower-case names): `x-acs-action`, `x-acs-version`, `x-acs-date`,
 * `x-acs-signature-nonce`, `x-acs-content-sha256`, `authorization` (and `content-type` when given). `host` is
 * signed but not returned (the HTTP client sets it from the URL).
 */
export function signAcs3(input: Acs3SignInput): Record<string, string> {
  const headers: Record<string, string> = {
    'x-acs-action': input.action,
    'x-acs-version': input.version,
    'x-acs-date': rpcTimestamp(input.nowMs),
    'x-acs-signature-nonce': input.nonce ?? randomBytes(16).toString('hex'),
    'x-acs-content-sha256': sha256Hex(input.body),
  };
  if (input.contentType !== undefined) headers['content-type'] = input.contentType;
  const all = { host: input.host, ...headers };
  const names = acs3SignedHeaderNames(all);
  const canonical = acs3CanonicalRequest({
    method: input.method,
    canonicalUri: input.path,
    query: input.query,
    headers: all,
    signedHeaders: names,
    hashedPayload: headers['x-acs-content-sha256'] ?? '',
  });
  const signature = acs3Signature(input.credentials.accessKeySecret, acs3StringToSign(canonical));
  headers.authorization = `${ACS3_ALGORITHM} Credential=${input.credentials.accessKeyId},SignedHeaders=${names.join(';')},Signature=${signature}`;
  return headers;
}

/** A parsed ACS3 `Authorization` header. */
export interface Acs3AuthorizationParts {
  readonly algorithm: string;
  readonly credential: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** Parse `ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=..`; `undefined` when malformed. */
export function parseAcs3Authorization(value: string): Acs3AuthorizationParts | undefined {
  const m = /^\s*(\S+)\s+(.*)$/s.exec(value);
  if (!m) return undefined;
  const fields = new Map<string, string>();
  for (const part of (m[2] ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders || !signature) return undefined;
  return { algorithm: m[1] ?? '', credential, signedHeaders: signedHeaders.split(';'), signature };
}

/** True when a request carries an ACS3 `Authorization` header (to pick the verifier). */
export function isAcs3Request(req: ServerRequest): boolean {
  return (headerValue(req.headers, 'authorization') ?? '').trimStart().startsWith('ACS3-');
}

/** Options of {@link verifyAcs3}. */
export interface Acs3VerifyOptions {
  readonly now?: number;
  /** Reject an `x-acs-date` further than this from `now` (seconds). Default: no check. */
  readonly maxSkewSeconds?: number;
}

/**
 * Verify the ACS3 signature of a received request: the headers the `Authorization` header lists (host required)
 * with the values received, the query as received (decoded, re-encoded canonically), the path as received, and the
 * body's real SHA-256 (a differing `x-acs-content-sha256` is a mismatch).
 *
 * @example
 * verifyAcs3({ method: req.method, target: req.url, headers: req.headers, body }, (id) => secrets.get(id))
 */
export function verifyAcs3(req: ServerRequest, lookupSecret: SecretLookup, options: Acs3VerifyOptions = {}): VerifyResult {
  const auth = headerValue(req.headers, 'authorization');
  if (auth === undefined || auth.trim() === '') return { ok: false, reason: 'missing', message: 'no Authorization header' };
  const parts = parseAcs3Authorization(auth);
  if (!parts) return { ok: false, reason: 'malformed', message: 'Authorization header is not Credential=,SignedHeaders=,Signature=' };
  if (parts.algorithm !== ACS3_ALGORITHM) {
    return { ok: false, reason: 'unsupported', message: `unsupported signature algorithm "${parts.algorithm}"` };
  }
  const names = [...new Set(parts.signedHeaders.map((n) => n.trim().toLowerCase()))].filter((n) => n !== '');
  if (!names.includes('host')) return { ok: false, reason: 'malformed', message: 'SignedHeaders must include host' };
  const accessKeyId = parts.credential;
  const bodyHash = sha256Hex(req.body);
  const claimed = headerValue(req.headers, 'x-acs-content-sha256');
  if (claimed !== undefined && claimed.trim().toLowerCase() !== bodyHash) {
    return { ok: false, reason: 'mismatch', message: 'x-acs-content-sha256 does not match the body', accessKeyId };
  }
  if (options.maxSkewSeconds !== undefined) {
    const ts = Date.parse(headerValue(req.headers, 'x-acs-date') ?? '');
    if (Number.isNaN(ts) || Math.abs((options.now ?? Date.now()) - ts) > options.maxSkewSeconds * 1000) {
      return { ok: false, reason: 'expired', message: 'x-acs-date missing or outside the allowed window', accessKeyId };
    }
  }
  const secret = lookupSecret(accessKeyId);
  if (secret === undefined) return { ok: false, reason: 'unknown-key', message: 'unknown access key id', accessKeyId };
  const headers: Record<string, string> = {};
  for (const n of names) headers[n] = headerValue(req.headers, n) ?? '';
  const { path, rawQuery } = splitTarget(req.target);
  const canonical = acs3CanonicalRequest({
    method: req.method,
    canonicalUri: path,
    query: parseFormPairs(rawQuery),
    headers,
    signedHeaders: names,
    hashedPayload: bodyHash,
  });
  const stringToSign = acs3StringToSign(canonical);
  if (safeEqual(acs3Signature(secret, stringToSign), parts.signature.toLowerCase())) return { ok: true, accessKeyId };
  return { ok: false, reason: 'mismatch', message: 'signature does not match', accessKeyId, stringToSign };
}
