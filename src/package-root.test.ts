import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPackageRoot, PACKAGE_ROOT, packagePath, toolVersion } from './package-root.ts';

describe('the package root', () => {
  it('is the folder with vmconform\'s package.json, specs and schemas', () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
    expect(pkg.name).toBe('vmconform');
    expect(toolVersion()).toBe(pkg.version);
    expect(readFileSync(packagePath('specs', 'aliyun-ecs.yaml'), 'utf8')).toMatch(/^openapi: 3\.1\.0/m);
    expect(packagePath('schemas', 'results.schema.json')).toBe(join(PACKAGE_ROOT, 'schemas', 'results.schema.json'));
  });

  it('is found from the sources, from dist/ one level deeper, and from an installed package alike', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmconform-root-'));
    try {
      const installed = join(dir, 'app', 'node_modules', 'vmconform');
      mkdirSync(join(installed, 'dist', 'src', 'cli'), { recursive: true });
      mkdirSync(join(installed, 'src'), { recursive: true });
      writeFileSync(join(dir, 'app', 'package.json'), '{"name":"app"}');
      writeFileSync(join(installed, 'package.json'), '{"name":"vmconform"}');
      expect(findPackageRoot(join(installed, 'dist', 'src', 'cli'))).toBe(installed);
      expect(findPackageRoot(join(installed, 'dist', 'src'))).toBe(installed);
      expect(findPackageRoot(join(installed, 'src'))).toBe(installed);
      expect(() => findPackageRoot('/')).toThrow(/no package\.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
