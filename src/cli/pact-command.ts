/**
 * `vmconform pact generate` and `vmconform pact verify` (DESIGN.md §6). `generate` writes `contracts/` from the case
 * catalog (`--check` only compares). `verify` runs Pact's own verifier over `contracts/<dialect>.json` against a target,
 * maps every interaction back to its case and writes the same reports as `run`: exit 0 when no case failed, 1 when
 * one did, 2 on a usage error (a target off loopback without `--allow-remote` is refused before any request), 3 when
 * the verifier could not run. This module only registers the commands; `pact-action.ts` loads when one starts, and
 * Pact itself only when `verify` runs (`--help` never loads it).
 */
import type { Command } from 'commander';
import type { DialectName } from '../dialects/types.ts';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../engine/defaults.ts';
import { ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET } from '../signing/credentials.ts';
import type { ExitSlot } from './main.ts';
import { addSafetyOptions, addTargetOptions, parseMs } from './options.ts';

/** Options of `vmconform pact verify` after parsing. */
export interface VerifyOptions {
  dialect: DialectName;
  target: string;
  statesUrl?: string;
  reportDir: string;
  requestTimeout: number;
  allowRemote?: boolean;
  redactSignatures?: boolean;
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
    .action(async (opts: { out?: string; check?: boolean }) => {
      const { pactGenerateAction } = await import('./pact-action.ts');
      exit.code = pactGenerateAction(opts);
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
      const { pactVerifyAction } = await import('./pact-action.ts');
      exit.code = await pactVerifyAction(opts);
    });
}
