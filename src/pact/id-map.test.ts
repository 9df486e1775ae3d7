/**
 * The id map as Pact carries it: the flattened provider-state values, the teardown with the target's ids, and the
 * swap of ids in an answer, which must be one-to-one so an answer that names the wrong ids never passes.
 */
import { describe, expect, it } from 'vitest';
import { readIdMap } from '../engine/provider-states.ts';
import { answerIdSwap, idExpression, providerStateValues, requestedIdsOf, swapIdsInJson, teardownWithTargetIds } from './id-map.ts';

describe('provider-state values', () => {
  it('one top-level key per renamed requested id, its value the target id; kept ids need none', () => {
    const map = new Map([
      ['ins-aaaaaaaa', 'ins-zzzzzzzz'],
      ['ins-bbbbbbbb', 'ins-bbbbbbbb'],
    ]);
    expect(providerStateValues(map)).toEqual({ 'ins-aaaaaaaa': 'ins-zzzzzzzz' });
    expect(providerStateValues(new Map())).toEqual({});
    expect(idExpression('ins-aaaaaaaa')).toBe('${ins-aaaaaaaa}');
  });

  it('requested ids come from params.instances[].id of any setup body', () => {
    expect(requestedIdsOf({ action: 'setup', params: { instances: [{ id: 'a' }, { id: 7 }, 'x', { id: 'b' }] } })).toEqual(['a', 'b']);
    expect(requestedIdsOf({ params: {} })).toEqual([]);
    expect(requestedIdsOf('text')).toEqual([]);
  });

  it('a teardown names the target ids, everything else as the setup had it', () => {
    const setup = { action: 'setup', state: 'instances exist', consumer: 'vmconform', params: { instances: [{ id: 'a', status: 'RUNNING' }, { id: 'b', status: 'STOPPED' }] } };
    expect(teardownWithTargetIds(setup, new Map([['a', 'x']]))).toEqual({
      action: 'teardown',
      state: 'instances exist',
      consumer: 'vmconform',
      params: { instances: [{ id: 'x', status: 'RUNNING' }, { id: 'b', status: 'STOPPED' }] },
    });
    expect(teardownWithTargetIds({ action: 'setup', state: '', params: {} }, new Map())).toEqual({ action: 'teardown', state: '', params: {} });
  });
});

describe('the swap of ids in an answer', () => {
  /** Whether the swap is a permutation of its own keys (one-to-one and onto). */
  const isPermutation = (swap: ReadonlyMap<string, string>): boolean => new Set(swap.values()).size === swap.size && [...swap.values()].every((v) => swap.has(v));

  it.each([
    ['one renamed id', [['a', 'x']]],
    ['two renamed, one kept', [['a', 'x'], ['b', 'y'], ['c', 'c']]],
    ['a rename onto another renamed requested id', [['a', 'b'], ['b', 'y']]],
    ['a cycle', [['a', 'b'], ['b', 'a']]],
  ] as const)('%s: target ids go to their requested ids, and the swap is one-to-one', (_name, pairs) => {
    const map = new Map<string, string>(pairs.map(([r, t]) => [r, t]));
    expect(readIdMap(JSON.stringify({ instances: pairs.map(([requested, id]) => ({ requested, id })) }), pairs.map(([r]) => r)).ok).toBe(true);
    const swap = answerIdSwap(map);
    for (const [requested, id] of map) if (requested !== id) expect(swap.get(id)).toBe(requested);
    expect(isPermutation(swap)).toBe(true);
    for (const [requested, id] of map) if (requested === id) expect(swap.has(id)).toBe(false);
  });

  it('an answer naming the target ids reads as one naming the requested ids; one naming the requested ids does not', () => {
    const swap = answerIdSwap(new Map([['i-req1', 'i-own1'], ['i-req2', 'i-own2']]));
    const answer = JSON.stringify({ InstanceResponses: { InstanceResponse: [{ InstanceId: 'i-own1', Code: '200' }, { InstanceId: 'i-own2' }, { InstanceId: 'i-unknown' }] } });
    expect(JSON.parse(swapIdsInJson(answer, swap))).toEqual({ InstanceResponses: { InstanceResponse: [{ InstanceId: 'i-req1', Code: '200' }, { InstanceId: 'i-req2' }, { InstanceId: 'i-unknown' }] } });
    const echoed = JSON.stringify({ InstanceResponse: [{ InstanceId: 'i-req1' }] });
    expect(JSON.parse(swapIdsInJson(echoed, swap))).not.toEqual({ InstanceResponse: [{ InstanceId: 'i-req1' }] });
  });

  it('keys, other values, non-JSON bodies and bodies without an id stay byte for byte', () => {
    const swap = answerIdSwap(new Map([['a', 'x']]));
    expect(JSON.parse(swapIdsInJson('{"x": "x", "n": 1, "__proto__": ["x"]}', swap))).toEqual(JSON.parse('{"x": "a", "n": 1, "__proto__": ["a"]}'));
    expect(swapIdsInJson('<Id>x</Id>', swap)).toBe('<Id>x</Id>');
    expect(swapIdsInJson('{ "n": 12345678901234567890 }', swap)).toBe('{ "n": 12345678901234567890 }');
    expect(swapIdsInJson('{"x": "x"}', new Map())).toBe('{"x": "x"}');
  });
});
