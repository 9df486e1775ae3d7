/**
 * The exchange log of one case attempt: every request the engine sends for it (provider states, each step's
 * request, the status reads that check states) with what came back, labelled with the step, secrets redacted. The
 * reports (HAR, HTML) are made from it.
 *
 * The log is the async context of the attempt (`AsyncLocalStorage`): `runCaseWithRetries` runs `runCase` inside
 * {@link ExchangeLog.run}, and the engine's clients (`recorded-client.ts`, `provider-states.ts`) add to the log of
 * the context they run in. So `runCase` needs no plumbing for it, and concurrent cases never mix their logs.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CaseRow } from '../cases/types.ts';
import type { Credentials, Exchange, WireRequest, WireResponse } from '../dialects/types.ts';
import { redactSecret } from '../signing/credentials.ts';
import type { ExchangeStep, Finding, RecordedBody, RecordedExchange } from './types.ts';

/** Bodies longer than this (in characters) are recorded cut, with their length (a hostile target may send up to MAX_RESPONSE_BYTES). */
export const MAX_RECORDED_BODY_CHARS = 64 * 1024;

const current = new AsyncLocalStorage<ExchangeLog>();

/** The log of the attempt the caller runs in, if any. */
export function currentExchangeLog(): ExchangeLog | undefined {
  return current.getStore();
}

/**
 * Records the requests of one case attempt.
 *
 * @example
 * const log = new ExchangeLog(row, ctx.credentials);
 * const result = await log.run(() => runCase(row, ctx));
 * const exchanges = log.entries();
 */
export class ExchangeLog {
  private readonly recorded: RecordedExchange[] = [];
  /** Index of the first request of each step among the steps' own requests (a burst sends `count`). */
  private readonly stepStarts: number[] = [];
  private calls = 0;

  constructor(
    row: Pick<CaseRow, 'steps'>,
    private readonly credentials: Credentials,
  ) {
    let at = 0;
    for (const step of row.steps) {
      this.stepStarts.push(at);
      at += step.kind === 'burst' ? step.count : 1;
    }
  }

  /** Run `fn` with this log as the current one. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return current.run(this, fn);
  }

  private lastCall: object | undefined;

  /**
   * The step (1-based) a step request belongs to. Each new call object is the next request of the row's steps (a
   * burst sends `count` of them); the same call object again is a retry of the request just sent (e.g. after a
   * throttled answer), so it stays in its step.
   */
  beginCall(call: object): number {
    if (call !== this.lastCall || this.calls === 0) {
      this.calls++;
      this.lastCall = call;
    }
    return this.stepOf(this.calls - 1);
  }

  /** The step the latest step request belongs to (status reads after it are part of that step). */
  currentStep(): ExchangeStep {
    return this.calls === 0 ? 'setup' : this.stepOf(this.calls - 1);
  }

  private stepOf(callIndex: number): number {
    let step = 0;
    while (step + 1 < this.stepStarts.length && (this.stepStarts[step + 1] ?? Infinity) <= callIndex) step++;
    return step + 1;
  }

  /** Record a dialect exchange (a step's request or a status read) that started at `startedMs` (epoch ms). */
  addExchange(step: ExchangeStep, role: 'call' | 'status', ex: Exchange, startedMs: number): void {
    this.add(step, role, ex.request, ex.response, ex.transportError, startedMs, ex.durationMs);
  }

  /** Record one request with its answer (or transport error). */
  add(
    step: ExchangeStep,
    role: RecordedExchange['role'],
    request: WireRequest,
    response: WireResponse | undefined,
    transportError: string | undefined,
    startedMs: number,
    durationMs: number,
  ): void {
    const safe = (text: string): string => redactSecret(text, this.credentials);
    const headers = (h: Readonly<Record<string, string>>): Record<string, string> =>
      Object.fromEntries(Object.entries(h).map(([k, v]) => [k, safe(v)]));
    this.recorded.push({
      step,
      role,
      startedAt: new Date(startedMs).toISOString(),
      durationMs: Math.round(durationMs * 10) / 10,
      request: { method: request.method, url: safe(request.url), headers: headers(request.headers), ...recordBody(request.body, safe) },
      ...(response ? { response: { status: response.status, headers: headers(response.headers), ...recordBody(response.bodyText, safe) } } : {}),
      ...(transportError !== undefined ? { transportError: safe(transportError) } : {}),
    });
  }

  /** What was recorded so far, in the order sent. */
  entries(): readonly RecordedExchange[] {
    return [...this.recorded];
  }

  private readonly noted: StepFinding[] = [];

  /**
   * Note findings of the attempt with the step they judge (`undefined`: the whole case), as the engine binds them to
   * the row's assertion plan. The result carries the findings; this says which step each belongs to.
   */
  noteFindings(found: readonly Finding[], step: number | undefined): void {
    for (const finding of found) this.noted.push({ finding, step });
  }

  /** The findings noted so far with their steps, in the order found (messages as found: redact before showing). */
  stepFindings(): readonly StepFinding[] {
    return [...this.noted];
  }
}

/** A finding of a case attempt with the step of the row it judges (`undefined`: the whole case). */
export interface StepFinding {
  readonly finding: Finding;
  readonly step: number | undefined;
}

function recordBody(body: string | undefined, safe: (text: string) => string): RecordedBody {
  if (body === undefined) return {};
  const text = safe(body);
  return text.length > MAX_RECORDED_BODY_CHARS
    ? { body: text.slice(0, MAX_RECORDED_BODY_CHARS), truncatedFrom: text.length }
    : { body: text };
}
