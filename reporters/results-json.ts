/**
 * The `results.json` document (DESIGN.md §6): built from {@link CaseResult}s only, never re-judged.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DialectName } from '../src/dialects/types.ts';
import type { CaseResult, Finding } from '../src/engine/types.ts';

/** One case as results.json lists it. */
export interface ResultsCase {
  readonly id: string;
  readonly level: 'MUST' | 'SHOULD';
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly durationMs: number;
  readonly message?: string;
  readonly docRef: string;
  readonly title: string;
  /** Rule inventory ids the case checks. */
  readonly rules: readonly string[];
  readonly findings: readonly Finding[];
}

/** One dialect run against one target. */
export interface ResultsRun {
  readonly dialect: DialectName;
  readonly target: string;
  readonly summary: { readonly total: number; readonly passed: number; readonly failed: number; readonly skipped: number };
  readonly cases: readonly ResultsCase[];
}

/** The whole document. */
export interface ResultsDocument {
  readonly tool: 'vmconform';
  readonly version: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly runId: string;
  readonly runs: readonly ResultsRun[];
  /** Problems outside any case (the suite failed to load, unhandled errors): the run cannot be trusted. */
  readonly errors: readonly string[];
}

/** The package version (from package.json). */
export function toolVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Inputs of {@link buildResults}. */
export interface BuildResultsInput {
  readonly runId: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  /** The targets in run order; cases are grouped under them by dialect. */
  readonly targets: readonly { readonly dialect: DialectName; readonly target: string }[];
  readonly results: readonly CaseResult[];
  readonly errors?: readonly string[];
  readonly version?: string;
}

function toCase(r: CaseResult): ResultsCase {
  return {
    id: r.id,
    level: r.level,
    status: r.status,
    durationMs: r.durationMs,
    ...(r.message !== undefined ? { message: r.message } : {}),
    docRef: r.docRef,
    title: r.title,
    rules: r.rules,
    findings: r.findings,
  };
}

/**
 * Build the results document.
 *
 * @example
 * const doc = buildResults({ runId, startedAt, finishedAt: new Date(), targets, results });
 */
export function buildResults(input: BuildResultsInput): ResultsDocument {
  const runs: ResultsRun[] = input.targets.map((t) => {
    const cases = input.results.filter((r) => r.dialect === t.dialect).map(toCase);
    return {
      dialect: t.dialect,
      target: t.target,
      summary: {
        total: cases.length,
        passed: cases.filter((c) => c.status === 'passed').length,
        failed: cases.filter((c) => c.status === 'failed').length,
        skipped: cases.filter((c) => c.status === 'skipped').length,
      },
      cases,
    };
  });
  return {
    tool: 'vmconform',
    version: input.version ?? toolVersion(),
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    durationMs: input.finishedAt.getTime() - input.startedAt.getTime(),
    runId: input.runId,
    runs,
    errors: input.errors ?? [],
  };
}

/** Write `results.json` into `dir` (created if needed); returns the path. */
export function writeResultsJson(dir: string, doc: ResultsDocument): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'results.json');
  writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`);
  return path;
}
