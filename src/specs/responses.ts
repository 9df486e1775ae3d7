/**
 * What a dialect's spec declares an answer may be: the responses of each operation (by HTTP status, with `4XX`
 * ranges and `default` as OpenAPI 3.1 defines them), their media types and schemas, and the error table of
 * `x-vmconform.errors`. Used to judge any answer against the spec as written, not against a schema picked by name.
 */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { DialectName } from '../dialects/types.ts';
import { parseJson } from '../dialects/wire-util.ts';
import { documentAjv, resolvePointer } from './check.ts';
import { specExtension, type SpecError } from './extension.ts';
import { loadSpec } from './load.ts';
import { shortSource } from './source.ts';
import { formatAjvError } from './validator.ts';
import { parseAliyunXml } from './xml.ts';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const esc = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** The response object an operation declares for one HTTP status. */
export interface DeclaredResponse {
  /** The `responses` key that matched: the exact status (`'413'`), its range (`'4XX'`) or `'default'`. */
  readonly key: string;
  /** JSON pointer of the response object, e.g. `/paths/~1api~1v2~1vm/post/responses/413`. */
  readonly pointer: string;
  /** Media types of its `content` (empty when it declares no body). */
  readonly mediaTypes: readonly string[];
  /**
   * Whether an answer's Content-Type is judged against {@link DeclaredResponse.mediaTypes}: `false` where the response
   * says `x-vmconform-contentTypeJudged: false` (DESIGN.md §3: a Content-Type is judged only where a seed states it;
   * tencent and zenlayer bodies are read as JSON whatever the header says).
   */
  readonly contentTypeJudged: boolean;
  /** The response's `x-vmconform-source`: why this status and its media types are declared. */
  readonly source: string | undefined;
}

/**
 * The response a spec declares for `status` on `method path`, by OpenAPI precedence (exact code, then `NXX`, then
 * `default`); `undefined` when the operation does not exist or declares no such status.
 * @example declaredResponse('zenlayer-vm', 'POST', '/api/v2/vm', 413)?.key // '413'
 */
export function declaredResponse(dialect: DialectName, method: string, path: string, status: number): DeclaredResponse | undefined {
  const spec = loadSpec(dialect) as unknown as Json;
  const paths = isObj(spec['paths']) ? spec['paths'] : {};
  const item = paths[path];
  const m = method.toLowerCase();
  const op = isObj(item) ? item[m] : undefined;
  if (!isObj(op) || !isObj(op['responses'])) return undefined;
  const responses = op['responses'];
  const code = String(status);
  const key = [code, `${code[0] ?? ''}XX`, 'default'].find((k) => isObj(responses[k]));
  if (key === undefined) return undefined;
  const response = responses[key] as Json;
  const content = isObj(response['content']) ? response['content'] : {};
  const source = typeof response['x-vmconform-source'] === 'string' ? response['x-vmconform-source'] : undefined;
  return {
    key,
    pointer: `/paths/${esc(path)}/${m}/responses/${esc(key)}`,
    mediaTypes: Object.keys(content),
    contentTypeJudged: response['x-vmconform-contentTypeJudged'] !== false,
    source,
  };
}

/** An answer as received: request line, HTTP status, content type and body text. */
export interface AnswerToJudge {
  readonly method: string;
  /** Path relative to the target base URL, as the spec's `paths` key (`/`, `/v2/index.php`, `/api/v2/vm`). */
  readonly path: string;
  readonly status: number;
  /** The Content-Type header (parameters are ignored). */
  readonly contentType: string;
  readonly bodyText: string;
  /**
   * A status-query answer: its Content-Type (and for aliyun its format, JSON or XML) is not judged, the body is read
   * as what it looks like (DESIGN.md §3: what the suite reads from a status answer is the ids and their status words).
   */
  readonly statusQuery?: boolean;
}

const ajvs = new Map<DialectName, { compileAt(pointer: string): ValidateFunction }>();
function ajvOf(dialect: DialectName): { compileAt(pointer: string): ValidateFunction } {
  let hit = ajvs.get(dialect);
  if (!hit) {
    hit = documentAjv(loadSpec(dialect), `urn:vmconform:responses:${dialect}`);
    ajvs.set(dialect, hit);
  }
  return hit;
}

/**
 * Problems of an answer against the responses its operation declares: an undeclared status, an undeclared media
 * type where the response judges it (aliyun; not tencent or zenlayer, nor any status-query answer), a body that fails
 * the declared schema (XML through {@link parseAliyunXml} and `contentSchema`). Each problem names the source of the
 * response or constraint it breaks. `[]` when the answer is one the spec allows.
 * @example checkDeclaredAnswer('aliyun-ecs', { method: 'GET', path: '/', status: 413, contentType: 'application/json', bodyText }) // []
 */
export function checkDeclaredAnswer(dialect: DialectName, answer: AnswerToJudge): string[] {
  const where = `${answer.method.toUpperCase()} ${answer.path} -> ${answer.status}`;
  const declared = declaredResponse(dialect, answer.method, answer.path, answer.status);
  if (!declared) return [`${where}: the ${dialect} spec declares no such response for this operation`];
  const received = (answer.contentType.split(';')[0] ?? '').trim().toLowerCase();
  const cite = declared.source === undefined ? '' : ` (${shortSource(declared.source)})`;
  if (declared.mediaTypes.length === 0) {
    return answer.bodyText === '' ? [] : [`${where}: response ${declared.key} declares no body, got ${received || 'an untyped body'}${cite}`];
  }
  const judged = declared.contentTypeJudged && answer.statusQuery !== true;
  if (judged && !declared.mediaTypes.includes(received)) {
    return [`${where}: response ${declared.key} declares ${declared.mediaTypes.join(', ')}, not "${received}"${cite}`];
  }
  // Where the Content-Type is not judged, the body is read as what it looks like: XML where XML is declared and the
  // body starts with '<', else the declared JSON.
  const xmlDeclared = declared.mediaTypes.find((t) => t.endsWith('xml'));
  const jsonDeclared = declared.mediaTypes.find((t) => t.endsWith('json')) ?? declared.mediaTypes[0] ?? '';
  const mediaType = judged ? received : xmlDeclared !== undefined && answer.bodyText.trimStart().startsWith('<') ? xmlDeclared : jsonDeclared;
  const schemaAt = `${declared.pointer}/content/${esc(mediaType)}/schema`;
  const schema = resolvePointer(loadSpec(dialect), schemaAt);
  let value: unknown;
  let pointer = schemaAt;
  if (isObj(schema) && schema['contentMediaType'] === 'application/xml' && isObj(schema['contentSchema'])) {
    value = parseAliyunXml(answer.bodyText);
    pointer = `${schemaAt}/contentSchema`;
    if (value === undefined) return [`${where}: the body is not XML`];
  } else if (mediaType.endsWith('json')) {
    const parsed = parseJson(answer.bodyText);
    if (!parsed.ok) return [`${where}: ${parsed.problem.startsWith('body is not JSON') ? 'the body is not JSON' : `the ${parsed.problem}`}`];
    value = parsed.value;
  } else {
    value = answer.bodyText;
  }
  const validate = ajvOf(dialect).compileAt(pointer);
  if (validate(value)) return [];
  return [...new Set((validate.errors ?? []).map((e) => `${where} (response ${declared.key}): ${formatAjvError(e)}`))];
}

/**
 * The rows of `x-vmconform.errors` for a code (a code may appear with several HTTP statuses).
 * @example errorRows('zenlayer-vm', 'REQUEST_BODY_TOO_LARGE')[0]?.httpStatus // 413
 */
export function errorRows(dialect: DialectName, code: string): SpecError[] {
  return specExtension(dialect).errors.filter((e) => e.code === code);
}

/**
 * Why an error code answered with an HTTP status is not in the spec's error table; `undefined` when it is.
 * @example checkErrorCode('aliyun-ecs', 'InvalidAction.NotFound', 404) // undefined
 */
export function checkErrorCode(dialect: DialectName, code: string, httpStatus: number): string | undefined {
  const rows = errorRows(dialect, code);
  if (rows.length === 0) return `error code ${code} is not in the ${dialect} error table (x-vmconform.errors)`;
  if (!rows.some((r) => r.httpStatus === httpStatus)) {
    return `error code ${code} is in the ${dialect} error table with HTTP ${rows.map((r) => r.httpStatus).join(', ')}, not ${httpStatus}`;
  }
  return undefined;
}
