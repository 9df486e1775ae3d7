/**
 * Shared row builders for the case catalog: the rows every dialect has (single stop, batches, the 100-id limit,
 * missing/empty/duplicated/unknown/malformed ids, one row per non-stoppable status word...) are built here from a
 * per-dialect {@link DialectProfile}, so the dialect files only state what differs. Pure data, no I/O.
 */
import type { DialectName } from '../dialects/types.ts';
import type { CaseCall, CaseRow, Expectation, IdRef, InstanceSeed, Level, Step } from './types.ts';

/** A seed document reference: file, line (or `a-b` range) and a quote that appears in those lines. */
export interface SeedRef {
  readonly file: string;
  readonly line: number | readonly [number, number];
  readonly quote: string;
}

/** A DESIGN.md pin: the section (§2-§4) and a quote of the pin's words. */
export interface PinRef {
  readonly section: number;
  readonly quote: string;
}

/** Where a row's assertion comes from: a seed line or a DESIGN.md pin (DESIGN.md §5: every assertion names its source). */
export type DocRef = SeedRef | PinRef;

/**
 * Render a {@link DocRef} as the `file:line quote` (or `DESIGN.md §N quote`) string rows carry.
 *
 * @example
 * docRef(pin(3, 'A request that fails changes nothing')) // 'DESIGN.md §3 A request that fails changes nothing'
 */
export function docRef(ref: DocRef): string {
  if ('section' in ref) return `DESIGN.md §${ref.section} ${ref.quote}`;
  const line = typeof ref.line === 'number' ? String(ref.line) : `${ref.line[0]}-${ref.line[1]}`;
  return `${ref.file}:${line} ${ref.quote}`;
}

/** Join several references into one `docRef` string (`; ` separated), each once. */
export function docRefs(...refs: readonly DocRef[]): string {
  return [...new Set(refs.map(docRef))].join('; ');
}

/** Shorthand for a {@link SeedRef}. */
export function ref(file: string, line: number | readonly [number, number], quote: string): SeedRef {
  return { file, line, quote };
}

/** Shorthand for a {@link PinRef}: a quote of DESIGN.md §`section`. */
export function pin(section: number, quote: string): PinRef {
  return { section, quote };
}

/** The DESIGN.md pins the shared rows cite (each quote is a sentence of the pin it names). */
export const PINS = {
  failedChangesNothing: pin(3, 'A request that fails changes nothing, in every dialect'),
  noCodeClientError: pin(3, 'Where the documents name no error code (more than 100 ids on zenlayer and aliyun, empty lists, bad booleans, bad JSON), a case asserts the least any sane provider must do'),
  never5xx: pin(3, 'never a 5xx, and no instance changed state'),
  unknownAction: pin(3, 'An unknown action (e.g. `StopInstancez`) is a client error with nothing changed'),
  severalProblems: pin(3, 'Several problems in one request: the case accepts any of the documented codes that apply'),
  eligibility: pin(3, 'The suite accepts either a stop or a client error that changed nothing'),
} as const;

/** How a dialect rejects a kind of bad request: a documented code (with its HTTP statuses) or just a client error. */
export type Rejection =
  | { readonly codes: readonly string[]; readonly httpStatus?: readonly number[] }
  | 'client-error';

/** The per-dialect facts the shared builders need (status words, documented codes and where the document says so). */
export interface DialectProfile {
  readonly dialect: DialectName;
  /** The dialect's name for the id list parameter as the document writes it (`InstanceIds.N`, `instanceIds`...). */
  readonly idsParam: string;
  readonly running: string;
  readonly stopping: string;
  readonly stopped: string;
  /** Every status word of the dialect (DESIGN.md §2). */
  readonly statusWords: readonly string[];
  /** For every status word that may not be stopped: the documented codes (and HTTP statuses) it must be rejected with. */
  readonly notStoppable: Readonly<Record<string, Rejection>>;
  /** Codes for an unknown (well-formed) id. */
  readonly unknown: Rejection;
  /**
   * Codes for a malformed id, when the dialect documents one (tencent, aliyun), and where the documents and pins say
   * so; `undefined` = no such rows.
   */
  readonly malformed?: { readonly literal: string; readonly rejection: Rejection; readonly docs: readonly DocRef[] };
  /** More than 100 ids. */
  readonly tooMany: Rejection;
  /** The id list absent. */
  readonly missing: Rejection;
  /**
   * The id list present but empty; `undefined` when the wire cannot express an empty list (tencent-cvm-api2 and
   * aliyun-ecs: `InstanceIds.N` / `InstanceId.N` with no N is the same request as no list at all), so no row.
   */
  readonly empty?: Rejection;
  /** Whether the document lists the action as a required parameter (api3 002:23, aliyun 004:16): the empty-action row is MUST. */
  readonly actionRequired: boolean;
  /** Where the document says what. */
  readonly docs: {
    readonly stoppable: DocRef;
    readonly transition: DocRef;
    readonly batch: DocRef;
    readonly idsParam: DocRef;
    /** The line naming the operation's action (`Action=StopInstances`, `X-ZC-Action: StopInstances`). */
    readonly action: DocRef;
    readonly requestId: DocRef;
    readonly unknown: DocRef;
    readonly notStoppable: DocRef;
    /** The error-table row for each rejection code used by {@link DialectProfile.notStoppable}. */
    readonly codeRows: Readonly<Record<string, DocRef>>;
    /** Where more than 100 ids are said to fail: the error-table row, or the pin asking a client error. */
    readonly tooMany: DocRef;
    readonly missing?: DocRef;
    /** Where an explicit empty list is said to fail (a pin: no document names a code). */
    readonly empty?: DocRef;
    /** Where a batch that fails is said to stop none (aliyun's AllTogether line); default: the DESIGN.md §3 pin. */
    readonly atomic?: DocRef;
    /** Extra references for the row of one status word (zenlayer-vm: STOPPED also cites the contradicting note). */
    readonly forWord?: Readonly<Record<string, readonly DocRef[]>>;
  };
  /** Rule ids (from the inventory) for the facts above. */
  readonly rules: {
    readonly stopSingle: readonly string[];
    readonly batch: readonly string[];
    readonly limit100: readonly string[];
    readonly limit101: readonly string[];
    readonly missing: readonly string[];
    readonly empty: readonly string[];
    readonly duplicate: readonly string[];
    readonly unknown: readonly string[];
    readonly malformed: readonly string[];
    /** Rule ids for rejecting a status word (given the word and the codes it is rejected with). */
    readonly notStoppable: (word: string, rejection: Rejection) => readonly string[];
    readonly mixedBatch: readonly string[];
    /** Rules every accepted call exercises (action, version, region headers or parameters...): added to `stop.single`. */
    readonly wire: readonly string[];
    /** Rules of a rejected request (failed request changes nothing, client errors where no code is documented...). */
    readonly rejectedAny: readonly string[];
    readonly severalProblems: readonly string[];
    /**
     * The rules of the status query every state check reads through (its action, its envelope): credited to
     * `stop.single`, which fails when the suite cannot read the statuses it seeded (DESIGN.md §3: the status query
     * is the suite's instrument, judged for its ids and statuses only).
     */
    readonly statusQuery: readonly string[];
    /** The unknown-action row's own rules (default: the unknown-action and undocumented-code resolutions). */
    readonly unknownAction?: readonly string[];
    /** The action parameter's rule (`param:Action`, `param:X-TC-Action`, `param:X-ZC-Action`). */
    readonly action: readonly string[];
    /**
     * Extra rules of the empty-action row: the undocumented-code rule where a missing parameter has no documented
     * code (zenlayer, aliyun); none for tencent, whose answer there is its documented `MissingParameter`.
     */
    readonly emptyAction: readonly string[];
  };
}

/** A seeded instance. */
export function seed(alias: string, status: string, securityLocked?: boolean): InstanceSeed {
  return securityLocked === undefined ? { alias, status } : { alias, status, securityLocked };
}

/** `count` seeded instances `prefix0..prefixN-1` with one status. */
export function seedMany(prefix: string, count: number, status: string): InstanceSeed[] {
  return Array.from({ length: count }, (_, i) => seed(`${prefix}${i}`, status));
}

/** The aliases of `count` instances `prefix0..prefixN-1`. */
export function aliases(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}

/** A StopInstances call as a case states it. */
export function stopCall(ids: readonly IdRef[] | undefined, extra: Omit<CaseCall, 'operation' | 'ids'> = {}): CaseCall {
  return ids === undefined ? { operation: 'StopInstances', ...extra } : { operation: 'StopInstances', ids, ...extra };
}

/** One call step. */
export function callStep(call: CaseCall, expect: Expectation): Step {
  return { kind: 'call', call, expect };
}

/** The expectation of an accepted stop of `stopped`. */
export function accepted(stopped: readonly string[]): Expectation {
  return { result: 'success', stopped };
}

/** The expectation of a rejected request (nothing stopped) from a {@link Rejection}. */
export function rejected(rejection: Rejection): Expectation {
  if (rejection === 'client-error') return { result: 'client-error', stopped: [] };
  return rejection.httpStatus
    ? { result: 'error', codes: rejection.codes, httpStatus: rejection.httpStatus, stopped: [] }
    : { result: 'error', codes: rejection.codes, stopped: [] };
}

/** The union of two rejections' codes (DESIGN.md §3: several problems in one request, any documented code). */
export function eitherRejection(a: Rejection, b: Rejection): Rejection {
  if (a === 'client-error' || b === 'client-error') return 'client-error';
  const codes = [...new Set([...a.codes, ...b.codes])];
  const statuses = a.httpStatus && b.httpStatus ? [...new Set([...a.httpStatus, ...b.httpStatus])] : undefined;
  return statuses ? { codes, httpStatus: statuses } : { codes };
}

/** The rejection's codes, or `[]` for a plain client error. */
export function codesOf(rejection: Rejection): readonly string[] {
  return rejection === 'client-error' ? [] : rejection.codes;
}

/** Fields a row builder fills in for the dialect. */
type RowInput = Omit<CaseRow, 'dialect' | 'level'> & { readonly level?: Level };

/** Build a row of the dialect (level MUST unless said). */
export function row(dialect: DialectName, input: RowInput): CaseRow {
  return { dialect, level: input.level ?? 'MUST', ...input };
}

/** A row whose one request must be a client error, any code (DESIGN.md §3: no document names one), that changes nothing. */
export function clientErrorRow(dialect: DialectName, input: Omit<RowInput, 'steps'> & { readonly call: CaseCall }): CaseRow {
  const { call, ...rest } = input;
  return row(dialect, { ...rest, steps: [callStep(call, { result: 'client-error', stopped: [] })] });
}

/**
 * `version.missing.rejected` and `version.wrong.rejected` at SHOULD where no document names a code for them (aliyun-ecs,
 * aws-ec2): a client error that stops nothing; `rules` are the dialect's extra rules (undocumented-error, rejected).
 */
export function versionClientErrorRows(
  dialect: DialectName,
  input: { readonly docs: readonly DocRef[]; readonly running: string; readonly version: string; readonly rules: readonly string[] },
): CaseRow[] {
  const docRef = docRefs(...input.docs, PINS.noCodeClientError, PINS.failedChangesNothing);
  const base = { level: 'SHOULD' as const, docRef, instances: [seed('a', input.running)] };
  return [
    clientErrorRow(dialect, {
      ...base,
      id: 'version.missing.rejected',
      title: 'A request without the Version is rejected as a client error and stops nothing',
      rules: ['param:Version', ...input.rules],
      call: stopCall(['a'], { version: null }),
    }),
    clientErrorRow(dialect, {
      ...base,
      id: 'version.wrong.rejected',
      title: 'A request with another Version (2099-01-01) is rejected as a client error and stops nothing',
      rules: ['param:Version', `enum:Version=${input.version}`, ...input.rules],
      call: stopCall(['a'], { version: '2099-01-01' }),
    }),
  ];
}

/** The rows every dialect has: single stop, batches, the id limit, missing/empty/duplicated/unknown/malformed ids, actions. */
export function commonRows(p: DialectProfile): CaseRow[] {
  const d = p.dialect;
  const rows: CaseRow[] = [
    row(d, {
      id: 'stop.single',
      title: `Stopping one ${p.running} instance succeeds: success envelope with a request id, ${p.stopping} or ${p.stopped} at once, ${p.stopped} in the end`,
      docRef: docRefs(p.docs.stoppable, p.docs.transition, p.docs.requestId),
      rules: [...p.rules.stopSingle, ...p.rules.wire, ...p.rules.statusQuery],
      instances: [seed('a', p.running)],
      steps: [callStep(stopCall(['a']), accepted(['a']))],
    }),
    row(d, {
      id: 'stop.batch.2',
      title: `Stopping two ${p.running} instances in one request stops both`,
      docRef: docRefs(p.docs.batch, p.docs.idsParam),
      rules: p.rules.batch,
      instances: [seed('a', p.running), seed('b', p.running)],
      steps: [callStep(stopCall(['a', 'b']), accepted(['a', 'b']))],
    }),
    row(d, {
      id: 'ids.limit.100-accepted',
      title: 'A batch of exactly 100 ids is accepted and stops all 100',
      docRef: docRef(p.docs.batch),
      rules: p.rules.limit100,
      instances: seedMany('n', 100, p.running),
      steps: [callStep(stopCall(aliases('n', 100)), accepted(aliases('n', 100)))],
      }),
    row(d, {
      id: 'ids.limit.101-rejected',
      title: 'A batch of 101 ids is rejected and stops none of them',
      docRef: docRefs(p.docs.batch, p.docs.tooMany, PINS.failedChangesNothing),
      rules: [...p.rules.limit101, ...p.rules.rejectedAny],
      instances: seedMany('n', 101, p.running),
      steps: [callStep(stopCall(aliases('n', 101)), rejected(p.tooMany))],
      }),
    row(d, {
      id: 'ids.missing.rejected',
      title: `A request without ${p.idsParam} is rejected and changes nothing`,
      docRef: docRefs(...[p.docs.idsParam, p.docs.missing ?? PINS.noCodeClientError, PINS.failedChangesNothing]),
      rules: [...p.rules.missing, ...p.rules.rejectedAny],
      instances: [seed('bystander', p.running)],
      steps: [callStep(stopCall(undefined), rejected(p.missing))],
    }),
    row(d, {
      id: 'ids.duplicate.handled',
      title: 'A request naming the same instance twice is answered without a 5xx',
      docRef: docRefs(p.docs.idsParam, PINS.never5xx),
      rules: p.rules.duplicate,
      level: 'SHOULD',
      instances: [seed('a', p.running)],
      steps: [callStep(stopCall(['a', 'a']), { result: 'not-5xx' })],
    }),
    row(d, {
      id: 'ids.unknown.rejected',
      title: 'Stopping an id that does not exist is rejected with the documented not-found code',
      docRef: docRefs(p.docs.unknown, PINS.failedChangesNothing),
      rules: [...p.rules.unknown, ...p.rules.rejectedAny],
      instances: [seed('bystander', p.running)],
      steps: [callStep(stopCall([{ unknown: 'x' }]), rejected(p.unknown))],
    }),
    row(d, {
      id: 'ids.unknown.mixed-batch-rejected',
      title: `A batch of a ${p.running} instance and an unknown id is rejected and stops nothing`,
      docRef: docRefs(p.docs.unknown, p.docs.batch, PINS.failedChangesNothing),
      rules: [...p.rules.unknown, ...p.rules.rejectedAny],
      instances: [seed('a', p.running)],
      steps: [callStep(stopCall(['a', { unknown: 'x' }]), rejected(p.unknown))],
    }),
    row(d, {
      id: 'action.unknown.rejected',
      // DESIGN.md §3: undocumented but sane; any code.
      level: 'SHOULD',
      title: 'A request naming an unknown action (StopInstancez) with a seeded id is a client error and changes nothing',
      docRef: docRefs(p.docs.action, PINS.unknownAction),
      rules: [...(p.rules.unknownAction ?? ['resolution:unknown-action-client-error', 'resolution:undocumented-error-client-error']), ...p.rules.action, ...p.rules.rejectedAny],
      instances: [seed('a', p.running)],
      steps: [callStep(stopCall(['a'], { action: 'StopInstancez' }), { result: 'client-error', stopped: [] })],
    }),
    clientErrorRow(d, {
      id: 'action.empty.rejected',
      // MUST where the document lists the action as a required parameter (api3 002:23, aliyun 004:16), SHOULD where
      // only an example and DESIGN.md §2 show it (api2, zenlayer). No document names a code: any client error.
      level: p.actionRequired ? 'MUST' : 'SHOULD',
      title: 'A request whose action is empty (no operation named) with a seeded id is a client error and changes nothing',
      docRef: docRefs(p.docs.action, PINS.noCodeClientError, PINS.failedChangesNothing),
      rules: [...p.rules.emptyAction, ...p.rules.action, ...p.rules.rejectedAny],
      instances: [seed('a', p.running)],
      call: stopCall(['a'], { action: '' }),
    }),
  ];
  if (p.empty !== undefined) {
    // Only where the wire can say "an empty list" (a JSON `[]`); elsewhere it is the missing-list request.
    rows.splice(
      rows.findIndex((r) => r.id === 'ids.missing.rejected') + 1,
      0,
      row(d, {
        id: 'ids.empty.rejected',
        title: `A request with an empty ${p.idsParam} list is rejected and changes nothing`,
        docRef: docRefs(p.docs.idsParam, p.docs.empty ?? PINS.noCodeClientError, PINS.failedChangesNothing),
        rules: [...p.rules.empty, ...p.rules.rejectedAny],
        instances: [seed('bystander', p.running)],
        steps: [callStep(stopCall([]), rejected(p.empty))],
      }),
    );
  }
  if (p.malformed) {
    const m = p.malformed;
    rows.push(
      row(d, {
        id: 'ids.malformed.rejected',
        title: `A malformed id (${m.literal}) is rejected with ${codesText(m.rejection, 'the documented malformed-id code')}`,
        docRef: docRefs(...m.docs, PINS.failedChangesNothing),
        rules: [...p.rules.malformed, ...p.rules.rejectedAny],
        instances: [seed('bystander', p.running)],
        steps: [callStep(stopCall([{ literal: m.literal }]), rejected(m.rejection))],
      }),
      row(d, {
        id: 'ids.malformed.mixed-batch-rejected',
        title: `A batch of a ${p.running} instance and a malformed id is rejected and stops nothing`,
        docRef: docRefs(...m.docs, p.docs.batch, PINS.failedChangesNothing),
        rules: [...p.rules.malformed, ...p.rules.rejectedAny],
        instances: [seed('a', p.running)],
        steps: [callStep(stopCall(['a', { literal: m.literal }]), rejected(m.rejection))],
      }),
    );
  }
  return rows;
}

/** `with A or B` for a rejection's codes, or `fallback` for a plain client error. */
function codesText(rejection: Rejection, fallback: string): string {
  return rejection === 'client-error' ? fallback : rejection.codes.join(' or ');
}

/** One `state.<WORD>.rejected` row per status word that may not be stopped, plus the mixed-batch row. */
export function stateRows(p: DialectProfile): CaseRow[] {
  const d = p.dialect;
  const rows: CaseRow[] = [];
  for (const word of p.statusWords) {
    const rejection = p.notStoppable[word];
    if (rejection === undefined) continue;
    const codeRefs = codesOf(rejection).flatMap((c) => {
      const r = p.docs.codeRows[c];
      return r ? [r] : [];
    });
    rows.push(
      row(d, {
        id: `state.${word}.rejected`,
        title: `Stopping a ${word} instance is rejected${rejection === 'client-error' ? '' : ` with ${rejection.codes.join(' or ')}`} and leaves it ${word}`,
        docRef: docRefs(p.docs.notStoppable, ...codeRefs, ...(p.docs.forWord?.[word] ?? [])),
        rules: [...p.rules.notStoppable(word, rejection), ...p.rules.rejectedAny],
        instances: [seed('a', word)],
        steps: [callStep(stopCall(['a']), rejected(rejection))],
      }),
    );
  }
  const stoppedRejection = p.notStoppable[p.stopped];
  if (stoppedRejection !== undefined) {
    rows.push(
      row(d, {
        id: 'state.mixed-batch.rejected',
        title: `A batch of a ${p.running} and a ${p.stopped} instance is rejected and stops neither`,
        docRef: docRefs(p.docs.notStoppable, p.docs.batch, p.docs.atomic ?? PINS.failedChangesNothing),
        rules: [...p.rules.mixedBatch, ...p.rules.rejectedAny],
        instances: [seed('a', p.running), seed('b', p.stopped)],
        steps: [callStep(stopCall(['a', 'b']), rejected(stoppedRejection))],
      }),
    );
  }
  return rows;
}

/** The row with several problems in one request: any documented code that applies (DESIGN.md §3). */
export function severalProblemsRows(p: DialectProfile): CaseRow[] {
  const stoppedRejection = p.notStoppable[p.stopped];
  if (stoppedRejection === undefined) return [];
  const either = eitherRejection(p.unknown, stoppedRejection);
  return [
    row(p.dialect, {
      id: 'ids.several-problems.rejected',
      title: `A batch of a ${p.running} instance, a ${p.stopped} instance and an unknown id is rejected with any documented code that applies, stopping nothing`,
      docRef: docRefs(p.docs.unknown, p.docs.notStoppable, PINS.severalProblems),
      rules: [...p.rules.severalProblems, ...p.rules.rejectedAny],
      instances: [seed('a', p.running), seed('b', p.stopped)],
      steps: [
        callStep(
          stopCall(['a', 'b', { unknown: 'x' }]),
          either === 'client-error' ? { result: 'client-error', stopped: [] } : { result: 'error', codes: either.codes, stopped: [] },
        ),
      ],
    }),
  ];
}
