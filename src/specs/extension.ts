/**
 * Typed access to the `x-vmconform` root extension of each spec: the document's error table, limits, states,
 * transitions and the DESIGN.md §3 resolutions that apply to the dialect.
 */
import type { DialectName } from '../dialects/types.ts';
import { VmconformError } from '../errors.ts';
import { loadSpec } from './load.ts';

/** Where a rule comes from: the seed document, the vendor's common pages it links to, or a DESIGN.md decision. */
export type RuleSource = 'document' | 'common' | 'design';

/** `true` when a black-box case can check it, otherwise the reason it cannot. */
export type Testable = true | string;

/** One row of a dialect's error table. */
export interface SpecError {
  readonly code: string;
  readonly httpStatus: number;
  readonly meaning: string;
  /** `<seed file>:<line>[-<line>] <quote>` or `DESIGN.md §N <quote>`. */
  readonly docRef: string;
  readonly source: RuleSource;
  readonly testable: Testable;
}

/** A numeric limit (ids per request, rate, page sizes). */
export interface SpecLimit {
  readonly id: string;
  readonly summary: string;
  readonly value: number;
  readonly docRef: string;
  readonly testable?: Testable;
}

/** A status word that may not be stopped, with the codes a target may answer. */
export interface NotStoppable {
  readonly status: string;
  readonly codes: readonly string[];
  readonly httpStatus: number;
}

/** The state rules of StopInstances. */
export interface SpecStates {
  readonly running: string;
  readonly stopping: string;
  readonly stopped: string;
  readonly stoppable: readonly string[];
  readonly notStoppable: readonly NotStoppable[];
  readonly docRef: string;
}

/** A documented status transition. */
export interface SpecTransition {
  readonly from: string;
  readonly to: string;
  readonly docRef: string;
}

/** A resolved contradiction or silence (DESIGN.md §3) that applies to the dialect. */
export interface SpecResolution {
  readonly id: string;
  readonly summary: string;
  readonly docRef: string;
  readonly testable?: Testable;
  /**
   * What an observer of the traffic judges it by (`vmconform judge` and `proxy`): each a {@link Observation}. The
   * catalog names the resolution in its rows' rules; the judge, which has no rows, reads it here.
   */
  readonly judgedBy?: readonly Observation[];
}

/**
 * An observation the exchange judge makes: a StopInstances request with a problem of the model (`situation:<name>`,
 * `situation:not-stoppable`), an error answer to StopInstances, a request id, a status answer read (each judges the
 * resolution: its findings fail it), or `answer`: any answer to StopInstances, for a resolution that says what is
 * never judged in one (open envelopes...): the answer exercises it, and no finding fails it.
 */
export type Observation = `situation:${Situation | 'not-stoppable'}` | 'error-answer' | 'request-id' | 'status-answer' | 'answer';

/** The problems a StopInstances request can have, as the fuzzer's model names them (`x-vmconform.model.situations`). */
export type Situation =
  | 'unknown-id'
  | 'malformed-id'
  | 'too-many-ids'
  | 'missing-ids'
  | 'empty-ids'
  /** An id that is the empty string, where the document says what it gets (otherwise it is a malformed id). */
  | 'empty-id'
  | 'invalid-value'
  /** A value of the wrong JSON type (api3 `"ForceStop": "MAYBE"`), where the dialect's wire has types. */
  | 'wrong-type'
  /** A value valid only for some instances (api3 `STOP_CHARGING`, aliyun `StopCharging`), refused for this one. */
  | 'ineligible'
  | 'missing-region'
  | 'rate-limited'
  | 'security-locked'
  | 'dry-run-passed'
  | 'unknown-action'
  | 'unreadable'
  | 'duplicate-ids'
  | 'unknown-param'
  | 'wrong-index';

/** What a target must answer to one problem: any of the documented codes, or a client error with any code. */
export interface SituationRule {
  readonly codes?: readonly string[];
  /** No code is documented: any client error (4xx, or tencent's `Response.Error`). */
  readonly clientError?: true;
  /** The target may also go on as if the problem were not there (DESIGN.md §3 leaves it open). */
  readonly orIgnored?: true;
  /** The HTTP statuses the answer must have, when the document says. */
  readonly httpStatus?: readonly number[];
  readonly docRef: string;
}

/** The model the fuzzer judges StopInstances answers by (`x-vmconform.model`). */
export interface SpecModel {
  readonly summary: string;
  readonly docRef: string;
  /** Valid id syntax; absent: any non-empty string (zenlayer). */
  readonly idPattern?: string;
  readonly situations: Readonly<Partial<Record<Situation, SituationRule>>>;
  /** Codes that win over others when a batch has both problems (zenlayer: the recycle bin over NOT_RUNNING). */
  readonly precedence?: readonly { readonly winner: string; readonly over: readonly string[]; readonly docRef: string }[];
  /** aliyun: the batch-mode parameter, its default (all or nothing) and its per-instance value. */
  readonly batchModes?: { readonly param: string; readonly default: string; readonly perInstance: string; readonly docRef: string };
  /** tencent-cvm-api3: a burst of `served` requests at once must all be served; one of `refused` must see the limit. */
  readonly burst?: { readonly served: number; readonly refused: number; readonly docRef: string };
  /** Values valid only for some instances, which the provider-state protocol cannot seed (DESIGN.md §3 eligibility). */
  readonly eligibility?: readonly { readonly param: string; readonly value: string; readonly docRef: string }[];
  /** aliyun: the dry-run parameter; with `alwaysPassesWith` that batch mode answers the passing code whatever it finds. */
  readonly dryRun?: { readonly param: string; readonly alwaysPassesWith?: string; readonly docRef: string };
}

/** The `x-vmconform` root extension, pinned shape. */
export interface VmconformExtension {
  readonly dialect: DialectName;
  /** Seed file name in the seeds folder, e.g. `004_edc2cde202d0f4dc.txt`. */
  readonly seed: string;
  readonly errors: readonly SpecError[];
  readonly limits: readonly SpecLimit[];
  readonly states: SpecStates;
  readonly transitions: readonly SpecTransition[];
  readonly resolutions: readonly SpecResolution[];
  /** What the fuzzer judges StopInstances answers by. */
  readonly model: SpecModel;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The `x-vmconform` extension of a dialect's spec, shape-checked (throws {@link VmconformError} when broken).
 * @example specExtension('zenlayer-vm').states.stoppable // ['RUNNING']
 */
export function specExtension(dialect: DialectName): VmconformExtension {
  const raw = (loadSpec(dialect) as unknown as Record<string, unknown>)['x-vmconform'];
  const fail = (what: string): never => {
    throw new VmconformError(`specs/${dialect}.yaml: x-vmconform ${what}`);
  };
  if (!isObj(raw)) return fail('is missing');
  if (raw['dialect'] !== dialect) fail(`.dialect must be ${dialect}`);
  if (typeof raw['seed'] !== 'string') fail('.seed must be a file name');
  for (const key of ['errors', 'limits', 'transitions', 'resolutions']) {
    const list = raw[key];
    if (!Array.isArray(list)) return fail(`.${key} must be a list`);
    list.forEach((item, i) => {
      if (!isObj(item) || typeof item['docRef'] !== 'string' || item['docRef'] === '') fail(`.${key}[${i}] needs a docRef`);
    });
  }
  if (!isObj(raw['model']) || !isObj(raw['model']['situations'])) fail('.model.situations is missing');
  const states = raw['states'];
  if (!isObj(states) || !Array.isArray(states['stoppable']) || !Array.isArray(states['notStoppable'])) fail('.states is malformed');
  return raw as unknown as VmconformExtension;
}
