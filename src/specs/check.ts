/**
 * Self-checks of a spec document beyond OpenAPI structure: every schema compiles in ajv 2020, every example
 * validates against its own schema (XML examples through {@link parseAliyunXml}), no external `$ref`, and every
 * docRef points at an existing seed line (or DESIGN.md section) that contains the quoted text.
 * The spec tests run these; they take a document so tests can prove a broken copy is caught.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { splitDocRef, type DocRefPart } from './doc-ref.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { formatAjvError } from './validator.ts';
import { parseAliyunXml } from './xml.ts';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const esc = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every value in a document with its JSON pointer, depth first. */
function* walk(value: unknown, pointer = ''): Generator<[string, unknown]> {
  yield [pointer, value];
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* walk(value[i], `${pointer}/${i}`);
  else if (isObj(value)) for (const [k, v] of Object.entries(value)) yield* walk(v, `${pointer}/${esc(k)}`);
}

/** One example found in a spec, with the pointer of the schema it must satisfy. */
export interface FoundExample {
  /** Where the example sits. */
  readonly at: string;
  /** JSON pointer of the schema it is checked against. */
  readonly schemaAt: string;
  readonly value: unknown;
  /** Set for `contentMediaType: application/xml` strings: the parsed XML must satisfy `contentSchema` too. */
  readonly xmlSchemaAt?: string;
}

/** The examples of a document: media types and parameters (`example`, `examples.*.value`) and schemas (`examples`). */
export function collectExamples(doc: unknown): FoundExample[] {
  const found: FoundExample[] = [];
  for (const [at, node] of walk(doc)) {
    if (!isObj(node)) continue;
    const isMediaOrParam = isObj(node['schema']) && (at.includes('/content/') || (typeof node['in'] === 'string' && typeof node['name'] === 'string'));
    if (isMediaOrParam) {
      const schema = node['schema'] as Json;
      const xmlSchemaAt = schema['contentMediaType'] === 'application/xml' && isObj(schema['contentSchema']) ? `${at}/schema/contentSchema` : undefined;
      const push = (where: string, value: unknown): void => {
        found.push({ at: where, schemaAt: `${at}/schema`, value, ...(xmlSchemaAt ? { xmlSchemaAt } : {}) });
      };
      if ('example' in node) push(`${at}/example`, node['example']);
      if (isObj(node['examples'])) {
        for (const [name, ex] of Object.entries(node['examples'])) if (isObj(ex) && 'value' in ex) push(`${at}/examples/${esc(name)}/value`, ex['value']);
      }
    }
    // A JSON Schema with `examples` (an array) below components.schemas or any `schema` keyword.
    if (Array.isArray(node['examples']) && (at.startsWith('/components/schemas/') || at.includes('/schema'))) {
      node['examples'].forEach((value, i) => found.push({ at: `${at}/examples/${i}`, schemaAt: at, value }));
    }
  }
  return found;
}

/** An ajv 2020 instance holding the whole document, so any JSON pointer into it can be compiled. */
export function documentAjv(doc: unknown, id = 'urn:vmconform:check'): { compileAt(pointer: string): ValidateFunction } {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false, verbose: true });
  ajv.addSchema({ ...(doc as Json), $id: id });
  const compiled = new Map<string, ValidateFunction>();
  return {
    compileAt(pointer) {
      let fn = compiled.get(pointer);
      if (!fn) {
        fn = ajv.compile({ $ref: `${id}#${pointer}` });
        compiled.set(pointer, fn);
      }
      return fn;
    },
  };
}

/** JSON pointers of every schema in a document: components.schemas, parameter and media-type schemas. */
export function schemaPointers(doc: unknown): string[] {
  const out: string[] = [];
  for (const [at, node] of walk(doc)) {
    if (/^\/components\/schemas\/[^/]+$/.test(at)) out.push(at);
    else if (/\/(parameters\/\d+|content\/[^/]+)\/schema$/.test(at) && isObj(node)) out.push(at);
  }
  return out;
}

/** Problems with schemas and examples: compile errors, examples that fail their schema. `[]` when all is well. */
export function checkSchemasAndExamples(doc: unknown): string[] {
  const problems: string[] = [];
  const ajv = documentAjv(doc);
  for (const at of schemaPointers(doc)) {
    try {
      ajv.compileAt(at);
    } catch (err) {
      problems.push(`${at}: does not compile: ${(err as Error).message}`);
    }
  }
  for (const ex of collectExamples(doc)) {
    const check = (schemaAt: string, value: unknown, label: string): void => {
      let fn: ValidateFunction;
      try {
        fn = ajv.compileAt(schemaAt);
      } catch (err) {
        problems.push(`${ex.at}: schema ${schemaAt} does not compile: ${(err as Error).message}`);
        return;
      }
      if (!fn(value)) problems.push(`${ex.at}${label}: ${(fn.errors ?? []).map(formatAjvError).join('; ')}`);
    };
    check(ex.schemaAt, ex.value, '');
    if (ex.xmlSchemaAt) {
      const parsed = typeof ex.value === 'string' ? parseAliyunXml(ex.value) : undefined;
      if (parsed === undefined) problems.push(`${ex.at}: not parseable XML`);
      else check(ex.xmlSchemaAt, parsed, ' (parsed XML)');
    }
  }
  return problems;
}

/**
 * The value a JSON pointer names in a document (`undefined` when nothing is there).
 * @example resolvePointer({ a: [{ 'b/c': 1 }] }, '/a/0/b~1c') // 1
 */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  return pointer.split('/').slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (isObj(node) ? node[key] : Array.isArray(node) ? node[Number(key)] : undefined), doc);
}

/** `$ref`s that leave the document (the specs must be self-contained) or point nowhere. */
export function checkRefs(doc: unknown): string[] {
  const problems: string[] = [];
  for (const [at, node] of walk(doc)) {
    if (!isObj(node) || typeof node['$ref'] !== 'string') continue;
    const ref = node['$ref'];
    if (!ref.startsWith('#/')) problems.push(`${at}: external or non-pointer $ref ${ref}`);
    else if (resolvePointer(doc, ref.slice(1)) === undefined) problems.push(`${at}: dangling $ref ${ref}`);
  }
  return problems;
}

/** Where the source documents and DESIGN.md are: `$VMCONFORM_SEEDS_DIR`, else `<root>/specs/sources` (shipped with the package). */
export function findSeedsDir(): string | undefined {
  const candidates = [process.env['VMCONFORM_SEEDS_DIR'], join(PACKAGE_ROOT, 'specs', 'sources')];
  return candidates.find((d): d is string => d !== undefined && d !== '' && existsSync(join(d, 'README.md')));
}

/** Loose text comparison: case, whitespace and Markdown escapes (`\`, `` ` ``, `*`, `|`) do not matter. */
export function looseText(s: string): string {
  return s.replace(/[\\`*|]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** Every docRef string in a document (`docRef` and `x-vmconform-docRef` keys) with its pointer. */
export function collectDocRefs(doc: unknown): { at: string; docRef: unknown }[] {
  const out: { at: string; docRef: unknown }[] = [];
  for (const [at, node] of walk(doc)) {
    if (!isObj(node)) continue;
    for (const key of ['docRef', 'x-vmconform-docRef']) if (key in node) out.push({ at: `${at}/${key}`, docRef: node[key] });
  }
  return out;
}

/**
 * Problems with one docRef: each of its references (joined with `; `) must be `<seed>:<line>[-<line>] <quote>`
 * naming an existing file and line range containing the quote (loosely), or `DESIGN.md §N <quote>` quoting section N
 * of DESIGN.md (next to the seeds folder). With `quoteRequired: false` (schema sources, `x-vmconform-source`) a seed
 * reference may leave out its quote; its lines must still exist.
 * @example checkDocRef('001_531d5cb6841b9371.txt:74 403 OPERATION_DENIED_INSTANCE_RECYCLED', seedsDir) // undefined
 */
export function checkDocRef(docRef: unknown, seedsDir: string, options: { readonly quoteRequired?: boolean } = {}): string | undefined {
  if (typeof docRef !== 'string') return 'docRef is not a string';
  const quoteRequired = options.quoteRequired ?? true;
  const want = quoteRequired ? '"<seed>.txt:<line>[-<line>] <quote>" or "DESIGN.md §N <quote>"' : '"<seed>.txt:<line>[-<line>][ <quote>]" or "DESIGN.md §N <words>"';
  const problems: string[] = [];
  for (const { text, part } of splitDocRef(docRef)) {
    const problem = !part ? `malformed docRef "${text}" (want ${want})` : part.kind === 'seed' && quoteRequired && part.quote === '' ? `"${text}" quotes nothing (want ${want})` : checkDocRefPart(part, seedsDir);
    if (problem) problems.push(problem);
  }
  return problems.length === 0 ? undefined : problems.join('; ');
}

function checkDocRefPart(part: DocRefPart, seedsDir: string): string | undefined {
  if (part.kind === 'design') {
    const path = join(seedsDir, 'DESIGN.md');
    if (!existsSync(path)) return `DESIGN.md not found at ${path}`;
    const text = readFileSync(path, 'utf8');
    const start = text.search(new RegExp(`^## ${part.section}\\.`, 'm'));
    if (start < 0) return `DESIGN.md has no section §${part.section}`;
    const next = text.slice(start + 3).search(/^## /m);
    const section = next < 0 ? text.slice(start) : text.slice(start, start + 3 + next);
    return looseText(section).includes(looseText(part.quote)) ? undefined : `DESIGN.md §${part.section} does not contain "${part.quote}"`;
  }
  const { file, from: a, to: b, quote } = part;
  const range = `${a}${b !== a ? `-${b}` : ''}`;
  const path = join(seedsDir, file);
  if (!existsSync(path)) return `seed file ${file} does not exist`;
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop(); // the end of the last line is no line of its own
  if (a < 1 || b < a || b > lines.length) return `${file} has no lines ${range} (it has ${lines.length})`;
  const text = lines.slice(a - 1, b).join(' ');
  return looseText(text).includes(looseText(quote)) ? undefined : `${file}:${range} does not contain "${quote}"`;
}

/** Problems with every docRef of a document (and its `x-vmconform.seed`). */
export function checkDocRefs(doc: unknown, seedsDir: string): string[] {
  const problems: string[] = [];
  const refs = collectDocRefs(doc);
  if (refs.length === 0) problems.push('no docRef at all');
  for (const { at, docRef } of refs) {
    const p = checkDocRef(docRef, seedsDir);
    if (p) problems.push(`${at}: ${p}`);
  }
  const seed = isObj(doc) && isObj(doc['x-vmconform']) ? doc['x-vmconform']['seed'] : undefined;
  if (typeof seed !== 'string' || !existsSync(join(seedsDir, seed))) problems.push(`x-vmconform.seed ${String(seed)} is not a seed file`);
  return problems;
}
