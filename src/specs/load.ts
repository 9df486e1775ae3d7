/**
 * Loads the per-dialect OpenAPI 3.1 documents in `specs/` (DESIGN.md §6). The package root is found from this
 * module's URL (`src/package-root.ts`), never from the working directory.
 */
import { readFileSync } from 'node:fs';
import type { OpenAPIV3_1 } from 'openapi-types';
import { parse } from 'yaml';
import type { DialectName } from '../dialects/types.ts';
import { VmconformError } from '../errors.ts';
import { packagePath } from '../package-root.ts';

/**
 * Absolute path of a dialect's OpenAPI document.
 * @example specPath('aliyun-ecs') // '/…/vmconform/specs/aliyun-ecs.yaml'
 */
export function specPath(dialect: DialectName): string {
  return packagePath('specs', `${dialect}.yaml`);
}

const cache = new Map<DialectName, OpenAPIV3_1.Document>();

/**
 * The parsed OpenAPI 3.1 document of a dialect (cached; treat it as read-only).
 * @example loadSpec('zenlayer-vm').components?.schemas?.['ErrorResponse']
 */
export function loadSpec(dialect: DialectName): OpenAPIV3_1.Document {
  const hit = cache.get(dialect);
  if (hit) return hit;
  const path = specPath(dialect);
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new VmconformError(`cannot read the ${dialect} spec at ${path}: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || (doc as { openapi?: unknown }).openapi !== '3.1.0') {
    throw new VmconformError(`${path} is not an OpenAPI 3.1.0 document`);
  }
  const spec = doc as OpenAPIV3_1.Document;
  cache.set(dialect, spec);
  return spec;
}
