/**
 * Renders a {@link WireRequest} as a one-line curl command that reproduces it. Credentials' secrets are never part
 * of a request (only signatures made with them), so nothing secret can appear here.
 */
import type { WireRequest } from './types.ts';

/** Quote a string for a POSIX shell. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_\-.,:/=@%+]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The curl line for a request.
 *
 * @example
 * toCurl({ method: 'POST', url: 'http://127.0.0.1:8080/', headers: { 'content-type': 'application/json' }, body: '{}' })
 * // curl -sS -X POST 'http://127.0.0.1:8080/' -H 'content-type: application/json' --data-raw '{}'
 */
export function toCurl(req: WireRequest): string {
  const parts = ['curl', '-sS', '-X', req.method, shellQuote(req.url)];
  for (const [name, value] of Object.entries(req.headers)) {
    if (name === 'content-length' || name === 'host') continue;
    parts.push('-H', shellQuote(`${name}: ${value}`));
  }
  if (req.body !== undefined) parts.push('--data-raw', shellQuote(req.body));
  return parts.join(' ');
}
