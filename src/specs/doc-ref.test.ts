import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocRefPart, quoteDocRef, splitDocRef } from './doc-ref.ts';

describe('docRefs', () => {
  it('parses seed line ranges and DESIGN.md sections; malformed ones are undefined', () => {
    expect(parseDocRefPart('004_edc2cde202d0f4dc.txt:178 400 DRYRUN.SUCCESS')).toEqual({ kind: 'seed', file: '004_edc2cde202d0f4dc.txt', from: 178, to: 178, quote: '400 DRYRUN.SUCCESS' });
    expect(parseDocRefPart('001_531d5cb6841b9371.txt:40-42 a; b')).toMatchObject({ from: 40, to: 42, quote: 'a; b' });
    expect(parseDocRefPart('DESIGN.md §3 paging')).toEqual({ kind: 'design', file: 'DESIGN.md', section: 3, quote: 'paging' });
    expect(parseDocRefPart('somewhere else')).toBeUndefined();
    // A schema source may leave out the quote; a DESIGN.md reference always names words of its section.
    expect(parseDocRefPart('000_89740aa573049d06.txt:28')).toEqual({ kind: 'seed', file: '000_89740aa573049d06.txt', from: 28, to: 28, quote: '' });
    expect(parseDocRefPart('004_edc2cde202d0f4dc.txt:112-147')).toMatchObject({ from: 112, to: 147, quote: '' });
    expect(parseDocRefPart('DESIGN.md §3')).toBeUndefined();
    expect(parseDocRefPart('000_89740aa573049d06.txt:')).toBeUndefined();
  });

  it('splits joined references only where a new one starts (a quote may hold "; ")', () => {
    const parts = splitDocRef('001_531d5cb6841b9371.txt:75 a; b; 001_531d5cb6841b9371.txt:74 c; DESIGN.md §3 d');
    expect(parts.map((p) => p.text)).toEqual(['001_531d5cb6841b9371.txt:75 a; b', '001_531d5cb6841b9371.txt:74 c', 'DESIGN.md §3 d']);
    expect(parts.every((p) => p.part !== undefined)).toBe(true);
  });

  it('quotes the lines of the shipped vendor document', () => {
    const part = parseDocRefPart('004_edc2cde202d0f4dc.txt:178 400 DRYRUN.SUCCESS');
    if (!part) throw new Error('unparsed');
    const [line] = quoteDocRef(part);
    expect(line?.line).toBe(178);
    expect(line?.text).toContain('400 DRYRUN.SUCCESS This request is a dryrun request');
  });

  it('quotes the DESIGN.md line where the quote starts; nothing for a missing file or line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmconform-docref-'));
    writeFileSync(join(dir, 'DESIGN.md'), '# x\n## 2. Two\nsomething\n## 3. Three\nintro\nthe quoted\nsentence here\n## 4. Four\n');
    expect(quoteDocRef({ kind: 'design', file: 'DESIGN.md', section: 3, quote: 'the quoted sentence' }, dir)).toEqual([{ line: 6, text: 'the quoted' }]);
    expect(quoteDocRef({ kind: 'design', file: 'DESIGN.md', section: 9, quote: 'x' }, dir)).toEqual([]);
    expect(quoteDocRef({ kind: 'seed', file: '000_0000000000000000.txt', from: 1, to: 1, quote: 'x' }, dir)).toEqual([]);
  });
});
