/**
 * Helpers for the provider's own tests: raw HTTP calls in each dialect's wire style (fetch, no dialect module, so
 * the provider's tests do not depend on the client side) and provider-state seeding.
 */
import { afterAll, beforeAll } from 'vitest';
import type { DialectName } from '../dialects/types.ts';
import { parseAliyunXml } from '../specs/xml.ts';
import { startProviderServer, type ProviderServerOptions, type RunningProvider } from './server.ts';
import { PROVIDER_STATES_PATH } from './states.ts';

/**
 * One reference provider per dialect for a test file: started before all its tests, closed after. Returns the base
 * URL of a dialect's provider.
 */
export function providersPerDialect(
  dialects: readonly DialectName[],
  options: (dialect: DialectName) => Omit<ProviderServerOptions, 'dialect'>,
): (dialect: DialectName) => string {
  const servers = new Map<DialectName, RunningProvider>();
  beforeAll(async () => {
    for (const dialect of dialects) servers.set(dialect, await startProviderServer({ dialect, ...options(dialect) }));
  });
  afterAll(async () => {
    await Promise.all([...servers.values()].map((s) => s.close()));
  });
  return (dialect) => {
    const s = servers.get(dialect);
    if (!s) throw new Error(`no provider started for ${dialect}`);
    return s.url;
  };
}

/** A raw answer: status, content type, body text and the body parsed as JSON when it is JSON. */
export interface RawAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  readonly json: unknown;
}

/** Read a fetch Response into a {@link RawAnswer}. */
export async function readAnswer(res: Response): Promise<RawAnswer> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, json };
}

/** An instance to seed. */
export interface Seed {
  readonly id: string;
  readonly status: string;
  readonly securityLocked?: boolean;
}

/** POST a provider-state setup; throws unless 200. */
export async function seed(baseUrl: string, instances: readonly Seed[]): Promise<void> {
  const res = await fetch(`${baseUrl}${PROVIDER_STATES_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'setup', state: 'instances exist', params: { instances } }),
  });
  if (res.status !== 200) throw new Error(`seed failed: ${res.status} ${await res.text()}`);
}

/** tencent-cvm-api3 JSON POST (unsigned). */
export async function tc3Call(
  baseUrl: string,
  action: string,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<RawAnswer> {
  return readAnswer(
    await fetch(`${baseUrl}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-tc-action': action,
        'x-tc-version': '2017-03-12',
        'x-tc-region': 'ap-guangzhou',
        'x-tc-timestamp': String(Math.floor(Date.now() / 1000)),
        ...extraHeaders,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

/** A query-style GET (tencent api2 at `/v2/index.php`, api3 GET and aliyun at `/`). */
export async function queryCall(
  baseUrl: string,
  path: string,
  params: readonly (readonly [string, string])[],
  init: RequestInit = {},
): Promise<RawAnswer> {
  const qs = new URLSearchParams(params.map(([k, v]): [string, string] => [k, v]));
  return readAnswer(await fetch(`${baseUrl}${path}?${qs.toString()}`, init));
}

/** tencent-cvm-api2 GET with the common parameters filled in (unsigned). */
export async function tc2Call(
  baseUrl: string,
  action: string,
  params: readonly (readonly [string, string])[],
): Promise<RawAnswer> {
  return queryCall(baseUrl, '/v2/index.php', [
    ['Action', action],
    ['Version', '2017-03-12'],
    ['Region', 'ap-guangzhou'],
    ['Timestamp', String(Math.floor(Date.now() / 1000))],
    ['Nonce', '12345'],
    ['SecretId', 'AKIDignored'],
    ['Signature', 'ignored'],
    ...params,
  ]);
}

/** 1-based or 0-based indexed id parameters. */
export function indexedIds(prefix: string, ids: readonly string[], first: number): [string, string][] {
  return ids.map((id, i) => [`${prefix}.${i + first}`, id]);
}

/** Zenlayer JSON POST (unsigned). */
export async function zcCall(
  baseUrl: string,
  kind: 'vm' | 'bmc',
  action: string,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<RawAnswer> {
  return readAnswer(
    await fetch(`${baseUrl}/api/v2/${kind}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-zc-action': action, ...extraHeaders },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

/** aliyun-ecs RPC GET with Version, RegionId and Format=JSON unless given. */
export async function aliCall(
  baseUrl: string,
  action: string,
  params: readonly (readonly [string, string])[],
  options: { format?: 'JSON' | 'XML' | null; region?: string | null; method?: 'GET' | 'POST' } = {},
): Promise<RawAnswer> {
  const all: [string, string][] = [
    ['Action', action],
    ['Version', '2014-05-26'],
    ['Timestamp', new Date().toISOString()],
    ['SignatureNonce', 'n1'],
    ['AccessKeyId', 'ignored'],
    ['Signature', 'ignored'],
  ];
  if (options.region !== null) all.push(['RegionId', options.region ?? 'cn-hangzhou']);
  if (options.format !== null) all.push(['Format', options.format ?? 'JSON']);
  all.push(...params.map(([k, v]): [string, string] => [k, v]));
  if (options.method === 'POST') {
    return readAnswer(
      await fetch(`${baseUrl}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(all.map(([k, v]): [string, string] => [k, v])).toString(),
      }),
    );
  }
  return queryCall(baseUrl, '/', all);
}

/**
 * aws-ec2 Query POST (unsigned form body with Action and Version 2016-11-15); `json` is the XML parsed as the spec's
 * schemas describe it (the root element the single key).
 */
export async function ec2Call(
  baseUrl: string,
  action: string,
  params: readonly (readonly [string, string])[],
  headers: Readonly<Record<string, string>> = {},
): Promise<RawAnswer> {
  const body = new URLSearchParams([['Action', action], ['Version', '2016-11-15'], ...params.map(([k, v]): [string, string] => [k, v])]).toString();
  const a = await readAnswer(await fetch(`${baseUrl}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body }));
  return { ...a, json: parseAliyunXml(a.text) };
}

/** A manual clock for deterministic transitions and rate limits. */
export function manualClock(start = Date.now()): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

/** Dig into a parsed JSON value by keys; `undefined` when any step is missing. */
export function dig(value: unknown, ...keys: (string | number)[]): unknown {
  let cur: unknown = value;
  for (const k of keys) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}
