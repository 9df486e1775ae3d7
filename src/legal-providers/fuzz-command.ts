/**
 * The `npm run legal-fuzz -- --dialect D --runs N [--seed S] [--family F ...] [--max-stop-ms MS] [--concurrency C]`
 * command (entry point: scripts/legal-fuzz.ts): generates N legal providers for a dialect (the reference provider with
 * a seeded random combination of legal perturbations), runs the whole catalog against each over real HTTP, and
 * shrinks the first failing combination to the smallest one that still fails. Prints `seed=S perturbations=[...]` for
 * it with the failing cases and their first finding. Exit 0 when every generated provider passed, 1 on any failure,
 * 2 on a usage error.
 */
import { parseArgs } from 'node:util';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from '../errors.ts';
import { legalFuzz, legalFuzzReportLines } from './generate.ts';
import { DEFAULT_LIMITS, PERTURBATION_FAMILIES } from './perturbations.ts';

/** The usage text. */
export const LEGAL_FUZZ_USAGE = `usage: npm run legal-fuzz -- --dialect D --runs N [--seed S] [--family F ...] [--max-stop-ms MS] [--concurrency C]
  --dialect      one of ${DIALECT_NAMES.join(', ')}
  --runs         how many legal providers to generate (a positive integer)
  --seed         the seed (an integer; default: random, printed)
  --family       only this perturbation family (repeatable): ${PERTURBATION_FAMILIES.map((f) => f.name).join(', ')}
  --max-stop-ms  the longest stop a generated provider may take (default ${DEFAULT_LIMITS.maxStopMs}; the poll timeout follows it)
  --concurrency  providers running at once (default 4)`;

/** The command line, checked. */
interface Options {
  readonly dialect: DialectName;
  readonly runs: number;
  readonly seed: number;
  readonly families: readonly string[] | undefined;
  readonly maxStopMs: number;
  readonly concurrency: number;
}

function positiveInteger(name: string, raw: string | undefined, fallback?: number): number {
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    throw new UsageError(`--${name} is required`);
  }
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new UsageError(`--${name} must be a positive integer, not ${JSON.stringify(raw)}`);
  return Number(raw);
}

function readOptions(argv: readonly string[]): Options | 'help' {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        dialect: { type: 'string' },
        runs: { type: 'string' },
        seed: { type: 'string' },
        family: { type: 'string', multiple: true },
        'max-stop-ms': { type: 'string' },
        concurrency: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err: unknown) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values['help'] === true) return 'help';
  const dialect = values['dialect'];
  if (typeof dialect !== 'string' || !(DIALECT_NAMES as readonly string[]).includes(dialect)) {
    throw new UsageError(`--dialect must be one of ${DIALECT_NAMES.join(', ')}${typeof dialect === 'string' ? `, not ${JSON.stringify(dialect)}` : ''}`);
  }
  const seedText = values['seed'];
  if (seedText !== undefined && (typeof seedText !== 'string' || !/^-?\d+$/.test(seedText))) throw new UsageError(`--seed must be an integer, not ${JSON.stringify(seedText)}`);
  const families = values['family'] as string[] | undefined;
  for (const f of families ?? []) {
    const known = PERTURBATION_FAMILIES.find((x) => x.name === f);
    if (!known) throw new UsageError(`no perturbation family named ${JSON.stringify(f)}`);
    if (!known.dialects.includes(dialect as DialectName)) throw new UsageError(`the family ${f} does not apply to ${dialect}`);
  }
  return {
    dialect: dialect as DialectName,
    runs: positiveInteger('runs', values['runs'] as string | undefined),
    seed: seedText === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(seedText),
    families,
    maxStopMs: positiveInteger('max-stop-ms', values['max-stop-ms'] as string | undefined, DEFAULT_LIMITS.maxStopMs),
    concurrency: positiveInteger('concurrency', values['concurrency'] as string | undefined, 4),
  };
}

/** Where the command writes: stdout gets the report, stderr the usage and progress. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/**
 * The `npm run legal-fuzz` command: parse `argv`, generate and run, print; resolves with the exit code (0 every
 * generated provider passed, 1 a failure, 2 a usage error).
 *
 * @example
 * process.exitCode = await legalFuzzCommand(process.argv.slice(2), { stdout: (t) => io.stdout(t), stderr: (t) => io.stderr(t) });
 */
export async function legalFuzzCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  let options: Options | 'help';
  try {
    options = readOptions(argv);
  } catch (err: unknown) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`legal-fuzz: ${err.message}\n${LEGAL_FUZZ_USAGE}\n`);
    return EXIT_USAGE;
  }
  if (options === 'help') {
    io.stderr(`${LEGAL_FUZZ_USAGE}\n`);
    return EXIT_OK;
  }
  io.stderr(`legal-fuzz: ${options.dialect}, ${options.runs} runs, seed=${options.seed}\n`);
  const report = await legalFuzz({
    dialect: options.dialect,
    runs: options.runs,
    seed: options.seed,
    ...(options.families ? { families: options.families } : {}),
    limits: { maxStopMs: options.maxStopMs },
    concurrency: options.concurrency,
    onProgress: (line) => io.stderr(`${line}\n`),
  });
  io.stdout(`${legalFuzzReportLines(report).join('\n')}\n`);
  return report.failures.length === 0 ? EXIT_OK : EXIT_FAILED;
}
