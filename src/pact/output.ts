/**
 * What `pact verify` prints of Pact's own report (the verifier's console lines, without colour codes): all of it with
 * `--verbose`; otherwise the blocks of the interactions Pact failed and its closing list of failures, so that a run
 * where every interaction passes prints none of its hundreds of lines. Pure: no I/O.
 */

/** The first line of an interaction's block: `  <description> (12ms loading, 1s 34ms verification)`. */
const BLOCK_START = /^ {2}(\S.*) \([\dhms ]+ loading, [\dhms ]+ verification\)$/;

/** Where the verifier's closing sections begin (its list of failures, its count). */
const CLOSING = /^\s*(Failures:|Pending Failures:|There (was|were) \d+ pact failures?)/;

/**
 * The lines of Pact's report to print: every line when `verbose`, else the header lines, the blocks of the
 * interactions in `failed` (their descriptions) and the closing sections; nothing when none failed.
 *
 * @example
 * pactReportExcerpt(outcome.output, outcome.failedInteractions, false) // [] when every interaction passed
 */
export function pactReportExcerpt(output: readonly string[], failed: readonly string[], verbose: boolean): string[] {
  if (verbose) return [...output];
  if (failed.length === 0) return [];
  const wanted = new Set(failed);
  const out: string[] = [];
  // 'header' until the first block, then 'keep' or 'drop' per block, then 'closing' to the end.
  let mode: 'header' | 'keep' | 'drop' | 'closing' = 'header';
  for (const line of output) {
    // Each pact's header (a broker can hand over several), wherever it comes.
    if (mode !== 'closing' && /^\n*Verifying a pact between/.test(line)) {
      out.push(line);
      continue;
    }
    const first = line.replace(/^\n+/, '').split('\n')[0] ?? '';
    if (mode !== 'closing' && CLOSING.test(first)) mode = 'closing';
    else if (mode !== 'closing') {
      const start = BLOCK_START.exec(first);
      if (start) mode = wanted.has(start[1] ?? '') ? 'keep' : 'drop';
    }
    if (mode === 'keep' || mode === 'closing') out.push(line);
  }
  return out;
}
