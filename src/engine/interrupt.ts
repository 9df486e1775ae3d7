/**
 * Ctrl-C and SIGTERM the way every long-running command handles them (DESIGN.md §6): the first signal asks for a
 * clean stop (no new case starts, the running ones finish and tear down, partial reports, exit 130; `mock` closes its
 * servers); a second one exits 130 at once. Under npm (`npx`, `npm exec`, `npm run`: npm sets `npm_command`), npm
 * ending counts as the first signal: `npx` and `npm exec` end at a signal without passing it on, leaving the command
 * running on its own. npm starts the command through a shell (`npm -> sh -> node`), and that shell may outlive npm, so
 * the watch covers every ancestor up to npm, not only the direct parent. Elsewhere a parent may end on purpose
 * (`nohup ... &` from a shell that then exits): the run goes on.
 *
 * From the start of such a command ({@link guardStartup}) until the work begins ({@link watchInterrupts}), a signal
 * is remembered rather than fatal: the work then starts interrupted (nothing runs, every case reported not run).
 */
import { readFileSync } from 'node:fs';
import { EXIT_INTERRUPTED } from '../errors.ts';

/** A clean-stop request in progress: `signal` aborts at the first Ctrl-C; `dispose` removes the handlers. */
export interface InterruptWatch {
  readonly signal: AbortSignal;
  dispose(): void;
}

/** How often the parent process is checked. */
const PARENT_CHECK_MS = 500;

const parentAtStart = process.ppid;
let early: string | undefined;
let ancestors: readonly number[] | undefined;

/** The parent pid of `pid` from /proc (Linux), `undefined` where it cannot be read. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/** Our ancestors at start-up, nearest first, up to the npm process that started us (at most 4, never pid 1). */
function ancestorsAtStart(): readonly number[] {
  if (ancestors !== undefined) return ancestors;
  const chain: number[] = [];
  for (let pid: number | undefined = parentAtStart; pid !== undefined && pid > 1 && chain.length < 4; pid = parentOf(pid)) {
    chain.push(pid);
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      break;
    }
    // npm's own title (`npm exec ...`, `npm run ...`) or its script (`.../npm-cli.js`): the last ancestor to watch.
    if (/^(npm|npx)(\s|\0|$)|(^|\/)(npm|npx)(-cli\.js)?\0/.test(cmd)) break;
  }
  ancestors = chain;
  return chain;
}

/** Whether a process still exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err: unknown) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether npm (or the shell between it and us) has ended since start-up. */
function npmGone(): boolean {
  return process.ppid !== parentAtStart || ancestorsAtStart().some((pid) => !alive(pid));
}
let guard: InterruptWatch | undefined;

/** Call `onSignal` at SIGINT, SIGTERM or, under npm, when npm (or the shell it started us with) has ended (once for that); returns the remover. */
function listen(onSignal: (why: string) => void): () => void {
  if (process.env['npm_command'] !== undefined) ancestorsAtStart();
  const bySignal = (sig: NodeJS.Signals): void => onSignal(sig);
  let parentGone = false;
  const timer =
    process.env['npm_command'] === undefined
      ? undefined
      : setInterval(() => {
          if (parentGone || !npmGone()) return;
          parentGone = true;
          onSignal('npm, which started it, ended');
        }, PARENT_CHECK_MS);
  timer?.unref();
  process.on('SIGINT', bySignal);
  process.on('SIGTERM', bySignal);
  return () => {
    clearInterval(timer);
    process.off('SIGINT', bySignal);
    process.off('SIGTERM', bySignal);
  };
}

/**
 * From now on a first signal (or the parent ending) is remembered, not fatal, until {@link watchInterrupts} takes
 * over; a second one exits 130 at once. For the commands that send requests, as early as they start. Returns the
 * function that ends it (and forgets a remembered signal) when the command is done.
 *
 * @example
 * const release = ['run', 'fuzz'].includes(argv[0] ?? '') ? guardStartup() : () => undefined;
 */
export function guardStartup(): () => void {
  if (guard === undefined) {
    const controller = new AbortController();
    const remove = listen((why) => {
      if (early !== undefined) quitAtOnce();
      early = why;
      process.stderr.write(`\nvmconform: interrupted (${why}): no case will start (again to quit at once)\n`);
      controller.abort();
    });
    guard = { signal: controller.signal, dispose: remove };
  }
  return () => {
    guard?.dispose();
    guard = undefined;
    early = undefined;
  };
}

/** Whether a signal arrived before the work began (see {@link guardStartup}). */
export function interruptedEarly(): boolean {
  return early !== undefined;
}

/**
 * The second signal: let the command say and write what it can (`onSecond`, synchronous: the instances it left seeded,
 * partial reports), and exit 130.
 */
function quitAtOnce(onSecond?: () => void): never {
  try {
    onSecond?.();
  } catch {
    // quitting at once: what could not be written is lost
  }
  process.exit(EXIT_INTERRUPTED);
}

/**
 * Watch SIGINT, SIGTERM and the parent process: the first prints `message` on stderr, aborts `signal` and calls
 * `onFirst`; the second calls `onSecond` (synchronous: say which seeded instances are left, write what can be written;
 * src/engine/seed-ledger.ts) and exits 130 at once. When a signal already arrived since {@link guardStartup}, the watch starts
 * aborted (and `onFirst` runs at once).
 *
 * @example
 * const watch = watchInterrupts('finishing the running case and its teardown');
 * try { await work(watch.signal); } finally { watch.dispose(); }
 */
export function watchInterrupts(message: string, onFirst?: () => void, onSecond?: () => void): InterruptWatch {
  guard?.dispose();
  guard = undefined;
  const controller = new AbortController();
  const first = (): void => {
    controller.abort();
    onFirst?.();
  };
  const remove = listen((why) => {
    if (controller.signal.aborted) quitAtOnce(onSecond);
    process.stderr.write(`\nvmconform: interrupted (${why}): ${message} (again to quit at once)\n`);
    first();
  });
  if (early !== undefined) first();
  return { signal: controller.signal, dispose: remove };
}
