/**
 * What a server sees of a request, for the signature verifiers (`zc2.ts`, `aliyun-rpc.ts`, `acs3.ts`). A Node
 * `IncomingMessage` maps onto it directly: `{ method: req.method, target: req.url, headers: req.headers, body }`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** A received request as a server sees it. */
export interface ServerRequest {
  /** HTTP method as received (`GET`, `POST`). */
  readonly method: string;
  /** The request target as received: path plus raw query (`/api/v2/vm`, `/?Action=...`), i.e. Node's `req.url`. */
  readonly target: string;
  /** Headers; names in any case (Node gives lower case), values as Node gives them. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The raw body as UTF-8 text ('' when there is none). */
  readonly body: string;
}

/** Looks up the secret for an access key id; `undefined` when the id is unknown. */
export type SecretLookup = (accessKeyId: string) => string | undefined;

/** Outcome of a signature check. Never contains a secret; `stringToSign` is the server's (helps debugging). */
export type VerifyResult =
  | { readonly ok: true; readonly accessKeyId: string }
  | {
      readonly ok: false;
      /** A short machine-friendly reason. */
      readonly reason: 'missing' | 'malformed' | 'unknown-key' | 'mismatch' | 'expired' | 'unsupported';
      /** A readable explanation. */
      readonly message: string;
      readonly accessKeyId?: string;
      readonly stringToSign?: string;
    };

/** One header's value as a single string (arrays joined with ', ', as HTTP folds them); `undefined` if absent. */
export function headerValue(headers: ServerRequest['headers'], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === 'string' ? value : value.join(', ');
  }
  return undefined;
}

/** Split a request target into its path and its raw query (without `?`). */
export function splitTarget(target: string): { path: string; rawQuery: string } {
  const hash = target.indexOf('#');
  const clean = hash >= 0 ? target.slice(0, hash) : target;
  const q = clean.indexOf('?');
  return q >= 0 ? { path: clean.slice(0, q), rawQuery: clean.slice(q + 1) } : { path: clean, rawQuery: '' };
}

/** Lower-case hex SHA-256 of a UTF-8 string. */
export function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}

/** HMAC over a UTF-8 string, as a Buffer. */
export function hmac(algorithm: 'sha1' | 'sha256', key: string | Buffer, data: string): Buffer {
  return createHmac(algorithm, key).update(data, 'utf8').digest();
}

/** Constant-time comparison of two strings (false when lengths differ). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
