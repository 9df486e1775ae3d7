/**
 * The human summary: per dialect counts, each failure with id, docRef, expected vs received and the curl line,
 * then what the baseline gate decided. Plain text over a results document and a gate result.
 */
import type { GateResult } from '../src/engine/baseline.ts';
import type { ResultsDocument } from './results-json.ts';

/**
 * Format the summary.
 *
 * @example
 * process.stdout.write(formatSummary(doc, gate(results, baseline)));
 */
export function formatSummary(doc: ResultsDocument, verdict?: GateResult): string {
  const out: string[] = [];
  const known = new Set((verdict?.knownFailures ?? []).map((r) => `${r.dialect}/${r.id}`));
  const ignored = new Set((verdict?.ignoredShould ?? []).map((r) => `${r.dialect}/${r.id}`));
  out.push(`vmconform ${doc.version}  run ${doc.runId}  started ${doc.startedAt}`);
  for (const run of doc.runs) {
    const s = run.summary;
    out.push('');
    out.push(`${run.dialect}  ${run.target}`);
    out.push(`  ${s.total} cases: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
    for (const c of run.cases) {
      if (c.status !== 'failed') continue;
      const key = `${run.dialect}/${c.id}`;
      const tag = known.has(key) ? ' (known, in baseline)' : ignored.has(key) ? ' (SHOULD, not gated)' : '';
      out.push(`  FAIL ${c.id} [${c.level}]${tag}`);
      out.push(`    doc: ${c.docRef}`);
      if (c.rules.length > 0) out.push(`    rules: ${c.rules.join(', ')}`);
      if (c.findings.length === 0) out.push(`    ${c.message ?? 'failed'}`);
      for (const f of c.findings) {
        out.push(`    [${f.check}] ${f.message}`);
        if (f.curl) out.push(`      ${f.curl}`);
      }
    }
  }
  if (doc.errors.length > 0) {
    out.push('');
    out.push('Errors outside the cases (the run is incomplete):');
    for (const e of doc.errors) out.push(`  ${e}`);
  }
  const total = doc.runs.reduce((n, r) => n + r.summary.total, 0);
  const passed = doc.runs.reduce((n, r) => n + r.summary.passed, 0);
  const failed = doc.runs.reduce((n, r) => n + r.summary.failed, 0);
  const skipped = doc.runs.reduce((n, r) => n + r.summary.skipped, 0);
  out.push('');
  out.push(
    `Total: ${total} cases: ${passed} passed, ${failed} failed, ${skipped} skipped in ${(doc.durationMs / 1000).toFixed(1)} s`,
  );
  if (verdict) {
    for (const k of verdict.fixed) out.push(`fixed: remove from baseline: ${k.dialect} ${k.id} (${k.reason})`);
    if (verdict.knownFailures.length > 0) out.push(`${verdict.knownFailures.length} known failure(s) listed in the baseline`);
    if (verdict.ignoredShould.length > 0) out.push(`${verdict.ignoredShould.length} SHOULD failure(s) not gated (--level must)`);
    out.push(
      verdict.failed
        ? `RESULT: FAILED (${verdict.newFailures.length} failure(s) beyond the baseline)`
        : 'RESULT: PASSED (nothing failed beyond the baseline)',
    );
  }
  return `${out.join('\n')}\n`;
}
