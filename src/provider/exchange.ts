/**
 * The provider's plain-data boundary: a request in (method, URL, headers, body bytes), an answer out (status,
 * headers, body bytes). The HTTP server's fast path and the msw handlers both convert to and from these, and the
 * helpers that read headers and body text are shared, so both ways in see exactly the same request.
 */

/** A request as the provider sees it. */
export interface ProviderRequest {
  /** HTTP method, upper case. */
  readonly method: string;
  /** Absolute URL of the request (a `URL` is used as is, not copied). */
  readonly url: string | URL;
  /** Header names in lower case; a repeated header's values joined with `, ` (as the Fetch API does). */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The body bytes (empty when none), or `'too-large'` when the reader saw more than the provider's `maxBodyBytes`
   * and stopped reading. A body longer than `maxBodyBytes` is refused either way.
   */
  readonly body: Uint8Array | 'too-large';
}

/** An answer: HTTP status, headers (lower-case names, no `content-length`), body bytes. */
export interface ProviderAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

/** Content type of every JSON answer. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * An answer with a text body.
 *
 * @example
 * textAnswer(200, 'application/xml;charset=utf-8', '<?xml version="1.0"?><Error/>')
 */
export function textAnswer(status: number, contentType: string, text: string, headers?: Record<string, string>): ProviderAnswer {
  return {
    status,
    headers: headers === undefined ? { 'content-type': contentType } : { 'content-type': contentType, ...headers },
    body: Buffer.from(text, 'utf8'),
  };
}

/**
 * A JSON answer with the given status.
 *
 * @example
 * jsonAnswer(404, { error: 'no such endpoint' })
 */
export function jsonAnswer(status: number, body: unknown, headers?: Record<string, string>): ProviderAnswer {
  return textAnswer(status, JSON_CONTENT_TYPE, JSON.stringify(body), headers);
}

/** The answer as a Fetch `Response` (what msw handlers return). */
export function toResponse(answer: ProviderAnswer): Response {
  const body = answer.body.byteLength === 0 ? null : answer.body;
  return new Response(body, { status: answer.status, headers: answer.headers });
}

const UTF8 = new TextDecoder('utf-8');

/** Body bytes as text: UTF-8, invalid sequences replaced, a leading byte order mark dropped (the Fetch API's way). */
export function bodyText(bytes: Uint8Array): string {
  return bytes.byteLength === 0 ? '' : UTF8.decode(bytes);
}

/**
 * Header names the HTTP bridge never hands on (they describe the connection or the framing, which is gone once the
 * body is read).
 */
const HOP_HEADERS: ReadonlySet<string> = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

/**
 * Headers from Node's `rawHeaders` list (name, value, name, value...), the way a Fetch `Headers` would hold them:
 * names lower case, values trimmed, a repeated name's values joined with `, `; connection and framing headers left
 * out.
 *
 * @example
 * headersFromRaw(['Content-Type', 'application/json', 'X-ZC-Action', 'StopInstances'])
 * // { 'content-type': 'application/json', 'x-zc-action': 'StopInstances' }
 */
export function headersFromRaw(raw: readonly string[]): Record<string, string> {
  // No prototype: a header named `constructor` or `__proto__` is a header like any other.
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] ?? '').toLowerCase();
    if (HOP_HEADERS.has(name)) continue;
    const value = trimHttpWhitespace(raw[i + 1] ?? '');
    const before = out[name];
    out[name] = before === undefined ? value : `${before}, ${value}`;
  }
  return out;
}

const EDGE_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/** Whether a character code is HTTP whitespace (space, tab, line feed, carriage return). */
function isHttpWhitespace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** A header value without leading and trailing HTTP whitespace, as Fetch keeps it. */
function trimHttpWhitespace(value: string): string {
  if (value === '') return value;
  return isHttpWhitespace(value.charCodeAt(0)) || isHttpWhitespace(value.charCodeAt(value.length - 1))
    ? value.replace(EDGE_WHITESPACE, '')
    : value;
}

/** Headers of a Fetch `Request`, names lower case. */
export function headersFromFetch(headers: Headers): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  headers.forEach((value, name) => {
    out[name.toLowerCase()] = value;
  });
  return out;
}
