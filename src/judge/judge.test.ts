/**
 * The exchange judge over traffic `vmconform run` records: catalog rows run against the reference provider and
 * against wrong providers (src/wrong-providers/), their exchanges written as run writes exchanges.har, then judged
 * by `vmconform judge`. The reference traffic breaks no rule; each wrong provider's traffic breaks the rules run
 * reported, as far as an observer can see them. Plus HAR entries the judge cannot read, counted and not judged.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { casesFor } from '../cases/index.ts';
import { DIALECT_NAMES, type DialectName } from '../dialects/types.ts';
import { EMPTY_BASELINE, gate } from '../engine/baseline.ts';
import type { CaseResult } from '../engine/types.ts';
import { startProviderServer, type RunningProvider } from '../provider/server.ts';
import { runCliInProcess } from '../testing/cli.ts';
import { limiter, runRowsAgainst } from '../testing/run-catalog.ts';
import { wrongProvider } from '../wrong-providers/index.ts';
import { toHar } from '../../reporters/har.ts';
import { buildResults } from '../../reporters/results-json.ts';
import { readHarFiles } from './har.ts';
import { ExchangeJudge, type ObservedExchange } from './judge.ts';
import { getDialect } from '../dialects/index.ts';
import { TEST_CREDENTIALS } from '../signing/credentials.ts';

const dir = mkdtempSync(join(tmpdir(), 'vmconform-judge-'));
const limit = limiter(8);

/** Run some rows of a dialect against a provider and write their exchanges as `vmconform run` writes exchanges.har. */
async function recorded(name: string, dialect: DialectName, start: () => Promise<RunningProvider>, grep: RegExp): Promise<{ har: string; results: CaseResult[] }> {
  const rows = casesFor(dialect).filter((r) => grep.test(r.id));
  // As the suite runs them: each case in its exchange log (what exchanges.har is made from).
  const results = await runRowsAgainst(start, dialect, { limit, pollTimeoutMs: 1_500, record: true }, rows);
  const now = new Date();
  const doc = buildResults({ runId: name, startedAt: now, finishedAt: now, targets: [{ dialect, target: 'http://127.0.0.1' }], results, verdict: gate(results, EMPTY_BASELINE) });
  const har = join(dir, `${name}.har`);
  writeFileSync(har, JSON.stringify(toHar([doc])));
  return { har, results };
}

function judged(har: string, dialect: DialectName, pollTimeoutMs = 1_500): CaseResult[] {
  const judge = new ExchangeJudge({ dialect, pollTimeoutMs });
  for (const ex of readHarFiles([har]).exchanges) judge.add(ex);
  return [...judge.finish().results];
}

const failedRules = (results: readonly CaseResult[]): string[] => [...new Set(results.flatMap((r) => r.findings.map((f) => f.rule)))].sort();
const failedRows = (results: readonly CaseResult[]): string[] => results.filter((r) => r.status === 'failed').map((r) => r.id).sort();

describe('vmconform judge over traffic vmconform run recorded', () => {
  const transitionMs = 100;
  const cases: readonly { wrong: string; grep: RegExp; alsoJudged?: readonly string[] }[] = [
    // Stops a STOPPED instance: the documented code and "a refused call changes nothing".
    { wrong: 'zenlayer-bmc-stops-stopped', grep: /^(stop\.single|state\.STOPPED\.rejected|state\.mixed-batch\.rejected)$/, alsoJudged: ['state:not-stoppable=STOPPED'] },
    // Accepts 101 ids: the limit's code (and the 100-id limit itself) and nothing may change.
    { wrong: 'api2-accepts-101-ids', grep: /^ids\.limit\./, alsoJudged: ['limit:instance-ids-max', 'param:InstanceIds.N'] },
    // A dry run that stops: the instance changed, which breaks the dry run's own rule too (its row lists it).
    { wrong: 'aliyun-dry-run-stops', grep: /^aliyun\.dry-run\./, alsoJudged: ['resolution:dryrun-success-400'] },
    // Never reaches STOPPED within the poll bound.
    { wrong: 'zenlayer-bmc-never-stopped', grep: /^stop\.single$/ },
    // Rules the judge reads from the specs' judgedBy: an error answer (api3's HTTP 200 errors), the not-stoppable
    // situation (api2's code), the security-locked one (aliyun).
    { wrong: 'api3-errors-http-400', grep: /^(ids\.malformed\.rejected|state\.STOPPED\.rejected)$/, alsoJudged: ['envelope:error', 'resolution:tencent-errors-http-200', 'resolution:not-stoppable-code', 'state:not-stoppable=STOPPED'] },
    { wrong: 'api2-wrong-not-stoppable-code', grep: /^state\.STOPPED\.rejected$/, alsoJudged: ['resolution:not-stoppable-code', 'state:not-stoppable=STOPPED'] },
    { wrong: 'aliyun-ignores-security-lock', grep: /^aliyun\.security-locked\.rejected$/ },
    // aws-ec2: a refused batch that stops its stoppable instances anyway.
    { wrong: 'ec2-batch-not-atomic', grep: /^(state\.mixed-batch\.rejected|ids\.malformed\.mixed-batch-rejected)$/ },
  ];

  it.for(cases)('$wrong: the judge fails the rules run reported', async ({ wrong, grep, alsoJudged }) => {
    const w = wrongProvider(wrong);
    const { har, results } = await recorded(wrong, w.dialect, () => w.start({ transitionMs }), grep);
    const ran = failedRules(results);
    expect(ran.length).toBeGreaterThan(0);
    const judge = judged(har, w.dialect);
    expect(failedRows(judge)).toEqual([...new Set([...ran, ...(alsoJudged ?? [])])].sort());
    // Each failed row carries the exchanges that showed it, and findings with the rule's id and a curl line.
    for (const row of judge.filter((r) => r.status === 'failed')) {
      expect(row.exchanges?.length).toBeGreaterThan(0);
      // (each finding's rule is the rule its check judged first: the reports fold the copies of one finding into one cause)
      for (const f of row.findings) expect([f.caseId, f.fingerprint.startsWith(`${w.dialect}/${row.id}/`), failedRows(judge).includes(f.rule)]).toEqual([row.id, true, true]);
      expect(row.findings.some((f) => f.curl?.startsWith('curl '))).toBe(true);
    }
  });

  it('the same rows against the reference provider: every rule judged passes, the rest are "not observed"', async () => {
    const { har } = await recorded('reference', 'zenlayer-bmc', () => startProviderServer({ dialect: 'zenlayer-bmc', transitionMs }), cases[0]?.grep ?? /x/);
    const judge = judged(har, 'zenlayer-bmc');
    expect(failedRows(judge)).toEqual([]);
    expect(judge.filter((r) => r.status === 'passed').map((r) => r.id)).toEqual(
      expect.arrayContaining(['error:OPERATION_DENIED_INSTANCE_NOT_RUNNING', 'state:not-stoppable=STOPPED', 'transition:RUNNING->STOPPING', 'transition:STOPPING->STOPPED', 'resolution:failed-request-changes-nothing']),
    );
    const skipped = judge.filter((r) => r.status === 'skipped');
    expect(skipped.map((r) => r.id)).toContain('state:not-stoppable=RECYCLE');
    for (const r of skipped) expect(r.message).toMatch(/^not observed/);
  });

  // The whole catalog's traffic of every dialect against the reference provider: the judge raises no false alarm
  // (this found one: aws-ec2's empty id value, any client error by aws-ec2.md:189, was judged as a malformed id).
  it.for(DIALECT_NAMES.map((dialect) => ({ dialect })))('$dialect: the whole catalog against the reference provider breaks no rule', async ({ dialect }) => {
    const { har } = await recorded(`reference-${dialect}`, dialect, () => startProviderServer({ dialect, transitionMs }), /./);
    const judge = judged(har, dialect);
    expect(judge.filter((r) => r.status === 'failed').map((r) => `${r.id}: ${r.message}`)).toEqual([]);
    expect(judge.filter((r) => r.status === 'passed').length).toBeGreaterThan(20);
  });

  it("a SuccessFirst dry run in the traffic judges its rule (not 'not observed')", async () => {
    const { har } = await recorded('success-first-dry-run', 'aliyun-ecs', () => startProviderServer({ dialect: 'aliyun-ecs', transitionMs }), /^aliyun\.success-first\.dry-run$/);
    const judge = judged(har, 'aliyun-ecs');
    expect(failedRows(judge)).toEqual([]);
    expect(judge.find((r) => r.id === 'resolution:dryrun-successfirst-always-success')?.status).toBe('passed');
  });

  it('vmconform judge: reports and exit codes; unreadable bodies and other hosts are counted, never judged; no traffic of the dialect exits 2', async () => {
    const w = wrongProvider('zenlayer-bmc-stops-stopped');
    const { har } = await recorded('cli', w.dialect, () => w.start({ transitionMs }), /^state\.STOPPED\.rejected$/);
    // The same traffic, with one entry's answer base64-encoded (as Chromium writes binary bodies) and one of another host.
    const doc = JSON.parse(readFileSync(har, 'utf8')) as { log: { entries: { request: { url: string }; response: { content: { text?: string; encoding?: string } } }[] } };
    const entries = doc.log.entries;
    const first = entries[0];
    if (first) entries.push({ ...first, request: { ...first.request, url: 'http://elsewhere.example/api/v2/bmc' } });
    const stop = entries.find((e) => e.request.url.endsWith('/api/v2/bmc') && (e as { _vmconform?: { role?: string } })._vmconform?.role === 'call');
    const mixed = join(dir, 'mixed.har');
    writeFileSync(mixed, JSON.stringify(doc));
    const out = join(dir, 'cli-out');
    const r = await runCliInProcess(['judge', har, '--dialect', w.dialect, '--report-dir', out, '--quiet']);
    expect(r.code, r.stderr).toBe(1);
    // The copies of one finding in each rule it breaks read once, as one cause with its rules (as run folds cases).
    expect(r.stdout).toMatch(/FAIL 2 rules, the same 2 causes \[MUST\]: error:OPERATION_DENIED_INSTANCE_NOT_RUNNING, state:not-stoppable=STOPPED\n/);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { runs: { rows?: string; summary: { total: number; failed: number; skipped: number }; cases: { id: string; status: string }[] }[] };
    expect(results.runs[0]?.cases.find((c) => c.id === 'error:OPERATION_DENIED_INSTANCE_NOT_RUNNING')?.status).toBe('failed');
    // The rows are judged rules, and every report counts them so (a run's reports say cases: reporters' tests).
    const { total, failed, skipped } = results.runs[0]?.summary ?? { total: 0, failed: 0, skipped: 0 };
    expect([results.runs[0]?.rows, skipped]).toEqual(['rules', expect.any(Number)]);
    expect(skipped).toBeGreaterThan(0);
    expect(r.stdout).toContain(`RESULT: FAILED (${failed} failure(s) beyond the baseline; ${skipped} of ${total} rules skipped)`);
    const summaryTxt = readFileSync(join(out, 'summary.txt'), 'utf8');
    expect(summaryTxt).toMatch(new RegExp(`\\n  ${total} rules: \\d+ passed, ${failed} failed, ${skipped} skipped  score: `));
    expect(summaryTxt).toMatch(new RegExp(`\\n  ran ${total - skipped} of ${total} rules; ${skipped} skipped: (\\d+: )?not observed`));
    expect(summaryTxt).toMatch(new RegExp(`\\nTotal: ${total} rules: `));
    const summaryMd = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(summaryMd).toContain('| dialect | target | rules | passed |');
    expect(summaryMd).toContain(`- zenlayer-bmc: ran ${total - skipped} of ${total} rules;`);
    expect(summaryMd).toContain('· 2 rules, the same 2 causes [MUST]');
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toMatch(/one cause in 2 rules of this run/);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('"rows":{"one":"rule","many":"rules"}');
    for (const name of ['summary.txt', 'summary.md', 'junit.xml']) expect(readFileSync(join(out, name), 'utf8'), name).not.toMatch(/\d+ cases\b|cases (of this run|skipped)/);
    expect(JSON.parse(readFileSync(join(out, 'exchanges.har'), 'utf8')).log.entries.length).toBe(entries.length - 1);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/traffic: \d+ exchange\(s\) seen/);
    // A rule row is not a case of the catalog: repro says it is not replayable.
    const repro = await runCliInProcess(['repro', join(out, 'results.json'), 'state:not-stoppable=STOPPED']);
    expect([repro.code, repro.stderr]).toEqual([2, expect.stringContaining('is a rule row of traffic judged by `vmconform proxy` or `vmconform judge`')]);
    // A baseline of run's case ids matches no rule row: a warning says so.
    const runBaseline = join(dir, 'run-baseline.json');
    writeFileSync(runBaseline, JSON.stringify({ schemaVersion: 2, known: [{ dialect: w.dialect, id: 'state.STOPPED.rejected', reason: 'from run' }] }));
    const withRunBaseline = await runCliInProcess(['judge', har, '--dialect', w.dialect, '--baseline', runBaseline, '--report-dir', join(dir, 'run-baseline'), '--quiet']);
    expect([withRunBaseline.code, withRunBaseline.stderr]).toEqual([1, expect.stringContaining('1 entry of ' + runBaseline + ' name no rule of zenlayer-bmc (such as state.STOPPED.rejected)')]);

    if (stop) stop.response.content = { encoding: 'base64', text: Buffer.from(stop.response.content.text ?? '').toString('base64') };
    writeFileSync(mixed, JSON.stringify(doc));
    const unreadable = await runCliInProcess(['judge', mixed, '--dialect', w.dialect, '--target', 'http://127.0.0.1:1', '--report-dir', join(dir, 'none')]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toContain('no traffic reached vmconform');
    expect(JSON.parse(readFileSync(join(dir, 'none', 'results.json'), 'utf8')).gate.failed).toBe(true);
    const target = new URL(stop?.request.url ?? 'http://127.0.0.1:1').origin;
    const counted = await runCliInProcess(['judge', mixed, '--dialect', w.dialect, '--target', target, '--report-dir', join(dir, 'counted')]);
    expect(counted.code, counted.stdout).toBe(0);
    expect(counted.stdout).toMatch(/not judged: 1 of other hosts, paths or methods, 1 with a body missing, base64-encoded, truncated or cut short by the client/);

    const notHar = join(dir, 'not.har');
    writeFileSync(notHar, '{"log":{}}');
    const bad = await runCliInProcess(['judge', notHar, '--dialect', w.dialect, '--report-dir', join(dir, 'bad')]);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('not a HAR 1.2 file')]);
    const grep = await runCliInProcess(['judge', har, '--dialect', w.dialect, '--grep', '^nothing$', '--report-dir', join(dir, 'grep')]);
    expect([grep.code, grep.stderr]).toEqual([2, expect.stringContaining('--grep "^nothing$" matches no rule of zenlayer-bmc')]);
    const only = await runCliInProcess(['judge', har, '--dialect', w.dialect, '--grep', '^state:', '--report-dir', join(dir, 'only'), '--quiet']);
    expect(only.code).toBe(1);
    const rows = (JSON.parse(readFileSync(join(dir, 'only', 'results.json'), 'utf8')) as { runs: { cases: { id: string }[] }[] }).runs[0]?.cases ?? [];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((c) => c.id.startsWith('state:'))).toBe(true);
  });
});

describe('HAR files from elsewhere', () => {
  it("reads a browser's HAR: pseudo-headers dropped, entries ordered by start, bodies it cannot read kept with the reason", () => {
    const entry = (at: string, url: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
      startedDateTime: at,
      time: 12.5,
      request: {
        method: 'POST',
        url,
        httpVersion: 'h2',
        headers: [
          { name: ':authority', value: '127.0.0.1:8080' },
          { name: 'Content-Type', value: 'application/json' },
          { name: 'X-ZC-Action', value: 'StopInstances' },
        ],
        postData: { mimeType: 'application/json', text: '{"instanceIds":["vm-1"]}' },
        bodySize: 24,
      },
      response: { status: 200, headers: [{ name: 'Content-Type', value: 'application/json' }], content: { size: 10, mimeType: 'application/json', text: '{"ok":true}' } },
      ...extra,
    });
    const file = join(dir, 'browser.har');
    writeFileSync(
      file,
      JSON.stringify({
        log: {
          version: '1.2',
          entries: [
            entry('2026-01-01T00:00:02.000Z', 'http://127.0.0.1:8080/api/v2/vm', { response: { status: 200, headers: [], content: { size: 12, mimeType: 'application/json', encoding: 'base64', text: 'e30=' } } }),
            entry('2026-01-01T00:00:01.000Z', 'http://127.0.0.1:8080/api/v2/vm'),
            entry('2026-01-01T00:00:03.000Z', 'http://other.example/api/v2/vm'),
            entry('2026-01-01T00:00:04.000Z', 'http://127.0.0.1:8080/api/v2/vm', { response: { status: 200, headers: [], content: { size: 40, mimeType: 'application/json' } } }),
          ],
        },
      }),
    );
    const { exchanges, otherHosts } = readHarFiles([file], 'http://127.0.0.1:8080');
    expect(otherHosts).toBe(1);
    expect(exchanges.map((e) => [e.startedMs % 10_000, e.bodyProblem])).toEqual([
      [1_000, undefined],
      [2_000, 'response body base64-encoded'],
      [4_000, 'response body not recorded'],
    ]);
    expect(exchanges[0]?.request.headers).toEqual({ 'content-type': 'application/json', 'x-zc-action': 'StopInstances' });
    const judge = new ExchangeJudge({ dialect: 'zenlayer-vm', pollTimeoutMs: 1_000 });
    for (const ex of exchanges) judge.add(ex);
    expect(judge.finish().counts).toMatchObject({ seen: 3, stops: 1, unreadableBodies: 2 });
  });
});

describe('--redact-signatures', () => {
  it("masks an aliyun RPC Signature= in a form-encoded body, as run's redaction does, in exchanges.har and results.json", async () => {
    const body = 'Action=StopInstances&Version=2014-05-26&RegionId=cn-hangzhou&InstanceId.1=i-abc&Format=JSON&SignatureMethod=HMAC-SHA1&Signature=SeCrEtSiGnAtUrE%3D';
    const file = join(dir, 'rpc.har');
    const entry = {
      startedDateTime: '2026-01-01T00:00:01.000Z',
      time: 5,
      request: { method: 'POST', url: 'http://127.0.0.1:8080/', headers: [{ name: 'Content-Type', value: 'application/x-www-form-urlencoded' }], postData: { mimeType: 'application/x-www-form-urlencoded', text: body } },
      response: { status: 404, headers: [{ name: 'Content-Type', value: 'application/json' }], content: { size: 77, mimeType: 'application/json', text: '{"RequestId":"r-1","Code":"InvalidInstanceId.NotFound","Message":"not found"}' } },
    };
    writeFileSync(file, JSON.stringify({ log: { version: '1.2', entries: [entry] } }));
    const out = join(dir, 'redacted');
    const r = await runCliInProcess(['judge', file, '--dialect', 'aliyun-ecs', '--report-dir', out, '--redact-signatures', '--verbose']);
    expect(r.stdout).toContain('1 StopInstances judged');
    for (const name of ['exchanges.har', 'results.json']) {
      const text = readFileSync(join(out, name), 'utf8');
      expect(text, name).toContain('Signature=<redacted>');
      expect(text, name).not.toContain('SeCrEtSiGnAtUrE');
    }
    expect(r.stdout).not.toContain('SeCrEtSiGnAtUrE');
  });
});

describe('the status envelope', () => {
  it('a status answer with the entries judges envelope:status; a 2xx one the dialect cannot read fails it; an error answer is not judged', () => {
    const d = getDialect('zenlayer-vm');
    const request = d.encode({ operation: 'DescribeStatus', instanceIds: ['vm-1'] }, { baseUrl: 'http://127.0.0.1:8080', credentials: TEST_CREDENTIALS, region: 'r', now: () => 0 });
    const answer = (status: number, body: string): ObservedExchange => ({ request, response: { status, headers: { 'content-type': 'application/json' }, bodyText: body }, startedMs: 1, durationMs: 1 });
    const verdict = (...exchanges: ObservedExchange[]): string | undefined => {
      const judge = new ExchangeJudge({ dialect: 'zenlayer-vm', pollTimeoutMs: 1_000 });
      for (const ex of exchanges) judge.add(ex);
      return judge.finish().results.find((r) => r.id === 'envelope:status')?.status;
    };
    const good = '{"requestId":"r-1","response":{"requestId":"r-1","totalCount":1,"dataSet":[{"instanceId":"vm-1","instanceStatus":"RUNNING"}]}}';
    expect(verdict(answer(200, good))).toBe('passed');
    expect(verdict(answer(200, good), answer(200, '{"requestId":"r-2","surprise":true}'))).toBe('failed');
    expect(verdict(answer(200, '<html>oops</html>'))).toBe('failed');
    expect(verdict(answer(429, '{"requestId":"r-3","code":"TOO_MANY","message":"slow down"}'))).toBe('skipped');
  });
});

describe('what the judge leaves alone', () => {
  it('a method other than GET and POST is counted with other methods, and a path outside the target\'s prefix with other paths: never judged', () => {
    const d = getDialect('tencent-cvm-api3');
    const stop = d.encode({ operation: 'StopInstances', instanceIds: ['ins-00000001'] }, { baseUrl: 'http://127.0.0.1:8080', credentials: TEST_CREDENTIALS, region: 'r', now: () => 0 });
    const refused: ObservedExchange = { request: stop, response: { status: 404, headers: {}, bodyText: 'not here' }, startedMs: 1, durationMs: 1 };
    // The API lives under /prefix: a request to / is the client's mistake, not the target's.
    const prefixed = new ExchangeJudge({ dialect: 'tencent-cvm-api3', basePath: '/prefix', pollTimeoutMs: 1_000 });
    prefixed.add(refused);
    prefixed.add({ ...refused, otherMethod: 'DELETE' });
    const report = prefixed.finish();
    expect(report.counts).toMatchObject({ seen: 2, stops: 0, ignored: 2 });
    expect(report.results.filter((r) => r.status === 'failed')).toEqual([]);
    // At the root, the same 404 is the target's failure.
    const root = new ExchangeJudge({ dialect: 'tencent-cvm-api3', pollTimeoutMs: 1_000 });
    root.add(refused);
    expect(root.finish().results.filter((r) => r.status === 'failed').length).toBeGreaterThan(0);
  });

  it('a rule broken on every exchange keeps 100 findings (and every new cause), counts the rest, and shows their exchanges', () => {
    const judge = new ExchangeJudge({ dialect: 'zenlayer-vm', pollTimeoutMs: 1_000 });
    const d = getDialect('zenlayer-vm');
    for (let i = 0; i < 150; i++) {
      const request = d.encode({ operation: 'StopInstances', instanceIds: [`vm-${i}`] }, { baseUrl: 'http://127.0.0.1:8080', credentials: TEST_CREDENTIALS, region: 'r', now: () => 0 });
      judge.add({ request, response: { status: i < 149 ? 500 : 503, headers: {}, bodyText: 'down' }, startedMs: i, durationMs: 1 });
    }
    const row = judge.finish().results.find((r) => r.id === 'envelope:success');
    expect(row?.status).toBe('failed');
    // The first 100 findings (several checks judge each answer), then only new causes: the one 503's.
    const findings = row?.findings ?? [];
    const first = new Set(findings.slice(0, 100).map((f) => f.fingerprint));
    const later = findings.slice(100);
    expect(later.length).toBeGreaterThan(0);
    for (const f of later) expect(first.has(f.fingerprint), f.fingerprint).toBe(false);
    expect(later.map((f) => f.fingerprint)).toContain('zenlayer-vm/envelope:success/not-server-error/503');
    expect(row?.message).toMatch(/\.\.\. and \d+ more finding\(s\) of the same causes \(not kept\)$/);
    expect(row?.exchanges?.length).toBeLessThanOrEqual(findings.length);
  });
});
