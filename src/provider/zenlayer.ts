/**
 * Zenlayer behaviour, virtual machines (`zenlayer-vm`, seeds/001) and bare metal (`zenlayer-bmc`, seeds/003):
 * `POST /api/v2/vm|bmc` with `X-ZC-Action`. Errors are HTTP 4xx `{"requestId","code","message"}`.
 */
import { defaultWire } from '../dialects/description.ts';
import { describeDialect } from '../dialects/descriptions/index.ts';
import { verifyZc2 } from '../signing/zc2.ts';
import { newRequestId, parseJsonObject, preview, Refusal, type Incoming } from './common.ts';
import { stopAtomically, type ProviderContext } from './context.ts';
import { jsonAnswer, type ProviderAnswer } from './exchange.ts';
import { pageFormatOf, readIdList, readPage, signatureRefusal, signedRequest, type IdListFormat } from './inputs.ts';
import type { ErrorKey } from './rules.ts';

const MAX_SKEW_SECONDS = 300;

/** `instanceIds`: entries are non-empty strings (no malformed error is documented); `[]` in a query lists all. */
const IDS: IdListFormat = { name: 'instanceIds', emptyEntryOk: false, badEntry: 'malformedId', emptyQueryListsAll: true };

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
    const d = describeDialect(ctx.dialect);
    const actionHeader = defaultWire(d).action.name;
    const action = incoming.headers[actionHeader];
    if (action === undefined || action === '') throw new Refusal('missingParameter', 'the X-ZC-Action header is missing');
    if (action !== d.actions.StopInstances && action !== d.actions.DescribeStatus) {
      throw new Refusal('unknownAction', `the action ${action} does not exist`);
    }
    if (incoming.mediaType !== 'application/json') {
      throw new Refusal('invalidParameter', `content type "${incoming.mediaType}" is not supported (use application/json)`);
    }
    const body = parseJsonObject(incoming);
    if (action === d.actions.StopInstances) {
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
  const d = describeDialect(ctx.dialect);
  const ids = readIdList(ctx, { from: 'json', value: body[defaultWire(d).ids.name] }, IDS, 'stop') ?? [];
  // The description's Boolean parameters (seeds/001:22: forceShutdown, default true; the bmc page, seeds/003, has none).
  for (const name of d.booleanParameters) {
    if (name in body && typeof body[name] !== 'boolean') {
      throw new Refusal('invalidParameterValue', `${name} must be a boolean, not ${preview(body[name])}`);
    }
  }
  stopAtomically(ctx, ids);
}

function describe(ctx: ProviderContext, body: Record<string, unknown>): Record<string, unknown> {
  const ids = readIdList(ctx, { from: 'json', value: body[defaultWire(describeDialect(ctx.dialect)).ids.name] }, IDS, 'status');
  const { offset, size } = readPage(ctx, (name) => body[name], pageFormatOf(describeDialect(ctx.dialect)));
  const { total, page } = ctx.store.select(ids, offset, size);
  return {
    totalCount: total,
    dataSet: page.map((v) => ({ instanceId: v.id, instanceStatus: v.status })),
  };
}
