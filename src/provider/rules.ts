/**
 * The reference provider's rules as data (DESIGN.md §2-§3), one object per dialect. Behaviour modules read only
 * these, so a deliberately wrong provider is one overridden field away (`ProviderOptions.rules`).
 */
import type { DialectName } from '../dialects/types.ts';
import { LIFECYCLE_WORDS, STATUS_WORDS } from '../dialects/vocabulary.ts';

/** One error the provider can answer: the dialect's code and the HTTP status it travels with. */
export interface ErrorSpec {
  readonly code: string;
  /** HTTP status. Tencent answers every error with 200 (DESIGN.md §3). */
  readonly httpStatus: number;
}

/** Every error situation the provider knows, by a dialect-neutral key. */
export type ErrorKey =
  /** A required parameter (ids, Region, Version...) is absent. */
  | 'missingParameter'
  /** The request cannot be read: bad JSON, not an object, wrong content type, duplicated parameter. */
  | 'invalidParameter'
  /** A parameter has a value the document does not allow (enum, boolean, paging). */
  | 'invalidParameterValue'
  /** An explicit empty id list. */
  | 'emptyIds'
  /** More ids than `maxIds`. */
  | 'limitExceeded'
  /** An id that does not match `idPattern`. */
  | 'malformedId'
  /** An id nobody seeded. */
  | 'notFound'
  /** The instance is in a status that may not be stopped. */
  | 'wrongState'
  /** The instance is in a transitional status (`notReadyWords`, aliyun `InstanceNotReady`). */
  | 'notReady'
  /** The instance is in the recycle bin (`recycledWords`, zenlayer). */
  | 'recycled'
  /** The instance is locked for security reasons (aliyun). */
  | 'securityLocked'
  /** The action is not one the dialect offers. */
  | 'unknownAction'
  /** The version is not the documented one. */
  | 'badVersion'
  /** Rate limit hit (tencent only: zenlayer and aliyun providers never limit, so their entries are never answered). */
  | 'rateLimited'
  /** Signature missing or wrong. */
  | 'signatureFailure'
  /** Signature timestamp too old or too far in the future. */
  | 'signatureExpired'
  /** The access key id is not the configured one. */
  | 'unknownAccessKey'
  /** Body larger than `maxBodyBytes`. */
  | 'bodyTooLarge'
  /** aliyun dry run that passed. */
  | 'dryRunSuccess';

/** The code table of a dialect. */
export type CodeTable = Readonly<Record<ErrorKey, ErrorSpec>>;

/** Everything the provider decides by, for one dialect. */
export interface DialectRules {
  /** Most ids one StopInstances or status query accepts (all five documents: 100). */
  readonly maxIds: number;
  /** Valid id syntax; `null` means any non-empty string (zenlayer documents no malformed error). */
  readonly idPattern: RegExp | null;
  /** Every status word of the dialect, in its own spelling (DESIGN.md §2). */
  readonly statusWords: readonly string[];
  /** The words for running, stopping and stopped. */
  readonly lifecycle: { readonly running: string; readonly stopping: string; readonly stopped: string };
  /** Status words from which a stop is accepted. */
  readonly stoppableWords: readonly string[];
  /** Status words meaning "in the recycle bin" (answered with `recycled`, which wins over `wrongState`). */
  readonly recycledWords: readonly string[];
  /** Status words answered with `notReady` instead of `wrongState`. */
  readonly notReadyWords: readonly string[];
  /** Whether `securityLocked` instances are refused (aliyun-ecs only). */
  readonly honourSecurityLock: boolean;
  /** All or nothing: a batch with one bad instance stops none (DESIGN.md §3). `false` makes a wrong provider. */
  readonly atomicBatch: boolean;
  /**
   * The order in which per-instance problems of a batch are reported (the first present wins): zenlayer's recycle
   * bin before NOT_RUNNING (DESIGN.md §3). Keys not listed rank last.
   */
  readonly problemPrecedence: readonly ErrorKey[];
  /** Status query paging: default and largest page size (`null`: no maximum, the page holds what there is). */
  readonly statusPage: { readonly defaultSize: number; readonly maxSize: number | null };
  /** The documented API version (tencent `2017-03-12`, aliyun `2014-05-26`); `null` when not checked. */
  readonly version: string | null;
  /** Whether the region parameter is required. */
  readonly requireRegion: boolean;
  /** The code table. */
  readonly codes: CodeTable;
}

/** A partial override of a dialect's rules; `codes` and `lifecycle` merge field by field. */
export type RulesOverride = Partial<Omit<DialectRules, 'codes' | 'lifecycle' | 'statusPage'>> & {
  readonly codes?: Partial<Record<ErrorKey, ErrorSpec>>;
  readonly lifecycle?: Partial<DialectRules['lifecycle']>;
  readonly statusPage?: Partial<DialectRules['statusPage']>;
};

/** The reference order of per-instance problems in a batch (the first present wins). */
export const DEFAULT_PROBLEM_PRECEDENCE: readonly ErrorKey[] = Object.freeze([
  'malformedId',
  'notFound',
  'securityLocked',
  'recycled',
  'notReady',
  'wrongState',
]);

/**
 * The reference order with the recycle bin last, so NOT_RUNNING wins over it in a batch: what DESIGN.md §3 forbids
 * (the recycle bin takes precedence). For the wrong provider and the rule flip that break that rule.
 */
export const RECYCLED_LAST_PRECEDENCE: readonly ErrorKey[] = Object.freeze([
  ...DEFAULT_PROBLEM_PRECEDENCE.filter((k) => k !== 'recycled'),
  'recycled',
]);

/** Tencent answers errors with HTTP 200 and `Response.Error` (DESIGN.md §3). */
function tc(code: string): ErrorSpec {
  return { code, httpStatus: 200 };
}

const TENCENT_CODES: CodeTable = {
  missingParameter: tc('MissingParameter'),
  invalidParameter: tc('InvalidParameter'),
  invalidParameterValue: tc('InvalidParameterValue'),
  emptyIds: tc('InvalidParameterValue'),
  limitExceeded: tc('InvalidParameterValue.LimitExceeded'),
  malformedId: tc('InvalidInstanceId.Malformed'),
  notFound: tc('InvalidInstanceId.NotFound'),
  wrongState: tc('InvalidInstance.NotSupported'),
  notReady: tc('InvalidInstance.NotSupported'),
  recycled: tc('InvalidInstance.NotSupported'),
  securityLocked: tc('InvalidInstance.NotSupported'),
  unknownAction: tc('InvalidAction'),
  // 000:41, 002:83: "Parameter value is in an incorrect format or is not supported".
  badVersion: tc('InvalidParameterValue'),
  rateLimited: tc('RequestLimitExceeded'),
  signatureFailure: tc('AuthFailure.SignatureFailure'),
  signatureExpired: tc('AuthFailure.SignatureExpire'),
  unknownAccessKey: tc('AuthFailure.SecretIdNotFound'),
  bodyTooLarge: tc('RequestSizeLimitExceeded'),
  dryRunSuccess: tc('InvalidParameter'),
};

function tencentRules(): DialectRules {
  return {
    maxIds: 100,
    idPattern: /^ins-[a-z0-9]{8}$/,
    statusWords: STATUS_WORDS['tencent-cvm-api2'],
    lifecycle: LIFECYCLE_WORDS['tencent-cvm-api2'],
    stoppableWords: ['RUNNING'],
    recycledWords: [],
    notReadyWords: [],
    honourSecurityLock: false,
    atomicBatch: true,
    problemPrecedence: DEFAULT_PROBLEM_PRECEDENCE,
    statusPage: { defaultSize: 20, maxSize: 100 },
    version: '2017-03-12',
    requireRegion: true,
    codes: TENCENT_CODES,
  };
}

const ZENLAYER_CODES: CodeTable = {
  missingParameter: { code: 'MISSING_PARAMETER', httpStatus: 400 },
  invalidParameter: { code: 'INVALID_PARAMETER', httpStatus: 400 },
  invalidParameterValue: { code: 'INVALID_PARAMETER', httpStatus: 400 },
  emptyIds: { code: 'INVALID_PARAMETER', httpStatus: 400 },
  limitExceeded: { code: 'INVALID_PARAMETER_LIMIT_EXCEEDED', httpStatus: 400 },
  malformedId: { code: 'INVALID_PARAMETER', httpStatus: 400 },
  notFound: { code: 'INVALID_INSTANCE_NOT_FOUND', httpStatus: 404 },
  wrongState: { code: 'OPERATION_DENIED_INSTANCE_NOT_RUNNING', httpStatus: 403 },
  notReady: { code: 'OPERATION_DENIED_INSTANCE_NOT_RUNNING', httpStatus: 403 },
  recycled: { code: 'OPERATION_DENIED_INSTANCE_RECYCLED', httpStatus: 403 },
  securityLocked: { code: 'OPERATION_DENIED_INSTANCE_NOT_RUNNING', httpStatus: 403 },
  unknownAction: { code: 'INVALID_ACTION', httpStatus: 400 },
  badVersion: { code: 'INVALID_PARAMETER', httpStatus: 400 },
  rateLimited: { code: 'REQUEST_LIMIT_EXCEEDED', httpStatus: 429 },
  signatureFailure: { code: 'AUTH_FAILURE_SIGNATURE_FAILURE', httpStatus: 401 },
  signatureExpired: { code: 'AUTH_FAILURE_SIGNATURE_EXPIRED', httpStatus: 401 },
  unknownAccessKey: { code: 'AUTH_FAILURE_ACCESS_KEY_NOT_FOUND', httpStatus: 401 },
  bodyTooLarge: { code: 'REQUEST_BODY_TOO_LARGE', httpStatus: 413 },
  dryRunSuccess: { code: 'INVALID_PARAMETER', httpStatus: 400 },
};

function zenlayerRules(kind: 'vm' | 'bmc'): DialectRules {
  const statusWords = STATUS_WORDS[kind === 'vm' ? 'zenlayer-vm' : 'zenlayer-bmc'];
  return {
    maxIds: 100,
    idPattern: null,
    statusWords,
    lifecycle: LIFECYCLE_WORDS['zenlayer-vm'],
    // DESIGN.md §3: RUNNING wins over 001's "only STOPPED" note.
    stoppableWords: ['RUNNING'],
    recycledWords: ['RECYCLE', 'RECYCLING'],
    notReadyWords: [],
    honourSecurityLock: false,
    atomicBatch: true,
    problemPrecedence: DEFAULT_PROBLEM_PRECEDENCE,
    // DESIGN.md §3: pageSize default 20; the documents state no maximum, so any positive size is served.
    statusPage: { defaultSize: 20, maxSize: null },
    version: null,
    requireRegion: false,
    codes: ZENLAYER_CODES,
  };
}

const ALIYUN_CODES: CodeTable = {
  missingParameter: { code: 'MissingParameter', httpStatus: 400 },
  invalidParameter: { code: 'InvalidParameter', httpStatus: 400 },
  invalidParameterValue: { code: 'InvalidParameter', httpStatus: 400 },
  emptyIds: { code: 'MissingParameter', httpStatus: 400 },
  limitExceeded: { code: 'InvalidParameter', httpStatus: 400 },
  malformedId: { code: 'Abs.InvalidInstanceIds.MalFormed', httpStatus: 403 },
  notFound: { code: 'InvalidInstanceId.NotFound', httpStatus: 404 },
  wrongState: { code: 'IncorrectInstanceStatus', httpStatus: 403 },
  notReady: { code: 'InstanceNotReady', httpStatus: 403 },
  recycled: { code: 'IncorrectInstanceStatus', httpStatus: 403 },
  securityLocked: { code: 'InstanceLockedForSecurity', httpStatus: 403 },
  unknownAction: { code: 'InvalidAction.NotFound', httpStatus: 404 },
  badVersion: { code: 'InvalidVersion', httpStatus: 400 },
  rateLimited: { code: 'Throttling', httpStatus: 400 },
  signatureFailure: { code: 'SignatureDoesNotMatch', httpStatus: 400 },
  signatureExpired: { code: 'InvalidTimeStamp.Expired', httpStatus: 400 },
  unknownAccessKey: { code: 'InvalidAccessKeyId.NotFound', httpStatus: 404 },
  bodyTooLarge: { code: 'InvalidParameter', httpStatus: 413 },
  dryRunSuccess: { code: 'DRYRUN.SUCCESS', httpStatus: 400 },
};

function aliyunRules(): DialectRules {
  return {
    maxIds: 100,
    idPattern: /^i-[a-z0-9]+$/,
    statusWords: STATUS_WORDS['aliyun-ecs'],
    lifecycle: LIFECYCLE_WORDS['aliyun-ecs'],
    stoppableWords: ['Running'],
    recycledWords: [],
    // DESIGN.md §3: Starting/Stopping/Pending -> IncorrectInstanceStatus or InstanceNotReady.
    notReadyWords: ['Pending', 'Starting'],
    honourSecurityLock: true,
    atomicBatch: true,
    problemPrecedence: DEFAULT_PROBLEM_PRECEDENCE,
    statusPage: { defaultSize: 10, maxSize: 50 },
    version: '2014-05-26',
    requireRegion: true,
    codes: ALIYUN_CODES,
  };
}

/**
 * The reference rules of a dialect (a fresh object each call).
 *
 * @example
 * defaultRules('aliyun-ecs').codes.malformedId.code // 'Abs.InvalidInstanceIds.MalFormed'
 */
export function defaultRules(dialect: DialectName): DialectRules {
  switch (dialect) {
    case 'tencent-cvm-api2':
    case 'tencent-cvm-api3':
      return tencentRules();
    case 'zenlayer-vm':
      return zenlayerRules('vm');
    case 'zenlayer-bmc':
      return zenlayerRules('bmc');
    case 'aliyun-ecs':
      return aliyunRules();
  }
}

/**
 * The reference rules with an override applied (codes, lifecycle and paging merge field by field).
 *
 * @example
 * resolveRules('zenlayer-vm', { stoppableWords: ['STOPPED'] }) // a provider that follows 001's wrong note
 */
export function resolveRules(dialect: DialectName, override?: RulesOverride): DialectRules {
  const base = defaultRules(dialect);
  if (!override) return base;
  return {
    ...base,
    ...override,
    codes: { ...base.codes, ...override.codes },
    lifecycle: { ...base.lifecycle, ...override.lifecycle },
    statusPage: { ...base.statusPage, ...override.statusPage },
  };
}

/** Whether an id is valid for the rules (non-empty string matching `idPattern`). */
export function isValidId(rules: DialectRules, id: unknown): id is string {
  if (typeof id !== 'string' || id.length === 0) return false;
  return rules.idPattern === null || rules.idPattern.test(id);
}
