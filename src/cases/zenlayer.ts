/**
 * What the two Zenlayer dialects share (vm and bmc): the same error table (404 INVALID_INSTANCE_NOT_FOUND, 403
 * OPERATION_DENIED_INSTANCE_RECYCLED, 403 OPERATION_DENIED_INSTANCE_NOT_RUNNING), the recycle-bin rule and the
 * JSON body rows. Each dialect passes its own words and document lines.
 */
import { describeDialect } from '../dialects/descriptions/index.ts';
import type { DialectName } from '../dialects/types.ts';
import {
  accepted,
  callStep,
  clientErrorRow,
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
  /** The request's content type as the document's example shows it (`Content-Type: application/json`). */
  readonly contentType: DocRef;
  /** Extra reference for the stoppable rule (vm: the contradicting note resolved by DESIGN.md §3). */
  readonly stoppableNote?: DocRef;
}

/** DESIGN.md §2: a zenlayer id is any non-empty string. */
const ID_PIN = pin(2, 'any non-empty string (no malformed error documented)');
/** DESIGN.md §3: the recycle bin takes precedence over NOT_RUNNING. */
const RECYCLE_PIN = pin(3, 'status RECYCLE or RECYCLING means "in the recycle bin" -> 403 OPERATION_DENIED_INSTANCE_RECYCLED, which takes precedence over NOT_RUNNING');

/** DESIGN.md §3: zenlayer-vm's contradiction, resolved. */
const RUNNING_WINS = pin(3, 'its note says only STOPPED instances can be stopped; its error table says only RUNNING. RUNNING wins');

/** Codes of the recycle-bin rejection (DESIGN.md §3: precedence over NOT_RUNNING). */
export const RECYCLED: Rejection = { codes: ['OPERATION_DENIED_INSTANCE_RECYCLED'], httpStatus: [403] };
/** Codes of the not-running rejection. */
export const NOT_RUNNING: Rejection = { codes: ['OPERATION_DENIED_INSTANCE_NOT_RUNNING'], httpStatus: [403] };
/** Codes of the not-found rejection. */
export const NOT_FOUND: Rejection = { codes: ['INVALID_INSTANCE_NOT_FOUND'], httpStatus: [404] };

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
    if (describeDialect(dialect).stoppable.includes(w)) continue;
    notStoppable[w] = describeDialect(dialect).recycled.includes(w) ? RECYCLED : NOT_RUNNING;
  }
  return {
    dialect,
    idsParam: 'instanceIds',
    ...describeDialect(dialect).lifecycle,
    statusWords: words,
    notStoppable,
    unknown: NOT_FOUND,
    // DESIGN.md §3: no code documented for >100 ids, missing or empty lists.
    tooMany: 'client-error',
    missing: 'client-error',
    empty: 'client-error',
    // 001 and 003 show X-ZC-Action in their example only, not as a parameter.
    actionRequired: false,
    docs: {
      stoppable: docs.stoppable,
      transition: docs.transition,
      batch: docs.batch,
      idsParam: docs.idsParam,
      action: docs.action,
      requestId: docs.requestId,
      unknown: docs.notFound,
      notStoppable: docs.stoppable,
      tooMany: PINS.noCodeClientError,
      forWord: {
        RECYCLE: [RECYCLE_PIN],
        RECYCLING: [RECYCLE_PIN],
        ...(docs.stoppableNote ? { STOPPED: [docs.stoppableNote, RUNNING_WINS] } : {}),
      },
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
      statusQuery: ['envelope:status', ...ids.statusAction],
      action: ['param:X-ZC-Action'],
      emptyAction: ['resolution:undocumented-error-client-error'],
    },
  };
}

/** Rows only Zenlayer has: recycle-bin batches, any-string ids, non-empty string ids, bad JSON, content type. */
export function zenlayerExtraRows(dialect: DialectName, docs: ZenlayerDocs): CaseRow[] {
  return [
    row(dialect, {
      id: 'ids.arbitrary-string.not-found',
      title: 'An id of any shape is an id (no malformed error is documented): an unknown one gets 404 INVALID_INSTANCE_NOT_FOUND',
      docRef: docRefs(docs.idsParam, ID_PIN, docs.notFound),
      rules: ['resolution:instance-id-any-string', 'error:INVALID_INSTANCE_NOT_FOUND', ...REJECTED_ANY],
      instances: [seed('bystander', 'RUNNING')],
      steps: [callStep(stopCall([{ literal: 'vmconform any-shape id #1' }]), rejected(NOT_FOUND))],
    }),
    ...(
      [
        ['ids.empty-string.rejected', 'A batch of a RUNNING instance and an empty-string id', 'a', stopCall(['a', { literal: '' }])],
        ['ids.non-string.rejected', 'An id that is not a string (a JSON number)', 'bystander', stopCall(undefined, { rawBody: '{"instanceIds":[12345]}' })],
      ] as const
    ).map(([id, what, alias, call]) =>
      clientErrorRow(dialect, {
        id,
        title: `${what} is a client error (4xx, no code documented) and changes nothing`,
        docRef: docRefs(docs.idsParam, ID_PIN, PINS.noCodeClientError, PINS.failedChangesNothing),
        rules: ['resolution:instance-id-any-string', 'resolution:undocumented-error-client-error', ...REJECTED_ANY],
        instances: [seed(alias, 'RUNNING')],
        call,
      }),
    ),
    row(dialect, {
      id: 'state.mixed-recycled.rejected',
      title: 'A batch of a RUNNING and a RECYCLE instance is rejected with 403 OPERATION_DENIED_INSTANCE_RECYCLED and stops neither',
      docRef: docRefs(docs.recycled, docs.batch, RECYCLE_PIN, PINS.failedChangesNothing),
      rules: ['state:not-stoppable=RECYCLE', 'error:OPERATION_DENIED_INSTANCE_RECYCLED', 'resolution:recycle-bin-precedence', ...REJECTED_ANY],
      instances: [seed('a', 'RUNNING'), seed('b', 'RECYCLE')],
      steps: [callStep(stopCall(['a', 'b']), rejected(RECYCLED))],
    }),
    row(dialect, {
      id: 'state.mixed-recycled-stopped.rejected',
      title: 'A batch of a STOPPED and a RECYCLING instance is rejected with 403 OPERATION_DENIED_INSTANCE_RECYCLED: the recycle bin takes precedence over NOT_RUNNING',
      docRef: docRefs(docs.recycled, docs.notRunning, RECYCLE_PIN),
      rules: ['state:not-stoppable=RECYCLING', 'error:OPERATION_DENIED_INSTANCE_RECYCLED', 'resolution:recycle-bin-precedence', ...REJECTED_ANY],
      instances: [seed('a', 'STOPPED'), seed('b', 'RECYCLING')],
      steps: [callStep(stopCall(['a', 'b']), rejected(RECYCLED))],
    }),
    clientErrorRow(dialect, {
      id: 'body.bad-json.rejected',
      // No document mentions JSON syntax errors: undocumented-but-sane behaviour (DESIGN.md §5).
      level: 'SHOULD',
      title: 'A body that is not JSON is rejected as a client error (4xx) and changes nothing',
      docRef: docRefs(docs.contentType, PINS.noCodeClientError, PINS.failedChangesNothing),
      rules: ['resolution:undocumented-error-client-error', ...REJECTED_ANY],
      instances: [seed('bystander', 'RUNNING')],
      call: stopCall(['bystander'], { rawBody: '{"instanceIds": [' }),
    }),
    row(dialect, {
      id: 'body.content-type.charset',
      level: 'SHOULD',
      title: 'A JSON body sent as application/json; charset=utf-8 is accepted',
      docRef: docRefs(docs.contentType, docs.stoppable),
      rules: ['state:stoppable=RUNNING'],
      instances: [seed('a', 'RUNNING')],
      steps: [callStep(stopCall(['a'], { contentType: 'application/json; charset=utf-8' }), accepted(['a']))],
    }),
  ];
}

/** Every row shared by both Zenlayer dialects. */
export function zenlayerSharedRows(dialect: DialectName, words: readonly string[], docs: ZenlayerDocs, ids: ZenlayerRuleIds): CaseRow[] {
  const p = zenlayerProfile(dialect, words, docs, ids);
  return [...commonRows(p), ...stateRows(p), ...severalProblemsRows(p), ...zenlayerExtraRows(dialect, docs)];
}
