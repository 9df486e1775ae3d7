/**
 * Script entry: `npx tsx src/coverage/report.ts [--out reports/coverage.md]` prints the rule coverage of every
 * dialect as Markdown (or writes it to the file). Exit code 1 when a testable rule has no case, or a case names a
 * rule the inventory lacks; 2 on a usage error.
 */
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { coverageReports, formatCoverage } from './coverage.ts';

/**
 * Run the script with its arguments; returns the exit code.
 *
 * @example
 * runCoverageScript(['--out', 'reports/coverage.md'])
 */
export function runCoverageScript(argv: readonly string[]): number {
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--out' && argv[i + 1] !== undefined && !String(argv[i + 1]).startsWith('--')) {
      out = argv[++i];
    } else {
      process.stderr.write('usage: npx tsx src/coverage/report.ts [--out FILE]\n');
      return 2;
    }
  }
  const reports = coverageReports();
  const text = formatCoverage(reports);
  if (out === undefined) process.stdout.write(text);
  else {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
    process.stdout.write(`coverage written to ${out}\n`);
  }
  const gaps = reports.reduce((n, r) => n + r.uncovered.length + r.unknownRuleRefs.length, 0);
  if (gaps > 0) process.stderr.write(`${gaps} uncovered testable rule(s) or unknown rule id(s); see the report\n`);
  return gaps > 0 ? 1 : 0;
}

const entry = process.argv[1];
if (entry !== undefined && realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))) {
  process.exitCode = runCoverageScript(process.argv.slice(2));
}
