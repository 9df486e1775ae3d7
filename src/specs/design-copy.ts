/**
 * The copy of DESIGN.md shipped in `specs/sources/` (the one docRefs and schema sources cite as `DESIGN.md §N ...`):
 * its own short preamble for users, then sections 2 to 6 of the project's design document verbatim. This module cuts
 * sections out of a DESIGN.md text and builds a refreshed copy; `scripts/refresh-design.ts` writes it.
 */
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.ts';

/** The sections the shipped copy carries verbatim. */
export const COPIED_SECTIONS: readonly number[] = [2, 3, 4, 5, 6];

/** The shipped copy. */
export const DESIGN_COPY_PATH: string = join(PACKAGE_ROOT, 'specs', 'sources', 'DESIGN.md');

/** The project's design document the copy is refreshed from (beside the package root's parent: `../shared/DESIGN.md`). */
export const SHARED_DESIGN_PATH: string = join(PACKAGE_ROOT, '..', 'shared', 'DESIGN.md');

/**
 * The text of section `n` (`## n. ...` up to the next `## ` heading or the end), or `undefined` when there is none.
 * @example designSection('# t\n## 2. Two\nx\n## 3. Three\n', 2) // '## 2. Two\nx\n'
 */
export function designSection(text: string, n: number): string | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`## ${n}.`));
  if (start < 0) return undefined;
  let end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  if (end < 0) end = lines.length;
  return `${lines.slice(start, end).join('\n').replace(/\n+$/, '')}\n`;
}

/**
 * A refreshed copy: the copy's preamble (everything before its first copied section) followed by sections 2 to 6 of
 * the shared document, verbatim. Throws when the shared document lacks one of them.
 * @example refreshedDesign(copyText, sharedText).includes('## 5.') // true
 */
export function refreshedDesign(copy: string, shared: string): string {
  const first = COPIED_SECTIONS[0] ?? 2;
  const lines = copy.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`## ${first}.`));
  const preamble = `${(at < 0 ? lines : lines.slice(0, at)).join('\n').replace(/\n+$/, '')}\n\n`;
  const sections = COPIED_SECTIONS.map((n) => {
    const s = designSection(shared, n);
    if (s === undefined) throw new Error(`the shared DESIGN.md has no section ${n}`);
    return s;
  });
  return `${preamble}${sections.join('\n')}`;
}
