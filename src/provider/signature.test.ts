/**
 * Signature verification (ProviderOptions.verifySignatures) for all five dialects, driven by the suite's own
 * dialect modules (they sign exactly as DESIGN.md §2 says): good signatures pass, a wrong secret or a stale
 * timestamp gets the dialect's auth error, and a refused request changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTarget } from '../dialects/client.ts';
import { describeDialect } from '../dialects/descriptions/index.ts';
import { getDialect } from '../dialects/index.ts';
import type { Credentials, DialectName, OperationCall, WireStyle } from '../dialects/types.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { startProviderServer, type RunningProvider } from './server.ts';
import { seed } from './test-helpers.ts';

const servers = new Map<DialectName, RunningProvider>();
const DIALECTS = ['tencent-cvm-api2', 'tencent-cvm-api3', 'zenlayer-vm', 'zenlayer-bmc', 'aliyun-ecs', 'aws-ec2'] as const;

const AUTH_CODES: Record<DialectName, { failure: string; expired: string }> = {
  'tencent-cvm-api2': { failure: 'AuthFailure.SignatureFailure', expired: 'AuthFailure.SignatureExpire' },
  'tencent-cvm-api3': { failure: 'AuthFailure.SignatureFailure', expired: 'AuthFailure.SignatureExpire' },
  'zenlayer-vm': { failure: 'AUTH_FAILURE_SIGNATURE_FAILURE', expired: 'AUTH_FAILURE_SIGNATURE_EXPIRED' },
  'zenlayer-bmc': { failure: 'AUTH_FAILURE_SIGNATURE_FAILURE', expired: 'AUTH_FAILURE_SIGNATURE_EXPIRED' },
  'aliyun-ecs': { failure: 'SignatureDoesNotMatch', expired: 'InvalidTimeStamp.Expired' },
  'aws-ec2': { failure: 'AuthFailure', expired: 'RequestExpired' },
};

beforeAll(async () => {
  for (const dialect of DIALECTS) {
    // A long transition: the status read right after a stop reads STOPPING however loaded the machine is.
    servers.set(dialect, await startProviderServer({ dialect, verifySignatures: TEST_CREDENTIALS, rateLimitPerSecond: false, transitionMs: 600_000 }));
  }
});
afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.close()));
});

function base(d: DialectName): string {
  const s = servers.get(d);
  if (!s) throw new Error(d);
  return s.url;
}

async function call(d: DialectName, op: OperationCall, credentials: Credentials, now?: () => number) {
  const ex = await callTarget(getDialect(d), op, { baseUrl: base(d), credentials, ...(now ? { now } : {}) });
  if (!ex.outcome) throw new Error(`transport failure: ${ex.transportError ?? '?'}`);
  return ex.outcome;
}

const STYLES: [DialectName, WireStyle][] = DIALECTS.flatMap((d) => getDialect(d).styles.map((s) => [d, s] as [DialectName, WireStyle]));

describe.each(STYLES)('%s signatures (%s style)', (d, style) => {
  const dialect = getDialect(d);
  const { running, stopping } = dialect.lifecycle;

  it('accepts a correctly signed stop and status query', async () => {
    const id = dialect.instanceId(`sg${style.replace(/[^a-z]/g, '').slice(0, 3)}1`);
    await seed(base(d), [{ id, status: running }]);
    const stop = await call(d, { operation: 'StopInstances', instanceIds: [id], style }, TEST_CREDENTIALS);
    expect(stop.error).toBeUndefined();
    expect(stop.ok).toBe(true);
    const st = await call(d, { operation: 'DescribeStatus', instanceIds: [id], style }, TEST_CREDENTIALS);
    expect(st.error).toBeUndefined();
    expect(st.instances?.map((i) => i.status)).toEqual([stopping]);
  });

  it('refuses a wrong secret and a stale timestamp with the auth error, changing nothing', async () => {
    const id = dialect.instanceId(`sg${style.replace(/[^a-z]/g, '').slice(0, 3)}2`);
    await seed(base(d), [{ id, status: running }]);
    const wrong: Credentials = { accessKeyId: TEST_CREDENTIALS.accessKeyId, accessKeySecret: 'not-the-secret' };
    const bad = await call(d, { operation: 'StopInstances', instanceIds: [id], style }, wrong);
    expect(bad.error?.code).toBe(AUTH_CODES[d].failure);
    const stale = await call(d, { operation: 'StopInstances', instanceIds: [id], style }, TEST_CREDENTIALS, () => Date.now() - 20 * 60_000);
    expect(stale.error?.code).toBe(AUTH_CODES[d].expired);
    const st = await call(d, { operation: 'DescribeStatus', instanceIds: [id], style }, TEST_CREDENTIALS);
    expect(st.instances?.map((i) => i.status)).toEqual([running]);
  });
});

describe('unsigned requests are refused when verification is on', () => {
  it.each(DIALECTS.map((d) => [d]))('%s', async (d) => {
    const { path, errorsAsHttp200 } = describeDialect(d);
    const res = await fetch(`${base(d)}${path}?Action=StopInstances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-zc-action': 'StopInstances', 'x-tc-action': 'StopInstances' },
      body: '{}',
    });
    const text = await res.text();
    expect(res.status).toBeLessThan(500);
    expect(errorsAsHttp200 ? res.status === 200 && text.includes('"Error"') : res.status >= 400).toBe(true);
  });
});

describe('every signature failure maps to the dialect code of one error key', () => {
  const UNKNOWN_KEY: Record<DialectName, string> = {
    'tencent-cvm-api2': 'AuthFailure.SecretIdNotFound',
    'tencent-cvm-api3': 'AuthFailure.SecretIdNotFound',
    'zenlayer-vm': 'AUTH_FAILURE_ACCESS_KEY_NOT_FOUND',
    'zenlayer-bmc': 'AUTH_FAILURE_ACCESS_KEY_NOT_FOUND',
    'aliyun-ecs': 'InvalidAccessKeyId.NotFound',
    'aws-ec2': 'AuthFailure',
  };
  it.each(STYLES)('%s (%s style): an unknown access key id', async (d, style) => {
    const stranger: Credentials = { accessKeyId: 'AKIDnotconfigured', accessKeySecret: 'whatever' };
    const dialect = getDialect(d);
    const out = await call(d, { operation: 'StopInstances', instanceIds: [dialect.instanceId('sgunknown')], style }, stranger);
    expect(out.error?.code).toBe(UNKNOWN_KEY[d]);
  });

  it('tencent-cvm-api2: a missing common parameter is MissingParameter', async () => {
    const res = await fetch(`${base('tencent-cvm-api2')}/v2/index.php?Action=StopInstances&Version=2017-03-12&Region=r&InstanceIds.1=ins-aaaaaaaa`);
    const body = (await res.json()) as { Response?: { Error?: { Code?: string } } };
    expect(body.Response?.Error?.Code).toBe('MissingParameter');
  });
});
