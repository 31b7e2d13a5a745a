/**
 * The INI dialect pip's configuration files are written in: Python's
 * `configparser.RawConfigParser` with its defaults. Sections in brackets,
 * `key = value` or `key: value`, full-line comments with `#` or `;` (inline
 * comments are part of the value), continuation lines indented deeper than
 * their key, keys lower-cased, duplicate sections or keys an error.
 *
 * Hand-written because no npm INI parser follows configparser's continuation
 * and duplicate rules, and pip users' files rely on both.
 *
 * @module
 */

import { DpipError } from "../errors.ts";

/** A configparser-incompatible file, with the file and line. */
export class IniSyntaxError extends DpipError {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, message: string) {
    super("invalid-config-file", `${file}, line ${line}: ${message}`, {
      hint: "Fix or remove the line; pip.conf uses configparser's INI syntax.",
    });
    this.name = "IniSyntaxError";
    this.file = file;
    this.line = line;
  }
}

/** Parsed sections, in file order: section name → ordered key/value pairs. */
export type IniDocument = Map<string, Map<string, string>>;

/**
 * Parses INI text as `RawConfigParser` does.
 *
 * @example
 * ```ts
 * import { parseIni } from "./ini.ts";
 * const doc = parseIni("[global]\nindex-url = http://x/simple\n", "pip.conf");
 * doc.get("global")?.get("index-url"); // "http://x/simple"
 * ```
 */
export function parseIni(text: string, file: string): IniDocument {
  const doc: IniDocument = new Map();
  let section: Map<string, string> | undefined;
  let lastKey: string | undefined;
  let lastIndent = 0;
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    const trimmed = raw.trim();
    const indent = raw.length - raw.trimStart().length;
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(";")) {
      // configparser keeps blank lines inside multi-line values only when followed by more;
      // pip splits values on whitespace, so dropping them is equivalent.
      continue;
    }
    if (section !== undefined && lastKey !== undefined && indent > lastIndent) {
      section.set(lastKey, `${section.get(lastKey) ?? ""}\n${trimmed}`);
      continue;
    }
    const header = /^\[([^\]]+)\]/.exec(trimmed);
    if (header !== null && indent === 0) {
      const name = header[1] ?? "";
      if (doc.has(name)) throw new IniSyntaxError(file, i + 1, `section [${name}] appears twice`);
      section = new Map();
      doc.set(name, section);
      lastKey = undefined;
      continue;
    }
    if (section === undefined) {
      throw new IniSyntaxError(file, i + 1, `"${trimmed}" comes before any [section] header`);
    }
    const entry = splitKeyValue(trimmed);
    if (entry === undefined) {
      throw new IniSyntaxError(file, i + 1, `"${trimmed}" is not "key = value"`);
    }
    const key = entry.key.toLowerCase();
    if (section.has(key)) {
      throw new IniSyntaxError(file, i + 1, `key "${key}" appears twice in its section`);
    }
    section.set(key, entry.value);
    lastKey = key;
    lastIndent = indent;
  }
  return doc;
}

/**
 * `key = value` (or `key: value`) split at the first `=` or `:`, blanks around
 * the separator dropped; undefined when the key is empty or the value holds a
 * line break. One pass: a pattern like `^([^=:]+?)\s*[=:]` would let the key
 * and the blanks trade characters, quadratic in a long run of blanks.
 */
function splitKeyValue(text: string): { key: string; value: string } | undefined {
  let separator = 0;
  while (separator < text.length && text[separator] !== "=" && text[separator] !== ":") {
    separator++;
  }
  if (separator === text.length) return undefined;
  const key = text.slice(0, separator).trimEnd();
  const value = text.slice(separator + 1).trimStart();
  if (key === "" || /[\n\r\u2028\u2029]/.test(value)) return undefined;
  return { key, value };
}

/** Writes a document the way `RawConfigParser.write` lays it out. */
export function formatIni(doc: IniDocument): string {
  let out = "";
  for (const [name, entries] of doc) {
    out += `[${name}]\n`;
    for (const [key, value] of entries) {
      out += `${key} = ${value.replaceAll("\n", "\n\t")}\n`;
    }
    out += "\n";
  }
  return out;
}
