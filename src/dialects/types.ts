/**
 * The one interface every dialect module implements (DESIGN.md §2).
 *
 * A dialect knows wire details only: how a normalized call becomes an HTTP request (with its signature), and how
 * any HTTP answer becomes a normalized {@link Outcome}. It never decides whether an outcome is right: that is the
 * engine's checks' job.
 */
import type { DialectDescription } from './description.ts';

/** The dialect names, pinned by DESIGN.md §2 (the sixth, `aws-ec2`, from public references). */
export const DIALECT_NAMES = [
  'tencent-cvm-api2',
  'tencent-cvm-api3',
  'zenlayer-vm',
  'zenlayer-bmc',
  'aliyun-ecs',
  'aws-ec2',
] as const;

/** One of the dialect names. */
export type DialectName = (typeof DIALECT_NAMES)[number];

/** Type guard for {@link DialectName}. */
export function isDialectName(value: string): value is DialectName {
  return (DIALECT_NAMES as readonly string[]).includes(value);
}

/**
 * A wire style a dialect may speak.
 * - `json`: JSON body POST (tencent-cvm-api3, zenlayer-*).
 * - `query-get`: everything in the query string of a GET (tencent-cvm-api2; api3's SHOULD variant with 0-based
 *   indexes; aliyun RPC).
 * - `form-post`: the same parameters as a `application/x-www-form-urlencoded` POST body (aliyun RPC POST).
 * - `acs3`: aliyun's ACS3 style (action in `x-acs-action`, parameters in the query, ACS3-HMAC-SHA256).
 */
export type WireStyle = 'json' | 'query-get' | 'form-post' | 'acs3';

/** The two operations the suite calls. `DescribeStatus` maps to each dialect's status query (DESIGN.md §2). */
export type OperationName = 'StopInstances' | 'DescribeStatus';

/** A parameter value in a normalized call. Strings pass through unchanged, so negative cases can send bad values. */
export type ParamValue = string | number | boolean | null;

/** Access credentials used for signing. The secret never leaves the signing functions. */
export interface Credentials {
  /** SecretId / AccessKeyId / access key id. */
  readonly accessKeyId: string;
  /** SecretKey / AccessKeySecret. Never logged, never in a curl line, report or error message. */
  readonly accessKeySecret: string;
}

/**
 * A normalized call: what to ask, independent of the wire.
 *
 * @example
 * { operation: 'StopInstances', instanceIds: ['ins-ab12cd34'], params: { ForceStop: true } }
 */
export interface OperationCall {
  readonly operation: OperationName;
  /**
   * A raw action name sent instead of the operation's own (e.g. `StopInstancez`, DESIGN.md §3: an unknown action is
   * a client error). The call is otherwise encoded as `operation` is; the answer is decoded as `operation`'s.
   */
  readonly action?: string;
  /**
   * The API version to send (tencent `Version` / `X-TC-Version`, aliyun `Version`): `undefined` the documented one,
   * `null` none at all, a string that value (the missing and wrong Version cases, 000:19, 002:24).
   */
  readonly version?: string | null;
  /** The ids, in order. `undefined` omits the id parameter entirely (the "missing" negative case). */
  readonly instanceIds?: readonly string[];
  /**
   * Documented optional parameters by the name the vendor document gives them (`ForceStop`, `StopType`,
   * `StoppedMode`, `forceShutdown`, `DryRun`, `BatchOptimization`...). The dialect encodes each value in its wire
   * style (booleans as `TRUE`/`FALSE` for tencent api2, `true`/`false` for aliyun, JSON booleans in JSON bodies);
   * a string value is sent as given, so invalid values can be tested. `null` omits the parameter.
   */
  readonly params?: Readonly<Record<string, ParamValue>>;
  /** Region (tencent `Region` / `X-TC-Region`, aliyun `RegionId`). `undefined` = the configured default; `null` omits it. */
  readonly region?: string | null;
  /** Wire style; default is the dialect's first style. */
  readonly style?: WireStyle;
  /** aliyun-ecs only: response format; default `JSON` (DESIGN.md §3). */
  readonly format?: 'JSON' | 'XML';
  /** Replace the encoded body with this exact text (bad JSON...). The content type stays unless `contentType` is set. */
  readonly rawBody?: string;
  /** Override the content type header. */
  readonly contentType?: string;
  /** Extra query parameters appended as given (unknown or duplicated parameters). */
  readonly extraQuery?: readonly (readonly [string, string])[];
  /** For status queries: the page size / limit to ask for, if any. Dialects page on their own in `queryStatuses`. */
  readonly pageSize?: number;
  /** For status queries: the page / offset to ask for (1-based page for zenlayer and aliyun, 0-based offset for tencent). */
  readonly page?: number;
  /** For status queries of a dialect that pages by token (aws-ec2 `NextToken`): the token the previous answer gave. */
  readonly pageToken?: string;
}

/** A fully built HTTP request, signed, ready to send or to print as curl. */
export interface WireRequest {
  readonly method: 'GET' | 'POST';
  /** Absolute URL, query included. */
  readonly url: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** An HTTP answer as received. `bodyText` is the raw body, whatever it is. */
export interface WireResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyText: string;
}

/** What the body turned out to be. */
export type BodyFormat = 'json' | 'xml' | 'empty' | 'unparseable';

/** One entry of a per-instance result list (aliyun `InstanceResponse`) or of a status query. */
export interface InstanceResult {
  readonly instanceId: string;
  /** Status word as the target wrote it (status queries, aliyun `CurrentStatus`). */
  readonly status?: string;
  /** aliyun `PreviousStatus`. */
  readonly previousStatus?: string;
  /** aliyun per-instance `Code` ("200" for success). */
  readonly code?: string;
  readonly message?: string;
}

/**
 * A decoded answer, normalized across dialects. Never a verdict: `schemaErrors` and `decodeProblems` are facts the
 * engine's checks turn into findings.
 */
export interface Outcome {
  readonly httpStatus: number;
  readonly contentType: string | undefined;
  readonly format: BodyFormat;
  /** Parsed body (JSON value or the XML parsed into an object), `undefined` when empty or unparseable. */
  readonly body: unknown;
  readonly requestId: string | undefined;
  /** True when the body is the dialect's success envelope (no error object; aliyun SuccessFirst counts as ok). */
  readonly ok: boolean;
  /** The error of the dialect's error envelope, when there is one. */
  readonly error: { readonly code: string; readonly message: string } | undefined;
  /** aliyun `InstanceResponses`, or the entries of a status query. */
  readonly instances: readonly InstanceResult[] | undefined;
  /** Violations of the dialect's spec schema for this operation and answer, as readable lines. */
  readonly schemaErrors: readonly string[];
  /** Problems decoding the answer (not JSON, not XML, wrong envelope shape...), as readable lines. */
  readonly decodeProblems: readonly string[];
  /** The token of the next page of a status answer (aws-ec2 `nextToken`), when it gave a non-empty one. */
  readonly nextToken?: string;
}

/** One request and what came back, with timing; what findings and curl lines are made from. */
export interface Exchange {
  readonly call: OperationCall;
  readonly request: WireRequest;
  /** `undefined` when the request failed at the transport level (refused, reset, timeout). */
  readonly response: WireResponse | undefined;
  readonly outcome: Outcome | undefined;
  /** Transport failure, e.g. "connect ECONNREFUSED 127.0.0.1:1". */
  readonly transportError: string | undefined;
  readonly durationMs: number;
}

/** What a dialect needs to encode and send a call. */
export interface DialectContext {
  /** Target base URL, e.g. `http://127.0.0.1:8080` or `http://127.0.0.1:8080/tencent-cvm-api3`. */
  readonly baseUrl: string;
  /** Credentials; fixed test ones by default (see `src/signing/credentials.ts`). */
  readonly credentials: Credentials;
  /** Default region (tencent `ap-guangzhou`, aliyun `cn-hangzhou` unless configured). */
  readonly region?: string;
  /** Clock for signatures (tests pin it). Defaults to `Date.now`. */
  readonly now?: () => number;
  /** Per-request timeout in ms (default 10 000). */
  readonly timeoutMs?: number;
}

/**
 * The document lines (or DESIGN.md pins) behind the facts every case of a dialect relies on, each a source string
 * `NNN_<hex>.txt:L[-L] <quote>` or `DESIGN.md §N <words of the pin>`.
 */
export interface DialectSources {
  /** Every request is answered with a request id ("returned for each request"). */
  readonly requestId: string;
  /**
   * Where the document calls the request id unique per request (tencent 000:28, 002:46; zenlayer 001:28, 003:28), so
   * two StopInstances answers in one case with the same id are a finding; absent where it does not (aliyun 004:68).
   */
  readonly uniqueRequestId?: string;
  /** The success envelope (HTTP 200 and its shape). */
  readonly success: string;
  /** The error envelope and how an error is told from a success (DESIGN.md §3 "What makes an answer an error"). */
  readonly error: string;
  /** RUNNING -> STOPPING -> STOPPED after an accepted stop. */
  readonly transition: string;
  /** Where a seed states the answer's Content-Type (aliyun: 004:112-147); absent: never judged (DESIGN.md §3). */
  readonly contentType?: string;
  /** A per-instance result list (aliyun SuccessFirst), where the dialect has one. */
  readonly perInstance?: string;
}

/**
 * The one interface each module under `src/dialects/` implements: the dialect's description (its facts as data,
 * `description.ts`) with the code that makes ids, encodes calls and decodes answers.
 */
export interface Dialect extends DialectDescription {
  /** A valid, fresh instance id built from a unique token (the suite picks every id itself, DESIGN.md §4). */
  instanceId(token: string): string;
  /** Build the signed HTTP request for a call. Pure apart from `ctx.now` and a random nonce. */
  encode(call: OperationCall, ctx: DialectContext): WireRequest;
  /** Decode any answer into an outcome, validating it against the spec. Never throws on bad input. */
  decode(call: OperationCall, response: WireResponse): Outcome;
}
