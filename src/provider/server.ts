/**
 * The reference provider over real HTTP: a `node:http` server. A provider's own server hands each request straight
 * to the provider's logic (`Provider.handle`: plain data in, bytes out, no Fetch objects); a server given custom
 * `handlers` (wrong providers, extra behaviour) turns each request into a Fetch `Request` and answers it with msw's
 * `getResponse` over those handlers. Both ways read the request the same way (`exchange.ts`), so they answer alike.
 * Unmatched -> 404 JSON.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse, type RequestHandler } from 'msw';
import type { DialectName } from '../dialects/types.ts';
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
  const server = createServer(
    handlers
      ? (req, res) => {
          serveMsw(req, res, handlers, maxBodyBytes, origins.of(hostHeader(req.rawHeaders), fallbackOrigin)).catch((err: unknown) => failed(res, err));
        }
      : (req, res) => {
          readCapped(req, maxBodyBytes, (body) => {
            try {
              serveFast(req, res, provider as Provider, body, origins.of(hostHeader(req.rawHeaders), fallbackOrigin));
            } catch (err: unknown) {
              failed(res, err);
            }
          });
        },
  );
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

/** Methods the Fetch API refuses to build a Request with: the msw path answers them 400, so the fast path does too. */
const FETCH_REFUSED_METHODS: ReadonlySet<string> = new Set(['CONNECT', 'TRACE', 'TRACK']);
const UNREADABLE = { error: 'the request target or headers cannot be parsed' };
const NO_BODY = new Uint8Array(0);

/** The fast path: the provider's logic, no Fetch objects, no msw. */
function serveFast(req: IncomingMessage, res: ServerResponse, provider: Provider, body: Buffer, origin: string): void {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = requestUrl(req, origin);
  if (!url || FETCH_REFUSED_METHODS.has(method)) {
    sendPlain(res, 400, UNREADABLE);
    return;
  }
  const answer = provider.handle({
    method,
    url,
    headers: headersFromRaw(req.rawHeaders),
    body: method === 'GET' || method === 'HEAD' ? NO_BODY : body,
  });
  if (!answer) {
    sendPlain(res, 404, noSuchEndpoint(req));
    return;
  }
  sendAnswer(res, answer);
}

/** The msw path: a Fetch Request through msw's `getResponse` over custom handlers. */
async function serveMsw(
  req: IncomingMessage,
  res: ServerResponse,
  handlers: RequestHandler[],
  maxBodyBytes: number,
  origin: string,
): Promise<void> {
  const body = await new Promise<Buffer>((resolve) => readCapped(req, maxBodyBytes, resolve));
  const request = toFetchRequest(req, body, origin);
  if (!request) {
    sendPlain(res, 400, UNREADABLE);
    return;
  }
  const response = await getResponse(handlers, request);
  if (!response) {
    sendPlain(res, 404, noSuchEndpoint(req));
    return;
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  sendAnswer(res, { status: response.status, headers, body: new Uint8Array(await response.arrayBuffer()) });
}

function noSuchEndpoint(req: IncomingMessage): { error: string } {
  return { error: `no such endpoint: ${req.method ?? ''} ${req.url ?? ''}` };
}

function sendAnswer(res: ServerResponse, answer: ProviderAnswer): void {
  // A flat [name, value, ...] list: Node stores it in one plain loop (cheaper than copying the object per answer).
  const flat: string[] = [];
  const { headers } = answer;
  for (const name in headers) if (name !== 'content-length') flat.push(name, headers[name] ?? '');
  flat.push('content-length', String(answer.body.byteLength));
  res.writeHead(answer.status, flat);
  res.end(answer.body);
}

/**
 * Read the body, keeping at most `cap + 1` bytes (enough to see it is too large) and draining the rest; `done` runs
 * once, at the end of the body or on a read error (with what was read).
 */
function readCapped(req: IncomingMessage, cap: number, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let kept = 0;
  req.on('data', (chunk: Buffer) => {
    if (kept > cap) return;
    const room = cap + 1 - kept;
    const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
    chunks.push(piece);
    kept += piece.length;
  });
  const finish = once(() => done(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
  req.on('end', finish);
  req.on('error', finish);
}

/** `run`, at most once however often the result is called. (Not a named closure: tsx names those at every call.) */
function once(run: () => void): () => void {
  let ran = false;
  return () => {
    if (ran) return;
    ran = true;
    run();
  };
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

function toFetchRequest(req: IncomingMessage, body: Buffer, origin: string): Request | undefined {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = requestUrl(req, origin);
  if (!url) return undefined;
  const headers = new Headers();
  for (const [name, value] of Object.entries(headersFromRaw(req.rawHeaders))) {
    try {
      headers.append(name, value);
    } catch {
      // A header the Fetch API refuses is dropped; it cannot matter to the handlers.
    }
  }
  const hasBody = method !== 'GET' && method !== 'HEAD' && body.length > 0;
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

function sendPlain(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
