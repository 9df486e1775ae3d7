/**
 * Named error classes. They separate "the target is wrong" (a finding about the target, reported per case) from
 * "vmconform failed" (a bug or a bad configuration of the suite itself).
 */

/** The target did something the documents do not allow; carried into a case's failure message. */
export class TargetError extends Error {
  override readonly name: string = 'TargetError';
}

/** The provider-state endpoint of the target refused or botched a setup/teardown (DESIGN.md §4). */
export class ProviderStateError extends TargetError {
  override readonly name: string = 'ProviderStateError';
}

/** The user's configuration or command line is wrong (exit code 2). */
export class UsageError extends Error {
  override readonly name: string = 'UsageError';
}

/** vmconform itself failed: a bug, never the target's fault. */
export class VmconformError extends Error {
  override readonly name: string = 'VmconformError';
}

/** The user interrupted the run (Ctrl-C, SIGTERM): not a failure of anyone; the command reports what it has, exit 130. */
export class RunInterrupted extends Error {
  override readonly name: string = 'RunInterrupted';
}

/** Exit code: nothing failed beyond the baseline (DESIGN.md §6). */
export const EXIT_OK = 0;
/** Exit code: a case failed beyond the baseline. */
export const EXIT_FAILED = 1;
/** Exit code: a usage or configuration error ({@link UsageError}). */
export const EXIT_USAGE = 2;
/** Exit code: vmconform itself failed ({@link VmconformError}, an internal error, a run that did not complete). */
export const EXIT_INTERNAL = 3;
/** Exit code: the run was interrupted (Ctrl-C or SIGTERM), after teardown and partial reports (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;
