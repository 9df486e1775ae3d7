/**
 * The command's entry point decides what runs: the build in an installed package; in a clone the build while it is
 * newer than every source, else the sources through tsx. Checked on a miniature package with the real entry point.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('bin/vmconform.js', () => {
  let pkg = '';
  const run = (): string => execFileSync(process.execPath, [join(pkg, 'bin', 'vmconform.js'), 'x'], { encoding: 'utf8' }).trim();
  const age = (file: string, secondsAgo: number): void => {
    const t = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(join(pkg, file), t, t);
  };

  beforeAll(() => {
    pkg = mkdtempSync(join(tmpdir(), 'vmconform-bin-'));
    for (const dir of ['bin', 'dist/src/cli', 'src/cli', 'src/testing', 'reporters', 'suites']) mkdirSync(join(pkg, dir), { recursive: true });
    copyFileSync(join(ROOT, 'bin', 'vmconform.js'), join(pkg, 'bin', 'vmconform.js'));
    writeFileSync(join(pkg, 'package.json'), '{"type":"module"}');
    symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
    writeFileSync(join(pkg, 'dist/src/cli/main.js'), "export async function main(argv) { process.stdout.write('build ' + argv.join(' ') + '\\n'); return 0; }\n");
    // Type annotations: only tsx runs this.
    writeFileSync(join(pkg, 'src/cli/main.ts'), "export async function main(argv: string[]): Promise<number> { process.stdout.write('sources ' + argv.join(' ') + '\\n'); return 0; }\n");
    for (const file of ['src/cli/other.test.ts', 'src/testing/support.ts', 'reporters/r.ts', 'suites/s.suite.ts']) writeFileSync(join(pkg, file), 'export {};\n');
  });

  afterAll(() => rmSync(pkg, { recursive: true, force: true }));

  it('runs the build when it is newer than every source; tests and test support do not count', () => {
    for (const file of ['src/cli/main.ts', 'reporters/r.ts', 'suites/s.suite.ts']) age(file, 60);
    age('dist/src/cli/main.js', 30);
    expect(run()).toBe('build x');
  });

  it('runs the sources through tsx once a source is newer than the build', () => {
    age('reporters/r.ts', 10);
    expect(run()).toBe('sources x');
    age('reporters/r.ts', 60);
    age('suites/s.suite.ts', 0);
    expect(run()).toBe('sources x');
    age('suites/s.suite.ts', 60);
    expect(run()).toBe('build x');
  });

  it('goes on to its end and its own exit code when the reader of its output stops early (`| head`)', async () => {
    age('dist/src/cli/main.js', 0);
    writeFileSync(
      join(pkg, 'dist/src/cli/main.js'),
      "import { writeFileSync } from 'node:fs';\n" +
        "export async function main(argv) { for (let i = 0; i < 2000; i++) { process.stdout.write('x'.repeat(1000) + '\\n'); await new Promise((r) => setImmediate(r)); } writeFileSync(argv[0], 'finished'); return 4; }\n",
    );
    const marker = join(pkg, 'finished.txt');
    const child = spawn(process.execPath, [join(pkg, 'bin', 'vmconform.js'), marker], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(4);
    expect(readFileSync(marker, 'utf8')).toBe('finished');
    writeFileSync(join(pkg, 'dist/src/cli/main.js'), "export async function main(argv) { process.stdout.write('build ' + argv.join(' ') + '\\n'); return 0; }\n");
  });

  it('runs the sources when there is no build, and the build where there are no sources (an installed package)', () => {
    rmSync(join(pkg, 'dist'), { recursive: true });
    expect(run()).toBe('sources x');
    mkdirSync(join(pkg, 'dist/src/cli'), { recursive: true });
    writeFileSync(join(pkg, 'dist/src/cli/main.js'), "export async function main() { process.stdout.write('build\\n'); return 0; }\n");
    rmSync(join(pkg, 'src'), { recursive: true });
    age('reporters/r.ts', 0);
    expect(run()).toBe('build');
  });
});
