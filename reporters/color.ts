/**
 * Colour for the console, only where it belongs: on a terminal, unless `NO_COLOR` is set; always with
 * `FORCE_COLOR` (other than `0`), never with `FORCE_COLOR=0` (the conventions of no-color.org and Node).
 */

/** The styles the console uses. */
export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';

/** Paints a text in a style (or leaves it alone). */
export type Paint = (style: Style, text: string) => string;

const CODES: Readonly<Record<Style, readonly [number, number]>> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

/** No colour. */
export const plain: Paint = (_style, text) => text;

/** ANSI colour. */
export const ansi: Paint = (style, text) => `\u001b[${CODES[style][0]}m${text}\u001b[${CODES[style][1]}m`;

/**
 * Whether to colour a stream.
 *
 * @example
 * useColor(process.stdout.isTTY === true, process.env) // false under NO_COLOR=1
 */
export function useColor(isTTY: boolean, env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return isTTY && env['TERM'] !== 'dumb';
}

/** The painter for a stream. */
export function paintFor(isTTY: boolean, env: Readonly<Record<string, string | undefined>> = process.env): Paint {
  return useColor(isTTY, env) ? ansi : plain;
}
