/**
 * `pact verify` in a child process. Pact's Rust core prints its whole report to the process's standard output (a
 * `println!` no option turns off), raw: a target's bytes included, ESC sequences and all. In a child whose standard
 * output is discarded it cannot reach the terminal; the CLI prints the same report from the verifier's JSON, escaped.
 * Ctrl-C reaches the child through the parent (`interrupt`) as well as the terminal: it tears down and answers.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RunInterrupted, UsageError, VmconformError } from '../errors.ts';
import type { PactVerifyOptions, PactVerifyOutcome } from './verify.ts';

/** What the parent sends: one verification, or `interrupt`. */
export type VerifyChildRequest = { readonly options: Omit<PactVerifyOptions, 'signal'> } | 'interrupt';

/** What the child answers: the outcome, an interrupted verification, or the error's name and message. */
export type VerifyChildReply =
  | { readonly outcome: PactVerifyOutcome }
  | { readonly interrupted: true }
  | { readonly error: { readonly name: string; readonly message: string } };

// Sources run through tsx (a clone, the tests); a built package runs the compiled child as it is.
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const CHILD = fileURLToPath(new URL(`./verify-child.${FROM_SOURCES ? 'ts' : 'js'}`, import.meta.url));

/**
 * Verify a contract in a child process (`env` adds to its environment, e.g. NODE_EXTRA_CA_CERTS); rejects with
 * {@link RunInterrupted} after an interrupt (the child has torn down what it set up), with {@link UsageError} when the
 * pacts could not be loaded, with {@link VmconformError} when the verifier could not run.
 *
 * @example
 * const { results, output } = await verifyInChild({ dialect, target, statesUrl, credentials }, watch.signal);
 */
export function verifyInChild(options: Omit<PactVerifyOptions, 'signal'>, signal?: AbortSignal, env: Readonly<Record<string, string>> = {}): Promise<PactVerifyOutcome> {
  if (signal?.aborted) return Promise.reject(new RunInterrupted('the verification was interrupted before it started'));
  const child = fork(CHILD, [], {
    execArgv: FROM_SOURCES ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, ...env, PACT_DO_NOT_TRACK: 'true' },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = `${stderr}${d.toString()}`.slice(-4000);
  });
  const onAbort = (): void => {
    if (child.connected) child.send('interrupt' satisfies VerifyChildRequest);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  return new Promise<PactVerifyOutcome>((resolve, reject) => {
    let answered = false;
    child.on('message', (reply: VerifyChildReply) => {
      answered = true;
      if ('outcome' in reply) resolve(reply.outcome);
      else if ('interrupted' in reply) reject(new RunInterrupted('the verification was interrupted'));
      else reject(reply.error.name === 'UsageError' ? new UsageError(reply.error.message) : new VmconformError(reply.error.message));
    });
    child.on('exit', (code, sig) => {
      signal?.removeEventListener('abort', onAbort);
      if (answered) return;
      if (signal?.aborted) reject(new RunInterrupted('the verification was interrupted'));
      else reject(new VmconformError(`Pact's verifier process ended without an answer (${sig ?? `exit ${String(code)}`}): ${stderr.trim()}`));
    });
    child.send({ options } satisfies VerifyChildRequest);
  });
}
