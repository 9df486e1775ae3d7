/**
 * AWS Signature Version 4 (`AWS4-HMAC-SHA256`) for the aws-ec2 dialect (service `ec2`), signing (the suite) and
 * verifying (the reference provider), built on `@smithy/signature-v4`: the canonical request (path normalization and
 * escaping, query and header canonicalization) and the credential scope are Smithy's own code; only the three hashes
 * of the string to sign and the signing key, which Smithy runs asynchronously, run here with `node:crypto`, so that
 * a dialect's `encode` and the provider's `handle` stay synchronous. `sigv4.test.ts` checks the result against
 * AWS's published test vector and against `SignatureV4.sign` itself.
 *
 * CanonicalRequest = METHOD \n path \n query \n headers \n\n signed-header-list \n hex(sha256(body));
 * StringToSign = "AWS4-HMAC-SHA256" \n X-Amz-Date \n date/region/service/aws4_request \n hex(sha256(CanonicalRequest));
 * Signature = hex(HMAC(kSigning, StringToSign)), kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region),
 * service), "aws4_request").
 */
import { createHash, createHmac } from 'node:crypto';
import { createScope, getCanonicalHeaders, SignatureV4 } from '@smithy/signature-v4';
import type { Credentials } from '../dialects/types.ts';
import { headerValue, safeEqual, sha256Hex, splitTarget, type SecretLookup, type ServerRequest, type VerifyResult } from './server-request.ts';

/** The algorithm name in the `Authorization` header. */
export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** AWS refuses a request whose `X-Amz-Date` is more than 15 minutes from its clock (`RequestExpired`). */
export const SIGV4_MAX_SKEW_SECONDS = 900;

/** The request shape Smithy's canonicalization reads (`@smithy/types` `HttpRequest`). */
type SmithyRequest = Parameters<typeof getCanonicalHeaders>[0];

/** A `node:crypto` hash with Smithy's `Checksum` shape: what {@link SignatureV4} needs as its `sha256`. */
export class NodeSha256 {
  #secret: string | Uint8Array | undefined;
  #hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;

  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#secret = secret === undefined ? undefined : typeof secret === 'string' ? secret : toBytes(secret);
    this.#hash = this.#fresh();
  }

  #fresh(): ReturnType<typeof createHash> | ReturnType<typeof createHmac> {
    return this.#secret === undefined ? createHash('sha256') : createHmac('sha256', this.#secret);
  }

  /** Add data to the hash. */
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(typeof data === 'string' ? data : toBytes(data));
  }

  /** The digest of everything added. */
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#hash.digest()));
  }

  /** Start over. */
  reset(): void {
    this.#hash = this.#fresh();
  }
}

function toBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

/** Smithy's signer, opened for its synchronous canonical request and date formatting. */
class Canonicalizer extends SignatureV4 {
  constructor(service: string, region: string) {
    super({ service, region, credentials: { accessKeyId: '', secretAccessKey: '' }, sha256: NodeSha256 });
  }

  canonicalRequest(request: SmithyRequest, headers: Record<string, string>, payloadHash: string): string {
    return this.createCanonicalRequest(request, headers, payloadHash);
  }

  dates(nowMs: number): { longDate: string; shortDate: string } {
    return this.formatDate(new Date(nowMs));
  }
}

/** A query string as Smithy's query bag (repeated names become lists). */
function queryBag(rawQuery: string): Record<string, string | string[]> {
  const bag: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(rawQuery)) {
    const had = Object.hasOwn(bag, k) ? bag[k] : undefined;
    bag[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  return bag;
}

/** The signing key for a date (`yyyymmdd`), region and service. */
function signingKey(secret: string, shortDate: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secret}`).update(shortDate, 'utf8').digest();
  const kRegion = createHmac('sha256', kDate).update(region, 'utf8').digest();
  const kService = createHmac('sha256', kRegion).update(service, 'utf8').digest();
  return createHmac('sha256', kService).update('aws4_request', 'utf8').digest();
}

/** What a signature is computed over. */
interface SigV4Parts {
  readonly method: string;
  /** The path as sent (Smithy normalizes and escapes it). */
  readonly path: string;
  /** The raw query, without `?`. */
  readonly rawQuery: string;
  /** The signed headers by lower-case name, `host` included. */
  readonly headers: Readonly<Record<string, string>>;
  readonly payloadHash: string;
  readonly longDate: string;
  readonly shortDate: string;
  readonly region: string;
  readonly service: string;
}

/** The canonical request and string to sign of a request. */
function stringToSign(parts: SigV4Parts): { canonicalRequest: string; stringToSign: string; signedHeaders: string } {
  const signer = new Canonicalizer(parts.service, parts.region);
  const request: SmithyRequest = {
    method: parts.method.toUpperCase(),
    protocol: 'http:',
    hostname: parts.headers['host'] ?? '',
    path: parts.path,
    query: queryBag(parts.rawQuery),
    headers: { ...parts.headers },
  };
  const names = new Set(Object.keys(parts.headers));
  const canonicalHeaders = getCanonicalHeaders(request, undefined, names);
  const canonicalRequest = signer.canonicalRequest(request, canonicalHeaders, parts.payloadHash);
  const scope = createScope(parts.shortDate, parts.region, parts.service);
  return {
    canonicalRequest,
    stringToSign: `${SIGV4_ALGORITHM}\n${parts.longDate}\n${scope}\n${sha256Hex(canonicalRequest)}`,
    signedHeaders: Object.keys(canonicalHeaders).sort().join(';'),
  };
}

/** What {@link signSigV4} needs. */
export interface SigV4SignInput {
  readonly credentials: Credentials;
  readonly region: string;
  /** The service the credential scope names (`ec2`). */
  readonly service: string;
  readonly method: string;
  /** The URL the request goes to (its host, with the port unless default, is signed as `host`). */
  readonly url: string;
  /** The headers to send and sign (any case); `host` and `x-amz-date` are added. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly nowMs: number;
}

/**
 * The headers of a SigV4-signed request: the given ones (lower case), `x-amz-date` and `authorization` (the `host`
 * header is signed but left to the HTTP client, which sends the URL's host).
 *
 * @example
 * signSigV4({ credentials, region: 'us-east-1', service: 'ec2', method: 'POST', url, headers: { 'content-type': FORM }, body, nowMs })
 */
export function signSigV4(input: SigV4SignInput): Record<string, string> {
  const url = new URL(input.url);
  const signer = new Canonicalizer(input.service, input.region);
  const { longDate, shortDate } = signer.dates(input.nowMs);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.headers)) headers[k.toLowerCase()] = v;
  headers['x-amz-date'] = longDate;
  const signed = stringToSign({
    method: input.method,
    path: url.pathname,
    rawQuery: url.search.replace(/^\?/, ''),
    headers: { ...headers, host: url.host },
    payloadHash: sha256Hex(input.body),
    longDate,
    shortDate,
    region: input.region,
    service: input.service,
  });
  const signature = createHmac('sha256', signingKey(input.credentials.accessKeySecret, shortDate, input.region, input.service))
    .update(signed.stringToSign, 'utf8')
    .digest('hex');
  const scope = createScope(shortDate, input.region, input.service);
  headers['authorization'] = `${SIGV4_ALGORITHM} Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signed.signedHeaders}, Signature=${signature}`;
  return headers;
}

/** The parts of a SigV4 `Authorization` header. */
export interface SigV4Authorization {
  readonly algorithm: string;
  readonly accessKeyId: string;
  /** `yyyymmdd`, region, service and terminator of the credential scope. */
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly terminator: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/**
 * Parse `AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date,
 * Signature=hex`; `undefined` when it is not that shape.
 *
 * @example
 * parseSigV4Authorization(headers.authorization)?.region // 'us-east-1'
 */
export function parseSigV4Authorization(value: string): SigV4Authorization | undefined {
  const m = /^\s*(\S+)\s+(.*)$/.exec(value);
  if (!m) return undefined;
  const fields = new Map<string, string>();
  for (const part of (m[2] ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential')?.split('/');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential?.length !== 5 || signedHeaders === undefined || signature === undefined) return undefined;
  const [accessKeyId, date, region, service, terminator] = credential as [string, string, string, string, string];
  return {
    algorithm: m[1] ?? '',
    accessKeyId,
    date,
    region,
    service,
    terminator,
    signedHeaders: signedHeaders.split(';').map((h) => h.trim().toLowerCase()).filter((h) => h !== ''),
    signature,
  };
}

/** How {@link verifySigV4} checks a request beyond the signature. */
export interface SigV4VerifyOptions {
  /** The service the scope must name (`ec2`); any when absent. */
  readonly service?: string;
  /** Clock in ms for the skew check (default `Date.now()`). */
  readonly now?: number;
  /** Reject an `X-Amz-Date` further than this from `now` (seconds). Default: no check. */
  readonly maxSkewSeconds?: number;
}

/** `20150830T123600Z` as ms since the epoch; `undefined` when it is not that shape. */
function amzDateMs(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/**
 * Verify the SigV4 signature of a received request (header authorization): the signed headers are the ones the
 * `Authorization` header lists (it must list `host`, and `x-amz-date` when that header carries the date), with the
 * values the server received, and the hash of the body as received (an `x-amz-content-sha256` header is only
 * signed, never trusted for the payload).
 *
 * @example
 * verifySigV4({ method: req.method, target: req.url, headers: req.headers, body }, (id) => secrets.get(id), { service: 'ec2' })
 */
export function verifySigV4(req: ServerRequest, lookupSecret: SecretLookup, options: SigV4VerifyOptions = {}): VerifyResult {
  const auth = headerValue(req.headers, 'authorization');
  if (auth === undefined || auth.trim() === '') return { ok: false, reason: 'missing', message: 'no Authorization header' };
  const parts = parseSigV4Authorization(auth);
  if (!parts) return { ok: false, reason: 'malformed', message: 'Authorization header is not Credential=, SignedHeaders=, Signature=' };
  if (parts.algorithm !== SIGV4_ALGORITHM) {
    return { ok: false, reason: 'unsupported', message: `unsupported signature algorithm "${parts.algorithm}"` };
  }
  const longDate = headerValue(req.headers, 'x-amz-date');
  const dateMs = longDate === undefined ? undefined : amzDateMs(longDate);
  if (longDate === undefined || dateMs === undefined) {
    return { ok: false, reason: 'malformed', message: 'X-Amz-Date is missing or not yyyymmddThhmmssZ', accessKeyId: parts.accessKeyId };
  }
  if (!parts.signedHeaders.includes('host') || !parts.signedHeaders.includes('x-amz-date')) {
    return { ok: false, reason: 'malformed', message: 'SignedHeaders must include host and x-amz-date', accessKeyId: parts.accessKeyId };
  }
  if (parts.date !== longDate.trim().slice(0, 8) || parts.terminator !== 'aws4_request') {
    return { ok: false, reason: 'malformed', message: 'the credential scope does not match X-Amz-Date or does not end in aws4_request', accessKeyId: parts.accessKeyId };
  }
  if (options.service !== undefined && parts.service !== options.service) {
    return { ok: false, reason: 'malformed', message: `the credential scope names service "${parts.service}", not "${options.service}"`, accessKeyId: parts.accessKeyId };
  }
  if (options.maxSkewSeconds !== undefined && Math.abs((options.now ?? Date.now()) - dateMs) > options.maxSkewSeconds * 1000) {
    return { ok: false, reason: 'expired', message: 'X-Amz-Date is outside the allowed window', accessKeyId: parts.accessKeyId };
  }
  const secret = lookupSecret(parts.accessKeyId);
  if (secret === undefined) return { ok: false, reason: 'unknown-key', message: 'unknown access key id', accessKeyId: parts.accessKeyId };
  const headers: Record<string, string> = {};
  // A server may hand over the headers without Content-Length (the body is already read): its value is the body's length.
  for (const name of parts.signedHeaders) {
    headers[name] = headerValue(req.headers, name) ?? (name === 'content-length' ? String(Buffer.byteLength(req.body, 'utf8')) : '');
  }
  const { path, rawQuery } = splitTarget(req.target);
  const signed = stringToSign({
    method: req.method,
    path,
    rawQuery,
    headers,
    payloadHash: sha256Hex(req.body),
    longDate: longDate.trim(),
    shortDate: parts.date,
    region: parts.region,
    service: parts.service,
  });
  const expected = createHmac('sha256', signingKey(secret, parts.date, parts.region, parts.service)).update(signed.stringToSign, 'utf8').digest('hex');
  if (safeEqual(expected, parts.signature.toLowerCase())) return { ok: true, accessKeyId: parts.accessKeyId };
  return { ok: false, reason: 'mismatch', message: 'signature does not match', accessKeyId: parts.accessKeyId, stringToSign: signed.stringToSign };
}
