/**
 * The tencent-cvm-api2 rows (seed 000_89740aa573049d06.txt: the API 2.0 gateway page).
 */
import { clientErrorRow, docRefs, pin, PINS, ref, seed, stopCall } from './builders.ts';
import { invalidValueRows, TENCENT_REJECTED_ANY, tencentSharedRows, validValueRows, versionRows, type TencentDocs } from './tencent.ts';
import type { CaseRow } from './types.ts';

const F = '000_89740aa573049d06.txt';

/** Where the api2 document says each thing. */
export const API2_DOCS: TencentDocs = {
  stoppable: ref(F, 7, 'This operation is only allowed for the instances with a status of `RUNNING`.'),
  transition: ref(F, 8, 'the instance will go into the `STOPPING` status. When the instance is shut down, it will go into the `STOPPED` status.'),
  batch: ref(F, 10, 'The maximum number of instances for each request for batch operations is 100.'),
  idsParam: ref(F, 20, '| InstanceIds.N | array of Strings | Yes |'),
  forceStop: ref(F, 21, '| ForceStop | Boolean | No |'),
  action: ref(F, 51, 'Action=StopInstances'),
  requestId: ref(F, 28, '| RequestId | String | Unique request ID. `RequestId` is returned for each request.'),
  missing: ref(F, 38, '| MissingParameter | Missing parameter.'),
  notFound: ref(F, 39, '| InvalidInstanceId.NotFound |'),
  malformed: ref(F, 40, '| InvalidInstanceId.Malformed |'),
  invalidValue: ref(F, 41, '| InvalidParameterValue | Invalid parameter value.'),
  limitExceeded: ref(F, 42, '| InvalidParameterValue.LimitExceeded | The number of parameter values exceeds the limit. |'),
  notSupported: ref(F, 43, '| InvalidInstance.NotSupported | This operation is not supported for the instance. |'),
  version: ref(F, 19, '| Version | String | Yes | API version No., used to identify the API version you are requesting. For the first version of this API, input "2017-03-12". |'),
};

const D = 'tencent-cvm-api2' as const;

/** The api2 request as DESIGN.md §2 pins it, with its Region. */
const REGION = pin(2, '`GET /v2/index.php?Action=StopInstances&Version=2017-03-12&Region=..&InstanceIds.1=..`');

/** Every tencent-cvm-api2 row. */
export const TENCENT_CVM_API2_CASES: readonly CaseRow[] = Object.freeze([
  ...tencentSharedRows(
    D,
    API2_DOCS,
    {
      ids: 'param:InstanceIds.N',
      wire: [
        'param:Action',
        'enum:Action=StopInstances',
        'param:Version',
        'enum:Version=2017-03-12',
        'param:Region',
        'resolution:accepted-stop-reads-stopping',
      ],
      action: 'param:Action',
      statusAction: ['enum:Action=DescribeInstancesStatus'],
      actionRequired: false,
      emptyList: false,
    },
  ),
  ...validValueRows(D, [
    { param: 'ForceStop', slug: 'TRUE', value: true, doc: API2_DOCS.forceStop, rules: ['param:ForceStop', 'enum:ForceStop=TRUE'] },
    { param: 'ForceStop', slug: 'FALSE', value: false, doc: API2_DOCS.forceStop, rules: ['param:ForceStop', 'enum:ForceStop=FALSE'] },
  ]),
  ...versionRows(D, API2_DOCS, { param: 'param:Version', value: 'enum:Version=2017-03-12' }),
  ...invalidValueRows(
    D,
    [{ param: 'ForceStop', slug: 'invalid-rejected', value: 'MAYBE', doc: API2_DOCS.forceStop, rules: ['param:ForceStop', 'error:InvalidParameterValue'] }],
    API2_DOCS.invalidValue,
  ),
  clientErrorRow(D, {
    id: 'region.missing.rejected',
    // 000 lists Region neither as a parameter nor in its example; DESIGN.md §2 pins it on the wire. No code: SHOULD.
    level: 'SHOULD',
    title: 'A request without Region is a client error (Response.Error, any code) and stops nothing',
    docRef: docRefs(REGION, PINS.noCodeClientError, PINS.failedChangesNothing),
    // No undocumented-code rule: the answer to a missing parameter is tencent's documented MissingParameter.
    rules: ['param:Region', ...TENCENT_REJECTED_ANY],
    instances: [seed('a', 'RUNNING')],
    call: stopCall(['a'], { region: null }),
  }),
]);
