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
import { TERMS, type Term, type TermId } from './vocabulary.ts';

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

/**
 * Parse the one dialect of a command that works on one (it speaks to one target): a list, a second `--dialect` or an
 * unknown name is a usage error, the last with the names it might mean.
 *
 * @example
 * parseDialect('aliyun') // throws: unknown dialect "aliyun" (did you mean aliyun-ecs?) ...
 */
export function parseDialect(value: string, previous?: unknown): DialectName {
  if (typeof previous === 'string') throw new InvalidArgumentError(`given twice (${previous}, ${value}): this command works on one dialect`);
  if (value.includes(',')) throw new InvalidArgumentError(`${JSON.stringify(value)}: this command works on one dialect (one of ${DIALECT_NAMES.join(', ')})`);
  if (!isDialectName(value)) {
    const near = DIALECT_NAMES.filter((n) => n.includes(value.toLowerCase()) || value.toLowerCase().includes(n));
    const hint = value !== '' && near.length > 0 ? ` (did you mean ${near.join(' or ')}?)` : '';
    throw new InvalidArgumentError(`unknown dialect ${JSON.stringify(value)}${hint}; one of ${DIALECT_NAMES.join(', ')}`);
  }
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

/**
 * A parser of a whole number from 0 to `max` (`--port`, `--transition-ms`, `--exit-after`).
 *
 * @example
 * addTerm(mock, 'port', { parse: parseNonNegativeInt(65535), default: 0 });
 */
export function parseNonNegativeInt(max: number): (value: string) => number {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) > max) throw new InvalidArgumentError(`expected an integer from 0 to ${max}`);
    return Number(value);
  };
}

/** Parse `--retries N` (0..10). */
export function parseRetries(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 10) throw new InvalidArgumentError(`expected a whole number 0..10, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** How a command takes a term: parser, default, required, choices (see {@link addTerm}). */
export interface TermUse {
  readonly parse?: (value: string, previous: never) => unknown;
  readonly default?: unknown;
  readonly required?: true;
  readonly choices?: readonly string[];
  readonly conflicts?: string | readonly string[];
}

/**
 * Add one option of the vocabulary (src/cli/vocabulary.ts) to a command, spelled and described as the table says; a
 * deprecated alias is hidden from help.
 *
 * @example
 * addTerm(program.command('cases'), 'grep', { parse: parseGrep });
 */
export function addTerm(command: Command, id: TermId, use: TermUse = {}): Command {
  const term: Term = TERMS[id];
  const option = new Option(term.flags, term.description);
  if (term.deprecatedFor !== undefined) option.hideHelp();
  if (use.choices !== undefined) option.choices(use.choices);
  if (use.parse !== undefined) option.argParser(use.parse as (value: string, previous: unknown) => unknown);
  if (use.default !== undefined) option.default(use.default);
  if (use.required === true) option.makeOptionMandatory();
  if (use.conflicts !== undefined) option.conflicts(typeof use.conflicts === 'string' ? use.conflicts : [...use.conflicts]);
  return command.addOption(option);
}

/**
 * Warn that a deprecated alias was used (one line on standard error) and return the value of the option that
 * replaces it; both given is a usage error.
 *
 * @example
 * const reportDir = fromDeprecatedAlias(opts.outDir, opts.reportDir, 'out-dir');
 */
export function fromDeprecatedAlias<T>(aliasValue: T | undefined, value: T | undefined, alias: TermId): T | undefined {
  if (aliasValue === undefined) return value;
  const term: Term = TERMS[alias];
  const name = term.flags.split(' ')[0] ?? term.flags;
  if (value !== undefined) throw new UsageError(`${name} is the deprecated spelling of ${term.deprecatedFor ?? ''}: give only ${term.deprecatedFor ?? ''}`);
  process.stderr.write(`vmconform: warning: ${name} is deprecated and goes in the next release: use ${term.deprecatedFor ?? ''}\n`);
  return aliasValue;
}

/** Parse one `--dialect` value of a command that can work on several (comma-separated, `all`), adding to earlier ones. */
export function parseDialectList(value: string, previous: readonly DialectName[] | undefined): DialectName[] {
  const names = value.split(',').map((v) => v.trim());
  if (names.some((n) => n === '')) throw new InvalidArgumentError(`an empty dialect name in ${JSON.stringify(value)} (give one or more of ${DIALECT_NAMES.join(', ')}, or all)`);
  const out = [...(previous ?? [])];
  for (const name of names) {
    if (name === 'all') out.push(...DIALECT_NAMES);
    else out.push(parseDialect(name, undefined));
  }
  return [...new Set(out)];
}

/** Parse one value of a repeatable option, adding it to the earlier ones (`--ca a.pem --ca b.pem`). */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Parse `--concurrency N` (1..256). */
export function parseConcurrency(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 256) throw new InvalidArgumentError(`expected 1..256, got ${JSON.stringify(value)}`);
  return Number(value);
}

/**
 * Add the options every command that judges a target shares (`run`, `fuzz`, `pact verify`): `--dialect`, `--target`,
 * `--states-url` and `--report-dir`.
 *
 * @example
 * addTargetOptions(program.command('run')).option('--baseline <file>', '...')
 */
export function addTargetOptions(command: Command): Command {
  addTerm(command, 'dialect', { parse: parseDialect, required: true });
  addTerm(command, 'target', { parse: parseHttpUrl, required: true });
  addTerm(command, 'states-url', { parse: parseHttpUrl });
  return addTerm(command, 'report-dir', { default: 'reports' });
}

/**
 * Add the options of safety on real targets that `run`, `fuzz` and `pact verify` share: `--allow-remote`,
 * `--redact-signatures` and `--ca`.
 *
 * @example
 * addSafetyOptions(addTargetOptions(program.command('fuzz')))
 */
export function addSafetyOptions(command: Command): Command {
  addTerm(command, 'allow-remote');
  addTerm(command, 'redact-signatures');
  return addTerm(command, 'ca', { parse: collect });
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
  addTerm(command, 'quiet', { conflicts: 'verbose' });
  return addTerm(command, 'verbose');
}

/**
 * Add the gate's options of a command that judges a target (`run`, `fuzz`, `pact verify`): `--baseline` and `--level`.
 *
 * @example
 * addGateOptions(addTargetOptions(program.command('run')));
 */
export function addGateOptions(command: Command): Command {
  addTerm(command, 'baseline');
  return addTerm(command, 'level', { choices: ['must', 'all'], default: 'all' });
}

/**
 * Commander checks required options before unknown ones, so `--taget` would say "required option '--target' not
 * specified" instead of suggesting `--target`. The required options of every command are checked just before its
 * action instead, after the unknown ones (which get commander's "Did you mean ...?").
 *
 * @example
 * requireAfterUnknown(program);
 */
export function requireAfterUnknown(command: Command): void {
  const required = command.options.filter((o) => o.mandatory);
  for (const o of required) o.mandatory = false;
  if (required.length > 0) {
    command.hook('preAction', (_self, action) => {
      if (action !== command) return;
      for (const o of required) if (command.getOptionValue(o.attributeName()) === undefined) {
          command.error(`error: required option '${o.flags}' not specified`, { code: 'commander.missingMandatoryOptionValue' });
        }
    });
  }
  for (const sub of command.commands) requireAfterUnknown(sub);
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
