/**
 * What the two Tencent CVM dialects share: status words, error codes and the rows built from them. The api2 and
 * api3 documents say the same things on different lines, so each dialect passes its own {@link TencentDocs}.
 */
import type { DialectName } from '../dialects/types.ts';
import { describeDialect } from '../dialects/descriptions/index.ts';
import {
  accepted,
  callStep,
  commonRows,
  docRefs,
  pin,
  PINS,
  rejected,
  row,
  seed,
  severalProblemsRows,
  stateRows,
  stopCall,
  type DialectProfile,
  type DocRef,
  type Rejection,
} from './builders.ts';
import type { CaseRow } from './types.ts';

/** Tencent CVM status words (DESIGN.md §2). */
export const TENCENT_WORDS = describeDialect('tencent-cvm-api2').statusWords;

/** Where a Tencent document says each thing. */
export interface TencentDocs {
  readonly stoppable: DocRef;
  readonly transition: DocRef;
  readonly batch: DocRef;
  readonly idsParam: DocRef;
  readonly action: DocRef;
  readonly forceStop: DocRef;
  readonly requestId: DocRef;
  readonly missing: DocRef;
  readonly notFound: DocRef;
  readonly malformed: DocRef;
  readonly invalidValue: DocRef;
  readonly limitExceeded: DocRef;
  readonly notSupported: DocRef;
  /** The line that requires `Version` with its one value (000:19, 002:24). */
  readonly version: DocRef;
}

/** The rule ids of the Version parameter in a Tencent dialect's inventory (api2 `param:Version`, api3 `param:X-TC-Version`). */
export interface TencentVersionRules {
  readonly param: string;
  readonly value: string;
}

/**
 * The Version rows (000:19, 002:24: required, one value): without it `MissingParameter` (000:38, 002:85), with another
 * value `InvalidParameterValue` (000:41, 002:83: "not supported"); nothing changes either way.
 */
export function versionRows(dialect: DialectName, docs: TencentDocs, rules: TencentVersionRules): CaseRow[] {
  return [
    row(dialect, {
      id: 'version.missing.rejected',
      title: 'A request without the required Version is rejected with MissingParameter and stops nothing',
      docRef: docRefs(docs.version, docs.missing),
      rules: [rules.param, 'error:MissingParameter', ...TENCENT_REJECTED_ANY],
      instances: [seed('a', 'RUNNING')],
      steps: [callStep(stopCall(['a'], { version: null }), rejected({ codes: ['MissingParameter'] }))],
    }),
    row(dialect, {
      id: 'version.wrong.rejected',
      title: 'A request with another Version (2099-01-01) is rejected with InvalidParameterValue and stops nothing',
      docRef: docRefs(docs.version, docs.invalidValue),
      rules: [rules.param, rules.value, 'error:InvalidParameterValue', ...TENCENT_REJECTED_ANY],
      instances: [seed('a', 'RUNNING')],
      steps: [callStep(stopCall(['a'], { version: '2099-01-01' }), rejected({ codes: ['InvalidParameterValue'] }))],
    }),
  ];
}

/**
 * The rejection of a status that may not be stopped: `InvalidInstance.NotSupported` (the documents' only such code)
 * or any of the live API's `UnsupportedOperation.InstanceState*` codes (DESIGN.md §3 names them by that pattern).
 */
export const TENCENT_STATE_REJECTION: Rejection = { codes: ['InvalidInstance.NotSupported', 'UnsupportedOperation.InstanceState*'] };

/** Rules every rejected Tencent request checks: nothing changes, and the error is HTTP 200 with `Response.Error`. */
export const TENCENT_REJECTED_ANY: readonly string[] = ['resolution:failed-request-changes-nothing', 'envelope:error', 'resolution:tencent-errors-http-200'];

/** The DESIGN.md §3 pins only the Tencent rows cite. */
export const TENCENT_PINS = {
  errorsHttp200: pin(3, 'tencent: errors are HTTP 200 with `Response.Error`'),
  liveStateCodes: pin(3, "the live API's `UnsupportedOperation.InstanceState*` codes are accepted too"),
  emptyList: pin(3, '`InstanceIds` absent -> `MissingParameter` (documented); an explicit empty list -> any client error'),
  wrongType: pin(3, 'tencent: a value of the wrong JSON type (api3 `"ForceStop": "MAYBE"`) may get `InvalidParameter` or `InvalidParameterValue`'),
} as const;

/** What differs between the two Tencent dialects' rule ids. */
export interface TencentRuleIds {
  /** The id list parameter's rule (`param:InstanceIds.N` on api2, `param:InstanceIds` in api3's JSON body). */
  readonly ids: string;
  /** Rules every accepted call exercises. */
  readonly wire: readonly string[];
  /** The action parameter's rule (`param:Action` on api2, `param:X-TC-Action` on api3). */
  readonly action: string;
  /** Rules of the status query's action (e.g. `enum:Action=DescribeInstancesStatus`). */
  readonly statusAction: readonly string[];
  /** Whether the document lists the action as a required parameter (api3 002:23; api2's 000 shows it in its example only). */
  readonly actionRequired: boolean;
  /**
   * Whether the wire can express an explicit empty id list (api3's JSON `[]`: yes; api2's `InstanceIds.N` query: no,
   * no N is the same request as no list, so api2 has no `ids.empty.rejected` row).
   */
  readonly emptyList: boolean;
}

/** The Tencent profile for the shared builders. */
export function tencentProfile(dialect: DialectName, docs: TencentDocs, ids: TencentRuleIds): DialectProfile {
  const notStoppable: Record<string, Rejection> = {};
  for (const w of TENCENT_WORDS) if (!describeDialect(dialect).stoppable.includes(w)) notStoppable[w] = TENCENT_STATE_REJECTION;
  const rejectedAny = TENCENT_REJECTED_ANY;
  return {
    dialect,
    idsParam: 'InstanceIds.N',
    ...describeDialect(dialect).lifecycle,
    statusWords: TENCENT_WORDS,
    notStoppable,
    unknown: { codes: ['InvalidInstanceId.NotFound'] },
    malformed: { literal: 'ins-1122', rejection: { codes: ['InvalidInstanceId.Malformed'] }, docs: [docs.malformed] },
    tooMany: { codes: ['InvalidParameterValue.LimitExceeded'] },
    missing: { codes: ['MissingParameter'] },
    // DESIGN.md §3: an explicit empty list -> any client error (no documented code).
    ...(ids.emptyList ? { empty: 'client-error' as const } : {}),
    actionRequired: ids.actionRequired,
    docs: {
      stoppable: docs.stoppable,
      transition: docs.transition,
      batch: docs.batch,
      idsParam: docs.idsParam,
      action: docs.action,
      requestId: docs.requestId,
      unknown: docs.notFound,
      notStoppable: docs.stoppable,
      codeRows: { 'InvalidInstance.NotSupported': docs.notSupported, 'UnsupportedOperation.InstanceState*': TENCENT_PINS.liveStateCodes },
      tooMany: docs.limitExceeded,
      missing: docs.missing,
      empty: TENCENT_PINS.emptyList,
    },
    rules: {
      stopSingle: ['state:stoppable=RUNNING', 'transition:RUNNING->STOPPING', 'transition:STOPPING->STOPPED', 'envelope:success', ids.ids],
      batch: [ids.ids],
      limit100: ['limit:instance-ids-max'],
      limit101: ['limit:instance-ids-max', 'error:InvalidParameterValue.LimitExceeded'],
      missing: [ids.ids, 'error:MissingParameter', ...(ids.emptyList ? ['resolution:missing-vs-empty-ids'] : [])],
      empty: [ids.ids, 'resolution:missing-vs-empty-ids', 'resolution:undocumented-error-client-error'],
      duplicate: [ids.ids],
      unknown: ['error:InvalidInstanceId.NotFound'],
      malformed: ['error:InvalidInstanceId.Malformed'],
      notStoppable: (word) => [
        `state:not-stoppable=${word}`,
        'error:InvalidInstance.NotSupported',
        'resolution:not-stoppable-code',
        'resolution:seeded-status-persists',
      ],
      mixedBatch: ['state:not-stoppable=STOPPED', 'error:InvalidInstance.NotSupported'],
      wire: ids.wire,
      rejectedAny,
      severalProblems: ['resolution:several-problems-any-code', 'error:InvalidInstanceId.NotFound'],
      statusQuery: ['envelope:status', ...ids.statusAction],
      action: [ids.action],
      emptyAction: [],
    },
  };
}

/** A parameter value case: the value encoded by the dialect (booleans as TRUE/FALSE on api2, JSON on api3). */
export interface ParamValueCase {
  readonly param: string;
  /** Slug part of the row id (`TRUE`, `SOFT_FIRST`...). */
  readonly slug: string;
  readonly value: string | boolean;
  readonly doc: DocRef;
  readonly rules: readonly string[];
  /**
   * A valid value only some instances may take (api3 `STOP_CHARGING`, 002:42): the line saying so. The row then
   * accepts a stop or a client error that changed nothing (DESIGN.md §3 eligibility).
   */
  readonly eligibility?: DocRef;
  /** An invalid value of the wrong JSON type (api3 `"ForceStop": "MAYBE"`): `InvalidParameter` is accepted too (DESIGN.md §3). */
  readonly wrongType?: boolean;
}

/** One accepted row per valid value of a parameter (a stop, or for an eligibility-bound value a stop or a client error). */
export function validValueRows(dialect: DialectName, cases: readonly ParamValueCase[]): CaseRow[] {
  return cases.map((c) =>
    row(dialect, {
      id: `param.${c.param}.${c.slug}`,
      title: c.eligibility
        ? `${c.param}=${String(c.value)} stops the instance, or (where the instance is not eligible) is a client error that stops nothing`
        : `${c.param}=${String(c.value)} is accepted and stops the instance`,
      docRef: c.eligibility ? docRefs(c.doc, c.eligibility, PINS.eligibility) : docRefs(c.doc),
      rules: c.rules,
      instances: [seed('a', 'RUNNING')],
      steps: [callStep(stopCall(['a'], { params: { [c.param]: c.value } }), c.eligibility ? { result: 'not-5xx', stopped: ['a'] } : accepted(['a']))],
    }),
  );
}

/** One rejected row per invalid value of a parameter: `InvalidParameterValue` (or `InvalidParameter` for a wrong type), nothing stopped. */
export function invalidValueRows(
  dialect: DialectName,
  cases: readonly ParamValueCase[],
  invalidValueDoc: DocRef,
): CaseRow[] {
  return cases.map((c) => {
    const codes = c.wrongType ? ['InvalidParameterValue', 'InvalidParameter'] : ['InvalidParameterValue'];
    return row(dialect, {
      id: `param.${c.param}.${c.slug}`,
      title: `${c.param}=${JSON.stringify(c.value)} is rejected with ${codes.join(' or ')} and stops nothing`,
      docRef: docRefs(c.doc, invalidValueDoc, ...(c.wrongType ? [TENCENT_PINS.wrongType] : []), PINS.failedChangesNothing),
      rules: [...c.rules, ...TENCENT_REJECTED_ANY],
      instances: [seed('a', 'RUNNING')],
      steps: [callStep(stopCall(['a'], { params: { [c.param]: c.value } }), rejected({ codes }))],
    });
  });
}

/** The explicit "errors are HTTP 200 with Response.Error" row (DESIGN.md §3). */
export function errorEnvelopeRow(dialect: DialectName, docs: TencentDocs): CaseRow {
  return row(dialect, {
    id: 'envelope.error.http-200',
    title: 'An error is answered as HTTP 200 with Response.Error {Code, Message} and a RequestId',
    docRef: docRefs(docs.notFound, docs.requestId, TENCENT_PINS.errorsHttp200),
    rules: ['envelope:error', 'error:InvalidInstanceId.NotFound', 'resolution:tencent-errors-http-200'],
    instances: [seed('bystander', 'RUNNING')],
    steps: [
      callStep(stopCall([{ unknown: 'x' }]), {
        result: 'error',
        codes: ['InvalidInstanceId.NotFound'],
        httpStatus: [200],
        stopped: [],
      }),
    ],
  });
}

/** Every row shared by both Tencent dialects. */
export function tencentSharedRows(dialect: DialectName, docs: TencentDocs, ids: TencentRuleIds): CaseRow[] {
  const p = tencentProfile(dialect, docs, ids);
  return [...commonRows(p), ...stateRows(p), ...severalProblemsRows(p), errorEnvelopeRow(dialect, docs)];
}
