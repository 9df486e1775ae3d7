/**
 * `vmconform fuzz`: generated requests and stateful sequences against a target, judged by the dialect's model from
 * its spec (DESIGN.md §6). One results row per property (`fuzz.<property>`), the same reports and exit codes as
 * `run`; a failure prints its seed, its path and the shrunk case as curl lines. This module only registers the
 * command; the fuzzer loads with `fuzz-action.ts` when it starts.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { DialectName } from '../dialects/types.ts';
import { DEFAULT_POLL_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from '../engine/defaults.ts';
import { FUZZ_PROPERTIES, type FuzzPropertyName } from '../fuzz/names.ts';
import type { ExitSlot } from './main.ts';
import { addSafetyOptions, addTargetOptions, parseMs } from './options.ts';

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

function parsePath(value: string): string {
  if (!/^\d+(:\d+)*$/.test(value)) throw new InvalidArgumentError(`expected a fast-check path like 12:0:3, got ${JSON.stringify(value)}`);
  return value;
}

/** Options of `vmconform fuzz` after parsing. */
export interface FuzzCliOptions {
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
  addSafetyOptions(
    addTargetOptions(
      program.command('fuzz').description("Generated StopInstances requests and sequences against a target, judged by the dialect's model from its spec."),
    ),
  )
    .option('--runs <n>', 'generated cases in all (each a request or a sequence), split over the properties', parseCount(100_000), 100)
    .option('--seed <n>', 'fast-check seed (default: random; printed, so a run can be replayed)', parseSeed)
    .option('--path <path>', 'replay one failure: the path a failed run printed (with its --seed and --property)', parsePath)
    .addOption(new Option('--property <name...>', 'only these properties').choices([...FUZZ_PROPERTIES]))
    .option(
      '--time-budget <seconds>',
      'start new cases only for this long, each property within its share of what is left (a started case finishes); a property cut short or left out is reported so, never failed',
      parseCount(86_400),
    )
    .option('--concurrency <n>', 'how many generated cases of a property run at once (the same cases as one at a time: slices of the one sequence the seed generates)', parseCount(256), 1)
    .option('--poll-timeout <ms>', 'how long a stopped instance may take to read the stopped status', parseMs, DEFAULT_POLL_TIMEOUT_MS)
    .option('--request-timeout <ms>', 'timeout of each HTTP request to the target', parseMs, DEFAULT_REQUEST_TIMEOUT_MS)
    .option('--region <region>', "region sent with each request (tencent Region, aliyun RegionId); default: the dialect's")
    .option('--baseline <file>', 'known failures (by fuzz.<property> id) that do not fail the run')
    .addOption(new Option('--level <level>', '"must" gates on MUST properties only').choices(['must', 'all']).default('all'))
    .addHelpText(
      'after',
      `\nProperties: ${FUZZ_PROPERTIES.join(', ')} (rate-limit only where the spec documents a rate).\n` +
        'Exit status: 0 nothing failed beyond the baseline, 1 something did, 2 usage or configuration error, 3 vmconform itself failed,\n' +
        '130 interrupted (Ctrl-C: the running case finishes and tears down, partial reports are written).',
    )
    .action(async (opts: FuzzCliOptions) => {
      const { fuzzAction } = await import('./fuzz-action.ts');
      exit.code = await fuzzAction(opts);
    });
}
