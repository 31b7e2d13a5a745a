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
import {
  type EmailMessage,
  headerValues,
  parseEmailMessage,
  readMetadataFile,
  readMetadataHeaders,
  readNameAndVersion,
  readPythonText,
} from "./metadata_file.ts";
import { hasWorkDir } from "./transaction.ts";
import { trimEndChars, trimStartChars } from "../trim.ts";

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
    | "unreadable-directory"
    /** An interrupted dpip change found there: finished, left as another tool changed it, or not finishable (`reason` says which). */
    | "interrupted-change";
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
  #message?: EmailMessage;
  #headers?: readonly (readonly [string, string])[];
  readonly #metadataPath?: string;
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
    /** The metadata, split, or the file to read it from on first use (neither: empty). */
    message: EmailMessage | string | undefined;
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
    if (fields.message !== undefined) {
      if (typeof fields.message === "string") this.#metadataPath = fields.message;
      else this.#message = fields.message;
    }
    if (fields.directUrl !== undefined) this.directUrl = fields.directUrl;
    if (fields.editableProjectLocation !== undefined) {
      this.editableProjectLocation = fields.editableProjectLocation;
    }
  }

  /** The parsed `METADATA` (or `PKG-INFO`), read on first use. */
  get message(): EmailMessage {
    this.#message ??= this.#metadataPath === undefined
      ? undefined
      : readMetadataFile(this.#metadataPath);
    return this.#message ??= parseEmailMessage("");
  }

  /**
   * The headers of `METADATA` (or `PKG-INFO`): the parsed message's, or, before
   * anything needed the whole file, read from its header block alone.
   */
  get headers(): readonly (readonly [string, string])[] {
    if (this.#message !== undefined || this.#metadataPath === undefined) {
      return this.message.headers;
    }
    return this.#headers ??= readMetadataHeaders(this.#metadataPath) ?? [];
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
    return readPythonText(join(this.infoPath, file));
  }

  /**
   * The `Requires-Dist` values, or for a legacy egg-info without them, its
   * `requires.txt` turned into requirement strings with `extra == "…"` markers
   * (the way pip converts them).
   */
  requiresDist(): string[] {
    const declared = headerValues(this, "Requires-Dist");
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
    const declared = headerValues(this, "Provides-Extra");
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
        const section = trimEndChars(trimStartChars(line, "["), "]");
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

/**
 * Whether pip reads installed metadata with its `importlib.metadata`
 * backend on this Python (`version` is `[major, minor, …]`): from 3.11 on.
 *
 * @example
 * ```ts
 * import { importlibBackend } from "./site_packages.ts";
 * importlibBackend([3, 10, 4]); // false
 * ```
 */
export function importlibBackend(version: readonly number[]): boolean {
  const [major = 0, minor = 0] = version;
  return major > 3 || (major === 3 && minor >= 11);
}

/** What {@link readInstalledDists} found. */
export interface InstalledDistSet {
  /** The distribution of each project that wins (the first found), in discovery order. */
  readonly dists: readonly InstalledDist[];
  /** Later distributions of an already-found project, hidden by the winner (duplicates). */
  readonly shadowed: readonly InstalledDist[];
  readonly warnings: readonly SitePackagesWarning[];
  /** The paths read that hold a dpip transaction's work directory (running or interrupted). */
  readonly pending: readonly string[];
}

interface DirListing {
  readonly names: string[];
  readonly error?: string;
}

/** `dir/name` for a normalized `dir` and a directory entry's name (no `join` needed). */
function child(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : dir + "/" + name;
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

/** A metadata directory (or file) found on a path, before its metadata is read. */
interface FoundDist {
  readonly location: string;
  readonly installedLocation: string;
  readonly infoPath: string;
  readonly kind: InstalledDistKind;
  readonly infoFiles?: Set<string>;
  readonly canonical: PackageName;
}

/** Where a distribution's metadata file is, and the two headers read from it up front. */
interface MetadataHead {
  readonly path: string;
  readonly name: string | undefined;
  readonly version: string | undefined;
}

function readHead(path: string): MetadataHead | undefined {
  const values = readNameAndVersion(path);
  return values === undefined ? undefined : { path, name: values[0], version: values[1] };
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
    const base = join(location); // normalized once: entries are appended to it below
    for (const group of groups.values()) {
      for (const name of group) this.#add(location, installedLocation, child(base, name));
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
      const text = readPythonText(join(location, name));
      if (text === undefined) continue;
      const target = text.split(/\r\n|\r|\n/).map((l) => l.trim()).find((l) => l !== "");
      if (target === undefined) continue;
      this.findIn(resolve(location, target), location);
    }
  }

  #add(location: string, installedLocation: string, infoPath: string): void {
    const name = infoPath.slice(infoPath.lastIndexOf("/") + 1);
    const lower = name.toLowerCase();
    const canonical = canonicalizeName(stemName(name));
    let kind: InstalledDistKind = lower.endsWith(".dist-info") ? "dist-info" : "egg-info";
    // One listing tells which files exist: a failed read costs more than it (Deno
    // builds an error object), and most dist-info directories have no direct_url.json.
    const files = listDir(infoPath);
    let metadata: MetadataHead | undefined;
    let infoFiles: Set<string> | undefined;
    if (files === undefined) {
      // Not a directory: a distutils egg-info file is its own PKG-INFO.
      if (kind === "egg-info") {
        kind = "egg-info-file";
        metadata = readHead(infoPath);
      }
    } else {
      infoFiles = new Set(files.names);
      // importlib.metadata tries METADATA, then PKG-INFO, whatever the suffix.
      if (infoFiles.has("METADATA")) metadata = readHead(child(infoPath, "METADATA"));
      if (metadata === undefined && infoFiles.has("PKG-INFO")) {
        metadata = readHead(child(infoPath, "PKG-INFO"));
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
      metadata,
    );
  }

  #addEgg(eggDir: string, installedLocation: string, name: string): void {
    const infoPath = join(eggDir, "EGG-INFO");
    const files = listDir(infoPath);
    const infoFiles = new Set(files?.names ?? []);
    const metadata = infoFiles.has("PKG-INFO") ? readHead(join(infoPath, "PKG-INFO")) : undefined;
    const canonical = canonicalizeName(name.split("-", 1)[0] ?? name);
    this.#register(
      { location: eggDir, installedLocation, infoPath, kind: "egg", infoFiles, canonical },
      metadata,
    );
  }

  #register(
    found: FoundDist,
    metadata: MetadataHead | undefined,
  ): void {
    let rawName = metadata?.name;
    let version = metadata?.version;
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
        this.shadowed.push(this.#build(found, metadata, { rawName, version: version ?? "" }));
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
    this.dists.push(this.#build(found, metadata, { rawName, version: version ?? "" }));
  }

  #build(
    found: FoundDist,
    metadata: MetadataHead | undefined,
    { rawName, version }: { rawName: string; version: string },
  ): InstalledDist {
    let directUrl: DirectUrl | undefined;
    if (found.infoFiles?.has("direct_url.json")) {
      const text = readPythonText(join(found.infoPath, "direct_url.json"));
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
      message: metadata?.path,
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
  const pending: string[] = [];
  for (const path of paths) {
    const listing = list(path);
    if (listing === undefined) continue;
    if (hasWorkDir(listing.names)) pending.push(path);
    reader.findIn(path, path, listing);
    if (listing.error !== undefined) continue;
    reader.findEggs(path, listing);
    reader.findLinked(path, listing);
  }
  return { dists: reader.dists, shadowed: reader.shadowed, warnings: reader.warnings, pending };
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
