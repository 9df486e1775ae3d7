/**
 * The exchange judge (`vmconform proxy`, `vmconform judge`): a sequence of observed exchanges of one dialect, judged
 * by every rule an observer can judge, with the catalog's own pieces and no second copy of a rule: the dialect module
 * decodes each answer, the fuzzer's model (`src/fuzz/model.ts`, read from the spec) says which outcomes a
 * StopInstances request allows given the statuses last observed, and the engine's call and step checks
 * (`src/engine/checks.ts`) make the findings, in the one shape of `run`, each naming the inventory rule it breaks.
 *
 * What counts as an observation of a status: a provider-state setup (DESIGN.md §4), a status query's answer, and an
 * accepted stop (the instance then reads the stopping or stopped word). A StopInstances request naming an instance
 * never observed is judged only for what holds whatever its status (its envelope, a request-level problem such as
 * the 100-id limit or a dry run). Rules it never had the traffic to judge are reported "not observed", never passed.
 */
import type { Level } from '../cases/types.ts';
import { casesFor } from '../cases/index.ts';
import type { StatusRead } from '../dialects/client.ts';
import { getDialect } from '../dialects/index.ts';
import type { DialectName, Exchange, OperationCall, WireRequest, WireResponse } from '../dialects/types.ts';
import { PINS } from '../engine/assertions.ts';
import {
  answerKind,
  CALL_CHECKS,
  callChecksFor,
  eventualFindings,
  isServed,
  makeFinding,
  STEP_CHECKS,
  type CallCheckName,
  type FindingScope,
} from '../engine/checks.ts';
import { ExchangeLog } from '../engine/exchange-log.ts';
import { readIdMap } from '../engine/provider-states.ts';
import { statusForCodeOf, type StatusForCode } from '../engine/spec-status.ts';
import type { CaseResult, CheckName, Finding, RecordedExchange } from '../engine/types.ts';
import type { Expectation, InstanceExpectation } from '../cases/types.ts';
import { describeWorld, dialectModel, expectedFormat, legalWorlds, throttledWorld, worldMatches, type DialectModel, type ModelInstance, type World, type WorldProblem } from '../fuzz/model.ts';
import { specExtension, type Observation } from '../specs/extension.ts';
import { ruleInventory, type Rule } from '../specs/inventory.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { actionParamRule, carriedParams, idsParamRule, readRequest } from './wire-reader.ts';

/** One request and its answer as observed (a proxy's traffic, a HAR entry). */
export interface ObservedExchange {
  /** The URL is absolute. */
  readonly request: WireRequest;
  /** `undefined` when no answer came. */
  readonly response: WireResponse | undefined;
  readonly transportError?: string;
  /** When the request started (epoch ms). */
  readonly startedMs: number;
  readonly durationMs: number;
  /** Why its bodies cannot be read (missing, base64-encoded, truncated in the HAR): then it is counted, not judged. */
  readonly bodyProblem?: string;
  /**
   * The request's method when it is neither GET nor POST (PUT, DELETE, HEAD...): counted with other methods, never
   * judged, and left out of the reports' exchanges (`request.method` can only say GET or POST).
   */
  readonly otherMethod?: string;
}

/** What the judge did with the exchanges it was given. */
export interface TrafficCounts {
  /** Every exchange given. */
  seen: number;
  /** StopInstances requests judged. */
  stops: number;
  /** Status queries read. */
  statusReads: number;
  /** Provider-state setups and teardowns read. */
  providerStates: number;
  /** Other actions on the dialect's path (not judged; they may change statuses: what was known is forgotten). */
  otherActions: number;
  /** Other paths or hosts, and methods the dialect does not use. */
  ignored: number;
  /** On the dialect's path but nothing of its wire style (no action, ids or parameter it knows): another dialect's traffic. */
  notOfDialect: number;
  /** Bodies missing, base64-encoded or truncated, or exchanges the client cut short: counted, not judged. */
  unreadableBodies: number;
  /** No answer came (the request failed at the transport level): each a failure of the target. */
  noAnswer: number;
}

/** Options of an {@link ExchangeJudge}. */
export interface JudgeOptions {
  readonly dialect: DialectName;
  /** The target's path prefix (`''` when the API is at the root). */
  readonly basePath?: string;
  /** How long an accepted stop may take to read the stopped word (`--poll-timeout`). */
  readonly pollTimeoutMs: number;
  /** Called with each finding as it is made (the proxy prints them). */
  readonly onFinding?: (finding: Finding) => void;
}

/** The judge's verdict: one result row per rule of the dialect's inventory, and what the traffic held. */
export interface JudgeReport {
  readonly results: readonly CaseResult[];
  readonly counts: TrafficCounts;
  /** Every exchange given, as the reports record them (in the order given). */
  readonly exchanges: readonly RecordedExchange[];
}

/** A rule's tally: how often it was judged, what broke it, which exchanges showed it. */
interface Tally {
  /** How many exchanges judged it. */
  judged: number;
  /** The last exchange counted in {@link Tally.judged} (several checks of one exchange count once). */
  last: number;
  readonly findings: Finding[];
  readonly shown: Set<number>;
  /** The fingerprints among its findings. */
  readonly fingerprints: Set<string>;
  /** Findings beyond {@link FINDINGS_KEPT_PER_RULE} with a fingerprint already kept: counted, not kept. */
  more: number;
}

/**
 * How many findings a rule's row keeps (a proxy may see a broken rule on every one of a million exchanges); past it,
 * a finding with a new fingerprint is still kept (a baseline needs every cause), the others are counted.
 */
const FINDINGS_KEPT_PER_RULE = 100;

/** An accepted stop waiting for its status reads. */
interface PendingStop {
  readonly at: number;
  readonly blame: WireRequest;
  readonly index: number;
  firstRead: boolean;
}

/** A refused stop: the instances it named must read what they read before. */
interface Refusal {
  readonly blame: WireRequest;
  readonly index: number;
  readonly before: readonly string[];
  /** The rules a change breaks: "a refused call changes nothing", and a dry run's own where the refusal was one. */
  readonly rules: readonly string[];
}

/**
 * The limits each situation of the model judges (inventory limits, the same ids in every dialect). The resolutions a
 * situation judges are data: the spec's resolutions name the observations that judge them (`judgedBy`).
 */
const SITUATION_LIMITS: Readonly<Partial<Record<WorldProblem['situation'], readonly string[]>>> = {
  'too-many-ids': ['limit:instance-ids-max'],
  'rate-limited': ['limit:rate-per-second'],
};

/** The rule of a dry run in the SuccessFirst batch mode (it always answers the dry run's success code). */
const DRY_RUN_SUCCESS_FIRST_RULE = 'resolution:dryrun-successfirst-always-success';

/** The window a documented rate limit counts in when the dialect names none ("per second"). */
const SECOND_MS = 1000;

/** How many exchanges the reports keep from the start of the traffic (exchanges.har), besides those findings name. */
export const KEPT_EXCHANGES = 10_000;
/** How many of the latest StopInstances the rate limit is judged on at the end (a proxy may run for days). */
const RATE_ENTRIES_KEPT = 20_000;
/** How many instances the judge remembers (statuses, pending stops, refusals); the oldest are forgotten first. */
const KNOWN_INSTANCES = 20_000;
/** How many of the latest request ids the judge remembers to tell a repeated one (each with its exchange). */
const KNOWN_REQUEST_IDS = 20_000;
/** How many of the latest exchanges stay at hand for a finding that names them later (an accepted stop's next read). */
const RECENT_EXCHANGES = 2_000;

/** The situations about the id list itself: they also break the rule of the id parameter. */
const ID_LIST_SITUATIONS: ReadonlySet<WorldProblem['situation']> = new Set(['missing-ids', 'empty-ids', 'empty-id', 'duplicate-ids', 'too-many-ids']);

/**
 * What an answer must be whichever way the unobserved ids turn out (two sets of allowed outcomes): an error where
 * both allow only errors (with the codes both name alike, else any client error), the success envelope where both
 * allow only it; `undefined` where they leave it open.
 */
function agreement(a: readonly World[], b: readonly World[]): Expectation | undefined {
  const all = [...a, ...b];
  if (all.length === 0) return undefined;
  if (all.every((w) => w.kind === 'success')) return { result: 'success' };
  if (!all.every((w) => w.kind === 'error')) return undefined;
  const codes = (ws: readonly World[]): string => [...new Set(ws.flatMap((w) => (w.kind === 'error' && w.codes !== 'any' ? w.codes : ['*any'])))].sort().join('|');
  const same = codes(a) === codes(b) && !codes(a).includes('*any');
  return same ? { result: 'error', codes: codes(a).split('|') } : { result: 'client-error' };
}

/** A StopInstances exchange as the rate limit sees it. */
interface RateEntry {
  readonly at: number;
  readonly end: number;
  readonly refused: boolean;
  readonly index: number;
  readonly request: WireRequest;
  readonly code: string;
}

/**
 * Judges exchanges one at a time, in the order they started, and reports per rule.
 *
 * @example
 * const judge = new ExchangeJudge({ dialect: 'zenlayer-vm', pollTimeoutMs: 10_000 });
 * for (const ex of exchanges) judge.add(ex);
 * const { results, counts } = judge.finish();
 */
export class ExchangeJudge {
  readonly counts: TrafficCounts = { seen: 0, stops: 0, statusReads: 0, providerStates: 0, otherActions: 0, ignored: 0, notOfDialect: 0, unreadableBodies: 0, noAnswer: 0 };
  private readonly model: DialectModel;
  private readonly rules: ReadonlyMap<string, Rule>;
  /** Rule ids by their lower-case spelling (header names travel in lower case). */
  private readonly byLowerCase: ReadonlyMap<string, string>;
  private readonly levels: ReadonlyMap<string, Level>;
  private readonly statusForCode: StatusForCode;
  private readonly tallies = new Map<string, Tally>();
  private readonly store = new Map<string, ModelInstance>();
  private readonly pending = new Map<string, PendingStop>();
  private readonly refused = new Map<string, Refusal>();
  private readonly requestIds = new Map<string, Exchange>();
  private readonly stops: RateEntry[] = [];
  private rateJudged = false;
  /** The first {@link KEPT_EXCHANGES} exchanges, the last {@link RECENT_EXCHANGES}, and every one a finding names. */
  private readonly kept = new Map<number, RecordedExchange>();
  private readonly recent = new Map<number, RecordedExchange>();
  private readonly pinned = new Map<number, RecordedExchange>();
  private readonly basePath: string;
  private readonly statesDocRef: string;
  /** The resolutions each observation judges (the spec's `judgedBy`), as rule ids. */
  private readonly byObservation = new Map<Observation, string[]>();

  constructor(private readonly options: JudgeOptions) {
    this.model = dialectModel(options.dialect);
    this.rules = new Map(ruleInventory(options.dialect).map((r) => [r.id, r]));
    this.byLowerCase = new Map([...this.rules.keys()].map((id) => [id.toLowerCase(), id]));
    const levels = new Map<string, Level>();
    for (const row of casesFor(options.dialect)) for (const r of row.rules) if (levels.get(r) !== 'MUST') levels.set(r, row.level);
    this.levels = levels;
    this.statusForCode = statusForCodeOf(options.dialect);
    this.basePath = (options.basePath ?? '').replace(/\/+$/, '');
    const ext = specExtension(options.dialect);
    this.statesDocRef = ext.states.docRef;
    for (const r of ext.resolutions) {
      const id = `resolution:${r.id}`;
      if (!this.rules.has(id)) continue;
      for (const o of r.judgedBy ?? []) this.byObservation.set(o, [...(this.byObservation.get(o) ?? []), id]);
    }
  }

  /** The rules of the rate limit: the limit, and what the spec says the rate-limited situation judges. */
  private rateRules(): string[] {
    return [...(SITUATION_LIMITS['rate-limited'] ?? []), ...this.observedBy('situation:rate-limited')];
  }

  /** The resolutions an observation judges (the spec's `judgedBy`). */
  private observedBy(o: Observation): readonly string[] {
    return this.byObservation.get(o) ?? [];
  }

  /** Judge one more exchange (exchanges are given in the order they started). */
  add(ob: ObservedExchange): void {
    const index = this.counts.seen++;
    if (ob.otherMethod !== undefined) {
      this.counts.ignored++;
      return;
    }
    const read = readRequest(this.options.dialect, ob.request, this.basePath);
    const role = read.kind === 'states' ? 'provider-state' : read.kind === 'call' && read.call.operation === 'DescribeStatus' ? 'status' : 'call';
    this.record(index, role, ob);
    if (read.kind === 'other-path' || read.kind === 'other-method') {
      this.counts.ignored++;
      return;
    }
    if (read.kind === 'not-of-dialect') {
      this.counts.notOfDialect++;
      return;
    }
    if (ob.bodyProblem !== undefined) {
      this.counts.unreadableBodies++;
      return;
    }
    if (!ob.response) {
      // An exchange the target never answered is its failure, as a transport failure is in `run`.
      this.counts.noAnswer++;
      const d = getDialect(this.options.dialect);
      const call: OperationCall = read.kind === 'call' ? read.call : { operation: 'StopInstances' };
      const ex: Exchange = { call, request: ob.request, response: undefined, outcome: undefined, transportError: ob.transportError ?? 'no answer', durationMs: ob.durationMs };
      const found = this.runCheck('transport-ok', 'envelope:success', ex, { result: 'not-5xx' }, d.sources.requestId);
      this.judged(['envelope:success'], index, found, d.sources.requestId);
      return;
    }
    const response = ob.response;
    if (read.kind === 'states') {
      this.counts.providerStates++;
      this.providerState(ob.request, response);
      return;
    }
    if (read.kind === 'other-action') {
      this.counts.otherActions++;
      // Another action (StartInstances, ...) that succeeded may change any status: what was observed no longer binds.
      const call: OperationCall = { operation: 'StopInstances', action: read.action };
      const answer: Exchange = { call, request: ob.request, response, outcome: getDialect(this.options.dialect).decode(call, response), transportError: undefined, durationMs: ob.durationMs };
      if (answerKind(answer) !== 'error') this.forget();
      return;
    }
    const call = read.call;
    const dialect = getDialect(this.options.dialect);
    const ex: Exchange = { call, request: ob.request, response, outcome: dialect.decode(call, response), transportError: undefined, durationMs: ob.durationMs };
    if (call.operation === 'DescribeStatus') {
      this.counts.statusReads++;
      this.statusRead(ex, ob.startedMs, index);
      return;
    }
    this.counts.stops++;
    this.stop(ex, ob.startedMs, ob.startedMs + ob.durationMs, index);
    this.bound();
  }

  /** The verdict so far: a row per rule (passed, failed with its exchanges, or skipped as not observed). */
  finish(): JudgeReport {
    if (!this.rateJudged) this.judgeRate();
    this.rateJudged = true;
    const recorded = (i: number): RecordedExchange | undefined => this.kept.get(i) ?? this.pinned.get(i) ?? this.recent.get(i);
    const results: CaseResult[] = [...this.rules.values()].map((rule) => {
      const tally = this.tallies.get(rule.id);
      const identity = { id: rule.id, dialect: this.options.dialect, level: this.levels.get(rule.id) ?? 'MUST', title: rule.summary, docRef: rule.docRef, rules: [rule.id] };
      if (tally && tally.findings.length > 0) {
        const exchanges = [...tally.shown].sort((a, b) => a - b).flatMap((i) => recorded(i) ?? []);
        return {
          ...identity,
          status: 'failed',
          durationMs: 0,
          message: [...tally.findings.map((f) => `[${f.check}] ${f.message}`), ...(tally.more > 0 ? [`... and ${tally.more} more finding(s) of the same causes (not kept)`] : [])].join('\n'),
          findings: tally.findings,
          exchanges,
        };
      }
      if (tally && tally.judged > 0) return { ...identity, status: 'passed', durationMs: 0, message: `judged on ${tally.judged} exchange(s) of the traffic`, findings: [] };
      const why = rule.testable === true ? 'not observed: the traffic never exercised it' : `not observed: ${rule.testable}`;
      return { ...identity, status: 'skipped', durationMs: 0, message: why, findings: [] };
    });
    const all = new Map([...this.kept, ...this.pinned, ...this.recent]);
    return { results, counts: { ...this.counts }, exchanges: [...all.keys()].sort((a, b) => a - b).flatMap((i) => all.get(i) ?? []) };
  }

  // -------------------------------------------------------------------------------------------------------------

  /** Forget the oldest knowledge beyond the bound (a proxy may run for days): an id forgotten is judged as unseen. */
  private bound(): void {
    for (const map of [this.store, this.pending, this.refused] as Map<string, unknown>[]) {
      while (map.size > KNOWN_INSTANCES) map.delete(map.keys().next().value ?? '');
    }
  }

  /** Record an exchange as the reports keep it, within the bounds (a proxy may run for days). */
  private record(index: number, role: RecordedExchange['role'], ob: ObservedExchange): void {
    const log = new ExchangeLog({ steps: [] }, TEST_CREDENTIALS);
    log.add(index + 1, role, ob.request, ob.response, ob.transportError, ob.startedMs, ob.durationMs);
    const entry = log.entries()[0];
    if (!entry) return;
    if (this.kept.size < KEPT_EXCHANGES) {
      this.kept.set(index, entry);
      return;
    }
    this.recent.set(index, entry);
    if (this.recent.size > RECENT_EXCHANGES) this.recent.delete(this.recent.keys().next().value ?? index);
  }

  /** Keep exchange `index` for the reports: a finding names it. */
  private pin(shown: Set<number>, index: number): void {
    shown.add(index);
    const entry = this.recent.get(index);
    if (entry) this.pinned.set(index, entry);
  }

  private has(rule: string): boolean {
    return this.rules.has(rule);
  }

  private scope(rule: string, source?: string): FindingScope {
    const r = this.rules.get(rule);
    return { caseId: rule, dialect: this.options.dialect, level: this.levels.get(rule) ?? 'MUST', docRef: r?.docRef ?? source ?? '', rule, source: source ?? r?.docRef ?? '' };
  }

  /** Record that `rules` were judged on exchange `index`, with the findings that broke them (each rule its own copy). */
  private judged(rules: readonly string[], index: number, found: readonly Finding[], source?: string): void {
    const mine = [...new Set(rules.filter((r) => this.has(r)))];
    // Each rule's row gets its own copy of a finding; the copies keep the rule the check judged first, so that the
    // reports fold them into one cause (reporters/buckets.ts) instead of repeating the message and curl per rule.
    const primary = mine[0];
    for (const rule of mine) {
      const tally = this.tallies.get(rule) ?? { judged: 0, last: -1, findings: [], shown: new Set<number>(), fingerprints: new Set<string>(), more: 0 };
      this.tallies.set(rule, tally);
      if (tally.last !== index) tally.judged++;
      tally.last = index;
      for (const f of found) {
        const s = this.scope(rule, source ?? f.source);
        const copy: Finding = { ...f, caseId: rule, rule: primary ?? rule, level: s.level, docRef: s.docRef, fingerprint: `${this.options.dialect}/${rule}/${f.check}/${f.fingerprint.split('/').slice(3).join('/')}` };
        this.options.onFinding?.(copy);
        if (tally.findings.length >= FINDINGS_KEPT_PER_RULE && tally.fingerprints.has(copy.fingerprint)) {
          tally.more++;
          continue;
        }
        tally.findings.push(copy);
        tally.fingerprints.add(copy.fingerprint);
        this.pin(tally.shown, index);
      }
    }
  }

  private runCheck(name: CallCheckName, rule: string, ex: Exchange, expect: Expectation, source?: string): Finding[] {
    return CALL_CHECKS[name]({ scope: this.scope(rule, source), exchange: ex, expect, idOf: (k) => k, statusForCode: this.statusForCode });
  }

  private forget(): void {
    this.store.clear();
    this.pending.clear();
    this.refused.clear();
  }

  private providerState(request: WireRequest, response: WireResponse): void {
    if (response.status < 200 || response.status >= 300) return;
    let body: unknown;
    try {
      body = JSON.parse(request.body ?? '');
    } catch {
      return;
    }
    if (typeof body !== 'object' || body === null) return;
    const b = body as { action?: unknown; params?: { instances?: unknown } };
    const list = Array.isArray(b.params?.instances) ? (b.params.instances as unknown[]) : [];
    const entries = list.flatMap((e) => (typeof e === 'object' && e !== null && typeof (e as { id?: unknown }).id === 'string' ? [e as { id: string; status?: unknown; securityLocked?: unknown }] : []));
    if (b.action === 'teardown') {
      for (const e of entries) this.drop(e.id);
      return;
    }
    if (b.action !== 'setup') return;
    const ids = readIdMap(response.bodyText, entries.map((e) => e.id));
    for (const e of entries) {
      if (typeof e.status !== 'string') continue;
      const id = ids.ok ? (ids.map.get(e.id) ?? e.id) : e.id;
      this.drop(id);
      this.store.set(id, { words: [e.status], securityLocked: e.securityLocked === true });
    }
  }

  private drop(id: string): void {
    this.store.delete(id);
    this.pending.delete(id);
    this.refused.delete(id);
  }

  private statusRead(ex: Exchange, at: number, index: number): void {
    const o = ex.outcome;
    const source = this.rules.get('envelope:status')?.docRef;
    if (!o || !o.ok || !o.instances) {
      // A 2xx status answer the dialect cannot read its statuses from breaks the status envelope (an error answer
      // to the status query is not judged: the query is the suite's instrument, DESIGN.md §3).
      const http = ex.response?.status ?? 0;
      if (http >= 200 && http < 300 && o?.error === undefined && this.has('envelope:status')) {
        const received = o ? 'no status entries' : 'an answer that does not decode';
        const found = [makeFinding(this.scope('envelope:status', source), 'decodable', `expected a status answer with the instances' entries (ids and status words), received ${received} with HTTP ${http}`, ex.request, String(http))];
        this.judged(['envelope:status', ...this.observedBy('status-answer')], index, found, source);
      }
      return;
    }
    // The status query's own parameters are its instrument; only its envelope and the parameter that names its action
    // are credited.
    const action = actionParamRule(this.options.dialect, ex.call)?.slice('param:'.length);
    this.judged(['envelope:status', ...this.observedBy('status-answer'), ...(action !== undefined ? this.carriedRules(ex.request, action) : [])], index, [], source);
    const { stopping, stopped } = this.model.words;
    const statuses = new Map(o.instances.flatMap((e) => (e.status !== undefined ? [[e.instanceId, e.status] as const] : [])));
    const read: StatusRead = { statuses, exchanges: [ex], problem: undefined };
    for (const [id, word] of statuses) {
      const p = this.pending.get(id);
      if (p) {
        if (p.firstRead) {
          const rule = `transition:${this.model.words.running}->${stopping}`;
          const source = `${getDialect(this.options.dialect).sources.transition}; ${PINS.stoppingAtOnce}`;
          const found = STEP_CHECKS['state-immediate']({ scope: this.scope(rule, source), expected: [{ alias: id, id, accept: [stopping, stopped] }], read, blame: p.blame });
          this.judged([rule, 'resolution:accepted-stop-reads-stopping'], p.index, found, source);
          this.show(found, index, [rule]);
          p.firstRead = false;
          if (found.length > 0) this.pending.delete(id);
        }
        const rule = `transition:${stopping}->${stopped}`;
        const source = `${getDialect(this.options.dialect).sources.transition}; ${PINS.time}`;
        if (this.pending.has(id) && word === stopped) {
          this.judged([rule], p.index, []);
          this.pending.delete(id);
        } else if (this.pending.has(id) && at - p.at > this.options.pollTimeoutMs) {
          const found = eventualFindings({ scope: this.scope(rule, source), pending: [{ alias: id, id }], last: read, stoppedWord: stopped, timeoutMs: this.options.pollTimeoutMs, blame: p.blame });
          this.judged([rule], p.index, found, source);
          this.show(found, index, [rule]);
          this.pending.delete(id);
        }
      }
      const r = this.refused.get(id);
      if (r) {
        this.refused.delete(id);
        const rule = r.rules[0] ?? 'resolution:failed-request-changes-nothing';
        // Only a move to the stopping or stopped word is a change the refused stop can have made.
        const moved = (word === stopping || word === stopped) && !r.before.includes(word);
        const accept = moved ? r.before : [word];
        const found = STEP_CHECKS['state-immediate']({ scope: this.scope(rule, PINS.unchanged), expected: [{ alias: id, id, accept }], read, blame: r.blame });
        this.judged(r.rules, r.index, found, PINS.unchanged);
        this.show(found, index, r.rules);
      }
      const known = this.store.get(id);
      this.store.set(id, { words: word === stopping ? [stopping, stopped] : [word], securityLocked: known?.securityLocked ?? false });
    }
  }

  /** Add exchange `index` to the exchanges that showed the findings of `rules`. */
  private show(found: readonly Finding[], index: number, rules: readonly string[]): void {
    if (found.length === 0) return;
    for (const rule of rules) {
      const tally = this.tallies.get(rule);
      if (tally && tally.shown.size < FINDINGS_KEPT_PER_RULE) this.pin(tally.shown, index);
    }
  }

  /** The rules an error outcome's problems name: `error:<code>` of the codes it allows, then the situation's own. */
  private problemRules(worlds: readonly World[], call: OperationCall): string[] {
    const out: string[] = [];
    const idsRule = idsParamRule(this.options.dialect, call);
    const actionRule = actionParamRule(this.options.dialect, call);
    for (const w of worlds) {
      if (w.kind !== 'error') continue;
      for (const p of w.problems ?? []) {
        for (const c of p.codes) if (this.has(`error:${c}`)) out.push(`error:${c}`);
        for (const word of p.words ?? []) out.push(`state:not-stoppable=${word}`);
        out.push(...(SITUATION_LIMITS[p.situation] ?? []), ...this.observedBy(`situation:${p.situation}`));
        if (idsRule !== undefined && ID_LIST_SITUATIONS.has(p.situation)) out.push(idsRule);
        if (actionRule !== undefined && p.situation === 'unknown-action') out.push(this.byLowerCase.get(actionRule.toLowerCase()) ?? actionRule);
      }
    }
    return [...new Set(out.filter((r) => this.has(r)))];
  }

  private stop(ex: Exchange, at: number, end: number, index: number): void {
    const call = ex.call;
    const named = [...new Set(call.instanceIds ?? [])];
    // An id the model finds malformed is judged as such whatever the store holds (the empty id, a wrong pattern).
    const unseen = named.filter((id) => !this.store.has(id) && id !== '' && (this.model.idPattern === undefined || this.model.idPattern.test(id)));
    const complete = unseen.length === 0;
    // Ids never observed are judged both ways, as running and as unknown: only what holds either way binds.
    // The model looks up the ids the call names only.
    const known = new Map(named.flatMap((id) => (this.store.has(id) ? [[id, this.store.get(id) as ModelInstance] as const] : [])));
    const store = new Map(known);
    for (const id of unseen) store.set(id, { words: [this.model.words.running], securityLocked: false });
    const worlds = legalWorlds(this.model, store, call);
    const otherWay = complete ? worlds : legalWorlds(this.model, known, call);
    const throttled = throttledWorld(this.model);
    const versionOk = call.version === undefined;
    const o = ex.outcome;
    const isError = o?.error !== undefined && !o.ok;
    const format = expectedFormat(call, ex);
    const xml = format === 'xml';
    const envelope = isError ? (xml ? 'envelope:error-xml' : 'envelope:error') : xml ? 'envelope:success-xml' : 'envelope:success';
    const envelopeRule = this.has(envelope) ? envelope : isError ? 'envelope:error' : 'envelope:success';
    const errors = worlds.filter((w): w is Extract<World, { kind: 'error' }> => w.kind === 'error');
    const successes = worlds.filter((w): w is Extract<World, { kind: 'success' }> => w.kind === 'success');
    const problemRules = this.problemRules(errors, call);
    const successRule = this.has(xml ? 'envelope:success-xml' : 'envelope:success') ? (xml ? 'envelope:success-xml' : 'envelope:success') : 'envelope:success';
    const dry = this.model.spec.dryRun;
    const dryRun = dry !== undefined && String(call.params?.[dry.param]).toLowerCase() === 'true';
    const mainRules =
      successes.length > 0 && errors.length === 0
        ? successes.some((w) => w.perInstance)
          ? ['resolution:batch-successfirst-per-instance', successRule]
          : [successRule]
        : problemRules.length > 0
          ? problemRules
          : ['envelope:error'];
    const dryRules: string[] = [];
    if (dry !== undefined && dryRun) {
      const passes = errors.some((w) => (w.problems ?? []).some((p) => p.situation === 'dry-run-passed'));
      const batch = this.model.spec.batchModes;
      const successFirst = batch !== undefined && call.params?.[batch.param] === batch.perInstance && dry.alwaysPassesWith === batch.perInstance;
      dryRules.push(passes ? 'resolution:dryrun-success-400' : 'resolution:dryrun-failure-real-error', ...(successFirst ? [DRY_RUN_SUCCESS_FIRST_RULE] : []));
      mainRules.push(`param:${dry.param}`, ...dryRules);
    }
    // An error answer shows the error envelope, and where the dialect's errors travel with HTTP 200, that rule too.
    const errorRules = [envelopeRule, ...this.observedBy('error-answer')];
    const base: Expectation = { result: 'not-5xx', ...(format ? { format } : {}) };
    const d = getDialect(this.options.dialect);
    // The answer's envelope, whatever the request was (the not-5xx call checks of the catalog).
    for (const name of callChecksFor(d, base)) {
      if (name === 'transport-ok') continue;
      const rules =
        name === 'content-type' ? [xml ? 'enum:Format=XML' : 'enum:Format=JSON']
        : name === 'decodable' ? [xml ? 'enum:Format=XML' : envelopeRule]
        : name === 'result-kind' && isError ? errorRules
        : name === 'not-server-error' || name === 'result-kind' ? mainRules
        : isError ? errorRules
        : name === 'request-id-present' ? [envelopeRule, ...this.observedBy('request-id')]
        : [envelopeRule];
      const source = name === 'content-type' || name === 'decodable' ? d.sources.contentType ?? d.sources.success : name === 'request-id-present' ? d.sources.requestId : isError ? d.sources.error : d.sources.success;
      const found = this.runCheck(name, rules[0] ?? envelopeRule, ex, base, source);
      this.judged(rules, index, found, source);
    }
    // What is never judged in an answer (open envelopes...): exercised by every answer, failed by no finding.
    this.judged(this.observedBy('answer'), index, []);
    // Each StopInstances answer carries its own request id, where the document says so.
    const requestId = o?.requestId;
    if (d.sources.uniqueRequestId !== undefined && typeof requestId === 'string' && requestId !== '') {
      const earlier = this.requestIds.get(requestId);
      const found = earlier ? STEP_CHECKS['request-id-unique']({ scope: this.scope('envelope:success', d.sources.uniqueRequestId), exchanges: [earlier, ex] }) : [];
      this.judged(['envelope:success', ...this.observedBy('request-id')], index, found, d.sources.uniqueRequestId);
      if (!earlier) {
        this.requestIds.set(requestId, ex);
        // A proxy may run for days: the oldest ids are forgotten (a repeat of one of them goes unseen).
        if (this.requestIds.size > KNOWN_REQUEST_IDS) this.requestIds.delete(this.requestIds.keys().next().value ?? '');
      }
    }
    const served = isServed(ex);
    const throttleCode = throttled?.kind === 'error' && throttled.codes !== 'any' ? throttled.codes[0] : undefined;
    const wasThrottled = throttleCode !== undefined && o?.error?.code === throttleCode;
    if (this.model.spec.burst) {
      this.stops.push({ at, end, refused: wasThrottled, index, request: ex.request, code: o?.error?.code ?? String(o?.httpStatus ?? '') });
      if (this.stops.length > 2 * RATE_ENTRIES_KEPT) this.stops.splice(0, this.stops.length - RATE_ENTRIES_KEPT);
    }
    // The outcome the documents allow, given the statuses observed (skipped for a Version no document allows).
    let matched: World[] = worlds.filter((w) => worldMatches(this.model, this.statusForCode, w, ex));
    if (wasThrottled) return;
    const required = complete ? undefined : agreement(worlds, otherWay);
    const mustSucceed = complete && errors.length === 0 && successes.length > 0;
    const mustFail = complete ? successes.length === 0 && errors.length > 0 : required !== undefined && required.result !== 'success';
    if (versionOk && (complete || required !== undefined)) {
      const found = this.outcomeFindings(ex, worlds, errors, successes, required, mainRules[0] ?? 'envelope:error', matched);
      this.judged(mainRules, index, found);
      if (served && complete) this.creditParams(call, ex.request, index);
    } else {
      matched = served ? successes : [];
    }
    const { stopping, stopped } = this.model.words;
    const expectStop = (ids: Iterable<string>): void => {
      for (const id of ids) {
        this.pending.set(id, { at: end, blame: ex.request, index, firstRead: true });
        this.refused.delete(id);
        this.store.set(id, { words: [stopping, stopped], securityLocked: this.store.get(id)?.securityLocked ?? false });
      }
    };
    const expectUnchanged = (ids: Iterable<string>): void => {
      for (const id of ids) {
        const known = this.store.get(id);
        if (known && !this.pending.has(id)) this.refused.set(id, { blame: ex.request, index, before: known.words, rules: ['resolution:failed-request-changes-nothing', ...dryRules.filter((r) => r !== 'resolution:dryrun-failure-real-error')] });
      }
    };
    if (served) {
      const answered = o?.instances;
      if (answered && successes.some((w) => w.perInstance)) {
        expectStop(answered.flatMap((e) => (e.code === '200' || e.code?.toLowerCase() === 'success' ? [e.instanceId] : [])));
      } else if (matched.some((w) => w.kind === 'success')) {
        for (const w of matched) if (w.kind === 'success') expectStop(w.stops);
      } else if (versionOk && mustFail) {
        // Accepted where the documents require a refusal: the instances must still read what they read.
        expectUnchanged(named);
      } else {
        expectStop(named);
      }
    } else if (versionOk && mustSucceed && !wasThrottled) {
      // Refused where the documents require the stop: the instances every allowed outcome stops must still stop.
      expectStop(named.filter((id) => successes.every((w) => w.stops.has(id))));
    } else if (isError) {
      expectUnchanged(named);
    }
  }

  /** The findings about the outcome: the catalog's result checks where the allowed outcomes agree, else the model's. */
  private outcomeFindings(
    ex: Exchange,
    worlds: readonly World[],
    errors: readonly Extract<World, { kind: 'error' }>[],
    successes: readonly Extract<World, { kind: 'success' }>[],
    required: Expectation | undefined,
    rule: string,
    matched: readonly World[],
  ): Finding[] {
    const source = this.sourceOf(errors, successes);
    if (required !== undefined) return this.runCheck('result-kind', rule, ex, required, source).concat(required.result === 'error' ? this.runCheck('error-code', rule, ex, required, source) : []);
    if (successes.length === 0 && errors.length > 0) {
      const any = errors.some((w) => w.codes === 'any');
      const codes = any ? undefined : [...new Set(errors.flatMap((w) => (w.codes === 'any' ? [] : w.codes)))];
      const statuses = errors.every((w) => w.httpStatus && w.httpStatus.length > 0) ? [...new Set(errors.flatMap((w) => w.httpStatus ?? []))] : undefined;
      const expect: Expectation = codes && codes.length > 0 ? { result: 'error', codes, ...(statuses ? { httpStatus: statuses } : {}) } : { result: 'client-error', ...(statuses ? { httpStatus: statuses } : {}) };
      const names: CallCheckName[] = ['result-kind', ...(expect.result === 'error' ? (['error-code'] as const) : []), 'http-status'];
      const found = names.flatMap((n) => this.runCheck(n, rule, ex, expect, source));
      return found.length > 0 || matched.length > 0 ? found : [this.legal(ex, worlds, rule, source)];
    }
    if (errors.length === 0 && successes.length === 1) {
      const w = successes[0] as Extract<World, { kind: 'success' }>;
      const instances: Record<string, InstanceExpectation> = {};
      for (const [id, want] of w.perInstance ?? []) instances[id] = { code: want.kind === 'success' ? 'success' : want.codes.length > 0 ? want.codes : ['*'] };
      const expect: Expectation = { result: 'success', ...(w.perInstance ? { instances } : {}) };
      const names: CallCheckName[] = ['result-kind', 'http-status', ...(w.perInstance ? (['per-instance'] as const) : [])];
      const found = names.flatMap((n) => this.runCheck(n, rule, ex, expect, source));
      return found.length > 0 || matched.length > 0 ? found : [this.legal(ex, worlds, rule, source)];
    }
    return matched.length > 0 ? [] : [this.legal(ex, worlds, rule, source)];
  }

  private legal(ex: Exchange, worlds: readonly World[], rule: string, source: string): Finding {
    const check: CheckName = 'legal-outcome';
    const o = ex.outcome;
    const got = o?.error ? `HTTP ${o.httpStatus} with error ${o.error.code}` : `HTTP ${o?.httpStatus ?? 0}${o?.ok ? ' with the success envelope' : ''}`;
    return makeFinding(this.scope(rule, source), check, `expected ${worlds.map(describeWorld).join(', or ')}; received ${got}`, ex.request, o?.error?.code ?? String(o?.httpStatus ?? 'no-answer'));
  }

  /** The sources of what was expected: the situations' lines, or the success envelope's. */
  private sourceOf(errors: readonly Extract<World, { kind: 'error' }>[], successes: readonly Extract<World, { kind: 'success' }>[]): string {
    const d = getDialect(this.options.dialect);
    const refs = errors.flatMap((w) => (w.problems ?? []).flatMap((p) => (p.docRef !== undefined ? [p.docRef] : p.situation === 'not-stoppable' ? [this.statesDocRef] : [])));
    if (successes.some((w) => w.perInstance)) refs.push(d.sources.perInstance ?? d.sources.success);
    else if (successes.length > 0) refs.push(d.sources.success);
    return [...new Set(refs)].join('; ') || d.sources.error;
  }

  /** An accepted, well-formed request credits the parameters and values it used. */
  private creditParams(call: OperationCall, request: WireRequest, index: number): void {
    const rules = ['state:stoppable=' + this.model.words.running];
    for (const [name, value] of Object.entries(call.params ?? {})) {
      if (value === null) continue;
      rules.push(`param:${name}`, `enum:${name}=${String(value)}`);
    }
    this.judged([...rules, ...this.carriedRules(request)], index, []);
  }

  /**
   * The rules of every parameter a request carried on the wire (the action, the Version, the region, api3's X-TC-*
   * headers, the id list...), their names as the inventory spells them: a served call shows the target accepts them.
   * Only rules a black box can judge (the inventory's `testable`); `only`: the one parameter of that name.
   */
  private carriedRules(request: WireRequest, only?: string): string[] {
    const carried = carriedParams(request, this.basePath).filter(([name]) => only === undefined || name.toLowerCase() === only.toLowerCase());
    return carried.flatMap(([name, value]) =>
      [`param:${name}`, ...(value !== undefined ? [`enum:${name}=${value}`] : [])].flatMap((id) => {
        const rule = this.byLowerCase.get(id.toLowerCase());
        // A rule the inventory says no black box can judge (the status query's paging...) stays "not observed".
        return rule !== undefined && this.rules.get(rule)?.testable === true ? [rule] : [];
      }),
    );
  }

  /**
   * api3's rate limit (DESIGN.md §3), judged once the whole sequence is known: up to `served` requests within a
   * second are served; of `refused` sent within a second, one sees the code. An observer knows only that a request
   * reached the target between its start and its answer, so a refusal is a finding only where at most `served`
   * requests can have reached the target within its second, and a burst only where all of it certainly did.
   */
  private judgeRate(): void {
    const burst = this.model.spec.burst;
    if (!burst || this.stops.length === 0) return;
    const windowMs = getDialect(this.options.dialect).rateLimit?.windowMs ?? SECOND_MS;
    const rule = 'limit:rate-per-second';
    const source = `${PINS.rate}; ${burst.docRef}`;
    const scope = this.scope(rule, source);
    const all = [...this.stops].sort((a, b) => a.at - b.at);
    // Sorted by start: the requests that can have reached the target within a refused one's second lie between two
    // starts (the longest request bounds how far back), found by binary search, not by a scan of the whole traffic.
    const longest = all.reduce((m, i) => Math.max(m, i.end - i.at), 0);
    const firstStartingAfter = (t: number): number => {
      let lo = 0;
      let hi = all.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((all[mid] as RateEntry).at <= t) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    for (const r of all) {
      if (!r.refused) continue;
      let near = 0;
      for (let j = firstStartingAfter(r.at - windowMs - longest - 1), end = firstStartingAfter(r.end); j < end; j++) if ((all[j] as RateEntry).end > r.at - windowMs) near++;
      const found =
        near <= burst.served
          ? [makeFinding(scope, 'burst-all-served', `expected every request served when at most ${near} StopInstances can have reached the target within ${windowMs} ms (up to ${burst.served} must be served), received ${r.code}`, r.request, r.code)]
          : [];
      this.judged([...this.rateRules(), `error:${r.code}`], r.index, found, source);
    }
    const code = this.model.spec.situations['rate-limited']?.codes?.[0] ?? 'the rate-limit code';
    for (let k = 0; k < all.length; ) {
      const first = all[k] as RateEntry;
      const second: RateEntry[] = [];
      for (let j = k; j < all.length && (all[j] as RateEntry).at < first.at + windowMs; j++) second.push(all[j] as RateEntry);
      const span = second.reduce((m, i) => Math.max(m, i.end), first.end) - first.at;
      if (second.length < burst.refused || span > windowMs) {
        k++;
        continue;
      }
      const refused = second.some((i) => i.refused);
      const found = refused ? [] : [makeFinding(scope, 'burst-some-refused', `expected at least one of ${second.length} StopInstances requests sent and answered within ${Math.round(span)} ms refused with ${code}, received none refused`, first.request, 'none-refused')];
      this.judged([...this.rateRules(), `error:${code}`], first.index, found, source);
      for (const r of this.rateRules()) {
        const tally = this.tallies.get(r);
        for (const i of found.length > 0 && tally ? second : []) this.pin(tally?.shown ?? new Set(), i.index);
      }
      k += second.length;
    }
  }
}
