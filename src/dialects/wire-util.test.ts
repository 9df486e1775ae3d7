/** The JSON guard every dialect decodes through: deep nesting is refused before parsing, strings do not count. */
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, nestsDeeperThan, parseJson } from './wire-util.ts';

describe('parseJson', () => {
  it('parses what the documents describe and refuses JSON nested deeper than the bound, unparsed', () => {
    expect(parseJson('{"Response":{"InstanceStatusSet":[{"InstanceId":"ins-1"}]}}')).toEqual({
      ok: true,
      value: { Response: { InstanceStatusSet: [{ InstanceId: 'ins-1' }] } },
    });
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(parseJson(deep)).toEqual({ ok: false, kind: 'depth', problem: `body nests deeper than ${MAX_JSON_DEPTH} levels; not parsed` });
    expect(parseJson('{"a":')).toMatchObject({ ok: false, kind: 'syntax' });
  });

  it('counts nesting outside strings only, escaped quotes included', () => {
    expect(nestsDeeperThan('[[1]]', 2)).toBe(false);
    expect(nestsDeeperThan('[[[1]]]', 2)).toBe(true);
    expect(nestsDeeperThan(`{"x":"${'['.repeat(500)}\\"${'{'.repeat(500)}"}`, 2)).toBe(false);
    expect(nestsDeeperThan(`[${'{"a":'.repeat(MAX_JSON_DEPTH - 1)}1${'}'.repeat(MAX_JSON_DEPTH - 1)}]`, MAX_JSON_DEPTH)).toBe(false);
  });
});
