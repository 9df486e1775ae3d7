import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getDialect } from '../dialects/index.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { codeMatches } from '../engine/checks.ts';
import { specExtension } from '../specs/extension.ts';
import { ruleInventory } from '../specs/inventory.ts';
import { allCases, casesFor } from './index.ts';
import type { CaseRow, IdRef } from './types.ts';

const SEEDS = fileURLToPath(new URL('../../specs/sources/', import.meta.url));
const seedCache = new Map<string, string[]>();
function seedLines(file: string): string[] {
  let lines = seedCache.get(file);
  if (!lines) {
    lines = readFileSync(`${SEEDS}${file}`, 'utf8').split('\n');
    seedCache.set(file, lines);
  }
  return lines;
}

/** Normalize a seed line for quote matching: no HTML tags, no markdown escapes, single spaces. */
function norm(text: string): string {
  return text.replace(/<[^>]+>/g, '').replace(/\\/g, '').replace(/\s+/g, ' ').trim();
}

/** `file:line[-line] quote` parts of a docRef string (`; ` separated). */
function parseDocRefs(docRef: string): { file: string; from: number; to: number; quote: string }[] {
  return docRef.split('; ').map((part) => {
    const m = /^(\d{3}_[0-9a-f]{16}\.txt):(\d+)(?:-(\d+))? (.+)$/.exec(part);
    if (!m) throw new Error(`docRef part is not "<seed>:<line> <quote>": ${part}`);
    const from = Number(m[2]);
    return { file: m[1] as string, from, to: m[3] ? Number(m[3]) : from, quote: m[4] as string };
  });
}

const SLUG = /^[a-z][a-z0-9]*(?:[.-][A-Za-z0-9_]+)*$/;

function refsOf(row: CaseRow): IdRef[] {
  return row.steps.flatMap((s) => [...(s.call.ids ?? [])]);
}

function seededAliases(row: CaseRow): Set<string> {
  const maxCount = Math.max(0, ...row.steps.map((s) => (s.kind === 'burst' ? s.count : 0)));
  const out = new Set<string>();
  for (const seed of row.instances) {
    if (seed.alias.includes('{n}')) for (let n = 0; n < maxCount; n++) out.add(seed.alias.split('{n}').join(String(n)));
    else out.add(seed.alias);
  }
  return out;
}

describe.each(DIALECT_NAMES.map((d) => [d] as const))('case catalog of %s', (dialect: DialectName) => {
  const rows = casesFor(dialect);
  const inventory = new Map(ruleInventory(dialect).map((r) => [r.id, r]));
  const words = new Set(getDialect(dialect).statusWords);

  it('has rows, all of this dialect, with unique slug-shaped ids', () => {
    expect(rows.length).toBeGreaterThan(20);
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of rows) {
      expect(r.dialect).toBe(dialect);
      expect(r.id, r.id).toMatch(SLUG);
      expect(['MUST', 'SHOULD']).toContain(r.level);
      expect(r.title.length).toBeGreaterThan(10);
      expect(r.steps.length).toBeGreaterThan(0);
    }
  });

  it('cites an existing seed line and a quote from it in every docRef', () => {
    for (const r of rows) {
      for (const ref of parseDocRefs(r.docRef)) {
        const lines = seedLines(ref.file);
        expect(ref.from, `${r.id}: ${ref.file}:${ref.from}`).toBeGreaterThanOrEqual(1);
        expect(ref.to, `${r.id}: ${ref.file}:${ref.to} beyond the file`).toBeLessThanOrEqual(lines.length);
        const text = norm(lines.slice(ref.from - 1, ref.to).join(' '));
        expect(text, `${r.id}: quote not found at ${ref.file}:${ref.from}`).toContain(norm(ref.quote));
      }
    }
  });

  it('names only rules of the inventory, and at least one', () => {
    for (const r of rows) {
      expect(r.rules.length, r.id).toBeGreaterThan(0);
      for (const rule of r.rules) expect(inventory.has(rule), `${r.id}: unknown rule ${rule}`).toBe(true);
    }
  });

  it('seeds every alias it uses, with status words of the dialect', () => {
    for (const r of rows) {
      const seeded = seededAliases(r);
      const aliases = r.instances.map((s) => s.alias);
      expect(new Set(aliases).size, `${r.id}: duplicated seed alias`).toBe(aliases.length);
      for (const s of r.instances) {
        expect(words.has(s.status), `${r.id}: ${s.status} is not a status word of ${dialect}`).toBe(true);
        if (s.securityLocked !== undefined) expect(dialect).toBe('aliyun-ecs');
      }
      for (const ref of refsOf(r)) {
        if (typeof ref !== 'string') continue;
        if (ref.includes('{n}')) {
          expect(r.instances.some((s) => s.alias === ref), `${r.id}: burst alias ${ref} not seeded`).toBe(true);
        } else {
          expect(seeded.has(ref), `${r.id}: alias ${ref} not seeded`).toBe(true);
        }
      }
      for (const step of r.steps) {
        if (step.kind !== 'call') continue;
        for (const alias of step.expect.stopped ?? []) {
          expect(seeded.has(alias), `${r.id}: stopped alias ${alias} not seeded`).toBe(true);
          expect(step.call.ids ?? [], `${r.id}: stopped alias ${alias} not requested`).toContain(alias);
        }
        const requestedKeys = (step.call.ids ?? []).map((ref) =>
          typeof ref === 'string' ? ref : 'literal' in ref ? ref.literal : ref.unknown,
        );
        for (const key of Object.keys(step.expect.instances ?? {})) {
          expect(requestedKeys, `${r.id}: per-instance key ${key} not requested`).toContain(key);
        }
        if (step.expect.result === 'error') expect(step.expect.codes?.length, `${r.id}: error without codes`).toBeGreaterThan(0);
        if (step.expect.result !== 'error') expect(step.expect.codes, `${r.id}: codes only for result error`).toBeUndefined();
      }
    }
  });

  it('rejects every status word that may not be stopped in its own row, and has the core rows', () => {
    const { running } = getDialect(dialect).lifecycle;
    const ids = new Set(rows.map((r) => r.id));
    for (const w of words) {
      if (w === running) continue;
      expect(ids.has(`state.${w}.rejected`), `missing state.${w}.rejected`).toBe(true);
    }
    for (const id of [
      'stop.single',
      'stop.batch.2',
      'ids.limit.100-accepted',
      'ids.limit.101-rejected',
      'ids.missing.rejected',
      'ids.duplicate.handled',
      'ids.unknown.rejected',
      'state.mixed-batch.rejected',
    ]) {
      expect(ids.has(id), `missing ${id}`).toBe(true);
    }
    const stateRow = rows.find((r) => r.id === `state.${running}.rejected`);
    expect(stateRow).toBeUndefined();
  });

  it('has ids.empty.rejected exactly when the wire can say "an empty list" (else it repeats ids.missing.rejected)', () => {
    const volatile = new Set(['Timestamp', 'Nonce', 'Signature', 'SignatureNonce']);
    const wire = (instanceIds: readonly string[] | undefined): string => {
      const call = instanceIds === undefined ? { operation: 'StopInstances' as const } : { operation: 'StopInstances' as const, instanceIds };
      const req = getDialect(dialect).encode(call, { baseUrl: 'http://127.0.0.1:9', credentials: TEST_CREDENTIALS, now: () => 0 });
      const url = new URL(req.url);
      const query = [...url.searchParams].filter(([k]) => !volatile.has(k)).map(([k, v]) => `${k}=${v}`).sort();
      return JSON.stringify([req.method, url.pathname, query, req.body ?? '']);
    };
    const distinct = wire([]) !== wire(undefined);
    expect(rows.some((r) => r.id === 'ids.empty.rejected'), `empty list distinct on the wire: ${String(distinct)}`).toBe(distinct);
  });

  it('never judges the status query\'s paging (DESIGN.md §3: the status query is an instrument)', () => {
    for (const r of rows) {
      for (const step of r.steps) {
        if (step.call.operation !== 'DescribeStatus') continue;
        expect(step.call.page, `${r.id}: asks a page`).toBeUndefined();
        expect(r.rules.some((id) => inventory.get(id)?.testable !== true), `${r.id}: credits an untestable (paging) rule`).toBe(false);
      }
    }
  });

  it('has the unknown-action row at SHOULD: a client error, nothing changed', () => {
    const r = rows.find((x) => x.id === 'action.unknown.rejected');
    expect(r?.level).toBe('SHOULD');
    const step = r?.steps[0];
    expect(step?.kind === 'call' ? step.call.action : undefined).toBe('StopInstancez');
    expect(step?.kind === 'call' ? step.expect : undefined).toMatchObject({ result: 'client-error', stopped: [] });
  });

  it('requires only codes a seed lists or DESIGN.md pins (never a vendor common code), wherever it expects an error code', () => {
    const ext = specExtension(dialect);
    const documented = [...new Set(ext.errors.filter((e) => e.source !== 'common').map((e) => e.code))];
    for (const r of rows) {
      for (const step of r.steps) {
        const codes =
          step.kind === 'call'
            ? [
                ...(step.expect.codes ?? []),
                ...Object.values(step.expect.instances ?? {}).flatMap((e) => (e.code === 'success' ? [] : e.code)),
              ]
            : 'someRefused' in step.expect
              ? [step.expect.someRefused]
              : [];
        for (const c of codes) {
          expect(documented.some((d) => codeMatches(c, d)), `${r.id}: code ${c} is neither in the seed's error table nor pinned by DESIGN.md`).toBe(true);
        }
      }
    }
  });
});

describe('allCases', () => {
  it('is every dialect catalog in DIALECT_NAMES order', () => {
    expect(allCases()).toEqual(DIALECT_NAMES.flatMap((d) => casesFor(d)));
  });

  it('has the dialect-specific rows the issue asks for', () => {
    const has = (d: DialectName, id: string): boolean => casesFor(d).some((r) => r.id === id);
    for (const d of ['tencent-cvm-api2', 'tencent-cvm-api3', 'aliyun-ecs'] as const) expect(has(d, 'ids.malformed.rejected')).toBe(true);
    for (const d of ['zenlayer-vm', 'zenlayer-bmc'] as const) expect(has(d, 'ids.malformed.rejected')).toBe(false);
    expect(has('tencent-cvm-api3', 'rate.burst-25.refused')).toBe(true);
    expect(has('tencent-cvm-api3', 'rate.10-per-second.served')).toBe(true);
    expect(has('tencent-cvm-api3', 'style.query-get')).toBe(true);
    expect(has('tencent-cvm-api2', 'envelope.error.http-200')).toBe(true);
    expect(has('zenlayer-vm', 'param.forceShutdown.string-rejected')).toBe(true);
    for (const id of ['aliyun.dry-run.pass', 'aliyun.success-first.mixed', 'aliyun.format.xml-error', 'style.form-post', 'style.acs3']) {
      expect(has('aliyun-ecs', id), id).toBe(true);
    }
  });
});
