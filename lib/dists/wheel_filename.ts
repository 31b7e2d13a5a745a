/**
 * Wheel filenames (the binary distribution format specification, PEP 427):
 * `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`, accepted and
 * rejected exactly as `packaging.utils.parse_wheel_filename` (packaging 26.2).
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { quoted } from "./message.ts";
import { canonicalizeName, type PackageName } from "../names/mod.ts";
import { tryParseVersion, type Version } from "../pep440/mod.ts";
import { InvalidTagError, parseTag, type Tag } from "./tags.ts";

/** A filename that is not a valid wheel filename. */
export class InvalidWheelFilenameError extends DpipError {
  /** The filename as given. */
  readonly input: string;

  /** `input` is the filename given, `why` what is wrong with it. */
  constructor(input: string, why: string, options: { cause?: unknown } = {}) {
    super(
      "invalid-wheel-filename",
      `Invalid wheel filename ${quoted(input)}: ${why}`,
      options,
    );
    this.name = "InvalidWheelFilenameError";
    this.input = input;
  }
}

/** The optional build tag: its leading number, then the rest, for ordering builds. */
export interface WheelBuildTag {
  /** The leading digits as a number. */
  readonly number: number;
  /** Whatever follows the digits (often empty). */
  readonly tag: string;
}

/** The parts of a wheel filename. */
export interface WheelFilename {
  /** The project name, normalized (PEP 503). */
  readonly name: PackageName;
  /** The version. */
  readonly version: Version;
  /** The build tag, when the filename has one. */
  readonly build?: WheelBuildTag;
  /** Every tag the compressed tag set expands to. */
  readonly tags: Tag[];
}

/** Word characters as Python's `\w` sees them, plus `.`; a trailing newline passes, as with `$`. */
const namePattern = /^[\p{L}\p{N}_.]*\n?$/u;
/** PEP 427: the build tag starts with a digit (Python's `.` stops at a newline). */
const buildPattern = /^([0-9]+)([^\n]*)/;

/**
 * Parses a wheel filename.
 *
 * @throws {InvalidWheelFilenameError} when the extension is not `.whl`, the
 *   filename has other than 5 or 6 dash-separated parts, the name has characters
 *   other than letters, digits, `_` and `.` (or `__`), the version is not PEP 440,
 *   or the build tag does not start with a digit.
 * @example
 * ```ts
 * import { parseWheelFilename } from "./wheel_filename.ts";
 * const wheel = parseWheelFilename("Foo_Bar-1.0-1x-py2.py3-none-any.whl");
 * wheel.name; // "foo-bar"
 * wheel.build; // { number: 1, tag: "x" }
 * wheel.tags.map(String); // ["py2-none-any", "py3-none-any"]
 * ```
 */
export function parseWheelFilename(filename: string): WheelFilename {
  if (!filename.endsWith(".whl")) {
    throw new InvalidWheelFilenameError(filename, "the extension must be '.whl'");
  }
  const stem = filename.slice(0, -4);
  const parts = stem.split("-");
  const dashes = parts.length - 1;
  if (dashes !== 4 && dashes !== 5) {
    throw new InvalidWheelFilenameError(
      filename,
      `expected 5 or 6 parts separated by '-', found ${parts.length}`,
    );
  }
  const namePart = parts[0]!;
  if (namePart.includes("__") || !namePattern.test(namePart)) {
    throw new InvalidWheelFilenameError(
      filename,
      `invalid project name ${quoted(namePart)} (only letters, digits, '_' and '.' ` +
        "are allowed, and no '__')",
    );
  }
  const version = tryParseVersion(parts[1]!);
  if (version === undefined) {
    throw new InvalidWheelFilenameError(
      filename,
      `invalid version ${quoted(parts[1]!)}`,
    );
  }
  let build: WheelBuildTag | undefined;
  if (dashes === 5) {
    const match = buildPattern.exec(parts[2]!);
    if (match === null) {
      throw new InvalidWheelFilenameError(
        filename,
        `invalid build tag ${quoted(parts[2]!)} (it must start with a digit)`,
      );
    }
    build = { number: Number(match[1]), tag: match[2] ?? "" };
  }
  let tags: Tag[];
  try {
    tags = parseTag(parts.slice(-3).join("-"));
  } catch (error) {
    if (!(error instanceof InvalidTagError)) throw error;
    throw new InvalidWheelFilenameError(filename, "the compressed tag set is too large", {
      cause: error,
    });
  }
  const name = canonicalizeName(namePart);
  return build === undefined ? { name, version, tags } : { name, version, build, tags };
}

/**
 * Parses a wheel filename, or returns `undefined` when it is not one.
 *
 * @example
 * ```ts
 * import { tryParseWheelFilename } from "./wheel_filename.ts";
 * tryParseWheelFilename("pkg-1.0.tar.gz"); // undefined
 * ```
 */
export function tryParseWheelFilename(filename: string): WheelFilename | undefined {
  try {
    return parseWheelFilename(filename);
  } catch (error) {
    if (error instanceof InvalidWheelFilenameError) return undefined;
    throw error;
  }
}
