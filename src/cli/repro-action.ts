/**
 * What `vmconform repro` does once its options are parsed (loaded by `repro-command.ts` when it starts).
 */
import { configureTransport } from '../dialects/transport.ts';
import { toolVersion } from '../package-root.ts';
import { execRepro } from '../repro/exec.ts';
import { reproSteps } from '../repro/plan.ts';
import { reproScript } from '../repro/script.ts';
import { selectCase } from '../repro/select.ts';
import { resolveCredentials } from '../signing/credentials.ts';
import { requireTargetConsent } from './consent.ts';
import type { ReproOptions } from './repro-command.ts';

/**
 * `vmconform repro`: print the script (`--shell`, the default) or the steps (`--json`), or run the steps
 * (`--exec`); returns the exit code.
 *
 * @example
 * exit.code = await reproAction('reports/results.json', 'stop.single', { exec: true });
 */
export async function reproAction(resultsPath: string, caseId: string, opts: ReproOptions): Promise<number> {
  const repro = selectCase(resultsPath, caseId, {
    ...(opts.dialect !== undefined ? { dialect: opts.dialect } : {}),
    ...(opts.target !== undefined ? { target: opts.target } : {}),
    ...(opts.statesUrl !== undefined ? { statesUrl: opts.statesUrl } : {}),
  });
  const { row, run } = repro;
  if (opts.json === true) {
    const { dialect, id, level, title, docRef, rules } = row;
    const doc = {
      tool: 'vmconform',
      version: toolVersion(),
      case: { id, dialect, level, title, docRef, rules },
      from: { results: resultsPath, runId: repro.runId, recorded: repro.recorded },
      run,
      steps: reproSteps(row, { noStates: run.noStates === true }),
    };
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return 0;
  }
  requireTargetConsent(run, opts.allowRemote === true);
  if (opts.exec !== true) {
    process.stdout.write(reproScript(repro, { allowRemote: opts.allowRemote === true }));
    if (process.stdout.isTTY === true) process.stderr.write('vmconform: save the script and run it: vmconform repro ... > repro.sh && sh repro.sh\n');
    return 0;
  }
  const credentials = resolveCredentials(undefined, process.env);
  configureTransport({});
  return execRepro(repro, credentials, (line) => void process.stdout.write(`${line}\n`));
}
