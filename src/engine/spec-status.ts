/**
 * HTTP statuses per error code, from the dialect's spec (`x-vmconform.errors[]`: `{code, httpStatus}`), for the
 * `http-status` check when a row names codes but no status.
 */
import type { DialectName } from '../dialects/types.ts';
import { loadSpec } from '../specs/load.ts';

/** A lookup from error code to the HTTP statuses the spec gives for it (`undefined` = the spec does not say). */
export type StatusForCode = (code: string) => readonly number[] | undefined;

const tables = new Map<DialectName, ReadonlyMap<string, readonly number[]>>();

function statuses(value: unknown): number[] {
  if (typeof value === 'number' && Number.isInteger(value)) return [value];
  if (Array.isArray(value)) return value.filter((v): v is number => typeof v === 'number' && Number.isInteger(v));
  return [];
}

/** The code -> statuses table of a dialect's spec (empty when the spec has none). */
export function errorStatusTable(dialect: DialectName): ReadonlyMap<string, readonly number[]> {
  const hit = tables.get(dialect);
  if (hit) return hit;
  const table = new Map<string, number[]>();
  const ext = (loadSpec(dialect) as unknown as Record<string, unknown>)['x-vmconform'];
  const errors = ext !== null && typeof ext === 'object' ? (ext as Record<string, unknown>)['errors'] : undefined;
  if (Array.isArray(errors)) {
    for (const entry of errors) {
      if (entry === null || typeof entry !== 'object') continue;
      const { code, httpStatus } = entry as Record<string, unknown>;
      if (typeof code !== 'string') continue;
      const list = table.get(code) ?? [];
      for (const s of statuses(httpStatus)) if (!list.includes(s)) list.push(s);
      table.set(code, list);
    }
  }
  tables.set(dialect, table);
  return table;
}

/**
 * The lookup for a dialect.
 *
 * @example
 * statusForCodeOf('zenlayer-vm')('INVALID_INSTANCE_NOT_FOUND') // [404]
 */
export function statusForCodeOf(dialect: DialectName): StatusForCode {
  const table = errorStatusTable(dialect);
  return (code) => {
    const list = table.get(code);
    return list && list.length > 0 ? list : undefined;
  };
}
