/**
 * How fast the command line starts (issue 12: `vmconform --version` and `--help` in at most 5 times the time of
 * `node -e 0`, `--help` under 80 MB of memory). Builds first (`npm run build`), so the command measured is the one a
 * user installs: `node bin/vmconform.js` running dist/. Each round runs `node -e 0`, `--version` and `--help` once,
 * in turn; the times are medians over the rounds, the ratios medians of the rounds' ratios. Peak memory (max RSS)
 * comes from separate runs that report `process.resourceUsage().maxRSS` at exit (a preloaded one-liner).
 *
 * Run alone: `npx tsx bench/cli-start.ts [--rounds N]`; `npm run bench` runs it with the rest.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/vmconform.js', import.meta.url));

/** Issue 12: `--version` and `--help` take at most this many times `node -e 0`. */
export const CLI_START_GOAL = 5;
/** Issue 12: `--help` stays under this peak RSS, MB. */
export const CLI_RSS_GOAL_MB = 80;

/** One command's numbers. */
export interface StartRow {
  /** What ran, as a user types it. */
  readonly label: string;
  /** Median wall time of a start to exit, ms. */
  readonly medianMs: number;
  /** Median over the rounds of (this command's time ÷ `node -e 0`'s in the same round); 1 for `node -e 0`. */
  readonly ratio: number;
  /** Peak resident memory, MB (median of the memory runs). */
  readonly maxRssMb: number;
}

/** The start-up numbers. */
export interface CliStartResult {
  readonly rounds: number;
  readonly rows: readonly StartRow[];
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

/** Preloaded into the memory runs: prints the peak RSS (KiB) on stderr at exit. */
const REPORT_RSS = `data:text/javascript,${encodeURIComponent("process.on('exit', () => process.stderr.write('maxrss ' + process.resourceUsage().maxRSS + '\\n'))")}`;

function timeOnce(args: readonly string[]): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, [...args], { stdio: 'ignore' });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${String(r.status)}`);
  return ms;
}

function maxRssMb(args: readonly string[]): number {
  const r = spawnSync(process.execPath, ['--import', REPORT_RSS, ...args], { encoding: 'utf8' });
  const kib = /maxrss (\d+)/.exec(r.stderr)?.[1];
  if (r.status !== 0 || kib === undefined) throw new Error(`node ${args.join(' ')} exited ${String(r.status)}: ${r.stderr}`);
  return Number(kib) / 1024;
}

/**
 * Build, then time `node -e 0`, `vmconform --version` and `vmconform --help` over `rounds` rounds.
 *
 * @example
 * const { rows } = await measureCliStart({ rounds: 15, progress: console.error });
 */
export async function measureCliStart(options: { rounds?: number; progress?: (line: string) => void } = {}): Promise<CliStartResult> {
  const rounds = options.rounds ?? 15;
  const progress = options.progress ?? ((): void => undefined);
  progress('cli start: npm run build (the command measured is the built one)');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const commands = [
    { label: 'node -e 0', args: ['-e', '0'] },
    { label: 'vmconform --version', args: [BIN, '--version'] },
    { label: 'vmconform --help', args: [BIN, '--help'] },
  ];
  for (const c of commands) timeOnce(c.args); // warm the file cache
  const times = commands.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    commands.forEach((c, i) => times[i]?.push(timeOnce(c.args)));
  }
  progress(`cli start: ${rounds} rounds timed; memory runs`);
  const rows = commands.map((c, i) => {
    const own = times[i] ?? [];
    const base = times[0] ?? [];
    return {
      label: c.label,
      medianMs: median(own),
      ratio: median(own.map((ms, round) => ms / (base[round] ?? NaN))),
      maxRssMb: median([0, 1, 2].map(() => maxRssMb(c.args))),
    };
  });
  return { rounds, rows };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const roundsArg = process.argv.indexOf('--rounds');
  const result = await measureCliStart({
    ...(roundsArg > 0 ? { rounds: Number(process.argv[roundsArg + 1]) } : {}),
    progress: (line) => void process.stderr.write(`${line}\n`),
  });
  for (const r of result.rows) {
    process.stdout.write(`${r.label.padEnd(22)} ${r.medianMs.toFixed(0).padStart(5)} ms  ×${r.ratio.toFixed(2)}  ${r.maxRssMb.toFixed(0)} MB\n`);
  }
}
