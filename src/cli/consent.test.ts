import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { isLoopbackUrl, requireConsent } from './consent.ts';

describe('consent before real clouds', () => {
  it('knows loopback from the URL alone', () => {
    for (const url of ['http://127.0.0.1:8080', 'http://127.9.8.7/', 'http://localhost:1', 'http://LOCALHOST', 'http://[::1]:9', 'http://127.1/', 'http://[::ffff:127.0.0.1]/', 'http://api.localhost/']) {
      expect(isLoopbackUrl(url), url).toBe(true);
    }
    for (const url of ['http://10.0.0.1', 'https://cvm.tencentcloudapi.com', 'http://128.0.0.1', 'http://[::2]', 'http://localhost.example.com', 'http://0.0.0.0', 'not a url']) {
      expect(isLoopbackUrl(url), url).toBe(false);
    }
  });

  it('refuses a remote target or states URL with a usage error naming it, unless allowed', () => {
    expect(() => requireConsent([{ option: '--target', url: 'http://127.0.0.1:1' }], false)).not.toThrow();
    const remote = [{ option: '--target', url: 'http://127.0.0.1:1' }, { option: '--states-url', url: 'https://states.example.com/x' }];
    expect(() => requireConsent(remote, false)).toThrow(UsageError);
    expect(() => requireConsent(remote, false)).toThrow(/--states-url https:\/\/states\.example\.com\/x: not on loopback .*--allow-remote/);
    expect(() => requireConsent(remote, true)).not.toThrow();
  });
});
