// Untrusted text quoted in error messages, cut to a readable size: a 10 MB metadata field must
// not become 10 MB (or, quoted several times, 100 MB) of error output. Pure.

/** Most characters of untrusted input quoted in one message. */
export const QUOTE_MAX = 200;

/** `text`, or its start and its length when it is longer than `max`. */
export function clip(text: string, max = QUOTE_MAX): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length} characters)`;
}

/**
 * `text` with a caret under `column`, as two indented lines; a long text is shown as a window
 * around the column (with "..." where it is cut), so the caret still points at the problem.
 */
export function pointAt(text: string, column: number, max = QUOTE_MAX): string {
  if (text.length <= max) return `\n    ${text}\n    ${' '.repeat(column)}^`;
  const start = Math.max(0, Math.min(column - (max >> 1), text.length - max));
  const end = Math.min(text.length, start + max);
  const head = start > 0 ? '...' : '';
  const tail = end < text.length ? '...' : '';
  return `\n    ${head}${text.slice(start, end)}${tail}\n    ${' '.repeat(head.length + column - start)}^`;
}
