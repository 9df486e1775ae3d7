/**
 * Requests as bytes to mutate, for storms against a server: a signed request a dialect module built, taken apart
 * (method, raw target, ordered headers, body) so fast-check arbitraries can drop, duplicate and garble parameters and
 * headers, change methods, paths, content types and bodies (random bytes, invalid UTF-8, UTF-16, deep or huge JSON,
 * bodies over a cap), send bodies chunked, and break the HTTP framing itself (sent over a bare socket). Knows no
 * dialect: parameters are found by name (`Action`, `Version`, `Signature`...) in the query, a form body and headers.
 */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import type { Dispatcher } from 'undici';
import type { WireRequest } from '../dialects/types.ts';

/** A request as it goes on the wire. */
export interface StormRequest {
  readonly method: string;
  /** Request target exactly as sent: path and query, already encoded (invalid escapes stay invalid). */
  readonly target: string;
  /** Headers in order, names as sent; a name may repeat. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
  /** Send the body with `Transfer-Encoding: chunked` in pieces of these sizes (cycled), not with a `Content-Length`. */
  readonly chunks?: readonly number[];
}

/**
 * A built request taken apart for mutation.
 *
 * @example
 * fromWire({ method: 'GET', url: 'http://127.0.0.1:1/?Action=X', headers: {} }).target // '/?Action=X'
 */
export function fromWire(wire: WireRequest): StormRequest {
  const url = new URL(wire.url);
  const headers = Object.entries(wire.headers).map(([name, value]): [string, string] => [name, headerSafe(value)]);
  return { method: wire.method, target: url.pathname + url.search, headers, body: Buffer.from(wire.body ?? '', 'utf8') };
}

// ---------------------------------------------------------------------------------------------------------------
// Mutations: data (so fast-check can generate, print and replay them) and one function applying them.

/** A change of the request target's path. */
export type PathChange =
  | 'dot-segment'
  | 'dot-dot-segment'
  | 'encoded-dot-segments'
  | 'double-slash'
  | 'trailing-slash'
  | 'upper-case'
  | 'encoded-letter'
  | 'encoded-slash'
  | 'traversal'
  | 'matrix-parameter'
  | 'extra-segment'
  | 'backslash';

/** A change of the body. */
export type BodyChange =
  | { readonly kind: 'empty' }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'utf16' }
  | { readonly kind: 'json-set'; readonly key: string; readonly value: JsonSpice }
  | { readonly kind: 'json-duplicate-key' }
  /** Padding past `bytes` (a body over the server's cap). */
  | { readonly kind: 'oversized'; readonly bytes: number };

/** A JSON value to put in a body: any JSON value, or one built big at send time. */
export type JsonSpice = { readonly json: unknown } | { readonly deep: number } | { readonly long: number } | { readonly many: number };

/** One mutation of a request. */
export type Mutation =
  | { readonly kind: 'method'; readonly method: string }
  | { readonly kind: 'path'; readonly change: PathChange }
  /** On the query's or the form body's parameters (`inBody`), the `at`-th (modulo their count). */
  | { readonly kind: 'param'; readonly op: 'drop' | 'duplicate' | 'garble'; readonly at: number; readonly inBody: boolean; readonly value: string }
  | { readonly kind: 'param-add'; readonly name: string; readonly value: string; readonly inBody: boolean }
  | { readonly kind: 'header'; readonly op: 'drop' | 'duplicate' | 'garble' | 'case'; readonly at: number; readonly value: string }
  | { readonly kind: 'header-add'; readonly name: string; readonly value: string }
  | { readonly kind: 'content-type'; readonly value: string }
  | { readonly kind: 'body'; readonly change: BodyChange }
  | { readonly kind: 'chunked'; readonly sizes: readonly number[] }
  /** Set (or with `undefined` remove) a named value wherever it travels: query, form body, header. */
  | { readonly kind: 'named'; readonly what: NamedValue; readonly value: string | undefined };

/** Values found by name in the query, a form body and headers. */
export type NamedValue = 'action' | 'version' | 'signature' | 'region';

const NAMED: Readonly<Record<NamedValue, { readonly params: readonly string[]; readonly header: RegExp }>> = {
  action: { params: ['Action'], header: /^x-[a-z]+-action$/i },
  version: { params: ['Version'], header: /^x-[a-z]+-version$/i },
  signature: { params: ['Signature'], header: /^authorization$/i },
  region: { params: ['Region', 'RegionId'], header: /^x-tc-region$/i },
};

const FORM = 'application/x-www-form-urlencoded';

/** Whether a request's body is a form (its parameters are mutated like the query's). */
function hasFormBody(req: StormRequest): boolean {
  return req.headers.some(([name, value]) => name.toLowerCase() === 'content-type' && value.toLowerCase().startsWith(FORM));
}

function splitTarget(target: string): { path: string; pairs: string[] } {
  const q = target.indexOf('?');
  if (q < 0) return { path: target, pairs: [] };
  const query = target.slice(q + 1);
  return { path: target.slice(0, q), pairs: query === '' ? [] : query.split('&') };
}

function joinTarget(path: string, pairs: readonly string[]): string {
  return pairs.length === 0 ? path : `${path}?${pairs.join('&')}`;
}

/** The name of a raw `name=value` pair, decoded where it can be. */
function pairName(pair: string): string {
  const raw = pair.split('=', 1)[0] ?? '';
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/**
 * A value as it may stand raw in a request target: characters outside printable ASCII percent-encoded (UTF-8), `&`
 * and `#` too, `%` left alone (so `%ZZ` and `%C3%28` arrive as sent).
 */
export function rawTargetValue(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    out += code > 0x20 && code < 0x7f && ch !== '&' && ch !== '#' && ch !== '+' ? ch : safeEncode(ch);
  }
  return out;
}

function safeEncode(ch: string): string {
  try {
    return encodeURIComponent(ch);
  } catch {
    return '%EF%BF%BD';
  }
}

/** A header value undici sends: tab, printable ASCII and Latin-1 only (the rest becomes `?`). */
export function headerSafe(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    out += code === 9 || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) ? ch : '?';
  }
  return out;
}

function mapPairs(req: StormRequest, inBody: boolean, edit: (pairs: string[]) => string[]): StormRequest {
  if (inBody) {
    if (!hasFormBody(req)) return req;
    const text = req.body.toString('latin1');
    return { ...req, body: Buffer.from(edit(text === '' ? [] : text.split('&')).join('&'), 'latin1') };
  }
  const { path, pairs } = splitTarget(req.target);
  return { ...req, target: joinTarget(path, edit(pairs)) };
}

function setNamed(req: StormRequest, what: NamedValue, value: string | undefined): StormRequest {
  const { params, header } = NAMED[what];
  const editPairs = (pairs: string[]): string[] =>
    pairs.flatMap((pair) => (params.includes(pairName(pair)) ? (value === undefined ? [] : [`${pair.split('=', 1)[0] ?? ''}=${rawTargetValue(value)}`]) : [pair]));
  let out = mapPairs(mapPairs(req, false, editPairs), true, editPairs);
  out = {
    ...out,
    headers: out.headers.flatMap(([name, v]): (readonly [string, string])[] => (header.test(name) ? (value === undefined ? [] : [[name, headerSafe(value)]]) : [[name, v]])),
  };
  return out;
}

function changePath(path: string, change: PathChange): string {
  const segments = path.split('/');
  const last = segments.length - 1;
  switch (change) {
    case 'dot-segment':
      return `/.${path}`;
    case 'dot-dot-segment':
      return `/zz/..${path}`;
    case 'encoded-dot-segments':
      return `/%2e/zz/%2E%2e${path}`;
    case 'double-slash':
      return `/${path}`;
    case 'trailing-slash':
      return path.endsWith('/') ? `${path}/` : `${path}/`;
    case 'upper-case':
      return path.toUpperCase();
    case 'encoded-letter': {
      const i = path.search(/[a-z]/i);
      return i < 0 ? `${path}%61` : `${path.slice(0, i)}%${path.charCodeAt(i).toString(16)}${path.slice(i + 1)}`;
    }
    case 'encoded-slash':
      return path.length > 1 ? `/${path.slice(1).replace(/\//g, '%2F')}` : '/%2F';
    case 'traversal':
      return `/../../..${path}/../../etc/passwd`;
    case 'matrix-parameter':
      return `${path};jsessionid=1`;
    case 'extra-segment':
      segments.splice(last, 0, 'vmconform');
      return segments.join('/');
    case 'backslash':
      // The first slash stays (undici sends only targets that start with one); WHATWG URLs read `\\` as `/`.
      return `/${path.slice(1).replace(/\//g, '\\')}`;
  }
}

/** Build the value a {@link JsonSpice} stands for, as JSON text. */
function spiceText(spice: JsonSpice): string {
  if ('deep' in spice) return `${'['.repeat(spice.deep)}${']'.repeat(spice.deep)}`;
  if ('long' in spice) return JSON.stringify('x'.repeat(spice.long));
  if ('many' in spice) return `[${Array.from({ length: spice.many }, (_, i) => `"id-${i}"`).join(',')}]`;
  return JSON.stringify(spice.json) ?? 'null';
}

function changeBody(body: Buffer, change: BodyChange): Buffer {
  switch (change.kind) {
    case 'empty':
      return Buffer.alloc(0);
    case 'bytes':
      return Buffer.from(change.bytes);
    case 'text':
      return Buffer.from(change.text, 'utf8');
    case 'truncate':
      return body.subarray(0, body.length === 0 ? 0 : change.at % body.length);
    case 'utf16':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body.toString('utf8'), 'utf16le')]);
    case 'json-set': {
      const text = body.toString('utf8').trim();
      const entry = `${JSON.stringify(change.key)}:${spiceText(change.value)}`;
      // An object body gets the member first (a later duplicate of the key still wins in JSON.parse); anything else
      // becomes an object with just it.
      return Buffer.from(text.startsWith('{') ? `{${entry}${text.length > 2 ? `,${text.slice(1)}` : '}'}` : `{${entry}}`, 'utf8');
    }
    case 'json-duplicate-key': {
      const text = body.toString('utf8');
      const first = /^\s*\{\s*("(?:[^"\\]|\\.)*")\s*:/.exec(text);
      return first ? Buffer.from(text.replace(/\}\s*$/, `,${first[1] ?? '""'}:"vmconform"}`), 'utf8') : body;
    }
    case 'oversized':
      return Buffer.concat([body, Buffer.alloc(change.bytes, 0x20)]);
  }
}

/**
 * Apply mutations in order.
 *
 * @example
 * mutate(req, [{ kind: 'method', method: 'PUT' }, { kind: 'named', what: 'action', value: 'StopInstancez' }])
 */
export function mutate(req: StormRequest, mutations: readonly Mutation[]): StormRequest {
  return mutations.reduce(mutateOnce, req);
}

/** The request with one more header; a second `Host` replaces the first (undici sends one at most). */
function withHeader(req: StormRequest, name: string, value: string): StormRequest {
  const host = name.toLowerCase() === 'host';
  return { ...req, headers: [...req.headers.filter(([n]) => !host || n.toLowerCase() !== 'host'), [name, value]] };
}

function mutateOnce(req: StormRequest, m: Mutation): StormRequest {
  switch (m.kind) {
    case 'method':
      return { ...req, method: m.method };
    case 'path': {
      const { path, pairs } = splitTarget(req.target);
      return { ...req, target: joinTarget(changePath(path, m.change), pairs) };
    }
    case 'param':
      return mapPairs(req, m.inBody, (pairs) => {
        if (pairs.length === 0) return pairs;
        const i = m.at % pairs.length;
        const pair = pairs[i] ?? '';
        if (m.op === 'drop') return pairs.filter((_, j) => j !== i);
        if (m.op === 'duplicate') return [...pairs, pair];
        const next = [...pairs];
        next[i] = `${pair.split('=', 1)[0] ?? ''}=${rawTargetValue(m.value)}`;
        return next;
      });
    case 'param-add':
      return mapPairs(req, m.inBody, (pairs) => [...pairs, `${rawTargetValue(m.name)}=${rawTargetValue(m.value)}`]);
    case 'header': {
      if (req.headers.length === 0) return req;
      const i = m.at % req.headers.length;
      const [name, value] = req.headers[i] ?? ['', ''];
      const rest = req.headers.filter((_, j) => j !== i);
      if (m.op === 'drop') return { ...req, headers: rest };
      if (m.op === 'duplicate') return withHeader(req, name, headerSafe(m.value));
      if (m.op === 'case') return { ...req, headers: [...rest, [name.toUpperCase(), value]] };
      return { ...req, headers: [...rest, [name, headerSafe(m.value)]] };
    }
    case 'header-add':
      return withHeader(req, m.name, headerSafe(m.value));
    case 'content-type':
      return { ...req, headers: [...req.headers.filter(([name]) => name.toLowerCase() !== 'content-type'), ['content-type', headerSafe(m.value)]] };
    case 'body':
      return { ...req, body: changeBody(req.body, m.change) };
    case 'chunked':
      return { ...req, chunks: m.sizes };
    case 'named':
      return setNamed(req, m.what, m.value);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Arbitraries.

/** Values that trip parsers: empty, odd escapes, invalid UTF-8 in escapes, numbers in odd spellings, markup. */
const NASTY_VALUES = ['', ' ', '%', '%ZZ', '%C3%28', '%00', '%ED%A0%80', '%FF%FE', '\u00ff', '..', 'null', 'true', 'TRUE ', '-1', '1e999', '0x10', '[]', '{}', '<x/>', "' OR 1=1 --", '\u202e', '\ud83d\ude00'];

/** A garbage value for a parameter or header: random text, nasty literals, now and then a huge one. */
export const garbageValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_VALUES) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 12_000 }).map((n) => 'A'.repeat(n)) },
);

/** Methods: the two the dialects use, the rest of HTTP's, WebDAV's and one Node does not know at all. */
export const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'PURGE', 'BREW'] as const;

const PATH_CHANGES: readonly PathChange[] = [
  'dot-segment',
  'dot-dot-segment',
  'encoded-dot-segments',
  'double-slash',
  'trailing-slash',
  'upper-case',
  'encoded-letter',
  'encoded-slash',
  'traversal',
  'matrix-parameter',
  'extra-segment',
  'backslash',
];

const CONTENT_TYPES = [
  'application/json',
  FORM,
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'application/json;;;',
  '',
  'application/xml',
  '*/*',
  'application/x-www-form-urlencoded; charset=latin1',
];

/** Header names undici refuses to send as given (framing and connection management): sent over raw sockets only. */
const UNSENDABLE_HEADERS = /^(content-length|transfer-encoding|connection|keep-alive|upgrade|expect|te|trailer)$/i;

/** A header name worth adding: the ones the dialects read, ones that mean something to HTTP, or a random token. */
const headerName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('x-tc-action', 'x-zc-action', 'x-acs-action', 'x-tc-version', 'x-tc-region', 'x-tc-timestamp', 'authorization', 'host', 'content-encoding', 'x-http-method-override', 'accept-encoding', 'cookie', 'x-forwarded-for', 'x-acs-version'),
  fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,24}$/).filter((name) => !UNSENDABLE_HEADERS.test(name)),
);

/** JSON members worth setting: the dialects' own (either spelling), paging, and random keys. */
const JSON_KEYS = ['InstanceIds', 'instanceIds', 'ForceStop', 'forceShutdown', 'StopType', 'StoppedMode', 'Limit', 'Offset', 'pageSize', 'pageNum', '__proto__', 'constructor', ''];

const jsonSpice: fc.Arbitrary<JsonSpice> = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((json): JsonSpice => ({ json })) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 30_000 }).map((deep): JsonSpice => ({ deep })) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 60_000 }).map((long): JsonSpice => ({ long })) },
  { weight: 1, arbitrary: fc.constantFrom(99, 100, 101, 1_000).map((many): JsonSpice => ({ many })) },
);

/** Body changes; `oversizedBytes` is how far past the cap an oversized body goes. */
function bodyChange(cap: number): fc.Arbitrary<BodyChange> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant<BodyChange>({ kind: 'empty' }) },
    { weight: 3, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes): BodyChange => ({ kind: 'bytes', bytes })) },
    // Invalid UTF-8: lone continuation bytes, overlong forms, surrogates, truncated sequences.
    { weight: 2, arbitrary: fc.constantFrom('80', 'c0af', 'eda080', 'f4908080', 'e282', 'fffe', '7b22496e7374616e6365496473223a5b22c3').map((hex): BodyChange => ({ kind: 'bytes', bytes: Buffer.from(hex, 'hex') })) },
    { weight: 2, arbitrary: fc.constantFrom('{', 'null', '[]', '"x"', '{"a":1}{"a":2}', '\u0000', 'a=b&c', '<xml/>', '{"InstanceIds":"', '\ufeff{}').map((text): BodyChange => ({ kind: 'text', text })) },
    { weight: 2, arbitrary: fc.nat().map((at): BodyChange => ({ kind: 'truncate', at })) },
    { weight: 1, arbitrary: fc.constant<BodyChange>({ kind: 'utf16' }) },
    { weight: 5, arbitrary: fc.record({ key: fc.oneof(fc.constantFrom(...JSON_KEYS), fc.string({ maxLength: 8 })), value: jsonSpice }).map(({ key, value }): BodyChange => ({ kind: 'json-set', key, value })) },
    { weight: 1, arbitrary: fc.constant<BodyChange>({ kind: 'json-duplicate-key' }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 64 * 1024 }).map((extra): BodyChange => ({ kind: 'oversized', bytes: cap + extra })) },
  );
}

/** Options of {@link mutationArb}. */
export interface MutationOptions {
  /** The server's body cap (oversized bodies go past it). */
  readonly cap: number;
  /** Action names to set besides unknown ones (the dialect's own, so a mutation may turn one operation into another). */
  readonly actions: readonly string[];
}

/** Unknown actions: near misses of real ones, other operations, junk. */
export const UNKNOWN_ACTIONS = ['StopInstancez', 'stopinstances', 'STOPINSTANCES', 'StopInstance', 'StartInstances', 'RebootInstances', 'TerminateInstances', 'Stop%Instances', 'StopInstances\u0000', 'Stop\u00e4Instances', 'DescribeInstance', '../StopInstances'];

/**
 * Any mutation: what a fuzzer does to a valid request. The result may be anything, valid or not.
 *
 * @example
 * fc.sample(mutationArb({ cap: 1 << 20, actions: ['StopInstances'] }), 3)
 */
export function mutationArb(options: MutationOptions): fc.Arbitrary<Mutation> {
  const at = fc.nat({ max: 40 });
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...METHODS).map((method): Mutation => ({ kind: 'method', method })) },
    { weight: 2, arbitrary: fc.constantFrom(...PATH_CHANGES).map((change): Mutation => ({ kind: 'path', change })) },
    {
      weight: 6,
      arbitrary: fc.record({ op: fc.constantFrom('drop' as const, 'duplicate' as const, 'garble' as const), at, inBody: fc.boolean(), value: garbageValue }).map((p): Mutation => ({ kind: 'param', ...p })),
    },
    { weight: 2, arbitrary: fc.record({ name: fc.oneof(fc.constantFrom('Action', 'Version', 'InstanceIds.1', 'InstanceIds.0', 'InstanceId.1', 'InstanceId.101', 'Format', 'DryRun', 'Limit', 'PageSize'), fc.string({ maxLength: 10 })), value: garbageValue, inBody: fc.boolean() }).map((p): Mutation => ({ kind: 'param-add', ...p })) },
    { weight: 4, arbitrary: fc.record({ op: fc.constantFrom('drop' as const, 'duplicate' as const, 'garble' as const, 'case' as const), at, value: garbageValue }).map((h): Mutation => ({ kind: 'header', ...h })) },
    { weight: 2, arbitrary: fc.record({ name: headerName, value: garbageValue }).map((h): Mutation => ({ kind: 'header-add', ...h })) },
    { weight: 2, arbitrary: fc.oneof(fc.constantFrom(...CONTENT_TYPES), fc.string({ maxLength: 20 })).map((value): Mutation => ({ kind: 'content-type', value })) },
    { weight: 5, arbitrary: bodyChange(options.cap).map((change): Mutation => ({ kind: 'body', change })) },
    { weight: 1, arbitrary: chunkSizes.map((sizes): Mutation => ({ kind: 'chunked', sizes })) },
    {
      weight: 3,
      arbitrary: fc
        .record({
          what: fc.constantFrom<NamedValue>('action', 'version', 'signature', 'region'),
          value: fc.option(fc.oneof(fc.constantFrom(...UNKNOWN_ACTIONS, ...options.actions), garbageValue), { nil: undefined, freq: 5 }),
        })
        .map((n): Mutation => ({ kind: 'named', ...n })),
    },
  );
}

const chunkSizes = fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 5 });

/**
 * Mutations that cannot make a refused request acceptable: junk headers and parameters under names no dialect reads,
 * header name case, chunked bodies, and paths (which either normalize to the same route or leave it).
 */
export const harmlessMutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ name: fc.stringMatching(/^[a-z0-9]{1,8}$/).map((s) => `x-junk-${s}`), value: garbageValue }).map((h): Mutation => ({ kind: 'header-add', ...h })),
  fc.record({ name: fc.stringMatching(/^[a-z0-9]{1,8}$/).map((s) => `Junk${s}`), value: garbageValue }).map((p): Mutation => ({ kind: 'param-add', ...p, inBody: false })),
  fc.record({ at: fc.nat({ max: 40 }) }).map(({ at }): Mutation => ({ kind: 'header', op: 'case', at, value: '' })),
  chunkSizes.map((sizes): Mutation => ({ kind: 'chunked', sizes })),
  fc.constantFrom(...PATH_CHANGES).map((change): Mutation => ({ kind: 'path', change })),
);

/** The action a mutation list leaves in the request when it sets one (the last `named` action), else `undefined`. */
export function actionSetBy(mutations: readonly Mutation[]): string | undefined | null {
  let action: string | undefined | null = null;
  for (const m of mutations) if (m.kind === 'named' && m.what === 'action') action = m.value;
  return action;
}

// ---------------------------------------------------------------------------------------------------------------
// Sending.

/** An answer received. */
export interface StormAnswer {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** How one request went: an answer, or what the transport said. */
export type StormResult = { readonly answer: StormAnswer } | { readonly transportError: string };

async function* inPieces(body: Buffer, sizes: readonly number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (let i = 0; at < body.length; i++) {
    const size = sizes[i % sizes.length] ?? body.length;
    yield body.subarray(at, at + size);
    at += size;
  }
}

/**
 * A header value undici sends without failing itself: it asserts that a `Host` starting with `[` (an IPv6 literal)
 * closes it, so such a value gets its `]` (still a host no server is called by).
 */
function sendableHeader(name: string, value: string): string {
  return name.toLowerCase() === 'host' && value.startsWith('[') && !value.includes(']') ? `${value}]` : value;
}

/**
 * Send a request with undici's dispatcher API (the target goes out exactly as written: no normalization), reading
 * the whole answer. Never rejects: transport failures come back as `transportError`.
 */
export async function sendStorm(dispatcher: Dispatcher, origin: string, req: StormRequest, timeoutMs = 30_000): Promise<StormResult> {
  try {
    const res = await dispatcher.request({
      origin,
      path: req.target,
      method: req.method as Dispatcher.HttpMethod,
      headers: req.headers.flatMap(([name, value]) => [name, sendableHeader(name, value)]),
      body: req.chunks ? Readable.from(inPieces(req.body, req.chunks)) : req.body.length > 0 || req.method !== 'GET' ? req.body : undefined,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const body = Buffer.from(await res.body.arrayBuffer());
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    return { answer: { status: res.statusCode, headers, body } };
  } catch (err: unknown) {
    const code = (err as { code?: unknown }).code;
    return { transportError: `${typeof code === 'string' ? `${code} ` : ''}${err instanceof Error ? err.message : String(err)}` };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Broken framing, for a bare socket.

/** Ways to break (or merely stretch) HTTP/1.1 framing that no HTTP client sends. */
export type FramingChange =
  /** Refused by Node's parser: the request never reaches the server's handler complete. */
  | 'garbled-request-line'
  | 'lower-case-method'
  | 'header-without-colon'
  | 'space-before-colon'
  | 'control-character'
  | 'obs-fold'
  | 'length-and-chunked'
  | 'two-lengths'
  | 'negative-length'
  | 'bad-chunk-size'
  | 'bad-chunk-after-good'
  | 'truncated-body'
  | 'lf-only'
  | 'http2-preface'
  | 'oversized-head'
  /** Accepted: served like any request. */
  | 'http10'
  | 'no-host'
  | 'pipelined-twice'
  | 'expect-continue'
  | 'expect-unknown'
  | 'latin1-header';

/** The framing changes Node's parser refuses (or that leave a body incomplete): never served as a whole request. */
export const REFUSED_FRAMING: readonly FramingChange[] = [
  'garbled-request-line',
  'lower-case-method',
  'header-without-colon',
  'space-before-colon',
  'control-character',
  'obs-fold',
  'length-and-chunked',
  'two-lengths',
  'negative-length',
  'bad-chunk-size',
  'bad-chunk-after-good',
  'truncated-body',
  'lf-only',
  'http2-preface',
  'oversized-head',
];

/** The framing changes Node accepts: the request is served. */
export const SERVED_FRAMING: readonly FramingChange[] = ['http10', 'no-host', 'pipelined-twice', 'expect-continue', 'expect-unknown', 'latin1-header'];

/** The framing changes that are only extra head lines on an otherwise well-framed request. */
type HeadLineChange = Extract<FramingChange, 'header-without-colon' | 'space-before-colon' | 'control-character' | 'obs-fold' | 'oversized-head' | 'expect-continue' | 'expect-unknown' | 'latin1-header'>;

/** The head lines each of them adds. */
const EXTRA_HEAD_LINES: Readonly<Record<HeadLineChange, readonly string[]>> = {
  'header-without-colon': ['X-Broken header'],
  'space-before-colon': ['X-Spaced : 1'],
  'control-character': ['X-Control: a\u0001b'],
  'obs-fold': ['X-Folded: a', ' b'],
  'oversized-head': [`X-Padding: ${'p'.repeat(20_000)}`],
  'expect-continue': ['Expect: 100-continue'],
  'expect-unknown': ['Expect: vmconform'],
  'latin1-header': ['X-Latin: \u00ff\u00e9'],
};

/**
 * The request as HTTP/1.1 bytes with its framing changed. `host` is the `Host` header to send (a request built for
 * undici has none).
 *
 * @example
 * frame(req, '127.0.0.1:8080', 'truncated-body') // declares more body than it carries
 */
export function frame(req: StormRequest, host: string, change: FramingChange): Buffer {
  const body = req.body;
  const headers = req.headers.filter(([name]) => !/^(host|content-length|transfer-encoding)$/i.test(name));
  const line = (method: string, version = 'HTTP/1.1'): string => `${method} ${req.target} ${version}`;
  const head = (first: string, extra: readonly string[], withHost = true): string =>
    [first, ...(withHost ? [`Host: ${host}`] : []), ...headers.map(([n, v]) => `${n}: ${v}`), ...extra].join('\r\n');
  /** The head as given, then `after` (the body unless told). */
  const raw = (first: string, extra: readonly string[], after: Buffer = body, withHost = true): Buffer =>
    Buffer.concat([Buffer.from(`${head(first, extra, withHost)}\r\n\r\n`, 'latin1'), after]);
  /** Framed as it should be: `Content-Length` of the body. */
  const plain = (first: string, extra: readonly string[] = [], withHost = true): Buffer => raw(first, [...extra, `Content-Length: ${body.length}`], body, withHost);
  // A first chunk that is not the last (an empty one would end the body: what follows would be the next request).
  const first = body.length > 0 ? body : Buffer.from(' ');
  const chunked = (tail: string): Buffer =>
    raw(line(req.method), ['Transfer-Encoding: chunked'], Buffer.concat([Buffer.from(`${first.length.toString(16)}\r\n`, 'latin1'), first, Buffer.from(`\r\n${tail}`, 'latin1')]));
  switch (change) {
    case 'garbled-request-line':
      return plain(`${req.method.slice(0, 1)} ${req.method.slice(1)} ${req.target} HTTP/1.1`);
    case 'lower-case-method':
      return plain(line(req.method.toLowerCase()));
    case 'length-and-chunked':
      return raw(line(req.method), [`Content-Length: ${body.length}`, 'Transfer-Encoding: chunked']);
    case 'two-lengths':
      return raw(line(req.method), [`Content-Length: ${body.length}`, `Content-Length: ${body.length + 1}`]);
    case 'negative-length':
      return raw(line(req.method), ['Content-Length: -1']);
    case 'bad-chunk-size':
      return raw(line(req.method), ['Transfer-Encoding: chunked'], Buffer.concat([Buffer.from('ZZ\r\n'), body, Buffer.from('\r\n0\r\n\r\n')]));
    case 'bad-chunk-after-good':
      return chunked('ZZ\r\n');
    case 'truncated-body':
      return raw(line(req.method), [`Content-Length: ${body.length + 7}`]);
    case 'lf-only':
      return Buffer.concat([Buffer.from(`${head(line(req.method), [`Content-Length: ${body.length}`]).replace(/\r\n/g, '\n')}\n\n`, 'latin1'), body]);
    case 'http2-preface':
      return Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
    case 'http10':
      return plain(line(req.method, 'HTTP/1.0'), [], false);
    case 'no-host':
      return plain(line(req.method), [], false);
    case 'pipelined-twice':
      return Buffer.concat([plain(line(req.method)), plain(line(req.method))]);
    default:
      // Every other change is a HeadLineChange (a change left out of both fails to compile here).
      return plain(line(req.method), EXTRA_HEAD_LINES[change]);
  }
}
