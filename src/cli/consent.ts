/**
 * Consent before real clouds (DESIGN.md §6): StopInstances stops real machines, and a run seeds and tears down state,
 * so every command that sends requests refuses a target or provider-state URL that is not on loopback, before any
 * request and without a DNS lookup, unless `--allow-remote` says the user means it.
 */
import { UsageError } from '../errors.ts';

/**
 * Whether a URL's host is loopback: `localhost`, 127.0.0.0/8 or ::1 (IPv4-mapped forms included). Decided from the
 * URL alone: no name is resolved.
 *
 * @example
 * isLoopbackUrl('http://127.0.0.2:8080') // true
 * isLoopbackUrl('https://cvm.tencentcloudapi.com') // false
 */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(bare);
  if (v4) return Number(v4[1]) === 127;
  // URL writes an IPv4-mapped IPv6 address in hex (`::ffff:7f00:1`).
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(bare);
  return mapped !== null && parseInt(mapped[1] ?? '0', 16) >> 8 === 127;
}

/**
 * Refuse (a {@link UsageError}, exit 2) any of these URLs that is not on loopback, unless `allowRemote`.
 *
 * @example
 * requireConsent([{ option: '--target', url: opts.target }], opts.allowRemote === true);
 */
export function requireConsent(
  urls: readonly { readonly option: string; readonly url: string }[],
  allowRemote: boolean,
  /** What the command would do there (the default: a run's). */
  risk = 'StopInstances stops real machines and the run seeds and tears down instances there',
): void {
  if (allowRemote) return;
  const remote = urls.filter((u) => !isLoopbackUrl(u.url));
  if (remote.length === 0) return;
  const list = remote.map((u) => `${u.option} ${u.url}`).join(', ');
  throw new UsageError(
    `refusing to send requests to ${list}: not on loopback (127.0.0.0/8, ::1, localhost). ${risk}; pass --allow-remote if that is what you want.`,
  );
}

/**
 * {@link requireConsent} for the two URLs a command that seeds instances sends to: `--target` and `--states-url`.
 *
 * @example
 * requireTargetConsent(run, opts.allowRemote === true);
 */
export function requireTargetConsent(urls: { readonly target: string; readonly statesUrl: string }, allowRemote: boolean): void {
  requireConsent([{ option: '--target', url: urls.target }, { option: '--states-url', url: urls.statesUrl }], allowRemote);
}

/** The help line of `--allow-remote`. */
export const ALLOW_REMOTE_HELP = 'send requests to a target or provider-state URL that is not on loopback (StopInstances stops real machines)';
