/**
 * The child process of {@link verifyInChild} (`isolated.ts`): receives one verification's options over IPC, runs
 * {@link verifyContract}, answers with the outcome or the error, and exits. An interrupt (the parent's `interrupt`
 * message, or SIGINT/SIGTERM from the terminal) tears down what was set up and answers `interrupted`; a second
 * signal ends the process at once.
 *
 * Pact's verifier runs on a libuv pool thread that cannot be stopped, and `process.exit` waits for that thread: a
 * process interrupted in the middle of a verification ends with SIGKILL on itself, after its answer is out.
 */
import { RunInterrupted } from '../errors.ts';
import type { VerifyChildReply, VerifyChildRequest } from './isolated.ts';
import { verifyContract } from './verify.ts';

const controller = new AbortController();
let verifying = false;
let signals = 0;

/** End now, even with the verifier's thread still running. */
function end(code: number): never {
  if (verifying) process.kill(process.pid, 'SIGKILL');
  process.exit(code);
}

const onSignal = (): void => {
  // The parent's `interrupt` and the terminal's Ctrl-C usually both arrive: only signals count towards a second one.
  if (++signals > 1) end(130);
  controller.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('disconnect', () => end(0));

process.on('message', (message: VerifyChildRequest) => {
  if (message === 'interrupt') {
    controller.abort();
    return;
  }
  verifying = true;
  const reply = (r: VerifyChildReply): void => {
    process.send?.(r, () => end(0));
  };
  verifyContract({ ...message.options, signal: controller.signal }).then(
    (outcome) => {
      verifying = false;
      reply({ outcome });
    },
    (err: unknown) => {
      if (!(err instanceof RunInterrupted)) verifying = false;
      reply(
        err instanceof RunInterrupted
          ? { interrupted: true }
          : { error: { name: err instanceof Error ? err.name : 'Error', message: err instanceof Error ? err.message : String(err) } },
      );
    },
  );
});
