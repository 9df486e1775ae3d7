/**
 * Reads an observed HTTP request back into the normalized call it carries, for any dialect, without a second copy of
 * the dialect's wire facts: each wire style is learnt once by encoding probe calls with the dialect module itself
 * (where the action travels and how it is spelt for each operation, where the ids go and from which index, the region,
 * the Version, aliyun's Format, how booleans are written, and which keys only the encoding adds, such as signatures).
 * A request is then read by the style whose path, method and action place it matches.
 */
import { getDialect } from '../dialects/index.ts';
import type { Dialect, DialectName, OperationCall, OperationName, ParamValue, WireRequest, WireStyle } from '../dialects/types.ts';
import { dialectModel } from '../fuzz/model.ts';
import { STATES_PATH } from '../engine/defaults.ts';
import { ruleInventory } from '../specs/inventory.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';

/** What an observed request is, for the judge. */
export type ReadRequest =
  | { readonly kind: 'call'; readonly call: OperationCall }
  /** The provider-state endpoint (DESIGN.md §4). */
  | { readonly kind: 'states' }
  /** A path of the dialect, but an action the documents of StopInstances do not describe (not judged). */
  | { readonly kind: 'other-action'; readonly action: string }
  /** A request of the dialect's path whose method no wire style of the dialect uses (not judged). */
  | { readonly kind: 'other-method'; readonly method: string }
  /** Not a path of the dialect. */
  | { readonly kind: 'other-path'; readonly path: string }
  /** The dialect's path, but nothing of its wire style: no action, no id list, no parameter it knows (another dialect's traffic). */
  | { readonly kind: 'not-of-dialect' };

/** Where a value travels: a header (lower case) or a parameter (query, form or JSON body). */
type Place = { readonly in: 'header'; readonly name: string } | { readonly in: 'param'; readonly name: string };

/** How the ids travel: a JSON array under one key, or indexed parameters `prefix` + N from `base`. */
type IdsPlace = { readonly kind: 'array'; readonly name: string } | { readonly kind: 'indexed'; readonly prefix: string; readonly base: number };

/** One wire style of a dialect, learnt from its encoding. */
interface StyleShape {
  readonly style: WireStyle;
  readonly method: string;
  readonly path: string;
  readonly action: Place;
  readonly actions: Readonly<Record<OperationName, string | undefined>>;
  readonly ids: IdsPlace | undefined;
  readonly region: Place | undefined;
  readonly version: (Place & { readonly value: string }) | undefined;
  readonly format: Place | undefined;
  /** Wire spellings of booleans (`TRUE` -> true), learnt from an encoded boolean parameter. */
  readonly booleans: ReadonlyMap<string, boolean>;
  /** Parameters only the encoding adds (signature, timestamp, nonce, key id...). */
  readonly common: ReadonlySet<string>;
}

const PROBE_BASE = 'http://probe.invalid';
const PROBE_IDS = ['vmconformprobeida', 'vmconformprobeidb'];
const PROBE_REGION = 'vmconform-probe-region';
const PROBE_VERSION = 'vmconform-probe-version';

/** The parts of a request a value can travel in. */
interface Parts {
  readonly headers: Readonly<Record<string, string>>;
  /** Query and form parameters, in order (a name may repeat). */
  readonly pairs: readonly (readonly [string, string])[];
  /** The JSON body, when it is a JSON object. */
  readonly json: Readonly<Record<string, unknown>> | undefined;
  /** The body was meant as JSON (or form) but is not readable as such. */
  readonly unreadable: boolean;
  readonly path: string;
  /** The path is outside the target's path prefix (never a request of the dialect). */
  readonly outside: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function partsOf(req: WireRequest, basePath: string): Parts {
  const url = new URL(req.url);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
  const pairs: [string, string][] = [...url.searchParams];
  const type = (headers['content-type'] ?? '').toLowerCase();
  const body = req.body ?? '';
  let json: Record<string, unknown> | undefined;
  let unreadable = false;
  if (type.startsWith('application/x-www-form-urlencoded')) {
    pairs.push(...new URLSearchParams(body));
  } else if (body.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(body);
      if (isRecord(parsed)) json = parsed;
      else unreadable = true;
    } catch {
      unreadable = /json/.test(type) || type === '';
    }
  }
  const pathname = url.pathname;
  const inside = basePath === '' || pathname === basePath || pathname.startsWith(`${basePath}/`);
  const path = basePath !== '' && inside ? pathname.slice(basePath.length) || '/' : pathname;
  return { headers, pairs, json, unreadable, path, outside: !inside };
}

function paramValue(parts: Parts, name: string): unknown {
  if (parts.json && Object.hasOwn(parts.json, name)) return parts.json[name];
  return parts.pairs.find(([k]) => k === name)?.[1];
}

function valueAt(parts: Parts, place: Place): unknown {
  return place.in === 'header' ? parts.headers[place.name] : paramValue(parts, place.name);
}

/** Where a probe value landed: a header, a parameter, or nowhere. */
function find(parts: Parts, value: string): Place | undefined {
  for (const [k, v] of Object.entries(parts.headers)) if (v === value) return { in: 'header', name: k };
  for (const [k, v] of parts.pairs) if (v === value) return { in: 'param', name: k };
  for (const [k, v] of Object.entries(parts.json ?? {})) if (v === value) return { in: 'param', name: k };
  return undefined;
}

function paramNames(parts: Parts): string[] {
  return [...new Set([...parts.pairs.map(([k]) => k), ...Object.keys(parts.json ?? {})])];
}

function learnStyle(dialect: Dialect, style: WireStyle): StyleShape | undefined {
  const ctx = { baseUrl: PROBE_BASE, credentials: TEST_CREDENTIALS, region: PROBE_REGION, now: () => 1_700_000_000_000 };
  const encode = (call: Omit<OperationCall, 'style'>): Parts | undefined => {
    try {
      return partsOf(dialect.encode({ ...call, style }, ctx), '');
    } catch {
      return undefined;
    }
  };
  const stop = encode({ operation: 'StopInstances', instanceIds: PROBE_IDS });
  const request = (() => {
    try {
      return dialect.encode({ operation: 'StopInstances', instanceIds: PROBE_IDS, style }, ctx);
    } catch {
      return undefined;
    }
  })();
  if (!stop || !request) return undefined;
  const action = find(stop, 'StopInstances');
  if (!action) return undefined;
  const status = encode({ operation: 'DescribeStatus', instanceIds: PROBE_IDS });
  const statusAction = status ? valueAt(status, action) : undefined;
  let ids: IdsPlace | undefined;
  for (const [k, v] of Object.entries(stop.json ?? {})) {
    if (Array.isArray(v) && v.length === 2 && v[0] === PROBE_IDS[0] && v[1] === PROBE_IDS[1]) ids = { kind: 'array', name: k };
  }
  const first = stop.pairs.find(([, v]) => v === PROBE_IDS[0])?.[0];
  const indexed = first === undefined ? null : /^(.*?)(\d+)$/.exec(first);
  if (!ids && indexed) ids = { kind: 'indexed', prefix: indexed[1] ?? '', base: Number(indexed[2]) };
  const region = find(stop, PROBE_REGION);
  const versioned = encode({ operation: 'StopInstances', instanceIds: PROBE_IDS, version: PROBE_VERSION });
  const versionPlace = versioned ? find(versioned, PROBE_VERSION) : undefined;
  const documentedVersion = versionPlace ? valueAt(stop, versionPlace) : undefined;
  const xml = encode({ operation: 'StopInstances', instanceIds: PROBE_IDS, format: 'XML' });
  const format = xml ? find(xml, 'XML') : undefined;
  const booleans = new Map<string, boolean>();
  for (const [name, facts] of dialectModel(dialect.name).params) {
    if (facts.type !== 'boolean') continue;
    for (const b of [true, false]) {
      const probe = encode({ operation: 'StopInstances', instanceIds: PROBE_IDS, params: { [name]: b } });
      const wire = probe ? paramValue(probe, name) : undefined;
      if (typeof wire === 'string') booleans.set(wire, b);
    }
  }
  const known = new Set<string>([action, region, versionPlace, format].flatMap((p) => (p?.in === 'param' ? [p.name] : [])));
  const common = new Set(paramNames(stop).filter((k) => !known.has(k) && (ids?.kind === 'array' ? k !== ids.name : !(indexed && k.startsWith(ids?.kind === 'indexed' ? ids.prefix : '\0')))));
  return {
    style,
    method: request.method,
    path: new URL(request.url).pathname,
    action,
    actions: { StopInstances: 'StopInstances', DescribeStatus: typeof statusAction === 'string' ? statusAction : undefined },
    ids,
    region,
    version: versionPlace && typeof documentedVersion === 'string' ? { ...versionPlace, value: documentedVersion } : undefined,
    format,
    booleans,
    common,
  };
}

const shapes = new Map<DialectName, readonly StyleShape[]>();

function shapesOf(name: DialectName): readonly StyleShape[] {
  const hit = shapes.get(name);
  if (hit) return hit;
  const dialect = getDialect(name);
  const made = dialect.styles.flatMap((s) => learnStyle(dialect, s) ?? []);
  shapes.set(name, made);
  return made;
}

function toParamValue(name: string, raw: unknown, shape: StyleShape, dialect: DialectName, fromJson: boolean): ParamValue {
  if (raw === null || typeof raw === 'boolean' || typeof raw === 'number') return raw;
  if (typeof raw !== 'string') return JSON.stringify(raw);
  if (fromJson) return raw;
  const facts = dialectModel(dialect).params.get(name);
  if (facts?.type === 'boolean' && shape.booleans.has(raw)) return shape.booleans.get(raw) ?? raw;
  if ((facts?.type === 'integer' || facts?.type === 'number') && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
}

/**
 * Read an observed request of `dialect` (its URL absolute; `basePath` the target's path prefix, `''` for none).
 *
 * @example
 * readRequest('zenlayer-vm', { method: 'POST', url: 'http://127.0.0.1:8080/api/v2/vm', headers, body }, '')
 * // { kind: 'call', call: { operation: 'StopInstances', instanceIds: ['vm-1'], params: {}, style: 'json' } }
 */
export function readRequest(dialect: DialectName, req: WireRequest, basePath: string): ReadRequest {
  let parts: Parts;
  try {
    parts = partsOf(req, basePath);
  } catch {
    return { kind: 'other-path', path: req.url };
  }
  if (parts.outside) return { kind: 'other-path', path: parts.path };
  if (parts.path === STATES_PATH) return { kind: 'states' };
  const onPath = shapesOf(dialect).filter((s) => s.path === parts.path);
  if (onPath.length === 0) return { kind: 'other-path', path: parts.path };
  const sameMethod = onPath.filter((s) => s.method === req.method || (s.action.in === 'header' && (req.method === 'GET' || req.method === 'POST')));
  if (sameMethod.length === 0) return { kind: 'other-method', method: req.method };
  const shape = sameMethod.find((s) => typeof valueAt(parts, s.action) === 'string') ?? sameMethod[0];
  if (!shape) return { kind: 'other-method', method: req.method };
  const actionValue = valueAt(parts, shape.action);
  const action = typeof actionValue === 'string' ? actionValue : '';
  const operation = (Object.keys(shape.actions) as OperationName[]).find((op) => shape.actions[op] === action);
  // A missing or empty action is a request no action names: judged as an unknown action (a client error).
  if (operation === undefined && action !== '') return { kind: 'other-action', action };
  const call = callOf(dialect, shape, parts, operation, req.body);
  // No action where the dialect carries it, no id list and no parameter it knows: not a request of this dialect.
  if (operation === undefined && call.instanceIds === undefined && !Object.entries(call.params ?? {}).some(([k, v]) => v !== null && knownParams(dialect).has(k))) return { kind: 'not-of-dialect' };
  return { kind: 'call', call };
}

const KNOWN_PARAMS = new Map<DialectName, ReadonlySet<string>>();

/** The parameter names the dialect's rule inventory knows (`param:<name>`). */
function knownParams(dialect: DialectName): ReadonlySet<string> {
  const known = KNOWN_PARAMS.get(dialect) ?? new Set(ruleInventory(dialect).flatMap((r) => (r.id.startsWith('param:') ? [r.id.slice('param:'.length)] : [])));
  KNOWN_PARAMS.set(dialect, known);
  return known;
}

function callOf(dialect: DialectName, shape: StyleShape, parts: Parts, operation: OperationName | undefined, body: string | undefined): OperationCall {
  const params: Record<string, ParamValue> = {};
  const extraQuery: [string, string][] = [];
  let instanceIds: string[] | undefined;
  let unreadable = parts.unreadable;
  const ids = shape.ids;
  const taken = new Set<string>([shape.action, shape.region, shape.version, shape.format].flatMap((p) => (p?.in === 'param' ? [p.name] : [])));
  if (ids?.kind === 'array') {
    taken.add(ids.name);
    const raw = parts.json?.[ids.name];
    if (raw !== undefined) {
      if (Array.isArray(raw) && raw.every((v): v is string => typeof v === 'string')) instanceIds = raw;
      else unreadable = true;
    }
  } else if (ids?.kind === 'indexed') {
    const found: [number, string][] = [];
    for (const [k, v] of parts.pairs) {
      if (!k.startsWith(ids.prefix)) continue;
      const n = k.slice(ids.prefix.length);
      if (!/^\d+$/.test(n)) continue;
      taken.add(k);
      if (Number(n) >= ids.base) found.push([Number(n), v]);
      else extraQuery.push([k, v]);
    }
    if (found.length > 0) instanceIds = found.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }
  const known = dialectModel(dialect).params;
  if (parts.json) {
    for (const [k, v] of Object.entries(parts.json)) {
      if (taken.has(k) || shape.common.has(k)) continue;
      params[k] = toParamValue(k, v, shape, dialect, true);
    }
  }
  for (const [k, v] of parts.pairs) {
    if (taken.has(k) || shape.common.has(k) || Object.hasOwn(params, k)) continue;
    if (known.has(k)) params[k] = toParamValue(k, v, shape, dialect, false);
    else extraQuery.push([k, v]);
  }
  const region = shape.region ? valueAt(parts, shape.region) : undefined;
  const version = shape.version ? valueAt(parts, shape.version) : undefined;
  const format = shape.format ? valueAt(parts, shape.format) : undefined;
  if (shape.format?.in === 'param') params[shape.format.name] = typeof format === 'string' ? format : null;
  return {
    operation: operation ?? 'StopInstances',
    ...(operation === undefined ? { action: '' } : {}),
    ...(instanceIds !== undefined ? { instanceIds } : {}),
    params,
    style: shape.style,
    ...(shape.region ? { region: typeof region === 'string' && region !== '' ? region : null } : {}),
    ...(shape.version && version !== shape.version.value ? { version: typeof version === 'string' ? version : null } : {}),
    ...(format === 'XML' || format === 'JSON' ? { format } : {}),
    ...(unreadable ? { rawBody: body ?? '' } : {}),
    ...(extraQuery.length > 0 ? { extraQuery } : {}),
  };
}

/**
 * The inventory id of the id-list parameter a call's wire style uses (`param:InstanceIds`, `param:InstanceId.N`).
 *
 * @example
 * idsParamRule('aliyun-ecs', { operation: 'StopInstances', style: 'query-get' }) // 'param:InstanceId.N'
 */
export function idsParamRule(dialect: DialectName, call: OperationCall): string | undefined {
  const ids = shapeOfCall(dialect, call)?.ids;
  if (!ids) return undefined;
  return ids.kind === 'array' ? `param:${ids.name}` : `param:${ids.prefix}N`;
}

/**
 * The rule id of the parameter that carries the action in a call's wire style, header names in lower case
 * (`param:Action`, `param:x-tc-action`): compare it with inventory ids without letter case.
 *
 * @example
 * actionParamRule('zenlayer-vm', { operation: 'StopInstances' }) // 'param:x-zc-action'
 */
export function actionParamRule(dialect: DialectName, call: OperationCall): string | undefined {
  const place = shapeOfCall(dialect, call)?.action;
  return place ? `param:${place.name}` : undefined;
}

/**
 * The parameters a request carries, as the inventory names them: each header, query, form and top-level JSON
 * parameter with its value (a scalar's text; `undefined` for an array or object), an indexed one (`InstanceId.3`) as
 * its `.N` name. Compare the names with inventory ids without letter case (headers travel in lower case).
 *
 * @example
 * carriedParams(request, '') // [['x-tc-action', 'StopInstances'], ['InstanceIds', undefined], ...]
 */
export function carriedParams(req: WireRequest, basePath: string): [string, string | undefined][] {
  const parts = partsOf(req, basePath);
  const scalar = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
  const indexed = (name: string): string => name.replace(/\.\d+$/, '.N');
  return [
    ...Object.entries(parts.headers).map(([k, v]): [string, string | undefined] => [k, v]),
    ...parts.pairs.map(([k, v]): [string, string | undefined] => (indexed(k) === k ? [k, v] : [indexed(k), undefined])),
    ...Object.entries(parts.json ?? {}).map(([k, v]): [string, string | undefined] => [k, scalar(v)]),
  ];
}

function shapeOfCall(dialect: DialectName, call: OperationCall): StyleShape | undefined {
  return shapesOf(dialect).find((s) => s.style === (call.style ?? getDialect(dialect).styles[0]));
}
