/**
 * What is installed: every distribution found on a list of directories
 * (`sys.path`, `--path` dirs, the user site), read the way pip's default
 * environment reads them, cheaply.
 *
 * Per directory, in this order (pip's): `*.dist-info` and `*.egg-info` (a
 * directory or a single distutils file), old `*.egg` directories, then the
 * projects that `*.egg-link` files point at. The first distribution of a
 * project (by the normalized name of its metadata directory) wins; later
 * ones are kept as `shadowed`, so duplicates are reported, not hidden.
 *
 * Only the metadata directory listing, `METADATA`'s `Name`/`Version` and
 * `direct_url.json` are read eagerly; everything else (`INSTALLER`, `RECORD`,
 * `entry_points.txt`, the full metadata) is read on demand.
 *
 * @module
 */

import { join, resolve } from "../paths.ts";
import { type DirectUrl, parseDirectUrl } from "../dists/direct_url.ts";
import { canonicalizeName, type PackageName } from "../names/mod.ts";

/** How a distribution's metadata is stored. */
export type InstalledDistKind =
  /** A `*.dist-info` directory (wheel installs, PEP 376/627). */
  | "dist-info"
  /** A setuptools `*.egg-info` directory. */
  | "egg-info"
  /** A distutils `*.egg-info` single file. */
  | "egg-info-file"
  /** An old `*.egg` directory with `EGG-INFO/`. */
  | "egg";

/** A problem met while reading, that pip reports as a warning and skips past. */
export interface SitePackagesWarning {
  readonly kind:
    /** A metadata directory whose metadata has no `Name` (pip: "Skipping ... due to ..."). */
    | "invalid-metadata"
    /** A metadata directory whose name is not a valid project name (`~atplotlib.dist-info`). */
    | "invalid-name"
    /** `direct_url.json` that does not parse (the distribution is kept without it). */
    | "invalid-direct-url"
    /** A directory that exists but cannot be listed. */
    | "unreadable-directory";
  /** The file or directory concerned. */
  readonly path: string;
  /** The normalized project name, where known. */
  readonly name?: string;
  /** Why, in a few words (`invalid metadata entry 'name'`, `Permission denied`). */
  readonly reason: string;
}

/** One `requires.txt` line of a legacy egg-info: the requirement, its extra and marker. */
interface RequiresEntry {
  readonly requirement: string;
  readonly extra: string;
  readonly marker: string;
}

const decoder = new TextDecoder();

/** Reads a text file as Python's text mode does: UTF-8, universal newlines. */
function readText(path: string): string | undefined {
  try {
    return universalNewlines(decoder.decode(Deno.readFileSync(path)));
  } catch {
    return undefined;
  }
}

/** Python's text-mode reading: `\r\n` and `\r` become `\n`. */
function universalNewlines(text: string): string {
  return text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
}

/**
 * Reads a metadata file and splits it as {@link parseEmailMessage} does,
 * decoding only the header block (up to the first blank line): the body
 * (often most of the file, the long description) is decoded when first
 * asked for. A header block with carriage returns is read whole.
 */
function readMessage(path: string): EmailMessage | undefined {
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch {
    return undefined;
  }
  let headerEnd = -1;
  for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) {
    if (at === 0 || bytes[at + 1] === 10) {
      headerEnd = at === 0 ? 1 : at + 2;
      break;
    }
  }
  if (headerEnd < 0 || bytes.subarray(0, headerEnd).indexOf(13) >= 0) {
    return parseEmailMessage(universalNewlines(decoder.decode(bytes)));
  }
  const parsed = parseEmailMessage(decoder.decode(bytes.subarray(0, headerEnd)));
  let body: string | undefined;
  return {
    headers: parsed.headers,
    get body(): string {
      return body ??= parsed.body + universalNewlines(decoder.decode(bytes.subarray(headerEnd)));
    },
  };
}

/** A metadata file split the way `email.parser` (compat32) splits it. */
export interface EmailMessage {
  /** Every header in order, `[name, value]`; folded values keep their line breaks. */
  readonly headers: readonly (readonly [string, string])[];
  /** The text after the header block (the `Description` body). */
  readonly body: string;
}

/**
 * Splits `METADATA`/`PKG-INFO` into headers and body as `email.message_from_string`
 * does: a header's value is the text after `Name:` without leading blanks,
 * continuation lines appended with their line breaks; the headers end at the
 * first blank line or the first line that is not a header.
 *
 * @example
 * ```ts
 * import { parseEmailMessage } from "./site_packages.ts";
 * parseEmailMessage("Name: a\nVersion: 1\n\nbody").headers; // [["Name", "a"], ["Version", "1"]]
 * ```
 */
export function parseEmailMessage(text: string): EmailMessage {
  const headers: [string, string][] = [];
  let start = 0;
  let bodyStart = text.length;
  // Index arithmetic rather than a slice and two regular expressions per line: this runs
  // over every installed distribution's headers on each `list`.
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    const next = end < 0 ? text.length : end + 1;
    if (end < 0) end = text.length;
    if (end > start && text.charCodeAt(end - 1) === 0x0d) end--;
    if (end === start) {
      bodyStart = next;
      break;
    }
    const first = text.charCodeAt(start);
    if (first === 0x20 || first === 0x09) {
      const last = headers.at(-1);
      if (last !== undefined) last[1] += "\n" + text.slice(start, end);
      start = next;
      continue;
    }
    let colon = start;
    while (colon < end && isHeaderNameChar(text.charCodeAt(colon))) colon++;
    if (colon === start || colon === end || text.charCodeAt(colon) !== 0x3a) {
      bodyStart = start;
      break;
    }
    let value = colon + 1;
    while (value < end && (text.charCodeAt(value) === 0x20 || text.charCodeAt(value) === 0x09)) {
      value++;
    }
    headers.push([text.slice(start, colon), text.slice(value, end)]);
    start = next;
  }
  return { headers, body: bodyStart >= text.length ? "" : text.slice(bodyStart) };
}

/** A character `email.parser` accepts in a header name: printable ASCII but the colon. */
function isHeaderNameChar(code: number): boolean {
  return code >= 0x21 && code <= 0x7e && code !== 0x3a;
}

/** The first value of a header (case-insensitive), as `email.message.get` returns it. */
export function headerValue(message: EmailMessage, name: string): string | undefined {
  const lower = name.toLowerCase();
  return message.headers.find(([key]) => key.toLowerCase() === lower)?.[1];
}

/** Every value of a header (case-insensitive), as `email.message.get_all` returns them. */
export function headerValues(message: EmailMessage, name: string): string[] {
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

function stemName(infoName: string): string {
  const dot = infoName.lastIndexOf(".");
  const stem = dot < 0 ? infoName : infoName.slice(0, dot);
  return stem.split("-", 1)[0] ?? stem;
}

const validProjectName = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

/** A distribution found installed. */
export class InstalledDist {
  /** The normalized name, from the metadata directory's name (as pip keys them). */
  readonly name: PackageName;
  /** `Name` from the metadata, as written (the normalized name when missing). */
  readonly rawName: string;
  /** `Version` from the metadata, as written. */
  readonly version: string;
  readonly kind: InstalledDistKind;
  /** The directory holding the metadata directory (the project dir for egg-links). */
  readonly location: string;
  /** The `sys.path` directory it was found through (where the `.egg-link` is, for those). */
  readonly installedLocation: string;
  /** The metadata directory (or file, for `egg-info-file`). */
  readonly infoPath: string;
  #infoFiles?: ReadonlySet<string>;
  /** `direct_url.json` (PEP 610), when present and valid. */
  readonly directUrl?: DirectUrl;
  /** The project directory of an editable install (PEP 660 `dir_info.editable`, or an egg-link). */
  readonly editableProjectLocation?: string;
  /** The parsed `METADATA` (or `PKG-INFO`). */
  readonly message: EmailMessage;
  #installer?: string;

  constructor(fields: {
    name: PackageName;
    rawName: string;
    version: string;
    kind: InstalledDistKind;
    location: string;
    installedLocation: string;
    infoPath: string;
    /** The files of the metadata directory, when already listed (else listed on first use). */
    infoFiles?: ReadonlySet<string>;
    message: EmailMessage;
    directUrl?: DirectUrl;
    editableProjectLocation?: string;
  }) {
    this.name = fields.name;
    this.rawName = fields.rawName;
    this.version = fields.version;
    this.kind = fields.kind;
    this.location = fields.location;
    this.installedLocation = fields.installedLocation;
    this.infoPath = fields.infoPath;
    if (fields.infoFiles !== undefined) this.#infoFiles = fields.infoFiles;
    this.message = fields.message;
    if (fields.directUrl !== undefined) this.directUrl = fields.directUrl;
    if (fields.editableProjectLocation !== undefined) {
      this.editableProjectLocation = fields.editableProjectLocation;
    }
  }

  /** The files of the metadata directory (listed on first use). */
  get infoFiles(): ReadonlySet<string> {
    return this.#infoFiles ??= this.kind === "egg-info-file"
      ? new Set()
      : new Set(listDir(this.infoPath)?.names ?? []);
  }

  /** Whether this is an editable install. */
  get editable(): boolean {
    return this.editableProjectLocation !== undefined;
  }

  /** Whether the installer left `REQUESTED` (a dist-info directory only). */
  get requested(): boolean {
    return this.infoFiles.has("REQUESTED");
  }

  /** The first line of `INSTALLER` (`pip`, `dpip`, `uv`), or `""`. */
  get installer(): string {
    if (this.#installer === undefined) {
      const text = this.readInfoFile("INSTALLER") ?? "";
      this.#installer = text.split(/\r\n|\r|\n/).map((l) => l.trim()).find((l) => l !== "") ?? "";
    }
    return this.#installer;
  }

  /** A file of the metadata directory, or undefined when absent. */
  readInfoFile(file: string): string | undefined {
    if (this.kind === "egg-info-file" || !this.infoFiles.has(file)) return undefined;
    return readText(join(this.infoPath, file));
  }

  /**
   * The `Requires-Dist` values, or for a legacy egg-info without them, its
   * `requires.txt` turned into requirement strings with `extra == "…"` markers
   * (the way pip converts them).
   */
  requiresDist(): string[] {
    const declared = headerValues(this.message, "Requires-Dist");
    if (declared.length > 0) return declared;
    return this.#requiresTxt().map((entry) => {
      const extra = safeExtra(entry.extra);
      const marker = entry.extra && entry.marker
        ? `(${entry.marker}) and extra == "${extra}"`
        : entry.extra
        ? `extra == "${extra}"`
        : entry.marker;
      return marker ? `${entry.requirement} ; ${marker}` : entry.requirement;
    });
  }

  /** The `Provides-Extra` values (or the sections of a legacy `requires.txt`). */
  providesExtra(): string[] {
    const declared = headerValues(this.message, "Provides-Extra");
    if (declared.length > 0) return declared;
    const extras: string[] = [];
    for (const entry of this.#requiresTxt()) {
      if (entry.extra !== "" && !extras.includes(entry.extra)) extras.push(entry.extra);
    }
    return extras;
  }

  #requiresTxt(): RequiresEntry[] {
    const text = this.readInfoFile("requires.txt");
    if (text === undefined) return [];
    const entries: RequiresEntry[] = [];
    let extra = "";
    let marker = "";
    for (const raw of text.split(/\r\n|\r|\n/)) {
      const line = raw.trim();
      if (line === "" || line.startsWith("#")) continue;
      if (line.startsWith("[") && line.endsWith("]")) {
        const section = line.replace(/^\[+|\]+$/g, "");
        const colon = section.indexOf(":");
        extra = colon < 0 ? section : section.slice(0, colon);
        marker = colon < 0 ? "" : section.slice(colon + 1);
        continue;
      }
      entries.push({ requirement: line, extra, marker });
    }
    return entries;
  }

  /**
   * The installed files as the metadata declares them: `RECORD`'s paths, or a
   * legacy `installed-files.txt`'s made relative to `location`; undefined when
   * there is neither.
   */
  declaredFiles(): string[] | undefined {
    const record = this.readInfoFile("RECORD");
    if (record !== undefined) return recordPaths(record);
    const legacy = this.readInfoFile("installed-files.txt");
    if (legacy === undefined) return undefined;
    const paths = legacy.split(/\r\n|\r|\n/).filter((l) => l !== "");
    const infoRelative = relativeParts(this.infoPath, this.location);
    if (infoRelative === undefined || infoRelative.length === 0) return paths;
    return paths.map((p) => convertLegacyPath(p.split("/"), infoRelative));
  }
}

/** pkg_resources' `safe_extra`: runs of other characters become `_`, lowercased. */
function safeExtra(extra: string): string {
  return extra.replace(/[^A-Za-z0-9.-]+/g, "_").toLowerCase();
}

/** The first field of each `RECORD` row, as `csv.reader` splits them, with `pathlib` normalization. */
function recordPaths(text: string): string[] {
  const paths: string[] = [];
  let field = "";
  let inQuotes = false;
  let fieldIndex = 0;
  let rowStarted = false;
  const endRow = () => {
    if (rowStarted) paths.push(normalizePosixPath(field));
    field = "";
    fieldIndex = 0;
    rowStarted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          if (fieldIndex === 0) field += '"';
          i++;
        } else inQuotes = false;
      } else if (ch !== "\n" && ch !== "\r" && fieldIndex === 0) field += ch;
      continue;
    }
    if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRow();
      continue;
    }
    rowStarted = true;
    if (ch === '"' && (fieldIndex === 0 ? field === "" : true)) {
      inQuotes = true;
    } else if (ch === ",") fieldIndex++;
    else if (fieldIndex === 0) field += ch;
  }
  endRow();
  return paths;
}

/** `str(pathlib.PurePosixPath(p))`: collapses `//` and `/./`, drops a trailing `/`. */
function normalizePosixPath(path: string): string {
  if (path === "") return ".";
  const absolute = path.startsWith("/");
  const doubleRoot = path.startsWith("//") && !path.startsWith("///");
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  const body = parts.join("/");
  if (doubleRoot) return "//" + body;
  if (absolute) return "/" + body;
  return body === "" ? "." : body;
}

function relativeParts(path: string, base: string): string[] | undefined {
  const p = resolve(path).split("/").filter((s) => s !== "");
  const b = resolve(base).split("/").filter((s) => s !== "");
  if (b.some((part, i) => p[i] !== part)) return undefined;
  return p.slice(b.length);
}

/** pip's conversion of `installed-files.txt` paths (relative to the egg-info dir) to `location`. */
function convertLegacyPath(entry: string[], info: string[]): string {
  let e = entry;
  let i = info;
  while (e.length > 0 && i.length > 0 && e[0] === ".." && i.at(-1) !== "..") {
    e = e.slice(1);
    i = i.slice(0, -1);
  }
  return normalizePosixPath([...i, ...e].join("/"));
}

/** Options for {@link readInstalledDists}. */
export interface ReadInstalledOptions {
  /**
   * Where pip looks for `<name>.egg-link` to decide that a distribution
   * without `direct_url.json` is editable: the interpreter's `sys.path`.
   * Defaults to the paths being read.
   */
  readonly eggLinkSearchPaths?: readonly string[];
  /**
   * Read as pip's `importlib.metadata` backend (pip on Python 3.11+, the
   * default): metadata without `Name` is skipped with a warning. Otherwise
   * (`pkg_resources`, older Pythons) the name and version come from the
   * metadata directory's name when the metadata lacks them.
   */
  readonly importlib?: boolean;
}

/** What {@link readInstalledDists} found. */
export interface InstalledDistSet {
  /** The distribution of each project that wins (the first found), in discovery order. */
  readonly dists: readonly InstalledDist[];
  /** Later distributions of an already-found project, hidden by the winner (duplicates). */
  readonly shadowed: readonly InstalledDist[];
  readonly warnings: readonly SitePackagesWarning[];
}

interface DirListing {
  readonly names: string[];
  readonly error?: string;
}

function listDir(path: string): DirListing | undefined {
  const names: string[] = [];
  try {
    for (const entry of Deno.readDirSync(path)) names.push(entry.name);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return undefined;
    }
    const message = error instanceof Error ? error.message.split(":")[0] ?? "" : String(error);
    return { names, error: message };
  }
  return { names };
}

function isDir(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

function fileToPath(url: string): string | undefined {
  if (!url.startsWith("file:")) return undefined;
  try {
    const parsed = new URL(url);
    return decodeURIComponent(parsed.pathname);
  } catch {
    return undefined;
  }
}

/** `<raw name>.egg-link` names pip looks for. */
function eggLinkNames(rawName: string): string[] {
  return [`${rawName}.egg-link`, `${rawName.replace(/[^A-Za-z0-9.]+/g, "-")}.egg-link`];
}

class Reader {
  readonly dists: InstalledDist[] = [];
  readonly shadowed: InstalledDist[] = [];
  readonly warnings: SitePackagesWarning[] = [];
  readonly #seen = new Set<string>();
  readonly #eggLinks: Set<string>;

  readonly #importlib: boolean;

  constructor(eggLinks: Set<string>, importlib: boolean) {
    this.#eggLinks = eggLinks;
    this.#importlib = importlib;
  }

  /** `*.dist-info` / `*.egg-info` in `location`, in directory order. */
  findIn(location: string, installedLocation: string, listing?: DirListing): void {
    const entries = listing ?? listDir(location);
    if (entries === undefined) return;
    if (entries.error !== undefined) {
      this.warnings.push({ kind: "unreadable-directory", path: location, reason: entries.error });
      return;
    }
    // importlib.metadata groups metadata dirs by normalized name, in first-seen order.
    const groups = new Map<string, string[]>();
    for (const name of entries.names) {
      const lower = name.toLowerCase();
      if (!lower.endsWith(".dist-info") && !lower.endsWith(".egg-info")) continue;
      const key = stemName(lower).replace(/[-_.]+/g, "_");
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [name]);
      else group.push(name);
    }
    for (const group of groups.values()) {
      for (const name of group) this.#add(location, installedLocation, name);
    }
  }

  /** Old `*.egg` directories in `location`. */
  findEggs(location: string, listing: DirListing): void {
    for (const name of listing.names) {
      if (!name.endsWith(".egg")) continue;
      const eggDir = join(location, name);
      if (!isDir(join(eggDir, "EGG-INFO"))) continue;
      this.#addEgg(eggDir, location, name);
    }
  }

  /** The projects `*.egg-link` files in `location` point at. */
  findLinked(location: string, listing: DirListing): void {
    for (const name of listing.names) {
      if (!name.endsWith(".egg-link")) continue;
      const text = readText(join(location, name));
      if (text === undefined) continue;
      const target = text.split(/\r\n|\r|\n/).map((l) => l.trim()).find((l) => l !== "");
      if (target === undefined) continue;
      this.findIn(resolve(location, target), location);
    }
  }

  #add(location: string, installedLocation: string, name: string): void {
    const infoPath = join(location, name);
    const lower = name.toLowerCase();
    const canonical = canonicalizeName(stemName(name));
    let kind: InstalledDistKind = lower.endsWith(".dist-info") ? "dist-info" : "egg-info";
    // One listing tells which files exist: a failed read costs more than it (Deno
    // builds an error object), and most dist-info directories have no direct_url.json.
    const files = listDir(infoPath);
    let message: EmailMessage | undefined;
    let infoFiles: Set<string> | undefined;
    if (files === undefined) {
      // Not a directory: a distutils egg-info file is its own PKG-INFO.
      if (kind === "egg-info") {
        kind = "egg-info-file";
        message = readMessage(infoPath);
      }
    } else {
      infoFiles = new Set(files.names);
      // importlib.metadata tries METADATA, then PKG-INFO, whatever the suffix.
      for (const file of ["METADATA", "PKG-INFO"]) {
        if (message === undefined && infoFiles.has(file)) {
          message = readMessage(join(infoPath, file));
        }
      }
    }
    this.#register(
      {
        location,
        installedLocation,
        infoPath,
        kind,
        canonical,
        ...(infoFiles ? { infoFiles } : {}),
      },
      message,
    );
  }

  #addEgg(eggDir: string, installedLocation: string, name: string): void {
    const infoPath = join(eggDir, "EGG-INFO");
    const files = listDir(infoPath);
    const infoFiles = new Set(files?.names ?? []);
    const message = infoFiles.has("PKG-INFO") ? readMessage(join(infoPath, "PKG-INFO")) : undefined;
    const canonical = canonicalizeName(name.split("-", 1)[0] ?? name);
    this.#register(
      { location: eggDir, installedLocation, infoPath, kind: "egg", infoFiles, canonical },
      message,
    );
  }

  #register(
    found: {
      location: string;
      installedLocation: string;
      infoPath: string;
      kind: InstalledDistKind;
      infoFiles?: Set<string>;
      canonical: PackageName;
    },
    metadata: EmailMessage | undefined,
  ): void {
    const message = metadata ?? parseEmailMessage("");
    let rawName = headerValue(message, "Name");
    let version = headerValue(message, "Version");
    if (rawName === undefined && !this.#importlib) {
      // pkg_resources names the distribution after its directory; the metadata itself
      // (what `inspect` shows) stays as written.
      const stem = found.infoPath.split("/").at(-1)!.replace(/\.(dist|egg)-info$/i, "");
      const [name = "", stemVersion = ""] = stem.split("-");
      rawName = name.replace(/[^A-Za-z0-9.]+/g, "-");
      version ??= stemVersion;
    }
    if (rawName === undefined) {
      this.warnings.push({
        kind: "invalid-metadata",
        path: found.infoPath,
        name: found.canonical,
        reason: "invalid metadata entry 'name'",
      });
      return;
    }
    // pip keeps the first distribution of each metadata Name, then drops invalid names.
    const key = canonicalizeName(rawName);
    if (this.#seen.has(key)) {
      if (validProjectName.test(found.canonical)) {
        this.shadowed.push(this.#build(found, message, { rawName, version: version ?? "" }));
      }
      return;
    }
    this.#seen.add(key);
    if (!validProjectName.test(found.canonical)) {
      this.warnings.push({
        kind: "invalid-name",
        path: found.location,
        name: found.canonical,
        reason: "not a valid project name",
      });
      return;
    }
    this.dists.push(this.#build(found, message, { rawName, version: version ?? "" }));
  }

  #build(
    found: {
      location: string;
      installedLocation: string;
      infoPath: string;
      kind: InstalledDistKind;
      infoFiles?: Set<string>;
      canonical: PackageName;
    },
    message: EmailMessage,
    { rawName, version }: { rawName: string; version: string },
  ): InstalledDist {
    let directUrl: DirectUrl | undefined;
    if (found.infoFiles?.has("direct_url.json")) {
      const text = readText(join(found.infoPath, "direct_url.json"));
      if (text !== undefined) {
        try {
          directUrl = parseDirectUrl(text);
        } catch (error) {
          this.warnings.push({
            kind: "invalid-direct-url",
            path: join(found.infoPath, "direct_url.json"),
            name: found.canonical,
            reason: error instanceof Error ? error.message : String(error),
          });
        }
      }
    }
    let editableProjectLocation: string | undefined;
    if (directUrl !== undefined) {
      if (directUrl.info.kind === "dir" && directUrl.info.editable === true) {
        editableProjectLocation = fileToPath(directUrl.url);
      }
    } else if (eggLinkNames(rawName).some((n) => this.#eggLinks.has(n))) {
      editableProjectLocation = found.location;
    }
    return new InstalledDist({
      name: found.canonical,
      rawName,
      version,
      kind: found.kind,
      location: found.location,
      installedLocation: found.installedLocation,
      infoPath: found.infoPath,
      ...(found.infoFiles === undefined ? {} : { infoFiles: found.infoFiles }),
      message,
      ...(directUrl === undefined ? {} : { directUrl }),
      ...(editableProjectLocation === undefined ? {} : { editableProjectLocation }),
    });
  }
}

/**
 * Reads every distribution installed on `paths` (in order), the way pip's
 * default environment finds them.
 *
 * @example
 * ```ts
 * import { readInstalledDists } from "./site_packages.ts";
 * const { dists } = readInstalledDists(["/usr/lib/python3/dist-packages"]);
 * dists.map((d) => `${d.rawName}==${d.version}`);
 * ```
 */
export function readInstalledDists(
  paths: readonly string[],
  options: ReadInstalledOptions = {},
): InstalledDistSet {
  const listings = new Map<string, DirListing | undefined>();
  const list = (path: string) => {
    if (!listings.has(path)) listings.set(path, listDir(path));
    return listings.get(path);
  };
  const eggLinks = new Set<string>();
  for (const path of options.eggLinkSearchPaths ?? paths) {
    for (const name of list(path)?.names ?? []) if (name.endsWith(".egg-link")) eggLinks.add(name);
  }
  const reader = new Reader(eggLinks, options.importlib ?? true);
  for (const path of paths) {
    const listing = list(path);
    if (listing === undefined) continue;
    reader.findIn(path, path, listing);
    if (listing.error !== undefined) continue;
    reader.findEggs(path, listing);
    reader.findLinked(path, listing);
  }
  return { dists: reader.dists, shadowed: reader.shadowed, warnings: reader.warnings };
}

/**
 * `os.path.realpath` for prefix comparisons (pip's `normalize_path`), or the
 * absolute path when it does not exist.
 */
export function normalizePath(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    return resolve(path);
  }
}
