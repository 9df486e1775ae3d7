/**
 * Signing as a request arrives: a contract request (no signature), re-encoded the way a verifier may send it, then
 * signed by `signArriving`, is accepted by the reference provider checking signatures, in every dialect and wire
 * style and under a path prefix; a wrong secret is refused. Also: `unsignedRequest` strips exactly what signing adds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDialect } from '../dialects/index.ts';
import { sendWire } from '../dialects/transport.ts';
import type { DialectName, OperationCall, WireStyle } from '../dialects/types.ts';
import { setupInstances } from '../engine/provider-states.ts';
import { startProviderServer, type RunningProvider } from '../provider/server.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import type { PactRequest } from './model.ts';
import { SIGNING_HEADERS, SIGNING_PARAMS, signArriving, unsignedRequest, type ArrivingRequest } from './wire.ts';

/** The request as a verifier sends it: the query re-encoded its own way (spaces as %20, names sorted), JSON compact. */
function asSent(req: PactRequest): ArrivingRequest {
  const query = Object.entries(req.query ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([k, vs]) => vs.map((v) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`))
    .join('&');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v.join(', ');
  const content = req.body?.content;
  const body = content === undefined ? '' : typeof content === 'string' ? content : JSON.stringify(content);
  return { method: req.method, target: query === '' ? req.path : `${req.path}?${query}`, headers, body };
}

const STYLES: readonly (readonly [DialectName, WireStyle])[] = [
  ['tencent-cvm-api2', 'query-get'],
  ['tencent-cvm-api3', 'json'],
  ['tencent-cvm-api3', 'query-get'],
  ['zenlayer-vm', 'json'],
  ['zenlayer-bmc', 'json'],
  ['aliyun-ecs', 'query-get'],
  ['aliyun-ecs', 'form-post'],
  ['aliyun-ecs', 'acs3'],
];

const providers = new Map<string, RunningProvider>();
beforeAll(async () => {
  for (const d of new Set(STYLES.map(([d]) => d))) {
    providers.set(d, await startProviderServer({ dialect: d, verifySignatures: TEST_CREDENTIALS, rateLimitPerSecond: false, transitionMs: 50 }));
    providers.set(`${d}/prefix`, await startProviderServer({ dialect: d, verifySignatures: TEST_CREDENTIALS, rateLimitPerSecond: false, basePath: '/gateway/v1' }));
  }
});
afterAll(async () => {
  await Promise.all([...providers.values()].map((p) => p.close()));
});

async function stopThrough(dialect: DialectName, style: WireStyle, key: string, secret = TEST_CREDENTIALS.accessKeySecret): Promise<{ status: number; body: string }> {
  const provider = providers.get(key) as RunningProvider;
  const base = provider.url; // under a prefix, the URL ends with it (/gateway/v1)
  const id = getDialect(dialect).instanceId(`wire-test.${key}.${style}.${secret}`);
  await setupInstances(`${base}/_vmconform/provider-states`, [{ id, status: getDialect(dialect).lifecycle.running }]);
  const call: OperationCall = { operation: 'StopInstances', instanceIds: [id], style, params: { ForceStop: true } };
  const signed = signArriving(dialect, asSent(unsignedRequest(dialect, call)), {
    baseUrl: base,
    credentials: { ...TEST_CREDENTIALS, accessKeySecret: secret },
    nowMs: Date.now(),
  });
  const arriving = asSent(unsignedRequest(dialect, call));
  const sent = await sendWire({
    method: arriving.method === 'GET' ? 'GET' : 'POST',
    url: `${base}${signed.target}`,
    headers: { ...arriving.headers, ...signed.setHeaders },
    ...(signed.body !== '' ? { body: signed.body } : {}),
  });
  const answer = sent.response;
  if (!answer) throw new Error(sent.transportError);
  const decoded = getDialect(dialect).decode(call, answer);
  return { status: answer.status, body: decoded.ok ? 'ok' : `${decoded.error?.code ?? answer.bodyText}` };
}

describe('signArriving', () => {
  it.each(STYLES)('%s %s: the provider checking signatures accepts the signed request, also under a path prefix', async (dialect, style) => {
    expect(await stopThrough(dialect, style, dialect)).toEqual({ status: 200, body: 'ok' });
    expect(providers.get(`${dialect}/prefix`)?.url).toMatch(/\/gateway\/v1$/);
    expect(await stopThrough(dialect, style, `${dialect}/prefix`)).toEqual({ status: 200, body: 'ok' });
  });

  it.each(STYLES)('%s %s: signed with another secret, it is refused as a signature failure', async (dialect, style) => {
    const answer = await stopThrough(dialect, style, dialect, 'not-the-secret-0000000000000000');
    expect(answer.body).toMatch(/Signature|SIGNATURE/);
  });
});

describe('unsignedRequest', () => {
  it('keeps the API parameters and headers and strips every signing artifact', () => {
    for (const [dialect, style] of STYLES) {
      const req = unsignedRequest(dialect, { operation: 'StopInstances', instanceIds: [getDialect(dialect).instanceId('x')], style });
      const names = [...Object.keys(req.query ?? {}), ...(typeof req.body?.content === 'string' ? [...new URLSearchParams(req.body.content).keys()] : [])];
      expect(names.filter((n) => SIGNING_PARAMS.has(n)), `${dialect} ${style}`).toEqual([]);
      expect(Object.keys(req.headers ?? {}).filter((n) => SIGNING_HEADERS.has(n)), `${dialect} ${style}`).toEqual([]);
      const action = req.query?.['Action']?.[0] ?? req.headers?.['x-tc-action']?.[0] ?? req.headers?.['x-zc-action']?.[0] ?? req.headers?.['x-acs-action']?.[0] ?? new URLSearchParams(String(req.body?.content ?? '')).get('Action');
      expect(action, `${dialect} ${style}`).toBe('StopInstances');
    }
  });

  it('is deterministic (no clock, nonce or signature in it)', () => {
    const call: OperationCall = { operation: 'StopInstances', instanceIds: ['i-abc'], style: 'acs3' };
    expect(unsignedRequest('aliyun-ecs', call)).toEqual(unsignedRequest('aliyun-ecs', call));
  });
});
