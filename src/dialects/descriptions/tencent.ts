/**
 * What tencent-cvm-api2 and tencent-cvm-api3 share (seeds 000 and 002, DESIGN.md §2-§3): status words, ids, version,
 * region, envelopes, the status query and the code table. Each dialect's description adds its path and styles.
 */
import type { AnswerShape, CodeTable, DescriptionInput, ErrorSpec, StyleWire } from '../description.ts';

/** Every CVM status word (DESIGN.md §2). */
export const TENCENT_STATUS_WORDS: readonly string[] = Object.freeze([
  'PENDING',
  'LAUNCH_FAILED',
  'RUNNING',
  'STOPPED',
  'STARTING',
  'STOPPING',
  'REBOOTING',
  'SHUTDOWN',
  'TERMINATING',
]);

/** Tencent answers errors with HTTP 200 and `Response.Error` (DESIGN.md §3). */
function tc(code: string): ErrorSpec {
  return Object.freeze({ code, httpStatus: 200 });
}

/** The documented codes (000:36-43, 002:79-85) and the reference provider's choices where none is documented. */
const TENCENT_CODES: CodeTable = Object.freeze({
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
});

/** Where the `{"Response": ...}` envelope keeps things (000:59-66, 002:58-61; DESIGN.md §2). */
const TENCENT_ANSWERS: AnswerShape = Object.freeze({
  envelope: ['Response'],
  requestIds: [['Response', 'RequestId']],
  error: ['Response', 'Error'],
  errorCode: 'Code',
  errorMessage: 'Message',
  statusList: ['Response', 'InstanceStatusSet'],
  statusId: 'InstanceId',
  statusWord: 'InstanceState',
  pagingFields: ['TotalCount'],
});

/**
 * A GET with everything in the query, ids `InstanceIds.N` from `indexBase` (api2 1-based, 000:53; api3's GET 0-based),
 * booleans `TRUE`/`FALSE` (000:21, 002:28-29), the HmacSHA256 query signature.
 */
export function tencentQueryGet(indexBase: 0 | 1): StyleWire {
  return Object.freeze({
    style: 'query-get',
    method: 'GET',
    action: { in: 'query', name: 'Action' },
    version: { in: 'query', name: 'Version' },
    region: { in: 'query', name: 'Region' },
    ids: { in: 'query', name: 'InstanceIds', indexBase },
    booleans: { true: 'TRUE', false: 'FALSE' },
    signer: { scheme: 'tencent-v2' },
  } as const);
}

/** The facts both tencent dialects share. */
export const TENCENT_COMMON = Object.freeze({
  protocol: 'tencent',
  actions: Object.freeze({ StopInstances: 'StopInstances', DescribeStatus: 'DescribeInstancesStatus' }),
  // 000:19, 002:24.
  version: Object.freeze({ value: '2017-03-12', required: true }),
  region: Object.freeze({ default: 'ap-guangzhou', required: true }),
  ids: Object.freeze({ max: 100, pattern: /^ins-[a-z0-9]{8}$/, make: Object.freeze({ prefix: 'ins-', digits: 'alphanumeric', length: 8 } as const) }),
  // 000:21, 002:28.
  booleanParameters: Object.freeze(['ForceStop']),
  statusWords: TENCENT_STATUS_WORDS,
  // 000:7-8, 002:9-10.
  lifecycle: Object.freeze({ running: 'RUNNING', stopping: 'STOPPING', stopped: 'STOPPED' }),
  stoppable: Object.freeze(['RUNNING']),
  recycled: Object.freeze([]),
  notReady: Object.freeze([]),
  securityLock: false,
  errorsAsHttp200: true,
  answers: TENCENT_ANSWERS,
  bodyFormat: 'json',
  xmlAnswers: false,
  // DESIGN.md §3: the API's maximum `Limit`, asked explicitly; `Limit` default 20, max 100.
  statusPageSize: 100,
  statusPaging: 'offset',
  statusQuery: Object.freeze({ sizeParam: 'Limit', startParam: 'Offset', defaultPageSize: 20, maxPageSize: 100 }),
  codes: TENCENT_CODES,
  // A wrong Version is documented (000:41, 002:83: InvalidParameterValue); bad JSON, an empty list, an unknown action are not.
  undocumentedCodes: Object.freeze(['invalidParameter', 'emptyIds', 'unknownAction'] as const),
  alternativeCodes: Object.freeze([]),
  requestIdCase: 'lower',
} as const satisfies Partial<DescriptionInput>);
