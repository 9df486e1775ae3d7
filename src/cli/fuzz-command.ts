/**
 * `vmconform fuzz`: generated requests and stateful sequences against a target, judged by the dialect's model from
 * its spec (DESIGN.md §6). One results row per property (`fuzz.<property>`), the same reports and exit codes as
 * `run`; a failure prints its seed, its path and the shrunk case as curl lines. This module only registers the
 * command; the fuzzer loads with `fuzz-action.ts` when it starts.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { DialectName } from '../dialects/types.ts';
import { DEFAULT_POLL_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from '../engine/defaults.ts';
import { FUZZ_PROPERTIES, type FuzzPropertyName } from '../fuzz/names.ts';
import type { ExitSlot } from './main.ts';
import { addGateOptions, addSafetyOptions, addTargetOptions, addTerm, addVerbosityOptions, parseConcurrency, parseMs, type VerbosityOptions } from './options.ts';

function parseCount(max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) throw new InvalidArgumentError(`expected a whole number 1..${max}, got ${JSON.stringify(value)}`);
    return Number(value);
  };
}

function parseSeed(value: string): number {
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError(`expected an integer seed, got ${JSON.stringify(value)}`);
  return Number(value);
}

function parsePropertyList(value: string, previous: readonly FuzzPropertyName[] | undefined): FuzzPropertyName[] {
  const names = value.split(',').map((v) => v.trim());
  const unknown = names.filter((n) => !(FUZZ_PROPERTIES as readonly string[]).includes(n));
  if (unknown.length > 0) throw new InvalidArgumentError(`no such property ${unknown.map((n) => JSON.stringify(n)).join(', ')} (choose from ${FUZZ_PROPERTIES.join(', ')})`);
  return [...new Set([...(previous ?? []), ...(names as FuzzPropertyName[])])];
}

function parsePath(value: string): string {
  if (!/^\d+(:\d+)*$/.test(value)) throw new InvalidArgumentError(`expected a fast-check path like 12:0:3, got ${JSON.stringify(value)}`);
  return value;
}

/** Options of `vmconform fuzz` after parsing. */
export interface FuzzCliOptions extends VerbosityOptions {
  dialect: DialectName;
  target: string;
  statesUrl?: string;
  runs: number;
  seed?: number;
  path?: string;
  property?: FuzzPropertyName[];
  timeBudget?: number;
  concurrency?: number;
  pollTimeout: number;
  requestTimeout: number;
  region?: string;
  reportDir: string;
  baseline?: string;
  level: 'must' | 'all';
  allowRemote?: boolean;
  ca?: string[];
  redactSignatures?: boolean;
}

/**
 * Register `vmconform fuzz` on the program.
 *
 * @example
 * registerFuzzCommand(program, exit); // vmconform fuzz --dialect aliyun-ecs --target http://127.0.0.1:8084 --runs 200
 */
export function registerFuzzCommand(program: Command, exit: ExitSlot): void {
  const fuzz = program.command('fuzz').description("Generated StopInstances requests and sequences against a target, judged by the dialect's model from its spec.");
  addVerbosityOptions(addSafetyOptions(addTargetOptions(fuzz)));
  addTerm(fuzz, 'runs', { parse: parseCount(100_000), default: 100 });
  addTerm(fuzz, 'seed', { parse: parseSeed });
  addTerm(fuzz, 'path', { parse: parsePath });
  addTerm(fuzz, 'property', { parse: parsePropertyList });
  addTerm(fuzz, 'time-budget', { parse: parseCount(86_400) });
  addTerm(fuzz, 'concurrency', { parse: parseConcurrency, default: 1 });
  addTerm(fuzz, 'poll-timeout', { parse: parseMs, default: DEFAULT_POLL_TIMEOUT_MS });
  addTerm(fuzz, 'request-timeout', { parse: parseMs, default: DEFAULT_REQUEST_TIMEOUT_MS });
  addTerm(fuzz, 'region');
  addGateOptions(fuzz);
  fuzz
    .addHelpText(
      'after',
      `\nProperties: ${FUZZ_PROPERTIES.join(', ')} (rate-limit only where the spec documents a rate).\n` +
        'A case of --concurrency is one generated case: the cases run at once are slices of the one sequence the seed generates.\n' +
        'Known failures (--baseline) and --level name properties by their fuzz.<property> ids.\n' +
        'Exit status: 0 nothing failed beyond the baseline, 1 something did, 2 usage or configuration error, 3 vmconform itself failed,\n' +
        '130 interrupted (Ctrl-C: the running case finishes and tears down, partial reports are written).',
    )
    .action(async (opts: FuzzCliOptions) => {
      const { fuzzAction } = await import('./fuzz-action.ts');
      exit.code = await fuzzAction(opts);
    });
}
