/**
 * The HTTP server's fast path (the provider's logic called directly) and the msw path (the same provider's msw
 * handlers through `getResponse`) answer alike: every request the whole case catalog makes, run by the engine, goes
 * through a tee to both, one request at a time with one frozen clock shared by both providers, and every pair of
 * answers must match in status, headers and body (request ids aside). The catalog itself must pass against the fast
 * path (signatures checked, as `npm run conformance` does). Malformed and odd requests the catalog never sends go
 * through a second pair with signature checks off, so they reach the parsers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { casesFor } from '../cases/index.ts';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { sharedPacer } from '../engine/pacer.ts';
import { newRunId, runCase } from '../engine/run-case.ts';
import type { CaseResult } from '../engine/types.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { startTeeServer, type TeeAnswer, type TeeExchange, type TeeServer } from '../testing/tee-server.ts';
import { createProvider, type ProviderOptions } from './handlers.ts';
import { startProviderServer, type RunningProvider } from './server.ts';

/** Headers that differ per connection or moment, not per provider answer. */
const TRANSPORT_HEADERS = new Set(['date', 'connection', 'keep-alive']);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** What must be equal: status, every header but the transport ones, the body with request ids masked. */
function comparable(answer: TeeAnswer): unknown {
  // A request id may travel in a header too (aws-ec2's x-amzn-requestid): masked like the body's.
  const headers = Object.fromEntries(
    Object.entries(answer.headers)
      .filter(([name]) => !TRANSPORT_HEADERS.has(name))
      .map(([name, value]) => [name, value.replace(UUID, '<request-id>')])
      .sort(),
  );
  return { status: answer.status, headers, body: answer.body.toString('utf8').replace(UUID, '<request-id>') };
}

function mismatches(exchanges: readonly TeeExchange[]): string[] {
  return exchanges.flatMap((ex) => {
    const [fast, msw] = ex.answers.map(comparable);
    return JSON.stringify(fast) === JSON.stringify(msw)
      ? []
      : [`${ex.method} ${ex.target}\n  fast: ${JSON.stringify(fast)}\n  msw:  ${JSON.stringify(msw)}`];
  });
}

interface Rig {
  readonly tee: TeeServer;
  readonly fast: RunningProvider;
  readonly viaMsw: RunningProvider;
}

const rigs = new Map<string, Rig>();

/** A fast-path provider and an msw-path provider with the same options behind one tee. */
async function startRig(dialect: DialectName, verifySignatures: ProviderOptions['verifySignatures']): Promise<Rig> {
  // One clock for both providers, moved only when the tee takes the next request: both see the same time.
  let frozen = Date.now();
  const options: ProviderOptions = { transitionMs: 100, verifySignatures, maxBodyBytes: 64 * 1024, now: () => frozen };
  const fast = await startProviderServer({ dialect, ...options });
  // The same cap on the msw server too, so a body over it is refused by its reader (not only by the handlers).
  const viaMsw = await startProviderServer({ dialect, maxBodyBytes: options.maxBodyBytes, handlers: createProvider(dialect, options).handlers });
  const tee = await startTeeServer([fast.url, viaMsw.url], { beforeEach: () => void (frozen = Date.now()) });
  return { tee, fast, viaMsw };
}

beforeAll(async () => {
  for (const dialect of DIALECT_NAMES) {
    rigs.set(`${dialect} signed`, await startRig(dialect, TEST_CREDENTIALS));
    rigs.set(`${dialect} unsigned`, await startRig(dialect, false));
  }
});

afterAll(async () => {
  for (const { tee, fast, viaMsw } of rigs.values()) await Promise.all([tee.close(), fast.close(), viaMsw.close()]);
});

function rig(dialect: DialectName, signatures: 'signed' | 'unsigned'): Rig {
  const found = rigs.get(`${dialect} ${signatures}`);
  if (!found) throw new Error(dialect);
  return found;
}

/** Run rows `parallel` at a time (the tee still serializes their requests). */
async function runAll(dialect: DialectName, parallel: number): Promise<CaseResult[]> {
  const rows = [...casesFor(dialect)];
  const results: CaseResult[] = [];
  const runId = newRunId();
  const { url } = rig(dialect, 'signed').tee;
  const worker = async (): Promise<void> => {
    for (let row = rows.shift(); row !== undefined; row = rows.shift()) {
      results.push(
        await runCase(row, {
          dialect,
          target: url,
          statesUrl: `${url}/_vmconform/provider-states`,
          credentials: TEST_CREDENTIALS,
          runId,
          pollTimeoutMs: 5_000,
          requestTimeoutMs: 5_000,
          pacer: sharedPacer(),
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return results;
}

/** Requests the catalog never sends: unreadable, oversized, odd methods and paths, repeated headers. */
const ODD_REQUESTS: readonly { readonly method: string; readonly path: string; readonly headers?: Record<string, string>; readonly body?: string }[] = [
  { method: 'GET', path: '/no/such/path' },
  { method: 'GET', path: '/_vmconform/provider-states' },
  { method: 'POST', path: '/_vmconform/provider-states', body: 'not json' },
  { method: 'POST', path: '/_vmconform/provider-states', body: 'x'.repeat(70 * 1024) },
  { method: 'DELETE', path: '/' },
  { method: 'PUT', path: '/api/v2/vm', headers: { 'x-zc-action': 'StopInstances' }, body: '{}' },
  { method: 'POST', path: '/', headers: { 'content-type': 'application/json', 'x-tc-action': 'StopInstances' }, body: '{' },
  { method: 'POST', path: '/v2/index.php', headers: { 'content-type': 'text/plain' }, body: 'Action=StopInstances' },
  { method: 'POST', path: '/api/v2/bmc', headers: { 'content-type': 'application/json', 'x-zc-action': 'StopInstances' }, body: 'x'.repeat(70 * 1024) },
  { method: 'POST', path: '/?Action=StopInstances&Format=XML', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'x'.repeat(70 * 1024) },
  { method: 'GET', path: '/?Action=StopInstances&Version=2014-05-26&RegionId=r&InstanceId.1=i-x&Format=XML' },
  { method: 'GET', path: '/?Action=DescribeInstanceStatus&Format=JSON&Format=XML' },
  { method: 'GET', path: '/v2/index.php?Action=StopInstances&InstanceIds.0=ins-aaaaaaaa' },
  { method: 'POST', path: '/api/v2/vm', headers: { 'content-type': 'application/json', 'x-zc-action': 'DescribeInstancesStatus', authorization: 'ZC2-HMAC-SHA256 garbage' }, body: '{"instanceIds":[]}' },
  { method: 'POST', path: '/', headers: { 'content-type': 'application/json; charset=UTF-8', 'x-tc-action': 'DescribeInstancesStatus', 'x-tc-version': '2017-03-12', 'x-tc-region': 'r' }, body: '\ufeff{"InstanceIds":["ins-aaaaaaaa"]}' },
  { method: 'POST', path: '/api/v2/vm', headers: { 'content-type': 'application/json', 'x-zc-action': 'StopInstances', 'x-custom': '  padded\t' }, body: '{"instanceIds":["a"]}\u00ff' },
  { method: 'HEAD', path: '/' },
  { method: 'OPTIONS', path: '/api/v2/vm' },
  // Bodies over the rigs' 64 KiB cap (declared by fetch): refused by both paths alike.
  { method: 'POST', path: '/api/v2/vm', headers: { 'content-type': 'application/json', 'x-zc-action': 'StopInstances' }, body: `{"instanceIds":["${'a'.repeat(64 * 1024)}"]}` },
  { method: 'POST', path: '/?Action=StopInstances&Format=XML', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-tc-action': 'StopInstances' }, body: `Pad=${'x'.repeat(64 * 1024)}` },
];

describe.each(DIALECT_NAMES.map((d) => [d]))('%s: fast path and msw path answer alike', (dialect) => {
  it('for every request of the whole catalog (and the catalog passes)', { timeout: 120_000 }, async () => {
    const results = await runAll(dialect, 6);
    const { tee } = rig(dialect, 'signed');
    expect(tee.failures).toEqual([]);
    expect(results.filter((r) => r.status !== 'passed').map((r) => `${r.id}: ${r.message ?? ''}`)).toEqual([]);
    expect(results).toHaveLength(casesFor(dialect).length);
    // Every row makes at least a stop or a query and the state reads after it.
    expect(tee.exchanges.length).toBeGreaterThan(2 * results.length);
    expect(tee.exchanges.every((ex) => ex.answers.length === 2)).toBe(true);
    expect(mismatches(tee.exchanges)).toEqual([]);
  });

  it('for malformed and odd requests', async () => {
    const { tee } = rig(dialect, 'unsigned');
    const before = tee.exchanges.length;
    for (const r of ODD_REQUESTS) {
      const res = await fetch(`${tee.url}${r.path}`, { method: r.method, headers: r.headers ?? {}, ...(r.body !== undefined ? { body: r.body } : {}) });
      await res.arrayBuffer();
    }
    const odd = tee.exchanges.slice(before);
    expect(odd).toHaveLength(ODD_REQUESTS.length);
    expect(tee.failures).toEqual([]);
    expect(mismatches(odd)).toEqual([]);
    // The comparison sees real differences: a 404 and a 200 of the same dialect never compare equal.
    const statuses = new Set(odd.map((ex) => ex.answers[0]?.status));
    expect(statuses.size).toBeGreaterThan(1);
  });
});

describe('the comparison itself', () => {
  it('tells a different status, header or body apart, and ignores request ids and transport headers', () => {
    const base: TeeAnswer = {
      status: 200,
      headers: { 'content-type': 'application/json', date: 'Mon', connection: 'keep-alive' },
      body: Buffer.from('{"requestId":"0b0e7a3c-1d2f-4a5b-8c9d-0e1f2a3b4c5d"}'),
    };
    const exchange = (other: TeeAnswer): TeeExchange => ({ method: 'POST', target: '/', body: Buffer.alloc(0), answers: [base, other] });
    expect(mismatches([exchange({ ...base, headers: { 'content-type': 'application/json', date: 'Tue' }, body: Buffer.from('{"requestId":"11111111-2222-4333-8444-555555555555"}') })])).toEqual([]);
    expect(mismatches([exchange({ ...base, status: 400 })])).toHaveLength(1);
    expect(mismatches([exchange({ ...base, headers: { 'content-type': 'application/xml' } })])).toHaveLength(1);
    expect(mismatches([exchange({ ...base, body: Buffer.from('{"requestId":"x"}') })])).toHaveLength(1);
  });
});
