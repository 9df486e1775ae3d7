/**
 * docRefs: where a rule or case says the documents say it. `<seed>.txt:<line>[-<line>] <quote>` names lines of a
 * vendor document in `specs/sources/`; `DESIGN.md §N <quote>` a section of the restated design decisions there.
 * Several are joined with `; `. This module parses them and quotes the document lines they point at (for reports).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.ts';

/** The folder of the vendor documents. */
export const SOURCES_DIR: string = join(PACKAGE_ROOT, 'specs', 'sources');

/** One reference of a docRef. */
export type DocRefPart =
  | { readonly kind: 'seed'; readonly file: string; readonly from: number; readonly to: number; readonly quote: string }
  | { readonly kind: 'design'; readonly file: 'DESIGN.md'; readonly section: number; readonly quote: string };

/**
 * A source document's file name in `specs/sources/`: a seed copy (`004_edc2cde202d0f4dc.txt`) or a write-up of public
 * references (`aws-ec2.md`, lower case, so never `DESIGN.md`).
 */
export const SOURCE_FILE = String.raw`(?:\d{3}_[0-9a-f]{16}\.txt|[a-z][a-z0-9-]*\.md)`;
/** Where a docRef's next reference starts after `; `: a source file's line or a DESIGN.md pin. */
export const NEXT_REFERENCE = new RegExp(String.raw`; (?=${SOURCE_FILE}:\d|DESIGN\.md §)`);

const SEED = new RegExp(String.raw`^(${SOURCE_FILE}):(\d+)(?:-(\d+))?(?: (.+))?$`, 's');
const DESIGN = /^DESIGN\.md §(\d+) (.+)$/s;

/**
 * Parse one reference (no `; ` joins), or `undefined` when it is malformed. A seed reference may come without a
 * quote (`quote` is then `''`): schema sources (`x-vmconform-source`) allow that, docRefs do not.
 *
 * @example
 * parseDocRefPart('004_edc2cde202d0f4dc.txt:178 400 DRYRUN.SUCCESS') // { kind: 'seed', file: '004_...txt', from: 178, to: 178, quote: '400 DRYRUN.SUCCESS' }
 * parseDocRefPart('000_89740aa573049d06.txt:28')?.quote // ''
 */
export function parseDocRefPart(text: string): DocRefPart | undefined {
  const seed = SEED.exec(text);
  if (seed) {
    const from = Number(seed[2]);
    return { kind: 'seed', file: seed[1] as string, from, to: seed[3] === undefined ? from : Number(seed[3]), quote: seed[4] ?? '' };
  }
  const design = DESIGN.exec(text);
  if (design) return { kind: 'design', file: 'DESIGN.md', section: Number(design[1]), quote: design[2] as string };
  return undefined;
}

/**
 * Split a docRef into its references (`; ` before the next file name), each with its parse (`undefined` when malformed).
 *
 * @example
 * splitDocRef('001_531d5cb6841b9371.txt:40 a; 001_531d5cb6841b9371.txt:74 b').length // 2
 */
export function splitDocRef(docRef: string): { readonly text: string; readonly part: DocRefPart | undefined }[] {
  return docRef.split(NEXT_REFERENCE).map((text) => ({ text, part: parseDocRefPart(text) }));
}

/** A line of a document, numbered from 1. */
export interface QuotedLine {
  readonly line: number;
  readonly text: string;
}

const fileCache = new Map<string, readonly string[] | undefined>();

function linesOf(dir: string, file: string): readonly string[] | undefined {
  const path = join(dir, file);
  if (!fileCache.has(path)) fileCache.set(path, existsSync(path) ? readFileSync(path, 'utf8').split('\n') : undefined);
  return fileCache.get(path);
}

const loose = (s: string): string => s.replace(/[\\`*|]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * The document lines a reference points at: the named lines of a seed document, or the line of the DESIGN.md section
 * where the quote starts. Empty when the file or lines do not exist.
 *
 * @example
 * quoteDocRef(parseDocRefPart('004_edc2cde202d0f4dc.txt:178 400 DRYRUN.SUCCESS')!) // [{ line: 178, text: '| 400 | DRYRUN.SUCCESS | ...' }]
 */
export function quoteDocRef(part: DocRefPart, dir: string = SOURCES_DIR): QuotedLine[] {
  const lines = linesOf(dir, part.file);
  if (!lines) return [];
  if (part.kind === 'seed') {
    const out: QuotedLine[] = [];
    for (let n = part.from; n <= part.to && n <= lines.length; n++) out.push({ line: n, text: lines[n - 1] ?? '' });
    return out;
  }
  const start = lines.findIndex((l) => l.startsWith(`## ${part.section}.`));
  if (start < 0) return [];
  const want = loose(part.quote).slice(0, 40);
  for (let i = start; i < lines.length && (i === start || !lines[i]?.startsWith('## ')); i++) {
    const window = loose(lines.slice(i, i + 4).join(' '));
    if (window.startsWith(want) || loose(lines[i] ?? '').includes(want)) return [{ line: i + 1, text: lines[i] ?? '' }];
  }
  return [{ line: start + 1, text: lines[start] ?? '' }];
}
