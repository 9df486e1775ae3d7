/**
 * Safe runs: a target or states URL beyond loopback is refused before any request (no DNS lookup) unless
 * --allow-remote; credentials are all or nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer } from '../testing/capture-server.ts';
import { runCliInProcess } from '../testing/cli.ts';

describe('consent and credentials', () => {
  let capture: CaptureServer;
  beforeAll(async () => {
    capture = await startCaptureServer();
  });
  afterAll(async () => {
    await capture.close();
  });

  it.each(['run', 'fuzz'])('%s refuses a remote target or states URL with exit 2, before any request', async (command) => {
    const remote = await runCliInProcess([command, '--dialect', 'zenlayer-vm', '--target', 'http://10.255.255.1:9']);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toMatch(/refusing to send requests to --target http:\/\/10\.255\.255\.1:9, --states-url \S+: not on loopback .*--allow-remote/);
    const states = await runCliInProcess([command, '--dialect', 'zenlayer-vm', '--target', capture.baseUrl, '--states-url', 'http://states.invalid/x']);
    expect(states.code).toBe(2);
    expect(states.stderr).toMatch(/--states-url http:\/\/states\.invalid\/x: not on loopback/);
    expect(capture.requests).toEqual([]);
  });

  it('one credential variable without the other is a usage error naming the missing one, before any request', async () => {
    const old = { ...process.env };
    process.env['VMCONFORM_ACCESS_KEY_ID'] = 'AKIDonly';
    delete process.env['VMCONFORM_ACCESS_KEY_SECRET'];
    try {
      const r = await runCliInProcess(['run', '--dialect', 'zenlayer-vm', '--target', capture.baseUrl]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/VMCONFORM_ACCESS_KEY_ID is set but VMCONFORM_ACCESS_KEY_SECRET is not/);
      expect(capture.requests).toEqual([]);
    } finally {
      process.env = old;
    }
  });
});
