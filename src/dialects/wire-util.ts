/**
 * Small wire helpers shared by the zenlayer and aliyun dialect modules: URL joining under a base path, body
 * parsing that never throws, and spec validation that never throws.
 */
import { createHash } from 'node:crypto';
import { aliyunPercentEncode } from '../signing/aliyun-rpc.ts';
import { schemaValidator } from '../specs/validator.ts';
import type { DialectName, OperationCall, Outcome, WireResponse } from './types.ts';

/** True for a plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field of an object, `undefined` when absent or not a string. */
export function stringField(obj: Record<string, unknown>, key: string): string | undefined {
  const v = Object.hasOwn(obj, key) ? obj[key] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** A field of an object rendered as text (strings as is, numbers and booleans stringified), else `undefined`. */
export function textField(obj: Record<string, unknown>, key: string): string | undefined {
  const v = Object.hasOwn(obj, key) ? obj[key] : undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** An own field of an object (never the prototype's). */
export function field(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** `key=value&...` with Alibaba/RFC 3986 percent-encoding of names and values. */
export function encodePairs(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([k, v]) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(v)}`).join('&');
}

/**
 * Join a base URL (which may carry a path prefix) with an API path and a query string.
 *
 * @example
 * joinUrl('http://127.0.0.1:8080/zen/', '/api/v2/vm', '') // 'http://127.0.0.1:8080/zen/api/v2/vm'
 */
export function joinUrl(baseUrl: string, path: string, query: string): string {
  const u = new URL(baseUrl);
  const prefix = u.pathname.replace(/\/+$/, '');
  return `${u.origin}${prefix}${path}${query === '' ? '' : `?${query}`}`;
}

/** The Host header value the HTTP client will send for a URL (port included unless default). */
export function hostOf(url: string): string {
  return new URL(url).host;
}

/** Lower-case hex SHA-256 of a token, for deriving ids. */
export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** The content type of an answer, if any. */
export function contentTypeOf(response: WireResponse): string | undefined {
  return response.headers['content-type'];
}

/**
 * How deep a target's JSON may nest before vmconform declines to parse it. Every documented answer nests fewer than 10
 * levels; a hostile answer of 100,000 levels would cost hundreds of MB to parse, validate and report.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether JSON text nests objects and arrays deeper than `max` (a linear scan that skips strings; no parse).
 *
 * @example
 * nestsDeeperThan('[[1]]', 1) // true
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** Parse JSON without throwing; JSON nested deeper than {@link MAX_JSON_DEPTH} is refused unparsed. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; kind: 'depth' | 'syntax'; problem: string } {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) return { ok: false, kind: 'depth', problem: `body nests deeper than ${MAX_JSON_DEPTH} levels; not parsed` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err: unknown) {
    return { ok: false, kind: 'syntax', problem: `body is not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** A short, printable excerpt of a body for problem lines. */
export function excerpt(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
}

/** Validate a value against a named schema of the dialect's spec; a validator failure becomes one line. */
export function validateSchema(dialect: DialectName, schemaName: string, value: unknown): string[] {
  try {
    return [...schemaValidator(dialect).validate(schemaName, value)];
  } catch (err: unknown) {
    return [`spec validation of ${schemaName} could not run: ${err instanceof Error ? err.message : String(err)}`];
  }
}

/** What every decoder knows of an answer before reading its body. */
export interface OutcomeBase {
  readonly httpStatus: number;
  readonly contentType: string | undefined;
}

/**
 * An outcome with nothing decoded (no body, not ok, no error, no entries, no problems), and `rest` over it.
 *
 * @example
 * outcomeOf({ httpStatus: 200, contentType: undefined }, { format: 'empty', decodeProblems: ['body is empty'] })
 */
export function outcomeOf(base: OutcomeBase, rest: Partial<Outcome> & Pick<Outcome, 'format'>): Outcome {
  return { ...base, body: undefined, requestId: undefined, ok: false, error: undefined, instances: undefined, schemaErrors: [], decodeProblems: [], ...rest };
}

/**
 * A dialect's decode that never throws (the {@link Dialect} contract): a failure becomes an unparseable outcome that
 * says why.
 *
 * @example
 * export const dialect = { ...DESCRIPTION, decode: neverThrows(decodeMine), ... };
 */
export function neverThrows(decode: (call: OperationCall, response: WireResponse) => Outcome): (call: OperationCall, response: WireResponse) => Outcome {
  return (call, response) => {
    try {
      return decode(call, response);
    } catch (err: unknown) {
      return outcomeOf(
        { httpStatus: response.status, contentType: contentTypeOf(response) },
        { format: 'unparseable', decodeProblems: [`decoding failed: ${err instanceof Error ? err.message : String(err)}`] },
      );
    }
  };
}

/**
 * The single root element of parsed XML (declarations and comments aside): its name, the body as `{ [root]: value }`
 * and the root's content (`{}` when it is text); `undefined` when there is not exactly one root.
 *
 * @example
 * xmlRoot({ '?xml': '', Error: { Code: 'X' } })?.inner // { Code: 'X' }
 */
export function xmlRoot(parsed: unknown): { root: string; body: Record<string, unknown>; inner: Record<string, unknown> } | undefined {
  const roots = isRecord(parsed) ? Object.keys(parsed).filter((k) => !k.startsWith('?') && !k.startsWith('!')) : [];
  const root = roots[0];
  if (!isRecord(parsed) || root === undefined || roots.length !== 1) return undefined;
  const value = field(parsed, root);
  return { root, body: { [root]: value }, inner: isRecord(value) ? value : {} };
}
