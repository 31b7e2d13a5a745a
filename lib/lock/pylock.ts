/**
 * PEP 751 lock files (`pylock.toml`): the model, the validator, the writer
 * and the selection of what to install for a target.
 *
 * - {@link parsePylock} reads and validates a file as `packaging.pylock`
 *   (26.x) does, key by key in its order, so the first problem reported is
 *   the one pip reports, in the same words ("Missing required value in
 *   'packages[0].name'"), as one line naming the file.
 * - {@link formatPylock} writes a lock with the layout and key order of
 *   `pip lock` (`tomli_w` over `Pylock.to_dict()`): the same model gives
 *   byte-identical text.
 * - {@link selectFromPylock} is `Pylock.select()`: the lock's and each
 *   package's `requires-python`, `environments`, package markers (with the
 *   `extras` and `dependency_groups` sets), duplicate packages, and the best
 *   wheel for the target's tags (else the sdist).
 *
 * Pure: text in, values out; no file system, no network.
 *
 * @module
 */

// A full specifier (the version deno.json pins), so lib/ imports without dpip\'s deno.json.
// deno-lint-ignore no-import-prefix
import { parse as parseToml, TomlDate } from "npm:smol-toml@1.9.1";
import { parseSdistFilename } from "../dists/sdist_filename.ts";
import { pythonRepr } from "../dists/message.ts";
import { parseWheelFilename } from "../dists/wheel_filename.ts";
import { DpipError } from "../errors.ts";
import { isNormalizedName, type PackageName } from "../names/mod.ts";
import {
  parseSpecifierSet,
  type SpecifierSet,
  tryParseVersion,
  type Version,
} from "../pep440/mod.ts";
import { type Marker, type MarkerEnvironment, tryParseMarker } from "../pep508/mod.ts";
import {
  formatToml,
  TomlDateTime,
  type TomlWriteTable,
  type TomlWriteValue,
} from "./toml_writer.ts";

/** A wheel or an sdist of a package (`[[packages.wheels]]`, `[packages.sdist]`). */
export interface PylockDistribution {
  /** The file name; when absent it is the last part of `path` or `url`. */
  readonly name?: string;
  readonly uploadTime?: TomlDateTime;
  readonly url?: string;
  readonly path?: string;
  readonly size?: number;
  /** Hex digests by algorithm (at least one). */
  readonly hashes: Readonly<Record<string, string>>;
}

/** `[packages.archive]`: a direct reference to an archive. */
export interface PylockArchive {
  readonly url?: string;
  readonly path?: string;
  readonly size?: number;
  readonly uploadTime?: TomlDateTime;
  readonly hashes: Readonly<Record<string, string>>;
  readonly subdirectory?: string;
}

/** `[packages.directory]`: a local project directory. */
export interface PylockDirectory {
  readonly path: string;
  readonly editable?: boolean;
  readonly subdirectory?: string;
}

/** `[packages.vcs]`: a version-control checkout. */
export interface PylockVcs {
  readonly type: string;
  readonly url?: string;
  readonly path?: string;
  readonly requestedRevision?: string;
  readonly commitId: string;
  readonly subdirectory?: string;
}

/** One `[[packages]]` entry. */
export interface PylockPackage {
  readonly name: PackageName;
  readonly version?: string;
  readonly marker?: string;
  readonly requiresPython?: string;
  readonly dependencies?: readonly TomlWriteTable[];
  readonly vcs?: PylockVcs;
  readonly directory?: PylockDirectory;
  readonly archive?: PylockArchive;
  /** The index the package came from (its simple API base URL). */
  readonly index?: string;
  readonly sdist?: PylockDistribution;
  readonly wheels?: readonly PylockDistribution[];
  readonly attestationIdentities?: readonly TomlWriteTable[];
  readonly tool?: TomlWriteTable;
}

/** A whole `pylock.toml`. */
export interface Pylock {
  readonly lockVersion: string;
  readonly environments?: readonly string[];
  readonly requiresPython?: string;
  readonly extras?: readonly string[];
  readonly dependencyGroups?: readonly string[];
  readonly defaultGroups?: readonly string[];
  readonly createdBy: string;
  readonly packages: readonly PylockPackage[];
  readonly tool?: TomlWriteTable;
}

/** A lock file that does not parse or does not follow PEP 751. */
export class InvalidPylockError extends DpipError<"invalid-pylock"> {
  /** The file, as named. */
  readonly file: string;
  /** What is wrong, in packaging's words. */
  readonly detail: string;
  /** `file` names the lock; `detail` says what is wrong with it. */
  constructor(file: string, detail: string) {
    super("invalid-pylock", `Invalid pylock file ${pythonRepr(file)}: ${detail}`, {
      hint: "regenerate the lock file (dpip lock or pip lock), or fix the entry named",
    });
    this.name = "InvalidPylockError";
    this.file = file;
    this.detail = detail;
  }
}

/** A valid lock that cannot be installed on the target (Python version, environments, no wheel). */
export class UnusablePylockError extends DpipError<"pylock-unusable"> {
  /** The file, as named. */
  readonly file: string;
  /** The package that cannot be installed, when one is to blame. */
  readonly package?: string;
  /** `file` names the lock; `detail` says why it cannot be used. */
  constructor(file: string, detail: string, pkg?: string) {
    super(
      "pylock-unusable",
      `Cannot select requirements from pylock file ${pythonRepr(file)}: ${detail}`,
      { hint: "lock again for this Python and platform, or install on a target the lock covers" },
    );
    this.name = "UnusablePylockError";
    this.file = file;
    if (pkg !== undefined) this.package = pkg;
  }
}

/** A problem found while validating, with where it is (`packages[0].wheels[1].hashes`). */
class Problem extends Error {
  readonly detail: string;
  readonly context: string | undefined;
  constructor(detail: string, context?: string) {
    super(context === undefined ? detail : `${detail} in ${pythonRepr(context)}`);
    this.detail = detail;
    this.context = context;
  }
}

/** Runs `check`, putting `context` in front of the place any problem names. */
function within<T>(context: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    throw new Problem(
      error.detail,
      error.context === undefined ? context : `${context}.${error.context}`,
    );
  }
}

type Raw = Readonly<Record<string, unknown>>;
type Expected = "str" | "int" | "bool" | "datetime" | "Sequence" | "Mapping";

/** Python's name for the type of a parsed TOML value. */
function typeName(value: unknown): string {
  if (typeof value === "string") return "str";
  if (typeof value === "bigint") return "int";
  if (typeof value === "number") return "float";
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) return "list";
  if (value instanceof TomlDate) {
    if (value.isDate()) return "date";
    if (value.isTime()) return "time";
    return "datetime";
  }
  return "dict";
}

function isMapping(value: unknown): value is Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof TomlDate);
}

function matches(value: unknown, expected: Expected): boolean {
  switch (expected) {
    case "str":
      return typeof value === "string";
    case "int":
      return typeof value === "bigint";
    case "bool":
      return typeof value === "boolean";
    case "datetime":
      return value instanceof TomlDate && value.isDateTime();
    case "Sequence":
      return Array.isArray(value);
    case "Mapping":
      return isMapping(value);
  }
}

function get(d: Raw, expected: Expected, key: string): unknown {
  const value = d[key];
  if (value === undefined) return undefined;
  if (!matches(value, expected)) {
    throw new Problem(`Unexpected type ${typeName(value)} (expected ${expected})`, key);
  }
  return value;
}

function required<T>(value: T | undefined, key: string): T {
  if (value === undefined) throw new Problem("Missing required value", key);
  return value;
}

function getString(d: Raw, key: string): string | undefined {
  return get(d, "str", key) as string | undefined;
}

function getSequence(d: Raw, item: Expected, key: string): readonly unknown[] | undefined {
  const value = get(d, "Sequence", key) as unknown[] | undefined;
  if (value === undefined) return undefined;
  value.forEach((element, i) => {
    if (!matches(element, item)) {
      throw new Problem(`Unexpected type ${typeName(element)} (expected ${item})`, `${key}[${i}]`);
    }
  });
  return value;
}

function getStrings(d: Raw, key: string, check?: (text: string) => void): string[] | undefined {
  const value = getSequence(d, "str", key) as string[] | undefined;
  value?.forEach((text, i) => {
    if (check !== undefined) within(`${key}[${i}]`, () => converting(() => check(text)));
  });
  return value;
}

/** Runs a conversion, turning what it throws into a problem at this place. */
function converting<T>(convert: () => T): T {
  try {
    return convert();
  } catch (error) {
    if (error instanceof Problem) throw error;
    throw new Problem(error instanceof Error ? error.message : String(error));
  }
}

function getConverted<T>(d: Raw, key: string, convert: (text: string) => T): T | undefined {
  const text = getString(d, key);
  if (text === undefined) return undefined;
  return within(key, () => converting(() => convert(text)));
}

function checkVersion(text: string): Version {
  const version = tryParseVersion(text);
  if (version === undefined) throw new Problem(`Invalid version: ${pythonRepr(text)}`);
  return version;
}

function checkSpecifier(text: string): SpecifierSet {
  try {
    return parseSpecifierSet(text);
  } catch {
    throw new Problem(`Invalid specifier: ${pythonRepr(text)}`);
  }
}

function checkMarker(text: string): Marker {
  const marker = tryParseMarker(text);
  if (marker === undefined) throw new Problem(`Invalid marker: ${pythonRepr(text)}`);
  return marker;
}

function checkNormalizedName(text: string): void {
  if (!isNormalizedName(text)) throw new Problem(`Name ${pythonRepr(text)} is not normalized`);
}

/** A parsed TOML value as a writable one (dates as their text, integers as numbers where safe). */
function writable(value: unknown): TomlWriteValue {
  if (typeof value === "bigint") {
    return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  }
  if (value instanceof TomlDate) return new TomlDateTime(value.toISOString());
  if (Array.isArray(value)) return value.map(writable);
  if (isMapping(value)) {
    return new Map(Object.entries(value).map(([k, v]) => [k, writable(v)]));
  }
  return value as TomlWriteValue;
}

function getTable(d: Raw, key: string): TomlWriteTable | undefined {
  const value = get(d, "Mapping", key);
  return value === undefined ? undefined : writable(value) as TomlWriteTable;
}

function getTables(d: Raw, key: string): TomlWriteTable[] | undefined {
  return getSequence(d, "Mapping", key)?.map((value) => writable(value) as TomlWriteTable);
}

function getObject<T>(d: Raw, key: string, build: (raw: Raw) => T): T | undefined {
  const value = get(d, "Mapping", key) as Raw | undefined;
  return value === undefined ? undefined : within(key, () => build(value));
}

function getObjects<T>(d: Raw, key: string, build: (raw: Raw) => T): T[] | undefined {
  const values = getSequence(d, "Mapping", key) as Raw[] | undefined;
  return values?.map((value, i) => within(`${key}[${i}]`, () => build(value)));
}

function getSize(d: Raw): number | undefined {
  const size = get(d, "int", "size") as bigint | undefined;
  return size === undefined ? undefined : Number(size);
}

function getUploadTime(d: Raw): TomlDateTime | undefined {
  const value = get(d, "datetime", "upload-time") as TomlDate | undefined;
  return value === undefined ? undefined : new TomlDateTime(value.toISOString());
}

function getHashes(d: Raw): Record<string, string> {
  const hashes = required(get(d, "Mapping", "hashes") as Raw | undefined, "hashes");
  return within("hashes", () => {
    const entries = Object.entries(hashes);
    if (entries.length === 0) throw new Problem("At least one hash must be provided");
    if (!entries.every(([, v]) => typeof v === "string")) {
      throw new Problem("Hash values must be strings");
    }
    return Object.fromEntries(entries) as Record<string, string>;
  });
}

function checkPathOrUrl(path: string | undefined, url: string | undefined): void {
  if (!path && !url) throw new Problem("path or url must be provided");
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function readVcs(d: Raw): PylockVcs {
  const vcs: PylockVcs = {
    type: required(getString(d, "type"), "type"),
    ...optional("url", getString(d, "url")),
    ...optional("path", getString(d, "path")),
    ...optional("requestedRevision", getString(d, "requested-revision")),
    commitId: required(getString(d, "commit-id"), "commit-id"),
    ...optional("subdirectory", getString(d, "subdirectory")),
  };
  checkPathOrUrl(vcs.path, vcs.url);
  return vcs;
}

function readDirectory(d: Raw): PylockDirectory {
  return {
    path: required(getString(d, "path"), "path"),
    ...optional("editable", get(d, "bool", "editable") as boolean | undefined),
    ...optional("subdirectory", getString(d, "subdirectory")),
  };
}

function readArchive(d: Raw): PylockArchive {
  const archive: PylockArchive = {
    ...optional("url", getString(d, "url")),
    ...optional("path", getString(d, "path")),
    ...optional("size", getSize(d)),
    ...optional("uploadTime", getUploadTime(d)),
    hashes: getHashes(d),
    ...optional("subdirectory", getString(d, "subdirectory")),
  };
  checkPathOrUrl(archive.path, archive.url);
  return archive;
}

function readDistribution(d: Raw): PylockDistribution {
  const dist: PylockDistribution = {
    ...optional("name", getString(d, "name")),
    ...optional("uploadTime", getUploadTime(d)),
    ...optional("url", getString(d, "url")),
    ...optional("path", getString(d, "path")),
    ...optional("size", getSize(d)),
    hashes: getHashes(d),
  };
  checkPathOrUrl(dist.path, dist.url);
  return dist;
}

/** The last segment of a path written with `/` or `\`. */
function pathName(path: string | undefined): string | undefined {
  if (!path) return undefined;
  if (path.includes("/")) return path.slice(path.lastIndexOf("/") + 1);
  if (path.includes("\\")) return path.slice(path.lastIndexOf("\\") + 1);
  return path;
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

/** The file name a URL ends with, as `urlparse(url).path` and `unquote` give it. */
function urlName(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let rest = url;
  const hash = rest.indexOf("#");
  if (hash >= 0) rest = rest.slice(0, hash);
  const query = rest.indexOf("?");
  if (query >= 0) rest = rest.slice(0, query);
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(rest);
  if (scheme !== null) rest = rest.slice(scheme[0].length);
  if (rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    rest = slash < 0 ? "" : rest.slice(slash);
  }
  return percentDecode(rest.slice(rest.lastIndexOf("/") + 1));
}

/**
 * The file name of a wheel or sdist entry: its `name`, else the last part of
 * its `path` or `url`.
 *
 * @throws {Error} when none of them gives one (a validated lock always does).
 */
export function distributionFilename(dist: PylockDistribution): string {
  const filename = dist.name || pathName(dist.path) || urlName(dist.url);
  if (!filename) throw new Problem("Cannot determine wheel filename");
  return filename;
}

function sameVersion(a: Version, b: Version): boolean {
  return a.compare(b) === 0;
}

function readPackage(d: Raw): PylockPackage {
  const name = required(
    getConverted(d, "name", (text) => {
      checkNormalizedName(text);
      return text;
    }),
    "name",
  ) as PackageName;
  const versionText = getString(d, "version");
  const version = versionText === undefined
    ? undefined
    : within("version", () => checkVersion(versionText));
  const requiresPython = getString(d, "requires-python");
  if (requiresPython !== undefined) within("requires-python", () => checkSpecifier(requiresPython));
  const dependencies = getTables(d, "dependencies");
  const marker = getString(d, "marker");
  if (marker !== undefined) within("marker", () => checkMarker(marker));
  const vcs = getObject(d, "vcs", readVcs);
  const directory = getObject(d, "directory", readDirectory);
  const archive = getObject(d, "archive", readArchive);
  const index = getString(d, "index");
  const sdist = getObject(d, "sdist", readDistribution);
  const wheels = getObjects(d, "wheels", readDistribution);
  const attestationIdentities = getSequence(d, "Mapping", "attestation-identities") as
    | Raw[]
    | undefined;
  const tool = getTable(d, "tool");
  const distributions = (sdist === undefined ? 0 : 1) + (wheels?.length ?? 0);
  const direct = [vcs, directory, archive].filter((x) => x !== undefined).length;
  if (distributions > 0 && direct > 0) {
    throw new Problem("None of vcs, directory, archive must be set if sdist or wheels are set");
  }
  if (distributions === 0 && direct !== 1) {
    throw new Problem(
      "Exactly one of vcs, directory, archive must be set if sdist and wheels are not set",
    );
  }
  wheels?.forEach((wheel, i) => {
    const filename = distributionFilename(wheel);
    const parsed = within(`wheels[${i}]`, () => {
      try {
        return parseWheelFilename(filename);
      } catch {
        throw new Problem(`Invalid wheel filename ${pythonRepr(filename)}`);
      }
    });
    within(`wheels[${i}]`, () => checkConsistent(filename, parsed, { name, version }));
  });
  if (sdist !== undefined) {
    const filename = sdistFilename(sdist);
    if (!filename) throw new Problem("Cannot determine sdist filename");
    const parsed = within("sdist", () => {
      try {
        return parseSdistFilename(filename);
      } catch {
        throw new Problem(`Invalid sdist filename ${pythonRepr(filename)}`);
      }
    });
    within("sdist", () => checkConsistent(filename, parsed, { name, version }));
  }
  attestationIdentities?.forEach((identity, i) => {
    within(`attestation-identities[${i}]`, () => required(getString(identity, "kind"), "kind"));
  });
  return {
    name,
    ...optional("version", versionText),
    ...optional("marker", marker),
    ...optional("requiresPython", requiresPython),
    ...optional("dependencies", dependencies),
    ...optional("vcs", vcs),
    ...optional("directory", directory),
    ...optional("archive", archive),
    ...optional("index", index),
    ...optional("sdist", sdist),
    ...optional("wheels", wheels),
    ...optional(
      "attestationIdentities",
      attestationIdentities?.map((x) => writable(x) as TomlWriteTable),
    ),
    ...optional("tool", tool),
  };
}

function checkConsistent(
  filename: string,
  parsed: { name: PackageName; version: Version },
  lock: { name: PackageName; version: Version | undefined },
): void {
  if (parsed.name !== lock.name) {
    throw new Problem(
      `Name in ${pythonRepr(filename)} is not consistent with package name ${
        pythonRepr(lock.name)
      }`,
    );
  }
  if (lock.version !== undefined && !sameVersion(parsed.version, lock.version)) {
    throw new Problem(
      `Version in ${pythonRepr(filename)} is not consistent with package version ${
        pythonRepr(String(lock.version))
      }`,
    );
  }
}

/** A validated lock and what validation had to say without refusing it. */
export interface ValidatedPylock {
  readonly lock: Pylock;
  /** For example a newer minor `lock-version` than 1.0. */
  readonly warnings: readonly string[];
}

/**
 * Validates a parsed TOML document as `packaging.pylock.Pylock.from_dict`
 * does, returning the lock or the first problem as packaging words it
 * (`Missing required value in 'packages[0].name'`).
 */
export function validatePylock(
  document: Readonly<Record<string, unknown>>,
): ValidatedPylock | { problem: string } {
  try {
    return readPylock(document);
  } catch (error) {
    if (error instanceof Problem) return { problem: error.message };
    throw error;
  }
}

function readPylock(d: Raw): ValidatedPylock {
  const lockVersionText = required(getString(d, "lock-version"), "lock-version");
  const lockVersion = within("lock-version", () => checkVersion(lockVersionText));
  const environments = getStrings(d, "environments", (text) => checkMarker(text));
  const extras = getStrings(d, "extras", checkNormalizedName);
  const dependencyGroups = getStrings(d, "dependency-groups");
  const defaultGroups = getStrings(d, "default-groups");
  const createdBy = required(getString(d, "created-by"), "created-by");
  const requiresPython = getString(d, "requires-python");
  if (requiresPython !== undefined) within("requires-python", () => checkSpecifier(requiresPython));
  const packages = required(getObjects(d, "packages", readPackage), "packages");
  const tool = getTable(d, "tool");
  if (
    !(lockVersion.compare(checkVersion("1")) >= 0 && lockVersion.compare(checkVersion("2")) < 0)
  ) {
    throw new Problem(`pylock version ${lockVersion} is not supported`);
  }
  const warnings = lockVersion.compare(checkVersion("1.0")) > 0
    ? [`pylock minor version ${lockVersion} is not supported`]
    : [];
  return {
    lock: {
      lockVersion: lockVersionText,
      ...optional("environments", environments),
      ...optional("requiresPython", requiresPython),
      ...optional("extras", extras),
      ...optional("dependencyGroups", dependencyGroups),
      ...optional("defaultGroups", defaultGroups),
      createdBy,
      packages,
      ...optional("tool", tool),
    },
    warnings,
  };
}

/**
 * Parses and validates the text of a lock file.
 *
 * @throws {InvalidPylockError} for TOML that does not parse or a lock that breaks PEP 751 (one line naming `file`).
 * @example
 * ```ts
 * import { parsePylock } from "./pylock.ts";
 * const { lock } = parsePylock('lock-version = "1.0"\ncreated-by = "x"\npackages = []\n', "pylock.toml");
 * lock.createdBy; // "x"
 * ```
 */
export function parsePylock(text: string, file: string): ValidatedPylock {
  let document: Raw;
  try {
    document = parseToml(text, { integersAsBigInt: true }) as Raw;
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
    throw new InvalidPylockError(file, `the TOML does not parse: ${message}`);
  }
  const result = validatePylock(document);
  if ("problem" in result) throw new InvalidPylockError(file, result.problem);
  return result;
}

function distributionTable(dist: PylockDistribution | PylockArchive): Map<string, TomlWriteValue> {
  const table = new Map<string, TomlWriteValue>();
  const set = (key: string, value: TomlWriteValue | undefined) => {
    if (value !== undefined) table.set(key, value);
  };
  if ("name" in dist) set("name", dist.name);
  set("upload-time", dist.uploadTime);
  set("url", dist.url);
  set("path", dist.path);
  set("size", dist.size);
  set("hashes", dist.hashes);
  if ("subdirectory" in dist) set("subdirectory", dist.subdirectory);
  return table;
}

function packageTable(pkg: PylockPackage): Map<string, TomlWriteValue> {
  const table = new Map<string, TomlWriteValue>();
  const set = (key: string, value: TomlWriteValue | undefined) => {
    if (value !== undefined) table.set(key, value);
  };
  set("name", pkg.name);
  set("version", pkg.version);
  set("marker", pkg.marker);
  set("requires-python", pkg.requiresPython);
  set("dependencies", pkg.dependencies);
  if (pkg.vcs !== undefined) {
    const vcs = pkg.vcs;
    set("vcs", {
      type: vcs.type,
      ...optional("url", vcs.url),
      ...optional("path", vcs.path),
      ...optional("requested-revision", vcs.requestedRevision),
      "commit-id": vcs.commitId,
      ...optional("subdirectory", vcs.subdirectory),
    });
  }
  if (pkg.directory !== undefined) {
    const dir = pkg.directory;
    set("directory", {
      path: dir.path,
      ...optional("editable", dir.editable),
      ...optional("subdirectory", dir.subdirectory),
    });
  }
  if (pkg.archive !== undefined) set("archive", distributionTable(pkg.archive));
  set("index", pkg.index);
  if (pkg.sdist !== undefined) set("sdist", distributionTable(pkg.sdist));
  if (pkg.wheels !== undefined) set("wheels", pkg.wheels.map(distributionTable));
  set("attestation-identities", pkg.attestationIdentities);
  set("tool", pkg.tool);
  return table;
}

/**
 * The text of a lock file, laid out and ordered as `pip lock` writes it
 * (`tomli_w.dumps(Pylock.to_dict())`): keys in the specification's order,
 * absent values left out. The same lock always gives the same bytes.
 *
 * @example
 * ```ts
 * import { formatPylock } from "./pylock.ts";
 * formatPylock({ lockVersion: "1.0", createdBy: "dpip", packages: [] });
 * // 'lock-version = "1.0"\ncreated-by = "dpip"\npackages = []\n'
 * ```
 */
export function formatPylock(lock: Pylock): string {
  const table = new Map<string, TomlWriteValue>();
  const set = (key: string, value: TomlWriteValue | undefined) => {
    if (value !== undefined) table.set(key, value);
  };
  set("lock-version", lock.lockVersion);
  set("environments", lock.environments);
  set("requires-python", lock.requiresPython);
  set("extras", lock.extras);
  set("dependency-groups", lock.dependencyGroups);
  set("default-groups", lock.defaultGroups);
  set("created-by", lock.createdBy);
  set("packages", lock.packages.map(packageTable));
  set("tool", lock.tool);
  return formatToml(table);
}

/** What to install for one selected package. */
export type PylockSource =
  | { readonly kind: "wheel"; readonly file: PylockDistribution; readonly filename: string }
  | { readonly kind: "sdist"; readonly file: PylockDistribution; readonly filename: string }
  | { readonly kind: "archive"; readonly archive: PylockArchive }
  | { readonly kind: "directory"; readonly directory: PylockDirectory }
  | { readonly kind: "vcs"; readonly vcs: PylockVcs };

/** One package selected for the target, with its position in the lock. */
export interface PylockSelection {
  readonly package: PylockPackage;
  /** Its index in `packages`. */
  readonly position: number;
  readonly source: PylockSource;
}

/** The target a lock is installed on. */
export interface PylockTarget {
  readonly environment: MarkerEnvironment;
  /** The target's compatible tags, best first (`cp311-cp311-manylinux_2_17_x86_64`, …). */
  readonly tags: readonly string[];
  /** Extras to install (markers see them as `extras`); none by default. */
  readonly extras?: readonly string[];
  /** Dependency groups to install; the lock's `default-groups` when not given. */
  readonly dependencyGroups?: readonly string[];
}

function pep440PythonFullVersion(version: string): string {
  return version.endsWith("+") ? `${version}local` : version;
}

/**
 * Chooses what to install from a valid lock for `target`, as
 * `packaging.pylock.Pylock.select()` does: the packages whose markers hold,
 * each with its best wheel for the target's tags (else its sdist), or its
 * archive, directory or VCS source.
 *
 * @throws {UnusablePylockError} when the target's Python is outside a `requires-python`, no
 *   `environments` marker holds, two entries of one package apply, or a package has no wheel
 *   for the target and no sdist (naming the package).
 */
export function selectFromPylock(
  lock: Pylock,
  options: { file: string; target: PylockTarget },
): PylockSelection[] {
  const { file, target } = options;
  const fail = (detail: string, pkg?: string): never => {
    throw new UnusablePylockError(file, detail, pkg);
  };
  const python = pep440PythonFullVersion(target.environment.python_full_version);
  const markerEnv = {
    ...target.environment,
    extras: target.extras ?? [],
    dependency_groups: target.dependencyGroups ?? lock.defaultGroups ?? [],
  };
  if (
    lock.requiresPython !== undefined &&
    !parseSpecifierSet(lock.requiresPython).contains(python)
  ) {
    fail(
      `python_full_version ${
        pythonRepr(python)
      } in provided environment does not satisfy the Python version requirement ${
        pythonRepr(String(parseSpecifierSet(lock.requiresPython)))
      }`,
    );
  }
  if (
    lock.environments !== undefined && lock.environments.length > 0 &&
    !lock.environments.some((text) =>
      checkMarker(text).evaluate({ ...target.environment, extra: "" })
    )
  ) {
    fail(
      "Provided environment does not satisfy any of the environments specified in the lock file",
    );
  }
  const selected = new Map<string, { position: number; pkg: PylockPackage }>();
  lock.packages.forEach((pkg, position) => {
    if (pkg.marker !== undefined && !checkMarker(pkg.marker).evaluate(markerEnv)) return;
    if (
      pkg.requiresPython !== undefined && !parseSpecifierSet(pkg.requiresPython).contains(python)
    ) {
      fail(
        `python_full_version ${
          pythonRepr(python)
        } in provided environment does not satisfy the Python version requirement ${
          pythonRepr(String(parseSpecifierSet(pkg.requiresPython)))
        } for package ${pythonRepr(pkg.name)} at packages[${position}]`,
        pkg.name,
      );
    }
    const earlier = selected.get(pkg.name);
    if (earlier !== undefined) {
      fail(
        `Multiple packages with the name ${
          pythonRepr(pkg.name)
        } are selected at packages[${position}] and packages[${earlier.position}]`,
        pkg.name,
      );
    }
    selected.set(pkg.name, { position, pkg });
  });
  const ranks = new Map<string, number>();
  target.tags.forEach((tag, rank) => {
    if (!ranks.has(tag)) ranks.set(tag, rank);
  });
  const out: PylockSelection[] = [];
  for (const { position, pkg } of selected.values()) {
    const source = sourceOf(pkg, ranks);
    if (source === undefined) {
      fail(
        `No wheel found matching the provided tags for package ${
          pythonRepr(pkg.name)
        } at packages[${position}], and no sdist available as a fallback`,
        pkg.name,
      );
    }
    out.push({ package: pkg, position, source: source! });
  }
  return out;
}

function sourceOf(
  pkg: PylockPackage,
  ranks: ReadonlyMap<string, number>,
): PylockSource | undefined {
  if (pkg.vcs !== undefined) return { kind: "vcs", vcs: pkg.vcs };
  if (pkg.directory !== undefined) return { kind: "directory", directory: pkg.directory };
  if (pkg.archive !== undefined) return { kind: "archive", archive: pkg.archive };
  const sdist = pkg.sdist === undefined
    ? undefined
    : { kind: "sdist" as const, file: pkg.sdist, filename: sdistFilename(pkg.sdist) };
  if (pkg.wheels !== undefined && pkg.wheels.length > 0) {
    let best: { file: PylockDistribution; filename: string; rank: number } | undefined;
    for (const file of pkg.wheels) {
      const filename = distributionFilename(file);
      let rank: number | undefined;
      for (const tag of parseWheelFilename(filename).tags) {
        const r = ranks.get(String(tag));
        if (r !== undefined && (rank === undefined || r < rank)) rank = r;
      }
      if (rank !== undefined && (best === undefined || rank < best.rank)) {
        best = { file, filename, rank };
      }
    }
    if (best !== undefined) return { kind: "wheel", file: best.file, filename: best.filename };
    return sdist;
  }
  return sdist;
}

function sdistFilename(dist: PylockDistribution): string {
  return dist.name || pathName(dist.path) || urlName(dist.url) || "";
}
