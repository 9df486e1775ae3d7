/**
 * The zenlayer-vm rows (seed 001_531d5cb6841b9371.txt). The note's "only STOPPED" contradicts the error table's
 * "only RUNNING"; RUNNING wins (DESIGN.md §3).
 */
import { accepted, callStep, docRefs, PINS, ref, row, seed, stopCall } from './builders.ts';
import { describeDialect } from '../dialects/descriptions/index.ts';
import type { CaseRow } from './types.ts';
import { zenlayerSharedRows, type ZenlayerDocs } from './zenlayer.ts';

const F = '001_531d5cb6841b9371.txt';

/** zenlayer-vm status words (DESIGN.md §2). */
export const ZENLAYER_VM_WORDS = describeDialect('zenlayer-vm').statusWords;

const NOT_RUNNING_ROW = ref(F, 75, '| 403 | OPERATION_DENIED_INSTANCE_NOT_RUNNING | Only operations on instances in `RUNNING` status are supported.');

/** Where the zenlayer-vm document says each thing. */
export const VM_DOCS: ZenlayerDocs = {
  stoppable: NOT_RUNNING_ROW,
  stoppableNote: ref(F, 9, 'You can only perform this operation on instances whose status is `STOPPED` and that are not in the recycle bin.'),
  transition: ref(F, 10, 'The instance status will become `STOPPING` when the API is called successfully and `STOPPED` when the instance is successfully shut down.'),
  batch: ref(F, 12, 'Batch operations are supported. The maximum number of instances in each request is 100.'),
  idsParam: ref(F, 21, '| instanceIds | Yes | Array of String |'),
  action: ref(F, 40, 'X-ZC-Action: StopInstances'),
  requestId: ref(F, 28, '| requestId | String | The unique request ID, which is returned for each request.'),
  contentType: ref(F, 39, 'Content-Type: application/json'),
  notFound: ref(F, 73, '| 404 | INVALID_INSTANCE_NOT_FOUND | Instance does not exist.'),
  recycled: ref(F, 74, '| 403 | OPERATION_DENIED_INSTANCE_RECYCLED | Operations on instances in recycle bin are not supported.'),
  notRunning: NOT_RUNNING_ROW,
};

const FORCE = ref(F, 22, '| forceShutdown | No | Boolean | Whether to force shutdown.');
const D = 'zenlayer-vm' as const;

/** Every zenlayer-vm row. */
export const ZENLAYER_VM_CASES: readonly CaseRow[] = Object.freeze([
  ...zenlayerSharedRows(
    D,
    ZENLAYER_VM_WORDS,
    VM_DOCS,
    {
      wire: [
        'param:X-ZC-Action',
        'enum:X-ZC-Action=StopInstances',
        'resolution:vm-stoppable-running-wins',
        'resolution:accepted-stop-reads-stopping',
      ],
      statusAction: ['enum:X-ZC-Action=DescribeInstancesStatus'],
      wordExtras: (w) => (w === 'STOPPED' ? ['resolution:vm-stoppable-running-wins', 'resolution:vm-note-says-stopped'] : []),
    },
  ),
  ...[true, false].map((v) =>
    row(D, {
      id: `param.forceShutdown.${String(v)}`,
      title: `forceShutdown=${String(v)} is accepted and stops the instance`,
      docRef: docRefs(FORCE),
      rules: ['param:forceShutdown'],
      instances: [seed('a', 'RUNNING')],
      steps: [callStep(stopCall(['a'], { params: { forceShutdown: v } }), accepted(['a']))],
    }),
  ),
  ...(
    [
      ['string-rejected', 'yes'],
      ['number-rejected', 1],
    ] as const
  ).map(([slug, v]) =>
    row(D, {
      id: `param.forceShutdown.${slug}`,
      title: `forceShutdown=${JSON.stringify(v)} (not a Boolean) is rejected as a client error and stops nothing`,
      docRef: docRefs(FORCE, PINS.noCodeClientError, PINS.failedChangesNothing),
      rules: ['param:forceShutdown', 'resolution:undocumented-error-client-error', 'resolution:failed-request-changes-nothing'],
      instances: [seed('a', 'RUNNING')],
      steps: [callStep(stopCall(['a'], { params: { forceShutdown: v } }), { result: 'client-error' as const, stopped: [] })],
    }),
  ),
]);
