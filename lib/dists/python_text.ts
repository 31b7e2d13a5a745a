/**
 * Python's `str.splitlines()` and `str.strip()`, which the metadata files'
 * reference readers use; their notions of line breaks and whitespace are
 * wider than JavaScript's.
 *
 * @module
 */

// deno-lint-ignore no-control-regex
const lineBoundary = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

/** Python's `str.isspace()` characters. */
const whitespace = "[\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029" +
  "\\u202f\\u205f\\u3000]";
const edges = new RegExp(`^${whitespace}+|${whitespace}+$`, "g");

/**
 * `text.splitlines()`: splits on every Python line boundary, with no trailing empty line.
 *
 * @example
 * ```ts
 * import { splitLines } from "./python_text.ts";
 * splitLines("a\r\nb\x85c\n"); // ["a", "b", "c"]
 * ```
 */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(lineBoundary);
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** `text.strip()`: removes Python whitespace from both ends. */
export function stripPython(text: string): string {
  return text.replace(edges, "");
}
