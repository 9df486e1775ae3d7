/**
 * One fuzzing session against a target: it seeds instances through the provider-state endpoint under fresh ids,
 * sends generated StopInstances requests, judges every answer by the model's legal outcomes and the engine's
 * envelope checks, reads the instances' states after each step and judges them too, and tears everything down.
 * Findings have the one shape of every finding; every exchange is kept for curl lines and reports.
 */
import type { StatusRead } from '../dialects/client.ts';
import { defaultWire } from '../dialects/description.ts';
import type { Dialect, DialectContext, Exchange, OperationCall, WireRequest } from '../dialects/types.ts';
import { describeAnswer, makeFinding, runCallChecks, STEP_CHECKS, type FindingScope, type InstanceStateExpectation } from '../engine/checks.ts';
import { setupInstances, teardownInstances } from '../engine/provider-states.ts';
import { TargetSession } from '../engine/target-session.ts';
import { statusForCodeOf } from '../engine/spec-status.ts';
import type { Finding, Pacer } from '../engine/types.ts';
import { TargetError } from '../errors.ts';
import type { IdPick, SeedSpec, StopTemplate } from './generate.ts';
import { describeWorld, expectedFormat, legalWorlds, throttledWorld, worldMatches, type DialectModel, type ModelInstance, type World } from './model.ts';

/** Where a session sends its requests. */
export interface FuzzTarget {
  readonly dialect: Dialect;
  readonly dctx: DialectContext;
  readonly statesUrl: string;
  readonly pacer: Pacer;
  /** How long a stopped instance may take to read the stopped word. */
  readonly pollTimeoutMs: number;
}

/** Thrown by a session step that found something about the target: fast-check records the run as failing and shrinks it. */
export class FuzzFailure extends TargetError {
  override readonly name = 'FuzzFailure';
  constructor(readonly findings: readonly Finding[]) {
    super(findings.map((f) => `[${f.check}] ${f.message}`).join('\n'));
  }
}

let sessions = 0;

/** The window the dialect's documented rate limit counts in (a burst's span is judged against it), if it has one. */
function windowOf(dialect: Dialect): { windowMs?: number } {
  return dialect.rateLimit === undefined ? {} : { windowMs: dialect.rateLimit.windowMs };
}

/** One success outcome stopping what every given success outcome stops (the requests of a burst). */
function mergeStops(worlds: readonly World[]): World {
  const stops = new Set(worlds.flatMap((w) => (w.kind === 'success' ? [...w.stops] : [])));
  return { kind: 'success', stops, why: 'the served requests of the burst' };
}

/** A fuzzing session: one generated case (a pool, requests, reads) against one target. */
export class FuzzSession {
  readonly findings: Finding[] = [];
  /** Sends, bursts and reads (the engine's session, without a breaker). */
  private readonly session: TargetSession;
  /** Concrete ids of the pool, by pool index. */
  private readonly pool: string[] = [];
  private readonly store = new Map<string, ModelInstance>();
  private readonly token = `${Date.now().toString(36)}.${++sessions}`;
  private readonly statusForCode;

  constructor(
    private readonly target: FuzzTarget,
    private readonly model: DialectModel,
    private readonly scope: FindingScope,
  ) {
    this.statusForCode = statusForCodeOf(model.dialect);
    this.session = new TargetSession({ dialect: target.dialect, dctx: target.dctx, pacer: target.pacer });
  }

  /** Every exchange of the session, in the order sent. */
  get exchanges(): readonly Exchange[] {
    return this.session.exchanges;
  }

  /** The dialect's running word (to seed stoppable instances). */
  get runningWord(): string {
    return this.model.words.running;
  }

  /** The concrete id of a pick. */
  idOf(pick: IdPick): string {
    if ('seeded' in pick) return this.pool[pick.seeded % Math.max(1, this.pool.length)] ?? this.target.dialect.instanceId(`fuzz.${this.token}.missing`);
    if ('unknown' in pick) return this.target.dialect.instanceId(`fuzz.${this.token}.unknown.${pick.unknown}`);
    return pick.malformed;
  }

  /** Seed more instances (provider-state setup). */
  async seed(specs: readonly SeedSpec[]): Promise<void> {
    if (specs.length === 0) return;
    const seeds = specs.map((s, i) => ({ id: this.target.dialect.instanceId(`fuzz.${this.token}.${this.pool.length + i}`), ...s }));
    // DESIGN.md §4: a target may name the ids it created; the case then uses those.
    const assigned = await setupInstances(this.target.statesUrl, seeds, this.target.dctx.timeoutMs);
    for (const s of seeds) {
      const id = assigned.get(s.id) ?? s.id;
      this.pool.push(id);
      this.store.set(id, { words: [s.status], securityLocked: s.securityLocked });
    }
  }

  /** The call a template stands for. */
  callOf(t: StopTemplate): OperationCall {
    // An index below the default style's first (`InstanceId.0` to a 1-based list).
    const wrongIndex = t.wrongIndex === undefined ? [] : [[`${defaultWire(this.target.dialect).ids.name}.0`, this.idOf(t.wrongIndex)] as const];
    return {
      operation: 'StopInstances',
      ...(t.ids === undefined ? {} : { instanceIds: t.ids.map((p) => this.idOf(p)) }),
      params: t.params,
      ...(t.region === null ? { region: null } : {}),
      ...(t.style ? { style: t.style } : {}),
      ...(t.action !== undefined ? { action: t.action } : {}),
      ...(t.rawBody !== undefined ? { rawBody: t.rawBody } : {}),
      ...(wrongIndex.length > 0 ? { extraQuery: wrongIndex } : {}),
    };
  }

  private read(ids: readonly string[]): Promise<StatusRead> {
    return this.session.read(ids);
  }

  /** Whether an answer is one of the outcomes a world allows. */
  private matches(world: World, ex: Exchange): boolean {
    return worldMatches(this.model, this.statusForCode, world, ex);
  }

  private fail(found: Finding[]): void {
    this.findings.push(...found);
    if (found.length > 0) throw new FuzzFailure(found);
  }

  /** The last StopInstances template sent (follow-ups derive theirs from it). */
  private lastStop: StopTemplate | undefined;

  /**
   * A follow-up of the last stop, derived from what the model knows now (how fuzzers mutate earlier requests):
   * - `siblings`: stop every running seeded instance the last stop did not name (a valid request);
   * - `dry-run-again`: the last stop's running instances again, as a dry run (dialects with a dry run);
   * - `repeat`: the last stop as it was.
   */
  async followUp(kind: 'siblings' | 'dry-run-again' | 'repeat'): Promise<void> {
    const last = this.lastStop;
    if (last === undefined) return;
    const named = new Set((last.ids ?? []).map((p) => this.idOf(p)));
    const running = this.pool.flatMap((id, i) => ((this.store.get(id)?.words ?? []).every((w) => this.model.stoppable.includes(w)) && !this.store.get(id)?.securityLocked ? [{ id, i }] : []));
    if (kind === 'repeat') return this.stop(last);
    if (kind === 'siblings') {
      const ids = running.filter((r) => !named.has(r.id)).map((r): IdPick => ({ seeded: r.i }));
      return ids.length === 0 ? undefined : this.stop({ ids, params: {} });
    }
    const dry = this.model.spec.dryRun;
    const ids = running.filter((r) => named.has(r.id)).map((r): IdPick => ({ seeded: r.i }));
    if (!dry || ids.length === 0) return undefined;
    return this.stop({ ids, params: { [dry.param]: true } });
  }

  /** Send one generated StopInstances request and judge the answer and the states after it. */
  async stop(t: StopTemplate): Promise<void> {
    this.lastStop = t;
    const call = this.callOf(t);
    const worlds = legalWorlds(this.model, this.store, call);
    const throttled = throttledWorld(this.model);
    if (throttled && call.action === undefined) worlds.push(throttled);
    const ex = await this.session.send(call);
    const format = expectedFormat(call, ex);
    const envelope = runCallChecks({ scope: this.scope, exchange: ex, expect: { result: 'not-5xx', ...(format ? { format } : {}) }, idOf: (k) => k, statusForCode: this.statusForCode });
    if (!ex.response) return this.fail(envelope);
    const matched = worlds.filter((w) => this.matches(w, ex));
    const found = [...envelope];
    if (matched.length === 0) {
      found.push(
        makeFinding(
          this.scope,
          'legal-outcome',
          `expected ${worlds.map(describeWorld).join(', or ')}; received ${describeAnswer(ex)}`,
          ex.request,
        ),
      );
    }
    const reads = await this.checkStates(ex.request, matched.length === 0 ? worlds.filter((w) => w.kind === 'error') : matched);
    found.push(...reads);
    this.fail(found);
  }

  /**
   * Read every seeded instance and judge it against the outcomes that matched: the ids an accepted stop stops read the
   * stopping or stopped word, every other instance keeps what it read before. The model moves on with what was read.
   */
  private async checkStates(blame: WireRequest, matched: readonly World[]): Promise<Finding[]> {
    const ids = [...this.store.keys()];
    if (ids.length === 0) return [];
    const { stopping, stopped } = this.model.words;
    const successes = matched.filter((w): w is Extract<World, { kind: 'success' }> => w.kind === 'success');
    const stops = new Set(successes.flatMap((w) => [...w.stops]));
    // An id every matching outcome stops must read stopping or stopped; one only some stop may also keep its word.
    const always = (id: string): boolean => successes.length === matched.length && successes.every((w) => w.stops.has(id));
    const expected: InstanceStateExpectation[] = ids.map((id, i) => {
      const now = (this.store.get(id) as ModelInstance).words;
      const accept = !stops.has(id) ? now : always(id) ? [stopping, stopped] : [...new Set([...now, stopping, stopped])];
      return { alias: `p${i}`, id, accept };
    });
    const read = await this.read(ids);
    const found = STEP_CHECKS['state-immediate']({ scope: this.scope, expected, read, blame });
    if (!read.problem) {
      for (const id of stops) {
        const got = read.statuses.get(id);
        const inst = this.store.get(id);
        if (inst && (got === stopping || got === stopped)) this.store.set(id, { ...inst, words: [stopping, stopped] });
      }
    }
    return found;
  }

  /** Read every seeded instance and judge it against the model (nothing changed since the last step). */
  async readAll(): Promise<void> {
    const ids = [...this.store.keys()];
    if (ids.length === 0) return;
    const expected = ids.map((id, i) => ({ alias: `p${i}`, id, accept: (this.store.get(id) as ModelInstance).words }));
    const read = await this.read(ids);
    this.fail(STEP_CHECKS['state-immediate']({ scope: this.scope, expected, read, blame: read.exchanges.at(-1)?.request }));
  }

  /**
   * A burst: one StopInstances per template sent at once, unpaced (the pacer held exclusively around it). Each answer
   * is judged by the model like any other; a burst of at most `burst.served` must be served in full, one of at least
   * `burst.refused` must see the rate-limit code (DESIGN.md §3); refused requests change nothing.
   */
  async burst(templates: readonly StopTemplate[]): Promise<void> {
    const calls = templates.map((t) => this.callOf(t));
    const worlds = calls.map((c) => legalWorlds(this.model, this.store, c));
    const throttled = throttledWorld(this.model);
    const { answers, spanMs } = await this.session.burst(calls, true);
    const found: Finding[] = [];
    const matched: World[] = [];
    answers.forEach((ex, i) => {
      found.push(...runCallChecks({ scope: this.scope, exchange: ex, expect: { result: 'not-5xx' }, idOf: (k) => k, statusForCode: this.statusForCode }));
      const allowed = [...(worlds[i] ?? []), ...(throttled ? [throttled] : [])];
      const hit = allowed.filter((w) => this.matches(w, ex));
      if (hit.length === 0 && ex.response) {
        found.push(makeFinding(this.scope, 'legal-outcome', `expected ${allowed.map(describeWorld).join(', or ')}; received ${describeAnswer(ex)}`, ex.request));
      }
      // Each request of the burst names its own instances: what it may do is what its own answer says.
      matched.push(...(hit.some((w) => w.kind === 'success') ? hit.filter((w) => w.kind === 'success') : []));
    });
    const burst = this.model.spec.burst;
    const code = throttled?.kind === 'error' && throttled.codes !== 'any' ? (throttled.codes[0] ?? '') : '';
    if (burst && answers.length <= burst.served) found.push(...STEP_CHECKS['burst-all-served']({ scope: this.scope, answers }));
    if (burst && answers.length >= burst.refused) found.push(...STEP_CHECKS['burst-some-refused']({ scope: this.scope, answers, code, spanMs, ...windowOf(this.target.dialect) }));
    found.push(...(await this.checkStates(answers[0]?.request ?? ({ method: 'POST', url: '', headers: {} } as WireRequest), matched.length > 0 ? [mergeStops(matched)] : [])));
    this.fail(found);
  }

  /** Every instance a stop was accepted for reads the stopped word within the poll bound. */
  async eventuallyStopped(): Promise<void> {
    const { stopping } = this.model.words;
    const pending = [...this.store].filter(([, inst]) => inst.words.includes(stopping)).map(([id]) => ({ alias: `p${this.pool.indexOf(id)}`, id }));
    this.fail(
      await this.session.eventually({
        scope: this.scope,
        expected: pending,
        stoppedWord: this.model.words.stopped,
        timeoutMs: this.target.pollTimeoutMs,
        blame: this.exchanges.find((e) => e.call.operation === 'StopInstances')?.request,
      }),
    );
  }

  /** Remove every seeded instance (provider-state teardown); never throws. */
  async teardown(): Promise<void> {
    if (this.pool.length === 0) return;
    try {
      await teardownInstances(this.target.statesUrl, this.pool, this.target.dctx.timeoutMs);
    } catch {
      // The run's verdict does not depend on it; a target that refuses teardowns shows it in the preflight.
    }
  }
}
