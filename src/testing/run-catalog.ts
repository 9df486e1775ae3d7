/**
 * Test support: run whole catalogs against running providers over real HTTP, many at once but bounded, each
 * provider with its own pacer (a rate limit is per provider). Used by the wrong-provider, legal-variant and
 * rule-observation tests.
 */
import { casesFor } from '../cases/index.ts';
import type { CaseRow } from '../cases/types.ts';
import type { DialectName } from '../dialects/types.ts';
import { WindowPacer } from '../engine/pacer.ts';
import { runCaseWithRetries } from '../engine/attempts.ts';
import { newRunId, runCase } from '../engine/run-case.ts';
import type { CaseResult } from '../engine/types.ts';
import type { RunningProvider } from '../provider/server.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';

/** A FIFO limiter: at most `max` tasks run at once. Hand-written: ten lines, no dependency needed. */
export function limiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/** Options of {@link runRowsAgainst}. */
export interface CatalogRunOptions {
  /** How long a stopped instance may take to read the stopped word (default 3 000 ms). */
  readonly pollTimeoutMs?: number;
  /** Per-request timeout (default 15 000 ms). */
  readonly requestTimeoutMs?: number;
  /** Bounds the cases in flight across every run sharing it. */
  readonly limit: <T>(task: () => Promise<T>) => Promise<T>;
  /** Record each case's exchanges as the suite does (what exchanges.har is made from). */
  readonly record?: boolean;
}

/**
 * Start a provider, run `rows` (default: every row of the dialect) against it, close it, return the results in
 * row order.
 *
 * @example
 * const results = await runRowsAgainst(() => startProviderServer({ dialect }), dialect, { limit: limiter(16) });
 */
export async function runRowsAgainst(
  start: () => Promise<RunningProvider>,
  dialect: DialectName,
  options: CatalogRunOptions,
  rows: readonly CaseRow[] = casesFor(dialect),
): Promise<CaseResult[]> {
  const provider = await start();
  try {
    const ctx = {
      dialect,
      target: provider.url,
      statesUrl: `${provider.url}/_vmconform/provider-states`,
      credentials: TEST_CREDENTIALS,
      runId: newRunId(),
      pollTimeoutMs: options.pollTimeoutMs ?? 3_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
      pacer: new WindowPacer(),
    };
    return await Promise.all(rows.map((row) => options.limit(() => (options.record === true ? runCaseWithRetries(row, ctx) : runCase(row, ctx)))));
  } finally {
    await provider.close();
  }
}

/** The ids of the results that did not pass. */
export function failedIds(results: readonly CaseResult[]): string[] {
  return results.filter((r) => r.status !== 'passed').map((r) => r.id);
}

/** One line per failed result: id, then its findings' messages. */
export function failureLines(results: readonly CaseResult[]): string[] {
  return results.filter((r) => r.status !== 'passed').map((r) => `${r.id}: ${r.message ?? r.status}`);
}
