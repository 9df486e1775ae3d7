/**
 * What `vmconform judge` does once its options are parsed (loaded by `judge-command.ts` when the command starts):
 * read the HAR files, judge their exchanges of the dialect in the order they started, write the reports.
 */
import { EMPTY_BASELINE, loadBaseline } from '../engine/baseline.ts';
import { readHarFiles } from '../judge/har.ts';
import { ExchangeJudge } from '../judge/judge.ts';
import { reportTraffic, type TrafficReportOptions } from '../judge/report.ts';
import { ruleInventory } from '../specs/inventory.ts';
import { UsageError } from '../errors.ts';
import type { DialectName } from '../dialects/types.ts';
import type { JudgeCliOptions } from './judge-command.ts';
import { verbosityOf, type VerbosityOptions } from './options.ts';
import { consoleOptions } from './run-action.ts';

/**
 * Judge HAR files (`vmconform judge`) and return the exit code.
 *
 * @example
 * exit.code = await judgeAction(['session.har'], opts); // opts as commander parsed them
 */
export async function judgeAction(files: readonly string[], opts: JudgeCliOptions): Promise<number> {
  // First: a baseline that cannot be read is a usage error before any HAR is read.
  const reporting = trafficReportOptions(opts, opts.target ?? files.join(', '), new Date());
  const { exchanges, otherHosts } = readHarFiles(files, opts.target);
  const judge = new ExchangeJudge({
    dialect: opts.dialect,
    basePath: opts.target !== undefined ? new URL(opts.target).pathname : '',
    pollTimeoutMs: opts.pollTimeout,
  });
  for (const ex of exchanges) judge.add(ex);
  return Promise.resolve(reportTraffic(judge.finish(), { ...reporting, otherHosts }));
}

/** The options of judged traffic's reports both commands take from their own (`judge`, `proxy`). */
export interface TrafficCliOptions extends VerbosityOptions {
  readonly dialect: DialectName;
  readonly reportDir: string;
  readonly baseline?: string;
  readonly level: 'must' | 'all';
  readonly grep?: string;
  readonly redactSignatures?: boolean;
}

/**
 * How `judge` and `proxy` report judged traffic: their gate options, the console, the target recorded.
 *
 * @example
 * reportTraffic(judge.finish(), trafficReportOptions(opts, opts.upstream, startedAt));
 */
export function trafficReportOptions(opts: TrafficCliOptions, target: string, startedAt: Date): TrafficReportOptions {
  if (opts.grep !== undefined) {
    const pattern = new RegExp(opts.grep);
    const ids = ruleInventory(opts.dialect).map((r) => r.id);
    if (!ids.some((id) => pattern.test(id))) {
      throw new UsageError(`--grep ${JSON.stringify(opts.grep)} matches no rule of ${opts.dialect} (its ${ids.length} rule ids are such as ${ids.slice(0, 3).join(', ')})`);
    }
  }
  const baseline = opts.baseline !== undefined ? loadBaseline(opts.baseline) : EMPTY_BASELINE;
  // The rows here are rules: a baseline of `run`'s case ids would match nothing, silently.
  const rules = new Set(ruleInventory(opts.dialect).map((r) => r.id));
  const strays = baseline.known.filter((k) => k.dialect === opts.dialect && !rules.has(k.id));
  if (strays.length > 0) {
    process.stderr.write(
      `vmconform: warning: ${strays.length} entr${strays.length === 1 ? 'y' : 'ies'} of ${opts.baseline ?? ''} name no rule of ${opts.dialect} (such as ${strays.slice(0, 3).map((k) => k.id).join(', ')}): the rows of judged traffic are rule ids, not run's case ids; they match nothing\n`,
    );
  }
  return {
    dialect: opts.dialect,
    target,
    startedAt,
    reportDir: opts.reportDir,
    baseline,
    ...(opts.baseline !== undefined ? { baselineFile: opts.baseline } : {}),
    level: opts.level === 'must' ? 'MUST' : 'ALL',
    ...(opts.grep !== undefined ? { grep: opts.grep } : {}),
    redactSignatures: opts.redactSignatures === true,
    verbosity: verbosityOf(opts),
    paint: consoleOptions().paint,
    write: (text) => void process.stdout.write(text),
  };
}
