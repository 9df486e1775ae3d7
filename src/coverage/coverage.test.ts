import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { CaseRow } from '../cases/types.ts';
import { DIALECT_NAMES } from '../dialects/types.ts';
import { FLIPS_TO_WRITE, UNCAUGHT_FLIPS } from '../rule-flips/index.ts';
import type { Rule } from '../specs/inventory.ts';
import { coverageReport, coverageReports, formatCoverage } from './coverage.ts';
import { main } from '../cli/main.ts';
import { coverageSummaryLines, writeCoverage } from './write.ts';

describe.each(DIALECT_NAMES.map((d) => [d] as const))('coverage of %s', (dialect) => {
  const report = coverageReport(dialect);

  it('leaves no testable rule without a case', () => {
    expect(report.uncovered.map((r) => r.id)).toEqual([]);
  });

  it('counts as partly checked exactly the rules with a flip declared uncaught (UNCAUGHT_FLIPS), and says why', () => {
    const declared = new Set(Object.keys(UNCAUGHT_FLIPS).filter((k) => k.startsWith(`${dialect} `)).map((k) => k.slice(dialect.length + 1, k.lastIndexOf('/'))));
    // Rules whose flips are still to be written (FLIPS_TO_WRITE) are partly checked too.
    for (const k of Object.keys(FLIPS_TO_WRITE)) if (k.startsWith(`${dialect} `)) declared.add(k.slice(dialect.length + 1));
    expect(report.partial.map((c) => c.rule.id).sort()).toEqual([...declared].sort());
    for (const c of report.partial) for (const u of c.uncaught) expect(u.why.length).toBeGreaterThan(20);
  });

  it('has cases naming only inventory rules', () => {
    expect(report.unknownRuleRefs).toEqual([]);
  });

  it('lists untestable rules with a reason, and maps every rule', () => {
    for (const u of report.untestable) expect(u.reason.length).toBeGreaterThan(10);
    expect(report.rules.length).toBeGreaterThan(0);
    expect(report.caseCount).toBeGreaterThan(0);
  });
});

const rule = (id: string, testable: true | string = true): Rule => ({
  id,
  dialect: 'zenlayer-bmc',
  kind: id.split(':')[0] as Rule['kind'],
  summary: `summary of ${id}`,
  docRef: '003_c37a545698f1730b.txt:10 x',
  testable,
});
const caseRow = (id: string, rules: string[]): CaseRow => ({
  id,
  dialect: 'zenlayer-bmc',
  level: 'MUST',
  title: id,
  docRef: '003_c37a545698f1730b.txt:10 x',
  rules,
  instances: [],
  steps: [{ kind: 'call', call: { operation: 'StopInstances', ids: [] }, expect: { result: 'client-error' } }],
});

describe('coverageReport', () => {
  const inventory = [rule('param:instanceIds'), rule('error:X'), rule('error:Internal', 'cannot be provoked'), rule('state:stoppable=RUNNING'), rule('error:Y')];
  const rows = [caseRow('a.one', ['param:instanceIds', 'error:X']), caseRow('a.two', ['error:X', 'error:Typo', 'error:X', 'error:Y'])];
  const flips = [
    { rule: 'param:instanceIds', how: 'refuse-present' },
    { rule: 'error:X', how: 'renamed' },
    { rule: 'error:X', how: 'wrong-status' },
  ];
  const uncaught = { 'zenlayer-bmc error:X/wrong-status': 'no case sends what it takes' };
  const report = coverageReport('zenlayer-bmc', rows, inventory, flips, uncaught);

  it('maps each rule to the cases naming it (each case once), its flips and the flips no case catches', () => {
    expect(report.rules.map((c) => [c.rule.id, c.cases, c.flips, c.uncaught.map((u) => u.how)])).toEqual([
      ['param:instanceIds', ['a.one'], ['refuse-present'], []],
      ['error:X', ['a.one', 'a.two'], ['renamed', 'wrong-status'], ['wrong-status']],
      ['error:Internal', [], [], []],
      ['state:stoppable=RUNNING', [], [], []],
      ['error:Y', ['a.two'], [], []],
    ]);
  });

  it('reports uncovered testable rules, partly checked ones (a flip not caught, or none built), untestable ones and unknown ids', () => {
    expect(report.uncovered.map((r) => r.id)).toEqual(['state:stoppable=RUNNING']);
    expect(report.partial.map((c) => c.rule.id)).toEqual(['error:X', 'error:Y']);
    expect(report.untestable.map((u) => [u.rule.id, u.reason])).toEqual([['error:Internal', 'cannot be provoked']]);
    expect(report.unknownRuleRefs).toEqual([{ caseId: 'a.two', rule: 'error:Typo' }]);
  });

  it('formats Markdown with the summary, the gaps, the partly checked rules and the rule table', () => {
    const md = formatCoverage([report]);
    expect(md).toContain('| zenlayer-bmc | 2 | 5 | 1 | 2 | 1 | 1 | 1 |');
    expect(md).toContain('### Uncovered testable rules');
    expect(md).toContain('- `state:stoppable=RUNNING`');
    expect(md).toContain('### Partly checked rules');
    expect(md).toContain('- `error:X` (`a.one`, `a.two`) wrong-status: no case sends what it takes');
    expect(md).toContain('- `error:Y` (`a.two`) no way of breaking it is built yet');
    expect(md).toContain('- `error:Internal`: cannot be provoked');
    expect(md).toContain('- `a.two` names `error:Typo`');
    expect(md).toContain('| `error:X` | yes | partly | `a.one`, `a.two` | renamed, wrong-status | wrong-status |');
    expect(md).toContain('| `param:instanceIds` | yes | yes | `a.one` | refuse-present | — |');
    expect(md).not.toContain('Every testable rule is checked');
  });

  it('says every testable rule is checked only when each is named by a case and none has a flip no case catches', () => {
    const all = coverageReport('zenlayer-bmc', [caseRow('a.one', ['param:instanceIds'])], [rule('param:instanceIds')], flips, {});
    expect(formatCoverage([all])).toContain('Every testable rule is checked');
    const partly = coverageReport('zenlayer-bmc', [caseRow('a.one', ['param:instanceIds'])], [rule('param:instanceIds')], flips, {
      'zenlayer-bmc param:instanceIds/refuse-present': 'not caught, for the test',
    });
    expect(formatCoverage([partly])).not.toContain('Every testable rule is checked');
  });
});

describe('vmconform coverage', () => {
  it('writes the report with --out and exits 0 when nothing is uncovered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmconform-coverage-'));
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const code = await main(['coverage', '--out', join(dir, 'sub', 'coverage.md')]);
      expect(code).toBe(0);
      const md = readFileSync(join(dir, 'sub', 'coverage.md'), 'utf8');
      expect(md).toBe(formatCoverage(coverageReports()));
      for (const d of DIALECT_NAMES) expect(md).toContain(`## ${d}`);
    } finally {
      write.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts uncovered rules and unknown rule ids as gaps', () => {
    const { gaps, reports } = writeCoverage();
    expect(gaps).toBe(reports.reduce((n, r) => n + r.uncovered.length + r.unknownRuleRefs.length, 0));
    expect(coverageSummaryLines(reports)).toHaveLength(DIALECT_NAMES.length);
  });

  it('exits 2 on a bad argument', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['coverage', '--bogus'])).toBe(2);
      expect(await main(['coverage', '--out'])).toBe(2);
    } finally {
      write.mockRestore();
    }
  });
});
