/**
 * Validating a wheel before any of it is written: the filename parses and
 * its tags suit the interpreter (unless forced), there is exactly one
 * `.dist-info` directory and it names the same project and version as the
 * filename and `METADATA`, `WHEEL` has a `Wheel-Version` pip installs (0.x
 * and 1.x; newer than 1.0 warns), every `.data/<key>/` is a scheme key,
 * `RECORD` parses and gives sizes that match and hashes dpip can verify
 * (sha256 or stronger), and the entry points make valid launchers. Contents
 * are hashed later, while unpacking. Everything here reads a
 * {@link WheelSource}; nothing is written.
 *
 * @module
 */

import { parseEntryPoints } from "../dists/entry_points.ts";
import { parseCoreMetadata } from "../dists/core_metadata.ts";
import { parseRecord, type RecordEntry } from "../dists/record.ts";
import { parseWheelFilename } from "../dists/wheel_filename.ts";
import type { ErrorCode } from "../errors.ts";
import { canonicalizeName, type PackageName } from "../names/mod.ts";
import { canonicalVersionText } from "../pep440/mod.ts";
import { launchersFor } from "./scripts.ts";
import { DATA_SCHEME_KEYS, isDataSchemeKey, reasonOf, WheelInstallError } from "./wheel.ts";
import type { WheelSource } from "./wheel_source.ts";

/** The hash algorithms RECORD may use (pip's `hashlib.algorithms_guaranteed` minus the weak ones). */
export const SUPPORTED_HASHES: ReadonlySet<string> = new Set([
  "sha256",
  "sha384",
  "sha512",
  "sha3_256",
  "sha3_384",
  "sha3_512",
]);

const decoder = new TextDecoder();

/**
 * Checks that `filename` is a wheel name whose tags suit the interpreter,
 * before any byte of the wheel is read.
 *
 * @throws {WheelInstallError} naming the wheel and what is wrong.
 */
export function checkWheelFilename(
  filename: string,
  compatibleTags: ReadonlySet<string> | undefined,
): { name: PackageName; version: string } {
  let parsed;
  try {
    parsed = parseWheelFilename(filename);
  } catch (error) {
    throw new WheelInstallError(filename, reasonOf(error), { cause: error });
  }
  const tags = parsed.tags.map(String);
  if (compatibleTags !== undefined && !tags.some((tag) => compatibleTags.has(tag))) {
    throw new WheelInstallError(
      filename,
      `it is not a supported wheel on this platform (its tags: ${tags.join(", ")})`,
      { code: "incompatible-wheel" },
    );
  }
  return { name: parsed.name, version: String(parsed.version) };
}

/** What validation learnt about a wheel, and what unpacking must still verify. */
export interface CheckedWheel {
  /** The normalized project name. */
  readonly name: PackageName;
  /** The name as `METADATA` writes it. */
  readonly displayName: string;
  /** The normalized version. */
  readonly version: string;
  /** The `.dist-info` directory's name. */
  readonly distInfo: string;
  readonly rootIsPurelib: boolean;
  /** `Wheel-Version`. */
  readonly wheelVersion: string;
  /** RECORD's rows by path. */
  readonly record: ReadonlyMap<string, RecordEntry>;
  /** RECORD and its signatures: files RECORD cannot vouch for. */
  readonly unsigned: ReadonlySet<string>;
}

/** Options for {@link checkWheel}. */
export interface CheckWheelOptions {
  /** The project and version the filename gives ({@link checkWheelFilename}). */
  readonly expected: { readonly name: PackageName; readonly version: string };
  /** Receives warnings (a newer `Wheel-Version`, files RECORD does not vouch for). */
  readonly onWarning?: (message: string) => void;
}

type Refuse = (reason: string, code?: ErrorCode) => never;

/**
 * Validates everything about a wheel but its files' contents.
 *
 * @throws {WheelInstallError} naming the wheel and what is wrong.
 */
export function checkWheel(source: WheelSource, options: CheckWheelOptions): CheckedWheel {
  const refuse: Refuse = (reason, code) => {
    throw new WheelInstallError(source.filename, reason, code === undefined ? {} : { code });
  };
  const distInfo = findDistInfo(source, refuse);
  checkDistInfoName(distInfo, options.expected, refuse);
  const wheel = readWheelFile(source, distInfo, { refuse, onWarning: options.onWarning });
  const displayName = readMetadataName(source, distInfo, options.expected, refuse);
  const record = readRecord(source, distInfo, refuse);
  const unsigned = new Set([
    `${distInfo}/RECORD`,
    `${distInfo}/RECORD.jws`,
    `${distInfo}/RECORD.p7s`,
  ]);
  checkFiles(source, { record, unsigned, refuse, onWarning: options.onWarning });
  checkEntryPoints(source, distInfo);
  return { ...options.expected, displayName, distInfo, ...wheel, record, unsigned };
}

function findDistInfo(source: WheelSource, refuse: Refuse): string {
  const distInfos = new Set<string>();
  for (const { path } of source.files) {
    const top = path.split("/", 1)[0]!;
    if (top.endsWith(".dist-info") && path.length > top.length) distInfos.add(top);
  }
  if (distInfos.size === 0) refuse("it has no .dist-info directory");
  if (distInfos.size > 1) {
    refuse(`it has several .dist-info directories: ${[...distInfos].sort().join(", ")}`);
  }
  return [...distInfos][0]!;
}

function checkDistInfoName(
  distInfo: string,
  expected: { name: PackageName; version: string },
  refuse: Refuse,
): void {
  const stem = distInfo.slice(0, -".dist-info".length);
  const dash = stem.lastIndexOf("-");
  const name = dash < 0 ? stem : stem.slice(0, dash);
  const version = dash < 0 ? "" : stem.slice(dash + 1);
  if (canonicalizeName(name) !== expected.name) {
    refuse(`its ${distInfo} directory is for ${name}, not ${expected.name}`);
  }
  if (normalizeVersion(version) !== expected.version) {
    refuse(`its ${distInfo} directory has version ${version}, not ${expected.version}`);
  }
}

/** `WHEEL`'s `Wheel-Version` (checked) and `Root-Is-Purelib`. */
function readWheelFile(
  source: WheelSource,
  distInfo: string,
  options: { refuse: Refuse; onWarning: ((message: string) => void) | undefined },
): { wheelVersion: string; rootIsPurelib: boolean } {
  const path = `${distInfo}/WHEEL`;
  if (!source.has(path)) options.refuse(`${path} is missing`);
  const fields = parseHeaders(decoder.decode(source.read(path)));
  const wheelVersion = (fields.get("wheel-version") ?? "").trim();
  checkWheelVersion(wheelVersion, { ...options, what: path });
  const rootIsPurelib = (fields.get("root-is-purelib") ?? "").trim().toLowerCase() === "true";
  return { wheelVersion, rootIsPurelib };
}

/** `METADATA`'s name as written, after checking it and the version against the filename's. */
function readMetadataName(
  source: WheelSource,
  distInfo: string,
  expected: { name: PackageName; version: string },
  refuse: Refuse,
): string {
  const path = `${distInfo}/METADATA`;
  if (!source.has(path)) refuse(`${path} is missing`);
  try {
    const metadata = parseCoreMetadata(decoder.decode(source.read(path)));
    if (canonicalizeName(metadata.name) !== expected.name) {
      refuse(`its METADATA names ${metadata.name}, not ${expected.name}`);
    }
    if (normalizeVersion(metadata.version) !== expected.version) {
      refuse(`its METADATA has version ${metadata.version}, not ${expected.version}`);
    }
    return metadata.name;
  } catch (error) {
    if (error instanceof WheelInstallError) throw error;
    throw new WheelInstallError(source.filename, `its METADATA is invalid: ${reasonOf(error)}`, {
      cause: error,
    });
  }
}

/** `RECORD`'s rows by path. */
function readRecord(
  source: WheelSource,
  distInfo: string,
  refuse: Refuse,
): Map<string, RecordEntry> {
  const path = `${distInfo}/RECORD`;
  if (!source.has(path)) refuse(`${path} is missing`);
  try {
    const rows = parseRecord(decoder.decode(source.read(path)));
    return new Map(rows.map((entry) => [entry.path, entry]));
  } catch (error) {
    throw new WheelInstallError(source.filename, `its RECORD is invalid: ${reasonOf(error)}`, {
      cause: error,
    });
  }
}

/**
 * Every file in a known place, with a usable hash if RECORD lists one and
 * the size RECORD gives. Files RECORD leaves out or lists without a hash
 * install, as pip's do, with a warning naming them.
 */
function checkFiles(
  source: WheelSource,
  options: {
    record: ReadonlyMap<string, RecordEntry>;
    unsigned: ReadonlySet<string>;
    refuse: Refuse;
    onWarning: ((message: string) => void) | undefined;
  },
): void {
  const { record, unsigned, refuse } = options;
  const unlisted: string[] = [];
  const unhashed: string[] = [];
  for (const file of source.files) {
    checkDataDirectory(file.path, refuse);
    if (unsigned.has(file.path)) continue;
    const listed = record.get(file.path);
    if (listed === undefined) {
      unlisted.push(file.path);
      continue;
    }
    if (listed.size !== undefined && listed.size !== file.size) {
      refuse(
        `"${file.path}" is ${file.size} bytes but RECORD says ${listed.size}`,
        "record-mismatch",
      );
    }
    if (listed.hash === undefined) {
      unhashed.push(file.path);
    } else if (!SUPPORTED_HASHES.has(listed.hash.algorithm)) {
      refuse(
        `RECORD uses the ${listed.hash.algorithm} hash for "${file.path}" (sha256 or stronger is required)`,
        "record-mismatch",
      );
    }
  }
  const filename = source.filename;
  if (unlisted.length > 0) {
    options.onWarning?.(
      `${filename}: its RECORD does not list ${namesOf(unlisted)}; installed without a check`,
    );
  }
  if (unhashed.length > 0) {
    options.onWarning?.(
      `${filename}: its RECORD gives no hash for ${namesOf(unhashed)}; installed without a check`,
    );
  }
}

/** A file under `<name>.data/` must be in one of the scheme directories. */
function checkDataDirectory(path: string, refuse: Refuse): void {
  const top = path.split("/", 1)[0]!;
  if (!top.endsWith(".data") || path.length === top.length) return;
  const parts = path.split("/");
  if (parts.length < 3 || !isDataSchemeKey(parts[1]!)) {
    refuse(
      `"${path}" is not in a scheme directory (${top}/ may hold ${DATA_SCHEME_KEYS.join(", ")})`,
    );
  }
}

/** Launchers are generated at install time; a bad entry point must fail now, not then. */
function checkEntryPoints(source: WheelSource, distInfo: string): void {
  const path = `${distInfo}/entry_points.txt`;
  if (!source.has(path)) return;
  try {
    launchersFor(parseEntryPoints(decoder.decode(source.read(path))), {
      python: "python",
      pythonVersion: [3, 0],
    });
  } catch (error) {
    throw new WheelInstallError(source.filename, reasonOf(error), { cause: error });
  }
}

/** `"a", "b" and 3 more`: a bounded list of archive paths for a warning. */
function namesOf(paths: readonly string[]): string {
  const shown = paths.slice(0, 5).map((path) => JSON.stringify(path));
  const more = paths.length - shown.length;
  if (more > 0) return `${shown.join(", ")} and ${more} more`;
  return shown.length === 1 ? shown[0]! : `${shown.slice(0, -1).join(", ")} and ${shown.at(-1)}`;
}

/** The `Wheel-Version` this installer implements; pip's `VERSION_COMPATIBLE`. */
const WHEEL_VERSION: readonly bigint[] = [1n, 0n];

/**
 * Checks a `Wheel-Version` as pip does: dot-separated integers (each as
 * Python's `int()` reads it: `1.0`, `0.1`, `1`, ` 01 `, `1_0`), refused when
 * the major version is newer than 1, warned about when the whole version is
 * newer than 1.0 (compared as tuples: `1.1` and `1.0.1` warn, `1` does not).
 */
function checkWheelVersion(
  text: string,
  options: { refuse: Refuse; what: string; onWarning: ((m: string) => void) | undefined },
): void {
  if (text === "") options.refuse(`${options.what} has no Wheel-Version`);
  const parts = text.split(".");
  // Python's int() (3.11) reads at most 4,300 digits.
  const integer = (part: string) => part.length <= 4_400 && /^\s*[+-]?\d+(_\d+)*\s*$/.test(part);
  if (!parts.every(integer)) {
    options.refuse(`${options.what} has an invalid Wheel-Version (${JSON.stringify(text)})`);
  }
  const version = parts.map((part) => BigInt(part.trim().replaceAll("_", "")));
  const shown = version.join(".");
  if (version[0]! > WHEEL_VERSION[0]!) {
    options.refuse(`its Wheel-Version ${shown} is not supported (dpip reads up to 1.x)`);
  }
  if (compareTuples(version, WHEEL_VERSION) > 0) {
    options.onWarning?.(`Installing from a newer Wheel-Version (${shown})`);
  }
}

/** Python's tuple ordering: element by element, then the shorter first. */
function compareTuples(a: readonly bigint[], b: readonly bigint[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i]! !== b[i]!) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}

function normalizeVersion(text: string): string | undefined {
  return canonicalVersionText(text.trim());
}

/** `Key: value` lines (RFC 822 headers, unfolded); keys lower-cased, first occurrence wins. */
function parseHeaders(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r\n|\n|\r/)) {
    if (line === "") break;
    const colon = line.indexOf(":");
    if (colon <= 0 || /^\s/.test(line)) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(key)) fields.set(key, line.slice(colon + 1).trim());
  }
  return fields;
}
