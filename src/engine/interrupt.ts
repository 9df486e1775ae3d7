/**
 * Ctrl-C and SIGTERM the way every command that sends requests handles them (DESIGN.md §6): the first signal asks
 * for a clean stop (no new case starts, the running ones finish and tear down, partial reports, exit 130); a second
 * one exits 130 at once.
 */
import { EXIT_INTERRUPTED } from '../errors.ts';

/** A clean-stop request in progress: `signal` aborts at the first Ctrl-C; `dispose` removes the handlers. */
export interface InterruptWatch {
  readonly signal: AbortSignal;
  dispose(): void;
}

/**
 * Watch SIGINT and SIGTERM: the first prints `message` on stderr, aborts `signal` and calls `onFirst`; the second
 * exits 130 at once.
 *
 * @example
 * const watch = watchInterrupts('finishing the running case and its teardown');
 * try { await work(watch.signal); } finally { watch.dispose(); }
 */
export function watchInterrupts(message: string, onFirst?: () => void): InterruptWatch {
  const controller = new AbortController();
  const handler = (): void => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
    process.stderr.write(`\nvmconform: interrupted: ${message} (again to quit at once)\n`);
    controller.abort();
    onFirst?.();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
