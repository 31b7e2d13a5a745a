/**
 * A TOML writer with the layout of `tomli_w` (the writer pip's `pip lock`
 * uses), so that a lock file dpip writes is laid out byte for byte as pip
 * lays out the same data: top-level values first, then tables; a list of
 * tables becomes `[[name]]` blocks unless every table fits on one inline line
 * of at most 100 characters; arrays one item a line, indented by 4 spaces,
 * with a trailing comma; strings basic (`"…"`) with `tomli_w`'s escapes.
 *
 * Pure: values in, text out. Tables are `Map`s or plain objects, whose key
 * order is the output order (a plain object orders integer-like keys first,
 * so use a `Map` for keys that may look like numbers).
 *
 * @module
 */

/** A TOML date-time, written exactly as `text` (Python's `str(datetime)`, e.g. `2024-01-02 03:04:05+00:00`). */
export class TomlDateTime {
  /** The TOML text of the value. */
  readonly text: string;
  /** `text` must be a valid TOML date-time. */
  constructor(text: string) {
    this.text = text;
  }
}

/** A value the writer can write. */
export type TomlWriteValue =
  | string
  | number
  | bigint
  | boolean
  | TomlDateTime
  | readonly TomlWriteValue[]
  | TomlWriteTable;

/** A table: a `Map` or a plain object of values (`undefined` entries are left out). */
export type TomlWriteTable =
  | ReadonlyMap<string, TomlWriteValue>
  | { readonly [key: string]: TomlWriteValue | undefined };

const MAX_LINE_LENGTH = 100;
const INDENT = "    ";

const COMPACT_ESCAPES: Readonly<Record<string, string>> = {
  "\b": "\\b",
  "\n": "\\n",
  "\f": "\\f",
  "\r": "\\r",
  '"': '\\"',
  "\\": "\\\\",
};

function isTable(value: unknown): value is TomlWriteTable {
  return value instanceof Map ||
    (typeof value === "object" && value !== null && !Array.isArray(value) &&
      !(value instanceof TomlDateTime));
}

function entriesOf(table: TomlWriteTable): [string, TomlWriteValue][] {
  const entries = table instanceof Map
    ? [...(table as ReadonlyMap<string, TomlWriteValue>)]
    : Object.entries(table as Record<string, TomlWriteValue | undefined>);
  return entries.filter((entry): entry is [string, TomlWriteValue] => entry[1] !== undefined);
}

function isIllegal(code: number): boolean {
  return code === 0x22 || code === 0x5c || (code < 0x20 && code !== 0x09) || code === 0x7f;
}

/** A basic TOML string, escaped as `tomli_w` escapes it. */
export function formatTomlString(text: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isIllegal(code)) continue;
    out += text.slice(start, i);
    const ch = text[i]!;
    out += COMPACT_ESCAPES[ch] ?? "\\u" + code.toString(16).padStart(4, "0");
    start = i + 1;
  }
  return out + text.slice(start) + '"';
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

function formatKey(key: string): string {
  return BARE_KEY.test(key) ? key : formatTomlString(key);
}

function formatInlineTable(table: TomlWriteTable): string {
  const entries = entriesOf(table);
  if (entries.length === 0) return "{}";
  return `{ ${entries.map(([k, v]) => `${formatKey(k)} = ${formatLiteral(v, 0)}`).join(", ")} }`;
}

function formatLiteral(value: TomlWriteValue, nesting: number): string {
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "bigint") return String(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      throw new TypeError(`only integers are written, not ${value}`);
    }
    return String(value);
  }
  if (typeof value === "string") return formatTomlString(value);
  if (value instanceof TomlDateTime) return value.text;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const itemIndent = INDENT.repeat(nesting + 1);
    const items = (value as readonly TomlWriteValue[]).map((item) =>
      itemIndent + formatLiteral(item, nesting + 1)
    );
    return `[\n${items.join(",\n")},\n${INDENT.repeat(nesting)}]`;
  }
  return formatInlineTable(value as TomlWriteTable);
}

/** Length in code points, as Python's `len` counts. */
function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xd800 || code > 0xdbff) count++;
  }
  return count;
}

function fitsInline(table: TomlWriteTable): boolean {
  const rendered = `${INDENT}${formatInlineTable(table)},`;
  return codePoints(rendered) <= MAX_LINE_LENGTH && !rendered.includes("\n");
}

function isArrayOfTables(value: TomlWriteValue): value is readonly TomlWriteTable[] {
  return Array.isArray(value) && value.length > 0 &&
    (value as readonly TomlWriteValue[]).every(isTable);
}

function writeTable(
  table: TomlWriteTable,
  name: string,
  insideArray: boolean,
  out: string[],
): void {
  let written = false;
  const literals: [string, TomlWriteValue][] = [];
  const tables: [string, TomlWriteTable, boolean][] = [];
  for (const [key, value] of entriesOf(table)) {
    if (isTable(value)) tables.push([key, value, false]);
    else if (isArrayOfTables(value) && !value.every(fitsInline)) {
      for (const item of value) tables.push([key, item, true]);
    } else literals.push([key, value]);
  }
  if (insideArray || (name !== "" && (literals.length > 0 || tables.length === 0))) {
    written = true;
    out.push(insideArray ? `[[${name}]]\n` : `[${name}]\n`);
  }
  if (literals.length > 0) {
    written = true;
    for (const [key, value] of literals) {
      out.push(`${formatKey(key)} = ${formatLiteral(value, 0)}\n`);
    }
  }
  for (const [key, value, inArray] of tables) {
    if (written) out.push("\n");
    else written = true;
    const part = formatKey(key);
    writeTable(value, name === "" ? part : `${name}.${part}`, inArray, out);
  }
}

/**
 * The TOML document of `table`, laid out as `tomli_w.dumps` lays it out.
 *
 * @throws {TypeError} for a number that is not a safe integer (floats are not written).
 * @example
 * ```ts
 * import { formatToml } from "./toml_writer.ts";
 * formatToml({ a: "x", t: { b: 1 } }); // 'a = "x"\n\n[t]\nb = 1\n'
 * ```
 */
export function formatToml(table: TomlWriteTable): string {
  const out: string[] = [];
  writeTable(table, "", false, out);
  return out.join("");
}
