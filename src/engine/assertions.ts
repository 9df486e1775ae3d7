/**
 * The assertion plan of a case row: every check the engine runs for the row, step by step, each with what it expects
 * (one line), its source (a seed line or a DESIGN.md pin, DESIGN.md §5) and the inventory rule it judges. The engine
 * runs exactly the checks of the plan and every finding takes its rule and source from the assertion it breaks;
 * `vmconform cases --json` prints the plan, so the catalog can be audited without reading code.
 */
import type { CallStep, CaseRow, Expectation, IdRef, Step } from '../cases/types.ts';
import { getDialect } from '../dialects/index.ts';
import type { Dialect, DialectName } from '../dialects/types.ts';
import { NEXT_REFERENCE, SOURCE_FILE } from '../specs/doc-ref.ts';
import { specExtension } from '../specs/extension.ts';
import { ruleInventory } from '../specs/inventory.ts';
import { callChecksFor, type CallCheckName, type StepCheckName } from './checks.ts';
import { statusForCodeOf } from './spec-status.ts';

/** The name of a check an assertion runs: a call check or a step check of `checks.ts`. */
export type AssertionCheck = CallCheckName | StepCheckName;

/**
 * What a state check is about: the instances a step stops (`stopped`) or those it must leave as they were
 * (`unchanged`). Findings of `state-immediate` carry it, so each takes the rule and source of its own assertion.
 */
export type StateSubject = 'stopped' | 'unchanged';

/** One assertion of a case: a check, at a step, what it expects and why. */
export interface Assertion {
  /** The 1-based step it judges; absent for assertions over the whole case (`request-id-unique`). */
  readonly step?: number;
  readonly check: AssertionCheck;
  /** What must hold, in one line. */
  readonly expect: string;
  /** `NNN_<hex>.txt:L[-L] <quote>` or `DESIGN.md §N <words of the pin>`; several joined with `; `. */
  readonly source: string;
  /** The rule inventory id it judges (`src/specs/inventory.ts`). */
  readonly rule: string;
  /** For state checks: which instances (see {@link StateSubject}). */
  readonly subject?: StateSubject;
}

/** A source file's line at the start of a reference, and nothing of its quote. */
const SOURCE_LINE = new RegExp(String.raw`^(${SOURCE_FILE}:\d+(?:-\d+)?)(?:\s|$)`);

/**
 * A source as an assertion cites it: each seed reference as `NNN_<hex>.txt:L[-L]` (the line, not its quote), each
 * DESIGN.md pin as `DESIGN.md §N` and its first words; duplicates dropped, `; ` between them.
 *
 * @example
 * compactSource('004_edc2cde202d0f4dc.txt:68 RequestId String; DESIGN.md §3 A request that fails changes nothing, in every dialect')
 * // '004_edc2cde202d0f4dc.txt:68; DESIGN.md §3 A request that fails changes nothing'
 */
export function compactSource(source: string): string {
  const parts = source.split(NEXT_REFERENCE);
  const out: string[] = [];
  for (const part of parts) {
    const seed = SOURCE_LINE.exec(part);
    const design = /^(DESIGN\.md §\d+) (.+)$/s.exec(part);
    let text = part.trim();
    if (seed) text = seed[1] as string;
    else if (design) {
      const words = (design[2] as string).split(/\s+/);
      let first = '';
      for (const w of words) {
        if (first.length > 0 && first.length + w.length > 60) break;
        first = first === '' ? w : `${first} ${w}`;
      }
      text = `${design[1] as string} ${first.replace(/[,:;]$/, '')}`;
    }
    if (!out.includes(text)) out.push(text);
  }
  return out.join('; ');
}

/** The pins behind the engine's generic expectations (DESIGN.md §3), cited by {@link assertionsOf}. */
export const PINS = Object.freeze({
  clientError: 'DESIGN.md §3 a case asserts the least any sane provider must do: a client error',
  noCode: 'DESIGN.md §3 A code the seed documents do not list is never required',
  unchanged: 'DESIGN.md §3 A request that fails changes nothing, in every dialect',
  persists: 'DESIGN.md §3 A seeded instance keeps its status until an API call changes it',
  stoppingAtOnce: 'DESIGN.md §3 After an accepted stop, the instance reads STOPPING or STOPPED at once and STOPPED within a bounded time',
  time: "DESIGN.md §3 Time: no seed bounds how long a stop takes (bare metal takes minutes). The user's `--poll-timeout` is the bound",
  notFiveXx: 'DESIGN.md §3 never a 5xx, and no instance changed state',
  eitherEnvelope: 'DESIGN.md §3 What makes an answer an error',
  live: "DESIGN.md §3 the live API's `UnsupportedOperation.InstanceState*` codes are accepted too",
  tencentType: 'DESIGN.md §3 tencent: a value of the wrong JSON type',
  aliyunMalformed: 'DESIGN.md §3 aliyun-ecs malformed ids: the seed never says which ids are malformed',
  rate: 'DESIGN.md §3 api3 rate limit: 10 requests within a second must be served',
});

/** Codes the pins accept beyond a seed's error table, with the pin that does. */
const PINNED_CODES: readonly (readonly [RegExp, string])[] = [
  [/^UnsupportedOperation\.InstanceState/, PINS.live],
  [/^InvalidParameter$/, PINS.tencentType],
];

interface Book {
  /** alias -> accepted words, `undefined` when the outcome decides (not-5xx). */
  readonly words: Map<string, readonly string[]>;
}

/** The ids a call names, as written in the row (aliases, unknown and literal ids). */
function refName(ref: IdRef): string {
  if (typeof ref === 'string') return ref;
  return 'literal' in ref ? JSON.stringify(ref.literal) : `an unknown id (${ref.unknown})`;
}

function list(words: readonly string[], sep = ' or '): string {
  return words.join(sep);
}

/** Per-dialect facts the plan needs, computed once. */
interface DialectFacts {
  readonly dialect: Dialect;
  readonly rules: ReadonlySet<string>;
  readonly codeSource: (code: string) => string | undefined;
  readonly statusForCode: (code: string) => readonly number[] | undefined;
}

const facts = new Map<DialectName, DialectFacts>();

function factsOf(name: DialectName): DialectFacts {
  const hit = facts.get(name);
  if (hit) return hit;
  const errors = specExtension(name).errors;
  const made: DialectFacts = {
    dialect: getDialect(name),
    rules: new Set(ruleInventory(name).map((r) => r.id)),
    codeSource: (code) => {
      const rows = errors.filter((e) => e.code === code && e.source !== 'common');
      if (rows.length > 0) return [...new Set(rows.map((e) => e.docRef))].join('; ');
      return PINNED_CODES.find(([re]) => re.test(code))?.[1];
    },
    statusForCode: statusForCodeOf(name),
  };
  facts.set(name, made);
  return made;
}

/** The first of `candidates` that is a rule of the dialect, else the row's first rule (else `envelope:success`). */
function pickRule(f: DialectFacts, row: CaseRow, ...candidates: readonly (string | undefined)[]): string {
  for (const c of candidates) if (c !== undefined && f.rules.has(c)) return c;
  return row.rules.find((r) => f.rules.has(r)) ?? row.rules[0] ?? 'envelope:success';
}

/** The sources of the codes an expectation accepts (the row's docRef where a code has none of its own). */
function codesSource(f: DialectFacts, row: CaseRow, codes: readonly string[]): string {
  const parts = codes.map((c) => f.codeSource(c) ?? row.docRef);
  return [...new Set(parts.flatMap((p) => p.split('; ')))].join('; ');
}

function resultWords(dialect: Dialect, e: Expectation): string {
  const http200Errors = dialect.errorsAsHttp200;
  switch (e.result) {
    case 'success':
      return 'the success envelope with HTTP 200';
    case 'error':
      return `the error envelope (${http200Errors ? 'HTTP 200 with Response.Error' : 'HTTP 4xx/5xx with a code'})`;
    case 'client-error':
      return http200Errors ? 'a client error: HTTP 200 with Response.Error, any code' : 'a client error: HTTP 4xx with the error envelope, any code';
    case 'not-5xx':
      return `the success envelope with HTTP 200 or the error envelope (${http200Errors ? 'HTTP 200 with Response.Error' : 'HTTP 4xx'})`;
  }
}

function callAssertions(f: DialectFacts, row: CaseRow, n: number, step: CallStep): Assertion[] {
  const d = f.dialect;
  const e = step.expect;
  const isStatus = step.call.operation === 'DescribeStatus';
  const envelopeRule = e.result === 'success' ? (isStatus ? 'envelope:status' : 'envelope:success') : 'envelope:error';
  // `xml`: the call asked for XML (aliyun Format=XML); a dialect that answers XML only (aws-ec2) needs no asking.
  const format = e.format ?? d.bodyFormat;
  const xml = e.format === 'xml';
  const codes = e.codes ?? [];
  const codeRule = codes.map((c) => `error:${c}`).find((r) => f.rules.has(r));
  const mainRule =
    e.result === 'success'
      ? pickRule(f, row, xml ? `${envelopeRule}-xml` : undefined, envelopeRule)
      : e.result === 'error'
        ? pickRule(f, row, codeRule, envelopeRule)
        : pickRule(f, row, row.rules[0]);
  const answerSource = e.result === 'success' ? row.docRef : e.result === 'error' ? codesSource(f, row, codes) : e.result === 'client-error' ? PINS.clientError : PINS.notFiveXx;
  const out: Assertion[] = [];
  for (const check of callChecksFor(d, e)) {
    const a = (expect: string, source: string, rule: string): void => {
      out.push({ step: n, check, expect, source, rule });
    };
    switch (check) {
      case 'transport-ok':
        a('an HTTP answer', d.sources.requestId, mainRule);
        break;
      case 'not-server-error':
        a('no 5xx', answerSource, mainRule);
        break;
      case 'decodable':
        a(
          xml ? "an XML body in the dialect's envelope (Format=XML)" : `a ${format.toUpperCase()} body in the dialect's envelope`,
          xml || d.sources.contentType !== undefined ? `${d.sources.contentType ?? d.sources.success}` : e.result === 'success' ? d.sources.success : d.sources.error,
          pickRule(f, row, xml ? 'enum:Format=XML' : undefined, envelopeRule),
        );
        break;
      case 'content-type':
        a(
          xml ? 'Content-Type application/xml or text/xml (Format=XML)' : 'Content-Type application/json (Format=JSON)',
          d.sources.contentType ?? d.sources.success,
          pickRule(f, row, xml ? 'enum:Format=XML' : 'enum:Format=JSON', envelopeRule),
        );
        break;
      case 'result-kind':
        a(resultWords(d, e), e.result === 'success' ? `${row.docRef}; ${d.sources.success}` : e.result === 'error' ? `${answerSource}; ${d.sources.error}` : `${answerSource}; ${d.sources.error}`, mainRule);
        break;
      case 'error-code': {
        const not = e.notCodes ?? [];
        const parts: string[] = [];
        if (codes.length > 0) parts.push(`${e.result === 'not-5xx' ? 'if refused, ' : ''}error code ${list(codes)}`);
        if (not.length > 0) parts.push(`${codes.length > 0 ? 'and ' : 'an error code '}other than ${list(not)}`);
        a(parts.join(' '), codes.length > 0 ? codesSource(f, row, codes) : row.docRef, pickRule(f, row, codeRule));
        break;
      }
      case 'http-status': {
        const explicit = e.httpStatus;
        let statuses: readonly number[] = explicit ?? [];
        let source = row.docRef;
        if (!explicit && e.result === 'success') {
          statuses = [200];
          source = d.sources.success;
        } else if (!explicit && e.result === 'error') {
          statuses = [...new Set(codes.flatMap((c) => f.statusForCode(c) ?? []))].sort((x, y) => x - y);
          source = d.errorsAsHttp200 ? d.sources.error : codesSource(f, row, codes);
        }
        if (e.result === 'client-error' && !explicit) {
          a(d.errorsAsHttp200 ? 'HTTP 200 (the error travels in Response.Error)' : 'HTTP 4xx', `${PINS.clientError}; ${d.sources.error}`, mainRule);
        } else if (statuses.length > 0) {
          a(`HTTP ${list(statuses.map(String))}`, source, e.result === 'error' ? pickRule(f, row, codeRule) : mainRule);
        }
        break;
      }
      case 'schema-valid':
        a(
          "the answer matches the spec's response schema (each constraint cites its own source)",
          e.result === 'success' ? d.sources.success : d.sources.error,
          pickRule(f, row, xml ? `${envelopeRule}-xml` : undefined, envelopeRule),
        );
        break;
      case 'request-id-present':
        a('a non-empty request id', d.sources.requestId, pickRule(f, row, envelopeRule));
        break;
      case 'per-instance': {
        const entries = Object.entries(e.instances ?? {}).map(([key, want]) => `${key}: ${want.code === 'success' ? 'Code 200' : list(want.code)}`);
        a(`one result per requested id (${entries.join('; ')})`, `${d.sources.perInstance ?? row.docRef}; ${row.docRef}`, pickRule(f, row, 'resolution:batch-successfirst-per-instance'));
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/** The aliases a call step names that the row seeds. */
function namedSeeds(row: CaseRow, step: Step, n?: number): string[] {
  const seeded = new Set(row.instances.map((s) => s.alias));
  const names = (step.call.ids ?? []).flatMap((r) => (typeof r === 'string' ? [n === undefined ? r : r.split('{n}').join(String(n))] : []));
  return [...new Set(names.filter((a) => seeded.has(a) || seeded.has(a.replace(/\d+$/, '{n}'))))];
}

function stateAssertions(f: DialectFacts, row: CaseRow, n: number, step: CallStep, book: Book): Assertion[] {
  const d = f.dialect;
  const { stopping, stopped } = d.lifecycle;
  const e = step.expect;
  const out: Assertion[] = [];
  const stops = e.result === 'not-5xx' ? (e.stopped ?? (step.call.operation === 'StopInstances' && step.call.action === undefined ? namedSeeds(row, step) : [])) : (e.stopped ?? []);
  const unchanged = [...book.words.keys()].filter((a) => !stops.includes(a));
  const transitionRule = pickRule(f, row, `transition:${d.lifecycle.running}->${stopping}`);
  if (stops.length > 0) {
    const when = e.result === 'not-5xx' ? ' if the call succeeded (else as before)' : '';
    out.push({
      step: n,
      check: 'state-immediate',
      subject: 'stopped',
      expect: `${stops.join(', ')} read${stops.length === 1 ? 's' : ''} ${stopping} or ${stopped} right after the call${when}`,
      source: `${d.sources.transition}; ${PINS.stoppingAtOnce}`,
      rule: transitionRule,
    });
  }
  if (unchanged.length > 0) {
    const describe = unchanged.map((a) => `${a} ${list(book.words.get(a) ?? [])}`).join(', ');
    const failed = e.result === 'error' || e.result === 'client-error';
    out.push({
      step: n,
      check: 'state-immediate',
      subject: 'unchanged',
      expect: `unchanged: ${describe}`,
      source: failed ? PINS.unchanged : PINS.persists,
      rule: pickRule(f, row, failed ? 'resolution:failed-request-changes-nothing' : 'resolution:seeded-status-persists', 'resolution:failed-request-changes-nothing'),
    });
  }
  if (stops.length > 0) {
    out.push({
      step: n,
      check: 'state-eventual',
      expect: `${stops.join(', ')} read${stops.length === 1 ? 's' : ''} ${stopped} within --poll-timeout`,
      source: `${d.sources.transition}; ${PINS.time}`,
      rule: pickRule(f, row, `transition:${stopping}->${stopped}`),
    });
  }
  for (const a of stops) book.words.set(a, [stopped]);
  return out;
}

/**
 * The assertion plan of a row, in the order the engine judges: per step its call checks, then its state checks; the
 * case-level `request-id-unique` last (where the document calls request ids unique).
 *
 * @example
 * assertionsOf(casesFor('zenlayer-vm').find((r) => r.id === 'stop.single')!)
 * // [{ step: 1, check: 'transport-ok', expect: 'an HTTP answer', source: '001_...txt:28 ...', rule: 'envelope:success' }, ...]
 */
export function assertionsOf(row: CaseRow): Assertion[] {
  return planOf(row).map((a) => ({ ...a, source: compactSource(a.source) }));
}

function planOf(row: CaseRow): Assertion[] {
  const f = factsOf(row.dialect);
  const d = f.dialect;
  const book: Book = { words: new Map(row.instances.filter((s) => !s.alias.includes('{n}')).map((s) => [s.alias, [s.status]])) };
  const out: Assertion[] = [];
  row.steps.forEach((step, i) => {
    const n = i + 1;
    if (step.kind === 'call') {
      out.push(...callAssertions(f, row, n, step));
      out.push(...stateAssertions(f, row, n, step, book));
      return;
    }
    const rateRule = pickRule(f, row, 'limit:rate-per-second');
    const source = `${row.docRef}; ${PINS.rate}`;
    if ('allServed' in step.expect) {
      out.push({ step: n, check: 'burst-all-served', expect: `all ${step.count} requests sent at once are served`, source, rule: rateRule });
    } else {
      const code = step.expect.someRefused;
      out.push({
        step: n,
        check: 'burst-some-refused',
        expect: `of ${step.count} requests sent at once, at least one is refused with ${code} and every other is served`,
        source: `${source}; ${f.codeSource(code) ?? row.docRef}`,
        rule: pickRule(f, row, `error:${code}`, 'limit:rate-per-second'),
      });
    }
    out.push({
      step: n,
      check: 'burst-state',
      expect: `a served request's instance reads ${d.lifecycle.stopping} or ${d.lifecycle.stopped}; a refused one's is unchanged`,
      source: `${d.sources.transition}; ${PINS.unchanged}`,
      rule: rateRule,
    });
  });
  if (d.sources.uniqueRequestId !== undefined && row.steps.some((s) => s.call.operation === 'StopInstances')) {
    out.push({
      check: 'request-id-unique',
      expect: 'every StopInstances answer of the case carries its own request id',
      source: d.sources.uniqueRequestId,
      rule: pickRule(f, row, 'envelope:success'),
    });
  }
  return out;
}

/**
 * The assertion a finding breaks: the one of its step and check (and subject, for state checks); `undefined` when
 * the plan has none (a finding of the engine itself, or of a provider-state call).
 */
export function assertionFor(plan: readonly Assertion[], check: string, step: number | undefined, subject?: StateSubject): Assertion | undefined {
  return (
    plan.find((a) => a.check === check && a.step === step && (subject === undefined || a.subject === subject)) ??
    plan.find((a) => a.check === check && a.step === step)
  );
}

/** The ids a row's steps name, written for people (for messages). */
export function namedIds(step: Step): string {
  return (step.call.ids ?? []).map(refName).join(', ');
}
