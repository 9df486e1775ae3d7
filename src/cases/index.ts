/**
 * The case catalog (DESIGN.md §5): every row of every dialect, as data. Pinned entry points: {@link casesFor} and
 * {@link allCases}.
 *
 * Row ids are released slugs and are never renamed: `<area>.<subject>[.<variant>]`, e.g. `stop.single`,
 * `ids.limit.101-rejected`, `state.<WORD>.rejected` (the status word in the dialect's own spelling),
 * `param.<Name>.<value>` / `param.<Name>.invalid-rejected`, `style.<wire-style>`, `status.query.*`, and
 * `<vendor>.<feature>.<variant>` for one-dialect behaviour (`aliyun.dry-run.pass`). Shared rows are built in
 * `builders.ts` from a per-dialect profile; each dialect file adds what only it has.
 */
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { ALIYUN_ECS_CASES } from './aliyun-ecs.ts';
import { AWS_EC2_CASES } from './aws-ec2.ts';
import { TENCENT_CVM_API2_CASES } from './tencent-cvm-api2.ts';
import { TENCENT_CVM_API3_CASES } from './tencent-cvm-api3.ts';
import type { CaseRow } from './types.ts';
import { ZENLAYER_BMC_CASES } from './zenlayer-bmc.ts';
import { ZENLAYER_VM_CASES } from './zenlayer-vm.ts';

const CATALOG: Readonly<Record<DialectName, readonly CaseRow[]>> = Object.freeze({
  'tencent-cvm-api2': TENCENT_CVM_API2_CASES,
  'tencent-cvm-api3': TENCENT_CVM_API3_CASES,
  'zenlayer-vm': ZENLAYER_VM_CASES,
  'zenlayer-bmc': ZENLAYER_BMC_CASES,
  'aliyun-ecs': ALIYUN_ECS_CASES,
  'aws-ec2': AWS_EC2_CASES,
});

/**
 * Every case row of one dialect, in catalog order.
 *
 * @example
 * casesFor('zenlayer-vm').find((c) => c.id === 'state.RECYCLE.rejected')
 */
export function casesFor(dialect: DialectName): readonly CaseRow[] {
  return CATALOG[dialect];
}

/** Every case row of every dialect, dialect by dialect in {@link DIALECT_NAMES} order. */
export function allCases(): readonly CaseRow[] {
  return DIALECT_NAMES.flatMap((d) => CATALOG[d]);
}
