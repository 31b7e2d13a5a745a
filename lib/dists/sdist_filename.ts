/**
 * Source distribution filenames: the standard `{name}-{version}.tar.gz` (and
 * `.zip`) form, parsed as `packaging.utils.parse_sdist_filename` does, and the
 * legacy forms pip's finder still accepts when it knows the project name.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { quoted } from "./message.ts";
import { canonicalizeName, type PackageName } from "../names/mod.ts";
import { tryParseVersion, type Version } from "../pep440/mod.ts";

/** A filename that is not a valid sdist filename. */
export class InvalidSdistFilenameError extends DpipError {
  /** The filename as given. */
  readonly input: string;

  /** `input` is the filename given, `why` what is wrong with it. */
  constructor(input: string, why: string) {
    super("invalid-sdist-filename", `Invalid sdist filename ${quoted(input)}: ${why}`);
    this.name = "InvalidSdistFilenameError";
    this.input = input;
  }
}

/** The parts of an sdist filename. */
export interface SdistFilename {
  /** The project name, normalized (PEP 503). */
  readonly name: PackageName;
  /** The version. */
  readonly version: Version;
}

/**
 * Parses a standard sdist filename: `.tar.gz` or `.zip`, with the name and
 * version split at the last `-`.
 *
 * @throws {InvalidSdistFilenameError} for another extension, no `-`, or a version that is not PEP 440.
 * @example
 * ```ts
 * import { parseSdistFilename } from "./sdist_filename.ts";
 * const sdist = parseSdistFilename("Foo.Bar-1.0.post0.tar.gz");
 * [sdist.name, String(sdist.version)]; // ["foo-bar", "1.0.post0"]
 * ```
 */
export function parseSdistFilename(filename: string): SdistFilename {
  let stem: string;
  if (filename.endsWith(".tar.gz")) stem = filename.slice(0, -".tar.gz".length);
  else if (filename.endsWith(".zip")) stem = filename.slice(0, -".zip".length);
  else {
    throw new InvalidSdistFilenameError(filename, "the extension must be '.tar.gz' or '.zip'");
  }
  const dash = stem.lastIndexOf("-");
  if (dash < 0) {
    throw new InvalidSdistFilenameError(filename, "no '-' separates the name and the version");
  }
  const versionPart = stem.slice(dash + 1);
  const version = tryParseVersion(versionPart);
  if (version === undefined) {
    throw new InvalidSdistFilenameError(filename, `invalid version ${quoted(versionPart)}`);
  }
  return { name: canonicalizeName(stem.slice(0, dash)), version };
}

/** The archive extensions pip's finder accepts for source distributions. */
export const SDIST_EXTENSIONS: readonly string[] = [
  ".tar.bz2",
  ".tbz",
  ".tar.xz",
  ".txz",
  ".tlz",
  ".tar.lz",
  ".tar.lzma",
  ".zip",
  ".tar.gz",
  ".tgz",
  ".tar",
];

/** A legacy sdist filename read for a known project. */
export interface LegacySdistFilename extends SdistFilename {
  /** The `-pyX.Y` suffix's Python version (`3`, `2.7`, `3.10`…), when the filename has one. */
  readonly pythonVersion?: string;
}

/** Splits off the extension as pip does: `x.tar.gz` → `.tar.gz`, `x.tgz` → `.tgz`. */
function splitExtension(filename: string): [string, string] {
  const lastSlash = filename.lastIndexOf("/");
  const dot = filename.lastIndexOf(".");
  let base = filename;
  let extension = "";
  if (dot > lastSlash) {
    // posixpath.splitext: leading dots of the name do not start an extension.
    let start = lastSlash + 1;
    while (start < dot && filename[start] === ".") start++;
    if (start < dot) {
      base = filename.slice(0, dot);
      extension = filename.slice(dot);
    }
  }
  if (base.toLowerCase().endsWith(".tar")) {
    extension = base.slice(-4) + extension;
    base = base.slice(0, -4);
  }
  return [base, extension];
}

function isSeparator(char: string | undefined): boolean {
  return char === "-" || char === "_" || char === ".";
}

/**
 * The index after the first `-` whose prefix normalizes to `name`, or -1. Each
 * distinct prefix is normalized once, and the scan stops once prefixes are too
 * long to match, so hostile filenames with many dashes stay linear.
 */
function findVersionStart(base: string, name: string): number {
  let letters = 0;
  let runs = 0;
  let inRun = false;
  let checkedInRun = false;
  for (let index = 0; index < base.length; index++) {
    // A normalized prefix has at least one character per letter and per separator run.
    if (letters + runs > name.length) return -1;
    const char = base[index];
    if (char === "-" && !(inRun && checkedInRun)) {
      if (canonicalizeName(base.slice(0, index)) === name) return index + 1;
      // Further separators in this run leave the normalized prefix unchanged.
      if (inRun) checkedInRun = true;
    }
    if (isSeparator(char)) {
      if (!inRun) runs++;
      inRun = true;
    } else {
      letters++;
      inRun = false;
      checkedInRun = false;
    }
  }
  return -1;
}

const pythonVersionSuffix = /-py([123]\.?[0-9]?)$/;

/**
 * Reads a source archive's filename for a project whose name is known, as
 * pip's finder does: any of {@link SDIST_EXTENSIONS}; the version starts after
 * the first `-` whose prefix normalizes to the project name (so names with
 * dashes work); a `-pyX.Y` suffix is split off into `pythonVersion`.
 *
 * Returns `undefined` when the filename is not a source archive of `project`
 * or its version is not PEP 440.
 *
 * @example
 * ```ts
 * import { tryParseSdistFilenameForProject } from "./sdist_filename.ts";
 * const sdist = tryParseSdistFilenameForProject("python-dateutil-2.8.2.tgz", "Python_Dateutil");
 * String(sdist?.version); // "2.8.2"
 * tryParseSdistFilenameForProject("other-1.0.tar.gz", "pkg"); // undefined
 * ```
 */
export function tryParseSdistFilenameForProject(
  filename: string,
  project: string,
): LegacySdistFilename | undefined {
  const [base, extension] = splitExtension(filename);
  if (!SDIST_EXTENSIONS.includes(extension)) return undefined;
  const name = canonicalizeName(project);
  const versionStart = findVersionStart(base, name);
  if (versionStart < 0) return undefined;
  let versionText = base.slice(versionStart);
  if (versionText === "") return undefined;
  const suffix = pythonVersionSuffix.exec(versionText);
  let pythonVersion: string | undefined;
  if (suffix !== null) {
    versionText = versionText.slice(0, suffix.index);
    pythonVersion = suffix[1];
  }
  const version = tryParseVersion(versionText);
  if (version === undefined) return undefined;
  return pythonVersion === undefined ? { name, version } : { name, version, pythonVersion };
}
