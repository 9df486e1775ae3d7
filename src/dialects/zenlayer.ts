/**
 * The zenlayer-vm and zenlayer-bmc dialects (DESIGN.md §2): `POST {base}/api/v2/vm|bmc`, JSON bodies, the action in
 * `X-ZC-Action`, ZC2-HMAC-SHA256 signatures. Success is HTTP 2xx `{"requestId","response":{...}}`
 * (001:51-56, 003:49-54); errors are HTTP 4xx/5xx `{"requestId","code","message"}` (error tables 001:73-75,
 * 003:71-73; the envelope is DESIGN.md §2's).
 */
import { UsageError } from '../errors.ts';
import { signZc2 } from '../signing/zc2.ts';
import type {
  Dialect,
  DialectContext,
  DialectName,
  DialectSources,
  InstanceResult,
  OperationCall,
  Outcome,
  WireRequest,
  WireResponse,
} from './types.ts';
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
  tokenDigest,
  validateSchema,
} from './wire-util.ts';
import { STATUS_WORDS } from './vocabulary.ts';

/** The `X-ZC-Version` the official SDKs send for API 2.0 (Zenlayer's signature page example). */
export const ZENLAYER_API_VERSION = '2022-11-20';

/** The content type the vendor pages show (001:39, 003:40). */
export const ZENLAYER_CONTENT_TYPE = 'application/json';

/** Ids per status query: the documented default `pageSize` (DESIGN.md §3), asked explicitly. */
export const ZENLAYER_STATUS_PAGE_SIZE = 20;

/** zenlayer-vm status words (DESIGN.md §2). */
export const ZENLAYER_VM_STATUS_WORDS: readonly string[] = STATUS_WORDS['zenlayer-vm'];

/** zenlayer-bmc status words (DESIGN.md §2). */
export const ZENLAYER_BMC_STATUS_WORDS: readonly string[] = STATUS_WORDS['zenlayer-bmc'];

type Product = 'vm' | 'bmc';

function statusAction(product: Product): string {
  // vm: DescribeInstancesStatus (001:11); bmc: DescribeInstances (003:12).
  return product === 'vm' ? 'DescribeInstancesStatus' : 'DescribeInstances';
}

function encodeZenlayer(name: DialectName, product: Product, call: OperationCall, ctx: DialectContext): WireRequest {
  const style = call.style ?? 'json';
  if (style !== 'json') throw new UsageError(`${name} speaks only the 'json' wire style, not '${style}'`);
  const action = call.action ?? (call.operation === 'StopInstances' ? 'StopInstances' : statusAction(product));
  const body = Object.create(null) as Record<string, unknown>;
  if (call.instanceIds !== undefined) body['instanceIds'] = [...call.instanceIds];
  if (call.operation === 'DescribeStatus') {
    if (call.pageSize !== undefined) body['pageSize'] = call.pageSize;
    if (call.page !== undefined) body['pageNum'] = call.page;
  }
  for (const [key, value] of Object.entries(call.params ?? {})) {
    if (value !== null) body[key] = value;
  }
  const payload = call.rawBody ?? JSON.stringify(body);
  const contentType = call.contentType ?? ZENLAYER_CONTENT_TYPE;
  const url = joinUrl(ctx.baseUrl, `/api/v2/${product}`, encodePairs(call.extraQuery ?? []));
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
      'x-zc-action': action,
      'x-zc-version': ZENLAYER_API_VERSION,
      ...signed,
    },
    body: payload,
  };
}

function decodeZenlayer(name: DialectName, call: OperationCall, response: WireResponse): Outcome {
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
      schemaErrors: validateSchema(name, schema, body),
      decodeProblems: ['body is JSON but not an object (no envelope)', ...kindProblems],
    };
  }
  const inner = field(body, 'response');
  const requestId = stringField(body, 'requestId') ?? (isRecord(inner) ? stringField(inner, 'requestId') : undefined);
  if (!is2xx) {
    const hasCode = Object.hasOwn(body, 'code');
    return {
      ...base,
      format: 'json',
      body,
      requestId,
      error: isError && hasCode ? { code: textField(body, 'code') ?? JSON.stringify(field(body, 'code')), message: textField(body, 'message') ?? '' } : undefined,
      schemaErrors: validateSchema(name, 'ErrorResponse', body),
      decodeProblems: isError && !hasCode ? [`HTTP ${response.status} answer without an error code ("code")`] : kindProblems,
    };
  }
  const problems: string[] = [];
  let instances: InstanceResult[] | undefined;
  if (call.operation === 'DescribeStatus') {
    // DESIGN.md §3: the suite reads the ids and their status words from a status answer, nothing else (no paging
    // field, no request id); entries it cannot read are left out (and the instances they would name read as missing).
    const dataSet = isRecord(inner) ? field(inner, 'dataSet') : undefined;
    if (Array.isArray(dataSet)) {
      instances = [];
      for (const entry of dataSet as unknown[]) {
        const id = isRecord(entry) ? stringField(entry, 'instanceId') : undefined;
        if (!isRecord(entry) || id === undefined) continue;
        const status = stringField(entry, 'instanceStatus');
        instances.push(status === undefined ? { instanceId: id } : { instanceId: id, status });
      }
    } else {
      problems.push('response.dataSet is missing or not an array');
    }
  }
  return {
    ...base,
    format: 'json',
    body,
    requestId,
    ok: true,
    instances,
    schemaErrors: validateSchema(name, successSchema, body),
    decodeProblems: problems,
  };
}

/** Where each Zenlayer document states the facts every case relies on. */
const ZENLAYER_SOURCES: Readonly<Record<Product, DialectSources>> = {
  vm: Object.freeze({
    requestId: '001_531d5cb6841b9371.txt:28 The unique request ID, which is returned for each request',
    uniqueRequestId: '001_531d5cb6841b9371.txt:28 The unique request ID',
    success: '001_531d5cb6841b9371.txt:51-57 Response:',
    error: 'DESIGN.md §3 What makes an answer an error: zenlayer and aliyun, the HTTP status',
    transition: '001_531d5cb6841b9371.txt:10 The instance status will become',
  }),
  bmc: Object.freeze({
    requestId: '003_c37a545698f1730b.txt:28 每次请求都会返回',
    uniqueRequestId: '003_c37a545698f1730b.txt:28 唯一请求 ID',
    success: '003_c37a545698f1730b.txt:49-55 Response:',
    error: 'DESIGN.md §3 What makes an answer an error: zenlayer and aliyun, the HTTP status',
    transition: '003_c37a545698f1730b.txt:11 接口调用成功时，实例会进入`STOPPING`状态',
  }),
};

function makeZenlayer(name: DialectName, product: Product, statusWords: readonly string[]): Dialect {
  return Object.freeze({
    name,
    specFile: `specs/${name}.yaml`,
    styles: Object.freeze(['json'] as const),
    statusWords,
    lifecycle: Object.freeze({ running: 'RUNNING', stopping: 'STOPPING', stopped: 'STOPPED' }),
    errorsAsHttp200: false,
    statusPageSize: ZENLAYER_STATUS_PAGE_SIZE,
    statusPaging: 'page-number',
    sources: ZENLAYER_SOURCES[product],
    instanceId: (token: string): string => `${product}-${tokenDigest(token).toString('hex').slice(0, 16)}`,
    encode: (call: OperationCall, ctx: DialectContext): WireRequest => encodeZenlayer(name, product, call, ctx),
    decode: (call: OperationCall, response: WireResponse): Outcome => {
      try {
        return decodeZenlayer(name, call, response);
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
export const zenlayerVm: Dialect = makeZenlayer('zenlayer-vm', 'vm', ZENLAYER_VM_STATUS_WORDS);

/** zenlayer-bmc: `POST /api/v2/bmc` (seed 003); status query `DescribeInstances`. */
export const zenlayerBmc: Dialect = makeZenlayer('zenlayer-bmc', 'bmc', ZENLAYER_BMC_STATUS_WORDS);
