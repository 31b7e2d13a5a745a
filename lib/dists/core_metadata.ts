/**
 * Core metadata (`METADATA`, `PKG-INFO`), Metadata-Version 1.0 to 2.5: RFC
 * 822-style headers read the way Python's `email` parser reads them (the
 * reader `importlib.metadata` and pip use), with the description either in a
 * `Description` header or in the message body.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { quoted } from "./message.ts";
import { appendAll } from "../lists.ts";
import { trimEndChars } from "../trim.ts";

/** Metadata without the fields every version requires (`Name`, `Version`). */
export class CoreMetadataError extends DpipError {
  /** The start of the text that failed (its first 200 characters). */
  readonly input: string;

  /** `input` is the metadata text, `why` what is wrong with it. */
  constructor(input: string, why: string) {
    const firstLine = input.split(/\r\n|\r|\n/, 1)[0] ?? "";
    super("invalid-core-metadata", `Invalid core metadata (starting ${quoted(firstLine)}): ${why}`);
    this.name = "CoreMetadataError";
    this.input = input.slice(0, 200);
  }
}

/** A `Project-URL` entry: `label, url`. */
export interface ProjectUrl {
  /** The text before the comma (`Homepage`, `Source`). */
  readonly label: string;
  /** The URL after the comma (empty when there is none). */
  readonly url: string;
}

/** The fields that appear at most once, by their camelCase name. */
export interface CoreMetadataSingleFields {
  /** `Metadata-Version`, e.g. `2.1`. */
  readonly metadataVersion?: string;
  /** `Name`, as written (normalize with `canonicalizeName`). */
  readonly name: string;
  /** `Version`, as written (parse with `parseVersion`). */
  readonly version: string;
  /** `Summary`. */
  readonly summary?: string;
  /** `Description`, from the header (with its indentation removed) or the body. */
  readonly description?: string;
  /** `Description-Content-Type`, e.g. `text/markdown`. */
  readonly descriptionContentType?: string;
  /** `Keywords`, as written (comma- or space-separated). */
  readonly keywords?: string;
  /** `Home-page`. */
  readonly homePage?: string;
  /** `Download-URL`. */
  readonly downloadUrl?: string;
  /** `Author`. */
  readonly author?: string;
  /** `Author-email`. */
  readonly authorEmail?: string;
  /** `Maintainer`. */
  readonly maintainer?: string;
  /** `Maintainer-email`. */
  readonly maintainerEmail?: string;
  /** `License` (free text, possibly several lines). */
  readonly license?: string;
  /** `License-Expression` (SPDX, Metadata 2.4). */
  readonly licenseExpression?: string;
  /** `Requires-Python`, a specifier set. */
  readonly requiresPython?: string;
}

/** The fields that may appear several times, by their camelCase name. */
export interface CoreMetadataListFields {
  /** `Platform`. */
  readonly platform: string[];
  /** `Supported-Platform`. */
  readonly supportedPlatform: string[];
  /** `Classifier`. */
  readonly classifiers: string[];
  /** `Requires-Dist`, PEP 508 requirements. */
  readonly requiresDist: string[];
  /** `Requires-External`. */
  readonly requiresExternal: string[];
  /** `Provides-Extra`. */
  readonly providesExtra: string[];
  /** `Provides-Dist`. */
  readonly providesDist: string[];
  /** `Obsoletes-Dist`. */
  readonly obsoletesDist: string[];
  /** `Dynamic` (Metadata 2.2). */
  readonly dynamic: string[];
  /** `License-File` (Metadata 2.4). */
  readonly licenseFile: string[];
  /** `Import-Name` (Metadata 2.5). */
  readonly importName: string[];
  /** `Import-Namespace` (Metadata 2.5). */
  readonly importNamespace: string[];
  /** `Requires` (Metadata 1.1, deprecated). */
  readonly requires: string[];
  /** `Provides` (Metadata 1.1, deprecated). */
  readonly provides: string[];
  /** `Obsoletes` (Metadata 1.1, deprecated). */
  readonly obsoletes: string[];
}

/** Parsed core metadata: typed fields, plus every raw header in order. */
export interface CoreMetadata extends CoreMetadataSingleFields, CoreMetadataListFields {
  /** `Project-URL` entries. */
  readonly projectUrls: ProjectUrl[];
  /**
   * Every header as `[name, value]`, in order, names as written and values as
   * Python's `email` module returns them (continuation lines kept, joined by `\n`).
   */
  readonly headers: [string, string][];
  /** The message body (the description in Metadata 2.1+), `""` when there is none. */
  readonly body: string;
}

type SingleKey = Exclude<keyof CoreMetadataSingleFields, "description">;
type ListKey = keyof CoreMetadataListFields;

/** Every typed field in the specification's order: its header, key and whether it repeats. */
const FIELDS:
  readonly (readonly [string, SingleKey | ListKey | "projectUrls", "single" | "list"])[] = [
    ["Metadata-Version", "metadataVersion", "single"],
    ["Name", "name", "single"],
    ["Version", "version", "single"],
    ["Dynamic", "dynamic", "list"],
    ["Platform", "platform", "list"],
    ["Supported-Platform", "supportedPlatform", "list"],
    ["Summary", "summary", "single"],
    ["Description-Content-Type", "descriptionContentType", "single"],
    ["Keywords", "keywords", "single"],
    ["Home-page", "homePage", "single"],
    ["Download-URL", "downloadUrl", "single"],
    ["Author", "author", "single"],
    ["Author-email", "authorEmail", "single"],
    ["Maintainer", "maintainer", "single"],
    ["Maintainer-email", "maintainerEmail", "single"],
    ["License", "license", "single"],
    ["License-Expression", "licenseExpression", "single"],
    ["License-File", "licenseFile", "list"],
    ["Classifier", "classifiers", "list"],
    ["Requires-Dist", "requiresDist", "list"],
    ["Requires-Python", "requiresPython", "single"],
    ["Requires-External", "requiresExternal", "list"],
    ["Project-URL", "projectUrls", "list"],
    ["Provides-Extra", "providesExtra", "list"],
    ["Provides-Dist", "providesDist", "list"],
    ["Obsoletes-Dist", "obsoletesDist", "list"],
    ["Import-Name", "importName", "list"],
    ["Import-Namespace", "importNamespace", "list"],
    ["Requires", "requires", "list"],
    ["Provides", "provides", "list"],
    ["Obsoletes", "obsoletes", "list"],
  ];

const singleFields = FIELDS.filter(([, , kind]) => kind === "single") as readonly (readonly [
  string,
  SingleKey,
  "single",
])[];
const listFields = FIELDS.filter(([, key, kind]) =>
  kind === "list" && key !== "projectUrls"
) as readonly (readonly [string, ListKey, "list"])[];

const singleByName = new Map(singleFields.map(([header, key]) => [header.toLowerCase(), key]));
const listByName = new Map(listFields.map(([header, key]) => [header.toLowerCase(), key]));
const knownHeaders = new Set([
  ...singleByName.keys(),
  ...listByName.keys(),
  "description",
  "project-url",
]);

/** A header line as Python's `email.feedparser` recognizes one (`headerRE`). */
const headerLine = /^(?:From |[\x21-\x39\x3b-\x7e]*:|[\t ])/;

/** Decodes bytes as UTF-8, falling back to Latin-1 when they are not valid UTF-8. */
function decode(data: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    return new TextDecoder("latin1").decode(data);
  }
}

/** Removes the `\n` of folded lines (RFC 5322 unfolding). */
function unfold(value: string): string {
  return value.includes("\n") ? value.replaceAll("\n", "") : value;
}

/** Python's `textwrap.dedent`. */
function dedent(text: string): string {
  const lines = text.split("\n").map((line) => (/^[ \t]+$/.test(line) ? "" : line));
  let margin: string | undefined;
  for (const line of lines) {
    if (line === "") continue;
    const indent = /^[ \t]*/.exec(line)![0];
    if (margin === undefined || margin.startsWith(indent)) margin = indent;
    else if (!indent.startsWith(margin)) {
      let common = 0;
      while (common < margin.length && margin[common] === indent[common]) common++;
      margin = margin.slice(0, common);
    }
  }
  const cut = margin?.length ?? 0;
  return lines.map((line) => (line === "" ? line : line.slice(cut))).join("\n");
}

/**
 * A multi-line header value (Description, License) without its folding: the
 * `        |` continuation convention when every continuation line uses it,
 * else the common indentation removed, the first line counting as indented.
 */
function unfoldMultiline(value: string): string {
  if (!value.includes("\n")) return value;
  const [first = "", ...rest] = value.split("\n");
  if (rest.every((line) => /^[ \t]*\|/.test(line))) {
    return [first, ...rest.map((line) => line.slice(line.indexOf("|") + 1))].join("\n");
  }
  return dedent(" ".repeat(8) + value);
}

function parseProjectUrl(value: string): ProjectUrl {
  const comma = value.indexOf(",");
  if (comma < 0) return { label: value.trim(), url: "" };
  return { label: value.slice(0, comma).trim(), url: value.slice(comma + 1).trim() };
}

interface RawMessage {
  headers: [string, string][];
  body: string;
}

/** Splits text into headers and body as `email.parser.Parser(policy=compat32)` does. */
function readMessage(text: string): RawMessage {
  const lines = text.split(/\r\n|\r|\n/);
  const endsWithNewline = lines.at(-1) === "";
  if (endsWithNewline) lines.pop();
  let bodyStart = lines.findIndex((line) => !headerLine.test(line));
  if (bodyStart < 0) bodyStart = lines.length;
  const headerLines = lines.slice(0, bodyStart);
  // The blank separator line is dropped; any other line that ends the headers starts the body.
  if (lines[bodyStart] === "") bodyStart++;
  const headers: [string, string][] = [];
  const bodyLines: string[] = [];
  let current: string[] | undefined;
  const flush = () => {
    if (current === undefined) return;
    const [first = "", ...continuation] = current;
    const colon = first.indexOf(":");
    const value = [first.slice(colon + 1).replace(/^[ \t]+/, ""), ...continuation].join("\n");
    headers.push([first.slice(0, colon), trimEndChars(value, "\r\n")]);
    current = undefined;
  };
  for (const [index, line] of headerLines.entries()) {
    if (line[0] === " " || line[0] === "\t") {
      current?.push(line);
      continue;
    }
    flush();
    if (line.startsWith("From ")) {
      // A Unix "From " envelope line: skipped, except that a last one belongs to the body.
      if (index > 0 && index === headerLines.length - 1) bodyLines.push(line);
      continue;
    }
    if (line.startsWith(":")) continue;
    current = [line];
  }
  flush();
  appendAll(bodyLines, lines.slice(bodyStart));
  const body = bodyLines.length === 0 ? "" : bodyLines.join("\n") + (endsWithNewline ? "\n" : "");
  return { headers, body };
}

/**
 * Parses `METADATA`/`PKG-INFO`. Bytes are decoded as UTF-8, or Latin-1 when
 * they are not valid UTF-8; a leading BOM is ignored; lines may end in `\n`,
 * `\r\n` or `\r`. Header names match case-insensitively. A single-use field
 * that repeats keeps its first value (as `email.message.Message.get` does);
 * all values stay in `headers`. Folded values are unfolded; `Description` and
 * `License` keep their lines, with the continuation indentation (or the
 * `        |` prefix) removed. A non-empty body is the description.
 *
 * @throws {CoreMetadataError} when `Name` or `Version` is missing.
 * @example
 * ```ts
 * import { parseCoreMetadata } from "./core_metadata.ts";
 * const meta = parseCoreMetadata(
 *   "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Dist: idna>=2\n" +
 *     "Provides-Extra: socks\n\nThe long description.\n",
 * );
 * [meta.name, meta.requiresDist, meta.providesExtra, meta.description];
 * // ["demo", ["idna>=2"], ["socks"], "The long description.\n"]
 * ```
 */
export function parseCoreMetadata(text: string | Uint8Array): CoreMetadata {
  let source = typeof text === "string" ? text : decode(text);
  if (source.startsWith("\ufeff")) source = source.slice(1);
  const { headers, body } = readMessage(source);
  const single: { -readonly [K in SingleKey]?: string } = {};
  const lists = Object.fromEntries(listFields.map(([, key]) => [key, [] as string[]])) as {
    [K in ListKey]: string[];
  };
  const projectUrls: ProjectUrl[] = [];
  let descriptionHeader: string | undefined;
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    const singleKey = singleByName.get(lower);
    if (singleKey !== undefined) {
      if (single[singleKey] === undefined) {
        single[singleKey] = singleKey === "license" ? unfoldMultiline(value) : unfold(value);
      }
      continue;
    }
    const listKey = listByName.get(lower);
    if (listKey !== undefined) lists[listKey].push(unfold(value));
    else if (lower === "project-url") projectUrls.push(parseProjectUrl(unfold(value)));
    else if (lower === "description") descriptionHeader ??= unfoldMultiline(value);
  }
  const { name, version } = single;
  if (name === undefined) throw new CoreMetadataError(source, "the Name field is missing");
  if (version === undefined) throw new CoreMetadataError(source, "the Version field is missing");
  const description = body !== "" ? body : descriptionHeader;
  return {
    ...single,
    name,
    version,
    ...(description === undefined ? {} : { description }),
    ...lists,
    projectUrls,
    headers,
    body,
  };
}

/** The fields of METADATA a resolution needs. */
export interface DependencyFields {
  /** `Name`, as written. */
  readonly name: string;
  /** `Version`, as written. */
  readonly version: string;
  /** `Requires-Dist`, PEP 508 requirements. */
  readonly requiresDist: string[];
  /** `Requires-Python`. */
  readonly requiresPython?: string;
  /** `Provides-Extra`. */
  readonly providesExtra: string[];
}

/** Where the header section of `text` ends: the start of its first line that is no header line. */
function headerSectionEnd(text: string): number {
  const breaks = /\r\n|\r|\n/g;
  let start = 0;
  while (start < text.length) {
    const found = breaks.exec(text);
    const end = found === null ? text.length : found.index;
    if (!headerLine.test(text.slice(start, end))) return start;
    start = found === null ? text.length : end + found[0].length;
  }
  return text.length;
}

/**
 * `Name`, `Version`, `Requires-Dist`, `Requires-Python` and `Provides-Extra`,
 * exactly as {@link parseCoreMetadata} reads them, from the header section
 * alone: the body (the description, often most of the file) is neither split
 * nor kept, which makes this the parser for resolving.
 *
 * @throws {CoreMetadataError} when `Name` or `Version` is missing.
 * @example
 * ```ts
 * import { parseDependencyFields } from "./core_metadata.ts";
 * parseDependencyFields("Name: demo\nVersion: 1.0\nRequires-Dist: idna>=2\n\nA long text.\n");
 * // { name: "demo", version: "1.0", requiresDist: ["idna>=2"], providesExtra: [] }
 * ```
 */
export function parseDependencyFields(text: string | Uint8Array): DependencyFields {
  let source = typeof text === "string" ? text : decode(text);
  if (source.startsWith("\ufeff")) source = source.slice(1);
  const { headers } = readMessage(source.slice(0, headerSectionEnd(source)));
  let name: string | undefined;
  let version: string | undefined;
  let requiresPython: string | undefined;
  const requiresDist: string[] = [];
  const providesExtra: string[] = [];
  for (const [header, value] of headers) {
    switch (header.toLowerCase()) {
      case "name":
        name ??= unfold(value);
        break;
      case "version":
        version ??= unfold(value);
        break;
      case "requires-python":
        requiresPython ??= unfold(value);
        break;
      case "requires-dist":
        requiresDist.push(unfold(value));
        break;
      case "provides-extra":
        providesExtra.push(unfold(value));
        break;
    }
  }
  if (name === undefined) throw new CoreMetadataError(source, "the Name field is missing");
  if (version === undefined) throw new CoreMetadataError(source, "the Version field is missing");
  return {
    name,
    version,
    requiresDist,
    providesExtra,
    ...(requiresPython === undefined ? {} : { requiresPython }),
  };
}

/** Folds a multi-line value for a header: each further line indented by 8 spaces. */
function fold(value: string): string {
  return value.replaceAll(/\r\n|\r|\n/g, "\n" + " ".repeat(8));
}

/**
 * Folds a multi-line `License` with the `        |` convention, which keeps
 * every further line exactly (its own indentation, blank lines) where plain
 * folding loses them to the reader's dedent.
 */
function foldMultiline(value: string): string {
  return value.replaceAll(/\r\n|\r|\n/g, "\n" + " ".repeat(8) + "|");
}

/**
 * Serializes metadata: the typed fields in the specification's order (the
 * description as the body), then any other headers from `headers` that no
 * typed field covers. `parseCoreMetadata(formatCoreMetadata(m))` gives back
 * the same typed fields, except blanks at the start of a value, which no
 * header can carry.
 *
 * @example
 * ```ts
 * import { formatCoreMetadata, parseCoreMetadata } from "./core_metadata.ts";
 * formatCoreMetadata(parseCoreMetadata("Name: demo\nVersion: 1.0\nX-Custom: kept\n"));
 * // "Name: demo\nVersion: 1.0\nX-Custom: kept\n"
 * ```
 */
export function formatCoreMetadata(meta: CoreMetadata): string {
  const lines: string[] = [];
  for (const [header, key] of FIELDS) {
    const value = meta[key];
    if (key === "license" && typeof value === "string") {
      lines.push(`${header}: ${foldMultiline(value)}`);
    } else if (typeof value === "string") lines.push(`${header}: ${fold(value)}`);
    else if (key === "projectUrls") {
      for (const url of meta.projectUrls) lines.push(`${header}: ${url.label}, ${url.url}`);
    } else if (Array.isArray(value)) {
      for (const each of value as string[]) lines.push(`${header}: ${fold(each)}`);
    }
  }
  for (const [name, value] of meta.headers) {
    if (!knownHeaders.has(name.toLowerCase())) lines.push(`${name}: ${value}`);
  }
  // An empty description has no body to be: it stays a header, so it reads back as "".
  if (meta.description === "") lines.push("Description: ");
  let text = lines.join("\n") + "\n";
  if (meta.description !== undefined && meta.description !== "") {
    text += "\n" + meta.description;
  }
  return text;
}
