/**
 * The reference provider's HTTP limits hold (issue #11, item 5): a 100 MB body is refused without being read (or
 * once past the 1 MiB cap when chunked) and memory stays flat; 1,000 connections at once, idle or sending slowly, do
 * not stop it answering; what Node's HTTP parser refuses is answered in the dialect's envelope; a request whose body
 * never arrives whole is not served. Memory bounds are generous: they catch a 100 MB buffer, not a few MB of noise.
 */
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { callTarget, queryStatuses } from '../dialects/client.ts';
import { describeDialect } from '../dialects/descriptions/index.ts';
import { getDialect } from '../dialects/index.ts';
import { DIALECT_NAMES, type DialectContext, type DialectName, type Outcome } from '../dialects/types.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { rawExchange, writeFilled, type RawAnswer } from '../testing/raw-http.ts';
import { frame, fromWire, type StormRequest } from '../testing/request-storm.ts';
import { DEFAULT_MAX_BODY_BYTES } from './handlers.ts';
import { providersPerDialect, seed } from './test-helpers.ts';

const MB = 1024 * 1024;
const HUNDRED_MB = 100 * MB;
/** RSS may grow by this much around a 100 MB body or 1,000 connections (a buffered 100 MB body would not fit). */
const RSS_BOUND = 60 * MB;

const urlOf = providersPerDialect(DIALECT_NAMES, () => ({ rateLimitPerSecond: false, transitionMs: 60_000 }));
const agent = new Agent({ connections: 4 });
afterAll(() => agent.close());

function ctxOf(dialect: DialectName): DialectContext {
  return { baseUrl: urlOf(dialect), credentials: TEST_CREDENTIALS };
}

function portOf(dialect: DialectName): number {
  return Number(new URL(urlOf(dialect)).port);
}

/** The head of a signed StopInstances request of the dialect, as raw HTTP/1.1 lines (no body, no framing headers). */
function stopHead(dialect: DialectName, ids: readonly string[]): { method: string; target: string; lines: string[] } {
  const wire = getDialect(dialect).encode({ operation: 'StopInstances', instanceIds: ids }, ctxOf(dialect));
  const url = new URL(wire.url);
  // Raw POSTs carry a body: GET-only styles (api2) still get their query read; the body is what is being tested.
  const method = 'POST';
  const lines = [`Host: ${url.host}`, ...Object.entries(wire.headers).map(([n, v]) => `${n}: ${v}`)];
  return { method, target: url.pathname + url.search, lines };
}

function decode(dialect: DialectName, answer: RawAnswer | { status: number; headers: Record<string, string>; body: Buffer }): Outcome {
  return getDialect(dialect).decode({ operation: 'StopInstances' }, { status: answer.status, headers: answer.headers, bodyText: answer.body.toString('utf8') });
}

/** Each dialect's "too large" error: tencent HTTP 200 `RequestSizeLimitExceeded`, the others HTTP 413. */
const TOO_LARGE: Readonly<Record<DialectName, { readonly code: string; readonly httpStatus: number }>> = {
  'tencent-cvm-api2': { code: 'RequestSizeLimitExceeded', httpStatus: 200 },
  'tencent-cvm-api3': { code: 'RequestSizeLimitExceeded', httpStatus: 200 },
  'zenlayer-vm': { code: 'REQUEST_BODY_TOO_LARGE', httpStatus: 413 },
  'zenlayer-bmc': { code: 'REQUEST_BODY_TOO_LARGE', httpStatus: 413 },
  'aliyun-ecs': { code: 'InvalidParameter', httpStatus: 413 },
  'aws-ec2': { code: 'InvalidParameterValue', httpStatus: 413 },
};

/** The dialect's "too large" error (see {@link TOO_LARGE}). */
function expectTooLarge(dialect: DialectName, outcome: Outcome): void {
  expect(outcome.decodeProblems).toEqual([]);
  expect(outcome.schemaErrors).toEqual([]);
  expect(outcome.error?.code).toBe(TOO_LARGE[dialect].code);
  expect(outcome.httpStatus).toBe(TOO_LARGE[dialect].httpStatus);
}

/** Run `work` while sampling RSS every 20 ms: RSS before, at its peak, and after. */
async function rssAround<T>(work: () => Promise<T>): Promise<{ result: T; before: number; peak: number; after: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const result = await work();
    const after = process.memoryUsage().rss;
    return { result, before, peak: Math.max(peak, after), after };
  } finally {
    clearInterval(timer);
  }
}

const mb = (bytes: number): string => `${(bytes / MB).toFixed(1)} MB`;

describe('a 100 MB body', () => {
  it.for(DIALECT_NAMES.map((d) => [d] as const))('%s: one that declares 100 MB is refused before a byte of it is read, and the connection closed', async ([dialect]) => {
    const { method, target, lines } = stopHead(dialect, [getDialect(dialect).instanceId('limits/declared')]);
    // Only the head is sent, and the connection kept open: the answer can only come from the declared length.
    const result = await rawExchange(portOf(dialect), `${method} ${target} HTTP/1.1\r\n${[...lines, `Content-Length: ${HUNDRED_MB}`].join('\r\n')}\r\n\r\n`, { keepOpen: true });
    expect(result.ended).toBe('closed');
    expect(result.answers).toHaveLength(1);
    const answer = result.answers[0] as RawAnswer;
    expect(answer.headers['connection']).toBe('close');
    expectTooLarge(dialect, decode(dialect, answer));
  });

  it('aliyun-ecs: the refusal is XML when the query asks for XML (the unread body cannot)', async () => {
    const { method, target, lines } = stopHead('aliyun-ecs', ['i-limitsxml']);
    const xmlTarget = target.replace('Format=JSON', 'Format=XML');
    expect(xmlTarget).toContain('Format=XML');
    const result = await rawExchange(portOf('aliyun-ecs'), `${method} ${xmlTarget} HTTP/1.1\r\n${[...lines, `Content-Length: ${HUNDRED_MB}`].join('\r\n')}\r\n\r\n`, { keepOpen: true });
    const answer = result.answers[0] as RawAnswer;
    expect(answer.headers['content-type']).toMatch(/^application\/xml/);
    const outcome = decode('aliyun-ecs', answer);
    expect(outcome.format).toBe('xml');
    expectTooLarge('aliyun-ecs', outcome);
  });

  it.for([['declared'], ['chunked']] as const)('sent in full (%s) through undici: answered with the error once past the cap, read no further, RSS flat', async ([framing]) => {
    const dialect: DialectName = 'zenlayer-vm';
    const id = getDialect(dialect).instanceId(`limits/${framing}`);
    await seed(urlOf(dialect), [{ id, status: 'RUNNING' }]);
    let produced = 0;
    async function* hundredMb(): AsyncGenerator<Buffer> {
      const piece = Buffer.alloc(64 * 1024, 0x20);
      while (produced < HUNDRED_MB) {
        produced += piece.length;
        yield piece;
      }
    }
    const { result, before, peak, after } = await rssAround(async () => {
      try {
        const res = await request(`${urlOf(dialect)}/api/v2/vm`, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json', 'x-zc-action': 'StopInstances', ...(framing === 'declared' ? { 'content-length': String(HUNDRED_MB) } : {}) },
          body: Readable.from(hundredMb()),
        });
        const headers = Object.fromEntries(Object.entries(res.headers).map(([n, v]) => [n, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
        return { status: res.statusCode, headers, body: Buffer.from(await res.body.arrayBuffer()) };
      } catch (err: unknown) {
        // Closing the connection on the sender is allowed too (the body is refused either way).
        return err instanceof Error ? err : new Error(String(err));
      }
    });
    console.info(`100 MB ${framing} body: RSS ${mb(before)} before, ${mb(peak)} at peak, ${mb(after)} after; the client produced ${mb(produced)}`);
    if (!(result instanceof Error)) expectTooLarge(dialect, decode(dialect, result));
    expect(produced).toBeLessThan(HUNDRED_MB / 2);
    expect(peak - before).toBeLessThan(RSS_BOUND);
    // The provider still serves, and the refused request changed nothing.
    const read = await queryStatuses(getDialect(dialect), [id], ctxOf(dialect));
    expect(read.statuses.get(id)).toBe('RUNNING');
  });

  it('the cap never refuses a legal request: 100 ids of 100 characters each (zenlayer ids have no documented length)', async () => {
    const dialect: DialectName = 'zenlayer-vm';
    const ids = Array.from({ length: 100 }, (_, i) => `vm-${String(i).padStart(97, '0')}`);
    await seed(urlOf(dialect), ids.map((id) => ({ id, status: 'RUNNING' })));
    const ex = await callTarget(getDialect(dialect), { operation: 'StopInstances', instanceIds: ids }, ctxOf(dialect));
    expect(ex.outcome?.ok).toBe(true);
    expect(Buffer.byteLength(ex.request.body ?? '')).toBeLessThan(DEFAULT_MAX_BODY_BYTES / 50);
  });
});

describe('1,000 connections at once', () => {
  it('idle ones, half-sent heads and slowly sent bodies do not stop it answering, and memory stays bounded', async () => {
    const dialect: DialectName = 'tencent-cvm-api3';
    const port = portOf(dialect);
    const { method, target, lines } = stopHead(dialect, [getDialect(dialect).instanceId('limits/slow')]);
    const id = getDialect(dialect).instanceId('limits/fast');
    await seed(urlOf(dialect), [{ id, status: 'RUNNING' }]);
    const sockets: Socket[] = [];
    let stop = false;
    const slowly = async (socket: Socket, bytes: Buffer, every: number): Promise<void> => {
      for (let at = 0; at < bytes.length && !stop && !socket.destroyed; at += 64) {
        socket.write(bytes.subarray(at, at + 64));
        await new Promise((resolve) => setTimeout(resolve, every));
      }
    };
    const head = Buffer.from(`${method} ${target} HTTP/1.1\r\n${lines.join('\r\n')}\r\n`, 'latin1');
    const bodyHead = Buffer.from(`${method} ${target} HTTP/1.1\r\n${[...lines, `Content-Length: ${DEFAULT_MAX_BODY_BYTES}`].join('\r\n')}\r\n\r\n`, 'latin1');
    const exchanges: Promise<unknown>[] = [];
    // One buffer for every slow body (the client's memory is measured too).
    const filler = Buffer.alloc(DEFAULT_MAX_BODY_BYTES, 0x20);
    const { result, before, peak, after } = await rssAround(async () => {
      for (let i = 0; i < 1_000; i++) {
        const kind = i % 3;
        exchanges.push(
          rawExchange(
            port,
            async (socket, count) => {
              sockets.push(socket);
              if (kind === 1) await slowly(socket, head, 50);
              if (kind === 2) {
                socket.write(bodyHead);
                await writeFilled(socket, 64 * 1024, count, 1024);
                await slowly(socket, filler, 50);
              }
            },
            { keepOpen: true, timeoutMs: 30_000 },
          ),
        );
        // Let the connections open as they come (the listen backlog stays small).
        if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      for (let waited = 0; sockets.length < 1_000 && waited < 20_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const open = sockets.filter((s) => !s.destroyed).length;
      // A normal request while every one of them is held open.
      const stopped = await callTarget(getDialect(dialect), { operation: 'StopInstances', instanceIds: [id] }, ctxOf(dialect));
      const read = await queryStatuses(getDialect(dialect), [id], ctxOf(dialect));
      return { open, stopped: stopped.outcome?.ok, status: read.statuses.get(id) };
    });
    stop = true;
    for (const socket of sockets) socket.destroy();
    await Promise.all(exchanges);
    console.info(`1,000 connections: RSS ${mb(before)} before, ${mb(peak)} at peak, ${mb(after)} after`);
    expect(result.open).toBe(1_000);
    expect(result.stopped).toBe(true);
    expect(['STOPPING', 'STOPPED']).toContain(result.status);
    expect(peak - before).toBeLessThan(2 * RSS_BOUND);
  });
});

describe('what never becomes a request', () => {
  const probes: readonly (readonly [string, (host: string) => string])[] = [
    ['a garbled request line', () => 'GARBAGE\r\n\r\n'],
    ['a lower-case method', (host) => `post / HTTP/1.1\r\nHost: ${host}\r\n\r\n`],
    ['a head over 16 KiB', (host) => `GET / HTTP/1.1\r\nHost: ${host}\r\nX-Padding: ${'p'.repeat(20_000)}\r\n\r\n`],
    ['a header with a control character', (host) => `GET / HTTP/1.1\r\nHost: ${host}\r\nX-A: a\u0001b\r\n\r\n`],
    ['Content-Length and chunked at once', (host) => `POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
    ['a CONNECT', () => 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'],
    ['an HTTP/2 preface', () => 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
  ];
  it.for(DIALECT_NAMES.flatMap((d) => probes.map(([what, text]) => [d, what, text] as const)))('%s: %s is answered with the dialect error envelope, the connection closed', async ([dialect, , text]) => {
    const result = await rawExchange(portOf(dialect), text(`127.0.0.1:${portOf(dialect)}`));
    expect(result.ended).not.toBe('timeout');
    expect(result.answers).toHaveLength(1);
    const outcome = decode(dialect, result.answers[0] as RawAnswer);
    expect(outcome.decodeProblems).toEqual([]);
    expect(outcome.schemaErrors).toEqual([]);
    expect(outcome.error?.code).toEqual(expect.any(String));
    expect(outcome.httpStatus).toBe(describeDialect(dialect).errorsAsHttp200 ? 200 : 400);
  });

  it.for(DIALECT_NAMES.map((d) => [d] as const))('%s: TRACE on the API path, a request without Host, and an unknown Expect are answered by the provider', async ([dialect]) => {
    const { target, lines } = stopHead(dialect, [getDialect(dialect).instanceId('limits/odd')]);
    const path = new URL(target, 'http://x').pathname;
    const trace = await rawExchange(portOf(dialect), `TRACE ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    expect(decode(dialect, trace.answers[0] as RawAnswer).error?.code).toEqual(expect.any(String));
    for (const odd of [lines.filter((l) => !l.startsWith('Host:')), [...lines, 'Expect: vmconform']]) {
      const result = await rawExchange(portOf(dialect), `POST ${target} HTTP/1.1\r\n${[...odd, 'Content-Length: 0'].join('\r\n')}\r\n\r\n`);
      const outcome = decode(dialect, result.answers[0] as RawAnswer);
      expect(outcome.decodeProblems).toEqual([]);
      // Served: an unknown id is not found (not a refusal of the framing).
      expect(outcome.error?.code).toMatch(/NotFound|NOT_FOUND|MissingParameter|MISSING_PARAMETER|InvalidParameter|INVALID_PARAMETER/);
    }
  });
});

describe('a body that never arrives whole', () => {
  it.for(DIALECT_NAMES.map((d) => [d] as const))('%s: is not served (truncated, or chunked and broken after the first chunk): the instance keeps running', async ([dialect]) => {
    const d = getDialect(dialect);
    const ids = [d.instanceId('limits/truncated'), d.instanceId('limits/broken-chunk')];
    await seed(urlOf(dialect), ids.map((id) => ({ id, status: d.lifecycle.running })));
    const [truncated, broken] = ids.map((id) =>
      fromWire(d.encode({ operation: 'StopInstances', instanceIds: [id], style: d.styles.includes('form-post') ? 'form-post' : d.styles[0] }, ctxOf(dialect))),
    ) as [StormRequest, StormRequest];
    const host = `127.0.0.1:${portOf(dialect)}`;
    await rawExchange(portOf(dialect), frame(truncated, host, 'truncated-body'));
    await rawExchange(portOf(dialect), frame(broken, host, 'bad-chunk-after-good'));
    const read = await queryStatuses(d, ids, ctxOf(dialect));
    expect(ids.map((id) => read.statuses.get(id))).toEqual([d.lifecycle.running, d.lifecycle.running]);
  });
});
