/**
 * How `vmconform repro` prints what it does, the same whether it runs the steps itself (`--exec`) or its script
 * runs them with curl: each step's title, each request as a curl line, the answer, each expectation held or failed
 * (with what was received), and the verdict, compared with what the run recorded.
 */
import type { CaseRow } from '../cases/types.ts';
import { toCurl } from '../dialects/curl.ts';
import type { WireRequest, WireResponse } from '../dialects/types.ts';
import type { Finding } from '../engine/types.ts';
import { terminalSafe } from '../../reporters/safe-text.ts';
import type { ReproExpectation, ReproStep } from './plan.ts';

/** How an expectation came out. */
export type Verdict = 'held' | 'failed' | 'not judged';

/** One expectation of a step and how it came out. */
export interface JudgedExpectation {
  readonly phase: string;
  readonly expectation: ReproExpectation;
  readonly verdict: Verdict;
  /** Why it failed (its findings' messages), or why it was not judged. */
  readonly why: readonly string[];
}

/** What the run recorded for the case, to compare with. */
export interface RecordedCase {
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly fingerprints: readonly string[];
}

/** Longest part of an answer body a line shows. */
const BODY_CHARS = 300;

const oneLine = (text: string, max: number): string => {
  const flat = text.replace(/\s*\n\s*/g, ' ');
  return flat.length > max ? `${flat.slice(0, max)}… (${text.length} chars)` : flat;
};

/**
 * The first line of a repro's output: the case and where its requests go.
 *
 * @example
 * headline(row, run) // 'vmconform repro: zenlayer-vm stop.single [MUST] against http://127.0.0.1:8080 (states: ...)'
 */
export function headline(row: Pick<CaseRow, 'dialect' | 'id' | 'level'>, run: { readonly target: string; readonly statesUrl: string }): string {
  return terminalSafe(`vmconform repro: ${row.dialect} ${row.id} [${row.level}] against ${run.target} (states: ${run.statesUrl})`);
}

/**
 * The title line of a step.
 *
 * @example
 * stepTitle(step) // '== step 1: StopInstances, ids [a]'
 */
export function stepTitle(step: ReproStep): string {
  return terminalSafe(`== ${step.kind === 'setup' || step.kind === 'teardown' ? `${step.kind}: ` : ''}${step.says}`);
}

/** A request as the line that sends it again (signed as it was sent: run it within the signature's validity). */
export function requestLine(request: WireRequest): string {
  return terminalSafe(`   ${toCurl(request)}`);
}

/**
 * What came back, in one line: the HTTP status and the body (cut), or why nothing came.
 *
 * @example
 * answerLine({ status: 200, headers: {}, bodyText: '{}' }, undefined) // '   -> HTTP 200 {}'
 */
export function answerLine(response: WireResponse | undefined, transportError: string | undefined): string {
  if (!response) return terminalSafe(`   -> no answer: ${transportError ?? 'unknown'}`);
  const body = response.bodyText === '' ? '(empty body)' : oneLine(response.bodyText, BODY_CHARS);
  return terminalSafe(`   -> HTTP ${response.status} ${body}`);
}

/**
 * The lines of one judged expectation: `held`, `FAILED` with what was received, or `not judged` with why.
 *
 * @example
 * expectationLines(j) // ['   FAILED [error-code] error code InvalidInstance.NotSupported (000_...:44)', '          expected ...']
 */
export function expectationLines(j: JudgedExpectation): string[] {
  const word = j.verdict === 'failed' ? 'FAILED    ' : j.verdict === 'held' ? 'held      ' : 'not judged';
  const e = j.expectation;
  return [terminalSafe(`   ${word} [${e.check}] ${e.expect} (${e.source})`), ...j.why.map((w) => terminalSafe(`              ${w}`))];
}

/**
 * Judge a step's expectations from the findings of its phase: an expectation fails when a finding breaks it (the
 * finding carries the rule and source of the assertion it breaks, and its check), holds otherwise; `notJudged` says
 * why none was judged (the phase did not run).
 *
 * @example
 * judgeStep(step, findingsOfThisPhase)
 */
export function judgeStep(step: ReproStep, findings: readonly Finding[], notJudged?: string): JudgedExpectation[] {
  return step.expectations.map((expectation) => {
    if (notJudged !== undefined) return { phase: step.phase, expectation, verdict: 'not judged', why: [notJudged] };
    const broken = findings.filter((f) => breaks(f, expectation));
    return { phase: step.phase, expectation, verdict: broken.length > 0 ? 'failed' : 'held', why: broken.map((f) => f.message) };
  });
}

/** Whether a finding breaks an expectation: the same check, and (for the plan's) the rule and source it was bound to. */
function breaks(f: Finding, e: ReproExpectation): boolean {
  if (f.check !== e.check) return false;
  return e.check === 'provider-state' || (f.rule === e.rule && f.source === e.source);
}

/**
 * The verdict lines: findings no expectation names (a case timeout, vmconform's own failure), how many expectations
 * held, which failed, and whether the failure is the one the run recorded (the same fingerprints); an interrupted
 * repro says so and compares nothing.
 *
 * @example
 * verdictLines(judged, findings, { status: 'failed', fingerprints: ['zenlayer-vm/stop.single/http-status/500'] })
 */
export function verdictLines(judged: readonly JudgedExpectation[], findings: readonly Finding[], recorded: RecordedCase | undefined, interrupted = false): string[] {
  const failed = judged.filter((j) => j.verdict === 'failed');
  const notJudged = judged.filter((j) => j.verdict === 'not judged').length;
  const held = judged.filter((j) => j.verdict === 'held').length;
  const stray = findings.filter((f) => !judged.some((j) => j.verdict === 'failed' && breaks(f, j.expectation)));
  const bad = failed.length + stray.length;
  const counts = `${held} of ${judged.length} expectations held${failed.length > 0 ? `, ${failed.length} failed` : ''}${notJudged > 0 ? `, ${notJudged} not judged` : ''}`;
  const names = [...new Set([...failed.map((j) => `[${j.expectation.check}] ${j.phase}`), ...stray.map((f) => `[${f.check}]`)])];
  const failedPart = bad > 0 ? `: failed ${names.join(', ')}` : '';
  // What no expectation names (a case timeout, vmconform's own failure) is shown on its own.
  const lines = stray.map((f) => `   FAILED     [${f.check}] ${f.message}`);
  lines.push(interrupted ? `RESULT: INTERRUPTED: ${counts}${failedPart}` : bad > 0 ? `RESULT: FAILED: ${counts}: ${names.join(', ')}` : `RESULT: PASSED: ${counts}`);
  if (recorded !== undefined && !interrupted) lines.push(comparison(findings, recorded));
  return lines.map(terminalSafe);
}

/** The repro's outcome next to the run's, by fingerprint. */
function comparison(findings: readonly Finding[], recorded: RecordedCase): string {
  const now = [...new Set(findings.map((f) => f.fingerprint))].sort();
  const then = [...new Set(recorded.fingerprints)].sort();
  if (recorded.status !== 'failed') return now.length === 0 ? `the run recorded ${recorded.status}; it passes now too` : `the run recorded ${recorded.status}; it fails now: ${now.join(', ')}`;
  if (now.length === 0) return `did not reproduce: the run failed with ${then.join(', ') || 'no fingerprint'}; everything held now`;
  const same = now.length === then.length && now.every((f, i) => f === then[i]);
  if (same) return `reproduced: the same fingerprints as the run (${now.join(', ')})`;
  const gained = now.filter((f) => !then.includes(f));
  const lost = then.filter((f) => !now.includes(f));
  return `fails for another reason than the run: now also ${gained.join(', ') || '(nothing)'}; no longer ${lost.join(', ') || '(nothing)'}`;
}
