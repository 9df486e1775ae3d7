/**
 * The loopback relay `vmconform pact verify` gives Pact's verifier as its provider-state URL (`providerStatesSetupUrl`).
 * It passes every setup and teardown through to the target's endpoint and answers the verifier 200 for any 2xx
 * (DESIGN.md §4), with the setup reply's id map flattened into the top-level keys Pact takes provider-state values
 * from (`id-map.ts`), so the verifier puts the target's ids in the request; a teardown names the target's ids, as
 * `vmconform run`'s does. Any other status goes back to the verifier as the target sent it, so a refused setup fails
 * its interaction (Pact's verifier fails an interaction whose state change is not 2xx) and the finding can quote the
 * target's answer; a setup whose id map cannot be used fails the same way, after the relay has torn down what it set
 * up (Pact's verifier sends no teardown after a failed setup). A state URL the relay cannot reach is answered 400, so
 * the verifier does not retry. An interrupt tears down every setup no teardown has followed yet.
 */
import { recordSeeds } from '../engine/seed-ledger.ts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toCurl } from '../dialects/curl.ts';
import { sendWire } from '../dialects/transport.ts';
import type { DialectName, WireRequest, WireResponse } from '../dialects/types.ts';
import { readIdMap } from '../engine/provider-states.ts';
import { planContract } from './generate.ts';
import { providerStateValues, requestedIdsOf, teardownWithTargetIds } from './id-map.ts';
import type { InteractionRecords, StateCall } from './results.ts';

/** Interaction keys by the first instance id their provider state names (ids are unique per case). */
function keysByInstanceId(dialect: DialectName): Map<string, string> {
  const map = new Map<string, string>();
  for (const plan of planContract(dialect)) {
    for (const interaction of plan.interactions) {
      const first = interaction.providerStates?.[0]?.params.instances[0]?.id;
      if (first !== undefined) map.set(first, interaction.key);
    }
  }
  return map;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

/** The relay: its URL, a way to tear down what was set up and not torn down (interrupts), and close. */
export interface StatesRelay {
  readonly url: string;
  teardownOutstanding(): Promise<void>;
  close(): Promise<void>;
}

/** Where the relay forwards to, and which contract's interactions it keeps records for. */
export interface StatesRelayOptions {
  readonly dialect: DialectName;
  /** The target's provider-state endpoint (DESIGN.md §4). */
  readonly statesUrl: string;
  /** Per-call timeout in ms; default 10 000. */
  readonly requestTimeoutMs?: number;
}

/**
 * Start the relay on a loopback port (see the module comment); it keeps every state call, and the ids a setup reply
 * named, in `records` under the interaction key.
 *
 * @example
 * const relay = await startStatesRelay({ dialect, statesUrl }, records); // then Pact's providerStatesSetupUrl: relay.url
 */
export async function startStatesRelay(options: StatesRelayOptions, records: InteractionRecords): Promise<StatesRelay> {
  const keys = keysByInstanceId(options.dialect);
  const timeout = options.requestTimeoutMs ?? 10_000;
  const stateRequest = (body: string): WireRequest => ({
    method: 'POST',
    url: options.statesUrl,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body,
  });
  // Setups the target accepted and no teardown has followed yet, by their params: the teardown to send (with the
  // target's ids), for the verifier's teardown and for an interrupt.
  const outstanding = new Map<string, string>();
  let closing = false;
  const answer = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  /** Send one state call to the target and keep it in the interaction's record. */
  const relay = async (key: string | undefined, action: string, body: string): Promise<{ call: StateCall; response?: WireResponse }> => {
    const request = stateRequest(body);
    const startedMs = Date.now();
    const sent = await sendWire(request, timeout);
    const call: StateCall = {
      action,
      curl: toCurl(request),
      ...(sent.response ? { status: sent.response.status, body: sent.response.bodyText } : { transportError: sent.transportError ?? 'no answer' }),
      sent: { request, ...(sent.response ? { response: sent.response } : {}), startedMs, durationMs: sent.durationMs },
    };
    if (key !== undefined) {
      const record = records.get(key) ?? { stateCalls: [] };
      records.set(key, { ...record, stateCalls: [...record.stateCalls, call] });
    }
    return { call, ...(sent.response ? { response: sent.response } : {}) };
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const body = await readBody(req);
      let action = 'setup';
      let key: string | undefined;
      let parsed: Record<string, unknown> | undefined;
      try {
        const json = JSON.parse(body) as unknown;
        if (json !== null && typeof json === 'object' && !Array.isArray(json)) parsed = json as Record<string, unknown>;
      } catch {
        // not JSON: passed through as it is; the target answers it
      }
      if (typeof parsed?.['action'] === 'string') action = parsed['action'];
      const requested = requestedIdsOf(parsed);
      if (requested[0] !== undefined) key = keys.get(requested[0]);
      if (closing && action !== 'teardown') {
        answer(res, 400, { error: 'vmconform: the run was interrupted; no further setup' });
        return;
      }
      const params = JSON.stringify(parsed?.['params'] ?? null);
      // The verifier's teardown repeats the setup's params: the target gets the teardown naming its own ids.
      const teardown = action === 'teardown' ? outstanding.get(params) : undefined;
      if (action === 'teardown') outstanding.delete(params);
      // A setup is named in the seed ledger before it is sent (a second Ctrl-C while it is in flight still lists it).
      if (action === 'setup') recordSeeds('setup', options.statesUrl, requested);
      const { call, response } = await relay(key, action, teardown ?? body);
      if (action === 'teardown' && teardown !== undefined && response && response.status >= 200 && response.status < 300) {
        recordSeeds('teardown', options.statesUrl, requestedIdsOf(JSON.parse(teardown) as Record<string, unknown>));
      }
      if (!response) {
        answer(res, 400, { error: `vmconform could not reach the provider-state URL: ${call.transportError ?? ''}` });
        return;
      }
      if (response.status < 200 || response.status > 299) {
        res.writeHead(response.status, { 'content-type': response.headers['content-type'] ?? 'application/json' });
        res.end(response.bodyText);
        return;
      }
      if (action === 'teardown' || parsed?.['params'] === undefined) {
        answer(res, 200, {});
        return;
      }
      const read = readIdMap(response.bodyText, requested);
      if (!read.ok) {
        const problem = `the reply's id map cannot be used: ${read.problem}`;
        if (key !== undefined) {
          const record = records.get(key) ?? { stateCalls: [] };
          records.set(key, { ...record, stateCalls: record.stateCalls.map((c) => (c === call ? { ...c, problem } : c)) });
        }
        // Pact's verifier sends no teardown after a failed setup: what the target set up goes now (requested ids, as
        // `vmconform run` tears down after a setup it could not use).
        await relay(key, 'teardown', JSON.stringify({ ...parsed, action: 'teardown' }));
        answer(res, 400, { error: `vmconform: provider-state setup: ${problem}` });
        return;
      }
      outstanding.set(params, JSON.stringify(teardownWithTargetIds(parsed, read.map)));
      if (read.map.size > 0) {
        recordSeeds('teardown', options.statesUrl, [...read.map.keys()]);
        recordSeeds('setup', options.statesUrl, [...read.map.values()]);
      }
      if (key !== undefined && read.map.size > 0) {
        const record = records.get(key) ?? { stateCalls: [] };
        records.set(key, { ...record, ids: read.map });
      }
      answer(res, 200, providerStateValues(read.map));
    })().catch((err: unknown) => {
      answer(res, 400, { error: `vmconform's provider-state relay failed: ${err instanceof Error ? err.message : String(err)}` });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/provider-states`,
    async teardownOutstanding() {
      closing = true;
      const bodies = [...outstanding.values()];
      outstanding.clear();
      await Promise.all(
        bodies.map(async (b) => {
          const sent = await sendWire(stateRequest(b), timeout);
          if (sent.response && sent.response.status >= 200 && sent.response.status < 300) recordSeeds('teardown', options.statesUrl, requestedIdsOf(JSON.parse(b) as Record<string, unknown>));
        }),
      );
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

