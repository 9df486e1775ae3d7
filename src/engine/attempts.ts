/**
 * Runs a case the way a run does (`--retries N`): each attempt is one {@link runCase} with its own exchange log and
 * fresh instance ids; a failed attempt is tried again up to `retries` times. The result is the last attempt's, with
 * its start time, its exchanges and the failed attempts before it (a pass after a failure is flaky, see `gate`).
 */
import type { CaseRow } from '../cases/types.ts';
import { redactSignatures } from '../signing/credentials.ts';
import { ExchangeLog } from './exchange-log.ts';
import { runCase } from './run-case.ts';
import type { CaseAttempt, CaseResult, RunContext } from './types.ts';

/**
 * Run one row, retrying a failure up to `retries` times.
 *
 * @example
 * const result = await runCaseWithRetries(row, ctx, 2); // result.previousAttempts holds the failed tries
 */
export async function runCaseWithRetries(row: CaseRow, ctx: RunContext, retries = 0): Promise<CaseResult> {
  const previous: CaseAttempt[] = [];
  for (let attempt = 0; ; attempt++) {
    const log = new ExchangeLog(row, ctx.credentials);
    const startedAt = new Date().toISOString();
    // A retry seeds fresh ids: an instance a failed attempt left behind (its teardown refused) cannot disturb it.
    const runId = attempt === 0 ? ctx.runId : `${ctx.runId}.retry${attempt}`;
    const raw: CaseResult = detached({ ...(await log.run(() => runCase(row, { ...ctx, runId }))), startedAt, exchanges: log.entries() });
    const result = ctx.redactSignatures ? withoutSignatures(raw) : raw;
    if (result.status !== 'failed' || attempt >= retries) {
      return previous.length > 0 ? { ...result, previousAttempts: previous } : result;
    }
    const { status, durationMs, message, findings, exchanges } = result;
    previous.push({ status, durationMs, ...(message !== undefined ? { message } : {}), findings, startedAt, exchanges });
  }
}

/**
 * A deep copy of a JSON value made of fresh strings. An excerpt of a target's answer (a finding's message, a recorded
 * body cut at 64 KiB) is a slice of the whole answer to V8, and keeps all of it alive: a result kept until the end of
 * the run would hold every megabyte a hostile target sent. The copy holds only what it shows.
 *
 * @example
 * results.push(detached(result));
 */
export function detached<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** A result with every request signature masked (`--redact-signatures`): findings' curl lines and the recorded requests. */
export function withoutSignatures(r: CaseResult): CaseResult {
  const mask = (text: string): string => redactSignatures(text);
  return {
    ...r,
    findings: r.findings.map((f) => ({ ...f, message: mask(f.message), curl: f.curl === undefined ? undefined : mask(f.curl) })),
    ...(r.message !== undefined ? { message: mask(r.message) } : {}),
    exchanges: (r.exchanges ?? []).map((ex) => ({
      ...ex,
      request: {
        ...ex.request,
        url: mask(ex.request.url),
        headers: Object.fromEntries(Object.entries(ex.request.headers).map(([k, v]) => [k, mask(v)])),
        ...(ex.request.body !== undefined ? { body: mask(ex.request.body) } : {}),
      },
    })),
  };
}
