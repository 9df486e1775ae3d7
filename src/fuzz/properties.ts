/**
 * The fuzzer's properties, one results row each (`fuzz.<property>`): generated requests and stateful sequences run
 * against a target with fast-check, every answer judged by the dialect's model (`model.ts`) and the engine's envelope
 * and state checks. A failure is shrunk to its smallest case, replayed once to collect its findings and exchanges, and
 * reported with the seed and path that replay it (`vmconform fuzz --seed S --path P`).
 */
import fc from 'fast-check';
import type { DialectName } from '../dialects/types.ts';
import { toCurl } from '../dialects/curl.ts';
import { makeFinding, type FindingScope } from '../engine/checks.ts';
import { ProviderStateCallError } from '../engine/provider-states.ts';
import { ExchangeLog } from '../engine/exchange-log.ts';
import type { CaseResult, Finding, RecordedExchange } from '../engine/types.ts';
import type { Level } from '../cases/types.ts';
import { boundaryCase, dialectArbitraries, type RequestCase, type SeedSpec, type StopTemplate } from './generate.ts';
import { dialectModel } from './model.ts';
import { FuzzFailure, FuzzSession, type FuzzTarget } from './session.ts';

import { FUZZ_PROPERTIES, type FuzzPropertyName } from './names.ts';
import { NOT_RUN_INTERRUPTED } from '../engine/suite-config.ts';

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export { FUZZ_PROPERTIES, type FuzzPropertyName };

/** Options of {@link runFuzz}. */
export interface FuzzOptions {
  readonly target: FuzzTarget;
  /** Generated cases in all (each a request or a sequence), split over the properties. */
  readonly runs: number;
  /** fast-check seed (default: a random one); with `path`, replays one failure. */
  readonly seed?: number;
  /** fast-check path of a failure to replay (needs `seed` and `only`). */
  readonly path?: string;
  /** Only these properties. */
  readonly only?: readonly FuzzPropertyName[];
  /** Stop generating after this long (each property gets its share); the cases run so far still count. */
  readonly timeBudgetMs?: number;
  /**
   * Ctrl-C: once aborted, no new case sends a request (the one running finishes and tears down), the property running
   * is reported `skipped` unless it already failed, and the properties not started are `skipped`.
   */
  readonly signal?: AbortSignal;
}

/** What {@link runFuzz} returns: a result row per property, and how it went. */
export interface FuzzReport {
  readonly seed: number;
  readonly results: readonly CaseResult[];
  /** Requests sent (status reads and provider states included) and the wall time, for requests per second. */
  readonly requests: number;
  readonly durationMs: number;
}

/** A sequence command: seed, stop or read. */
type Command = fc.AsyncCommand<object, FuzzSession, false>;

class SeedCommand implements Command {
  constructor(readonly specs: readonly SeedSpec[]) {}
  check(): boolean {
    return true;
  }
  run(_m: object, s: FuzzSession): Promise<void> {
    return s.seed(this.specs);
  }
  toString(): string {
    return `seed(${this.specs.map((x) => `${x.status}${x.securityLocked ? '/locked' : ''}`).join(', ')})`;
  }
}

class StopCommand implements Command {
  constructor(readonly template: StopTemplate) {}
  check(): boolean {
    return true;
  }
  run(_m: object, s: FuzzSession): Promise<void> {
    return s.stop(this.template);
  }
  toString(): string {
    return `stop(${JSON.stringify(this.template)})`;
  }
}

class FollowUpCommand implements Command {
  constructor(readonly kind: 'siblings' | 'dry-run-again' | 'repeat') {}
  check(): boolean {
    return true;
  }
  run(_m: object, s: FuzzSession): Promise<void> {
    return s.followUp(this.kind);
  }
  toString(): string {
    return `followUp(${this.kind})`;
  }
}

class ReadCommand implements Command {
  check(): boolean {
    return true;
  }
  run(_m: object, s: FuzzSession): Promise<void> {
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
    share: 0.2,
    arbitrary: (d) => requestCase(d, true),
    run: runRequest,
    describe: describeRequest,
  }),
  define<Iterable<Command>>({
    name: 'sequences',
    level: 'MUST',
    title: 'Random sequences of seeds, stops, follow-ups of the last stop (its siblings, it again as a dry run, it again) and reads: every step judged against the model, the states included',
    docRef: 'DESIGN.md §3 A seeded instance keeps its status until an API call changes it.',
    share: 0.3,
    arbitrary: (d) => {
      const a = dialectArbitraries(d);
      const stop = a.stop(6).map((t): Command => new StopCommand(t));
      return fc.commands<object, FuzzSession, false>(
        [
          fc.array(a.seed, { minLength: 1, maxLength: 4 }).map((specs): Command => new SeedCommand(specs)),
          stop,
          stop,
          fc.constantFrom<'siblings' | 'dry-run-again' | 'repeat'>('siblings', 'dry-run-again', 'repeat').map((k): Command => new FollowUpCommand(k)),
          fc.constant<Command>(new ReadCommand()),
        ],
        { maxCommands: 10 },
      );
    },
    run: async (s, cmds: Iterable<Command>) => fc.asyncModelRun(() => ({ model: {}, real: s }), cmds),
    describe: (cmds: Iterable<Command>) => [...cmds].map(String).join(' -> '),
  }),
  define<RequestCase>({
    name: 'eventually-stopped',
    level: 'MUST',
    title: 'Instances an accepted stop stopped read the stopped word within the poll bound',
    docRef: 'DESIGN.md §3 After an accepted stop, the instance reads STOPPING or STOPPED at once and STOPPED within a bounded time.',
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

/** The properties that apply to a dialect (the rate limit only where the spec models a burst). */
function appliesTo(p: AnyProperty, dialect: DialectName): boolean {
  return p.name !== 'rate-limit' || dialectModel(dialect).spec.burst !== undefined;
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
  return { caseId: `fuzz.${p.name}`, dialect, level: p.level, docRef: p.docRef };
}

/** Run one case in a fresh session; always tears down. */
async function runCase(target: FuzzTarget, p: AnyProperty, c: unknown): Promise<FuzzSession> {
  const s = new FuzzSession(target, dialectModel(target.dialect.name), scopeOf(target.dialect.name, p));
  try {
    await p.run(s, c);
  } finally {
    await s.teardown();
  }
  return s;
}

/**
 * Run the fuzzer's properties against a target and return a result row per property.
 *
 * @example
 * const report = await runFuzz({ target, runs: 200, seed: 42 });
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const dialect = options.target.dialect.name;
  const chosen = PROPERTIES.filter((p) => appliesTo(p, dialect) && (!options.only || options.only.includes(p.name)));
  let requests = 0;
  const results: CaseResult[] = [];
  const signal = options.signal;
  for (const p of chosen) {
    const t0 = performance.now();
    const scope = scopeOf(dialect, p);
    const identity = { id: scope.caseId, dialect, level: p.level, title: p.title, docRef: p.docRef, rules: [] as string[] };
    if (signal?.aborted) {
      results.push({ ...identity, status: 'skipped', durationMs: 0, message: NOT_RUN_INTERRUPTED, findings: [] });
      continue;
    }
    const numRuns = runsPerProperty(options.runs, p.name, chosen.map((c) => c.name));
    const budget = options.timeBudgetMs === undefined ? undefined : Math.max(1_000, Math.round(options.timeBudgetMs * (p.share === 0 ? 0.05 : p.share)));
    let ran = 0;
    const property = fc.asyncProperty(p.arbitrary(dialect), async (c: unknown) => {
      // Interrupted: the remaining generated cases pass at once without a request (fast-check has no abort).
      if (signal?.aborted) return;
      ran++;
      const s = await runCase(options.target, p, c);
      requests += s.exchanges.length;
    });
    const details = await fc.check(property, {
      seed,
      numRuns,
      ...(options.path !== undefined ? { path: options.path } : {}),
      ...(budget !== undefined ? { interruptAfterTimeLimit: budget } : {}),
    });
    if (!details.failed) {
      results.push(
        signal?.aborted
          ? { ...identity, status: 'skipped', durationMs: Math.round(performance.now() - t0), message: `${NOT_RUN_INTERRUPTED} after ${ran} of ${numRuns} generated case(s), none of which failed`, findings: [] }
          : { ...identity, status: 'passed', durationMs: Math.round(performance.now() - t0), findings: [] },
      );
      continue;
    }
    // Interrupted: no replay (it would send requests); the failure as fast-check saw it.
    const { findings, exchanges } = signal?.aborted
      ? { findings: [makeFinding(scope, 'legal-outcome', `the failure (not replayed: the run was interrupted): ${errorText(details.errorInstance)}`)], exchanges: [] }
      : await replay(options.target, p, details.counterexample?.[0], details.errorInstance, scope);
    const replayLine = `vmconform fuzz --dialect ${dialect} --seed ${seed} --path ${details.counterexamplePath ?? ''} --property ${p.name}`;
    const shrunk = details.counterexample ? p.describe(details.counterexample[0]) : '(no counterexample)';
    findings.push(
      makeFinding(scope, 'legal-outcome', `shrunk after ${details.numRuns} run(s) and ${details.numShrinks} shrink(s) to: ${shrunk}; replay with: ${replayLine}`),
    );
    results.push({
      ...identity,
      status: 'failed',
      durationMs: Math.round(performance.now() - t0),
      message: findings.map((f) => `[${f.check}] ${f.message}`).join('\n'),
      findings,
      exchanges,
    });
  }
  return { seed, results, requests, durationMs: Math.round(performance.now() - started) };
}

/** Replay the shrunk case once to collect its findings, its exchanges and the curl lines of every request it sent. */
async function replay(
  target: FuzzTarget,
  p: AnyProperty,
  c: unknown,
  error: unknown,
  scope: FindingScope,
): Promise<{ findings: Finding[]; exchanges: readonly RecordedExchange[] }> {
  const s = new FuzzSession(target, dialectModel(target.dialect.name), scope);
  let thrown: unknown;
  try {
    await p.run(s, c);
  } catch (err: unknown) {
    thrown = err;
  } finally {
    await s.teardown();
  }
  const steps = s.exchanges.map((ex, i) => `${i + 1}. ${toCurl(ex.request)}`).join('\n');
  const findings = [...s.findings];
  if (findings.length === 0) {
    const why = thrown ?? error;
    const check = why instanceof ProviderStateCallError ? 'provider-state' : why instanceof FuzzFailure ? 'legal-outcome' : 'engine';
    findings.push(makeFinding(scope, check, `the shrunk case did not fail again on replay; the first failure: ${why instanceof Error ? why.message : String(why)}`));
  }
  if (steps !== '') findings.push(makeFinding(scope, 'legal-outcome', `the shrunk case as curl lines, in order:\n${steps}`));
  const log = new ExchangeLog({ steps: [] }, target.dctx.credentials);
  let at = Date.now();
  s.exchanges.forEach((ex, i) => {
    log.addExchange(i + 1, ex.call.operation === 'StopInstances' ? 'call' : 'status', ex, at);
    at += ex.durationMs;
  });
  return { findings, exchanges: log.entries() };
}
