/**
 * Alibaba Cloud RPC signature, version 1.0 (HMAC-SHA1): every request parameter but `Signature`, sorted by name,
 * percent-encoded (RFC 3986, `%20` for space), joined; StringToSign = METHOD & %2F & encode(canonical);
 * Signature = base64(HMAC-SHA1(secret + "&", StringToSign)). For a form POST the parameters are the union of the
 * query and the form body.
 */
import { randomUUID } from 'node:crypto';
import type { Credentials } from '../dialects/types.ts';
import {
  headerValue,
  hmac,
  safeEqual,
  splitTarget,
  type SecretLookup,
  type ServerRequest,
  type VerifyResult,
} from './server-request.ts';

/** A parameter list in wire order; duplicates allowed. */
export type ParamPairs = readonly (readonly [string, string])[];

/**
 * Percent-encode per Alibaba's rules: RFC 3986 unreserved characters stay, everything else is `%XX` of UTF-8
 * (space is `%20`, `*` is `%2A`, `~` stays).
 *
 * @example
 * aliyunPercentEncode("a b*~") // "a%20b%2A~"
 */
export function aliyunPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Sort pairs by name (code-unit order, stable, as the official SDKs do). */
function sortPairs(pairs: ParamPairs): (readonly [string, string])[] {
  return [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** The canonicalized query string of the RPC signature (`Signature` itself excluded). */
export function rpcCanonicalQuery(params: ParamPairs): string {
  return sortPairs(params.filter(([k]) => k !== 'Signature'))
    .map(([k, v]) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(v)}`)
    .join('&');
}

/** The RPC string to sign. */
export function rpcStringToSign(method: string, canonicalQuery: string): string {
  return `${method.toUpperCase()}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(canonicalQuery)}`;
}

/** The base64 signature of a string to sign (key = secret + "&"). */
export function rpcSignature(secret: string, stringToSign: string): string {
  return hmac('sha1', `${secret}&`, stringToSign).toString('base64');
}

/**
 * Sign a parameter list: the `Signature` value for it.
 *
 * @example
 * signRpc('GET', [['Action', 'DescribeRegions'], ...common], credentials)
 */
export function signRpc(method: string, params: ParamPairs, credentials: Credentials): string {
  return rpcSignature(credentials.accessKeySecret, rpcStringToSign(method, rpcCanonicalQuery(params)));
}

/** `YYYY-MM-DDTHH:mm:ssZ` (UTC, no milliseconds), the RPC `Timestamp` format. */
export function rpcTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The RPC common signing parameters (all but `Signature`). */
export function rpcCommonParams(
  credentials: Credentials,
  nowMs: number,
  nonce: string = randomUUID(),
): (readonly [string, string])[] {
  return [
    ['AccessKeyId', credentials.accessKeyId],
    ['SignatureMethod', 'HMAC-SHA1'],
    ['SignatureVersion', '1.0'],
    ['SignatureNonce', nonce],
    ['Timestamp', rpcTimestamp(nowMs)],
  ];
}

/** Parse an `application/x-www-form-urlencoded` text or raw query into pairs (`+` is a space). Never throws. */
export function parseFormPairs(text: string): (readonly [string, string])[] {
  return [...new URLSearchParams(text)];
}

/** The parameters a server sees: the query, plus the form body when it is a form POST. */
export function rpcServerParams(req: ServerRequest): (readonly [string, string])[] {
  const pairs = parseFormPairs(splitTarget(req.target).rawQuery);
  const ct = (headerValue(req.headers, 'content-type') ?? '').toLowerCase();
  if (req.method.toUpperCase() !== 'GET' && ct.startsWith('application/x-www-form-urlencoded')) {
    pairs.push(...parseFormPairs(req.body));
  }
  return pairs;
}

/** Options of {@link verifyRpc}. */
export interface RpcVerifyOptions {
  /** Current time in ms, for the timestamp window. */
  readonly now?: number;
  /** Reject a `Timestamp` further than this from `now` (seconds). Default: no check. */
  readonly maxSkewSeconds?: number;
}

/**
 * Verify the RPC signature of a received request (GET query, or POST query + form body).
 *
 * @example
 * verifyRpc({ method: req.method, target: req.url, headers: req.headers, body }, (id) => secrets.get(id))
 */
export function verifyRpc(req: ServerRequest, lookupSecret: SecretLookup, options: RpcVerifyOptions = {}): VerifyResult {
  const params = rpcServerParams(req);
  const get = (name: string): string | undefined => params.find(([k]) => k === name)?.[1];
  const signature = get('Signature');
  const accessKeyId = get('AccessKeyId');
  if (signature === undefined || accessKeyId === undefined) {
    return { ok: false, reason: 'missing', message: 'Signature or AccessKeyId parameter missing' };
  }
  const method = get('SignatureMethod');
  if (method !== undefined && method !== 'HMAC-SHA1') {
    return { ok: false, reason: 'unsupported', message: `unsupported SignatureMethod "${method}"`, accessKeyId };
  }
  const version = get('SignatureVersion');
  if (version !== undefined && version !== '1.0') {
    return { ok: false, reason: 'unsupported', message: `unsupported SignatureVersion "${version}"`, accessKeyId };
  }
  if (options.maxSkewSeconds !== undefined) {
    const ts = Date.parse(get('Timestamp') ?? '');
    if (Number.isNaN(ts) || Math.abs((options.now ?? Date.now()) - ts) > options.maxSkewSeconds * 1000) {
      return { ok: false, reason: 'expired', message: 'Timestamp missing or outside the allowed window', accessKeyId };
    }
  }
  const secret = lookupSecret(accessKeyId);
  if (secret === undefined) return { ok: false, reason: 'unknown-key', message: 'unknown AccessKeyId', accessKeyId };
  const stringToSign = rpcStringToSign(req.method, rpcCanonicalQuery(params));
  if (safeEqual(rpcSignature(secret, stringToSign), signature)) return { ok: true, accessKeyId };
  return { ok: false, reason: 'mismatch', message: 'signature does not match', accessKeyId, stringToSign };
}
