/**
 * Test support: Pact verifications (or whole `vmconform` command lines) in a child process. Pact's Rust core prints
 * its whole report to the process's standard output (a `println!` no option turns off), which would flood the test
 * log with thousands of lines; the child's output is discarded instead (its standard error is kept for a crash
 * report). The targets stay in the test process: the child reaches them over loopback. Jobs sent together run
 * concurrently in the child.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PactVerifyOptions, PactVerifyOutcome } from '../pact/verify.ts';
import { VmconformError } from '../errors.ts';

/** A message to the worker: verify with these options, or run the command line with these arguments. */
export type PactWorkerRequest =
  | { readonly id: number; readonly options: PactVerifyOptions }
  | { readonly id: number; readonly argv: readonly string[] };

/** The worker's answer: the outcome, the exit code, or the error's name and message. */
export type PactWorkerReply =
  | { readonly id: number; readonly outcome: PactVerifyOutcome }
  | { readonly id: number; readonly exitCode: number }
  | { readonly id: number; readonly error: { readonly name: string; readonly message: string } };

/** A running worker. */
export interface PactWorker {
  /** Verify in the worker; rejects with a {@link VmconformError} when the verifier could not run. */
  verify(options: PactVerifyOptions): Promise<PactVerifyOutcome>;
  /** Run `vmconform <argv>` (the CLI's `main`) in the worker; resolves with its exit code. */
  main(argv: readonly string[]): Promise<number>;
  close(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('./pact-worker-main.ts', import.meta.url));

/**
 * Start a worker process.
 *
 * @example
 * const worker = startPactWorker();
 * const { results } = await worker.verify({ dialect, target, statesUrl, credentials: TEST_CREDENTIALS });
 * await worker.close();
 */
export function startPactWorker(): PactWorker {
  const child: ChildProcess = fork(MAIN, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = `${stderr}${d.toString()}`.slice(-4000);
  });
  const pending = new Map<number, { resolve: (reply: PactWorkerReply) => void; reject: (e: Error) => void }>();
  let next = 0;
  child.on('message', (message: PactWorkerReply) => {
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    if (!('error' in message)) waiting.resolve(message);
    else waiting.reject(message.error.name === 'VmconformError' ? new VmconformError(message.error.message) : new Error(`${message.error.name}: ${message.error.message}`));
  });
  child.on('exit', (code) => {
    for (const w of pending.values()) w.reject(new Error(`the Pact worker exited (${String(code)}): ${stderr}`));
    pending.clear();
  });
  const ask = (job: { options: PactVerifyOptions } | { argv: readonly string[] }): Promise<PactWorkerReply> => {
    const id = next++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      child.send({ id, ...job } satisfies PactWorkerRequest);
    });
  };
  return {
    verify: async (options) => {
      const reply = await ask({ options });
      if (!('outcome' in reply)) throw new Error('the Pact worker answered a verification without an outcome');
      return reply.outcome;
    },
    main: async (argv) => {
      const reply = await ask({ argv });
      if (!('exitCode' in reply)) throw new Error('the Pact worker answered a command line without an exit code');
      return reply.exitCode;
    },
    close() {
      if (child.exitCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      });
    },
  };
}
