/**
 * The provider-state client (DESIGN.md §4) over real HTTP: any 2xx reply is a success whatever its body, a setup
 * reply may name the ids the target created, and a case then uses those ids everywhere (calls, status reads, teardown).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { casesFor } from '../cases/index.ts';
import { getDialect } from '../dialects/index.ts';
import { renamingProvider } from '../testing/renaming-provider.ts';
import type { RunningProvider } from '../provider/server.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { ExchangeLog } from './exchange-log.ts';
import { WindowPacer } from './pacer.ts';
import { ProviderStateCallError, readIdMap, setupInstances, teardownInstances } from './provider-states.ts';
import { newRunId, runCase } from './run-case.ts';

/** A provider-state endpoint answering every call with `status`, `body` and `type`; it records the bodies it got. */
async function fixedReply(status: number, body: string, type?: string): Promise<{ url: string; got: unknown[]; close(): Promise<void> }> {
  const got: unknown[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      got.push(JSON.parse(text) as unknown);
      res.writeHead(status, type === undefined ? {} : { 'content-type': type });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/_vmconform/provider-states`, got, close: () => new Promise((r) => server.close(() => r())) };
}

describe('provider-state replies (DESIGN.md §4: any 2xx, body read only for the id map)', () => {
  it.each([
    [200, '{}', 'application/json'],
    [201, '', undefined],
    [204, '', undefined],
    [200, 'OK', 'text/plain'],
    [202, '[1,2,3]', 'application/json'],
  ])('HTTP %i with body %j is a working setup and teardown', async (status, body, type) => {
    const ep = await fixedReply(status, body, type);
    try {
      const map = await setupInstances(ep.url, [{ id: 'ins-aaaaaaaa', status: 'RUNNING' }]);
      expect([...map]).toEqual([]);
      await teardownInstances(ep.url, ['ins-aaaaaaaa']);
      expect(ep.got).toHaveLength(2);
    } finally {
      await ep.close();
    }
  });

  it.each([[400], [404], [500], [301]])('HTTP %i is a provider-state failure naming the status', async (status) => {
    const ep = await fixedReply(status, 'no');
    try {
      const err = await setupInstances(ep.url, [{ id: 'ins-aaaaaaaa', status: 'RUNNING' }]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderStateCallError);
      expect((err as ProviderStateCallError).message).toContain(`received HTTP ${status}`);
      expect((err as ProviderStateCallError).curl).toContain(ep.url);
    } finally {
      await ep.close();
    }
  });

  it('reads the id map of a setup reply and ignores everything else in it', () => {
    const body = JSON.stringify({
      ok: true,
      instances: [
        { requested: 'ins-aaaaaaaa', id: 'ins-zzzzzzzz' },
        { requested: 'ins-notasked', id: 'ins-yyyyyyyy' },
        { id: 'ins-bbbbbbbb', status: 'RUNNING' },
        { requested: 'ins-bbbbbbbb', id: '' },
        'junk',
      ],
    });
    const read = readIdMap(body, ['ins-aaaaaaaa', 'ins-bbbbbbbb']);
    expect(read).toEqual({ ok: true, map: new Map([['ins-aaaaaaaa', 'ins-zzzzzzzz']]) });
    expect(readIdMap('OK', ['ins-aaaaaaaa'])).toEqual({ ok: true, map: new Map() });
    expect(readIdMap('{"instances":{"requested":"x"}}', ['x'])).toEqual({ ok: true, map: new Map() });
  });

  it('refuses a map that gives one id to two instances', async () => {
    const body = JSON.stringify({ instances: [{ requested: 'ins-aaaaaaaa', id: 'ins-bbbbbbbb' }] });
    expect(readIdMap(body, ['ins-aaaaaaaa', 'ins-bbbbbbbb'])).toMatchObject({ ok: false, problem: expect.stringContaining('"ins-bbbbbbbb"') as unknown });
    const ep = await fixedReply(200, body, 'application/json');
    try {
      const err = await setupInstances(ep.url, [
        { id: 'ins-aaaaaaaa', status: 'RUNNING' },
        { id: 'ins-bbbbbbbb', status: 'RUNNING' },
      ]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderStateCallError);
      expect((err as Error).message).toContain("id map cannot be used");
    } finally {
      await ep.close();
    }
  });
});

describe('a target that names its own ids (DESIGN.md §4 id map)', () => {
  const dialect = 'zenlayer-vm' as const;
  let provider: RunningProvider;
  beforeAll(async () => {
    provider = await renamingProvider(dialect)();
  });
  afterAll(async () => {
    await provider.close();
  });

  it('every case uses the target ids in calls, status reads, teardown and expectations', async () => {
    const rows = casesFor(dialect).filter((r) => ['stop.single', 'stop.batch.2', 'state.STOPPED.rejected', 'ids.unknown.mixed-batch-rejected'].includes(r.id));
    expect(rows).toHaveLength(4);
    const ctx = {
      dialect,
      target: provider.url,
      statesUrl: `${provider.url}/_vmconform/provider-states`,
      credentials: TEST_CREDENTIALS,
      runId: newRunId(),
      pollTimeoutMs: 3_000,
      pacer: new WindowPacer(),
    };
    for (const row of rows) {
      const log = new ExchangeLog(row, TEST_CREDENTIALS);
      const result = await log.run(() => runCase(row, ctx));
      expect(result.message ?? '', row.id).toBe('');
      expect(result.status, row.id).toBe('passed');
      const own = getDialect(dialect).instanceId('target-own.');
      const calls = log.entries().filter((e) => e.role !== 'provider-state');
      expect(calls.length, row.id).toBeGreaterThan(0);
      // Every API request names the target's ids (they all start like target-own ids do: a vm- id derived from them).
      const teardown = log.entries().find((e) => e.step === 'teardown');
      const setup = log.entries().find((e) => e.step === 'setup');
      const requested = (JSON.parse(setup?.request.body ?? '{}') as { params: { instances: { id: string }[] } }).params.instances.map((i) => i.id);
      const tornDown = (JSON.parse(teardown?.request.body ?? '{}') as { params: { instances: { id: string }[] } }).params.instances.map((i) => i.id);
      expect(tornDown.some((id) => requested.includes(id)), row.id).toBe(false);
      for (const e of calls) for (const id of requested) expect(`${e.request.url} ${e.request.body ?? ''}`, row.id).not.toContain(id);
      expect(own).toMatch(/^vm-/);
    }
  });
});
