/**
 * The `RECORD` file of an installed or wheel distribution (the recording
 * installed projects specification, PEP 376/627): one CSV row per file with
 * its path, `algorithm=digest` hash and size.
 *
 * Rows are read the way pip reads them, `csv.reader(text.splitlines())` with
 * Python's default (`excel`) dialect, and written the way pip writes them,
 * `csv.writer` with minimal quoting and `\r\n` line endings.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { quoted } from "./message.ts";
import { splitLines } from "./python_text.ts";

/** A `RECORD` that is not valid CSV, or a row that is not `path,hash,size`. */
export class InvalidRecordError extends DpipError {
  /** The offending line's text (or the whole row, joined with commas). */
  readonly input: string;
  /** The 1-based line number in the text. */
  readonly line: number;

  constructor(input: string, line: number, why: string) {
    super("invalid-record", `Invalid RECORD line ${line} ${quoted(input)}: ${why}`);
    this.name = "InvalidRecordError";
    this.input = input;
    this.line = line;
  }
}

/** A file hash in `RECORD`: `sha256=<urlsafe base64 without padding>`. */
export interface RecordHash {
  /** The `hashlib` algorithm name, e.g. `sha256`. */
  readonly algorithm: string;
  /** The digest as written: URL-safe base64 without `=` padding. */
  readonly digest: string;
}

/** One row of `RECORD`. */
export interface RecordEntry {
  /** The path, `/`-separated, relative to the site directory. */
  readonly path: string;
  /** The file's hash; absent for `RECORD` itself and for generated files like `.pyc`. */
  readonly hash?: RecordHash;
  /** The file's size in bytes; absent when the hash is. */
  readonly size?: number;
}

/** The largest field Python's `csv` module accepts by default (`csv.field_size_limit()`). */
const fieldSizeLimit = 131072;

/**
 * Splits `RECORD` text into CSV rows exactly as `csv.reader(text.splitlines())`
 * does: a quoted field may run over several lines (the line breaks are
 * dropped), `""` inside quotes is a quote, and blank lines give empty rows.
 *
 * @throws {InvalidRecordError} when a field is longer than Python's default limit (131072).
 * @example
 * ```ts
 * import { parseRecordRows } from "./record.ts";
 * parseRecordRows('a.py,sha256=x,3\n"b,c.py",,\n'); // [["a.py", "sha256=x", "3"], ["b,c.py", "", ""]]
 * ```
 */
export function parseRecordRows(text: string): string[][] {
  return readRows(text).map(({ fields }) => fields);
}

interface Row {
  readonly fields: string[];
  /** The 1-based line the row starts on. */
  readonly line: number;
}

function readRows(text: string): Row[] {
  const lines = splitLines(text);
  const rows: Row[] = [];
  let row: string[] = [];
  let rowStart = 1;
  let field = "";
  let fieldLength = 0;
  let state: "record" | "field" | "unquoted" | "quoted" | "quote-in-quoted" = "record";
  const save = () => {
    row.push(field);
    field = "";
    fieldLength = 0;
  };
  const add = (char: string, lineNumber: number) => {
    if (fieldLength >= fieldSizeLimit) {
      throw new InvalidRecordError(
        (lines[lineNumber - 1] ?? "").slice(0, 80),
        lineNumber,
        `field larger than the limit (${fieldSizeLimit})`,
      );
    }
    field += char;
    fieldLength++;
  };
  for (const [index, line] of lines.entries()) {
    const lineNumber = index + 1;
    if (state === "record") {
      rowStart = lineNumber;
      // A row without quotes (nearly every one) is its fields between commas.
      if (!line.includes('"')) {
        const fields = line === "" ? [] : line.split(",");
        if (fields.every((f) => f.length <= fieldSizeLimit)) {
          rows.push({ fields, line: lineNumber });
          continue;
        }
      }
    }
    for (const char of line) {
      if (state === "record") state = "field";
      switch (state) {
        case "field":
          if (char === '"') state = "quoted";
          else if (char === ",") save();
          else {
            add(char, lineNumber);
            state = "unquoted";
          }
          break;
        case "unquoted":
          if (char === ",") {
            save();
            state = "field";
          } else add(char, lineNumber);
          break;
        case "quoted":
          if (char === '"') state = "quote-in-quoted";
          else add(char, lineNumber);
          break;
        case "quote-in-quoted":
          if (char === '"') {
            add(char, lineNumber);
            state = "quoted";
          } else if (char === ",") {
            save();
            state = "field";
          } else {
            add(char, lineNumber);
            state = "unquoted";
          }
          break;
      }
    }
    // The end of a line ends the record unless a quoted field is open.
    if (state === "quoted") continue;
    if (state !== "record") save();
    rows.push({ fields: row, line: rowStart });
    row = [];
    state = "record";
  }
  if (state === "quoted") {
    // Python's (non-strict) reader keeps an unterminated quoted field at the end of input.
    save();
    rows.push({ fields: row, line: rowStart });
  }
  return rows;
}

function parseHash(text: string, line: number): RecordHash {
  const equals = text.indexOf("=");
  if (equals <= 0 || equals === text.length - 1) {
    throw new InvalidRecordError(text, line, "hash must be <algorithm>=<digest>");
  }
  return { algorithm: text.slice(0, equals), digest: text.slice(equals + 1) };
}

/**
 * Parses `RECORD` into entries, skipping blank rows.
 *
 * @throws {InvalidRecordError} on an empty path, more than three fields, a hash
 *   that is not `algorithm=digest`, or a size that is not a whole number.
 * @example
 * ```ts
 * import { parseRecord } from "./record.ts";
 * parseRecord("pkg/__init__.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\npkg-1.0.dist-info/RECORD,,\n");
 * // [{ path: "pkg/__init__.py", hash: { algorithm: "sha256", digest: "47DE…" }, size: 0 },
 * //  { path: "pkg-1.0.dist-info/RECORD" }]
 * ```
 */
export function parseRecord(text: string): RecordEntry[] {
  const entries: RecordEntry[] = [];
  for (const { fields: row, line } of readRows(text)) {
    if (row.length === 0) continue;
    const shown = row.join(",");
    if (row.length > 3) {
      throw new InvalidRecordError(shown, line, `expected 3 fields, found ${row.length}`);
    }
    const [path = "", hash = "", size = ""] = row;
    if (path === "") throw new InvalidRecordError(shown, line, "the path is empty");
    const entry: { path: string; hash?: RecordHash; size?: number } = { path };
    if (hash !== "") entry.hash = parseHash(hash, line);
    if (size !== "") {
      if (!/^[0-9]+$/.test(size)) {
        throw new InvalidRecordError(shown, line, `size ${quoted(size)} is not a number`);
      }
      entry.size = Number(size);
    }
    entries.push(entry);
  }
  return entries;
}

/** Options for {@link formatRecord}. */
export interface FormatRecordOptions {
  /** The line ending: `\r\n` (pip's, the default) or `\n` (the `wheel` builder's). */
  readonly lineTerminator?: "\r\n" | "\n";
}

function formatField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

/**
 * Writes entries as `RECORD` text, byte for byte as Python's `csv.writer`
 * writes `(path, "algorithm=digest", size)` rows: fields quoted only when they
 * hold a comma, a quote or a line break, each row ended by the line terminator.
 *
 * @example
 * ```ts
 * import { formatRecord } from "./record.ts";
 * formatRecord([{ path: "a,b.py", hash: { algorithm: "sha256", digest: "abc" }, size: 3 }, { path: "x/RECORD" }]);
 * // '"a,b.py",sha256=abc,3\r\nx/RECORD,,\r\n'
 * ```
 */
export function formatRecord(
  entries: readonly RecordEntry[],
  options: FormatRecordOptions = {},
): string {
  const terminator = options.lineTerminator ?? "\r\n";
  let text = "";
  for (const entry of entries) {
    const hash = entry.hash ? `${entry.hash.algorithm}=${entry.hash.digest}` : "";
    const size = entry.size === undefined ? "" : String(entry.size);
    text += `${formatField(entry.path)},${formatField(hash)},${formatField(size)}${terminator}`;
  }
  return text;
}
