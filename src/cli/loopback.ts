/**
 * The loopback guard (DESIGN.md §6): StopInstances stops real machines, so a target that is not on loopback
 * (127.0.0.0/8, ::1, `localhost`) is refused before any request unless the user says `--allow-remote`. The check is
 * on the URL's text alone: no DNS lookup (a name that resolves to loopback is still refused).
 */
import { UsageError } from '../errors.ts';

/**
 * Whether a URL's host is loopback by its text: `localhost`, an IPv4 address in 127.0.0.0/8 (in any form the URL
 * parser normalizes, e.g. `127.1`), or `[::1]`.
 *
 * @example
 * isLoopbackUrl('http://127.0.0.1:8080') // true
 * isLoopbackUrl('http://cvm.tencentcloudapi.com') // false
 */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host === '[::1]') return true;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return m !== null && m[1] === '127' && m.slice(2).every((part) => Number(part) <= 255);
}

/**
 * Refuse a non-loopback URL with a {@link UsageError} (exit 2) unless remote targets are allowed.
 *
 * @example
 * requireLoopback('http://10.0.0.5:8080', '--target', false) // throws: ... is not on loopback ...
 */
export function requireLoopback(url: string, option: string, allowRemote: boolean): void {
  if (allowRemote || isLoopbackUrl(url)) return;
  const host = (() => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  })();
  throw new UsageError(
    `${option} ${host} is not on loopback (127.0.0.0/8, ::1, localhost); StopInstances stops real machines, so vmconform refuses it unless you add --allow-remote`,
  );
}
