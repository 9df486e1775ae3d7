/**
 * What `vmconform pact generate` and `pact verify` do once their options are parsed (loaded by `pact-command.ts`
 * when one starts). Pact itself loads only inside {@link pactVerifyAction} (`src/pact/verify.ts`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withoutSignatures } from '../engine/attempts.ts';
import { EMPTY_BASELINE } from '../engine/baseline.ts';
import { defaultStatesUrl } from '../engine/provider-states.ts';
import { caseIdentity, newRunId } from '../engine/run-case.ts';
import { watchInterrupts } from '../engine/interrupt.ts';
import { openSeedLedger, quitReport } from '../engine/seed-ledger.ts';
import { NOT_RUN_INTERRUPTED } from '../engine/suite-config.ts';
import type { CaseResult } from '../engine/types.ts';
import { EXIT_INTERRUPTED, RunInterrupted, VmconformError } from '../errors.ts';
import { contractFiles, PACKAGE_CONTRACTS_DIR, writeContracts } from '../pact/files.ts';
import { contractFileName, planContract } from '../pact/generate.ts';
import { resolveCredentials } from '../signing/credentials.ts';
import { reportRun } from '../../reporters/report-run.ts';
import { terminalSafe } from '../../reporters/safe-text.ts';
import { formatSummaryBody } from '../../reporters/summary.ts';
import { requireConsent } from './consent.ts';
import type { VerifyOptions } from './pact-command.ts';
import { consoleOptions } from './run-action.ts';

/** The names of the files under `dir` that differ from what `pact generate` would write (missing ones included). */
export function staleContractFiles(dir: string): string[] {
  return Object.entries(contractFiles())
    .filter(([name, text]) => {
      const path = join(dir, name);
      return !existsSync(path) || readFileSync(path, 'utf8') !== text;
    })
    .map(([name]) => name);
}

/**
 * `pact generate`: write the contracts (or, with `check`, only compare them) and return the exit code.
 *
 * @example
 * exit.code = pactGenerateAction({ check: true }); // 1 when contracts/ is stale
 */
export function pactGenerateAction(opts: { out?: string; check?: boolean }): number {
  const dir = opts.out ?? PACKAGE_CONTRACTS_DIR;
  if (opts.check) {
    const stale = staleContractFiles(dir);
    for (const name of stale) process.stdout.write(`stale: ${join(dir, name)}\n`);
    if (stale.length === 0) process.stdout.write(`contracts in ${dir} are up to date\n`);
    return stale.length === 0 ? 0 : 1;
  }
  for (const path of writeContracts(dir)) process.stdout.write(`${path}\n`);
  return 0;
}

/**
 * `pact verify`: Pact's verifier over the dialect's contract against a target, reported per case; returns the exit
 * code.
 *
 * @example
 * exit.code = await pactVerifyAction(opts); // opts as commander parsed them
 */
export async function pactVerifyAction(opts: VerifyOptions): Promise<number> {
  const statesUrl = opts.statesUrl ?? defaultStatesUrl(opts.target);
  requireConsent([{ option: '--target', url: opts.target }, { option: '--states-url', url: statesUrl }], opts.allowRemote === true);
  const contractPath = join(PACKAGE_CONTRACTS_DIR, contractFileName(opts.dialect));
  if (!existsSync(contractPath)) throw new VmconformError(`the contract ${contractPath} is missing (npx vmconform pact generate writes it)`);
  const startedAt = new Date();
  // Pact's verifier runs in a child process: its own console report (raw bytes of the target) never reaches the
  // terminal; the same report is printed here from its JSON, escaped.
  process.stdout.write(`pact verify ${contractPath} against ${opts.target} (states ${statesUrl})\n`);
  const { verifyInChild } = await import('../pact/isolated.ts');
  // The seed ledger lets a second signal say which instances it left seeded.
  const ledger = openSeedLedger();
  const interrupts = watchInterrupts('tearing down the instances set up so far', undefined, quitReport(ledger));
  let results: readonly CaseResult[];
  let interrupted = false;
  try {
    const outcome = await verifyInChild(
      {
        dialect: opts.dialect,
        target: opts.target,
        statesUrl,
        credentials: resolveCredentials(undefined, process.env),
        contractPath,
        requestTimeoutMs: opts.requestTimeout,
      },
      interrupts.signal,
    );
    process.stdout.write(`${outcome.output.map(terminalSafe).join('\n')}\n`);
    results = outcome.results;
  } catch (err: unknown) {
    if (!(err instanceof RunInterrupted)) throw err;
    // The child can answer before this process has seen the same Ctrl-C (they share the terminal's process group).
    if (!interrupts.signal.aborted) process.stderr.write("\nvmconform: interrupted (in Pact's verifier process): the instances set up so far are torn down\n");
    interrupted = true;
    results = planContract(opts.dialect).map((plan) => ({ ...caseIdentity(plan.row), status: 'skipped', durationMs: 0, message: NOT_RUN_INTERRUPTED, findings: [] }));
  } finally {
    interrupts.dispose();
    ledger.close();
  }
  const { doc, verdict, files } = reportRun({
    runId: newRunId(),
    startedAt,
    targets: [{ dialect: opts.dialect, target: opts.target }],
    results: opts.redactSignatures ? results.map(withoutSignatures) : results,
    baseline: EMPTY_BASELINE,
    level: 'ALL',
    reportDir: opts.reportDir,
    interrupted,
  });
  process.stdout.write(`\n${formatSummaryBody(doc, consoleOptions().paint)}`);
  if (files.length > 0) process.stdout.write(`reports: ${files.join(', ')}\n`);
  const unjudged = results.flatMap((r) => r.findings).filter((f) => f.check === 'engine');
  if (unjudged.length > 0) throw new VmconformError(`the verification is incomplete: ${unjudged.map((f) => f.message).join('; ')}`);
  return interrupted ? EXIT_INTERRUPTED : verdict.failed ? 1 : 0;
}
