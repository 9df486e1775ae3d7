import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const [file, out, mode] = process.argv.slice(2);
const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'shot-')), { executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox','--disable-gpu'], viewport: { width: 1400, height: 1100 } });
const page = ctx.pages()[0] ?? await ctx.newPage();
await page.goto('file://' + file);
if (mode === 'fail') {
  await page.click('#filters button[data-filter="status"][data-value="failed"]');
  await page.click('#matrix tbody tr:not([hidden]) button.cell.s-failed');
  await page.locator('.panel details.exchange[data-role="call"] summary').first().click();
  await page.locator('.panel').scrollIntoViewIfNeeded();
  await page.evaluate(() => { const p = document.querySelector('.panel'); if (p) window.scrollTo(0, (p as HTMLElement).getBoundingClientRect().top + window.scrollY - 300); });
}
await page.screenshot({ path: out, fullPage: mode === 'full' });
await ctx.close();
