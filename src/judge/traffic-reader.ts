/**
 * Reads the byte log of `vmconform proxy` back into exchanges: per client connection, the request bytes and the
 * upstream's answer bytes are parsed as HTTP/1.1 (http-parser-js: chunked and sized bodies, pipelining, 1xx interim
 * answers, HEAD, answers delimited by the connection's end) and paired in order. No sockets here: the proxy logs,
 * this reads (in a worker thread, or in line when there is none), so the same bytes give the same exchanges.
 *
 * Exchanges come out in the order their requests started (the order `vmconform judge` reads a HAR in), each once
 * its answer ended or is known never to come: the upstream was unreachable or closed the connection first (a
 * transport error, the target's failure), or the client left or closed first (counted, not judged).
 */
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { HTTPParser } from 'http-parser-js';
import type { ObservedExchange } from './judge.ts';

/** How much of each body the judge gets; a longer body is forwarded whole and counted as truncated. */
export const MAX_JUDGED_BODY_BYTES = 1024 * 1024;

/** One entry of the proxy's log: bytes that passed one way, or an event of a connection; `at` is epoch ms. */
export type TrafficEntry =
  | { readonly conn: number; readonly kind: 'request'; readonly chunk: Uint8Array; readonly at: number }
  | { readonly conn: number; readonly kind: 'response'; readonly chunk: Uint8Array; readonly at: number }
  /** The upstream closed its side. */
  | { readonly conn: number; readonly kind: 'response-end'; readonly at: number }
  /** The client closed its side (it may still read the answer). */
  | { readonly conn: number; readonly kind: 'client-end'; readonly at: number }
  /** The client's connection is gone. */
  | { readonly conn: number; readonly kind: 'client-gone'; readonly at: number }
  /** The upstream connection failed; `beforeAnyByte` when it never sent one (unreachable, TLS refused). */
  | { readonly conn: number; readonly kind: 'upstream-error'; readonly message: string; readonly beforeAnyByte: boolean; readonly at: number };

/** Collects the first bytes of a body (up to the bound), and how many there were. */
class BodyCopy {
  private readonly chunks: Uint8Array[] = [];
  private kept = 0;
  total = 0;
  add(chunk: Uint8Array): void {
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

/** Header lines as read (name, value, name, value...), names in lower case, repeated ones joined. */
function lowerHeaders(raw: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] ?? '').toLowerCase();
    const value = raw[i + 1] ?? '';
    out[name] = out[name] === undefined ? value : `${out[name]}, ${value}`;
  }
  return out;
}

/** The head of a message as the parser gives it (it has two calling conventions). */
interface Head {
  readonly headers: string[];
  readonly method: number;
  readonly url: string;
  readonly statusCode: number;
  readonly upgrade: boolean;
}

function headOf(args: readonly unknown[]): Head {
  const [first] = args;
  if (typeof first === 'object' && first !== null) return first as Head;
  return { headers: args[2] as string[], method: args[3] as number, url: args[4] as string, statusCode: args[5] as number, upgrade: args[7] as boolean };
}

/** One request read, and its answer as it is read. */
interface Pending {
  readonly seq: number;
  readonly method: string;
  readonly url: string;
  readonly headers: readonly string[];
  readonly body: BodyCopy;
  readonly hasBody: boolean;
  readonly startedAt: number;
  response?: { readonly status: number; readonly headers: readonly string[]; readonly body: BodyCopy };
}

type Parser = InstanceType<typeof HTTPParser>;

/** What the reader knows of one client connection. */
interface Connection {
  readonly requests: Parser;
  readonly responses: Parser;
  /** Requests read whose answer has not ended, oldest first. */
  readonly pending: Pending[];
  /** The request whose bytes are being read. */
  reading: Pending | undefined;
  /** When the request being read started (its first byte). */
  requestStart: number | undefined;
  /** The response being read is interim (1xx). */
  interim: boolean;
  /** When the entry being read happened. */
  at: number;
  /** Why this connection is no longer read (a protocol switch, bytes that are not HTTP/1.1). */
  opaque?: string;
  /** The upstream could not be reached: every request read ends without an answer, for this reason. */
  unreachable?: string;
  /** The client closed its side first: an upstream that then closes without answering is not blamed. */
  clientEnded: boolean;
}

/**
 * Turns the proxy's log into exchanges.
 *
 * @example
 * const reader = new TrafficReader('http://127.0.0.1:8080', (ex) => judge.add(ex));
 * for (const entry of entries) reader.read(entry);
 * reader.finish(Date.now());
 */
export class TrafficReader {
  private readonly connections = new Map<number, Connection>();
  private nextSeq = 0;
  private nextHanded = 0;
  private readonly done = new Map<number, ObservedExchange>();

  /** `origin` is the upstream's (the exchanges' URLs are absolute); `onExchange` gets them in the order they started. */
  constructor(
    private readonly origin: string,
    private readonly onExchange: (exchange: ObservedExchange) => void,
  ) {}

  /** Requests read (or being read) whose answer has not ended. */
  pendingCount(): number {
    let n = 0;
    for (const c of this.connections.values()) n += c.pending.length + (c.requestStart !== undefined && c.reading === undefined ? 1 : 0);
    return n;
  }

  /** Read one entry of the log. */
  read(e: TrafficEntry): void {
    const conn = this.connection(e.conn);
    conn.at = e.at;
    switch (e.kind) {
      case 'client-gone':
        this.giveUp(conn, undefined, conn.pending.some((p) => p.response) ? 'the client left before the answer ended' : 'the client left before the answer came');
        this.connections.delete(e.conn);
        return;
      case 'client-end':
        conn.clientEnded = true;
        return;
      case 'upstream-error':
        if (e.beforeAnyByte) conn.unreachable = e.message;
        this.giveUp(conn, e.beforeAnyByte ? e.message : `the upstream's connection failed before it answered: ${e.message}`, undefined);
        return;
      case 'response-end':
        if (conn.opaque !== undefined) return;
        conn.responses.finish();
        if (conn.clientEnded) this.giveUp(conn, undefined, 'the client closed its connection before the answer came');
        else {
          // The one whose answer had begun, then the others.
          const begun = conn.pending[0]?.response !== undefined ? conn.pending.shift() : undefined;
          if (begun) this.hand(begun.seq, this.exchangeOf(begun, conn.at, 'the upstream closed the connection before its answer ended', undefined));
          this.giveUp(conn, 'the upstream closed the connection before it answered', undefined);
        }
        return;
      case 'request': {
        if (conn.opaque !== undefined) return;
        if (conn.requestStart === undefined) conn.requestStart = e.at;
        const r = conn.requests.execute(Buffer.from(e.chunk.buffer, e.chunk.byteOffset, e.chunk.byteLength));
        if (r instanceof Error) this.stopReading(conn, `a request stream that is not HTTP/1.1 (${r.message})`);
        else if (conn.unreachable !== undefined) this.giveUp(conn, conn.unreachable, undefined);
        // A protocol upgrade or a tunnel: what follows is not HTTP; the request is counted, not judged.
        else if (conn.opaque !== undefined) this.stopReading(conn, conn.opaque);
        return;
      }
      case 'response': {
        if (conn.opaque !== undefined) return;
        const r = conn.responses.execute(Buffer.from(e.chunk.buffer, e.chunk.byteOffset, e.chunk.byteLength));
        if (r instanceof Error) this.stopReading(conn, `an answer stream that is not HTTP/1.1 (${r.message})`);
        return;
      }
    }
  }

  /** The end: every request still waiting ends without its answer, and is handed over. */
  finish(at: number): void {
    for (const conn of this.connections.values()) {
      conn.at = at;
      this.giveUp(conn, undefined, 'the proxy ended before the answer came');
    }
    this.connections.clear();
  }

  private connection(id: number): Connection {
    const known = this.connections.get(id);
    if (known) return known;
    const conn: Connection = {
      requests: new HTTPParser(HTTPParser.REQUEST),
      responses: new HTTPParser(HTTPParser.RESPONSE),
      pending: [],
      reading: undefined,
      requestStart: undefined,
      interim: false,
      at: 0,
      clientEnded: false,
    };
    this.listen(conn);
    this.connections.set(id, conn);
    return conn;
  }

  private listen(conn: Connection): void {
    const req = conn.requests;
    req[HTTPParser.kOnHeadersComplete] = (...args: unknown[]): number => {
      const head = headOf(args);
      const headers = [...head.headers];
      const lower = lowerHeaders(headers);
      const method = HTTPParser.methods[head.method] ?? 'GET';
      const p: Pending = {
        seq: this.nextSeq++,
        method,
        url: head.url,
        headers,
        body: new BodyCopy(),
        hasBody: lower['content-length'] !== undefined ? lower['content-length'] !== '0' : lower['transfer-encoding'] !== undefined,
        startedAt: conn.requestStart ?? conn.at,
      };
      conn.reading = p;
      conn.pending.push(p);
      if (head.upgrade) conn.opaque = method === 'CONNECT' ? 'a CONNECT tunnel' : 'a protocol upgrade';
      return 0;
    };
    req[HTTPParser.kOnBody] = (chunk: Buffer, offset: number, length: number): void => conn.reading?.body.add(chunk.subarray(offset, offset + length));
    req[HTTPParser.kOnMessageComplete] = (): void => {
      conn.reading = undefined;
      conn.requestStart = undefined;
    };
    const res = conn.responses;
    let answering: Pending | undefined;
    res[HTTPParser.kOnHeadersComplete] = (...args: unknown[]): number => {
      const head = headOf(args);
      conn.interim = head.statusCode >= 100 && head.statusCode < 200 && head.statusCode !== 101;
      if (conn.interim) return 0;
      answering = conn.pending[0];
      if (!answering) {
        conn.opaque = 'an answer to no request';
        return 1;
      }
      answering.response = { status: head.statusCode, headers: [...head.headers], body: new BodyCopy() };
      if (head.statusCode === 101) conn.opaque = 'a protocol switch';
      else if (answering.method === 'CONNECT' && head.statusCode < 300) conn.opaque = 'a CONNECT tunnel';
      return answering.method === 'HEAD' ? 1 : 0;
    };
    res[HTTPParser.kOnBody] = (chunk: Buffer, offset: number, length: number): void => answering?.response?.body.add(chunk.subarray(offset, offset + length));
    res[HTTPParser.kOnMessageComplete] = (): void => {
      if (conn.interim) {
        conn.interim = false;
        return;
      }
      const p = answering;
      answering = undefined;
      if (!p || conn.pending[0] !== p) return;
      conn.pending.shift();
      this.hand(p.seq, this.exchangeOf(p, conn.at, undefined, undefined));
    };
  }

  /** Hand over, in the order the requests started: an exchange waits for every earlier one. */
  private hand(seq: number, exchange: ObservedExchange): void {
    this.done.set(seq, exchange);
    for (let next = this.done.get(this.nextHanded); next !== undefined; next = this.done.get(this.nextHanded)) {
      this.done.delete(this.nextHanded);
      this.nextHanded++;
      this.onExchange(next);
    }
  }

  /** Every request of the connection still waiting ends without its answer. */
  private giveUp(conn: Connection, transportError: string | undefined, problem: string | undefined): void {
    for (const p of conn.pending.splice(0)) this.hand(p.seq, this.exchangeOf(p, conn.at, transportError, problem));
    conn.reading = undefined;
    conn.requestStart = undefined;
  }

  private stopReading(conn: Connection, why: string): void {
    conn.opaque = why;
    this.giveUp(conn, undefined, why);
  }

  private exchangeOf(p: Pending, endedAt: number, transportError: string | undefined, problem: string | undefined): ObservedExchange {
    const response = transportError === undefined ? p.response : undefined;
    const responseHeaders = response ? lowerHeaders(response.headers) : undefined;
    const text = response ? decoded(response.body.bytes(), responseHeaders?.['content-encoding']) : undefined;
    const problems = [
      ...(p.body.truncated ? ['request body truncated'] : []),
      ...(response?.body.truncated === true ? ['response body truncated'] : []),
      ...(response && text === undefined ? ['response body encoded'] : []),
      ...(problem !== undefined ? [problem] : []),
    ];
    // An absolute-form request target (a client that treats the proxy as an HTTP proxy) is judged by its path.
    let path = p.url;
    if (/^https?:\/\//i.test(path) && URL.canParse(path)) {
      const u = new URL(path);
      path = `${u.pathname}${u.search}`;
    }
    return {
      request: { method: p.method === 'POST' ? 'POST' : 'GET', url: `${this.origin}${path}`, headers: lowerHeaders(p.headers), ...(p.hasBody ? { body: p.body.bytes().toString('utf8') } : {}) },
      response: response && responseHeaders ? { status: response.status, headers: responseHeaders, bodyText: text ?? '' } : undefined,
      ...(transportError !== undefined ? { transportError } : {}),
      startedMs: Math.round(p.startedAt),
      durationMs: Math.round((endedAt - p.startedAt) * 10) / 10,
      ...(problems.length > 0 ? { bodyProblem: problems.join(', ') } : {}),
      ...(p.method !== 'GET' && p.method !== 'POST' ? { otherMethod: p.method } : {}),
    };
  }
}
