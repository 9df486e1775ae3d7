/**
 * `vmconform pact generate` and `vmconform pact verify` (DESIGN.md §6). `generate` writes `contracts/` from the case
 * catalog (`--check` only compares). `verify` runs Pact's own verifier over `contracts/<dialect>.json` against a target,
 * maps every interaction back to its case and writes the same reports as `run`: exit 0 when no case failed, 1 when
 * one did, 2 on a usage error (a target off loopback without `--allow-remote` is refused before any request), 3 when
 * the verifier could not run. Pact is loaded only here, when `verify` runs (`--help` never loads it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { reportRun } from '../../reporters/report-run.ts';
import { formatSummaryBody } from '../../reporters/summary.ts';
import type { DialectName } from '../dialects/types.ts';
import { EMPTY_BASELINE } from '../engine/baseline.ts';
import { withoutSignatures } from '../engine/attempts.ts';
import { defaultStatesUrl } from '../engine/provider-states.ts';
import { caseIdentity, DEFAULT_REQUEST_TIMEOUT_MS, newRunId } from '../engine/run-case.ts';
import { EXIT_INTERRUPTED, RunInterrupted, VmconformError } from '../errors.ts';
import { watchInterrupts } from '../engine/interrupt.ts';
import { NOT_RUN_INTERRUPTED } from '../engine/suite-config.ts';
import type { CaseResult } from '../engine/types.ts';
import { contractFileName, planContract } from '../pact/generate.ts';
import { terminalSafe } from '../../reporters/safe-text.ts';
import { contractFiles, PACKAGE_CONTRACTS_DIR, writeContracts } from '../pact/files.ts';
import { ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, resolveCredentials } from '../signing/credentials.ts';
import { requireConsent } from './consent.ts';
import type { ExitSlot } from './main.ts';
import { addSafetyOptions, addTargetOptions, consoleOptions, parseMs } from './run-command.ts';

/** Options of `vmconform pact verify` after parsing. */
interface VerifyOptions {
  dialect: DialectName;
  target: string;
  statesUrl?: string;
  reportDir: string;
  requestTimeout: number;
  allowRemote?: boolean;
  redactSignatures?: boolean;
}

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
 * Register `vmconform pact` (`generate`, `verify`) on the program.
 *
 * @example
 * registerPactCommand(program, exit); // vmconform pact verify --dialect zenlayer-vm --target http://127.0.0.1:8080
 */
export function registerPactCommand(program: Command, exit: ExitSlot): void {
  const pact = program.command('pact').description('Pact V4 contracts generated from the case catalog, verified with Pact\'s own verifier.');
  pact
    .command('generate')
    .description('Write contracts/<dialect>.json for every dialect and contracts/README.md from the case catalog.')
    .option('--out <dir>', 'where to write them (default: the package\'s contracts/)')
    .option('--check', 'write nothing; exit 1 when a file differs from what would be written')
    .action((opts: { out?: string; check?: boolean }) => {
      const dir = opts.out ?? PACKAGE_CONTRACTS_DIR;
      if (opts.check) {
        const stale = staleContractFiles(dir);
        for (const name of stale) process.stdout.write(`stale: ${join(dir, name)}\n`);
        if (stale.length === 0) process.stdout.write(`contracts in ${dir} are up to date\n`);
        exit.code = stale.length === 0 ? 0 : 1;
        return;
      }
      for (const path of writeContracts(dir)) process.stdout.write(`${path}\n`);
      exit.code = 0;
    });
  // --ca is not offered: Pact's verifier sends the requests, not vmconform's client (NODE_EXTRA_CA_CERTS reaches it).
  addSafetyOptions(
    addTargetOptions(pact.command('verify').description("Verify contracts/<dialect>.json against a target with Pact's verifier; report per case like `run`.")),
    { ca: false },
  )
    .option('--request-timeout <ms>', 'timeout of each HTTP request to the target', parseMs, DEFAULT_REQUEST_TIMEOUT_MS)
    .addHelpText(
      'after',
      `\nCredentials: ${ENV_ACCESS_KEY_ID} and ${ENV_ACCESS_KEY_SECRET}, else fixed test credentials; every request is signed as it is sent.\n` +
        'Exit status: 0 no case failed, 1 a case failed, 2 usage or configuration error, 3 the verifier could not run,\n' +
        '130 interrupted (the instances set up so far are torn down, partial reports are written).',
    )
    .action(async (opts: VerifyOptions) => {
      const statesUrl = opts.statesUrl ?? defaultStatesUrl(opts.target);
      requireConsent([{ option: '--target', url: opts.target }, { option: '--states-url', url: statesUrl }], opts.allowRemote === true);
      const contractPath = join(PACKAGE_CONTRACTS_DIR, contractFileName(opts.dialect));
      if (!existsSync(contractPath)) throw new VmconformError(`the contract ${contractPath} is missing (npx vmconform pact generate writes it)`);
      const startedAt = new Date();
      // Pact's verifier runs in a child process: its own console report (raw bytes of the target) never reaches the
      // terminal; the same report is printed here from its JSON, escaped.
      const { verifyInChild } = await import('../pact/isolated.ts');
      const interrupts = watchInterrupts('tearing down the instances set up so far');
      let results: readonly CaseResult[];
      let interrupted = false;
      try {
        const outcome = await verifyInChild({
          dialect: opts.dialect,
          target: opts.target,
          statesUrl,
          credentials: resolveCredentials(undefined, process.env),
          contractPath,
          requestTimeoutMs: opts.requestTimeout,
        }, interrupts.signal);
        process.stdout.write(`${outcome.output.map(terminalSafe).join('\n')}\n`);
        results = outcome.results;
      } catch (err: unknown) {
        if (!(err instanceof RunInterrupted)) throw err;
        interrupted = true;
        results = planContract(opts.dialect).map((plan) => ({ ...caseIdentity(plan.row), status: 'skipped', durationMs: 0, message: NOT_RUN_INTERRUPTED, findings: [] }));
      } finally {
        interrupts.dispose();
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
      process.stdout.write(`\npact verify ${contractPath}\n${formatSummaryBody(doc, consoleOptions().paint)}`);
      if (files.length > 0) process.stdout.write(`reports: ${files.join(', ')}\n`);
      const unjudged = results.flatMap((r) => r.findings).filter((f) => f.check === 'engine');
      if (unjudged.length > 0) throw new VmconformError(`the verification is incomplete: ${unjudged.map((f) => f.message).join('; ')}`);
      exit.code = interrupted ? EXIT_INTERRUPTED : verdict.failed ? 1 : 0;
    });
}
