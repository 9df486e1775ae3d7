/**
 * The forwarding proxy of `vmconform proxy`: a pass-through at the byte level. Each client connection gets its own
 * connection to the upstream, and the bytes go both ways as they came: request line, path, query, every header
 * (Host and every signed one, spelling and order kept), bodies and their framing, keep-alive and pipelining, 100
 * Continue. Nothing is parsed or rewritten on the way, so every signature still verifies and the proxy adds little
 * more than a socket copy to each exchange (`npm run bench` measures it).
 *
 * What passes is logged ({@link TrafficEntry}: each chunk, each connection's end) and handed to a sink once per turn
 * of the event loop; reading the log as HTTP and judging it happen there (`traffic-judge.ts`: in a worker thread).
 * The one thing the proxy says itself: when the upstream cannot be reached (or its TLS certificate is not trusted),
 * the client's request gets a 502 naming the cause.
 */
import { readFileSync } from 'node:fs';
import { connect as netConnect, createServer, isIP, type AddressInfo, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, rootCertificates } from 'node:tls';
import { UsageError } from '../errors.ts';
import type { TrafficEntry } from './traffic-reader.ts';

/** Where the proxy's log goes. */
export interface TrafficSink {
  /** The entries logged since the last call, in order (called at most once per turn of the event loop). */
  write(entries: TrafficEntry[]): void;
  /** Resolves when every request written so far has been answered or given up. */
  idle(): Promise<void>;
}

/** Options of {@link startProxy}. */
export interface ProxyOptions {
  /** The upstream: its origin receives every request, paths unchanged. */
  readonly upstream: string;
  readonly host: string;
  readonly port: number;
  /** Extra CA files for an HTTPS upstream (`--ca`). */
  readonly caFiles?: readonly string[];
  /** Called when bytes of a request arrive (for idle timing). */
  readonly onRequest?: () => void;
  readonly sink: TrafficSink;
}

/** A running proxy. */
export interface RunningProxy {
  /** `http://host:port` as it listens. */
  readonly url: string;
  /** Entries logged and not yet written to the sink. */
  unwritten(): number;
  /**
   * Stop accepting connections and reading requests, let the requests in flight finish (at most `graceMs`), close every
   * connection, write the last entries to the sink.
   */
  close(graceMs?: number): Promise<void>;
}

/** `--ca`: the extra CAs next to the system's and NODE_EXTRA_CA_CERTS' (an explicit `ca` replaces Node's default roots). */
function caOption(files: readonly string[] | undefined): { ca?: string[] } {
  if (!files || files.length === 0) return {};
  const read = (file: string, what: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch (err: unknown) {
      throw new UsageError(`cannot read ${what} ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const fromEnv = process.env['NODE_EXTRA_CA_CERTS'];
  return { ca: [...rootCertificates, ...(fromEnv ? [read(fromEnv, 'NODE_EXTRA_CA_CERTS')] : []), ...files.map((file) => read(file, 'the CA file'))] };
}

/** What the upstream's failure looks like in a report (and what to do about a TLS one). */
function describeUpstreamError(err: NodeJS.ErrnoException): string {
  const tls = /CERT|SELF_SIGNED|TLS|SSL|EPROTO/i.test(`${err.code ?? ''} ${err.message}`) ? `; the HTTPS upstream's certificate was not accepted: give its CA with --ca FILE` : '';
  return `${err.message}${err.code !== undefined ? ` (${err.code})` : ''}${tls}`;
}

/** The most of a client's first bytes kept to find its first request's head when the upstream is unreachable. */
const MAX_HEAD_BYTES = 64 * 1024;

/**
 * Start the proxy. Throws {@link UsageError} when the port is in use or the address cannot be bound.
 *
 * @example
 * const proxy = await startProxy({ upstream: 'http://127.0.0.1:8080', host: '127.0.0.1', port: 0, sink: judge });
 */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const upstream = new URL(options.upstream);
  const https = upstream.protocol === 'https:';
  const upstreamHost = upstream.hostname.replace(/^\[(.*)\]$/, '$1');
  const upstreamPort = upstream.port === '' ? (https ? 443 : 80) : Number(upstream.port);
  const tlsOptions = https ? { ...caOption(options.caFiles), ...(isIP(upstreamHost) === 0 ? { servername: upstreamHost } : {}) } : {};
  const dial = (): Socket => (https ? tlsConnect({ host: upstreamHost, port: upstreamPort, ...tlsOptions }) : netConnect({ host: upstreamHost, port: upstreamPort }));
  const clock = (): number => performance.timeOrigin + performance.now();

  let log: TrafficEntry[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (log.length === 0) return;
    const entries = log;
    log = [];
    options.sink.write(entries);
  };
  const append = (entry: TrafficEntry): void => {
    log.push(entry);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };

  const sockets = new Set<Socket>();
  /** Each client connection and its upstream one: at the end, no new request is read from the client. */
  const pairs = new Map<Socket, Socket>();
  let connections = 0;
  const server: Server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    const conn = ++connections;
    const up = dial();
    up.setNoDelay(true);
    sockets.add(client);
    sockets.add(up);
    pairs.set(client, up);
    let upstreamFailed = false;
    let answered = false;
    // Until the upstream's first byte: the client's bytes, to answer its first request with a 502 if it never comes.
    let early: Buffer[] | undefined = [];
    let earlyBytes = 0;
    let unreachable: string | undefined;
    const answer502 = (): void => {
      if (unreachable === undefined || early === undefined || client.destroyed) return;
      if (Buffer.concat(early).indexOf('\r\n\r\n') < 0 && earlyBytes < MAX_HEAD_BYTES) return;
      const text = `vmconform proxy: the upstream did not answer: ${unreachable}\n`;
      client.end(`HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`);
      early = undefined;
    };
    client.on('data', (chunk: Buffer) => {
      append({ conn, kind: 'request', chunk, at: clock() });
      options.onRequest?.();
      if (early !== undefined && earlyBytes < MAX_HEAD_BYTES) {
        early.push(chunk);
        earlyBytes += chunk.length;
        answer502();
      }
    });
    up.on('data', (chunk: Buffer) => {
      answered = true;
      early = undefined;
      append({ conn, kind: 'response', chunk, at: clock() });
    });
    client.pipe(up);
    up.pipe(client);
    client.on('end', () => append({ conn, kind: 'client-end', at: clock() }));
    up.on('end', () => append({ conn, kind: 'response-end', at: clock() }));
    up.on('error', (err: NodeJS.ErrnoException) => {
      if (upstreamFailed) return;
      upstreamFailed = true;
      const message = describeUpstreamError(err);
      append({ conn, kind: 'upstream-error', message, beforeAnyByte: !answered, at: clock() });
      if (answered) {
        // A connection that was working broke: so does the client's (as if it had talked to the upstream).
        client.destroy();
      } else {
        unreachable = message;
        // The pipe to the failed upstream let go of the client and left it paused: read on, to answer its request.
        client.unpipe(up);
        client.resume();
        answer502();
      }
    });
    up.on('close', () => {
      sockets.delete(up);
      // The upstream went away without a word and without an error: the client's connection goes too.
      if (!answered && !upstreamFailed) client.destroy();
    });
    client.on('error', () => up.destroy());
    client.on('close', () => {
      sockets.delete(client);
      pairs.delete(client);
      up.destroy();
      append({ conn, kind: 'client-gone', at: clock() });
    });
  });
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
    unwritten: () => log.length,
    close: async (graceMs = 10_000) => {
      server.close();
      // No new request is forwarded (a keep-alive client's next one stays unread, never reaching the upstream); the
      // answers of those in flight still flow back.
      for (const [client, up] of pairs) {
        client.unpipe(up);
        client.pause();
      }
      flush();
      await Promise.race([options.sink.idle(), new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref())]);
      for (const s of sockets) s.destroy();
      // Their close events, then the last entries.
      await new Promise<void>((resolve) => setImmediate(resolve));
      flush();
    },
  };
}
