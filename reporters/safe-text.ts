/**
 * A target's bytes never reach a terminal raw: every report that can quote a target (the console, summary.txt,
 * summary.md, JUnit, results.json, the HAR, report.html) shows control characters escaped as `\u001b`, so an answer
 * carrying ESC/OSC sequences cannot retitle a terminal, clear it or fake a verdict when someone prints the file.
 */

// C0 controls except tab and newline, DEL, and the C1 controls (0x9b is a one-byte CSI to some terminals).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

// JSON.stringify escapes C0 itself; DEL and C1 it leaves raw.
const JSON_RAW_CONTROL = /[\u007f-\u009f]/g;

const escaped = (ch: string): string => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Text from a target, safe for a terminal: control characters shown as `\u001b`, never sent.
 *
 * @example
 * terminalSafe('a\u001b[2Jb') // 'a\\u001b[2Jb'
 */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL, escaped);
}

/**
 * `JSON.stringify` whose text holds no raw control character either (DEL and C1 written as `\u009b` escapes): the
 * same JSON value, safe to print.
 *
 * @example
 * writeFileSync('results.json', safeJson(doc));
 */
export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(JSON_RAW_CONTROL, escaped);
}

/** Escape text for Markdown (and the HTML GitHub lets through): no markup, tables or links from a target's answer. */
export function mdText(text: string, max = 1000): string {
  const cut = text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
  return terminalSafe(cut)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

/**
 * A case id for Markdown: in a code span when it is a plain id (letters, digits, `.`, `_`, `-`), else escaped text
 * (results files can be edited; nothing in one may become markup).
 *
 * @example
 * mdId('stop.single') // '`stop.single`'
 */
export function mdId(id: string): string {
  return /^[\w.-]+$/.test(id) ? `\`${id}\`` : mdText(id);
}
