/**
 * The child process of `pact-worker.ts`: runs each verification (or command line) it is sent and answers with the
 * outcome (or exit code) or the error. Started by `startPactWorker` only (it needs an IPC channel).
 */
import { verifyContract } from '../pact/verify.ts';
import type { PactWorkerReply, PactWorkerRequest } from './pact-worker.ts';

process.on('message', (message: PactWorkerRequest) => {
  const job: Promise<PactWorkerReply> =
    'argv' in message
      ? import('../cli/main.ts').then(({ main }) => main(message.argv)).then((exitCode) => ({ id: message.id, exitCode }))
      : verifyContract(message.options).then((outcome) => ({ id: message.id, outcome }));
  job.then(
    (reply) => process.send?.(reply),
    (err: unknown) =>
      process.send?.({
        id: message.id,
        error: { name: err instanceof Error ? err.name : 'Error', message: err instanceof Error ? err.message : String(err) },
      } satisfies PactWorkerReply),
  );
});
process.on('disconnect', () => process.exit(0));
