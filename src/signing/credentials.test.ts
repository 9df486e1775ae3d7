import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, redactSecret, resolveCredentials, TEST_CREDENTIALS } from './credentials.ts';

describe('credentials', () => {
  it('are all or nothing: both variables, neither (the test credentials), never one alone', () => {
    expect(resolveCredentials(undefined, {})).toBe(TEST_CREDENTIALS);
    expect(resolveCredentials(undefined, { [ENV_ACCESS_KEY_ID]: 'id', [ENV_ACCESS_KEY_SECRET]: 's3cret' })).toEqual({ accessKeyId: 'id', accessKeySecret: 's3cret' });
    expect(() => resolveCredentials(undefined, { [ENV_ACCESS_KEY_ID]: 'id' })).toThrow(UsageError);
    expect(() => resolveCredentials(undefined, { [ENV_ACCESS_KEY_ID]: 'id' })).toThrow(/VMCONFORM_ACCESS_KEY_SECRET is not/);
    expect(() => resolveCredentials(undefined, { [ENV_ACCESS_KEY_SECRET]: 'only-secret' })).toThrow(/VMCONFORM_ACCESS_KEY_ID is not/);
    expect(() => resolveCredentials(undefined, { [ENV_ACCESS_KEY_SECRET]: 'only-secret' })).not.toThrow(/only-secret/);
  });

  it('redacts the secret wherever it appears', () => {
    expect(redactSecret('a s3cretXYZ b s3cretXYZ', { accessKeyId: 'i', accessKeySecret: 's3cretXYZ' })).toBe('a <redacted> b <redacted>');
  });
});
