/**
 * `vmconform pact generate` and `vmconform pact verify` (DESIGN.md §6). `generate` writes `contracts/` from the case
 * catalog (`--check` only compares). `verify` runs Pact's own verifier over `contracts/<dialect>.json` (or
 * `--pact FILE|URL`, or the pacts a Pact Broker holds for the provider) against a target, after the same preflight as
 * `run`, maps every interaction back to its case and writes the same reports with the same gate (`--baseline`,
 * `--level`): exit 0 when nothing failed beyond the baseline, 1 when something did, 2 on a usage or configuration
 * error (a target off loopback without `--allow-remote` is refused before any request), 3 when the verifier could not
 * run. This module only registers the commands; `pact-action.ts` loads when one starts, and Pact itself only when
 * `verify` runs (`--help` never loads it).
 */
import type { Command } from 'commander';
import type { DialectName } from '../dialects/types.ts';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../engine/defaults.ts';
import { ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET } from '../signing/credentials.ts';
import type { ExitSlot } from './main.ts';
import {
  addGateOptions,
  addSafetyOptions,
  addTargetOptions,
  addTerm,
  addVerbosityOptions,
  parseDialectList,
  parseGrep,
  parseHttpUrl,
  parseMs,
  parseRetries,
  type VerbosityOptions,
} from './options.ts';

/** Options of `vmconform pact generate` after parsing. */
export interface GenerateOptions {
  dialect?: DialectName[];
  contractsDir?: string;
  /** The deprecated spelling of `contractsDir`. */
  out?: string;
  check?: boolean;
}

/** Options of `vmconform pact verify` after parsing. */
export interface VerifyOptions extends VerbosityOptions {
  dialect: DialectName;
  target: string;
  statesUrl?: string;
  reportDir: string;
  requestTimeout: number;
  allowRemote?: boolean;
  redactSignatures?: boolean;
  ca?: string[];
  baseline?: string;
  level: 'must' | 'all';
  grep?: string;
  retries: number;
  pact?: string;
  brokerUrl?: string;
  providerName?: string;
  providerVersion?: string;
  providerBranch?: string;
  publish?: boolean;
}

/**
 * Register `vmconform pact` (`generate`, `verify`) on the program.
 *
 * @example
 * registerPactCommand(program, exit); // vmconform pact verify --dialect zenlayer-vm --target http://127.0.0.1:8080
 */
export function registerPactCommand(program: Command, exit: ExitSlot): void {
  const pact = program.command('pact').description('Pact V4 contracts generated from the case catalog, verified with Pact\'s own verifier.');
  const generate = pact.command('generate').description('Write contracts/<dialect>.json for every dialect and contracts/README.md from the case catalog.');
  addTerm(generate, 'dialects', { parse: parseDialectList });
  addTerm(generate, 'contracts-dir');
  addTerm(generate, 'out-contracts');
  addTerm(generate, 'check');
  generate.action(async (opts: GenerateOptions) => {
    const { pactGenerateAction } = await import('./pact-action.ts');
    exit.code = pactGenerateAction(opts);
  });
  const verify = pact.command('verify').description("Verify contracts/<dialect>.json (or --pact, or a broker's pacts) against a target with Pact's verifier; report per case like `run`.");
  addVerbosityOptions(addSafetyOptions(addTargetOptions(verify)));
  addTerm(verify, 'request-timeout', { parse: parseMs, default: DEFAULT_REQUEST_TIMEOUT_MS });
  addGateOptions(verify);
  addTerm(verify, 'grep', { parse: parseGrep });
  addTerm(verify, 'retries', { parse: parseRetries, default: 0 });
  addTerm(verify, 'pact', { conflicts: 'brokerUrl' });
  addTerm(verify, 'broker-url', { parse: parseHttpUrl });
  addTerm(verify, 'provider-name');
  addTerm(verify, 'provider-version');
  addTerm(verify, 'provider-branch');
  addTerm(verify, 'publish');
  verify
    .addHelpText(
      'after',
      `\nCredentials: ${ENV_ACCESS_KEY_ID} and ${ENV_ACCESS_KEY_SECRET}, else fixed test credentials; every request is signed as it is sent.\n` +
        "Pact's own report is printed for the failing interactions only (all of it with --verbose).\n" +
        'Broker: --broker-url fetches the pacts for --provider-name (default: the dialect) with PACT_BROKER_TOKEN (or\n' +
        'PACT_BROKER_USERNAME/PACT_BROKER_PASSWORD) and Pact\'s recommended consumer version selectors ({"mainBranch":true},\n' +
        '{"deployedOrReleased":true}, and {"matchingBranch":true} with --provider-branch); --publish sends Pact\'s verdict for\n' +
        '--provider-version (and --provider-branch), whatever --baseline and --level say; it cannot go with --grep.\n' +
        'Exit status: 0 nothing failed beyond the baseline, 1 something did, 2 usage or configuration error (publishing\n' +
        'refused included), 3 the verifier could not run, 130 interrupted (the instances set up so far are torn down,\n' +
        'partial reports are written).',
    )
    .action(async (opts: VerifyOptions) => {
      const { pactVerifyAction } = await import('./pact-action.ts');
      exit.code = await pactVerifyAction(opts);
    });
}
