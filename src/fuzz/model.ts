/**
 * The model of a dialect the fuzzer judges by, read from its spec (`x-vmconform`: the state rules, the limit, the
 * error table, `model.situations` with their codes, the precedence, aliyun's batch modes and dry run): for a
 * StopInstances call and the instances a target holds, every outcome the documents and DESIGN.md allow (several
 * where they allow several). The mechanics (all or nothing, per instance, dry runs) are generic; every dialect fact
 * comes from the spec.
 */
import type { DialectName, Exchange, OperationCall, ParamValue } from '../dialects/types.ts';
import { answerKind, anyCodeMatches, isServed } from '../engine/checks.ts';
import type { StatusForCode } from '../engine/spec-status.ts';
import { getDialect } from '../dialects/index.ts';
import { specExtension, type Situation, type SituationRule, type SpecModel, type VmconformExtension } from '../specs/extension.ts';
import { ruleInventory, type ParamFacts } from '../specs/inventory.ts';
import { FUZZ_PROPERTIES, type FuzzPropertyName } from './names.ts';

/** What the model knows of one instance: the words it may read now, and its security lock. */
export interface ModelInstance {
  /** `[seeded word]`, or `[stopping, stopped]` once a stop was accepted. */
  readonly words: readonly string[];
  readonly securityLocked: boolean;
}

/** The instances a target holds, as the model sees them. */
export type ModelStore = ReadonlyMap<string, ModelInstance>;

/** A per-instance result the model allows (aliyun SuccessFirst). */
export type InstanceOutcome = { readonly kind: 'success' } | { readonly kind: 'error'; readonly codes: readonly string[] };

/** One outcome the model allows. `why` says which rule leads there, for messages. */
export type World =
  | {
      readonly kind: 'success';
      /** Ids this outcome stops (they read the stopping or stopped word afterwards). */
      readonly stops: ReadonlySet<string>;
      /** For a per-instance batch: what each requested id's entry must say. */
      readonly perInstance?: ReadonlyMap<string, InstanceOutcome>;
      /**
       * How often the request named each id: an id named twice may get an entry per naming (nothing documents
       * duplicates; DESIGN.md §3 allows ignoring them, so one entry per distinct id is legal too).
       */
      readonly listed?: ReadonlyMap<string, number>;
      readonly why: string;
    }
  | {
      readonly kind: 'error';
      /** Any of these codes (`*` suffix: a prefix), or `any` code of a client error. */
      readonly codes: readonly string[] | 'any';
      /** HTTP statuses the document gives, when it does (else the spec's status per code, or any 4xx). */
      readonly httpStatus?: readonly number[];
      readonly why: string;
      /** The problems that lead here (an observer names the rules they break: `vmconform judge`). */
      readonly problems?: readonly WorldProblem[];
    };

/** One problem behind an error outcome: the model's situation (`not-stoppable` with the word read), and its source. */
export interface WorldProblem {
  readonly situation: Situation | 'not-stoppable';
  /** For `not-stoppable`: the status words that may not be stopped. */
  readonly words?: readonly string[];
  readonly codes: readonly string[];
  readonly docRef: string | undefined;
}

/** A dialect's model, resolved from its spec once. */
export interface DialectModel {
  readonly dialect: DialectName;
  readonly spec: SpecModel;
  readonly words: { readonly running: string; readonly stopping: string; readonly stopped: string };
  readonly stoppable: readonly string[];
  /** Codes (and status) for each word that may not be stopped. */
  readonly notStoppable: ReadonlyMap<string, { readonly codes: readonly string[]; readonly httpStatus: number }>;
  readonly maxIds: number;
  readonly idPattern: RegExp | undefined;
  /** StopInstances parameters the spec declares, by name, with their facts. */
  readonly params: ReadonlyMap<string, ParamFacts>;
  /** True when errors travel with HTTP 200 (tencent). */
  readonly errorsAsHttp200: boolean;
}

const cache = new Map<DialectName, DialectModel>();

/**
 * The model of a dialect, read from `specs/<dialect>.yaml`.
 *
 * @example
 * dialectModel('zenlayer-vm').notStoppable.get('RECYCLE') // { codes: ['OPERATION_DENIED_INSTANCE_RECYCLED'], httpStatus: 403 }
 */
export function dialectModel(dialect: DialectName): DialectModel {
  const hit = cache.get(dialect);
  if (hit) return hit;
  const ext: VmconformExtension = specExtension(dialect);
  const limit = ext.limits.find((l) => l.id === 'instance-ids-max');
  const params = new Map<string, ParamFacts>();
  for (const rule of ruleInventory(dialect)) {
    if (rule.kind === 'param' && rule.param && !params.has(rule.param.name)) params.set(rule.param.name, rule.param);
  }
  const model: DialectModel = {
    dialect,
    spec: ext.model,
    words: { running: ext.states.running, stopping: ext.states.stopping, stopped: ext.states.stopped },
    stoppable: ext.states.stoppable,
    notStoppable: new Map(ext.states.notStoppable.map((n) => [n.status, { codes: n.codes, httpStatus: n.httpStatus }])),
    maxIds: limit?.value ?? 100,
    idPattern: ext.model.idPattern === undefined ? undefined : new RegExp(ext.model.idPattern),
    params,
    errorsAsHttp200: getDialect(dialect).errorsAsHttp200,
  };
  cache.set(dialect, model);
  return model;
}

/** One problem of a request, with what the spec says it must answer. */
interface Problem {
  readonly situation: Situation | 'not-stoppable';
  readonly rule: Pick<SituationRule, 'codes' | 'clientError' | 'httpStatus' | 'orIgnored'> & { readonly docRef?: string };
  readonly detail: string;
  /** For `not-stoppable`: the words read. */
  readonly words?: readonly string[];
}

/** Whether a value is a valid value of a parameter per its spec facts (enum member; a boolean for a Boolean). */
export function isValidParamValue(facts: ParamFacts, value: Exclude<ParamValue, null>): boolean {
  // A boolean is encoded by the dialect (tencent api2 `TRUE`, aliyun `true`): compare it without letter case.
  if (facts.enum && typeof value === 'boolean') return facts.enum.some((e) => String(e).toLowerCase() === String(value));
  if (facts.enum) return facts.enum.some((e) => String(e) === String(value));
  if (facts.type === 'boolean') return typeof value === 'boolean';
  if (facts.type === 'string') return typeof value === 'string';
  if (facts.type === 'integer' || facts.type === 'number') return typeof value === 'number';
  return true;
}

function situation(m: DialectModel, s: Situation, detail: string): Problem | undefined {
  const rule = m.spec.situations[s];
  return rule ? { situation: s, rule, detail } : undefined;
}

/** The per-id problem of one id, if any. */
function idProblem(m: DialectModel, store: ModelStore, id: string, restop = false): Problem | undefined {
  if (id === '') {
    const empty = situation(m, 'empty-id', 'an empty id');
    if (empty) return empty;
  }
  if (typeof id !== 'string' || id === '' || (m.idPattern !== undefined && !m.idPattern.test(id))) {
    return situation(m, 'malformed-id', `malformed id ${JSON.stringify(id)}`) ?? situation(m, 'unreadable', `id ${JSON.stringify(id)}`);
  }
  const inst = store.get(id);
  if (!inst) return situation(m, 'unknown-id', `unknown id ${id}`);
  if (inst.securityLocked) {
    const locked = situation(m, 'security-locked', `security-locked ${id}`);
    if (locked) return locked;
  }
  const either = getDialect(m.dialect).stopIdempotent ?? [];
  const bad = inst.words.filter((w) => !m.stoppable.includes(w) && !(restop && either.includes(w)));
  if (bad.length === 0) return undefined;
  // A word whose stop may also be refused (aws-ec2 stopping, stopped) is refused with the wrong-state code (aws-ec2.md:181).
  const refusedAgain = getDialect(m.dialect).codes.wrongState.code;
  const codes = [...new Set(bad.flatMap((w) => m.notStoppable.get(w)?.codes ?? (either.includes(w) ? [refusedAgain] : [])))];
  const statuses = [...new Set(bad.flatMap((w) => m.notStoppable.get(w)?.httpStatus ?? []))];
  // An instance that may read a stoppable word or not (cannot happen with seeded words) would allow both.
  return { situation: 'not-stoppable', rule: { codes, httpStatus: statuses }, detail: `${id} reads ${bad.join(' or ')}`, words: bad };
}

/** The error outcome of a set of problems: any code that applies, unless a precedence pins the winner. */
function errorWorld(m: DialectModel, problems: readonly Problem[]): World {
  const why = problems.map((p) => p.detail).join('; ');
  // The document's statuses bind only when one problem decides the answer (several: any that applies).
  const statuses = problems.length === 1 ? problems[0]?.rule.httpStatus : undefined;
  const withStatus = statuses && statuses.length > 0 ? { httpStatus: statuses } : {};
  const named = problems.map((p): WorldProblem => ({ situation: p.situation, ...(p.words ? { words: p.words } : {}), codes: p.rule.codes ?? [], docRef: p.rule.docRef }));
  if (problems.some((p) => p.rule.clientError)) return { kind: 'error', codes: 'any', ...withStatus, why, problems: named };
  let codes = [...new Set(problems.flatMap((p) => p.rule.codes ?? []))];
  for (const rule of m.spec.precedence ?? []) {
    if (codes.includes(rule.winner)) codes = codes.filter((c) => !rule.over.includes(c));
  }
  return { kind: 'error', codes, ...withStatus, why, problems: named };
}

/** A branch of the evaluation: the request as the target may take it (problems it may ignore, ignored or not). */
interface Branch {
  readonly ids: readonly string[] | undefined;
  readonly problems: readonly Problem[];
  /** The branch where the target stops again an instance already stopping or stopped, changing nothing (aws-ec2.md:181). */
  readonly restop?: boolean;
}

/** `InstanceIds.0` on a 1-based dialect and the like: an extra query parameter naming an id at a wrong index. */
function wrongIndexId(name: string): boolean {
  return /^Instance(Ids?)\.\d+$/.test(name);
}

/**
 * Every outcome the model allows for a StopInstances call against the instances `store` holds.
 *
 * @example
 * legalWorlds(dialectModel('aliyun-ecs'), store, { operation: 'StopInstances', instanceIds: ['i-x'] })
 */
export function legalWorlds(m: DialectModel, store: ModelStore, call: OperationCall): World[] {
  if (call.operation !== 'StopInstances') return [];
  if (call.action !== undefined) return [errorWorld(m, [situation(m, 'unknown-action', `unknown action ${call.action}`) as Problem])];
  const fixed: Problem[] = [];
  if (call.rawBody !== undefined) fixed.push(situation(m, 'unreadable', 'an unreadable body') as Problem);
  if (call.region === null) {
    const p = situation(m, 'missing-region', 'no region');
    if (p) fixed.push(p);
  }
  for (const [name, value] of Object.entries(call.params ?? {})) {
    if (value === null) continue;
    const facts = m.params.get(name);
    if (facts === undefined) continue; // unknown parameters are judged below, with the extra query
    if (isValidParamValue(facts, value)) continue;
    // A value of the wrong JSON type where the wire carries types (DESIGN.md §3: tencent InvalidParameter too).
    const wrongType = (call.style ?? getDialect(m.dialect).styles[0]) === 'json' && typeof value !== (facts.type === 'integer' ? 'number' : facts.type);
    fixed.push((wrongType ? situation(m, 'wrong-type', `${name}=${JSON.stringify(value)}`) : undefined) ?? (situation(m, 'invalid-value', `${name}=${JSON.stringify(value)}`) as Problem));
  }
  // Branches: each problem the target may ignore doubles them (ignored, or answered as a client error).
  let branches: Branch[] = [{ ids: call.instanceIds, problems: fixed }];
  const fork = (s: Situation, detail: string, ignored: (b: Branch) => Branch): void => {
    const p = situation(m, s, detail);
    if (!p) return;
    branches = branches.flatMap((b) => (p.rule.orIgnored ? [{ ...b, problems: [...b.problems, p] }, ignored(b)] : [{ ...b, problems: [...b.problems, p] }]));
  };
  const unknownParams = Object.keys(call.params ?? {}).filter((n) => call.params?.[n] !== null && !m.params.has(n));
  for (const name of unknownParams) fork('unknown-param', `unknown parameter ${name}`, (b) => b);
  for (const [name, value] of call.extraQuery ?? []) {
    if (wrongIndexId(name)) fork('wrong-index', `${name}=${value} (a wrong index)`, (b) => b);
    else fork('unknown-param', `unknown parameter ${name}`, (b) => b);
  }
  const withWrongIndexIds = (call.extraQuery ?? []).filter(([n]) => wrongIndexId(n)).map(([, v]) => v);
  if (withWrongIndexIds.length > 0) {
    // A wrong-index id the target does not refuse may also be taken as one more id.
    branches = branches.flatMap((b) => (b.problems.some((p) => p.situation === 'wrong-index') ? [b] : [b, { ...b, ids: [...(b.ids ?? []), ...withWrongIndexIds] }]));
  }
  // DESIGN.md §3 eligibility: a value valid only for some instances may be refused (a client error, nothing changed).
  for (const e of m.spec.eligibility ?? []) {
    if (call.params?.[e.param] === e.value) fork('ineligible', `${e.param}=${e.value} (valid only for some instances)`, (b) => b);
  }
  const ids = call.instanceIds;
  if (ids !== undefined && new Set(ids).size < ids.length) fork('duplicate-ids', 'an id named twice', (b) => ({ ...b, ids: b.ids === undefined ? undefined : [...new Set(b.ids)] }));
  // aws-ec2.md:181: an instance already stopping or stopped may be stopped again (nothing changes) or refused.
  if ((ids ?? []).some((id) => restoppable(m, store, id))) branches = branches.flatMap((b) => [b, { ...b, restop: true }]);
  return branches.flatMap((b) => evaluate(m, store, call, b));
}

/** Whether an instance reads a word whose stop may succeed without a change or be refused (aws-ec2 stopping, stopped). */
function restoppable(m: DialectModel, store: ModelStore, id: string): boolean {
  const either = getDialect(m.dialect).stopIdempotent ?? [];
  return store.get(id)?.words.some((w) => either.includes(w)) ?? false;
}

/** The outcomes of one branch. */
function evaluate(m: DialectModel, store: ModelStore, call: OperationCall, b: Branch): World[] {
  const problems = [...b.problems];
  const ids = b.ids === undefined ? undefined : [...new Set(b.ids)];
  if (ids === undefined || (ids.length === 0 && m.spec.situations['empty-ids'] === undefined)) {
    problems.push(situation(m, 'missing-ids', 'no id list') as Problem);
  } else if (ids.length === 0) {
    problems.push(situation(m, 'empty-ids', 'an empty id list') as Problem);
  } else if ((b.ids ?? []).length > m.maxIds) {
    problems.push(situation(m, 'too-many-ids', `${(b.ids ?? []).length} ids (at most ${m.maxIds})`) as Problem);
  }
  const requestLevel = problems.filter((p) => p !== undefined);
  const perId = new Map<string, Problem | undefined>((ids ?? []).slice(0, m.maxIds + 1).map((id) => [id, idProblem(m, store, id, b.restop === true)]));
  const idProblems = [...perId.values()].filter((p): p is Problem => p !== undefined);
  const params = call.params ?? {};
  const batch = m.spec.batchModes;
  const perInstanceMode = batch !== undefined && params[batch.param] === batch.perInstance;
  const dry = m.spec.dryRun;
  const dryRun = dry !== undefined && (params[dry.param] === true || String(params[dry.param]).toLowerCase() === 'true');
  const passCodes = m.spec.situations['dry-run-passed']?.codes ?? [];
  const passRule = m.spec.situations['dry-run-passed'];
  const passed: World = {
    kind: 'error',
    codes: passCodes,
    httpStatus: passRule?.httpStatus ?? [],
    why: 'a dry run that passes',
    problems: [{ situation: 'dry-run-passed', codes: passCodes, docRef: passRule?.docRef }],
  };
  const worlds: World[] = [];
  if (dryRun && perInstanceMode && dry?.alwaysPassesWith === batch?.perInstance) {
    // "only DRYRUN.SUCCESS is returned regardless of whether the request passes the dry run" (004:25); a request-level
    // problem may still be answered as such.
    worlds.push(passed);
    if (requestLevel.length > 0) worlds.push(errorWorld(m, requestLevel));
    return worlds;
  }
  if (requestLevel.length > 0) return [errorWorld(m, [...requestLevel, ...idProblems])];
  if (perInstanceMode && !dryRun) {
    const perInstance = new Map<string, InstanceOutcome>();
    const stops = new Set<string>();
    for (const [id, p] of perId) {
      if (p === undefined) {
        perInstance.set(id, { kind: 'success' });
        stops.add(id);
      } else if (p.situation === 'malformed-id') {
        // DESIGN.md §3: a malformed id gets InvalidInstanceId.NotFound (the document's i-TestID) or the malformed code.
        perInstance.set(id, { kind: 'error', codes: [...new Set([...(p.rule.codes ?? []), ...(m.spec.situations['unknown-id']?.codes ?? [])])] });
      } else {
        perInstance.set(id, { kind: 'error', codes: p.rule.clientError ? [] : (p.rule.codes ?? []) });
      }
    }
    const listed = new Map<string, number>();
    for (const id of call.instanceIds ?? []) listed.set(id, (listed.get(id) ?? 0) + 1);
    return [{ kind: 'success', stops, perInstance, listed, why: 'a per-instance batch: each id answered on its own' }];
  }
  if (idProblems.length > 0) return [errorWorld(m, idProblems)];
  if (dryRun) return [passed];
  // An instance stopped again stays as it is (aws-ec2.md:181): only the others stop.
  const stops = (ids ?? []).filter((id) => !(b.restop === true && restoppable(m, store, id)));
  return [{ kind: 'success', stops: new Set(stops), why: b.restop === true ? 'every id may be stopped (or stopped again, unchanged)' : 'every id may be stopped' }];
}

/** The outcome when a StopInstances call answered with the throttle code of a rate-limited dialect: nothing changed. */
export function throttledWorld(m: DialectModel): World | undefined {
  const rule = m.spec.situations['rate-limited'];
  return rule?.codes
    ? { kind: 'error', codes: rule.codes, why: 'the rate limit (refused requests change nothing)', problems: [{ situation: 'rate-limited', codes: rule.codes, docRef: rule.docRef }] }
    : undefined;
}

/**
 * The fuzz properties a dialect has: every one, except `rate-limit` where the spec models no burst (fast-check is not
 * loaded here, so the command line can check `--property` before the preflight).
 *
 * @example
 * fuzzPropertiesOf('zenlayer-vm').includes('rate-limit') // false
 */
export function fuzzPropertiesOf(dialect: DialectName): FuzzPropertyName[] {
  return FUZZ_PROPERTIES.filter((p) => p !== 'rate-limit' || dialectModel(dialect).spec.burst !== undefined);
}

/**
 * The body format an answer must have: XML when aliyun's `Format` says XML or is absent on an RPC request (the
 * default, DESIGN.md §3), JSON otherwise; either for a `Format` no document allows or the ACS3 style.
 */
export function expectedFormat(call: OperationCall, ex: Exchange): 'json' | 'xml' | undefined {
  const params = call.params ?? {};
  if (!Object.hasOwn(params, 'Format')) return call.format === 'XML' ? 'xml' : undefined;
  const format = params['Format'];
  if (call.style === 'acs3' || (format !== null && format !== 'JSON' && format !== 'XML')) {
    const got = ex.outcome?.format;
    return got === 'xml' || got === 'json' ? got : undefined;
  }
  return format === 'JSON' ? 'json' : 'xml';
}

/** An outcome the model allows, in words (for messages). */
export function describeWorld(w: World): string {
  if (w.kind === 'error') return `an error ${w.codes === 'any' ? '(any client error)' : `with ${w.codes.join(' or ')}`} (${w.why})`;
  if (w.perInstance) {
    const entries = [...w.perInstance].map(([id, o]) => `${id}: ${o.kind === 'success' ? '200' : o.codes.join('|') || 'any code'}`);
    return `the success envelope with one InstanceResponse per id (${entries.join(', ')})`;
  }
  return `the success envelope stopping ${w.stops.size === 0 ? 'nothing' : [...w.stops].join(', ')} (${w.why})`;
}

/**
 * Whether an answer is one of the outcomes a world allows: the success envelope (with the per-instance entries it
 * names), or the error envelope with one of its codes and the HTTP status the document (or the spec's table) gives.
 *
 * @example
 * worlds.filter((w) => worldMatches(model, statusForCodeOf(model.dialect), w, exchange))
 */
export function worldMatches(m: DialectModel, statusForCode: StatusForCode, world: World, ex: Exchange): boolean {
  const o = ex.outcome;
  if (!o) return false;
  if (world.kind === 'success') {
    if (!isServed(ex)) return false;
    if (!world.perInstance) return true;
    const entries = o.instances ?? [];
    for (const [id, want] of world.perInstance) {
      const mine = entries.filter((e) => e.instanceId === id);
      // One entry per id; an id the request named twice may get one per naming (see World.listed).
      if (mine.length === 0 || mine.length > (world.listed?.get(id) ?? 1)) return false;
      const ok = (e: { code?: string }): boolean => {
        const code = e.code ?? '';
        return want.kind === 'success' ? code === '200' || code.toLowerCase() === 'success' : want.codes.length === 0 ? code !== '200' : anyCodeMatches(want.codes, code);
      };
      // A stoppable id named twice: one entry says it stopped, a later one may refuse the instance it already stops.
      if (want.kind === 'success' ? !mine.some(ok) : !mine.every(ok)) return false;
    }
    return entries.every((e) => world.perInstance?.has(e.instanceId));
  }
  if (answerKind(ex) !== 'error' || o.error === undefined) return false;
  const code = o.error.code;
  if (world.codes !== 'any' && !anyCodeMatches(world.codes, code)) return false;
  if (m.errorsAsHttp200) return o.httpStatus === 200;
  if (world.httpStatus && world.httpStatus.length > 0) return world.httpStatus.includes(o.httpStatus);
  const documented = world.codes === 'any' ? undefined : statusForCode(code);
  return documented ? documented.includes(o.httpStatus) : o.httpStatus >= 400 && o.httpStatus < 500;
}
