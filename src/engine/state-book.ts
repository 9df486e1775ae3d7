/**
 * The engine's book of instance states: what each seeded instance of a case must read after each step, how a step's
 * answer changes that, and how a status read is judged against it. `runCase` keeps the book while it runs a row;
 * `vmconform repro`'s script keeps the same book between the requests it sends with curl, so both judge alike.
 */
import type { BurstStep, CallStep, InstanceSeed } from '../cases/types.ts';
import type { StatusRead } from '../dialects/client.ts';
import type { Dialect, Exchange, WireRequest } from '../dialects/types.ts';
import { assertionFor, type Assertion, type StateSubject } from './assertions.ts';
import { answerKind, isServed, STEP_CHECKS, type FindingScope, type InstanceStateExpectation } from './checks.ts';
import type { Finding } from './types.ts';

/** What each seeded alias must read now: its accepted words, or `undefined` once a step made it unknowable. */
export type StateBook = Map<string, readonly string[] | undefined>;

/** Resolves a seeded alias to the id it has in this case (see `IdMap`). */
export type AliasIds = { alias(alias: string): string };

/**
 * The book before the first step: every seeded instance reads the word it was seeded with.
 *
 * @example
 * const book = newStateBook(expandSeeds(row));
 */
export function newStateBook(seeds: readonly InstanceSeed[]): StateBook {
  return new Map(seeds.map((s) => [s.alias, [s.status]]));
}

/**
 * Findings of step `step` (undefined: the whole case) with the rule and source of the assertion each breaks (its
 * check, and for state checks its subject).
 *
 * @example
 * bindFindings(assertionsOf(row), runCallChecks(input), 1)
 */
export function bindFindings(plan: readonly Assertion[], found: readonly Finding[], step: number | undefined, subject?: StateSubject): Finding[] {
  return found.map((f) => {
    const a = assertionFor(plan, f.check, step, subject);
    return a === undefined ? f : { ...f, rule: a.rule, source: a.source };
  });
}

/**
 * Apply a call step's answer to the book and return the aliases it stopped. For `success`/`error`/`client-error`
 * rows, what the row says (`stopped`). A `not-5xx` row accepts either envelope, so its states follow what came back:
 * the success envelope stops the row's `stopped` aliases (or, without `stopped`, every seeded instance a
 * StopInstances call named); the error envelope stops nothing (DESIGN.md §3: a request that fails changes nothing);
 * any other answer to a stop (already a finding) makes the named instances unknowable from here on. The stopped
 * aliases must read the stopping or the stopped word.
 *
 * @example
 * const stopped = applyCallAnswer(book, step, exchange, dialect);
 */
export function applyCallAnswer(book: StateBook, step: CallStep, ex: Exchange, dialect: Pick<Dialect, 'lifecycle'>): string[] {
  const stops = stoppedBy(book, step, ex);
  const { stopping, stopped } = dialect.lifecycle;
  for (const alias of stops) book.set(alias, [stopping, stopped]);
  return stops;
}

function stoppedBy(book: StateBook, step: CallStep, ex: Exchange): string[] {
  if (step.expect.result !== 'not-5xx') return [...new Set(step.expect.stopped ?? [])];
  const named = [...new Set((step.call.ids ?? []).flatMap((r) => (typeof r === 'string' && book.has(r) ? [r] : [])))];
  const isStop = step.call.operation === 'StopInstances' && step.call.action === undefined;
  switch (answerKind(ex)) {
    case 'success':
      return [...new Set(step.expect.stopped ?? (isStop ? named : []))];
    case 'error':
      return [];
    case 'other':
      // A status query changes nothing whatever it answers; a stop that answered neither envelope may have.
      if (step.call.operation === 'StopInstances') for (const alias of named) book.set(alias, undefined);
      return [];
  }
}

/**
 * Apply a burst's answers to the book: a served request's instances must read stopping or stopped, a request refused
 * with the expected code leaves its instances as they were, any other answer makes them unknowable.
 *
 * @example
 * applyBurstAnswers(book, step, answers, dialect);
 */
export function applyBurstAnswers(book: StateBook, step: BurstStep, answers: readonly Exchange[], dialect: Pick<Dialect, 'lifecycle'>): void {
  const { stopping, stopped } = dialect.lifecycle;
  const refusedCode = 'someRefused' in step.expect ? step.expect.someRefused : undefined;
  answers.forEach((ex, n) => {
    const aliases = (step.call.ids ?? []).flatMap((r) => (typeof r === 'string' ? [r.split('{n}').join(String(n))] : []));
    for (const alias of aliases) {
      if (!book.has(alias)) continue;
      if (isServed(ex)) book.set(alias, [stopping, stopped]);
      else if (refusedCode === undefined || ex.outcome?.error?.code !== refusedCode) book.set(alias, undefined);
      // refused with the expected code: unchanged (keeps its seeded word)
    }
  });
}

/**
 * The checks of a burst's answers: all served, or some refused with the step's code and the others served (judged
 * only when the burst fitted in the dialect's rate window, `spanMs`: from the first request sent to the last answer).
 *
 * @example
 * findings.push(...bindFindings(plan, burstChecks(dialect, scope, step, answers, spanMs), n));
 */
export function burstChecks(dialect: Pick<Dialect, 'rateLimit'>, scope: FindingScope, step: BurstStep, answers: readonly Exchange[], spanMs: number): Finding[] {
  const windowMs = dialect.rateLimit?.windowMs;
  return 'allServed' in step.expect
    ? STEP_CHECKS['burst-all-served']({ scope, answers })
    : STEP_CHECKS['burst-some-refused']({ scope, answers, code: step.expect.someRefused, spanMs, ...(windowMs ? { windowMs } : {}) });
}

/** The request a burst's state findings blame: the first served one, else the first sent. */
export function burstBlame(answers: readonly Exchange[]): WireRequest | undefined {
  return (answers.find((a) => isServed(a)) ?? answers[0])?.request;
}

/**
 * What every instance the book still knows must read now, with its id.
 *
 * @example
 * const expected = expectedStates(book, ids); // read their statuses, then judge with immediateStateFindings
 */
export function expectedStates(book: StateBook, ids: AliasIds): InstanceStateExpectation[] {
  const out: InstanceStateExpectation[] = [];
  for (const [alias, accept] of book) if (accept !== undefined) out.push({ alias, id: ids.alias(alias), accept });
  return out;
}

/** What {@link immediateStateFindings} judges. */
export interface ImmediateStateInput {
  readonly plan: readonly Assertion[];
  readonly scope: FindingScope;
  /** `state-immediate` after a call, `burst-state` after a burst. */
  readonly check: 'state-immediate' | 'burst-state';
  readonly expected: readonly InstanceStateExpectation[];
  readonly read: StatusRead;
  readonly blame: WireRequest | undefined;
  /** The aliases the step stopped (judged against the `stopped` assertion; the others against `unchanged`). */
  readonly stoppedByStep: readonly string[];
  readonly step: number;
}

/**
 * The findings of the status read right after a step: the instances the step stops, then the others, each judged
 * against its own assertion (a burst, or a read that failed, as one).
 *
 * @example
 * findings.push(...immediateStateFindings({ plan, scope, check: 'state-immediate', expected, read, blame, stoppedByStep, step: 1 }));
 */
export function immediateStateFindings(input: ImmediateStateInput): Finding[] {
  const { plan, scope, check, expected, read, blame, stoppedByStep, step } = input;
  if (check === 'burst-state' || read.problem) {
    return bindFindings(plan, STEP_CHECKS[check]({ scope, expected, read, blame }), step, stoppedByStep.length > 0 ? 'stopped' : 'unchanged');
  }
  const stopping = expected.filter((e) => stoppedByStep.includes(e.alias));
  const others = expected.filter((e) => !stoppedByStep.includes(e.alias));
  return [
    ...(stopping.length > 0 ? bindFindings(plan, STEP_CHECKS[check]({ scope, expected: stopping, read, blame }), step, 'stopped') : []),
    ...(others.length > 0 ? bindFindings(plan, STEP_CHECKS[check]({ scope, expected: others, read, blame }), step, 'unchanged') : []),
  ];
}

/**
 * The instances the eventual check waits for after a step: those it stopped that read an accepted word right after it.
 *
 * @example
 * const candidates = eventualCandidates(book, stoppedByStep, ids, read);
 */
export function eventualCandidates(book: StateBook, stoppedByStep: readonly string[], ids: AliasIds, read: StatusRead): { alias: string; id: string }[] {
  return stoppedByStep
    .map((alias) => ({ alias, id: ids.alias(alias) }))
    .filter((e) => {
      const got = read.statuses.get(e.id);
      return got !== undefined && (book.get(e.alias) ?? []).includes(got);
    });
}
