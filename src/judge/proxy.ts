/**
 * The forwarding proxy of `vmconform proxy`: a client's real traffic passes through unchanged on its way to the
 * upstream (the method, path, query, headers including Host and every signed one, and the bodies, streamed both
 * ways), over Node's own pooled keep-alive HTTP(S) client (`--ca` adds CAs to the system's). Node's client, not
 * undici: piping one stream into another costs less there, and it measured faster at forwarding in `npm run bench`.
 * A copy of each exchange, bodies bounded, goes to the judge once its answer is complete.
 * Only hop-by-hop headers (RFC 9110 §7.6.1) are not forwarded: they describe one connection, and no signature
 * covers them.
 */
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { rootCertificates } from 'node:tls';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { UsageError } from '../errors.ts';
import type { ObservedExchange } from './judge.ts';

/** How much of each body the judge gets; a longer body is forwarded whole and counted as truncated. */
export const MAX_JUDGED_BODY_BYTES = 1024 * 1024;

/** Headers of one connection, never forwarded (RFC 9110 §7.6.1), and `expect` (this server answers 100-continue itself). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'proxy-authorization', 'expect']);

/** Options of {@link startProxy}. */
export interface ProxyOptions {
  /** The upstream base URL; a request's path is appended to its path. */
  readonly upstream: string;
  readonly host: string;
  readonly port: number;
  /** Extra CA files for an HTTPS upstream (`--ca`). */
  readonly caFiles?: readonly string[];
  /** Called when a request arrives (for idle timing). */
  readonly onRequest?: () => void;
  /** Called with each exchange once its answer was sent to the client. */
  readonly onExchange: (exchange: ObservedExchange) => void;
}

/** A running proxy. */
export interface RunningProxy {
  /** `http://host:port` as it listens. */
  readonly url: string;
  /** Requests whose answer is not complete yet. */
  inFlight(): number;
  /** Stop accepting, let the requests in flight finish (at most `graceMs`), close the upstream connections. */
  close(graceMs?: number): Promise<void>;
}

/** Collects the first bytes of a body (up to the bound), and how many there were. */
class BodyCopy {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  total = 0;
  add(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.kept >= MAX_JUDGED_BODY_BYTES) return;
    const part = chunk.subarray(0, MAX_JUDGED_BODY_BYTES - this.kept);
    this.chunks.push(part);
    this.kept += part.length;
  }
  get truncated(): boolean {
    return this.total > this.kept;
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** A response body as text for the judge: decompressed when the upstream compressed it. */
function decoded(bytes: Buffer, encoding: string | undefined): string | undefined {
  const e = (encoding ?? '').trim().toLowerCase();
  try {
    if (e === '' || e === 'identity') return bytes.toString('utf8');
    if (e === 'gzip' || e === 'x-gzip') return gunzipSync(bytes).toString('utf8');
    if (e === 'deflate') return inflateSync(bytes).toString('utf8');
    if (e === 'br') return brotliDecompressSync(bytes).toString('utf8');
  } catch {
    return undefined;
  }
  return undefined;
}

/** The request's headers as the client spelt them, repeated ones joined, hop-by-hop ones left out. */
function forwardHeaders(raw: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (HOP_BY_HOP.has(name.toLowerCase())) continue;
    const value = raw[i + 1] ?? '';
    out[name] = out[name] === undefined ? value : `${out[name]}, ${value}`;
  }
  return out;
}

/** `--ca`: the extra CAs next to the system's (an explicit `ca` replaces Node's default roots). */
function caOption(files: readonly string[] | undefined): { ca?: string[] } {
  if (!files || files.length === 0) return {};
  const extra = files.map((file) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (err: unknown) {
      throw new UsageError(`cannot read the CA file ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return { ca: [...rootCertificates, ...extra] };
}

function lowerHeaders(raw: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] ?? '').toLowerCase();
    const value = raw[i + 1] ?? '';
    out[name] = out[name] === undefined ? value : `${out[name]}, ${value}`;
  }
  return out;
}

function responseHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k.toLowerCase())) out[k] = v;
  return out;
}

/**
 * Start the proxy. Throws {@link UsageError} when the port is in use or the address cannot be bound.
 *
 * @example
 * const proxy = await startProxy({ upstream: 'http://127.0.0.1:8080', host: '127.0.0.1', port: 0, onExchange: (ex) => judge.add(ex) });
 */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const upstream = new URL(options.upstream);
  const basePath = upstream.pathname.replace(/\/+$/, '');
  const https = upstream.protocol === 'https:';
  const agent = https ? new HttpsAgent({ keepAlive: true, maxSockets: 256, ...caOption(options.caFiles) }) : new HttpAgent({ keepAlive: true, maxSockets: 256 });
  const send = https ? httpsRequest : httpRequest;
  let inFlight = 0;
  const drained: (() => void)[] = [];
  const done = (): void => {
    inFlight--;
    if (inFlight === 0) for (const d of drained.splice(0)) d();
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    inFlight++;
    options.onRequest?.();
    const startedMs = Date.now();
    const t0 = performance.now();
    const path = `${basePath}${req.url ?? '/'}`;
    const url = `${upstream.origin}${path}`;
    const method = req.method ?? 'GET';
    const requestCopy = new BodyCopy();
    const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;
    const requestHeaders = lowerHeaders(req.rawHeaders);
    const finish = (response: ObservedExchange['response'], transportError: string | undefined, problems: readonly string[]): void => {
      const text = requestCopy.bytes().toString('utf8');
      const bodyProblems = [...(requestCopy.truncated ? ['request body truncated'] : []), ...problems];
      options.onExchange({
        request: { method: method === 'POST' ? 'POST' : 'GET', url, headers: requestHeaders, ...(hasBody ? { body: text } : {}) },
        response,
        ...(transportError !== undefined ? { transportError } : {}),
        startedMs,
        durationMs: Math.round((performance.now() - t0) * 10) / 10,
        ...(bodyProblems.length > 0 ? { bodyProblem: bodyProblems.join(', ') } : {}),
        ...(method !== 'GET' && method !== 'POST' ? { bodyProblem: `method ${method}` } : {}),
      });
    };
    const out = send({
      hostname: upstream.hostname,
      port: upstream.port === '' ? undefined : Number(upstream.port),
      path,
      method,
      headers: forwardHeaders(req.rawHeaders),
      agent,
      setHost: req.headers.host === undefined,
    });
    let answered = false;
    out.on('response', (answer) => {
      answered = true;
      const copy = new BodyCopy();
      res.writeHead(answer.statusCode ?? 502, responseHeaders(answer.headers));
      answer.on('data', (chunk: Buffer) => copy.add(chunk));
      answer.pipe(res);
      let ended = false;
      const end = (error?: string): void => {
        if (ended) return;
        ended = true;
        const encoding = answer.headers['content-encoding'];
        const text = decoded(copy.bytes(), encoding);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
        const problems = [...(copy.truncated ? ['response body truncated'] : []), ...(text === undefined ? ['response body encoded'] : []), ...(error ? [error] : [])];
        finish({ status: answer.statusCode ?? 0, headers, bodyText: text ?? '' }, undefined, problems);
        done();
      };
      res.on('finish', () => end());
      res.on('close', () => end(res.writableFinished ? undefined : 'the client left before the answer ended'));
      answer.on('error', () => res.destroy());
    });
    out.on('error', (err: NodeJS.ErrnoException) => {
      if (answered) return;
      // A TLS failure says so, and how to trust the upstream's CA.
      const tls = /CERT|SELF_SIGNED|TLS|SSL|EPROTO/i.test(`${err.code ?? ''} ${err.message}`) ? `; the HTTPS upstream's certificate was not accepted: give its CA with --ca FILE` : '';
      const message = `${err.message}${err.code !== undefined ? ` (${err.code})` : ''}${tls}`;
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`vmconform proxy: the upstream did not answer: ${message}\n`);
      }
      finish(undefined, message, []);
      done();
    });
    // The client left: so does the request upstream.
    res.on('close', () => {
      if (!res.writableFinished) out.destroy();
    });
    req.on('data', (chunk: Buffer) => requestCopy.add(chunk));
    req.pipe(out);
  };

  const server: Server = createServer({ keepAlive: true }, handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new UsageError(`port ${options.port} on ${options.host} is in use: choose another with --port (0 picks a free one)`)
          : new UsageError(`cannot listen on ${options.host}:${options.port}: ${err.message}`),
      );
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    inFlight: () => inFlight,
    close: async (graceMs = 10_000) => {
      server.close();
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([new Promise<void>((resolve) => drained.push(resolve)), new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref())]);
      }
      server.closeAllConnections();
      agent.destroy();
    },
  };
}
