/**
 * Amazon EC2 behaviour (`aws-ec2`, specs/sources/aws-ec2.md): the Query API `POST /` with a form body or `GET /?..`,
 * SigV4, StopInstances (DryRun, Force, Hibernate, SkipOsShutdown), DescribeInstanceStatus (the suite's status query)
 * and DescribeInstances (what the AWS SDK's stopped waiter reads, aws-ec2.md:179). XML answers only; errors as
 * `<Response><Errors><Error>` with HTTP 4xx/5xx (aws-ec2.md:96-97).
 */
import { XMLBuilder } from 'fast-xml-parser';
import { describeDialect } from '../dialects/descriptions/index.ts';
import { SIGV4_MAX_SKEW_SECONDS, verifySigV4 } from '../signing/sigv4.ts';
import { formParams, newRequestId, ParamBag, parseCount, Refusal, xmlSafe, type Incoming } from './common.ts';
import { stopAtomically, type ProviderContext } from './context.ts';
import { textAnswer, type ProviderAnswer } from './exchange.ts';
import { readIdList, signatureRefusal, signedRequest, type IdListFormat } from './inputs.ts';
import { isValidId, type ErrorKey } from './rules.ts';
import type { InstanceView } from './store.ts';

/** The namespace of every answer (aws-ec2.md:62, 203). */
export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
/** The content type of every answer (aws-ec2.md:89, 101, 204). */
export const EC2_CONTENT_TYPE = 'text/xml;charset=UTF-8';

/** EC2's state codes by name (aws-ec2.md:72). */
const STATE_CODES: Readonly<Record<string, number>> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };
/** DescribeInstanceStatus and DescribeInstances: the page size bounds when no id is given. */
const MIN_PAGE = 5;
const MAX_PAGE = 1000;

/** `InstanceId.N` (aws-ec2.md:18, 43): an empty value is a client error (aws-ec2.md:189). */
const IDS: IdListFormat = {
  name: 'InstanceId.N',
  missingMessage: 'The request must contain the parameter InstanceId',
  emptyEntryOk: false,
  badEntry: 'invalidParameterValue',
  emptyQueryListsAll: false,
};
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
const xml = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: false });

/** An `InstanceState` element. */
function state(name: string): { code: number; name: string } {
  return { code: STATE_CODES[name] ?? 0, name };
}

/** An XML answer with the namespace on its root. */
function ec2Body(status: number, root: string, requestId: string, content: Record<string, unknown>): ProviderAnswer {
  const body = xml.build({ [root]: xmlSafe({ '@_xmlns': EC2_NAMESPACE, requestId, ...content }) });
  return textAnswer(status, EC2_CONTENT_TYPE, XML_DECLARATION + body, requestIdHeader(requestId));
}

/**
 * The request id as a header too: the AWS SDK fills `$metadata.requestId` from `x-amzn-RequestId`, not from the body
 * (found by the SDK interop test; real EC2 sends both).
 */
function requestIdHeader(requestId: string): Record<string, string> {
  return { 'x-amzn-requestid': requestId };
}

/**
 * Handle one request to an EC2 provider. Never throws.
 *
 * @example
 * const answer = handleEc2(ctx, incoming);
 */
export function handleEc2(ctx: ProviderContext, incoming: Incoming): ProviderAnswer {
  const requestId = newRequestId(ctx.dialect);
  try {
    const method = incoming.method.toUpperCase();
    if (method !== 'GET' && method !== 'POST') throw new Refusal('invalidParameter', `HTTP method ${method} is not supported (use GET or POST)`);
    const sources = [incoming.url.searchParams];
    if (method === 'POST' && incoming.mediaType === 'application/x-www-form-urlencoded') sources.push(formParams(incoming.bodyText));
    else if (method === 'POST' && incoming.bodyText.trim() !== '') {
      throw new Refusal('invalidParameter', `content type "${incoming.mediaType}" is not supported (send an application/x-www-form-urlencoded body)`);
    }
    const bag = ParamBag.from(...sources);
    verifySignature(ctx, incoming);
    const { actions } = describeDialect(ctx.dialect);
    const action = bag.single('Action');
    if (action === undefined || action === '') throw new Refusal('missingParameter', 'The request must contain the parameter Action');
    if (action !== actions.StopInstances && action !== actions.DescribeStatus && action !== 'DescribeInstances') {
      throw new Refusal('unknownAction', `The action ${action} is not valid for this web service.`);
    }
    const version = bag.single('Version');
    if (ctx.rules.version !== null) {
      if (version === undefined || version === '') throw new Refusal('missingParameter', 'The request must contain the parameter Version');
      if (version !== ctx.rules.version) throw new Refusal('badVersion', `Version ${version} is not valid (use ${ctx.rules.version})`);
    }
    if (action === actions.StopInstances) return ec2Body(200, `${action}Response`, requestId, { instancesSet: { item: stop(ctx, bag) } });
    const page = describe(ctx, bag, action === 'DescribeInstances');
    const next = page.nextToken === undefined ? {} : { nextToken: page.nextToken };
    if (action === 'DescribeInstances') {
      const reservations = page.views.map((v) => ({
        reservationId: `r-${v.id.slice(2)}`,
        ownerId: '000000000000',
        instancesSet: { item: [{ instanceId: v.id, instanceState: state(v.status) }] },
      }));
      return ec2Body(200, `${action}Response`, requestId, { reservationSet: set(reservations), ...next });
    }
    const statuses = page.views.map((v) => ({ instanceId: v.id, availabilityZone: 'us-east-1a', instanceState: state(v.status) }));
    return ec2Body(200, `${action}Response`, requestId, { instanceStatusSet: set(statuses), ...next });
  } catch (err: unknown) {
    if (err instanceof Refusal) return ec2Error(ctx, err.key, err.message, requestId);
    throw err;
  }
}

/** A `*Set` container: its entries as `item` elements, or an empty element. */
function set(entries: readonly unknown[]): unknown {
  return entries.length === 0 ? '' : { item: entries };
}

/**
 * The EC2 error envelope (aws-ec2.md:97): `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/>`.
 *
 * @example
 * ec2Error(ctx, 'notFound', "The instance ID 'i-1a2b3c4d' does not exist")
 */
export function ec2Error(ctx: ProviderContext, key: ErrorKey, message: string, requestId?: string): ProviderAnswer {
  const spec = ctx.rules.codes[key];
  const id = requestId ?? newRequestId(ctx.dialect);
  const body = { Response: xmlSafe({ Errors: { Error: { Code: spec.code, Message: message } }, RequestID: id }) };
  return textAnswer(spec.httpStatus, EC2_CONTENT_TYPE, XML_DECLARATION + xml.build(body), requestIdHeader(id));
}

function verifySignature(ctx: ProviderContext, incoming: Incoming): void {
  if (!ctx.credentials) return;
  const creds = ctx.credentials;
  const lookup = (id: string): string | undefined => (id === creds.accessKeyId ? creds.accessKeySecret : undefined);
  const result = verifySigV4(signedRequest(incoming), lookup, { service: 'ec2', now: ctx.now(), maxSkewSeconds: SIGV4_MAX_SKEW_SECONDS });
  if (!result.ok) throw signatureRefusal(result);
}

/** A Boolean parameter: exactly `true` or `false` (aws-ec2.md:24, 171: another spelling is a bad boolean). */
function readBoolean(bag: ParamBag, name: string): boolean | undefined {
  const raw = bag.single(name);
  if (raw === undefined) return undefined;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new Refusal('invalidParameterValue', `Value (${raw}) for parameter ${name} is invalid. Expected: 'true' or 'false'.`);
}

function readIds(ctx: ProviderContext, bag: ParamBag, purpose: 'stop' | 'status'): string[] | undefined {
  return readIdList(ctx, { from: 'indexed', prefix: 'InstanceId', firstIndex: 1, entries: bag.indexed('InstanceId', 1) }, IDS, purpose);
}

/** One `item` of a StopInstances answer (aws-ec2.md:61). */
interface StateChange {
  instanceId: string;
  currentState: { code: number; name: string };
  previousState: { code: number; name: string };
}

function stop(ctx: ProviderContext, bag: ParamBag): StateChange[] {
  const ids = readIds(ctx, bag, 'stop') ?? [];
  const description = describeDialect(ctx.dialect);
  const dryRun = readBoolean(bag, description.dryRun?.param ?? 'DryRun') ?? false;
  for (const name of description.booleanParameters) readBoolean(bag, name);
  const previous = new Map(ids.map((id) => [id, ctx.store.get(id)?.status ?? '']));
  const unchanged = description.stopIdempotent ?? [];
  // aws-ec2.md:181: an instance already stopping or stopped stays as it is; a running one starts stopping.
  stopAtomically(ctx, ids, dryRun, (id) => {
    if (!unchanged.includes(previous.get(id) ?? '')) ctx.store.beginStop(id);
  });
  // aws-ec2.md:45, 193: a dry run that would pass answers DryRunOperation and changes nothing.
  if (dryRun) throw new Refusal('dryRunSuccess', 'Request would have succeeded, but DryRun flag is set.');
  return ids.map((id) => ({
    instanceId: id,
    currentState: state(ctx.store.get(id)?.status ?? ''),
    previousState: state(previous.get(id) ?? ''),
  }));
}

/** One page of a describe action: the instances and the token of the next page, if any. */
interface DescribePage {
  readonly views: readonly InstanceView[];
  readonly nextToken: string | undefined;
}

/**
 * DescribeInstanceStatus or DescribeInstances: the given ids (at most `maxIds`, never with MaxResults, aws-ec2.md:137-138,
 * 154) or every instance, paged by MaxResults (5-1000) and an opaque NextToken. DescribeInstanceStatus lists only running
 * instances unless IncludeAllInstances=true (aws-ec2.md:135-136) and leaves unknown ids out; DescribeInstances refuses
 * an unknown id (aws-ec2.md:152). A malformed id is refused by both.
 */
function describe(ctx: ProviderContext, bag: ParamBag, instances: boolean): DescribePage {
  const ids = readIds(ctx, bag, 'status');
  const malformed = ids?.find((id) => !isValidId(ctx.rules, id));
  if (malformed !== undefined) throw new Refusal('malformedId', `Invalid id: "${malformed}"`);
  const rawSize = bag.single('MaxResults');
  if (ids !== undefined && rawSize !== undefined) {
    throw new Refusal('invalidParameter', 'The parameter instancesSet cannot be used with the parameter maxResults');
  }
  const size = rawSize === undefined ? MAX_PAGE : parseCount(rawSize);
  if (size === undefined || size < MIN_PAGE || size > MAX_PAGE) {
    throw new Refusal('invalidParameterValue', `MaxResults must be an integer from ${MIN_PAGE} to ${MAX_PAGE}`);
  }
  const token = bag.single('NextToken');
  const offset = token === undefined || token === '' ? 0 : tokenOffset(token);
  const includeAll = instances || (readBoolean(bag, 'IncludeAllInstances') ?? false);
  if (instances && ids !== undefined) {
    const unknown = ids.filter((id) => ctx.store.get(id) === undefined);
    if (unknown.length > 0) throw new Refusal('notFound', `The instance IDs '${unknown.join(', ')}' do not exist`);
  }
  const { total, page } = ctx.store.select(ids, offset, size);
  const views = includeAll ? page : page.filter((v) => v.status === ctx.rules.lifecycle.running);
  return { views, nextToken: offset + size < total ? `o${offset + size}` : undefined };
}

/** The offset a NextToken this provider gave stands for. */
function tokenOffset(token: string): number {
  const offset = /^o\d{1,9}$/.test(token) ? Number(token.slice(1)) : undefined;
  if (offset === undefined) throw new Refusal('invalidParameterValue', `Invalid NextToken: ${token}`);
  return offset;
}
