/**
 * The tencent-cvm-api3 rows (seed 002_40889c500b2228ae.txt: the API 3.0 page, which adds StopType, StoppedMode and
 * the limit of 10 requests per second).
 */
import { accepted, callStep, clientErrorRow, docRef, docRefs, pin, PINS, ref, rejected, row, seed, stopCall } from './builders.ts';
import { invalidValueRows, TENCENT_REJECTED_ANY, tencentSharedRows, validValueRows, versionRows, type ParamValueCase, type TencentDocs } from './tencent.ts';
import type { CaseRow } from './types.ts';

const F = '002_40889c500b2228ae.txt';

/** Where the api3 document says each thing. */
export const API3_DOCS: TencentDocs = {
  stoppable: ref(F, 9, 'You can only perform this operation on instances whose status is RUNNING.'),
  transition: ref(F, 10, 'The instance status will become STOPPING when the API is called successfully and STOPPED when the instance is successfully shut down.'),
  batch: ref(F, 12, 'The maximum number of instances in each request is 100.'),
  idsParam: ref(F, 26, 'InstanceIds.N Yes Array of String'),
  forceStop: ref(F, [27, 31], 'ForceStop No Boolean'),
  action: ref(F, 23, 'Action Yes String Common parameter. The value used for this API: StopInstances.'),
  requestId: ref(F, 46, 'RequestId String The unique request ID, which is returned for each request.'),
  missing: ref(F, 85, 'MissingParameter Missing parameter: a required parameter is missing.'),
  notFound: ref(F, 82, 'InvalidInstanceId.NotFound No instance found.'),
  malformed: ref(F, 81, 'InvalidInstanceId.Malformed Invalid instance ID.'),
  invalidValue: ref(F, 83, 'InvalidParameterValue Invalid parameter value'),
  limitExceeded: ref(F, 84, 'InvalidParameterValue.LimitExceeded The number of parameter values exceeds the limit.'),
  notSupported: ref(F, 80, 'InvalidInstance.NotSupported This instance is not supported.'),
  version: ref(F, 24, 'Version Yes String Common parameter. The value used for this API: 2017-03-12.'),
};

const STOP_TYPE = ref(F, [32, 36], 'StopType No String Instance shutdown mode.');
const STOPPED_MODE = ref(F, [37, 41], 'StoppedMode No String');
const REGION = ref(F, 25, 'Region Yes String Common parameter.');
const RATE = ref(F, 14, 'A maximum of 10 requests can be initiated per second for this API.');
/** STOP_CHARGING is valid only for some instances (DESIGN.md §3 eligibility). */
const STOP_CHARGING_ELIGIBILITY = ref(F, 42, 'This parameter is only valid for some pay-as-you-go instances using cloud disks.');
/** The GET variant (DESIGN.md §2). */
const GET_VARIANT = pin(2, 'GET with `InstanceIds.0..` (0-based) is the SHOULD variant');
/** The JSON request's content type (DESIGN.md §2; 002 shows no request body). */
const JSON_REQUEST = pin(2, '`POST /`, `Content-Type: application/json`');
/** The 10 requests/second rule as DESIGN.md §3 pins it. */
const RATE_PIN = pin(3, 'api3 rate limit: 10 requests within a second must be served; a burst of 25 must see `RequestLimitExceeded`');

const D = 'tencent-cvm-api3' as const;

const valid: ParamValueCase[] = [
  { param: 'ForceStop', slug: 'TRUE', value: true, doc: API3_DOCS.forceStop, rules: ['param:ForceStop'] },
  { param: 'ForceStop', slug: 'FALSE', value: false, doc: API3_DOCS.forceStop, rules: ['param:ForceStop'] },
  ...(['SOFT_FIRST', 'HARD', 'SOFT'] as const).map((v) => ({
    param: 'StopType',
    slug: v,
    value: v,
    doc: STOP_TYPE,
    rules: ['param:StopType', `enum:StopType=${v}`],
  })),
  { param: 'StoppedMode', slug: 'KEEP_CHARGING', value: 'KEEP_CHARGING', doc: STOPPED_MODE, rules: ['param:StoppedMode', 'enum:StoppedMode=KEEP_CHARGING'] },
  // 002:42: valid only for some instances; the provider-state protocol cannot seed eligibility (DESIGN.md §3), so a
  // client error that changed nothing is as legal as a stop (and refusing StoppedMode itself is KEEP_CHARGING's row).
  {
    param: 'StoppedMode',
    slug: 'STOP_CHARGING',
    value: 'STOP_CHARGING',
    doc: STOPPED_MODE,
    rules: ['enum:StoppedMode=STOP_CHARGING'],
    eligibility: STOP_CHARGING_ELIGIBILITY,
  },
];

const invalid: ParamValueCase[] = [
  // A string where 002 types a Boolean: the wrong JSON type (DESIGN.md §3: InvalidParameter or InvalidParameterValue).
  { param: 'ForceStop', slug: 'invalid-rejected', value: 'MAYBE', doc: API3_DOCS.forceStop, rules: ['param:ForceStop', 'error:InvalidParameterValue'], wrongType: true },
  { param: 'StopType', slug: 'invalid-rejected', value: 'GENTLE', doc: STOP_TYPE, rules: ['param:StopType', 'error:InvalidParameterValue'] },
  { param: 'StoppedMode', slug: 'invalid-rejected', value: 'FREE_CHARGING', doc: STOPPED_MODE, rules: ['param:StoppedMode', 'error:InvalidParameterValue'] },
];

/** Every tencent-cvm-api3 row. */
export const TENCENT_CVM_API3_CASES: readonly CaseRow[] = Object.freeze([
  ...tencentSharedRows(
    D,
    API3_DOCS,
    {
      ids: 'param:InstanceIds',
      wire: [
        'param:X-TC-Action',
        'enum:X-TC-Action=StopInstances',
        'param:X-TC-Version',
        'enum:X-TC-Version=2017-03-12',
        'param:X-TC-Region',
        'param:X-TC-Timestamp',
        'resolution:accepted-stop-reads-stopping',
      ],
      action: 'param:X-TC-Action',
      statusAction: ['enum:X-TC-Action=DescribeInstancesStatus'],
      actionRequired: true,
      emptyList: true,
    },
  ),
  ...validValueRows(D, valid),
  ...versionRows(D, API3_DOCS, { param: 'param:X-TC-Version', value: 'enum:X-TC-Version=2017-03-12' }),
  ...invalidValueRows(D, invalid, API3_DOCS.invalidValue),
  row(D, {
    id: 'style.query-get',
    level: 'SHOULD',
    title: 'The GET style (parameters in the query, InstanceIds.0.. 0-based) stops the instance too',
    docRef: docRefs(GET_VARIANT, API3_DOCS.idsParam, API3_DOCS.stoppable),
    rules: [
      'param:Action',
      'enum:Action=StopInstances',
      'param:Version',
      'enum:Version=2017-03-12',
      'param:Region',
      'param:InstanceIds.N',
      'resolution:api3-get-variant',
    ],
    instances: [seed('a', 'RUNNING')],
    steps: [callStep(stopCall(['a'], { style: 'query-get' }), accepted(['a']))],
  }),
  row(D, {
    id: 'region.missing.rejected',
    title: 'A request without the required Region is rejected with MissingParameter and stops nothing',
    docRef: docRefs(REGION, API3_DOCS.missing, PINS.failedChangesNothing),
    rules: ['param:X-TC-Region', 'error:MissingParameter', ...TENCENT_REJECTED_ANY],
    instances: [seed('a', 'RUNNING')],
    steps: [callStep(stopCall(['a'], { region: null }), rejected({ codes: ['MissingParameter'] }))],
  }),
  row(D, {
    id: 'rate.10-per-second.served',
    title: '10 StopInstances requests sent within one second are all served',
    docRef: docRef(RATE),
    rules: ['limit:rate-per-second', 'resolution:api3-rate-limit'],
    instances: [seed('r{n}', 'RUNNING')],
    steps: [{ kind: 'burst', call: stopCall(['r{n}']), count: 10, expect: { allServed: true } }],
  }),
  row(D, {
    id: 'rate.burst-25.refused',
    level: 'SHOULD',
    title: 'A burst of 25 StopInstances requests sees RequestLimitExceeded; refused requests stop nothing',
    docRef: docRefs(RATE, RATE_PIN),
    rules: ['limit:rate-per-second', 'error:RequestLimitExceeded', 'resolution:api3-rate-limit'],
    instances: [seed('r{n}', 'RUNNING')],
    steps: [{ kind: 'burst', call: stopCall(['r{n}']), count: 25, expect: { someRefused: 'RequestLimitExceeded' } }],
  }),
  clientErrorRow(D, {
    id: 'body.bad-json.rejected',
    // No document mentions JSON syntax errors: undocumented-but-sane behaviour (DESIGN.md §5).
    level: 'SHOULD',
    title: 'A body that is not JSON is rejected as a client error (Response.Error) and changes nothing',
    docRef: docRefs(JSON_REQUEST, PINS.noCodeClientError, PINS.failedChangesNothing),
    rules: ['resolution:undocumented-error-client-error', ...TENCENT_REJECTED_ANY],
    instances: [seed('bystander', 'RUNNING')],
    call: stopCall(['bystander'], { rawBody: '{"InstanceIds": [' }),
  }),
  row(D, {
    id: 'body.content-type.charset',
    level: 'SHOULD',
    title: 'A JSON body sent as application/json; charset=utf-8 is accepted',
    docRef: docRefs(JSON_REQUEST, API3_DOCS.stoppable),
    rules: ['state:stoppable=RUNNING'],
    instances: [seed('a', 'RUNNING')],
    steps: [callStep(stopCall(['a'], { contentType: 'application/json; charset=utf-8' }), accepted(['a']))],
  }),
]);
