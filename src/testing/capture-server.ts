/**
 * Test support: a loopback HTTP server (127.0.0.1, ephemeral port) that records every request exactly as received
 * and answers with whatever the test queues or sets. Used by the signing and dialect tests.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the server received it. */
export interface CapturedRequest {
  readonly method: string;
  /** Raw request target (path + query), Node's `req.url`. */
  readonly target: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** An answer to give. */
export interface CannedAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A running capture server. */
export interface CaptureServer {
  readonly baseUrl: string;
  readonly requests: CapturedRequest[];
  /** Answer the next requests with these, in order; afterwards the fallback answer. */
  queue(...answers: CannedAnswer[]): void;
  /** Replace the fallback answer: every request with nothing queued gets this one from now on. */
  answerWith(answer: CannedAnswer): void;
  close(): Promise<void>;
}

/**
 * Start a capture server.
 *
 * @example
 * const srv = await startCaptureServer({ status: 200, body: '{}' }); // ... await srv.close();
 */
export async function startCaptureServer(initial: CannedAnswer = { status: 200, body: '{}' }): Promise<CaptureServer> {
  let fallback = initial;
  const requests: CapturedRequest[] = [];
  const pending: CannedAnswer[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        target: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = pending.shift() ?? fallback;
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    queue: (...answers) => pending.push(...answers),
    answerWith: (answer) => {
      fallback = answer;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
