/**
 * A hostile target cannot reach the terminal or exhaust memory (issue #11, item 7). Against targets whose answers
 * carry ESC/OSC/C1 sequences, JSON nested 100,000 levels deep, or bodies over the size the suite reads, `run`,
 * `fuzz` and `pact verify` (real processes, real HTTP) print nothing raw: stdout, stderr and every report file hold no
 * control character but newline and tab, and the attack shows escaped. The deep and the oversized answers cost a run
 * little memory beyond what the same run costs against the escaping target (peak RSS of the process, sampled).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProvider } from '../provider/server.ts';
import { BIN } from '../testing/cli.ts';
import { hostileTarget, type HostileKind } from '../testing/hostile-targets.ts';

const dir = mkdtempSync(join(tmpdir(), 'vmconform-hostile-'));
const targets = new Map<HostileKind, RunningProvider>();

beforeAll(async () => {
  for (const kind of ['escapes', 'deep-json', 'huge-body'] as const) targets.set(kind, await hostileTarget(kind)({ transitionMs: 100 }));
});
afterAll(async () => {
  await Promise.all([...targets.values()].map((t) => t.close()));
});

interface Measured {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Peak resident set of the process in MB (VmHWM, sampled until it ended). */
  readonly peakMb: number;
}

/** Run the CLI, sampling the peak RSS of its process. */
function measured(args: readonly string[]): Promise<Measured> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const sample = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid ?? 0}/status`, 'utf8'))?.[1];
        peakKb = Math.max(peakKb, Number(hwm ?? 0));
      } catch {
        // ended between two samples
      }
    }, 50);
    child.on('close', (code) => {
      clearInterval(sample);
      resolve({ code, stdout, stderr, peakMb: Math.round(peakKb / 1024) });
    });
  });
}

// Control characters a terminal acts on: C0 but tab and newline, DEL, C1.
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

function rawControlIn(label: string, text: string): string[] {
  const m = RAW_CONTROL.exec(text);
  return m ? [`${label}: ${JSON.stringify(text.slice(Math.max(0, m.index - 40), m.index + 20))}`] : [];
}

describe('a hostile target', () => {
  it('reaches no terminal and no report raw, and costs a run little memory', async () => {
    const url = (kind: HostileKind): string => targets.get(kind)?.url ?? '';
    const report = (name: string): string => join(dir, name);
    const [runEsc, fuzzEsc, pactEsc, runDeep, runHuge] = await Promise.all([
      measured(['run', '--dialect', 'zenlayer-vm', '--target', url('escapes'), '--report-dir', report('run-escapes')]),
      measured(['fuzz', '--dialect', 'zenlayer-vm', '--target', url('escapes'), '--runs', '30', '--seed', '1', '--property', 'requests', '--report-dir', report('fuzz-escapes')]),
      measured(['pact', 'verify', '--dialect', 'zenlayer-vm', '--target', url('escapes'), '--report-dir', report('pact-escapes')]),
      measured(['run', '--dialect', 'zenlayer-vm', '--target', url('deep-json'), '--report-dir', report('run-deep')]),
      measured(['run', '--dialect', 'zenlayer-vm', '--target', url('huge-body'), '--report-dir', report('run-huge')]),
    ]);
    // Every command judged the target (exit 1: it fails), none crashed.
    expect([runEsc, fuzzEsc, pactEsc, runDeep, runHuge].map((r) => r.code)).toEqual([1, 1, 1, 1, 1]);

    const raw: string[] = [];
    for (const [label, r] of Object.entries({ run: runEsc, fuzz: fuzzEsc, pact: pactEsc, deep: runDeep, huge: runHuge })) {
      raw.push(...rawControlIn(`${label} stdout`, r.stdout), ...rawControlIn(`${label} stderr`, r.stderr));
    }
    for (const name of ['run-escapes', 'fuzz-escapes', 'pact-escapes', 'run-deep', 'run-huge']) {
      for (const file of readdirSync(report(name))) raw.push(...rawControlIn(`${name}/${file}`, readFileSync(join(report(name), file), 'utf8')));
    }
    expect(raw).toEqual([]);
    // The attack is shown, escaped, where a human reads it.
    expect(runEsc.stdout).toContain('\\u001b]0;pwned\\u0007\\u001b[2J');
    expect(readFileSync(join(report('run-escapes'), 'summary.txt'), 'utf8')).toContain('\\u009b1m');
    expect(pactEsc.stdout).toContain('pwned');

    // The deep answer is refused unparsed, the huge one unread, each as a finding.
    expect(runDeep.stdout).toMatch(/nests deeper than 64 levels; not parsed/);
    expect(runHuge.stdout).toMatch(/response body exceeds 1048576 bytes/);
    // Memory: the same catalog against the deep and the oversized answers peaks close to the run against the small
    // escaping answers (generous: the machine is shared; the exact figures are in `npm run bench`).
    expect(runDeep.peakMb, `deep ${runDeep.peakMb} MB vs ${runEsc.peakMb} MB`).toBeLessThan(runEsc.peakMb + 160);
    expect(runHuge.peakMb, `huge ${runHuge.peakMb} MB vs ${runEsc.peakMb} MB`).toBeLessThan(runEsc.peakMb + 160);
  }, 240_000);
});
