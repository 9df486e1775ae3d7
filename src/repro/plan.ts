/**
 * The steps of a case as `vmconform repro` reproduces it, in the order the engine takes them: the provider-state
 * setup of its instances, each call (or burst) of the row, the status read that judges the states after it and the
 * poll that waits for the stopped word, the checks over the whole case, and the teardown; each with what the run
 * expected (the row's assertion plan, `assertionsOf`). `--json` prints them; the script and `--exec` follow them.
 */
import { describeCall, describeSeeds } from '../cases/print.ts';
import type { CaseCall, CaseRow, InstanceSeed } from '../cases/types.ts';
import { assertionsOf, type Assertion } from '../engine/assertions.ts';
import { expandSeeds } from '../engine/run-case.ts';
import { PROTOCOL_RULES } from '../engine/types.ts';

/** What one step of a repro sends. */
export type ReproStepKind = 'setup' | 'call' | 'burst' | 'read' | 'poll' | 'case' | 'teardown';

/** What must hold after a step: an assertion of the row's plan, or the provider-state protocol's 2xx. */
export interface ReproExpectation {
  readonly check: Assertion['check'] | 'provider-state';
  readonly expect: string;
  readonly source: string;
  readonly rule: string;
  /** The row's step it judges (absent for setup, teardown and the whole case). */
  readonly step?: number;
  /** For state checks: the instances a step stops, or those it must leave as they were. */
  readonly subject?: Assertion['subject'];
}

/** One step of a repro. */
export interface ReproStep {
  /** Its name in the script and in `--json`: `setup`, `call:N`, `read:N`, `poll:N`, `case`, `teardown`. */
  readonly phase: string;
  readonly kind: ReproStepKind;
  /** The row's step (1-based) for calls, bursts, reads and polls. */
  readonly step?: number;
  /** What it does, in one line. */
  readonly says: string;
  /** setup: the instances it seeds (aliases; the ids are picked fresh when it runs). */
  readonly instances?: readonly InstanceSeed[];
  /** call and burst: the call as the row states it (ids as aliases, literal or unknown ids). */
  readonly call?: CaseCall;
  /** burst: how many requests are sent at once. */
  readonly count?: number;
  readonly expectations: readonly ReproExpectation[];
}

const PROVIDER_STATE = PROTOCOL_RULES['provider-state'];

/** The expectation of a provider-state call (DESIGN.md §4: any 2xx; a setup reply may map the ids). */
function providerStateExpectation(action: 'setup' | 'teardown'): ReproExpectation {
  const expect = action === 'setup' ? 'HTTP 2xx (a reply may give the instances ids of its own: {"instances":[{"requested","id"}]})' : 'HTTP 2xx';
  return { check: 'provider-state', expect, source: PROVIDER_STATE.source, rule: PROVIDER_STATE.rule };
}

/** An assertion as a repro expectation. */
function expectationOf(a: Assertion): ReproExpectation {
  return {
    check: a.check,
    expect: a.expect,
    source: a.source,
    rule: a.rule,
    ...(a.step !== undefined ? { step: a.step } : {}),
    ...(a.subject !== undefined ? { subject: a.subject } : {}),
  };
}

/** The checks of the status read right after a step, and of the poll for the stopped word. */
const READ_CHECKS: ReadonlySet<string> = new Set(['state-immediate', 'burst-state']);

/**
 * The steps of a row as repro takes them. `noStates`: the run had no provider states (`--no-states`): nothing is
 * seeded, so there is no setup, no status read and no teardown (the engine reads no state without seeds).
 *
 * @example
 * reproSteps(row).map((s) => s.phase) // ['setup', 'call:1', 'read:1', 'poll:1', 'case', 'teardown']
 */
export function reproSteps(row: CaseRow, options: { readonly noStates?: boolean } = {}): ReproStep[] {
  const plan = assertionsOf(row);
  const seeds = options.noStates === true ? [] : expandSeeds(row);
  const out: ReproStep[] = [];
  if (seeds.length > 0) {
    out.push({
      phase: 'setup',
      kind: 'setup',
      says: `seed ${describeSeeds(seeds)} through the provider-state endpoint (fresh ids, picked when it runs)`,
      instances: seeds,
      expectations: [providerStateExpectation('setup')],
    });
  }
  row.steps.forEach((step, i) => {
    const n = i + 1;
    const mine = plan.filter((a) => a.step === n);
    const callChecks = mine.filter((a) => !READ_CHECKS.has(a.check) && a.check !== 'state-eventual');
    if (step.kind === 'burst') {
      out.push({ phase: `call:${n}`, kind: 'burst', step: n, says: `step ${n}: ${step.count} x ${describeCall(step.call)}, sent at once`, call: step.call, count: step.count, expectations: callChecks.map(expectationOf) });
    } else {
      out.push({ phase: `call:${n}`, kind: 'call', step: n, says: `step ${n}: ${describeCall(step.call)}`, call: step.call, expectations: callChecks.map(expectationOf) });
    }
    if (seeds.length === 0) return;
    const reads = mine.filter((a) => READ_CHECKS.has(a.check));
    if (reads.length > 0) out.push({ phase: `read:${n}`, kind: 'read', step: n, says: `the statuses right after step ${n}`, expectations: reads.map(expectationOf) });
    const polls = mine.filter((a) => a.check === 'state-eventual');
    if (polls.length > 0) out.push({ phase: `poll:${n}`, kind: 'poll', step: n, says: `the statuses until the stopped word (within the poll timeout)`, expectations: polls.map(expectationOf) });
  });
  const whole = plan.filter((a) => a.step === undefined);
  if (whole.length > 0) out.push({ phase: 'case', kind: 'case', says: 'over every answer of the case', expectations: whole.map(expectationOf) });
  if (seeds.length > 0) {
    out.push({ phase: 'teardown', kind: 'teardown', says: 'remove the seeded instances through the provider-state endpoint', expectations: [providerStateExpectation('teardown')] });
  }
  return out;
}
