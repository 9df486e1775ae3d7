/**
 * Reading a request's inputs the same way in every dialect, driven by the rules: the instance id list (the one place
 * `maxIds` is checked), the status page (`statusPage`), and a failed signature check as an error key. The dialect
 * modules only say how their parameters are spelled.
 */
import type { DialectDescription } from '../dialects/description.ts';
import type { ServerRequest } from '../signing/server-request.ts';
import { preview, Refusal, parseCount, typeName, uniqueIds, withHost, type Incoming } from './common.ts';
import type { ProviderContext } from './context.ts';
import type { ErrorKey } from './rules.ts';

/** An id list as the request carried it: a JSON value, or indexed parameters (`InstanceIds.1=..`). */
export type IdListInput =
  | {
      readonly from: 'json';
      /** The value of the list's JSON member; `undefined` when absent. */
      readonly value: unknown;
    }
  | {
      readonly from: 'indexed';
      /** Parameter name before the dot, e.g. `InstanceIds`. */
      readonly prefix: string;
      /** The lowest index the dialect allows (0 or 1). */
      readonly firstIndex: number;
      /** `[index, value]` in any order; empty when absent. */
      readonly entries: readonly (readonly [number, string])[];
    };

/** How a dialect names and treats its id list. */
export interface IdListFormat {
  /** Name used in messages, e.g. `InstanceIds`, `instanceIds`, `InstanceId.N`. */
  readonly name: string;
  /** Message of a StopInstances without the list (default `<name> is missing`). */
  readonly missingMessage?: string;
  /** Whether an empty string is an acceptable entry (it is then judged like any other id: malformed or unknown). */
  readonly emptyEntryOk: boolean;
  /** The error of an entry that is not an acceptable string. */
  readonly badEntry: ErrorKey;
  /** Whether a status query with an explicit empty list lists every instance (zenlayer) rather than refusing it. */
  readonly emptyQueryListsAll: boolean;
}

/**
 * The unique ids of a request's list, checked against the rules (`maxIds`, at most that many entries and, for indexed
 * lists, no index past `firstIndex + maxIds - 1`). `undefined` when a status query has no list (or an empty one that
 * lists everything); a StopInstances without one is refused with `missingParameter`.
 *
 * @example
 * readIdList(ctx, { from: 'json', value: body['instanceIds'] }, ZENLAYER_IDS, 'stop') // ['vm-1']
 */
export function readIdList(
  ctx: ProviderContext,
  input: IdListInput,
  format: IdListFormat,
  purpose: 'stop' | 'status',
): string[] | undefined {
  const { maxIds } = ctx.rules;
  let values: readonly unknown[];
  if (input.from === 'indexed') {
    if (input.entries.length === 0) return absentList(format, purpose);
    if (input.entries.length > maxIds) throw overLimit(format, input.entries.length, maxIds);
    const last = input.firstIndex + maxIds - 1;
    const outside = input.entries.find(([index]) => index > last);
    if (outside) {
      throw new Refusal(
        'invalidParameter',
        `parameter ${input.prefix}.${outside[0]}: the index must be from ${input.firstIndex} to ${last}`,
      );
    }
    values = [...input.entries].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  } else {
    if (input.value === undefined) return absentList(format, purpose);
    if (!Array.isArray(input.value)) {
      throw new Refusal('invalidParameterValue', `${format.name} must be an array, not ${typeName(input.value)}`);
    }
    values = input.value;
    if (values.length === 0) {
      if (purpose === 'status' && format.emptyQueryListsAll) return undefined;
      throw new Refusal('emptyIds', `${format.name} must not be empty`);
    }
    if (values.length > maxIds) throw overLimit(format, values.length, maxIds);
  }
  const bad = values.find((id) => typeof id !== 'string' || (id === '' && !format.emptyEntryOk));
  if (bad !== undefined) {
    const what = format.emptyEntryOk ? 'strings' : 'non-empty strings';
    throw new Refusal(format.badEntry, `${format.name} must hold ${what}, not ${preview(bad)}`);
  }
  return uniqueIds(values as string[]);
}

/** No list: a StopInstances needs one, a status query lists everything. */
function absentList(format: IdListFormat, purpose: 'stop' | 'status'): undefined {
  if (purpose === 'stop') throw new Refusal('missingParameter', format.missingMessage ?? `${format.name} is missing`);
  return undefined;
}

function overLimit(format: IdListFormat, count: number, maxIds: number): Refusal {
  return new Refusal('limitExceeded', `${format.name} has ${count} ids; at most ${maxIds} are allowed`);
}

/** How a dialect names its paging parameters. */
export interface PageFormat {
  /** Page size parameter, e.g. `Limit`, `pageSize`, `PageSize`. */
  readonly size: string;
  /** Where the page starts: an offset from 0 (`Offset`) or a page number from 1 (`pageNum`, `PageNumber`). */
  readonly start: { readonly name: string; readonly kind: 'offset' | 'pageNumber' };
}

/**
 * How a dialect's status query names its paging parameters, from its description.
 *
 * @example
 * pageFormatOf(describeDialect('aliyun-ecs')) // { size: 'PageSize', start: { name: 'PageNumber', kind: 'pageNumber' } }
 */
export function pageFormatOf(description: DialectDescription): PageFormat {
  const { sizeParam, startParam } = description.statusQuery;
  return { size: sizeParam, start: { name: startParam, kind: description.statusPaging === 'offset' ? 'offset' : 'pageNumber' } };
}

/** A status page as asked, checked against `rules.statusPage`. */
export interface PageRequest {
  readonly size: number;
  readonly offset: number;
  /** 1-based page number (`offset / size + 1` for offset-style paging). */
  readonly pageNumber: number;
}

/**
 * The page a status query asks for: the size defaults to and is capped by `rules.statusPage`; the start defaults to
 * the first entry. `param` gives a parameter's value as sent (JSON value or text; `undefined` when absent).
 *
 * @example
 * readPage(ctx, (name) => bag.single(name), { size: 'PageSize', start: { name: 'PageNumber', kind: 'pageNumber' } })
 */
export function readPage(ctx: ProviderContext, param: (name: string) => unknown, format: PageFormat): PageRequest {
  const rawSize = param(format.size);
  const rawStart = param(format.start.name);
  const { defaultSize, maxSize } = ctx.rules.statusPage;
  const size = rawSize === undefined ? defaultSize : parseCount(rawSize);
  if (size === undefined || size < 1 || (maxSize !== null && size > maxSize)) {
    throw new Refusal('invalidParameterValue', `${format.size} must be an integer from 1${maxSize === null ? '' : ` to ${maxSize}`}`);
  }
  if (format.start.kind === 'offset') {
    const offset = rawStart === undefined ? 0 : parseCount(rawStart);
    if (offset === undefined) throw new Refusal('invalidParameterValue', `${format.start.name} must be a non-negative integer`);
    return { size, offset, pageNumber: Math.floor(offset / size) + 1 };
  }
  const pageNumber = rawStart === undefined ? 1 : parseCount(rawStart);
  if (pageNumber === undefined || pageNumber < 1) {
    throw new Refusal('invalidParameterValue', `${format.start.name} must be an integer from 1`);
  }
  return { size, offset: (pageNumber - 1) * size, pageNumber };
}

/** The request as the signature verifiers see it (`target` = path and raw query; headers with a `host`). */
export function signedRequest(incoming: Incoming): ServerRequest {
  return {
    method: incoming.method,
    target: incoming.url.pathname + incoming.url.search,
    headers: withHost(incoming),
    body: incoming.bodyText,
  };
}

/** What a failed signature check reports: a `reason` (zenlayer, aliyun verifiers) or a Tencent `code`. */
export interface SignatureFailure {
  readonly reason?: string;
  readonly code?: string;
  readonly message: string;
}

const SIGNATURE_KEYS: ReadonlyMap<string, ErrorKey> = new Map([
  ['expired', 'signatureExpired'],
  ['unknown-key', 'unknownAccessKey'],
  ['AuthFailure.SignatureExpire', 'signatureExpired'],
  ['AuthFailure.SecretIdNotFound', 'unknownAccessKey'],
  // Tencent API 2.0: a common parameter (Nonce, SecretId, Signature...) that is absent.
  ['MissingParameter', 'missingParameter'],
]);

/**
 * The refusal for a failed signature check, whichever scheme reported it: expired -> `signatureExpired`, unknown
 * access key -> `unknownAccessKey`, a missing api2 common parameter -> `missingParameter`, anything else ->
 * `signatureFailure`.
 *
 * @example
 * if (!result.ok) throw signatureRefusal(result);
 */
export function signatureRefusal(failure: SignatureFailure): Refusal {
  const key = SIGNATURE_KEYS.get(failure.code ?? failure.reason ?? '') ?? 'signatureFailure';
  return new Refusal(key, failure.message);
}
