/**
 * Reading vmconform's versioned JSON files (`results.json`, baselines) against the JSON Schemas the package ships in
 * `schemas/`. Whatever cannot be read is refused with a {@link UsageError} that says why in one line: unreadable,
 * not JSON, another kind of file, no or a newer `schemaVersion`, or the schema's complaints (each said once).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { UsageError } from '../errors.ts';
import { packagePath } from '../package-root.ts';

/** The folder of the shipped JSON Schemas. */
export const SCHEMAS_DIR: URL = pathToFileURL(`${packagePath('schemas')}/`);

const ajv = new Ajv2020({ allErrors: true, strict: false });
const compiled = new Map<string, ValidateFunction>();

/**
 * The compiled validator of a shipped schema.
 *
 * @example
 * schemaValidator('baseline.schema.json')({ schemaVersion: 1, known: [] }) // true
 */
export function schemaValidator(file: string): ValidateFunction {
  let validate = compiled.get(file);
  if (!validate) {
    validate = ajv.compile(JSON.parse(readFileSync(new URL(file, SCHEMAS_DIR), 'utf8')) as object);
    compiled.set(file, validate);
  }
  return validate;
}

/** Read and parse a JSON file; a {@link UsageError} naming `what` when it cannot be read or parsed. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err: unknown) {
    throw new UsageError(`cannot read ${what} ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err: unknown) {
    throw new UsageError(`${what} ${path} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The schema's complaints as one line, each distinct complaint once. */
export function schemaProblems(errors: readonly ErrorObject[] | null | undefined, limit = 8): string {
  const lines = [
    ...new Set(
      (errors ?? []).map((e) => {
        const allowed = e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : '';
        const extra = e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : '';
        return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${allowed}${extra}`;
      }),
    ),
  ];
  return lines.length > limit ? `${lines.slice(0, limit).join('; ')}; and ${lines.length - limit} more` : lines.join('; ');
}

/** What {@link checkVersioned} needs to know about a file kind. */
export interface VersionedKind {
  /** E.g. `results.json`. */
  readonly what: string;
  readonly schemaFile: string;
  /** The schemaVersion this vmconform reads. */
  readonly schemaVersion: number;
  /** The version field's value, from the parsed object (`undefined` when absent). */
  readonly versionOf: (value: Record<string, unknown>) => unknown;
  /** Another kind the value might be, with what to do instead (e.g. a results.json given as a baseline). */
  readonly otherKind?: (value: Record<string, unknown>) => string | undefined;
}

/**
 * Check a parsed value is a file of `kind` this vmconform can read; throws a {@link UsageError} otherwise.
 *
 * @example
 * const doc = checkVersioned<ResultsDocument>(readJsonFile(path, 'results.json'), RESULTS_KIND, path);
 */
export function checkVersioned<T>(value: unknown, kind: VersionedKind, source: string): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${source} is not a ${kind.what}: expected a JSON object`);
  }
  const obj = value as Record<string, unknown>;
  const other = kind.otherKind?.(obj);
  if (other !== undefined) throw new UsageError(`${source} is not a ${kind.what}: ${other}`);
  const version = kind.versionOf(obj);
  if (version === undefined) {
    throw new UsageError(`${source} is not a ${kind.what} this vmconform can read: it has no schemaVersion (written by an older vmconform, or not by vmconform)`);
  }
  if (typeof version === 'number' && version > kind.schemaVersion) {
    throw new UsageError(`${source} has schemaVersion ${version}; this vmconform reads ${kind.what} of schemaVersion ${kind.schemaVersion} (upgrade vmconform)`);
  }
  const validate = schemaValidator(kind.schemaFile);
  if (!validate(value)) {
    throw new UsageError(`${source} is not a valid ${kind.what} (schemas/${kind.schemaFile}): ${schemaProblems(validate.errors)}`);
  }
  return value as T;
}
