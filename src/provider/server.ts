/**
 * The reference provider over real HTTP: a `node:http` server that turns each request into a Fetch `Request` and
 * answers it with the same msw handlers `providerHandlers` returns (msw's `getResponse`). Unmatched -> 404 JSON.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse, type RequestHandler } from 'msw';
import type { DialectName } from '../dialects/types.ts';
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
  /** Serve these handlers instead of a fresh provider's (wrong providers, extra behaviour). */
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
  const handlers = options.handlers ?? provider?.handlers ?? [];
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let fallbackOrigin = `http://${host}`;

  const server = createServer((req, res) => {
    serve(req, res, handlers, maxBodyBytes, fallbackOrigin).catch((err: unknown) => {
      sendPlain(res, 500, { error: `reference provider server failed: ${err instanceof Error ? err.message : String(err)}` });
    });
  });
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

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  handlers: RequestHandler[],
  maxBodyBytes: number,
  fallbackOrigin: string,
): Promise<void> {
  const body = await readCapped(req, maxBodyBytes);
  const request = toFetchRequest(req, body, fallbackOrigin);
  if (!request) {
    sendPlain(res, 400, { error: 'the request target or headers cannot be parsed' });
    return;
  }
  const response = await getResponse(handlers, request);
  if (!response) {
    sendPlain(res, 404, { error: `no such endpoint: ${req.method ?? ''} ${req.url ?? ''}` });
    return;
  }
  const payload = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  headers['content-length'] = String(payload.length);
  res.writeHead(response.status, headers);
  res.end(payload);
}

/** Read the body, keeping at most `cap + 1` bytes (enough for the handler to see it is too large) and draining the rest. */
function readCapped(req: IncomingMessage, cap: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    req.on('data', (chunk: Buffer) => {
      if (kept > cap) return;
      const room = cap + 1 - kept;
      const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
      chunks.push(piece);
      kept += piece.length;
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve(Buffer.concat(chunks)));
  });
}

function toFetchRequest(req: IncomingMessage, body: Buffer, fallbackOrigin: string): Request | undefined {
  const method = (req.method ?? 'GET').toUpperCase();
  const target = req.url ?? '/';
  let url: URL;
  try {
    url = new URL(target.startsWith('/') ? target : `/${target}`, hostOrigin(req.headers.host, fallbackOrigin));
  } catch {
    return undefined;
  }
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] ?? '').toLowerCase();
    if (name === 'content-length' || name === 'transfer-encoding' || name === 'connection' || name === 'keep-alive') continue;
    try {
      headers.append(name, req.rawHeaders[i + 1] ?? '');
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

function hostOrigin(host: string | undefined, fallback: string): string {
  if (!host) return fallback;
  try {
    return new URL(`http://${host}`).origin;
  } catch {
    return fallback;
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
