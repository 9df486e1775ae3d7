/**
 * tencent-cvm-api2: Tencent CVM through the API 2.0 gateway (seed 000, DESIGN.md §2). Everything travels in the
 * query of a GET to `{base}/v2/index.php`, ids as `InstanceIds.1..` (1-based, 000:53-54), booleans as
 * `TRUE`/`FALSE` (000:21), signed with the HmacSHA256 query signature (`src/signing/tencent-v2.ts`). The facts are
 * its description (`descriptions/tencent-cvm-api2.ts`).
 */
import { TENCENT_CVM_API2 } from './descriptions/tencent-cvm-api2.ts';
import { decodeTencent, encodeTencentQueryGet, pickStyle, tencentInstanceId } from './tencent-common.ts';
import type { Dialect } from './types.ts';

/**
 * The tencent-cvm-api2 dialect.
 *
 * @example
 * tencentCvmApi2.encode({ operation: 'StopInstances', instanceIds: ['ins-ab12cd34'], params: { ForceStop: true } }, ctx)
 * // GET {base}/v2/index.php?Action=StopInstances&Version=2017-03-12&Region=ap-guangzhou&InstanceIds.1=ins-ab12cd34&ForceStop=TRUE&Timestamp=...
 */
export const tencentCvmApi2: Dialect = Object.freeze({
  ...TENCENT_CVM_API2,
  instanceId: tencentInstanceId,
  encode(call, ctx) {
    pickStyle(TENCENT_CVM_API2.name, TENCENT_CVM_API2.styles, call);
    return encodeTencentQueryGet(call, ctx, TENCENT_CVM_API2);
  },
  decode(call, response) {
    return decodeTencent(TENCENT_CVM_API2.name, call, response);
  },
} satisfies Dialect);
