/**
 * The one engine that runs every case row (DESIGN.md §5): it picks fresh ids, seeds them through the provider-state
 * endpoint, sends the steps with `callTarget`, runs the checks, and always tears down. Usable outside vitest.
 */
import { randomUUID } from 'node:crypto';
import type { CallStep, BurstStep, CaseRow, IdRef, InstanceSeed } from '../cases/types.ts';
import { callTarget, queryStatuses, type StatusRead } from './recorded-client.ts';
import { getDialect } from '../dialects/index.ts';
import type { Dialect, DialectContext, Exchange, OperationCall, WireRequest } from '../dialects/types.ts';
import { redactSecret } from '../signing/credentials.ts';
import {
  answerKind,
  burstAllServed,
  burstSomeRefused,
  isServed,
  makeFinding,
  requestIdUnique,
  runCallChecks,
  stateEventual,
  stateImmediate,
  type FindingScope,
  type InstanceStateExpectation,
} from './checks.ts';
import { ProviderStateCallError, setupInstances, teardownInstances } from './provider-states.ts';
import { statusForCodeOf } from './spec-status.ts';
import type { CaseIdentity, CaseResult, Finding, RunContext } from './types.ts';

/** Default bound for a stopped instance to read the stopped word. */
export const DEFAULT_POLL_TIMEOUT_MS = 10_000;
/** Default per-request timeout. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Default per-case timeout (CaseRow.timeoutMs). */
export const DEFAULT_CASE_TIMEOUT_MS = 30_000;

/** A fresh run id (short, URL- and id-safe). */
export function newRunId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 12);
}

/** Whether the engine paces this call (tencent-cvm-api3 StopInstances, DESIGN.md §3). */
export function isPacedCall(dialect: string, call: OperationCall): boolean {
  return dialect === 'tencent-cvm-api3' && call.operation === 'StopInstances';
}

/** Seeds of the row with `{n}` aliases expanded for the row's bursts (0-based request index). */
export function expandSeeds(row: CaseRow): InstanceSeed[] {
  const maxCount = Math.max(0, ...row.steps.map((s) => (s.kind === 'burst' ? s.count : 0)));
  const out: InstanceSeed[] = [];
  for (const seed of row.instances) {
    if (seed.alias.includes('{n}')) {
      for (let n = 0; n < maxCount; n++) out.push({ ...seed, alias: seed.alias.split('{n}').join(String(n)) });
    } else {
      out.push(seed);
    }
  }
  return out;
}

/** Maps a case's aliases and unknown refs to fresh valid ids of the dialect, unique per run, dialect and case. */
class IdMap {
  private readonly byKey = new Map<string, string>();
  private readonly used = new Set<string>();
  constructor(
    private readonly dialect: Dialect,
    private readonly prefix: string,
  ) {}

  private fresh(key: string): string {
    const existing = this.byKey.get(key);
    if (existing !== undefined) return existing;
    let id = this.dialect.instanceId(`${this.prefix}.${key}`);
    for (let k = 1; this.used.has(id); k++) id = this.dialect.instanceId(`${this.prefix}.${key}#${k}`);
    this.used.add(id);
    this.byKey.set(key, id);
    return id;
  }

  alias(alias: string): string {
    return this.fresh(`alias:${alias}`);
  }

  ref(ref: IdRef, n?: number): string {
    const subst = (s: string): string => (n === undefined ? s : s.split('{n}').join(String(n)));
    if (typeof ref === 'string') return this.alias(subst(ref));
    if ('literal' in ref) return subst(ref.literal);
    return this.fresh(`unknown:${subst(ref.unknown)}`);
  }

  /** Alias, literal id or unknown name as used in `Expectation.instances` keys. */
  key(key: string): string {
    return this.byKey.get(`alias:${key}`) ?? this.byKey.get(`unknown:${key}`) ?? key;
  }
}

/** What each seeded alias must read now: accepted words, or `undefined` when a step made it unknowable. */
type StateBook = Map<string, readonly string[] | undefined>;

class CaseTimeout extends Error {}

/**
 * Time a case spends queued for the pacer (behind other cases' paced calls) does not count against its timeout:
 * the case is not slow, the shared rate limit is.
 */
class PacerWait {
  private total = 0;
  private since: number | undefined;
  begin(): void {
    this.since = performance.now();
  }
  end(): void {
    if (this.since !== undefined) this.total += performance.now() - this.since;
    this.since = undefined;
  }
  /** Waited so far, including a wait in progress. */
  waited(): number {
    return this.total + (this.since === undefined ? 0 : performance.now() - this.since);
  }
  /** Run `fn` through `queue`, counting the time until `fn` starts. */
  async through<T>(queue: (fn: () => Promise<T>) => Promise<T>, fn: () => Promise<T>): Promise<T> {
    this.begin();
    try {
      return await queue(() => {
        this.end();
        return fn();
      });
    } finally {
      this.end();
    }
  }
}

/**
 * The identity a result carries from its row (id, dialect, level, title, docRef, rules).
 *
 * @example
 * task.meta.vmconformCase = caseIdentity(row);
 */
export function caseIdentity(row: CaseRow): CaseIdentity {
  return { id: row.id, dialect: row.dialect, level: row.level, title: row.title, docRef: row.docRef, rules: row.rules };
}

/**
 * Run one case row against a target and return its verdict. Never throws for anything the target does.
 *
 * @example
 * const result = await runCase(row, { dialect: 'zenlayer-vm', target, statesUrl, credentials: TEST_CREDENTIALS,
 *   runId: newRunId(), pacer: sharedPacer() });
 */
export async function runCase(row: CaseRow, ctx: RunContext): Promise<CaseResult> {
  const started = performance.now();
  const scope: FindingScope = { caseId: row.id, dialect: row.dialect, level: row.level, docRef: row.docRef };
  const base = caseIdentity(row);
  if (row.dialect !== ctx.dialect) {
    return { ...base, status: 'skipped', durationMs: 0, message: `row is for ${row.dialect}, the run is for ${ctx.dialect}`, findings: [] };
  }
  const findings: Finding[] = [];
  const dialect = getDialect(row.dialect);
  const dctx: DialectContext = {
    baseUrl: ctx.target,
    credentials: ctx.credentials,
    ...(ctx.region !== undefined ? { region: ctx.region } : {}),
    timeoutMs: ctx.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  };
  const ids = new IdMap(dialect, `${ctx.runId}.${row.dialect}.${row.id}`);
  const seeds = expandSeeds(row);
  const seedIds = seeds.map((s) => ids.alias(s.alias));
  const requestTimeout = ctx.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  let finished = false;
  const pacerWait = new PacerWait();

  const body = async (): Promise<void> => {
    if (seeds.length > 0) {
      try {
        await setupInstances(
          ctx.statesUrl,
          seeds.map((s, i) => ({
            id: seedIds[i] as string,
            status: s.status,
            ...(s.securityLocked !== undefined ? { securityLocked: s.securityLocked } : {}),
          })),
          requestTimeout,
        );
      } catch (err: unknown) {
        findings.push(providerStateFinding(scope, 'setup', err));
        return;
      }
    }
    const runner = new StepRunner(row, ctx, dialect, dctx, ids, seeds, scope, findings, () => finished, pacerWait);
    for (const step of row.steps) {
      if (finished) return;
      const go = step.kind === 'call' ? await runner.call(step) : await runner.burst(step);
      if (!go) return;
    }
    findings.push(...requestIdUnique(scope, runner.exchanges));
  };

  const caseTimeout = row.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      body(),
      new Promise<never>((_, reject) => {
        const tick = (): void => {
          const left = caseTimeout - (performance.now() - started - pacerWait.waited());
          if (left <= 0) reject(new CaseTimeout());
          else timer = setTimeout(tick, left + 1);
        };
        timer = setTimeout(tick, caseTimeout);
      }),
    ]);
  } catch (err: unknown) {
    if (err instanceof CaseTimeout) {
      findings.push(makeFinding(scope, 'case-timeout', `expected the case to finish within ${caseTimeout} ms, it did not (a request or a poll hung)`));
    } else {
      findings.push(makeFinding(scope, 'engine', `vmconform failed while running the case: ${err instanceof Error ? err.message : String(err)}`));
    }
  } finally {
    finished = true;
    if (timer) clearTimeout(timer);
    if (seeds.length > 0) {
      try {
        await teardownInstances(ctx.statesUrl, seedIds, requestTimeout);
      } catch (err: unknown) {
        findings.push(providerStateFinding(scope, 'teardown', err));
      }
    }
  }
  const safe = findings.map((f) => ({
    ...f,
    message: redactSecret(f.message, ctx.credentials),
    curl: f.curl === undefined ? undefined : redactSecret(f.curl, ctx.credentials),
  }));
  const durationMs = Math.round(performance.now() - started);
  return safe.length === 0
    ? { ...base, status: 'passed', durationMs, findings: [] }
    : { ...base, status: 'failed', durationMs, message: safe.map((f) => `[${f.check}] ${f.message}`).join('\n'), findings: safe };
}

function providerStateFinding(scope: FindingScope, action: 'setup' | 'teardown', err: unknown): Finding {
  if (err instanceof ProviderStateCallError) {
    return { ...makeFinding(scope, 'provider-state', err.message), curl: err.curl };
  }
  return makeFinding(scope, 'provider-state', `provider-state ${action} failed: ${err instanceof Error ? err.message : String(err)}`);
}

/** Runs the steps of one case, keeping the book of what each seeded instance must read. */
class StepRunner {
  readonly exchanges: Exchange[] = [];
  private readonly book: StateBook = new Map();
  private readonly statusForCode: (code: string) => readonly number[] | undefined;

  constructor(
    private readonly row: CaseRow,
    private readonly ctx: RunContext,
    private readonly dialect: Dialect,
    private readonly dctx: DialectContext,
    private readonly ids: IdMap,
    seeds: readonly InstanceSeed[],
    private readonly scope: FindingScope,
    private readonly findings: Finding[],
    private readonly stopped: () => boolean,
    private readonly pacerWait: PacerWait,
  ) {
    for (const s of seeds) this.book.set(s.alias, [s.status]);
    this.statusForCode = statusForCodeOf(row.dialect);
  }

  private toCall(step: CallStep | BurstStep, n?: number): OperationCall {
    const { ids, ...rest } = step.call;
    return ids === undefined ? { ...rest } : { ...rest, instanceIds: ids.map((r) => this.ids.ref(r, n)) };
  }

  private async send(call: OperationCall, paced: boolean): Promise<Exchange> {
    const go = (): Promise<Exchange> => callTarget(this.dialect, call, this.dctx);
    const pacer = this.ctx.pacer;
    const ex =
      paced && isPacedCall(this.row.dialect, call)
        ? await this.pacerWait.through((fn) => pacer.paced(fn), go)
        : await go();
    this.exchanges.push(ex);
    return ex;
  }

  private async readStatuses(idList: readonly string[]): Promise<StatusRead> {
    const read = await queryStatuses(this.dialect, idList, this.dctx);
    this.exchanges.push(...read.exchanges);
    return read;
  }

  /** Returns false when the case cannot go on (no answer from the target). */
  async call(step: CallStep): Promise<boolean> {
    const call = this.toCall(step);
    const ex = await this.send(call, true);
    this.findings.push(
      ...runCallChecks({
        scope: this.scope,
        exchange: ex,
        expect: step.expect,
        idOf: (key) => this.ids.key(key),
        statusForCode: this.statusForCode,
      }),
    );
    if (!ex.response) return false;
    const { stopping, stopped } = this.dialect.lifecycle;
    const stoppedNow = this.stoppedBy(step, ex);
    for (const alias of stoppedNow) this.book.set(alias, [stopping, stopped]);
    await this.checkStates(ex.request, 'state-immediate', stoppedNow);
    return !this.stopped();
  }

  /**
   * The aliases a call stops. For `success`/`error`/`client-error` rows, what the row says (`stopped`). A `not-5xx`
   * row accepts either envelope, so its states follow what came back: the success envelope stops the row's
   * `stopped` aliases (or, without `stopped`, every seeded instance a StopInstances call named); the error envelope
   * stops nothing (DESIGN.md §3: a request that fails changes nothing); any other answer to a stop (already a
   * finding) makes the named instances unknowable from here on.
   */
  private stoppedBy(step: CallStep, ex: Exchange): string[] {
    if (step.expect.result !== 'not-5xx') return [...new Set(step.expect.stopped ?? [])];
    const named = [...new Set((step.call.ids ?? []).flatMap((r) => (typeof r === 'string' && this.book.has(r) ? [r] : [])))];
    switch (answerKind(ex)) {
      case 'success':
        return [...new Set(step.expect.stopped ?? (step.call.operation === 'StopInstances' ? named : []))];
      case 'error':
        return [];
      case 'other':
        // A status query changes nothing whatever it answers; a stop that answered neither envelope may have.
        if (step.call.operation === 'StopInstances') for (const alias of named) this.book.set(alias, undefined);
        return [];
    }
  }

  /** Immediate state check of the whole book, then the eventual check for `stoppedNow` aliases that passed it. */
  private async checkStates(blame: WireRequest, check: 'state-immediate' | 'burst-state', stoppedNow: readonly string[]): Promise<void> {
    const expected: InstanceStateExpectation[] = [];
    for (const [alias, accept] of this.book) {
      if (accept !== undefined) expected.push({ alias, id: this.ids.alias(alias), accept });
    }
    if (expected.length === 0) return;
    const read = await this.readStatuses(expected.map((e) => e.id));
    const immediate = stateImmediate(this.scope, expected, read, blame, check);
    this.findings.push(...immediate);
    if (read.problem || this.stopped()) return;
    const { stopped } = this.dialect.lifecycle;
    const candidates = stoppedNow
      .map((alias) => ({ alias, id: this.ids.alias(alias) }))
      .filter((e) => {
        const got = read.statuses.get(e.id);
        return got !== undefined && (this.book.get(e.alias) ?? []).includes(got);
      });
    const eventual = await stateEventual(
      this.scope,
      candidates,
      stopped,
      (idList) => this.readStatuses(idList),
      this.ctx.pollTimeoutMs ?? DEFAULT_POLL_TIMEOUT_MS,
      blame,
    );
    this.findings.push(...eventual);
    if (eventual.length === 0) for (const c of candidates) this.book.set(c.alias, [stopped]);
  }

  async burst(step: BurstStep): Promise<boolean> {
    const calls = Array.from({ length: step.count }, (_, n) => this.toCall(step, n));
    const first = calls[0];
    if (first === undefined) return true;
    const fire = (): Promise<Exchange[]> => Promise.all(calls.map((c) => this.send(c, false)));
    const answers = isPacedCall(this.row.dialect, first)
      ? await this.pacerWait.through((fn) => this.ctx.pacer.exclusive(fn), fire)
      : await fire();
    this.findings.push(
      ...('allServed' in step.expect
        ? burstAllServed(this.scope, answers)
        : burstSomeRefused(this.scope, answers, step.expect.someRefused)),
    );
    if (answers.every((a) => !a.response)) return false;
    const { stopping, stopped } = this.dialect.lifecycle;
    const refusedCode = 'someRefused' in step.expect ? step.expect.someRefused : undefined;
    answers.forEach((ex, n) => {
      const aliases = (step.call.ids ?? []).flatMap((r) => (typeof r === 'string' ? [r.split('{n}').join(String(n))] : []));
      for (const alias of aliases) {
        if (!this.book.has(alias)) continue;
        if (isServed(ex)) this.book.set(alias, [stopping, stopped]);
        else if (refusedCode === undefined || ex.outcome?.error?.code !== refusedCode) this.book.set(alias, undefined);
        // refused with the expected code: unchanged (keeps its seeded word)
      }
    });
    const blame = answers.find((a) => isServed(a))?.request ?? (answers[0] as Exchange).request;
    await this.checkStates(blame, 'burst-state', []);
    return !this.stopped();
  }
}
