/**
 * aws-ec2 (EC2 Query API 2016-11-15, from public references restated in specs/sources/aws-ec2.md; DESIGN.md §2):
 * `POST /` with a form body `Action=StopInstances&Version=2016-11-15&InstanceId.N=..` (GET with the same query is the
 * SHOULD variant), SigV4 signatures (service `ec2`). Answers are XML only: a success's root is `<Action>Response` with
 * `requestId`; an error is `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>` with
 * HTTP 4xx/5xx (aws-ec2.md:83-85, 96-97).
 */
import { defineDialect, type DialectDescription, type StyleWire } from '../description.ts';

/** The Query style: everything in the form body (POST) or the query (GET), ids `InstanceId.N` 1-based (aws-ec2.md:18). */
function query(style: 'form-post' | 'query-get'): StyleWire {
  return Object.freeze({
    style,
    method: style === 'query-get' ? 'GET' : 'POST',
    action: { in: 'query', name: 'Action' },
    version: { in: 'query', name: 'Version' },
    // The region travels in the endpoint and the SigV4 credential scope, never as a parameter (aws-ec2.md:37).
    region: null,
    ids: { in: 'query', name: 'InstanceId', indexBase: 1 },
    // aws-ec2.md:24: booleans are the lowercase words true and false.
    booleans: { true: 'true', false: 'false' },
    signer: { scheme: 'sigv4', service: 'ec2' },
  } as const);
}

/** The aws-ec2 description. */
export const AWS_EC2: DialectDescription = defineDialect({
  name: 'aws-ec2',
  protocol: 'ec2',
  specFile: 'specs/aws-ec2.yaml',
  path: '/',
  // aws-ec2.md:170: POST / with a form body; GET /?Action=.. is the SHOULD variant.
  wire: [query('form-post'), query('query-get')],
  // aws-ec2.md:174: the suite's status query is DescribeInstanceStatus.
  actions: Object.freeze({ StopInstances: 'StopInstances', DescribeStatus: 'DescribeInstanceStatus' }),
  // aws-ec2.md:16.
  version: Object.freeze({ value: '2016-11-15', required: true }),
  // aws-ec2.md:172: SigV4 with region us-east-1 unless configured; never a parameter, so never required.
  region: Object.freeze({ default: 'us-east-1', required: false }),
  // DESIGN.md §2: `i-` + 8 or 17 lowercase hex digits; aws-ec2.md:190: 100 is the most ids the suite relies on.
  ids: Object.freeze({ max: 100, pattern: /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, make: Object.freeze({ prefix: 'i-', digits: 'hex', length: 17 } as const) }),
  // aws-ec2.md:44-49.
  booleanParameters: Object.freeze(['DryRun', 'Force', 'Hibernate', 'SkipOsShutdown']),
  // aws-ec2.md:73, DESIGN.md §2.
  statusWords: Object.freeze(['pending', 'running', 'shutting-down', 'terminated', 'stopping', 'stopped']),
  lifecycle: Object.freeze({ running: 'running', stopping: 'stopping', stopped: 'stopped' }),
  // aws-ec2.md:180: running.
  stoppable: Object.freeze(['running']),
  // aws-ec2.md:181: already stopping or stopped may succeed (real EC2 does, and so does the reference) or be refused.
  stopIdempotent: Object.freeze(['stopping', 'stopped']),
  recycled: Object.freeze([]),
  notReady: Object.freeze([]),
  securityLock: false,
  errorsAsHttp200: false,
  // aws-ec2.md:83-85, 97, 140: paths into the parsed XML (the root element is the single key).
  answers: Object.freeze({
    envelope: ['StopInstancesResponse'],
    requestIds: [['StopInstancesResponse', 'requestId'], ['DescribeInstanceStatusResponse', 'requestId'], ['Response', 'RequestID']],
    error: ['Response', 'Errors', 'Error'],
    errorCode: 'Code',
    errorMessage: 'Message',
    statusList: ['DescribeInstanceStatusResponse', 'instanceStatusSet', 'item'],
    statusId: 'instanceId',
    statusWord: 'instanceState',
    pagingFields: ['nextToken'],
  }),
  // XML is the only answer format (aws-ec2.md:82); no parameter chooses another.
  bodyFormat: 'xml',
  xmlAnswers: false,
  // aws-ec2.md:44-45, 193: a dry run that would pass answers DryRunOperation.
  dryRun: Object.freeze({ param: 'DryRun' }),
  // aws-ec2.md:196: Hibernate only for instances enabled for it, which the provider-state protocol cannot seed.
  conditionalValue: Object.freeze({ param: 'Hibernate', value: 'true' }),
  // aws-ec2.md:174-176: at most 100 ids per query, never MaxResults, NextToken followed.
  statusPageSize: 100,
  statusPaging: 'next-token',
  statusQuery: Object.freeze({ sizeParam: 'MaxResults', startParam: 'NextToken', defaultPageSize: 1000, maxPageSize: 1000 }),
  // aws-ec2.md:102-118 and the pins of aws-ec2.md:168-206; the reference's choices where none is documented.
  codes: Object.freeze({
    missingParameter: { code: 'MissingParameter', httpStatus: 400 },
    invalidParameter: { code: 'InvalidParameterValue', httpStatus: 400 },
    invalidParameterValue: { code: 'InvalidParameterValue', httpStatus: 400 },
    emptyIds: { code: 'InvalidParameterValue', httpStatus: 400 },
    limitExceeded: { code: 'InvalidParameterValue', httpStatus: 400 },
    malformedId: { code: 'InvalidInstanceID.Malformed', httpStatus: 400 },
    notFound: { code: 'InvalidInstanceID.NotFound', httpStatus: 400 },
    wrongState: { code: 'IncorrectInstanceState', httpStatus: 400 },
    notReady: { code: 'IncorrectInstanceState', httpStatus: 400 },
    recycled: { code: 'IncorrectInstanceState', httpStatus: 400 },
    securityLocked: { code: 'IncorrectInstanceState', httpStatus: 400 },
    unknownAction: { code: 'InvalidAction', httpStatus: 400 },
    badVersion: { code: 'InvalidParameterValue', httpStatus: 400 },
    rateLimited: { code: 'RequestLimitExceeded', httpStatus: 503 },
    signatureFailure: { code: 'AuthFailure', httpStatus: 400 },
    signatureExpired: { code: 'RequestExpired', httpStatus: 400 },
    unknownAccessKey: { code: 'AuthFailure', httpStatus: 400 },
    bodyTooLarge: { code: 'InvalidParameterValue', httpStatus: 413 },
    // aws-ec2.md:128, 193: EC2 answers a passing dry run with 412 in practice.
    dryRunSuccess: { code: 'DryRunOperation', httpStatus: 412 },
  }),
  // aws-ec2.md:171, 189, 190, 205: a bad boolean, an empty id, 101 ids, an unknown action: any client error.
  undocumentedCodes: Object.freeze(['invalidParameter', 'invalidParameterValue', 'emptyIds', 'limitExceeded', 'unknownAction', 'badVersion'] as const),
  // aws-ec2.md:187-188: a malformed id may get NotFound; a missing id InvalidParameterCombination.
  alternativeCodes: Object.freeze([
    Object.freeze({ key: 'malformedId', code: 'InvalidInstanceID.NotFound' } as const),
    Object.freeze({ key: 'missingParameter', code: 'InvalidParameterCombination' } as const),
  ]),
  requestIdCase: 'lower',
  sources: Object.freeze({
    requestId: 'aws-ec2.md:85 Every success carries the request id in a requestId element; every failure carries it in a RequestID element.',
    uniqueRequestId: 'aws-ec2.md:201 Request ids: requestId on a success and RequestID on an error are required on StopInstances answers and must differ between answers.',
    success: 'aws-ec2.md:59-60 A success has two elements: requestId (the id of the request, a string) and instancesSet.',
    error: 'aws-ec2.md:199 Errors are told by the HTTP status: 2xx is a success whatever its body, 4xx/5xx an error',
    transition: 'aws-ec2.md:180 A stop of a running instance answers 200 with one item per id, previousState running, currentState stopping or stopped.',
  }),
});
