/**
 * The vitest 4 reporter of vmconform. It only consumes what the suite left in `task.meta.vmconform` (the engine's
 * {@link CaseResult}); it never re-runs or re-judges a case. It prints the header when the run starts and progress
 * while it works; at the end it asks the engine's gate for the verdict, writes every report file and prints the
 * summary, and keeps the outcome for the CLI.
 */
import { join } from 'node:path';
import type { Leftover } from '../src/engine/seed-ledger.ts';
import type { SerializedError } from 'vitest';
import type { Reporter, TestCase, TestModule, TestRunEndReason } from 'vitest/node';
import { baselineEntryOf, caseVerdict, type Baseline, type KnownFailure } from '../src/engine/baseline.ts';
import { PROTOCOL_RULES, type CaseResult } from '../src/engine/types.ts';
import '../src/engine/suite-config.ts';
import { plain, type Paint } from './color.ts';
import { Progress } from './progress.ts';
import { toolVersion, type RunTarget } from './results-json.ts';
import { reportRun, type RunOutcome } from './report-run.ts';
import { formatHeader, formatSummaryBody, type Verbosity } from './summary.ts';

/** Options of {@link VmconformReporter}. */
export interface VmconformReporterOptions {
  readonly runId: string;
  /** The targets with the options the run used (recorded in results.json for `vmconform repro`). */
  readonly targets: readonly RunTarget[];
  /** Where to write the report files; nothing is written when absent. */
  readonly reportDir?: string;
  readonly baseline: Baseline;
  /** The baseline's file name, recorded in the reports. */
  readonly baselineFile?: string;
  /** `MUST`: only MUST cases gate the run. */
  readonly level: 'MUST' | 'ALL';
  readonly retries?: number;
  readonly failOnFlaky?: boolean;
  /** How many cases the run has (for progress). */
  readonly total?: number;
  /** Where the header, progress and summary go (default stdout). */
  readonly print?: (text: string) => void;
  /** Draw progress as one live line (a terminal) instead of a plain line every few seconds. Default false. */
  readonly live?: boolean;
  /** Plain progress period in ms (default 5000). */
  readonly progressIntervalMs?: number;
  /** Colour for the console (default none). */
  readonly paint?: Paint;
  /** How much the console says (`--quiet`: no header, no progress, only new failures and the result). Default `normal`. */
  readonly verbosity?: Verbosity;
}

/** What the run produced, for the CLI (the same shape every run command reports through). */
export type ReporterOutcome = RunOutcome;

function errorText(e: { message?: string; name?: string } | undefined): string {
  if (!e) return 'unknown error';
  return `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message ?? String(e)}`;
}

/**
 * The result a finished test case carries. Falls back to vitest's own verdict (with the row facts the suite left
 * in `vmconformCase`) only when the suite could not store one (vitest's backstop timeout, a crash before the end).
 */
export function caseResultOf(testCase: TestCase): CaseResult | undefined {
  const meta = testCase.meta();
  if (meta.vmconform) return meta.vmconform;
  const row = meta.vmconformCase;
  if (!row) return undefined;
  const r = testCase.result();
  const durationMs = Math.round(testCase.diagnostic()?.duration ?? 0);
  if (r.state === 'failed') {
    const message = `the test failed before the engine returned a verdict: ${r.errors.map((e) => errorText(e)).join('; ')}`;
    return {
      ...row,
      status: 'failed',
      durationMs,
      message,
      findings: [{ fingerprint: `${row.dialect}/${row.id}/engine/internal`, caseId: row.id, dialect: row.dialect, level: row.level, check: 'engine', ...PROTOCOL_RULES.engine, message, docRef: row.docRef, curl: undefined }],
    };
  }
  return { ...row, status: 'skipped', durationMs, message: `not run (${r.state})`, findings: [] };
}

/** The reporter. Pass an instance in `reporters` of a programmatic vitest run, then read {@link outcome}. */
export class VmconformReporter implements Reporter {
  readonly results: CaseResult[] = [];
  readonly errors: string[] = [];
  private startedAt = new Date();
  private result: ReporterOutcome | undefined;
  private readonly print: (text: string) => void;
  private readonly paint: Paint;
  private readonly progress: Progress;
  private readonly entryOf: (r: Pick<CaseResult, 'dialect' | 'id'>) => KnownFailure | undefined;

  constructor(private readonly options: VmconformReporterOptions) {
    this.print = options.print ?? ((t: string) => void process.stdout.write(t));
    this.paint = options.paint ?? plain;
    this.entryOf = baselineEntryOf(options.baseline);
    this.progress = new Progress({
      // --quiet: no progress at all.
      total: options.verbosity === 'quiet' ? 0 : (options.total ?? 0),
      live: options.live === true && options.verbosity !== 'quiet',
      write: this.print,
      paint: this.paint,
      ...(options.progressIntervalMs !== undefined ? { intervalMs: options.progressIntervalMs } : {}),
    });
  }

  private interrupted = false;
  /** Results as cases finish (completion order): what a run that quits at once can still report. */
  private readonly finished: CaseResult[] = [];

  /**
   * A second signal quits at once: write the reports of the cases finished so far (the run interrupted, with the
   * instances it left seeded) synchronously, before the process exits.
   */
  abandon(leftovers: readonly Leftover[]): void {
    this.progress.stop();
    reportRun({
      runId: this.options.runId,
      startedAt: this.startedAt,
      targets: this.options.targets,
      results: this.finished,
      baseline: this.options.baseline,
      ...(this.options.baselineFile !== undefined ? { baselineFile: this.options.baselineFile } : {}),
      ...this.gateOptions(),
      retries: this.options.retries ?? 0,
      ...(this.options.reportDir !== undefined ? { reportDir: this.options.reportDir } : {}),
      interrupted: true,
      leftovers,
      errors: [...this.errors, 'quit at once at a second signal: the cases still running were not finished and are missing'],
    });
  }

  /** The run was interrupted: the cases that did not start are reported as not run, the run as interrupted. */
  interrupt(): void {
    this.interrupted = true;
  }

  /** The outcome, once the run ended. */
  get outcome(): ReporterOutcome | undefined {
    return this.result;
  }

  onTestRunStart(): void {
    this.startedAt = new Date();
    if (this.options.verbosity !== 'quiet') this.printHeader();
    this.progress.start();
  }

  private printHeader(): void {
    this.print(
      formatHeader(
        {
          version: toolVersion(),
          runId: this.options.runId,
          startedAt: this.startedAt.toISOString(),
          targets: this.options.targets,
          level: this.options.level,
          retries: this.options.retries ?? 0,
          failOnFlaky: this.options.failOnFlaky === true,
          ...(this.options.baselineFile !== undefined ? { baseline: this.options.baselineFile } : {}),
        },
        this.paint,
      ),
    );
  }

  onTestCaseReady(testCase: TestCase): void {
    // The suite's describe blocks are named after the dialect.
    if (testCase.parent.type === 'suite') this.progress.started(testCase.parent.name);
  }

  onTestCaseResult(testCase: TestCase): void {
    const r = caseResultOf(testCase);
    if (!r) return;
    this.finished.push(r);
    const v = caseVerdict(r, this.entryOf(r), this.gateOptions());
    this.progress.finished(r.dialect, r.status === 'failed', v.failsRun);
  }

  private gateOptions(): { level: 'MUST' | 'ALL'; failOnFlaky: boolean } {
    return { level: this.options.level, failOnFlaky: this.options.failOnFlaky === true };
  }

  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): void {
    this.progress.stop();
    const interrupted = this.interrupted || reason === 'interrupted';
    for (const m of testModules) {
      for (const e of m.errors()) this.errors.push(`${m.relativeModuleId}: ${errorText(e)}`);
      // Declaration order (the catalog's), not completion order.
      for (const testCase of m.children.allTests()) {
        const r = caseResultOf(testCase);
        if (r) this.results.push(r);
        else this.errors.push(`test ${testCase.fullName} carries no vmconform result`);
      }
    }
    for (const e of unhandledErrors) this.errors.push(`unhandled: ${errorText(e)}`);
    const outcome = reportRun({
      runId: this.options.runId,
      startedAt: this.startedAt,
      targets: this.options.targets,
      results: this.results,
      baseline: this.options.baseline,
      ...(this.options.baselineFile !== undefined ? { baselineFile: this.options.baselineFile } : {}),
      ...this.gateOptions(),
      retries: this.options.retries ?? 0,
      ...(this.options.reportDir !== undefined ? { reportDir: this.options.reportDir } : {}),
      interrupted,
      errors: this.errors,
    });
    const resultsPath = this.options.reportDir !== undefined ? join(this.options.reportDir, 'results.json') : undefined;
    this.print(formatSummaryBody(outcome.doc, this.paint, this.options.verbosity ?? 'normal', resultsPath));
    this.result = outcome;
  }
}
