/**
 * Building blocks for providers that differ from the reference provider in one chosen way: the deliberately wrong
 * providers (`src/wrong-providers/`), the legal perturbations (`src/legal-providers/`) and the rule flips
 * (`src/rule-flips/`). A variant is the reference provider with overridden options (`ProviderOptions.rules`, timing,
 * rate limit) or with handlers in front of the reference handlers, which may rewrite the request, the answer, or
 * both. As data ({@link VariantSpec}: options plus a stack of {@link Layer}s) variants compose: a rule flip combined
 * with legal perturbations is one spec. Nothing here judges.
 */
import { getResponse, http, type RequestHandler } from 'msw';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { DESCRIPTIONS, describeDialect } from '../dialects/descriptions/index.ts';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { createProvider, dialectError, type Provider, type ProviderOptions } from '../provider/handlers.ts';
import type { ErrorKey, ErrorSpec, RulesOverride } from '../provider/rules.ts';
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

/**
 * One step in front of the reference provider: gets a request, the next step (in the end the reference handlers of
 * the same provider) and the provider itself; answers by itself, or forwards a request and returns (or rewrites) the
 * answer.
 */
export type Layer = (request: Request, next: Forward, provider: Provider) => Promise<Response>;

/** A variant as data: options of the reference provider plus layers in front of it, outermost first. */
export interface VariantSpec {
  /** Overridden options of the reference provider (rules, timing, rate limit, base path). */
  readonly options?: ProviderOptions;
  /** Handlers in front of the reference, outermost first (the first sees the request first and the answer last). */
  readonly layers?: readonly Layer[];
}

/**
 * Start a variant given as data. Without layers the reference provider serves directly (the fast path).
 *
 * @example
 * const start = startSpec('zenlayer-vm', { options: { transitionMs: 0 }, layers: [apiOnly(async (r, next) => next(r))] });
 */
export function startSpec(dialect: DialectName, spec: VariantSpec): StartVariant {
  const layers = spec.layers ?? [];
  if (layers.length === 0) return startWithOptions(dialect, spec.options ?? {});
  return startWithHandler(
    dialect,
    (forward, provider) => {
      const chain = layers.reduceRight<Forward>((next, layer) => (request) => layer(request, next, provider), forward);
      return everyRequest(chain);
    },
    spec.options ?? {},
  );
}

/** A layer that acts on API requests only: provider-state requests go straight on. */
export function apiOnly(layer: Layer): Layer {
  return (request, next, provider) => (isStatesRequest(request) ? next(request) : layer(request, next, provider));
}

function mergeRules(a: RulesOverride | undefined, b: RulesOverride | undefined): RulesOverride | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  const merged = { ...a, ...b };
  if (a.codes !== undefined || b.codes !== undefined) Object.assign(merged, { codes: { ...a.codes, ...b.codes } });
  if (a.lifecycle !== undefined || b.lifecycle !== undefined) Object.assign(merged, { lifecycle: { ...a.lifecycle, ...b.lifecycle } });
  if (a.statusPage !== undefined || b.statusPage !== undefined) Object.assign(merged, { statusPage: { ...a.statusPage, ...b.statusPage } });
  return merged;
}

/**
 * Options `over` laid on options `base`: `over` wins field by field, rules (and their codes, lifecycle and paging)
 * merge field by field.
 *
 * @example
 * mergeOptions({ rules: { codes: { notFound: a } } }, { rules: { codes: { malformedId: b } } }) // both codes
 */
export function mergeOptions(base: ProviderOptions, over: ProviderOptions): ProviderOptions {
  const rules = mergeRules(base.rules, over.rules);
  return rules === undefined ? { ...base, ...over } : { ...base, ...over, rules };
}

/**
 * The knobs options set, as paths (`transitionMs`, `rules.notReadyWords`, `rules.codes.notFound`...): two option sets
 * touch the same behaviour when their knobs meet.
 *
 * @example
 * optionKnobs({ transitionMs: 0, rules: { codes: { notFound: spec } } }) // ['transitionMs', 'rules.codes.notFound']
 */
export function optionKnobs(options: ProviderOptions): string[] {
  const knobs: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (key !== 'rules') {
      knobs.push(key);
      continue;
    }
    for (const [rule, setting] of Object.entries(value as RulesOverride)) {
      if (setting === undefined) continue;
      if (rule === 'codes' || rule === 'lifecycle' || rule === 'statusPage') {
        for (const inner of Object.keys(setting as object)) knobs.push(`rules.${rule}.${inner}`);
      } else {
        knobs.push(`rules.${rule}`);
      }
    }
  }
  return knobs;
}

/** What every dialect's description says, gathered: where actions and ids travel, the status-query actions. */
const WIRES = DIALECT_NAMES.flatMap((d) => DESCRIPTIONS[d].wire);
const unique = (values: readonly string[]): readonly string[] => Object.freeze([...new Set(values)]);
/** The headers an action travels in (`x-tc-action`, `x-zc-action`, `x-acs-action`), in the descriptions' order. */
const ACTION_HEADERS = unique(WIRES.flatMap((w) => (w.action.in === 'header' ? [w.action.name] : [])));
/** The query parameters an action travels in (`Action`). */
const ACTION_PARAMS = unique(WIRES.flatMap((w) => (w.action.in === 'query' ? [w.action.name] : [])));
/** The JSON members an id list travels in (`InstanceIds`, `instanceIds`). */
const JSON_ID_LISTS = unique(WIRES.flatMap((w) => (w.ids.in === 'json' ? [w.ids.name] : [])));
/** The indexed query parameters an id list travels in (`InstanceIds`, `InstanceId`). */
const QUERY_ID_LISTS = unique(WIRES.flatMap((w) => (w.ids.in === 'query' ? [w.ids.name] : [])));

/** The status-query actions of every dialect (tencent, zenlayer-vm; zenlayer-bmc; aliyun), from the descriptions. */
export const STATUS_ACTIONS: ReadonlySet<string> = new Set(DIALECT_NAMES.map((d) => DESCRIPTIONS[d].actions.DescribeStatus));

/** Whether a request is a StopInstances call. */
export async function isStopRequest(request: Request): Promise<boolean> {
  return (await actionOf(request)) === 'StopInstances';
}

/** Whether a request is a status query (of any dialect). */
export async function isStatusRequest(request: Request): Promise<boolean> {
  return STATUS_ACTIONS.has((await actionOf(request)) ?? '');
}

/**
 * The request-level situations no document names a code for (DESIGN.md §3 "Where the documents name no error code"),
 * from the dialect's description: a legal provider answers them with any code (any 4xx outside Tencent).
 *
 * @example
 * undocumentedKeys('tencent-cvm-api2') // ['invalidParameter', 'emptyIds', 'unknownAction']
 */
export function undocumentedKeys(dialect: DialectName): ErrorKey[] {
  return [...describeDialect(dialect).undocumentedCodes];
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

/**
 * The action a request names, whatever the dialect's wire style: the first action header of the descriptions it
 * carries (`X-TC-Action`, `X-ZC-Action`, `x-acs-action`), else the action parameter (`Action=`).
 */
export async function actionOf(request: Request): Promise<string | undefined> {
  for (const name of ACTION_HEADERS) {
    const header = request.headers.get(name);
    if (header !== null) return header;
  }
  const params = await queryParams(request);
  for (const name of ACTION_PARAMS) {
    const value = params.get(name);
    if (value !== null) return value;
  }
  return undefined;
}

/**
 * The instance ids a request names, whatever the wire style: a JSON `InstanceIds`/`instanceIds` list, or indexed
 * query parameters `InstanceIds.N` / `InstanceId.N` in index order.
 */
export async function requestedIds(request: Request): Promise<string[]> {
  if ((request.headers.get('content-type') ?? '').includes('json')) {
    try {
      const body = (await request.clone().json()) as Record<string, unknown>;
      const list = JSON_ID_LISTS.map((name) => body[name]).find((v) => v !== undefined && v !== null);
      return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
    } catch {
      return [];
    }
  }
  const params = await queryParams(request);
  return [...params]
    .flatMap(([k, v]) => {
      const m = /^(.+)\.(\d+)$/.exec(k);
      return m && QUERY_ID_LISTS.includes(m[1] ?? '') ? [[Number(m[2]), v] as const] : [];
    })
    .sort((a, b) => a[0] - b[0])
    .map(([, v]) => v);
}

/** A JSON value as the rewriting functions see it. */
export type Json = unknown;

const XML_OPTIONS = { ignoreAttributes: true, parseTagValue: false, trimValues: true } as const;

/** Whether an answer body is XML: its content type says so, or (a header that lies or is absent) it starts with `<`. */
export function isXmlBody(text: string, contentType: string): boolean {
  return /xml/i.test(contentType) || text.trimStart().startsWith('<');
}

/** A Fetch response with a text body that gets no content type by default (the Fetch API adds one to a string body). */
export function textResponse(text: string, status: number, headers: Headers): Response {
  headers.delete('content-length');
  return new Response(status === 204 || status === 304 ? null : new TextEncoder().encode(text), { status, headers });
}

/**
 * An answer with its body rewritten: JSON bodies as parsed values, XML bodies as the object fast-xml-parser makes of
 * them (rebuilt as XML afterwards). Status and headers stay, except a content type `contentType` replaces. The format
 * is told by the content type or, when that says neither, by the body itself.
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
  if (isXmlBody(text, original)) {
    const parsed = new XMLParser(XML_OPTIONS).parse(text) as Record<string, unknown>;
    const { ['?xml']: declaration, ...rest } = parsed;
    const edited = edit(rest, 'xml') as Record<string, unknown>;
    // The root element keeps its namespace (aws-ec2's xmlns), which the parse above does not carry.
    const namespace = /^(?:<\?[^>]*\?>\s*)?<[A-Za-z_][\w.-]*\s[^>]*?xmlns="([^"]*)"/.exec(text)?.[1];
    const built = new XMLBuilder({ format: false }).build(edited) as string;
    const xml = namespace === undefined ? built : built.replace(/^<([A-Za-z_][\w.-]*)/, `<$1 xmlns="${namespace}"`);
    return textResponse(`${declaration === undefined ? '' : '<?xml version="1.0" encoding="UTF-8"?>'}${xml}`, answer.status, headers);
  }
  let body: Json;
  try {
    body = JSON.parse(text);
  } catch {
    return textResponse(text, answer.status, headers);
  }
  return textResponse(JSON.stringify(edit(body, 'json')), answer.status, headers);
}

/**
 * Apply `fn` to every plain object in a JSON value, deepest first, and return the rebuilt value. `fn` gets the key the
 * object sits under (`undefined` at the top) and its path of keys from the top (array indices left out).
 */
export function mapObjects(
  value: Json,
  fn: (obj: Record<string, unknown>, key: string | undefined, path: readonly string[]) => Record<string, unknown>,
  key?: string,
  path: readonly string[] = [],
): Json {
  if (Array.isArray(value)) return value.map((v) => mapObjects(v, fn, key, path));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = mapObjects(v, fn, k, [...path, k]);
  return fn(out, key, path);
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

/**
 * The provider's own error answer to a request, in the dialect's envelope and (aliyun) the format it asked for: the
 * code and HTTP status of `key` in the provider's code table, or `code` with that status.
 */
export async function refuse(provider: Provider, request: Request, key: ErrorKey, message: string, code?: string): Promise<Response> {
  const format = describeDialect(provider.dialect).xmlAnswers ? await aliyunFormat(request) : 'JSON';
  if (code === undefined) return dialectError(provider.context, undefined, key, message, format);
  const spec: ErrorSpec = { code, httpStatus: provider.rules.codes[key].httpStatus };
  const rules = { ...provider.context.rules, codes: { ...provider.context.rules.codes, [key]: spec } };
  return dialectError({ ...provider.context, rules }, undefined, key, message, format);
}
