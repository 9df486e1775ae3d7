/**
 * The end of every run that judges cases, whatever ran them (the vitest suite, the fuzzer, Pact's verifier): gate
 * the results against the baseline, build the results document, write every report file. One place, so every
 * command's reports and exit code agree.
 */
import type { Leftover } from '../src/engine/seed-ledger.ts';
import { gate, type Baseline, type GateResult } from '../src/engine/baseline.ts';
import type { CaseResult } from '../src/engine/types.ts';
import { buildResults, type ResultsDocument, type RunTarget } from './results-json.ts';
import { writeReports } from './write-reports.ts';

/** What a run produced, for the CLI. */
export interface RunOutcome {
  readonly doc: ResultsDocument;
  readonly verdict: GateResult;
  readonly files: readonly string[];
}

/** Inputs of {@link reportRun}. */
export interface ReportRunInput {
  readonly runId: string;
  readonly startedAt: Date;
  /** The targets, with the options the run used where it has them (see {@link RunTarget}). */
  readonly targets: readonly RunTarget[];
  readonly results: readonly CaseResult[];
  readonly baseline: Baseline;
  readonly baselineFile?: string;
  readonly level: 'MUST' | 'ALL';
  readonly failOnFlaky?: boolean;
  readonly retries?: number;
  /** Where to write the report files; nothing is written when absent. */
  readonly reportDir?: string;
  readonly interrupted?: boolean;
  /** A second signal quit at once, leaving these instances seeded. */
  readonly leftovers?: readonly Leftover[];
  readonly errors?: readonly string[];
}

/**
 * Gate, build and write the reports of a run.
 *
 * @example
 * const { verdict, files } = reportRun({ runId, startedAt, targets, results, baseline: EMPTY_BASELINE, level: 'ALL', reportDir: 'reports' });
 */
export function reportRun(input: ReportRunInput): RunOutcome {
  const verdict = gate(input.results, input.baseline, { level: input.level, failOnFlaky: input.failOnFlaky === true });
  const doc = buildResults({
    runId: input.runId,
    startedAt: input.startedAt,
    finishedAt: new Date(),
    targets: input.targets,
    results: input.results,
    verdict,
    retries: input.retries ?? 0,
    ...(input.baselineFile !== undefined ? { baselineFile: input.baselineFile } : {}),
    interrupted: input.interrupted === true,
    ...(input.leftovers !== undefined ? { leftovers: input.leftovers } : {}),
    errors: input.errors ?? [],
  });
  const files = input.reportDir !== undefined ? writeReports(input.reportDir, doc) : [];
  return { doc, verdict, files };
}
