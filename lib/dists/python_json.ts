/**
 * JSON written byte for byte as Python's `json.dumps` writes it, which pip's
 * outputs use: `", "` and `": "` separators (`","` at line ends when
 * indenting), non-ASCII escaped unless `ensureAscii` is false.
 *
 * @module
 */

/** A JSON value; object keys keep insertion order. */
export type PythonJsonValue =
  | string
  | number
  | boolean
  | null
  | readonly PythonJsonValue[]
  | { readonly [key: string]: PythonJsonValue };

/** Options of {@link formatPythonJson}. */
export interface PythonJsonOptions {
  /** Spaces per level; undefined writes one line. */
  readonly indent?: number;
  /** Escape every non-ASCII character as `\uXXXX` (Python's default: true). */
  readonly ensureAscii?: boolean;
  /** Write object keys in sorted order (`sort_keys=True`). */
  readonly sortKeys?: boolean;
}

function quote(text: string, ensureAscii: boolean): string {
  let out = '"';
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const char = text[index]!;
    if (char === '"') out += '\\"';
    else if (char === "\\") out += "\\\\";
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (char === "\b") out += "\\b";
    else if (char === "\f") out += "\\f";
    else if (code < 0x20 || (ensureAscii && code > 0x7e)) {
      out += "\\u" + code.toString(16).padStart(4, "0");
    } else out += char;
  }
  return out + '"';
}

/**
 * Formats `value` as `json.dumps(value, indent=indent, ensure_ascii=ensureAscii,
 * sort_keys=sortKeys)`.
 *
 * @example
 * ```ts
 * import { formatPythonJson } from "./python_json.ts";
 * formatPythonJson([{ name: "é", version: "1" }]); // '[{"name": "\\u00e9", "version": "1"}]'
 * ```
 */
export function formatPythonJson(value: PythonJsonValue, options: PythonJsonOptions = {}): string {
  const ensureAscii = options.ensureAscii ?? true;
  const indent = options.indent;
  const sortKeys = options.sortKeys ?? false;
  const write = (item: PythonJsonValue, depth: number): string => {
    if (item === null) return "null";
    if (typeof item === "string") return quote(item, ensureAscii);
    if (typeof item === "boolean") return item ? "true" : "false";
    if (typeof item === "number") return String(item);
    const isArray = Array.isArray(item);
    const parts = isArray
      ? (item as readonly PythonJsonValue[]).map((v) => write(v, depth + 1))
      : entries(item as Record<string, PythonJsonValue>, sortKeys).map(([k, v]) =>
        `${quote(k, ensureAscii)}: ${write(v, depth + 1)}`
      );
    const [open, close] = isArray ? ["[", "]"] : ["{", "}"];
    if (parts.length === 0) return open + close;
    if (indent === undefined) return open + parts.join(", ") + close;
    const inner = "\n" + " ".repeat(indent * (depth + 1));
    return open + inner + parts.join("," + inner) + "\n" + " ".repeat(indent * depth) + close;
  };
  return write(value, 0);
}

function entries(
  object: Record<string, PythonJsonValue>,
  sortKeys: boolean,
): [string, PythonJsonValue][] {
  const all = Object.entries(object);
  return sortKeys ? all.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : all;
}
