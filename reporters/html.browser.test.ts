/**
 * report.html in a real browser: headless Chromium (Debian's `chromium`, driven by playwright-core) opens the report
 * of a real run against a wrong provider, with no network; a filter is clicked, a failure expanded, and what shows
 * is checked against the run and the vendor document.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProvider } from '../src/provider/server.ts';
import { quoteDocRef, splitDocRef } from '../src/specs/doc-ref.ts';
import { runCli } from '../src/testing/cli.ts';
import { wrongProvider } from '../src/wrong-providers/index.ts';
import { toHtmlReport } from './html.ts';
import type { ResultsDocument } from './results-json.ts';

/** Where the browser is: Debian's package, or VMCONFORM_CHROMIUM. */
const CHROMIUM = process.env['VMCONFORM_CHROMIUM'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let provider: RunningProvider;
let context: BrowserContext;
let page: Page;
let doc: ResultsDocument;
let reportUrl: string;
let profile: string | undefined;
const requests: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `this test opens report.html in Chromium, which is not at ${CHROMIUM}: install it with \`apt-get install -y chromium\` ` +
        '(Debian; .ci/run does this), or set VMCONFORM_CHROMIUM to a Chromium binary',
    );
  }
  provider = await wrongProvider('zenlayer-vm-stops-recycled').start({ transitionMs: 50 });
  const dir = mkdtempSync(join(tmpdir(), 'vmconform-html-'));
  const { code } = await runCli(['run', '--dialect', 'zenlayer-vm', '--target', provider.url, '--grep', '^(stop\\.single|state\\.(RECYCLE|mixed-recycled|STOPPED)\\.rejected)$', '--report-dir', dir]);
  expect(code).toBe(1);
  doc = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as ResultsDocument;
  reportUrl = pathToFileURL(join(dir, 'report.html')).href;
  // A fresh profile (--user-data-dir) per run, removed afterwards.
  profile = mkdtempSync(join(tmpdir(), 'vmconform-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1000 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(reportUrl);
}, 120_000);

afterAll(async () => {
  await context?.close();
  await provider?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

const visibleRows = (): Promise<string[]> =>
  page.$$eval('#matrix tbody tr[data-case]', (trs) =>
    (trs as unknown as { hidden: boolean; dataset: Record<string, string | undefined> }[]).filter((tr) => !tr.hidden).map((tr) => tr.dataset['case'] ?? ''),
  );

describe('report.html in Chromium', () => {
  it('renders offline from one file: the verdict, the score, one matrix row per case, no request but the file itself', async () => {
    expect(pageErrors).toEqual([]);
    expect(requests).toEqual([reportUrl]);
    expect(await page.textContent('#verdict')).toBe('FAILED');
    expect(await page.textContent('#scores .card h3')).toBe('zenlayer-vm');
    expect(await page.textContent('#scores .card')).toContain('50%'); // MUST 2/4
    expect((await visibleRows()).sort()).toEqual(doc.runs[0]?.cases.map((c) => c.id).sort());
    expect(await page.textContent('#shown')).toBe('4 of 4 case results shown');
    expect(await page.textContent('#totals')).toBe('4 cases: 2 passed, 2 failed, 0 skipped');
    // The two failures have one cause: one entry, with the count and a link to each case.
    expect(await page.locator('#attention li.bucket').count()).toBe(1);
    expect(await page.textContent('#attention li.bucket')).toMatch(/zenlayer-vm · 2 cases, (one cause|the same \d causes) \[MUST\]/);
    expect(await page.locator('#attention li.bucket .bucket-cases a').allTextContents()).toEqual(['state.RECYCLE.rejected', 'state.mixed-recycled.rejected']);
  });

  it('a status filter shows only the failed cases; a level filter with no match says so', async () => {
    await page.click('#filters button[data-filter="status"][data-value="failed"]');
    expect((await visibleRows()).sort()).toEqual(['state.RECYCLE.rejected', 'state.mixed-recycled.rejected']);
    expect(await page.textContent('#shown')).toBe('2 of 4 case results shown');
    expect(await page.getAttribute('#filters button[data-filter="status"][data-value="failed"]', 'aria-pressed')).toBe('true');
    await page.click('#filters button[data-filter="level"][data-value="SHOULD"]');
    expect(await visibleRows()).toEqual([]);
    expect(await page.isVisible('#empty')).toBe(true);
    await page.click('#filters button[data-filter="level"][data-value="all"]');
    expect(await visibleRows()).toHaveLength(2);
  });

  it('expanding a failure shows its findings, the quoted document line of its docRef and every exchange with its curl', async () => {
    const c = doc.runs[0]?.cases.find((x) => x.id === 'state.RECYCLE.rejected');
    if (!c) throw new Error('the run has no state.RECYCLE.rejected');
    await page.click('tr[data-case="state.RECYCLE.rejected"] button.cell');
    const panel = page.locator('.panel[data-case="state.RECYCLE.rejected"]');
    await panel.waitFor();
    const text = (await panel.textContent()) ?? '';
    expect(text).toContain('FAILED');
    for (const f of c.findings) expect(text).toContain(`[${f.check}] ${f.message}`);
    expect(text).toContain('one cause in 2 cases of this run (zenlayer-vm/*/');
    // The docRef's document line, read here from the vendor document itself.
    const first = splitDocRef(c.docRef)[0]?.part;
    if (!first) throw new Error(`unparsable docRef ${c.docRef}`);
    const line = quoteDocRef(first)[0];
    expect(line?.text.length).toBeGreaterThan(0);
    expect(await panel.locator('blockquote.doc .line').first().textContent()).toContain(line?.text.trim());
    expect(await panel.locator('details.exchange').count()).toBe(c.exchanges.length);
    // The step's own request: open it.
    const call = panel.locator('details.exchange[data-role="call"]').first();
    await call.locator('summary').click();
    const opened = (await call.textContent()) ?? '';
    expect(opened).toContain('x-zc-action: StopInstances');
    expect(opened).toMatch(/HTTP 200/);
    expect(await call.locator('pre.curl-line').textContent()).toMatch(/^curl -sS -X POST http:\/\/127\.0\.0\.1:\d+\/api\/v2\/vm -H 'content-type: application\/json'/);
    expect(await call.locator('.url').textContent()).toBe('/api/v2/vm');
    // Folding back.
    await page.click('tr[data-case="state.RECYCLE.rejected"] button.cell');
    expect(await panel.count()).toBe(0);
  });

  it('no text from a target becomes markup: a hostile message shows as text and runs nothing', async () => {
    const hostile = '</script><script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"> & <b>bold</b>';
    const run = doc.runs[0] as ResultsDocument['runs'][number];
    const c = run.cases.find((x) => x.status === 'failed') as ResultsDocument['runs'][number]['cases'][number];
    const evil: ResultsDocument = {
      ...doc,
      runs: [{ ...run, cases: [{ ...c, title: hostile, findings: c.findings.map((f) => ({ ...f, message: hostile })) }] }],
    };
    const dir = mkdtempSync(join(tmpdir(), 'vmconform-html-evil-'));
    writeFileSync(join(dir, 'report.html'), toHtmlReport([evil]));
    const evilPage = await context.newPage();
    const seen: string[] = [];
    evilPage.on('request', (r) => seen.push(r.url()));
    await evilPage.goto(pathToFileURL(join(dir, 'report.html')).href);
    await evilPage.click(`tr[data-case="${c.id}"] button.cell`);
    expect(await evilPage.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    expect(await evilPage.locator('.panel .message').first().textContent()).toBe(hostile);
    expect(await evilPage.$$eval('script', (s) => s.length)).toBe(2);
    expect(await evilPage.$$eval('img, .panel b, #matrix b', (e) => e.length)).toBe(0);
    expect(seen).toEqual([pathToFileURL(join(dir, 'report.html')).href]);
    await evilPage.close();
  });

  it("a run of judged rules (judge, proxy) counts rules where a run counts cases", async () => {
    const run = doc.runs[0] as ResultsDocument['runs'][number];
    const dir = mkdtempSync(join(tmpdir(), 'vmconform-html-rules-'));
    writeFileSync(join(dir, 'report.html'), toHtmlReport([{ ...doc, runs: [{ ...run, rows: 'rules' }] }]));
    const rulesPage = await context.newPage();
    const errors: string[] = [];
    rulesPage.on('pageerror', (e) => errors.push(e.message));
    await rulesPage.goto(pathToFileURL(join(dir, 'report.html')).href);
    expect(await rulesPage.textContent('#totals')).toBe('4 rules: 2 passed, 2 failed, 0 skipped');
    expect(await rulesPage.textContent('#scores .card')).toContain('4 rules: 2 passed, 2 failed, 0 skipped');
    expect(await rulesPage.textContent('#attention li.bucket')).toMatch(/zenlayer-vm · 2 rules, (one cause|the same \d causes) \[MUST\]/);
    expect(await rulesPage.textContent('#matrix thead th')).toBe('rule');
    expect(await rulesPage.textContent('#shown')).toBe('4 of 4 rule results shown');
    await rulesPage.click('tr[data-case="state.RECYCLE.rejected"] button.cell');
    expect(await rulesPage.locator('.panel').textContent()).toContain('one cause in 2 rules of this run (zenlayer-vm/*/');
    expect(await rulesPage.locator('h2').allTextContents()).toContain('Rules');
    expect(errors).toEqual([]);
    await rulesPage.close();
  });
});
