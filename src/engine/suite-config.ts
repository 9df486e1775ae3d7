/**
 * The configuration the CLI hands to the vitest suite (`suites/stop-instances.suite.ts`) through vitest's
 * `provide`/`inject` (key {@link SUITE_CONFIG_KEY}), and where the suite leaves each {@link CaseResult}
 * (`task.meta.vmconform`) for the reporter. Plain JSON both ways: it crosses vitest's worker boundary.
 */
import type { CaseRow } from '../cases/types.ts';
import type { Credentials, DialectName } from '../dialects/types.ts';
import type { CaseIdentity, CaseResult } from './types.ts';
// Anchors the augmentation below to vitest's types whatever order a program loads its files in (without it the build
// from src/cli/main.ts did not see the TaskMeta fields). Type-only: nothing loads at run time.
import type {} from 'vitest';

/** One dialect against one target. */
export interface SuiteTarget {
  readonly dialect: DialectName;
  readonly target: string;
  readonly statesUrl: string;
  readonly region?: string;
}

/** What the suite needs to run. */
export interface SuiteRunConfig {
  readonly runId: string;
  readonly runs: readonly SuiteTarget[];
  readonly credentials: Credentials;
  /** Regular expression (source) matched against case ids; `undefined` runs every case. */
  readonly grep?: string;
  readonly pollTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** How often a failed case is run again (`--retries N`); a pass on a retry makes it flaky. Default 0. */
  readonly retries?: number;
  /** `--no-states`: only the rows that need no seeded instance run, without seeds. */
  readonly noStates?: boolean;
  /** `--ca`: PEM files of CAs to trust besides the system's. */
  readonly caFiles?: readonly string[];
  /** `--redact-signatures`: mask request signatures in curl lines and recorded exchanges. */
  readonly redactSignatures?: boolean;
  /** A file the CLI creates when the run is interrupted: from then on no case starts (those running finish). */
  readonly interruptFlag?: string;
}

/** The result of a case that never started because the run was interrupted. */
export const NOT_RUN_INTERRUPTED = 'not run: the run was interrupted';

/** The `provide`/`inject` key. */
export const SUITE_CONFIG_KEY = 'vmconform';

declare module 'vitest' {
  interface ProvidedContext {
    vmconform: SuiteRunConfig;
  }
  interface TaskMeta {
    /** The engine's verdict of the case, set by the suite, read by the reporter. */
    vmconform?: CaseResult;
    /** The row's facts, set when the test starts (the reporter's fallback when no verdict arrives). */
    vmconformCase?: CaseIdentity;
  }
}

/**
 * The rows whose id matches `grep` (a regular expression source; all rows when absent).
 *
 * @example
 * selectRows(casesFor('zenlayer-vm'), '^stop\\.') // the stop.* rows
 */
export function selectRows(rows: readonly CaseRow[], grep: string | undefined): readonly CaseRow[] {
  if (grep === undefined || grep === '') return rows;
  const re = new RegExp(grep);
  return rows.filter((r) => re.test(r.id));
}

/**
 * The usage error for a `--grep` that selects no row of `rows` (the rows of `dialects`), with some of the ids it
 * could have matched and the command that lists them all.
 *
 * @example
 * if (selectRows(rows, grep).length === 0) throw new UsageError(noCaseMatches(grep, ['zenlayer-vm'], rows));
 */
export function noCaseMatches(grep: string | undefined, dialects: readonly DialectName[], rows: readonly CaseRow[]): string {
  const ids = [...new Set(rows.map((r) => r.id))];
  const list = dialects.length === 1 ? `vmconform cases --dialect ${dialects[0] ?? ''}` : 'vmconform cases';
  return `--grep ${JSON.stringify(grep ?? '')} matches no case of ${dialects.join(', ')} (ids such as ${ids.slice(0, 5).join(', ')}; \`${list}\` lists all ${ids.length})`;
}
