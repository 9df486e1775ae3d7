#!/usr/bin/env node
// The `vmconform` command. In the installed package it runs the build (dist/, plain JavaScript: no TypeScript
// loader, fast start). In a git clone (src/ is there) it runs the build too when the build is newer than every source
// (`npm ci` builds it through `prepare`; `npm run build` does again), and otherwise the TypeScript sources through tsx
// (a dev dependency), so that a clone never runs code older than its sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/src/cli/main.js', import.meta.url);
const sources = new URL('../src/cli/main.ts', import.meta.url);

/** Whether the build exists and no source (src/, reporters/, suites/; tests and test support aside) changed after it. */
function buildIsFresh() {
  if (!existsSync(built)) return false;
  const builtAt = statSync(built).mtimeMs;
  for (const dir of ['src', 'reporters', 'suites']) {
    const root = fileURLToPath(new URL(`../${dir}`, import.meta.url));
    if (!existsSync(root)) continue;
    for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
      if (/(^|\/)testing(\/|$)/.test(entry.parentPath.slice(root.length))) continue;
      if (statSync(`${entry.parentPath}/${entry.name}`).mtimeMs > builtAt) return false;
    }
  }
  return true;
}

let entry = built;
if (existsSync(sources) && !buildIsFresh()) {
  const tsx = await import('tsx/esm/api').catch(() => {
    process.stderr.write('vmconform: dist/ is missing or older than the sources, and tsx (a dev dependency) is not installed: run `npm run build`\n');
    process.exit(3);
  });
  tsx.register();
  entry = sources;
}
// A reader that stops early (`vmconform cases | head`) closes our standard output: the command goes on to its end
// (its reports, its teardowns) and exits as it would have; only what it still prints is lost.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
  });
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
