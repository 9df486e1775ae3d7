/**
 * Building blocks for providers that differ from the reference provider in one chosen way: the deliberately wrong
 * providers (`src/wrong-providers/`) and the legal variants (`src/legal-providers/`). A variant is the reference
 * provider with overridden options (`ProviderOptions.rules`, timing, rate limit) or with one msw handler in front of
 * the reference handlers (first match wins), which may rewrite the request, the answer, or both. Nothing here judges.
 */
import { getResponse, http, type RequestHandler } from 'msw';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { DialectName } from '../dialects/types.ts';
import { createProvider, dialectError, type Provider, type ProviderOptions } from '../provider/handlers.ts';
import type { ErrorKey } from '../provider/rules.ts';
import { startProviderServer, type RunningProvider } from '../provider/server.ts';
import { PROVIDER_STATES_PATH } from '../provider/states.ts';

/** Options every variant passes through to the reference provider (e.g. a short `transitionMs` in tests). */
export interface VariantStartOptions {
  /** STOPPING -> STOPPED time of the underlying reference provider (default 150 ms). */
  readonly transitionMs?: number;
}

/** Starts a variant on an ephemeral loopback port. */
export type StartVariant = (options?: VariantStartOptions) => Promise<RunningProvider>;

/** Answers a request with the reference handlers of the variant's own provider (the same store). */
export type Forward = (request: Request) => Promise<Response>;

const DEFAULT_TRANSITION_MS = 150;

function baseOptions(dialect: DialectName, options: VariantStartOptions | undefined, extra: ProviderOptions): ProviderOptions & { dialect: DialectName } {
  return { dialect, transitionMs: options?.transitionMs ?? DEFAULT_TRANSITION_MS, ...extra };
}

/**
 * A variant made by overriding the reference provider's options (rules, rate limit, transition time).
 *
 * @example
 * const start = startWithOptions('aliyun-ecs', { rules: { honourSecurityLock: false } });
 */
export function startWithOptions(
  dialect: DialectName,
  extra: ProviderOptions | ((o: VariantStartOptions | undefined) => ProviderOptions),
): StartVariant {
  return (o) => startProviderServer(baseOptions(dialect, o, typeof extra === 'function' ? extra(o) : extra));
}

/**
 * A variant made by putting one msw handler in front of a fresh reference provider's handlers. `make` gets
 * `forward(request)` (the reference answer, same store) and the provider itself (rules, store).
 *
 * @example
 * const start = startWithHandler('zenlayer-vm', (forward) => http.all('*', ({ request }) => forward(request)));
 */
export function startWithHandler(
  dialect: DialectName,
  make: (forward: Forward, provider: Provider) => RequestHandler,
  extra: ProviderOptions = {},
): StartVariant {
  return async (o) => {
    const options = baseOptions(dialect, o, extra);
    const provider = createProvider(dialect, options);
    const forward: Forward = async (request) =>
      (await getResponse(provider.handlers, request)) ?? new Response('no handler', { status: 404 });
    return startProviderServer({ ...options, handlers: [make(forward, provider), ...provider.handlers] });
  };
}

/** Whether a request goes to the provider-state endpoint (never to the API). */
export function isStatesRequest(request: Request): boolean {
  return new URL(request.url).pathname.endsWith(PROVIDER_STATES_PATH);
}

/** The parameters of a query-style request (the query, plus a form body of a POST). */
export async function queryParams(request: Request): Promise<URLSearchParams> {
  const url = new URL(request.url);
  const params = new URLSearchParams(url.search);
  if (request.method === 'POST' && (request.headers.get('content-type') ?? '').includes('x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(await request.clone().text())) params.append(k, v);
  }
  return params;
}

/** A copy of a query-style request with one parameter rewritten in the query and the form body; `null` removes it. */
export async function rewriteQueryParam(request: Request, name: string, value: string | null): Promise<Request> {
  const url = new URL(request.url);
  if (url.searchParams.has(name)) {
    if (value === null) url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  }
  let body: string | undefined;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    body = await request.clone().text();
    if ((request.headers.get('content-type') ?? '').includes('x-www-form-urlencoded')) {
      const form = new URLSearchParams(body);
      if (form.has(name)) {
        if (value === null) form.delete(name);
        else form.set(name, value);
        body = form.toString();
      }
    }
  }
  return new Request(url, { method: request.method, headers: request.headers, body: body === '' ? undefined : body });
}

/** A copy of a JSON-body request with its body object rewritten (unparseable bodies are passed on unchanged). */
export async function rewriteJsonBody(request: Request, edit: (body: Record<string, unknown>) => Record<string, unknown>): Promise<Request> {
  const text = await request.clone().text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return request;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return request;
  return new Request(request.url, { method: request.method, headers: request.headers, body: JSON.stringify(edit(parsed as Record<string, unknown>)) });
}

/** The action a request names, whatever the dialect's wire style (`X-TC-Action`, `X-ZC-Action`, `x-acs-action`, `Action=`). */
export async function actionOf(request: Request): Promise<string | undefined> {
  const header = request.headers.get('x-tc-action') ?? request.headers.get('x-zc-action') ?? request.headers.get('x-acs-action');
  if (header !== null) return header;
  return (await queryParams(request)).get('Action') ?? undefined;
}

/**
 * The instance ids a request names, whatever the wire style: a JSON `InstanceIds`/`instanceIds` list, or indexed
 * query parameters `InstanceIds.N` / `InstanceId.N` in index order.
 */
export async function requestedIds(request: Request): Promise<string[]> {
  if ((request.headers.get('content-type') ?? '').includes('json')) {
    try {
      const body = (await request.clone().json()) as Record<string, unknown>;
      const list = body['InstanceIds'] ?? body['instanceIds'];
      return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
    } catch {
      return [];
    }
  }
  const params = await queryParams(request);
  return [...params]
    .flatMap(([k, v]) => {
      const m = /^InstanceIds?\.(\d+)$/.exec(k);
      return m ? [[Number(m[1]), v] as const] : [];
    })
    .sort((a, b) => a[0] - b[0])
    .map(([, v]) => v);
}

/** A JSON value as the rewriting functions see it. */
export type Json = unknown;

const XML_OPTIONS = { ignoreAttributes: true, parseTagValue: false, trimValues: true } as const;

/**
 * An answer with its body rewritten: JSON bodies as parsed values, XML bodies as the object fast-xml-parser makes of
 * them (rebuilt as XML afterwards). Status and headers stay, except a content type `contentType` replaces.
 */
export async function rewriteAnswer(
  answer: Response,
  edit: (body: Json, format: 'json' | 'xml') => Json,
  contentType?: (original: string) => string,
): Promise<Response> {
  const text = await answer.text();
  const original = answer.headers.get('content-type') ?? '';
  const headers = new Headers(answer.headers);
  if (contentType) headers.set('content-type', contentType(original));
  headers.delete('content-length');
  if (/xml/i.test(original)) {
    const parsed = new XMLParser(XML_OPTIONS).parse(text) as Record<string, unknown>;
    const { ['?xml']: declaration, ...rest } = parsed;
    const edited = edit(rest, 'xml') as Record<string, unknown>;
    const xml = new XMLBuilder({ format: false }).build(edited) as string;
    return new Response(`${declaration === undefined ? '' : '<?xml version="1.0" encoding="UTF-8"?>'}${xml}`, { status: answer.status, headers });
  }
  let body: Json;
  try {
    body = JSON.parse(text);
  } catch {
    return new Response(text, { status: answer.status, headers });
  }
  return new Response(JSON.stringify(edit(body, 'json')), { status: answer.status, headers });
}

/** Apply `fn` to every plain object in a JSON value, deepest first, and return the rebuilt value. */
export function mapObjects(value: Json, fn: (obj: Record<string, unknown>, key: string | undefined) => Record<string, unknown>, key?: string): Json {
  if (Array.isArray(value)) return value.map((v) => mapObjects(v, fn, key));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = mapObjects(v, fn, k);
  return fn(out, key);
}

/** Apply `fn` to every array in a JSON value (the arrays of its objects included) and return the rebuilt value. */
export function mapArrays(value: Json, fn: (list: unknown[], key: string | undefined) => unknown[], key?: string): Json {
  if (Array.isArray(value)) return fn(value.map((v) => mapArrays(v, fn)), key);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = mapArrays(v, fn, k);
  return out;
}

/** A handler for every request (API and provider-state) that passes through `answer`. */
export function everyRequest(answer: (request: Request) => Promise<Response>): RequestHandler {
  return http.all('*', ({ request }) => answer(request));
}

/** Whether a query parameter name is the parameter `name` (`InstanceIds.N` matches `InstanceIds.1`, `InstanceIds.0`...). */
function queryNameMatches(name: string, key: string): boolean {
  if (name.endsWith('.N')) return new RegExp(`^${name.slice(0, -2).replace(/\./g, '\\.')}\\.\\d+$`).test(key);
  return key === name;
}

/** The values a request gives a parameter, wherever it travels (a header, the query or form body, a JSON body field). */
export async function paramValues(request: Request, name: string): Promise<unknown[]> {
  const header = request.headers.get(name);
  if (header !== null) return [header];
  if ((request.headers.get('content-type') ?? '').includes('json')) {
    try {
      const body = (await request.clone().json()) as Record<string, unknown>;
      if (body !== null && typeof body === 'object' && Object.hasOwn(body, name)) return [body[name]];
    } catch {
      // not JSON: fall through to the query
    }
  }
  return [...(await queryParams(request))].filter(([k]) => queryNameMatches(name, k)).map(([, v]) => v);
}

/**
 * A copy of a request with a parameter set (or removed with `null`) where it travels: a header when the request
 * carries it as one (or `where` says header), a JSON body field for a JSON body, else a query parameter.
 */
export async function setParam(request: Request, name: string, value: unknown, where?: 'header' | 'query' | 'body'): Promise<Request> {
  const isJson = (request.headers.get('content-type') ?? '').includes('json');
  if (where === 'header' || request.headers.has(name)) {
    const headers = new Headers(request.headers);
    if (value === null) headers.delete(name);
    else headers.set(name, String(value));
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.clone().text();
    return new Request(request.url, { method: request.method, headers, body: body === '' ? undefined : body });
  }
  if (where === 'body' || (where === undefined && isJson && request.method === 'POST')) {
    return rewriteJsonBody(request, (body) => {
      const out = { ...body };
      if (value === null) delete out[name];
      else out[name] = value;
      return out;
    });
  }
  let out = request;
  for (const [k] of await queryParams(request)) if (queryNameMatches(name, k)) out = await rewriteQueryParam(out, k, null);
  if (value === null) return out;
  const url = new URL(out.url);
  if (Array.isArray(value)) {
    const first = name.endsWith('.N') ? 1 : 0;
    value.forEach((v, i) => url.searchParams.append(`${name.slice(0, -2)}.${i + first}`, String(v)));
  } else {
    url.searchParams.append(name, String(value));
  }
  const body = out.method === 'GET' || out.method === 'HEAD' ? undefined : await out.clone().text();
  return new Request(url, { method: out.method, headers: out.headers, body: body === '' ? undefined : body });
}

/**
 * The body format an aliyun answer to this request takes: XML for an RPC request without `Format=JSON` (the default),
 * JSON for `Format=JSON` or the ACS3 style (`x-acs-action`).
 */
export async function aliyunFormat(request: Request): Promise<'JSON' | 'XML'> {
  const format = (await queryParams(request)).get('Format');
  if (format !== null) return format.toUpperCase() === 'XML' ? 'XML' : 'JSON';
  return request.headers.has('x-acs-action') ? 'JSON' : 'XML';
}

/** The provider's own error answer to a request, in the dialect's envelope and (aliyun) the format it asked for. */
export async function refuse(provider: Provider, request: Request, key: ErrorKey, message: string): Promise<Response> {
  const format = provider.dialect === 'aliyun-ecs' ? await aliyunFormat(request) : 'JSON';
  return dialectError(provider.context, undefined, key, message, format);
}
