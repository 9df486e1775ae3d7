/**
 * README.md's table of contents: every link resolves to a heading (GitHub's anchors), and every section (## and ###)
 * is listed, so a section added without its entry, or renamed, fails here.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const README = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');

/** GitHub's anchor of a heading: lower case, punctuation dropped (hyphens and underscores kept), spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The ## and ### headings outside fenced code blocks, with their level. */
function headings(text: string): { level: number; title: string }[] {
  const out: { level: number; title: string }[] = [];
  let fenced = false;
  for (const line of text.split('\n')) {
    if (/^(```|~~~)/.test(line)) fenced = !fenced;
    const m = fenced ? null : /^(#{2,3}) (.+)$/.exec(line);
    if (m) out.push({ level: m[1]?.length ?? 0, title: m[2] ?? '' });
  }
  return out;
}

/** The links to anchors of a text. */
const linksOf = (text: string): string[] => [...text.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1] ?? '');

/** The sections (but the table of contents itself) that no link of the text lists. */
function unlisted(text: string): string[] {
  const listed = new Set(linksOf(text));
  return headings(text)
    .filter((h) => h.title !== 'Contents' && !listed.has(anchorOf(h.title)))
    .map((h) => h.title);
}

/** The anchor links of a text that name no heading of it. */
function dangling(text: string): string[] {
  const anchors = new Set(headings(text).map((h) => anchorOf(h.title)));
  return linksOf(text).filter((l) => !anchors.has(l));
}

describe('README.md', () => {
  it('links only to headings that exist', () => {
    expect(dangling(README)).toEqual([]);
  });

  it('lists every section in its table of contents', () => {
    expect(unlisted(README)).toEqual([]);
  });

  it('the check can fail: a heading without an entry and a link to none are found', () => {
    const text = `${README}\n## A section nobody listed\n[x](#no-such-heading)\n`;
    expect(unlisted(text)).toEqual(['A section nobody listed']);
    expect(dangling(text)).toEqual(['no-such-heading']);
    expect(anchorOf('Judging traffic: `vmconform proxy` (live)')).toBe('judging-traffic-vmconform-proxy-live');
  });
});
