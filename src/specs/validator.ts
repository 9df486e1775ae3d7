/**
 * JSON Schema 2020-12 validation of answers against the named schemas in a dialect's `components.schemas`.
 * Dialect modules use it to tell a documented envelope from a malformed one. Each violation names the source of the
 * constraint it breaks (the schema's `x-vmconform-source`: a seed line or a DESIGN.md pin).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { DialectName } from '../dialects/types.ts';
import { VmconformError } from '../errors.ts';
import { loadSpec } from './load.ts';
import { shortSource, sourceOfAjvError } from './source.ts';

/** One violated constraint: where, what, and the source of the constraint (when it has one). */
export interface SchemaViolation {
  /** JSON pointer into the answer (`/` for the whole answer). */
  readonly path: string;
  /** The violated JSON Schema keyword (`required`, `type`, `enum`...). */
  readonly keyword: string;
  /** The message without the source, e.g. `must be string`. */
  readonly message: string;
  /** The constraint's `x-vmconform-source`, e.g. `000_89740aa573049d06.txt:28 RequestId | String`. */
  readonly source: string | undefined;
}

/** Validates values against the schemas of one dialect's spec. */
export interface SchemaValidator {
  /**
   * Problems of `value` against `components.schemas[schemaName]`, one readable line each, naming the constraint's
   * source; `[]` when valid. Throws {@link VmconformError} for a schema name the spec does not have.
   * @example validator.validate('ErrorResponse', body) // ['/Response/RequestId: must be string (000_89740aa573049d06.txt:28)']
   */
  validate(schemaName: string, value: unknown): string[];
  /**
   * The same problems as {@link SchemaValidator.validate}, one object each.
   * @example validator.violations('ErrorResponse', body)[0]?.source // '000_89740aa573049d06.txt:28 RequestId | String ...'
   */
  violations(schemaName: string, value: unknown): SchemaViolation[];
}

/** One ajv error as a {@link SchemaViolation} (the source needs an ajv run with `verbose: true`). */
export function ajvViolation(e: ErrorObject): SchemaViolation {
  const path = e.instancePath === '' ? '/' : e.instancePath;
  const p = e.params as Record<string, unknown>;
  let message = `${e.message ?? e.keyword}`;
  if (e.keyword === 'additionalProperties' && typeof p['additionalProperty'] === 'string') message += ` (${p['additionalProperty']})`;
  else if (e.keyword === 'enum' && Array.isArray(p['allowedValues'])) message += `: ${p['allowedValues'].map((v) => JSON.stringify(v)).join(', ')}`;
  else if (e.keyword === 'const') message += `: ${JSON.stringify(p['allowedValue'])}`;
  else if (e.keyword === 'false schema') message = 'must not be present';
  else if (e.keyword === 'not') {
    const not = (e.parentSchema as Record<string, unknown> | undefined)?.['not'];
    const type = typeof not === 'object' && not !== null ? (not as Record<string, unknown>)['type'] : undefined;
    if (typeof type === 'string') message = `must not be ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
  }
  return { path, keyword: e.keyword, message, source: sourceOfAjvError(e) };
}

/** A violation as one line: `<instance path>: <message> (<source>)`, the source as {@link shortSource} gives it. */
export function formatViolation(v: SchemaViolation): string {
  return `${v.path}: ${v.message}${v.source === undefined ? '' : ` (${shortSource(v.source)})`}`;
}

/**
 * Formats one ajv error as `<instance path>: <message>` with the offending property or allowed values, and the
 * source of the violated constraint when ajv ran with `verbose: true`.
 * @example formatAjvError(validate.errors[0]) // '/Response/RequestId: must be string (000_89740aa573049d06.txt:28)'
 */
export function formatAjvError(e: ErrorObject): string {
  return formatViolation(ajvViolation(e));
}

const cache = new Map<DialectName, SchemaValidator>();

/**
 * The cached validator of a dialect (ajv 2020, strict off so `x-` keywords pass, allErrors, verbose for sources).
 * @example schemaValidator('tencent-cvm-api3').validate('StopInstancesResponse', { Response: { RequestId: 'r' } }) // []
 */
export function schemaValidator(dialect: DialectName): SchemaValidator {
  const hit = cache.get(dialect);
  if (hit) return hit;
  const spec = loadSpec(dialect);
  const schemas = (spec.components?.schemas ?? {}) as Record<string, unknown>;
  const id = `urn:vmconform:spec:${dialect}`;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false, verbose: true });
  // Only the components are added: local refs `#/components/schemas/X` resolve against this root.
  ajv.addSchema({ $id: id, components: { schemas } });
  const compiled = new Map<string, ValidateFunction>();
  const violations = (schemaName: string, value: unknown): SchemaViolation[] => {
    if (!Object.hasOwn(schemas, schemaName)) {
      throw new VmconformError(`the ${dialect} spec has no schema components.schemas.${schemaName}`);
    }
    let fn = compiled.get(schemaName);
    if (!fn) {
      fn = ajv.compile({ $ref: `${id}#/components/schemas/${schemaName}` });
      compiled.set(schemaName, fn);
    }
    if (fn(value)) return [];
    return (fn.errors ?? []).map(ajvViolation);
  };
  const validator: SchemaValidator = {
    violations,
    validate: (schemaName, value) => [...new Set(violations(schemaName, value).map(formatViolation))],
  };
  cache.set(dialect, validator);
  return validator;
}
