/**
 * `vmconform repro-step`: what a `vmconform repro` script calls between its curl runs. Each call first judges what
 * curl brought back for the requests before (with the engine's own checks and state book, `src/engine/`), then writes
 * the requests of the step the script names, signed now, for curl to send. What a case must remember between
 * requests (its run id, the ids the target gave, what each instance must read, every answer so far) is kept in the
 * script's work folder (`state.json`). The engine's order is kept: a failed setup or a step without an answer ends
 * the steps (the teardown still runs); a throttled answer is sent again; status reads follow pages; the poll for the
 * stopped word goes on until the poll timeout.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BurstStep, CallStep, CaseRow } from '../cases/types.ts';
import {
  isThrottled,
  nextStatusCall,
  startStatusPaging,
  statusReadOf,
  takeStatusAnswer,
  THROTTLE_RETRIES,
  throttleWaitMs,
  type StatusPaging,
} from '../dialects/client.ts';
import { getDialect } from '../dialects/index.ts';
import type { Credentials, Dialect, DialectContext, Exchange, OperationCall, WireRequest, WireResponse } from '../dialects/types.ts';
import { assertionsOf, type Assertion } from '../engine/assertions.ts';
import { eventualFindings, notYetStopped, runCallChecks, STEP_CHECKS, type InstanceStateExpectation } from '../engine/checks.ts';
import { judgeProviderStateAnswer, providerStateRequest, ProviderStateCallError } from '../engine/provider-states.ts';
import { callOf, expandSeeds, IdMap, newRunId, providerStateFinding, scopeOf } from '../engine/run-case.ts';
import { statusForCodeOf } from '../engine/spec-status.ts';
import {
  applyBurstAnswers,
  applyCallAnswer,
  bindFindings,
  burstBlame,
  burstChecks,
  eventualCandidates,
  expectedStates,
  immediateStateFindings,
  type StateBook,
} from '../engine/state-book.ts';
import type { Finding } from '../engine/types.ts';
import { UsageError, VmconformError } from '../errors.ts';
import { redactSecret } from '../signing/credentials.ts';
import { readCurlAnswers, writeCurlRequests, type CurlAnswer } from './curl-files.ts';
import { reproSteps, type ReproStep } from './plan.ts';
import { answerLine, expectationLines, judgeStep, requestLine, stepTitle, verdictLines, type JudgedExpectation, type RecordedCase } from './print.ts';
import type { ReproRun } from './select.ts';

/** Exit code of `repro-step`: the requests of the named step are written; send them, then go to the next step. */
export const STEP_SEND = 0;
/** Exit code: the step before needs more requests first (a next page, another poll, a throttled request again): send them and call again with the same step. */
export const STEP_AGAIN = 10;
/** Exit code: the named step sends nothing (an earlier step ended the case, or there is nothing to read). */
export const STEP_NOTHING = 11;

/** The state file in the work folder. */
const STATE_FILE = 'state.json';

/** One request of a step and what came back (a step's call, or a status query), kept for later checks. */
interface Sent {
  readonly call: OperationCall;
  readonly request: WireRequest;
  readonly response?: WireResponse;
  readonly transportError?: string;
  readonly durationMs: number;
}

/** The requests written for curl, waiting for their answers. */
interface Pending {
  readonly phase: string;
  /** The calls (`undefined` for a provider-state request) and their requests, in the order written. */
  readonly calls: readonly (OperationCall | null)[];
  readonly requests: readonly WireRequest[];
  /** How often the request was sent again for a throttled answer. */
  readonly attempt: number;
  /** A status read (read, poll): where its paging is, and the queries answered so far. */
  readonly paging?: StatusPaging;
  readonly reads?: readonly Sent[];
}

/** What a case remembers between the script's requests. */
interface MachineState {
  readonly runId: string;
  /** The ids the setup reply gave the requested ones. */
  assigned: [string, string][];
  /** The state book (`null`: unknowable). */
  book: [string, string[] | null][];
  /** Why the remaining steps are not sent. */
  over?: string;
  pending?: Pending;
  /** What the last call step did: the instances it stopped, the request to blame, and which state check follows. */
  after?: { readonly step: number; readonly stopped: readonly string[]; readonly blame?: WireRequest; readonly check: 'state-immediate' | 'burst-state' };
  /** The read's expectations, and (after it) the instances the poll waits for; `null`: the read failed. */
  expected?: InstanceStateExpectation[];
  waiting?: { alias: string; id: string }[] | null;
  /** Instances still not stopped, and when the poll ends (epoch ms). */
  poll?: { pending: { alias: string; id: string }[]; deadline: number; candidates: { alias: string; id: string }[] };
  /** Every request of the call steps, for the checks over the whole case. */
  calls: Sent[];
  findings: Finding[];
  judged: JudgedExpectation[];
  /** The phases already judged. */
  done: string[];
}

/** What `repro-step` works with. */
export interface StepInput {
  /** The script's work folder. */
  readonly dir: string;
  readonly row: CaseRow;
  readonly run: ReproRun;
  readonly credentials: Credentials;
  /** `setup`, `call:N`, `read:N`, `poll:N`, `teardown` or `end`. */
  readonly phase: string;
  /** The script was interrupted: the teardown drops what was pending. */
  readonly interrupted?: boolean;
  /** What the run recorded (for `end`'s comparison). */
  readonly recorded?: RecordedCase;
  readonly print: (line: string) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The work of one `repro-step` call. */
class Machine {
  readonly dialect: Dialect;
  readonly steps: readonly ReproStep[];
  readonly plan: readonly Assertion[];
  readonly state: MachineState;
  private readonly seeds: ReturnType<typeof expandSeeds>;

  constructor(private readonly input: StepInput) {
    this.dialect = getDialect(input.row.dialect);
    this.steps = reproSteps(input.row, { noStates: input.run.noStates === true });
    this.plan = assertionsOf(input.row);
    this.seeds = input.run.noStates === true ? [] : expandSeeds(input.row);
    const file = join(input.dir, STATE_FILE);
    this.state = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as MachineState)
      : { runId: newRunId(), assigned: [], book: this.seeds.map((s) => [s.alias, [s.status]]), calls: [], findings: [], judged: [], done: [] };
  }

  save(): void {
    writeFileSync(join(this.input.dir, STATE_FILE), JSON.stringify(this.state));
  }

  private get print(): (line: string) => void {
    return this.input.print;
  }

  private get dctx(): DialectContext {
    const { run, credentials } = this.input;
    return { baseUrl: run.target, credentials, ...(run.region !== undefined ? { region: run.region } : {}), timeoutMs: run.requestTimeoutMs };
  }

  private get book(): StateBook {
    return new Map(this.state.book.map(([alias, words]) => [alias, words ?? undefined]));
  }

  private set book(book: StateBook) {
    this.state.book = [...book].map(([alias, words]) => [alias, words === undefined ? null : [...words]]);
  }

  /** The case's ids, as the engine picks them: the seeds, the setup reply's map, then each step's ids up to `upTo`, in order. */
  private ids(upTo: number): IdMap {
    const ids = new IdMap(this.dialect, `${this.state.runId}.${this.input.row.dialect}.${this.input.row.id}`);
    for (const s of this.seeds) ids.alias(s.alias);
    ids.assign(new Map(this.state.assigned));
    this.input.row.steps.slice(0, upTo).forEach((step) => this.callsOf(step, ids));
    return ids;
  }

  private callsOf(step: CallStep | BurstStep, ids: IdMap): OperationCall[] {
    return step.kind === 'burst' ? Array.from({ length: step.count }, (_, n) => callOf(step, ids, n)) : [callOf(step, ids)];
  }

  private stepOf(phase: string): ReproStep {
    const step = this.steps.find((s) => s.phase === phase);
    if (step === undefined) throw new UsageError(`${this.input.row.dialect} ${this.input.row.id} has no step ${JSON.stringify(phase)} (it has ${this.steps.map((s) => s.phase).join(', ')}, end)`);
    return step;
  }

  private rowStep(n: number): CallStep | BurstStep {
    const step = this.input.row.steps[n - 1];
    if (step === undefined) throw new VmconformError(`no step ${n} in ${this.input.row.id}`);
    return step;
  }

  private judge(step: ReproStep, findings: readonly Finding[], notJudged?: string): void {
    const safe = findings.map((f) => ({ ...f, message: redactSecret(f.message, this.input.credentials) }));
    this.state.findings.push(...safe);
    const verdicts = judgeStep(step, safe, notJudged);
    this.state.judged.push(...verdicts);
    this.state.done.push(step.phase);
    for (const j of verdicts) for (const line of expectationLines(j)) this.print(line);
  }

  /** Write requests for curl (signed now) and remember them. */
  private write(phase: string, calls: readonly (OperationCall | null)[], requests: readonly WireRequest[], extra: Partial<Pending> = {}): void {
    writeCurlRequests(this.input.dir, requests, this.input.run.requestTimeoutMs);
    this.state.pending = { phase, calls, requests, attempt: 0, ...extra };
  }

  private sign(call: OperationCall): WireRequest {
    return this.dialect.encode(call, this.dctx);
  }

  /** The answers curl brought for the pending requests, as the engine's exchanges. */
  private answers(pending: Pending): { answers: CurlAnswer[]; exchanges: Exchange[] } {
    const answers = readCurlAnswers(this.input.dir, pending.requests.length);
    const exchanges = answers.map((a, k) => {
      const call = pending.calls[k] ?? { operation: 'StopInstances' as const };
      return {
        call,
        request: pending.requests[k] as WireRequest,
        response: a.response,
        outcome: a.response ? this.dialect.decode(call, a.response) : undefined,
        transportError: a.transportError,
        durationMs: a.durationMs,
      };
    });
    return { answers, exchanges };
  }

  /** Judge what came back for the pending requests; true when more requests of the same step were written. */
  async judgePending(): Promise<boolean> {
    const pending = this.state.pending;
    if (pending === undefined) return false;
    this.state.pending = undefined;
    const step = pending.phase === 'teardown' || pending.phase === 'setup' ? undefined : this.stepOf(pending.phase);
    if (pending.phase === 'setup' || pending.phase === 'teardown') return this.judgeProviderState(pending);
    if (step?.kind === 'call' || step?.kind === 'burst') return this.judgeCall(pending, step);
    if (step?.kind === 'read' || step?.kind === 'poll') return this.judgeRead(pending, step);
    throw new VmconformError(`nothing pending can be judged for ${pending.phase}`);
  }

  private judgeProviderState(pending: Pending): boolean {
    const action = pending.phase as 'setup' | 'teardown';
    const step = this.stepOf(action);
    const [answer] = readCurlAnswers(this.input.dir, 1);
    const request = pending.requests[0] as WireRequest;
    this.print(answerLine(answer?.response, answer?.transportError));
    const ids = this.ids(0);
    try {
      const assigned = judgeProviderStateAnswer(action, request, { response: answer?.response, transportError: answer?.transportError }, this.seeds.map((s) => ids.alias(s.alias)));
      if (action === 'setup') this.state.assigned = [...assigned];
      this.judge(step, []);
    } catch (err: unknown) {
      if (!(err instanceof ProviderStateCallError)) throw err;
      if (action === 'setup') this.state.over = 'not sent: the setup failed';
      this.judge(step, [providerStateFinding(scopeOf(this.input.row), action, err)]);
    }
    return false;
  }

  private async judgeCall(pending: Pending, step: ReproStep): Promise<boolean> {
    const n = step.step ?? 0;
    const rowStep = this.rowStep(n);
    const { answers, exchanges } = this.answers(pending);
    this.state.calls.push(...exchanges.map((ex) => sentOf(ex)));
    const scope = scopeOf(this.input.row);
    const book = this.book;
    let found: Finding[];
    if (rowStep.kind === 'burst') {
      for (const line of tally(exchanges)) this.print(line);
      const spanMs = Math.max(0, ...answers.map((a) => a.durationMs));
      found = bindFindings(this.plan, burstChecks(this.dialect, scope, rowStep, exchanges, spanMs), n);
      if (exchanges.every((ex) => !ex.response)) this.state.over = `not sent: step ${n} got no answer`;
      else {
        applyBurstAnswers(book, rowStep, exchanges, this.dialect);
        const blame = burstBlame(exchanges);
        this.state.after = { step: n, stopped: [], ...(blame ? { blame } : {}), check: 'burst-state' };
      }
    } else {
      const ex = exchanges[0] as Exchange;
      this.print(answerLine(ex.response, ex.transportError));
      if (isThrottled(ex) && pending.attempt < THROTTLE_RETRIES) {
        await sleep(throttleWaitMs(pending.attempt));
        const request = this.sign(ex.call);
        this.print('   throttled: the same request again, signed now');
        this.print(requestLine(request));
        this.write(pending.phase, pending.calls, [request], { attempt: pending.attempt + 1 });
        return true;
      }
      found = bindFindings(
        this.plan,
        runCallChecks({ scope, exchange: ex, expect: rowStep.expect, idOf: (key) => this.ids(n).key(key), statusForCode: statusForCodeOf(this.input.row.dialect) }),
        n,
      );
      if (!ex.response) this.state.over = `not sent: step ${n} got no answer`;
      else this.state.after = { step: n, stopped: applyCallAnswer(book, rowStep, ex, this.dialect), blame: ex.request, check: 'state-immediate' };
    }
    this.book = book;
    this.judge(step, found);
    return false;
  }

  private async judgeRead(pending: Pending, step: ReproStep): Promise<boolean> {
    const { exchanges } = this.answers(pending);
    const ex = exchanges[0] as Exchange;
    this.print(answerLine(ex.response, ex.transportError));
    const reads = [...(pending.reads ?? []), sentOf(ex)];
    const paging = pending.paging ?? startStatusPaging([]);
    if (isThrottled(ex) && pending.attempt < THROTTLE_RETRIES) {
      await sleep(throttleWaitMs(pending.attempt));
      this.write(pending.phase, pending.calls, [this.sign(ex.call)], { attempt: pending.attempt + 1, paging, reads });
      return true;
    }
    takeStatusAnswer(this.dialect, paging, ex);
    const next = nextStatusCall(this.dialect, paging);
    if (next !== undefined) {
      this.write(pending.phase, [next], [this.sign(next)], { paging, reads });
      return true;
    }
    const read = statusReadOf(paging, reads.map((r) => exchangeOf(r, this.dialect)));
    return step.kind === 'read' ? this.endRead(step, read) : this.endPoll(pending, step, read);
  }

  private endRead(step: ReproStep, read: ReturnType<typeof statusReadOf>): boolean {
    const after = this.state.after;
    const n = step.step ?? 0;
    const book = this.book;
    const ids = this.ids(n);
    const expected = this.state.expected ?? [];
    const found = immediateStateFindings({
      plan: this.plan,
      scope: scopeOf(this.input.row),
      check: after?.check ?? 'state-immediate',
      expected,
      read,
      blame: after?.blame,
      stoppedByStep: after?.stopped ?? [],
      step: n,
    });
    this.state.waiting = read.problem ? null : eventualCandidates(book, after?.stopped ?? [], ids, read);
    this.judge(step, found);
    return false;
  }

  private async endPoll(pending: Pending, step: ReproStep, read: ReturnType<typeof statusReadOf>): Promise<boolean> {
    const poll = this.state.poll;
    if (poll === undefined) throw new VmconformError('a poll answer without a poll');
    const stopped = this.dialect.lifecycle.stopped;
    poll.pending = notYetStopped(poll.pending, read, stopped);
    const n = step.step ?? 0;
    if (poll.pending.length === 0) {
      const book = this.book;
      for (const c of poll.candidates) book.set(c.alias, [stopped]);
      this.book = book;
      this.judge(step, []);
      return false;
    }
    const left = poll.deadline - Date.now();
    if (left <= 0) {
      const found = eventualFindings({
        scope: scopeOf(this.input.row),
        pending: poll.pending,
        last: read,
        stoppedWord: stopped,
        timeoutMs: this.input.run.pollTimeoutMs,
        blame: this.state.after?.blame,
      });
      this.judge(step, bindFindings(this.plan, found, n));
      return false;
    }
    await sleep(Math.min(100, left));
    this.startRead(pending.phase, poll.pending.map((p) => p.id), false);
    return true;
  }

  /** Write the first status query of a read of `ids`. */
  private startRead(phase: string, ids: readonly string[], show: boolean): void {
    const paging = startStatusPaging(ids);
    const call = nextStatusCall(this.dialect, paging) as OperationCall;
    const request = this.sign(call);
    if (show) this.print(requestLine(request));
    this.write(phase, [call], [request], { paging, reads: [] });
  }

  /** Start a step: print it, and write its requests (STEP_SEND) or say why it sends none (STEP_NOTHING). */
  start(phase: string): number {
    if (phase === 'end') return this.end();
    const step = this.stepOf(phase);
    if (step.kind === 'teardown') this.judgeCase();
    this.print(stepTitle(step));
    const { run } = this.input;
    switch (step.kind) {
      case 'setup': {
        const ids = this.ids(0);
        const request = providerStateRequest(run.statesUrl, 'setup', this.seeds.map((s) => ({ id: ids.alias(s.alias), status: s.status, ...(s.securityLocked !== undefined ? { securityLocked: s.securityLocked } : {}) })));
        this.print(requestLine(request));
        this.write(phase, [null], [request]);
        return STEP_SEND;
      }
      case 'call':
      case 'burst': {
        if (this.state.over !== undefined) return this.nothing(step, this.state.over);
        const n = step.step ?? 0;
        const ids = this.ids(n - 1);
        const calls = this.callsOf(this.rowStep(n), ids);
        const requests = calls.map((c) => this.sign(c));
        this.print(requestLine(requests[0] as WireRequest));
        if (requests.length > 1) this.print(`   ... and ${requests.length - 1} more like it (each its own instances), sent at once`);
        this.write(phase, calls, requests);
        return STEP_SEND;
      }
      case 'read': {
        if (this.state.over !== undefined) return this.nothing(step, this.state.over);
        const expected = expectedStates(this.book, this.ids(step.step ?? 0));
        if (expected.length === 0) return this.nothing(step, 'no instance has a status to check after this step');
        this.state.expected = expected;
        this.startRead(phase, expected.map((e) => e.id), true);
        return STEP_SEND;
      }
      case 'poll': {
        if (this.state.over !== undefined) return this.nothing(step, this.state.over);
        const waiting = this.state.waiting;
        if (waiting === null || waiting === undefined) return this.nothing(step, 'not judged: the status read failed');
        if (waiting.length === 0) {
          this.print('   nothing to wait for: the step stopped no instance that read the stopping word');
          this.judge(step, []);
          return STEP_NOTHING;
        }
        this.state.poll = { pending: waiting, candidates: waiting, deadline: Date.now() + run.pollTimeoutMs };
        this.startRead(phase, waiting.map((w) => w.id), true);
        return STEP_SEND;
      }
      case 'teardown': {
        const ids = this.ids(0);
        const request = providerStateRequest(run.statesUrl, 'teardown', this.seeds.map((s) => ({ id: ids.alias(s.alias) })));
        this.print(requestLine(request));
        this.write(phase, [null], [request]);
        return STEP_SEND;
      }
      default:
        throw new UsageError(`the script names no step ${JSON.stringify(phase)}`);
    }
  }

  private nothing(step: ReproStep, why: string): number {
    this.judge(step, [], why);
    return STEP_NOTHING;
  }

  /** The checks over the whole case (every StopInstances answer its own request id), once, before the teardown. */
  private judgeCase(): void {
    const step = this.steps.find((s) => s.kind === 'case');
    if (step === undefined || this.state.done.includes(step.phase)) return;
    this.print(stepTitle(step));
    if (this.state.over !== undefined) return void this.judge(step, [], this.state.over);
    const exchanges = this.state.calls.map((c) => exchangeOf(c, this.dialect));
    this.judge(step, bindFindings(this.plan, STEP_CHECKS['request-id-unique']({ scope: scopeOf(this.input.row), exchanges }), undefined));
  }

  /**
   * The verdict: 0 when every expectation held, 1 otherwise. A step the script never reached (it was interrupted)
   * counts as not judged.
   */
  private end(): number {
    this.judgeCase();
    const missed = this.steps.filter((s) => !this.state.done.includes(s.phase));
    for (const step of missed) this.state.judged.push(...judgeStep(step, [], this.state.over ?? 'not reached'));
    for (const line of verdictLines(this.state.judged, this.state.findings, this.input.recorded, this.input.interrupted === true)) this.print(line);
    return this.state.findings.length === 0 ? 0 : 1;
  }
}

/** An exchange as the state file keeps it. */
function sentOf(ex: Exchange): Sent {
  return {
    call: ex.call,
    request: ex.request,
    ...(ex.response ? { response: ex.response } : {}),
    ...(ex.transportError !== undefined ? { transportError: ex.transportError } : {}),
    durationMs: ex.durationMs,
  };
}

/** A kept exchange, decoded again (decoding is pure). */
function exchangeOf(s: Sent, dialect: Dialect): Exchange {
  return {
    call: s.call,
    request: s.request,
    response: s.response,
    outcome: s.response ? dialect.decode(s.call, s.response) : undefined,
    transportError: s.transportError,
    durationMs: s.durationMs,
  };
}

/** A burst's answers in a few lines: the first one, and how many of each kind. */
function tally(exchanges: readonly Exchange[]): string[] {
  const counts = new Map<string, number>();
  for (const ex of exchanges) {
    const key = ex.response ? `HTTP ${ex.response.status}${ex.outcome?.error ? ` ${ex.outcome.error.code}` : ''}` : 'no answer';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const first = exchanges[0];
  return [...(first ? [answerLine(first.response, first.transportError)] : []), `   answers: ${[...counts].map(([k, n]) => `${n} x ${k}`).join(', ')}`];
}

/**
 * One `repro-step` call: judge what curl brought back, then write the named step's requests. Returns
 * {@link STEP_SEND}, {@link STEP_AGAIN} or {@link STEP_NOTHING}; for `end`, 0 (every expectation held) or 1.
 *
 * @example
 * const code = await reproStep({ dir, row, run, credentials, phase: 'call:1', print: (l) => console.log(l) });
 */
export async function reproStep(input: StepInput): Promise<number> {
  const machine = new Machine(input);
  try {
    if (input.interrupted === true && machine.state.pending?.phase !== 'teardown') {
      // What was in flight when the script was interrupted is not judged; the teardown's answer is.
      machine.state.pending = undefined;
      machine.state.over ??= 'not judged: the script was interrupted';
    } else if (await machine.judgePending()) {
      return STEP_AGAIN;
    }
    return machine.start(input.phase);
  } finally {
    machine.save();
  }
}
