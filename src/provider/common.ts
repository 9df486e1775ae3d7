/**
 * Shared pieces of the reference provider: the request as the behaviour modules see it, the refusal they throw, the
 * query/form parameter bag, and small value parsers. Nothing here knows a dialect's envelope.
 */
import { randomUUID } from 'node:crypto';
import { describeDialect } from '../dialects/descriptions/index.ts';
import type { DialectName } from '../dialects/types.ts';
import type { ErrorKey } from './rules.ts';

/** A received request, body already read (and capped). */
export interface Incoming {
  readonly method: string;
  readonly url: URL;
  /** Path relative to the provider's base path, always starting with `/`. */
  readonly path: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyText: string;
  /** Media type of the body, lower case, without parameters (`''` when absent). */
  readonly mediaType: string;
}

/** Thrown by behaviour modules for any request-level error; the dispatcher turns it into the dialect's envelope. */
export class Refusal extends Error {
  override readonly name = 'Refusal';
  constructor(
    readonly key: ErrorKey,
    message: string,
  ) {
    super(message);
  }
}

/** A fresh request id (UUID), in the letter case the dialect's description gives (aliyun's are upper case like its document's examples). */
export function newRequestId(dialect: DialectName): string {
  const id = randomUUID();
  return describeDialect(dialect).requestIdCase === 'upper' ? id.toUpperCase() : id;
}

/**
 * Query and form parameters with every value kept, so duplicates can be refused instead of silently picked.
 */
export class ParamBag {
  readonly #values = new Map<string, string[]>();

  /** Build from URLSearchParams sources in order (query first, then form body). */
  static from(...sources: URLSearchParams[]): ParamBag {
    const bag = new ParamBag();
    for (const source of sources) {
      for (const [k, v] of source) {
        const list = bag.#values.get(k);
        if (list) list.push(v);
        else bag.#values.set(k, [v]);
      }
    }
    return bag;
  }

  /** Every parameter name. */
  names(): string[] {
    return [...this.#values.keys()];
  }

  /** Whether the parameter is present at all. */
  has(name: string): boolean {
    return this.#values.has(name);
  }

  /** The single value of a parameter; `undefined` when absent; refuses a parameter given more than once. */
  single(name: string): string | undefined {
    const list = this.#values.get(name);
    if (!list) return undefined;
    if (list.length > 1) throw new Refusal('invalidParameter', `parameter ${name} is given ${list.length} times`);
    return list[0];
  }

  /**
   * An indexed list (`InstanceIds.1`, `InstanceIds.2`...) as `[index, value]` entries in parameter order; empty when
   * there is no such parameter. Indexes below `firstIndex` are refused (a 0-based list sent to a 1-based dialect
   * would lose an id), and so is a non-numeric index or a name given twice. How many entries and which indexes the
   * dialect allows is the id list's business (`readIdList`, driven by `rules.maxIds`).
   */
  indexed(prefix: string, firstIndex: number): [number, string][] {
    const entries: [number, string][] = [];
    const lead = `${prefix}.`;
    for (const name of this.#values.keys()) {
      if (!name.startsWith(lead)) continue;
      const suffix = name.slice(lead.length);
      if (!/^\d{1,6}$/.test(suffix)) {
        throw new Refusal('invalidParameter', `parameter ${name}: the index must be a number`);
      }
      const index = Number(suffix);
      if (index < firstIndex) {
        throw new Refusal('invalidParameter', `parameter ${name}: indexes start at ${firstIndex}`);
      }
      entries.push([index, this.single(name) ?? '']);
    }
    return entries;
  }
}

/** The headers with a `host` entry (fetch Requests built in-process may lack one). */
export function withHost(incoming: Incoming): Record<string, string> {
  return incoming.headers['host'] === undefined
    ? { ...incoming.headers, host: incoming.url.host }
    : { ...incoming.headers };
}

/** Parse a form or query text without throwing. */
export function formParams(text: string): URLSearchParams {
  return new URLSearchParams(text);
}

/**
 * Parse a boolean written as text: `true` or `false` in any letter case; `undefined` for anything else.
 *
 * @example
 * parseBooleanText('TRUE') // true
 */
export function parseBooleanText(value: string): boolean | undefined {
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return undefined;
}

/**
 * A non-negative integer from a JSON number or a decimal text; `undefined` when it is neither.
 *
 * @example
 * parseCount('20') // 20
 */
export function parseCount(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'string' && /^\d{1,9}$/.test(value)) return Number(value);
  return undefined;
}

/** Remove repeated ids, keeping the first occurrence's order (an id named twice is one instance). */
export function uniqueIds(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

/** Parse a JSON body that must be an object; refuses anything else with a clear message. */
export function parseJsonObject(incoming: Incoming): Record<string, unknown> {
  if (incoming.bodyText.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(incoming.bodyText);
  } catch (err: unknown) {
    throw new Refusal(
      'invalidParameter',
      `the body is not valid JSON (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Refusal('invalidParameter', 'the body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** How much of a client's value a message repeats: characters, and entries and levels of arrays and objects. */
const PREVIEW = { chars: 80, entries: 10, depth: 3 } as const;

/**
 * A value the client sent, written for a message: JSON as `JSON.stringify` writes it for small values, cut to an
 * excerpt (`...`) past {@link PREVIEW}'s characters, entries or levels. It never walks deeper than a few levels, so a
 * body nested 500,000 levels deep is described as cheaply as `[]` (`JSON.stringify` would exhaust the stack).
 *
 * @example
 * preview('MAYBE') // '"MAYBE"'
 * preview([[[[[1]]]]]) // '[[[[...]]]]'
 */
export function preview(value: unknown): string {
  const text = previewJson(value, PREVIEW.depth);
  return text.length > PREVIEW.chars ? `${text.slice(0, PREVIEW.chars)}...` : text;
}

function previewJson(value: unknown, depth: number): string {
  if (typeof value === 'string') return JSON.stringify(value.length > PREVIEW.chars ? `${value.slice(0, PREVIEW.chars)}...` : value);
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  const array = Array.isArray(value);
  if (depth === 0) return array ? '[...]' : '{...}';
  const parts: string[] = [];
  if (array) {
    for (const item of value.slice(0, PREVIEW.entries)) parts.push(previewJson(item, depth - 1));
    if (value.length > PREVIEW.entries) parts.push('...');
    return `[${parts.join(',')}]`;
  }
  for (const key in value) {
    if (parts.length === PREVIEW.entries) {
      parts.push('...');
      break;
    }
    parts.push(`${previewJson(key, 0)}:${previewJson((value as Record<string, unknown>)[key], depth - 1)}`);
  }
  return `{${parts.join(',')}}`;
}

/** Describe a JSON value's type for messages. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Characters XML 1.0 does not allow anywhere in a document (its `Char` production), even escaped. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * The body with every character XML 1.0 forbids replaced by U+FFFD: an id or action echoed from the request
 * (`InstanceId.1=%01`) must not make the answer a document no XML parser reads (aliyun `Format=XML`, aws-ec2).
 *
 * @example
 * xmlSafe({ InstanceId: 'i-\u0001' }) // { InstanceId: 'i-\uFFFD' }
 */
export function xmlSafe(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(NOT_XML_CHAR, '\uFFFD');
  if (Array.isArray(value)) return value.map(xmlSafe);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, xmlSafe(v)]));
  }
  return value;
}
