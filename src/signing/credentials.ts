/**
 * Credentials for signing: from options, else from the environment, else fixed test credentials (DESIGN.md §2:
 * the suite always signs). Secrets are never logged.
 */
import type { Credentials } from '../dialects/types.ts';
import { UsageError } from '../errors.ts';

/** Environment variable holding the access key id (SecretId / AccessKeyId). */
export const ENV_ACCESS_KEY_ID = 'VMCONFORM_ACCESS_KEY_ID';
/** Environment variable holding the access key secret (SecretKey / AccessKeySecret). */
export const ENV_ACCESS_KEY_SECRET = 'VMCONFORM_ACCESS_KEY_SECRET';

/** The fixed test credentials used when none are configured. Not a secret: they only sign requests to test targets. */
export const TEST_CREDENTIALS: Credentials = Object.freeze({
  accessKeyId: 'AKIDvmconformTESTKEY000000000000000',
  accessKeySecret: 'vmconformTESTSECRET0000000000000',
});

/**
 * Resolve the credentials to sign with.
 *
 * @example
 * resolveCredentials(undefined, process.env) // TEST_CREDENTIALS unless both env variables are set; one alone is a UsageError
 */
export function resolveCredentials(
  explicit: Credentials | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Credentials {
  if (explicit) return explicit;
  const id = env[ENV_ACCESS_KEY_ID];
  const secret = env[ENV_ACCESS_KEY_SECRET];
  if (id && secret) return { accessKeyId: id, accessKeySecret: secret };
  // All or nothing: one without the other would sign with the test credentials without saying so.
  if (id) throw new UsageError(`${ENV_ACCESS_KEY_ID} is set but ${ENV_ACCESS_KEY_SECRET} is not: set both, or neither for the fixed test credentials`);
  if (secret) throw new UsageError(`${ENV_ACCESS_KEY_SECRET} is set but ${ENV_ACCESS_KEY_ID} is not: set both, or neither for the fixed test credentials`);
  return TEST_CREDENTIALS;
}

/**
 * Replace every occurrence of the secret (of `credentials`, or given as text) by `<redacted>`: defence in depth for
 * messages built from target answers, the console guard and the internal-error log. A secret shorter than 4
 * characters is left alone (it would mask ordinary text).
 *
 * @example
 * redactSecret('key=s3cr3tXYZ', process.env['VMCONFORM_ACCESS_KEY_SECRET']) // 'key=<redacted>' when that is the secret
 */
export function redactSecret(text: string, secretOf: Credentials | string | undefined): string {
  const secret = typeof secretOf === 'string' ? secretOf : secretOf?.accessKeySecret;
  return secret !== undefined && secret.length >= 4 ? text.split(secret).join('<redacted>') : text;
}

/**
 * Mask every request signature in a text (`Signature=...` in a query, a form body or an Authorization header):
 * `--redact-signatures`. A curl line keeps its signature by default, since reproducing the request needs it.
 *
 * @example
 * redactSignatures("curl 'http://h/?Action=X&Signature=abc%3D&SignatureNonce=1'") // "...&Signature=<redacted>&SignatureNonce=1'"
 */
export function redactSignatures(text: string): string {
  return text.replace(/(\bSignature=)[^&\s',"]+/g, '$1<redacted>');
}
