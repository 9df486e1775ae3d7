import { describe, expect, it } from 'vitest';
import type { ObservedExchange } from './judge.ts';
import { MAX_JUDGED_BODY_BYTES, TrafficReader, type TrafficEntry } from './traffic-reader.ts';

const ORIGIN = 'http://127.0.0.1:8080';

/** Read a script of entries (bytes as text) and return the exchanges in the order they were handed over. */
function read(script: readonly (readonly [number, TrafficEntry['kind'], string?])[], finish = true): ObservedExchange[] {
  const out: ObservedExchange[] = [];
  const reader = new TrafficReader(ORIGIN, (ex) => out.push(ex));
  let at = 1_000;
  for (const [conn, kind, text] of script) {
    at += 10;
    if (kind === 'request' || kind === 'response') reader.read({ conn, kind, chunk: Buffer.from(text ?? ''), at });
    else if (kind === 'upstream-error') reader.read({ conn, kind, message: text ?? 'boom', beforeAnyByte: false, at });
    else reader.read({ conn, kind, at });
  }
  if (finish) reader.finish(at + 10);
  return out;
}

const post = (id: string, extra = ''): string => {
  const body = `{"instanceIds":["${id}"]}`;
  return `POST /api/v2/vm HTTP/1.1\r\nHost: a\r\nX-ZC-Action: StopInstances\r\n${extra}Content-Length: ${body.length}\r\n\r\n${body}`;
};
const ok = (body: string): string => `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

describe('reading the proxy log back into exchanges', () => {
  it('pipelined requests, split anywhere, pair with their answers in order; URLs are the upstream origin plus the path as sent', () => {
    const both = post('vm-1') + post('vm-2');
    const answers = ok('{"n":1}') + `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{"n\r\n4\r\n":2}\r\n0\r\n\r\n`;
    const out = read([
      [1, 'request', both.slice(0, 17)],
      [1, 'request', both.slice(17, 130)],
      [1, 'request', both.slice(130)],
      [1, 'response', answers.slice(0, 40)],
      [1, 'response', answers.slice(40)],
    ]);
    expect(out.map((x) => [x.request.url, x.request.body, x.response?.status, x.response?.bodyText, x.bodyProblem])).toEqual([
      [`${ORIGIN}/api/v2/vm`, '{"instanceIds":["vm-1"]}', 200, '{"n":1}', undefined],
      [`${ORIGIN}/api/v2/vm`, '{"instanceIds":["vm-2"]}', 200, '{"n":2}', undefined],
    ]);
    expect(out[0]?.request.headers).toMatchObject({ host: 'a', 'x-zc-action': 'StopInstances' });
    expect(out[0]?.startedMs).toBe(1_010);
  });

  it('exchanges come out in the order they started, whichever answer ends first', () => {
    const out = read([
      [1, 'request', post('vm-slow')],
      [2, 'request', post('vm-fast')],
      [2, 'response', ok('{"fast":1}')],
      [1, 'response', ok('{"slow":1}')],
    ]);
    expect(out.map((x) => x.response?.bodyText)).toEqual(['{"slow":1}', '{"fast":1}']);
  });

  it('a 100 Continue is interim; a HEAD answer has no body; an answer delimited by the end of the connection ends there', () => {
    const out = read([
      [1, 'request', post('vm-1', 'Expect: 100-continue\r\n')],
      [1, 'response', 'HTTP/1.1 100 Continue\r\n\r\n'],
      [1, 'response', ok('{}')],
      [1, 'request', 'HEAD /api/v2/vm HTTP/1.1\r\nHost: a\r\n\r\n'],
      [1, 'response', 'HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n'],
      [1, 'request', post('vm-2')],
      [1, 'response', 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{"till":"the end"}'],
      [1, 'response-end'],
    ]);
    expect(out.map((x) => [x.response?.status, x.response?.bodyText, x.bodyProblem, x.otherMethod])).toEqual([
      [200, '{}', undefined, undefined],
      [200, '', undefined, 'HEAD'],
      [200, '{"till":"the end"}', undefined, undefined],
    ]);
  });

  it('the upstream failing or closing before it answers is a transport error (the target failed); a client leaving or closing first is not judged', () => {
    const out = read([
      [1, 'request', post('vm-1')],
      [1, 'upstream-error', 'read ECONNRESET'],
      [2, 'request', post('vm-2')],
      [2, 'response-end'],
      [3, 'request', post('vm-3')],
      [3, 'response', 'HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{"half'],
      [3, 'client-gone'],
      [4, 'request', post('vm-4')],
      [4, 'client-end'],
      [4, 'response-end'],
      [5, 'request', post('vm-5')],
    ]);
    expect(out.map((x) => [x.response?.status, x.transportError, x.bodyProblem])).toEqual([
      [undefined, "the upstream's connection failed before it answered: read ECONNRESET", undefined],
      [undefined, 'the upstream closed the connection before it answered', undefined],
      [200, undefined, 'the client left before the answer ended'],
      [undefined, undefined, 'the client closed its connection before the answer came'],
      [undefined, undefined, 'the proxy ended before the answer came'],
    ]);
  });

  it('an unreachable upstream: every request of the connection ends without an answer, with the cause', () => {
    const out: ObservedExchange[] = [];
    const reader = new TrafficReader(ORIGIN, (ex) => out.push(ex));
    reader.read({ conn: 1, kind: 'upstream-error', message: 'connect ECONNREFUSED 127.0.0.1:1 (ECONNREFUSED)', beforeAnyByte: true, at: 1 });
    reader.read({ conn: 1, kind: 'request', chunk: Buffer.from(post('vm-1')), at: 2 });
    expect(out.map((x) => [x.response, x.transportError])).toEqual([[undefined, 'connect ECONNREFUSED 127.0.0.1:1 (ECONNREFUSED)']]);
    expect(reader.pendingCount()).toBe(0);
  });

  it('bytes that are not HTTP/1.1, an upgrade, a long body and a compressed one: counted with why, never judged as something else', () => {
    const big = 'x'.repeat(MAX_JUDGED_BODY_BYTES + 10);
    const out = read([
      [1, 'request', 'GET /api/v2/vm HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'],
      [1, 'response', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x05hello'],
      [2, 'request', post('vm-1')],
      [2, 'response', `HTTP/1.1 200 OK\r\nContent-Length: ${big.length}\r\n\r\n${big}`],
      [3, 'request', post('vm-2')],
      [3, 'response', 'HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nnope'],
      [4, 'request', 'NOT HTTP AT ALL\r\n\r\n'],
    ]);
    // Garbage before any request head gives no exchange (there is nothing to judge) and leaves nothing waiting.
    expect(out.map((x) => x.bodyProblem)).toEqual(['a protocol upgrade', 'response body truncated', 'response body encoded']);
  });
});
