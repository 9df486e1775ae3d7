/**
 * What a dialect is, as data (issue 17): one {@link DialectDescription} per dialect, in `descriptions/`. Every fact
 * about a dialect (its wire styles and where each parameter travels, its path and actions, its version and region,
 * its ids, status words and which may be stopped, its boolean spelling, its envelopes and how an error is told from a
 * success, where its request id is, its rate limit, how its status query pages, its codes and where the reference
 * provider chooses one, its signer, the document lines the checks cite) lives there. Every other layer reads the
 * description, or keeps a `Record<Protocol, ...>` or `Record<DialectName, ...>` the compiler checks for completeness:
 * nothing outside `src/dialects/` compares a dialect's name (`src/architecture.test.ts` forbids it).
 *
 * Pure data and small pure functions over it: the reference provider reads it too (it never imports the client-side
 * dialect modules).
 */
import { createHash } from 'node:crypto';
import { UsageError } from '../errors.ts';
import type { DialectName, DialectSources, OperationName, WireStyle } from './types.ts';

/**
 * The protocols the suite speaks: a dialect's envelopes, signature family and request shapes. Code that differs by
 * protocol (the reference provider's behaviour module, a contract's response body, a legal perturbation's envelope
 * members) keeps a `Record<Protocol, ...>`: a dialect that speaks a known protocol is data alone; a new protocol is
 * one entry in each such record, each asked for by the compiler.
 */
export const PROTOCOLS = ['tencent', 'zenlayer', 'aliyun', 'ec2'] as const;

/** One of {@link PROTOCOLS}. */
export type Protocol = (typeof PROTOCOLS)[number];

/** The signature schemes (`src/signing/`): tencent HmacSHA256 query signature, TC3, ZC2, aliyun RPC and ACS3, AWS SigV4. */
export type SignerScheme = 'tencent-v2' | 'tc3' | 'zc2' | 'aliyun-rpc' | 'acs3' | 'sigv4';

/** A style's signature: the scheme, and for TC3 and SigV4 the service its credential scope names (`cvm`, `ec2`). */
export type StyleSigner =
  | { readonly scheme: 'tc3'; readonly service: string }
  | { readonly scheme: 'sigv4'; readonly service: string }
  | { readonly scheme: Exclude<SignerScheme, 'tc3' | 'sigv4'> };

/** Where a named value travels in a request: a query (or form) parameter, a header (lower case) or a JSON member. */
export interface Placement {
  readonly in: 'query' | 'header' | 'json';
  readonly name: string;
}

/** Where the id list travels: indexed query parameters (`InstanceIds.1`, from `indexBase`) or a JSON array member. */
export type IdPlacement =
  | { readonly in: 'query'; readonly name: string; readonly indexBase: 0 | 1 }
  | { readonly in: 'json'; readonly name: string };

/** How one wire style of a dialect carries a call. */
export interface StyleWire {
  readonly style: WireStyle;
  readonly method: 'GET' | 'POST';
  /** Where the action name travels (`Action=`, `X-TC-Action`, `X-ZC-Action`, `x-acs-action`). */
  readonly action: Placement;
  /** Where the version travels; `null` when the style sends none. */
  readonly version: Placement | null;
  /** Where the region travels; `null` when the dialect has no region. */
  readonly region: Placement | null;
  readonly ids: IdPlacement;
  /** Booleans as JSON `true`/`false`, or as these two words (`TRUE`/`FALSE` for tencent, 000:21; aliyun `true`/`false`). */
  readonly booleans: 'json' | { readonly true: string; readonly false: string };
  /** The signature the style carries. */
  readonly signer: StyleSigner;
}

/** One error the reference provider can answer: the dialect's code and the HTTP status it travels with. */
export interface ErrorSpec {
  readonly code: string;
  /** HTTP status. Tencent answers every error with 200 (DESIGN.md §3). */
  readonly httpStatus: number;
}

/** Every error situation the reference provider knows, by a dialect-neutral key. */
export type ErrorKey =
  /** A required parameter (ids, Region, Version...) is absent. */
  | 'missingParameter'
  /** The request cannot be read: bad JSON, not an object, wrong content type, duplicated parameter. */
  | 'invalidParameter'
  /** A parameter has a value the document does not allow (enum, boolean, paging). */
  | 'invalidParameterValue'
  /** An explicit empty id list. */
  | 'emptyIds'
  /** More ids than `maxIds`. */
  | 'limitExceeded'
  /** An id that does not match `idPattern`. */
  | 'malformedId'
  /** An id nobody seeded. */
  | 'notFound'
  /** The instance is in a status that may not be stopped. */
  | 'wrongState'
  /** The instance is in a transitional status (`notReadyWords`, aliyun `InstanceNotReady`). */
  | 'notReady'
  /** The instance is in the recycle bin (`recycledWords`, zenlayer). */
  | 'recycled'
  /** The instance is locked for security reasons (aliyun). */
  | 'securityLocked'
  /** The action is not one the dialect offers. */
  | 'unknownAction'
  /** The version is not the documented one. */
  | 'badVersion'
  /** Rate limit hit (tencent only: zenlayer and aliyun providers never limit, so their entries are never answered). */
  | 'rateLimited'
  /** Signature missing or wrong. */
  | 'signatureFailure'
  /** Signature timestamp too old or too far in the future. */
  | 'signatureExpired'
  /** The access key id is not the configured one. */
  | 'unknownAccessKey'
  /** Body larger than `maxBodyBytes`. */
  | 'bodyTooLarge'
  /** aliyun dry run that passed. */
  | 'dryRunSuccess';

/** The code table of a dialect: the documented codes, and the reference provider's choice where none is documented. */
export type CodeTable = Readonly<Record<ErrorKey, ErrorSpec>>;

/** How the suite makes a fresh valid id from a token (DESIGN.md §4: the suite picks every id itself). */
export interface IdMaker {
  readonly prefix: string;
  /**
   * The characters after the prefix, from the token's SHA-256 digest: `alphanumeric`, one of `[a-z0-9]` per digest
   * byte; `hex`, the digest's hex digits.
   */
  readonly digits: 'alphanumeric' | 'hex';
  readonly length: number;
}

/** Where a dialect's answers keep things, as member paths (`Response.RequestId`): what decoders and rewriters read. */
export interface AnswerShape {
  /** The member that holds a success's content (`Response`, zenlayer `response`); `[]`: the top level (or XML root). */
  readonly envelope: readonly string[];
  /** Where an answer carries its request id, the first found wins (zenlayer: at the top level and inside `response`). */
  readonly requestIds: readonly (readonly string[])[];
  /** The member that holds the error of an error answer (its `Code` and `Message`), `[]` when they are top level. */
  readonly error: readonly string[];
  /** The names of the error's code and message members. */
  readonly errorCode: string;
  readonly errorMessage: string;
  /** The status query's list of entries, each entry's id and status word members. */
  readonly statusList: readonly string[];
  readonly statusId: string;
  readonly statusWord: string;
  /** The status answer's paging members (totals, page number and size; never judged, DESIGN.md §3). */
  readonly pagingFields: readonly string[];
}

/** The status query as the API defines it (the suite's own page size is {@link DialectDescription.statusPageSize}). */
export interface StatusQueryShape {
  /** The page-size parameter (`Limit`, `pageSize`, `PageSize`). */
  readonly sizeParam: string;
  /** The page-start parameter: an offset (`Offset`) or a 1-based page number (`pageNum`, `PageNumber`). */
  readonly startParam: string;
  /** The API's default page size (DESIGN.md §3: tencent 20, zenlayer 20, aliyun 10). */
  readonly defaultPageSize: number;
  /** The API's largest page size; `null` when none is known (zenlayer). */
  readonly maxPageSize: number | null;
}

/** A dry run (aliyun `DryRun`, 004:24-25): the parameter, and when it passes whatever the checks find. */
export interface DryRunShape {
  readonly param: string;
  /** A parameter value with which a dry run answers its success code whatever the checks find (004:25 SuccessFirst). */
  readonly passesWith?: { readonly param: string; readonly value: string };
}

/** Everything the suite knows about one dialect, as data. */
export interface DialectDescription {
  readonly name: DialectName;
  /** The protocol the dialect speaks (see {@link Protocol}). */
  readonly protocol: Protocol;
  /** Path of the OpenAPI document relative to the package root, e.g. `specs/aliyun-ecs.yaml`. */
  readonly specFile: string;
  /** The API path, relative to the target base URL (DESIGN.md §2). */
  readonly path: string;
  /** The wire styles the dialect speaks, the default first, each with where its parameters travel. */
  readonly wire: readonly StyleWire[];
  /** Styles this dialect speaks, in {@link wire}'s order; the first is the default. */
  readonly styles: readonly WireStyle[];
  /** The vendor's action of each operation (`DescribeStatus`: the dialect's status query, DESIGN.md §2). */
  readonly actions: Readonly<Record<OperationName, string>>;
  /** The API version every request sends, and whether the reference provider requires exactly it. */
  readonly version: { readonly value: string; readonly required: boolean };
  /** The region sent when none is configured, and whether it is required; `null` when the dialect has no region. */
  readonly region: { readonly default: string; readonly required: boolean } | null;
  /** Instance ids: at most `max` per request, their syntax (`null`: any non-empty string), how the suite makes them. */
  readonly ids: { readonly max: number; readonly pattern: RegExp | null; readonly make: IdMaker };
  /** The documented Boolean parameters of StopInstances (each spelled in the style's boolean spelling). */
  readonly booleanParameters: readonly string[];
  /** Every status word of the dialect (DESIGN.md §2), in the dialect's own spelling. */
  readonly statusWords: readonly string[];
  /** The dialect's words for running, stopping and stopped. */
  readonly lifecycle: { readonly running: string; readonly stopping: string; readonly stopped: string };
  /** The words from which a stop is accepted. */
  readonly stoppable: readonly string[];
  /**
   * Words from which a stop may succeed without changing anything or be refused as the wrong status, both legal
   * (aws-ec2: already stopping or stopped, aws-ec2.md:181); the reference provider answers a success.
   */
  readonly stopIdempotent?: readonly string[];
  /** The words meaning "in the recycle bin" (zenlayer, DESIGN.md §3: answered before NOT_RUNNING). */
  readonly recycled: readonly string[];
  /** The words answered as "not ready" rather than as the wrong status (aliyun `InstanceNotReady`). */
  readonly notReady: readonly string[];
  /** Whether a security-locked instance is refused (aliyun, DESIGN.md §3). */
  readonly securityLock: boolean;
  /**
   * True when the dialect's error envelope travels with HTTP 200 (tencent's `Response.Error`, DESIGN.md §3): an error
   * is told by the {@link AnswerShape.error} member being an object. False: errors come with HTTP 4xx/5xx and the
   * HTTP status alone tells them (zenlayer, aliyun).
   */
  readonly errorsAsHttp200: boolean;
  /** Where the answers keep their request id, error, and status entries. */
  readonly answers: AnswerShape;
  /** The body format of the dialect's answers when a call does not ask for another (aws-ec2 answers XML only). */
  readonly bodyFormat: 'json' | 'xml';
  /** Whether answers come as XML when the request asks (aliyun `Format=XML`, the RPC default; DESIGN.md §3). */
  readonly xmlAnswers: boolean;
  /** The dialect's dry run, if it has one. */
  readonly dryRun?: DryRunShape;
  /**
   * Parameter values only some instances take (DESIGN.md §3 "Eligibility the provider-state protocol cannot seed":
   * tencent `StoppedMode=STOP_CHARGING`, aliyun `StopCharging`): a stop or a client error that changed nothing.
   */
  readonly conditionalValue?: { readonly param: string; readonly value: string };
  /** How many ids one status query of the suite asks for at most; the client chunks by it and asks for exactly that. */
  readonly statusPageSize: number;
  /**
   * How the status query's next page is asked: by an offset (tencent `Offset`), a 1-based page number (zenlayer,
   * aliyun), or the token the previous answer gave (aws-ec2 `NextToken`, followed until an answer gives none).
   */
  readonly statusPaging: 'offset' | 'page-number' | 'next-token';
  /** The status query's parameters and the API's own page sizes. */
  readonly statusQuery: StatusQueryShape;
  /**
   * The documented request rate limit, if any (tencent-cvm-api3: 10 StopInstances per second, 002:14) and the window
   * it counts in. The engine paces its own calls of that operation below it (DESIGN.md §3).
   */
  readonly rateLimit?: { readonly operation: OperationName; readonly perSecond: number; readonly windowMs: number };
  /** The documented codes, and the reference provider's choice where the documents name none (DESIGN.md §3). */
  readonly codes: CodeTable;
  /**
   * The request-level situations no document names a code for (DESIGN.md §3 "Where the documents name no error code"):
   * the reference's code there is its own choice, and any client error (any 4xx, or tencent's `Response.Error`) is legal.
   */
  readonly undocumentedCodes: readonly ErrorKey[];
  /**
   * Documented codes the reference provider never answers (an alternative a document lists, e.g. aliyun's
   * `InvalidInstanceIds.NotFound`, 004:184), with the situation they stand for.
   */
  readonly alternativeCodes: readonly { readonly key: ErrorKey; readonly code: string }[];
  /** Request ids the reference provider makes: upper-case UUIDs like the document's examples (aliyun), or lower case. */
  readonly requestIdCase: 'upper' | 'lower';
  /** Where the documents state the facts the engine's generic checks judge (DESIGN.md §5). */
  readonly sources: DialectSources;
}

/** A description as written: everything but `styles`, which {@link defineDialect} derives from `wire`. */
export type DescriptionInput = Omit<DialectDescription, 'styles'>;

/**
 * Freeze a description and derive its `styles` from its `wire`.
 *
 * @example
 * export const ZENLAYER_VM: DialectDescription = defineDialect({ name: 'zenlayer-vm', protocol: 'zenlayer', ... });
 */
export function defineDialect(input: DescriptionInput): DialectDescription {
  return Object.freeze({ ...input, styles: Object.freeze(input.wire.map((w) => w.style)) });
}

/**
 * How a style of a dialect carries a call; `undefined` when the dialect does not speak it.
 *
 * @example
 * styleWire(describeDialect('tencent-cvm-api3'), 'query-get')?.ids // { in: 'query', name: 'InstanceIds', indexBase: 0 }
 */
export function styleWire(description: DialectDescription, style: WireStyle): StyleWire | undefined {
  return description.wire.find((w) => w.style === style);
}

/**
 * The wire of a style the dialect speaks; a {@link UsageError} for one it does not.
 *
 * @example
 * wireOf(describeDialect('tencent-cvm-api3'), 'json').action // { in: 'header', name: 'x-tc-action' }
 */
export function wireOf(description: DialectDescription, style: WireStyle): StyleWire {
  const wire = styleWire(description, style);
  if (wire === undefined) throw new UsageError(`${description.name} does not speak the wire style ${style}`);
  return wire;
}

/** The default style's wire (the first). */
export function defaultWire(description: DialectDescription): StyleWire {
  return description.wire[0] as StyleWire;
}

/**
 * The style an arriving request speaks: the first whose action header it carries, else the first style that carries
 * the action in the query, else the default.
 *
 * @example
 * arrivingStyle(describeDialect('tencent-cvm-api3'), { 'x-tc-action': 'StopInstances' }).style // 'json'
 */
export function arrivingStyle(description: DialectDescription, headers: Readonly<Record<string, string | undefined>>): StyleWire {
  return (
    description.wire.find((w) => w.action.in === 'header' && headers[w.action.name] !== undefined) ??
    description.wire.find((w) => w.action.in === 'query') ??
    defaultWire(description)
  );
}

/**
 * The action a request names, wherever the dialect's styles carry it (a header first, then the query).
 *
 * @example
 * requestAction(describeDialect('aliyun-ecs'), {}, new URLSearchParams('Action=StopInstances')) // 'StopInstances'
 */
export function requestAction(
  description: DialectDescription,
  headers: Readonly<Record<string, string | undefined>>,
  query: URLSearchParams,
): string | undefined {
  for (const w of description.wire) if (w.action.in === 'header' && headers[w.action.name] !== undefined) return headers[w.action.name];
  for (const w of description.wire) if (w.action.in === 'query' && query.has(w.action.name)) return query.get(w.action.name) ?? undefined;
  return undefined;
}

/**
 * A boolean as a style spells it: a JSON boolean, or the style's word.
 *
 * @example
 * spellBoolean(styleWire(describeDialect('tencent-cvm-api2'), 'query-get')!, true) // 'TRUE'
 */
export function spellBoolean(wire: StyleWire, value: boolean): boolean | string {
  if (wire.booleans === 'json') return value;
  return value ? wire.booleans.true : wire.booleans.false;
}

/**
 * The member at a path of a parsed answer, `undefined` when a step is missing or not an object.
 *
 * @example
 * memberAt({ Response: { RequestId: 'r-1' } }, ['Response', 'RequestId']) // 'r-1'
 */
export function memberAt(body: unknown, path: readonly string[]): unknown {
  let at = body;
  for (const key of path) {
    if (typeof at !== 'object' || at === null || Array.isArray(at) || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/**
 * The request id of a parsed answer: the first string at one of the description's request-id paths.
 *
 * @example
 * requestIdOf(describeDialect('zenlayer-vm'), { response: { requestId: 'r-1' } }) // 'r-1'
 */
export function requestIdOf(description: DialectDescription, body: unknown): string | undefined {
  for (const path of description.answers.requestIds) {
    const id = memberAt(body, path);
    if (typeof id === 'string') return id;
  }
  return undefined;
}

/**
 * Whether an answer is the dialect's error (DESIGN.md §3 "What makes an answer an error"): for errors with HTTP 200,
 * the error member being an object; otherwise an HTTP status of 400 or more.
 *
 * @example
 * isErrorAnswer(describeDialect('tencent-cvm-api2'), 200, { Response: { Error: { Code: 'X' } } }) // true
 */
export function isErrorAnswer(description: DialectDescription, httpStatus: number, body: unknown): boolean {
  if (!description.errorsAsHttp200) return httpStatus >= 400;
  const error = memberAt(body, description.answers.error);
  return typeof error === 'object' && error !== null && !Array.isArray(error);
}

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A valid, fresh instance id derived deterministically from a token (SHA-256), as the maker says.
 *
 * @example
 * makeInstanceId({ prefix: 'ins-', digits: 'alphanumeric', length: 8 }, 'case-1/a') // 'ins-' + 8 of [a-z0-9]
 */
export function makeInstanceId(maker: IdMaker, token: string): string {
  const digest = createHash('sha256').update(token, 'utf8').digest();
  if (maker.digits === 'hex') return `${maker.prefix}${digest.toString('hex').slice(0, maker.length)}`;
  let suffix = '';
  for (let i = 0; i < maker.length; i++) suffix += ALPHANUMERIC[(digest[i] ?? 0) % ALPHANUMERIC.length];
  return `${maker.prefix}${suffix}`;
}
