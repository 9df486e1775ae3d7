/**
 * The assertion plan (DESIGN.md §5: every assertion names its source): every row's every check has a source whose
 * cited lines exist and say it, and a rule of the inventory; the engine runs exactly the plan's checks and every
 * finding it makes carries the rule and source of the assertion it breaks.
 */
import { NEXT_REFERENCE } from '../specs/doc-ref.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCases, casesFor } from '../cases/index.ts';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { startProviderServer, type RunningProvider } from '../provider/server.ts';
import { startWithOptions } from '../provider-variants/build.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';
import { checkDocRef, findSeedsDir } from '../specs/check.ts';
import { ruleInventory } from '../specs/inventory.ts';
import { assertionsOf, compactSource } from './assertions.ts';
import { CALL_CHECKS, STEP_CHECKS } from './checks.ts';
import { WindowPacer } from './pacer.ts';
import { newRunId, runCase } from './run-case.ts';
import { PROTOCOL_RULES } from './types.ts';

const SEEDS = findSeedsDir();

/** Each `; `-joined part of a source. */
function parts(source: string): string[] {
  return source.split(NEXT_REFERENCE);
}


/** What each seed states: a Content-Type (only aliyun's, 004:112-147) and that request ids are unique (not aliyun's). */
const SEED_STATES: Readonly<Record<DialectName, { readonly contentType: boolean; readonly uniqueRequestId: boolean }>> = {
  'tencent-cvm-api2': { contentType: false, uniqueRequestId: true },
  'tencent-cvm-api3': { contentType: false, uniqueRequestId: true },
  'zenlayer-vm': { contentType: false, uniqueRequestId: true },
  'zenlayer-bmc': { contentType: false, uniqueRequestId: true },
  'aliyun-ecs': { contentType: true, uniqueRequestId: false },
  // aws-ec2.md:204 (no Content-Type judged), aws-ec2.md:201 (request ids differ between answers).
  'aws-ec2': { contentType: false, uniqueRequestId: true },
};

describe('every assertion of the catalog has a source and a rule', () => {
  it('the seeds folder ships with the package', () => {
    expect(SEEDS).toBeDefined();
  });

  it.each(DIALECT_NAMES)('%s: every row has a plan; every assertion cites existing lines and an inventory rule', (dialect) => {
    const rules = new Set(ruleInventory(dialect).map((r) => r.id));
    const checks = new Set([...Object.keys(CALL_CHECKS), ...Object.keys(STEP_CHECKS)]);
    const problems: string[] = [];
    for (const row of casesFor(dialect)) {
      const plan = assertionsOf(row);
      if (plan.length === 0) problems.push(`${row.id}: no assertion`);
      for (const a of plan) {
        const where = `${row.id} step ${a.step ?? '-'} ${a.check}`;
        if (!checks.has(a.check)) problems.push(`${where}: not a registered check`);
        if (!rules.has(a.rule)) problems.push(`${where}: rule ${a.rule} is not in the inventory`);
        if (a.expect.trim() === '') problems.push(`${where}: no expectation`);
        for (const part of parts(a.source)) {
          // a seed part cites lines only (`NNN_<hex>.txt:L`): they must exist; a pin's words must be in its section.
          const p = checkDocRef(part, SEEDS ?? '', { quoteRequired: false });
          if (p !== undefined) problems.push(`${where}: source ${JSON.stringify(part)}: ${p}`);
        }
        if (a.step !== undefined && (a.step < 1 || a.step > row.steps.length)) problems.push(`${where}: no such step`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('a source cites lines as NNN_<hex>.txt:L and pins by their first words', () => {
    expect(compactSource('004_edc2cde202d0f4dc.txt:68 RequestId String; 004_edc2cde202d0f4dc.txt:68 again; DESIGN.md §3 A request that fails changes nothing, in every dialect (aliyun SuccessFirst reports per instance instead).')).toBe(
      '004_edc2cde202d0f4dc.txt:68; DESIGN.md §3 A request that fails changes nothing, in every dialect',
    );
    expect(compactSource('001_531d5cb6841b9371.txt:51-57 Response:')).toBe('001_531d5cb6841b9371.txt:51-57');
    for (const row of allCases()) {
      for (const a of assertionsOf(row)) for (const part of parts(a.source)) expect(part).toMatch(/^((\d{3}_[0-9a-f]{16}\.txt|[a-z][a-z0-9-]*\.md):\d+(-\d+)?|DESIGN\.md §\d \S.*)$/);
    }
  });

  it('content types are asserted only where a seed states them (aliyun, 004:112-147), request-id uniqueness only where the document says unique', () => {
    for (const row of allCases()) {
      const plan = assertionsOf(row);
      const hasContentType = plan.some((a) => a.check === 'content-type');
      expect(hasContentType, row.id).toBe(SEED_STATES[row.dialect].contentType);
      if (!SEED_STATES[row.dialect].uniqueRequestId) expect(plan.some((a) => a.check === 'request-id-unique'), row.id).toBe(false);
    }
  });
});

describe('findings carry the rule and source of the assertion they break (real HTTP)', () => {
  const dialect = 'zenlayer-vm' as const;
  let reference: RunningProvider;
  let wrong: RunningProvider;
  beforeAll(async () => {
    reference = await startProviderServer({ dialect, port: 0, host: '127.0.0.1', transitionMs: 50 });
    // Stops a STOPPED instance and never refuses a state: the state rows fail on several assertions.
    wrong = await startWithOptions(dialect, { rules: { stoppableWords: ['RUNNING', 'STOPPED', 'PENDING'] } })({ transitionMs: 50 });
  });
  afterAll(async () => {
    await reference.close();
    await wrong.close();
  });

  const ctxOf = (p: RunningProvider) => ({
    dialect,
    target: p.url,
    statesUrl: `${p.url}/_vmconform/provider-states`,
    credentials: TEST_CREDENTIALS,
    runId: newRunId(),
    pollTimeoutMs: 2_000,
    pacer: new WindowPacer(),
  });

  it('every finding names a rule and source of its row plan (or a protocol rule)', async () => {
    const rows = casesFor(dialect).filter((r) => ['state.STOPPED.rejected', 'state.PENDING.rejected', 'state.mixed-batch.rejected'].includes(r.id));
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect((await runCase(row, ctxOf(reference))).status, row.id).toBe('passed');
      const r = await runCase(row, ctxOf(wrong));
      expect(r.status, row.id).toBe('failed');
      const plan = assertionsOf(row);
      const protocol = new Set<string>(Object.values(PROTOCOL_RULES).map((p) => p.rule));
      for (const f of r.findings) {
        const matching = plan.filter((a) => a.check === f.check);
        expect(matching.length > 0 || protocol.has(f.rule), `${row.id} ${f.check}`).toBe(true);
        expect(matching.some((a) => a.rule === f.rule && a.source === f.source), `${row.id} ${f.check}: ${f.rule} / ${f.source}`).toBe(true);
      }
      // The stop that should have been refused: a wrong result kind (error envelope expected) and a changed state.
      expect(r.findings.find((f) => f.check === 'state-immediate')).toMatchObject({ rule: 'resolution:failed-request-changes-nothing', source: expect.stringContaining('DESIGN.md §3 A request that fails changes nothing') as unknown });
      expect(r.findings.find((f) => f.check === 'result-kind')?.rule).toMatch(/^error:OPERATION_DENIED_INSTANCE_NOT_RUNNING$|^envelope:error$/);
    }
  });
});
