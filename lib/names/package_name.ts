/**
 * Package and extra names: PEP 503 normalization, the core metadata `Name`
 * rule, and PEP 685 extra normalization.
 *
 * Normalized names are branded strings, so a function that needs a
 * normalized name says so in its signature and the type checker holds
 * callers to it.
 *
 * @module
 */

import { DpipError } from "../errors.ts";

/** A PEP 503 normalized distribution name (`"foo-bar"`). */
export type PackageName = string & { readonly __brand: "PackageName" };

/** A PEP 685 normalized extra name (`"test-all"`). */
export type ExtraName = string & { readonly __brand: "ExtraName" };

/** A distribution name that does not follow the core metadata `Name` rule. */
export class InvalidNameError extends DpipError {
  /** The name as given. */
  readonly input: string;

  /** `input` is the name given, `reason` which rule it breaks. */
  constructor(input: string, reason: string) {
    super("invalid-name", `Invalid package name ${JSON.stringify(input)}: ${reason}`);
    this.name = "InvalidNameError";
    this.input = input;
  }
}

/** Code of `a`..`z`, `A`..`Z` or `0`..`9`. */
function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

const SEPARATOR_RUNS = /[-_.]+/g;

/** `-`, `_` or `.`: the separators PEP 503 folds into one `-`. */
function isSeparator(code: number): boolean {
  return code === 45 || code === 95 || code === 46;
}

/**
 * Normalizes a distribution name as PEP 503 does: lowercase, and every run of
 * `-`, `_` and `.` becomes one `-`. It does not check validity (see
 * {@link parsePackageName}).
 *
 * @example
 * ```ts
 * import { canonicalizeName } from "./package_name.ts";
 * canonicalizeName("Oslo.Concurrency__Utils"); // "oslo-concurrency-utils"
 * ```
 */
export function canonicalizeName(name: string): PackageName {
  return name.toLowerCase().replace(SEPARATOR_RUNS, "-") as PackageName;
}

/**
 * Normalizes an extra name as PEP 685 says: the same folding as package names.
 *
 * @example
 * ```ts
 * import { canonicalizeExtra } from "./package_name.ts";
 * canonicalizeExtra("Test_All"); // "test-all"
 * ```
 */
export function canonicalizeExtra(extra: string): ExtraName {
  return canonicalizeName(extra) as string as ExtraName;
}

/** The offset of the first character that breaks the `Name` rule, or -1. */
function firstInvalidNameOffset(name: string): number {
  const last = name.length - 1;
  for (let i = 0; i <= last; i++) {
    const code = name.charCodeAt(i);
    if (isAsciiAlphanumeric(code)) continue;
    if ((i === 0 || i === last) || !isSeparator(code)) return i;
  }
  return -1;
}

/**
 * Whether `name` is a valid distribution name under the core metadata `Name`
 * field rule: ASCII letters, digits, `.`, `_` and `-`, starting and ending with a
 * letter or digit.
 *
 * @example
 * ```ts
 * import { isValidName } from "./package_name.ts";
 * isValidName("zope.interface"); // true
 * isValidName("-foo"); // false
 * ```
 */
export function isValidName(name: string): boolean {
  return name.length > 0 && firstInvalidNameOffset(name) === -1;
}

/**
 * Whether `name` is already in PEP 503 normal form, the way packaging's
 * `is_normalized_name` decides it: lowercase ASCII letters, digits and `-`,
 * starting and ending with a letter or digit, and no `-` run reaching three.
 *
 * @example
 * ```ts
 * import { isNormalizedName } from "./package_name.ts";
 * isNormalizedName("foo-bar"); // true
 * isNormalizedName("Foo_Bar"); // false
 * ```
 */
export function isNormalizedName(name: string): boolean {
  const last = name.length - 1;
  if (last < 0) return false;
  for (let i = 0; i <= last; i++) {
    const code = name.charCodeAt(i);
    const alphanumeric = (code >= 48 && code <= 57) || (code >= 97 && code <= 122);
    if (alphanumeric) continue;
    if (code !== 45 || i === 0 || i === last) return false;
  }
  // packaging's pattern forbids "--" right after any character but the first.
  for (let i = 2; i < last; i++) {
    if (name.charCodeAt(i) === 45 && name.charCodeAt(i + 1) === 45) return false;
  }
  return true;
}

/**
 * Checks `name` against the core metadata `Name` rule and returns it
 * normalized (PEP 503).
 *
 * @throws {InvalidNameError} when the name is empty or breaks the rule.
 * @example
 * ```ts
 * import { parsePackageName } from "./package_name.ts";
 * parsePackageName("Foo_Bar"); // "foo-bar"
 * ```
 */
export function parsePackageName(name: string): PackageName {
  if (name.length === 0) throw new InvalidNameError(name, "a name cannot be empty");
  const offset = firstInvalidNameOffset(name);
  if (offset !== -1) {
    const where = offset === 0 ? "start" : offset === name.length - 1 ? "end" : "";
    const bad = JSON.stringify(String.fromCodePoint(name.codePointAt(offset) ?? 0));
    throw new InvalidNameError(
      name,
      where === ""
        ? `unexpected ${bad} at position ${offset}; names contain only ASCII letters, digits, ".", "_" and "-"`
        : `names must ${where} with an ASCII letter or digit, not ${bad} (position ${offset})`,
    );
  }
  return canonicalizeName(name);
}
