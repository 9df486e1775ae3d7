/**
 * What `vmconform pact generate` and `pact verify` do once their options are parsed (loaded by `pact-command.ts`
 * when one starts). Pact itself loads only in the verifier's child process (`src/pact/isolated.ts`, `verify.ts`).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { casesFor } from '../cases/index.ts';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { withoutSignatures } from '../engine/attempts.ts';
import { EMPTY_BASELINE, loadBaseline } from '../engine/baseline.ts';
import { caseIdentity, newRunId } from '../engine/run-case.ts';
import { watchInterrupts } from '../engine/interrupt.ts';
import { DEFAULT_POLL_TIMEOUT_MS } from '../engine/defaults.ts';
import { openSeedLedger, quitReport } from '../engine/seed-ledger.ts';
import { noCaseMatches, NOT_RUN_INTERRUPTED, selectRows } from '../engine/suite-config.ts';
import type { CaseResult } from '../engine/types.ts';
import { EXIT_INTERRUPTED, EXIT_USAGE, RunInterrupted, UsageError, VmconformError } from '../errors.ts';
import { contractFiles, PACKAGE_CONTRACTS_DIR, writeContracts } from '../pact/files.ts';
import { contractFileName } from '../pact/generate.ts';
import { pactReportExcerpt } from '../pact/output.ts';
import type { BrokerSource, PactVerifyOutcome, Publication } from '../pact/verify.ts';
import { resolveCredentials } from '../signing/credentials.ts';
import { reportRun } from '../../reporters/report-run.ts';
import { terminalSafe } from '../../reporters/safe-text.ts';
import { formatSummaryBody } from '../../reporters/summary.ts';
import { fromDeprecatedAlias, verbosityOf } from './options.ts';
import type { GenerateOptions, VerifyOptions } from './pact-command.ts';
import { approachTarget, consoleOptions, printReportFiles, reportPreflightFailure, writeQuitReports } from './run-action.ts';

/** The names of the files under `dir` that differ from what `pact generate` would write (missing ones included). */
export function staleContractFiles(dir: string, dialects: readonly DialectName[] = DIALECT_NAMES): string[] {
  return Object.entries(contractFiles(dialects))
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
export function pactGenerateAction(opts: GenerateOptions): number {
  const dir = fromDeprecatedAlias(opts.out, opts.contractsDir, 'out-contracts') ?? PACKAGE_CONTRACTS_DIR;
  const dialects = opts.dialect ?? DIALECT_NAMES;
  if (opts.check) {
    const stale = staleContractFiles(dir, dialects);
    for (const name of stale) process.stdout.write(`stale: ${join(dir, name)}\n`);
    if (stale.length === 0) process.stdout.write(`contracts in ${dir} are up to date\n`);
    return stale.length === 0 ? 0 : 1;
  }
  for (const path of writeContracts(dir, dialects)) process.stdout.write(`${path}\n`);
  return 0;
}

/** Pact's recommended consumer version selectors (docs.pact.io, consumer version selectors), with the matching branch. */
function defaultSelectors(providerBranch: string | undefined): Record<string, boolean>[] {
  return [{ mainBranch: true }, { deployedOrReleased: true }, ...(providerBranch !== undefined ? [{ matchingBranch: true }] : [])];
}

/** The usage errors of `pact verify`'s options that select nothing or contradict each other (before any request). */
function checkVerifyOptions(opts: VerifyOptions): void {
  if (opts.brokerUrl === undefined) {
    for (const [flag, given] of [['--publish', opts.publish], ['--provider-name', opts.providerName], ['--provider-version', opts.providerVersion], ['--provider-branch', opts.providerBranch]] as const) {
      if (given !== undefined && given !== false) throw new UsageError(`${flag} works with the pacts of a broker: give --broker-url too`);
    }
  }
  if (opts.publish === true) {
    if (opts.providerVersion === undefined) throw new UsageError('--publish needs --provider-version: the broker records the verdict for a provider version');
    // Pact publishes the verdict of the interactions it verified: a filtered verification would reach can-i-deploy as the whole.
    if (opts.grep !== undefined) throw new UsageError("--publish sends Pact's verdict on every pact of the provider: it cannot be given with --grep");
  }
  if (opts.pact !== undefined && !/^https?:\/\//i.test(opts.pact) && !existsSync(opts.pact)) throw new UsageError(`--pact ${opts.pact}: no such file`);
}

/** NODE_EXTRA_CA_CERTS for the verifier's process: the --ca files (and any the environment names) in one file. */
function caEnvironment(ca: readonly string[] | undefined): Record<string, string> {
  if (ca === undefined || ca.length === 0) return {};
  const files = [...ca, ...(process.env['NODE_EXTRA_CA_CERTS'] ? [process.env['NODE_EXTRA_CA_CERTS']] : [])];
  const path = join(mkdtempSync(join(tmpdir(), 'vmconform-ca-')), 'ca.pem');
  writeFileSync(path, files.map((f) => readFileSync(f, 'utf8')).join('\n'));
  return { NODE_EXTRA_CA_CERTS: path };
}

/** A result with the attempts of an earlier result before it (`--retries`: a pass after a failure is flaky). */
function after(earlier: CaseResult, later: CaseResult): CaseResult {
  const { status, durationMs, message, findings, startedAt, exchanges } = earlier;
  const attempt = { status, durationMs, ...(message !== undefined ? { message } : {}), findings, ...(startedAt !== undefined ? { startedAt } : {}), ...(exchanges !== undefined ? { exchanges } : {}) };
  return { ...later, previousAttempts: [...(earlier.previousAttempts ?? []), attempt] };
}

/**
 * `pact verify`: the same preflight as `run`, then Pact's verifier over the dialect's contract (or `--pact`, or a
 * broker's pacts) against the target, reported per case with the same gate; returns the exit code.
 *
 * @example
 * exit.code = await pactVerifyAction(opts); // opts as commander parsed them
 */
export async function pactVerifyAction(opts: VerifyOptions): Promise<number> {
  checkVerifyOptions(opts);
  const verbosity = verbosityOf(opts);
  const say = (line: string): void => {
    if (verbosity !== 'quiet') process.stdout.write(`${line}\n`);
  };
  const baseline = opts.baseline !== undefined ? loadBaseline(opts.baseline) : EMPTY_BASELINE;
  const level = opts.level === 'must' ? 'MUST' : 'ALL';
  const selected = selectRows(casesFor(opts.dialect), opts.grep);
  if (selected.length === 0) throw new UsageError(noCaseMatches(opts.grep, [opts.dialect], casesFor(opts.dialect)));
  const contractPath = opts.pact ?? join(PACKAGE_CONTRACTS_DIR, contractFileName(opts.dialect));
  if (opts.pact === undefined && opts.brokerUrl === undefined && !existsSync(contractPath)) {
    throw new VmconformError(`the contract ${contractPath} is missing (npx vmconform pact generate writes it)`);
  }
  const { statesUrl, credentials, failed } = await approachTarget(opts, true);
  if (failed !== undefined) {
    return reportPreflightFailure(failed, selected, opts, baseline);
  }
  const broker: BrokerSource | undefined =
    opts.brokerUrl === undefined
      ? undefined
      : {
          url: opts.brokerUrl,
          providerName: opts.providerName ?? opts.dialect,
          consumerVersionSelectors: defaultSelectors(opts.providerBranch),
          ...(opts.providerVersion !== undefined ? { providerVersion: opts.providerVersion } : {}),
          ...(opts.providerBranch !== undefined ? { providerBranch: opts.providerBranch } : {}),
          publish: opts.publish === true,
        };
  const startedAt = new Date();
  // Pact's verifier runs in a child process: its own console report (raw bytes of the target) never reaches the
  // terminal; what is printed of it here comes from its JSON, escaped.
  say(`pact verify ${broker !== undefined ? `the pacts of ${broker.providerName} in ${broker.url}` : contractPath} against ${opts.target} (states ${statesUrl})`);
  const { verifyInChild } = await import('../pact/isolated.ts');
  const env = caEnvironment(opts.ca);
  // The seed ledger lets a second signal say which instances it left seeded.
  const ledger = openSeedLedger();
  const runId = newRunId();
  // Verifying the dialect's own contract, every case is a row of the catalog: the run's options are recorded so that
  // each failure shows the `vmconform repro` and `run --grep` lines that run the case again (not for other pacts).
  const ownContract = opts.pact === undefined && broker === undefined;
  const targets = [
    {
      dialect: opts.dialect,
      target: opts.target,
      ...(ownContract ? { statesUrl, pollTimeoutMs: DEFAULT_POLL_TIMEOUT_MS, requestTimeoutMs: opts.requestTimeout } : {}),
    },
  ];
  const gateOptions = { baseline, ...(opts.baseline !== undefined ? { baselineFile: opts.baseline } : {}), level, reportDir: opts.reportDir } as const;
  const notRun = (): CaseResult[] => selected.map((row) => ({ ...caseIdentity(row), status: 'skipped', durationMs: 0, message: NOT_RUN_INTERRUPTED, findings: [] }));
  const quit = writeQuitReports({ runId, startedAt, targets, results: notRun(), ...gateOptions });
  const interrupts = watchInterrupts('tearing down the instances set up so far', undefined, quitReport(ledger, quit));
  const only = opts.grep !== undefined ? selected.map((r) => r.id) : undefined;
  const verify = (ids: readonly string[] | undefined, source: BrokerSource | undefined): Promise<PactVerifyOutcome> =>
    verifyInChild(
      {
        dialect: opts.dialect,
        target: opts.target,
        statesUrl,
        credentials: resolveCredentials(undefined, process.env),
        ...(source !== undefined ? { broker: source } : { contractPath }),
        ...(ids !== undefined ? { only: ids } : {}),
        requestTimeoutMs: opts.requestTimeout,
      },
      interrupts.signal,
      env,
    );
  let results: CaseResult[];
  let publication: Publication | undefined;
  let pactFailed = false;
  let interrupted = false;
  try {
    const first = await verify(only, broker);
    // Pact's own report: the failing interactions' part of it (all of it with --verbose, none with --quiet).
    const excerpt = verbosity === 'quiet' ? [] : pactReportExcerpt(first.output, first.failedInteractions, verbosity === 'verbose');
    if (excerpt.length > 0) process.stdout.write(`${excerpt.map(terminalSafe).join('\n')}\n`);
    else say(`Pact's verifier: ${first.failedInteractions.length === 0 ? 'every interaction verified' : `${first.failedInteractions.length} interaction(s) failed`} (its whole report: --verbose)`);
    publication = first.publication;
    pactFailed = first.failedInteractions.length > 0;
    results = [...first.results];
    // --retries: the failed cases again, alone; a retry never publishes (the broker has Pact's verdict of the whole).
    const catalog = new Set(casesFor(opts.dialect).map((r) => r.id));
    for (let attempt = 1; attempt <= opts.retries; attempt++) {
      const again = results.filter((r) => r.status === 'failed' && catalog.has(r.id)).map((r) => r.id);
      if (again.length === 0) break;
      say(`retry ${attempt} of ${opts.retries}: ${again.length} failed case(s) again`);
      const retried = new Map((await verify(again, broker === undefined ? undefined : { ...broker, publish: false })).results.map((r) => [r.id, r]));
      results = results.map((r) => {
        const later = retried.get(r.id);
        return later !== undefined && again.includes(r.id) ? after(r, later) : r;
      });
    }
  } catch (err: unknown) {
    if (!(err instanceof RunInterrupted)) throw err;
    // The child can answer before this process has seen the same Ctrl-C (they share the terminal's process group).
    if (!interrupts.signal.aborted) process.stderr.write("\nvmconform: interrupted (in Pact's verifier process): the instances set up so far are torn down\n");
    interrupted = true;
    results = notRun();
  } finally {
    interrupts.dispose();
    ledger.close();
  }
  const { doc, verdict, files } = reportRun({
    runId,
    startedAt,
    targets,
    results: opts.redactSignatures ? results.map(withoutSignatures) : results,
    ...gateOptions,
    retries: opts.retries,
    interrupted,
  });
  process.stdout.write(formatSummaryBody(doc, consoleOptions().paint, verbosity, join(opts.reportDir, 'results.json')));
  printReportFiles(files, verbosity);
  const unjudged = results.flatMap((r) => r.findings).filter((f) => f.check === 'engine');
  if (unjudged.length > 0) throw new VmconformError(`the verification is incomplete: ${unjudged.map((f) => f.message).join('; ')}`);
  if (interrupted) return EXIT_INTERRUPTED;
  if (broker?.publish === true && publication !== undefined) {
    const what = `Pact's verdict (${pactFailed ? 'failed' : 'passed'}) for ${broker.providerName} ${broker.providerVersion ?? ''}${broker.providerBranch !== undefined ? ` (branch ${broker.providerBranch})` : ''} to ${broker.url}`;
    if (!publication.ok) {
      process.stderr.write(`vmconform: publishing ${what} failed: ${terminalSafe(publication.detail)}\n`);
      return EXIT_USAGE;
    }
    say(`published ${what}`);
  }
  return verdict.failed ? 1 : 0;
}
