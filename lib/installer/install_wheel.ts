/**
 * Installing one wheel (the binary distribution format, PEP 427 / 491):
 * validating and unpacking it ({@link extractWheel}), then laying its files
 * out for a target scheme in a staging directory ({@link stageWheel},
 * {@link finishStagedWheel}). Moving staged files into the environment is
 * `transaction.ts`'s job.
 *
 * Validation happens before anything reaches the environment: the filename
 * parses and its tags suit the interpreter (unless forced), there is exactly
 * one `.dist-info` directory and it names the same project and version as the
 * filename and `METADATA`, `WHEEL` has a `Wheel-Version` pip installs (0.x and
 * 1.x; newer than 1.0 warns), and every entry that `RECORD` lists with a hash
 * matches it in sha256 (or stronger) and size (hashed while inflating).
 * Entries `RECORD` leaves out or lists without a hash install, as pip's do,
 * with a warning naming them; the new `RECORD` lists them with their hashes.
 * Every refusal is a {@link WheelInstallError} whose one-line message names
 * the wheel and the reason.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { dirname, join, relative } from "../paths.ts";
import { DpipError, type ErrorCode } from "../errors.ts";
import { readZipDirectory, readZipEntry, ZipError } from "../archive/zip.ts";
import { formatRecord, parseRecord, type RecordEntry } from "../dists/record.ts";
import { parseEntryPoints } from "../dists/entry_points.ts";
import { type DirectUrl, formatDirectUrl } from "../dists/direct_url.ts";
import { parseWheelFilename } from "../dists/wheel_filename.ts";
import { parseCoreMetadata } from "../dists/core_metadata.ts";
import { canonicalizeName, type PackageName } from "../names/mod.ts";
import { canonicalVersionText } from "../pep440/mod.ts";
import type { Scheme } from "../python/environment.ts";
import { launchersFor, rewriteScriptShebang } from "./scripts.ts";
import { DirectoryMaker, type FileStamp, type Linker, LinkError, stampOf } from "./wheel_cache.ts";
import { isWithin, RealPaths } from "./real_paths.ts";
import { trimEndChars } from "../trim.ts";
import { appendAll } from "../lists.ts";

/** A wheel that dpip refuses to install; the message is `Cannot install <wheel>: <reason>`. */
export class WheelInstallError extends DpipError {
  /** The wheel's file name. */
  readonly wheel: string;
  /** What is wrong with it. */
  readonly reason: string;

  constructor(wheel: string, reason: string, options: { code?: ErrorCode; cause?: unknown } = {}) {
    super(options.code ?? "invalid-wheel", `Cannot install ${wheel}: ${reason}`, {
      cause: options.cause,
    });
    this.name = "WheelInstallError";
    this.wheel = wheel;
    this.reason = reason;
  }
}

/** One file of an unpacked wheel. */
export interface WheelFile {
  /** The archive path. */
  readonly path: string;
  /** `algorithm=digest` as the wheel's RECORD writes it (verified), or its sha256 if unlisted. */
  readonly hash: string;
  /** The size as RECORD gives it (absent when RECORD leaves it out). */
  readonly size?: number;
  readonly executable: boolean;
  /** The unpacked file's size, mtime and mode, to notice edits through links (absent in old entries). */
  readonly stamp?: FileStamp;
}

/** What validation learnt about a wheel; stored next to its unpacked tree. */
export interface WheelManifest {
  readonly filename: string;
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
  /** Every file in archive order (the wheel's RECORD included). */
  readonly files: readonly WheelFile[];
}

/** The scheme keys a wheel's `.data/<key>/` directories may use. */
export const DATA_SCHEME_KEYS = ["purelib", "platlib", "scripts", "headers", "data"] as const;
/** One of {@link DATA_SCHEME_KEYS}. */
export type DataSchemeKey = (typeof DATA_SCHEME_KEYS)[number];

const SUPPORTED_HASHES = new Set([
  "sha256",
  "sha384",
  "sha512",
  "sha3_256",
  "sha3_384",
  "sha3_512",
]);
const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Options for {@link extractWheel}. */
export interface ExtractWheelOptions {
  /** The wheel's file name (its tags, name and version are read from it). */
  readonly filename: string;
  /** An empty directory to unpack into. */
  readonly dir: string;
  /**
   * The tags the target interpreter supports (`cp311-cp311-manylinux_2_17_x86_64`);
   * undefined skips the check (a forced install).
   */
  readonly compatibleTags?: ReadonlySet<string>;
  /** Receives warnings (a newer `Wheel-Version`, files RECORD does not vouch for). */
  readonly onWarning?: (message: string) => void;
}

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

/**
 * Validates the wheel in `bytes` and unpacks it into `options.dir`: files with
 * the default mode (0644 under the usual umask), or 0755 when the archive marks
 * them executable or they are `.data/scripts`. Hashes are computed on the inflated bytes before they are
 * written; a mismatch stops extraction (the caller discards `dir`).
 *
 * @throws {WheelInstallError} naming the wheel and what is wrong.
 */
export function extractWheel(bytes: Uint8Array, options: ExtractWheelOptions): WheelManifest {
  const { filename } = options;
  const refuse = (reason: string, code?: ErrorCode): never => {
    throw new WheelInstallError(filename, reason, code === undefined ? {} : { code });
  };
  const fromFilename = checkWheelFilename(filename, options.compatibleTags);

  let zip;
  try {
    zip = readZipDirectory(bytes, { archive: filename });
  } catch (error) {
    if (error instanceof ZipError) {
      throw new WheelInstallError(filename, error.reason, { code: error.code, cause: error });
    }
    throw error;
  }
  const read = (entry: (typeof zip.entries)[number], verifyCrc = true): Uint8Array => {
    try {
      return readZipEntry(zip, entry, { verifyCrc });
    } catch (error) {
      if (error instanceof ZipError) {
        throw new WheelInstallError(filename, error.reason, { code: error.code, cause: error });
      }
      throw error;
    }
  };

  const files = zip.entries.filter((entry) => entry.kind === "file");
  const byName = new Map(files.map((entry) => [entry.name, entry]));
  const distInfos = new Set<string>();
  for (const entry of files) {
    const top = entry.name.split("/", 1)[0]!;
    if (top.endsWith(".dist-info") && entry.name.length > top.length) distInfos.add(top);
  }
  if (distInfos.size === 0) refuse("it has no .dist-info directory");
  if (distInfos.size > 1) {
    refuse(`it has several .dist-info directories: ${[...distInfos].sort().join(", ")}`);
  }
  const distInfo = [...distInfos][0]!;
  checkDistInfoName(distInfo, fromFilename, refuse);

  const wheelEntry = byName.get(`${distInfo}/WHEEL`);
  if (wheelEntry === undefined) refuse(`${distInfo}/WHEEL is missing`);
  const wheelFields = parseHeaders(decoder.decode(read(wheelEntry!)));
  const wheelVersion = (wheelFields.get("wheel-version") ?? "").trim();
  checkWheelVersion(wheelVersion, {
    refuse,
    what: `${distInfo}/WHEEL`,
    ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }),
  });
  const rootIsPurelib = (wheelFields.get("root-is-purelib") ?? "").trim().toLowerCase() === "true";

  const metadataEntry = byName.get(`${distInfo}/METADATA`);
  if (metadataEntry === undefined) refuse(`${distInfo}/METADATA is missing`);
  let displayName: string;
  try {
    const metadata = parseCoreMetadata(decoder.decode(read(metadataEntry!)));
    displayName = metadata.name;
    if (canonicalizeName(metadata.name) !== fromFilename.name) {
      refuse(`its METADATA names ${metadata.name}, not ${fromFilename.name}`);
    }
    if (normalizeVersion(metadata.version) !== fromFilename.version) {
      refuse(`its METADATA has version ${metadata.version}, not ${fromFilename.version}`);
    }
  } catch (error) {
    if (error instanceof WheelInstallError) throw error;
    throw new WheelInstallError(filename, `its METADATA is invalid: ${reasonOf(error)}`, {
      cause: error,
    });
  }

  const recordPath = `${distInfo}/RECORD`;
  const recordEntry = byName.get(recordPath);
  if (recordEntry === undefined) refuse(`${recordPath} is missing`);
  let record: Map<string, RecordEntry>;
  try {
    record = new Map(
      parseRecord(decoder.decode(read(recordEntry!))).map((entry) => [entry.path, entry]),
    );
  } catch (error) {
    throw new WheelInstallError(filename, `its RECORD is invalid: ${reasonOf(error)}`, {
      cause: error,
    });
  }

  // Everything cheap first: every entry in a known place, with a usable hash if listed.
  const unsigned = new Set([recordPath, `${distInfo}/RECORD.jws`, `${distInfo}/RECORD.p7s`]);
  const unlisted: string[] = [];
  const unhashed: string[] = [];
  for (const entry of files) {
    const top = entry.name.split("/", 1)[0]!;
    if (top.endsWith(".data") && entry.name.length > top.length) {
      const parts = entry.name.split("/");
      const key = parts[1]!;
      if (parts.length < 3 || !(DATA_SCHEME_KEYS as readonly string[]).includes(key)) {
        refuse(
          `"${entry.name}" is not in a scheme directory (${top}/ may hold ${
            DATA_SCHEME_KEYS.join(", ")
          })`,
        );
      }
    }
    if (unsigned.has(entry.name)) continue;
    const listed = record.get(entry.name);
    // pip installs what RECORD leaves out or lists without a hash, unchecked: so does dpip,
    // and says so. A size or hash RECORD gives must match.
    if (listed === undefined) {
      unlisted.push(entry.name);
      continue;
    }
    if (listed.size !== undefined && listed.size !== entry.size) {
      refuse(
        `"${entry.name}" is ${entry.size} bytes but RECORD says ${listed.size}`,
        "record-mismatch",
      );
    }
    if (listed.hash === undefined) {
      unhashed.push(entry.name);
      continue;
    }
    if (!SUPPORTED_HASHES.has(listed.hash.algorithm)) {
      refuse(
        `RECORD uses the ${listed.hash.algorithm} hash for "${entry.name}" (sha256 or stronger is required)`,
        "record-mismatch",
      );
    }
  }

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

  // Launchers are generated at install time; a bad entry point must fail now, not then.
  const entryPointsEntry = byName.get(`${distInfo}/entry_points.txt`);
  if (entryPointsEntry !== undefined) {
    try {
      launchersFor(parseEntryPoints(decoder.decode(read(entryPointsEntry))), {
        python: "python",
        pythonVersion: [3, 0],
      });
    } catch (error) {
      throw new WheelInstallError(filename, reasonOf(error), { cause: error });
    }
  }

  // Then inflate, hash and write, entry by entry. (Overlapping the writes on
  // worker threads was measured: no faster here, and more kernel time.)
  const directories = new DirectoryMaker();
  directories.make(options.dir);
  const manifestFiles: WheelFile[] = [];
  const dataScripts = (name: string) => {
    const parts = name.split("/");
    return parts[0]!.endsWith(".data") && parts[1] === "scripts" && parts.length > 2;
  };
  for (const entry of files) {
    const listed = record.get(entry.name);
    const checked = !unsigned.has(entry.name) && listed?.hash !== undefined;
    const data = read(entry, !checked);
    const sha256 = createHash("sha256").update(data).digest("base64url");
    if (checked) {
      const { algorithm, digest } = listed!.hash!;
      const actual = algorithm === "sha256"
        ? sha256
        : createHash(algorithm.replace("_", "-")).update(data).digest("base64url");
      if (actual !== trimEndChars(digest, "=") && !matchesHex(digest, actual)) {
        refuse(`"${entry.name}" does not match its ${algorithm} hash in RECORD`, "record-mismatch");
      }
    }
    const executable = (entry.permissions & 0o111) !== 0 || dataScripts(entry.name);
    const target = join(options.dir, entry.name);
    let stamp: FileStamp;
    try {
      directories.make(dirname(target));
      Deno.writeFileSync(
        target,
        data,
        executable ? { mode: 0o755, createNew: true } : { createNew: true },
      );
      stamp = stampOf(target);
    } catch (error) {
      refuse(`cannot unpack "${entry.name}": ${reasonOf(error)}`);
    }
    // RECORD's own spelling is kept, as pip keeps it (and so its rows stay identical).
    manifestFiles.push(
      checked
        ? {
          path: entry.name,
          hash: `${listed!.hash!.algorithm}=${listed!.hash!.digest}`,
          ...(listed!.size === undefined ? {} : { size: listed!.size }),
          executable,
          stamp: stamp!,
        }
        : {
          path: entry.name,
          hash: `sha256=${sha256}`,
          size: data.length,
          executable,
          stamp: stamp!,
        },
    );
  }
  return {
    filename,
    name: fromFilename.name,
    displayName: displayName!,
    version: fromFilename.version,
    distInfo,
    rootIsPurelib,
    wheelVersion,
    files: manifestFiles,
  };
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
  options: { refuse: (reason: string) => never; what: string; onWarning?: (m: string) => void },
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

/**
 * Whether a RECORD digest is the hex spelling of `actual` (base64url): some
 * build tools write hex; the content is still verified, so such wheels install.
 */
function matchesHex(digest: string, actual: string): boolean {
  if (!/^[0-9a-f]+$/i.test(digest)) return false;
  return Buffer.from(digest, "hex").toString("base64url") === actual;
}

function checkDistInfoName(
  distInfo: string,
  expected: { name: PackageName; version: string },
  refuse: (reason: string) => never,
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

function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * The staging directory of one install, shared by its wheels: `<dir>/<i>/`
 * mirrors destination root `roots[i]` (purelib, scripts, ...), so the commit
 * moves whole top-level directories with one rename each.
 */
export class StagingArea {
  /** An empty directory on the environment's file system. */
  readonly dir: string;
  /** The destination directories, in the order first used. */
  readonly roots: string[] = [];
  readonly directories = new DirectoryMaker();

  constructor(dir: string) {
    this.dir = dir;
  }

  /** The index of destination directory `destination`, added if new. */
  rootOf(destination: string): number {
    const index = this.roots.indexOf(destination);
    if (index >= 0) return index;
    this.roots.push(destination);
    return this.roots.length - 1;
  }

  /** Where `path` (a validated archive path: relative, no `.` or `..`) of root `root` is staged. */
  path(root: number, path: string): string {
    return `${this.dir}/${root}/${path}`;
  }

  /**
   * Puts a file at `path` of root `root` with `put` (link or write), creating
   * its directory; a file another wheel staged there is replaced, as pip's
   * last-installed-wins.
   */
  place(root: number, path: string, put: (target: string) => void): void {
    const target = this.path(root, path);
    this.directories.make(dirname(target));
    try {
      put(target);
    } catch (error) {
      const cause = error instanceof LinkError ? error.cause : error;
      if (!(cause instanceof Deno.errors.AlreadyExists)) throw error;
      Deno.removeSync(target);
      put(target);
    }
  }
}

/** Where and how a wheel is staged. */
export interface StageWheelOptions {
  /** The unpacked wheel's files. */
  readonly tree: string;
  readonly manifest: WheelManifest;
  readonly scheme: Scheme;
  readonly staging: StagingArea;
  /** The interpreter path written into script shebangs. */
  readonly python: string;
  readonly pythonVersion: readonly [number, number];
  readonly linker: Linker;
  /** The directory name under `scheme.headers` (pip uses the requirement's name). */
  readonly headersName?: string;
  /** For `ENSUREPIP_OPTIONS`. */
  readonly env?: Readonly<Record<string, string>>;
}

/** A staged file: where it is now and where it goes. */
export interface StagedFile {
  /** Index into the staging area's roots. */
  readonly root: number;
  /** The path under the root, `/`-separated. */
  readonly path: string;
  /** `algorithm=digest`, or undefined for files RECORD lists without a hash (`.pyc`). */
  readonly hash?: string;
  readonly size?: number;
}

/** A wheel laid out in a staging area. */
export interface StagedWheel {
  readonly manifest: WheelManifest;
  readonly staging: StagingArea;
  /** The root that holds the `.dist-info` directory (purelib or platlib). */
  readonly libRoot: number;
  /** Every staged file except the dist-info's generated ones. */
  readonly files: StagedFile[];
}

/**
 * Lays the unpacked wheel out for `scheme` in the staging area: root files
 * into purelib or platlib (by `Root-Is-Purelib`), `.data/<key>/` into the
 * scheme's directories, `#!python` scripts rewritten to the interpreter, and
 * console and GUI launchers generated. Unchanged files are linked from the
 * unpacked tree. The dist-info's `INSTALLER`, `REQUESTED`, `direct_url.json`
 * and `RECORD` come later, from {@link finishStagedWheel}.
 */
export function stageWheel(options: StageWheelOptions): StagedWheel {
  const { manifest, scheme, staging, tree } = options;
  const libDir = manifest.rootIsPurelib ? scheme.purelib : scheme.platlib;
  const headersDir = join(
    scheme.headers,
    options.headersName ?? manifest.filename.split("-", 1)[0]!.replaceAll("_", "-"),
  );
  const libRoot = staging.rootOf(libDir);
  const keyDirs: Record<string, string> = {
    purelib: scheme.purelib,
    platlib: scheme.platlib,
    scripts: scheme.scripts,
    headers: headersDir,
    data: scheme.data,
  };
  const files: StagedFile[] = [];
  const recordPath = `${manifest.distInfo}/RECORD`;
  checkManifestPaths(manifest);
  for (const file of manifest.files) {
    if (file.path === recordPath) continue;
    const parts = file.path.split("/");
    let root = libRoot;
    let path = file.path;
    let isScript = false;
    if (parts[0]!.endsWith(".data") && parts.length > 2) {
      const key = parts[1]!;
      root = staging.rootOf(keyDirs[key]!);
      path = parts.slice(2).join("/");
      isScript = key === "scripts";
    }
    const source = `${tree}/${file.path}`; // archive paths were validated: plain relative
    if (isScript) {
      const rewritten = rewriteScriptShebang(Deno.readFileSync(source), options.python);
      if (rewritten !== undefined) {
        staging.place(root, path, (target) => writeNew(target, rewritten, 0o755));
        files.push({ root, path, hash: hashOf(rewritten), size: rewritten.length });
        continue;
      }
    }
    staging.place(root, path, (target) => options.linker.link(source, target));
    files.push({
      root,
      path,
      hash: file.hash,
      ...(file.size === undefined ? {} : { size: file.size }),
    });
  }

  const entryPointsFile = manifest.files.find((file) =>
    file.path === `${manifest.distInfo}/entry_points.txt`
  );
  if (entryPointsFile !== undefined) {
    const text = decoder.decode(Deno.readFileSync(join(tree, entryPointsFile.path)));
    let launchers;
    try {
      launchers = launchersFor(parseEntryPoints(text), {
        python: options.python,
        pythonVersion: options.pythonVersion,
        ...(options.env === undefined ? {} : { env: options.env }),
      });
    } catch (error) {
      throw new WheelInstallError(manifest.filename, reasonOf(error), { cause: error });
    }
    const scripts = staging.rootOf(scheme.scripts);
    // A launcher replaces a file of the same name (the last of one name wins), found by
    // name: a search of the list per launcher was quadratic in the entry points.
    const written = new Map<string, StagedFile>();
    for (const launcher of launchers) {
      const content = encoder.encode(launcher.content);
      staging.place(scripts, launcher.name, (target) => writeNew(target, content, 0o755));
      written.delete(launcher.name);
      written.set(launcher.name, {
        root: scripts,
        path: launcher.name,
        hash: hashOf(content),
        size: content.length,
      });
    }
    const kept = files.filter((file) => !(file.root === scripts && written.has(file.path)));
    files.length = 0;
    appendAll(files, kept);
    appendAll(files, written.values());
  }
  checkDestinations(manifest.filename, { staging, files, boundary: scheme.data });
  return { manifest, staging, libRoot, files };
}

/**
 * A manifest comes from the cache, which anything running as the user can
 * edit: its paths are used only when each is a plain relative path (the
 * checks the archive's names passed when it was unpacked).
 */
function checkManifestPaths(manifest: WheelManifest): void {
  const unsafe = (path: string) =>
    path === "" || path.startsWith("/") || /[\\\0]/.test(path) ||
    path.split("/").some((part) => part === "" || part === "." || part === "..");
  let bad = unsafe(manifest.distInfo) || manifest.distInfo.includes("/")
    ? manifest.distInfo
    : undefined;
  for (const file of manifest.files) {
    if (bad !== undefined) break;
    if (unsafe(file.path)) bad = file.path;
  }
  if (bad !== undefined) {
    throw new WheelInstallError(
      manifest.filename,
      `its unpacked copy in the cache lists an unsafe path (${
        JSON.stringify(bad)
      }); remove the cache entry (dpip cache purge) and retry`,
      { code: "unsafe-archive" },
    );
  }
}

/**
 * Checks, before anything moves into the environment, that every staged
 * file lands where its path says, resolving links that already exist there:
 * a scheme directory inside `boundary` (the environment's data directory)
 * must really lie inside it (a `bin` that is a link to elsewhere would take
 * the launchers with it), no directory on the way below a scheme directory
 * may be a link (the commit never writes through links, and could not merge
 * into them), and no file may land where a directory is (the commit would
 * delete the directory).
 *
 * Only directories that already exist are looked at: into a fresh
 * environment this costs a few `lstat` calls per wheel, not one per file.
 *
 * @throws {WheelInstallError} naming the wheel and the path in the way.
 */
function checkDestinations(
  filename: string,
  target: { staging: StagingArea; files: readonly StagedFile[]; boundary: string },
): void {
  const refuse = (reason: string): never => {
    throw new WheelInstallError(filename, reason, { code: "unsafe-destination" });
  };
  const real = new RealPaths();
  const byRoot = new Map<number, string[]>();
  for (const file of target.files) {
    const paths = byRoot.get(file.root);
    if (paths === undefined) byRoot.set(file.root, [file.path]);
    else paths.push(file.path);
  }
  for (const [root, paths] of byRoot) {
    const rootDir = target.staging.roots[root]!;
    if (isWithin(rootDir, target.boundary) && !real.within(rootDir, target.boundary)) {
      refuse(
        `${rootDir} leads outside ${target.boundary} (to ${
          real.of(rootDir)
        }, through a symbolic link); dpip does not install through it`,
      );
    }
    // Whether each directory (relative to the root; "" is the root) exists as a directory.
    const present = new Map<string, boolean>([["", isDirectory(rootDir)]]);
    const isPresent = (dir: string): boolean => {
      const known = present.get(dir);
      if (known !== undefined) return known;
      const slash = dir.lastIndexOf("/");
      let exists = false;
      if (isPresent(slash < 0 ? "" : dir.slice(0, slash))) {
        const path = join(rootDir, dir);
        const info = lstatOrUndefined(path);
        if (info?.isSymlink) {
          refuse(`${path} is a symbolic link; dpip does not install through links`);
        }
        // A file in the way is left to the commit, which fails on it (and finishes once it is
        // gone); nothing below it exists.
        exists = info?.isDirectory === true;
      }
      present.set(dir, exists);
      return exists;
    };
    for (const path of paths) {
      const slash = path.lastIndexOf("/");
      if (!isPresent(slash < 0 ? "" : path.slice(0, slash))) continue;
      const destination = join(rootDir, path);
      if (lstatOrUndefined(destination)?.isDirectory) {
        refuse(`${destination} is a directory where the wheel has a file`);
      }
    }
  }
}

function lstatOrUndefined(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Whether `path` is a directory, following links (a scheme directory may be one: `lib64`). */
function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/** What the dist-info records about how the wheel was installed. */
export interface FinishStagedWheelOptions {
  /** `INSTALLER`'s content (default `dpip`). */
  readonly installer?: string;
  /** Write `REQUESTED` (the user named this distribution). */
  readonly requested: boolean;
  /** Write `direct_url.json` (PEP 610). */
  readonly directUrl?: DirectUrl;
  /** Compiled files to list in RECORD (without hashes, as pip does). */
  readonly compiled?: readonly { root: number; path: string }[];
}

/**
 * Writes the dist-info's generated files into the staged wheel and its new
 * `RECORD`, which lists every installed file relative to the library
 * directory (`../../../bin/tool` for scripts) so pip can uninstall it.
 */
export function finishStagedWheel(staged: StagedWheel, options: FinishStagedWheelOptions): void {
  const distInfo = staged.manifest.distInfo;
  const distInfoDir = staged.staging.path(staged.libRoot, distInfo);
  staged.staging.directories.make(distInfoDir);
  const generated: [string, Uint8Array][] = [
    ["INSTALLER", encoder.encode(`${options.installer ?? "dpip"}\n`)],
  ];
  if (options.requested) generated.push(["REQUESTED", new Uint8Array()]);
  if (options.directUrl !== undefined) {
    generated.push(["direct_url.json", encoder.encode(formatDirectUrl(options.directUrl))]);
  }
  const files = [...staged.files];
  for (const [name, content] of generated) {
    const path = `${distInfo}/${name}`;
    const target = join(distInfoDir, name);
    const existing = files.findIndex((file) => file.root === staged.libRoot && file.path === path);
    if (existing >= 0) {
      Deno.removeSync(target);
      files.splice(existing, 1);
    }
    writeNew(target, content, 0o644);
    files.push({ root: staged.libRoot, path, hash: hashOf(content), size: content.length });
  }
  for (const compiled of options.compiled ?? []) files.push(compiled);
  const roots = staged.staging.roots;
  const libDir = roots[staged.libRoot]!;
  const entries: RecordEntry[] = files.map((file) => {
    const path = file.root === staged.libRoot
      ? file.path
      : relative(libDir, join(roots[file.root]!, file.path)).replaceAll("\\", "/");
    if (file.hash === undefined) return { path };
    const equals = file.hash.indexOf("=");
    return {
      path,
      hash: { algorithm: file.hash.slice(0, equals), digest: file.hash.slice(equals + 1) },
      ...(file.size === undefined ? {} : { size: file.size }),
    };
  });
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  entries.push({ path: `${distInfo}/RECORD` });
  writeNew(join(distInfoDir, "RECORD"), encoder.encode(formatRecord(entries)), 0o644);
}

/** The final paths of a staged wheel's files (absolute), for planning what an upgrade removes. */
export function stagedDestinations(staged: StagedWheel): string[] {
  const roots = staged.staging.roots;
  const libDir = roots[staged.libRoot]!;
  return [
    ...staged.files.map((file) => join(roots[file.root]!, file.path)),
    join(libDir, staged.manifest.distInfo),
  ];
}

function hashOf(content: Uint8Array): string {
  return "sha256=" + createHash("sha256").update(content).digest("base64url");
}

function writeNew(path: string, content: Uint8Array, mode: number): void {
  Deno.writeFileSync(path, content, { mode, createNew: true });
}
