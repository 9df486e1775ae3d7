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
    .description('Print the case catalog: every row with its level, docRef, rules, seeded instances, calls and expectations.')
    .addOption(new Option('--dialect <name>', 'only this dialect').choices([...DIALECT_NAMES]))
    .option('--json', 'print the rows as JSON (an array of case rows)')
    .action(async (opts: { dialect?: DialectName; json?: boolean }) => {
      // The catalog is built only when the command runs.
      const [{ allCases, casesFor }, { formatCatalog }] = await Promise.all([import('../cases/index.ts'), import('../cases/print.ts')]);
      const rows = opts.dialect === undefined ? allCases() : casesFor(opts.dialect);
      process.stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : formatCatalog(rows));
      exit.code = 0;
    });
}
