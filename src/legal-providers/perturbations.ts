/**
 * Legal perturbations of the reference provider, as families of data rows. A family is one kind of choice the
 * documents and DESIGN.md §2-§4 leave open (extra members, other request-id formats, other list orders, content
 * types, status answers paged or counted otherwise, provider-state replies, stop durations, target-chosen ids, the
 * alternative codes the pins accept...), seeded by its own random parameters (a fast-check arbitrary) and named with
 * the pin or seed line that makes it legal (`allowedBy`). Any combination of families is a legal provider: the whole
 * catalog must pass against it (`generate.ts`), and every rule flip must still be caught through it (the mirror).
 *
 * How a family composes: it may override options of the reference provider, and put layers in front of it. `outer`
 * layers turn a legal answer into another legal answer (they rewrite what comes back, and recognise exactly the
 * answer they rewrite, so a rule flip's answer passes through them unchanged); `inner` layers are another legal
 * behaviour (they answer by themselves, e.g. a throttled status query) and sit between a rule flip and the
 * reference, so the flip applies to them too. The order of the list below is the order of the layers, outermost
 * first. Adding a family is adding one row.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { isErrorAnswer, type Protocol } from '../dialects/description.ts';
import { describeDialect, dialectsSpeaking } from '../dialects/descriptions/index.ts';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import type { Provider, ProviderOptions } from '../provider/handlers.ts';
import { DEFAULT_PROBLEM_PRECEDENCE, isValidId, type ErrorKey, type ErrorSpec } from '../provider/rules.ts';
import {
  actionOf,
  aliyunFormat,
  apiOnly,
  isStatesRequest,
  isStatusRequest,
  isStopRequest,
  mapArrays,
  mapObjects,
  paramValues,
  queryParams,
  refuse,
  requestedIds,
  rewriteAnswer,
  rewriteJsonBody,
  rewriteQueryParam,
  setParam,
  STATUS_ACTIONS,
  textResponse,
  undocumentedKeys,
  type Json,
  type Layer,
} from '../provider-variants/build.ts';

/** What one family adds to a provider: option overrides, and layers outside or inside a rule flip. */
export interface PerturbationBuild {
  /** Options of the reference provider (merged under a rule flip's own options, which win). */
  readonly options?: ProviderOptions;
  /** Layers that rewrite legal answers into other legal answers: outside a rule flip. */
  readonly outer?: readonly Layer[];
  /** Layers that are another legal behaviour (answer by themselves): between a rule flip and the reference. */
  readonly inner?: readonly Layer[];
  /** The poll timeout a run against it needs (slow stops), when longer than the default. */
  readonly pollTimeoutMs?: number;
}

/** Bounds of the generated parameters. */
export interface GenerationLimits {
  /** Longest stop (STOPPING -> STOPPED) a provider may take, in ms; the run's poll timeout follows it. */
  readonly maxStopMs: number;
}

/** The bounds `npm test` uses: stops of at most 2.5 s. */
export const DEFAULT_LIMITS: GenerationLimits = Object.freeze({ maxStopMs: 2_500 });

/** A family's parameters: plain JSON, so a combination prints and replays. */
export type FamilyParams = Readonly<Record<string, unknown>>;

/** One family of legal perturbations (one data row). */
export interface PerturbationFamily {
  /** Stable slug, e.g. `extra-members`. */
  readonly name: string;
  /** The dialects it applies to. */
  readonly dialects: readonly DialectName[];
  /** What it changes, in one line. */
  readonly description: string;
  /** Why any of its choices is legal: the DESIGN.md pin or seed line that leaves the choice open. */
  readonly allowedBy: string;
  /**
   * Rules (inventory ids) whose flips this family may legally make unobservable, and why: the mirror does not combine
   * such a flip with this family.
   */
  readonly hides?: { readonly rules: RegExp; readonly why: string };
  /** The arbitrary of its parameters for a dialect. */
  params(dialect: DialectName, limits: GenerationLimits): fc.Arbitrary<FamilyParams>;
  /** What it adds to the provider, for parameters its arbitrary made. */
  build(dialect: DialectName, params: FamilyParams): PerturbationBuild;
}

/** A row with typed parameters, stored as a {@link PerturbationFamily} (its `build` only ever gets what `params` made). */
function family<P extends FamilyParams>(row: {
  readonly name: string;
  readonly dialects: readonly DialectName[];
  readonly description: string;
  readonly allowedBy: string;
  readonly hides?: { readonly rules: RegExp; readonly why: string };
  readonly params: (dialect: DialectName, limits: GenerationLimits) => fc.Arbitrary<P>;
  readonly build: (dialect: DialectName, params: P) => PerturbationBuild;
}): PerturbationFamily {
  return { ...row, build: (dialect, params) => row.build(dialect, params as P) };
}

const ALL = DIALECT_NAMES;
const TENCENT: readonly DialectName[] = dialectsSpeaking('tencent');
const ALIYUN: readonly DialectName[] = dialectsSpeaking('aliyun');

// ---------------------------------------------------------------------------------------------------------------
// Deterministic choices: the same parameters give the same answers (so a combination replays).

/** FNV-1a over a string: a small stable hash for choices inside a layer. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A seeded pseudo-random generator (mulberry32) returning numbers in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------------------------
// Telling answers apart

/** What an API answer is: a success, an error, or a (successful) status answer. */
export type AnswerKind = 'success' | 'error' | 'status';
const KINDS: readonly AnswerKind[] = ['success', 'error', 'status'];

/**
 * The kind of an answer as DESIGN.md §3 tells it: tencent, `Response.Error` is an object; zenlayer and aliyun, the
 * HTTP status (4xx/5xx). A success to a status query is a status answer.
 */
export function answerKind(dialect: DialectName, action: string | undefined, httpStatus: number, body: Json): AnswerKind {
  if (isErrorAnswer(describeDialect(dialect), httpStatus, body)) return 'error';
  return STATUS_ACTIONS.has(action ?? '') ? 'status' : 'success';
}

/** A JSON text parsed, or `undefined` when it is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The kind of an answer read from its text (XML told by its HTTP status), `undefined` when it is neither JSON nor XML. */
async function kindOfAnswer(dialect: DialectName, action: string | undefined, answer: Response): Promise<AnswerKind | undefined> {
  const text = await answer.clone().text();
  if (text.trimStart().startsWith('<')) return answer.status >= 400 ? 'error' : STATUS_ACTIONS.has(action ?? '') ? 'status' : 'success';
  const body = parseJson(text);
  return body === undefined ? undefined : answerKind(dialect, action, answer.status, body);
}

/** What an outer rewrite knows about the answer it edits. */
interface AnswerContext {
  readonly format: 'json' | 'xml';
  readonly kind: AnswerKind;
  readonly httpStatus: number;
}

/** An outer layer rewriting the API answers of some kinds (provider-state answers and other kinds pass unchanged). */
function rewriteKinds(dialect: DialectName, kinds: readonly AnswerKind[], edit: (body: Json, context: AnswerContext) => Json): Layer {
  return apiOnly(async (request, next) => {
    const action = await actionOf(request);
    const answer = await next(request);
    return rewriteAnswer(answer, (body, format) => {
      const kind = answerKind(dialect, action, answer.status, body);
      return kinds.includes(kind) ? edit(body, { format, kind, httpStatus: answer.status }) : body;
    });
  });
}

/** Like `rewriteAnswer`, but the edit may also set the HTTP status. */
async function rewriteAnswerStatus(answer: Response, edit: (body: Json, format: 'json' | 'xml') => { body: Json; status?: number }): Promise<Response> {
  let status = answer.status;
  const rewritten = await rewriteAnswer(answer, (body, format) => {
    const result = edit(body, format);
    if (result.status !== undefined) status = result.status;
    return result.body;
  });
  return status === answer.status ? rewritten : new Response(rewritten.body, { status, headers: rewritten.headers });
}

/** The statuses of the instances a request names, read before it is served (a stop changes them). */
async function namedWords(request: Request, provider: Provider): Promise<{ id: string; word: string | undefined }[]> {
  return (await requestedIds(request)).map((id) => ({ id, word: provider.store.get(id)?.status }));
}

// ---------------------------------------------------------------------------------------------------------------
// Names and values of extra members

/**
 * Names the pins give a meaning in a dialect's answers (envelopes, status entries, paging fields, aliyun's XML roots):
 * an extra member never takes one of them (the family `other-envelope-members` adds the ones §3 allows, where it
 * allows them).
 */
const RESERVED: Readonly<Record<Protocol, ReadonlySet<string>>> = {
  tencent: new Set(['Response', 'Error', 'Code', 'Message', 'RequestId', 'InstanceStatusSet', 'InstanceId', 'InstanceState', 'TotalCount']),
  zenlayer: new Set(['requestId', 'response', 'code', 'message', 'dataSet', 'instanceId', 'instanceStatus', 'totalCount']),
  aliyun: new Set([
    'RequestId', 'HostId', 'Code', 'Message', 'InstanceResponses', 'InstanceResponse', 'InstanceId', 'PreviousStatus', 'CurrentStatus',
    'InstanceStatuses', 'InstanceStatus', 'Status', 'TotalCount', 'PageNumber', 'PageSize', 'Error', 'StopInstancesResponse',
    'DescribeInstanceStatusResponse',
  ]),
  ec2: new Set([
    'Response', 'Errors', 'Error', 'Code', 'Message', 'RequestID', 'requestId', 'StopInstancesResponse', 'instancesSet', 'item', 'instanceId',
    'currentState', 'previousState', 'code', 'name', 'DescribeInstanceStatusResponse', 'instanceStatusSet', 'instanceState', 'nextToken',
    'DescribeInstancesResponse', 'reservationSet',
  ]),
};

/**
 * The member names the pins reserve in a dialect's answers (extra members never take them).
 *
 * @example
 * reservedMemberNames('zenlayer-vm').has('requestId') // true
 */
export function reservedMemberNames(dialect: DialectName): ReadonlySet<string> {
  return RESERVED[protocolOf(dialect)];
}

/** The protocol a dialect speaks (its description's), which the per-protocol tables below are keyed by. */
function protocolOf(dialect: DialectName): Protocol {
  return describeDialect(dialect).protocol;
}

/** Names a careless decoder might read: the other dialects' envelope names and common API words. */
const TEMPTING_NAMES = [
  'Response', 'Error', 'Code', 'Message', 'RequestId', 'requestId', 'response', 'code', 'message', 'error', 'errors', 'data', 'dataSet',
  'status', 'Status', 'success', 'Success', 'HostId', 'InstanceResponses', 'InstanceStatusSet', 'totalCount', 'TotalCount', 'ErrorCode',
  'errorCode', 'result', 'Result', 'instanceId', 'InstanceId', 'Data', 'Errors', 'httpStatus',
];

/** An XML-safe member name: letters, digits and `_`, not starting with a digit, never an `Object.prototype` name. */
const MEMBER_NAME = fc
  .oneof(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,11}$/), fc.constantFrom(...TEMPTING_NAMES))
  .filter((n) => !['constructor', '__proto__', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'].includes(n));

/** Names of extra members for a dialect (not reserved there). */
function memberNames(dialect: DialectName, max: number): fc.Arbitrary<string[]> {
  const reserved = RESERVED[protocolOf(dialect)];
  return fc.uniqueArray(MEMBER_NAME.filter((n) => !reserved.has(n)), { minLength: 1, maxLength: max });
}

/** Values of extra members: scalars, `null`, small arrays and objects (object keys are member names too). */
const MEMBER_VALUE: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -1_000_000, max: 1_000_000 }),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((n) => (Object.is(n, -0) ? 0 : n)),
    fc.string({ maxLength: 12 }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(MEMBER_NAME, tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** A JSON value as XML content: text for scalars, elements for objects, repeated elements for arrays. */
function xmlValue(value: Json): Json {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.length === 0 ? '' : value.map((v) => (Array.isArray(v) ? xmlValue(v[0] ?? null) : xmlValue(v)));
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length === 0 ? '' : Object.fromEntries(entries.map(([k, v]) => [k, xmlValue(v)]));
  }
  return String(value);
}

/** Options of {@link addMembers}. */
interface MemberChoice {
  readonly seed: number;
  readonly names: readonly string[];
  readonly values: readonly Json[];
  /** Every object of the answer, or a seeded half of them. */
  readonly everywhere: boolean;
}

/** Extra members in the objects of an answer (never replacing a member it has; in XML never a second root). */
function addMembers(body: Json, format: 'json' | 'xml', choice: MemberChoice): Json {
  return mapObjects(body, (obj, _key, path) => {
    if (format === 'xml' && path.length === 0) return obj;
    if (!choice.everywhere && stableHash(`${choice.seed}/${path.join('/')}`) % 2 === 0) return obj;
    const out = { ...obj };
    choice.names.forEach((name, i) => {
      if (Object.hasOwn(out, name)) return;
      const value = choice.values[(i + path.length) % choice.values.length] ?? null;
      if (format === 'xml' && value === null) return;
      out[name] = format === 'xml' ? xmlValue(value) : value;
    });
    return out;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Request ids

/** Request-id formats: none is pinned (DESIGN.md §3 any request-id format). */
const REQUEST_ID_FORMATS = ['uuid-lower', 'uuid-upper', 'hex32', 'prefixed', 'numeric', 'braced', 'long', 'dotted'] as const;
type RequestIdFormat = (typeof REQUEST_ID_FORMATS)[number];

/**
 * A request id in another format, derived from the original (the same original gives the same new id, different ones
 * differ: uniqueness on StopInstances answers, which the suite judges, is kept; a repeat stays a repeat).
 */
export function reformatRequestId(original: string, format: RequestIdFormat): string {
  const hex = createHash('sha256').update(original).digest('hex');
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  switch (format) {
    case 'uuid-lower':
      return uuid;
    case 'uuid-upper':
      return uuid.toUpperCase();
    case 'hex32':
      return hex.slice(0, 32);
    case 'prefixed':
      return `req-${hex.slice(0, 20)}`;
    case 'numeric':
      return BigInt(`0x${hex.slice(0, 15)}`).toString(10);
    case 'braced':
      return `{${uuid.toUpperCase()}}`;
    case 'long':
      return `${hex}${createHash('sha256').update(hex).digest('hex')}`;
    case 'dotted':
      return `${hex.slice(0, 6)}.${hex.slice(6, 12)}.${hex.slice(12, 24)}`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Content types

/** Any content type, or none (`null`): tencent and zenlayer state none (DESIGN.md §3). Never a lying charset. */
const ANY_CONTENT_TYPES: readonly (string | null)[] = [
  'text/json', 'application/json;charset=utf-8', 'application/json; charset=UTF-8', 'application/json', 'text/plain',
  'text/plain; charset=utf-8', 'application/octet-stream', 'application/vnd.api+json', null,
];
/** aliyun's JSON answers stay JSON (004:144-147): only the parameters vary. */
const ALIYUN_JSON_TYPES = ['application/json', 'application/json;charset=UTF-8', 'application/json; charset=utf-8', 'application/json;charset=utf-8'];
/** aliyun's XML answers stay XML (004:112-115): `text/xml` and parameters vary. */
const ALIYUN_XML_TYPES = ['application/xml', 'text/xml', 'text/xml;charset=UTF-8', 'application/xml; charset=utf-8'];

/** A response with its content type replaced (`null` removes it). */
async function withContentType(answer: Response, type: string | null): Promise<Response> {
  const text = await answer.text();
  const headers = new Headers(answer.headers);
  if (type === null) headers.delete('content-type');
  else headers.set('content-type', type);
  return textResponse(text, answer.status, headers);
}

// ---------------------------------------------------------------------------------------------------------------
// Provider states: replies and target-chosen ids

/** Whether a JSON value is a provider-state id map (`{"instances":[{"requested","id"}]}`, DESIGN.md §4). */
function idMapOf(value: unknown): { requested: string; id: string }[] | undefined {
  if (!isObject(value) || !Array.isArray(value['instances'])) return undefined;
  const entries = value['instances'].filter((e): e is { requested: string; id: string } => isObject(e) && typeof e['requested'] === 'string' && typeof e['id'] === 'string');
  return entries.length > 0 ? entries : undefined;
}

/** The JSON object a request carries, or `undefined`. */
async function jsonObjectOf(request: Request): Promise<Record<string, unknown> | undefined> {
  const parsed = parseJson(await request.clone().text());
  return isObject(parsed) ? parsed : undefined;
}

const STATE_BODIES = ['as-is', 'empty', 'text-ok', 'json-object', 'json-array', 'json-string', 'json-number', 'json-null', 'echo'] as const;
type StateBody = (typeof STATE_BODIES)[number];
interface StateReply {
  readonly status: 200 | 201 | 202 | 204;
  readonly body: StateBody;
  readonly contentType: string | null;
}
const STATE_REPLY: fc.Arbitrary<StateReply> = fc.record({
  status: fc.constantFrom(200 as const, 201 as const, 202 as const, 204 as const),
  body: fc.constantFrom(...STATE_BODIES),
  contentType: fc.constantFrom<string | null>('application/json', 'text/plain', 'text/plain; charset=utf-8', 'application/json; charset=utf-8', 'text/html', null),
});

/** A provider-state reply's body text for a choice; an id map the reply carries is always kept (with the map). */
function stateReplyText(choice: StateBody, original: string, sent: Record<string, unknown> | undefined, map: { requested: string; id: string }[] | undefined): string {
  if (map !== undefined) return choice === 'as-is' ? original : JSON.stringify({ ok: true, note: 'instances applied', instances: map });
  const params = sent?.['params'];
  const count = isObject(params) && Array.isArray(params['instances']) ? params['instances'].length : 0;
  switch (choice) {
    case 'as-is':
      return original;
    case 'empty':
      return '';
    case 'text-ok':
      return 'OK';
    case 'json-object':
      return JSON.stringify({ ok: true, note: 'instances applied', applied: count });
    case 'json-array':
      return '[]';
    case 'json-string':
      return '"done"';
    case 'json-number':
      return String(count);
    case 'json-null':
      return 'null';
    case 'echo':
      return JSON.stringify({ instances: isObject(params) && Array.isArray(params['instances']) ? params['instances'] : [] });
  }
}

/** Own ids in the dialect's syntax (DESIGN.md §2), one style per provider. */
/** Random characters for own ids. */
interface IdDigits {
  alnum(n: number): string;
  hex(n: number): string;
  next(): number;
}

/** The id styles a target of each protocol may choose, and how each makes an id (one entry per protocol). */
const OWN_IDS: Readonly<Record<Protocol, Readonly<Record<string, (digits: IdDigits) => string>>>> = {
  tencent: { random: ({ alnum }) => `ins-${alnum(8)}` },
  aliyun: { random: ({ alnum }) => `i-${alnum(10)}`, long: ({ alnum }) => `i-${alnum(20)}` },
  zenlayer: {
    random: ({ alnum }) => `zl-${alnum(12)}`,
    uuid: ({ hex }) => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
    numeric: ({ next }) => String(100_000_000 + Math.floor(next() * 899_999_999)),
    spaced: ({ alnum }) => `Instance ${alnum(4)} / 实例`,
  },
  // aws-ec2.md:112: i-xxxxxxxx or i-xxxxxxxxxxxxxxxxx.
  ec2: { short: ({ hex }) => `i-${hex(8)}`, long: ({ hex }) => `i-${hex(17)}` },
};

/** The id styles of a dialect's protocol. */
function idStyles(dialect: DialectName): string[] {
  return Object.keys(OWN_IDS[protocolOf(dialect)]);
}

function ownId(dialect: DialectName, style: string, next: () => number): string {
  const alnum = (n: number): string => Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(next() * 36)]).join('');
  const hex = (n: number): string => Array.from({ length: n }, () => Math.floor(next() * 16).toString(16)).join('');
  const styles = OWN_IDS[protocolOf(dialect)];
  const make = styles[style] ?? Object.values(styles)[0];
  if (make === undefined) throw new Error(`no own-id style for ${dialect}`);
  return make({ alnum, hex, next });
}

// ---------------------------------------------------------------------------------------------------------------
// Status queries: paging

/** The page-size parameters of a status query, per wire style. */
const PAGE_SIZE_PARAMS = ['Limit', 'pageSize', 'PageSize'] as const;
const PAGE_PARAMS = [...PAGE_SIZE_PARAMS, 'Offset', 'pageNum', 'PageNumber'] as const;
const PAGING_FIELDS = ['TotalCount', 'totalCount', 'PageNumber', 'PageSize', 'pageNum', 'pageSize'];

/** A status query with its page size capped at `cap` (other requests unchanged). */
async function capPageSize(request: Request, cap: number): Promise<Request> {
  if (!(await isStatusRequest(request))) return request;
  if ((request.headers.get('content-type') ?? '').includes('json')) {
    return rewriteJsonBody(request, (body) => {
      const out = { ...body };
      for (const p of PAGE_SIZE_PARAMS) if (typeof out[p] === 'number' && (out[p] as number) > cap) out[p] = cap;
      return out;
    });
  }
  let out = request;
  const params = await queryParams(request);
  for (const p of PAGE_SIZE_PARAMS) {
    if (params.has(p) && Number(params.get(p)) > cap) out = await rewriteQueryParam(out, p, String(cap));
  }
  return out;
}

/** A status query without any paging parameter (other requests unchanged). */
async function withoutPaging(request: Request): Promise<Request> {
  if (!(await isStatusRequest(request))) return request;
  if ((request.headers.get('content-type') ?? '').includes('json')) {
    return rewriteJsonBody(request, (body) => Object.fromEntries(Object.entries(body).filter(([k]) => !(PAGE_PARAMS as readonly string[]).includes(k))));
  }
  let out = request;
  for (const p of PAGE_PARAMS) out = await rewriteQueryParam(out, p, null);
  return out;
}

/** An answer without paging fields. */
function withoutTotals(body: Json): Json {
  return mapObjects(body, (obj) => Object.fromEntries(Object.entries(obj).filter(([k]) => !PAGING_FIELDS.includes(k))));
}


// ---------------------------------------------------------------------------------------------------------------
// Rate limits

/** A limiter shape: `tryAcquire` admits one request now or refuses it. */
interface Limiter {
  tryAcquire(): boolean;
}

/** At most `limit` requests per calendar second (fixed windows). */
function fixedWindow(limit: number): Limiter {
  let window = -1;
  let used = 0;
  return {
    tryAcquire() {
      const now = Math.floor(Date.now() / 1000);
      if (now !== window) {
        window = now;
        used = 0;
      }
      if (used >= limit) return false;
      used++;
      return true;
    },
  };
}

/** A token bucket of `capacity` tokens refilled at `perSecond`. */
function tokenBucket(capacity: number, perSecond: number): Limiter {
  let tokens = capacity;
  let last = Date.now();
  return {
    tryAcquire() {
      const now = Date.now();
      tokens = Math.min(capacity, tokens + ((now - last) / 1000) * perSecond);
      last = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

/** An inner layer limiting some actions with `limiter`, answering the dialect's rate-limit error. */
function limited(actions: (action: string | undefined) => boolean, limiter: Limiter): Layer {
  return apiOnly(async (request, next, provider) =>
    actions(await actionOf(request)) && !limiter.tryAcquire() ? refuse(provider, request, 'rateLimited', 'request rate over the limit') : next(request),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Codes

/** `LAUNCH_FAILED` -> `LaunchFailed`, the spelling of the live API's `UnsupportedOperation.InstanceState*` codes. */
function pascal(word: string): string {
  return word
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** Whether the dialect answers per-instance results (aliyun SuccessFirst `InstanceResponses`, 004:72-95). */
function hasPerInstanceResults(dialect: DialectName): boolean {
  return describeDialect(dialect).sources.perInstance !== undefined;
}

/** Whether the dialect's status answers carry page-number and page-size fields besides a total (aliyun). */
function hasPageFields(dialect: DialectName): boolean {
  return describeDialect(dialect).answers.pagingFields.length > 1;
}

/**
 * The status words a dialect's description says may not be stopped.
 *
 * @example
 * notStoppableWords('tencent-cvm-api2') // ['PENDING', 'LAUNCH_FAILED', 'STOPPED', ...]
 */
export function notStoppableWords(dialect: DialectName): string[] {
  const { statusWords, stoppable } = describeDialect(dialect);
  return statusWords.filter((w) => !stoppable.includes(w));
}
const ALIYUN_STATE_CODES = ['IncorrectInstanceStatus', 'InstanceNotReady'] as const;
const MALFORMED = 'Abs.InvalidInstanceIds.MalFormed';
const ID_NOT_FOUND = 'InvalidInstanceId.NotFound';
const IDS_NOT_FOUND = 'InvalidInstanceIds.NotFound';

/** The error object of an answer: tencent `Response.Error`, aliyun XML `Error`, else the top level. */
function errorObject(body: Json): Record<string, unknown> | undefined {
  if (!isObject(body)) return undefined;
  if (isObject(body['Response']) && isObject(body['Response']['Error'])) return body['Response']['Error'];
  if (isObject(body['Error'])) return body['Error'];
  return body;
}

/** The error code of an answer (`Code` or `code`), or `undefined`. */
function errorCode(body: Json): string | undefined {
  const error = errorObject(body);
  const code = error?.['Code'] ?? error?.['code'];
  return typeof code === 'string' ? code : undefined;
}

/** The answer with its error code replaced (in place of the one `errorObject` finds). */
function withErrorCode(body: Json, code: string): Json {
  const error = errorObject(body);
  if (error === undefined) return body;
  if ('Code' in error) error['Code'] = code;
  else error['code'] = code;
  return body;
}

/** Rewrite the per-instance entries (aliyun `InstanceResponse`) of an answer, JSON or XML. */
function mapEntries(body: Json, edit: (entry: Record<string, unknown>) => Record<string, unknown>): Json {
  return mapObjects(body, (obj, key) => (key === 'InstanceResponse' && typeof obj['InstanceId'] === 'string' ? edit(obj) : obj));
}

/**
 * Codes a provider may answer where no code is documented (DESIGN.md §3), per vendor; tencent errors stay HTTP 200.
 * Never a code a seed or pin requires anywhere (tencent InvalidParameterValue, InvalidParameter...): the reference
 * already answers those, and a rule flip's own refusal (answered with the code of one of these situations) must not
 * turn into a code a row expects.
 */
const UNDOCUMENTED_CODE_POOL: Readonly<Record<Protocol, readonly string[]>> = {
  tencent: ['UnsupportedOperation', 'InvalidAction', 'InvalidParameter.JsonParseError', 'InvalidParameterValue.Version', 'FailedOperation', 'UnknownParameter'],
  zenlayer: ['INVALID_PARAMETER', 'MISSING_PARAMETER', 'INVALID_PARAMETER_EMPTY', 'TOO_MANY_INSTANCES', 'ACTION_NOT_FOUND', 'BAD_REQUEST', 'InvalidParameter', 'INVALID_INSTANCE_ID'],
  aliyun: ['InvalidParameter', 'MissingParameter', 'InvalidParameter.ValueNotSupported', 'MissingInstanceId', 'InvalidAction', 'InvalidAction.NotFound', 'InvalidInstanceIds.ValueNotSupported', 'UnsupportedParameter'],
  ec2: ['InvalidParameter', 'InvalidRequest', 'UnknownParameter', 'InvalidParameterValue.TooMany', 'InvalidAction.NotFound', 'NoSuchVersion', 'ValidationError', 'BadRequest'],
};
const CLIENT_ERROR_STATUSES = [400, 403, 404, 405, 409, 413, 415, 422];

/** Another code (and outside tencent another 4xx) for every situation no document names a code for. */
function undocumentedCodeArbitrary(dialect: DialectName): fc.Arbitrary<Partial<Record<ErrorKey, ErrorSpec>>> {
  const description = describeDialect(dialect);
  const codes = UNDOCUMENTED_CODE_POOL[description.protocol];
  const spec = (statuses: readonly number[]): fc.Arbitrary<ErrorSpec> => fc.record({ code: fc.constantFrom(...codes), httpStatus: fc.constantFrom(...statuses) });
  // tencent's Version: 000:38 (MissingParameter) and 000:41 (InvalidParameterValue) describe a missing and an
  // unsupported Version, so its codes are the documented ones, not a free choice.
  const keys = undocumentedKeys(dialect);
  const keyed: Partial<Record<ErrorKey, fc.Arbitrary<ErrorSpec>>> = Object.fromEntries(keys.map((k) => [k, spec(description.errorsAsHttp200 ? [200] : CLIENT_ERROR_STATUSES)]));
  // DESIGN.md §3: a security-locked aliyun instance is never stopped (403, code not documented).
  const lockCodes = SECURITY_LOCK_CODES[description.protocol];
  if (description.securityLock && lockCodes.length > 0) keyed.securityLocked = fc.record({ code: fc.constantFrom(...lockCodes), httpStatus: fc.constant(403) });
  return fc.record(keyed, { requiredKeys: [] }).filter((r) => Object.keys(r).length > 0);
}

/** Codes a security-locked instance may get where the protocol honours the lock (DESIGN.md §3: 403, code not documented). */
const SECURITY_LOCK_CODES: Readonly<Record<Protocol, readonly string[]>> = {
  tencent: [],
  zenlayer: [],
  aliyun: ['OperationDenied.SecurityLocked', 'InstanceLockedForSecurity', 'OperationDenied'],
  ec2: [],
};

/** The refusal of an ineligible StopCharging stop: a code and the code-table entry whose HTTP status it travels with. */
const STOP_CHARGING_REFUSALS: Readonly<Record<Protocol, readonly { key: ErrorKey; code: string }[]>> = {
  // No zenlayer document has a value only some instances take.
  zenlayer: [],
  tencent: [
    { key: 'invalidParameterValue', code: 'InvalidParameterValue' },
    { key: 'invalidParameterValue', code: 'UnsupportedOperation.StoppedModeStopCharging' },
    { key: 'wrongState', code: 'InvalidInstance.NotSupported' },
    { key: 'invalidParameterValue', code: 'InvalidParameter' },
  ],
  aliyun: [
    { key: 'invalidParameterValue', code: 'InvalidParameter' },
    { key: 'invalidParameterValue', code: 'InvalidStoppedMode.Unsupported' },
    { key: 'wrongState', code: 'IncorrectInstanceStatus' },
    { key: 'wrongState', code: 'OperationDenied' },
  ],
  // aws-ec2.md:114, 196: an instance not enabled for hibernation.
  ec2: [
    { key: 'invalidParameterValue', code: 'UnsupportedHibernationConfiguration' },
    { key: 'wrongState', code: 'IncorrectInstanceState' },
  ],
};

/** Whether an api3 JSON body gives a parameter a value of the wrong JSON type (DESIGN.md §3 tencent type errors). */
function hasWrongType(body: Record<string, unknown>): boolean {
  const wrong = (name: string, ok: (v: unknown) => boolean): boolean => Object.hasOwn(body, name) && !ok(body[name]);
  return (
    wrong('ForceStop', (v) => typeof v === 'boolean') ||
    wrong('StopType', (v) => typeof v === 'string') ||
    wrong('StoppedMode', (v) => typeof v === 'string') ||
    wrong('InstanceIds', (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'))
  );
}

/** The poll timeout of a run against a provider that stops in the reference's time (the legal-provider tests' 3 s). */
export const BASE_POLL_TIMEOUT_MS = 3_000;

/** The poll timeout a run needs when a stop takes `ms`. */
export function pollTimeoutFor(ms: number): number {
  return Math.max(BASE_POLL_TIMEOUT_MS, Math.ceil(ms * 1.5) + 1_000);
}

// ---------------------------------------------------------------------------------------------------------------
// Members of the other envelope

/** What the family `other-envelope-members` adds in one protocol's answers: its parameters and its edit. */
interface EnvelopeMembers {
  readonly params: fc.Arbitrary<FamilyParams>;
  edit(body: Record<string, unknown>, context: AnswerContext, p: FamilyParams): Json;
}

/** The members each protocol's other envelope uses (DESIGN.md §3 Responses are open), one entry per protocol. */
const OTHER_ENVELOPE_MEMBERS: Readonly<Record<Protocol, EnvelopeMembers>> = {
  tencent: {
    params: fc.record({ where: fc.subarray(['response', 'top-level'], { minLength: 1 }), kinds: fc.subarray(['success', 'status'], { minLength: 1 }) }),
    edit: (body, { kind }, p) => {
      if (kind === 'error' || !(p['kinds'] as string[]).includes(kind)) return body;
      const where = p['where'] as string[];
      const out = { ...body };
      if (where.includes('top-level') && !Object.hasOwn(out, 'Error')) out['Error'] = null;
      if (where.includes('response') && isObject(out['Response']) && !Object.hasOwn(out['Response'], 'Error')) out['Response'] = { ...out['Response'], Error: null };
      return out;
    },
  },
  zenlayer: {
    params: fc
      .record({
        onError: fc.constantFrom('response-null', 'response-object', 'none'),
        successCode: fc.constantFrom<string | number | null>('SUCCESS', 0, '0', 'OK', 200, null),
        successMessage: fc.boolean(),
      })
      .filter((p) => p.onError !== 'none' || p.successCode !== null || p.successMessage),
    edit: (body, { kind }, p) => {
      const out = { ...body };
      if (kind === 'error') {
        if (p['onError'] === 'response-null' && !Object.hasOwn(out, 'response')) out['response'] = null;
        if (p['onError'] === 'response-object' && !Object.hasOwn(out, 'response')) out['response'] = { requestId: out['requestId'] ?? null };
        return out;
      }
      if (p['successCode'] !== null && !Object.hasOwn(out, 'code')) out['code'] = p['successCode'];
      if (p['successMessage'] === true && !Object.hasOwn(out, 'message')) out['message'] = 'Success';
      return out;
    },
  },
  aliyun: {
    params: fc
      .record({
        hostId: fc.boolean(),
        successCode: fc.constantFrom<string | null>('200', 'Success', 'success', null),
        successMessage: fc.boolean(),
        onError: fc.constantFrom('empty-list', 'empty-object', 'none'),
      })
      .filter((p) => p.hostId || p.successCode !== null || p.successMessage || p.onError !== 'none'),
    edit: (body, { format, kind }, p) => {
      // The members go into the XML root element, or the JSON top level.
      const rootKey = format === 'xml' ? Object.keys(body)[0] : undefined;
      const target = rootKey === undefined ? body : body[rootKey];
      if (!isObject(target)) return body;
      const out = { ...target };
      if (kind === 'error') {
        if (p['onError'] !== 'none' && !Object.hasOwn(out, 'InstanceResponses')) {
          out['InstanceResponses'] = format === 'xml' ? '' : p['onError'] === 'empty-list' ? { InstanceResponse: [] } : {};
        }
      } else {
        if (p['hostId'] === true && !Object.hasOwn(out, 'HostId')) out['HostId'] = 'ecs.aliyuncs.com';
        if (p['successCode'] !== null && !Object.hasOwn(out, 'Code')) out['Code'] = p['successCode'];
        if (p['successMessage'] === true && !Object.hasOwn(out, 'Message')) out['Message'] = 'success';
      }
      return rootKey === undefined ? out : { ...body, [rootKey]: out };
    },
  },
  // aws-ec2.md:100, 202: an Error may hold further members; extra elements anywhere are legal.
  ec2: {
    params: fc.record({ onError: fc.boolean(), onSuccess: fc.boolean() }).filter((p) => p.onError || p.onSuccess),
    edit: (body, { kind }, p) => {
      const rootKey = Object.keys(body)[0];
      const target = rootKey === undefined ? undefined : body[rootKey];
      if (rootKey === undefined || !isObject(target)) return body;
      const out = { ...target };
      if (kind === 'error' && p['onError'] === true && !Object.hasOwn(out, 'ResponseMetadata')) out['ResponseMetadata'] = { Region: 'us-east-1' };
      if (kind !== 'error' && p['onSuccess'] === true && !Object.hasOwn(out, 'return')) out['return'] = 'true';
      return { ...body, [rootKey]: out };
    },
  },
};

// ---------------------------------------------------------------------------------------------------------------
// The pins, quoted once

const OPEN = 'DESIGN.md §3 Responses are open: unknown extra fields anywhere in a response (top level included), in success and error envelopes alike';
const STATUS_ANSWERS = 'DESIGN.md §3 What the suite reads from a status answer: the ids and their status words, nothing else';
const STATUS_INSTRUMENT = "DESIGN.md §3 The status query is the suite's instrument ... It never judges a target's default page size, maximum or paging fields";
const NO_CODE = 'DESIGN.md §3 Where the documents name no error code ... a case asserts the least any sane provider must do: a client error ... It does not invent a code';

// ---------------------------------------------------------------------------------------------------------------
// The families, outermost layer first

/**
 * Every family of legal perturbations, in layer order (outermost first).
 *
 * @example
 * PERTURBATION_FAMILIES.filter((f) => f.dialects.includes('aliyun-ecs')).map((f) => f.name)
 */
export const PERTURBATION_FAMILIES: readonly PerturbationFamily[] = Object.freeze([
  family({
    name: 'transport',
    dialects: ALL,
    description: 'every answer (provider states too) comes up to 40 ms late, may close its connection and carry extra headers',
    allowedBy: `${OPEN}, other header parameters ... are legal; DESIGN.md §3 Time: every limit of a case derives from --poll-timeout and --request-timeout`,
    params: () => fc.record({ delayMs: fc.integer({ min: 0, max: 40 }), closeConnection: fc.boolean(), extraHeaders: fc.boolean() }),
    build: (_d, p) => ({
      outer: [
        async (request, next) => {
          if (p.delayMs > 0) await sleep(p.delayMs);
          const answer = await next(request);
          if (!p.closeConnection && !p.extraHeaders) return answer;
          const headers = new Headers(answer.headers);
          if (p.closeConnection) headers.set('connection', 'close');
          if (p.extraHeaders) {
            headers.set('x-request-id', 'vmconform-legal-gateway');
            headers.set('server', 'legal-gateway/1.0');
            headers.set('cache-control', 'no-store');
            headers.append('set-cookie', 'lb=node-1; Path=/; HttpOnly');
          }
          return new Response(answer.body, { status: answer.status, headers });
        },
      ],
    }),
  }),
  family<FamilyParams>({
    name: 'content-types',
    dialects: ALL,
    description: 'other Content-Types: any (or none) for tencent and zenlayer answers and for status answers; aliyun JSON and XML with other parameters and text/xml',
    allowedBy:
      'DESIGN.md §3 Response Content-Type is judged only where a seed states it: aliyun answers JSON for Format=JSON and XML for Format=XML (004:112-147). Elsewhere a JSON body is read whatever the header says, or without one; status answers: Not judged there: ... its Content-Type',
    params: (d): fc.Arbitrary<FamilyParams> =>
      describeDialect(d).xmlAnswers
        ? fc.record({ json: fc.constantFrom(...ALIYUN_JSON_TYPES), xml: fc.constantFrom(...ALIYUN_XML_TYPES), status: fc.constantFrom(...ANY_CONTENT_TYPES) })
        : fc.record({ success: fc.constantFrom(...ANY_CONTENT_TYPES), error: fc.constantFrom(...ANY_CONTENT_TYPES), status: fc.constantFrom(...ANY_CONTENT_TYPES) }),
    build: (d, p) => ({
      outer: [
        apiOnly(async (request, next) => {
          // Read the request before it is forwarded: forwarding consumes a form body.
          const action = await actionOf(request);
          const answer = await next(request);
          const kind = await kindOfAnswer(d, action, answer);
          if (kind === undefined) return answer;
          const xml = (await answer.clone().text()).trimStart().startsWith('<');
          // A named variant may leave a kind out (undefined): its answers keep their content type.
          const chosen = (kind === 'status' ? p['status'] : describeDialect(d).xmlAnswers ? p[xml ? 'xml' : 'json'] : p[kind]) as string | null | undefined;
          return chosen === undefined ? answer : withContentType(answer, chosen);
        }),
      ],
    }),
  }),
  family({
    name: 'states-reply',
    dialects: ALL,
    description: 'provider-state setup and teardown answer another 2xx (200, 201, 202, 204) with another body (empty, plain text OK, any JSON, an echo) and content type; an id map is kept',
    allowedBy: 'DESIGN.md §4 -> any 2xx (the suite reads only the optional id map below from the body, and ignores the rest); teardown -> any 2xx (body ignored)',
    params: () => fc.record({ setup: STATE_REPLY, teardown: STATE_REPLY }),
    build: (_d, p) => ({
      outer: [
        async (request, next) => {
          if (!isStatesRequest(request)) return next(request);
          const sent = await jsonObjectOf(request);
          const answer = await next(request);
          if (answer.status !== 200) return answer;
          const reply = sent?.['action'] === 'teardown' ? p.teardown : p.setup;
          const original = await answer.text();
          const map = idMapOf(parseJson(original));
          const status = map !== undefined && reply.status === 204 ? 200 : reply.status;
          const headers = new Headers(answer.headers);
          if (reply.contentType === null) headers.delete('content-type');
          else headers.set('content-type', reply.contentType);
          return textResponse(stateReplyText(reply.body, original, sent, map), status, headers);
        },
      ],
    }),
  }),
  family({
    name: 'id-map',
    dialects: ALL,
    description: 'the target picks its own ids at setup (valid for the dialect), answers the id map, and knows the instances only by its ids; teardown takes either',
    allowedBy:
      "DESIGN.md §4 A target that cannot take an id from the caller may answer a setup with the ids it created, {\"instances\": [{\"requested\": \"ins-ab12cd34\", \"id\": \"ins-9zz8yy77\"}]}; the suite then uses the target's ids throughout that case",
    params: (d) => fc.record({ seed: fc.integer({ min: 0, max: 0x7fffffff }), style: fc.constantFrom(...idStyles(d)), keepSome: fc.boolean() }),
    build: (d, p) => {
      const own = new Map<string, string>();
      const next = prng(p.seed);
      return {
        outer: [
          async (request, forward, provider) => {
            if (!isStatesRequest(request)) return forward(request);
            const sent = await jsonObjectOf(request);
            const params = sent?.['params'];
            if (sent === undefined || !isObject(params) || !Array.isArray(params['instances'])) return forward(request);
            const setup = sent['action'] === 'setup';
            const taken = new Set(own.values());
            const idFor = (requested: string): string => {
              const known = own.get(requested);
              if (known !== undefined) return known;
              // keepSome: about half the ids are kept (mapped to themselves, and still listed in the map).
              let id = p.keepSome && stableHash(`${p.seed}/${requested}`) % 2 === 0 ? requested : ownId(d, p.style, next);
              while (id !== requested && (taken.has(id) || provider.store.get(id) !== undefined)) id = ownId(d, p.style, next);
              own.set(requested, id);
              taken.add(id);
              return id;
            };
            const instances = params['instances'].map((item) => {
              if (!isObject(item) || !isValidId(provider.rules, item['id'])) return item;
              const requested = item['id'];
              return { ...item, id: setup ? idFor(requested) : (own.get(requested) ?? requested) };
            });
            const rewritten = new Request(request.url, { method: request.method, headers: request.headers, body: JSON.stringify({ ...sent, params: { ...params, instances } }) });
            const answer = await forward(rewritten);
            if (!setup || answer.status !== 200) return answer;
            const map = params['instances'].flatMap((item) =>
              isObject(item) && typeof item['id'] === 'string' && own.has(item['id']) ? [{ requested: item['id'], id: own.get(item['id']) ?? item['id'] }] : [],
            );
            return map.length === 0 ? answer : Response.json({ instances: map }, { status: 200 });
          },
        ],
      };
    },
  }),
  family({
    name: 'request-id-formats',
    dialects: ALL,
    description: 'request ids of successes, errors and status answers in other formats (uuid either case, hex, prefixed, numeric, braced, 128 characters...), unique where they were',
    allowedBy: `${OPEN}, ... any request-id format ... are legal`,
    params: () => fc.record({ success: fc.constantFrom(...REQUEST_ID_FORMATS), error: fc.constantFrom(...REQUEST_ID_FORMATS), status: fc.constantFrom(...REQUEST_ID_FORMATS) }),
    build: (d, p) => ({
      outer: [
        rewriteKinds(d, KINDS, (body, { kind }) =>
          mapObjects(body, (obj) => {
            const out = { ...obj };
            for (const k of ['RequestId', 'requestId']) if (typeof out[k] === 'string') out[k] = reformatRequestId(out[k] as string, p[kind]);
            return out;
          }),
        ),
      ],
    }),
  }),
  family({
    name: 'status-request-ids',
    dialects: ALL,
    description: 'status answers without a request id, with null or an empty one, or one request id repeated in every status answer (zenlayer: the outer, inner or both)',
    allowedBy: `${STATUS_ANSWERS}. Not judged there: its request id (presence, format, uniqueness)`,
    params: () => fc.record({ mode: fc.constantFrom('missing', 'null', 'empty', 'repeated'), where: fc.constantFrom('outer', 'inner', 'both') }),
    build: (d, p) => ({
      outer: [
        rewriteKinds(d, ['status'], (body) =>
          mapObjects(body, (obj, _key, path) => {
            const k = Object.hasOwn(obj, 'RequestId') ? 'RequestId' : Object.hasOwn(obj, 'requestId') ? 'requestId' : undefined;
            if (k === undefined) return obj;
            // Where the answer carries its request id twice (zenlayer, outer and inner), `where` picks which.
            if (describeDialect(d).answers.requestIds.length > 1 && p.where !== 'both' && (path.length === 0) !== (p.where === 'outer')) return obj;
            const out = { ...obj };
            if (p.mode === 'missing') delete out[k];
            else out[k] = p.mode === 'null' ? null : p.mode === 'empty' ? '' : 'B6F0C6C8-0000-4000-8000-5747A7E5A7E5';
            return out;
          }),
        ),
      ],
    }),
  }),
  family({
    name: 'extra-members',
    dialects: ALL,
    description: 'unknown members (random names, including other dialects\' envelope names, and random JSON values) in every or some objects of successes, errors and status answers, JSON and XML',
    allowedBy: `${OPEN}; names the pins reserve in the dialect are never used`,
    params: (d) =>
      fc.record({
        seed: fc.integer({ min: 0, max: 0x7fffffff }),
        names: memberNames(d, 4),
        values: fc.array(MEMBER_VALUE, { minLength: 1, maxLength: 3 }),
        kinds: fc.subarray([...KINDS], { minLength: 1 }),
        everywhere: fc.boolean(),
      }),
    build: (d, p) => ({ outer: [rewriteKinds(d, p.kinds, (body, { format }) => addMembers(body, format, p))] }),
  }),
  family({
    name: 'null-members',
    dialects: ALL,
    description: 'members whose value is null in JSON answers (unknown names at any level), and null paging fields in status answers',
    allowedBy: `${OPEN}; ${STATUS_ANSWERS}. Not judged there: ... its paging fields (TotalCount, totalCount, PageNumber, PageSize: type or value)`,
    params: (d) =>
      fc.record({
        seed: fc.integer({ min: 0, max: 0x7fffffff }),
        names: memberNames(d, 3),
        kinds: fc.subarray([...KINDS], { minLength: 1 }),
        everywhere: fc.boolean(),
        pagingNull: fc.boolean(),
      }),
    build: (d, p) => ({
      outer: [
        rewriteKinds(d, KINDS, (body, { format, kind }) => {
          if (format === 'xml') return body;
          const withNulls = p.kinds.includes(kind) ? addMembers(body, format, { ...p, values: [null] }) : body;
          if (!p.pagingNull || kind !== 'status') return withNulls;
          return mapObjects(withNulls, (obj) => Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, PAGING_FIELDS.includes(k) ? null : v])));
        }),
      ],
    }),
  }),
  family<FamilyParams>({
    name: 'other-envelope-members',
    dialects: ALL,
    description: "members the other envelope uses: tencent \"Error\": null on successes; zenlayer \"response\": null (or an object) on errors and \"code\": \"SUCCESS\" (or 0) on 200 successes; aliyun HostId, Code and Message on successes and InstanceResponses on errors",
    allowedBy: `${OPEN} (aliyun HostId on a success, InstanceResponses on an error; zenlayer "response": null on an error; tencent "Error": null on a success); DESIGN.md §3 What makes an answer an error: ... a 2xx answer is a success whatever else it carries (code, Code)`,
    params: (d): fc.Arbitrary<FamilyParams> => OTHER_ENVELOPE_MEMBERS[protocolOf(d)].params,
    build: (d, p) => ({
      outer: [
        rewriteKinds(d, KINDS, (body, context) => (isObject(body) ? OTHER_ENVELOPE_MEMBERS[protocolOf(d)].edit(body, context, p) : body)),
      ],
    }),
  }),
  family({
    name: 'error-messages',
    dialects: ALL,
    description: 'other error message texts (empty, unicode, quotes and markup, 600 characters, two lines); aliyun SuccessFirst entries say Success or success',
    allowedBy: 'DESIGN.md §5 Every assertion names its source: no seed line states an error message text (000:36-44, 001:138-142, 004:176-186 list codes only); 004:83 The return value Success indicates operation success (004:121 shows success)',
    params: (d) =>
      fc.record({
        text: fc.constantFrom('', 'Error', '实例不存在。', 'a "quoted" <message> & more', 'x'.repeat(600), 'line one\nline two'),
        successFirst: hasPerInstanceResults(d) ? fc.constantFrom('Success', 'success', 'as-is') : fc.constant('as-is'),
      }),
    build: (d, p) => ({
      outer: [
        rewriteKinds(d, KINDS, (body, { kind }) => {
          if (kind === 'error') {
            const error = errorObject(body);
            if (error !== undefined) for (const k of ['Message', 'message']) if (typeof error[k] === 'string') error[k] = p.text;
            return body;
          }
          return mapEntries(body, (entry) => {
            if (entry['Code'] !== '200') return typeof entry['Message'] === 'string' ? { ...entry, Message: p.text } : entry;
            return p.successFirst === 'as-is' ? entry : { ...entry, Message: p.successFirst };
          });
        }),
      ],
    }),
  }),
  family({
    name: 'status-paging-fields',
    dialects: ALL,
    description: 'status answers count otherwise: total as a string, -1, 0, 2^31 or missing; aliyun PageNumber 0-based, a string or missing, PageSize a string, missing or huge',
    allowedBy: `${STATUS_ANSWERS}. Not judged there: ... its paging fields (TotalCount, totalCount, PageNumber, PageSize: type or value; the suite finds its ids however they are counted)`,
    params: (d) =>
      fc
        .record({
          total: fc.constantFrom('as-is', 'string', 'minus-one', 'zero', 'huge', 'missing'),
          pageNumber: hasPageFields(d) ? fc.constantFrom('as-is', 'zero-based', 'string', 'missing') : fc.constant('as-is'),
          pageSize: hasPageFields(d) ? fc.constantFrom('as-is', 'string', 'missing', 'huge') : fc.constant('as-is'),
        })
        .filter((p) => p.total !== 'as-is' || p.pageNumber !== 'as-is' || p.pageSize !== 'as-is'),
    build: (d, p) => {
      const change = (mode: string, value: unknown): unknown => {
        const n = Number(value);
        switch (mode) {
          case 'string':
            return String(value);
          case 'minus-one':
            return -1;
          case 'zero':
            return 0;
          case 'huge':
            return 2 ** 31;
          case 'zero-based':
            return Number.isFinite(n) ? n - 1 : value;
          default:
            return value;
        }
      };
      const modes: Record<string, string> = { TotalCount: p.total, totalCount: p.total, PageNumber: p.pageNumber, PageSize: p.pageSize };
      return {
        outer: [
          rewriteKinds(d, ['status'], (body) =>
            mapObjects(body, (obj) => {
              const out = { ...obj };
              for (const [field, mode] of Object.entries(modes)) {
                if (!Object.hasOwn(out, field) || mode === 'as-is') continue;
                if (mode === 'missing') delete out[field];
                else out[field] = change(mode, out[field]);
              }
              return out;
            }),
          ),
        ],
      };
    },
  }),
  family({
    name: 'list-order',
    dialects: ALL,
    description: 'every list of every answer (status entries, per-instance results) reversed, rotated or shuffled',
    allowedBy: `${OPEN}, ... any order of list entries are legal`,
    params: () => fc.record({ order: fc.constantFrom('reverse', 'rotate', 'shuffle'), seed: fc.integer({ min: 0, max: 0x7fffffff }) }),
    build: (d, p) => ({
      outer: [
        rewriteKinds(d, KINDS, (body) =>
          mapArrays(body, (list) => {
            if (list.length < 2) return list;
            if (p.order === 'reverse') return [...list].reverse();
            if (p.order === 'rotate') return [...list.slice(1), list[0]];
            const next = prng(stableHash(`${p.seed}/${JSON.stringify(list)}`));
            const out = [...list];
            for (let i = out.length - 1; i > 0; i--) {
              const j = Math.floor(next() * (i + 1));
              [out[i], out[j]] = [out[j], out[i]];
            }
            return out;
          }),
        ),
      ],
    }),
  }),
  family({
    name: 'stop-duration',
    dialects: ALL,
    description: 'an accepted stop reads STOPPING for a random time within the poll bound, or STOPPED at once (aliyun then may say CurrentStatus Stopped)',
    allowedBy:
      "DESIGN.md §3 Time: no seed bounds how long a stop takes (bare metal takes minutes). The user's --poll-timeout is the bound; After an accepted stop, the instance reads STOPPING or STOPPED at once and STOPPED within a bounded time; aliyun-ecs SuccessFirst: CurrentStatus Stopping, or Stopped where the stop completes at once",
    params: (d, limits) =>
      fc.record({
        ms: fc.oneof(fc.constant(0), fc.integer({ min: 50, max: Math.max(50, limits.maxStopMs) })),
        sayStopped: hasPerInstanceResults(d) ? fc.boolean() : fc.constant(false),
      }),
    build: (d, p) => ({
      options: { transitionMs: p.ms },
      pollTimeoutMs: pollTimeoutFor(p.ms),
      outer:
        p.ms === 0 && p.sayStopped
          ? [rewriteKinds(d, ['success'], (body) => mapEntries(body, (e) => (e['Code'] === '200' && e['CurrentStatus'] === 'Stopping' ? { ...e, CurrentStatus: 'Stopped' } : e)))]
          : [],
    }),
  }),
  family({
    name: 'tencent-state-codes',
    dialects: TENCENT,
    description: "a status that may not be stopped answers the live API's UnsupportedOperation.InstanceState<Word> instead of InvalidInstance.NotSupported (for a random set of words)",
    allowedBy: "DESIGN.md §3 tencent: a status that may not be stopped -> InvalidInstance.NotSupported ...; the live API's UnsupportedOperation.InstanceState* codes are accepted too",
    params: (d) => fc.record({ words: fc.subarray(notStoppableWords(d), { minLength: 1 }) }),
    build: (d, p) => ({
      outer: [
        apiOnly(async (request, next, provider) => {
          if (!(await isStopRequest(request))) return next(request);
          const named = await namedWords(request, provider);
          const answer = await next(request);
          const first = named.find((n) => n.word !== undefined && !provider.rules.stoppableWords.includes(n.word))?.word;
          if (first === undefined || !p.words.includes(first)) return answer;
          return rewriteAnswer(answer, (body) =>
            answerKind(d, 'StopInstances', answer.status, body) === 'error' && errorCode(body) === 'InvalidInstance.NotSupported'
              ? withErrorCode(body, `UnsupportedOperation.InstanceState${pascal(first)}`)
              : body,
          );
        }),
      ],
    }),
  }),
  family({
    name: 'aliyun-not-ready-codes',
    dialects: ALIYUN,
    description: 'Pending, Starting and Stopping each answered IncorrectInstanceStatus or InstanceNotReady (a random choice per word), in AllTogether errors and SuccessFirst entries',
    allowedBy: 'DESIGN.md §3 aliyun-ecs: Stopped -> 403 IncorrectInstanceStatus; Starting/Stopping/Pending -> 403 IncorrectInstanceStatus or InstanceNotReady',
    params: () =>
      fc
        .record({ Pending: fc.constantFrom(...ALIYUN_STATE_CODES), Starting: fc.constantFrom(...ALIYUN_STATE_CODES), Stopping: fc.constantFrom(...ALIYUN_STATE_CODES) })
        .filter((p) => !(p.Pending === 'InstanceNotReady' && p.Starting === 'InstanceNotReady' && p.Stopping === 'IncorrectInstanceStatus')),
    build: (d, p) => {
      const codeFor = (word: string | undefined): string | undefined =>
        word === 'Stopped' ? 'IncorrectInstanceStatus' : word === 'Pending' || word === 'Starting' || word === 'Stopping' ? p[word] : undefined;
      const isStateCode = (code: unknown): boolean => code === 'IncorrectInstanceStatus' || code === 'InstanceNotReady';
      return {
        outer: [
          apiOnly(async (request, next, provider) => {
            if (!(await isStopRequest(request))) return next(request);
            const named = await namedWords(request, provider);
            const words = new Map(named.map((n) => [n.id, n.word]));
            const answer = await next(request);
            return rewriteAnswer(answer, (body) => {
              if (answer.status === 403 && isStateCode(errorCode(body))) {
                const first = named.find((n) => codeFor(n.word) !== undefined && !provider.rules.stoppableWords.includes(n.word ?? ''));
                const code = codeFor(first?.word);
                return code === undefined ? body : withErrorCode(body, code);
              }
              if (answer.status !== 200) return body;
              return mapEntries(body, (e) => {
                const code = codeFor(words.get(e['InstanceId'] as string));
                return isStateCode(e['Code']) && code !== undefined ? { ...e, Code: code } : e;
              });
            });
          }),
        ],
      };
    },
  }),
  family({
    name: 'aliyun-id-codes',
    dialects: ALIYUN,
    description: 'a malformed id answered 404 InvalidInstanceId.NotFound (AllTogether) or with the malformed code (SuccessFirst entries); an unknown id answered 404 InvalidInstanceIds.NotFound',
    allowedBy:
      'DESIGN.md §3 aliyun-ecs malformed ids: ... 403 Abs.InvalidInstanceIds.MalFormed and 404 InvalidInstanceId.NotFound are both accepted; SuccessFirst: an id that is malformed or unknown gets its own InstanceResponse with InvalidInstanceId.NotFound ... or the malformed code; 004:184 404 InvalidInstanceIds.NotFound',
    params: () =>
      fc
        .record({
          malformed: fc.constantFrom(MALFORMED, ID_NOT_FOUND),
          unknown: fc.constantFrom(ID_NOT_FOUND, IDS_NOT_FOUND),
          successFirstMalformed: fc.constantFrom(ID_NOT_FOUND, MALFORMED),
        })
        .filter((p) => p.malformed !== MALFORMED || p.unknown !== ID_NOT_FOUND || p.successFirstMalformed !== ID_NOT_FOUND),
    build: (_d, p) => ({
      outer: [
        apiOnly(async (request, next, provider) => {
          if (!(await isStopRequest(request))) return next(request);
          const answer = await next(request);
          return rewriteAnswerStatus(answer, (body) => {
            const code = errorCode(body);
            if (answer.status === 403 && code === MALFORMED && p.malformed === ID_NOT_FOUND) return { body: withErrorCode(body, ID_NOT_FOUND), status: 404 };
            if (answer.status === 404 && code === ID_NOT_FOUND && p.unknown === IDS_NOT_FOUND) return { body: withErrorCode(body, IDS_NOT_FOUND) };
            if (answer.status !== 200 || p.successFirstMalformed === ID_NOT_FOUND) return { body };
            return { body: mapEntries(body, (e) => (e['Code'] === ID_NOT_FOUND && !isValidId(provider.rules, e['InstanceId']) ? { ...e, Code: MALFORMED } : e)) };
          });
        }),
      ],
    }),
  }),
  family({
    name: 'aliyun-failed-entry-statuses',
    dialects: ALIYUN,
    description: "SuccessFirst entries of instances not stopped carry blank PreviousStatus and CurrentStatus (or a blank CurrentStatus only)",
    allowedBy: "004:137-138 (a failed entry's blank statuses); DESIGN.md §3 SuccessFirst: ... Code 200/success for the stopped ones (PreviousStatus Running, CurrentStatus Stopping ...): no pin for the others' statuses",
    params: () => fc.record({ blank: fc.constantFrom('both', 'current') }),
    build: (d, p) => ({
      outer: [
        rewriteKinds(d, ['success'], (body) =>
          mapEntries(body, (e) => (e['Code'] === '200' ? e : { ...e, ...(p.blank === 'both' ? { PreviousStatus: '' } : {}), CurrentStatus: '' })),
        ),
      ],
    }),
  }),
  family({
    name: 'tencent-type-error-code',
    dialects: TENCENT.filter((d) => describeDialect(d).styles.includes('json')),
    description: 'a parameter of the wrong JSON type ("ForceStop": "MAYBE") answered InvalidParameter instead of InvalidParameterValue',
    allowedBy: 'DESIGN.md §3 tencent: a value of the wrong JSON type (api3 "ForceStop": "MAYBE") may get InvalidParameter or InvalidParameterValue',
    params: () => fc.record({ code: fc.constant('InvalidParameter') }),
    build: (d, p) => ({
      outer: [
        apiOnly(async (request, next) => {
          // Read the request before it is forwarded: forwarding consumes its body.
          const body = request.method === 'POST' ? await jsonObjectOf(request) : undefined;
          const stop = await isStopRequest(request);
          const answer = await next(request);
          if (body === undefined || !hasWrongType(body) || !stop) return answer;
          return rewriteAnswer(answer, (b) => (answerKind(d, 'StopInstances', answer.status, b) === 'error' && errorCode(b) === 'InvalidParameterValue' ? withErrorCode(b, p.code) : b));
        }),
      ],
    }),
  }),
  family({
    name: 'status-throttle',
    dialects: ALL,
    description: "status queries are rate-limited too (a fixed window of 40 to 100 per second, the dialect's rate-limit error), as real APIs limit every action",
    allowedBy: `${STATUS_INSTRUMENT} (the rate it serves the instrument at is the target's choice too)`,
    params: () => fc.record({ perSecond: fc.integer({ min: 40, max: 100 }) }),
    build: (_d, p) => ({ inner: [limited((a) => STATUS_ACTIONS.has(a ?? ''), fixedWindow(p.perSecond))] }),
  }),
  family({
    name: 'status-unknown-ids',
    dialects: ALL,
    description: "a status query naming an unknown id answers the dialect's not-found error instead of leaving it out",
    allowedBy: "DESIGN.md §3 Unknown ids in a status query are left out of the result (or answered with the dialect's not-found error); the suite relies on neither",
    params: () => fc.record({ notFound: fc.constant(true) }),
    build: (d) => ({
      inner: [
        apiOnly(async (request, next, provider) => {
          if (!(await isStatusRequest(request))) return next(request);
          const unknown = (await requestedIds(request)).filter((id) => provider.store.get(id) === undefined);
          // A copy goes on: the refusal below reads the request again (aliyun's Format), and forwarding consumes a body.
          const answer = await next(request.clone());
          if (unknown.length === 0) return answer;
          const served = (await kindOfAnswer(d, 'DescribeInstancesStatus', answer)) === 'status';
          return served ? refuse(provider, request, 'notFound', `instance not found: ${unknown.join(', ')}`) : answer;
        }),
      ],
    }),
  }),
  family({
    name: 'aliyun-status-format',
    dialects: ALIYUN,
    description: 'status queries are answered in JSON whatever Format asks (XML, or the RPC default)',
    allowedBy: `${STATUS_ANSWERS}. Not judged there: ... and for aliyun its format (a status answer may be JSON whatever Format asks)`,
    params: () => fc.record({ format: fc.constant('JSON') }),
    build: () => ({
      inner: [
        apiOnly(async (request, next) =>
          (await isStatusRequest(request)) && (await aliyunFormat(request)) === 'XML' ? next(await setParam(request, 'Format', 'JSON', 'query')) : next(request),
        ),
      ],
    }),
  }),
  family({
    name: 'status-paging',
    dialects: ALL,
    description: 'status queries page otherwise: small pages (3 to 9 entries) whatever size they ask, with or without totals; everything at once ignoring page fields; zenlayer refuses a pageSize over 20',
    allowedBy: `${STATUS_INSTRUMENT}: a target that answers 100 statuses by default is as legal as one that pages by 10`,
    params: (d) =>
      fc.oneof(
        fc.record({ mode: fc.constant('small'), cap: fc.integer({ min: 3, max: 9 }), totals: fc.boolean() }),
        fc.record({ mode: fc.constant('all-at-once') }),
        // Where no maximum page size is known (zenlayer), a target may have one at the suite's own page size.
        ...(describeDialect(d).statusQuery.maxPageSize === null ? [fc.record({ mode: fc.constant('strict-maximum') })] : []),
      ),
    build: (d, p) => {
      if (p.mode === 'all-at-once') {
        return { options: { rules: { statusPage: { defaultSize: 100_000, maxSize: null } } }, inner: [apiOnly(async (request, next) => next(await withoutPaging(request)))] };
      }
      if (p.mode === 'strict-maximum') return { options: { rules: { statusPage: { maxSize: describeDialect(d).statusPageSize } } } };
      const cap = typeof p['cap'] === 'number' ? p['cap'] : 7;
      return {
        inner: [
          apiOnly(async (request, next) => {
            const status = await isStatusRequest(request);
            const answer = await next(await capPageSize(request, cap));
            return status && p['totals'] === false ? rewriteAnswer(answer, withoutTotals) : answer;
          }),
        ],
      };
    },
  }),
  family({
    name: 'stop-charging-refused',
    dialects: ALL.filter((d) => describeDialect(d).conditionalValue !== undefined),
    description: 'StoppedMode STOP_CHARGING (api3) or StopCharging (aliyun) refused as a client error for ineligible instances (all, or a seeded half), changing nothing',
    allowedBy:
      'DESIGN.md §3 Eligibility the provider-state protocol cannot seed: tencent StoppedMode=STOP_CHARGING is valid only for some instances (002:42), aliyun StopCharging only under conditions (004:47-50). The suite accepts either a stop or a client error that changed nothing',
    hides: { rules: /^enum:StoppedMode=(STOP_CHARGING|StopCharging)$/, why: 'the family legally refuses that value for ineligible instances, so a provider refusing it is no different there' },
    params: (d) =>
      fc.record({ ineligible: fc.constantFrom('all', 'some'), seed: fc.integer({ min: 0, max: 0x7fffffff }), refusal: fc.integer({ min: 0, max: STOP_CHARGING_REFUSALS[protocolOf(d)].length - 1 }) }),
    build: (d, p) => {
      const refusal = STOP_CHARGING_REFUSALS[protocolOf(d)][p.refusal] ?? { key: 'invalidParameterValue' as ErrorKey, code: 'InvalidParameterValue' };
      const description = describeDialect(d);
      const conditional = description.conditionalValue;
      const { dryRun } = description;
      return {
        inner: [
          apiOnly(async (request, next, provider) => {
            if (conditional === undefined || !(await isStopRequest(request))) return next(request);
            const { param, value } = conditional;
            if (!(await paramValues(request, param)).some((v) => v === value)) return next(request);
            if (dryRun?.passesWith !== undefined) {
              // 004:25: a SuccessFirst dry run answers DRYRUN.SUCCESS whatever the checks find.
              const dry = (await paramValues(request, dryRun.param)).some((v) => String(v).toLowerCase() === 'true');
              if (dry && (await paramValues(request, dryRun.passesWith.param)).includes(dryRun.passesWith.value)) return next(request);
            }
            const ineligible = (await requestedIds(request)).filter(
              (id) => provider.store.get(id) !== undefined && (p.ineligible === 'all' || stableHash(`${p.seed}/${id}`) % 2 === 0),
            );
            if (ineligible.length === 0) return next(request);
            return refuse(provider, request, refusal.key, `${param} ${value} is not available for ${ineligible.join(', ')}`, refusal.code);
          }),
        ],
      };
    },
  }),
  family({
    name: 'refuses-duplicate-ids',
    dialects: ALL,
    description: 'a stop naming one id twice is refused as a client error and changes nothing',
    allowedBy: `${NO_CODE} (no document says whether an id may be named twice)`,
    params: () => fc.record({ refuse: fc.constant(true) }),
    build: () => ({
      inner: [
        apiOnly(async (request, next, provider) => {
          if (!(await isStopRequest(request))) return next(request);
          const ids = await requestedIds(request);
          return new Set(ids).size < ids.length ? refuse(provider, request, 'invalidParameterValue', 'an instance id is given twice') : next(request);
        }),
      ],
    }),
  }),
  family({
    name: 'rate-limit-shape',
    dialects: ALL.filter((d) => describeDialect(d).rateLimit !== undefined),
    description: 'the 10 StopInstances per second counted in fixed calendar seconds or as a token bucket (10, refilled at 10 per second) instead of a sliding window',
    allowedBy: "DESIGN.md §3 api3 rate limit: 10 requests within a second must be served; a burst of 25 must see RequestLimitExceeded; refused requests change nothing. The window's shape is the target's choice",
    params: () => fc.record({ shape: fc.constantFrom('fixed-window', 'token-bucket') }),
    build: (d, p) => {
      const description = describeDialect(d);
      const limit = description.rateLimit;
      if (limit === undefined) return {};
      const action = description.actions[limit.operation];
      return {
        options: { rateLimitPerSecond: false },
        inner: [limited((a) => a === action, p.shape === 'fixed-window' ? fixedWindow(limit.perSecond) : tokenBucket(limit.perSecond, limit.perSecond))],
      };
    },
  }),
  family({
    name: 'undocumented-codes',
    dialects: ALL,
    description: 'other codes (zenlayer and aliyun: other 4xx statuses too) wherever no code is documented: missing or empty lists, too many ids, bad values, bad JSON, unknown actions, aliyun security locks; tencent errors stay HTTP 200',
    allowedBy: `${NO_CODE}; aliyun-ecs: a security-locked instance is never stopped (403, code not documented)`,
    params: (d) => undocumentedCodeArbitrary(d),
    build: (_d, p) => ({ options: { rules: { codes: p } } }),
  }),
  family({
    name: 'problem-precedence',
    dialects: ALL,
    hides: {
      rules: /^error:/,
      why: 'a batch with several problems may answer the code of any of them (DESIGN.md §3), so a several-problems row sees a flipped code only when the provider happens to pick that problem; single-problem rows do not depend on the order',
    },
    description: 'a batch with several problems (malformed, unknown, locked, wrong status...) answers the code of another one of them (zenlayer: the recycle bin still first)',
    allowedBy: 'DESIGN.md §3 Several problems in one request: the case accepts any of the documented codes that apply; zenlayer: ... OPERATION_DENIED_INSTANCE_RECYCLED, which takes precedence over NOT_RUNNING',
    params: (d) =>
      fc
        .shuffledSubarray([...DEFAULT_PROBLEM_PRECEDENCE], { minLength: DEFAULT_PROBLEM_PRECEDENCE.length })
        .filter((order) => order.join() !== DEFAULT_PROBLEM_PRECEDENCE.join())
        // DESIGN.md §3: where there is a recycle bin (zenlayer), it is answered before NOT_RUNNING.
        .filter((order) => describeDialect(d).recycled.length === 0 || (order.indexOf('recycled') < order.indexOf('wrongState') && order.indexOf('recycled') < order.indexOf('notReady')))
        .map((order) => ({ order })),
    build: (_d, p) => ({ options: { rules: { problemPrecedence: p.order } } }),
  }),
  family({
    name: 'path-prefix',
    dialects: ALL,
    description: 'the API and the provider-state endpoint live under a path prefix of the base URL, as behind an API gateway',
    allowedBy: 'DESIGN.md §2 Paths are relative to the target base URL',
    params: () => fc.record({ prefix: fc.constantFrom('/gateway/v1', '/x', '/compute/api/stop-svc', '/vmconform-legal') }),
    build: (_d, p) => ({ options: { basePath: p.prefix } }),
  }),
]);

/**
 * The family with this name (in `catalog`, by default every family).
 *
 * @example
 * perturbationFamily('list-order').dialects // every dialect
 */
export function perturbationFamily(name: string, catalog: readonly PerturbationFamily[] = PERTURBATION_FAMILIES): PerturbationFamily {
  const found = catalog.find((f) => f.name === name);
  if (!found) throw new Error(`no perturbation family named ${name}; known: ${catalog.map((f) => f.name).join(', ')}`);
  return found;
}
