/**
 * The engine's public shapes: what a case run needs ({@link RunContext}) and what it produces ({@link CaseResult},
 * {@link Finding}). Results are plain JSON data so they cross vitest's worker boundary and land in reports as is.
 */
import type { CaseRow, Level } from '../cases/types.ts';
import type { Credentials, DialectName } from '../dialects/types.ts';
import type { TransportBreaker } from './breaker.ts';
import type { CallCheckName, StepCheckName } from './checks.ts';

/** Paces the engine's own calls that a target rate-limits (tencent-cvm-api3 StopInstances, DESIGN.md §3). */
export interface Pacer {
  /** Send one paced request (`fn`) when the pacer allows, and resolve with its result. */
  paced<T>(fn: () => Promise<T>): Promise<T>;
  /** Run `fn` with the pacer held exclusively (no paced request in between), then keep it held for a cooldown. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}

/** Everything {@link runCase} needs to run one row against one target. */
export interface RunContext {
  readonly dialect: DialectName;
  /** Target base URL, e.g. `http://127.0.0.1:8080`. */
  readonly target: string;
  /** Provider-state endpoint (DESIGN.md §4); normally `${target}/_vmconform/provider-states`. */
  readonly statesUrl: string;
  readonly credentials: Credentials;
  /** Default region passed to the dialect (tencent `Region`, aliyun `RegionId`). */
  readonly region?: string;
  /** Unique per run; instance ids are derived from it, the case id and the alias, so parallel runs never collide. */
  readonly runId: string;
  /** How long a stopped instance may take to read the stopped word (default 10 000 ms). */
  readonly pollTimeoutMs?: number;
  /** Per-request timeout in ms (default 10 000). */
  readonly requestTimeoutMs?: number;
  /** The pacer shared by every case of the process (see `sharedPacer()`). */
  readonly pacer: Pacer;
  /** `--no-states`: rows that need seeded instances are skipped; the others run without seeding any. */
  readonly noStates?: boolean;
  /** The run's transport breaker for this target: once open, cases are skipped instead of sent. */
  readonly breaker?: TransportBreaker;
  /** `--redact-signatures`: mask request signatures in curl lines and recorded exchanges. */
  readonly redactSignatures?: boolean;
}

/** The engine's own failure kinds: not checks of the target's answers, but why a case could not be judged. */
export type EngineFindingKind = 'provider-state' | 'case-timeout' | 'engine' | 'preflight';

/** The fuzzer's own check (`src/fuzz/`): an answer among the outcomes the dialect's model allows. */
export type FuzzCheckName = 'legal-outcome';

/**
 * What Pact's verifier found about one interaction (`vmconform pact verify`): the status, a header or the body did not
 * match the contract, or the request got no answer.
 */
export type PactCheckName = 'pact-status' | 'pact-header' | 'pact-body' | 'pact-request';

/**
 * The name of a finding's source: a call check, a step check (`src/engine/checks.ts`), the fuzzer's, an engine failure
 * kind, or what Pact's verifier found.
 */
export type CheckName = CallCheckName | StepCheckName | FuzzCheckName | EngineFindingKind | PactCheckName;

/**
 * One problem found about the target, in the one shape every check uses.
 *
 * @example
 * { caseId: 'stop.single', dialect: 'zenlayer-vm', level: 'MUST', check: 'http-status',
 *   message: 'HTTP status: expected one of 200, received 500', docRef: '001_...txt:40', curl: 'curl -sS ...' }
 */
export interface Finding {
  /**
   * `<dialect>/<case>/<check>/<code or HTTP status>`: the same cause in the same case gives the same fingerprint in
   * every run (baselines record them; a known case failing with a new fingerprint is a new failure).
   */
  readonly fingerprint: string;
  readonly caseId: string;
  readonly dialect: DialectName;
  readonly level: Level;
  readonly check: CheckName;
  /**
   * The rule it breaks: an id of the rule inventory (`src/specs/inventory.ts`), or for what is not a rule of the API
   * one of {@link PROTOCOL_RULES} (the provider-state protocol, the case's time bound, vmconform itself).
   */
  readonly rule: string;
  /** Says what was expected and what was received. Never contains a secret. */
  readonly message: string;
  /** The case's document reference (its row's docRef). */
  readonly docRef: string;
  /** The source of the assertion it breaks: a seed line or a DESIGN.md pin (DESIGN.md §5). */
  readonly source: string;
  /** The request at fault as a curl line (`toCurl`), `undefined` when no request is at fault. */
  readonly curl: string | undefined;
}

/** The rules of findings that are not about a rule of the API: the suite's own protocol with the target, and itself. */
export const PROTOCOL_RULES = Object.freeze({
  'provider-state': { rule: 'protocol:provider-states', source: 'DESIGN.md §4 One extra endpoint on the target' },
  preflight: { rule: 'protocol:preflight', source: 'DESIGN.md §4 One extra endpoint on the target' },
  'case-timeout': { rule: 'protocol:time-bound', source: "DESIGN.md §3 Time: no seed bounds how long a stop takes (bare metal takes minutes). The user's `--poll-timeout` is the bound" },
  engine: { rule: 'vmconform:internal', source: 'DESIGN.md §6 3 when vmconform itself failed (internal error)' },
} as const satisfies Readonly<Record<EngineFindingKind, { readonly rule: string; readonly source: string }>>);

/** Verdict of one case. */
export type CaseStatus = 'passed' | 'failed' | 'skipped';

/** The fields of a row a result carries along: who the case is, where the document says it, which rules it checks. */
export type CaseIdentity = Pick<CaseRow, 'id' | 'dialect' | 'level' | 'title' | 'docRef' | 'rules'>;

/** What {@link runCase} returns: the verdict of one row, with every finding. JSON-serializable. */
export interface CaseResult extends CaseIdentity {
  readonly status: CaseStatus;
  readonly durationMs: number;
  /** One line per finding (or the skip reason); absent when passed. */
  readonly message?: string;
  readonly findings: readonly Finding[];
  /** When the case (its last attempt) started, ISO 8601. */
  readonly startedAt?: string;
  /** Every request of the case (its last attempt) in the order sent: provider states, steps, status reads. */
  readonly exchanges?: readonly RecordedExchange[];
  /** With retries: the failed attempts before the last one, oldest first (a passing last attempt makes it flaky). */
  readonly previousAttempts?: readonly CaseAttempt[];
}

/** Where a recorded request came from: the provider-state `setup`, step 1..n of the row, or `teardown`. */
export type ExchangeStep = 'setup' | 'teardown' | number;

/**
 * One HTTP request the engine sent for a case and what came back, as the reports keep it (`exchanges.har`,
 * `report.html`). Secrets are redacted; a body over 64 KiB is cut ({@link RecordedBody.truncatedFrom}).
 */
export interface RecordedExchange {
  readonly step: ExchangeStep;
  /** `call`: a step's own request; `status`: a status query the engine made to read states; `provider-state`. */
  readonly role: 'call' | 'status' | 'provider-state';
  /** When the request was sent (ISO 8601). */
  readonly startedAt: string;
  readonly durationMs: number;
  readonly request: { readonly method: string; readonly url: string; readonly headers: Readonly<Record<string, string>> } & RecordedBody;
  /** Absent when no answer came (see `transportError`). */
  readonly response?: { readonly status: number; readonly headers: Readonly<Record<string, string>> } & RecordedBody;
  readonly transportError?: string;
}

/** A message body as recorded: the text, cut at a bound (the original length is kept when it was cut). */
export interface RecordedBody {
  readonly body?: string;
  /** The body's length in characters when it was longer than the recorded `body`. */
  readonly truncatedFrom?: number;
}

/** One run of a case when `--retries` ran it more than once: what a {@link CaseResult} says about one attempt. */
export type CaseAttempt = Pick<CaseResult, 'status' | 'durationMs' | 'message' | 'findings' | 'startedAt' | 'exchanges'>;
