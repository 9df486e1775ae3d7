/**
 * Test support: a loopback HTTP server (127.0.0.1, ephemeral port) that forwards every request, one at a time in
 * arrival order, to each of several targets in turn, records what each answered, and answers with the first
 * target's answer. Used to prove two ways of serving the same provider answer alike.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

/** One target's answer. */
export interface TeeAnswer {
  readonly status: number;
  /** Header names lower case; repeated values joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** One request and every target's answer to it (in target order). */
export interface TeeExchange {
  readonly method: string;
  /** Raw request target (path + query), Node's `req.url`. */
  readonly target: string;
  readonly body: Buffer;
  readonly answers: readonly TeeAnswer[];
}

/** A running tee. */
export interface TeeServer {
  readonly url: string;
  readonly exchanges: readonly TeeExchange[];
  /** Requests that could not be forwarded to some target, with why. */
  readonly failures: readonly string[];
  close(): Promise<void>;
}

/** Options of {@link startTeeServer}. */
export interface TeeOptions {
  /** Runs before each request is forwarded (e.g. to freeze a clock both targets share). */
  readonly beforeEach?: () => void;
}

/** Headers undici sets itself or refuses. */
const NOT_FORWARDED: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', 'expect']);

/**
 * Start a tee in front of `targets` (base URLs without a trailing slash; the request target is appended).
 *
 * @example
 * const tee = await startTeeServer([fast.url, viaMsw.url]);
 * // ... requests to tee.url ...; compare tee.exchanges[i].answers[0] with answers[1]; await tee.close();
 */
export async function startTeeServer(targets: readonly string[], options: TeeOptions = {}): Promise<TeeServer> {
  const exchanges: TeeExchange[] = [];
  const failures: string[] = [];
  let turn: Promise<void> = Promise.resolve();

  const forward = async (method: string, target: string, headers: Record<string, string>, body: Buffer): Promise<TeeAnswer[]> => {
    options.beforeEach?.();
    const answers: TeeAnswer[] = [];
    for (const base of targets) {
      const res = await request(`${base}${target}`, {
        method: method as 'GET',
        headers,
        body: method === 'GET' || method === 'HEAD' || body.length === 0 ? undefined : body,
      });
      const bytes = Buffer.from(await res.body.arrayBuffer());
      const flat: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      answers.push({ status: res.statusCode, headers: flat, body: bytes });
    }
    return answers;
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const method = req.method ?? 'GET';
      const target = req.url ?? '/';
      const headers: Record<string, string> = {};
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
        const name = (req.rawHeaders[i] ?? '').toLowerCase();
        if (NOT_FORWARDED.has(name)) continue;
        const value = req.rawHeaders[i + 1] ?? '';
        headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
      }
      const mine = turn.then(async () => {
        try {
          const answers = await forward(method, target, headers, body);
          exchanges.push({ method, target, body, answers });
          const first = answers[0];
          if (!first) throw new Error('no target');
          const { 'content-length': _length, 'transfer-encoding': _te, connection: _c, 'keep-alive': _k, ...rest } = first.headers;
          res.writeHead(first.status, { ...rest, 'content-length': String(first.body.length) });
          res.end(first.body);
        } catch (err: unknown) {
          failures.push(`${method} ${target}: ${err instanceof Error ? err.message : String(err)}`);
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end('tee: a target failed');
        }
      });
      turn = mine;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    failures,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
