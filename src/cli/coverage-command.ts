/**
 * `vmconform coverage [--out FILE]`: the rule coverage of every dialect (which cases check which rule of the
 * specs' inventory) as Markdown. Exit 1 when a testable rule has no case or a case names an unknown rule.
 */
import type { Command } from 'commander';
import type { ExitSlot } from './main.ts';

/**
 * Register `vmconform coverage` on the program.
 *
 * @example
 * registerCoverageCommand(program, exit); // vmconform coverage --out reports/coverage.md
 */
export function registerCoverageCommand(program: Command, exit: ExitSlot): void {
  program
    .command('coverage')
    .description('Map every documented rule of every dialect to the cases that check it (Markdown).')
    .option('--out <file>', 'write the report to this file instead of standard output')
    .action(async (opts: { out?: string }) => {
      // The specs, the catalog and the rule flips load only when the command runs.
      const { coverageSummaryLines, writeCoverage } = await import('../coverage/write.ts');
      const { reports, text, gaps } = writeCoverage(opts.out);
      if (opts.out === undefined) process.stdout.write(text);
      else {
        for (const line of coverageSummaryLines(reports)) process.stdout.write(`${line}\n`);
        process.stdout.write(`coverage written to ${opts.out}\n`);
      }
      if (gaps > 0) process.stderr.write(`${gaps} uncovered testable rule(s) or unknown rule id(s); see the report\n`);
      exit.code = gaps > 0 ? 1 : 0;
    });
}
