/**
 * What the two Tencent CVM dialects share: status words, error codes and the rows built from them. The api2 and
 * api3 documents say the same things on different lines, so each dialect passes its own {@link TencentDocs}.
 */
import type { DialectName } from '../dialects/types.ts';
import { STATUS_WORDS } from '../dialects/vocabulary.ts';
import {
  accepted,
  callStep,
  commonRows,
  docRef,
  docRefs,
  rejected,
  row,
  seed,
  stateRows,
  statusAndMixedRows,
  stopCall,
  type DialectProfile,
  type DocRef,
  type Rejection,
} from './builders.ts';
import type { CaseRow } from './types.ts';

/** Tencent CVM status words (DESIGN.md §2). */
export const TENCENT_WORDS = STATUS_WORDS['tencent-cvm-api2'];

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
}

/**
 * The rejection of a status that may not be stopped: `InvalidInstance.NotSupported` (the documents' only such code)
 * or any of the live API's `UnsupportedOperation.InstanceState*` codes (DESIGN.md §3 names them by that pattern).
 */
export const TENCENT_STATE_REJECTION: Rejection = { codes: ['InvalidInstance.NotSupported', 'UnsupportedOperation.InstanceState*'] };

/** Rules every rejected Tencent request checks: nothing changes, and the error is HTTP 200 with `Response.Error`. */
export const TENCENT_REJECTED_ANY: readonly string[] = ['resolution:failed-request-changes-nothing', 'envelope:error', 'resolution:tencent-errors-http-200'];

/** What differs between the two Tencent dialects' rule ids. */
export interface TencentRuleIds {
  /** The id list parameter's rule (`param:InstanceIds.N` on api2, `param:InstanceIds` in api3's JSON body). */
  readonly ids: string;
  /** Rules every accepted call exercises. */
  readonly wire: readonly string[];
  /** Rules of the status query's action (e.g. `enum:Action=DescribeInstancesStatus`). */
  readonly statusAction: readonly string[];
  /**
   * Whether the wire can express an explicit empty id list (api3's JSON `[]`: yes; api2's `InstanceIds.N` query: no,
   * no N is the same request as no list, so api2 has no `ids.empty.rejected` row).
   */
  readonly emptyList: boolean;
}

/** The Tencent profile for the shared builders. */
export function tencentProfile(dialect: DialectName, docs: TencentDocs, ids: TencentRuleIds): DialectProfile {
  const notStoppable: Record<string, Rejection> = {};
  for (const w of TENCENT_WORDS) if (w !== 'RUNNING') notStoppable[w] = TENCENT_STATE_REJECTION;
  const rejectedAny = TENCENT_REJECTED_ANY;
  return {
    dialect,
    idsParam: 'InstanceIds.N',
    running: 'RUNNING',
    stopping: 'STOPPING',
    stopped: 'STOPPED',
    statusWords: TENCENT_WORDS,
    notStoppable,
    unknown: { codes: ['InvalidInstanceId.NotFound'] },
    malformed: { literal: 'ins-1122', rejection: { codes: ['InvalidInstanceId.Malformed'] }, doc: docs.malformed },
    tooMany: { codes: ['InvalidParameterValue.LimitExceeded'] },
    missing: { codes: ['MissingParameter'] },
    // DESIGN.md §3: an explicit empty list -> any client error (no documented code).
    ...(ids.emptyList ? { empty: 'client-error' as const } : {}),
    statusPageSize: 100,
    docs: {
      stoppable: docs.stoppable,
      transition: docs.transition,
      batch: docs.batch,
      idsParam: docs.idsParam,
      action: docs.action,
      requestId: docs.requestId,
      unknown: docs.notFound,
      notStoppable: docs.stoppable,
      codeRows: { 'InvalidInstance.NotSupported': docs.notSupported },
      tooMany: docs.limitExceeded,
      missing: docs.missing,
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
      status: {
        explicitPage: ['envelope:status', ...ids.statusAction, 'resolution:seeded-status-persists'],
        defaultPage: ['envelope:status', ...ids.statusAction],
        unknownId: ['resolution:status-query-unknown-ids'],
      },
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
}

/** One accepted row per valid value of a parameter. */
export function validValueRows(dialect: DialectName, cases: readonly ParamValueCase[]): CaseRow[] {
  return cases.map((c) =>
    row(dialect, {
      id: `param.${c.param}.${c.slug}`,
      title: `${c.param}=${String(c.value)} is accepted and stops the instance`,
      docRef: docRef(c.doc),
      rules: c.rules,
      instances: [seed('a', 'RUNNING')],
      steps: [callStep(stopCall(['a'], { params: { [c.param]: c.value } }), accepted(['a']))],
    }),
  );
}

/** One rejected row per invalid value of a parameter: `InvalidParameterValue`, nothing stopped. */
export function invalidValueRows(
  dialect: DialectName,
  cases: readonly ParamValueCase[],
  invalidValueDoc: DocRef,
): CaseRow[] {
  return cases.map((c) =>
    row(dialect, {
      id: `param.${c.param}.${c.slug}`,
      title: `${c.param}=${JSON.stringify(c.value)} is rejected with InvalidParameterValue and stops nothing`,
      docRef: docRefs(c.doc, invalidValueDoc),
      rules: [...c.rules, ...TENCENT_REJECTED_ANY],
      instances: [seed('a', 'RUNNING')],
      steps: [callStep(stopCall(['a'], { params: { [c.param]: c.value } }), rejected({ codes: ['InvalidParameterValue'] }))],
    }),
  );
}

/** The explicit "errors are HTTP 200 with Response.Error" row (DESIGN.md §3). */
export function errorEnvelopeRow(dialect: DialectName, docs: TencentDocs): CaseRow {
  return row(dialect, {
    id: 'envelope.error.http-200',
    title: 'An error is answered as HTTP 200 with Response.Error {Code, Message} and a RequestId',
    docRef: docRefs(docs.notFound, docs.requestId),
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
export function tencentSharedRows(dialect: DialectName, docs: TencentDocs, ids: TencentRuleIds, statusDoc: DocRef): CaseRow[] {
  const p = tencentProfile(dialect, docs, ids);
  return [...commonRows(p), ...stateRows(p), ...statusAndMixedRows(p, statusDoc), errorEnvelopeRow(dialect, docs)];
}
