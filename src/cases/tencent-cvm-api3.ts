/**
 * The tencent-cvm-api3 rows (seed 002_40889c500b2228ae.txt: the API 3.0 page, which adds StopType, StoppedMode and
 * the limit of 10 requests per second).
 */
import { accepted, callStep, docRef, docRefs, ref, rejected, row, seed, statusCall, stopCall } from './builders.ts';
import { invalidValueRows, TENCENT_REJECTED_ANY, tencentSharedRows, validValueRows, type ParamValueCase, type TencentDocs } from './tencent.ts';
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
};

const STOP_TYPE = ref(F, [32, 36], 'StopType No String Instance shutdown mode.');
const STOPPED_MODE = ref(F, [37, 41], 'StoppedMode No String');
const REGION = ref(F, 25, 'Region Yes String Common parameter.');
const RATE = ref(F, 14, 'A maximum of 10 requests can be initiated per second for this API.');

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
  ...(['KEEP_CHARGING', 'STOP_CHARGING'] as const).map((v) => ({
    param: 'StoppedMode',
    slug: v,
    value: v,
    doc: STOPPED_MODE,
    rules: ['param:StoppedMode', `enum:StoppedMode=${v}`],
  })),
];

const invalid: ParamValueCase[] = [
  { param: 'ForceStop', slug: 'invalid-rejected', value: 'MAYBE', doc: API3_DOCS.forceStop, rules: ['param:ForceStop', 'error:InvalidParameterValue'] },
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
      statusAction: ['enum:X-TC-Action=DescribeInstancesStatus'],
      emptyList: true,
    },
    ref(F, 26, 'To obtain the instance IDs, you can call DescribeInstances and look for InstanceId in the response.'),
  ),
  ...validValueRows(D, valid),
  ...invalidValueRows(D, invalid, API3_DOCS.invalidValue),
  row(D, {
    id: 'style.query-get',
    level: 'SHOULD',
    title: 'The GET style (parameters in the query, InstanceIds.0.. 0-based) stops the instance too',
    docRef: docRefs(API3_DOCS.idsParam, API3_DOCS.stoppable),
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
    id: 'style.query-get.status',
    level: 'SHOULD',
    title: 'The GET style status query (Action=DescribeInstancesStatus) answers the status envelope',
    docRef: docRefs(API3_DOCS.idsParam),
    rules: ['param:Action', 'enum:Action=DescribeInstancesStatus', 'envelope:status', 'resolution:api3-get-variant'],
    instances: [seed('a', 'RUNNING'), seed('b', 'STOPPED')],
    steps: [callStep(statusCall(['a', 'b'], { style: 'query-get' }), { result: 'success', stopped: [] })],
  }),
  row(D, {
    id: 'region.missing.rejected',
    title: 'A request without the required Region is rejected with MissingParameter and stops nothing',
    docRef: docRefs(REGION, API3_DOCS.missing),
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
    docRef: docRef(RATE),
    rules: ['limit:rate-per-second', 'error:RequestLimitExceeded', 'resolution:api3-rate-limit'],
    instances: [seed('r{n}', 'RUNNING')],
    steps: [{ kind: 'burst', call: stopCall(['r{n}']), count: 25, expect: { someRefused: 'RequestLimitExceeded' } }],
  }),
  row(D, {
    id: 'body.bad-json.rejected',
    // No document mentions JSON syntax errors: undocumented-but-sane behaviour (DESIGN.md §5).
    level: 'SHOULD',
    title: 'A body that is not JSON is rejected as a client error (Response.Error) and changes nothing',
    docRef: docRef(API3_DOCS.idsParam),
    rules: ['resolution:undocumented-error-client-error', ...TENCENT_REJECTED_ANY],
    instances: [seed('bystander', 'RUNNING')],
    steps: [callStep(stopCall(['bystander'], { rawBody: '{"InstanceIds": [' }), { result: 'client-error', stopped: [] })],
  }),
  row(D, {
    id: 'body.content-type.charset',
    level: 'SHOULD',
    title: 'A JSON body sent as application/json; charset=utf-8 is accepted',
    docRef: docRef(API3_DOCS.stoppable),
    rules: ['state:stoppable=RUNNING'],
    instances: [seed('a', 'RUNNING')],
    steps: [callStep(stopCall(['a'], { contentType: 'application/json; charset=utf-8' }), accepted(['a']))],
  }),
]);
