/**
 * The child process of `pact-worker.ts`: runs each verification it is sent and answers with the outcome or the
 * error. Started by `startPactWorker` only (it needs an IPC channel).
 */
import { verifyContract } from '../pact/verify.ts';
import type { PactWorkerReply, PactWorkerRequest } from './pact-worker.ts';

process.on('message', (message: PactWorkerRequest) => {
  verifyContract(message.options).then(
    (outcome) => process.send?.({ id: message.id, outcome } satisfies PactWorkerReply),
    (err: unknown) =>
      process.send?.({
        id: message.id,
        error: { name: err instanceof Error ? err.name : 'Error', message: err instanceof Error ? err.message : String(err) },
      } satisfies PactWorkerReply),
  );
});
process.on('disconnect', () => process.exit(0));
