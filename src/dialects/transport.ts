/**
 * Sends a {@link WireRequest} over real HTTP (undici) and captures the raw answer. Never throws for anything the
 * target does: refused connections, resets, timeouts and oversized bodies come back as `transportError`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { rootCertificates } from 'node:tls';
import type * as Undici from 'undici';
import type { Dispatcher } from 'undici';
import { UsageError } from '../errors.ts';
import type { WireRequest, WireResponse } from './types.ts';

/**
 * Largest body the suite reads from a target, so a hostile target cannot exhaust memory: 1 MiB, several times the
 * largest answer any document describes (a status page of 100 instances, zenlayer-bmc's DescribeInstances with full
 * details, is a few hundred KB). A longer answer is a transport error, never read whole.
 */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** How the suite reaches targets: extra trusted CAs (`--ca`), and the proxy environment. */
export interface TransportOptions {
  /** PEM files of CAs to trust besides the system's (and `NODE_EXTRA_CA_CERTS`, which Node adds by itself). */
  readonly caFiles?: readonly string[];
  /** The environment the proxy settings come from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const requireModule = createRequire(import.meta.url);
let undiciModule: typeof Undici | undefined;

/**
 * undici, loaded when a dispatcher is first made (a command that sends nothing, such as the steps of a repro script
 * whose requests curl sends, never loads its hundred modules).
 */
function undici(): typeof Undici {
  undiciModule ??= requireModule('undici') as typeof Undici;
  return undiciModule;
}

/** Loopback is never proxied: the reference provider and local mocks stay direct whatever the environment says. */
const LOOPBACK_NO_PROXY = 'localhost,127.0.0.1,::1,[::1]';

/**
 * The dispatcher for the given options: `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` (either case) honoured through
 * undici's `EnvHttpProxyAgent`, loopback always direct; extra CAs added to the system's.
 *
 * @example
 * const dispatcher = makeDispatcher({ caFiles: ['corp-ca.pem'] });
 */
export function makeDispatcher(options: TransportOptions = {}): Dispatcher {
  const env = options.env ?? process.env;
  const extra: string[] = [];
  for (const file of [...(options.caFiles ?? []), ...(options.caFiles?.length && env['NODE_EXTRA_CA_CERTS'] ? [env['NODE_EXTRA_CA_CERTS']] : [])]) {
    try {
      extra.push(readFileSync(file, 'utf8'));
    } catch (err: unknown) {
      throw new UsageError(`cannot read the CA file ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  // An explicit `ca` replaces Node's default roots: keep the system's next to the extra ones.
  const connect = extra.length > 0 ? { ca: [...rootCertificates, ...extra] } : {};
  const base = { keepAliveTimeout: 4_000, connections: 64, connect };
  const proxy = env['HTTPS_PROXY'] ?? env['https_proxy'] ?? env['HTTP_PROXY'] ?? env['http_proxy'];
  const { Agent, EnvHttpProxyAgent } = undici();
  if (proxy === undefined || proxy === '') return new Agent(base);
  const noProxy = [env['NO_PROXY'] ?? env['no_proxy'] ?? '', LOOPBACK_NO_PROXY].filter((x) => x !== '').join(',');
  return new EnvHttpProxyAgent({
    ...base,
    ...(env['HTTP_PROXY'] ?? env['http_proxy'] ? { httpProxy: env['HTTP_PROXY'] ?? env['http_proxy'] } : {}),
    ...(env['HTTPS_PROXY'] ?? env['https_proxy'] ? { httpsProxy: env['HTTPS_PROXY'] ?? env['https_proxy'] } : {}),
    noProxy,
    ...(extra.length > 0 ? { requestTls: connect, proxyTls: connect } : {}),
  });
}

/** The dispatcher requests go through, made at the first request unless {@link configureTransport} made one. */
let agent: Dispatcher | undefined;

/**
 * Configure how this process reaches targets (the CLI calls it once, and the suite in its worker): extra CAs, and the
 * proxy environment read again.
 *
 * @example
 * configureTransport({ caFiles: [opts.ca] });
 */
export function configureTransport(options: TransportOptions): void {
  agent = makeDispatcher(options);
}

/** Result of one HTTP round trip. */
export interface SendResult {
  readonly response: WireResponse | undefined;
  readonly transportError: string | undefined;
  readonly durationMs: number;
}

/**
 * Send a request and read the whole body as text.
 *
 * @example
 * const { response } = await sendWire({ method: 'GET', url: 'http://127.0.0.1:8080/', headers: {} });
 */
export async function sendWire(req: WireRequest, timeoutMs = 10_000): Promise<SendResult> {
  const started = performance.now();
  agent ??= makeDispatcher();
  try {
    const res = await undici().request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      dispatcher: agent,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const tooLong = (): SendResult => ({
      response: undefined,
      transportError: `response body exceeds ${MAX_RESPONSE_BYTES} bytes`,
      durationMs: performance.now() - started,
    });
    const declared = Number(res.headers['content-length'] ?? 0);
    if (declared > MAX_RESPONSE_BYTES) {
      res.body.destroy();
      return tooLong();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += buf.length;
      if (size > MAX_RESPONSE_BYTES) {
        res.body.destroy();
        return tooLong();
      }
      chunks.push(buf);
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      if (value === undefined) continue;
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    return {
      response: { status: res.statusCode, headers, bodyText: Buffer.concat(chunks).toString('utf8') },
      transportError: undefined,
      durationMs: performance.now() - started,
    };
  } catch (err: unknown) {
    return { response: undefined, transportError: describeError(err), durationMs: performance.now() - started };
  }
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${typeof code === 'string' ? `${code} ` : ''}${err.message}${cause}`;
  }
  return String(err);
}
