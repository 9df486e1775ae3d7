/**
 * Zenlayer behaviour, virtual machines (`zenlayer-vm`, seeds/001) and bare metal (`zenlayer-bmc`, seeds/003):
 * `POST /api/v2/vm|bmc` with `X-ZC-Action`. Errors are HTTP 4xx `{"requestId","code","message"}`.
 */
import { verifyZc2 } from '../signing/zc2.ts';
import {
  jsonResponse,
  newRequestId,
  parseCount,
  parseJsonObject,
  Refusal,
  typeName,
  uniqueIds,
  withHost,
  type Incoming,
} from './common.ts';
import { stopAtomically, type ProviderContext } from './context.ts';
import type { ErrorKey } from './rules.ts';

/** Path of the vm API. */
export const ZENLAYER_VM_PATH = '/api/v2/vm';
/** Path of the bmc API. */
export const ZENLAYER_BMC_PATH = '/api/v2/bmc';

const MAX_SKEW_SECONDS = 300;

/**
 * Handle one request to a Zenlayer provider. Never throws.
 *
 * @example
 * const response = handleZenlayer(ctx, incoming);
 */
export function handleZenlayer(ctx: ProviderContext, incoming: Incoming): Response {
  const requestId = newRequestId(ctx.dialect);
  try {
    verifySignature(ctx, incoming);
    if (incoming.method.toUpperCase() !== 'POST') {
      throw new Refusal('invalidParameter', `HTTP method ${incoming.method} is not supported (use POST)`);
    }
    const action = incoming.headers['x-zc-action'];
    if (action === undefined || action === '') throw new Refusal('missingParameter', 'the X-ZC-Action header is missing');
    const statusAction = ctx.dialect === 'zenlayer-vm' ? 'DescribeInstancesStatus' : 'DescribeInstances';
    if (action !== 'StopInstances' && action !== statusAction) {
      throw new Refusal('unknownAction', `the action ${action} does not exist`);
    }
    if (incoming.mediaType !== 'application/json') {
      throw new Refusal('invalidParameter', `content type "${incoming.mediaType}" is not supported (use application/json)`);
    }
    const body = parseJsonObject(incoming);
    if (action === 'StopInstances') {
      stop(ctx, body);
      return jsonResponse(200, { requestId, response: { requestId } });
    }
    return jsonResponse(200, { requestId, response: { requestId, ...describe(ctx, body) } });
  } catch (err: unknown) {
    if (err instanceof Refusal) return zenlayerError(ctx, err.key, err.message, requestId);
    throw err;
  }
}

/** The Zenlayer error envelope. */
export function zenlayerError(ctx: ProviderContext, key: ErrorKey, message: string, requestId?: string): Response {
  const spec = ctx.rules.codes[key];
  return jsonResponse(spec.httpStatus, {
    requestId: requestId ?? newRequestId(ctx.dialect),
    code: spec.code,
    message,
  });
}

function verifySignature(ctx: ProviderContext, incoming: Incoming): void {
  if (!ctx.credentials) return;
  const creds = ctx.credentials;
  const result = verifyZc2(
    {
      method: incoming.method,
      target: incoming.url.pathname + incoming.url.search,
      headers: withHost(incoming),
      body: incoming.bodyText,
    },
    (id) => (id === creds.accessKeyId ? creds.accessKeySecret : undefined),
    { now: ctx.now(), maxSkewSeconds: MAX_SKEW_SECONDS },
  );
  if (result.ok) return;
  const key: ErrorKey =
    result.reason === 'expired' ? 'signatureExpired' : result.reason === 'unknown-key' ? 'unknownAccessKey' : 'signatureFailure';
  throw new Refusal(key, result.message);
}

function readIds(ctx: ProviderContext, raw: unknown, required: boolean): string[] | undefined {
  if (raw === undefined) {
    if (required) throw new Refusal('missingParameter', 'instanceIds is missing');
    return undefined;
  }
  if (!Array.isArray(raw)) throw new Refusal('invalidParameterValue', `instanceIds must be an array, not ${typeName(raw)}`);
  if (raw.length === 0) {
    if (required) throw new Refusal('emptyIds', 'instanceIds must not be empty');
    return [];
  }
  if (raw.length > ctx.rules.maxIds) {
    throw new Refusal('limitExceeded', `instanceIds has ${raw.length} ids; at most ${ctx.rules.maxIds} are allowed`);
  }
  const bad = raw.find((id) => typeof id !== 'string' || id === '');
  if (bad !== undefined) {
    throw new Refusal('malformedId', `instanceIds must hold non-empty strings, not ${JSON.stringify(bad)}`);
  }
  return uniqueIds(raw as string[]);
}

function stop(ctx: ProviderContext, body: Record<string, unknown>): void {
  const ids = readIds(ctx, body['instanceIds'], true) ?? [];
  // seeds/001:22: forceShutdown is a Boolean, default true. The bmc page (seeds/003) has no such parameter.
  if (ctx.dialect === 'zenlayer-vm' && 'forceShutdown' in body && typeof body['forceShutdown'] !== 'boolean') {
    throw new Refusal(
      'invalidParameterValue',
      `forceShutdown must be a boolean, not ${JSON.stringify(body['forceShutdown'])}`,
    );
  }
  stopAtomically(ctx, ids);
}

function describe(ctx: ProviderContext, body: Record<string, unknown>): Record<string, unknown> {
  const ids = readIds(ctx, body['instanceIds'], false);
  const { defaultSize, maxSize } = ctx.rules.statusPage;
  const pageSize = body['pageSize'] === undefined ? defaultSize : parseCount(body['pageSize']);
  if (pageSize === undefined || pageSize < 1 || (maxSize !== null && pageSize > maxSize)) {
    throw new Refusal('invalidParameterValue', `pageSize must be an integer from 1${maxSize === null ? '' : ` to ${maxSize}`}`);
  }
  const pageNum = body['pageNum'] === undefined ? 1 : parseCount(body['pageNum']);
  if (pageNum === undefined || pageNum < 1) throw new Refusal('invalidParameterValue', 'pageNum must be an integer from 1');
  const offset = (pageNum - 1) * pageSize;
  // An empty list asks for every instance, like no list at all.
  const { total, page } = ctx.store.select(ids && ids.length > 0 ? ids : undefined, offset, pageSize);
  return {
    totalCount: total,
    dataSet: page.map((v) => ({ instanceId: v.id, instanceStatus: v.status })),
  };
}
