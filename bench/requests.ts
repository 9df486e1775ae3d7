/**
 * The requests the throughput bench sends: a one-id StopInstances (a different RUNNING instance each time, a stopped
 * one cannot be stopped again) and a one-id status query, in each dialect's main wire style, unsigned.
 */
import type { DialectName } from '../src/dialects/types.ts';

/** What the bench measures. */
export type BenchOperation = 'stop' | 'status';

/** One HTTP request, as autocannon takes it. */
export interface BenchRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** The `n`-th seeded instance id, valid for the dialect (tencent `ins-` + 8 of [a-z0-9], aliyun `i-` + [a-z0-9]). */
export function benchId(dialect: DialectName, n: number): string {
  const base36 = n.toString(36);
  if (dialect.startsWith('tencent')) return `ins-${base36.padStart(8, '0')}`;
  if (dialect === 'aliyun-ecs') return `i-bench${base36}`;
  return `bench-${base36}`;
}

/** The id the status query asks about (seeded RUNNING, never stopped). */
export const STATUS_ID_INDEX = 0;
/** Stops use ids from here on. */
export const FIRST_STOP_INDEX = 1;

/** The status word a seeded instance has. */
export function runningWord(dialect: DialectName): string {
  return dialect === 'aliyun-ecs' ? 'Running' : 'RUNNING';
}

/**
 * The request of `operation` for instance `id`.
 *
 * @example
 * benchRequest('zenlayer-vm', 'stop', 'bench-1') // POST /api/v2/vm {"instanceIds":["bench-1"]}
 */
export function benchRequest(dialect: DialectName, operation: BenchOperation, id: string): BenchRequest {
  switch (dialect) {
    case 'tencent-cvm-api2': {
      const action = operation === 'stop' ? 'StopInstances' : 'DescribeInstancesStatus';
      return { method: 'GET', path: `/v2/index.php?Action=${action}&Version=2017-03-12&Region=ap-guangzhou&InstanceIds.1=${id}`, headers: {} };
    }
    case 'tencent-cvm-api3':
      return {
        method: 'POST',
        path: '/',
        headers: {
          'content-type': 'application/json',
          'x-tc-action': operation === 'stop' ? 'StopInstances' : 'DescribeInstancesStatus',
          'x-tc-version': '2017-03-12',
          'x-tc-region': 'ap-guangzhou',
        },
        body: JSON.stringify({ InstanceIds: [id] }),
      };
    case 'zenlayer-vm':
    case 'zenlayer-bmc': {
      const kind = dialect === 'zenlayer-vm' ? 'vm' : 'bmc';
      const status = kind === 'vm' ? 'DescribeInstancesStatus' : 'DescribeInstances';
      return {
        method: 'POST',
        path: `/api/v2/${kind}`,
        headers: { 'content-type': 'application/json', 'x-zc-action': operation === 'stop' ? 'StopInstances' : status },
        body: JSON.stringify({ instanceIds: [id] }),
      };
    }
    case 'aliyun-ecs': {
      const action = operation === 'stop' ? 'StopInstances' : 'DescribeInstanceStatus';
      return { method: 'GET', path: `/?Action=${action}&Version=2014-05-26&RegionId=cn-hangzhou&InstanceId.1=${id}&Format=JSON`, headers: {} };
    }
  }
}

/** Whether an answer body is the dialect's success (not its error envelope). */
export function isSuccessBody(dialect: DialectName, body: string): boolean {
  if (dialect.startsWith('tencent')) return !body.includes('"Error"');
  if (dialect === 'aliyun-ecs') return !body.includes('"HostId"');
  return !body.includes('"code"');
}
