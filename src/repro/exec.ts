/**
 * `vmconform repro --exec`: the case run again through the one engine (`runCase` inside an {@link ExchangeLog}, as
 * `run` runs it), then printed step by step: each request as a curl line, the answer, and each expectation held or
 * failed; the verdict compared with the run's. Exit 0 when every expectation held, 1 otherwise.
 */
import type { Credentials, WireRequest, WireResponse } from '../dialects/types.ts';
import { ExchangeLog } from '../engine/exchange-log.ts';
import { sharedPacer } from '../engine/pacer.ts';
import { newRunId, runCase } from '../engine/run-case.ts';
import type { Finding, RecordedExchange } from '../engine/types.ts';
import { redactSecret } from '../signing/credentials.ts';
import { reproSteps, type ReproStep } from './plan.ts';
import { answerLine, expectationLines, headline, judgeStep, requestLine, stepTitle, verdictLines, type JudgedExpectation } from './print.ts';
import type { ReproCase } from './select.ts';

/** A recorded request as the request it was (for its curl line). */
function wireRequest(ex: RecordedExchange): WireRequest {
  return { method: ex.request.method === 'GET' ? 'GET' : 'POST', url: ex.request.url, headers: ex.request.headers, ...(ex.request.body !== undefined ? { body: ex.request.body } : {}) };
}

function wireResponse(ex: RecordedExchange): WireResponse | undefined {
  return ex.response ? { status: ex.response.status, headers: ex.response.headers, bodyText: ex.response.body ?? '' } : undefined;
}

/**
 * The lines of a phase's requests: each request and its answer; many of them (a burst, paging, polling) as the
 * first, how many more, and the last.
 */
function exchangeLines(exchanges: readonly RecordedExchange[]): string[] {
  const lines = (ex: RecordedExchange): string[] => [requestLine(wireRequest(ex)), answerLine(wireResponse(ex), ex.transportError)];
  if (exchanges.length <= 2) return exchanges.flatMap(lines);
  const first = exchanges[0] as RecordedExchange;
  const last = exchanges.at(-1) as RecordedExchange;
  const counts = new Map<string, number>();
  for (const ex of exchanges) {
    const key = ex.response ? `HTTP ${ex.response.status}` : 'no answer';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const tally = [...counts].map(([k, n]) => `${n} x ${k}`).join(', ');
  return [...lines(first), `   ... ${exchanges.length - 2} more request(s) (${tally} in all); the last:`, ...lines(last)];
}

/** Whether a provider-state finding is about the setup or the teardown (its fingerprint names the action). */
const providerStateOf = (f: Finding, action: 'setup' | 'teardown'): boolean => f.check === 'provider-state' && f.fingerprint.includes(`/provider-state/${action}`);

/**
 * Run the case through the engine and print it step by step; returns the exit code (0 every expectation held, 1
 * otherwise).
 *
 * @example
 * exit.code = await execRepro(selectCase(path, id, {}), credentials, (l) => process.stdout.write(`${l}\n`));
 */
export async function execRepro(repro: ReproCase, credentials: Credentials, print: (line: string) => void): Promise<number> {
  const { row, run } = repro;
  print(headline(row, run));
  const log = new ExchangeLog(row, credentials);
  const result = await log.run(() =>
    runCase(row, {
      dialect: run.dialect,
      target: run.target,
      statesUrl: run.statesUrl,
      credentials,
      ...(run.region !== undefined ? { region: run.region } : {}),
      runId: newRunId(),
      pollTimeoutMs: run.pollTimeoutMs,
      requestTimeoutMs: run.requestTimeoutMs,
      pacer: sharedPacer(),
      ...(run.noStates === true ? { noStates: true } : {}),
    }),
  );
  const entries = log.entries();
  const safe = (f: Finding): Finding => ({ ...f, message: redactSecret(f.message, credentials) });
  const noted = log.stepFindings().map((n) => ({ step: n.step, finding: safe(n.finding) }));
  const findings = result.findings;
  const judged: JudgedExpectation[] = [];
  let over: string | undefined = findings.some((f) => providerStateOf(f, 'setup')) ? 'not sent: the setup failed' : undefined;
  let unreadable = false;
  for (const step of reproSteps(row, { noStates: run.noStates === true })) {
    print(stepTitle(step));
    const mine = phaseExchanges(entries, step);
    let notJudged: string | undefined;
    let phaseFindings: Finding[] = noted.filter((n) => n.step === step.step).map((n) => n.finding);
    if (step.kind === 'setup' || step.kind === 'teardown') {
      phaseFindings = findings.filter((f) => providerStateOf(f, step.kind as 'setup' | 'teardown'));
      if (mine.length === 0) notJudged = 'not sent';
    } else if (step.kind === 'call' || step.kind === 'burst') {
      notJudged = over ?? (mine.length === 0 ? 'not sent: the case ended before it (see below)' : undefined);
      if (over === undefined && mine.length > 0 && mine.every((ex) => ex.response === undefined)) over = `not judged: step ${step.step ?? ''} got no answer`;
      if (over === undefined && mine.length === 0) over = 'not judged: the case ended before it';
    } else if (step.kind === 'read') {
      notJudged = over;
      unreadable = phaseFindings.some((f) => f.fingerprint.endsWith('/unreadable'));
    } else if (step.kind === 'poll') {
      notJudged = over ?? (unreadable ? 'not judged: the status read failed' : undefined);
    } else {
      notJudged = over;
    }
    for (const line of exchangeLines(mine)) print(line);
    const verdicts = judgeStep(step, phaseFindings, notJudged);
    judged.push(...verdicts);
    for (const j of verdicts) for (const line of expectationLines(j)) print(line);
  }
  for (const line of verdictLines(judged, findings, repro.recorded)) print(line);
  return result.status === 'passed' ? 0 : 1;
}

/**
 * The recorded requests of a step of the repro: the setup's or teardown's provider-state call, a step's own
 * requests, or (for the read) every status read after the step, paging and polling included (the poll shows none).
 */
function phaseExchanges(entries: readonly RecordedExchange[], step: ReproStep): RecordedExchange[] {
  switch (step.kind) {
    case 'setup':
    case 'teardown':
      return entries.filter((e) => e.step === step.kind);
    case 'call':
    case 'burst':
      return entries.filter((e) => e.step === step.step && e.role === 'call');
    case 'read':
      return entries.filter((e) => e.step === step.step && e.role === 'status');
    default:
      return [];
  }
}
