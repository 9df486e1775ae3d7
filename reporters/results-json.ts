/**
 * The `results.json` document (DESIGN.md §6, `schemas/results.schema.json`): built from the engine's
 * {@link CaseResult}s and its gate verdict only, never re-judged. Every other report (JUnit, summaries, HTML, HAR,
 * compare) reads this document.
 */
import type { Leftover } from '../src/engine/seed-ledger.ts';
import type { DialectName } from '../src/dialects/types.ts';
import type { CaseGate, GateResult } from '../src/engine/baseline.ts';
import { checkVersioned, readJsonFile, type VersionedKind } from '../src/engine/json-file.ts';
import { scoreOf, type RunScore } from '../src/engine/score.ts';
import type { CaseAttempt, CaseResult, Finding, RecordedExchange } from '../src/engine/types.ts';
import { toolVersion } from '../src/package-root.ts';

/** The results.json schemaVersion this vmconform writes and reads. */
export const RESULTS_SCHEMA_VERSION = 1;

/** One case as results.json lists it. */
export interface ResultsCase {
  readonly id: string;
  readonly level: 'MUST' | 'SHOULD';
  readonly status: 'passed' | 'failed' | 'skipped';
  /** The case's place in the gate (the same verdict the exit code comes from). */
  readonly gate: CaseGate;
  /** True when this case fails the run (a new failure, or flaky under --fail-on-flaky): exit 1, a JUnit `<failure>`. */
  readonly failsRun: boolean;
  /** Why, for every gate but a plain `ok`. */
  readonly gateReason?: string;
  readonly durationMs: number;
  readonly startedAt?: string;
  readonly message?: string;
  readonly docRef: string;
  readonly title: string;
  /** Rule inventory ids the case checks. */
  readonly rules: readonly string[];
  readonly findings: readonly Finding[];
  /** Every request the case sent (its last attempt), in order. */
  readonly exchanges: readonly RecordedExchange[];
  /** With `--retries`: the failed attempts before the last one. */
  readonly previousAttempts?: readonly CaseAttempt[];
}

/** Counts of one run. */
export interface RunSummary {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Passed only on a retry (counted in `passed` too). */
  readonly flaky: number;
}

/**
 * One dialect against one target, with the options a run of the catalog used (`run`, `conformance`): what
 * `vmconform repro` needs to send a case's requests again the same way. Other commands record the target alone.
 */
export interface RunTarget {
  readonly dialect: DialectName;
  readonly target: string;
  /** The provider-state endpoint. */
  readonly statesUrl?: string;
  /** The region sent (`--region`), when one was given. */
  readonly region?: string;
  readonly pollTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** True for a `--no-states` run (its cases ran without seeded instances). */
  readonly noStates?: boolean;
  /**
   * What the run's rows are: `rules` when each is a judged rule of the rule inventory (`judge`, `proxy`: the row id is
   * the rule id); absent (or `cases`) when each is a case (`run`, `conformance`, `pact`, `fuzz`).
   */
  readonly rows?: RowKind;
}

/** What the rows of a run are: cases (of the catalog, of Pact, of the fuzzer) or judged rules (traffic). */
export type RowKind = 'cases' | 'rules';

/** One dialect run against one target. */
export interface ResultsRun extends RunTarget {
  readonly summary: RunSummary;
  readonly score: RunScore;
  readonly cases: readonly ResultsCase[];
}

/** The run's gate as results.json records it. */
export interface ResultsGate {
  /** True when the run failed its gate (exit 1). */
  readonly failed: boolean;
  readonly level: 'MUST' | 'ALL';
  readonly failOnFlaky: boolean;
  readonly retries: number;
  /** The baseline file, when one was given. */
  readonly baseline?: string;
  readonly counts: Readonly<Record<CaseGate, number>>;
}

/** The whole document. */
export interface ResultsDocument {
  readonly schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  readonly tool: 'vmconform';
  readonly version: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly runId: string;
  readonly gate: ResultsGate;
  /** True when the run was interrupted (Ctrl-C): the cases not run are missing. */
  readonly interrupted?: boolean;
  /** A second signal quit at once: the instances it left seeded on the target, per provider-state endpoint. */
  readonly leftovers?: readonly Leftover[];
  readonly runs: readonly ResultsRun[];
  /** Problems outside any case (the suite failed to load, unhandled errors): the run cannot be trusted. */
  readonly errors: readonly string[];
}

/** The package version (from package.json). */
export { toolVersion };

/** Inputs of {@link buildResults}. */
export interface BuildResultsInput {
  readonly runId: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  /** The targets in run order (with the options the run used); cases are grouped under them by dialect. */
  readonly targets: readonly RunTarget[];
  readonly results: readonly CaseResult[];
  /** The gate's verdict on `results` (same order). */
  readonly verdict: GateResult;
  readonly retries?: number;
  readonly baselineFile?: string;
  readonly interrupted?: boolean;
  readonly leftovers?: readonly Leftover[];
  readonly errors?: readonly string[];
  readonly version?: string;
}

function toCase(r: CaseResult, verdict: GateResult['verdicts'][number] | undefined): ResultsCase {
  return {
    id: r.id,
    level: r.level,
    status: r.status,
    gate: verdict?.gate ?? 'ok',
    failsRun: verdict?.failsRun ?? false,
    ...(verdict?.reason !== undefined ? { gateReason: verdict.reason } : {}),
    durationMs: r.durationMs,
    ...(r.startedAt !== undefined ? { startedAt: r.startedAt } : {}),
    ...(r.message !== undefined ? { message: r.message } : {}),
    docRef: r.docRef,
    title: r.title,
    rules: r.rules,
    findings: r.findings,
    exchanges: r.exchanges ?? [],
    ...(r.previousAttempts && r.previousAttempts.length > 0 ? { previousAttempts: r.previousAttempts } : {}),
  };
}

/**
 * Build the results document.
 *
 * @example
 * const doc = buildResults({ runId, startedAt, finishedAt: new Date(), targets, results, verdict: gate(results, baseline) });
 */
export function buildResults(input: BuildResultsInput): ResultsDocument {
  const counts: Record<CaseGate, number> = { new: 0, known: 0, fixed: 0, flaky: 0, ok: 0 };
  for (const v of input.verdict.verdicts) counts[v.gate]++;
  const runs: ResultsRun[] = input.targets.map((t) => {
    const cases = input.results.flatMap((r, i) => (r.dialect === t.dialect ? [toCase(r, input.verdict.verdicts[i])] : []));
    return {
      dialect: t.dialect,
      target: t.target,
      ...(t.statesUrl !== undefined ? { statesUrl: t.statesUrl } : {}),
      ...(t.region !== undefined ? { region: t.region } : {}),
      ...(t.pollTimeoutMs !== undefined ? { pollTimeoutMs: t.pollTimeoutMs } : {}),
      ...(t.requestTimeoutMs !== undefined ? { requestTimeoutMs: t.requestTimeoutMs } : {}),
      ...(t.noStates === true ? { noStates: true } : {}),
      ...(t.rows === 'rules' ? { rows: 'rules' as const } : {}),
      summary: {
        total: cases.length,
        passed: cases.filter((c) => c.status === 'passed').length,
        failed: cases.filter((c) => c.status === 'failed').length,
        skipped: cases.filter((c) => c.status === 'skipped').length,
        flaky: cases.filter((c) => c.gate === 'flaky').length,
      },
      score: scoreOf(cases),
      cases,
    };
  });
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: 'vmconform',
    version: input.version ?? toolVersion(),
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    durationMs: input.finishedAt.getTime() - input.startedAt.getTime(),
    runId: input.runId,
    gate: {
      failed: input.verdict.failed,
      level: input.verdict.level,
      failOnFlaky: input.verdict.failOnFlaky,
      retries: input.retries ?? 0,
      ...(input.baselineFile !== undefined ? { baseline: input.baselineFile } : {}),
      counts,
    },
    ...(input.interrupted ? { interrupted: true } : {}),
    ...(input.leftovers !== undefined ? { leftovers: input.leftovers } : {}),
    runs,
    errors: input.errors ?? [],
  };
}

const RESULTS_KIND: VersionedKind = {
  what: 'results.json',
  schemaFile: 'results.schema.json',
  schemaVersion: RESULTS_SCHEMA_VERSION,
  versionOf: (v) => v['schemaVersion'],
  otherKind: (v) => (Array.isArray(v['known']) && v['runs'] === undefined ? 'it is a baseline file' : undefined),
};

/**
 * Check parsed JSON is a results.json this vmconform can read; a {@link UsageError} saying why not otherwise.
 *
 * @example
 * const doc = parseResults(JSON.parse(text), 'old/results.json');
 */
export function parseResults(value: unknown, source = 'results.json'): ResultsDocument {
  return checkVersioned<ResultsDocument>(value, RESULTS_KIND, source);
}

/** Read and check a results.json file. */
export function readResultsJson(path: string): ResultsDocument {
  return parseResults(readJsonFile(path, 'results.json'), path);
}

/** How the reports name rows: one and several (`rule`, `rules`). */
export interface RowNoun {
  readonly one: string;
  readonly many: string;
}

const ROW_NOUNS = {
  cases: { one: 'case', many: 'cases' },
  rules: { one: 'rule', many: 'rules' },
  mixed: { one: 'case or rule', many: 'cases and rules' },
} as const satisfies Readonly<Record<RowKind | 'mixed', RowNoun>>;

/**
 * The noun for the rows of a run, or of several runs together (totals): `case` for runs of cases (and for no run),
 * `rule` for runs of judged rules ({@link RunTarget.rows}), `case or rule` when both are there. Reporters word every
 * count of rows with it.
 *
 * @example
 * `${run.summary.total} ${rowNoun(run).many}` // '54 rules' for a run of `vmconform judge`, '54 cases' for one of `run`
 * rowNoun(...doc.runs).many // the noun of the document's totals
 */
export function rowNoun(...runs: readonly Pick<ResultsRun, 'rows'>[]): RowNoun {
  const kinds = new Set(runs.map((r) => r.rows ?? 'cases'));
  if (kinds.size > 1) return ROW_NOUNS.mixed;
  return ROW_NOUNS[kinds.has('rules') ? 'rules' : 'cases'];
}

/** The one-word verdict of one run or several merged, as every report names it. */
export type RunVerdict = 'passed' | 'failed' | 'interrupted';

/**
 * The verdict the reports show, read from the documents (the engine's gate decided it): interrupted when any run was
 * (its exit code is 130 whatever failed), else failed when any gate failed, else passed.
 *
 * @example
 * verdictOf([doc]) // 'failed'
 */
export function verdictOf(docs: readonly ResultsDocument[]): RunVerdict {
  if (docs.some((d) => d.interrupted === true)) return 'interrupted';
  return docs.some((d) => d.gate.failed) ? 'failed' : 'passed';
}

