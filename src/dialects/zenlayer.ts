/**
 * The zenlayer-vm and zenlayer-bmc dialects (DESIGN.md §2): `POST {base}/api/v2/vm|bmc`, JSON bodies, the action in
 * `X-ZC-Action`, ZC2-HMAC-SHA256 signatures. Success is HTTP 2xx `{"requestId","response":{...}}`
 * (001:51-56, 003:49-54); errors are HTTP 4xx/5xx `{"requestId","code","message"}` (error tables 001:73-75,
 * 003:71-73; the envelope is DESIGN.md §2's).
 */
import { UsageError } from '../errors.ts';
import { signZc2 } from '../signing/zc2.ts';
import { defaultWire, makeInstanceId, memberAt, requestIdOf, type DialectDescription } from './description.ts';
import { ZENLAYER_BMC, ZENLAYER_VM } from './descriptions/zenlayer.ts';
import type { Dialect, DialectContext, InstanceResult, OperationCall, Outcome, WireRequest, WireResponse } from './types.ts';
import {
  contentTypeOf,
  encodePairs,
  excerpt,
  field,
  hostOf,
  isRecord,
  joinUrl,
  parseJson,
  stringField,
  textField,
  validateSchema,
} from './wire-util.ts';

/** The content type the vendor pages show (001:39, 003:40). */
export const ZENLAYER_CONTENT_TYPE = 'application/json';

function encodeZenlayer(d: DialectDescription, call: OperationCall, ctx: DialectContext): WireRequest {
  const style = call.style ?? 'json';
  if (style !== 'json') throw new UsageError(`${d.name} speaks only the 'json' wire style, not '${style}'`);
  const wire = defaultWire(d);
  const action = call.action ?? d.actions[call.operation];
  const body = Object.create(null) as Record<string, unknown>;
  if (call.instanceIds !== undefined) body[wire.ids.name] = [...call.instanceIds];
  if (call.operation === 'DescribeStatus') {
    if (call.pageSize !== undefined) body[d.statusQuery.sizeParam] = call.pageSize;
    if (call.page !== undefined) body[d.statusQuery.startParam] = call.page;
  }
  for (const [key, value] of Object.entries(call.params ?? {})) {
    if (value !== null) body[key] = value;
  }
  const payload = call.rawBody ?? JSON.stringify(body);
  const contentType = call.contentType ?? ZENLAYER_CONTENT_TYPE;
  const url = joinUrl(ctx.baseUrl, d.path, encodePairs(call.extraQuery ?? []));
  const timestamp = Math.floor((ctx.now ?? Date.now)() / 1000);
  const signed = signZc2({
    credentials: ctx.credentials,
    timestamp,
    method: 'POST',
    host: hostOf(url),
    contentType,
    payload,
  });
  return {
    method: 'POST',
    url,
    headers: {
      'content-type': contentType,
      [wire.action.name]: action,
      ...(wire.version !== null ? { [wire.version.name]: d.version.value } : {}),
      ...signed,
    },
    body: payload,
  };
}

function decodeZenlayer(d: DialectDescription, call: OperationCall, response: WireResponse): Outcome {
  const successSchema = call.operation === 'StopInstances' ? 'StopInstancesResponse' : 'DescribeStatusResponse';
  // DESIGN.md §3 "What makes an answer an error": the HTTP status, 2xx success and 4xx/5xx error, whatever the body
  // carries besides (a 200 with a `code` member is a success).
  const is2xx = response.status >= 200 && response.status < 300;
  const isError = response.status >= 400;
  const base = {
    httpStatus: response.status,
    contentType: contentTypeOf(response),
    ok: false,
    error: undefined,
    instances: undefined,
    requestId: undefined,
    schemaErrors: [] as string[],
  };
  const kindProblems = is2xx || isError ? [] : [`HTTP ${response.status} is neither a success (2xx) nor an error (4xx/5xx)`];
  if (response.bodyText.trim() === '') {
    return { ...base, format: 'empty', body: undefined, decodeProblems: ['body is empty (no envelope)', ...kindProblems] };
  }
  // No seed states a response content type (DESIGN.md §3): the body is read as JSON whatever the header says.
  const parsed = parseJson(response.bodyText);
  if (!parsed.ok) {
    return {
      ...base,
      format: 'unparseable',
      body: undefined,
      decodeProblems: [`${parsed.problem} (starts "${excerpt(response.bodyText)}")`, ...kindProblems],
    };
  }
  const body = parsed.value;
  const schema = is2xx ? successSchema : 'ErrorResponse';
  if (!isRecord(body)) {
    return {
      ...base,
      format: 'json',
      body,
      schemaErrors: validateSchema(d.name, schema, body),
      decodeProblems: ['body is JSON but not an object (no envelope)', ...kindProblems],
    };
  }
  const shape = d.answers;
  const requestId = requestIdOf(d, body);
  if (!is2xx) {
    const hasCode = Object.hasOwn(body, shape.errorCode);
    return {
      ...base,
      format: 'json',
      body,
      requestId,
      error: isError && hasCode ? { code: textField(body, shape.errorCode) ?? JSON.stringify(field(body, shape.errorCode)), message: textField(body, shape.errorMessage) ?? '' } : undefined,
      schemaErrors: validateSchema(d.name, 'ErrorResponse', body),
      decodeProblems: isError && !hasCode ? [`HTTP ${response.status} answer without an error code ("${shape.errorCode}")`] : kindProblems,
    };
  }
  const problems: string[] = [];
  let instances: InstanceResult[] | undefined;
  if (call.operation === 'DescribeStatus') {
    // DESIGN.md §3: the suite reads the ids and their status words from a status answer, nothing else (no paging
    // field, no request id); entries it cannot read are left out (and the instances they would name read as missing).
    const dataSet = memberAt(body, shape.statusList);
    if (Array.isArray(dataSet)) {
      instances = [];
      for (const entry of dataSet as unknown[]) {
        const id = isRecord(entry) ? stringField(entry, shape.statusId) : undefined;
        if (!isRecord(entry) || id === undefined) continue;
        const status = stringField(entry, shape.statusWord);
        instances.push(status === undefined ? { instanceId: id } : { instanceId: id, status });
      }
    } else {
      problems.push(`${shape.statusList.join('.')} is missing or not an array`);
    }
  }
  return {
    ...base,
    format: 'json',
    body,
    requestId,
    ok: true,
    instances,
    schemaErrors: validateSchema(d.name, successSchema, body),
    decodeProblems: problems,
  };
}

function makeZenlayer(d: DialectDescription): Dialect {
  return Object.freeze({
    ...d,
    instanceId: (token: string): string => makeInstanceId(d.ids.make, token),
    encode: (call: OperationCall, ctx: DialectContext): WireRequest => encodeZenlayer(d, call, ctx),
    decode: (call: OperationCall, response: WireResponse): Outcome => {
      try {
        return decodeZenlayer(d, call, response);
      } catch (err: unknown) {
        // Defence in depth: decode never throws.
        return {
          httpStatus: response.status,
          contentType: contentTypeOf(response),
          format: 'unparseable',
          body: undefined,
          requestId: undefined,
          ok: false,
          error: undefined,
          instances: undefined,
          schemaErrors: [],
          decodeProblems: [`decoding failed: ${err instanceof Error ? err.message : String(err)}`],
        };
      }
    },
  });
}

/**
 * zenlayer-vm: `POST /api/v2/vm` (seed 001).
 *
 * @example
 * zenlayerVm.encode({ operation: 'StopInstances', instanceIds: ['vm-1'], params: { forceShutdown: false } }, ctx)
 */
export const zenlayerVm: Dialect = makeZenlayer(ZENLAYER_VM);

/** zenlayer-bmc: `POST /api/v2/bmc` (seed 003); status query `DescribeInstances`. */
export const zenlayerBmc: Dialect = makeZenlayer(ZENLAYER_BMC);
