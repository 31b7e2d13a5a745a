/**
 * PEP 440: versions, their total order, and version specifiers, with the
 * semantics of `packaging` 26.2.
 *
 * @example
 * ```ts
 * import { compareVersions, parseSpecifierSet, parseVersion } from "./mod.ts";
 * String(parseVersion("1.0-RC1")); // "1.0rc1"
 * compareVersions("1.0", "1.0.post1"); // -1
 * parseSpecifierSet(">=1.0,<2").contains("1.5"); // true
 * ```
 *
 * @module
 */

export {
  canonicalVersionText,
  compareVersions,
  InvalidVersionError,
  parseVersion,
  tryParseVersion,
  Version,
} from "./version.ts";
export type { FormatVersionOptions, PreReleaseLetter, VersionParts } from "./version.ts";
export {
  InvalidSpecifierError,
  parseSpecifier,
  parseSpecifierSet,
  Specifier,
  SpecifierSet,
} from "./specifiers.ts";
export type {
  ContainsOptions,
  FilterOptions,
  SpecifierOperator,
  SpecifierParseOptions,
} from "./specifiers.ts";
