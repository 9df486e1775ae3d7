/**
 * HTTP/1.1 over a bare TCP socket (`node:net`), for what no HTTP client sends: malformed request lines and headers,
 * truncated or mis-framed bodies, pipelined requests, connections held open. The answers are read back from the
 * bytes: HTTP/1.1 answers framed by `Content-Length` or by the connection's end (no chunked answers: the servers
 * under test never send them).
 */
import { connect, type Socket } from 'node:net';

/** One answer read off a connection. */
export interface RawAnswer {
  readonly status: number;
  /** Header names in lower case; a repeated header's values joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** How a raw exchange ended. */
export interface RawExchangeResult {
  /** Every complete answer, in order. */
  readonly answers: readonly RawAnswer[];
  /** Bytes after the last complete answer (an answer cut short). */
  readonly leftover: number;
  /** `closed` by the server (or after the client's half-close), `reset`, or `timeout` (the socket was destroyed). */
  readonly ended: 'closed' | 'reset' | 'timeout';
  /** Bytes the client managed to hand to the socket. */
  readonly written: number;
}

/** What to send: bytes at once, or a function that writes (and may pause between writes) on the socket. */
export type RawSend = string | Uint8Array | ((socket: Socket, count: (bytes: number) => void) => Promise<void>);

/**
 * Open a connection, send, half-close (unless `keepOpen`), and read until the server closes it or `timeoutMs`
 * passes. Never rejects: a reset or a write to a closed socket is part of the result.
 *
 * @example
 * const r = await rawExchange(8080, 'GARBAGE\r\n\r\n');
 * r.answers[0]?.status // 400
 */
export function rawExchange(port: number, send: RawSend, options: { host?: string; timeoutMs?: number; keepOpen?: boolean } = {}): Promise<RawExchangeResult> {
  return new Promise((resolve) => {
    const socket = connect(port, options.host ?? '127.0.0.1');
    const chunks: Buffer[] = [];
    let written = 0;
    let reset = false;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, options.timeoutMs ?? 10_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') reset = true;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const { answers, leftover } = parseAnswers(Buffer.concat(chunks));
      resolve({ answers, leftover, ended: timedOut ? 'timeout' : reset ? 'reset' : 'closed', written });
    });
    const count = (bytes: number): void => {
      written += bytes;
    };
    const finish = (): void => {
      if (!options.keepOpen && !socket.destroyed) socket.end();
    };
    socket.once('connect', () => {
      if (typeof send === 'function') {
        send(socket, count).then(finish, () => socket.destroy());
        return;
      }
      const bytes = typeof send === 'string' ? Buffer.from(send, 'latin1') : send;
      socket.write(bytes, (err) => {
        if (!err) count(bytes.byteLength);
      });
      finish();
    });
  });
}

/**
 * Write `total` bytes of `fill` in pieces, waiting for the socket to drain (the client never holds more than one
 * piece): stops early when the server closes the connection.
 */
export async function writeFilled(socket: Socket, total: number, count: (bytes: number) => void, piece = 64 * 1024): Promise<void> {
  const chunk = Buffer.alloc(piece, 0x20);
  let left = total;
  while (left > 0 && !socket.destroyed && socket.writable) {
    const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
    left -= part.length;
    const more = socket.write(part);
    count(part.length);
    if (!more) {
      await new Promise<void>((resolve) => {
        socket.once('drain', resolve);
        socket.once('close', resolve);
      });
    }
  }
}

const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

/**
 * Parse the HTTP/1.1 answers in a byte stream: status line, headers, and a body of `Content-Length` bytes (or, without
 * one, up to the end: Node's bare error answers close the connection); interim 1xx answers are skipped. Stops at the
 * first incomplete answer.
 *
 * @example
 * parseAnswers(Buffer.from('HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\n{}')).answers[0]?.status // 404
 */
export function parseAnswers(bytes: Buffer): { answers: RawAnswer[]; leftover: number } {
  const answers: RawAnswer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const end = bytes.indexOf(HEAD_END, at);
    if (end < 0) break;
    const lines = bytes.subarray(at, end).toString('latin1').split('\r\n');
    const statusLine = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(lines[0] ?? '');
    if (!statusLine) break;
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const bodyStart = end + HEAD_END.length;
    const status = Number(statusLine[1]);
    if (status < 200) {
      // An interim answer (100 Continue) has no body; the final one follows.
      at = bodyStart;
      continue;
    }
    const declared = headers['content-length'];
    const bodyEnd = declared === undefined ? bytes.length : bodyStart + Number(declared);
    if (!Number.isFinite(bodyEnd) || bodyEnd > bytes.length) break;
    answers.push({ status, headers, body: bytes.subarray(bodyStart, bodyEnd) });
    at = bodyEnd;
  }
  return { answers, leftover: bytes.length - at };
}
