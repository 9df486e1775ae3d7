/**
 * The zenlayer-bmc rows (seed 003_c37a545698f1730b.txt, in Chinese: 实例在回收站 = in the recycle bin, 实例状态不是Running =
 * status is not Running).
 */
import { ref } from './builders.ts';
import { describeDialect } from '../dialects/descriptions/index.ts';
import type { CaseRow } from './types.ts';
import { zenlayerSharedRows, type ZenlayerDocs } from './zenlayer.ts';

const F = '003_c37a545698f1730b.txt';

/** zenlayer-bmc status words (DESIGN.md §2). */
export const ZENLAYER_BMC_WORDS = describeDialect('zenlayer-bmc').statusWords;

/** Where the zenlayer-bmc document says each thing. */
export const BMC_DOCS: ZenlayerDocs = {
  stoppable: ref(F, 10, '只有状态为`RUNNING`的实例才可以进行此操作。'),
  transition: ref(F, 11, '接口调用成功时，实例会进入`STOPPING`状态；关闭实例成功时，实例会进入`STOPPED`状态。'),
  batch: ref(F, 13, '支持批量操作。每次请求批量实例的上限为100。'),
  idsParam: ref(F, 22, '| instanceIds | 是 | Array of String |'),
  action: ref(F, 41, 'X-ZC-Action: StopInstances'),
  requestId: ref(F, 28, '| requestId | String | 唯一请求 ID。'),
  contentType: ref(F, 40, 'Content-Type: application/json'),
  notFound: ref(F, 71, '| 404 | INVALID_INSTANCE_NOT_FOUND | 实例不存在。'),
  recycled: ref(F, 72, '| 403 | OPERATION_DENIED_INSTANCE_RECYCLED | 实例在回收站。'),
  notRunning: ref(F, 73, '| 403 | OPERATION_DENIED_INSTANCE_NOT_RUNNING | 实例状态不是Running。'),
};

/** Every zenlayer-bmc row. */
export const ZENLAYER_BMC_CASES: readonly CaseRow[] = Object.freeze([
  ...zenlayerSharedRows(
    'zenlayer-bmc',
    ZENLAYER_BMC_WORDS,
    BMC_DOCS,
    {
      wire: [
        'param:X-ZC-Action',
        'enum:X-ZC-Action=StopInstances',
        'resolution:accepted-stop-reads-stopping',
      ],
      statusAction: ['enum:X-ZC-Action=DescribeInstances'],
      wordExtras: () => [],
    },
  ),
]);
