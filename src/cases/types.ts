/**
 * The shape of a conformance case: a data row (DESIGN.md §5). One engine (`src/engine/`) runs every row; a case
 * never touches wire details (the dialect module does) and never judges by itself (the engine's checks do).
 */
import type { DialectName, OperationCall } from '../dialects/types.ts';

/** MUST: what the document states. SHOULD: what a faithful target may still lack (DESIGN.md §5). */
export type Level = 'MUST' | 'SHOULD';

/**
 * A reference to an instance id inside a case.
 * - a plain string is the alias of an instance the case seeds (`instances[].alias`);
 * - `{ unknown: 'x' }` is a valid id of the dialect that no one seeded (the engine makes it unique per run);
 * - `{ literal: 'ins-1122' }` is sent exactly as written (malformed ids).
 */
export type IdRef = string | { readonly unknown: string } | { readonly literal: string };

/** An instance the case seeds through the provider-state endpoint before it runs (DESIGN.md §4). */
export interface InstanceSeed {
  /** Name used by the case's `IdRef`s; the engine maps it to a fresh valid id. */
  readonly alias: string;
  /** A status word of the dialect, in its own spelling (`RUNNING`, `Running`, `RECYCLE`...). */
  readonly status: string;
  /** aliyun-ecs only. */
  readonly securityLocked?: boolean;
}

/** A call as a case states it: a normalized call whose ids are {@link IdRef}s. */
export interface CaseCall extends Omit<OperationCall, 'instanceIds'> {
  /** `undefined` omits the id list entirely. */
  readonly ids?: readonly IdRef[];
}

/** What one instance of a per-instance answer (aliyun SuccessFirst) must say. */
export interface InstanceExpectation {
  /** `success`: code "200" (or "success"); otherwise any of these error codes (`*`: any code but a success). */
  readonly code: 'success' | readonly string[];
  /** Any of these words (one word or several). */
  readonly previousStatus?: string | readonly string[];
  /** Any of these words (aliyun: `Stopping`, or `Stopped` where the stop completes at once, DESIGN.md §3). */
  readonly currentStatus?: string | readonly string[];
}

/**
 * What a call must produce.
 *
 * After every call the engine also checks the instances' states: the aliases in `stopped` must read the dialect's
 * stopping or stopped word at once and the stopped word within the poll bound; every other seeded instance must
 * still read the status it was seeded with (DESIGN.md §3: a request that fails changes nothing).
 */
export interface Expectation {
  /**
   * - `success`: the dialect's success envelope (HTTP 200, no error object).
   * - `error`: the dialect's error envelope with one of `codes` (and one of `httpStatus` when given).
   * - `client-error`: the least any sane provider must do where the document names no code: the dialect's error
   *   envelope (any code) with HTTP 4xx, or for tencent HTTP 200 with `Response.Error`; never a 5xx.
   * - `not-5xx`: no 5xx and no transport failure, but still the API's answer: the success envelope or the dialect's
   *   error envelope (e.g. duplicated ids: "handled without a 5xx"). The states follow what came back: a success
   *   stops `stopped` (default: every seeded instance a StopInstances call names); an error changes nothing.
   */
  readonly result: 'success' | 'error' | 'client-error' | 'not-5xx';
  /**
   * Any of these codes is accepted (DESIGN.md §3: several problems in one request). A code ending in `*` accepts
   * every code with that prefix (`UnsupportedOperation.InstanceState*`, DESIGN.md §3). On a `not-5xx` row: the codes
   * a refusal must carry (aws-ec2: a stopped instance's stop succeeds or answers IncorrectInstanceState).
   */
  readonly codes?: readonly string[];
  /**
   * Codes that are never accepted here, whatever else is (a `client-error` with any code but these): an aliyun dry run
   * that fails a check answers the real error, never `DRYRUN.SUCCESS` (004:24).
   */
  readonly notCodes?: readonly string[];
  /** Any of these HTTP statuses is accepted. When absent the engine uses the spec's status for the code. */
  readonly httpStatus?: readonly number[];
  /** The body format the answer must have (aliyun `Format=XML` cases). Default: JSON. */
  readonly format?: 'json' | 'xml';
  /** Per-instance results (aliyun SuccessFirst), by alias or literal id; exactly one entry per requested id. */
  readonly instances?: Readonly<Record<string, InstanceExpectation>>;
  /** Aliases that this call stops. Every other seeded instance must be unchanged. */
  readonly stopped?: readonly string[];
}

/** One request of a case and what it must produce. */
export interface CallStep {
  readonly kind: 'call';
  readonly call: CaseCall;
  readonly expect: Expectation;
}

/**
 * The same request sent `count` times as fast as possible (rate-limit cases). The engine does not pace a burst.
 * - `allServed`: every answer is a success (e.g. 10 requests within a second);
 * - `someRefused`: at least one answer is the error `code`, and every other is a success.
 * Either way instances whose requests were refused must be unchanged.
 */
export interface BurstStep {
  readonly kind: 'burst';
  /** Each request gets its own instances: `ids` is the per-request id list template, `{n}` in an alias is replaced by the request's index. */
  readonly call: CaseCall;
  readonly count: number;
  readonly expect: { readonly allServed: true } | { readonly someRefused: string };
}

/** A step of a case. */
export type Step = CallStep | BurstStep;

/** A conformance case: one row of the catalog. */
export interface CaseRow {
  /** Stable slug, unique within a dialect, never renamed once released (e.g. `stop.single`, `state.STOPPED.rejected`). */
  readonly id: string;
  readonly dialect: DialectName;
  readonly level: Level;
  /** One line saying what the case checks. */
  readonly title: string;
  /** Seed file and line(s) plus the sentence or table row it checks, e.g. `001_531d5cb6841b9371.txt:74 403 OPERATION_DENIED_INSTANCE_RECYCLED`. */
  readonly docRef: string;
  /** Ids of the rule inventory (`src/specs/inventory.ts`) this case checks; the coverage report maps them. */
  readonly rules: readonly string[];
  /** Instances seeded before the first step and torn down after the last (always, also after a failure). */
  readonly instances: readonly InstanceSeed[];
  readonly steps: readonly Step[];
}
