/**
 * The option parsers and option groups the commands share. Registering a command loads this module only (with
 * commander and a few constants), never the engine: `vmconform --help` and `--version` start fast; each command
 * loads what it runs when its action starts (`*-action.ts`).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Verbosity } from '../../reporters/summary.ts';
import { DIALECT_NAMES, isDialectName, type DialectName } from '../dialects/types.ts';
import { UsageError } from '../errors.ts';
import { ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET } from '../signing/credentials.ts';
import { ALLOW_REMOTE_HELP } from './consent.ts';

/** Parse an http(s) URL option; commander turns the error into a usage error. */
export function parseHttpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`not a URL: ${JSON.stringify(value)}`);
  }
  // Credentials in a URL would be copied into every report and curl line; the suite signs with its own. A UsageError
  // (not commander's InvalidArgumentError) so that the value itself is not echoed.
  if (url.username !== '' || url.password !== '') {
    throw new UsageError(
      `the URL ${url.protocol}//${url.host}${url.pathname} must not carry user credentials (they would appear in reports); the suite signs with ${ENV_ACCESS_KEY_ID} / ${ENV_ACCESS_KEY_SECRET}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`expected an http:// or https:// URL, got ${JSON.stringify(value)}`);
  }
  if (url.search !== '' || url.hash !== '') throw new InvalidArgumentError(`the URL must not carry a query or fragment: ${JSON.stringify(value)}`);
  return value.replace(/\/+$/, '');
}

/** Parse a positive integer of milliseconds. */
export function parseMs(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0 || Number(value) > 3_600_000) {
    throw new InvalidArgumentError(`expected a whole number of milliseconds (1..3600000), got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/** Parse a dialect name. */
export function parseDialect(value: string): DialectName {
  if (!isDialectName(value)) throw new InvalidArgumentError(`unknown dialect ${JSON.stringify(value)} (one of ${DIALECT_NAMES.join(', ')})`);
  return value;
}

/** Parse a --grep regular expression. */
export function parseGrep(value: string): string {
  try {
    new RegExp(value);
  } catch (err: unknown) {
    throw new InvalidArgumentError(`not a valid regular expression: ${err instanceof Error ? err.message : String(err)}`);
  }
  return value;
}

/** Parse `--retries N` (0..10). */
export function parseRetries(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 10) throw new InvalidArgumentError(`expected a whole number 0..10, got ${JSON.stringify(value)}`);
  return Number(value);
}

/**
 * Add the options every command that judges a target shares (`run`, `pact verify`): `--dialect`, `--target`,
 * `--states-url` and `--report-dir`.
 *
 * @example
 * addTargetOptions(program.command('run')).option('--baseline <file>', '...')
 */
export function addTargetOptions(command: Command): Command {
  return command
    .requiredOption('--dialect <name>', `dialect the target claims to speak (${DIALECT_NAMES.join(', ')})`, parseDialect)
    .requiredOption('--target <url>', 'base URL of the target, e.g. http://127.0.0.1:8080', parseHttpUrl)
    .option('--states-url <url>', 'provider-state endpoint (default: <target>/_vmconform/provider-states)', parseHttpUrl)
    .option('--report-dir <dir>', 'where to write the reports (results.json, junit.xml, summaries, report.html, exchanges.har)', 'reports');
}

/**
 * Add the options of safety on real targets that `run`, `fuzz` and `pact verify` share: `--allow-remote`,
 * `--redact-signatures` and, where vmconform's own client sends the requests, `--ca`.
 *
 * @example
 * addSafetyOptions(addTargetOptions(program.command('fuzz')))
 */
export function addSafetyOptions(command: Command, { ca = true }: { ca?: boolean } = {}): Command {
  command
    .option('--allow-remote', ALLOW_REMOTE_HELP)
    .option('--redact-signatures', 'mask request signatures in curl lines and recorded exchanges (they are kept by default: reproducing a request needs them)');
  if (ca) command.option('--ca <file...>', "PEM file(s) of CAs to trust besides the system's (NODE_EXTRA_CA_CERTS and HTTPS_PROXY/NO_PROXY are honoured too)");
  return command;
}

/** The options {@link addVerbosityOptions} adds, after parsing. */
export interface VerbosityOptions {
  quiet?: boolean;
  verbose?: boolean;
}

/**
 * Add `--quiet` (only the new failures and the result line) and `--verbose` (every failure in full) to a command
 * that prints a run's summary.
 *
 * @example
 * addVerbosityOptions(program.command('run')); // later: verbosityOf(opts)
 */
export function addVerbosityOptions(command: Command): Command {
  return command
    .addOption(new Option('--quiet', 'print only the new failures and the result line (no header, progress or known failures)').conflicts('verbose'))
    .option('--verbose', 'print every failure in full, each case alone (known and ungated ones included; no grouping by cause)');
}

/**
 * The verbosity the parsed options ask for.
 *
 * @example
 * verbosityOf({ quiet: true }) // 'quiet'
 */
export function verbosityOf(opts: VerbosityOptions): Verbosity {
  if (opts.quiet === true) return 'quiet';
  return opts.verbose === true ? 'verbose' : 'normal';
}
