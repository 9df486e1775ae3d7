import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatLeftovers, leftoversOf, openSeedLedger, recordSeeds, SEED_LEDGER_ENV } from './seed-ledger.ts';

describe('the seed ledger (what a second Ctrl-C left seeded)', () => {
  it('keeps what was set up and not torn down, per endpoint, and survives torn lines', () => {
    const text = [
      '{"op":"setup","statesUrl":"http://a/s","ids":["x","y","z"]}',
      '{"op":"teardown","statesUrl":"http://a/s","ids":["y"]}',
      '{"op":"setup","statesUrl":"http://b/s","ids":["q"]}',
      '{"op":"teardown","statesUrl":"http://b/s","ids":["q"]}',
      '{"op":"setup","statesUrl":"http://a/s","ids":["w"',
      'not json',
    ].join('\n');
    expect(leftoversOf(text)).toEqual([{ statesUrl: 'http://a/s', ids: ['x', 'z'] }]);
    expect(formatLeftovers([])).toMatch(/no seeded instance was left behind/);
    expect(formatLeftovers(leftoversOf(text))).toMatch(/leaving 2 seeded instance\(s\) behind:\n {2}http:\/\/a\/s: x z\n {2}tear them down: curl -sS -X POST http:\/\/a\/s .*"instances":\[\{"id":"x"\},\{"id":"z"\}\]/);
  });

  it('records only while a ledger is open, for this process and the threads it starts (the environment names it)', () => {
    const before = process.env[SEED_LEDGER_ENV];
    recordSeeds('setup', 'http://a/s', ['lost']); // no ledger open: nothing happens, nothing throws
    const ledger = openSeedLedger();
    try {
      expect(process.env[SEED_LEDGER_ENV]).toBe(ledger.path);
      recordSeeds('setup', 'http://a/s', ['x', 'y']);
      recordSeeds('teardown', 'http://a/s', ['x']);
      expect(ledger.leftovers()).toEqual([{ statesUrl: 'http://a/s', ids: ['y'] }]);
      expect(readFileSync(ledger.path, 'utf8')).not.toContain('lost');
    } finally {
      ledger.close();
    }
    expect(process.env[SEED_LEDGER_ENV]).toBe(before);
  });
});
