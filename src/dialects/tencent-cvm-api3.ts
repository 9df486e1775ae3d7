/**
 * tencent-cvm-api3: Tencent CVM API 3.0 (seed 002, DESIGN.md §2).
 *
 * - `json` (default): `POST {base}/` with a JSON body, the action, version, region and timestamp in `X-TC-*`
 *   headers, signed TC3-HMAC-SHA256 over `content-type;host` with service `cvm` and the host as addressed.
 * - `query-get` (the SHOULD variant): `GET {base}/?Action=..&Version=..&Region=..&InstanceIds.0=..` (0-based) with
 *   the common parameters Timestamp, Nonce, SecretId, SignatureMethod=HmacSHA256 and Signature in the query.
 *   Tencent's API 3.0 documents allow GET with both signature methods, but "when the TC3-HMAC-SHA256 algorithm is
 *   used, the common parameters should be uniformly placed in the HTTP request header" (Tencent Cloud "Common
 *   Params" page, e.g. https://www.tencentcloud.com/document/api/1278/73611), so TC3 cannot put everything in the
 *   query; the "signature v1" HmacSHA256 is the documented way to do so, and is what the official Node SDK sends
 *   with `signMethod: 'HmacSHA256', reqMethod: 'GET'` (the tests check our verifier accepts exactly that).
 *   Booleans are `TRUE`/`FALSE` as the document writes them (002:28-29).
 */
import { TC3_SERVICE, TENCENT_CVM_API3 } from './descriptions/tencent-cvm-api3.ts';
import { signTc3 } from '../signing/tc3.ts';
import { encodeQueryPairs } from '../signing/tencent-v2.ts';
import {
  decodeTencent,
  encodeTencentQueryGet,
  joinBase,
  nowSeconds,
  pickStyle,
  tencentAction,
  tencentInstanceId,
  tencentRegion,
} from './tencent-common.ts';
import { wireOf } from './description.ts';
import type { Dialect, DialectContext, OperationCall, WireRequest } from './types.ts';

/** The service name the suite puts in the TC3 credential scope (CVM's endpoint is `cvm.tencentcloudapi.com`). */
export const API3_SERVICE = TC3_SERVICE;

const JSON_WIRE = wireOf(TENCENT_CVM_API3, 'json');

/** The JSON body of a call: `InstanceIds` (when given), `Limit`/`Offset` for status queries, then `call.params`. */
export function api3JsonBody(call: OperationCall): Record<string, unknown> {
  const { statusQuery } = TENCENT_CVM_API3;
  const body: Record<string, unknown> = {};
  if (call.instanceIds !== undefined) body[JSON_WIRE.ids.name] = [...call.instanceIds];
  if (call.operation === 'DescribeStatus') {
    if (call.pageSize !== undefined) body[statusQuery.sizeParam] = call.pageSize;
    if (call.page !== undefined) body[statusQuery.startParam] = call.page;
  }
  for (const [name, value] of Object.entries(call.params ?? {})) {
    if (value !== null) body[name] = value;
  }
  return body;
}

/** Encode the default `json` style: POST with X-TC-* headers and a TC3 Authorization. */
function encodeJson(call: OperationCall, ctx: DialectContext): WireRequest {
  const target = joinBase(ctx.baseUrl, TENCENT_CVM_API3.path);
  const extras = call.extraQuery ?? [];
  const url = new URL(extras.length > 0 ? `${target.href}?${encodeQueryPairs(extras)}` : target.href);
  const body = call.rawBody ?? JSON.stringify(api3JsonBody(call));
  const contentType = call.contentType ?? 'application/json';
  const timestamp = nowSeconds(ctx);
  const signed = signTc3({
    credentials: ctx.credentials,
    timestamp,
    service: API3_SERVICE,
    method: 'POST',
    path: url.pathname,
    query: url.search.slice(1),
    headers: [
      ['content-type', contentType],
      ['host', url.host],
    ],
    payload: body,
  });
  const headers: Record<string, string> = {};
  if (contentType !== '') headers['content-type'] = contentType;
  headers[JSON_WIRE.action.name] = tencentAction(call);
  if (call.version !== null && JSON_WIRE.version !== null) headers[JSON_WIRE.version.name] = call.version ?? TENCENT_CVM_API3.version.value;
  const region = tencentRegion(call, ctx);
  if (region !== undefined && JSON_WIRE.region !== null) headers[JSON_WIRE.region.name] = region;
  headers['x-tc-timestamp'] = String(timestamp);
  headers['authorization'] = signed.authorization;
  return { method: 'POST', url: url.href, headers, body };
}

/**
 * The tencent-cvm-api3 dialect.
 *
 * @example
 * tencentCvmApi3.encode({ operation: 'StopInstances', instanceIds: ['ins-ab12cd34'], params: { StopType: 'SOFT' } }, ctx)
 * // POST {base}/ with X-TC-Action: StopInstances and body {"InstanceIds":["ins-ab12cd34"],"StopType":"SOFT"}
 */
export const tencentCvmApi3: Dialect = Object.freeze({
  ...TENCENT_CVM_API3,
  instanceId: tencentInstanceId,
  encode(call, ctx) {
    const style = pickStyle(TENCENT_CVM_API3.name, TENCENT_CVM_API3.styles, call);
    return style === 'json' ? encodeJson(call, ctx) : encodeTencentQueryGet(call, ctx, TENCENT_CVM_API3);
  },
  decode(call, response) {
    return decodeTencent(TENCENT_CVM_API3.name, call, response);
  },
} satisfies Dialect);
