/**
 * tencent-cvm-api2: Tencent CVM through the API 2.0 gateway (seed 000, DESIGN.md §2): everything in the query of a GET
 * to `{base}/v2/index.php`, ids `InstanceIds.1..` (1-based, 000:53-54).
 */
import { defineDialect, type DialectDescription } from '../description.ts';
import { TENCENT_COMMON, tencentQueryGet } from './tencent.ts';

/** The tencent-cvm-api2 description. */
export const TENCENT_CVM_API2: DialectDescription = defineDialect({
  ...TENCENT_COMMON,
  name: 'tencent-cvm-api2',
  specFile: 'specs/tencent-cvm-api2.yaml',
  // 000:51.
  path: '/v2/index.php',
  wire: [tencentQueryGet(1)],
  sources: Object.freeze({
    requestId: '000_89740aa573049d06.txt:28 RequestId is returned for each request',
    uniqueRequestId: '000_89740aa573049d06.txt:28 Unique request ID',
    success: '000_89740aa573049d06.txt:59-66 Output',
    error: 'DESIGN.md §3 tencent: errors are HTTP 200 with `Response.Error`',
    transition: '000_89740aa573049d06.txt:8 When the API is called, the instance will go into the `STOPPING` status',
  }),
});
