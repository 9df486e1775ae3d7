import { http, HttpResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { casesFor } from '../cases/index.ts';
import type { CaseRow } from '../cases/types.ts';
import { createProvider } from '../provider/handlers.ts';
import { startProviderServer, type RunningProvider } from '../provider/server.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { runCaseWithRetries } from './attempts.ts';
import { ExchangeLog, MAX_RECORDED_BODY_CHARS } from './exchange-log.ts';
import { WindowPacer } from './pacer.ts';
import { newRunId } from './run-case.ts';
import type { RunContext } from './types.ts';

const SECRET = 'exchangeLogTestSecret0123456789';
const credentials = { accessKeyId: 'AKIDexchangelogtest', accessKeySecret: SECRET };
const stopSingle = casesFor('zenlayer-vm').find((r) => r.id === 'stop.single') as CaseRow;

/** Two steps: a burst of three stops (one instance each), then a status query. */
const twoSteps: CaseRow = {
  id: 'test.burst-then-query',
  dialect: 'zenlayer-vm',
  level: 'MUST',
  title: 'burst then query',
  docRef: '001_531d5cb6841b9371.txt:1 test',
  rules: [],
  instances: [{ alias: 'b{n}', status: 'RUNNING' }],
  steps: [
    { kind: 'burst', call: { operation: 'StopInstances', ids: ['b{n}'] }, count: 3, expect: { allServed: true } },
    { kind: 'call', call: { operation: 'DescribeStatus', ids: ['b0'] }, expect: { result: 'success' } },
  ],
};

let plain: RunningProvider;
let failsOnce: RunningProvider;
let hostile: RunningProvider;
let stopCalls = 0;

const ctx = (target: RunningProvider, over: Partial<RunContext> = {}): RunContext => ({
  dialect: 'zenlayer-vm',
  target: target.url,
  statesUrl: `${target.url}/_vmconform/provider-states`,
  credentials,
  runId: newRunId(),
  pollTimeoutMs: 3_000,
  requestTimeoutMs: 3_000,
  pacer: new WindowPacer(),
  ...over,
});

const isStop = (request: Request): boolean => request.headers.get('x-zc-action') === 'StopInstances';

beforeAll(async () => {
  plain = await startProviderServer({ dialect: 'zenlayer-vm', transitionMs: 50 });
  // The first StopInstances answers 500; every later request reaches the reference provider.
  failsOnce = await startProviderServer({
    dialect: 'zenlayer-vm',
    handlers: [
      http.post('*/api/v2/vm', ({ request }) => {
        if (!isStop(request) || stopCalls++ > 0) return undefined;
        return HttpResponse.json({ requestId: 'r-500', code: 'INTERNAL', message: 'try again' }, { status: 500 });
      }),
      ...createProvider('zenlayer-vm', { transitionMs: 50 }).handlers,
    ],
  });
  // Echoes the secret (a target cannot know it; this proves the log redacts whatever comes back) and pads its
  // answer beyond the recorded bound.
  hostile = await startProviderServer({
    dialect: 'zenlayer-vm',
    handlers: [
      http.post('*/api/v2/vm', ({ request }) =>
        isStop(request)
          ? HttpResponse.json({ requestId: `r-${SECRET}`, response: { requestId: 'x' }, pad: 'p'.repeat(MAX_RECORDED_BODY_CHARS + 10) })
          : undefined,
      ),
      ...createProvider('zenlayer-vm', { transitionMs: 50 }).handlers,
    ],
  });
});
afterAll(async () => {
  await Promise.all([plain.close(), failsOnce.close(), hostile.close()]);
});

describe('runCaseWithRetries: the exchange log', () => {
  it('records every request of a case in order: setup, the step, its status reads, teardown', async () => {
    const r = await runCaseWithRetries(stopSingle, ctx(plain));
    expect(r.status, r.message).toBe('passed');
    const ex = r.exchanges ?? [];
    expect(ex[0]).toMatchObject({ step: 'setup', role: 'provider-state', request: { method: 'POST' }, response: { status: 200 } });
    expect(ex[1]).toMatchObject({ step: 1, role: 'call', request: { method: 'POST', headers: { 'x-zc-action': 'StopInstances' } }, response: { status: 200 } });
    expect(ex.slice(2, -1).every((e) => e.step === 1 && e.role === 'status')).toBe(true);
    expect(ex.length).toBeGreaterThanOrEqual(4);
    expect(ex.at(-1)).toMatchObject({ step: 'teardown', role: 'provider-state' });
    expect(ex[0]?.request.body).toContain('"action":"setup"');
    expect(Date.parse(r.startedAt ?? '')).toBeLessThanOrEqual(Date.parse(ex[1]?.startedAt ?? ''));
    expect(ex.every((e) => e.durationMs >= 0 && !Number.isNaN(Date.parse(e.startedAt)))).toBe(true);
    expect(r.previousAttempts).toBeUndefined();
    expect(JSON.stringify(r)).not.toContain(SECRET);
  });

  it('labels a burst\'s requests with its step and the next step\'s request with the next', async () => {
    const r = await runCaseWithRetries(twoSteps, ctx(plain));
    expect(r.status, r.message).toBe('passed');
    const calls = (r.exchanges ?? []).filter((e) => e.role === 'call').map((e) => e.step);
    expect(calls).toEqual([1, 1, 1, 2]);
    const roles = (r.exchanges ?? []).map((e) => `${e.step}:${e.role}`);
    expect(roles.indexOf('2:call')).toBeGreaterThan(roles.lastIndexOf('1:status'));
  });

  it('keeps concurrent cases apart', async () => {
    const [a, b] = await Promise.all([runCaseWithRetries(stopSingle, ctx(plain)), runCaseWithRetries(twoSteps, ctx(plain))]);
    expect(a?.exchanges?.filter((e) => e.role === 'call')).toHaveLength(1);
    expect(b?.exchanges?.filter((e) => e.role === 'call')).toHaveLength(4);
  });

  it('redacts the secret from what came back and cuts bodies beyond the bound', async () => {
    const r = await runCaseWithRetries(stopSingle, ctx(hostile));
    const text = JSON.stringify(r);
    expect(text).not.toContain(SECRET);
    expect(text).toContain('r-<redacted>');
    const stop = r.exchanges?.find((e) => e.role === 'call');
    expect(stop?.response?.body).toHaveLength(MAX_RECORDED_BODY_CHARS);
    expect(stop?.response?.truncatedFrom).toBeGreaterThan(MAX_RECORDED_BODY_CHARS);
  });
});

describe('runCaseWithRetries: retries', () => {
  it('without retries a failure is final; with one, a pass on the retry keeps the failed attempt', async () => {
    stopCalls = 0;
    const once = await runCaseWithRetries(stopSingle, ctx(failsOnce));
    expect(once.status).toBe('failed');
    expect(once.previousAttempts).toBeUndefined();

    stopCalls = 0;
    const retried = await runCaseWithRetries(stopSingle, ctx(failsOnce), 2);
    expect(retried.status, retried.message).toBe('passed');
    expect(retried.previousAttempts).toHaveLength(1);
    const failed = retried.previousAttempts?.[0];
    expect(failed?.status).toBe('failed');
    expect(failed?.message).toMatch(/500/);
    expect(failed?.exchanges?.find((e) => e.role === 'call')?.response?.status).toBe(500);
    expect(retried.exchanges?.find((e) => e.role === 'call')?.response?.status).toBe(200);
    // The retry seeded other instances than the failed attempt.
    const seeded = (e: typeof failed): string | undefined => e?.exchanges?.[0]?.request.body;
    expect(seeded(retried)).not.toBe(seeded(failed));
  });

  it('stops retrying at the bound and returns the last failure with the earlier ones', async () => {
    stopCalls = -100; // every stop of this test answers 500
    const r = await runCaseWithRetries(stopSingle, ctx(failsOnce), 2);
    expect(r.status).toBe('failed');
    expect(r.previousAttempts?.map((a) => a.status)).toEqual(['failed', 'failed']);
  });
});

describe('ExchangeLog', () => {
  it('counts each new call object as the next step request and the same object again as a retry of it', () => {
    const log = new ExchangeLog(twoSteps, credentials);
    const [b0, b1, b2, q] = [{}, {}, {}, {}];
    expect(log.currentStep()).toBe('setup');
    expect([log.beginCall(b0), log.beginCall(b1), log.beginCall(b2)]).toEqual([1, 1, 1]);
    expect(log.currentStep()).toBe(1);
    expect(log.beginCall(q)).toBe(2);
    expect(log.beginCall(q)).toBe(2); // retried (throttled): still step 2
    expect(log.currentStep()).toBe(2);
  });
});
