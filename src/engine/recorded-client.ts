/**
 * The dialect client as the engine uses it: `callTarget` and `queryStatuses` of `src/dialects/client.ts`, each
 * exchange also added to the current case's {@link ExchangeLog} (a step's own request as `call`, status reads as
 * `status`). Same signatures, same results.
 */
import * as client from '../dialects/client.ts';
import type { Dialect, DialectContext, Exchange, OperationCall } from '../dialects/types.ts';
import { currentExchangeLog } from './exchange-log.ts';

/** What {@link queryStatuses} returns (the client's own type). */
export type { StatusRead } from '../dialects/client.ts';

/**
 * {@link client.callTarget}, recorded as the next request of the current step.
 *
 * @example
 * const ex = await callTarget(dialect, { operation: 'StopInstances', instanceIds: ['i-abc'] }, dctx);
 */
export async function callTarget(dialect: Dialect, call: OperationCall, ctx: DialectContext): Promise<Exchange> {
  const log = currentExchangeLog();
  const step = log?.beginCall(call);
  const started = Date.now();
  const ex = await client.callTarget(dialect, call, ctx);
  if (log && step !== undefined) log.addExchange(step, 'call', ex, started);
  return ex;
}

/** {@link client.queryStatuses}, every page recorded as a status read of the current step. */
export async function queryStatuses(dialect: Dialect, ids: readonly string[], ctx: DialectContext): Promise<client.StatusRead> {
  const log = currentExchangeLog();
  const step = log?.currentStep();
  let started = Date.now();
  const read = await client.queryStatuses(dialect, ids, ctx);
  if (log && step !== undefined) {
    for (const ex of read.exchanges) {
      log.addExchange(step, 'status', ex, started);
      started += ex.durationMs;
    }
  }
  return read;
}
