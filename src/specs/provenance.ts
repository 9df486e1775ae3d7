/**
 * Provenance of the response schemas (DESIGN.md §5: every assertion names its source). Walks every schema a target's
 * answer is validated against, from each `paths.*.*.responses.*` (media-type schemas, `contentSchema`, `$ref`s into
 * `components`, properties, items, `anyOf`/`oneOf`/`allOf`...), and lists each constraint keyword with the source its
 * schema object carries in `x-vmconform-source` (see `source.ts` for the two forms), each response object with the
 * source of its status and media types, and every closed object (`additionalProperties: false`,
 * `unevaluatedProperties: false`, a `false` schema), which must not exist at all (DESIGN.md §3: responses are open).
 *
 * Run `npx tsx src/specs/provenance.ts [dialect]` to print the list.
 */
import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DialectName } from '../dialects/types.ts';
import { DIALECT_NAMES, isDialectName } from '../dialects/types.ts';
import { checkDocRef, resolvePointer } from './check.ts';
import { loadSpec } from './load.ts';
import { SOURCE_KEY, sourceOf } from './source.ts';

export { sourceOfAjvError } from './source.ts';

/** The keywords that constrain an answer; each needs a source where it appears. */
export const CONSTRAINT_KEYWORDS: readonly string[] = [
  'required', 'type', 'enum', 'const', 'format', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'multipleOf', 'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems', 'minContains', 'maxContains',
  'minProperties', 'maxProperties', 'dependentRequired', 'not', 'if',
];

/** The keyword under which a response object (its HTTP status and media types) is listed. */
export const RESPONSE_KEYWORD = 'response';

/** One constraint a spec puts on an answer. */
export interface SchemaConstraint {
  /** JSON pointer of the schema object (or response object) in the spec. */
  readonly pointer: string;
  /** A constraint keyword, {@link RESPONSE_KEYWORD} for a response object, or the closing form (`additionalProperties: false`, `false schema`). */
  readonly keyword: string;
  /** Its `x-vmconform-source`; `undefined` when it has none. */
  readonly source: string | undefined;
  /** A closed object or `false` schema: forbidden whatever its source. */
  readonly closed: boolean;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const esc = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
/** Keywords whose value is one subschema to walk. */
const ONE_SUBSCHEMA = ['additionalProperties', 'unevaluatedProperties', 'items', 'unevaluatedItems', 'contains', 'propertyNames', 'then', 'else', 'contentSchema'] as const;
/** Keywords whose value maps names to subschemas. */
const NAMED_SUBSCHEMAS = ['properties', 'patternProperties', 'dependentSchemas'] as const;
/** Keywords whose value is a list of subschemas. */
const LISTED_SUBSCHEMAS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const;
/** Keywords that close an object or array when `false`. */
const CLOSING = ['additionalProperties', 'unevaluatedProperties', 'items', 'unevaluatedItems'] as const;

/**
 * Every constraint the responses of a spec put on an answer, response objects and closed objects included, in
 * document order (a component reached from several responses is listed once, at its own pointer).
 * @example responseConstraints(loadSpec('zenlayer-vm')).filter((c) => c.source === undefined) // []
 */
export function responseConstraints(doc: unknown): SchemaConstraint[] {
  const out: SchemaConstraint[] = [];
  const seen = new Set<string>();
  const walk = (schema: unknown, pointer: string): void => {
    if (seen.has(pointer)) return;
    seen.add(pointer);
    if (schema === false) {
      out.push({ pointer, keyword: 'false schema', source: undefined, closed: true });
      return;
    }
    if (!isObj(schema)) return;
    const ref = schema['$ref'];
    if (typeof ref === 'string' && ref.startsWith('#/')) walk(resolvePointer(doc, ref.slice(1)), ref.slice(1));
    for (const keyword of CONSTRAINT_KEYWORDS) {
      if (Object.hasOwn(schema, keyword)) out.push({ pointer, keyword, source: sourceOf(schema, keyword), closed: false });
    }
    for (const keyword of CLOSING) {
      if (schema[keyword] === false) out.push({ pointer, keyword: `${keyword}: false`, source: sourceOf(schema, keyword), closed: true });
    }
    for (const keyword of ONE_SUBSCHEMA) {
      if (isObj(schema[keyword])) walk(schema[keyword], `${pointer}/${keyword}`);
    }
    for (const keyword of NAMED_SUBSCHEMAS) {
      const named = schema[keyword];
      if (isObj(named)) for (const [name, sub] of Object.entries(named)) walk(sub, `${pointer}/${keyword}/${esc(name)}`);
    }
    for (const keyword of LISTED_SUBSCHEMAS) {
      const list = schema[keyword];
      if (Array.isArray(list)) list.forEach((sub, i) => walk(sub, `${pointer}/${keyword}/${i}`));
    }
  };
  const paths = isObj(doc) && isObj(doc['paths']) ? doc['paths'] : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObj(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!isObj(op) || !isObj(op['responses'])) continue;
      for (const [status, declared] of Object.entries(op['responses'])) {
        let pointer = `/paths/${esc(path)}/${method}/responses/${esc(status)}`;
        let response = declared;
        if (isObj(response) && typeof response['$ref'] === 'string' && response['$ref'].startsWith('#/')) {
          pointer = response['$ref'].slice(1);
          response = resolvePointer(doc, pointer);
        }
        if (!isObj(response) || seen.has(pointer)) continue;
        seen.add(pointer);
        const source = response[SOURCE_KEY];
        out.push({ pointer, keyword: RESPONSE_KEYWORD, source: typeof source === 'string' && source !== '' ? source : undefined, closed: false });
        const content = isObj(response['content']) ? response['content'] : {};
        for (const [mediaType, media] of Object.entries(content)) {
          if (isObj(media) && 'schema' in media) walk(media['schema'], `${pointer}/content/${esc(mediaType)}/schema`);
        }
        const headers = isObj(response['headers']) ? response['headers'] : {};
        for (const [name, header] of Object.entries(headers)) {
          if (isObj(header) && 'schema' in header) walk(header['schema'], `${pointer}/headers/${esc(name)}/schema`);
        }
      }
    }
  }
  return out;
}

/**
 * Problems with the provenance of a spec's response schemas: a constraint or response without a source, a closed
 * object, a source that names no existing seed line (or whose quote is not on those lines) or no DESIGN.md section
 * containing its words, a per-keyword source for a keyword the schema does not have. `[]` when all is well.
 * @example checkProvenance(loadSpec('aliyun-ecs'), findSeedsDir()!) // []
 */
export function checkProvenance(doc: unknown, seedsDir: string): string[] {
  const problems: string[] = [];
  const constraints = responseConstraints(doc);
  const checked = new Map<string, string | undefined>();
  for (const c of constraints) {
    const what = c.keyword === RESPONSE_KEYWORD ? 'response' : c.keyword;
    if (c.closed) {
      problems.push(`${c.pointer}: ${what} closes the answer (DESIGN.md §3 Responses are open: no response schema may close an object)`);
      continue;
    }
    if (c.source === undefined) {
      problems.push(`${c.pointer}: ${what} has no ${SOURCE_KEY}`);
      continue;
    }
    if (!checked.has(c.source)) checked.set(c.source, checkDocRef(c.source, seedsDir, { quoteRequired: false }));
    const bad = checked.get(c.source);
    if (bad !== undefined) problems.push(`${c.pointer}: ${what}: ${SOURCE_KEY} ${bad}`);
  }
  // A per-keyword source must name keywords its schema has (a stale entry hides nothing, but misleads a reader).
  const pointers = new Set(constraints.filter((c) => c.keyword !== RESPONSE_KEYWORD).map((c) => c.pointer));
  for (const pointer of pointers) {
    const schema = resolvePointer(doc, pointer);
    const source = isObj(schema) ? schema[SOURCE_KEY] : undefined;
    if (!isObj(source) || !isObj(schema)) continue;
    for (const keyword of Object.keys(source)) {
      if (!Object.hasOwn(schema, keyword)) problems.push(`${pointer}: ${SOURCE_KEY}.${keyword} names a keyword the schema does not have`);
    }
  }
  return problems;
}

/**
 * The provenance of one dialect's shipped spec as a Markdown table: pointer, keyword, source.
 * @example formatProvenance('zenlayer-vm').split('\n')[0] // '| pointer | keyword | source |'
 */
export function formatProvenance(dialect: DialectName): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
  const lines = [`## ${dialect}`, '', '| pointer | keyword | source |', '|---|---|---|'];
  for (const c of responseConstraints(loadSpec(dialect))) {
    lines.push(`| \`${cell(c.pointer)}\` | ${cell(c.keyword)} | ${c.closed ? '**closed**' : c.source === undefined ? '**none**' : cell(c.source)} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** Script entry: prints the provenance of one dialect or all five. */
function main(argv: readonly string[]): number {
  const which = argv[0];
  if (which !== undefined && !isDialectName(which)) {
    process.stderr.write(`usage: npx tsx src/specs/provenance.ts [dialect]; one of ${DIALECT_NAMES.join(', ')}\n`);
    return 2;
  }
  const dialects = which === undefined ? DIALECT_NAMES : [which];
  process.stdout.write(dialects.map(formatProvenance).join('\n'));
  return 0;
}

const entry = process.argv[1];
// (A worker started from code has no file for argv[1]: `[worker eval]`.)
if (entry !== undefined && existsSync(entry) && realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))) {
  process.exitCode = main(process.argv.slice(2));
}
