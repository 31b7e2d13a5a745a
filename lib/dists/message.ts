/**
 * Quoting bad input for one-line error messages.
 *
 * @module
 */

const limit = 200;

/**
 * `text` as a JSON string literal (so control characters and newlines stay on
 * one line), cut to its first 200 characters.
 *
 * @example
 * ```ts
 * import { quoted } from "./message.ts";
 * quoted("a\nb"); // '"a\\nb"'
 * ```
 */
export function quoted(text: string): string {
  return text.length > limit ? JSON.stringify(text.slice(0, limit)) + "…" : JSON.stringify(text);
}
