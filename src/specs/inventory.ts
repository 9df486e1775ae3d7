/**
 * The rule inventory: every checkable rule of a dialect, derived from its spec (parameters, enums, defaults,
 * envelopes and the `x-vmconform` extension). Cases name the rule ids they check; the coverage report maps them.
 *
 * Rule ids are `kind:detail` and stable: `param:InstanceIds.N`, `enum:StopType=HARD`, `default:ForceStop=FALSE`,
 * `error:InvalidInstanceId.NotFound`, `limit:instance-ids-max`, `state:stoppable=RUNNING`,
 * `state:not-stoppable=STOPPED`, `transition:RUNNING->STOPPING`, `envelope:success`, `resolution:<id>`.
 *
 * Run `npx tsx src/specs/inventory.ts --print [dialect]` to print the inventory as a table.
 */
import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DialectName } from '../dialects/types.ts';
import { DIALECT_NAMES, isDialectName } from '../dialects/types.ts';
import { VmconformError } from '../errors.ts';
import type { Testable } from './extension.ts';
import { specExtension } from './extension.ts';
import { loadSpec } from './load.ts';

/** The kinds of rules. */
export type RuleKind = 'param' | 'enum' | 'default' | 'error' | 'limit' | 'state' | 'transition' | 'envelope' | 'resolution';

/** What the spec says of the parameter a `param`, `enum` or `default` rule is about (for tools that break rules). */
export interface ParamFacts {
  readonly name: string;
  /** Where it travels, every place the spec names (a query parameter in one wire style, a body field in another). */
  readonly in: readonly ('query' | 'header' | 'body')[];
  readonly type: string | undefined;
  readonly enum: readonly (string | number | boolean)[] | undefined;
  readonly default: string | number | boolean | undefined;
  readonly example: unknown;
  readonly required: boolean;
}

/** One checkable rule of a dialect. */
export interface Rule {
  /** Stable id `kind:detail`, e.g. `error:InvalidInstanceId.NotFound`. */
  readonly id: string;
  readonly dialect: DialectName;
  readonly kind: RuleKind;
  readonly summary: string;
  /** `<seed file>:<line>[-<line>] <quote>` or `DESIGN.md §N <quote>`; several joined with `; `. */
  readonly docRef: string;
  /** `true`, or why a black-box case cannot check it. */
  readonly testable: Testable;
  /** For `param`, `enum` and `default` rules: the parameter as the spec states it. */
  readonly param?: ParamFacts;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Envelope rule ids and the pinned schema names they come from. */
const ENVELOPES: readonly (readonly [string, string])[] = [
  ['success', 'StopInstancesResponse'],
  ['status', 'DescribeStatusResponse'],
  ['error', 'ErrorResponse'],
  ['success-xml', 'StopInstancesResponseXml'],
  ['status-xml', 'DescribeStatusResponseXml'],
  ['error-xml', 'ErrorResponseXml'],
];

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Short description of a schema's type and bounds, e.g. `array of string, 1..100 items`. */
function describeSchema(schema: Json): string {
  const parts: string[] = [];
  const type = str(schema['type']);
  if (type === 'array') {
    const items = isObj(schema['items']) ? schema['items'] : {};
    parts.push(`array of ${str(items['type']) ?? (str(items['$ref'])?.split('/').pop() ?? 'items')}`);
    if (schema['minItems'] !== undefined || schema['maxItems'] !== undefined) parts.push(`${String(schema['minItems'] ?? 0)}..${String(schema['maxItems'] ?? '')} items`);
  } else if (type === 'object' && schema['maxProperties'] !== undefined) {
    parts.push(`indexed parameters, ${String(schema['minProperties'] ?? 0)}..${String(schema['maxProperties'])}`);
  } else {
    parts.push(type ?? 'value');
    if (schema['minimum'] !== undefined || schema['maximum'] !== undefined) parts.push(`${String(schema['minimum'] ?? '')}..${String(schema['maximum'] ?? '')}`);
  }
  return parts.join(', ');
}

/**
 * The rule inventory of a dialect, derived from `specs/<dialect>.yaml` (ids unique and in a stable order).
 * @example ruleInventory('tencent-cvm-api3').find((r) => r.id === 'limit:rate-per-second')
 */
export function ruleInventory(dialect: DialectName): Rule[] {
  const spec = loadSpec(dialect) as unknown as Json;
  const ext = specExtension(dialect);
  const components = isObj(spec['components']) ? spec['components'] : {};
  const schemas = isObj(components['schemas']) ? components['schemas'] : {};
  const rules = new Map<string, Rule>();
  const add = (kind: RuleKind, detail: string, summary: string, docRef: string | undefined, testable: Testable = true, param?: ParamFacts): void => {
    const id = `${kind}:${detail}`;
    if (!docRef) throw new VmconformError(`specs/${dialect}.yaml: rule ${id} has no docRef`);
    const prev = rules.get(id);
    if (!prev) {
      rules.set(id, { id, dialect, kind, summary, docRef, testable, ...(param ? { param } : {}) });
      return;
    }
    // The same rule stated twice (e.g. aliyun's two InvalidInstanceId.NotFound rows): keep both references.
    const docRefs = prev.docRef.split('; ').includes(docRef) ? prev.docRef : `${prev.docRef}; ${docRef}`;
    const merged = prev.param && param ? { ...prev.param, in: [...new Set([...prev.param.in, ...param.in])], required: prev.param.required || param.required } : (prev.param ?? param);
    rules.set(id, { ...prev, docRef: docRefs, testable: prev.testable === true || testable === true ? true : prev.testable, ...(merged ? { param: merged } : {}) });
  };
  const resolveRef = (s: unknown): Json | undefined => {
    if (!isObj(s)) return undefined;
    const ref = str(s['$ref']);
    if (!ref) return s;
    const name = ref.replace('#/components/schemas/', '');
    return isObj(schemas[name]) ? schemas[name] : undefined;
  };
  // `x-vmconform-testable: <reason>` on a parameter (or its schema) marks every rule of it as one a case cannot judge
  // (the status query's paging: DESIGN.md §3); `x-vmconform-default-testable: <reason>` beside `default` marks only
  // a default a black-box case cannot observe.
  const scalar = (v: unknown): string | number | boolean | undefined =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
  const paramRules = (
    name: string,
    schema: Json,
    docRef: string | undefined,
    how: string,
    where: { in: 'query' | 'header' | 'body'; required: boolean; example: unknown },
    paramTestable?: string,
  ): void => {
    const testable: Testable = paramTestable ?? str(schema['x-vmconform-testable']) ?? true;
    const values = Array.isArray(schema['enum']) ? schema['enum'].flatMap((v) => (scalar(v) === undefined ? [] : [scalar(v) as string | number | boolean])) : undefined;
    const facts: ParamFacts = {
      name,
      in: [where.in],
      type: str(schema['type']),
      enum: values,
      default: scalar(schema['default']),
      example: where.example ?? schema['example'],
      required: where.required,
    };
    add('param', name, `${how}; ${describeSchema(schema)}`, docRef, testable, facts);
    // `x-vmconform-enum-testable: {<value>: <reason>}` marks one value a case cannot judge (api3's GET status action).
    const valueTestable = isObj(schema['x-vmconform-enum-testable']) ? schema['x-vmconform-enum-testable'] : {};
    if (Array.isArray(schema['enum'])) {
      for (const v of schema['enum']) {
        add('enum', `${name}=${String(v)}`, `${name} accepts ${String(v)}`, docRef, testable === true ? (str(valueTestable[String(v)]) ?? true) : testable, facts);
      }
    }
    const defaultTestable = testable === true ? (str(schema['x-vmconform-default-testable']) ?? true) : testable;
    if (schema['default'] !== undefined) add('default', `${name}=${String(schema['default'])}`, `${name} defaults to ${String(schema['default'])}`, docRef, defaultTestable, facts);
  };

  const paths = isObj(spec['paths']) ? spec['paths'] : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObj(item)) continue;
    // Document order, with SHOULD variants last so the main wire style names each rule first.
    const ops = METHODS.filter((m) => isObj(item[m])).map((m) => [m, item[m] as Json] as const);
    ops.sort((a, b) => Number(a[1]['x-vmconform-level'] === 'SHOULD') - Number(b[1]['x-vmconform-level'] === 'SHOULD'));
    for (const [method, op] of ops) {
      const where = `${method.toUpperCase()} ${path}${op['x-vmconform-level'] === 'SHOULD' ? ' (SHOULD variant)' : ''}`;
      for (const p of Array.isArray(op['parameters']) ? op['parameters'] : []) {
        if (!isObj(p) || p['x-vmconform-signing'] === true) continue;
        const name = str(p['name']);
        const schema = resolveRef(p['schema']);
        if (!name || !schema) continue;
        const requiredFor = Array.isArray(p['x-vmconform-required-for']) ? p['x-vmconform-required-for'].join(', ') : undefined;
        const actions = Array.isArray(p['x-vmconform-actions']) ? ` (${p['x-vmconform-actions'].join(', ')} only)` : '';
        const req = p['required'] === true ? 'required' : requiredFor ? `required for ${requiredFor}` : 'optional';
        const at = p['in'] === 'header' ? 'header' : 'query';
        paramRules(name, schema, str(p['x-vmconform-docRef']), `${String(p['in'])} parameter of ${where}, ${req}${actions}`, { in: at, required: p['required'] === true || requiredFor !== undefined, example: p['example'] }, str(p['x-vmconform-testable']));
      }
      const body = isObj(op['requestBody']) ? op['requestBody'] : undefined;
      const content = body && isObj(body['content']) ? body['content'] : {};
      for (const [mediaType, media] of Object.entries(content)) {
        if (!isObj(media)) continue;
        const top = resolveRef(media['schema']);
        if (!top) continue;
        const variants = Array.isArray(top['anyOf']) ? top['anyOf'] : Array.isArray(top['oneOf']) ? top['oneOf'] : [top];
        for (const v of variants) {
          const s = isObj(v) ? resolveRef(v) : undefined;
          if (!s || !isObj(s['properties'])) continue;
          const schemaName = isObj(v) ? str(v['$ref'])?.split('/').pop() : undefined;
          const required = Array.isArray(s['required']) ? (s['required'] as unknown[]) : [];
          for (const [prop, ps] of Object.entries(s['properties'])) {
            const propSchema = resolveRef(ps);
            if (!propSchema || (isObj(ps) && ps['x-vmconform-signing'] === true)) continue;
            const how = `${mediaType} body field of ${where}${schemaName ? ` (${schemaName})` : ''}, ${required.includes(prop) ? 'required' : 'optional'}`;
            paramRules(prop, propSchema, str(propSchema['x-vmconform-docRef']) ?? str(s['x-vmconform-docRef']), how, { in: 'body', required: required.includes(prop), example: undefined });
          }
        }
      }
    }
  }

  for (const [detail, schemaName] of ENVELOPES) {
    const s = schemas[schemaName];
    if (!isObj(s)) continue;
    // `x-vmconform-testable: <reason>` on the schema: an envelope no case can ask for (aliyun's XML status answer).
    add('envelope', detail, `${schemaName}: ${str(s['description']) ?? ''}`.trim(), str(s['x-vmconform-docRef']), str(s['x-vmconform-testable']) ?? true);
  }
  for (const e of ext.errors) {
    add('error', e.code, `HTTP ${e.httpStatus} ${e.code}: ${e.meaning} [${e.source}]`, e.docRef, e.testable);
  }
  for (const l of ext.limits) add('limit', l.id, `${l.summary} (value ${l.value})`, l.docRef, l.testable ?? true);
  for (const s of ext.states.stoppable) add('state', `stoppable=${s}`, `An instance in ${s} can be stopped`, ext.states.docRef);
  for (const n of ext.states.notStoppable) {
    add('state', `not-stoppable=${n.status}`, `An instance in ${n.status} is not stopped: HTTP ${n.httpStatus} ${n.codes.join(' | ')}`, ext.states.docRef);
  }
  for (const t of ext.transitions) add('transition', `${t.from}->${t.to}`, `${t.from} -> ${t.to}`, t.docRef);
  for (const r of ext.resolutions) add('resolution', r.id, r.summary, r.docRef, r.testable ?? true);
  return [...rules.values()];
}

/**
 * The rules as a Markdown table (one row per rule).
 * @example console.log(formatInventory(ruleInventory('aliyun-ecs')))
 */
export function formatInventory(rules: readonly Rule[]): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
  const lines = ['| dialect | id | testable | summary | docRef |', '|---|---|---|---|---|'];
  for (const r of rules) {
    lines.push(`| ${r.dialect} | \`${cell(r.id)}\` | ${r.testable === true ? 'yes' : `no: ${cell(r.testable)}`} | ${cell(r.summary)} | ${cell(r.docRef)} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** Script entry: `--print [dialect]` prints the inventory of one dialect or all five. */
function main(argv: readonly string[]): number {
  if (argv[0] !== '--print') {
    process.stderr.write('usage: npx tsx src/specs/inventory.ts --print [dialect]\n');
    return 2;
  }
  const which = argv[1];
  if (which !== undefined && !isDialectName(which)) {
    process.stderr.write(`unknown dialect ${which}; one of ${DIALECT_NAMES.join(', ')}\n`);
    return 2;
  }
  const dialects = which === undefined ? DIALECT_NAMES : [which];
  process.stdout.write(formatInventory(dialects.flatMap((d) => ruleInventory(d))));
  return 0;
}

const entry = process.argv[1];
// (A worker started from code has no file for argv[1]: `[worker eval]`.)
if (entry !== undefined && existsSync(entry) && realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))) {
  process.exitCode = main(process.argv.slice(2));
}
