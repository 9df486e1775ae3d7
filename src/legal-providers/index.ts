/**
 * Legal providers, the mirror of `src/wrong-providers/`: the reference provider with choices the documents and
 * DESIGN.md §2-§4 leave open made another way. The families of choices live in `perturbations.ts` (one data row each,
 * with the pin that makes them legal); `generate.ts` generates random combinations of them (the legal-provider
 * generator). This module names a few fixed combinations, the hand-picked legal variants other tests run (the Pact
 * contracts and the fuzzer must raise no false alarm against them either). A failure against any legal provider is a
 * false alarm of the suite, never a finding about the provider.
 */
import type { Protocol } from '../dialects/description.ts';
import { describeDialect, dialectsSpeaking } from '../dialects/descriptions/index.ts';
import type { DialectName } from '../dialects/types.ts';
import { DIALECT_NAMES } from '../dialects/types.ts';
import type { CodeTable } from '../provider/rules.ts';
import type { RunningProvider } from '../provider/server.ts';
import { startSpec, type VariantStartOptions } from '../provider-variants/build.ts';
import { composeCombination, type Combination } from './generate.ts';
import { BASE_POLL_TIMEOUT_MS, notStoppableWords, perturbationFamily, type FamilyParams } from './perturbations.ts';

/** One named legal variant of the reference provider: a fixed combination of perturbations. */
export interface LegalVariant {
  /** Stable slug, e.g. `extra-fields`. */
  readonly name: string;
  /** The dialects it applies to. */
  readonly dialects: readonly DialectName[];
  /** What it does differently, in one line. */
  readonly description: string;
  /** Why that is legal: the DESIGN.md pins or seed lines of its perturbations. */
  readonly allowedBy: string;
  /** The poll timeout a run against it needs (slow stops), if longer than the default. */
  readonly pollTimeoutMs?: number;
  /** Its perturbations for a dialect. */
  combination(dialect: DialectName): Combination;
  /** Start it for one of its dialects on an ephemeral loopback port. */
  start(dialect: DialectName, options?: VariantStartOptions): Promise<RunningProvider>;
}

const ALL = DIALECT_NAMES;
const TENCENT: readonly DialectName[] = dialectsSpeaking('tencent');
const ALIYUN: readonly DialectName[] = dialectsSpeaking('aliyun');
const EC2: readonly DialectName[] = dialectsSpeaking('ec2');
/** The dialects with a documented rate limit (tencent-cvm-api3). */
const RATE_LIMITED: readonly DialectName[] = ALL.filter((d) => describeDialect(d).rateLimit !== undefined);

/** A named variant made of fixed perturbations (per dialect when `perturbations` is a function). */
function variant(
  spec: { name: string; dialects: readonly DialectName[]; description: string },
  perturbations: Combination | ((dialect: DialectName) => Combination),
): LegalVariant {
  const combination = (dialect: DialectName): Combination => (typeof perturbations === 'function' ? perturbations(dialect) : perturbations);
  const families = [...new Set(spec.dialects.flatMap((d) => combination(d).map((p) => p.family)))];
  const polls = spec.dialects.map((d) => composeCombination(d, combination(d)).pollTimeoutMs);
  const pollTimeoutMs = Math.max(...polls);
  return {
    ...spec,
    allowedBy: families.map((f) => perturbationFamily(f).allowedBy).join('; '),
    ...(pollTimeoutMs > BASE_POLL_TIMEOUT_MS ? { pollTimeoutMs } : {}),
    combination,
    start: async (dialect, options) => {
      if (!spec.dialects.includes(dialect)) throw new Error(`legal variant ${spec.name} does not apply to ${dialect}`);
      return startSpec(dialect, composeCombination(dialect, combination(dialect)).spec)(options);
    },
  };
}

const p = (family: string, params: FamilyParams): Combination[number] => ({ family, params });

/** Other codes (and for zenlayer and aliyun other 4xx statuses) wherever the documents name none (DESIGN.md §3). */
const UNDOCUMENTED_CODES: Readonly<Record<Protocol, Partial<CodeTable>>> = {
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
  // aws-ec2.md:171, 189-190, 205: any client error where the pins require no code.
  ec2: {
    invalidParameter: { code: 'InvalidRequest', httpStatus: 400 },
    invalidParameterValue: { code: 'InvalidParameter', httpStatus: 400 },
    emptyIds: { code: 'InvalidParameter', httpStatus: 422 },
    limitExceeded: { code: 'InvalidParameterValue.TooMany', httpStatus: 413 },
    unknownAction: { code: 'InvalidAction.NotFound', httpStatus: 404 },
    badVersion: { code: 'NoSuchVersion', httpStatus: 400 },
  },
};

/**
 * The content types of the family `content-types`: aliyun's by answer format (JSON or XML), the others' by answer kind,
 * in the dialect's body format (aws-ec2 answers XML only).
 */
const contentTypes = (d: DialectName, json: string, xml: string): FamilyParams => {
  const description = describeDialect(d);
  if (description.xmlAnswers) return { json, xml };
  const type = description.bodyFormat === 'xml' ? xml : json;
  return { success: type, error: type, status: type };
};

/** Every kind of answer. */
const EVERY_KIND = ['success', 'error', 'status'];

/**
 * The named legal variants: fixed combinations of perturbations.
 *
 * @example
 * const v = LEGAL_VARIANTS.find((x) => x.name === 'extra-fields')!;
 * const running = await v.start('aliyun-ecs'); // ... run every aliyun-ecs case against running.url: all pass ...
 */
export const LEGAL_VARIANTS: readonly LegalVariant[] = Object.freeze([
  variant(
    { name: 'extra-fields', dialects: ALL, description: 'unknown fields in every object of every answer, top level and nested (JSON and XML), content type application/json;charset=UTF-8' },
    (d) => [
      p('content-types', contentTypes(d, 'application/json;charset=UTF-8', 'application/xml')),
      p('extra-members', { seed: 0, names: ['ExtraInfo', 'extra_flag'], values: ['vmconform legal variant', true], kinds: EVERY_KIND, everywhere: true }),
    ],
  ),
  variant(
    { name: 'other-request-ids-and-order', dialects: ALL, description: 'request ids in another format (req-<hex>), every list in reverse order, content types without parameters (application/json, application/xml)' },
    (d) => [
      p('content-types', contentTypes(d, 'application/json', 'application/xml')),
      p('request-id-formats', { success: 'prefixed', error: 'prefixed', status: 'prefixed' }),
      p('list-order', { order: 'reverse', seed: 0 }),
    ],
  ),
  variant(
    { name: 'instant-stop', dialects: ALL, description: 'an accepted stop reads STOPPED at once (no STOPPING); aliyun per-instance CurrentStatus Stopped' },
    // Where answers list per-instance results (aliyun SuccessFirst), they say Stopped too.
    (d) => [p('stop-duration', { ms: 0, sayStopped: describeDialect(d).sources.perInstance !== undefined })],
  ),
  variant({ name: 'slow-stop', dialects: ALL, description: 'an accepted stop reads STOPPING for 4 s before STOPPED (within the poll bound)' }, [p('stop-duration', { ms: 4_000, sayStopped: false })]),
  variant({ name: 'status-small-pages', dialects: ALL, description: 'status queries answer at most 7 entries per page whatever page size they ask, with totals' }, [
    p('status-paging', { mode: 'small', cap: 7, totals: true }),
  ]),
  variant({ name: 'status-pages-without-totals', dialects: ALL, description: 'status queries answer at most 7 entries per page and carry no total or page fields' }, [
    p('status-paging', { mode: 'small', cap: 7, totals: false }),
  ]),
  variant({ name: 'status-everything-at-once', dialects: ALL, description: 'status queries ignore page sizes and page numbers and answer every requested instance at once' }, [
    p('status-paging', { mode: 'all-at-once' }),
  ]),
  variant(
    { name: 'status-strict-maximum', dialects: ALL.filter((d) => describeDialect(d).statusQuery.maxPageSize === null), description: 'status queries refuse a pageSize over 20 (a real maximum; the suite asks at most 20 of zenlayer)' },
    [p('status-paging', { mode: 'strict-maximum' })],
  ),
  variant(
    { name: 'tencent-unsupported-operation-codes', dialects: TENCENT, description: "a status that may not be stopped answers the live API's UnsupportedOperation.InstanceState<Word>" },
    (d) => [p('tencent-state-codes', { words: notStoppableWords(d) })],
  ),
  variant(
    {
      name: 'aliyun-other-documented-codes',
      dialects: ALIYUN,
      description: 'InstanceNotReady for Pending, Starting and Stopping; InvalidInstanceIds.NotFound for unknown ids; in SuccessFirst Abs.InvalidInstanceIds.MalFormed for a malformed id and blank statuses for every failed entry',
    },
    [
      p('aliyun-not-ready-codes', { Pending: 'InstanceNotReady', Starting: 'InstanceNotReady', Stopping: 'InstanceNotReady' }),
      p('aliyun-id-codes', { malformed: 'Abs.InvalidInstanceIds.MalFormed', unknown: 'InvalidInstanceIds.NotFound', successFirstMalformed: 'Abs.InvalidInstanceIds.MalFormed' }),
      p('aliyun-failed-entry-statuses', { blank: 'both' }),
    ],
  ),
  variant(
    { name: 'aliyun-incorrect-status-everywhere', dialects: ALIYUN, description: 'IncorrectInstanceStatus for every status that may not be stopped (never InstanceNotReady)' },
    [p('aliyun-not-ready-codes', { Pending: 'IncorrectInstanceStatus', Starting: 'IncorrectInstanceStatus', Stopping: 'IncorrectInstanceStatus' })],
  ),
  variant(
    {
      name: 'other-undocumented-codes',
      dialects: ALL,
      description: 'other codes (zenlayer and aliyun: other 4xx statuses too) wherever no code is documented: missing or empty lists, too many ids, bad values, bad JSON, unknown actions, security locks; tencent errors stay HTTP 200',
    },
    (d) => [p('undocumented-codes', UNDOCUMENTED_CODES[describeDialect(d).protocol])],
  ),
  variant(
    // Issue 17: EC2 emulators choose their own instance ids; the provider-state id map (DESIGN.md §4) is how they take part.
    { name: 'ec2-own-instance-ids', dialects: EC2, description: 'an EC2 emulator that creates its own instance ids (i- + 17 hex digits) at every setup and answers the id map; the suite uses its ids throughout' },
    [p('id-map', { seed: 17, style: 'long', keepSome: false })],
  ),
  variant({ name: 'refuses-duplicate-ids', dialects: ALL, description: 'a stop naming the same instance twice is refused as a client error and changes nothing' }, [
    p('refuses-duplicate-ids', { refuse: true }),
  ]),
  variant(
    { name: 'states-reply-and-transport', dialects: ALL, description: 'provider-state setup and teardown answer a non-empty JSON object; every answer closes its connection and comes 40 ms late' },
    [
      p('transport', { delayMs: 40, closeConnection: true, extraHeaders: false }),
      p('states-reply', {
        setup: { status: 200, body: 'json-object', contentType: 'application/json' },
        teardown: { status: 200, body: 'json-object', contentType: 'application/json' },
      }),
    ],
  ),
  variant(
    { name: 'status-unknown-id-not-found', dialects: ALL, description: "a status query naming an unknown id answers the dialect's not-found error instead of leaving it out" },
    [p('status-unknown-ids', { notFound: true })],
  ),
  variant(
    { name: 'path-prefix', dialects: ALL, description: 'the API and the provider-state endpoint live under a path prefix of the base URL (/gateway/v1), as behind an API gateway' },
    [p('path-prefix', { prefix: '/gateway/v1' })],
  ),
  variant(
    { name: 'rate-limit-fixed-window', dialects: RATE_LIMITED, description: 'the 10 StopInstances per second are counted in fixed calendar seconds instead of a sliding window' },
    [p('rate-limit-shape', { shape: 'fixed-window' })],
  ),
  variant(
    { name: 'rate-limit-token-bucket', dialects: RATE_LIMITED, description: 'the 10 StopInstances per second are a token bucket of 10 refilled at 10 per second' },
    [p('rate-limit-shape', { shape: 'token-bucket' })],
  ),
  variant(
    { name: 'throttled-status-query', dialects: ALL, description: "the status query is rate-limited too (40 per second, the dialect's rate-limit error), as real APIs limit every action" },
    [p('status-throttle', { perSecond: 40 })],
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
