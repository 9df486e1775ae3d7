import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProvider, providerHandlers } from './handlers.ts';
import { startProviderServer } from './server.ts';
import { InstanceStore } from './store.ts';
import { dig, manualClock, seed, zcCall } from './test-helpers.ts';

describe('msw handlers in-process', () => {
  const wrong = createProvider('zenlayer-vm', { origin: 'http://wrong.test', rules: { stoppableWords: ['STOPPED'] } });
  const partial = createProvider('tencent-cvm-api3', { origin: 'http://partial.test', rules: { atomicBatch: false }, rateLimitPerSecond: false });
  const server = setupServer(
    // A prepended handler overrides one behaviour of the provider behind it (how wrong providers are built).
    http.post('http://override.test/api/v2/vm', () => HttpResponse.json({ requestId: 'r', code: 'X', message: 'm' }, { status: 500 })),
    ...providerHandlers('zenlayer-vm', { origin: 'http://override.test' }),
    ...providerHandlers('zenlayer-vm', { origin: 'http://zl.test', basePath: '/base' }),
    ...wrong.handlers,
    ...partial.handlers,
  );
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());

  it('answers on its origin and base path only; anything else is unhandled', async () => {
    await seed('http://zl.test/base', [{ id: 'a', status: 'RUNNING' }]);
    const ok = await zcCall('http://zl.test/base', 'vm', 'StopInstances', { instanceIds: ['a'] });
    expect(ok.status).toBe(200);
    await expect(fetch('http://zl.test/api/v2/vm', { method: 'POST', body: '{}' })).rejects.toThrow();
    await expect(fetch('http://other.test/base/api/v2/vm', { method: 'POST', body: '{}' })).rejects.toThrow();
  });

  it('a prepended handler wins', async () => {
    const a = await zcCall('http://override.test', 'vm', 'StopInstances', { instanceIds: ['a'] });
    expect(a.status).toBe(500);
  });

  it('rules override: a provider that follows the wrong STOPPED note', async () => {
    wrong.store.put('s', 'STOPPED', false);
    wrong.store.put('r', 'RUNNING', false);
    expect((await zcCall('http://wrong.test', 'vm', 'StopInstances', { instanceIds: ['s'] })).status).toBe(200);
    expect(dig((await zcCall('http://wrong.test', 'vm', 'StopInstances', { instanceIds: ['r'] })).json, 'code')).toBe(
      'OPERATION_DENIED_INSTANCE_NOT_RUNNING',
    );
  });

  it('rules override: a non-atomic provider stops the good ones of a failing batch', async () => {
    partial.store.put('ins-aaaaaaaa', 'RUNNING', false);
    const res = await fetch('http://partial.test/', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tc-action': 'StopInstances', 'x-tc-version': '2017-03-12', 'x-tc-region': 'r' },
      body: JSON.stringify({ InstanceIds: ['ins-aaaaaaaa', 'ins-bbbbbbbb'] }),
    });
    expect(dig(await res.json(), 'Response', 'Error', 'Code')).toBe('InvalidInstanceId.NotFound');
    expect(partial.store.get('ins-aaaaaaaa')?.status).toBe('STOPPING');
  });
});

describe('Provider.handle: plain data in, bytes out', () => {
  const provider = createProvider('zenlayer-vm', { origin: 'http://plain.test', basePath: '/zl', maxBodyBytes: 64 });
  const stop = (ids: string[], url = 'http://plain.test/zl/api/v2/vm') =>
    provider.handle({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', 'x-zc-action': 'StopInstances' },
      body: Buffer.from(JSON.stringify({ instanceIds: ids })),
    });

  it('answers a stop and changes the store, without msw or Fetch objects', () => {
    provider.store.put('p-1', 'RUNNING', false);
    const answer = stop(['p-1']);
    expect(answer?.status).toBe(200);
    expect(answer?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(Buffer.from(answer?.body ?? new Uint8Array()).toString('utf8'))).toMatchObject({ requestId: expect.any(String) });
    expect(provider.store.get('p-1')?.status).toBe('STOPPING');
  });

  it('shows every answered request to onExchange, and a throwing observer changes no answer', () => {
    const seen: [string, number][] = [];
    const observed = createProvider('zenlayer-bmc', {
      onExchange: (request, answer) => {
        seen.push([String(request.url), answer.status]);
        throw new Error('observer bug');
      },
    });
    const ask = (url: string) => observed.handle({ method: 'POST', url, headers: { 'x-zc-action': 'StopInstances' }, body: new Uint8Array(0) });
    expect(ask('http://o.test/api/v2/bmc')?.status).toBe(400);
    expect(ask('http://o.test/elsewhere')).toBeUndefined();
    expect(seen).toEqual([['http://o.test/api/v2/bmc', 400]]);
  });

  it('leaves requests for another origin, base path or path unanswered', () => {
    expect(stop(['p-2'], 'http://other.test/zl/api/v2/vm')).toBeUndefined();
    expect(stop(['p-2'], 'http://plain.test/api/v2/vm')).toBeUndefined();
    expect(stop(['p-2'], 'http://plain.test/zl/api/v2/bmc')).toBeUndefined();
  });

  it('refuses a body over maxBodyBytes, read or not, with the dialect error and no change', () => {
    provider.store.put('p-3', 'RUNNING', false);
    const long = stop(['p-3', 'x'.repeat(100)]);
    expect(long?.status).toBe(413);
    const unread = provider.handle({ method: 'POST', url: 'http://plain.test/zl/api/v2/vm', headers: {}, body: 'too-large' });
    expect(unread?.status).toBe(413);
    expect(provider.store.get('p-3')?.status).toBe('RUNNING');
  });
});

describe('startProviderServer', () => {
  it('serves override handlers, 404 JSON for anything unmatched', async () => {
    const p = await startProviderServer({
      dialect: 'zenlayer-bmc',
      handlers: [http.get('*/hello', () => HttpResponse.json({ hi: true }))],
    });
    try {
      expect(p.provider).toBeUndefined();
      expect(await (await fetch(`${p.url}/hello`)).json()).toEqual({ hi: true });
      const miss = await fetch(`${p.url}/api/v2/bmc`, { method: 'POST' });
      expect(miss.status).toBe(404);
      expect(miss.headers.get('content-type')).toMatch(/json/);
    } finally {
      await p.close();
    }
  });

  it('close() is idempotent and frees the port', async () => {
    const p = await startProviderServer({ dialect: 'aliyun-ecs' });
    await p.close();
    await p.close();
    await expect(fetch(`${p.url}/`)).rejects.toThrow();
  });
});

describe('InstanceStore', () => {
  it('derives STOPPING -> STOPPED from the clock, no timers; seeded statuses never change by themselves', () => {
    const clock = manualClock(0);
    const store = new InstanceStore({ stopping: 'STOPPING', stopped: 'STOPPED', transitionMs: 100, now: clock.now });
    store.put('a', 'RUNNING', false);
    store.put('b', 'STOPPING', false);
    store.beginStop('a');
    clock.advance(99);
    expect(store.get('a')?.status).toBe('STOPPING');
    clock.advance(1);
    expect(store.get('a')?.status).toBe('STOPPED');
    clock.advance(1_000_000);
    expect(store.get('b')?.status).toBe('STOPPING');
  });

  it('a stop of 100 ids does not depend on how many instances are stored', async () => {
    const timeStops = (size: number): number => {
      const provider = createProvider('zenlayer-vm', { transitionMs: 1000 });
      for (let i = 0; i < size; i += 1) provider.store.put(`id-${i}`, 'RUNNING', false);
      const started = performance.now();
      for (let round = 0; round < 50; round += 1) {
        for (let i = 0; i < 100; i += 1) {
          const id = `id-${(round * 100 + i) % size}`;
          provider.store.get(id);
          provider.store.beginStop(id);
        }
      }
      return performance.now() - started;
    };
    timeStops(1000); // warm-up
    const small = timeStops(5000);
    const large = timeStops(300_000);
    // Map lookups: the large store may be slower from cache effects, never proportionally (60x) slower.
    expect(large).toBeLessThan(Math.max(small * 10, 50));
  });
});
