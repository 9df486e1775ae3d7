/**
 * The reference provider's rules as data (DESIGN.md §2-§3), one object per dialect. Behaviour modules read only
 * these, so a deliberately wrong provider is one overridden field away (`ProviderOptions.rules`).
 */
import type { CodeTable, ErrorKey, ErrorSpec } from '../dialects/description.ts';
import { describeDialect } from '../dialects/descriptions/index.ts';
import type { DialectName } from '../dialects/types.ts';

export type { CodeTable, ErrorKey, ErrorSpec };

/** Everything the provider decides by, for one dialect. */
export interface DialectRules {
  /** Most ids one StopInstances or status query accepts (all five documents: 100). */
  readonly maxIds: number;
  /** Valid id syntax; `null` means any non-empty string (zenlayer documents no malformed error). */
  readonly idPattern: RegExp | null;
  /** Every status word of the dialect, in its own spelling (DESIGN.md §2). */
  readonly statusWords: readonly string[];
  /** The words for running, stopping and stopped. */
  readonly lifecycle: { readonly running: string; readonly stopping: string; readonly stopped: string };
  /** Status words from which a stop is accepted. */
  readonly stoppableWords: readonly string[];
  /** Status words meaning "in the recycle bin" (answered with `recycled`, which wins over `wrongState`). */
  readonly recycledWords: readonly string[];
  /** Status words answered with `notReady` instead of `wrongState`. */
  readonly notReadyWords: readonly string[];
  /** Whether `securityLocked` instances are refused (aliyun-ecs only). */
  readonly honourSecurityLock: boolean;
  /** All or nothing: a batch with one bad instance stops none (DESIGN.md §3). `false` makes a wrong provider. */
  readonly atomicBatch: boolean;
  /**
   * The order in which per-instance problems of a batch are reported (the first present wins): zenlayer's recycle
   * bin before NOT_RUNNING (DESIGN.md §3). Keys not listed rank last.
   */
  readonly problemPrecedence: readonly ErrorKey[];
  /** Status query paging: default and largest page size (`null`: no maximum, the page holds what there is). */
  readonly statusPage: { readonly defaultSize: number; readonly maxSize: number | null };
  /** The documented API version (tencent `2017-03-12`, aliyun `2014-05-26`); `null` when not checked. */
  readonly version: string | null;
  /** Whether the region parameter is required. */
  readonly requireRegion: boolean;
  /** The code table. */
  readonly codes: CodeTable;
}

/** A partial override of a dialect's rules; `codes` and `lifecycle` merge field by field. */
export type RulesOverride = Partial<Omit<DialectRules, 'codes' | 'lifecycle' | 'statusPage'>> & {
  readonly codes?: Partial<Record<ErrorKey, ErrorSpec>>;
  readonly lifecycle?: Partial<DialectRules['lifecycle']>;
  readonly statusPage?: Partial<DialectRules['statusPage']>;
};

/** The reference order of per-instance problems in a batch (the first present wins). */
export const DEFAULT_PROBLEM_PRECEDENCE: readonly ErrorKey[] = Object.freeze([
  'malformedId',
  'notFound',
  'securityLocked',
  'recycled',
  'notReady',
  'wrongState',
]);

/**
 * The reference order with the recycle bin last, so NOT_RUNNING wins over it in a batch: what DESIGN.md §3 forbids
 * (the recycle bin takes precedence). For the wrong provider and the rule flip that break that rule.
 */
export const RECYCLED_LAST_PRECEDENCE: readonly ErrorKey[] = Object.freeze([
  ...DEFAULT_PROBLEM_PRECEDENCE.filter((k) => k !== 'recycled'),
  'recycled',
]);

/**
 * The reference rules of a dialect (a fresh object each call), read from its description: the documented codes and
 * words, and the reference provider's choices where the documents are silent.
 *
 * @example
 * defaultRules('aliyun-ecs').codes.malformedId.code // 'Abs.InvalidInstanceIds.MalFormed'
 */
export function defaultRules(dialect: DialectName): DialectRules {
  const d = describeDialect(dialect);
  return {
    maxIds: d.ids.max,
    idPattern: d.ids.pattern,
    statusWords: d.statusWords,
    lifecycle: d.lifecycle,
    // A word whose stop may succeed or be refused (aws-ec2 stopping, stopped) is accepted by the reference.
    stoppableWords: [...d.stoppable, ...(d.stopIdempotent ?? [])],
    recycledWords: d.recycled,
    notReadyWords: d.notReady,
    honourSecurityLock: d.securityLock,
    atomicBatch: true,
    problemPrecedence: DEFAULT_PROBLEM_PRECEDENCE,
    // DESIGN.md §3: the APIs' default page sizes and maxima (zenlayer states no maximum: any positive size is served).
    statusPage: { defaultSize: d.statusQuery.defaultPageSize, maxSize: d.statusQuery.maxPageSize },
    version: d.version.required ? d.version.value : null,
    requireRegion: d.region?.required ?? false,
    codes: d.codes,
  };
}

/**
 * The reference rules with an override applied (codes, lifecycle and paging merge field by field).
 *
 * @example
 * resolveRules('zenlayer-vm', { stoppableWords: ['STOPPED'] }) // a provider that follows 001's wrong note
 */
export function resolveRules(dialect: DialectName, override?: RulesOverride): DialectRules {
  const base = defaultRules(dialect);
  if (!override) return base;
  return {
    ...base,
    ...override,
    codes: { ...base.codes, ...override.codes },
    lifecycle: { ...base.lifecycle, ...override.lifecycle },
    statusPage: { ...base.statusPage, ...override.statusPage },
  };
}

/** Whether an id is valid for the rules (non-empty string matching `idPattern`). */
export function isValidId(rules: DialectRules, id: unknown): id is string {
  if (typeof id !== 'string' || id.length === 0) return false;
  return rules.idPattern === null || rules.idPattern.test(id);
}
