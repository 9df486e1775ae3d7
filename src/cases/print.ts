/**
 * The generated catalog made readable: every row as plain text (id, level, title, docRef, rules, seeded instances,
 * each call and what it must produce) or as JSON, so a reviewer reads every assertion without running the builders
 * in their head (`vmconform cases`).
 */
import type { CaseCall, CaseRow, Expectation, IdRef, InstanceSeed, Step } from './types.ts';

function idRef(ref: IdRef): string {
  if (typeof ref === 'string') return ref;
  return 'literal' in ref ? JSON.stringify(ref.literal) : `unknown:${ref.unknown}`;
}

/** Runs of numbered names (`n0, n1, ... n99`) written as `n0..n99 (100)`; other names as they are. */
function compact(names: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < names.length; ) {
    const m = /^(\D+)(\d+)$/.exec(names[i] as string);
    let j = i + 1;
    if (m) {
      while (j < names.length && names[j] === `${m[1]}${Number(m[2]) + (j - i)}`) j++;
    }
    out.push(j - i >= 4 ? `${names[i]}..${names[j - 1]} (${j - i})` : names.slice(i, j).join(', '));
    i = j;
  }
  return out.join(', ');
}

/** Ids of a call, numbered runs compacted. */
function idList(ids: readonly IdRef[]): string {
  return `[${compact(ids.map(idRef))}]`;
}

/**
 * A call of a row in one line: the operation (or the action sent instead), its ids (aliases, literal and unknown ids)
 * and every parameter or wire detail it sets.
 *
 * @example
 * describeCall({ operation: 'StopInstances', ids: ['a'], params: { ForceStop: true } }) // 'StopInstances, ids [a], ForceStop=true'
 */
export function describeCall(call: CaseCall): string {
  const parts: string[] = [call.action === undefined ? call.operation : `action ${call.action} (as ${call.operation})`];
  parts.push(call.ids === undefined ? 'no id list' : `ids ${idList(call.ids)}`);
  for (const [k, v] of Object.entries(call.params ?? {})) parts.push(v === null ? `${k} omitted` : `${k}=${JSON.stringify(v)}`);
  if (call.region === null) parts.push('no region');
  else if (call.region !== undefined) parts.push(`region ${call.region}`);
  if (call.style) parts.push(`style ${call.style}`);
  if (call.format) parts.push(`Format=${call.format}`);
  if (call.contentType) parts.push(`content-type ${JSON.stringify(call.contentType)}`);
  if (call.rawBody !== undefined) parts.push(`raw body ${JSON.stringify(call.rawBody)}`);
  if (call.pageSize !== undefined) parts.push(`page size ${call.pageSize}`);
  if (call.page !== undefined) parts.push(`page ${call.page}`);
  for (const [k, v] of call.extraQuery ?? []) parts.push(`extra ${k}=${v}`);
  return parts.join(', ');
}

function describeExpectation(e: Expectation): string {
  const out: string[] = [];
  switch (e.result) {
    case 'success':
      out.push('the success envelope (HTTP 200)');
      break;
    case 'error':
      out.push(`the error envelope with ${(e.codes ?? []).join(' or ')}`);
      break;
    case 'client-error':
      out.push('a client error (the error envelope, any code)');
      break;
    case 'not-5xx':
      out.push('no 5xx: the success or the error envelope');
      break;
  }
  if (e.httpStatus) out.push(`HTTP ${e.httpStatus.join(' or ')}`);
  if (e.format) out.push(`as ${e.format.toUpperCase()}`);
  for (const [key, inst] of Object.entries(e.instances ?? {})) {
    const code = inst.code === 'success' ? '200/success' : inst.code.join(' or ');
    const statuses = [
      inst.previousStatus === undefined ? '' : ` previous ${[inst.previousStatus].flat().join('|')}`,
      inst.currentStatus === undefined ? '' : ` current ${[inst.currentStatus].flat().join('|')}`,
    ].join('');
    out.push(`${key}: Code ${code}${statuses}`);
  }
  if (e.stopped !== undefined) out.push(e.stopped.length === 0 ? 'nothing stopped' : `stops ${compact(e.stopped)}`);
  else if (e.result === 'not-5xx') out.push('states follow the answer');
  return out.join('; ');
}

function describeStep(step: Step): string {
  if (step.kind === 'call') return `${describeCall(step.call)} -> ${describeExpectation(step.expect)}`;
  const want = 'allServed' in step.expect ? 'every answer a success' : `at least one refused with ${step.expect.someRefused}, the rest successes`;
  return `burst of ${step.count} x (${describeCall(step.call)}) -> ${want}; refused requests stop nothing`;
}

/**
 * Seeded instances in one line, grouped by status (`a=RUNNING, b..e (4)=STOPPED`); `''` for none.
 *
 * @example
 * describeSeeds(row.instances) // 'a=RUNNING'
 */
export function describeSeeds(seeds: readonly InstanceSeed[]): string {
  const byStatus = new Map<string, string[]>();
  for (const s of seeds) {
    const key = `${s.status}${s.securityLocked ? ' (security-locked)' : ''}`;
    byStatus.set(key, [...(byStatus.get(key) ?? []), s.alias]);
  }
  return [...byStatus].map(([status, aliases]) => `${compact(aliases)}=${status}`).join(', ');
}

/** One assertion of a row as `formatCase` prints it (the engine's assertion plan, `src/engine/assertions.ts`). */
export interface PrintedAssertion {
  readonly step?: number;
  readonly check: string;
  readonly expect: string;
  readonly source: string;
}

function assertionLine(a: PrintedAssertion): string {
  return `     - ${a.check}: ${a.expect} [${a.source}]`;
}

/**
 * One row as text, a header line then indented facts; with its assertions, each step is followed by what the engine
 * checks for it and the source of each check.
 *
 * @example
 * formatCase(casesFor('zenlayer-vm')[0]) // 'zenlayer-vm stop.single [MUST]\n  Stopping one RUNNING instance ...'
 */
export function formatCase(row: CaseRow, assertions?: readonly PrintedAssertion[]): string {
  const seeds = describeSeeds(row.instances);
  const lines = [
    `${row.dialect} ${row.id} [${row.level}]`,
    `  ${row.title}`,
    `  doc: ${row.docRef}`,
    `  rules: ${row.rules.join(', ')}`,
    `  seeds: ${seeds === '' ? 'none' : seeds}`,
    ...row.steps.flatMap((s, i) => [`  ${i + 1}. ${describeStep(s)}`, ...(assertions ?? []).filter((a) => a.step === i + 1).map(assertionLine)]),
  ];
  const whole = (assertions ?? []).filter((a) => a.step === undefined);
  if (whole.length > 0) lines.push('  over the whole case:', ...whole.map(assertionLine));
  if (assertions === undefined) {
    lines.push('  after each step: instances it stops read the stopping or stopped word at once and the stopped word in time; every other seeded instance keeps its status');
  }
  return lines.join('\n');
}

/** Every row as text, blank-line separated, with a count per dialect at the end (with each row's assertions when given). */
export function formatCatalog(rows: readonly CaseRow[], assertionsOf?: (row: CaseRow) => readonly PrintedAssertion[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.dialect, (counts.get(r.dialect) ?? 0) + 1);
  const total = [...counts].map(([d, n]) => `${d} ${n}`).join(', ');
  return `${rows.map((r) => formatCase(r, assertionsOf?.(r))).join('\n\n')}\n\n${rows.length} cases (${total})\n`;
}
