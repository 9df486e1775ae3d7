/**
 * Where a response schema's constraint comes from. Every schema object of a spec that constrains a target's answer
 * carries `x-vmconform-source`: either one string for all its constraint keywords, or an object with one string per
 * keyword (`{ required: '...', type: '...' }`). A source is one or more references joined with `; `, each
 * `NNN_<hex>.txt:L[-L][ <quote of those lines>]` (a line of a vendor document in `specs/sources/`) or
 * `DESIGN.md §N <words of that section>` (a pin of the shipped DESIGN.md). `provenance.ts` checks that every
 * constraint has one and that each exists; this module only reads them (the validator names them in its messages).
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { splitDocRef } from './doc-ref.ts';

/** The extension key that holds a schema object's source. */
export const SOURCE_KEY = 'x-vmconform-source';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The source of one constraint keyword of a schema object (the string form, or the keyword's entry of the object
 * form); `undefined` when it has none.
 * @example sourceOf({ type: 'string', 'x-vmconform-source': '000_89740aa573049d06.txt:28' }, 'type') // '000_89740aa573049d06.txt:28'
 */
export function sourceOf(schema: unknown, keyword: string): string | undefined {
  if (!isObj(schema)) return undefined;
  const source = schema[SOURCE_KEY];
  if (typeof source === 'string') return source === '' ? undefined : source;
  if (isObj(source) && Object.hasOwn(source, keyword) && typeof source[keyword] === 'string' && source[keyword] !== '') return source[keyword];
  return undefined;
}

/**
 * The source of the constraint an ajv error reports (the validator must run with `verbose: true`, which gives
 * `parentSchema`); `undefined` for keywords that only combine others (`anyOf`, `oneOf`) or a schema without one.
 * @example sourceOfAjvError(validate.errors[0]) // '000_89740aa573049d06.txt:28 RequestId | String'
 */
export function sourceOfAjvError(error: ErrorObject): string | undefined {
  return sourceOf(error.parentSchema, error.keyword);
}

/**
 * A source as a message names it: each seed reference as `file:lines` (its quote left out), each DESIGN.md pin whole.
 * @example shortSource('000_89740aa573049d06.txt:28 RequestId | String; DESIGN.md §2 HTTP 200') // '000_89740aa573049d06.txt:28; DESIGN.md §2 HTTP 200'
 */
export function shortSource(source: string): string {
  return splitDocRef(source)
    .map(({ text, part }) => (part?.kind === 'seed' ? `${part.file}:${part.from}${part.to !== part.from ? `-${part.to}` : ''}` : text))
    .join('; ');
}
