/**
 * The status words of each dialect (DESIGN.md §2), in one place. Dialect modules, the case catalog and the reference
 * provider all read them from here; `vocabulary.test.ts` checks them against the status enums of `specs/`.
 */
import type { DialectName } from './types.ts';

const TENCENT = Object.freeze([
  'PENDING',
  'LAUNCH_FAILED',
  'RUNNING',
  'STOPPED',
  'STARTING',
  'STOPPING',
  'REBOOTING',
  'SHUTDOWN',
  'TERMINATING',
] as const);

const ZENLAYER_VM = Object.freeze([
  'PENDING',
  'DEPLOYING',
  'CREATE_FAILED',
  'REBUILDING',
  'STOPPED',
  'RUNNING',
  'BOOTING',
  'STOPPING',
  'RELEASING',
  'RECYCLE',
  'RECYCLING',
] as const);

const ZENLAYER_BMC = Object.freeze([
  'PENDING',
  'CREATING',
  'CREATE_FAILED',
  'INSTALLING',
  'INSTALL_FAILED',
  'RUNNING',
  'STOPPED',
  'BOOTING',
  'STOPPING',
  'RECYCLE',
  'RECYCLING',
] as const);

const ALIYUN = Object.freeze(['Pending', 'Running', 'Starting', 'Stopping', 'Stopped'] as const);

/**
 * Every status word of each dialect, in the dialect's own spelling.
 *
 * @example
 * STATUS_WORDS['aliyun-ecs'] // ['Pending', 'Running', 'Starting', 'Stopping', 'Stopped']
 */
export const STATUS_WORDS = Object.freeze({
  'tencent-cvm-api2': TENCENT,
  'tencent-cvm-api3': TENCENT,
  'zenlayer-vm': ZENLAYER_VM,
  'zenlayer-bmc': ZENLAYER_BMC,
  'aliyun-ecs': ALIYUN,
} as const satisfies Record<DialectName, readonly string[]>);

/** A dialect's words for running, stopping and stopped. */
export interface LifecycleWords {
  readonly running: string;
  readonly stopping: string;
  readonly stopped: string;
}

const UPPER: LifecycleWords = Object.freeze({ running: 'RUNNING', stopping: 'STOPPING', stopped: 'STOPPED' });

/** The running, stopping and stopped words of each dialect (000:7-8, 002:9-10, 001:10, 003:11, 004:1). */
export const LIFECYCLE_WORDS: Readonly<Record<DialectName, LifecycleWords>> = Object.freeze({
  'tencent-cvm-api2': UPPER,
  'tencent-cvm-api3': UPPER,
  'zenlayer-vm': UPPER,
  'zenlayer-bmc': UPPER,
  'aliyun-ecs': Object.freeze({ running: 'Running', stopping: 'Stopping', stopped: 'Stopped' }),
});
