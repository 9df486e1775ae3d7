/**
 * The state relay on its own, over real HTTP, posting what Pact's verifier posts (`{"state","params","action"}`):
 * any 2xx is a working state change answered 200 with a JSON object, a setup reply's id map comes back flattened (one
 * top-level key per renamed requested id), the teardown and an interrupt's teardown name the target's ids, and any
 * other status goes back as the target sent it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sendWire } from '../dialects/transport.ts';
import type { RunningProvider } from '../provider/server.ts';
import { renamingProvider, targetIdFor } from '../testing/renaming-provider.ts';
import { planContract } from './generate.ts';
import type { InteractionRecords } from './results.ts';
import { startStatesRelay, type StatesRelay } from './state-relay.ts';

const dialect = 'zenlayer-vm';
const batch = planContract(dialect).flatMap((p) => p.interactions).find((i) => i.key === 'stop.batch.2#1');
const params = batch?.providerStates?.[0]?.params ?? { instances: [] };
const requested = params.instances.map((i) => i.id);

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((c) => c()));
});

async function relayTo(statesUrl: string, records: InteractionRecords = new Map()): Promise<StatesRelay> {
  const relay = await startStatesRelay({ dialect, statesUrl }, records);
  cleanup.push(() => relay.close());
  return relay;
}

async function renaming(): Promise<RunningProvider> {
  const provider = await renamingProvider(dialect)({ transitionMs: 100 });
  cleanup.push(() => provider.close());
  return provider;
}

/** Post a state change the way Pact's verifier does. */
async function post(relay: StatesRelay, action: 'setup' | 'teardown'): Promise<{ status: number; type: string; body: string }> {
  const sent = await sendWire({
    method: 'POST',
    url: relay.url,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ state: 'instances exist', params, action }),
  });
  return { status: sent.response?.status ?? 0, type: sent.response?.headers['content-type'] ?? '', body: sent.response?.bodyText ?? '' };
}

describe('the state relay', () => {
  it('flattens the id map for the verifier and tears down the target ids', async () => {
    expect(requested).toHaveLength(2);
    const provider = await renaming();
    const records: InteractionRecords = new Map();
    const relay = await relayTo(`${provider.url}/_vmconform/provider-states`, records);
    const setup = await post(relay, 'setup');
    const own = requested.map((id) => targetIdFor(dialect, id));
    expect([setup.status, setup.type, JSON.parse(setup.body)]).toEqual([200, 'application/json', { [requested[0] ?? '']: own[0], [requested[1] ?? '']: own[1] }]);
    expect([...(records.get('stop.batch.2#1')?.ids ?? [])]).toEqual(requested.map((id, n) => [id, own[n]]));
    expect(provider.provider?.store.size).toBe(2);
    const teardown = await post(relay, 'teardown');
    expect([teardown.status, teardown.body]).toEqual([200, '{}']);
    expect(provider.provider?.store.size).toBe(0);
    const tornDown = JSON.parse(records.get('stop.batch.2#1')?.stateCalls[1]?.sent?.request.body ?? '{}') as { params: { instances: { id: string }[] } };
    expect(tornDown.params.instances.map((i) => i.id)).toEqual(own);
  });

  it('an interrupt tears down the target ids of every setup without a teardown, and refuses further setups', async () => {
    const provider = await renaming();
    const relay = await relayTo(`${provider.url}/_vmconform/provider-states`);
    expect((await post(relay, 'setup')).status).toBe(200);
    expect(provider.provider?.store.size).toBe(2);
    await relay.teardownOutstanding();
    expect(provider.provider?.store.size).toBe(0);
    const refused = await post(relay, 'setup');
    expect([refused.status, refused.body]).toEqual([400, JSON.stringify({ error: 'vmconform: the run was interrupted; no further setup' })]);
  });

  it.each([
    [201, '', undefined, 200, '{}'],
    [204, '', undefined, 200, '{}'],
    [200, 'OK', 'text/plain', 200, '{}'],
    [202, '{"ins-x":"not asked"}', 'application/json', 200, '{}'],
    [404, 'no such state', 'text/plain', 404, 'no such state'],
  ] as const)('a target answering HTTP %i %j (content type %s) is answered %i %j', async (status, body, type, relayed, relayedBody) => {
    const server: Server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(status, type === undefined ? {} : { 'content-type': type });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((r) => server.close(() => r())));
    const relay = await relayTo(`http://127.0.0.1:${(server.address() as AddressInfo).port}/states`);
    const answer = await post(relay, 'setup');
    expect([answer.status, answer.body]).toEqual([relayed, relayedBody]);
  });
});
