/**
 * An installed distribution's `METADATA`/`PKG-INFO`, read the way pip's
 * `email`-based readers split it, and cheaply: `list` and `freeze` read a
 * hundred of these and need two headers of each.
 *
 * {@link readNameAndVersion} reads a file's first 32 kB and decodes no more
 * of it than it needs for those two headers (usually its first three lines,
 * found with one match; else the header block, walked only as far as they
 * are). {@link readMetadataFile} reads and splits a whole file, for the
 * commands that show more of it.
 *
 * @module
 */

/** A metadata file split the way `email.parser` (compat32) splits it. */
export interface EmailMessage {
  /** Every header in order, `[name, value]`; folded values keep their line breaks. */
  readonly headers: readonly (readonly [string, string])[];
  /** The text after the header block (the `Description` body). */
  readonly body: string;
}

/** Called with each header, once its continuation lines are read; `true` stops the walk. */
type HeaderVisitor = (name: string, value: string) => boolean | void;

/**
 * Walks the headers of `text` as `email.message_from_string` splits them: a
 * header's value is the text after `Name:` without leading blanks, with its
 * continuation lines appended (line breaks kept); the headers end at the
 * first blank line or the first line that is not a header. Returns where the
 * body starts (`text.length` when there is none), or -1 when `visit` stopped
 * the walk.
 */
function walkHeaders(text: string, visit: HeaderVisitor): number {
  let start = 0;
  let name: string | undefined;
  let value = "";
  // Index arithmetic and `indexOf` rather than a slice and regular expressions per line:
  // this runs once per installed distribution on each `list`, in code not yet optimized.
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    const next = end < 0 ? text.length : end + 1;
    if (end < 0) end = text.length;
    if (end > start && text.charCodeAt(end - 1) === 0x0d) end--;
    if (end === start) {
      if (name !== undefined && visit(name, value) === true) return -1;
      return next;
    }
    const first = text.charCodeAt(start);
    if (first === 0x20 || first === 0x09) {
      if (name !== undefined) value += "\n" + text.slice(start, end);
      start = next;
      continue;
    }
    let colon = start;
    while (colon < end && isHeaderNameChar(text.charCodeAt(colon))) colon++;
    if (colon === start || colon === end || text.charCodeAt(colon) !== 0x3a) {
      if (name !== undefined && visit(name, value) === true) return -1;
      return start;
    }
    if (name !== undefined && visit(name, value) === true) return -1;
    let valueStart = colon + 1;
    while (
      valueStart < end &&
      (text.charCodeAt(valueStart) === 0x20 || text.charCodeAt(valueStart) === 0x09)
    ) {
      valueStart++;
    }
    name = text.slice(start, colon);
    value = text.slice(valueStart, end);
    start = next;
  }
  if (name !== undefined && visit(name, value) === true) return -1;
  return text.length;
}

/** A character `email.parser` accepts in a header name: printable ASCII but the colon. */
function isHeaderNameChar(code: number): boolean {
  return code >= 0x21 && code <= 0x7e && code !== 0x3a;
}

/**
 * Splits `METADATA`/`PKG-INFO` text into headers and body as
 * `email.message_from_string` does (see {@link walkHeaders}).
 *
 * @example
 * ```ts
 * import { parseEmailMessage } from "./metadata_file.ts";
 * parseEmailMessage("Name: a\nVersion: 1\n\nbody").headers; // [["Name", "a"], ["Version", "1"]]
 * ```
 */
export function parseEmailMessage(text: string): EmailMessage {
  const headers: [string, string][] = [];
  const bodyStart = walkHeaders(text, (name, value) => {
    headers.push([name, value]);
  });
  return { headers, body: bodyStart >= text.length ? "" : text.slice(bodyStart) };
}

/**
 * The first value of each of `names` (matched case-insensitively) in the
 * headers of `text`, walking no further than needed to find them all.
 */
function firstHeaderValues(text: string, names: readonly string[]): (string | undefined)[] {
  const wanted = names.map((name) => name.toLowerCase());
  const values: (string | undefined)[] = wanted.map(() => undefined);
  let missing = wanted.length;
  walkHeaders(text, (name, value) => {
    const index = wanted.indexOf(name.toLowerCase());
    if (index < 0 || values[index] !== undefined) return false;
    values[index] = value;
    return --missing === 0;
  });
  return values;
}

/** The first value of a header (case-insensitive), as `email.message.get` returns it. */
export function headerValue(
  message: Pick<EmailMessage, "headers">,
  name: string,
): string | undefined {
  const lower = name.toLowerCase();
  return message.headers.find(([key]) => key.toLowerCase() === lower)?.[1];
}

/** Every value of a header (case-insensitive), as `email.message.get_all` returns them. */
export function headerValues(message: Pick<EmailMessage, "headers">, name: string): string[] {
  const lower = name.toLowerCase();
  return message.headers.filter(([key]) => key.toLowerCase() === lower).map(([, v]) => v);
}

/** `textwrap.dedent`: removes the common leading blanks; blank-only lines become empty. */
function dedent(text: string): string {
  const lines = text.split("\n");
  let margin: string | undefined;
  for (const line of lines) {
    if (line.trim() === "") continue;
    const indent = /^[ \t]*/.exec(line)![0];
    if (margin === undefined) margin = indent;
    else {
      let i = 0;
      while (i < margin.length && i < indent.length && margin[i] === indent[i]) i++;
      margin = margin.slice(0, i);
    }
  }
  return lines.map((line) => line.trim() === "" ? "" : line.slice(margin?.length ?? 0)).join("\n");
}

/**
 * The metadata as pip sees it. With `importlib` (pip's backend on Python
 * 3.11+), `importlib.metadata` re-indents folded values and adds the body as
 * a last `Description` header; otherwise (`pkg_resources`) it is unchanged.
 */
export function metadataAsPipReadsIt(
  message: EmailMessage,
  options: { importlib: boolean },
): EmailMessage {
  if (!options.importlib) return message;
  const headers: [string, string][] = message.headers.map(([key, value]) => [
    key,
    value.includes("\n") ? dedent(" ".repeat(8) + value) : value,
  ]);
  if (message.body !== "") headers.push(["Description", message.body]);
  return { headers, body: message.body };
}

/** Python's text-mode reading: `\r\n` and `\r` become `\n`. */
export function universalNewlines(text: string): string {
  return text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
}

const decoder = new TextDecoder();
/** Most header blocks fit: one read into this buffer, no allocation per file. */
const scratch = new Uint8Array(32 * 1024);
/** Most header blocks are shorter (half of them under 1.5 kB): this much is decoded first. */
const firstDecode = 2048;
/** Enough for the usual first three lines (see {@link usualStart}). */
const usualDecode = 256;

/** The header block of `text` (through its blank line), or undefined when it has none. */
function headerBlock(text: string): string | undefined {
  if (text.startsWith("\n")) return "\n";
  const blank = text.indexOf("\n\n");
  return blank < 0 ? undefined : text.slice(0, blank + 2);
}

/**
 * How nearly every `METADATA` starts. When the file starts so, these are the
 * first `Name` and `Version` headers, neither folded, and one native match
 * finds them without walking the headers. (A value starts after the blanks, so
 * that the blanks and the value cannot trade characters when the match fails.)
 */
const usualStart =
  /^Metadata-Version:[^\n]*\nName:[ \t]*((?:[^ \t\n][^\n]*)?)\nVersion:[ \t]*((?:[^ \t\n\r][^\n\r]*)?)\n(?![ \t])/;

/**
 * The first `Name` and `Version` headers of the `METADATA`/`PKG-INFO` file
 * at `path` (see {@link firstHeaderValues}), or undefined when it cannot be
 * read. Reads and decodes no more than the header block, where it can:
 * `list` asks this of every installed distribution.
 */
export function readNameAndVersion(
  path: string,
): [name: string | undefined, version: string | undefined] | undefined {
  const read = readStart(path);
  if (read === undefined) return undefined;
  // Searching decoded text is native work; walking bytes line by line is not (yet) optimized
  // code here. A cut inside a character only spoils the text after the blank line.
  const usual = usualStart.exec(decoder.decode(scratch.subarray(0, Math.min(read, usualDecode))));
  if (usual !== null && !usual[1]!.includes("\r")) return [usual[1], usual[2]];
  let header = read > firstDecode
    ? headerBlock(decoder.decode(scratch.subarray(0, firstDecode)))
    : undefined;
  header ??= headerBlock(decoder.decode(scratch.subarray(0, read)));
  if (header === undefined && read === scratch.length) {
    // A header block longer than the buffer.
    const text = readPythonText(path);
    if (text === undefined) return undefined;
    header = headerBlock(text) ?? text;
  }
  header ??= decoder.decode(scratch.subarray(0, read)); // no body
  const [name, version] = firstHeaderValues(universalNewlines(header), ["Name", "Version"]);
  return [name, version];
}

/**
 * The headers of the `METADATA`/`PKG-INFO` file at `path`, as
 * {@link readMetadataFile} would give them, or undefined when it cannot be
 * read. Reads no further than the header block where it fits in the first
 * 32 kB: the body (the long description) is most of a file, and the already
 * satisfied check reads the dependencies of every installed distribution.
 */
export function readMetadataHeaders(
  path: string,
): readonly (readonly [string, string])[] | undefined {
  const read = readStart(path);
  if (read === undefined) return undefined;
  // Most header blocks end within the first 2 kB: only then is the rest decoded.
  const decode = (end: number) => universalNewlines(decoder.decode(scratch.subarray(0, end)));
  let header = read > firstDecode ? headerBlock(decode(firstDecode)) : undefined;
  if (header === undefined) {
    const text = decode(read);
    header = headerBlock(text) ?? (read < scratch.length ? text : undefined); // no body
  }
  if (header === undefined) {
    // A header block longer than the buffer.
    const text = readPythonText(path);
    if (text === undefined) return undefined;
    header = text;
  }
  return parseEmailMessage(header).headers;
}

/** Reads the start of the file at `path` into {@link scratch}: how many bytes, or undefined. */
function readStart(path: string): number | undefined {
  try {
    const file = Deno.openSync(path);
    try {
      return file.readSync(scratch) ?? 0;
    } finally {
      file.close();
    }
  } catch {
    return undefined;
  }
}

/** Reads a text file as Python's text mode does (UTF-8, universal newlines), or undefined. */
export function readPythonText(path: string): string | undefined {
  try {
    return universalNewlines(decoder.decode(Deno.readFileSync(path)));
  } catch {
    return undefined;
  }
}

/**
 * The `METADATA`/`PKG-INFO` file at `path`, read as Python reads it (UTF-8,
 * universal newlines) and split, or undefined when it cannot be read.
 */
export function readMetadataFile(path: string): EmailMessage | undefined {
  const text = readPythonText(path);
  return text === undefined ? undefined : parseEmailMessage(text);
}
