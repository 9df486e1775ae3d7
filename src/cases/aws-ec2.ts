/**
 * The aws-ec2 rows (specs/sources/aws-ec2.md: AWS's public references restated, with vmconform's pins in its last
 * section). EC2 names no per-code HTTP status (aws-ec2.md:199): a documented code is accepted with any 4xx.
 */
import { describeDialect } from '../dialects/descriptions/index.ts';
import {
  accepted,
  callStep,
  clientErrorRow,
  commonRows,
  docRef,
  docRefs,
  PINS,
  ref,
  rejected,
  row,
  seed,
  seedMany,
  aliases,
  stateRows,
  stopCall,
  versionClientErrorRows,
  type DialectProfile,
  type DocRef,
  type Rejection,
} from './builders.ts';
import type { CaseRow } from './types.ts';

const D = 'aws-ec2';
const F = 'aws-ec2.md';

/** aws-ec2 state names (aws-ec2.md:73, DESIGN.md §2). */
export const AWS_EC2_WORDS = describeDialect(D).statusWords;

/** Where specs/sources/aws-ec2.md says each thing. */
const DOC = {
  action: ref(F, 16, 'Every request carries Action (the operation) and Version'),
  claims: ref(F, 22, 'a Version key equal to the service version'),
  idsParam: ref(F, 43, 'InstanceId.N: the ids of the instances to stop; array of strings; required.'),
  list: ref(F, 18, 'A list parameter is sent as name.n, with n an integer counted from 1'),
  requestId: ref(F, 85, 'Every success carries the request id in a requestId element'),
  stoppable: ref(F, 180, 'Stoppable: running.'),
  transition: ref(F, 180, 'previousState running, currentState stopping or stopped'),
  already: ref(F, 181, 'Already stopping or stopped: the stop may succeed'),
  pending: ref(F, 182, 'pending: the sources name no precondition; the answer is a client error with IncorrectInstanceState'),
  terminated: ref(F, 183, 'shutting-down and terminated: the sources are silent'),
  incorrect: ref(F, 111, 'Action code IncorrectInstanceState'),
  notFound: ref(F, 113, 'Action code InvalidInstanceID.NotFound'),
  unknownId: ref(F, 186, 'Unknown well-formed id: InvalidInstanceID.NotFound, a client error, nothing changed.'),
  malformed: ref(F, 187, 'InvalidInstanceID.Malformed or InvalidInstanceID.NotFound are both accepted'),
  missing: ref(F, 188, 'MissingParameter or InvalidParameterCombination'),
  emptyValue: ref(F, 189, 'An empty value (InstanceId.1=): any client error, nothing changed; no code is required.'),
  tooMany: ref(F, 190, '101 ids may succeed or get a client error; never a 5xx, and a refusal changes nothing.'),
  atomic: ref(F, 192, 'A request that fails changes nothing: one bad id among good ones fails the whole request.'),
  dryRunPass: ref(F, 193, 'Dry run that would pass: DryRunOperation with a 4xx status, nothing changed'),
  dryRunFail: ref(F, 194, 'Dry run that would fail (unknown id, wrong state): DryRunOperation or the error the real call would get'),
  dryRunCode: ref(F, 102, 'Common client code DryRunOperation'),
  hibernate: ref(F, 196, 'Hibernate=true: a stop, or a client error that changed nothing'),
  force: ref(F, 197, 'Force=true and SkipOsShutdown=true: documented parameters, so a running instance stops'),
  forceParam: ref(F, 46, 'Force: Boolean, optional, default false'),
  skipParam: ref(F, 49, 'SkipOsShutdown: Boolean, optional, default false'),
  dryRunParam: ref(F, 44, 'DryRun: Boolean, optional'),
  booleans: ref(F, 171, 'Booleans: the suite sends true/false; another spelling (TRUE, 1, maybe) is a bad boolean'),
  get: ref(F, 170, 'GET /?Action=.. with the same query is the SHOULD variant'),
  unknownAction: ref(F, 205, 'Unknown action (StopInstancez): a client error with nothing changed, SHOULD'),
  errorByStatus: ref(F, 199, 'a client error is any 4xx, no per-code status is required'),
} as const;

/** Any 4xx (aws-ec2.md:199: no per-code status is required). */
const CLIENT_4XX: readonly number[] = Array.from({ length: 100 }, (_, i) => 400 + i);
const rejection = (...codes: string[]): Rejection => ({ codes, httpStatus: CLIENT_4XX });
const INCORRECT = rejection('IncorrectInstanceState');
const GONE = rejection('IncorrectInstanceState', 'InvalidInstanceID.NotFound');
const NOT_FOUND = rejection('InvalidInstanceID.NotFound');
const MALFORMED = rejection('InvalidInstanceID.Malformed', 'InvalidInstanceID.NotFound');
const MISSING = rejection('MissingParameter', 'InvalidParameterCombination');
const DRY_RUN_OK = rejection('DryRunOperation');
/** Not `i-` + 8 or 17 lowercase hex digits (DESIGN.md §2). */
const MALFORMED_ID = 'i-xyz123';

const REJECTED_ANY = ['resolution:failed-request-changes-nothing', 'envelope:error', 'resolution:error-by-http-status'];

const profile: DialectProfile = {
  dialect: D,
  idsParam: 'InstanceId.N',
  running: 'running',
  stopping: 'stopping',
  stopped: 'stopped',
  statusWords: AWS_EC2_WORDS,
  // stopping and stopped may succeed or be refused (aws-ec2.md:181): their rows are below, not here.
  notStoppable: { pending: INCORRECT, 'shutting-down': GONE, terminated: GONE },
  unknown: NOT_FOUND,
  malformed: { literal: MALFORMED_ID, rejection: MALFORMED, docs: [DOC.malformed] },
  tooMany: 'client-error',
  missing: MISSING,
  // No `empty`: an empty list serializes to nothing (aws-ec2.md:26), the same request as no list.
  actionRequired: true,
  docs: {
    stoppable: DOC.stoppable,
    transition: DOC.transition,
    batch: DOC.list,
    idsParam: DOC.idsParam,
    action: DOC.action,
    requestId: DOC.requestId,
    unknown: DOC.unknownId,
    notStoppable: DOC.stoppable,
    codeRows: { IncorrectInstanceState: DOC.incorrect, 'InvalidInstanceID.NotFound': DOC.notFound },
    tooMany: DOC.tooMany,
    missing: DOC.missing,
    atomic: DOC.atomic,
    forWord: { pending: [DOC.pending], 'shutting-down': [DOC.terminated], terminated: [DOC.terminated] },
  },
  rules: {
    stopSingle: ['state:stoppable=running', 'transition:running->stopping', 'transition:stopping->stopped', 'envelope:success', 'param:InstanceId.N', 'resolution:request-ids'],
    batch: ['param:InstanceId.N'],
    limit100: ['limit:instance-ids-max'],
    limit101: ['limit:instance-ids-max', 'resolution:more-than-100-ids'],
    missing: ['param:InstanceId.N', 'error:MissingParameter', 'error:InvalidParameterCombination', 'resolution:missing-ids-two-codes'],
    empty: ['param:InstanceId.N'],
    duplicate: ['param:InstanceId.N'],
    unknown: ['error:InvalidInstanceID.NotFound', 'resolution:malformed-or-unknown-id'],
    malformed: ['error:InvalidInstanceID.Malformed', 'resolution:malformed-or-unknown-id'],
    notStoppable: (word) => [
      `state:not-stoppable=${word}`,
      ...(word === 'pending' ? ['error:IncorrectInstanceState', 'resolution:pending-incorrect-state'] : ['resolution:terminated-client-error']),
      'resolution:seeded-status-persists',
    ],
    mixedBatch: ['state:not-stoppable=pending'],
    wire: [
      'param:Action',
      'enum:Action=StopInstances',
      'param:Version',
      'enum:Version=2016-11-15',
      // stop.single omits DryRun and checks the instance stops: a DryRun=true default would stop nothing.
      'default:DryRun=false',
      'resolution:accepted-stop-reads-stopping',
      'resolution:state-code-low-byte',
      'resolution:open-envelopes',
      'resolution:namespace-not-judged',
      'resolution:content-type-not-judged',
    ],
    rejectedAny: REJECTED_ANY,
    severalProblems: ['error:InvalidInstanceID.NotFound'],
    statusQuery: ['envelope:status', 'enum:Action=DescribeInstanceStatus'],
    unknownAction: ['resolution:unknown-action-client-error'],
    action: ['param:Action'],
    emptyAction: [],
  },
};

const running = (alias = 'a'): ReturnType<typeof seed> => seed(alias, 'running');

/** A single-instance stop with one Boolean parameter set, accepted (aws-ec2.md:197). */
function paramRow(param: string, value: boolean, doc: DocRef, rules: readonly string[]): CaseRow {
  return row(D, {
    id: `param.${param}.${String(value)}`,
    title: `${param}=${String(value)} is accepted and stops the running instance`,
    docRef: docRefs(doc, DOC.force),
    rules: ['resolution:force-skip-os-shutdown-stop', ...rules],
    instances: [running()],
    steps: [callStep(stopCall(['a'], { params: { [param]: value } }), accepted(['a']))],
  });
}

const specific: CaseRow[] = [
  row(D, {
    id: 'ids.limit.101-handled',
    title: 'A batch of 101 ids is answered without a 5xx: a success stops all, a refusal stops none',
    docRef: docRefs(DOC.tooMany, PINS.failedChangesNothing),
    rules: ['limit:instance-ids-max', 'resolution:more-than-100-ids'],
    instances: seedMany('n', 101, 'running'),
    steps: [callStep(stopCall(aliases('n', 101)), { result: 'not-5xx' })],
  }),
  row(D, {
    id: 'state.mixed-batch.rejected',
    title: 'A batch of a running and a pending instance is rejected with IncorrectInstanceState and stops neither',
    docRef: docRefs(DOC.pending, DOC.atomic),
    rules: ['state:not-stoppable=pending', 'error:IncorrectInstanceState', ...REJECTED_ANY],
    instances: [running(), seed('b', 'pending')],
    steps: [callStep(stopCall(['a', 'b']), rejected(INCORRECT))],
  }),
  row(D, {
    id: 'ids.several-problems.rejected',
    title: 'A batch of a running instance, a pending instance and an unknown id is rejected with any documented code that applies, stopping nothing',
    docRef: docRefs(DOC.unknownId, DOC.pending, PINS.severalProblems),
    rules: ['error:InvalidInstanceID.NotFound', ...REJECTED_ANY],
    instances: [running(), seed('b', 'pending')],
    steps: [callStep(stopCall(['a', 'b', { unknown: 'x' }]), rejected(rejection('InvalidInstanceID.NotFound', 'IncorrectInstanceState')))],
  }),
  ...(['stopping', 'stopped'] as const).map((word) =>
    row(D, {
      id: `state.${word}.handled`,
      title: `Stopping a ${word} instance succeeds or is refused (IncorrectInstanceState); either way it stays ${word}`,
      docRef: docRefs(DOC.already, DOC.incorrect),
      // Not seeded-status-persists: a provider that seeds running and stops at once reads the same as one that does not.
      rules: ['resolution:stopping-stopped-may-succeed'],
      instances: [seed('a', word)],
      steps: [callStep(stopCall(['a']), { result: 'not-5xx', codes: ['IncorrectInstanceState'], stopped: [] })],
    }),
  ),
  clientErrorRow(D, {
    id: 'ids.empty-value.rejected',
    title: 'InstanceId.1 with an empty value is a client error and changes nothing',
    docRef: docRefs(DOC.emptyValue, PINS.failedChangesNothing),
    rules: ['param:InstanceId.N', ...REJECTED_ANY],
    instances: [seed('bystander', 'running')],
    call: stopCall([{ literal: '' }]),
  }),
  paramRow('Force', true, DOC.forceParam, ['param:Force']),
  paramRow('Force', false, DOC.forceParam, ['param:Force']),
  paramRow('SkipOsShutdown', true, DOC.skipParam, ['param:SkipOsShutdown']),
  row(D, {
    id: 'param.Hibernate.true',
    title: 'Hibernate=true stops the running instance, or is a client error that changes nothing',
    docRef: docRefs(DOC.hibernate, PINS.eligibility),
    rules: ['param:Hibernate', 'resolution:hibernate-stop-or-client-error'],
    instances: [running()],
    steps: [callStep(stopCall(['a'], { params: { Hibernate: true } }), { result: 'not-5xx' })],
  }),
  // The sources name no code for a missing or another Version: a client error that changes nothing (SHOULD, as aliyun's).
  ...versionClientErrorRows(D, { docs: [DOC.action, DOC.claims], running: 'running', version: '2016-11-15', rules: REJECTED_ANY }),
  clientErrorRow(D, {
    id: 'param.Force.invalid-rejected',
    title: 'Force=TRUE (not the lowercase word) is a client error and stops nothing',
    docRef: docRefs(DOC.booleans, PINS.failedChangesNothing),
    rules: ['resolution:booleans-true-false', ...REJECTED_ANY],
    instances: [running()],
    call: stopCall(['a'], { params: { Force: 'TRUE' } }),
  }),
  row(D, {
    id: 'ec2.dry-run.pass',
    title: 'DryRun=true on a running instance answers DryRunOperation (a 4xx) and stops nothing',
    docRef: docRefs(DOC.dryRunPass, DOC.dryRunCode),
    rules: ['param:DryRun', 'error:DryRunOperation', 'resolution:dryrun-operation-any-4xx', ...REJECTED_ANY],
    instances: [running()],
    steps: [callStep(stopCall(['a'], { params: { DryRun: true } }), rejected(DRY_RUN_OK))],
  }),
  row(D, {
    id: 'ec2.dry-run.fail-unknown',
    title: 'DryRun=true with an unknown id answers DryRunOperation or the real error and changes nothing',
    docRef: docRefs(DOC.dryRunFail, DOC.unknownId),
    rules: ['param:DryRun', ...REJECTED_ANY],
    instances: [running()],
    steps: [callStep(stopCall(['a', { unknown: 'x' }], { params: { DryRun: true } }), rejected(rejection('DryRunOperation', 'InvalidInstanceID.NotFound')))],
  }),
  row(D, {
    id: 'ec2.dry-run.fail-state',
    title: 'DryRun=true on a pending instance answers DryRunOperation or the real error and changes nothing',
    docRef: docRefs(DOC.dryRunFail, DOC.pending),
    rules: ['param:DryRun', ...REJECTED_ANY],
    instances: [seed('a', 'pending')],
    steps: [callStep(stopCall(['a'], { params: { DryRun: true } }), rejected(rejection('DryRunOperation', 'IncorrectInstanceState')))],
  }),
  row(D, {
    id: 'param.DryRun.false',
    title: 'DryRun=false is accepted and stops the running instance',
    docRef: docRef(DOC.dryRunParam),
    rules: ['param:DryRun'],
    instances: [running()],
    steps: [callStep(stopCall(['a'], { params: { DryRun: false } }), accepted(['a']))],
  }),
  row(D, {
    id: 'style.query-get',
    level: 'SHOULD',
    title: 'The same request as a GET with the parameters in the query stops the instance',
    docRef: docRef(DOC.get),
    rules: ['resolution:wire-post-form-get-should'],
    instances: [running()],
    steps: [callStep(stopCall(['a'], { style: 'query-get' }), accepted(['a']))],
  }),
];

/** Every aws-ec2 row: the shared rows (101 ids replaced by its no-5xx row, aws-ec2.md:190) and the EC2 rows. */
export const AWS_EC2_CASES: readonly CaseRow[] = Object.freeze([
  ...commonRows(profile).filter((r) => r.id !== 'ids.limit.101-rejected'),
  ...stateRows(profile),
  ...specific,
]);
