/**
 * What `pact verify` prints of Pact's own report: the failing interactions' blocks, every pact's header and the closing
 * list of failures (a block's duration may read `1s 40ms`); nothing when every interaction passed; all of it with
 * `--verbose`.
 */
import { describe, expect, it } from 'vitest';
import { pactReportExcerpt } from './output.ts';

/** The verifier's lines for two pacts (as its JSON carries them: some start or end with newlines). */
const OUTPUT = [
  '\nVerifying a pact between vmconform and zenlayer-vm',
  '',
  '  stop.single#1: Stopping one RUNNING instance succeeds (9ms loading, 94ms verification)',
  '     Given instances exist',
  '    returns a response which',
  '      has status code 200 (OK)',
  '',
  '  state.RECYCLE.rejected#1: A RECYCLE instance is refused (9ms loading, 1s 40ms verification)',
  '    returns a response which',
  '      has status code 403 (FAILED)',
  '',
  '\nVerifying a pact between billing-ui and zenlayer-vm',
  '  a consumer of ours: stops one instance (3ms loading, 20ms verification)',
  '      has status code 200 (OK)',
  '\nFailures:\n',
  '1) Verifying a pact between vmconform and zenlayer-vm Given instances exist - state.RECYCLE.rejected#1: A RECYCLE instance is refused - has status code 403\n',
  '\nThere were 1 pact failures\n',
];

describe('pactReportExcerpt', () => {
  it("keeps the failing interactions' blocks, every pact's header and the closing sections", () => {
    expect(pactReportExcerpt(OUTPUT, ['state.RECYCLE.rejected#1: A RECYCLE instance is refused'], false)).toEqual([
      '\nVerifying a pact between vmconform and zenlayer-vm',
      '  state.RECYCLE.rejected#1: A RECYCLE instance is refused (9ms loading, 1s 40ms verification)',
      '    returns a response which',
      '      has status code 403 (FAILED)',
      '',
      '\nVerifying a pact between billing-ui and zenlayer-vm',
      '\nFailures:\n',
      '1) Verifying a pact between vmconform and zenlayer-vm Given instances exist - state.RECYCLE.rejected#1: A RECYCLE instance is refused - has status code 403\n',
      '\nThere were 1 pact failures\n',
    ]);
  });

  it('prints nothing when every interaction passed, and everything with --verbose', () => {
    expect(pactReportExcerpt(OUTPUT, [], false)).toEqual([]);
    expect(pactReportExcerpt(OUTPUT, [], true)).toEqual(OUTPUT);
  });
});
