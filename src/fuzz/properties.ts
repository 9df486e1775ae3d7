/**
 * The fuzzer's properties, one results row each (`fuzz.<property>`): generated requests and stateful sequences run
 * against a target with fast-check, every answer judged by the dialect's model (`model.ts`) and the engine's envelope
 * and state checks. A failure is shrunk to its smallest case and reported with the findings, the requests and the
 * command line that replays it (`vmconform fuzz ... --seed S --path P --property X`), all taken from the failing
 * execution itself. Only the target's faults are findings: a fault of vmconform (an exception in its code, fast-check
 * reporting a failure no case raised) is a {@link FuzzEngineError}, and a time budget that ends a property early says
 * so ("not run" or "incomplete") instead of failing it.
 */
import fc from 'fast-check';
import type { DialectName } from '../dialects/types.ts';
import { shellQuote, toCurl } from '../dialects/curl.ts';
import { makeFinding, type FindingScope } from '../engine/checks.ts';
import { DEFAULT_POLL_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from '../engine/defaults.ts';
import { defaultStatesUrl, ProviderStateCallError } from '../engine/provider-states.ts';
import { ExchangeLog } from '../engine/exchange-log.ts';
import type { CaseResult, Finding, RecordedExchange } from '../engine/types.ts';
import type { Level } from '../cases/types.ts';
import { TargetError, UsageError, VmconformError } from '../errors.ts';
import { boundaryCase, dialectArbitraries, type RequestCase, type SeedSpec, type StopTemplate } from './generate.ts';
import { dialectModel, fuzzPropertiesOf } from './model.ts';
import { FuzzFailure, FuzzSession, type FuzzTarget } from './session.ts';

import { FUZZ_PROPERTIES, type FuzzPropertyName } from './names.ts';
import { NOT_RUN_INTERRUPTED } from '../engine/suite-config.ts';

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export { FUZZ_PROPERTIES, type FuzzPropertyName };

/** The skip reason of a property the time budget left no time for. */
export const NOT_RUN_NO_TIME = 'not run: the time budget left no time for this property';

/** Options of {@link runFuzz}. */
export interface FuzzOptions {
  readonly target: FuzzTarget;
  /** Generated cases in all (each a request or a sequence), split over the properties. */
  readonly runs: number;
  /** fast-check seed (default: a random one); with `path`, replays one failure. */
  readonly seed?: number;
  /** fast-check path of a failure to replay (needs `seed` and exactly one property in `only`): that one case runs. */
  readonly path?: string;
  /** Only these properties (each must be one the dialect has, else a {@link UsageError}). */
  readonly only?: readonly FuzzPropertyName[];
  /**
   * The time budget: a property starts new cases only within its share of what is left (a case that started always
   * finishes and tears down); a property reached after the budget is spent is not run. Each is reported as such.
   */
  readonly timeBudgetMs?: number;
  /**
   * How many generated cases of a property run at once (default 1). The runs are split into consecutive slices of
   * the one sequence the seed generates, so the same cases run whatever the concurrency, and a failure's path
   * replays with the same seed.
   */
  readonly concurrency?: number;
  /** Options a replay line must repeat besides the target's own (e.g. `--allow-remote`, `--ca FILE`), as words. */
  readonly replayFlags?: readonly string[];
  /**
   * Ctrl-C: once aborted, no new case sends a request (the running ones finish and tear down), the property running
   * is reported `skipped` unless it already failed, and the properties not started are `skipped`.
   */
  readonly signal?: AbortSignal;
}

/** How far one property got: its planned cases, those that ran, and what ended it. */
export interface PropertyRun {
  readonly id: string;
  readonly planned: number;
  readonly ran: number;
  /**
   * `complete` every planned case ran; `failed` a case failed (generation stops there); `time` the time budget ended
   * it after `ran` cases; `not-run` the budget left no time; `interrupted` Ctrl-C.
   */
  readonly ending: 'complete' | 'failed' | 'time' | 'not-run' | 'interrupted';
}

/** What {@link runFuzz} returns: a result row per property, and how it went. */
export interface FuzzReport {
  readonly seed: number;
  readonly results: readonly CaseResult[];
  /** How far each property got, in the order of `results`. */
  readonly properties: readonly PropertyRun[];
  /** Requests sent to the API (calls and status reads) and the wall time, for requests per second. */
  readonly requests: number;
  readonly durationMs: number;
}

/**
 * vmconform itself failed while fuzzing (an exception in its own code, fast-check reporting what no case raised):
 * never a finding about the target. The command exits 3 with the internal-error log.
 */
export class FuzzEngineError extends VmconformError {
  override readonly name: string = 'FuzzEngineError';
  constructor(message: string, cause?: unknown) {
    super(cause === undefined ? message : `${message}: ${errorText(cause)}`, cause === undefined ? undefined : { cause });
    if (cause instanceof Error && cause.stack) this.stack = `${this.stack ?? this.message}\ncaused by: ${cause.stack}`;
  }
}

/**
 * A step of a sequence: seed, stop, follow-up or read. Sequences are plain arrays of steps run in order (not
 * fast-check's `commands`, whose shrinking depends on which commands ran and so cannot be replayed from a seed and a
 * path alone): an array shrinks and replays like any other value.
 */
interface SequenceStep {
  run(s: FuzzSession): Promise<void>;
  toString(): string;
}

class SeedStep implements SequenceStep {
  constructor(readonly specs: readonly SeedSpec[]) {}
  run(s: FuzzSession): Promise<void> {
    return s.seed(this.specs);
  }
  toString(): string {
    return `seed(${this.specs.map((x) => `${x.status}${x.securityLocked ? '/locked' : ''}`).join(', ')})`;
  }
}

class StopStep implements SequenceStep {
  constructor(readonly template: StopTemplate) {}
  run(s: FuzzSession): Promise<void> {
    return s.stop(this.template);
  }
  toString(): string {
    return `stop(${JSON.stringify(this.template)})`;
  }
}

class FollowUpStep implements SequenceStep {
  constructor(readonly kind: 'siblings' | 'dry-run-again' | 'repeat') {}
  run(s: FuzzSession): Promise<void> {
    return s.followUp(this.kind);
  }
  toString(): string {
    return `followUp(${this.kind})`;
  }
}

class ReadStep implements SequenceStep {
  run(s: FuzzSession): Promise<void> {
    return s.readAll();
  }
  toString(): string {
    return 'read()';
  }
}

interface PropertySpec<C> {
  readonly name: FuzzPropertyName;
  readonly level: Level;
  readonly title: string;
  readonly docRef: string;
  /** The inventory rule its findings name (the pin its docRef quotes). */
  readonly rule: string;
  /** Share of the runs. */
  readonly share: number;
  readonly arbitrary: (dialect: DialectName) => fc.Arbitrary<C>;
  readonly run: (session: FuzzSession, c: C) => Promise<void>;
  readonly describe: (c: C) => string;
}

/** A property with its case type erased (the list holds properties of several case types). */
interface AnyProperty extends Omit<PropertySpec<unknown>, 'arbitrary' | 'run' | 'describe'> {
  readonly arbitrary: (dialect: DialectName) => fc.Arbitrary<unknown>;
  readonly run: (session: FuzzSession, c: unknown) => Promise<void>;
  readonly describe: (c: unknown) => string;
}

function define<C>(spec: PropertySpec<C>): AnyProperty {
  return { ...spec, arbitrary: spec.arbitrary, run: (s, c) => spec.run(s, c as C), describe: (c) => spec.describe(c as C) };
}

const requestCase = (dialect: DialectName, undocumented: boolean): fc.Arbitrary<RequestCase> => {
  const a = dialectArbitraries(dialect);
  return a.pool.chain((pool) => (undocumented ? a.undocumented(pool.length) : a.stop(pool.length)).map((stop) => ({ pool, stop })));
};

const runRequest = async (s: FuzzSession, c: RequestCase): Promise<void> => {
  await s.seed(c.pool);
  await s.stop(c.stop);
};

const describeRequest = (c: RequestCase): string =>
  `seed ${c.pool.length} instance(s) (${[...new Set(c.pool.map((p) => p.status))].join(', ')}), then stop(${JSON.stringify(c.stop)})`;

const PROPERTIES: readonly AnyProperty[] = [
  define<RequestCase>({
    name: 'requests',
    level: 'MUST',
    title: 'Generated StopInstances requests (valid and invalid values, unknown, malformed and wrong-state ids, missing lists and regions) get an outcome the documents allow, in the envelope, and a refused one changes nothing',
    docRef: 'DESIGN.md §3 Several problems in one request: the case accepts any of the documented codes that apply.; DESIGN.md §3 A request that fails changes nothing',
    rule: 'resolution:several-problems-any-code',
    share: 0.4,
    arbitrary: (d) => requestCase(d, false),
    run: runRequest,
    describe: describeRequest,
  }),
  define<RequestCase>({
    name: 'requests-boundary',
    level: 'MUST',
    title: 'Batches of 0, 1, 99, 100 and 101 ids, with and without one bad id: the 100-id limit, all or nothing',
    docRef: 'DESIGN.md §3 A request that fails changes nothing, in every dialect',
    rule: 'resolution:failed-request-changes-nothing',
    share: 0.1,
    arbitrary: (d) => boundaryCase(d),
    run: runRequest,
    describe: describeRequest,
  }),
  define<RequestCase>({
    name: 'requests-undocumented',
    level: 'SHOULD',
    title: 'Requests no document describes (bad JSON, unknown parameters, wrong index bases, unknown actions, repeated ids, the other wire styles) are answered without a 5xx, in the envelope, and a refused one changes nothing',
    docRef: 'DESIGN.md §3 Where the documents name no error code ... a client error ..., never a 5xx, and no instance changed state.',
    rule: 'resolution:undocumented-error-client-error',
    share: 0.2,
    arbitrary: (d) => requestCase(d, true),
    run: runRequest,
    describe: describeRequest,
  }),
  define<readonly SequenceStep[]>({
    name: 'sequences',
    level: 'MUST',
    title: 'Random sequences of seeds, stops, follow-ups of the last stop (its siblings, it again as a dry run, it again) and reads: every step judged against the model, the states included',
    docRef: 'DESIGN.md §3 A seeded instance keeps its status until an API call changes it.',
    rule: 'resolution:seeded-status-persists',
    share: 0.3,
    arbitrary: (d) => {
      const a = dialectArbitraries(d);
      const stop = a.stop(6).map((t): SequenceStep => new StopStep(t));
      // Unbiased, as fast-check generates commands: a bias towards small values would keep sequences samey.
      return fc.noBias(fc.array(
        fc.oneof(
          fc.array(a.seed, { minLength: 1, maxLength: 4 }).map((specs): SequenceStep => new SeedStep(specs)),
          stop,
          stop,
          fc.constantFrom<'siblings' | 'dry-run-again' | 'repeat'>('siblings', 'dry-run-again', 'repeat').map((k): SequenceStep => new FollowUpStep(k)),
          fc.constant<SequenceStep>(new ReadStep()),
        ),
        { maxLength: 10 },
      ));
    },
    run: async (s, steps: readonly SequenceStep[]) => {
      for (const step of steps) await step.run(s);
    },
    describe: (steps: readonly SequenceStep[]) => (steps.length === 0 ? '(no step)' : steps.map(String).join(' -> ')),
  }),
  define<RequestCase>({
    name: 'eventually-stopped',
    level: 'MUST',
    title: 'Instances an accepted stop stopped read the stopped word within the poll bound',
    docRef: 'DESIGN.md §3 After an accepted stop, the instance reads STOPPING or STOPPED at once and STOPPED within a bounded time.',
    rule: 'resolution:accepted-stop-reads-stopping',
    share: 0,
    arbitrary: (d) => fc.integer({ min: 1, max: 3 }).map((n): RequestCase => {
      const running: SeedSpec = { status: dialectModel(d).words.running, securityLocked: false };
      return { pool: Array.from({ length: n }, () => running), stop: { ids: Array.from({ length: n }, (_, i) => ({ seeded: i })), params: {} } };
    }),
    run: async (s, c: RequestCase) => {
      await runRequest(s, c);
      await s.eventuallyStopped();
    },
    describe: describeRequest,
  }),
  define<number>({
    name: 'rate-limit',
    level: 'SHOULD',
    title: 'Bursts of 1 to 30 StopInstances at once: up to the documented rate all served, from the documented burst some refused with the rate-limit code, refused requests stop nothing',
    docRef: 'DESIGN.md §3 api3 rate limit: 10 requests within a second must be served; a burst of 25 must see `RequestLimitExceeded`; refused requests change nothing.',
    rule: 'limit:rate-per-second',
    share: 0,
    // The documented edges (10 served, 25 refused) often, any size from 1 to 30 otherwise.
    arbitrary: () => fc.oneof({ weight: 2, arbitrary: fc.constantFrom(10, 25, 30) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 30 }) }),
    run: async (s, n: number) => {
      await s.seed(Array.from({ length: n }, () => ({ status: s.runningWord, securityLocked: false })));
      await s.burst(Array.from({ length: n }, (_, i) => ({ ids: [{ seeded: i }], params: {} })));
    },
    describe: (n: number) => `a burst of ${n} StopInstances, one instance each`,
  }),
];

/** Share of the time budget a property gets among those still to run (the fixed-run ones get a tenth each). */
function budgetWeight(p: AnyProperty): number {
  return p.share > 0 ? p.share : 0.1;
}

/** The runs each property gets out of `runs`, split over the chosen properties by their shares. */
export function runsPerProperty(runs: number, name: FuzzPropertyName, chosen: readonly FuzzPropertyName[] = FUZZ_PROPERTIES): number {
  if (name === 'eventually-stopped') return Math.min(3, Math.max(1, Math.floor(runs / 50)));
  // Each burst waits for the rate window to clear: a few runs, always the edges (10 and 25) among them by size.
  if (name === 'rate-limit') return Math.min(6, Math.max(2, Math.floor(runs / 40)));
  const spec = PROPERTIES.find((p) => p.name === name);
  const total = PROPERTIES.filter((p) => chosen.includes(p.name)).reduce((n, p) => n + p.share, 0);
  return Math.max(1, Math.round((runs * (spec?.share ?? 0)) / (total > 0 ? total : 1)));
}

function scopeOf(dialect: DialectName, p: AnyProperty): FindingScope {
  return { caseId: `fuzz.${p.name}`, dialect, level: p.level, docRef: p.docRef, rule: p.rule, source: p.docRef };
}

/**
 * The command line that replays a case of a property against the same target: the target, and the options that
 * change what is sent or judged where they differ from the defaults (states URL, region, timeouts), plus `flags`.
 *
 * @example
 * replayLine(target, [], 3, '12:0:1', 'sequences') // 'vmconform fuzz --dialect aliyun-ecs --target http://127.0.0.1:8084 --seed 3 --path 12:0:1 --property sequences'
 */
export function replayLine(target: FuzzTarget, flags: readonly string[], seed: number, path: string, property: FuzzPropertyName): string {
  const { dctx, statesUrl, pollTimeoutMs } = target;
  const words = ['vmconform', 'fuzz', '--dialect', target.dialect.name, '--target', dctx.baseUrl];
  if (statesUrl !== defaultStatesUrl(dctx.baseUrl)) words.push('--states-url', statesUrl);
  if (dctx.region !== undefined) words.push('--region', dctx.region);
  if (pollTimeoutMs !== DEFAULT_POLL_TIMEOUT_MS) words.push('--poll-timeout', String(pollTimeoutMs));
  if (dctx.timeoutMs !== undefined && dctx.timeoutMs !== DEFAULT_REQUEST_TIMEOUT_MS) words.push('--request-timeout', String(dctx.timeoutMs));
  words.push(...flags, seed < 0 ? `--seed=${seed}` : '--seed', ...(seed < 0 ? [] : [String(seed)]), '--path', path, '--property', property);
  return words.map(shellQuote).join(' ');
}

/** Thrown into fast-check to end a property's generation early (fast-check has no abort): never a finding. */
class FuzzStop extends Error {
  override readonly name = 'FuzzStop';
}

/** Why a worker stopped starting cases (or, after a failure, shrinking it). */
type StopReason = 'time' | 'interrupted' | 'superseded' | 'replayed' | 'internal';

/** One slice of a property's runs, checked by its own fast-check run. */
interface Worker {
  readonly index: number;
  /** The slice's first case in the seed's sequence, and its length. */
  readonly offset: number;
  readonly runs: number;
  ran: number;
  stop?: StopReason;
  /** The last failing execution (fast-check's counterexample is the last value that failed). */
  failure?: { readonly session: FuzzSession; readonly error: TargetError };
  details?: fc.RunDetails<[unknown]>;
}

/** What one property shares between its workers and with the run. */
interface PropertyContext {
  readonly options: FuzzOptions;
  readonly seed: number;
  readonly p: AnyProperty;
  readonly planned: number;
  /** New cases start before this moment (performance.now()), shrinking goes on until `shrinkUntil`. */
  readonly newCasesUntil: number;
  readonly shrinkUntil: number;
  readonly counter: { requests: number };
}

/** Split `runs` into at most `concurrency` consecutive slices. */
function slices(runs: number, concurrency: number): { offset: number; runs: number }[] {
  const n = Math.max(1, Math.min(concurrency, runs));
  const out: { offset: number; runs: number }[] = [];
  let offset = 0;
  for (let i = 0; i < n; i++) {
    const size = Math.floor(runs / n) + (i < runs % n ? 1 : 0);
    out.push({ offset, runs: size });
    offset += size;
  }
  return out;
}

/** Run one property (its slices at once) and judge how it went. */
async function runProperty(ctx: PropertyContext): Promise<{ result: CaseResult; run: PropertyRun }> {
  const { options, p, seed } = ctx;
  const t0 = performance.now();
  const target = options.target;
  const dialect = target.dialect.name;
  const scope = scopeOf(dialect, p);
  const identity = { id: scope.caseId, dialect, level: p.level, title: p.title, docRef: p.docRef, rules: [p.rule] };
  const replaying = options.path !== undefined;
  const signal = options.signal;
  const shared: { internal?: unknown; failedWorker: number } = { failedWorker: Number.POSITIVE_INFINITY };
  const workers: Worker[] = (replaying ? [{ offset: 0, runs: 1 }] : slices(ctx.planned, options.concurrency ?? 1)).map((s, index) => ({ index, ...s, ran: 0 }));

  const check = async (w: Worker): Promise<void> => {
    const property = fc.asyncProperty(p.arbitrary(dialect), async (c: unknown) => {
      if (w.stop !== undefined) return;
      const generating = w.failure === undefined;
      const now = performance.now();
      const why: StopReason | undefined =
        shared.internal !== undefined ? 'internal'
        : signal?.aborted ? 'interrupted'
        : !generating ? (now >= ctx.shrinkUntil ? 'time' : undefined)
        : replaying && w.ran > 0 ? 'replayed'
        : shared.failedWorker < w.index ? 'superseded'
        : now >= ctx.newCasesUntil ? 'time'
        : undefined;
      if (why !== undefined) {
        w.stop = why;
        // While generating, end fast-check's loop; while shrinking, the failure found so far stands.
        if (generating) throw new FuzzStop(why);
        return;
      }
      if (generating) w.ran++;
      const s = new FuzzSession(target, dialectModel(dialect), scope);
      try {
        await p.run(s, c);
      } catch (err: unknown) {
        if (!(err instanceof TargetError)) {
          shared.internal ??= err;
          w.stop = 'internal';
          return;
        }
        w.failure = { session: s, error: err };
        shared.failedWorker = Math.min(shared.failedWorker, w.index);
        throw err;
      } finally {
        await s.teardown();
        ctx.counter.requests += s.exchanges.length;
      }
    });
    try {
      w.details = await fc.check(property, {
        seed,
        numRuns: w.runs,
        ...(replaying ? { path: options.path, endOnFailure: true } : w.offset > 0 ? { path: String(w.offset) } : {}),
      });
    } catch (err: unknown) {
      if (replaying && /^Unable to replay/.test(errorText(err))) {
        throw new UsageError(`--path ${options.path ?? ''} names no generated case of fuzz.${p.name} under --seed ${seed} (a path replays only with the --seed, --property and --dialect it was printed with)`);
      }
      throw new FuzzEngineError(`fast-check failed while checking fuzz.${p.name}`, err);
    }
  };
  await Promise.all(workers.map(check));

  const durationMs = Math.round(performance.now() - t0);
  if (shared.internal !== undefined) throw new FuzzEngineError(`vmconform failed while running a case of fuzz.${p.name} (seed ${seed})`, shared.internal);
  const ran = workers.reduce((n, w) => n + w.ran, 0);
  const run = (ending: PropertyRun['ending']): PropertyRun => ({ id: scope.caseId, planned: ctx.planned, ran, ending });
  const failing = workers.find((w) => w.failure !== undefined);
  if (failing?.failure !== undefined) {
    const details = failing.details;
    if (!details?.failed || details.errorInstance !== failing.failure.error) {
      throw new FuzzEngineError(`fast-check's counterexample of fuzz.${p.name} is not the last failing case (seed ${seed}): ${errorText(details?.errorInstance)}`);
    }
    return { result: failedResult(ctx, identity, scope, failing, failing.failure, details, durationMs), run: run('failed') };
  }
  for (const w of workers) {
    if (w.details?.failed && !(w.details.errorInstance instanceof FuzzStop)) {
      throw new FuzzEngineError(`fast-check reported a failure of fuzz.${p.name} that no case raised (seed ${seed}): ${errorText(w.details.errorInstance)}`);
    }
  }
  if (workers.some((w) => w.stop === 'interrupted')) {
    const message = `${NOT_RUN_INTERRUPTED} after ${ran} of ${ctx.planned} generated case(s), none of which failed`;
    return { result: { ...identity, status: 'skipped', durationMs, message, findings: [] }, run: run('interrupted') };
  }
  if (ran === 0) return { result: { ...identity, status: 'skipped', durationMs, message: NOT_RUN_NO_TIME, findings: [] }, run: run('not-run') };
  if (workers.some((w) => w.stop === 'time')) {
    const message = `incomplete: ran ${ran} of ${ctx.planned} generated case(s) before the time budget ran out; none failed`;
    return { result: { ...identity, status: 'passed', durationMs, message, findings: [] }, run: run('time') };
  }
  return { result: { ...identity, status: 'passed', durationMs, findings: [] }, run: run('complete') };
}

/** The result row of a failed property: the failing execution's findings, the shrunk case, its replay line and curl lines. */
function failedResult(
  ctx: PropertyContext,
  identity: Omit<CaseResult, 'status' | 'durationMs' | 'findings'>,
  scope: FindingScope,
  w: Worker,
  failure: NonNullable<Worker['failure']>,
  details: fc.RunDetails<[unknown]>,
  durationMs: number,
): CaseResult {
  const { session, error } = failure;
  const findings: Finding[] =
    error instanceof FuzzFailure
      ? [...error.findings]
      : [{ ...makeFinding(scope, 'provider-state', error.message), ...(error instanceof ProviderStateCallError ? { curl: error.curl } : {}) }];
  const line = replayLine(ctx.options.target, ctx.options.replayFlags ?? [], ctx.seed, details.counterexamplePath ?? '', ctx.p.name);
  const shrunk = details.counterexample ? ctx.p.describe(details.counterexample[0]) : '(no counterexample)';
  const cut = w.stop === 'time' ? ' (shrinking ended by the time budget)' : w.stop === 'interrupted' ? ' (shrinking ended by the interrupt)' : '';
  findings.push(makeFinding(scope, 'legal-outcome', `shrunk after ${w.offset + details.numRuns} run(s) and ${details.numShrinks} shrink(s)${cut} to: ${shrunk}; replay with: ${line}`));
  const steps = session.exchanges.map((ex, i) => `${i + 1}. ${toCurl(ex.request)}`).join('\n');
  if (steps !== '') findings.push(makeFinding(scope, 'legal-outcome', `the shrunk case as curl lines, in order:\n${steps}`));
  return {
    ...identity,
    status: 'failed',
    durationMs,
    message: findings.map((f) => `[${f.check}] ${f.message}`).join('\n'),
    findings,
    exchanges: recorded(session, ctx.options.target),
  };
}

/** A session's exchanges as the reports keep them. */
function recorded(s: FuzzSession, target: FuzzTarget): readonly RecordedExchange[] {
  const log = new ExchangeLog({ steps: [] }, target.dctx.credentials);
  let at = Date.now();
  s.exchanges.forEach((ex, i) => {
    log.addExchange(i + 1, ex.call.operation === 'StopInstances' ? 'call' : 'status', ex, at);
    at += ex.durationMs;
  });
  return log.entries();
}

/**
 * Run the fuzzer's properties against a target and return a result row per property. Throws {@link UsageError} for a
 * property the dialect does not have or a path without one property, {@link FuzzEngineError} when vmconform failed.
 *
 * @example
 * const report = await runFuzz({ target, runs: 200, seed: 42 });
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const dialect = options.target.dialect.name;
  const available = fuzzPropertiesOf(dialect);
  const missing = (options.only ?? []).filter((n) => !available.includes(n));
  if (missing.length > 0) throw new UsageError(`${dialect} has no fuzz property ${missing.join(', ')} (its properties: ${available.join(', ')})`);
  if (options.path !== undefined && options.only?.length !== 1) throw new UsageError('a path replays one case of one property: give exactly one property with it');
  const chosen = PROPERTIES.filter((p) => available.includes(p.name) && (!options.only || options.only.includes(p.name)));
  // The budget is for sending: it starts once the model is read from the spec (the first read takes a while).
  for (const p of chosen) p.arbitrary(dialect);
  const deadline = options.timeBudgetMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + options.timeBudgetMs;
  const counter = { requests: 0 };
  const results: CaseResult[] = [];
  const properties: PropertyRun[] = [];
  for (const [i, p] of chosen.entries()) {
    const planned = options.path !== undefined ? 1 : runsPerProperty(options.runs, p.name, chosen.map((c) => c.name));
    const identity = { id: `fuzz.${p.name}`, dialect, level: p.level, title: p.title, docRef: p.docRef, rules: [p.rule] };
    const now = performance.now();
    if (options.signal?.aborted || now >= deadline) {
      const interrupted = options.signal?.aborted === true;
      results.push({ ...identity, status: 'skipped', durationMs: 0, message: interrupted ? NOT_RUN_INTERRUPTED : NOT_RUN_NO_TIME, findings: [] });
      properties.push({ id: identity.id, planned, ran: 0, ending: interrupted ? 'interrupted' : 'not-run' });
      continue;
    }
    // This property's share of what is left of the budget, by weight among those still to run.
    const rest = chosen.slice(i).reduce((n, q) => n + budgetWeight(q), 0);
    const newCasesUntil = deadline === Number.POSITIVE_INFINITY ? deadline : now + ((deadline - now) * budgetWeight(p)) / rest;
    const { result, run } = await runProperty({ options, seed, p, planned, newCasesUntil, shrinkUntil: deadline, counter });
    results.push(result);
    properties.push(run);
  }
  return { seed, results, properties, requests: counter.requests, durationMs: Math.round(performance.now() - started) };
}
