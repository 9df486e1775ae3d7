/**
 * What the hidden `vmconform repro-step` does once its options are parsed (loaded by `repro-command.ts` when it
 * starts): one step of a `vmconform repro` script (curl sends the requests it writes).
 */
import { existsSync, statSync } from 'node:fs';
import { casesFor } from '../cases/index.ts';
import { UsageError } from '../errors.ts';
import { toolVersion } from '../package-root.ts';
import { reproStep } from '../repro/step.ts';
import { resolveCredentials } from '../signing/credentials.ts';
import { terminalSafe } from '../../reporters/safe-text.ts';
import { requireTargetConsent } from './consent.ts';
import type { ReproStepOptions } from './repro-command.ts';

/**
 * `vmconform repro-step`: one step of a repro script; returns its exit code (see `src/repro/step.ts`).
 *
 * @example
 * exit.code = await reproStepAction('call:1', opts);
 */
export async function reproStepAction(step: string, opts: ReproStepOptions): Promise<number> {
  if (!existsSync(opts.dir) || !statSync(opts.dir).isDirectory()) throw new UsageError(`--dir ${opts.dir} is not a folder`);
  const row = casesFor(opts.dialect).find((r) => r.id === opts.case);
  if (row === undefined) throw new UsageError(`case ${JSON.stringify(opts.case)} of ${opts.dialect} is not in the catalog of this vmconform (${toolVersion()}): the script was written by another version`);
  const run = {
    dialect: opts.dialect,
    target: opts.target,
    statesUrl: opts.statesUrl,
    ...(opts.region !== undefined ? { region: opts.region } : {}),
    pollTimeoutMs: opts.pollTimeout,
    requestTimeoutMs: opts.requestTimeout,
    ...(opts.states === false ? { noStates: true } : {}),
  };
  requireTargetConsent(run, opts.allowRemote === true);
  const credentials = resolveCredentials(undefined, process.env);
  return reproStep({
    dir: opts.dir,
    row,
    run,
    credentials,
    phase: step,
    ...(opts.interrupted === true ? { interrupted: true } : {}),
    ...(opts.recordedStatus !== undefined ? { recorded: { status: opts.recordedStatus, fingerprints: opts.recordedFingerprint ?? [] } } : {}),
    print: (line) => void process.stdout.write(`${terminalSafe(line)}\n`),
  });
}
