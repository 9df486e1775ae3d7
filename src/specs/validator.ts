/**
 * JSON Schema 2020-12 validation of answers against the named schemas in a dialect's `components.schemas`.
 * Dialect modules use it to tell a documented envelope from a malformed one.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { DialectName } from '../dialects/types.ts';
import { VmconformError } from '../errors.ts';
import { loadSpec } from './load.ts';

/** Validates values against the schemas of one dialect's spec. */
export interface SchemaValidator {
  /**
   * Problems of `value` against `components.schemas[schemaName]`, one readable line each; `[]` when valid.
   * Throws {@link VmconformError} for a schema name the spec does not have.
   * @example validator.validate('ErrorResponse', body) // ['/Response/RequestId: must be string']
   */
  validate(schemaName: string, value: unknown): string[];
}

/** Formats one ajv error as `<instance path>: <message>` with the offending property or allowed values. */
export function formatAjvError(e: ErrorObject): string {
  const where = e.instancePath === '' ? '/' : e.instancePath;
  const p = e.params as Record<string, unknown>;
  let detail = '';
  if (e.keyword === 'additionalProperties' && typeof p['additionalProperty'] === 'string') detail = ` (${p['additionalProperty']})`;
  else if (e.keyword === 'enum' && Array.isArray(p['allowedValues'])) detail = `: ${p['allowedValues'].map((v) => JSON.stringify(v)).join(', ')}`;
  else if (e.keyword === 'const') detail = `: ${JSON.stringify(p['allowedValue'])}`;
  else if (e.keyword === 'false schema') return `${where}: must not be present`;
  return `${where}: ${e.message ?? e.keyword}${detail}`;
}

const cache = new Map<DialectName, SchemaValidator>();

/**
 * The cached validator of a dialect (ajv 2020, strict off so `x-` keywords pass, allErrors).
 * @example schemaValidator('tencent-cvm-api3').validate('StopInstancesResponse', { Response: { RequestId: 'r' } }) // []
 */
export function schemaValidator(dialect: DialectName): SchemaValidator {
  const hit = cache.get(dialect);
  if (hit) return hit;
  const spec = loadSpec(dialect);
  const schemas = (spec.components?.schemas ?? {}) as Record<string, unknown>;
  const id = `urn:vmconform:spec:${dialect}`;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  // Only the components are added: local refs `#/components/schemas/X` resolve against this root.
  ajv.addSchema({ $id: id, components: { schemas } });
  const compiled = new Map<string, ValidateFunction>();
  const validator: SchemaValidator = {
    validate(schemaName, value) {
      if (!Object.hasOwn(schemas, schemaName)) {
        throw new VmconformError(`the ${dialect} spec has no schema components.schemas.${schemaName}`);
      }
      let fn = compiled.get(schemaName);
      if (!fn) {
        fn = ajv.compile({ $ref: `${id}#/components/schemas/${schemaName}` });
        compiled.set(schemaName, fn);
      }
      if (fn(value)) return [];
      return [...new Set((fn.errors ?? []).map(formatAjvError))];
    },
  };
  cache.set(dialect, validator);
  return validator;
}
