/**
 * The vitest 4 reporter of vmconform. It only consumes what the suite left in `task.meta.vmconform` (the engine's
 * {@link CaseResult}); it never re-runs or re-judges a case. At the end of the run it writes the report files
 * (`reportRun`: `results.json`, `junit.xml`, `summary.txt`), prints the summary and keeps the verdict for the CLI.
 */
import type { SerializedError } from 'vitest';
import type { Reporter, TestCase, TestModule, TestRunEndReason } from 'vitest/node';
import type { DialectName } from '../src/dialects/types.ts';
import type { Baseline, GateResult } from '../src/engine/baseline.ts';
import type { CaseResult } from '../src/engine/types.ts';
import '../src/engine/suite-config.ts';
import type { ResultsDocument } from './results-json.ts';
import { reportRun } from './write-reports.ts';

/** Options of {@link VmconformReporter}. */
export interface VmconformReporterOptions {
  readonly runId: string;
  readonly targets: readonly { readonly dialect: DialectName; readonly target: string }[];
  /** Where to write results.json, junit.xml and summary.txt; nothing is written when absent. */
  readonly reportDir?: string;
  readonly baseline: Baseline;
  /** `MUST`: only MUST cases gate the run. */
  readonly level: 'MUST' | 'ALL';
  /** Where the summary goes (default stdout). */
  readonly print?: (text: string) => void;
}

/** What the run produced, for the CLI. */
export interface ReporterOutcome {
  readonly doc: ResultsDocument;
  readonly verdict: GateResult;
  readonly files: readonly string[];
}

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
      findings: [{ caseId: row.id, dialect: row.dialect, level: row.level, check: 'engine', message, docRef: row.docRef, curl: undefined }],
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

  constructor(private readonly options: VmconformReporterOptions) {}

  /** The outcome, once the run ended. */
  get outcome(): ReporterOutcome | undefined {
    return this.result;
  }

  onTestRunStart(): void {
    this.startedAt = new Date();
  }

  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): void {
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
    if (reason === 'interrupted') this.errors.push('the run was interrupted');
    const { doc, verdict, summary, files } = reportRun({
      runId: this.options.runId,
      startedAt: this.startedAt,
      finishedAt: new Date(),
      targets: this.options.targets,
      results: this.results,
      errors: this.errors,
      baseline: this.options.baseline,
      level: this.options.level,
      ...(this.options.reportDir !== undefined ? { reportDir: this.options.reportDir } : {}),
    });
    (this.options.print ?? ((t: string) => process.stdout.write(t)))(summary);
    this.result = { doc, verdict, files };
  }
}
