/**
 * Baselines, WPT-style expectations kept outside the tests: a JSON file listing the cases known to fail on a target,
 * each with a reason. `gate` decides the exit verdict and each case's place in it (DESIGN.md §6): new failures fail
 * the run; known failures and ungated SHOULD failures do not; known failures that now pass are reported ("fixed:
 * remove from baseline") without failing it; a pass on a retry is flaky (failing the run only with --fail-on-flaky).
 */
import { casesFor } from '../cases/index.ts';
import type { DialectName } from '../dialects/types.ts';
import { UsageError } from '../errors.ts';
import { PREFLIGHT_ID } from './defaults.ts';
import { checkVersioned, readJsonFile, type VersionedKind } from './json-file.ts';
import type { CaseResult } from './types.ts';

/** One known failure. */
export interface KnownFailure {
  readonly dialect: DialectName;
  readonly id: string;
  /** Why it fails (an issue link, a vendor quirk...). Required. */
  readonly reason: string;
}

/** The baseline file's schemaVersion this vmconform writes and reads. */
export const BASELINE_SCHEMA_VERSION = 1;

/** The baseline file: `{"schemaVersion":1,"known":[{"dialect","id","reason"}]}` (`schemas/baseline.schema.json`). */
export interface Baseline {
  readonly schemaVersion: typeof BASELINE_SCHEMA_VERSION;
  readonly known: readonly KnownFailure[];
}

/** An empty baseline (every failure counts). */
export const EMPTY_BASELINE: Baseline = { schemaVersion: BASELINE_SCHEMA_VERSION, known: [] };

const BASELINE_KIND: VersionedKind = {
  what: 'baseline',
  schemaFile: 'baseline.schema.json',
  schemaVersion: BASELINE_SCHEMA_VERSION,
  // `version` is what schemaVersion was called before it had that name.
  versionOf: (v) => v['schemaVersion'] ?? v['version'],
  otherKind: (v) =>
    v['tool'] === 'vmconform' && Array.isArray(v['runs'])
      ? 'it is a results.json; record a baseline from it with `vmconform baseline RESULTS --out baseline.json`'
      : undefined,
};

/**
 * Validate parsed JSON as a baseline (`schemas/baseline.schema.json`); throws {@link UsageError} naming the problems.
 *
 * @example
 * parseBaseline({ schemaVersion: 1, known: [{ dialect: 'aliyun-ecs', id: 'dryrun.success', reason: 'gateway strips DryRun' }] })
 */
export function parseBaseline(value: unknown, source = 'baseline'): Baseline {
  const file = checkVersioned<{ known: readonly KnownFailure[] }>(value, BASELINE_KIND, source);
  const seen = new Set<string>();
  for (const k of file.known) {
    const key = `${k.dialect}/${k.id}`;
    if (seen.has(key)) throw new UsageError(`${source}: ${key} is listed twice`);
    seen.add(key);
  }
  return { schemaVersion: BASELINE_SCHEMA_VERSION, known: file.known };
}

/** Read and validate a baseline file; throws {@link UsageError} when it cannot be read or is invalid. */
export function loadBaseline(path: string): Baseline {
  return parseBaseline(readJsonFile(path, 'baseline'), `baseline ${path}`);
}

/** A case's place in the gate (DESIGN.md §6). */
export type CaseGate = 'new' | 'known' | 'fixed' | 'flaky' | 'ok';

/** What the gate says about one case. */
export interface CaseVerdict {
  readonly gate: CaseGate;
  /** True when this case fails the run (exit 1). */
  readonly failsRun: boolean;
  /** Why, for everything but a plain `ok`: the baseline's reason, "SHOULD, not gated", the attempts of a flaky case. */
  readonly reason?: string;
}

/** How the gate judges: which level gates, and whether a flaky case fails the run. */
export interface GateOptions {
  /** `MUST` (`--level must`): only MUST cases can fail the run. Default `ALL`. */
  readonly level?: 'MUST' | 'ALL';
  /** `--fail-on-flaky`: a case that passed only on a retry fails the run (unless the baseline lists it). */
  readonly failOnFlaky?: boolean;
}

/** The verdict of a run against a baseline. */
export interface GateResult {
  /** True when the run fails (exit 1). */
  readonly failed: boolean;
  readonly level: 'MUST' | 'ALL';
  readonly failOnFlaky: boolean;
  /** Failures not in the baseline (these fail the run). */
  readonly newFailures: readonly CaseResult[];
  /** Failures the baseline lists (do not fail the run). */
  readonly knownFailures: readonly CaseResult[];
  /** Baseline entries whose case now passes: "fixed: remove from baseline". */
  readonly fixed: readonly KnownFailure[];
  /** Failures ignored because `--level must` gates on MUST cases only. */
  readonly ignoredShould: readonly CaseResult[];
  /** Cases that failed and then passed on a retry. */
  readonly flaky: readonly CaseResult[];
  /** The verdict of each result, in the order given. */
  readonly verdicts: readonly CaseVerdict[];
}

/**
 * The gate's verdict on one result, given the baseline entry that names its case (if any).
 *
 * @example
 * caseVerdict(result, undefined, { level: 'MUST' }) // { gate: 'new', failsRun: true, ... } for a failed MUST case
 */
export function caseVerdict(r: CaseResult, entry: KnownFailure | undefined, options: GateOptions = {}): CaseVerdict {
  const gated = options.level !== 'MUST' || r.level === 'MUST';
  if (r.status === 'failed') {
    if (entry) return { gate: 'known', failsRun: false, reason: `known failure (baseline): ${entry.reason}` };
    if (!gated) return { gate: 'ok', failsRun: false, reason: 'SHOULD failure, not gated (--level must)' };
    return { gate: 'new', failsRun: true, reason: 'failure beyond the baseline' };
  }
  const failedTries = r.previousAttempts?.length ?? 0;
  if (r.status === 'passed' && failedTries > 0) {
    const failsRun = options.failOnFlaky === true && entry === undefined && gated;
    const listed = entry ? `; the baseline lists it: ${entry.reason}` : '';
    return {
      gate: 'flaky',
      failsRun,
      reason: `flaky: failed ${failedTries} time(s), passed on attempt ${failedTries + 1}${failsRun ? ' (fails the run: --fail-on-flaky)' : ''}${listed}`,
    };
  }
  if (r.status === 'passed' && entry) return { gate: 'fixed', failsRun: false, reason: `fixed: remove from baseline (${entry.reason})` };
  return { gate: 'ok', failsRun: false };
}

/**
 * The baseline entry that names a result's case, if any: the one lookup the gate and the live reporter share. The
 * preflight is never a known failure (a baseline cannot hide a target that stopped the run).
 *
 * @example
 * const entryOf = baselineEntryOf(baseline); caseVerdict(result, entryOf(result));
 */
export function baselineEntryOf(baseline: Baseline): (r: Pick<CaseResult, 'dialect' | 'id'>) => KnownFailure | undefined {
  const known = new Map(baseline.known.map((k) => [`${k.dialect}/${k.id}`, k]));
  return (r) => (r.id === PREFLIGHT_ID ? undefined : known.get(`${r.dialect}/${r.id}`));
}

/**
 * Gate results against a baseline: the one place the run's verdict is decided (console, reports and exit code
 * all read it).
 *
 * @example
 * const verdict = gate(results, loadBaseline('baseline.json'), { level: 'MUST' });
 * process.exitCode = verdict.failed ? 1 : 0;
 */
export function gate(results: readonly CaseResult[], baseline: Baseline, options: GateOptions = {}): GateResult {
  const entryOf = baselineEntryOf(baseline);
  const newFailures: CaseResult[] = [];
  const knownFailures: CaseResult[] = [];
  const ignoredShould: CaseResult[] = [];
  const flaky: CaseResult[] = [];
  const fixed: KnownFailure[] = [];
  const verdicts = results.map((r) => {
    const entry = entryOf(r);
    const v = caseVerdict(r, entry, options);
    if (v.gate === 'new') newFailures.push(r);
    else if (v.gate === 'known') knownFailures.push(r);
    else if (v.gate === 'flaky') flaky.push(r);
    else if (v.gate === 'fixed' && entry) fixed.push(entry);
    else if (r.status === 'failed') ignoredShould.push(r);
    return v;
  });
  return {
    failed: verdicts.some((v) => v.failsRun),
    level: options.level ?? 'ALL',
    failOnFlaky: options.failOnFlaky === true,
    newFailures,
    knownFailures,
    fixed,
    ignoredShould,
    flaky,
    verdicts,
  };
}

/**
 * Baseline entries of the given dialects that name no case of the dialect's catalog (`casesFor`): typos or cases
 * renamed away. They never match a result, so the run warns about each instead of ignoring it silently.
 *
 * @example
 * for (const k of unknownBaselineEntries(baseline, ['tencent-cvm-api3'])) console.warn(unknownBaselineWarning(k));
 */
export function unknownBaselineEntries(baseline: Baseline, dialects: readonly DialectName[]): KnownFailure[] {
  const wanted = new Set(dialects);
  const idsOf = new Map<DialectName, Set<string>>();
  const unknown: KnownFailure[] = [];
  for (const k of baseline.known) {
    if (!wanted.has(k.dialect)) continue;
    let ids = idsOf.get(k.dialect);
    if (!ids) {
      ids = new Set(casesFor(k.dialect).map((c) => c.id));
      idsOf.set(k.dialect, ids);
    }
    if (!ids.has(k.id)) unknown.push(k);
  }
  return unknown;
}

/** The warning line for an unknown baseline entry, e.g. `baseline lists unknown case tencent-cvm-api3/no.such.case`. */
export function unknownBaselineWarning(entry: KnownFailure): string {
  return `baseline lists unknown case ${entry.dialect}/${entry.id}`;
}
