/**
 * Legal-variant providers, the mirror of `src/wrong-providers/`: the reference provider with choices the documents
 * and DESIGN.md leave open made the other way (unknown extra fields, other request-id formats, lists in another
 * order, instant and slow stops, status queries that page differently, the alternative codes DESIGN.md names, other
 * codes and 4xx statuses where no code is documented, rate-limit windows of another shape...). Each names the line
 * that makes its choice legal. The whole catalog must pass against every one of them, at every level: a failure here
 * is a false alarm of the suite, never a finding about the variant.
 */
import type { DialectName } from '../dialects/types.ts';
import { DIALECT_NAMES } from '../dialects/types.ts';
import type { ProviderOptions } from '../provider/handlers.ts';
import type { CodeTable, ErrorKey, ErrorSpec } from '../provider/rules.ts';
import type { RunningProvider } from '../provider/server.ts';
import {
  actionOf,
  everyRequest,
  isStatesRequest,
  mapArrays,
  mapObjects,
  queryParams,
  refuse,
  requestedIds,
  rewriteAnswer,
  rewriteJsonBody,
  rewriteQueryParam,
  startWithHandler,
  startWithOptions,
  type StartVariant,
  type VariantStartOptions,
} from '../provider-variants/build.ts';

/** One legal variant of the reference provider. */
export interface LegalVariant {
  /** Stable slug, e.g. `extra-fields`. */
  readonly name: string;
  /** The dialects it applies to. */
  readonly dialects: readonly DialectName[];
  /** What it does differently, in one line. */
  readonly description: string;
  /** Why that is legal: the DESIGN.md pin or seed line that leaves the choice open. */
  readonly allowedBy: string;
  /** The poll timeout a run against it needs (slow stops), if longer than the default. */
  readonly pollTimeoutMs?: number;
  /** Start it for one of its dialects on an ephemeral loopback port. */
  start(dialect: DialectName, options?: VariantStartOptions): Promise<RunningProvider>;
}

const ALL = DIALECT_NAMES;
const TENCENT: readonly DialectName[] = ['tencent-cvm-api2', 'tencent-cvm-api3'];
const STATUS_ACTIONS = new Set(['DescribeInstancesStatus', 'DescribeInstances', 'DescribeInstanceStatus']);
const isTencent = (d: DialectName): boolean => d === 'tencent-cvm-api2' || d === 'tencent-cvm-api3';

/** A variant whose start depends on the dialect. */
function variant(spec: Omit<LegalVariant, 'start'>, build: (dialect: DialectName) => StartVariant): LegalVariant {
  return {
    ...spec,
    start: async (dialect, options) => {
      if (!spec.dialects.includes(dialect)) throw new Error(`legal variant ${spec.name} does not apply to ${dialect}`);
      return build(dialect)(options);
    },
  };
}

/** A handler in front of the reference that rewrites every API answer (never the provider-state endpoint's). */
function rewriteApiAnswers(dialect: DialectName, edit: Parameters<typeof rewriteAnswer>[1], contentType?: (t: string) => string, extra: ProviderOptions = {}): StartVariant {
  return startWithHandler(
    dialect,
    (forward) => everyRequest(async (request) => (isStatesRequest(request) ? forward(request) : rewriteAnswer(await forward(request), edit, contentType))),
    extra,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Answers: extra fields, request ids, order, content types

/** Unknown fields in every object of an answer, top level and nested (names no envelope gives a meaning to). */
function withExtraFields(body: unknown, format: 'json' | 'xml'): unknown {
  if (format === 'xml') {
    // Keep the single root element; extra elements go inside every element that has children.
    return mapObjects(body, (obj, key) => (key === undefined ? obj : { ...obj, ExtraInfo: 'vmconform legal variant' }));
  }
  return mapObjects(body, (obj) => ({ ...obj, ExtraInfo: { note: 'vmconform legal variant', list: [1, 'two', null] }, extra_flag: true }));
}

let requestCounter = 0;

/** Every request id of an answer in another format (zenlayer's outer and inner ids stay equal). */
function withOtherRequestIds(body: unknown): unknown {
  const fresh = `req-${Date.now().toString(36)}-${(++requestCounter).toString(36)}`;
  return mapObjects(body, (obj) => {
    const out = { ...obj };
    if (typeof out['RequestId'] === 'string') out['RequestId'] = fresh;
    if (typeof out['requestId'] === 'string') out['requestId'] = fresh;
    return out;
  });
}

/** Every list of an answer in reverse order (status entries, per-instance results). */
function reversed(body: unknown): unknown {
  return mapArrays(body, (list) => [...list].reverse());
}

// ---------------------------------------------------------------------------------------------------------------
// Status queries: other page sizes, no totals, everything at once

/** The page-size parameter of a status query, per wire style. */
const PAGE_SIZE_PARAMS = ['Limit', 'pageSize', 'PageSize'] as const;
const PAGE_PARAMS = [...PAGE_SIZE_PARAMS, 'Offset', 'pageNum', 'PageNumber'] as const;

/** A status query request with its page size capped at `cap` (other requests unchanged). */
async function capPageSize(request: Request, cap: number): Promise<Request> {
  if (!STATUS_ACTIONS.has((await actionOf(request)) ?? '')) return request;
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
    const v = Number(params.get(p));
    if (params.has(p) && v > cap) out = await rewriteQueryParam(out, p, String(cap));
  }
  return out;
}

/** A status query request without any paging parameter (other requests unchanged). */
async function withoutPaging(request: Request): Promise<Request> {
  if (!STATUS_ACTIONS.has((await actionOf(request)) ?? '')) return request;
  if ((request.headers.get('content-type') ?? '').includes('json')) {
    return rewriteJsonBody(request, (body) => Object.fromEntries(Object.entries(body).filter(([k]) => !(PAGE_PARAMS as readonly string[]).includes(k))));
  }
  let out = request;
  for (const p of PAGE_PARAMS) out = await rewriteQueryParam(out, p, null);
  return out;
}

/** An answer without paging fields (TotalCount, PageNumber, PageSize). */
function withoutTotals(body: unknown): unknown {
  return mapObjects(body, (obj) =>
    Object.fromEntries(Object.entries(obj).filter(([k]) => !['TotalCount', 'totalCount', 'PageNumber', 'PageSize', 'pageNum', 'pageSize'].includes(k))),
  );
}

/** Status queries served in pages of at most `cap` entries whatever size they ask; `totals` false drops the totals. */
function smallPages(dialect: DialectName, cap: number, totals: boolean): StartVariant {
  return startWithHandler(dialect, (forward) =>
    everyRequest(async (request) => {
      if (isStatesRequest(request)) return forward(request);
      const status = STATUS_ACTIONS.has((await actionOf(request)) ?? '');
      const answer = await forward(await capPageSize(request, cap));
      return status && !totals ? rewriteAnswer(answer, withoutTotals) : answer;
    }),
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

/**
 * Tencent answering the live API's `UnsupportedOperation.InstanceState<Word>` (the word of the first instance that
 * may not be stopped) instead of `InvalidInstance.NotSupported`.
 */
function tencentStateCodes(dialect: DialectName): StartVariant {
  return startWithHandler(dialect, (forward, provider) =>
    everyRequest(async (request) => {
      if (isStatesRequest(request) || (await actionOf(request)) !== 'StopInstances') return forward(request);
      const ids = await requestedIds(request);
      const words = ids.map((id) => provider.store.get(id)?.status).filter((w): w is string => w !== undefined && w !== 'RUNNING');
      const answer = await forward(request);
      const word = words[0];
      if (word === undefined) return answer;
      return rewriteAnswer(answer, (body) =>
        mapObjects(body, (obj, key) => (key === 'Error' && obj['Code'] === 'InvalidInstance.NotSupported' ? { ...obj, Code: `UnsupportedOperation.InstanceState${pascal(word)}` } : obj)),
      );
    }),
  );
}

/** aliyun's other documented choices: InstanceNotReady also for Stopping, InvalidInstanceIds.NotFound, and in SuccessFirst the malformed code with blank statuses. */
function aliyunOtherDocumentedCodes(): StartVariant {
  const options: ProviderOptions = {
    rules: {
      notReadyWords: ['Pending', 'Starting', 'Stopping'],
      codes: { notFound: { code: 'InvalidInstanceIds.NotFound', httpStatus: 404 } },
    },
  };
  return startWithHandler(
    'aliyun-ecs',
    (forward) =>
      everyRequest(async (request) => {
        if (isStatesRequest(request) || (await actionOf(request)) !== 'StopInstances') return forward(request);
        return rewriteAnswer(await forward(request), (body) =>
          mapObjects(body, (obj) =>
            typeof obj['InstanceId'] === 'string' && typeof obj['Code'] === 'string' && obj['Code'] !== '200' && !/^i-[a-z0-9]+$/.test(obj['InstanceId'])
              ? { ...obj, Code: 'Abs.InvalidInstanceIds.MalFormed', PreviousStatus: '', CurrentStatus: '' }
              : typeof obj['InstanceId'] === 'string' && typeof obj['Code'] === 'string' && obj['Code'] !== '200'
                ? { ...obj, PreviousStatus: '', CurrentStatus: '' }
                : obj,
          ),
        );
      }),
    options,
  );
}

/** Other codes (and for zenlayer and aliyun other 4xx statuses) wherever the documents name none (DESIGN.md §3). */
const UNDOCUMENTED_CODES: Readonly<Record<'tencent' | 'zenlayer' | 'aliyun', Partial<CodeTable>>> = {
  // Tencent errors stay HTTP 200 with Response.Error (DESIGN.md §3); only undocumented situations get other codes.
  tencent: {
    invalidParameter: { code: 'InvalidParameter.JsonParseError', httpStatus: 200 },
    emptyIds: { code: 'InvalidParameter', httpStatus: 200 },
    unknownAction: { code: 'UnsupportedOperation', httpStatus: 200 },
  },
  zenlayer: {
    missingParameter: { code: 'MissingParameter', httpStatus: 422 },
    invalidParameter: { code: 'InvalidParameter.Format', httpStatus: 415 },
    invalidParameterValue: { code: 'InvalidParameterValue', httpStatus: 422 },
    emptyIds: { code: 'INVALID_PARAMETER_EMPTY', httpStatus: 422 },
    limitExceeded: { code: 'TOO_MANY_INSTANCES', httpStatus: 413 },
    malformedId: { code: 'INVALID_INSTANCE_ID', httpStatus: 422 },
    unknownAction: { code: 'ACTION_NOT_FOUND', httpStatus: 404 },
  },
  aliyun: {
    missingParameter: { code: 'MissingInstanceId', httpStatus: 400 },
    invalidParameter: { code: 'InvalidParameter.ValueNotSupported', httpStatus: 400 },
    invalidParameterValue: { code: 'InvalidParameter.ValueNotSupported', httpStatus: 400 },
    limitExceeded: { code: 'InvalidInstanceIds.ValueNotSupported', httpStatus: 400 },
    unknownAction: { code: 'InvalidAction', httpStatus: 400 },
    securityLocked: { code: 'OperationDenied.SecurityLocked', httpStatus: 403 },
  },
};

function family(dialect: DialectName): 'tencent' | 'zenlayer' | 'aliyun' {
  return isTencent(dialect) ? 'tencent' : dialect === 'aliyun-ecs' ? 'aliyun' : 'zenlayer';
}

// ---------------------------------------------------------------------------------------------------------------
// Requests refused, rate limits

/** A stop naming one id twice refused as a client error (any code: ids.duplicate.handled asks no 5xx). */
function refusesDuplicates(dialect: DialectName): StartVariant {
  return startWithHandler(dialect, (forward, provider) =>
    everyRequest(async (request) => {
      if (isStatesRequest(request) || (await actionOf(request)) !== 'StopInstances') return forward(request);
      const ids = await requestedIds(request);
      return new Set(ids).size < ids.length ? refuse(provider, request, 'invalidParameterValue', 'an instance id is given twice') : forward(request);
    }),
  );
}

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

/** A provider limiting the requests of some actions with `limiter`, answering the dialect's rate-limit error. */
function limited(dialect: DialectName, actions: ReadonlySet<string>, makeLimiter: () => Limiter, extra: ProviderOptions = {}): StartVariant {
  return startWithHandler(
    dialect,
    (forward, provider) => {
      const limiter = makeLimiter();
      return everyRequest(async (request) => {
        if (isStatesRequest(request) || !actions.has((await actionOf(request)) ?? '')) return forward(request);
        return limiter.tryAcquire() ? forward(request) : refuse(provider, request, 'rateLimited', 'request rate over the limit');
      });
    },
    extra,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Provider states and transport

/** Provider-state replies with a non-empty JSON object; every answer closes its connection and comes 40 ms late. */
function statesReplyAndTransport(dialect: DialectName): StartVariant {
  return startWithHandler(dialect, (forward) =>
    everyRequest(async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 40));
      const answer = isStatesRequest(request)
        ? await rewriteAnswer(await forward(request), (body) => ({ ...(body as Record<string, unknown>), ok: true, note: 'instances applied', applied: ['(ids)'] }))
        : await forward(request);
      const headers = new Headers(answer.headers);
      headers.set('connection', 'close');
      return new Response(answer.body, { status: answer.status, headers });
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The catalog

const DESIGN_OPEN = 'DESIGN.md §3: Responses are open: unknown extra fields anywhere in a response (top level included), other header parameters (`charset`), any request-id format and any order of list entries are legal.';
const DESIGN_STATUS = "DESIGN.md §3: The status query is the suite's instrument ... It never judges a target's default page size, maximum or paging fields.";
const DESIGN_NO_CODE = 'DESIGN.md §3: Where the documents name no error code ... a case asserts the least any sane provider must do: a client error ... It does not invent a code.';

/**
 * The catalog of legal variants.
 *
 * @example
 * const v = LEGAL_VARIANTS.find((x) => x.name === 'extra-fields')!;
 * const running = await v.start('aliyun-ecs'); // ... run every aliyun-ecs case against running.url: all pass ...
 */
export const LEGAL_VARIANTS: readonly LegalVariant[] = Object.freeze([
  variant(
    {
      name: 'extra-fields',
      dialects: ALL,
      description: 'unknown fields in every object of every answer, top level and nested (JSON and XML), content type application/json;charset=UTF-8',
      allowedBy: DESIGN_OPEN,
    },
    (d) => rewriteApiAnswers(d, withExtraFields, (t) => (/xml/i.test(t) ? t : 'application/json;charset=UTF-8')),
  ),
  variant(
    {
      name: 'other-request-ids-and-order',
      dialects: ALL,
      description: 'request ids in another format (req-<time>-<n>), every list in reverse order, content types without parameters (application/json, application/xml)',
      allowedBy: DESIGN_OPEN,
    },
    (d) => rewriteApiAnswers(d, (body) => reversed(withOtherRequestIds(body)), (t) => (/xml/i.test(t) ? 'application/xml' : 'application/json')),
  ),
  variant(
    {
      name: 'instant-stop',
      dialects: ALL,
      description: 'an accepted stop reads STOPPED at once (no STOPPING); aliyun per-instance CurrentStatus Stopped',
      allowedBy: 'DESIGN.md §3: After an accepted stop, the instance reads STOPPING or STOPPED at once; aliyun SuccessFirst CurrentStatus Stopping, or Stopped where the stop completes at once.',
    },
    (d) =>
      d === 'aliyun-ecs'
        ? rewriteApiAnswers(d, (body) => mapObjects(body, (obj) => (obj['CurrentStatus'] === 'Stopping' ? { ...obj, CurrentStatus: 'Stopped' } : obj)), undefined, { transitionMs: 0 })
        : startWithOptions(d, { transitionMs: 0 }),
  ),
  variant(
    {
      name: 'slow-stop',
      dialects: ALL,
      description: 'an accepted stop reads STOPPING for 4 s before STOPPED (within the poll bound)',
      allowedBy: 'DESIGN.md §3: After an accepted stop, the instance reads STOPPING or STOPPED at once and STOPPED within a bounded time.',
      pollTimeoutMs: 9_000,
    },
    (d) => startWithOptions(d, { transitionMs: 4_000 }),
  ),
  variant(
    {
      name: 'status-small-pages',
      dialects: ALL,
      description: 'status queries answer at most 7 entries per page whatever page size they ask, with totals',
      allowedBy: DESIGN_STATUS,
    },
    (d) => smallPages(d, 7, true),
  ),
  variant(
    {
      name: 'status-pages-without-totals',
      dialects: ALL,
      description: 'status queries answer at most 7 entries per page and carry no total or page fields',
      allowedBy: DESIGN_STATUS,
    },
    (d) => smallPages(d, 7, false),
  ),
  variant(
    {
      name: 'status-everything-at-once',
      dialects: ALL,
      description: 'status queries ignore page sizes and page numbers and answer every requested instance at once',
      allowedBy: DESIGN_STATUS,
    },
    (d) =>
      startWithHandler(
        d,
        (forward) => everyRequest(async (request) => (isStatesRequest(request) ? forward(request) : forward(await withoutPaging(request)))),
        { rules: { statusPage: { defaultSize: 100_000, maxSize: null } } },
      ),
  ),
  variant(
    {
      name: 'status-strict-maximum',
      dialects: ['zenlayer-vm', 'zenlayer-bmc'],
      description: 'status queries refuse a pageSize over 20 (a real maximum; the suite asks at most 20 of zenlayer)',
      allowedBy: 'DESIGN.md §3: zenlayer `pageSize` default 20 ... (zenlayer at most 20: no maximum is known)',
    },
    (d) => startWithOptions(d, { rules: { statusPage: { maxSize: 20 } } }),
  ),
  variant(
    {
      name: 'tencent-unsupported-operation-codes',
      dialects: TENCENT,
      description: "a status that may not be stopped answers the live API's UnsupportedOperation.InstanceState<Word>",
      allowedBy: "DESIGN.md §3: the live API's `UnsupportedOperation.InstanceState*` codes are accepted too.",
    },
    (d) => tencentStateCodes(d),
  ),
  variant(
    {
      name: 'aliyun-other-documented-codes',
      dialects: ['aliyun-ecs'],
      description: 'InstanceNotReady for Pending, Starting and Stopping; InvalidInstanceIds.NotFound for unknown ids; in SuccessFirst Abs.InvalidInstanceIds.MalFormed for a malformed id and blank statuses for every failed entry',
      allowedBy: 'DESIGN.md §3: Starting/Stopping/Pending -> 403 `IncorrectInstanceStatus` or `InstanceNotReady`; SuccessFirst: an id that is malformed or unknown gets ... `InvalidInstanceId.NotFound` ... or the malformed code; 004:184 404 InvalidInstanceIds.NotFound.',
    },
    () => aliyunOtherDocumentedCodes(),
  ),
  variant(
    {
      name: 'aliyun-incorrect-status-everywhere',
      dialects: ['aliyun-ecs'],
      description: 'IncorrectInstanceStatus for every status that may not be stopped (never InstanceNotReady)',
      allowedBy: 'DESIGN.md §3: Starting/Stopping/Pending -> 403 `IncorrectInstanceStatus` or `InstanceNotReady`.',
    },
    () => startWithOptions('aliyun-ecs', { rules: { notReadyWords: [] } }),
  ),
  variant(
    {
      name: 'other-undocumented-codes',
      dialects: ALL,
      description: 'other codes (zenlayer and aliyun: other 4xx statuses too) wherever no code is documented: missing or empty lists, too many ids, bad values, bad JSON, unknown actions, security locks; tencent errors stay HTTP 200',
      allowedBy: `${DESIGN_NO_CODE} aliyun: a security-locked instance is never stopped (403, code not documented).`,
    },
    (d) => startWithOptions(d, { rules: { codes: UNDOCUMENTED_CODES[family(d)] as Partial<Record<ErrorKey, ErrorSpec>> } }),
  ),
  variant(
    {
      name: 'refuses-duplicate-ids',
      dialects: ALL,
      description: 'a stop naming the same instance twice is refused as a client error and changes nothing',
      allowedBy: 'DESIGN.md §3: where the documents name no code a case asserts a client error or no 5xx; ids.duplicate.handled asks only "answered without a 5xx".',
    },
    (d) => refusesDuplicates(d),
  ),
  variant(
    {
      name: 'states-reply-and-transport',
      dialects: ALL,
      description: 'provider-state setup and teardown answer a non-empty JSON object; every answer closes its connection and comes 40 ms late',
      allowedBy: 'DESIGN.md §4: -> 200, JSON object (may be {}); HTTP/1.1 leaves keep-alive and latency to the server.',
    },
    (d) => statesReplyAndTransport(d),
  ),
  variant(
    {
      name: 'status-unknown-id-not-found',
      dialects: ALL,
      description: "a status query naming an unknown id answers the dialect's not-found error instead of leaving it out",
      allowedBy: "DESIGN.md §3: Unknown ids in a status query are left out of the result (or answered with the dialect's not-found error); the suite relies on neither.",
    },
    (d) =>
      startWithHandler(d, (forward, provider) =>
        everyRequest(async (request) => {
          if (isStatesRequest(request) || !STATUS_ACTIONS.has((await actionOf(request)) ?? '')) return forward(request);
          const unknown = (await requestedIds(request)).filter((id) => provider.store.get(id) === undefined);
          return unknown.length > 0 ? refuse(provider, request, 'notFound', `instance not found: ${unknown.join(', ')}`) : forward(request);
        }),
      ),
  ),
  variant(
    {
      name: 'path-prefix',
      dialects: ALL,
      description: 'the API and the provider-state endpoint live under a path prefix of the base URL (/gateway/v1), as behind an API gateway',
      allowedBy: 'DESIGN.md §2: Paths are relative to the target base URL.',
    },
    (d) => startWithOptions(d, { basePath: '/gateway/v1' }),
  ),
  variant(
    {
      name: 'rate-limit-fixed-window',
      dialects: ['tencent-cvm-api3'],
      description: 'the 10 StopInstances per second are counted in fixed calendar seconds instead of a sliding window',
      allowedBy: "DESIGN.md §3: api3 rate limit: 10 requests within a second must be served; a burst of 25 must see `RequestLimitExceeded` ... The window's shape is the target's choice.",
    },
    (d) => limited(d, new Set(['StopInstances']), () => fixedWindow(10), { rateLimitPerSecond: false }),
  ),
  variant(
    {
      name: 'rate-limit-token-bucket',
      dialects: ['tencent-cvm-api3'],
      description: 'the 10 StopInstances per second are a token bucket of 10 refilled at 10 per second',
      allowedBy: "DESIGN.md §3: The window's shape is the target's choice.",
    },
    (d) => limited(d, new Set(['StopInstances']), () => tokenBucket(10, 10), { rateLimitPerSecond: false }),
  ),
  variant(
    {
      name: 'throttled-status-query',
      dialects: ALL,
      description: "the status query is rate-limited too (40 per second, the dialect's rate-limit error), as real APIs limit every action",
      allowedBy: `${DESIGN_STATUS} (its rate is the target's choice too)`,
    },
    (d) => limited(d, STATUS_ACTIONS, () => fixedWindow(40)),
  ),
]);

/**
 * The legal variant with this name.
 *
 * @example
 * await legalVariant('instant-stop').start('zenlayer-vm')
 */
export function legalVariant(name: string): LegalVariant {
  const found = LEGAL_VARIANTS.find((v) => v.name === name);
  if (!found) throw new Error(`no legal variant named ${name}; known: ${LEGAL_VARIANTS.map((v) => v.name).join(', ')}`);
  return found;
}
