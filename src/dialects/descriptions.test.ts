import { describe, expect, it } from 'vitest';
import { specExtension } from '../specs/extension.ts';
import { makeInstanceId, PROTOCOLS, styleWire } from './description.ts';
import { DESCRIPTIONS } from './descriptions/index.ts';
import { getDialect } from './index.ts';
import { DIALECT_NAMES } from './types.ts';

describe.each(DIALECT_NAMES)('%s description', (dialect) => {
  const d = DESCRIPTIONS[dialect];
  const states = specExtension(dialect).states;

  it('is registered under its own name and speaks a known protocol', () => {
    expect(d.name).toBe(dialect);
    expect(PROTOCOLS).toContain(d.protocol);
  });

  it('has exactly the status words of the spec (stoppable and not stoppable)', () => {
    // Words whose stop may succeed or be refused (aws-ec2.md:181) are in neither list of the spec.
    const fromSpec = [...states.stoppable, ...states.notStoppable.map((n) => n.status), ...(d.stopIdempotent ?? [])].sort();
    expect([...d.statusWords].sort()).toEqual(fromSpec);
  });

  it('names the lifecycle and stoppable words the spec names', () => {
    expect(d.lifecycle).toEqual({ running: states.running, stopping: states.stopping, stopped: states.stopped });
    expect([...d.stoppable].sort()).toEqual([...states.stoppable].sort());
    for (const w of [...d.recycled, ...d.notReady]) expect(d.statusWords).toContain(w);
  });

  it('describes one wire per style, the default first', () => {
    expect(d.styles).toEqual(d.wire.map((w) => w.style));
    expect(new Set(d.styles).size).toBe(d.styles.length);
    for (const style of d.styles) expect(styleWire(d, style)?.style).toBe(style);
  });

  it('makes ids its own pattern accepts, distinct per token', () => {
    const ids = ['a', 'b', 'case-1/x', ''].map((t) => makeInstanceId(d.ids.make, t));
    for (const id of ids) expect(d.ids.pattern === null ? id.length > 0 : d.ids.pattern.test(id)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is what the dialect module carries (the module adds code, no other facts)', () => {
    const { instanceId, encode, decode, ...facts } = getDialect(dialect);
    expect([typeof instanceId, typeof encode, typeof decode]).toEqual(['function', 'function', 'function']);
    expect(facts).toEqual(d);
    expect(instanceId('x')).toBe(makeInstanceId(d.ids.make, 'x'));
  });
});
