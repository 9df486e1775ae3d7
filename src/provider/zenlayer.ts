/**
 * Zenlayer behaviour, virtual machines (`zenlayer-vm`, seeds/001) and bare metal (`zenlayer-bmc`, seeds/003):
 * `POST /api/v2/vm|bmc` with `X-ZC-Action`. Errors are HTTP 4xx `{"requestId","code","message"}`.
 */
import { verifyZc2 } from '../signing/zc2.ts';
import { newRequestId, parseJsonObject, preview, Refusal, type Incoming } from './common.ts';
import { stopAtomically, type ProviderContext } from './context.ts';
import { jsonAnswer, type ProviderAnswer } from './exchange.ts';
import { readIdList, readPage, signatureRefusal, signedRequest, type IdListFormat, type PageFormat } from './inputs.ts';
import type { ErrorKey } from './rules.ts';

/** Path of the vm API. */
export const ZENLAYER_VM_PATH = '/api/v2/vm';
/** Path of the bmc API. */
export const ZENLAYER_BMC_PATH = '/api/v2/bmc';

const MAX_SKEW_SECONDS = 300;

/** `instanceIds`: entries are non-empty strings (no malformed error is documented); `[]` in a query lists all. */
const IDS: IdListFormat = { name: 'instanceIds', emptyEntryOk: false, badEntry: 'malformedId', emptyQueryListsAll: true };
const PAGE: PageFormat = { size: 'pageSize', start: { name: 'pageNum', kind: 'pageNumber' } };

/**
 * Handle one request to a Zenlayer provider. Never throws.
 *
 * @example
 * const response = handleZenlayer(ctx, incoming);
 */
export function handleZenlayer(ctx: ProviderContext, incoming: Incoming): ProviderAnswer {
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
      return jsonAnswer(200, { requestId, response: { requestId } });
    }
    return jsonAnswer(200, { requestId, response: { requestId, ...describe(ctx, body) } });
  } catch (err: unknown) {
    if (err instanceof Refusal) return zenlayerError(ctx, err.key, err.message, requestId);
    throw err;
  }
}

/** The Zenlayer error envelope. */
export function zenlayerError(ctx: ProviderContext, key: ErrorKey, message: string, requestId?: string): ProviderAnswer {
  const spec = ctx.rules.codes[key];
  return jsonAnswer(spec.httpStatus, {
    requestId: requestId ?? newRequestId(ctx.dialect),
    code: spec.code,
    message,
  });
}

function verifySignature(ctx: ProviderContext, incoming: Incoming): void {
  if (!ctx.credentials) return;
  const creds = ctx.credentials;
  const result = verifyZc2(
    signedRequest(incoming),
    (id) => (id === creds.accessKeyId ? creds.accessKeySecret : undefined),
    { now: ctx.now(), maxSkewSeconds: MAX_SKEW_SECONDS },
  );
  if (!result.ok) throw signatureRefusal(result);
}

function stop(ctx: ProviderContext, body: Record<string, unknown>): void {
  const ids = readIdList(ctx, { from: 'json', value: body['instanceIds'] }, IDS, 'stop') ?? [];
  // seeds/001:22: forceShutdown is a Boolean, default true. The bmc page (seeds/003) has no such parameter.
  if (ctx.dialect === 'zenlayer-vm' && 'forceShutdown' in body && typeof body['forceShutdown'] !== 'boolean') {
    throw new Refusal(
      'invalidParameterValue',
      `forceShutdown must be a boolean, not ${preview(body['forceShutdown'])}`,
    );
  }
  stopAtomically(ctx, ids);
}

function describe(ctx: ProviderContext, body: Record<string, unknown>): Record<string, unknown> {
  const ids = readIdList(ctx, { from: 'json', value: body['instanceIds'] }, IDS, 'status');
  const { offset, size } = readPage(ctx, (name) => body[name], PAGE);
  const { total, page } = ctx.store.select(ids, offset, size);
  return {
    totalCount: total,
    dataSet: page.map((v) => ({ instanceId: v.id, instanceStatus: v.status })),
  };
}
