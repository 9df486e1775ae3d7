/**
 * `vmconform cases [--dialect D,...] [--grep RE] [--json]`: print the generated catalog, every row with its id, level, title,
 * docRef, rules, seeded instances, calls and expectations (text), or the rows as data (JSON).
 */
import type { Command } from 'commander';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { UsageError } from '../errors.ts';
import type { ExitSlot } from './main.ts';
import { addTerm, parseDialectList, parseGrep } from './options.ts';

/**
 * Register `vmconform cases` on the program.
 *
 * @example
 * registerCasesCommand(program, exit); // vmconform cases --dialect aliyun-ecs --json
 */
export function registerCasesCommand(program: Command, exit: ExitSlot): void {
  const cases = program
    .command('cases')
    .description('Print the case catalog: every row with its level, docRef, rules, seeded instances, calls, and each assertion with its source.');
  addTerm(cases, 'dialects', { parse: parseDialectList });
  addTerm(cases, 'grep', { parse: parseGrep });
  addTerm(cases, 'json');
  cases
    .addHelpText('after', '\nWith --json: an array of case rows, each with its assertions [{step?, check, expect, source}].')
    .action(async (opts: { dialect?: DialectName[]; grep?: string; json?: boolean }) => {
      // The catalog is built only when the command runs.
      const [{ allCases, casesFor }, { formatCatalog }, { assertionsOf }, { noCaseMatches, selectRows }] = await Promise.all([
        import('../cases/index.ts'),
        import('../cases/print.ts'),
        import('../engine/assertions.ts'),
        import('../engine/suite-config.ts'),
      ]);
      const all = opts.dialect === undefined ? allCases() : opts.dialect.flatMap((d) => casesFor(d));
      const rows = selectRows(all, opts.grep);
      if (rows.length === 0) throw new UsageError(noCaseMatches(opts.grep, opts.dialect ?? DIALECT_NAMES, all));
      // Every row with its assertion plan: each check the engine runs, what it expects and its source (DESIGN.md §5).
      process.stdout.write(
        opts.json ? `${JSON.stringify(rows.map((r) => ({ ...r, assertions: assertionsOf(r).map(({ subject: _subject, ...a }) => a) })), null, 2)}\n` : formatCatalog(rows, assertionsOf),
      );
      exit.code = 0;
    });
}
