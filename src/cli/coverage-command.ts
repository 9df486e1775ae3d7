/**
 * `vmconform coverage [--dialect D,...] [--out FILE]`: the rule coverage of every dialect (or of those named) (which cases check which rule of the
 * specs' inventory) as Markdown. Exit 1 when a testable rule has no case or a case names an unknown rule.
 */
import type { Command } from 'commander';
import type { DialectName } from '../dialects/types.ts';
import type { ExitSlot } from './main.ts';
import { addTerm, parseDialectList } from './options.ts';

/**
 * Register `vmconform coverage` on the program.
 *
 * @example
 * registerCoverageCommand(program, exit); // vmconform coverage --out reports/coverage.md
 */
export function registerCoverageCommand(program: Command, exit: ExitSlot): void {
  const coverage = program.command('coverage').description('Map every documented rule of every dialect to the cases that check it (Markdown).');
  addTerm(coverage, 'dialects', { parse: parseDialectList });
  addTerm(coverage, 'out');
  coverage.action(async (opts: { dialect?: DialectName[]; out?: string }) => {
    // The specs, the catalog and the rule flips load only when the command runs.
    const { coverageSummaryLines, writeCoverage } = await import('../coverage/write.ts');
    const { reports, text, gaps } = writeCoverage(opts.out, opts.dialect);
    if (opts.out === undefined) process.stdout.write(text);
    else {
      for (const line of coverageSummaryLines(reports)) process.stdout.write(`${line}\n`);
      process.stdout.write(`coverage written to ${opts.out}\n`);
    }
    if (gaps > 0) process.stderr.write(`${gaps} uncovered testable rule(s) or unknown rule id(s); see the report\n`);
    exit.code = gaps > 0 ? 1 : 0;
  });
}
