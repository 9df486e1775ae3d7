import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIALECT_NAMES } from '../dialects/types.ts';
import type { DialectName } from '../dialects/types.ts';
import { specExtension } from './extension.ts';
import { formatInventory, ruleInventory } from './inventory.ts';
import { PACKAGE_ROOT } from '../package-root.ts';

const ID = /^(param|enum|default|error|limit|state|transition|envelope|resolution):\S(.*\S)?$/;

const EXPECTED: Record<DialectName, string[]> = {
  'tencent-cvm-api2': [
    'param:Action', 'param:Version', 'param:Region', 'param:InstanceIds.N', 'param:ForceStop', 'enum:ForceStop=TRUE', 'enum:ForceStop=FALSE',
    'default:ForceStop=FALSE', 'param:Offset', 'param:Limit', 'default:Limit=20',
    'error:MissingParameter', 'error:InvalidInstanceId.NotFound', 'error:InvalidInstanceId.Malformed', 'error:InvalidParameterValue',
    'error:InvalidParameterValue.LimitExceeded', 'error:InvalidInstance.NotSupported', 'error:InternalServerError',
    'limit:instance-ids-max', 'limit:status-page-size-default', 'limit:status-page-size-max',
    'state:stoppable=RUNNING', 'state:not-stoppable=STOPPED', 'state:not-stoppable=STOPPING', 'state:not-stoppable=PENDING',
    'transition:RUNNING->STOPPING', 'transition:STOPPING->STOPPED', 'envelope:success', 'envelope:status', 'envelope:error',
    'resolution:tencent-errors-http-200', 'resolution:forcestop-default-false', 'resolution:missing-vs-empty-ids', 'resolution:not-stoppable-code',
  ],
  'tencent-cvm-api3': [
    'param:X-TC-Action', 'param:X-TC-Version', 'param:X-TC-Region', 'param:X-TC-Timestamp', 'param:InstanceIds', 'param:InstanceIds.N',
    'param:ForceStop', 'default:ForceStop=false', 'param:StopType', 'enum:StopType=SOFT_FIRST', 'enum:StopType=HARD', 'enum:StopType=SOFT', 'default:StopType=SOFT',
    'param:StoppedMode', 'enum:StoppedMode=KEEP_CHARGING', 'enum:StoppedMode=STOP_CHARGING', 'default:StoppedMode=KEEP_CHARGING', 'default:Limit=20',
    'error:MissingParameter', 'error:InvalidInstanceId.NotFound', 'error:InvalidInstanceId.Malformed', 'error:InvalidParameterValue',
    'error:InvalidParameterValue.LimitExceeded', 'error:InvalidInstance.NotSupported', 'error:InternalServerError', 'error:RequestLimitExceeded',
    'limit:instance-ids-max', 'limit:rate-per-second', 'state:stoppable=RUNNING', 'state:not-stoppable=STOPPED',
    'transition:RUNNING->STOPPING', 'envelope:success', 'envelope:error', 'resolution:api3-rate-limit', 'resolution:api3-get-variant', 'resolution:stoptype-default-soft',
  ],
  'zenlayer-vm': [
    'param:X-ZC-Action', 'enum:X-ZC-Action=StopInstances', 'enum:X-ZC-Action=DescribeInstancesStatus', 'param:instanceIds', 'param:forceShutdown',
    'default:forceShutdown=true', 'param:pageSize', 'default:pageSize=20',
    'error:INVALID_INSTANCE_NOT_FOUND', 'error:OPERATION_DENIED_INSTANCE_RECYCLED', 'error:OPERATION_DENIED_INSTANCE_NOT_RUNNING',
    'limit:instance-ids-max', 'state:stoppable=RUNNING', 'state:not-stoppable=STOPPED', 'state:not-stoppable=RECYCLE', 'state:not-stoppable=RECYCLING',
    'transition:RUNNING->STOPPING', 'transition:STOPPING->STOPPED', 'envelope:success', 'envelope:status', 'envelope:error',
    'resolution:vm-stoppable-running-wins', 'resolution:recycle-bin-precedence', 'resolution:forceshutdown-default-true',
  ],
  'zenlayer-bmc': [
    'param:X-ZC-Action', 'enum:X-ZC-Action=DescribeInstances', 'param:instanceIds', 'param:pageSize', 'default:pageSize=20',
    'error:INVALID_INSTANCE_NOT_FOUND', 'error:OPERATION_DENIED_INSTANCE_RECYCLED', 'error:OPERATION_DENIED_INSTANCE_NOT_RUNNING',
    'limit:instance-ids-max', 'state:stoppable=RUNNING', 'state:not-stoppable=INSTALLING', 'state:not-stoppable=RECYCLE',
    'transition:RUNNING->STOPPING', 'envelope:success', 'envelope:status', 'envelope:error', 'resolution:recycle-bin-precedence',
  ],
  'aliyun-ecs': [
    'param:Action', 'param:RegionId', 'param:InstanceId.N', 'param:ForceStop', 'default:ForceStop=false', 'param:StoppedMode', 'enum:StoppedMode=StopCharging',
    'enum:StoppedMode=KeepCharging', 'param:BatchOptimization', 'enum:BatchOptimization=AllTogether', 'enum:BatchOptimization=SuccessFirst',
    'default:BatchOptimization=AllTogether', 'param:DryRun', 'default:DryRun=false', 'param:Format', 'default:Format=XML', 'default:PageSize=10',
    'error:InvalidParameter.KMSKeyId.CMKNotEnabled', 'error:DRYRUN.SUCCESS', 'error:Abs.InvalidInstanceIds.MalFormed', 'error:IncorrectInstanceStatus',
    'error:InsufficientBalance', 'error:InstanceNotReady', 'error:InvalidInstanceId.NotFound', 'error:InvalidInstanceIds.NotFound', 'error:InternalError',
    'error:MissingParameter', 'limit:instance-ids-max', 'limit:status-page-size-max', 'state:stoppable=Running', 'state:not-stoppable=Stopped',
    'state:not-stoppable=Pending', 'state:not-stoppable=Starting', 'state:not-stoppable=Stopping', 'transition:Running->Stopping',
    'envelope:success', 'envelope:status', 'envelope:error', 'envelope:success-xml', 'envelope:status-xml', 'envelope:error-xml',
    'resolution:dryrun-success-400', 'resolution:dryrun-successfirst-always-success', 'resolution:batch-alltogether-atomic',
    'resolution:batch-successfirst-per-instance', 'resolution:security-locked-never-stopped', 'resolution:acs3-should',
  ],
  'aws-ec2': [
    'param:Action', 'enum:Action=StopInstances', 'param:Version', 'enum:Version=2016-11-15', 'param:InstanceId.N', 'param:Force', 'param:Hibernate',
    'param:SkipOsShutdown', 'param:DryRun', 'default:DryRun=false', 'error:DryRunOperation', 'error:IncorrectInstanceState',
    'error:InvalidInstanceID.NotFound', 'error:InvalidInstanceID.Malformed', 'error:MissingParameter', 'limit:instance-ids-max',
    'state:stoppable=running', 'state:not-stoppable=pending', 'transition:running->stopping', 'transition:stopping->stopped',
    'envelope:success', 'envelope:status', 'envelope:error', 'resolution:stopping-stopped-may-succeed', 'resolution:state-code-low-byte',
  ],
};

describe.each(DIALECT_NAMES)('ruleInventory(%s)', (dialect) => {
  const rules = ruleInventory(dialect);

  it('has unique, well-formed ids, each with a docRef and a testable flag', () => {
    expect(rules.length).toBeGreaterThan(30);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const r of rules) {
      expect(r.id).toMatch(ID);
      expect(r.id.startsWith(`${r.kind}:`)).toBe(true);
      expect(r.dialect).toBe(dialect);
      expect(r.docRef.length).toBeGreaterThan(5);
      expect(r.summary.length).toBeGreaterThan(3);
      expect(r.testable === true || (typeof r.testable === 'string' && r.testable.length > 5)).toBe(true);
    }
  });

  it('contains the expected rules', () => {
    expect(rules.map((r) => r.id)).toEqual(expect.arrayContaining(EXPECTED[dialect]));
  });

  it('covers every error code, limit, status and resolution of x-vmconform', () => {
    const ids = new Set(rules.map((r) => r.id));
    const ext = specExtension(dialect);
    for (const e of ext.errors) expect(ids.has(`error:${e.code}`), e.code).toBe(true);
    for (const l of ext.limits) expect(ids.has(`limit:${l.id}`), l.id).toBe(true);
    for (const n of ext.states.notStoppable) expect(ids.has(`state:not-stoppable=${n.status}`), n.status).toBe(true);
    for (const r of ext.resolutions) expect(ids.has(`resolution:${r.id}`), r.id).toBe(true);
  });

  it('never lists signing parameters as rules', () => {
    for (const name of ['Signature', 'SecretId', 'Nonce', 'AccessKeyId', 'SignatureNonce', 'X-ZC-Timestamp', 'x-acs-action']) {
      expect(rules.map((r) => r.id)).not.toContain(`param:${name}`);
    }
  });

  it('is stable between calls', () => {
    expect(ruleInventory(dialect)).toEqual(rules);
  });
});

describe('rule details', () => {
  it('marks untestable errors with a reason and merges duplicate document rows', () => {
    const ali = ruleInventory('aliyun-ecs');
    expect(ali.find((r) => r.id === 'error:InternalError')?.testable).toMatch(/cannot/);
    const notFound = ali.find((r) => r.id === 'error:InvalidInstanceId.NotFound');
    expect(notFound?.docRef.split('; ')).toHaveLength(2);
    expect(notFound?.testable).toBe(true);
    expect(ruleInventory('tencent-cvm-api3').find((r) => r.id === 'error:InternalServerError')?.testable).toMatch(/cannot/);
  });

  it('tells required from optional parameters', () => {
    const api2 = ruleInventory('tencent-cvm-api2');
    expect(api2.find((r) => r.id === 'param:InstanceIds.N')?.summary).toMatch(/required for StopInstances/);
    expect(api2.find((r) => r.id === 'param:ForceStop')?.summary).toMatch(/optional/);
    expect(ruleInventory('zenlayer-vm').find((r) => r.id === 'param:instanceIds')?.summary).toMatch(/required/);
  });
});

describe('rules a black-box case cannot observe', () => {
  const testable = (d: DialectName, id: string): true | string | undefined => ruleInventory(d).find((r) => r.id === id)?.testable;
  const UNOBSERVABLE: Record<DialectName, string[]> = {
    'tencent-cvm-api2': ['default:ForceStop=FALSE', 'resolution:forcestop-default-false', 'resolution:signatures-verified-when-configured', 'resolution:missing-vs-empty-ids'],
    'tencent-cvm-api3': ['default:ForceStop=false', 'default:StopType=SOFT', 'default:StoppedMode=KEEP_CHARGING', 'resolution:forcestop-default-false',
      'resolution:stoptype-default-soft', 'resolution:signatures-verified-when-configured'],
    'zenlayer-vm': ['default:forceShutdown=true', 'resolution:forceshutdown-default-true', 'resolution:signatures-verified-when-configured'],
    'zenlayer-bmc': ['resolution:signatures-verified-when-configured'],
    'aliyun-ecs': ['default:ForceStop=false', 'resolution:stoppedmode-default-conditional', 'resolution:signatures-verified-when-configured'],
    'aws-ec2': ['default:Force=false', 'default:Hibernate=false', 'default:SkipOsShutdown=false', 'resolution:signatures-verified-when-configured', 'resolution:no-rate-limit-case',
      'enum:Action=DescribeInstances'],
  };
  const OBSERVABLE: Record<DialectName, string[]> = {
    'tencent-cvm-api2': ['resolution:unknown-action-client-error'],
    'tencent-cvm-api3': ['resolution:missing-vs-empty-ids', 'resolution:api3-rate-limit', 'resolution:unknown-action-client-error'],
    'zenlayer-vm': ['resolution:vm-stoppable-running-wins', 'resolution:unknown-action-client-error'],
    'zenlayer-bmc': ['resolution:unknown-action-client-error'],
    'aliyun-ecs': ['default:DryRun=false', 'default:BatchOptimization=AllTogether', 'default:Format=XML', 'resolution:default-format-xml', 'resolution:unknown-action-client-error'],
    'aws-ec2': ['default:DryRun=false', 'resolution:unknown-action-client-error', 'resolution:stopping-stopped-may-succeed'],
  };
  /** DESIGN.md §3: the status query is the suite's instrument; its paging rules are never judged. */
  const INSTRUMENT: Record<DialectName, string[]> = {
    'tencent-cvm-api2': ['param:Limit', 'param:Offset', 'default:Limit=20', 'default:Offset=0', 'limit:status-page-size-default', 'limit:status-page-size-max', 'resolution:status-query-paging', 'resolution:status-query-unknown-ids'],
    'tencent-cvm-api3': ['param:Limit', 'param:Offset', 'default:Limit=20', 'default:Offset=0', 'limit:status-page-size-default', 'limit:status-page-size-max', 'resolution:status-query-paging', 'resolution:status-query-unknown-ids',
      'enum:Action=DescribeInstancesStatus'],
    'zenlayer-vm': ['param:pageSize', 'param:pageNum', 'default:pageSize=20', 'default:pageNum=1', 'limit:status-page-size-default', 'resolution:status-query-paging', 'resolution:status-query-unknown-ids'],
    'zenlayer-bmc': ['param:pageSize', 'param:pageNum', 'default:pageSize=20', 'default:pageNum=1', 'limit:status-page-size-default', 'resolution:status-query-paging', 'resolution:status-query-unknown-ids'],
    'aliyun-ecs': ['param:PageSize', 'param:PageNumber', 'default:PageSize=10', 'default:PageNumber=1', 'limit:status-page-size-default', 'limit:status-page-size-max', 'resolution:status-query-paging', 'resolution:status-query-unknown-ids',
      'envelope:status-xml'],
    'aws-ec2': ['param:IncludeAllInstances', 'default:IncludeAllInstances=false', 'param:NextToken', 'param:MaxResults', 'limit:status-query-ids-max',
      'resolution:status-query-describe-instance-status', 'resolution:status-query-unknown-ids', 'resolution:describe-instances-served'],
  };

  it.each(DIALECT_NAMES)("%s marks the status query's paging as not judged (an instrument), with the reason", (d) => {
    for (const id of INSTRUMENT[d]) expect(String(testable(d, id)), id).toMatch(/instrument/);
  });

  it.each(DIALECT_NAMES)('%s marks shutdown-mode and billing defaults and signature checks as not testable, with a reason', (d) => {
    for (const id of UNOBSERVABLE[d]) {
      const t = testable(d, id);
      expect(typeof t, id).toBe('string');
      expect(String(t), id).toMatch(/cannot|look the same|visible neither|only the absent half/);
    }
  });

  it.each(DIALECT_NAMES)('%s keeps the observable defaults testable', (d) => {
    for (const id of OBSERVABLE[d]) expect(testable(d, id), id).toBe(true);
  });

  it('marks nothing else as not testable: every reason is for an error row or a listed rule', () => {
    for (const d of DIALECT_NAMES) {
      const extra = ruleInventory(d).filter((r) => r.testable !== true && !r.id.startsWith('error:') && !UNOBSERVABLE[d].includes(r.id) && !INSTRUMENT[d].includes(r.id));
      expect(extra.map((r) => r.id), d).toEqual([]);
    }
  });
});

describe('formatInventory and the --print script', () => {
  it('prints one Markdown row per rule', () => {
    const rules = ruleInventory('zenlayer-bmc');
    const table = formatInventory(rules);
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toBe('| dialect | id | testable | summary | docRef |');
    expect(lines).toHaveLength(rules.length + 2);
    expect(table).toContain('| zenlayer-bmc | `error:OPERATION_DENIED_INSTANCE_RECYCLED` | yes |');
  });

  it('runs as `npx tsx src/specs/inventory.ts --print [dialect]`', () => {
    const script = fileURLToPath(new URL('./inventory.ts', import.meta.url));
    const tsx = join(PACKAGE_ROOT, 'node_modules', '.bin', 'tsx');
    const ok = spawnSync(tsx, [script, '--print', 'aliyun-ecs'], { encoding: 'utf8', cwd: '/' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('`error:DRYRUN.SUCCESS`');
    expect(ok.stdout).not.toContain('zenlayer-vm');
    const bad = spawnSync(tsx, [script, '--print', 'gcp-compute'], { encoding: 'utf8', cwd: '/' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown dialect gcp-compute/);
  });
});
