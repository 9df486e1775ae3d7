import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getDialect } from '../dialects/index.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { codeMatches } from '../engine/checks.ts';
import { quoteDocRef, SOURCES_DIR, splitDocRef } from '../specs/doc-ref.ts';
import { specExtension } from '../specs/extension.ts';
import { ruleInventory } from '../specs/inventory.ts';
import { allCases, casesFor } from './index.ts';
import type { CallStep, CaseRow, IdRef } from './types.ts';

const seedCache = new Map<string, string[]>();
/** The lines of a shipped source document (`specs/sources/`), or `undefined` when it does not exist. */
function sourceLines(file: string): string[] | undefined {
  let lines = seedCache.get(file);
  if (!lines) {
    const path = join(SOURCES_DIR, file);
    if (!existsSync(path)) return undefined;
    lines = readFileSync(path, 'utf8').split('\n');
    seedCache.set(file, lines);
  }
  return lines;
}

/** Normalize text for quote matching: no markdown escapes or emphasis, single spaces (tags kept). */
function norm(text: string): string {
  return text.replace(/\\/g, '').replace(/\*\*/g, '').replace(/\s+/g, ' ').trim();
}

/** The same without HTML tags (001 wraps its notes in `<mark>`). */
function normNoTags(text: string): string {
  return norm(text.replace(/<[^>]+>/g, ''));
}

/** Whether a quote appears in a text, with or without its HTML tags; an empty quote never does. */
function quoted(text: string, quote: string): boolean {
  return (norm(quote) !== '' && norm(text).includes(norm(quote))) || (normNoTags(quote) !== '' && normNoTags(text).includes(normNoTags(quote)));
}

/** The text of DESIGN.md §`section` as shipped (`specs/sources/DESIGN.md`), from its heading to the next one. */
function designSection(section: number): string | undefined {
  const lines = sourceLines('DESIGN.md');
  if (!lines) return undefined;
  const start = lines.findIndex((l) => l.startsWith(`## ${section}.`));
  if (start < 0) return undefined;
  const next = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  return lines.slice(start, next < 0 ? undefined : next).join(' ');
}

/** The problems of one docRef: unparsed parts, lines that do not exist, quotes not found where they point. */
function docRefProblems(docRef: string): string[] {
  const problems: string[] = [];
  for (const { text, part } of splitDocRef(docRef)) {
    if (!part) {
      problems.push(`not "<seed>:<line> <quote>" nor "DESIGN.md §N <quote>": ${text}`);
      continue;
    }
    if (part.kind === 'design') {
      const section = designSection(part.section);
      if (section === undefined) problems.push(`no DESIGN.md §${part.section} in specs/sources/DESIGN.md: ${text}`);
      else if (!quoted(section, part.quote)) problems.push(`quote not in DESIGN.md §${part.section}: ${text}`);
      continue;
    }
    const lines = sourceLines(part.file);
    if (!lines) problems.push(`no such source ${part.file}: ${text}`);
    else if (part.from < 1 || part.to < part.from || part.to > lines.length) problems.push(`lines ${part.from}-${part.to} not in ${part.file}: ${text}`);
    else if (!quoted(quoteDocRef(part).map((l) => l.text).join(' '), part.quote)) problems.push(`quote not at ${part.file}:${part.from}-${part.to}: ${text}`);
  }
  return problems;
}

/** The DESIGN.md pins a row cites (each as the text of its bullet, continuation lines included). */
function pinsCited(docRef: string): string[] {
  const lines = sourceLines('DESIGN.md') ?? [];
  const out: string[] = [];
  for (const { part } of splitDocRef(docRef)) {
    if (part?.kind !== 'design') continue;
    const at = quoteDocRef(part)[0]?.line;
    if (at === undefined) continue;
    let start = at - 1;
    while (start > 0 && !(lines[start] ?? '').startsWith('- ') && !(lines[start] ?? '').startsWith('## ')) start--;
    let end = at;
    while (end < lines.length && (lines[end] ?? '').startsWith('  ')) end++;
    out.push(norm(lines.slice(start, end).join(' ')));
  }
  return out;
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

  it('cites in every docRef existing seed lines or DESIGN.md pins, each with a quote that is there', () => {
    const problems = rows.flatMap((r) => docRefProblems(r.docRef).map((p) => `${r.id}: ${p}`));
    expect(problems).toEqual([]);
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
        if (step.expect.result !== 'error' && step.expect.result !== 'not-5xx') expect(step.expect.codes, `${r.id}: codes only for result error or not-5xx (what a refusal must carry)`).toBeUndefined();
      }
    }
  });

  it('rejects every status word that may not be stopped in its own row, and has the core rows', () => {
    const { running } = getDialect(dialect).lifecycle;
    const ids = new Set(rows.map((r) => r.id));
    // A word whose stop may succeed or be refused (aws-ec2 stopping, stopped, aws-ec2.md:181) has a `.handled` row.
    const either = getDialect(dialect).stopIdempotent ?? [];
    for (const w of words) {
      if (w === running) continue;
      const id = either.includes(w) ? `state.${w}.handled` : `state.${w}.rejected`;
      expect(ids.has(id), `missing ${id}`).toBe(true);
    }
    // aws-ec2: 101 ids may succeed or be refused (aws-ec2.md:190), so its row is `ids.limit.101-handled`.
    expect(ids.has('ids.limit.101-rejected') || ids.has('ids.limit.101-handled'), 'missing ids.limit.101-*').toBe(true);
    for (const id of [
      'stop.single',
      'stop.batch.2',
      'ids.limit.100-accepted',
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

  it('requires only codes a seed lists or a DESIGN.md pin the row cites names (never a vendor common code), wherever it expects an error code', () => {
    const ext = specExtension(dialect);
    const documented = [...new Set(ext.errors.filter((e) => e.source !== 'common').map((e) => e.code))];
    for (const r of rows) {
      const pins = pinsCited(r.docRef);
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
          const pinned = pins.some((p) => p.includes(`\`${c}\``));
          expect(documented.some((d) => codeMatches(c, d)) || pinned, `${r.id}: code ${c} is neither in the seed's error table nor named by a DESIGN.md pin it cites`).toBe(true);
        }
      }
    }
  });

  it('accepts any code only where DESIGN.md documents none: an aliyun security-locked instance', () => {
    for (const r of rows) {
      for (const step of r.steps) {
        if (step.kind !== 'call') continue;
        const any = [...(step.expect.codes ?? []), ...Object.values(step.expect.instances ?? {}).flatMap((e) => (e.code === 'success' ? [] : e.code))].filter((c) => c === '*');
        if (any.length > 0) expect(r.id, `${r.id}: accepts any code`).toBe('aliyun.success-first.security-locked');
      }
    }
  });
});

/** The first call step of a row (every row named below has one). */
function firstCall(d: DialectName, id: string): CallStep {
  const step = casesFor(d).find((r) => r.id === id)?.steps.find((s): s is CallStep => s.kind === 'call');
  if (!step) throw new Error(`no call step in ${d} ${id}`);
  return step;
}

describe('the DESIGN.md §3 pins on eligibility, malformed ids and type errors', () => {
  it('accepts a stop or a client error that changed nothing for a value only some instances may take', () => {
    for (const [d, id] of [['tencent-cvm-api3', 'param.StoppedMode.STOP_CHARGING'], ['aliyun-ecs', 'param.StoppedMode.StopCharging']] as const) {
      expect(firstCall(d, id).expect, `${d} ${id}`).toEqual({ result: 'not-5xx', stopped: ['a'] });
    }
  });

  it('accepts 403 Abs.InvalidInstanceIds.MalFormed and 404 InvalidInstanceId.NotFound wherever aliyun-ecs sends an id it considers malformed', () => {
    const malformed = (id: string): boolean => !/^i-[a-z0-9]+$/.test(id);
    const rows = casesFor('aliyun-ecs').filter((r) => r.steps.some((s) => (s.call.ids ?? []).some((ref) => typeof ref === 'object' && 'literal' in ref && malformed(ref.literal))));
    expect(rows.map((r) => r.id).sort()).toEqual(['aliyun.dry-run.fail-malformed', 'aliyun.success-first.malformed', 'ids.malformed.mixed-batch-rejected', 'ids.malformed.rejected']);
    for (const r of rows) {
      const step = r.steps[0] as CallStep;
      const literal = (step.call.ids ?? []).flatMap((ref) => (typeof ref === 'object' && 'literal' in ref ? [ref.literal] : []))[0] ?? '';
      const entry = step.expect.instances?.[literal]?.code;
      const codes = step.expect.result === 'error' ? (step.expect.codes ?? []) : entry === undefined || entry === 'success' ? [] : entry;
      expect(codes, r.id).toEqual(expect.arrayContaining(['Abs.InvalidInstanceIds.MalFormed', 'InvalidInstanceId.NotFound']));
      expect(step.expect.httpStatus, `${r.id}: the status follows the code (403 or 404)`).toBeUndefined();
    }
  });

  it('accepts InvalidParameter beside InvalidParameterValue only for a value of the wrong JSON type (api3)', () => {
    expect(firstCall('tencent-cvm-api3', 'param.ForceStop.invalid-rejected').expect.codes).toEqual(['InvalidParameterValue', 'InvalidParameter']);
    expect(firstCall('tencent-cvm-api3', 'param.StopType.invalid-rejected').expect.codes).toEqual(['InvalidParameterValue']);
    expect(firstCall('tencent-cvm-api3', 'param.StoppedMode.invalid-rejected').expect.codes).toEqual(['InvalidParameterValue']);
    // api2's query string has no types: ForceStop=MAYBE is a wrong value (000:41).
    expect(firstCall('tencent-cvm-api2', 'param.ForceStop.invalid-rejected').expect.codes).toEqual(['InvalidParameterValue']);
  });
});

describe('the rows of issue 15 (levels per DESIGN.md §5)', () => {
  const ROWS: readonly (readonly [DialectName, string, 'MUST' | 'SHOULD'])[] = [
    ['tencent-cvm-api2', 'action.empty.rejected', 'SHOULD'],
    ['tencent-cvm-api2', 'region.missing.rejected', 'SHOULD'],
    ['tencent-cvm-api3', 'action.empty.rejected', 'MUST'],
    ['zenlayer-vm', 'action.empty.rejected', 'SHOULD'],
    ['zenlayer-bmc', 'action.empty.rejected', 'SHOULD'],
    ['aliyun-ecs', 'action.empty.rejected', 'MUST'],
    ['zenlayer-vm', 'ids.empty-string.rejected', 'MUST'],
    ['zenlayer-vm', 'ids.non-string.rejected', 'MUST'],
    ['zenlayer-bmc', 'ids.empty-string.rejected', 'MUST'],
    ['zenlayer-bmc', 'ids.non-string.rejected', 'MUST'],
    ['aliyun-ecs', 'aliyun.dry-run.fail-region', 'MUST'],
    ['aliyun-ecs', 'aliyun.dry-run.fail-too-many', 'MUST'],
    ['aliyun-ecs', 'aliyun.dry-run.fail-malformed', 'MUST'],
    ['aliyun-ecs', 'aliyun.dry-run.fail-security-locked', 'MUST'],
    ['aliyun-ecs', 'aliyun.success-first.not-ready', 'MUST'],
    ['aliyun-ecs', 'aliyun.success-first.security-locked', 'MUST'],
    ['aliyun-ecs', 'aliyun.success-first.xml', 'MUST'],
  ];

  it.each(ROWS)('%s has %s at %s', (d, id, level) => {
    expect(casesFor(d).find((r) => r.id === id)?.level).toBe(level);
  });

  it('retires the rows that judged the status query (DESIGN.md §3: it is the suite\'s instrument), and no row calls it', () => {
    for (const d of DIALECT_NAMES) {
      const ids = casesFor(d).map((r) => r.id);
      for (const retired of ['status.query.explicit-page', 'status.query.default-page', 'status.query.unknown-id', 'aliyun.format.xml-status', 'style.query-get.status']) {
        expect(ids, `${d} ${retired}`).not.toContain(retired);
      }
      expect(casesFor(d).filter((r) => r.steps.some((s) => s.call.operation === 'DescribeStatus')).map((r) => r.id), d).toEqual([]);
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
