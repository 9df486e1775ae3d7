/**
 * The part of the Pact V4 file format vmconform writes (DESIGN.md §6: `contracts/<dialect>.json`, one
 * `Synchronous/HTTP` interaction per expressible call of a case). Field names and shapes follow the V4 specification
 * as the Rust core (pact_models) reads it: maps of arrays for query and headers, bodies as
 * `{content, contentType, encoded}`, matching rules per category as `{combine, matchers}`.
 */

/** One matcher of a V4 matching rule (`{"match": "regex", "regex": "..."}`, `{"match": "type"}`...). */
export type PactMatcher =
  | { readonly match: 'type' }
  | { readonly match: 'number' }
  | { readonly match: 'boolean' }
  | { readonly match: 'null' }
  | { readonly match: 'notEmpty' }
  | { readonly match: 'regex'; readonly regex: string }
  | { readonly match: 'equality' }
  | { readonly match: 'statusCode'; readonly status: PactStatusClass | readonly number[] }
  | { readonly match: 'eachKey'; readonly rules: readonly PactMatcher[] }
  | { readonly match: 'arrayContains'; readonly variants: readonly PactArrayVariant[] };

/** The status classes of Pact's `statusCode` matcher. */
export type PactStatusClass = 'info' | 'success' | 'redirect' | 'clientError' | 'serverError' | 'nonError' | 'error';

/** One variant of an `arrayContains` matcher: the example element at `index` and the rules for it (paths from `$`). */
export interface PactArrayVariant {
  readonly index: number;
  readonly rules: Readonly<Record<string, PactRuleList>>;
}

/** The matchers that apply at one path, combined with AND (all) or OR (any). */
export interface PactRuleList {
  readonly combine: 'AND' | 'OR';
  readonly matchers: readonly PactMatcher[];
}

/** Matching rules of a response, per V4 category. */
export interface PactResponseRules {
  /** JSON paths (`$.Response.RequestId`) or XML paths (`$.Error.Code['#text']`) to rule lists. */
  readonly body?: Readonly<Record<string, PactRuleList>>;
  /** Header names to rule lists. */
  readonly header?: Readonly<Record<string, PactRuleList>>;
  /** The status rule list (no path). */
  readonly status?: PactRuleList;
}

/** A V4 body: JSON content as JSON, anything else as text. */
export interface PactBody {
  readonly contentType: string;
  readonly encoded: false;
  readonly content: unknown;
}

/**
 * A V4 `ProviderState` generator: in provider verification the value at its place is the provider-state value its
 * expression names (`${key}`: the key of a setup reply's top-level JSON object), the example value when there is none.
 */
export interface PactGenerator {
  readonly type: 'ProviderState';
  readonly expression: string;
  readonly dataType: 'STRING';
}

/** Generators of a request or response: by query parameter name, and by body path (`$.InstanceIds[0]`). */
export interface PactGenerators {
  readonly query?: Readonly<Record<string, PactGenerator>>;
  readonly body?: Readonly<Record<string, PactGenerator>>;
}

/** The request of an interaction, as the verifier sends it (unsigned: the verify filter signs it at send time). */
export interface PactRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly query?: Readonly<Record<string, readonly string[]>>;
  readonly headers?: Readonly<Record<string, readonly string[]>>;
  readonly body?: PactBody;
  /** Where a seeded id stands: the target's id for it, when a setup named one (DESIGN.md §4 id map). */
  readonly generators?: PactGenerators;
}

/** The response an interaction expects, with the rules that let every legal answer pass. */
export interface PactResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, readonly string[]>>;
  readonly body?: PactBody;
  readonly matchingRules?: PactResponseRules;
  /** Where the expected answer names a seeded id (verifiers that generate expected responses use them). */
  readonly generators?: PactGenerators;
}

/** A provider state with its parameters (DESIGN.md §4: `instances exist` with the instances to seed). */
export interface PactProviderState {
  readonly name: string;
  readonly params: { readonly instances: readonly { readonly id: string; readonly status: string; readonly securityLocked: boolean }[] };
}

/** One `Synchronous/HTTP` interaction: `key` is `<case id>#<step>` (DESIGN.md §6). */
export interface PactInteraction {
  readonly type: 'Synchronous/HTTP';
  readonly key: string;
  readonly description: string;
  readonly pending: false;
  readonly providerStates?: readonly PactProviderState[];
  /** V4 comments: `text` lines (level, docRef, what the interaction does not express) and `testname` (the case id). */
  readonly comments: { readonly testname: string; readonly text: readonly string[] };
  readonly request: PactRequest;
  readonly response: PactResponse;
}

/** A whole V4 pact file. */
export interface PactFile {
  readonly consumer: { readonly name: string };
  readonly provider: { readonly name: string };
  readonly interactions: readonly PactInteraction[];
  readonly metadata: {
    readonly pactSpecification: { readonly version: '4.0' };
    readonly vmconform: Readonly<Record<string, string | number>>;
  };
}
