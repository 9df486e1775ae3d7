/**
 * Tencent CVM behaviour, API 2.0 gateway (`tencent-cvm-api2`, seeds/000) and API 3.0 (`tencent-cvm-api3`,
 * seeds/002): StopInstances and DescribeInstancesStatus. Errors are HTTP 200 with `Response.Error` (DESIGN.md §3).
 */
import { styleWire, wireOf, type DialectDescription, type Placement, type StyleWire } from '../dialects/description.ts';
import { describeDialect } from '../dialects/descriptions/index.ts';
import { verifyTc3 } from '../signing/tc3.ts';
import { verifyTencentV2 } from '../signing/tencent-v2.ts';
import {
  formParams,
  newRequestId,
  ParamBag,
  parseBooleanText,
  parseJsonObject,
  preview,
  Refusal,
  type Incoming,
} from './common.ts';
import { stopAtomically, type ProviderContext } from './context.ts';
import { jsonAnswer, type ProviderAnswer } from './exchange.ts';
import { pageFormatOf, readIdList, readPage, signatureRefusal, signedRequest, type IdListFormat, type IdListInput } from './inputs.ts';
import { isValidId, type ErrorKey } from './rules.ts';

/** StopType values of seeds/002:32-36. */
export const TENCENT_STOP_TYPES: readonly string[] = ['SOFT', 'HARD', 'SOFT_FIRST'];
/** StoppedMode values of seeds/002:37-41. */
export const TENCENT_STOPPED_MODES: readonly string[] = ['KEEP_CHARGING', 'STOP_CHARGING'];

/** Largest clock difference a signed request may have (Tencent: five minutes). */
const MAX_SKEW_SECONDS = 300;

/** `InstanceIds`: an explicit empty list is refused in both actions; entries must be strings. */
const IDS: IdListFormat = { name: 'InstanceIds', emptyEntryOk: true, badEntry: 'invalidParameterValue', emptyQueryListsAll: false };

/** The parameters of one request, whatever the wire style. */
interface TencentInput {
  readonly action: string | undefined;
  readonly version: string | undefined;
  readonly region: string | undefined;
  readonly ids: IdListInput;
  /** Where the other parameters are: the JSON body, or the query and form parameters. */
  readonly params: { readonly json: Record<string, unknown> } | { readonly bag: ParamBag };
}

/** A parameter's value (`undefined` when absent). */
function param(input: TencentInput, name: string): unknown {
  return 'json' in input.params ? input.params.json[name] : input.params.bag.single(name);
}

/**
 * Handle one request to a Tencent provider. Never throws.
 *
 * @example
 * const response = handleTencent(ctx, incoming);
 */
export function handleTencent(ctx: ProviderContext, incoming: Incoming): ProviderAnswer {
  const requestId = newRequestId(ctx.dialect);
  try {
    verifySignature(ctx, incoming);
    const input = readInput(ctx, incoming);
    if (input.action === undefined || input.action === '') throw new Refusal('missingParameter', 'Action is missing');
    const { actions } = describeDialect(ctx.dialect);
    if (input.action !== actions.StopInstances && input.action !== actions.DescribeStatus) {
      throw new Refusal('unknownAction', `the action ${input.action} does not exist`);
    }
    if (ctx.rules.version !== null) {
      if (input.version === undefined || input.version === '') throw new Refusal('missingParameter', 'Version is missing');
      if (input.version !== ctx.rules.version) {
        throw new Refusal('badVersion', `version ${input.version} is not supported (use ${ctx.rules.version})`);
      }
    }
    if (ctx.rules.requireRegion && (input.region === undefined || input.region === '')) {
      throw new Refusal('missingParameter', 'Region is missing');
    }
    if (input.action === actions.StopInstances) {
      if (ctx.stopLimiter && !ctx.stopLimiter.tryAcquire()) {
        throw new Refusal(
          'rateLimited',
          `at most ${ctx.stopLimiter.limit} StopInstances requests per second are allowed`,
        );
      }
      stop(ctx, input);
      return jsonAnswer(200, { Response: { RequestId: requestId } });
    }
    return jsonAnswer(200, { Response: { ...describe(ctx, input), RequestId: requestId } });
  } catch (err: unknown) {
    if (err instanceof Refusal) return tencentError(ctx, err.key, err.message, requestId);
    throw err;
  }
}

/** The Tencent error envelope: HTTP status from the rules (200), `Response.Error`. */
export function tencentError(ctx: ProviderContext, key: ErrorKey, message: string, requestId?: string): ProviderAnswer {
  const spec = ctx.rules.codes[key];
  return jsonAnswer(spec.httpStatus, {
    Response: { Error: { Code: spec.code, Message: message }, RequestId: requestId ?? newRequestId(ctx.dialect) },
  });
}

function verifySignature(ctx: ProviderContext, incoming: Incoming): void {
  if (!ctx.credentials) return;
  const { target, ...rest } = signedRequest(incoming);
  const received = { ...rest, url: target };
  const options = { nowSeconds: Math.floor(ctx.now() / 1000), maxSkewSeconds: MAX_SKEW_SECONDS };
  // A dialect with a TC3-signed JSON style (api3) verifies TC3 for requests that carry an Authorization or a JSON body.
  const useTc3 =
    jsonStyle(describeDialect(ctx.dialect))?.signer.scheme === 'tc3' &&
    (incoming.headers['authorization'] !== undefined || incoming.mediaType === 'application/json');
  const check = useTc3
    ? verifyTc3(received, ctx.credentials, options)
    : verifyTencentV2(received, ctx.credentials, options);
  if (!check.ok) throw signatureRefusal(check);
}

/** The dialect's JSON style (api3's POST with `X-TC-*` headers), if it speaks one. */
function jsonStyle(d: DialectDescription): StyleWire | undefined {
  return styleWire(d, 'json');
}

/** A header the JSON style carries a value in (`x-tc-action`...), read from any request of a dialect that has one. */
function fromHeader(incoming: Incoming, placement: Placement | null | undefined): string | undefined {
  return placement?.in === 'header' ? incoming.headers[placement.name] : undefined;
}

function readInput(ctx: ProviderContext, incoming: Incoming): TencentInput {
  const d = describeDialect(ctx.dialect);
  const json = jsonStyle(d);
  const query = wireOf(d, 'query-get');
  const method = incoming.method.toUpperCase();
  if (method !== 'GET' && method !== 'POST') {
    throw new Refusal('invalidParameter', `HTTP method ${method} is not supported (use GET or POST)`);
  }
  if (json !== undefined && method === 'POST' && incoming.mediaType === 'application/json') {
    const body = parseJsonObject(incoming);
    return {
      action: fromHeader(incoming, json.action),
      version: fromHeader(incoming, json.version),
      region: fromHeader(incoming, json.region),
      ids: { from: 'json', value: body[json.ids.name] },
      params: { json: body },
    };
  }
  const sources = [incoming.url.searchParams];
  if (method === 'POST') {
    if (incoming.mediaType === 'application/x-www-form-urlencoded') sources.push(formParams(incoming.bodyText));
    else if (incoming.bodyText !== '' || (incoming.mediaType !== '' && incoming.mediaType !== 'application/json')) {
      throw new Refusal(
        'invalidParameter',
        `content type "${incoming.mediaType}" is not supported (use ${json !== undefined ? 'application/json or ' : ''}application/x-www-form-urlencoded)`,
      );
    }
  }
  const bag = ParamBag.from(...sources);
  // API 3.0 GET lists are 0-based (InstanceIds.0..99); API 2.0 lists are 1-based (InstanceIds.1..100; seeds/000:20,
  // 000:53): the description's index base. An index outside the range is refused (readIdList), so a stray
  // `InstanceIds.999` is never processed.
  const prefix = query.ids.name;
  const firstIndex = query.ids.in === 'query' ? query.ids.indexBase : 0;
  const ids: IdListInput = { from: 'indexed', prefix, firstIndex, entries: bag.indexed(prefix, firstIndex) };
  const single = (placement: Placement | null): string | undefined => (placement === null ? undefined : bag.single(placement.name));
  return {
    action: single(query.action) ?? fromHeader(incoming, json?.action),
    version: single(query.version) ?? fromHeader(incoming, json?.version),
    region: single(query.region) ?? fromHeader(incoming, json?.region),
    ids,
    params: { bag },
  };
}

function readBoolean(value: unknown, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const parsed = parseBooleanText(value);
    if (parsed !== undefined) return parsed;
  }
  throw new Refusal('invalidParameterValue', `${name} must be TRUE or FALSE, not ${preview(value)}`);
}

function readEnum(value: unknown, name: string, allowed: readonly string[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && allowed.includes(value)) return value;
  throw new Refusal('invalidParameterValue', `${name} must be one of ${allowed.join(', ')}, not ${preview(value)}`);
}

function stop(ctx: ProviderContext, input: TencentInput): void {
  const ids = readIdList(ctx, input.ids, IDS, 'stop') ?? [];
  for (const name of describeDialect(ctx.dialect).booleanParameters) readBoolean(param(input, name), name);
  readEnum(param(input, 'StopType'), 'StopType', TENCENT_STOP_TYPES);
  readEnum(param(input, 'StoppedMode'), 'StoppedMode', TENCENT_STOPPED_MODES);
  stopAtomically(ctx, ids);
}

function describe(ctx: ProviderContext, input: TencentInput): Record<string, unknown> {
  const ids = readIdList(ctx, input.ids, IDS, 'status');
  const { offset, size } = readPage(ctx, (name) => param(input, name), pageFormatOf(describeDialect(ctx.dialect)));
  if (ids) {
    const malformed = ids.filter((id) => !isValidId(ctx.rules, id));
    if (malformed.length > 0) throw new Refusal('malformedId', `malformed instance id: ${malformed.join(', ')}`);
  }
  const { total, page } = ctx.store.select(ids, offset, size);
  return {
    TotalCount: total,
    InstanceStatusSet: page.map((v) => ({ InstanceId: v.id, InstanceState: v.status })),
  };
}
