/**
 * `vmconform cases [--dialect D] [--json]`: print the generated catalog, every row with its id, level, title,
 * docRef, rules, seeded instances, calls and expectations (text), or the rows as data (JSON).
 */
import { Option, type Command } from 'commander';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import type { ExitSlot } from './main.ts';

/**
 * Register `vmconform cases` on the program.
 *
 * @example
 * registerCasesCommand(program, exit); // vmconform cases --dialect aliyun-ecs --json
 */
export function registerCasesCommand(program: Command, exit: ExitSlot): void {
  program
    .command('cases')
    .description('Print the case catalog: every row with its level, docRef, rules, seeded instances, calls, and each assertion with its source.')
    .addOption(new Option('--dialect <name>', 'only this dialect').choices([...DIALECT_NAMES]))
    .option('--json', 'print the rows as JSON (an array of case rows)')
    .action(async (opts: { dialect?: DialectName; json?: boolean }) => {
      // The catalog is built only when the command runs.
      const [{ allCases, casesFor }, { formatCatalog }, { assertionsOf }] = await Promise.all([
        import('../cases/index.ts'),
        import('../cases/print.ts'),
        import('../engine/assertions.ts'),
      ]);
      const rows = opts.dialect === undefined ? allCases() : casesFor(opts.dialect);
      // Every row with its assertion plan: each check the engine runs, what it expects and its source (DESIGN.md §5).
      process.stdout.write(
        opts.json ? `${JSON.stringify(rows.map((r) => ({ ...r, assertions: assertionsOf(r).map(({ subject: _subject, ...a }) => a) })), null, 2)}\n` : formatCatalog(rows, assertionsOf),
      );
      exit.code = 0;
    });
}
