/**
 * The dialect registry: one module per dialect behind the {@link Dialect} interface.
 */
import { aliyunEcs } from './aliyun-ecs.ts';
import { awsEc2 } from './aws-ec2.ts';
import { tencentCvmApi2 } from './tencent-cvm-api2.ts';
import { tencentCvmApi3 } from './tencent-cvm-api3.ts';
import type { Dialect, DialectName } from './types.ts';
import { zenlayerBmc, zenlayerVm } from './zenlayer.ts';

/** Every dialect module by name. */
export const DIALECTS: Readonly<Record<DialectName, Dialect>> = Object.freeze({
  'tencent-cvm-api2': tencentCvmApi2,
  'tencent-cvm-api3': tencentCvmApi3,
  'zenlayer-vm': zenlayerVm,
  'zenlayer-bmc': zenlayerBmc,
  'aliyun-ecs': aliyunEcs,
  'aws-ec2': awsEc2,
});

/** The dialect module for a name. */
export function getDialect(name: DialectName): Dialect {
  return DIALECTS[name];
}
