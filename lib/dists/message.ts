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

/**
 * Python's `repr()` of a string, which pip uses in several outputs
 * (`pip config list` prints `key='value'`).
 *
 * @example
 * ```ts
 * import { pythonRepr } from "./message.ts";
 * pythonRepr("it's"); // "\"it's\""
 * pythonRepr("a\nb"); // "'a\\nb'"
 * ```
 */
export function pythonRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === "\\" || ch === quote) out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += "\\x" + code.toString(16).padStart(2, "0");
    else if (code >= 0x80 && code <= 0xa0) out += "\\x" + code.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + quote;
}
