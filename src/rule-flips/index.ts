/**
 * Rule flips: for every testable rule of a dialect's inventory, one or more variants of the reference provider that
 * break that rule alone (a parameter refused or not validated, a value refused, another default, a code renamed or
 * sent with another status, a status word made stoppable, a transition that never comes, an envelope bent, a
 * DESIGN.md resolution reversed...). Generated from the rule's kind and the spec's facts, with a hand-written flip
 * per resolution. The rule-observation test runs each rule's credited rows against its flips: a row is credited with a
 * rule only when some flip of that rule makes it fail.
 */
import { makeInstanceId, spellBoolean } from '../dialects/description.ts';
import { describeDialect } from '../dialects/descriptions/index.ts';
import type { DialectName } from '../dialects/types.ts';
import type { Provider, ProviderOptions } from '../provider/handlers.ts';
import { instanceProblem } from '../provider/context.ts';
import { defaultRules, RECYCLED_LAST_PRECEDENCE, type CodeTable, type ErrorKey, type ErrorSpec } from '../provider/rules.ts';
import { ruleInventory, type ParamFacts, type Rule } from '../specs/inventory.ts';
import {
  actionOf,
  aliyunFormat,
  apiOnly,
  isStatesRequest,
  isStatusRequest as isStatus,
  isStopRequest as isStop,
  mapObjects,
  paramValues,
  refuse,
  requestedIds,
  rewriteAnswer,
  rewriteJsonBody,
  setParam,
  startSpec,
  STATUS_ACTIONS,
  undocumentedKeys,
  type Forward,
  type StartVariant,
  type VariantSpec,
} from '../provider-variants/build.ts';

/** One way of breaking one rule. */
export interface RuleFlip {
  readonly dialect: DialectName;
  /** The inventory rule it breaks, e.g. `error:InvalidInstanceId.NotFound`. */
  readonly rule: string;
  /** Short slug of the way, e.g. `renamed`, `refuse-present`. */
  readonly how: string;
  readonly description: string;
  /** The flip as data: options and layers, so it composes with legal perturbations (`src/legal-providers/`). */
  readonly spec: VariantSpec;
  /** Start it on an ephemeral loopback port. */
  readonly start: StartVariant;
}

/** A flip before it is given its `start`. */
type FlipDraft = Omit<RuleFlip, 'start'>;

/** A flip made by overriding the reference provider's options. */
const opts = (options: ProviderOptions): VariantSpec => ({ options });

const MUTANT_CODE = 'VMCONFORM.MutantCode';


/** A valid id of the dialect nobody seeds, for requests a flip completes itself. */
function dummyId(dialect: DialectName): string {
  return makeInstanceId(describeDialect(dialect).ids.make, 'rule-flip.dummy');
}

/** A layer in front of the reference for API requests only (provider-state requests pass through). */
function onApi(answer: (request: Request, forward: Forward, provider: Provider) => Promise<Response>, extra?: ProviderOptions): VariantSpec {
  return { layers: [apiOnly(answer)], ...(extra === undefined ? {} : { options: extra }) };
}

/** Every answer rewritten with `edit` (API answers only). */
function rewriteAll(edit: Parameters<typeof rewriteAnswer>[1], when: (request: Request) => Promise<boolean> = async () => true): VariantSpec {
  return onApi(async (request, forward) => ((await when(request)) ? rewriteAnswer(await forward(request), edit) : forward(request)));
}

/**
 * The textual form of a boolean in a request that is not JSON: as the dialect's first text style spells it (tencent
 * `TRUE`, aliyun `true`); a dialect without one (JSON only) gets JSON's text.
 */
function booleanText(dialect: DialectName, value: boolean): string {
  const wire = describeDialect(dialect).wire.find((w) => w.booleans !== 'json');
  return String(wire === undefined ? value : spellBoolean(wire, value));
}

/** Whether a value the request carries is a valid value of the parameter (enum member, or a boolean). */
function isValidValue(facts: ParamFacts, value: unknown): boolean {
  if (facts.enum) return facts.enum.some((e) => String(e) === String(value));
  if (facts.type === 'boolean') return typeof value === 'boolean' || /^(true|false)$/i.test(String(value));
  return true;
}

/** A valid value to put where the request carries an invalid one, or where a required one is missing. */
function validValue(dialect: DialectName, facts: ParamFacts, inJson: boolean): unknown {
  const pick = facts.default ?? facts.enum?.[0] ?? facts.example;
  if (facts.type === 'boolean') {
    const b = typeof pick === 'boolean' ? pick : String(pick).toLowerCase() === 'true';
    return inJson ? b : booleanText(dialect, b);
  }
  if (facts.type === 'array' || facts.name.endsWith('.N') || facts.type === 'object') return [dummyId(dialect)];
  return pick ?? 'x';
}

/** Another value than the default, for a flipped default. */
function otherValue(dialect: DialectName, facts: ParamFacts, inJson: boolean): unknown {
  if (facts.type === 'boolean') {
    const d = String(facts.default).toLowerCase() === 'true';
    return inJson ? !d : booleanText(dialect, !d);
  }
  return facts.enum?.find((e) => String(e) !== String(facts.default));
}

const jsonRequest = (request: Request): boolean => (request.headers.get('content-type') ?? '').includes('json');

/** Flips of a `param`, `enum` or `default` rule, from the spec's facts of the parameter. */
function paramFlips(dialect: DialectName, rule: Rule): FlipDraft[] {
  const facts = rule.param;
  if (!facts) return [];
  const name = facts.name;
  const flips: FlipDraft[] = [];
  const flip = (how: string, description: string, spec: VariantSpec): void => {
    flips.push({ dialect, rule: rule.id, how, description, spec });
  };
  if (rule.kind === 'param') {
    flip('refuse-present', `refuses every request that carries ${name}`, onApi(async (request, forward, provider) =>
      (await paramValues(request, name)).length > 0 ? refuse(provider, request, 'invalidParameter', `${name} is not supported`) : forward(request),
    ));
    if (facts.enum || facts.type === 'boolean') {
      flip('accept-any-value', `accepts any value of ${name} (an invalid one is taken as a valid one)`, onApi(async (request, forward) => {
        const values = await paramValues(request, name);
        const bad = values.some((v) => !isValidValue(facts, v));
        return forward(bad ? await setParam(request, name, validValue(dialect, facts, jsonRequest(request))) : request);
      }));
    }
    if (facts.required) {
      flip('not-required', `takes a request without ${name} (or with an empty one) as if it carried a valid one`, onApi(async (request, forward, provider) => {
        if (!(await isStop(request)) && !facts.name.toLowerCase().includes('action')) return forward(request);
        if ((await paramValues(request, name)).some((v) => v !== '')) return forward(request);
        provider.store.put(dummyId(dialect), provider.rules.lifecycle.running, false);
        const where = facts.in.includes('header') ? 'header' : undefined;
        return forward(await setParam(request, name, validValue(dialect, facts, jsonRequest(request)), where));
      }));
    }
  }
  if (rule.kind === 'enum') {
    const value = rule.id.slice(rule.id.indexOf('=') + 1);
    flip('refuse-value', `refuses ${name}=${value}`, onApi(async (request, forward, provider) =>
      (await paramValues(request, name)).some((v) => String(v).toLowerCase() === value.toLowerCase())
        ? refuse(provider, request, 'invalidParameterValue', `${name}=${value} is not supported`)
        : forward(request),
    ));
  }
  if (rule.kind === 'default') {
    flip('other-default', `takes an absent ${name} as another value than its default`, onApi(async (request, forward) => {
      if ((await paramValues(request, name)).length > 0) return forward(request);
      if (!(await isStop(request)) && name !== 'Format') return forward(request);
      const other = otherValue(dialect, facts, jsonRequest(request));
      return forward(other === undefined ? request : await setParam(request, name, other));
    }));
  }
  return flips;
}

/** The keys of the reference code table that answer a code. */
function keysOf(dialect: DialectName, code: string): ErrorKey[] {
  return (Object.entries(defaultRules(dialect).codes) as [ErrorKey, ErrorSpec][]).filter(([, spec]) => spec.code === code).map(([k]) => k);
}

/** Rename every occurrence of a code in an answer (error envelopes and per-instance entries). */
function renameCode(code: string, to: string) {
  return (body: unknown): unknown =>
    mapObjects(body, (obj) => {
      const out = { ...obj };
      for (const k of ['Code', 'code']) if (out[k] === code) out[k] = to;
      return out;
    });
}

/** A situation of the code table in words, for flip descriptions. */
const SITUATION: Partial<Record<ErrorKey, string>> = { notFound: 'an unknown id' };

/** Flips of an `error:CODE` rule: the code renamed; outside tencent (errors are HTTP 200) also another HTTP status. */
function errorFlips(dialect: DialectName, rule: Rule): FlipDraft[] {
  const code = rule.id.slice('error:'.length);
  const keys = keysOf(dialect, code);
  // Renaming a code the reference never answers (aliyun's InvalidInstanceIds.NotFound, an alternative 004:184 lists)
  // would change nothing: no flip.
  const flips: FlipDraft[] =
    keys.length === 0
      ? []
      : [{ dialect, rule: rule.id, how: 'renamed', description: `answers ${MUTANT_CODE} where it would answer ${code}`, spec: rewriteAll(renameCode(code, MUTANT_CODE)) }];
  const description = describeDialect(dialect);
  if (!description.errorsAsHttp200 && keys.length > 0) {
    const codes: Partial<CodeTable> = Object.fromEntries(keys.map((k) => [k, { code, httpStatus: 418 }]));
    flips.push({ dialect, rule: rule.id, how: 'wrong-status', description: `answers ${code} with HTTP 418`, spec: opts({ rules: { codes } }) });
  }
  // A documented alternative the reference never answers (aliyun's InvalidInstanceIds.NotFound for an unknown id):
  // adopted for its situation, but with a status the document does not give it.
  for (const alternative of description.alternativeCodes.filter((a) => a.code === code)) {
    flips.push({
      dialect,
      rule: rule.id,
      how: 'adopted-wrong-status',
      description: `answers ${SITUATION[alternative.key] ?? alternative.key} with ${code} and HTTP 400`,
      spec: opts({ rules: { codes: { [alternative.key]: { code, httpStatus: 400 } } } }),
    });
  }
  return flips;
}

/**
 * A zenlayer StopInstances that drops the ids which are not non-empty strings and serves the rest; a list of only
 * such ids is answered with the success envelope, stopping nothing. What DESIGN.md §2 forbids (ids are non-empty
 * strings: anything else is a client error). For the rule flip and the wrong provider that break that rule.
 */
export async function serveOnlyStringIds(request: Request, forward: Forward): Promise<Response> {
  let dropped = 0;
  let kept = 0;
  const edited = await rewriteJsonBody(request, (body) => {
    const all: unknown = body['instanceIds'];
    if (!Array.isArray(all)) return body;
    const ids = all.filter((id) => typeof id === 'string' && id !== '');
    dropped = all.length - ids.length;
    kept = ids.length;
    return { ...body, instanceIds: ids };
  });
  if (dropped === 0 || kept > 0) return forward(edited);
  return Response.json({ requestId: 'r-dropped', response: { requestId: 'r-dropped' } }, { status: 200 });
}

/** After an accepted stop, put the named instances back to `word` (what they were, or another word). */
function stopLands(word: (before: string, provider: Provider) => string): VariantSpec {
  return onApi(async (request, forward, provider) => {
    if (!(await isStop(request))) return forward(request);
    const ids = await requestedIds(request);
    const before = new Map(ids.flatMap((id) => {
      const v = provider.store.get(id);
      return v ? [[id, v] as const] : [];
    }));
    const answer = await forward(request);
    if (answer.status === 200 && !(await answer.clone().text()).includes('"Error"')) {
      for (const [id, v] of before) if (provider.store.get(id)?.status !== v.status) provider.store.put(id, word(v.status, provider), v.securityLocked);
    }
    return answer;
  });
}

/** Codes of the given keys answered with another HTTP status. */
function withStatus(dialect: DialectName, keys: readonly ErrorKey[], httpStatus: number): Partial<CodeTable> {
  const table = defaultRules(dialect).codes;
  return Object.fromEntries(keys.map((k) => [k, { code: table[k].code, httpStatus }]));
}

const ALL_KEYS = Object.keys(defaultRules('zenlayer-vm').codes) as ErrorKey[];

/**
 * Flips of a value only some instances may take (DESIGN.md §3 eligibility: api3 `STOP_CHARGING`, aliyun
 * `StopCharging`). Refusing the value is legal (a client error that changed nothing), so what breaks the rule is a
 * 5xx, or a refusal that stops the instance anyway.
 */
function eligibilityFlips(param: string, value: string): { how: string; description: string; spec: VariantSpec }[] {
  const carries = async (request: Request): Promise<boolean> => (await isStop(request)) && (await paramValues(request, param)).some((v) => v === value);
  return [
    {
      how: 'value-5xx',
      description: `answers HTTP 500 to a stop with ${param}=${value}`,
      spec: onApi(async (request, forward) =>
        (await carries(request)) ? new Response(JSON.stringify({ error: 'boom' }), { status: 500, headers: { 'content-type': 'application/json' } }) : forward(request),
      ),
    },
    {
      how: 'refused-but-stopped',
      description: `refuses a stop with ${param}=${value} as a client error, yet stops the instance`,
      spec: onApi(async (request, forward, provider) => {
        if (!(await carries(request))) return forward(request);
        await forward(request.clone());
        return refuse(provider, request, 'invalidParameterValue', `${param}=${value} is not available for this instance`);
      }),
    },
  ];
}

/**
 * Generated flips whose behaviour a pin makes legal, so they break no rule: never generated. Keyed
 * `<dialect> <rule>/<how>`, each with the reason.
 */
export const LEGAL_NOT_FLIPS: Readonly<Record<string, string>> = {
  'tencent-cvm-api3 enum:StoppedMode=STOP_CHARGING/refuse-value':
    'DESIGN.md §3 eligibility: STOP_CHARGING is valid only for some instances (002:42), so refusing it is a legal client error',
  'aliyun-ecs enum:StoppedMode=StopCharging/refuse-value':
    'DESIGN.md §3 eligibility: StopCharging takes effect only under conditions (004:47-50), so refusing it is a legal client error',
  'aliyun-ecs param:Format/accept-any-value':
    'no document says what a Format other than JSON or XML gets (DESIGN.md §3 judges only the answers to Format=JSON and Format=XML)',
  ...Object.fromEntries(
    ['DryRunOperation', 'IncorrectInstanceState', 'InvalidInstanceID.NotFound', 'InvalidInstanceID.Malformed', 'MissingParameter'].map((code) => [
      `aws-ec2 error:${code}/wrong-status`,
      'aws-ec2.md:199: a client error is any 4xx and no per-code status is required, so another 4xx (418) is legal',
    ]),
  ),
  'aws-ec2 error:InvalidInstanceID.NotFound/adopted-wrong-status':
    'aws-ec2.md:199: a client error is any 4xx and no per-code status is required, so another 4xx (418) is legal',
  'aws-ec2 limit:instance-ids-max/max-101':
    'aws-ec2.md:190: StopInstances documents no limit, so 101 ids may succeed (a refusal must only change nothing)',
  'tencent-cvm-api3 param:X-TC-Timestamp/not-required':
    'DESIGN.md §2: targets that do not check signatures must ignore the common parameters (Timestamp...), so a request without one may be served',
};

/**
 * Flips no row catches yet, each with why. The coverage report credits none of their rules (it lists them as partly
 * checked), and the rule-observation test fails when one of them is caught (then it belongs off this list) or when
 * any other flip of a credited rule is not. Keyed `<dialect> <rule>/<how>`.
 */
export const UNCAUGHT_FLIPS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    (['param:SkipOsShutdown', 'param:Force', 'param:DryRun'] as const).map((rule) => [
      `aws-ec2 ${rule}/accept-any-value`,
      'issue 17: no aws-ec2 row sends this parameter a value other than true or false yet (param.Force.invalid-rejected credits the boolean resolution only)',
    ]),
  ),
  ...Object.fromEntries(
    (['accept-any-value', 'not-required'] as const).map((how) => [
      `aws-ec2 param:Version/${how}`,
      'issue 17: no aws-ec2 row sends a missing or another Version yet (the wire rows send 2016-11-15 only)',
    ]),
  ),
  ...Object.fromEntries(
    (
      [
        ['tencent-cvm-api3', 'param:Version'],
      ] as const
    ).flatMap(([d, rule]) =>
      ['not-required', 'accept-any-value'].map((how) => [
        `${d} ${rule}/${how}`,
        'the GET variant (SHOULD, DESIGN.md §2) is checked only for serving a stop (style.query-get); the missing and wrong Version are checked in the JSON style (version.missing.rejected, version.wrong.rejected on X-TC-Version)',
      ]),
    ),
  ),
  ...Object.fromEntries(
    (['param:Action/not-required', 'param:Action/accept-any-value', 'param:Region/not-required', 'param:InstanceIds.N/not-required'] as const).map((k) => [
      `tencent-cvm-api3 ${k}`,
      'the GET variant (SHOULD, DESIGN.md §2) is checked only for serving a stop (style.query-get); the missing and wrong Action, Region and id list are checked in the JSON style (action.*, region.missing.rejected, ids.missing.rejected)',
    ]),
  ),
};

/**
 * Credited rules whose flips are not written yet (issue 17: the aws-ec2 flips; an XML answer is not rewritten by the
 * envelope flips, and the codes the reference never answers have no flip that reaches a row). The coverage report
 * lists them as partly checked, and the rule-observation test leaves them out until their flips exist. Keyed
 * `<dialect> <rule>`.
 */
export const FLIPS_TO_WRITE: Readonly<Record<string, string>> = Object.fromEntries(
  [
    'param:Hibernate',
    'error:InvalidParameterCombination',
    'resolution:open-envelopes',
    'resolution:namespace-not-judged',
    'resolution:content-type-not-judged',
  ].map((rule) => [`aws-ec2 ${rule}`, 'issue 17: the aws-ec2 rule flips are not written yet (the dialect came with its cases, contract and SDK interop first)']),
);

/** Whether a credited rule's flips are still to be written ({@link FLIPS_TO_WRITE}). */
export function flipsToWrite(dialect: DialectName, rule: string): boolean {
  return FLIPS_TO_WRITE[`${dialect} ${rule}`] !== undefined;
}

/** The key of a flip in {@link LEGAL_NOT_FLIPS} and {@link UNCAUGHT_FLIPS}. */
export function flipKey(flip: Pick<RuleFlip, 'dialect' | 'rule' | 'how'>): string {
  return `${flip.dialect} ${flip.rule}/${flip.how}`;
}

/** Flips of the resolutions (DESIGN.md §3) and the other hand-made rules, by rule id. */
function resolutionFlips(dialect: DialectName): Record<string, { how: string; description: string; spec: VariantSpec }[]> {
  const rules = defaultRules(dialect);
  const { running, stopping } = rules.lifecycle;
  const other = rules.statusWords.find((w) => w !== running && w !== stopping && w !== rules.lifecycle.stopped) ?? running;
  const stopAcceptedChangesNothing = { how: 'stop-changes-nothing', description: 'an accepted stop leaves the instances as they were', spec: stopLands((before) => before) };
  return {
    'enum:StoppedMode=STOP_CHARGING': eligibilityFlips('StoppedMode', 'STOP_CHARGING'),
    'enum:StoppedMode=StopCharging': eligibilityFlips('StoppedMode', 'StopCharging'),
    'transition:RUNNING->STOPPING': [stopAcceptedChangesNothing],
    'transition:Running->Stopping': [stopAcceptedChangesNothing],
    'transition:STOPPING->STOPPED': [{ how: 'never-stopped', description: 'an accepted stop reads STOPPING for ten minutes', spec: opts({ transitionMs: 600_000 }) }],
    'transition:Stopping->Stopped': [{ how: 'never-stopped', description: 'an accepted stop reads Stopping for ten minutes', spec: opts({ transitionMs: 600_000 }) }],
    // aws-ec2 (specs/sources/aws-ec2.md, §12 pins).
    'transition:running->stopping': [stopAcceptedChangesNothing],
    'transition:stopping->stopped': [{ how: 'never-stopped', description: 'an accepted stop reads stopping for ten minutes', spec: opts({ transitionMs: 600_000 }) }],
    'resolution:pending-incorrect-state': [
      { how: 'other-code', description: 'answers InvalidParameterValue for a status that may not be stopped', spec: opts({ rules: { codes: { wrongState: { code: 'InvalidParameterValue', httpStatus: 400 } } } }) },
    ],
    'resolution:terminated-client-error': [
      { how: 'server-error', description: 'answers HTTP 500 for a status that may not be stopped', spec: opts({ rules: { codes: withStatus(dialect, ['wrongState'], 500) } }) },
    ],
    'resolution:stopping-stopped-may-succeed': [
      {
        how: 'server-error',
        description: 'answers HTTP 500 to a stop of an instance already stopping or stopped',
        spec: opts({ rules: { stoppableWords: [running], codes: withStatus(dialect, ['wrongState'], 500) } }),
      },
    ],
    'resolution:malformed-or-unknown-id': [
      {
        how: 'other-codes',
        description: 'answers InvalidParameterValue for unknown and malformed ids',
        spec: opts({ rules: { codes: { notFound: { code: 'InvalidParameterValue', httpStatus: 400 }, malformedId: { code: 'InvalidParameterValue', httpStatus: 400 } } } }),
      },
    ],
    'resolution:missing-ids-two-codes': [
      { how: 'other-code', description: 'answers InvalidParameterValue to a request without ids', spec: opts({ rules: { codes: { missingParameter: { code: 'InvalidParameterValue', httpStatus: 400 } } } }) },
    ],
    'resolution:more-than-100-ids': [
      { how: 'server-error', description: 'answers HTTP 500 to more than 100 ids', spec: opts({ rules: { codes: withStatus(dialect, ['limitExceeded'], 500) } }) },
    ],
    'resolution:dryrun-operation-any-4xx': [
      { how: 'dry-run-http-200', description: 'a passing dry run answers DryRunOperation with HTTP 200', spec: opts({ rules: { codes: withStatus(dialect, ['dryRunSuccess'], 200) } }) },
    ],
    'resolution:error-by-http-status': [
      { how: 'errors-http-200', description: 'answers every error with HTTP 200', spec: opts({ rules: { codes: withStatus(dialect, ALL_KEYS, 200) } }) },
    ],
    'resolution:booleans-true-false': [
      {
        how: 'upper-case-accepted',
        description: 'takes Force=TRUE as true',
        spec: onApi(async (request, forward) => forward((await paramValues(request, 'Force')).includes('TRUE') ? await setParam(request, 'Force', 'true') : request)),
      },
    ],
    'resolution:force-skip-os-shutdown-stop': [
      {
        how: 'refused',
        description: 'refuses a stop with Force or SkipOsShutdown',
        spec: onApi(async (request, forward, provider) =>
          (await isStop(request)) && (await paramValues(request, 'Force')).length + (await paramValues(request, 'SkipOsShutdown')).length > 0
            ? refuse(provider, request, 'invalidParameterValue', 'Force and SkipOsShutdown are not supported')
            : forward(request),
        ),
      },
    ],
    'resolution:wire-post-form-get-should': [
      { how: 'no-get', description: 'serves only the form POST; GET answers 405', spec: onApi(async (request, forward) => (request.method === 'GET' ? new Response('method not allowed', { status: 405 }) : forward(request))) },
    ],
    'resolution:hibernate-stop-or-client-error': [
      {
        how: 'server-error',
        description: 'answers HTTP 500 to a stop with Hibernate=true',
        spec: onApi(async (request, forward) =>
          (await isStop(request)) && (await paramValues(request, 'Hibernate')).includes('true') ? new Response('boom', { status: 500 }) : forward(request),
        ),
      },
    ],
    'resolution:request-ids': [
      {
        how: 'no-request-id',
        description: 'a StopInstances answer carries no request id',
        spec: rewriteAll((body) => mapObjects(body, (o) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'requestId' && k !== 'RequestID'))), isStop),
      },
    ],
    'resolution:state-code-low-byte': [
      {
        how: 'codes-off-by-one',
        description: 'the state codes of a StopInstances answer do not match their names (code + 1)',
        spec: rewriteAll((body) => mapObjects(body, (o) => (typeof o['name'] === 'string' && typeof o['code'] === 'string' ? { ...o, code: String(Number(o['code']) + 1) } : o)), isStop),
      },
    ],
    'resolution:accepted-stop-reads-stopping': [
      { how: 'stop-reads-another-word', description: `an accepted stop leaves the instances reading ${other}`, spec: stopLands(() => other) },
    ],
    'limit:instance-ids-max': [
      { how: 'max-99', description: 'refuses a batch of 100 ids', spec: opts({ rules: { maxIds: 99 } }) },
      { how: 'max-101', description: 'accepts a batch of 101 ids', spec: opts({ rules: { maxIds: 101 } }) },
    ],
    'limit:rate-per-second': [
      { how: 'no-limit', description: 'serves any number of StopInstances per second', spec: opts({ rateLimitPerSecond: false }) },
      { how: 'limit-5', description: 'serves only 5 StopInstances per second', spec: opts({ rateLimitPerSecond: 5 }) },
    ],
    'resolution:api3-rate-limit': [
      { how: 'no-limit', description: 'serves any number of StopInstances per second', spec: opts({ rateLimitPerSecond: false }) },
      { how: 'limit-5', description: 'serves only 5 StopInstances per second', spec: opts({ rateLimitPerSecond: 5 }) },
    ],
    'resolution:tencent-errors-http-200': [
      { how: 'errors-http-400', description: 'answers every error with HTTP 400', spec: opts({ rules: { codes: withStatus(dialect, ALL_KEYS, 400) } }) },
    ],
    'resolution:zenlayer-errors-http-4xx': [
      { how: 'errors-http-200', description: 'answers every error with HTTP 200', spec: opts({ rules: { codes: withStatus(dialect, ALL_KEYS, 200) } }) },
    ],
    'resolution:not-stoppable-code': [
      { how: 'other-code', description: 'answers InvalidParameterValue for a status that may not be stopped', spec: opts({ rules: { codes: { wrongState: { code: 'InvalidParameterValue', httpStatus: 200 } } } }) },
    ],
    'resolution:not-stoppable-codes': [
      { how: 'other-code', description: 'answers OperationDenied for a status that may not be stopped', spec: opts({ rules: { codes: { wrongState: { code: 'OperationDenied', httpStatus: 403 }, notReady: { code: 'OperationDenied', httpStatus: 403 } } } }) },
    ],
    'resolution:missing-vs-empty-ids': [
      { how: 'missing-other-code', description: 'answers an absent id list with InvalidParameterValue', spec: opts({ rules: { codes: { missingParameter: { code: 'InvalidParameterValue', httpStatus: 200 } } } }) },
      {
        how: 'empty-accepted',
        description: 'accepts an explicit empty id list (success, nothing stopped)',
        spec: onApi(async (request, forward, provider) => {
          if (!(await isStop(request)) || (await requestedIds(request)).length > 0 || !jsonRequest(request)) return forward(request);
          provider.store.put(dummyId(dialect), running, false);
          return forward(await rewriteJsonBody(request, (b) => (Array.isArray(b['InstanceIds']) && b['InstanceIds'].length === 0 ? { ...b, InstanceIds: [dummyId(dialect)] } : b)));
        }),
      },
    ],
    'resolution:undocumented-error-client-error': [
      { how: 'server-errors', description: 'answers HTTP 500 wherever no code is documented', spec: opts({ rules: { codes: withStatus(dialect, undocumentedKeys(dialect), 500) } }) },
    ],
    'resolution:several-problems-any-code': [
      {
        how: 'undocumented-code',
        description: 'answers an undocumented code when a batch has several kinds of problem',
        spec: onApi(async (request, forward, provider) => {
          if (!(await isStop(request))) return forward(request);
          const kinds = new Set((await requestedIds(request)).flatMap((id) => instanceProblem(provider.context, id)?.key ?? []));
          return kinds.size >= 2 ? refuse(provider, request, 'invalidParameter', 'several problems') : forward(request);
        }),
      },
    ],
    'resolution:failed-request-changes-nothing': [
      {
        how: 'refused-but-changed',
        description: 'a refused request (not a status query) still changes the instances it names, or every running one when it names none that exists',
        spec: onApi(async (request, forward, provider) => {
          if (await isStatus(request)) return forward(request);
          const ids = await requestedIds(request);
          const answer = await forward(request);
          const text = await answer.clone().text();
          const refused = answer.status >= 400 || text.includes('"Error"') || text.includes('<Error>');
          if (refused && !text.includes('DRYRUN.SUCCESS')) {
            const named = ids.flatMap((id) => provider.store.get(id) ?? []);
            const victims = named.length > 0 ? named : provider.store.page(0, 1_000_000).filter((v) => v.status === running);
            // Never back: stopping moves on to stopped, anything else to stopping (rows running at once share the store).
            for (const v of victims) provider.store.put(v.id, v.status === stopping ? rules.lifecycle.stopped : stopping, v.securityLocked);
          }
          return answer;
        }),
      },
    ],
    'resolution:seeded-status-persists': [
      {
        how: 'seeds-running',
        description: 'provider-state setup seeds every instance in the running word, whatever status it asks',
        spec: {
          layers: [
            async (request, next) =>
              isStatesRequest(request)
                ? next(await rewriteJsonBody(request, (b) => mapObjects(b, (o) => (typeof o['status'] === 'string' ? { ...o, status: running } : o)) as Record<string, unknown>))
                : next(request),
          ],
        },
      },
    ],
    'resolution:status-query-unknown-ids': [
      {
        how: 'unknown-id-5xx',
        description: 'a status query naming an unknown id answers HTTP 500',
        spec: onApi(async (request, forward, provider) =>
          (await isStatus(request)) && (await requestedIds(request)).some((id) => provider.store.get(id) === undefined)
            ? new Response(JSON.stringify({ error: 'boom' }), { status: 500, headers: { 'content-type': 'application/json' } })
            : forward(request),
        ),
      },
    ],
    'resolution:api3-get-variant': [
      { how: 'no-get', description: 'serves only the JSON POST style; GET answers 405', spec: onApi(async (request, forward) => (request.method === 'GET' ? new Response('method not allowed', { status: 405 }) : forward(request))) },
    ],
    'resolution:vm-stoppable-running-wins': [
      { how: 'follows-note', description: 'only STOPPED instances may be stopped (the contradicting note)', spec: opts({ rules: { stoppableWords: ['STOPPED'] } }) },
    ],
    'resolution:vm-note-says-stopped': [
      { how: 'stopped-stoppable', description: 'STOPPED instances may be stopped too', spec: opts({ rules: { stoppableWords: ['RUNNING', 'STOPPED'] } }) },
    ],
    'resolution:recycle-bin-precedence': [
      { how: 'not-running-first', description: 'in a batch, NOT_RUNNING wins over the recycle bin', spec: opts({ rules: { problemPrecedence: RECYCLED_LAST_PRECEDENCE } }) },
      { how: 'no-recycle-bin', description: 'RECYCLE and RECYCLING are answered NOT_RUNNING', spec: opts({ rules: { recycledWords: [] } }) },
    ],
    'resolution:instance-id-any-string': [
      { how: 'id-pattern', description: 'refuses ids outside [a-z0-9-] as malformed', spec: opts({ rules: { idPattern: /^[a-z0-9-]+$/ } }) },
      {
        how: 'drops-bad-ids',
        description: 'drops ids that are not non-empty strings and serves the rest (only such ids: a success that stops nothing)',
        spec: onApi(async (request, forward) => ((await isStop(request)) ? serveOnlyStringIds(request, forward) : forward(request))),
      },
    ],
    'resolution:dryrun-success-400': [
      {
        how: 'dry-run-stops',
        description: 'a passing dry run answers DRYRUN.SUCCESS but stops the instances',
        spec: onApi(async (request, forward) => {
          const dry = (await paramValues(request, 'DryRun')).some((v) => String(v).toLowerCase() === 'true');
          if (!dry || !(await isStop(request))) return forward(request);
          const answer = await forward(request.clone());
          await forward(await setParam(request, 'DryRun', null));
          return answer;
        }),
      },
      { how: 'dry-run-http-200', description: 'a passing dry run answers DRYRUN.SUCCESS with HTTP 200', spec: opts({ rules: { codes: { dryRunSuccess: { code: 'DRYRUN.SUCCESS', httpStatus: 200 } } } }) },
    ],
    'resolution:dryrun-failure-real-error': [
      {
        how: 'dry-run-always-passes',
        description: 'every dry run answers DRYRUN.SUCCESS, also one the real call would refuse',
        spec: onApi(async (request, forward, provider) =>
          (await isStop(request)) && (await paramValues(request, 'DryRun')).some((v) => String(v).toLowerCase() === 'true')
            ? refuse(provider, request, 'dryRunSuccess', 'Request validation has been passed with DryRun flag set.')
            : forward(request),
        ),
      },
    ],
    'resolution:dryrun-successfirst-always-success': [
      {
        how: 'successfirst-dry-run-checks',
        description: 'a SuccessFirst dry run answers what the checks find, like AllTogether',
        spec: onApi(async (request, forward) => {
          const dry = (await paramValues(request, 'DryRun')).some((v) => String(v).toLowerCase() === 'true');
          const sf = (await paramValues(request, 'BatchOptimization')).includes('SuccessFirst');
          return forward(dry && sf ? await setParam(request, 'BatchOptimization', 'AllTogether') : request);
        }),
      },
    ],
    'resolution:batch-alltogether-atomic': [
      { how: 'not-atomic', description: 'a refused AllTogether batch stops its good instances', spec: opts({ rules: { atomicBatch: false } }) },
    ],
    'resolution:batch-successfirst-per-instance': [
      {
        how: 'successfirst-as-alltogether',
        description: 'SuccessFirst is taken as AllTogether',
        spec: onApi(async (request, forward) =>
          forward((await paramValues(request, 'BatchOptimization')).includes('SuccessFirst') ? await setParam(request, 'BatchOptimization', 'AllTogether') : request),
        ),
      },
    ],
    'resolution:successfirst-unknown-id-notfound': [
      {
        how: 'failed-entries-dropped',
        description: 'SuccessFirst leaves the failed ids out of InstanceResponses',
        spec: rewriteAll(
          (body) => mapObjects(body, (o) => (Array.isArray(o['InstanceResponse']) ? { ...o, InstanceResponse: o['InstanceResponse'].filter((e) => (e as { Code?: unknown }).Code === '200') } : o)),
          isStop,
        ),
      },
    ],
    'resolution:security-locked-never-stopped': [
      { how: 'lock-ignored', description: 'stops security-locked instances', spec: opts({ rules: { honourSecurityLock: false } }) },
    ],
    'resolution:default-format-xml': [
      { how: 'default-json', description: 'answers JSON when no Format is given', spec: onApi(async (request, forward) => forward((await paramValues(request, 'Format')).length > 0 ? request : await setParam(request, 'Format', 'JSON'))) },
    ],
    'resolution:acs3-should': [
      {
        how: 'no-acs3',
        description: 'refuses the ACS3 style (x-acs-action)',
        spec: onApi(async (request, forward, provider) => (request.headers.has('x-acs-action') ? refuse(provider, request, 'invalidParameter', 'ACS3 is not supported') : forward(request))),
      },
    ],
    'resolution:unknown-action-client-error': [
      {
        how: 'unknown-action-stops',
        description: 'an unknown action is served as StopInstances',
        spec: onApi(async (request, forward) => {
          const action = await actionOf(request);
          if (action === undefined || action === 'StopInstances' || STATUS_ACTIONS.has(action)) return forward(request);
          const name = request.headers.has('x-tc-action') ? 'x-tc-action' : request.headers.has('x-zc-action') ? 'x-zc-action' : 'Action';
          return forward(await setParam(request, name, 'StopInstances'));
        }),
      },
    ],
  };
}

/** Flips of a `state` rule: the word made stoppable, or not stoppable. */
function stateFlips(dialect: DialectName, rule: Rule): FlipDraft[] {
  const rules = defaultRules(dialect);
  const [what, word = ''] = rule.id.slice('state:'.length).split('=');
  if (what === 'stoppable') {
    return [{ dialect, rule: rule.id, how: 'not-stoppable', description: `refuses to stop ${word} instances`, spec: opts({ rules: { stoppableWords: rules.stoppableWords.filter((w) => w !== word) } }) }];
  }
  return [
    {
      dialect,
      rule: rule.id,
      how: 'stoppable',
      description: `stops ${word} instances`,
      spec: opts({
        rules: {
          stoppableWords: [...rules.stoppableWords, word],
          recycledWords: rules.recycledWords.filter((w) => w !== word),
          notReadyWords: rules.notReadyWords.filter((w) => w !== word),
        },
      }),
    },
  ];
}

/** Flips of an `envelope` rule: the envelope bent out of shape. */
function envelopeFlips(dialect: DialectName, rule: Rule): FlipDraft[] {
  const detail = rule.id.slice('envelope:'.length);
  const xml = detail.endsWith('-xml');
  const kind = detail.replace(/-xml$/, '');
  const renames: Record<string, Record<string, string>> = {
    success: { RequestId: 'RequestID', requestId: 'request_id' },
    status: { InstanceStatusSet: 'InstanceStatusList', dataSet: 'data', InstanceStatuses: 'Statuses', instanceStatusSet: 'instanceStatusList' },
    error: { Error: 'Fault', code: 'errorCode', Code: 'ErrorCode' },
  };
  const map = renames[kind] ?? {};
  const bend = (body: unknown): unknown =>
    mapObjects(body, (obj) => Object.fromEntries(Object.entries(obj).map(([k, v]) => [map[k] ?? k, v])));
  const when = async (request: Request): Promise<boolean> => {
    // The answer format as the provider decides it (aliyunFormat: Format in any case, XML by default, JSON for ACS3).
    if (describeDialect(dialect).xmlAnswers && xml !== ((await aliyunFormat(request)) === 'XML')) return false;
    return kind === 'status' ? isStatus(request) : kind === 'success' ? isStop(request) : true;
  };
  const spec = onApi(async (request, forward) => {
    if (!(await when(request))) return forward(request);
    const answer = await forward(request);
    const text = await answer.clone().text();
    const isError = answer.status >= 400 || text.includes('"Error"') || text.includes('<Error>');
    if ((kind === 'error') !== isError) return answer;
    return rewriteAnswer(answer, bend);
  });
  return [{ dialect, rule: rule.id, how: 'bent', description: `renames the fields of the ${detail} envelope`, spec }];
}

/**
 * Every flip of every testable rule of a dialect. A testable rule without a flip is a gap the rule-observation test
 * reports.
 *
 * @example
 * ruleFlips('zenlayer-vm').filter((f) => f.rule === 'resolution:recycle-bin-precedence')
 */
export function ruleFlips(dialect: DialectName): RuleFlip[] {
  const byResolution = resolutionFlips(dialect);
  return ruleInventory(dialect)
    .filter((r) => r.testable === true)
    .flatMap((rule): FlipDraft[] => {
      const manual: FlipDraft[] = (byResolution[rule.id] ?? []).map((f) => ({ dialect, rule: rule.id, ...f }));
      switch (rule.kind) {
        case 'param':
        case 'enum':
        case 'default':
          return [...paramFlips(dialect, rule), ...manual];
        case 'error':
          return [...errorFlips(dialect, rule), ...manual];
        case 'state':
          return [...stateFlips(dialect, rule), ...manual];
        case 'envelope':
          return [...envelopeFlips(dialect, rule), ...manual];
        default:
          return manual;
      }
    })
    .filter((flip) => LEGAL_NOT_FLIPS[flipKey(flip)] === undefined)
    .map((flip) => ({ ...flip, start: startSpec(dialect, flip.spec) }));
}
