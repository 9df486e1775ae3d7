/**
 * Every dialect's description by name (see `../description.ts`): the one place a dialect's facts are registered.
 */
import type { DialectDescription, Protocol } from '../description.ts';
import { DIALECT_NAMES, type DialectName } from '../types.ts';
import { ALIYUN_ECS } from './aliyun-ecs.ts';
import { AWS_EC2 } from './aws-ec2.ts';
import { TENCENT_CVM_API2 } from './tencent-cvm-api2.ts';
import { TENCENT_CVM_API3 } from './tencent-cvm-api3.ts';
import { ZENLAYER_BMC, ZENLAYER_VM } from './zenlayer.ts';

/** Every dialect's description. */
export const DESCRIPTIONS: Readonly<Record<DialectName, DialectDescription>> = Object.freeze({
  'tencent-cvm-api2': TENCENT_CVM_API2,
  'tencent-cvm-api3': TENCENT_CVM_API3,
  'zenlayer-vm': ZENLAYER_VM,
  'zenlayer-bmc': ZENLAYER_BMC,
  'aliyun-ecs': ALIYUN_ECS,
  'aws-ec2': AWS_EC2,
});

/**
 * The description of a dialect.
 *
 * @example
 * describeDialect('zenlayer-bmc').actions.DescribeStatus // 'DescribeInstances'
 */
export function describeDialect(name: DialectName): DialectDescription {
  return DESCRIPTIONS[name];
}

/**
 * The dialects that speak a protocol, in DIALECT_NAMES order (what applies to a protocol's answers applies to them).
 *
 * @example
 * dialectsSpeaking('zenlayer') // ['zenlayer-vm', 'zenlayer-bmc']
 */
export function dialectsSpeaking(protocol: Protocol): DialectName[] {
  return DIALECT_NAMES.filter((d) => DESCRIPTIONS[d].protocol === protocol);
}
