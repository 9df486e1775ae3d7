/**
 * tencent-cvm-api3: Tencent CVM API 3.0 (seed 002, DESIGN.md §2): `POST {base}/` with a JSON body and the action,
 * version and region in `X-TC-*` headers, signed TC3-HMAC-SHA256 with service `cvm`; or (the SHOULD variant) a GET
 * with everything in the query, ids `InstanceIds.0..` (0-based). 10 StopInstances per second (002:14).
 */
import { defineDialect, type DialectDescription } from '../description.ts';
import { TENCENT_COMMON, tencentQueryGet } from './tencent.ts';

/** The service the TC3 credential scope names: CVM's endpoint is `cvm.tencentcloudapi.com`. */
export const TC3_SERVICE = 'cvm';

/** 002:14: 10 requests per second; DESIGN.md §3 "10 requests within a second must be served". */
export const API3_RATE_LIMIT = Object.freeze({ operation: 'StopInstances', perSecond: 10, windowMs: 1000 } as const);

/** The tencent-cvm-api3 description. */
export const TENCENT_CVM_API3: DialectDescription = defineDialect({
  ...TENCENT_COMMON,
  name: 'tencent-cvm-api3',
  specFile: 'specs/tencent-cvm-api3.yaml',
  path: '/',
  wire: [
    Object.freeze({
      style: 'json',
      method: 'POST',
      action: { in: 'header', name: 'x-tc-action' },
      version: { in: 'header', name: 'x-tc-version' },
      region: { in: 'header', name: 'x-tc-region' },
      ids: { in: 'json', name: 'InstanceIds' },
      booleans: 'json',
      signer: { scheme: 'tc3', service: TC3_SERVICE },
    } as const),
    tencentQueryGet(0),
  ],
  // 002:42: STOP_CHARGING is valid only for some instances (DESIGN.md §3).
  conditionalValue: Object.freeze({ param: 'StoppedMode', value: 'STOP_CHARGING' }),
  rateLimit: API3_RATE_LIMIT,
  sources: Object.freeze({
    requestId: '002_40889c500b2228ae.txt:46 The unique request ID, which is returned for each request',
    uniqueRequestId: '002_40889c500b2228ae.txt:46 The unique request ID',
    success: '002_40889c500b2228ae.txt:58-61 Output Example',
    error: 'DESIGN.md §3 tencent: errors are HTTP 200 with `Response.Error`',
    transition: '002_40889c500b2228ae.txt:10 The instance status will become STOPPING when the API is called successfully',
  }),
});
