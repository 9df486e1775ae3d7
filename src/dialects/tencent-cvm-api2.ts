/**
 * tencent-cvm-api2: Tencent CVM through the API 2.0 gateway (seed 000, DESIGN.md §2). Everything travels in the
 * query of a GET to `{base}/v2/index.php`, ids as `InstanceIds.1..` (1-based, 000:53-54), booleans as
 * `TRUE`/`FALSE` (000:21), signed with the HmacSHA256 query signature (`src/signing/tencent-v2.ts`).
 */
import {
  TENCENT_LIFECYCLE,
  TENCENT_STATUS_PAGE_SIZE,
  TENCENT_STATUS_WORDS,
  decodeTencent,
  encodeTencentQueryGet,
  pickStyle,
  tencentInstanceId,
} from './tencent-common.ts';
import type { Dialect } from './types.ts';

/** The path of the API 2.0 gateway, appended to the target base URL (000:51). */
export const API2_PATH = '/v2/index.php';

/**
 * The tencent-cvm-api2 dialect.
 *
 * @example
 * tencentCvmApi2.encode({ operation: 'StopInstances', instanceIds: ['ins-ab12cd34'], params: { ForceStop: true } }, ctx)
 * // GET {base}/v2/index.php?Action=StopInstances&Version=2017-03-12&Region=ap-guangzhou&InstanceIds.1=ins-ab12cd34&ForceStop=TRUE&Timestamp=...
 */
export const tencentCvmApi2: Dialect = Object.freeze({
  name: 'tencent-cvm-api2',
  specFile: 'specs/tencent-cvm-api2.yaml',
  styles: Object.freeze(['query-get'] as const),
  statusWords: TENCENT_STATUS_WORDS,
  lifecycle: TENCENT_LIFECYCLE,
  errorsAsHttp200: true,
  statusPageSize: TENCENT_STATUS_PAGE_SIZE,
  statusPaging: 'offset',
  sources: Object.freeze({
    requestId: '000_89740aa573049d06.txt:28 RequestId is returned for each request',
    uniqueRequestId: '000_89740aa573049d06.txt:28 Unique request ID',
    success: '000_89740aa573049d06.txt:59-66 Output',
    error: 'DESIGN.md §3 tencent: errors are HTTP 200 with `Response.Error`',
    transition: '000_89740aa573049d06.txt:8 When the API is called, the instance will go into the `STOPPING` status',
  }),
  instanceId: tencentInstanceId,
  encode(call, ctx) {
    pickStyle('tencent-cvm-api2', tencentCvmApi2.styles, call);
    return encodeTencentQueryGet(call, ctx, API2_PATH, 1);
  },
  decode(call, response) {
    return decodeTencent('tencent-cvm-api2', call, response);
  },
} satisfies Dialect);
