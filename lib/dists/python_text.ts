/**
 * Python's `str.splitlines()` and `str.strip()`, which the metadata files'
 * reference readers use; their notions of line breaks and whitespace are
 * wider than JavaScript's.
 *
 * @module
 */

import { stripPythonWhitespace } from "../pep440/version.ts";

// deno-lint-ignore no-control-regex
const lineBoundary = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

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

/**
 * `text.strip()`: removes Python whitespace (`str.isspace()`) from both ends,
 * in one pass from each end (a trailing-whitespace regular expression would
 * retry at every space of an inner run: quadratic).
 */
export function stripPython(text: string): string {
  return stripPythonWhitespace(text);
}
