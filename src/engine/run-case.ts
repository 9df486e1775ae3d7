/**
 * The one engine that runs every case row (DESIGN.md §5): it picks fresh ids, seeds them through the provider-state
 * endpoint, sends the steps through a `TargetSession`, runs the checks, and always tears down. Usable outside vitest.
 */
import { randomUUID } from 'node:crypto';
import type { CallStep, BurstStep, CaseRow, IdRef, InstanceSeed } from '../cases/types.ts';
import { patientCallBoundMs } from '../dialects/client.ts';
import { getDialect } from '../dialects/index.ts';
import type { Dialect, DialectContext, Exchange, OperationCall, WireRequest } from '../dialects/types.ts';
import { redactSecret } from '../signing/credentials.ts';
import { makeFinding, runCallChecks, STEP_CHECKS, type FindingScope } from './checks.ts';
import { assertionsOf, type Assertion, type StateSubject } from './assertions.ts';
import { currentExchangeLog } from './exchange-log.ts';
import {
  applyBurstAnswers,
  applyCallAnswer,
  bindFindings as bindToPlan,
  burstBlame,
  burstChecks,
  eventualCandidates,
  expectedStates,
  immediateStateFindings,
  newStateBook,
  type StateBook,
} from './state-book.ts';
import { BreakerOpen } from './breaker.ts';
import { ProviderStateCallError, setupInstances, teardownInstances, type IdAssignments } from './provider-states.ts';
import { statusForCodeOf } from './spec-status.ts';
import { isPacedCall, PacerWait, TargetSession } from './target-session.ts';
import { PROTOCOL_RULES, type CaseIdentity, type CaseResult, type Finding, type RunContext } from './types.ts';
import { DEFAULT_POLL_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from './defaults.ts';

/** The engine's default bounds (defined in `defaults.ts`, which the command line reads without loading the engine). */
export { DEFAULT_POLL_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS };

/**
 * How long a case may take (DESIGN.md §3 "Time": every limit of a case derives from `--poll-timeout` and
 * `--request-timeout`, never a fixed number shorter than they need): its setup, then per step the call with every
 * throttled retry (or a burst), a status read of each page of its instances before and after the stopped word is
 * due, and the poll bound itself, plus a second of the engine's own work. Time queued for the shared pacer does not
 * count (see runCase). A backstop for a target that keeps a case busy past every request's own timeout.
 *
 * @example
 * caseBudgetMs(row, { requestTimeoutMs: 10_000, pollTimeoutMs: 600_000 }) // over ten minutes for bare metal
 */
export function caseBudgetMs(row: CaseRow, bounds: { readonly requestTimeoutMs: number; readonly pollTimeoutMs: number }, statusPageSize = 20): number {
  const r = bounds.requestTimeoutMs;
  const patient = patientCallBoundMs(r);
  const seeded = expandSeeds(row).length;
  const pages = Math.max(1, Math.ceil(seeded / Math.max(1, statusPageSize)));
  let total = r + 1_000;
  for (const step of row.steps) {
    const send = step.kind === 'burst' ? r : patient;
    total += send + 2 * pages * patient + bounds.pollTimeoutMs;
  }
  return total;
}

/** A fresh run id (short, URL- and id-safe). */
export function newRunId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 12);
}

export { isPacedCall };

/** The skip reason of a row that needs seeded instances in a `--no-states` run. */
export const NOT_RUN_NO_STATES = 'not run: the case needs seeded instances, and the run has no provider states (--no-states)';

/**
 * Whether a row needs seeded instances: a step names one (or a burst stops its own). A row whose seeds are only
 * bystanders (checked for "nothing changed") runs with `--no-states` without them.
 *
 * @example
 * rowNeedsStates(casesFor('zenlayer-vm').find((r) => r.id === 'ids.unknown.rejected')!) // false
 */
export function rowNeedsStates(row: CaseRow): boolean {
  return row.steps.some((step) => step.kind === 'burst' || (step.call.ids ?? []).some((ref) => typeof ref === 'string'));
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

/**
 * Maps a case's aliases and unknown refs to fresh valid ids of the dialect, unique per prefix (the engine's prefix is
 * run, dialect and case; the Pact contracts use a fixed one, so their ids are deterministic).
 *
 * @example
 * new IdMap(getDialect('zenlayer-vm'), 'pact.zenlayer-vm.stop.single').alias('a') // 'vm-' + 16 hex digits
 */
export class IdMap {
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

  /**
   * Take the ids a target gave the seeded instances (DESIGN.md §4's id map): from now on every alias whose requested
   * id the map names stands for the target's id (calls, status reads, expectations, teardown, curl lines).
   */
  assign(assigned: IdAssignments): void {
    for (const [key, id] of this.byKey) {
      const actual = assigned.get(id);
      if (actual === undefined) continue;
      this.byKey.set(key, actual);
      this.used.add(actual);
    }
  }

  /** The id of a seeded alias. */
  alias(alias: string): string {
    return this.fresh(`alias:${alias}`);
  }

  /** The id an {@link IdRef} stands for (`n`: a burst request's index for `{n}` aliases). */
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

class CaseTimeout extends Error {}

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
 * The scope of a row's findings: its case, dialect, level and docRef, its first rule and its docRef as the source
 * until a finding is bound to the assertion it breaks.
 *
 * @example
 * makeFinding(scopeOf(row), 'engine', 'vmconform failed', undefined, 'internal')
 */
export function scopeOf(row: CaseRow): FindingScope {
  return { caseId: row.id, dialect: row.dialect, level: row.level, docRef: row.docRef, rule: row.rules[0] ?? '', source: row.docRef };
}

/**
 * The call a step sends, its ids resolved (`n`: a burst request's index for `{n}` aliases). Resolving an unknown id
 * the first time picks it, so a case resolves its steps in order.
 *
 * @example
 * const call = callOf(row.steps[0], ids); // { operation: 'StopInstances', instanceIds: ['ins-…'] }
 */
export function callOf(step: CallStep | BurstStep, ids: IdMap, n?: number): OperationCall {
  const { ids: refs, ...rest } = step.call;
  return refs === undefined ? { ...rest } : { ...rest, instanceIds: refs.map((r) => ids.ref(r, n)) };
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
  const scope = scopeOf(row);
  const plan = assertionsOf(row);
  const base = caseIdentity(row);
  if (row.dialect !== ctx.dialect) {
    return { ...base, status: 'skipped', durationMs: 0, message: `row is for ${row.dialect}, the run is for ${ctx.dialect}`, findings: [] };
  }
  if (ctx.breaker?.reason !== undefined) return { ...base, status: 'skipped', durationMs: 0, message: ctx.breaker.reason, findings: [] };
  if (ctx.noStates && rowNeedsStates(row)) {
    return { ...base, status: 'skipped', durationMs: 0, message: NOT_RUN_NO_STATES, findings: [] };
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
  // With --no-states a row runs only when its seeds are bystanders, and then without them.
  const seeds = ctx.noStates ? [] : expandSeeds(row);
  const seedIds = seeds.map((s) => ids.alias(s.alias));
  const requestTimeout = ctx.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  /** Set once the case is over (its steps ended, or it timed out): steps still in flight stop at their next turn. */
  let caseOver = false;
  const pacerWait = new PacerWait();
  /** Whether any request of the case got an HTTP answer, and the last transport error (for the breaker). */
  const transport = { answered: false, lastError: 'no request sent' };
  let skippedBy: string | undefined;

  const body = async (): Promise<void> => {
    if (seeds.length > 0) {
      try {
        const assigned = await setupInstances(
          ctx.statesUrl,
          seeds.map((s, i) => ({
            id: seedIds[i] as string,
            status: s.status,
            ...(s.securityLocked !== undefined ? { securityLocked: s.securityLocked } : {}),
          })),
          requestTimeout,
        );
        ids.assign(assigned);
        transport.answered = true;
      } catch (err: unknown) {
        if (err instanceof ProviderStateCallError && err.httpStatus !== undefined) transport.answered = true;
        else transport.lastError = err instanceof Error ? err.message : String(err);
        findings.push(providerStateFinding(scope, 'setup', err));
        return;
      }
    }
    const runner = new StepRunner({ row, run: ctx, dialect, dctx, ids, seeds, scope, plan, findings, isCaseOver: () => caseOver, pacerWait });
    try {
      for (const [i, step] of row.steps.entries()) {
        if (caseOver) return;
        const goOn = step.kind === 'call' ? await runner.call(step, i + 1) : await runner.burst(step, i + 1);
        if (!goOn) return;
      }
    } finally {
      // The API's own answers decide (a target whose API hangs while its provider states answer is gone too).
      transport.answered = runner.exchanges.length === 0 ? transport.answered : runner.exchanges.some((ex) => ex.response !== undefined);
      for (const ex of runner.exchanges) if (!ex.response) transport.lastError = ex.transportError ?? transport.lastError;
    }
    if (dialect.sources.uniqueRequestId !== undefined) findings.push(...bindFindings(plan, STEP_CHECKS['request-id-unique']({ scope, exchanges: runner.exchanges }), undefined));
  };

  const caseTimeout = caseBudgetMs(row, { requestTimeoutMs: requestTimeout, pollTimeoutMs: ctx.pollTimeoutMs ?? DEFAULT_POLL_TIMEOUT_MS }, dialect.statusPageSize);
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
    if (err instanceof BreakerOpen) {
      skippedBy = err.message;
    } else if (err instanceof CaseTimeout) {
      findings.push(makeFinding({ ...scope, ...PROTOCOL_RULES['case-timeout'] }, 'case-timeout', `expected the case to finish within ${caseTimeout} ms, it did not (a request or a poll hung)`, undefined, 'timeout'));
    } else {
      findings.push(makeFinding({ ...scope, ...PROTOCOL_RULES.engine }, 'engine', `vmconform failed while running the case: ${err instanceof Error ? err.message : String(err)}`, undefined, 'internal'));
    }
  } finally {
    caseOver = true;
    if (timer) clearTimeout(timer);
    if (seeds.length > 0) {
      try {
        await teardownInstances(ctx.statesUrl, seeds.map((s) => ids.alias(s.alias)), requestTimeout);
      } catch (err: unknown) {
        findings.push(providerStateFinding(scope, 'teardown', err));
      }
    }
  }
  if (skippedBy === undefined) ctx.breaker?.record(transport.answered, transport.lastError);
  const safe = findings.map((f) => ({
    ...f,
    message: redactSecret(f.message, ctx.credentials),
    curl: f.curl === undefined ? undefined : redactSecret(f.curl, ctx.credentials),
  }));
  const durationMs = Math.round(performance.now() - started);
  if (skippedBy !== undefined && safe.every((f) => f.check === 'provider-state')) {
    return { ...base, status: 'skipped', durationMs, message: skippedBy, findings: safe };
  }
  return safe.length === 0
    ? { ...base, status: 'passed', durationMs, findings: [] }
    : { ...base, status: 'failed', durationMs, message: safe.map((f) => `[${f.check}] ${f.message}`).join('\n'), findings: safe };
}

/**
 * The finding of a provider-state call that failed (DESIGN.md §4): its message and curl line, the action and the
 * HTTP status in its fingerprint.
 *
 * @example
 * findings.push(providerStateFinding(scopeOf(row), 'setup', err));
 */
export function providerStateFinding(caseScope: FindingScope, action: 'setup' | 'teardown', err: unknown): Finding {
  const scope = { ...caseScope, ...PROTOCOL_RULES['provider-state'] };
  if (err instanceof ProviderStateCallError) {
    return { ...makeFinding(scope, 'provider-state', err.message, undefined, `${action}-${err.httpStatus ?? 'no-answer'}`), curl: err.curl };
  }
  return makeFinding(scope, 'provider-state', `provider-state ${action} failed: ${err instanceof Error ? err.message : String(err)}`, undefined, action);
}

/** What a {@link StepRunner} works with: the row, the run, the dialect, the case's ids and where findings go. */
interface StepContext {
  readonly row: CaseRow;
  readonly run: RunContext;
  readonly dialect: Dialect;
  readonly dctx: DialectContext;
  readonly ids: IdMap;
  readonly seeds: readonly InstanceSeed[];
  readonly scope: FindingScope;
  /** The row's assertion plan: every finding takes its rule and source from the assertion it breaks. */
  readonly plan: readonly Assertion[];
  readonly findings: Finding[];
  /** True once the case is over (timed out): a step in flight stops at its next turn. */
  readonly isCaseOver: () => boolean;
  readonly pacerWait: PacerWait;
}

/** Runs the steps of one case, keeping the book of what each seeded instance must read. */
class StepRunner {
  private readonly book: StateBook;
  private readonly statusForCode: (code: string) => readonly number[] | undefined;
  private readonly session: TargetSession;

  constructor(private readonly c: StepContext) {
    this.book = newStateBook(c.seeds);
    this.statusForCode = statusForCodeOf(c.row.dialect);
    this.session = new TargetSession({
      dialect: c.dialect,
      dctx: c.dctx,
      pacer: c.run.pacer,
      pacerWait: c.pacerWait,
      ...(c.run.breaker ? { breaker: c.run.breaker } : {}),
    });
  }

  /** Every exchange of the case's steps, in the order sent. */
  get exchanges(): readonly Exchange[] {
    return this.session.exchanges;
  }

  private toCall(step: CallStep | BurstStep, n?: number): OperationCall {
    return callOf(step, this.c.ids, n);
  }

  /** Returns false when the case cannot go on (no answer from the target, or the case is over). */
  async call(step: CallStep, n: number): Promise<boolean> {
    const call = this.toCall(step);
    const ex = await this.session.send(call);
    const found = runCallChecks({
      scope: this.c.scope,
      exchange: ex,
      expect: step.expect,
      idOf: (key) => this.c.ids.key(key),
      statusForCode: this.statusForCode,
    });
    this.c.findings.push(...bindFindings(this.c.plan, found, n));
    if (!ex.response) return false;
    const stoppedByCall = applyCallAnswer(this.book, step, ex, this.c.dialect);
    await this.checkStates(ex.request, 'state-immediate', stoppedByCall, n);
    return !this.c.isCaseOver();
  }

  /**
   * Immediate state check of the whole book (the instances the step stops, then the others, each judged against its
   * own assertion), then the eventual check for `stoppedByStep` aliases that passed it.
   */
  private async checkStates(blame: WireRequest, check: 'state-immediate' | 'burst-state', stoppedByStep: readonly string[], n: number): Promise<void> {
    const { scope, ids, findings, plan } = this.c;
    const expected = expectedStates(this.book, ids);
    if (expected.length === 0) return;
    const read = await this.session.read(expected.map((e) => e.id));
    const immediate = immediateStateFindings({ plan, scope, check, expected, read, blame, stoppedByStep, step: n });
    noteFindings(immediate, n);
    findings.push(...immediate);
    if (read.problem || this.c.isCaseOver()) return;
    const { stopped } = this.c.dialect.lifecycle;
    const candidates = eventualCandidates(this.book, stoppedByStep, ids, read);
    const eventual = await this.session.eventually({
      scope,
      expected: candidates,
      stoppedWord: stopped,
      timeoutMs: this.c.run.pollTimeoutMs ?? DEFAULT_POLL_TIMEOUT_MS,
      blame,
    });
    findings.push(...bindFindings(plan, eventual, n));
    if (eventual.length === 0) for (const cand of candidates) this.book.set(cand.alias, [stopped]);
  }

  async burst(step: BurstStep, n: number): Promise<boolean> {
    const calls = Array.from({ length: step.count }, (_, n) => this.toCall(step, n));
    const first = calls[0];
    if (first === undefined) return true;
    const { answers, spanMs } = await this.session.burst(calls, isPacedCall(this.c.dialect, first));
    this.c.findings.push(...bindFindings(this.c.plan, burstChecks(this.c.dialect, this.c.scope, step, answers, spanMs), n));
    if (answers.every((a) => !a.response)) return false;
    applyBurstAnswers(this.book, step, answers, this.c.dialect);
    await this.checkStates(burstBlame(answers) as WireRequest, 'burst-state', [], n);
    return !this.c.isCaseOver();
  }
}

/**
 * {@link bindToPlan}, each finding also noted with its step in the case's exchange log (`vmconform repro --exec` shows
 * which assertion of which step it breaks).
 */
function bindFindings(plan: readonly Assertion[], found: readonly Finding[], step: number | undefined, subject?: StateSubject): Finding[] {
  const bound = bindToPlan(plan, found, step, subject);
  noteFindings(bound, step);
  return bound;
}

function noteFindings(found: readonly Finding[], step: number | undefined): void {
  if (found.length > 0) currentExchangeLog()?.noteFindings(found, step);
}
