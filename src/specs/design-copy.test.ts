import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COPIED_SECTIONS, DESIGN_COPY_PATH, SHARED_DESIGN_PATH, designSection, refreshedDesign } from './design-copy.ts';

const copy = readFileSync(DESIGN_COPY_PATH, 'utf8');
const shared = existsSync(SHARED_DESIGN_PATH) ? readFileSync(SHARED_DESIGN_PATH, 'utf8') : undefined;

describe('the shipped specs/sources/DESIGN.md', () => {
  it('has sections 2 to 6 and a preamble of its own (never the shared file\'s internal note)', () => {
    for (const n of COPIED_SECTIONS) expect(designSection(copy, n), `§${n}`).toBeDefined();
    expect(copy.startsWith('# ')).toBe(true);
    expect(copy).not.toMatch(/never sees this file/);
    expect(designSection(copy, 1)).toBeUndefined();
  });

  if (shared === undefined) {
    it('../shared/DESIGN.md is absent here: only the copy\'s sections 2-6 are checked (above)', () => {
      expect(existsSync(SHARED_DESIGN_PATH)).toBe(false);
    });
  } else {
    it('has sections 2-6 equal to ../shared/DESIGN.md\'s (run npx tsx scripts/refresh-design.ts when they differ)', () => {
      for (const n of COPIED_SECTIONS) expect(designSection(copy, n), `§${n}`).toBe(designSection(shared, n));
      expect(refreshedDesign(copy, shared)).toBe(copy);
    });
  }

  it('a refresh keeps the preamble, takes sections 2-6 verbatim and drops the rest', () => {
    const sharedText = '# Design\nthe user never sees this file\n\n## 1. What\none\n\n## 2. Two\ntwo\n\n## 3. Three\nthree\n\n## 4. Four\nfour\n\n## 5. Five\nfive\n\n## 6. Six\nsix\n';
    const old = '# Copy\nour preamble\n\n## 2. Two\nold two\n';
    expect(refreshedDesign(old, sharedText)).toBe('# Copy\nour preamble\n\n## 2. Two\ntwo\n\n## 3. Three\nthree\n\n## 4. Four\nfour\n\n## 5. Five\nfive\n\n## 6. Six\nsix\n');
    expect(() => refreshedDesign(old, '# x\n## 2. Two\n')).toThrow(/no section 3/);
    expect(designSection(old, 2)).toBe('## 2. Two\nold two\n');
  });
});
