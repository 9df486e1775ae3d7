/**
 * The aliyun-ecs rows (seed 004_edc2cde202d0f4dc.txt): dry runs, the two batch modes, security locks, RegionId,
 * Format=XML, every enum value, and the form-post and ACS3 styles.
 */
import { describeDialect } from '../dialects/descriptions/index.ts';
import {
  accepted,
  callStep,
  commonRows,
  docRef,
  docRefs,
  aliases,
  pin,
  PINS,
  ref,
  rejected,
  row,
  seed,
  seedMany,
  severalProblemsRows,
  stateRows,
  stopCall,
  versionClientErrorRows,
  type DialectProfile,
  type DocRef,
  type Rejection,
} from './builders.ts';
import type { CaseRow, IdRef } from './types.ts';

const F = '004_edc2cde202d0f4dc.txt';
const D = 'aliyun-ecs' as const;

/** aliyun-ecs status words (DESIGN.md §2). */
export const ALIYUN_WORDS = describeDialect('aliyun-ecs').statusWords;

const DOC = {
  stoppable: ref(F, 1, 'Stops one or more Elastic Compute Service (ECS) instances that are in the Running state.'),
  transition: ref(F, 1, 'After the operation is called, the state of the instances changes to Stopping and then to Stopped.'),
  securityLock: ref(F, 5, 'the instance is locked for security reasons and all operations are prohibited on it.'),
  batchModes: ref(F, 7, 'Batch operations are supported. You can use the BatchOptimization parameter to specify the batch operation mode.'),
  dryRun: ref(F, 24, 'If the request passes the dry run, DRYRUN.SUCCESS is returned.'),
  dryRunFails: ref(F, 24, 'If the request fails the dry run, an error message is returned.'),
  dryRunSuccessFirst: ref(F, 25, 'If you set BatchOptimization to SuccessFirst and DryRun to true, only DRYRUN.SUCCESS is returned regardless of whether the request passes the dry run.'),
  dryRunFalse: ref(F, 26, 'false: performs a dry run and sends the request.'),
  dryRunParam: ref(F, 20, 'DryRun Boolean No false'),
  region: ref(F, 30, 'RegionId String Yes cn-hangzhou'),
  forceStop: ref(F, 34, 'ForceStop Boolean No false'),
  stoppedMode: ref(F, 43, 'StoppedMode String No KeepCharging'),
  stopCharging: ref(F, 47, 'StopCharging: economical mode. For information about the conditions on which StopCharging takes effect'),
  stopChargingDefault: ref(F, 50, 'If the conditions for enabling the economical mode are met'),
  keepCharging: ref(F, 48, 'KeepCharging: standard mode.'),
  batchOptimization: ref(F, 52, 'BatchOptimization String No AllTogether'),
  allTogether: ref(F, 56, 'none of the specified instances can be stopped and an error message is returned.'),
  successFirst: ref(F, 57, 'SuccessFirst: In this mode, each instance is separately stopped. The response contains the operation results for each instance.'),
  idsParam: ref(F, 61, 'InstanceId.N String Yes'),
  batch: ref(F, 63, 'The ID of instance N. Valid values of N: 1 to 100.'),
  action: ref(F, 16, 'Action String Yes StopInstances'),
  requestId: ref(F, 68, 'RequestId String 1C488B66-B819-4D14-8711-C4EAAA13AC01'),
  perInstanceCode: ref(F, 79, 'The return value 200 indicates success.'),
  xml: ref(F, 112, 'XML format'),
  xmlContentType: ref(F, 115, 'Content-Type:application/xml'),
  dryRunCode: ref(F, 178, '400 DRYRUN.SUCCESS'),
  malformed: ref(F, 179, '403 Abs.InvalidInstanceIds.MalFormed'),
  incorrectStatus: ref(F, 180, '403 IncorrectInstanceStatus'),
  notReady: ref(F, 182, '403 InstanceNotReady'),
  notFound: ref(F, 185, '404 InvalidInstanceId.NotFound The specified InstanceId does not exist.'),
  notFoundExample: ref(F, 169, '"Code" : "InvalidInstanceId.NotFound"'),
  testIdNotFound: ref(F, [134, 139], '<InstanceId>i-TestID</InstanceId>'),
  xmlSuccessFirst: ref(F, [117, 142], '<StopInstancesResponse>'),
} as const;

/** The DESIGN.md pins only the aliyun rows cite. */
const PIN = {
  /** The Version aliyun's RPC request carries (004 lists no Version parameter; DESIGN.md §2 pins it). */
  version: pin(2, '`GET` or `POST /?Action=StopInstances&Version=2014-05-26&RegionId=..&InstanceId.1=..`'),
  dryRunFails: pin(3, 'a dry run that fails returns the error the real call would'),
  notReady: pin(3, 'Starting/Stopping/Pending -> 403 `IncorrectInstanceStatus` or `InstanceNotReady`'),
  locked: pin(3, 'a security-locked instance is never stopped (403, code not documented)'),
  malformed: pin(3, 'Wherever the suite sends an id it considers malformed, `403 Abs.InvalidInstanceIds.MalFormed` and `404 InvalidInstanceId.NotFound` are both accepted'),
  successFirstUnknown: pin(3, 'SuccessFirst: an id that is malformed or unknown gets its own InstanceResponse'),
  successFirstCodes: pin(3, '`Code` "200"/"success" for the stopped ones'),
  defaultXml: pin(3, 'the RPC default `Format` is XML'),
  acs3: pin(3, "Targets SHOULD also accept the official SDK's ACS3 style"),
  post: pin(2, '`GET` or `POST /?Action=StopInstances&Version=2014-05-26'),
  xmlError: pin(2, 'XML `<Error>..</Error>` when `Format=XML`'),
} as const;

const INCORRECT: Rejection = { codes: ['IncorrectInstanceStatus'], httpStatus: [403] };
const NOT_READY: Rejection = { codes: ['IncorrectInstanceStatus', 'InstanceNotReady'], httpStatus: [403] };
const NOT_FOUND: Rejection = { codes: ['InvalidInstanceId.NotFound', 'InvalidInstanceIds.NotFound'], httpStatus: [404] };
/**
 * A malformed id: 004's own code, or not found as 004:134-139 answers its odd id `i-TestID` (DESIGN.md §3); each with
 * its own status (403, 404), which the spec's error table gives.
 */
const MALFORMED_CODES = ['Abs.InvalidInstanceIds.MalFormed', 'InvalidInstanceId.NotFound', 'InvalidInstanceIds.NotFound'] as const;
const MALFORMED: Rejection = { codes: MALFORMED_CODES };
const DRYRUN: Rejection = { codes: ['DRYRUN.SUCCESS'], httpStatus: [400] };
/** A malformed id: not `i-` + lowercase alphanumerics (DESIGN.md §2). */
const MALFORMED_ID = 'x-bp67acfmxazb4p';

const UNDOCUMENTED_CLIENT_ERROR = 'resolution:undocumented-error-client-error';

const profile: DialectProfile = {
  dialect: D,
  idsParam: 'InstanceId.N',
  ...describeDialect(D).lifecycle,
  statusWords: ALIYUN_WORDS,
  notStoppable: { Pending: NOT_READY, Starting: NOT_READY, Stopping: NOT_READY, Stopped: INCORRECT },
  unknown: NOT_FOUND,
  malformed: { literal: MALFORMED_ID, rejection: MALFORMED, docs: [DOC.malformed, DOC.testIdNotFound, PIN.malformed] },
  tooMany: 'client-error',
  missing: 'client-error',
  // No `empty`: `InstanceId.N` with no N is the same request as no list (ids.missing.rejected), so no empty-list row.
  actionRequired: true,
  docs: {
    stoppable: DOC.stoppable,
    transition: DOC.transition,
    batch: DOC.batch,
    idsParam: DOC.idsParam,
    action: DOC.action,
    requestId: DOC.requestId,
    unknown: DOC.notFound,
    notStoppable: DOC.stoppable,
    codeRows: { IncorrectInstanceStatus: DOC.incorrectStatus, InstanceNotReady: DOC.notReady },
    tooMany: PINS.noCodeClientError,
    atomic: DOC.allTogether,
    forWord: { Pending: [PIN.notReady], Starting: [PIN.notReady], Stopping: [PIN.notReady] },
  },
  rules: {
    stopSingle: ['state:stoppable=Running', 'transition:Running->Stopping', 'transition:Stopping->Stopped', 'envelope:success', 'param:InstanceId.N'],
    batch: ['param:InstanceId.N'],
    limit100: ['limit:instance-ids-max'],
    limit101: ['limit:instance-ids-max', 'resolution:undocumented-error-client-error'],
    missing: ['param:InstanceId.N', 'resolution:undocumented-error-client-error'],
    empty: ['param:InstanceId.N', 'resolution:undocumented-error-client-error'],
    duplicate: ['param:InstanceId.N'],
    unknown: ['error:InvalidInstanceId.NotFound', 'error:InvalidInstanceIds.NotFound'],
    malformed: ['error:Abs.InvalidInstanceIds.MalFormed'],
    notStoppable: (word, rejection) => [
      `state:not-stoppable=${word}`,
      // Where two codes are accepted (Pending/Starting/Stopping), neither is required, so neither is credited.
      ...(rejection === INCORRECT ? ['error:IncorrectInstanceStatus'] : []),
      'resolution:not-stoppable-codes',
      'resolution:seeded-status-persists',
    ],
    mixedBatch: [
      'state:not-stoppable=Stopped',
      'default:BatchOptimization=AllTogether',
      'resolution:batch-alltogether-atomic',
    ],
    wire: [
      'param:Action',
      'enum:Action=StopInstances',
      'param:Version',
      'enum:Version=2014-05-26',
      'param:RegionId',
      'param:Format',
      'enum:Format=JSON',
      // stop.single omits DryRun and checks the instance stops: a DryRun=true default would stop nothing.
      'default:DryRun=false',
      'resolution:accepted-stop-reads-stopping',
    ],
    rejectedAny: ['resolution:failed-request-changes-nothing', 'envelope:error'],
    severalProblems: ['resolution:several-problems-any-code', 'error:InvalidInstanceId.NotFound'],
    statusQuery: ['envelope:status', 'enum:Action=DescribeInstanceStatus'],
    action: ['param:Action'],
    emptyAction: [UNDOCUMENTED_CLIENT_ERROR],
  },
};

const running = (alias = 'a') => seed(alias, 'Running');

/** A stopped instance's CurrentStatus in a SuccessFirst answer: Stopping, or Stopped where the stop completes at once (DESIGN.md §3). */
const STOPPING_OR_STOPPED = ['Stopping', 'Stopped'] as const;

/** A single-instance stop with one parameter set, accepted. */
function validParamRow(param: string, value: string | boolean, doc: DocRef, rules: readonly string[]): CaseRow {
  return row(D, {
    id: `param.${param}.${String(value)}`,
    title: `${param}=${String(value)} is accepted and stops the instance`,
    docRef: docRef(doc),
    rules,
    instances: [running()],
    steps: [callStep(stopCall(['a'], { params: { [param]: value } }), accepted(['a']))],
  });
}

/** A single-instance stop with an invalid parameter value: a client error (no code documented), nothing stopped. */
function invalidParamRow(param: string, value: string, doc: DocRef, rules: readonly string[]): CaseRow {
  return row(D, {
    id: `param.${param}.invalid-rejected`,
    title: `${param}=${value} is rejected as a client error and stops nothing`,
    docRef: docRefs(doc, PINS.noCodeClientError, PINS.failedChangesNothing),
    rules,
    instances: [running()],
    steps: [callStep(stopCall(['a'], { params: { [param]: value } }), { result: 'client-error', stopped: [] })],
  });
}

/** A dry run (004:24) that fails a check: the real call's error, nothing changed. */
/** The code of a dry run that passed (004:178): a dry run that fails a check answers the real error instead (004:24). */
const DRYRUN_SUCCESS = 'DRYRUN.SUCCESS';

function dryRunFailRow(id: string, title: string, refs: readonly DocRef[], rules: readonly string[], rest: Pick<CaseRow, 'instances' | 'steps'>): CaseRow {
  return row(D, {
    id: `aliyun.dry-run.${id}`,
    title,
    docRef: docRefs(DOC.dryRunFails, ...refs, PIN.dryRunFails, PINS.failedChangesNothing),
    rules: [...rules, ...REJECTED_ANY],
    ...rest,
  });
}

const mixedIds: IdRef[] = ['a', 'b', { unknown: 'u' }];
const REJECTED_ANY = profile.rules.rejectedAny;
const UNDOCUMENTED = UNDOCUMENTED_CLIENT_ERROR;
const DRY_RUN = { DryRun: true } as const;
const SUCCESS_FIRST = { BatchOptimization: 'SuccessFirst' } as const;
/** The per-instance answers of a SuccessFirst stop of `mixedIds` (a Running, b Stopped, u unknown). */
const MIXED_ENTRIES = {
  a: { code: 'success', previousStatus: 'Running', currentStatus: STOPPING_OR_STOPPED },
  b: { code: ['IncorrectInstanceStatus'] },
  u: { code: ['InvalidInstanceId.NotFound', 'InvalidInstanceIds.NotFound'] },
} as const;

const specific: CaseRow[] = [
  row(D, {
    id: 'aliyun.dry-run.pass',
    title: 'DryRun=true on a Running instance answers 400 DRYRUN.SUCCESS and stops nothing',
    docRef: docRefs(DOC.dryRun, DOC.dryRunCode),
    rules: ['param:DryRun', 'error:DRYRUN.SUCCESS', 'resolution:dryrun-success-400'],
    instances: [running()],
    steps: [callStep(stopCall(['a'], { params: DRY_RUN }), rejected(DRYRUN))],
  }),
  dryRunFailRow(
    'fail-state',
    'DryRun=true on a Stopped instance answers the real error (403 IncorrectInstanceStatus) and changes nothing',
    [DOC.incorrectStatus],
    ['param:DryRun', 'error:IncorrectInstanceStatus', 'resolution:dryrun-failure-real-error'],
    { instances: [seed('a', 'Stopped')], steps: [callStep(stopCall(['a'], { params: DRY_RUN }), rejected(INCORRECT))] },
  ),
  dryRunFailRow(
    'fail-unknown',
    'DryRun=true with an unknown id answers the real error (404 not found) and changes nothing',
    [DOC.notFound],
    ['param:DryRun', 'error:InvalidInstanceId.NotFound', 'error:InvalidInstanceIds.NotFound', 'resolution:dryrun-failure-real-error'],
    { instances: [running()], steps: [callStep(stopCall(['a', { unknown: 'x' }], { params: DRY_RUN }), rejected(NOT_FOUND))] },
  ),
  // 004:24: the dry run checks "the required parameters, request syntax, and instance status"; one row per check.
  // No document names the code of a missing RegionId or of more than 100 ids: a client error (DESIGN.md §3).
  dryRunFailRow(
    'fail-region',
    'DryRun=true without the required RegionId answers a client error (the real call\'s) and changes nothing',
    [DOC.region, PINS.noCodeClientError],
    ['resolution:dryrun-failure-real-error', UNDOCUMENTED],
    { instances: [running()], steps: [callStep(stopCall(['a'], { params: DRY_RUN, region: null }), { result: 'client-error', notCodes: [DRYRUN_SUCCESS], stopped: [] })] },
  ),
  dryRunFailRow(
    'fail-too-many',
    'DryRun=true with 101 ids answers a client error (the real call\'s) and changes nothing',
    [DOC.batch, PINS.noCodeClientError],
    ['resolution:dryrun-failure-real-error', UNDOCUMENTED],
    {
      instances: seedMany('n', 101, 'Running'),
      steps: [callStep(stopCall(aliases('n', 101), { params: DRY_RUN }), { result: 'client-error', notCodes: [DRYRUN_SUCCESS], stopped: [] })],
    },
  ),
  dryRunFailRow(
    'fail-malformed',
    `DryRun=true with a malformed id (${MALFORMED_ID}) answers the real error (malformed or not found) and changes nothing`,
    [DOC.malformed, DOC.testIdNotFound, PIN.malformed],
    ['param:DryRun', 'error:Abs.InvalidInstanceIds.MalFormed', 'resolution:dryrun-failure-real-error'],
    { instances: [running()], steps: [callStep(stopCall(['a', { literal: MALFORMED_ID }], { params: DRY_RUN }), rejected(MALFORMED))] },
  ),
  dryRunFailRow(
    'fail-security-locked',
    'DryRun=true on a security-locked Running instance answers the real error (403) and changes nothing',
    [DOC.securityLock, PIN.locked],
    ['param:DryRun', 'resolution:dryrun-failure-real-error', 'resolution:security-locked-never-stopped'],
    { instances: [seed('a', 'Running', true)], steps: [callStep(stopCall(['a'], { params: DRY_RUN }), { result: 'client-error', httpStatus: [403], notCodes: [DRYRUN_SUCCESS], stopped: [] })] },
  ),
  row(D, {
    id: 'aliyun.success-first.dry-run',
    title: 'SuccessFirst with DryRun=true answers DRYRUN.SUCCESS for a batch with failing instances, and changes nothing',
    docRef: docRefs(DOC.dryRunSuccessFirst, DOC.dryRunCode),
    rules: ['enum:BatchOptimization=SuccessFirst', 'error:DRYRUN.SUCCESS', 'resolution:dryrun-successfirst-always-success'],
    instances: [running(), seed('b', 'Stopped')],
    steps: [callStep(stopCall(mixedIds, { params: { ...DRY_RUN, ...SUCCESS_FIRST } }), rejected(DRYRUN))],
  }),
  row(D, {
    id: 'aliyun.success-first.mixed',
    title: 'SuccessFirst on a mixed batch stops the Running instance and reports each id on its own',
    docRef: docRefs(DOC.successFirst, DOC.perInstanceCode, DOC.notFoundExample, PIN.successFirstCodes),
    rules: [
      'enum:BatchOptimization=SuccessFirst',
      'error:IncorrectInstanceStatus',
      'error:InvalidInstanceId.NotFound',
      'resolution:batch-successfirst-per-instance',
      'resolution:successfirst-unknown-id-notfound',
    ],
    instances: [running(), seed('b', 'Stopped')],
    steps: [callStep(stopCall(mixedIds, { params: SUCCESS_FIRST }), { result: 'success', stopped: ['a'], instances: MIXED_ENTRIES })],
  }),
  row(D, {
    id: 'aliyun.success-first.malformed',
    title: 'SuccessFirst with a malformed id stops the Running instance and reports the malformed id on its own',
    docRef: docRefs(DOC.successFirst, DOC.malformed, DOC.testIdNotFound, PIN.successFirstUnknown),
    rules: ['enum:BatchOptimization=SuccessFirst', 'resolution:batch-successfirst-per-instance', 'resolution:successfirst-unknown-id-notfound'],
    instances: [running()],
    steps: [
      callStep(stopCall(['a', { literal: MALFORMED_ID }], { params: SUCCESS_FIRST }), {
        result: 'success',
        stopped: ['a'],
        instances: {
          a: { code: 'success', previousStatus: 'Running', currentStatus: STOPPING_OR_STOPPED },
          [MALFORMED_ID]: { code: MALFORMED_CODES },
        },
      }),
    ],
  }),
  row(D, {
    id: 'aliyun.success-first.not-ready',
    title: 'SuccessFirst stops the Running instance and reports each Pending, Starting and Stopping one with IncorrectInstanceStatus or InstanceNotReady, leaving them as they were',
    docRef: docRefs(DOC.successFirst, DOC.incorrectStatus, DOC.notReady, PIN.notReady),
    rules: [
      'enum:BatchOptimization=SuccessFirst',
      'state:not-stoppable=Pending',
      'state:not-stoppable=Starting',
      'state:not-stoppable=Stopping',
      'resolution:not-stoppable-codes',
      'resolution:batch-successfirst-per-instance',
    ],
    instances: [running(), seed('p', 'Pending'), seed('s', 'Starting'), seed('t', 'Stopping')],
    steps: [
      callStep(stopCall(['a', 'p', 's', 't'], { params: SUCCESS_FIRST }), {
        result: 'success',
        stopped: ['a'],
        instances: {
          a: { code: 'success', previousStatus: 'Running', currentStatus: STOPPING_OR_STOPPED },
          p: { code: ['IncorrectInstanceStatus', 'InstanceNotReady'] },
          s: { code: ['IncorrectInstanceStatus', 'InstanceNotReady'] },
          t: { code: ['IncorrectInstanceStatus', 'InstanceNotReady'] },
        },
      }),
    ],
  }),
  row(D, {
    id: 'aliyun.success-first.security-locked',
    title: 'SuccessFirst stops the unlocked Running instance and reports the security-locked one with an error code of its own (none is documented), never stopping it',
    docRef: docRefs(DOC.successFirst, DOC.securityLock, PIN.locked),
    rules: ['enum:BatchOptimization=SuccessFirst', 'resolution:security-locked-never-stopped', 'resolution:batch-successfirst-per-instance'],
    instances: [running(), seed('l', 'Running', true)],
    steps: [
      callStep(stopCall(['a', 'l'], { params: SUCCESS_FIRST }), {
        result: 'success',
        stopped: ['a'],
        instances: {
          a: { code: 'success', previousStatus: 'Running', currentStatus: STOPPING_OR_STOPPED },
          // Any code: DESIGN.md §3 documents none for a security lock.
          l: { code: ['*'] },
        },
      }),
    ],
  }),
  row(D, {
    id: 'aliyun.success-first.xml',
    title: 'SuccessFirst with Format=XML answers the per-instance results as XML (StopInstancesResponse) and stops the Running instance',
    docRef: docRefs(DOC.xml, DOC.xmlSuccessFirst, DOC.successFirst, DOC.testIdNotFound),
    rules: ['envelope:success-xml', 'enum:Format=XML', 'resolution:batch-successfirst-per-instance', 'resolution:successfirst-unknown-id-notfound'],
    instances: [running(), seed('b', 'Stopped')],
    steps: [callStep(stopCall(mixedIds, { params: SUCCESS_FIRST, format: 'XML' }), { result: 'success', format: 'xml', stopped: ['a'], instances: MIXED_ENTRIES })],
  }),
  row(D, {
    id: 'aliyun.all-together.mixed-rejected',
    title: 'BatchOptimization=AllTogether on a Running and a Stopped instance fails with IncorrectInstanceStatus and stops neither',
    docRef: docRefs(DOC.allTogether, DOC.incorrectStatus),
    rules: ['enum:BatchOptimization=AllTogether', 'error:IncorrectInstanceStatus', 'resolution:batch-alltogether-atomic', ...REJECTED_ANY],
    instances: [running(), seed('b', 'Stopped')],
    steps: [callStep(stopCall(['a', 'b'], { params: { BatchOptimization: 'AllTogether' } }), rejected(INCORRECT))],
  }),
  row(D, {
    id: 'aliyun.security-locked.rejected',
    title: 'A security-locked Running instance is never stopped (403, the code is not documented)',
    docRef: docRefs(DOC.securityLock, PIN.locked),
    rules: ['resolution:security-locked-never-stopped', ...REJECTED_ANY],
    instances: [seed('a', 'Running', true)],
    steps: [callStep(stopCall(['a']), { result: 'client-error', httpStatus: [403], stopped: [] })],
  }),
  row(D, {
    id: 'aliyun.security-locked.mixed-batch-rejected',
    title: 'A batch of a security-locked and an unlocked Running instance fails (403) and stops neither',
    docRef: docRefs(DOC.securityLock, DOC.allTogether, PIN.locked),
    rules: ['resolution:security-locked-never-stopped', 'resolution:batch-alltogether-atomic', ...REJECTED_ANY],
    instances: [seed('a', 'Running', true), running('b')],
    steps: [callStep(stopCall(['a', 'b']), { result: 'client-error', httpStatus: [403], stopped: [] })],
  }),
  // 004 lists no Version parameter and no code for a wrong one: a client error that changes nothing (SHOULD).
  ...versionClientErrorRows(D, { docs: [PIN.version], running: 'Running', version: '2014-05-26', rules: [UNDOCUMENTED, ...REJECTED_ANY] }),
  row(D, {
    id: 'region.missing.rejected',
    title: 'A request without the required RegionId is rejected as a client error and stops nothing',
    docRef: docRefs(DOC.region, PINS.noCodeClientError, PINS.failedChangesNothing),
    rules: ['param:RegionId', UNDOCUMENTED, ...REJECTED_ANY],
    instances: [running()],
    steps: [callStep(stopCall(['a'], { region: null }), { result: 'client-error', stopped: [] })],
  }),
  row(D, {
    id: 'aliyun.format.xml-success',
    title: 'Format=XML answers a success as XML (StopInstancesResponse) and stops the instance',
    docRef: docRefs(DOC.xml, DOC.xmlContentType),
    rules: ['envelope:success-xml', 'enum:Format=XML', 'param:Format'],
    instances: [running()],
    steps: [callStep(stopCall(['a'], { format: 'XML' }), { result: 'success', format: 'xml', stopped: ['a'] })],
  }),
  row(D, {
    id: 'aliyun.format.xml-error',
    title: 'Format=XML answers an error as XML too (404 not found)',
    docRef: docRefs(PIN.xmlError, DOC.notFound),
    rules: ['envelope:error-xml', 'enum:Format=XML', 'error:InvalidInstanceId.NotFound', 'resolution:failed-request-changes-nothing'],
    instances: [running()],
    steps: [callStep(stopCall([{ unknown: 'x' }], { format: 'XML' }), { ...rejected(NOT_FOUND), format: 'xml' })],
  }),
  row(D, {
    id: 'aliyun.format.default-xml',
    title: 'Without a Format parameter the answer is XML (the RPC default)',
    docRef: docRefs(DOC.xml, DOC.xmlContentType, PIN.defaultXml),
    rules: ['default:Format=XML', 'resolution:default-format-xml', 'envelope:success-xml'],
    instances: [running()],
    steps: [callStep(stopCall(['a'], { params: { Format: null } }), { result: 'success', format: 'xml', stopped: ['a'] })],
  }),
  validParamRow('ForceStop', true, DOC.forceStop, ['param:ForceStop']),
  validParamRow('ForceStop', false, DOC.forceStop, ['param:ForceStop']),
  invalidParamRow('ForceStop', 'maybe', DOC.forceStop, ['param:ForceStop', UNDOCUMENTED, ...REJECTED_ANY]),
  row(D, {
    id: 'param.StoppedMode.StopCharging',
    // 004:47-50: economical mode takes effect only under conditions the provider-state protocol cannot seed
    // (DESIGN.md §3): a client error that changed nothing is as legal as a stop.
    title: 'StoppedMode=StopCharging stops the instance, or (where its conditions are not met) is a client error that stops nothing',
    docRef: docRefs(DOC.stopCharging, DOC.stopChargingDefault, PINS.eligibility),
    rules: ['enum:StoppedMode=StopCharging'],
    instances: [running()],
    steps: [callStep(stopCall(['a'], { params: { StoppedMode: 'StopCharging' } }), { result: 'not-5xx', stopped: ['a'] })],
  }),
  validParamRow('StoppedMode', 'KeepCharging', DOC.keepCharging, ['param:StoppedMode', 'enum:StoppedMode=KeepCharging']),
  invalidParamRow('StoppedMode', 'FreeCharging', DOC.stoppedMode, ['param:StoppedMode', UNDOCUMENTED, ...REJECTED_ANY]),
  validParamRow('BatchOptimization', 'AllTogether', DOC.batchOptimization, ['param:BatchOptimization', 'enum:BatchOptimization=AllTogether']),
  row(D, {
    id: 'param.BatchOptimization.SuccessFirst',
    title: 'BatchOptimization=SuccessFirst on two Running instances stops both and reports each with Code 200',
    docRef: docRefs(DOC.successFirst, DOC.perInstanceCode, PIN.successFirstCodes),
    rules: ['param:BatchOptimization', 'enum:BatchOptimization=SuccessFirst'],
    instances: [running(), running('b')],
    steps: [
      callStep(stopCall(['a', 'b'], { params: SUCCESS_FIRST }), {
        result: 'success',
        stopped: ['a', 'b'],
        instances: {
          a: { code: 'success', previousStatus: 'Running', currentStatus: STOPPING_OR_STOPPED },
          b: { code: 'success', previousStatus: 'Running', currentStatus: STOPPING_OR_STOPPED },
        },
      }),
    ],
  }),
  invalidParamRow('BatchOptimization', 'OneByOne', DOC.batchOptimization, ['param:BatchOptimization', UNDOCUMENTED, ...REJECTED_ANY]),
  validParamRow('DryRun', false, DOC.dryRunFalse, ['param:DryRun']),
  invalidParamRow('DryRun', 'maybe', DOC.dryRunParam, ['param:DryRun', UNDOCUMENTED, ...REJECTED_ANY]),
  row(D, {
    id: 'style.form-post',
    // The seed documents the query style only; a form body is what the RPC SDKs may send (DESIGN.md §5 SHOULD).
    level: 'SHOULD',
    title: 'The same parameters as an application/x-www-form-urlencoded POST body stop the instance',
    docRef: docRefs(PIN.post, DOC.idsParam, DOC.stoppable),
    rules: ['param:InstanceId.N', 'param:Action', 'enum:Action=StopInstances', 'state:stoppable=Running'],
    instances: [running()],
    steps: [callStep(stopCall(['a'], { style: 'form-post' }), accepted(['a']))],
  }),
  row(D, {
    id: 'style.acs3',
    level: 'SHOULD',
    title: "The official SDK's ACS3 style (x-acs-action header, parameters in the query) stops the instance",
    docRef: docRefs(PIN.acs3, DOC.idsParam, DOC.stoppable),
    rules: ['param:InstanceId.N', 'state:stoppable=Running', 'resolution:acs3-should'],
    instances: [running()],
    steps: [callStep(stopCall(['a'], { style: 'acs3' }), accepted(['a']))],
  }),
  row(D, {
    id: 'body.content-type.form-charset',
    level: 'SHOULD',
    title: 'A form POST sent as application/x-www-form-urlencoded; charset=utf-8 is accepted',
    docRef: docRefs(PIN.post, DOC.stoppable),
    rules: ['state:stoppable=Running'],
    instances: [running()],
    steps: [
      callStep(stopCall(['a'], { style: 'form-post', contentType: 'application/x-www-form-urlencoded; charset=utf-8' }), accepted(['a'])),
    ],
  }),
];

/** Every aliyun-ecs row. */
export const ALIYUN_ECS_CASES: readonly CaseRow[] = Object.freeze([
  ...commonRows(profile),
  ...stateRows(profile),
  ...severalProblemsRows(profile),
  ...specific,
]);
