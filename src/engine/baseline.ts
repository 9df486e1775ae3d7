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
import type { CaseResult, Finding } from './types.ts';

/** One known failure. */
export interface KnownFailure {
  readonly dialect: DialectName;
  readonly id: string;
  /** Why it fails (an issue link, a vendor quirk...). Required. */
  readonly reason: string;
  /**
   * The findings' fingerprints the case is known to fail with (`<dialect>/<case>/<check>/<code or HTTP status>`);
   * a failure with any other fingerprint is new. Absent (a hand-written entry): any reason is known.
   */
  readonly fingerprints?: readonly string[];
}

/** The baseline file's schemaVersion this vmconform writes (and the newest it reads; version 1 still loads). */
export const BASELINE_SCHEMA_VERSION = 2;

/**
 * The baseline file: `{"schemaVersion":2,"known":[{"dialect","id","reason","fingerprints"?}]}`
 * (`schemas/baseline.schema.json`); version 1 (no fingerprints) is read as is.
 */
export interface Baseline {
  readonly schemaVersion: 1 | typeof BASELINE_SCHEMA_VERSION;
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
 * Validate parsed JSON as a baseline (`schemas/baseline.schema.json`, schemaVersion 1 or 2); throws
 * {@link UsageError} naming the problems. A fingerprint that names another case than its entry could never match,
 * so it is refused too.
 *
 * @example
 * parseBaseline({ schemaVersion: 2, known: [{ dialect: 'aliyun-ecs', id: 'dry-run.pass', reason: 'gateway strips DryRun',
 *   fingerprints: ['aliyun-ecs/dry-run.pass/error-code/IncorrectInstanceStatus'] }] })
 */
export function parseBaseline(value: unknown, source = 'baseline'): Baseline {
  const file = checkVersioned<{ known: readonly KnownFailure[] }>(value, BASELINE_KIND, source);
  const seen = new Set<string>();
  for (const k of file.known) {
    const key = `${k.dialect}/${k.id}`;
    if (seen.has(key)) throw new UsageError(`${source}: ${key} is listed twice`);
    seen.add(key);
    const foreign = (k.fingerprints ?? []).find((f) => !f.startsWith(`${key}/`));
    if (foreign !== undefined) throw new UsageError(`${source}: ${key} lists the fingerprint ${foreign}, which is not one of its case (${key}/<check>/<code or HTTP status>)`);
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

/** The gate's reason for a plain new failure. */
export const NEW_FAILURE = 'failure beyond the baseline';

/** How the gate names a known case that fails for a reason its baseline entry does not list (issue 16). */
export const DIFFERENT_REASON = 'known case failing for a different reason';

/**
 * The gate's verdict on one result, given the baseline entry that names its case (if any).
 *
 * @example
 * caseVerdict(result, undefined, { level: 'MUST' }) // { gate: 'new', failsRun: true, ... } for a failed MUST case
 */
export function caseVerdict(r: CaseResult, entry: KnownFailure | undefined, options: GateOptions = {}): CaseVerdict {
  const gated = options.level !== 'MUST' || r.level === 'MUST';
  if (r.status === 'failed') {
    const unlisted = entry ? unlistedFingerprints(r, entry) : [];
    if (entry && unlisted.length === 0) return { gate: 'known', failsRun: false, reason: `known failure (baseline): ${entry.reason}` };
    if (!gated) return { gate: 'ok', failsRun: false, reason: 'SHOULD failure, not gated (--level must)' };
    if (entry) return { gate: 'new', failsRun: true, reason: `${DIFFERENT_REASON}: ${unlisted.join(', ')} (the baseline lists ${entry.fingerprints?.join(', ') ?? ''})` };
    return { gate: 'new', failsRun: true, reason: NEW_FAILURE };
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
 * The fingerprints of a failed result that its baseline entry does not list: none when the entry lists no
 * fingerprints (a hand-written entry naming the case alone: any reason is known) or the findings carry none.
 *
 * @example
 * unlistedFingerprints(result, { dialect, id, reason: 'r', fingerprints: ['zenlayer-vm/stop.single/http-status/500'] })
 * // ['zenlayer-vm/stop.single/error-code/INTERNAL'] when that is what it failed with now
 */
export function unlistedFingerprints(r: Pick<CaseResult, 'findings'>, entry: KnownFailure): string[] {
  if (entry.fingerprints === undefined || entry.fingerprints.length === 0) return [];
  const listed = new Set(entry.fingerprints);
  return fingerprintsOf(r.findings).filter((f) => !listed.has(f));
}

/**
 * The distinct fingerprints of some findings, sorted. Findings of a results.json written before fingerprints existed
 * carry none: nothing to compare.
 *
 * @example
 * fingerprintsOf(result.findings) // ['zenlayer-vm/stop.single/request-id-present/200', 'zenlayer-vm/stop.single/schema-valid/200']
 */
export function fingerprintsOf(findings: readonly Finding[]): string[] {
  const all = findings.map((f): unknown => f.fingerprint).filter((f): f is string => typeof f === 'string' && f !== '');
  return [...new Set(all)].sort();
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
