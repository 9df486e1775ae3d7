import { describe, expect, it } from 'vitest';
import type { Finding } from '../engine/types.ts';
import { startTrafficJudge } from './traffic-judge.ts';
import type { TrafficEntry } from './traffic-reader.ts';

const ORIGIN = 'http://127.0.0.1:8080';

/** Two zenlayer-vm StopInstances exchanges on one connection: the first answered well, the second with a 500. */
function traffic(): TrafficEntry[][] {
  const stop = (id: string): string => {
    const body = `{"instanceIds":["${id}"]}`;
    return `POST /api/v2/vm HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nX-ZC-Action: StopInstances\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  };
  const answer = (status: string, body: string): string => `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  const at = Date.now();
  const e = (kind: 'request' | 'response', text: string, i: number): TrafficEntry => ({ conn: 1, kind, chunk: Buffer.from(text), at: at + i });
  return [
    [e('request', stop('vm-1'), 0)],
    [e('response', answer('200 OK', '{"requestId":"r-1","response":{"requestId":"r-1"}}'), 1), e('request', stop('vm-2'), 2)],
    [e('response', answer('500 Internal Server Error', '{"requestId":"r-2","code":"BOOM","message":"x"}'), 3)],
  ];
}

describe('the judge of the proxy log, in its worker and in line', () => {
  it.for([
    { where: 'worker', inline: false },
    { where: 'inline (asked for)', inline: true },
  ])('$where: batches written before it is ready are all judged, findings told as they are made, the same verdict', async ({ where, inline }) => {
    const findings: Finding[][] = [];
    let fellBack: string | undefined;
    const judge = startTrafficJudge({ dialect: 'zenlayer-vm', origin: ORIGIN, basePath: '', pollTimeoutMs: 1_000 }, { onFindings: (f) => findings.push([...f]), onInline: (why) => (fellBack = why) }, inline);
    // Written at once: the worker is still loading.
    for (const batch of traffic()) judge.write(batch);
    await judge.idle();
    const report = await judge.finish();
    expect([judge.where, fellBack]).toEqual([where, undefined]);
    expect(report.counts).toMatchObject({ seen: 2, stops: 2 });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.map((f) => f.check)).toEqual(['not-server-error']);
    expect(report.results.filter((r) => r.status === 'failed').map((r) => r.id)).toEqual(['envelope:success']);
  });
});

describe('a judge that fails while the proxy runs', () => {
  it('says so at once, and its verdict is an error (the proxy exits 3), never a pass', async () => {
    const failures: string[] = [];
    const judge = startTrafficJudge({ dialect: 'zenlayer-vm', origin: ORIGIN, basePath: '', pollTimeoutMs: 1_000 }, { onFailure: (m) => failures.push(m) });
    await judge.ready();
    // A log entry no proxy writes (its bytes are not bytes): the worker's reading throws.
    judge.write([{ conn: 1, kind: 'request', chunk: 42 as unknown as Uint8Array, at: Date.now() }]);
    await expect.poll(() => failures.length).toBe(1);
    expect(failures[0]).toMatch(/^the judge's worker failed: /);
    await expect(judge.finish()).rejects.toThrow(/the judge's worker failed/);
  });
});
