/**
 * What the Pact contracts cannot express, each with the reason. A case row checks more than one request and its
 * answer: Pact's `Synchronous/HTTP` interaction is exactly one request, one expected answer with matching rules, and
 * provider states before it. Everything else a row checks stays covered by `vmconform run`; the contracts and their
 * README say so per case ({@link PACT_GAPS}), and for every interaction ({@link GENERAL_PACT_GAPS}).
 */

/** The reasons a case, or a part of what it checks, is not in its contract. */
export const PACT_GAPS = {
  burst:
    'a burst of requests sent at once (the api3 rate limit of 10 StopInstances per second): a Pact interaction is one request, and the verifier sends interactions one after another',
  'malformed-body':
    "a malformed request body: Pact's JS verifier (@pact-foundation/pact) parses JSON request bodies in its proxy before the request filter, and answers a malformed one itself (HTTP 400), so it never reaches the target",
  'state-after-call':
    "the instances' statuses right after the call (a stopped one reads STOPPING or STOPPED, every other one its seeded status: a refused request changed nothing): that takes a status query, a second request after the call",
  'eventually-stopped': 'that a stopped instance reads STOPPED within the poll bound: that takes polling over time',
  'per-instance-exact':
    'exactly one InstanceResponse per requested id and none for another id: arrayContains finds every expected entry, whatever else the list holds',
  'status-per-code':
    'which HTTP status goes with which of the accepted codes: the status and the code are matched independently (any accepted status with any accepted code)',
  'either-envelope':
    'the success envelope or the error envelope, whichever came: Pact cannot express a choice between two bodies, so the interaction matches the status range and the request id both envelopes carry',
  'tencent-required-keys':
    "that Response.RequestId (and a status query's Response.InstanceStatusSet) is present: the eachKey rule that forbids Response.Error in a success lifts Pact's required-key check at that level",
  'default-page':
    "the entries of a status query sent without a page size: they come in the target's default page, which the suite never judges (DESIGN.md §3); `vmconform run` reads them by following pages",
  'xml-entries':
    "which instance reads which status in an XML status answer: Pact's XML matching pairs repeated elements by position, and their order is the target's choice",
} as const;

/** One reason of {@link PACT_GAPS}. */
export type PactGap = keyof typeof PACT_GAPS;

/** Gaps that make a whole step inexpressible (no interaction for it). */
export const WHOLE_STEP_GAPS: ReadonlySet<PactGap> = new Set<PactGap>(['burst', 'malformed-body']);

/** What no interaction expresses, whatever the case (stated once in the contracts' README and comments). */
export const GENERAL_PACT_GAPS: readonly string[] = [
  "the answer's full JSON Schema (`specs/<dialect>.yaml`): an interaction matches the envelope's shape, its request id, codes and statuses, not every schema keyword",
  "a fresh request id per answer within one case (tencent and zenlayer documents say it is unique): an interaction sees one answer",
  'a tencent success that carries `"Error": null` (DESIGN.md §3: null is no error): the eachKey rule that tells a success from an error (both HTTP 200) forbids the key; `vmconform pact verify` drops a null Error before Pact compares, another verifier fails it',
  'for tencent and zenlayer, the Content-Type of an answer: no seed states one (DESIGN.md §3), so the contracts name none; `vmconform pact verify` hands Pact a JSON body as `application/json` whatever the header said',
  'a status answer beyond its entries: its request id, paging fields and Content-Type are never judged (DESIGN.md §3)',
];
