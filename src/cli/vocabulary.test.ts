/**
 * The command line's one vocabulary: every option of every registered command against the table of
 * `vocabulary.ts` (known, spelled and described as the table says, each shared option decided per command), and what
 * the vocabulary promises a user: a misspelt option or command gets "Did you mean ...?" and exit 2, a selection that
 * selects nothing is a usage error with the valid choices, `--dialect` takes lists, `report --out-dir` still works
 * for one release with a warning.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildResults } from '../../reporters/results-json.ts';
import { EMPTY_BASELINE, gate } from '../engine/baseline.ts';
import { runCliInProcess } from '../testing/cli.ts';
import { createProgram } from './main.ts';
import { addTerm } from './options.ts';
import { COMMAND_ROWS, DECIDED_OPTIONS, TERMS, type Term, type TermId } from './vocabulary.ts';

/** Every command of a program with its path as typed (`pact verify`; the program itself is ''). */
function commandsOf(program: Command): { path: string; command: Command }[] {
  const walk = (command: Command, path: string): { path: string; command: Command }[] => [
    { path, command },
    ...command.commands.flatMap((sub) => walk(sub, path === '' ? sub.name() : `${path} ${sub.name()}`)),
  ];
  return walk(program, '');
}

/** What is wrong between a program's commands and the vocabulary table, one line each (empty: nothing). */
function vocabularyProblems(program: Command): string[] {
  const problems: string[] = [];
  const commands = commandsOf(program);
  const rows = new Map(COMMAND_ROWS.map((r) => [r.command, r]));
  for (const { path, command } of commands) {
    const row = rows.get(path);
    const name = path === '' ? 'vmconform' : path;
    if (row === undefined) {
      problems.push(`${name}: no row in COMMAND_ROWS`);
      continue;
    }
    if (row.internal === true) continue;
    const offered = new Map(row.offers.map((id) => [TERMS[id].flags.split(' ').find((w) => w.startsWith('--')) ?? '', id]));
    for (const option of command.options) {
      const id = offered.get(option.long ?? '');
      if (id === undefined) {
        problems.push(`${name}: ${option.flags} is not a term its row offers`);
        continue;
      }
      const term: Term = TERMS[id];
      if (option.flags !== term.flags) problems.push(`${name}: ${option.flags} is spelled ${term.flags} in the vocabulary`);
      if (option.description !== term.description) problems.push(`${name}: ${option.long ?? ''} is described "${option.description}", not "${term.description}"`);
      if ((term.deprecatedFor !== undefined) !== option.hidden) problems.push(`${name}: ${option.long ?? ''} must be hidden exactly when it is a deprecated alias`);
    }
    for (const id of row.offers) {
      const long = TERMS[id].flags.split(' ').find((w) => w.startsWith('--'));
      if (!command.options.some((o) => o.long === long)) problems.push(`${name}: its row offers ${long ?? id}, the command does not`);
    }
    if (row.group === true) continue;
    for (const decided of DECIDED_OPTIONS) {
      const offers = offered.has(decided);
      const why = row.omits[decided];
      if (offers === (why !== undefined)) problems.push(`${name}: ${decided} must be either offered or omitted with a reason (not ${offers ? 'both' : 'neither'})`);
    }
  }
  for (const row of COMMAND_ROWS) if (!commands.some((c) => c.path === row.command)) problems.push(`the row of "${row.command}" names no command`);
  return problems;
}

describe('the vocabulary table', () => {
  it('knows every option of every command, spelled and described one way, and every command decides each shared option', () => {
    expect(vocabularyProblems(createProgram({ code: 0 }))).toEqual([]);
  });

  it('uses every term, and gives each long option one meaning per spelling', () => {
    const used = new Set<TermId>(COMMAND_ROWS.flatMap((r) => r.offers));
    expect((Object.keys(TERMS) as TermId[]).filter((id) => !used.has(id))).toEqual([]);
    // --dialect has two terms (the dialect a target speaks, the dialects a command works on), --out two (a file, and
    // the deprecated folder of pact generate), and the proxy has its own --port, --host, --ca and --allow-remote (it
    // listens for a client and forwards to an upstream: the mock's and run's wording would not be true of it); no
    // other option name has more than one.
    const names = Object.values(TERMS).map((t: Term) => t.flags.split(' ').find((w) => w.startsWith('--')) ?? '');
    const repeated = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))].sort();
    expect(repeated).toEqual(['--allow-remote', '--ca', '--dialect', '--host', '--out', '--port']);
  });

  it('fails for a command that spells, describes or leaves undecided an option differently (the check can fail)', () => {
    const program = createProgram({ code: 0 });
    const command = (name: string): Command => program.commands.find((c) => c.name() === name) ?? program;
    command('report').option('--grep <regex>', 'only these');
    const json = command('cases').options.find((o) => o.long === '--json');
    if (json) json.description = 'print the rows as JSON';
    const grep = command('conformance').options.find((o) => o.long === '--grep');
    if (grep) grep.flags = '--grep <regex>';
    addTerm(program.command('unlisted'), 'report-dir');
    expect(vocabularyProblems(program)).toEqual([
      'conformance: --grep <regex> is spelled --grep <pattern> in the vocabulary',
      'cases: --json is described "print the rows as JSON", not "print JSON instead of text"',
      'report: --grep <regex> is not a term its row offers',
      'unlisted: no row in COMMAND_ROWS',
    ]);
  });
});

describe('what the vocabulary promises', () => {
  it('an unknown option or command suggests the closest one, exit 2; a missing required option is still named', async () => {
    const taget = await runCliInProcess(['run', '--dialect', 'zenlayer-vm', '--taget', 'http://127.0.0.1:1']);
    expect(taget.code).toBe(2);
    expect(taget.stderr).toContain("error: unknown option '--taget'\n(Did you mean --target?)");
    const reportDir = await runCliInProcess(['pact', 'verify', '--dialect', 'zenlayer-vm', '--target', 'http://127.0.0.1:1', '--reportdir', 'x']);
    expect([reportDir.code, reportDir.stderr.includes('(Did you mean --report-dir?)')]).toEqual([2, true]);
    const verfy = await runCliInProcess(['pact', 'verfy']);
    expect([verfy.code, verfy.stderr.includes("unknown command 'verfy'\n(Did you mean verify?)")]).toEqual([2, true]);
    const rn = await runCliInProcess(['rn']);
    expect([rn.code, rn.stderr.includes('(Did you mean run?)')]).toEqual([2, true]);
    const missing = await runCliInProcess(['run', '--dialect', 'zenlayer-vm']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("error: required option '--target <url>' not specified");
    expect([taget, reportDir, verfy, rn, missing].map((r) => r.stdout)).toEqual(['', '', '', '', '']);
  });

  it('--dialect takes a comma-separated or repeated list; an empty one, an unknown name or a --grep that matches nothing is a usage error with the choices', async () => {
    const ids = (stdout: string): string[] => (JSON.parse(stdout) as { dialect: string; id: string }[]).map((r) => `${r.dialect}/${r.id}`);
    const comma = await runCliInProcess(['cases', '--dialect', 'zenlayer-vm,aliyun-ecs', '--grep', '^stop\\.single$', '--json']);
    const repeated = await runCliInProcess(['cases', '--dialect', 'zenlayer-vm', '--dialect', 'aliyun-ecs', '--grep', '^stop\\.single$', '--json']);
    expect(ids(comma.stdout)).toEqual(['zenlayer-vm/stop.single', 'aliyun-ecs/stop.single']);
    expect(ids(repeated.stdout)).toEqual(ids(comma.stdout));
    const empty = await runCliInProcess(['cases', '--dialect', '']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/an empty dialect name in "" \(give one or more of tencent-cvm-api2, .*aliyun-ecs.*, or all\)/);
    const unknown = await runCliInProcess(['cases', '--dialect', 'zenlayer-vm,gcp']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown dialect "gcp"; one of tencent-cvm-api2, /);
    const none = await runCliInProcess(['cases', '--dialect', 'zenlayer-bmc', '--grep', '^nothing$']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--grep "\^nothing\$" matches no case of zenlayer-bmc \(ids such as stop\.single, .*`vmconform cases --dialect zenlayer-bmc` lists all \d+\)/);
    expect([empty, unknown, none].map((r) => r.stdout)).toEqual(['', '', '']);
  });

  it('a command that speaks to one target takes one dialect: a list or a second --dialect is a usage error, a near name is suggested', async () => {
    const target = ['--target', 'http://127.0.0.1:1'];
    const list = await runCliInProcess(['run', '--dialect', 'aliyun-ecs,zenlayer-vm', ...target]);
    const twice = await runCliInProcess(['run', '--dialect', 'aliyun-ecs', '--dialect', 'zenlayer-vm', ...target]);
    const near = await runCliInProcess(['run', '--dialect', 'zenlayer', ...target]);
    expect([list.code, twice.code, near.code]).toEqual([2, 2, 2]);
    expect(list.stderr).toMatch(/"aliyun-ecs,zenlayer-vm": this command works on one dialect/);
    expect(twice.stderr).toMatch(/given twice \(aliyun-ecs, zenlayer-vm\): this command works on one dialect/);
    expect(near.stderr).toMatch(/unknown dialect "zenlayer" \(did you mean zenlayer-vm or zenlayer-bmc\?\)/);
  });

  it('report --out-dir still writes, with a warning naming --report-dir; both at once is a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmconform-vocabulary-'));
    mkdirSync(join(dir, 'run'));
    const doc = buildResults({ runId: 'r1', startedAt: new Date(0), finishedAt: new Date(1), targets: [{ dialect: 'zenlayer-vm', target: 't' }], results: [], verdict: gate([], EMPTY_BASELINE) });
    writeFileSync(join(dir, 'run', 'results.json'), JSON.stringify(doc));
    const old = await runCliInProcess(['report', join(dir, 'run'), '--out-dir', join(dir, 'old')]);
    expect(old.code, old.stderr).toBe(0);
    expect(old.stderr).toBe('vmconform: warning: --out-dir is deprecated and goes in the next release: use --report-dir\n');
    expect(readdirSync(join(dir, 'old')).sort()).toEqual(['report.html', 'summary.md']);
    const both = await runCliInProcess(['report', join(dir, 'run'), '--out-dir', join(dir, 'a'), '--report-dir', join(dir, 'b')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--out-dir is the deprecated spelling of --report-dir: give only --report-dir');
    const help = await runCliInProcess(['report', '--help']);
    expect(help.stdout).toContain('--report-dir <dir>');
    expect(help.stdout).not.toContain('--out-dir');
  });
});
