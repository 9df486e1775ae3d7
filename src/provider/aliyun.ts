/**
 * Alibaba Cloud ECS behaviour (`aliyun-ecs`, seeds/004): RPC `GET|POST /?Action=...` and the official SDK's ACS3
 * style (`x-acs-action`), StopInstances with DryRun / BatchOptimization, DescribeInstanceStatus. JSON or XML
 * (`Format`; the RPC default is XML, ACS3's is JSON, DESIGN.md §3).
 */
import { XMLBuilder } from 'fast-xml-parser';
import { describeDialect } from '../dialects/descriptions/index.ts';
import { isAcs3Request, verifyAcs3 } from '../signing/acs3.ts';
import { verifyRpc } from '../signing/aliyun-rpc.ts';
import type { VerifyResult } from '../signing/server-request.ts';
import { formParams, newRequestId, ParamBag, parseBooleanText, Refusal, xmlSafe, type Incoming } from './common.ts';
import { instanceProblem, stopAtomically, type ProviderContext } from './context.ts';
import { textAnswer, type ProviderAnswer } from './exchange.ts';
import { pageFormatOf, readIdList, readPage, signatureRefusal, signedRequest, type IdListFormat } from './inputs.ts';
import type { ErrorKey } from './rules.ts';

/** StoppedMode values (seeds/004:43-48). */
export const ALIYUN_STOPPED_MODES: readonly string[] = ['StopCharging', 'KeepCharging'];
/** BatchOptimization values (seeds/004:52-57). */
export const ALIYUN_BATCH_MODES: readonly string[] = ['AllTogether', 'SuccessFirst'];

/** Aliyun accepts a Timestamp within 15 minutes of its clock. */
const MAX_SKEW_SECONDS = 900;

/** `InstanceId.N` (seeds/004:63 "Valid values of N: 1 to 100"): `InstanceId.0` or `.101` is refused, never processed. */
const IDS: IdListFormat = {
  name: 'InstanceId.N',
  missingMessage: 'The input parameter "InstanceId.N" that is mandatory for processing this request is not supplied.',
  emptyEntryOk: true,
  badEntry: 'invalidParameterValue',
  emptyQueryListsAll: false,
};
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
const xml = new XMLBuilder({ format: false });

type Format = 'JSON' | 'XML';

/** One entry of `InstanceResponses.InstanceResponse` (seeds/004:76-95). */
interface InstanceResponseEntry {
  Code: string;
  Message: string;
  InstanceId: string;
  PreviousStatus: string;
  CurrentStatus: string;
}

/**
 * Handle one request to an Aliyun provider. Never throws.
 *
 * @example
 * const response = handleAliyun(ctx, incoming);
 */
export function handleAliyun(ctx: ProviderContext, incoming: Incoming): ProviderAnswer {
  const requestId = newRequestId(ctx.dialect);
  const acs3 = incoming.headers['x-acs-action'] !== undefined;
  let format: Format = acs3 ? 'JSON' : 'XML';
  try {
    const method = incoming.method.toUpperCase();
    if (method !== 'GET' && method !== 'POST') {
      throw new Refusal('invalidParameter', `HTTP method ${method} is not supported (use GET or POST)`);
    }
    const sources = [incoming.url.searchParams];
    if (method === 'POST' && incoming.mediaType === 'application/x-www-form-urlencoded') {
      sources.push(formParams(incoming.bodyText));
    } else if (method === 'POST' && incoming.bodyText.trim() !== '') {
      throw new Refusal(
        'invalidParameter',
        `content type "${incoming.mediaType}" is not supported (parameters go in the query or an application/x-www-form-urlencoded body)`,
      );
    }
    const bag = ParamBag.from(...sources);
    const read = readFormat(bag, format);
    format = read.format;
    if (read.refusal) throw read.refusal;
    verifySignature(ctx, incoming);
    const action = bag.single('Action') ?? incoming.headers['x-acs-action'];
    if (action === undefined || action === '') throw new Refusal('missingParameter', 'Action is missing');
    const { actions } = describeDialect(ctx.dialect);
    if (action !== actions.StopInstances && action !== actions.DescribeStatus) {
      throw new Refusal('unknownAction', `Specified api ${action} is not found, please check your url and method.`);
    }
    const version = bag.single('Version') ?? incoming.headers['x-acs-version'];
    if (ctx.rules.version !== null) {
      if (version === undefined || version === '') throw new Refusal('missingParameter', 'Version is missing');
      if (version !== ctx.rules.version) {
        throw new Refusal('badVersion', `Specified parameter Version ${version} is not valid (use ${ctx.rules.version})`);
      }
    }
    const region = bag.single('RegionId');
    if (ctx.rules.requireRegion && (region === undefined || region === '')) {
      throw new Refusal('missingParameter', 'The input parameter "RegionId" that is mandatory for processing this request is not supplied.');
    }
    if (action === actions.StopInstances) {
      const entries = stop(ctx, bag);
      return aliyunBody(200, format, `${actions.StopInstances}Response`, {
        RequestId: requestId,
        InstanceResponses: { InstanceResponse: entries },
      });
    }
    return aliyunBody(200, format, `${actions.DescribeStatus}Response`, { RequestId: requestId, ...describe(ctx, bag) });
  } catch (err: unknown) {
    if (err instanceof Refusal) return aliyunError(ctx, err.key, err.message, format, incoming, requestId);
    throw err;
  }
}

/** The Aliyun error envelope, JSON or XML (`<Error>`). */
export function aliyunError(
  ctx: ProviderContext,
  key: ErrorKey,
  message: string,
  format: Format,
  incoming: Incoming | undefined,
  requestId?: string,
): ProviderAnswer {
  const spec = ctx.rules.codes[key];
  return aliyunBody(spec.httpStatus, format, 'Error', {
    RequestId: requestId ?? newRequestId(ctx.dialect),
    HostId: incoming?.headers['host'] ?? incoming?.url.host ?? 'ecs.aliyuncs.com',
    Code: spec.code,
    Message: message,
  });
}

/** A body in the asked format; XML wraps it in `root`. */
function aliyunBody(status: number, format: Format, root: string, body: Record<string, unknown>): ProviderAnswer {
  if (format === 'XML') return textAnswer(status, 'application/xml;charset=utf-8', XML_DECLARATION + xml.build({ [root]: xmlSafe(body) }));
  return textAnswer(status, 'application/json;charset=utf-8', JSON.stringify(body));
}

/**
 * The format the query alone asks for: XML when it holds exactly one `Format` and that says XML (in any case), JSON
 * otherwise. For answers given before the body is read (a body over the cap), where an RPC default cannot be told
 * from a `Format` in the unread body.
 *
 * @example
 * aliyunQueryFormat(new URL('http://ecs.test/?Action=StopInstances&Format=xml')) // 'XML'
 */
export function aliyunQueryFormat(url: URL): Format {
  const asked = url.searchParams.getAll('Format');
  return asked.length === 1 && asked[0]?.toUpperCase() === 'XML' ? 'XML' : 'JSON';
}

/**
 * The answer format. A repeated `Format` is refused like every other repeated parameter; since the asked format is
 * then ambiguous, that refusal is written in JSON (the format the suite and ACS3 use), never silently in XML.
 * An unknown value is refused in the default format (XML for RPC, JSON for ACS3).
 */
function readFormat(bag: ParamBag, fallback: Format): { format: Format; refusal?: Refusal } {
  let raw: string | undefined;
  try {
    raw = bag.single('Format');
  } catch (err: unknown) {
    if (err instanceof Refusal) return { format: 'JSON', refusal: err };
    throw err;
  }
  if (raw === undefined) return { format: fallback };
  const upper = raw.toUpperCase();
  if (upper === 'JSON' || upper === 'XML') return { format: upper };
  return { format: fallback, refusal: new Refusal('invalidParameterValue', `Format must be JSON or XML, not "${raw}"`) };
}

function verifySignature(ctx: ProviderContext, incoming: Incoming): void {
  if (!ctx.credentials) return;
  const creds = ctx.credentials;
  const request = signedRequest(incoming);
  const lookup = (id: string): string | undefined => (id === creds.accessKeyId ? creds.accessKeySecret : undefined);
  const options = { now: ctx.now(), maxSkewSeconds: MAX_SKEW_SECONDS };
  const result: VerifyResult = isAcs3Request(request)
    ? verifyAcs3(request, lookup, options)
    : verifyRpc(request, lookup, options);
  if (!result.ok) throw signatureRefusal(result);
}

function readBoolean(bag: ParamBag, name: string): boolean | undefined {
  const raw = bag.single(name);
  if (raw === undefined) return undefined;
  const parsed = parseBooleanText(raw);
  if (parsed === undefined) throw new Refusal('invalidParameterValue', `${name} must be true or false, not "${raw}"`);
  return parsed;
}

function readEnum(bag: ParamBag, name: string, allowed: readonly string[]): string | undefined {
  const raw = bag.single(name);
  if (raw === undefined) return undefined;
  if (!allowed.includes(raw)) throw new Refusal('invalidParameterValue', `${name} must be one of ${allowed.join(', ')}, not "${raw}"`);
  return raw;
}

function readIds(ctx: ProviderContext, bag: ParamBag, purpose: 'stop' | 'status'): string[] | undefined {
  return readIdList(ctx, { from: 'indexed', prefix: 'InstanceId', firstIndex: 1, entries: bag.indexed('InstanceId', 1) }, IDS, purpose);
}

function stop(ctx: ProviderContext, bag: ParamBag): InstanceResponseEntry[] {
  const ids = readIds(ctx, bag, 'stop') ?? [];
  const description = describeDialect(ctx.dialect);
  const dryRun = description.dryRun === undefined ? false : (readBoolean(bag, description.dryRun.param) ?? false);
  for (const name of description.booleanParameters) readBoolean(bag, name);
  readEnum(bag, 'StoppedMode', ALIYUN_STOPPED_MODES);
  const batch = readEnum(bag, 'BatchOptimization', ALIYUN_BATCH_MODES) ?? 'AllTogether';
  const { running, stopping } = ctx.rules.lifecycle;
  if (batch === 'SuccessFirst') {
    // seeds/004:25: SuccessFirst with DryRun=true returns DRYRUN.SUCCESS whatever the checks find.
    if (dryRun) throw new Refusal('dryRunSuccess', 'Request validation has been passed with DryRun flag set.');
    return ids.map((id) => {
      const problem = instanceProblem(ctx, id);
      if (!problem) {
        ctx.store.beginStop(id);
        return { Code: '200', Message: 'success', InstanceId: id, PreviousStatus: running, CurrentStatus: stopping };
      }
      // seeds/004:134-139: an id that does not exist (there `i-TestID`, not even well-formed) gets NotFound.
      const key: ErrorKey = problem.key === 'malformedId' ? 'notFound' : problem.key;
      return {
        Code: ctx.rules.codes[key].code,
        Message: entryMessage(key, problem.status),
        InstanceId: id,
        PreviousStatus: problem.status ?? '',
        CurrentStatus: problem.status ?? '',
      };
    });
  }
  stopAtomically(ctx, ids, dryRun);
  if (dryRun) throw new Refusal('dryRunSuccess', 'Request validation has been passed with DryRun flag set.');
  return ids.map((id) => ({
    Code: '200',
    Message: 'success',
    InstanceId: id,
    PreviousStatus: running,
    CurrentStatus: stopping,
  }));
}

function entryMessage(key: ErrorKey, status: string | undefined): string {
  switch (key) {
    case 'notFound':
      return 'The specified InstanceId does not exist.';
    case 'securityLocked':
      return 'The specified instance is locked for security reasons.';
    case 'notReady':
      return 'The specified instance is not ready for use.';
    default:
      return `The current status of the resource does not support this operation (${status ?? 'unknown'}).`;
  }
}

function describe(ctx: ProviderContext, bag: ParamBag): Record<string, unknown> {
  const ids = readIds(ctx, bag, 'status');
  const { size, offset, pageNumber } = readPage(ctx, (name) => bag.single(name), pageFormatOf(describeDialect(ctx.dialect)));
  const { total, page } = ctx.store.select(ids, offset, size);
  return {
    TotalCount: total,
    PageNumber: pageNumber,
    PageSize: size,
    InstanceStatuses: { InstanceStatus: page.map((v) => ({ InstanceId: v.id, Status: v.status })) },
  };
}
