/**
 * The reference provider over real HTTP: a `node:http` server. A provider's own server hands each request straight
 * to the provider's logic (`Provider.handle`: plain data in, bytes out, no Fetch objects); a server given custom
 * `handlers` (wrong providers, extra behaviour) turns each request into a Fetch `Request` and answers it with msw's
 * `getResponse` over those handlers. Both ways read the request the same way (`exchange.ts`), so they answer alike.
 * Unmatched -> 404 JSON.
 *
 * Limits (a client cannot make the server hold more): a body is read up to `maxBodyBytes` (1 MiB); one that declares
 * more (`Content-Length`) is refused without reading it, one that turns out longer (chunked) is refused as soon as
 * it passes the cap, and either way the answer closes the connection instead of draining the rest. Request heads are
 * Node's (16 KiB). What Node itself refuses before a request exists (malformed HTTP, heads too large, a `CONNECT`)
 * is answered on the fast path with the dialect's error envelope too, and the connection closed.
 */
import { createServer, maxHeaderSize, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { getResponse, type RequestHandler } from 'msw';
import type { DialectName } from '../dialects/types.ts';
import { errorAnswer } from './core.ts';
import { headersFromRaw, type ProviderAnswer } from './exchange.ts';
import { createProvider, DEFAULT_MAX_BODY_BYTES, type Provider, type ProviderOptions } from './handlers.ts';

/** A provider listening on a port. */
export interface RunningProvider {
  readonly dialect: DialectName;
  /** Base URL, no trailing slash, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** The provider behind the server (store, rules); `undefined` when `handlers` overrode it. */
  readonly provider: Provider | undefined;
  /** Stop listening and drop open connections. */
  close(): Promise<void>;
}

/** Options of {@link startProviderServer}. */
export interface ProviderServerOptions extends ProviderOptions {
  readonly dialect: DialectName;
  /** Port; 0 (default) = ephemeral. */
  readonly port?: number;
  /** Host to bind; default 127.0.0.1. */
  readonly host?: string;
  /**
   * Serve these msw handlers instead of a fresh provider (wrong providers, extra behaviour); every request then goes
   * through msw's `getResponse`. Without them the provider's logic answers directly (the fast path).
   */
  readonly handlers?: RequestHandler[];
}

/**
 * Start a provider on loopback.
 *
 * @example
 * const p = await startProviderServer({ dialect: 'tencent-cvm-api3', transitionMs: 200 });
 * // ... requests to p.url ...
 * await p.close();
 */
export async function startProviderServer(options: ProviderServerOptions): Promise<RunningProvider> {
  const provider = options.handlers ? undefined : createProvider(options.dialect, options);
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let fallbackOrigin = `http://${host}`;
  const origins = new OriginCache();
  const failed = (res: ServerResponse, err: unknown): void =>
    sendPlain(res, 500, { error: `reference provider server failed: ${err instanceof Error ? err.message : String(err)}` });

  const handlers = options.handlers;
  const onRequest = handlers
    ? (req: IncomingMessage, res: ServerResponse): void => {
        serveMsw(req, res, handlers, maxBodyBytes, origins.of(hostHeader(req.rawHeaders), fallbackOrigin)).catch((err: unknown) => failed(res, err));
      }
    : (req: IncomingMessage, res: ServerResponse): void => {
        readCapped(req, maxBodyBytes, (body) => {
          try {
            serveFast(req, res, provider as Provider, body, origins.of(hostHeader(req.rawHeaders), fallbackOrigin));
          } catch (err: unknown) {
            failed(res, err);
          }
        });
      };
  // A request without `Host` is served (as addressed to this server), not refused with Node's bare 400.
  const server = createServer({ requireHostHeader: false }, onRequest);
  // `Expect` other than 100-continue: served like any request (RFC 9110 lets a server ignore it), not Node's bare 417.
  server.on('checkExpectation', onRequest);
  if (provider) {
    const refuse = (socket: Duplex, message: string): void =>
      closeWith(socket, errorAnswer(provider.context, undefined, 'invalidParameter', message));
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => refuse(socket, clientErrorMessage(err)));
    server.on('connect', (_req: IncomingMessage, socket: Duplex) => refuse(socket, 'HTTP method CONNECT is not supported (use GET or POST)'));
  }
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  fallbackOrigin = `http://${hostPart}:${port}`;
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const prefix = basePath === '' || basePath.startsWith('/') ? basePath : `/${basePath}`;
  let closing: Promise<void> | undefined;
  return {
    dialect: options.dialect,
    url: `${fallbackOrigin}${prefix}`,
    provider,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/**
 * Methods the Fetch API refuses to build a Request with: the msw path answers them 400. The fast path hands them to
 * the provider, which refuses them in the dialect's envelope like any method it does not serve.
 */
const FETCH_REFUSED_METHODS: ReadonlySet<string> = new Set(['CONNECT', 'TRACE', 'TRACK']);
const UNREADABLE = { error: 'the request target or headers cannot be parsed' };
const NO_BODY = new Uint8Array(0);

/** The fast path: the provider's logic, no Fetch objects, no msw. */
function serveFast(req: IncomingMessage, res: ServerResponse, provider: Provider, read: ReadBody, origin: string): void {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = requestUrl(req, origin);
  if (!url) {
    sendPlain(res, 400, UNREADABLE, read.over);
    return;
  }
  const answer = provider.handle({
    method,
    url,
    headers: headersFromRaw(req.rawHeaders),
    // A GET's or HEAD's body is never read (a body sent with one is ignored, however long: the connection then closes).
    body: method === 'GET' || method === 'HEAD' ? NO_BODY : read.over ? 'too-large' : read.bytes,
  });
  if (!answer) {
    sendPlain(res, 404, noSuchEndpoint(req), read.over);
    return;
  }
  sendAnswer(res, answer, read.over);
}

/** The msw path: a Fetch Request through msw's `getResponse` over custom handlers. */
async function serveMsw(
  req: IncomingMessage,
  res: ServerResponse,
  handlers: RequestHandler[],
  maxBodyBytes: number,
  origin: string,
): Promise<void> {
  const read = await new Promise<ReadBody>((resolve) => readCapped(req, maxBodyBytes, resolve));
  const request = toFetchRequest(req, read, origin);
  if (!request) {
    sendPlain(res, 400, UNREADABLE, read.over);
    return;
  }
  const response = await getResponse(handlers, request);
  if (!response) {
    sendPlain(res, 404, noSuchEndpoint(req), read.over);
    return;
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  sendAnswer(res, { status: response.status, headers, body: new Uint8Array(await response.arrayBuffer()) }, read.over);
}

function noSuchEndpoint(req: IncomingMessage): { error: string } {
  return { error: `no such endpoint: ${req.method ?? ''} ${req.url ?? ''}` };
}

/** Send an answer; `close` ends the connection after it (a body left unread is not drained). */
function sendAnswer(res: ServerResponse, answer: ProviderAnswer, close = false): void {
  // A flat [name, value, ...] list: Node stores it in one plain loop (cheaper than copying the object per answer).
  const flat: string[] = [];
  const { headers } = answer;
  // A `connection` the answer carries is kept (a provider may close every connection), unless this one must close.
  for (const name in headers) if (name !== 'content-length' && !(close && name === 'connection')) flat.push(name, headers[name] ?? '');
  flat.push('content-length', String(answer.body.byteLength));
  if (close) flat.push('connection', 'close');
  res.writeHead(answer.status, flat);
  res.end(answer.body);
}

/** A request body as read. */
interface ReadBody {
  /** What was read: the whole body, or (when `over`) what had arrived when reading stopped. */
  readonly bytes: Buffer;
  /** The body is longer than the cap (declared or seen): reading stopped, the rest stays unread. */
  readonly over: boolean;
  /** The `Content-Length` the request declared, if any. */
  readonly declared: number | undefined;
}

/**
 * Read the body up to `cap` bytes. A body that declares more is not read at all; one that turns out longer stops
 * being read at the chunk that passes the cap (memory stays at most `cap` plus one chunk per request). `done` runs
 * once: at the end of the body, or when the cap is passed. Never when the body fails to arrive whole (the client
 * went away, or broke the framing mid-body, which Node answers itself): a request that did not arrive is not served.
 */
function readCapped(req: IncomingMessage, cap: number, done: (read: ReadBody) => void): void {
  const declared = contentLength(req.rawHeaders);
  if (declared !== undefined && declared > cap) {
    done({ bytes: Buffer.alloc(0), over: true, declared });
    return;
  }
  const chunks: Buffer[] = [];
  let kept = 0;
  let finished = false;
  const finish = (over: boolean): void => {
    if (finished) return;
    finished = true;
    done({ bytes: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks), over, declared });
  };
  const onData = (chunk: Buffer): void => {
    chunks.push(chunk);
    kept += chunk.length;
    if (kept > cap) {
      req.off('data', onData);
      req.pause();
      finish(true);
    }
  };
  req.on('data', onData);
  req.on('end', () => finish(false));
  req.on('error', () => {
    finished = true;
  });
}

/** The first `Content-Length` of a raw header list, as a number (Node has already refused a malformed one). */
function contentLength(raw: readonly string[]): number | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (name.length === 14 && name.toLowerCase() === 'content-length') return Number(raw[i + 1]);
  }
  return undefined;
}

/** Why Node refused a request before it existed, in a message for the client. */
function clientErrorMessage(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return `the request line and headers exceed ${maxHeaderSize} bytes`;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 'the request did not arrive in time';
    default:
      return `the request is not valid HTTP/1.1 (${err.code ?? err.message})`;
  }
}

/**
 * Answer on a connection no request owns (Node refused what arrived) and close it, unless an answer is already
 * under way there or the peer is gone (then it is only closed), as Node's own `clientError` default does.
 */
function closeWith(socket: Duplex, answer: ProviderAnswer): void {
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (!socket.writable || inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  const head = [`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}`];
  for (const name in answer.headers) if (name !== 'content-length' && name !== 'connection') head.push(`${name}: ${answer.headers[name] ?? ''}`);
  head.push(`content-length: ${answer.body.byteLength}`, 'connection: close', '', '');
  socket.end(Buffer.concat([Buffer.from(head.join('\r\n'), 'latin1'), answer.body]), () => socket.destroy());
}

/** The request's absolute URL (an absolute-form target is taken as a path, as before); `undefined` when unparsable. */
function requestUrl(req: IncomingMessage, origin: string): URL | undefined {
  const target = req.url ?? '/';
  try {
    return new URL(target.startsWith('/') ? target : `/${target}`, origin);
  } catch {
    return undefined;
  }
}

/**
 * The request as a Fetch `Request`; `undefined` when the Fetch API cannot carry it. A body over the cap travels as
 * what was read, with the declared `Content-Length` when there was one (the provider's handlers refuse either).
 */
function toFetchRequest(req: IncomingMessage, read: ReadBody, origin: string): Request | undefined {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = requestUrl(req, origin);
  if (!url || FETCH_REFUSED_METHODS.has(method)) return undefined;
  const headers = new Headers();
  for (const [name, value] of Object.entries(headersFromRaw(req.rawHeaders))) {
    try {
      headers.append(name, value);
    } catch {
      // A header the Fetch API refuses is dropped; it cannot matter to the handlers.
    }
  }
  const body = read.bytes;
  const bodyless = method === 'GET' || method === 'HEAD';
  const hasBody = !bodyless && body.length > 0;
  // A GET's body is ignored as on the fast path; another's declared length over the cap is what refuses it.
  if (!bodyless && read.over && read.declared !== undefined) headers.set('content-length', String(read.declared));
  try {
    return new Request(url, { method, headers, body: hasBody ? body : undefined });
  } catch {
    return undefined;
  }
}

/**
 * The first `Host` header, as `req.headers.host` gives it, read from the raw list (touching `req.headers` would make
 * Node build a second copy of every header).
 */
function hostHeader(raw: readonly string[]): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (name.length === 4 && name.toLowerCase() === 'host') return raw[i + 1];
  }
  return undefined;
}

/** The origin a request's `Host` header names (the server's own when absent or unparsable), remembered per header value. */
class OriginCache {
  readonly #known = new Map<string, string>();

  of(host: string | undefined, fallback: string): string {
    if (!host) return fallback;
    const cached = this.#known.get(host);
    if (cached !== undefined) return cached;
    let origin: string;
    try {
      origin = new URL(`http://${host}`).origin;
    } catch {
      origin = fallback;
    }
    // Bounded: a client sending many distinct Host values cannot grow it without limit.
    if (this.#known.size >= 64) this.#known.clear();
    this.#known.set(host, origin);
    return origin;
  }
}

function sendPlain(res: ServerResponse, status: number, body: unknown, close = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(text);
}
