import { describe, expect, it } from 'vitest';
import { specExtension } from '../specs/extension.ts';
import { DIALECT_NAMES } from './types.ts';
import { LIFECYCLE_WORDS, STATUS_WORDS } from './vocabulary.ts';

describe.each(DIALECT_NAMES)('%s vocabulary', (dialect) => {
  const states = specExtension(dialect).states;

  it('has exactly the status words of the spec (stoppable and not stoppable)', () => {
    const fromSpec = [...states.stoppable, ...states.notStoppable.map((n) => n.status)].sort();
    expect([...STATUS_WORDS[dialect]].sort()).toEqual(fromSpec);
  });

  it('names the lifecycle words the spec names', () => {
    expect(LIFECYCLE_WORDS[dialect]).toEqual({ running: states.running, stopping: states.stopping, stopped: states.stopped });
  });
});
