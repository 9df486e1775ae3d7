/**
 * The engine's checks, Schemathesis style: small named functions that look at facts and return findings, in two
 * typed registries whose keys are the check names: {@link CALL_CHECKS} (one exchange against its expectation) and
 * {@link STEP_CHECKS} (what a step left behind: the instances' states, the answers of a burst, the request ids of a
 * case). Checks never send requests themselves, except `state-eventual`, which polls through the function it is given.
 */
import type { Expectation, InstanceExpectation, Level } from '../cases/types.ts';
import type { StatusRead } from '../dialects/client.ts';
import { toCurl } from '../dialects/curl.ts';
import type { Dialect, DialectName, Exchange, Outcome, WireRequest } from '../dialects/types.ts';
import { getDialect } from '../dialects/index.ts';
import type { CheckName, Finding } from './types.ts';

/** The case-level facts every finding carries. */
export interface FindingScope {
  readonly caseId: string;
  readonly dialect: DialectName;
  readonly level: Level;
  readonly docRef: string;
  /** The rule a finding made in this scope names, until the engine binds it to the assertion it breaks. */
  readonly rule?: string;
  /** Its source (default: `docRef`). */
  readonly source?: string;
}

/**
 * What an answer was, for a fingerprint: its error code, else its HTTP status, else `no-answer`.
 *
 * @example
 * answerKey(exchange) // 'OPERATION_DENIED_INSTANCE_NOT_RUNNING', '500' or 'no-answer'
 */
export function answerKey(ex: Exchange): string {
  const code = ex.outcome?.error?.code;
  if (code !== undefined && code !== '') return code;
  if (ex.response) return String(ex.response.status);
  return 'no-answer';
}

/**
 * The stable fingerprint of a finding, `<dialect>/<case>/<check>/<code or HTTP status>` (issue 16): the same cause in
 * the same case gives the same fingerprint from run to run, whatever the message says (ids, request ids, timings).
 *
 * @example
 * fingerprintOf('zenlayer-vm', 'stop.single', 'http-status', '500') // 'zenlayer-vm/stop.single/http-status/500'
 */
export function fingerprintOf(dialect: DialectName, caseId: string, check: CheckName, key: string): string {
  return `${dialect}/${caseId}/${check}/${key}`;
}

/**
 * Build a finding in the one shape, with the request at fault as a curl line; `key` is what the target answered
 * (an error code, an HTTP status, a status word; see {@link answerKey}) for the fingerprint.
 */
export function makeFinding(
  scope: FindingScope,
  check: CheckName,
  message: string,
  request?: WireRequest,
  key = 'none',
): Finding {
  return {
    fingerprint: fingerprintOf(scope.dialect, scope.caseId, check, key),
    caseId: scope.caseId,
    dialect: scope.dialect,
    level: scope.level,
    check,
    rule: scope.rule ?? '',
    message,
    docRef: scope.docRef,
    source: scope.source ?? scope.docRef,
    curl: request ? toCurl(request) : undefined,
  };
}

/**
 * Whether a received error code matches an expected one. An expected code ending in `*` matches every code with that
 * prefix (DESIGN.md §3 accepts "the live API's `UnsupportedOperation.InstanceState*` codes").
 *
 * @example
 * codeMatches('UnsupportedOperation.InstanceState*', 'UnsupportedOperation.InstanceStateStopped') // true
 */
export function codeMatches(expected: string, received: string): boolean {
  return expected.endsWith('*') ? received.startsWith(expected.slice(0, -1)) && received.length >= expected.length : expected === received;
}

/** Whether a received code matches any expected code. */
export function anyCodeMatches(expected: readonly string[], received: string): boolean {
  return expected.some((e) => codeMatches(e, received));
}

/** What a per-call check looks at. */
export interface CallCheckInput {
  readonly scope: FindingScope;
  readonly exchange: Exchange;
  readonly expect: Expectation;
  /** Maps the keys of `expect.instances` (aliases or literal ids) to the ids sent. */
  readonly idOf: (key: string) => string;
  /** HTTP statuses the dialect's spec gives for an error code (x-vmconform errors table), if known. */
  readonly statusForCode: (code: string) => readonly number[] | undefined;
}

/** A check over one exchange. */
export type CallCheck = (input: CallCheckInput) => Finding[];

function excerpt(text: string | undefined, max = 300): string {
  if (text === undefined) return '(no body)';
  const t = text.length > max ? `${text.slice(0, max)}... (${text.length} chars)` : text;
  return JSON.stringify(t);
}

/** A short description of what came back, for "received ..." parts of messages. */
export function describeAnswer(ex: Exchange): string {
  if (ex.transportError) return `no answer (${ex.transportError})`;
  const o = ex.outcome;
  if (!o || !ex.response) return 'no answer';
  if (o.error) return `HTTP ${o.httpStatus} with error ${o.error.code}: ${JSON.stringify(o.error.message)}`;
  if (o.ok) return `HTTP ${o.httpStatus} with the success envelope`;
  return `HTTP ${o.httpStatus} with body ${excerpt(ex.response.bodyText)}`;
}

/** The success envelope with HTTP 200 and no error object. */
function isSuccessEnvelope(o: Outcome): boolean {
  return o.ok && o.error === undefined && o.httpStatus === 200;
}

/** The dialect's error envelope with the dialect's error statuses: HTTP 200 (tencent) or HTTP 4xx/5xx. */
function isErrorEnvelope(o: Outcome, http200Errors: boolean): boolean {
  if (o.error === undefined || o.ok) return false;
  return http200Errors ? o.httpStatus === 200 : o.httpStatus >= 400;
}

/** The dialect's error envelope as a client error: HTTP 4xx, or HTTP 200 where errors travel with HTTP 200. */
function isClientErrorEnvelope(o: Outcome, http200Errors: boolean): boolean {
  return isErrorEnvelope(o, http200Errors) && (http200Errors || o.httpStatus < 500);
}

function clientErrorWords(http200Errors: boolean): string {
  return http200Errors
    ? "a client error: HTTP 200 with Response.Error (the dialect's error envelope)"
    : "a client error: HTTP 4xx with the dialect's error envelope (a code)";
}

/**
 * What an answer turned out to be, for the engine's state book: the success envelope (HTTP 200), the dialect's error
 * envelope (any status), or neither (no answer, or not the API's envelopes).
 */
export function answerKind(ex: Exchange): 'success' | 'error' | 'other' {
  const o = ex.outcome;
  if (!o) return 'other';
  if (isSuccessEnvelope(o)) return 'success';
  if (o.error !== undefined && !o.ok) return 'error';
  return 'other';
}

const transportOk: CallCheck = ({ scope, exchange }) =>
  exchange.transportError || !exchange.response
    ? [
        makeFinding(
          scope,
          'transport-ok',
          `expected an HTTP answer, received none: ${exchange.transportError ?? 'no response'}`,
          exchange.request,
          answerKey(exchange),
        ),
      ]
    : [];

const notServerError: CallCheck = ({ scope, exchange }) => {
  const status = exchange.response?.status;
  return status !== undefined && status >= 500
    ? [
        makeFinding(
          scope,
          'not-server-error',
          `expected no 5xx, received HTTP ${status} with body ${excerpt(exchange.response?.bodyText)}`,
          exchange.request,
          answerKey(exchange),
        ),
      ]
    : [];
};

const decodable: CallCheck = ({ scope, exchange, expect }) => {
  const o = exchange.outcome;
  if (!o) return [];
  const want = expect.format ?? getDialect(scope.dialect).bodyFormat;
  const problems: string[] = [];
  if (o.format !== want) {
    problems.push(`expected a ${want.toUpperCase()} body, received ${o.format} body ${excerpt(exchange.response?.bodyText)}`);
  }
  if (o.decodeProblems.length > 0) {
    problems.push(`expected the dialect's envelope, received: ${o.decodeProblems.join('; ')}`);
  }
  return problems.map((m) => makeFinding(scope, 'decodable', m, exchange.request, answerKey(exchange)));
};

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;
const XML_TYPE = /^(application|text)\/([\w.+-]+\+)?xml\s*(;|$)/i;

const contentType: CallCheck = ({ scope, exchange, expect }) => {
  const o = exchange.outcome;
  if (!o) return [];
  const want = expect.format ?? getDialect(scope.dialect).bodyFormat;
  const received = o.contentType;
  const ok = received !== undefined && (want === 'xml' ? XML_TYPE : JSON_TYPE).test(received.trim());
  return ok
    ? []
    : [
        makeFinding(
          scope,
          'content-type',
          `expected Content-Type ${want === 'xml' ? 'application/xml or text/xml' : 'application/json'}, received ${received === undefined ? 'none' : JSON.stringify(received)}`,
          exchange.request,
          answerKey(exchange),
        ),
      ];
};

const schemaValid: CallCheck = ({ scope, exchange }) => {
  const errors = exchange.outcome?.schemaErrors ?? [];
  return errors.length > 0
    ? [
        makeFinding(
          scope,
          'schema-valid',
          `expected an answer valid against the spec, received ${errors.length} violation(s): ${errors.slice(0, 5).join('; ')}${errors.length > 5 ? '; ...' : ''}`,
          exchange.request,
          answerKey(exchange),
        ),
      ]
    : [];
};

const resultKind: CallCheck = ({ scope, exchange, expect }) => {
  const o = exchange.outcome;
  if (!o) return [];
  const http200Errors = getDialect(scope.dialect).errorsAsHttp200;
  let expected: string | undefined;
  switch (expect.result) {
    case 'success':
      if (!isSuccessEnvelope(o)) expected = 'the success envelope with HTTP 200';
      break;
    case 'error':
      if (o.error === undefined || o.ok) {
        expected = http200Errors ? "the error envelope (Response.Error)" : 'the error envelope (HTTP 4xx/5xx with a code)';
      }
      break;
    case 'client-error':
      // DESIGN.md §3: a client error is the dialect's error envelope (any code) with HTTP 4xx, or for dialects whose
      // errors travel with HTTP 200 (tencent), that error envelope with HTTP 200 (what the official SDKs expect).
      if (!isClientErrorEnvelope(o, http200Errors)) expected = clientErrorWords(http200Errors);
      break;
    case 'not-5xx':
      // "Handled without a 5xx" still means an answer in the API: the success envelope or the dialect's error
      // envelope (a 5xx error envelope is not-server-error's finding, not this one's).
      if (!isSuccessEnvelope(o) && !isErrorEnvelope(o, http200Errors)) {
        expected = `the success envelope with HTTP 200 or the dialect's error envelope (${http200Errors ? 'HTTP 200 with Response.Error' : 'HTTP 4xx with a code'})`;
      }
      break;
  }
  return expected === undefined
    ? []
    : [makeFinding(scope, 'result-kind', `expected ${expected}, received ${describeAnswer(exchange)}`, exchange.request, answerKey(exchange))];
};

function codeList(codes: readonly string[]): string {
  return codes.length === 1 ? (codes[0] ?? '') : `one of ${codes.join(', ')}`;
}

const errorCode: CallCheck = ({ scope, exchange, expect }) => {
  const o = exchange.outcome;
  const refused = expect.notCodes ?? [];
  if (o?.error !== undefined && refused.length > 0 && anyCodeMatches(refused, o.error.code)) {
    return [
      makeFinding(
        scope,
        'error-code',
        `expected an error code other than ${codeList(refused)}, received ${o.error.code} (${JSON.stringify(o.error.message)}) with HTTP ${o.httpStatus}`,
        exchange.request,
        answerKey(exchange),
      ),
    ];
  }
  const codes = expect.codes;
  if (!o || !codes || codes.length === 0 || o.error === undefined) return [];
  return anyCodeMatches(codes, o.error.code)
    ? []
    : [
        makeFinding(
          scope,
          'error-code',
          `expected error code ${codeList(codes)}, received ${o.error.code} (${JSON.stringify(o.error.message)}) with HTTP ${o.httpStatus}`,
          exchange.request,
          answerKey(exchange),
        ),
      ];
};

const httpStatus: CallCheck = ({ scope, exchange, expect, statusForCode }) => {
  const o = exchange.outcome;
  if (!o) return [];
  let allowed: readonly number[] | undefined = expect.httpStatus;
  let why = 'the case';
  if (!allowed && expect.result === 'success') allowed = [200];
  if (!allowed && expect.result === 'error' && expect.codes) {
    // The status the spec's errors table gives for the code received (when it is one of the expected ones),
    // else the statuses of every expected code.
    const received = o.error?.code;
    const codes = received !== undefined && anyCodeMatches(expect.codes, received) ? [received] : expect.codes;
    const set = new Set<number>();
    for (const code of codes) for (const s of statusForCode(code) ?? []) set.add(s);
    if (set.size > 0) {
      allowed = [...set].sort((a, b) => a - b);
      why = `the spec for ${codes.join('/')}`;
    }
  }
  if (!allowed || allowed.includes(o.httpStatus)) return [];
  return [
    makeFinding(
      scope,
      'http-status',
      `expected HTTP ${allowed.join(' or ')} (per ${why}), received ${describeAnswer(exchange)}`,
      exchange.request,
      answerKey(exchange),
    ),
  ];
};

const requestIdPresent: CallCheck = ({ scope, exchange }) => {
  const o = exchange.outcome;
  if (!o) return [];
  return typeof o.requestId === 'string' && o.requestId.length > 0
    ? []
    : [
        makeFinding(
          scope,
          'request-id-present',
          `expected a non-empty RequestId in the answer, received none (${describeAnswer(exchange)})`,
          exchange.request,
          answerKey(exchange),
        ),
      ];
};

function isSuccessCode(code: string): boolean {
  return code === '200' || code.toLowerCase() === 'success';
}

function matchesCode(want: InstanceExpectation['code'], got: string | undefined): boolean {
  if (got === undefined) return false;
  if (want === 'success') return isSuccessCode(got);
  // `*` alone: any error code, never a success (004:79: "200 indicates success").
  if (want.includes('*')) return !isSuccessCode(got) && got !== '';
  return anyCodeMatches(want, got);
}

function words(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string' ? [value] : value;
}

const perInstance: CallCheck = ({ scope, exchange, expect, idOf }) => {
  const o = exchange.outcome;
  const wanted = expect.instances;
  if (!o || !wanted) return [];
  const found: Finding[] = [];
  const add = (message: string): void => {
    found.push(makeFinding(scope, 'per-instance', message, exchange.request, answerKey(exchange)));
  };
  const entries = o.instances;
  if (!entries) {
    add(`expected one InstanceResponse per requested id, received no per-instance list (${describeAnswer(exchange)})`);
    return found;
  }
  const requested = [...new Set(exchange.call.instanceIds ?? [])];
  for (const id of requested) {
    const n = entries.filter((e) => e.instanceId === id).length;
    if (n !== 1) add(`expected exactly one InstanceResponse for ${id}, received ${n}`);
  }
  for (const e of entries) {
    if (!requested.includes(e.instanceId)) add(`expected InstanceResponses only for requested ids, received one for ${JSON.stringify(e.instanceId)}`);
  }
  for (const [key, want] of Object.entries(wanted)) {
    const id = idOf(key);
    const entry = entries.find((e) => e.instanceId === id);
    if (!entry) continue; // reported above (or the key is not requested: the count check above names it)
    if (!matchesCode(want.code, entry.code)) {
      add(
        `${key} (${id}): expected Code ${want.code === 'success' ? '200/success' : want.code.join(' or ')}, received ${entry.code === undefined ? 'none' : entry.code}${entry.message ? ` (${JSON.stringify(entry.message)})` : ''}`,
      );
    }
    if (want.previousStatus !== undefined && !words(want.previousStatus).includes(entry.previousStatus ?? '')) {
      add(`${key} (${id}): expected PreviousStatus ${words(want.previousStatus).join(' or ')}, received ${entry.previousStatus ?? 'none'}`);
    }
    if (want.currentStatus !== undefined && !words(want.currentStatus).includes(entry.status ?? '')) {
      add(`${key} (${id}): expected CurrentStatus ${words(want.currentStatus).join(' or ')}, received ${entry.status ?? 'none'}`);
    }
  }
  return found;
};

/** The registry of per-call checks; the key is the check's name in every finding. */
export const CALL_CHECKS = {
  'transport-ok': transportOk,
  'not-server-error': notServerError,
  decodable,
  'content-type': contentType,
  'schema-valid': schemaValid,
  'result-kind': resultKind,
  'error-code': errorCode,
  'http-status': httpStatus,
  'request-id-present': requestIdPresent,
  'per-instance': perInstance,
} as const satisfies Record<string, CallCheck>;

/** The name of a per-call check (a key of {@link CALL_CHECKS}). */
export type CallCheckName = keyof typeof CALL_CHECKS;

/**
 * The call checks one call step runs, in order, by the result it expects: `content-type` only where a seed states the
 * answer's Content-Type (aliyun, DESIGN.md §3), `error-code` for a documented code, `http-status` unless either
 * envelope will do, `per-instance` where the row states per-instance results.
 *
 * @example
 * callChecksFor(getDialect('zenlayer-vm'), { result: 'client-error' }) // no content-type, no error-code
 */
export function callChecksFor(dialect: Dialect, expect: Expectation): CallCheckName[] {
  const names: CallCheckName[] = ['transport-ok', 'not-server-error', 'decodable'];
  if (dialect.sources.contentType !== undefined) names.push('content-type');
  names.push('result-kind');
  // A not-5xx row may name the codes a refusal must carry (aws-ec2: a re-stop succeeds or answers IncorrectInstanceState).
  if (expect.result === 'error' || expect.notCodes !== undefined || (expect.codes?.length ?? 0) > 0) names.push('error-code');
  if (expect.result !== 'not-5xx') names.push('http-status');
  names.push('schema-valid', 'request-id-present');
  if (expect.instances) names.push('per-instance');
  return names;
}

/**
 * Run the call checks that apply to an expectation ({@link callChecksFor}). When the target sent no answer, only
 * `transport-ok` reports (the other checks have nothing to look at).
 */
export function runCallChecks(input: CallCheckInput): Finding[] {
  const names = callChecksFor(getDialect(input.scope.dialect), input.expect);
  const found: Finding[] = [];
  for (const name of names) found.push(...CALL_CHECKS[name](input));
  return found;
}

// ---------------------------------------------------------------------------------------------------------------
// Step checks

/** How many instances one finding names before it says "and N more" (one finding per root cause, never one per id). */
const NAMED_PER_FINDING = 5;

/** `a (id), b (id), ... and N more`. */
function nameInstances(items: readonly { readonly alias: string; readonly id: string }[]): string {
  const shown = items.slice(0, NAMED_PER_FINDING).map((e) => `${e.alias} (${e.id})`);
  const more = items.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/** Group items by a key, keeping first-seen order. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}

/** What an instance must read after a step: the seeded word, or (for stopped aliases) stopping or stopped. */
export interface InstanceStateExpectation {
  readonly alias: string;
  readonly id: string;
  /** Accepted status words. */
  readonly accept: readonly string[];
}

/** What `request-id-unique` looks at: every answer of a case. */
export interface RequestIdInput {
  readonly scope: FindingScope;
  readonly exchanges: readonly Exchange[];
}

/** What `state-immediate` (and `burst-state`) look at: the statuses read right after a step. */
export interface StateImmediateInput {
  readonly scope: FindingScope;
  readonly expected: readonly InstanceStateExpectation[];
  readonly read: StatusRead;
  /** The request that should (not) have changed the states. */
  readonly blame: WireRequest | undefined;
}

/** What `state-eventual` looks at: instances that must reach the stopped word, and a way to read them. */
export interface StateEventualInput {
  readonly scope: FindingScope;
  readonly expected: readonly { readonly alias: string; readonly id: string }[];
  readonly stoppedWord: string;
  readonly read: (ids: readonly string[]) => Promise<StatusRead>;
  readonly timeoutMs: number;
  readonly blame: WireRequest | undefined;
  /** Poll interval in ms (default 100). */
  readonly intervalMs?: number;
}

/** What the burst checks look at: every answer of a burst. */
export interface BurstInput {
  readonly scope: FindingScope;
  readonly answers: readonly Exchange[];
}

/** What `burst-some-refused` looks at: the answers and the code a refused request carries. */
export interface BurstRefusedInput extends BurstInput {
  readonly code: string;
  /**
   * From the first request sent to the last answer, in ms. When the burst took longer than `windowMs` (a loaded
   * client), the requests may legally have fallen into separate windows, so "none refused" proves nothing.
   */
  readonly spanMs?: number;
  /** The rate window in ms (1000 for "per second"). */
  readonly windowMs?: number;
}

/**
 * Every StopInstances answer in a case carries its own request id (the dialect's "unique request ID" line); duplicates
 * are one finding. Status answers are never judged for it (DESIGN.md §3: request-id uniqueness is judged on
 * StopInstances answers only).
 */
function requestIdUnique({ scope, exchanges }: RequestIdInput): Finding[] {
  const seen = new Set<string>();
  const repeated: { id: string; ex: Exchange }[] = [];
  for (const ex of exchanges) {
    if (ex.call.operation !== 'StopInstances') continue;
    const id = ex.outcome?.requestId;
    if (typeof id !== 'string' || id === '') continue;
    if (seen.has(id)) repeated.push({ id, ex });
    else seen.add(id);
  }
  const first = repeated[0];
  if (!first) return [];
  const ids = [...new Set(repeated.map((r) => JSON.stringify(r.id)))];
  return [
    makeFinding(
      scope,
      'request-id-unique',
      `expected a fresh RequestId per answer, received ${repeated.length} answer(s) repeating an earlier one in this case: ${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', ...' : ''}`,
      first.ex.request,
      'repeated',
    ),
  ];
}

function lastRequest(read: StatusRead): WireRequest | undefined {
  return read.exchanges.at(-1)?.request;
}

/** `state-immediate` or `burst-state`: each instance reads one of its accepted words right after the step. */
function stateCheck(check: 'state-immediate' | 'burst-state'): (input: StateImmediateInput) => Finding[] {
  return ({ scope, expected, read, blame }) => {
    if (read.problem) return [makeFinding(scope, check, `expected to read instance statuses, but the ${read.problem}`, lastRequest(read), 'unreadable')];
    const missing = expected.filter((e) => read.statuses.get(e.id) === undefined);
    const wrong = expected.filter((e) => {
      const got = read.statuses.get(e.id);
      return got !== undefined && !e.accept.includes(got);
    });
    const found: Finding[] = [];
    if (missing.length > 0) {
      const accept = [...new Set(missing.flatMap((e) => e.accept))];
      found.push(
        makeFinding(
          scope,
          check,
          `${missing.length === 1 ? '' : `${missing.length} instances: `}${nameInstances(missing)}: expected status ${accept.join(' or ')}, received no status (left out of the status query)`,
          lastRequest(read),
          'missing',
        ),
      );
    }
    for (const group of groupBy(wrong, (e) => `${e.accept.join('|')}>${read.statuses.get(e.id) ?? ''}`)) {
      const head = group[0] as InstanceStateExpectation;
      const got = read.statuses.get(head.id) ?? '';
      const total = expected.length;
      const lead = group.length === 1 ? nameInstances(group) : `${group.length} of ${total} instances changed (${nameInstances(group)})`;
      // The fingerprint does not name the word read (STOPPING or STOPPED is a matter of timing): 'changed'.
      found.push(makeFinding(scope, check, `${lead}: expected status ${head.accept.join(' or ')} right after the call, received ${got}`, blame, 'changed'));
    }
    return found;
  };
}

/** `state-eventual`: each stopped instance reads the stopped word within `timeoutMs`, polling with `read`. */
async function stateEventual(input: StateEventualInput): Promise<Finding[]> {
  const { scope, expected, stoppedWord, read, timeoutMs, blame } = input;
  const intervalMs = input.intervalMs ?? 100;
  if (expected.length === 0) return [];
  const deadline = Date.now() + timeoutMs;
  let last: StatusRead | undefined;
  let pending = [...expected];
  for (;;) {
    last = await read(pending.map((e) => e.id));
    pending = notYetStopped(pending, last, stoppedWord);
    if (pending.length === 0) return [];
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
  return eventualFindings({ scope, pending, last, stoppedWord, timeoutMs, blame });
}

/**
 * The instances of `pending` that do not read the stopped word in `read` (all of them when the read failed).
 *
 * @example
 * pending = notYetStopped(pending, read, 'STOPPED');
 */
export function notYetStopped<T extends { readonly id: string }>(pending: readonly T[], read: StatusRead, stoppedWord: string): T[] {
  return read.problem ? [...pending] : pending.filter((e) => read.statuses.get(e.id) !== stoppedWord);
}

/** What {@link eventualFindings} judges: the instances still not stopped when the poll bound ran out, and the last read. */
export interface EventualVerdictInput {
  readonly scope: FindingScope;
  /** The instances that did not read the stopped word. */
  readonly pending: readonly { readonly alias: string; readonly id: string }[];
  /** The last status read. */
  readonly last: StatusRead;
  readonly stoppedWord: string;
  readonly timeoutMs: number;
  readonly blame: WireRequest | undefined;
}

/**
 * The findings of `state-eventual` once polling ended without every instance stopped: the last read's problem, or the
 * instances still not stopped (grouped by what they read). `vmconform repro`'s script polls in steps and ends here too.
 *
 * @example
 * eventualFindings({ scope, pending, last, stoppedWord: 'STOPPED', timeoutMs: 10_000, blame: ex.request })
 */
export function eventualFindings({ scope, pending, last, stoppedWord, timeoutMs, blame }: EventualVerdictInput): Finding[] {
  if (last.problem) {
    return [makeFinding(scope, 'state-eventual', `expected to read instance statuses, but the ${last.problem}`, lastRequest(last), 'unreadable')];
  }
  const statuses = last.statuses;
  return groupBy(pending, (e) => statuses.get(e.id) ?? '').map((group) => {
    const got = statuses.get((group[0] as { id: string }).id);
    const lead = group.length === 1 ? nameInstances(group) : `${group.length} instances (${nameInstances(group)})`;
    return makeFinding(scope, 'state-eventual', `${lead}: expected status ${stoppedWord} within ${timeoutMs} ms, received ${got ?? 'no status'}`, blame, got === undefined ? 'missing' : 'not-stopped');
  });
}

/** A burst answer is a success: the success envelope with HTTP 200. */
export function isServed(ex: Exchange): boolean {
  return !!ex.outcome && isSuccessEnvelope(ex.outcome);
}

/** `burst-all-served`: every answer of the burst is a success. */
function burstAllServed({ scope, answers }: BurstInput): Finding[] {
  const bad = answers.filter((ex) => !isServed(ex));
  const first = bad[0];
  if (!first) return [];
  return [
    makeFinding(
      scope,
      'burst-all-served',
      `expected all ${answers.length} requests of the burst served, received ${bad.length} not served; first: ${describeAnswer(first)}`,
      first.request,
      answerKey(first),
    ),
  ];
}

/** `burst-some-refused`: at least one answer is the error `code`; every other is a success. */
function burstSomeRefused({ scope, answers, code, spanMs, windowMs }: BurstRefusedInput): Finding[] {
  const found: Finding[] = [];
  const refused = answers.filter((ex) => ex.outcome?.error?.code === code);
  const other = answers.filter((ex) => ex.outcome?.error?.code !== code && !isServed(ex));
  const conclusive = spanMs === undefined || windowMs === undefined || spanMs <= windowMs;
  if (refused.length === 0 && conclusive) {
    found.push(
      makeFinding(
        scope,
        'burst-some-refused',
        `expected at least one of ${answers.length} requests refused with ${code}, received none refused`,
        answers[0]?.request,
        'none-refused',
      ),
    );
  }
  const firstOther = other[0];
  if (firstOther) {
    found.push(
      makeFinding(
        scope,
        'burst-some-refused',
        `expected every request of the burst served or refused with ${code}, received ${other.length} other answer(s); first: ${describeAnswer(firstOther)}`,
        firstOther.request,
        answerKey(firstOther),
      ),
    );
  }
  return found;
}

/** The registry of step checks; the key is the check's name in every finding. */
export const STEP_CHECKS = {
  'request-id-unique': requestIdUnique,
  'state-immediate': stateCheck('state-immediate'),
  'burst-state': stateCheck('burst-state'),
  'state-eventual': stateEventual,
  'burst-all-served': burstAllServed,
  'burst-some-refused': burstSomeRefused,
} as const;

/** The name of a step check (a key of {@link STEP_CHECKS}). */
export type StepCheckName = keyof typeof STEP_CHECKS;
