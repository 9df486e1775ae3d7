/**
 * What `vmconform judge` does once its options are parsed (loaded by `judge-command.ts` when the command starts):
 * read the HAR files, judge their exchanges of the dialect in the order they started, write the reports.
 */
import { EMPTY_BASELINE, loadBaseline } from '../engine/baseline.ts';
import { readHarFiles } from '../judge/har.ts';
import { ExchangeJudge } from '../judge/judge.ts';
import { reportTraffic } from '../judge/report.ts';
import type { JudgeCliOptions } from './judge-command.ts';
import { verbosityOf } from './options.ts';
import { consoleOptions } from './run-action.ts';

/**
 * Judge HAR files (`vmconform judge`) and return the exit code.
 *
 * @example
 * exit.code = await judgeAction(['session.har'], opts); // opts as commander parsed them
 */
export async function judgeAction(files: readonly string[], opts: JudgeCliOptions): Promise<number> {
  const startedAt = new Date();
  const baseline = opts.baseline !== undefined ? loadBaseline(opts.baseline) : EMPTY_BASELINE;
  const { exchanges, otherHosts } = readHarFiles(files, opts.target);
  const judge = new ExchangeJudge({
    dialect: opts.dialect,
    basePath: opts.target !== undefined ? new URL(opts.target).pathname : '',
    pollTimeoutMs: opts.pollTimeout,
  });
  for (const ex of exchanges) judge.add(ex);
  return Promise.resolve(
    reportTraffic(judge.finish(), {
      dialect: opts.dialect,
      target: opts.target ?? files.join(', '),
      startedAt,
      reportDir: opts.reportDir,
      baseline,
      ...(opts.baseline !== undefined ? { baselineFile: opts.baseline } : {}),
      level: opts.level === 'must' ? 'MUST' : 'ALL',
      ...(opts.grep !== undefined ? { grep: opts.grep } : {}),
      redactSignatures: opts.redactSignatures === true,
      otherHosts,
      verbosity: verbosityOf(opts),
      paint: consoleOptions().paint,
      write: (text) => void process.stdout.write(text),
    }),
  );
}
