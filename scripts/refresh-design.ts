/**
 * Refreshes the shipped copy of the design decisions, `specs/sources/DESIGN.md`, from the project's
 * `../shared/DESIGN.md`: the copy keeps its own preamble and takes sections 2 to 6 verbatim.
 * Run it after the shared document changes, then run the spec tests (docRefs quote these sections):
 *
 *     npx tsx scripts/refresh-design.ts [--check]
 *
 * `--check` writes nothing and exits 1 when the copy is out of date. Exit 2 when the shared document is missing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DESIGN_COPY_PATH, SHARED_DESIGN_PATH, refreshedDesign } from '../src/specs/design-copy.ts';

function main(argv: readonly string[]): number {
  if (!existsSync(SHARED_DESIGN_PATH)) {
    process.stderr.write(`no ${SHARED_DESIGN_PATH} to refresh from\n`);
    return 2;
  }
  const copy = readFileSync(DESIGN_COPY_PATH, 'utf8');
  const next = refreshedDesign(copy, readFileSync(SHARED_DESIGN_PATH, 'utf8'));
  if (argv.includes('--check')) {
    process.stdout.write(next === copy ? 'specs/sources/DESIGN.md is up to date\n' : 'specs/sources/DESIGN.md is out of date: run npx tsx scripts/refresh-design.ts\n');
    return next === copy ? 0 : 1;
  }
  writeFileSync(DESIGN_COPY_PATH, next);
  process.stdout.write(next === copy ? 'specs/sources/DESIGN.md was already up to date\n' : 'specs/sources/DESIGN.md refreshed from ../shared/DESIGN.md (sections 2-6)\n');
  return 0;
}

process.exitCode = main(process.argv.slice(2));
