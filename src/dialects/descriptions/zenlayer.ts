/**
 * zenlayer-vm (seed 001) and zenlayer-bmc (seed 003), DESIGN.md §2-§3: `POST {base}/api/v2/vm|bmc`, JSON bodies, the
 * action in `X-ZC-Action`, ZC2-HMAC-SHA256 signatures. Success is HTTP 2xx `{"requestId","response":{...}}`; errors
 * are HTTP 4xx/5xx `{"requestId","code","message"}` (error tables 001:73-75, 003:71-73).
 */
import { defineDialect, type AnswerShape, type CodeTable, type DescriptionInput, type DialectDescription } from '../description.ts';

/** The documented codes (001:73-75, 003:71-73) and the reference provider's choices where none is documented. */
const ZENLAYER_CODES: CodeTable = Object.freeze({
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
});

/** Where the zenlayer envelopes keep things (001:51-57, 003:49-55; DESIGN.md §2). */
const ZENLAYER_ANSWERS: AnswerShape = Object.freeze({
  envelope: ['response'],
  requestIds: [['requestId'], ['response', 'requestId']],
  error: [],
  errorCode: 'code',
  errorMessage: 'message',
  statusList: ['response', 'dataSet'],
  statusId: 'instanceId',
  statusWord: 'instanceStatus',
  pagingFields: ['totalCount'],
});

/** The facts both zenlayer dialects share. */
const ZENLAYER_COMMON = Object.freeze({
  protocol: 'zenlayer',
  // The `X-ZC-Version` the official SDKs send for API 2.0 (Zenlayer's signature page example); no document requires it.
  version: Object.freeze({ value: '2022-11-20', required: false }),
  region: null,
  wire: Object.freeze([
    Object.freeze({
      style: 'json',
      method: 'POST',
      action: { in: 'header', name: 'x-zc-action' },
      version: { in: 'header', name: 'x-zc-version' },
      region: null,
      ids: { in: 'json', name: 'instanceIds' },
      booleans: 'json',
      signer: { scheme: 'zc2' },
    } as const),
  ]),
  // 001:10, 003:11.
  lifecycle: Object.freeze({ running: 'RUNNING', stopping: 'STOPPING', stopped: 'STOPPED' }),
  // DESIGN.md §3: RUNNING wins over 001's "only STOPPED" note.
  stoppable: Object.freeze(['RUNNING']),
  // DESIGN.md §3: RECYCLE or RECYCLING means "in the recycle bin", which takes precedence over NOT_RUNNING.
  recycled: Object.freeze(['RECYCLE', 'RECYCLING']),
  notReady: Object.freeze([]),
  securityLock: false,
  errorsAsHttp200: false,
  answers: ZENLAYER_ANSWERS,
  bodyFormat: 'json',
  xmlAnswers: false,
  // DESIGN.md §3: the documented default `pageSize`, asked explicitly (no maximum is known).
  statusPageSize: 20,
  statusPaging: 'page-number',
  statusQuery: Object.freeze({ sizeParam: 'pageSize', startParam: 'pageNum', defaultPageSize: 20, maxPageSize: null }),
  codes: ZENLAYER_CODES,
  // The error tables (001:73-75, 003:71-73) list only not-found and the two state codes: no malformed id either.
  undocumentedCodes: Object.freeze(['missingParameter', 'invalidParameter', 'invalidParameterValue', 'emptyIds', 'limitExceeded', 'unknownAction', 'badVersion', 'malformedId'] as const),
  alternativeCodes: Object.freeze([]),
  requestIdCase: 'lower',
} as const satisfies Partial<DescriptionInput>);

/** The zenlayer-vm description (seed 001). */
export const ZENLAYER_VM: DialectDescription = defineDialect({
  ...ZENLAYER_COMMON,
  name: 'zenlayer-vm',
  specFile: 'specs/zenlayer-vm.yaml',
  path: '/api/v2/vm',
  // 001:11.
  actions: Object.freeze({ StopInstances: 'StopInstances', DescribeStatus: 'DescribeInstancesStatus' }),
  // zenlayer documents no malformed id: any non-empty string.
  ids: Object.freeze({ max: 100, pattern: null, make: Object.freeze({ prefix: 'vm-', digits: 'hex', length: 16 } as const) }),
  // 001:22: forceShutdown is a Boolean (default true, DESIGN.md §3).
  booleanParameters: Object.freeze(['forceShutdown']),
  statusWords: Object.freeze([
    'PENDING',
    'DEPLOYING',
    'CREATE_FAILED',
    'REBUILDING',
    'STOPPED',
    'RUNNING',
    'BOOTING',
    'STOPPING',
    'RELEASING',
    'RECYCLE',
    'RECYCLING',
  ]),
  sources: Object.freeze({
    requestId: '001_531d5cb6841b9371.txt:28 The unique request ID, which is returned for each request',
    uniqueRequestId: '001_531d5cb6841b9371.txt:28 The unique request ID',
    success: '001_531d5cb6841b9371.txt:51-57 Response:',
    error: 'DESIGN.md §3 What makes an answer an error: zenlayer and aliyun, the HTTP status',
    transition: '001_531d5cb6841b9371.txt:10 The instance status will become',
  }),
});

/** The zenlayer-bmc description (seed 003). */
export const ZENLAYER_BMC: DialectDescription = defineDialect({
  ...ZENLAYER_COMMON,
  name: 'zenlayer-bmc',
  specFile: 'specs/zenlayer-bmc.yaml',
  path: '/api/v2/bmc',
  // 003:12: the status query is DescribeInstances.
  actions: Object.freeze({ StopInstances: 'StopInstances', DescribeStatus: 'DescribeInstances' }),
  ids: Object.freeze({ max: 100, pattern: null, make: Object.freeze({ prefix: 'bmc-', digits: 'hex', length: 16 } as const) }),
  // The bmc page (seed 003) has no forceShutdown.
  booleanParameters: Object.freeze([]),
  statusWords: Object.freeze([
    'PENDING',
    'CREATING',
    'CREATE_FAILED',
    'INSTALLING',
    'INSTALL_FAILED',
    'RUNNING',
    'STOPPED',
    'BOOTING',
    'STOPPING',
    'RECYCLE',
    'RECYCLING',
  ]),
  sources: Object.freeze({
    requestId: '003_c37a545698f1730b.txt:28 每次请求都会返回',
    uniqueRequestId: '003_c37a545698f1730b.txt:28 唯一请求 ID',
    success: '003_c37a545698f1730b.txt:49-55 Response:',
    error: 'DESIGN.md §3 What makes an answer an error: zenlayer and aliyun, the HTTP status',
    transition: '003_c37a545698f1730b.txt:11 接口调用成功时，实例会进入`STOPPING`状态',
  }),
});
