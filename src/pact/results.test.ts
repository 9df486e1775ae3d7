/**
 * Mapping the verifier's report to case results, without running Pact: an unreadable report is vmconform's failure,
 * an interaction the report leaves out is an `engine` finding (never a silent pass), secrets never reach a finding.
 */
import { describe, expect, it } from 'vitest';
import { VmconformError } from '../errors.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { planContract } from './generate.ts';
import { caseResultsFromVerification, parseVerifierOutput, type InteractionRecords } from './results.ts';

const plans = planContract('zenlayer-vm').filter((p) => ['stop.single', 'state.STOPPED.rejected', 'body.bad-json.rejected'].includes(p.row.id));
const report = (results: { key: string; description: string; result: string }[], errors: unknown[] = []): string =>
  JSON.stringify({ result: errors.length === 0, output: ['\u001b[1mVerifying\u001b[0m'], interactionResults: results.map((r) => ({ interactionKey: r.key, description: r.description, result: r.result, duration: '12ms' })), errors });
const interaction = (id: string): { key: string; description: string } => {
  const i = plans.find((p) => p.row.id === id)?.interactions[0];
  return { key: i?.key ?? '', description: i?.description ?? '' };
};

describe('parseVerifierOutput', () => {
  it('reads the verifier JSON and strips colour codes; anything else is a VmconformError', () => {
    expect(parseVerifierOutput(report([])).output).toEqual(['Verifying']);
    expect(() => parseVerifierOutput('Verification was unable to run')).toThrow(VmconformError);
    expect(() => parseVerifierOutput('{"result": true}')).toThrow(VmconformError);
  });
});

describe('caseResultsFromVerification', () => {
  it('one result per case: OK passes, a mismatch fails with its finding, no interaction is skipped, a missing result is an engine finding', () => {
    const stop = interaction('stop.single');
    const stopped = interaction('state.STOPPED.rejected');
    const records: InteractionRecords = new Map([
      [stopped.key, { stateCalls: [], request: { method: 'POST', url: 'http://127.0.0.1:1/api/v2/vm', headers: { authorization: `x ${TEST_CREDENTIALS.accessKeySecret}` }, body: '{}' } }],
    ]);
    const output = parseVerifierOutput(
      report(
        [{ ...stopped, result: 'Error' }],
        [{ interaction: `Verifying a pact between vmconform and zenlayer-vm Given instances exist - ${stopped.description}`, mismatch: { type: 'mismatches', mismatches: [{ type: 'StatusMismatch', mismatch: 'expected 403 but was 200', path: '' }] } }],
      ),
    );
    const results = caseResultsFromVerification('zenlayer-vm', plans, output, records, TEST_CREDENTIALS);
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['stop.single', 'failed'],
      ['state.STOPPED.rejected', 'failed'],
      ['body.bad-json.rejected', 'skipped'],
    ]);
    expect(results[0]?.findings.map((f) => [f.check, f.message])).toEqual([['engine', `${stop.key}: Pact's verifier reported no result for this interaction`]]);
    expect(results[1]?.findings[0]).toMatchObject({ caseId: 'state.STOPPED.rejected', dialect: 'zenlayer-vm', level: 'MUST', check: 'pact-status', message: `${stopped.key}: expected 403 but was 200` });
    expect(results[1]?.findings[0]?.curl).toContain('<redacted>');
    expect(results[1]?.findings[0]?.curl).not.toContain(TEST_CREDENTIALS.accessKeySecret);
    expect(results[2]?.message).toMatch(/^not in the Pact contract \(a malformed request body/);
  });
});
