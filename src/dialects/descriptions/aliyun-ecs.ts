/**
 * aliyun-ecs (seed 004, DESIGN.md §2-§3): RPC-style `?Action=StopInstances&Version=2014-05-26&RegionId=..
 * &InstanceId.N=..` as a GET query, a form POST, or ACS3 (action in `x-acs-action`, parameters in the query). Success
 * is HTTP 200 without `Code` (004:144-172), errors `{RequestId,HostId,Code,Message}` with HTTP 4xx/5xx (004:174-186),
 * or `<Error>` XML when `Format=XML` (the RPC default).
 */
import { defineDialect, type DialectDescription, type StyleWire } from '../description.ts';

/** The RPC style: everything in the query (or the form body), ids `InstanceId.N` 1-based (004:63), booleans `true`/`false`. */
function rpc(style: 'query-get' | 'form-post'): StyleWire {
  return Object.freeze({
    style,
    method: style === 'query-get' ? 'GET' : 'POST',
    action: { in: 'query', name: 'Action' },
    version: { in: 'query', name: 'Version' },
    region: { in: 'query', name: 'RegionId' },
    ids: { in: 'query', name: 'InstanceId', indexBase: 1 },
    booleans: { true: 'true', false: 'false' },
    signer: { scheme: 'aliyun-rpc' },
  } as const);
}

/** The aliyun-ecs description. */
export const ALIYUN_ECS: DialectDescription = defineDialect({
  name: 'aliyun-ecs',
  protocol: 'aliyun',
  specFile: 'specs/aliyun-ecs.yaml',
  path: '/',
  wire: [
    rpc('query-get'),
    rpc('form-post'),
    // The official SDK's style (DESIGN.md §3): the action and version in headers, the parameters in the query.
    Object.freeze({
      style: 'acs3',
      method: 'POST',
      action: { in: 'header', name: 'x-acs-action' },
      version: { in: 'header', name: 'x-acs-version' },
      region: { in: 'query', name: 'RegionId' },
      ids: { in: 'query', name: 'InstanceId', indexBase: 1 },
      booleans: { true: 'true', false: 'false' },
      signer: { scheme: 'acs3' },
    } as const),
  ],
  actions: Object.freeze({ StopInstances: 'StopInstances', DescribeStatus: 'DescribeInstanceStatus' }),
  // DESIGN.md §2; seeds/README.md names the 2014-05-26 RPC API.
  version: Object.freeze({ value: '2014-05-26', required: true }),
  region: Object.freeze({ default: 'cn-hangzhou', required: true }),
  ids: Object.freeze({ max: 100, pattern: /^i-[a-z0-9]+$/, make: Object.freeze({ prefix: 'i-', digits: 'alphanumeric', length: 18 } as const) }),
  // 004:20, 004:34.
  booleanParameters: Object.freeze(['DryRun', 'ForceStop']),
  statusWords: Object.freeze(['Pending', 'Running', 'Starting', 'Stopping', 'Stopped']),
  // 004:1.
  lifecycle: Object.freeze({ running: 'Running', stopping: 'Stopping', stopped: 'Stopped' }),
  stoppable: Object.freeze(['Running']),
  recycled: Object.freeze([]),
  // DESIGN.md §3: Starting/Stopping/Pending -> IncorrectInstanceStatus or InstanceNotReady.
  notReady: Object.freeze(['Pending', 'Starting']),
  securityLock: true,
  errorsAsHttp200: false,
  answers: Object.freeze({
    envelope: [],
    requestIds: [['RequestId']],
    error: [],
    errorCode: 'Code',
    errorMessage: 'Message',
    statusList: ['InstanceStatuses', 'InstanceStatus'],
    statusId: 'InstanceId',
    statusWord: 'Status',
    pagingFields: ['TotalCount', 'PageNumber', 'PageSize'],
  }),
  bodyFormat: 'json',
  xmlAnswers: true,
  // 004:24-25: DryRun=true that passes -> DRYRUN.SUCCESS; with SuccessFirst whatever the checks find.
  dryRun: Object.freeze({ param: 'DryRun', passesWith: Object.freeze({ param: 'BatchOptimization', value: 'SuccessFirst' }) }),
  // 004:47-50: StopCharging only under conditions (DESIGN.md §3).
  conditionalValue: Object.freeze({ param: 'StoppedMode', value: 'StopCharging' }),
  // DESIGN.md §3: the API's maximum `PageSize`, asked explicitly; `PageSize` default 10, max 50.
  statusPageSize: 50,
  statusPaging: 'page-number',
  statusQuery: Object.freeze({ sizeParam: 'PageSize', startParam: 'PageNumber', defaultPageSize: 10, maxPageSize: 50 }),
  // The documented codes (004:176-186) and the reference provider's choices where none is documented.
  codes: Object.freeze({
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
  }),
  // The code table (004:176-186) names none for these request-level problems (DESIGN.md §3: real ECS answers
  // MissingRegionId, MissingInstanceId, InvalidParameter.ValueNotSupported, none of which the seed lists).
  undocumentedCodes: Object.freeze(['missingParameter', 'invalidParameter', 'invalidParameterValue', 'emptyIds', 'limitExceeded', 'unknownAction', 'badVersion'] as const),
  // 004:184 lists InvalidInstanceIds.NotFound beside InvalidInstanceId.NotFound; the reference answers the latter.
  alternativeCodes: Object.freeze([Object.freeze({ key: 'notFound', code: 'InvalidInstanceIds.NotFound' } as const)]),
  // Upper-case request ids, like the document's examples.
  requestIdCase: 'upper',
  sources: Object.freeze({
    // 004:68 says only "The ID of the request", never that it is unique: no uniqueness is judged.
    requestId: '004_edc2cde202d0f4dc.txt:68 RequestId String',
    success: '004_edc2cde202d0f4dc.txt:144-172 JSON format',
    error: 'DESIGN.md §3 What makes an answer an error: zenlayer and aliyun, the HTTP status',
    transition: '004_edc2cde202d0f4dc.txt:1 the state of the instances changes to Stopping and then to Stopped',
    contentType: '004_edc2cde202d0f4dc.txt:112-147 Content-Type',
    perInstance: '004_edc2cde202d0f4dc.txt:72-95 InstanceResponses Array of InstanceResponse',
  }),
});
