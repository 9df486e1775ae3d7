/**
 * What the two Zenlayer dialects share (vm and bmc): the same error table (404 INVALID_INSTANCE_NOT_FOUND, 403
 * OPERATION_DENIED_INSTANCE_RECYCLED, 403 OPERATION_DENIED_INSTANCE_NOT_RUNNING), the recycle-bin rule and the
 * JSON body rows. Each dialect passes its own words and document lines.
 */
import type { DialectName } from '../dialects/types.ts';
import {
  accepted,
  callStep,
  commonRows,
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

/** Where a Zenlayer document says each thing. */
export interface ZenlayerDocs {
  /** The line that says only RUNNING instances may be stopped (for vm: the error table row, DESIGN.md §3). */
  readonly stoppable: DocRef;
  readonly transition: DocRef;
  readonly batch: DocRef;
  readonly idsParam: DocRef;
  readonly action: DocRef;
  readonly requestId: DocRef;
  readonly notFound: DocRef;
  readonly recycled: DocRef;
  readonly notRunning: DocRef;
  /** Extra reference for the stoppable rule (vm: the contradicting note resolved by DESIGN.md §3). */
  readonly stoppableNote?: DocRef;
}

/** Codes of the recycle-bin rejection (DESIGN.md §3: precedence over NOT_RUNNING). */
export const RECYCLED: Rejection = { codes: ['OPERATION_DENIED_INSTANCE_RECYCLED'], httpStatus: [403] };
/** Codes of the not-running rejection. */
export const NOT_RUNNING: Rejection = { codes: ['OPERATION_DENIED_INSTANCE_NOT_RUNNING'], httpStatus: [403] };
/** Codes of the not-found rejection. */
export const NOT_FOUND: Rejection = { codes: ['INVALID_INSTANCE_NOT_FOUND'], httpStatus: [404] };

const RECYCLE_WORDS = new Set(['RECYCLE', 'RECYCLING']);

/** What differs between the two Zenlayer dialects' rule ids. */
export interface ZenlayerRuleIds {
  /** Rules every accepted call exercises. */
  readonly wire: readonly string[];
  /** Rules of the status query's action (`enum:X-ZC-Action=DescribeInstancesStatus` / `=DescribeInstances`). */
  readonly statusAction: readonly string[];
  /** Extra rules a status word's rejection checks (vm: STOPPED checks the resolved contradiction). */
  readonly wordExtras: (word: string) => readonly string[];
}

const REJECTED_ANY = ['resolution:failed-request-changes-nothing', 'envelope:error', 'resolution:zenlayer-errors-http-4xx'];

/** The Zenlayer profile for the shared builders. */
export function zenlayerProfile(dialect: DialectName, words: readonly string[], docs: ZenlayerDocs, ids: ZenlayerRuleIds): DialectProfile {
  const notStoppable: Record<string, Rejection> = {};
  for (const w of words) {
    if (w === 'RUNNING') continue;
    notStoppable[w] = RECYCLE_WORDS.has(w) ? RECYCLED : NOT_RUNNING;
  }
  return {
    dialect,
    idsParam: 'instanceIds',
    running: 'RUNNING',
    stopping: 'STOPPING',
    stopped: 'STOPPED',
    statusWords: words,
    notStoppable,
    unknown: NOT_FOUND,
    // DESIGN.md §3: no code documented for >100 ids, missing or empty lists.
    tooMany: 'client-error',
    missing: 'client-error',
    empty: 'client-error',
    statusPageSize: 20,
    docs: {
      stoppable: docs.stoppable,
      transition: docs.transition,
      batch: docs.batch,
      idsParam: docs.idsParam,
      action: docs.action,
      requestId: docs.requestId,
      unknown: docs.notFound,
      notStoppable: docs.stoppable,
      ...(docs.stoppableNote ? { forWord: { STOPPED: docs.stoppableNote } } : {}),
      codeRows: {
        OPERATION_DENIED_INSTANCE_RECYCLED: docs.recycled,
        OPERATION_DENIED_INSTANCE_NOT_RUNNING: docs.notRunning,
      },
    },
    rules: {
      stopSingle: ['state:stoppable=RUNNING', 'transition:RUNNING->STOPPING', 'transition:STOPPING->STOPPED', 'envelope:success', 'param:instanceIds'],
      batch: ['param:instanceIds'],
      limit100: ['limit:instance-ids-max'],
      limit101: ['limit:instance-ids-max', 'resolution:undocumented-error-client-error'],
      missing: ['param:instanceIds', 'resolution:undocumented-error-client-error'],
      empty: ['param:instanceIds', 'resolution:undocumented-error-client-error'],
      duplicate: ['param:instanceIds'],
      unknown: ['error:INVALID_INSTANCE_NOT_FOUND'],
      malformed: [],
      notStoppable: (word, rejection) => [
        `state:not-stoppable=${word}`,
        ...(rejection === RECYCLED
          ? ['error:OPERATION_DENIED_INSTANCE_RECYCLED', 'resolution:recycle-bin-precedence']
          : ['error:OPERATION_DENIED_INSTANCE_NOT_RUNNING']),
        'resolution:seeded-status-persists',
        ...ids.wordExtras(word),
      ],
      mixedBatch: ['state:not-stoppable=STOPPED', 'error:OPERATION_DENIED_INSTANCE_NOT_RUNNING'],
      wire: ids.wire,
      rejectedAny: REJECTED_ANY,
      severalProblems: ['resolution:several-problems-any-code', 'error:INVALID_INSTANCE_NOT_FOUND'],
      status: {
        explicitPage: ['envelope:status', ...ids.statusAction, 'resolution:seeded-status-persists'],
        defaultPage: ['envelope:status', ...ids.statusAction],
        unknownId: ['resolution:status-query-unknown-ids'],
      },
    },
  };
}

/** Rows only Zenlayer has: recycle-bin batches, any-string ids, bad JSON, content type. */
export function zenlayerExtraRows(dialect: DialectName, docs: ZenlayerDocs): CaseRow[] {
  return [
    row(dialect, {
      id: 'ids.arbitrary-string.not-found',
      title: 'An id of any shape is an id (no malformed error is documented): an unknown one gets 404 INVALID_INSTANCE_NOT_FOUND',
      docRef: docRefs(docs.idsParam, docs.notFound),
      rules: ['resolution:instance-id-any-string', 'error:INVALID_INSTANCE_NOT_FOUND', ...REJECTED_ANY],
      instances: [seed('bystander', 'RUNNING')],
      steps: [callStep(stopCall([{ literal: 'vmconform any-shape id #1' }]), rejected(NOT_FOUND))],
    }),
    row(dialect, {
      id: 'state.mixed-recycled.rejected',
      title: 'A batch of a RUNNING and a RECYCLE instance is rejected with 403 OPERATION_DENIED_INSTANCE_RECYCLED and stops neither',
      docRef: docRefs(docs.recycled, docs.batch),
      rules: ['state:not-stoppable=RECYCLE', 'error:OPERATION_DENIED_INSTANCE_RECYCLED', 'resolution:recycle-bin-precedence', ...REJECTED_ANY],
      instances: [seed('a', 'RUNNING'), seed('b', 'RECYCLE')],
      steps: [callStep(stopCall(['a', 'b']), rejected(RECYCLED))],
    }),
    row(dialect, {
      id: 'state.mixed-recycled-stopped.rejected',
      title: 'A batch of a STOPPED and a RECYCLING instance is rejected with 403 OPERATION_DENIED_INSTANCE_RECYCLED: the recycle bin takes precedence over NOT_RUNNING',
      docRef: docRefs(docs.recycled, docs.notRunning),
      rules: ['state:not-stoppable=RECYCLING', 'error:OPERATION_DENIED_INSTANCE_RECYCLED', 'resolution:recycle-bin-precedence', ...REJECTED_ANY],
      instances: [seed('a', 'STOPPED'), seed('b', 'RECYCLING')],
      steps: [callStep(stopCall(['a', 'b']), rejected(RECYCLED))],
    }),
    row(dialect, {
      id: 'body.bad-json.rejected',
      // No document mentions JSON syntax errors: undocumented-but-sane behaviour (DESIGN.md §5).
      level: 'SHOULD',
      title: 'A body that is not JSON is rejected as a client error (4xx) and changes nothing',
      docRef: docRefs(docs.idsParam),
      rules: ['resolution:undocumented-error-client-error', ...REJECTED_ANY],
      instances: [seed('bystander', 'RUNNING')],
      steps: [callStep(stopCall(['bystander'], { rawBody: '{"instanceIds": [' }), { result: 'client-error', stopped: [] })],
    }),
    row(dialect, {
      id: 'body.content-type.charset',
      level: 'SHOULD',
      title: 'A JSON body sent as application/json; charset=utf-8 is accepted',
      docRef: docRefs(docs.stoppable),
      rules: ['state:stoppable=RUNNING'],
      instances: [seed('a', 'RUNNING')],
      steps: [callStep(stopCall(['a'], { contentType: 'application/json; charset=utf-8' }), accepted(['a']))],
    }),
  ];
}

/** Every row shared by both Zenlayer dialects. */
export function zenlayerSharedRows(
  dialect: DialectName,
  words: readonly string[],
  docs: ZenlayerDocs,
  ids: ZenlayerRuleIds,
  statusDoc: DocRef,
): CaseRow[] {
  const p = zenlayerProfile(dialect, words, docs, ids);
  return [...commonRows(p), ...stateRows(p), ...statusAndMixedRows(p, statusDoc), ...zenlayerExtraRows(dialect, docs)];
}
