/**
 * The target session the engine and the fuzzer share, over real HTTP against the tencent-cvm-api3 reference provider
 * (the dialect with a documented rate limit, 002:14): paced sends count their queue time, bursts keep the order sent,
 * status reads and the eventual poll go through the same exchange list, and nothing is sent once the breaker is open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDialect } from '../dialects/index.ts';
import type { DialectContext, OperationCall } from '../dialects/types.ts';
import { startProviderServer, type RunningProvider } from '../provider/server.ts';
import { seed } from '../provider/test-helpers.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { BreakerOpen, TransportBreaker } from './breaker.ts';
import { WindowPacer } from './pacer.ts';
import { PacerWait, TargetSession } from './target-session.ts';

const dialect = getDialect('tencent-cvm-api3');
let provider: RunningProvider;
let dctx: DialectContext;
let n = 0;
const freshIds = (count: number): string[] => Array.from({ length: count }, () => dialect.instanceId(`target-session.${Date.now()}.${++n}`));
const stop = (id: string): OperationCall => ({ operation: 'StopInstances', instanceIds: [id] });
const scope = { dialect: dialect.name, caseId: 'target-session', level: 'MUST' as const, docRef: 'DESIGN.md §3 test', rules: [] };

beforeAll(async () => {
  provider = await startProviderServer({ dialect: 'tencent-cvm-api3', port: 0, host: '127.0.0.1', transitionMs: 30 });
  dctx = { baseUrl: provider.url, credentials: TEST_CREDENTIALS, timeoutMs: 5_000 };
});
afterAll(async () => provider.close());

describe('TargetSession', () => {
  it('paces the calls the dialect rate-limits and counts the queue time; reads and the eventual poll join the same list', async () => {
    const ids = freshIds(3);
    await seed(provider.url, ids.map((id) => ({ id, status: 'RUNNING' })));
    // A first request loads the HTTP client (slower than a window): not in the session under test.
    await new TargetSession({ dialect, dctx, pacer: new WindowPacer() }).read(ids);
    const pacerWait = new PacerWait();
    const session = new TargetSession({ dialect, dctx, pacer: new WindowPacer({ maxPerWindow: 2, windowMs: 600, cooldownMs: 0 }), pacerWait });
    for (const id of ids) expect((await session.send(stop(id))).response?.status).toBe(200);
    // The third paced stop waited for the window.
    expect(pacerWait.waited()).toBeGreaterThan(300);
    const read = await session.read(ids);
    expect(ids.map((id) => read.statuses.get(id))).toEqual(ids.map(() => expect.stringMatching(/^STOPP(ING|ED)$/)));
    expect(await session.eventually({ scope, expected: ids.map((id, i) => ({ alias: `a${i}`, id })), stoppedWord: 'STOPPED', timeoutMs: 2_000, blame: undefined })).toEqual([]);
    const operations = session.exchanges.map((e) => e.call.operation);
    expect(operations.slice(0, 4)).toEqual(['StopInstances', 'StopInstances', 'StopInstances', 'DescribeStatus']);
    expect(operations.slice(4).every((o) => o === 'DescribeStatus')).toBe(true);
  });

  it('fires a burst at once and keeps its answers and exchanges in the order sent', async () => {
    const ids = freshIds(6);
    await seed(provider.url, ids.map((id) => ({ id, status: 'RUNNING' })));
    const session = new TargetSession({ dialect, dctx, pacer: new WindowPacer({ cooldownMs: 0 }) });
    const { answers, spanMs } = await session.burst(ids.map(stop), true);
    expect(answers.map((a) => a.call.instanceIds?.[0])).toEqual(ids);
    expect(session.exchanges.map((e) => e.call.instanceIds?.[0])).toEqual(ids);
    expect(answers.every((a) => a.response?.status === 200)).toBe(true);
    expect(spanMs).toBeGreaterThan(0);
  });

  it('sends nothing once the breaker is open', async () => {
    const breaker = new TransportBreaker(1);
    breaker.record(false, 'connection refused');
    const session = new TargetSession({ dialect, dctx, pacer: new WindowPacer({ cooldownMs: 0 }), breaker });
    const [id = ''] = freshIds(1);
    await expect(session.send(stop(id))).rejects.toBeInstanceOf(BreakerOpen);
    await expect(session.burst([stop(id), stop(id)], false)).rejects.toBeInstanceOf(BreakerOpen);
    expect(session.exchanges).toEqual([]);
  });
});
