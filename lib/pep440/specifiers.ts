/**
 * PEP 440 version specifiers and specifier sets, with `packaging` 26.2's
 * semantics: every operator, local-version and pre-release rules, arbitrary
 * equality (`===`) against strings that are not versions, and filtering.
 *
 * Two deliberate differences, both where `packaging` accepts a specifier it
 * can never evaluate (every use fails an assertion or a `ValueError`): a
 * version number over 4300 digits, and `~=` with `post` spelled with a long
 * s (`poſt`, which Python's case-insensitive matching lets through). dpip
 * rejects those with {@link InvalidSpecifierError} when parsing.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import {
  canonicalVersionText,
  describeCharacter,
  isPythonWhitespace,
  matchDevWord,
  matchPostWord,
  matchPreWord,
  parseVersion,
  quoteInput,
  scanLocal,
  stripPythonWhitespace,
  tryParseVersion,
  type Version,
} from "./version.ts";

/** A specifier's comparison operator. */
export type SpecifierOperator = "===" | "==" | "!=" | "~=" | "<=" | ">=" | "<" | ">";

/** Bad input to {@link parseSpecifier} or {@link parseSpecifierSet}. */
export class InvalidSpecifierError extends DpipError {
  /** The text that failed to parse (the whole set for a specifier set). */
  readonly input: string;
  /** Where in `input` the problem was found (UTF-16 index). */
  readonly position: number;

  /** `input` is the text given, `detail` what is wrong with it, `position` where. */
  constructor(input: string, detail: string, options: { position: number }) {
    super(
      "invalid-specifier",
      `Invalid specifier ${quoteInput(input)}: ${detail} at position ${options.position}`,
    );
    this.name = "InvalidSpecifierError";
    this.input = input;
    this.position = options.position;
  }
}

/**
 * Where the text being parsed sits in a larger input (a requirement, a set),
 * so errors name that input and positions count from its start.
 */
export interface SpecifierParseOptions {
  /** The whole input, named in error messages. */
  input?: string;
  /** Where the parsed text starts in `input`. */
  offset?: number;
}

/** Options for `contains` and `filter`. */
export interface ContainsOptions {
  /**
   * Admit pre-releases (`true`), refuse them (`false`), or, when left out,
   * follow PEP 440: admit them when the specifier names one, when nothing
   * else matches (for `filter`), and for a single version (`contains`).
   */
  prereleases?: boolean;
}

/** Options for {@link SpecifierSet.filter}. */
export interface FilterOptions<T> extends ContainsOptions {
  /**
   * Gets the version (string or {@link Version}) of an item; the item itself
   * by default. `===` compares with this value's text (`packaging` uses the
   * item's own `str()`, which only differs for items that are not strings).
   */
  key?: (item: T) => string | Version;
}

// Operator codes, for a fast switch.
const ARBITRARY = 0;
const EQUAL = 1;
const NOT_EQUAL = 2;
const COMPATIBLE = 3;
const LESS_EQUAL = 4;
const GREATER_EQUAL = 5;
const LESS = 6;
const GREATER = 7;
const WILDCARD_EQUAL = 8;
const WILDCARD_NOT_EQUAL = 9;

interface ScannedSpecifier {
  operator: SpecifierOperator;
  version: string;
  /** Where the version starts in the scanned text. */
  versionStart: number;
  /** The scanned text. */
  text: string;
}

function scanFailure(
  input: string,
  offset: number,
  detail: string,
  position: number,
): InvalidSpecifierError {
  return new InvalidSpecifierError(input, detail, { position: offset + position });
}

/**
 * Scans one specifier in `text` (already cut out of `input` at `offset`, for
 * error positions), mirroring `packaging`'s specifier pattern in one pass.
 */
function scanSpecifier(text: string, input: string, offset: number): ScannedSpecifier {
  let end = text.length;
  let position = 0;
  while (position < end && isPythonWhitespace(text.charCodeAt(position))) position++;
  while (end > position && isPythonWhitespace(text.charCodeAt(end - 1))) end--;
  const fail = (detail: string, at: number) => scanFailure(input, offset, detail, at);

  let operator: SpecifierOperator;
  const first = text.charCodeAt(position);
  const second = text.charCodeAt(position + 1);
  if (first === 0x3d && second === 0x3d) { // ==
    operator = text.charCodeAt(position + 2) === 0x3d ? "===" : "==";
  } else if (
    second === 0x3d && (first === 0x21 || first === 0x7e || first === 0x3c || first === 0x3e)
  ) {
    operator = first === 0x21 ? "!=" : first === 0x7e ? "~=" : first === 0x3c ? "<=" : ">=";
  } else if (first === 0x3c) operator = "<";
  else if (first === 0x3e) operator = ">";
  else {
    throw fail(
      `expected an operator (==, !=, <=, >=, <, >, ~= or ===), found ${
        describeCharacter(text, position)
      }`,
      position,
    );
  }
  position += operator.length;
  while (position < end && isPythonWhitespace(text.charCodeAt(position))) position++;
  const versionStart = position;

  if (operator === "===") {
    while (position < end) {
      const c = text.charCodeAt(position);
      if (c === 0x3b || c === 0x29 || isPythonWhitespace(c)) {
        throw fail(
          `an arbitrary version cannot contain ${describeCharacter(text, position)}`,
          position,
        );
      }
      position++;
    }
    return { operator, version: text.slice(versionStart, end), versionStart, text };
  }

  if (position < end && (text.charCodeAt(position) | 0x20) === 0x76) position++; // v
  let digitsEnd = skipDigits(text, position, end);
  if (digitsEnd === position) {
    throw fail(`expected a version number, found ${describeCharacter(text, position)}`, position);
  }
  position = digitsEnd;
  if (position < end && text.charCodeAt(position) === 0x21) { // !
    digitsEnd = skipDigits(text, position + 1, end);
    if (digitsEnd === position + 1) {
      throw fail(
        `expected a release number after the epoch, found ${describeCharacter(text, position + 1)}`,
        position + 1,
      );
    }
    position = digitsEnd;
  }
  let releaseCount = 1;
  while (
    position + 1 < end && text.charCodeAt(position) === 0x2e &&
    isDigit(text.charCodeAt(position + 1))
  ) {
    position = skipDigits(text, position + 1, end);
    releaseCount++;
  }
  if (operator === "~=" && releaseCount < 2) {
    throw fail("~= needs a release with at least two numbers (like ~=1.0)", position);
  }

  if (
    position + 1 < end && text.charCodeAt(position) === 0x2e &&
    text.charCodeAt(position + 1) === 0x2a
  ) { // .*
    if (operator !== "==" && operator !== "!=") {
      throw fail(`a .* suffix is only allowed with == and !=, not ${operator}`, position);
    }
    if (position + 2 !== end) {
      throw fail(`unexpected ${describeCharacter(text, position + 2)} after .*`, position + 2);
    }
    return { operator, version: text.slice(versionStart, end), versionStart, text };
  }

  // Pre-release.
  {
    let at = position;
    if (at < end && isSeparator(text.charCodeAt(at))) at++;
    const word = matchPreWord(text, at, end);
    if (word !== undefined) {
      at += word[0].length;
      if (at < end && isSeparator(text.charCodeAt(at))) at++;
      position = skipDigits(text, at, end);
    }
  }
  // Post-release.
  if (
    position + 1 < end && text.charCodeAt(position) === 0x2d &&
    isDigit(text.charCodeAt(position + 1))
  ) {
    position = skipDigits(text, position + 1, end);
  } else {
    let at = position;
    if (at < end && isSeparator(text.charCodeAt(at))) at++;
    const length = matchPostWord(text, at, end);
    if (length > 0) {
      at += length;
      if (at < end && isSeparator(text.charCodeAt(at))) at++;
      position = skipDigits(text, at, end);
    }
  }
  // Development release.
  {
    let at = position;
    if (at < end && isSeparator(text.charCodeAt(at))) at++;
    if (matchDevWord(text, at, end)) {
      at += 3;
      if (at < end && isSeparator(text.charCodeAt(at))) at++;
      position = skipDigits(text, at, end);
    }
  }
  // Local label.
  if (position < end && text.charCodeAt(position) === 0x2b) { // +
    if (operator !== "==" && operator !== "!=") {
      throw fail(`a local version label is only allowed with == and !=, not ${operator}`, position);
    }
    const localEnd = scanLocal(text, position + 1, end);
    if (localEnd === position + 1) {
      throw fail(
        `expected a local version label after "+", found ${describeCharacter(text, position + 1)}`,
        position + 1,
      );
    }
    position = localEnd;
  }
  if (position !== end) {
    throw fail(`unexpected ${describeCharacter(text, position)}`, position);
  }
  return { operator, version: text.slice(versionStart, end), versionStart, text };
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isSeparator(code: number): boolean {
  return code === 0x2e || code === 0x5f || code === 0x2d;
}

function skipDigits(text: string, at: number, end: number): number {
  while (at < end && isDigit(text.charCodeAt(at))) at++;
  return at;
}

// ---------------------------------------------------------------------------
// Prefix matching (`==1.2.*`, and the prefix half of `~=`), done the way
// packaging does it: on split strings, so quirks of unusual spellings match.

const PREFIX_ITEM = /^([0-9]+)((?:a|b|c|rc)[0-9]+)$/;

/** packaging's `_version_split`: epoch, then dot-separated items (`1a1` → `1`, `a1`). */
function splitVersionText(text: string): string[] {
  const bang = text.lastIndexOf("!");
  const result = [bang === -1 ? "0" : text.slice(0, bang) || "0"];
  for (const item of text.slice(bang + 1).split(".")) {
    const match = PREFIX_ITEM.exec(item);
    if (match !== null) result.push(match[1]!, match[2]!);
    else result.push(item);
  }
  return result;
}

function isDigitString(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}

function numericPrefixLength(items: readonly string[]): number {
  let count = 0;
  while (count < items.length && isDigitString(items[count]!)) count++;
  return count;
}

/** A compiled prefix pattern: the split items, and a numeric fast path. */
class PrefixPattern {
  readonly #items: readonly string[];
  readonly #numericLength: number;
  /** Epoch then release numbers, when every item is a plain canonical number. */
  readonly #numbers: readonly number[] | undefined;

  constructor(prefix: string) {
    // `canonicalize_version(prefix, strip_trailing_zero=False)`: normalized, or the text itself.
    this.#items = splitVersionText(canonicalVersionText(prefix) ?? prefix);
    this.#numericLength = numericPrefixLength(this.#items);
    const canonical = this.#numericLength === this.#items.length &&
      this.#items.every((item) =>
        (item === "0" || item.charCodeAt(0) !== 0x30) && item.length <= 15
      );
    this.#numbers = canonical ? this.#items.map(Number) : undefined;
  }

  /** Whether `version` (its public part) starts with this prefix, zero-padded. */
  matches(version: Version): boolean {
    const numbers = this.#numbers;
    if (numbers !== undefined && !version.hasHugeNumbers) {
      if (version.epoch !== numbers[0]) return false;
      const release = version.release;
      for (let i = 1; i < numbers.length; i++) {
        if ((release[i - 1] ?? 0) !== numbers[i]) return false;
      }
      return true;
    }
    const split = splitVersionText(version.public);
    const numericLength = numericPrefixLength(split);
    const padding = this.#numericLength - numericLength;
    const padded = padding <= 0 ? split : [
      ...split.slice(0, numericLength),
      ...new Array<string>(padding).fill("0"),
      ...split.slice(numericLength),
    ];
    const items = this.#items;
    if (padded.length < items.length) return false;
    for (let i = 0; i < items.length; i++) if (padded[i] !== items[i]) return false;
    return true;
  }
}

/** The prefix `~=` matches with: packaging's takewhile-not-suffix, minus the last item. */
function compatiblePrefix(version: string): string {
  const items = splitVersionText(version);
  const kept: string[] = [];
  for (const item of items) {
    if (
      item.startsWith("dev") || item.startsWith("a") || item.startsWith("b") ||
      item.startsWith("rc") || item.startsWith("post")
    ) break;
    kept.push(item);
  }
  kept.pop();
  return `${kept[0]}!${kept.slice(1).join(".")}`;
}

/**
 * One version specifier, such as `>=1.0`, `==1.2.*` or `===foo` (immutable).
 *
 * @example
 * ```ts
 * import { parseSpecifier } from "./specifiers.ts";
 * const spec = parseSpecifier("~= 1.4.5");
 * spec.contains("1.4.9"); // true
 * spec.contains("1.5"); // false
 * String(spec); // "~=1.4.5"
 * ```
 */
export class Specifier {
  /** The operator, e.g. `>=`. */
  readonly operator: SpecifierOperator;
  /** The version text as written (stripped; not normalized), e.g. `1.0.*`. */
  readonly version: string;

  readonly #code: number;
  /** The parsed version (for `.*`, of the part before it); undefined for unparsable `===`. */
  readonly #spec: Version | undefined;
  readonly #prefix: PrefixPattern | undefined;
  /** For `<V` with V final: the key of V.dev0, from where pre-releases of V start. */
  readonly #earliestPrereleaseKey: string | undefined;
  readonly #lowerVersion: string;

  /** Parses `text`; throws {@link InvalidSpecifierError}. Same as {@link parseSpecifier}. */
  constructor(text: string, options: SpecifierParseOptions = {}) {
    const scanned = scanSpecifier(text, options.input ?? text, options.offset ?? 0);
    this.operator = scanned.operator;
    this.version = scanned.version;
    this.#lowerVersion = scanned.version.toLowerCase();
    const version = scanned.version;
    let code: number;
    switch (scanned.operator) {
      case "===":
        code = ARBITRARY;
        break;
      case "==":
        code = version.endsWith(".*") ? WILDCARD_EQUAL : EQUAL;
        break;
      case "!=":
        code = version.endsWith(".*") ? WILDCARD_NOT_EQUAL : NOT_EQUAL;
        break;
      case "~=":
        code = COMPATIBLE;
        break;
      case "<=":
        code = LESS_EQUAL;
        break;
      case ">=":
        code = GREATER_EQUAL;
        break;
      case "<":
        code = LESS;
        break;
      case ">":
        code = GREATER;
        break;
    }
    this.#code = code;
    if (code === ARBITRARY) {
      this.#spec = tryParseVersion(version);
    } else if (code === WILDCARD_EQUAL || code === WILDCARD_NOT_EQUAL) {
      this.#spec = specifierVersion(version.slice(0, -2), scanned, options);
      this.#prefix = new PrefixPattern(version.slice(0, -2));
    } else {
      const spec = specifierVersion(version, scanned, options);
      this.#spec = spec;
      if (code === COMPATIBLE) this.#prefix = new PrefixPattern(compatiblePrefix(version));
      if (code === LESS && !spec.isPrerelease) {
        // A final (or post) release has no dev segment: V.dev0 is its earliest pre-release.
        this.#earliestPrereleaseKey = parseVersion(`${spec}.dev0`).comparisonKey;
      }
    }
  }

  /**
   * Whether this specifier names a pre-release (so admits pre-releases by
   * default): undefined for `===` with a string that is not a version.
   */
  get prereleases(): boolean | undefined {
    if (this.#code === NOT_EQUAL || this.#code === WILDCARD_NOT_EQUAL) return false;
    if (this.#code === WILDCARD_EQUAL) return false;
    return this.#spec?.isPrerelease;
  }

  /**
   * Whether `version` satisfies this specifier. Strings that are not versions
   * can only match `===`. Pre-releases match unless `prereleases` is false.
   */
  contains(version: string | Version, options: ContainsOptions = {}): boolean {
    const parsed = typeof version === "string" ? tryParseVersion(version) : version;
    if (parsed === undefined) {
      return this.#code === ARBITRARY && String(version).toLowerCase() === this.#lowerVersion;
    }
    if (options.prereleases === false && parsed.isPrerelease) return false;
    return this.matchesVersion(parsed, version);
  }

  /**
   * The operator test alone, without pre-release rules. `text` is what `===`
   * compares with (the item as given: a string, or a version's normalized form).
   */
  matchesVersion(prospective: Version, text: string | Version): boolean {
    const spec = this.#spec;
    switch (this.#code) {
      case ARBITRARY:
        return String(text).toLowerCase() === this.#lowerVersion;
      case EQUAL:
        return spec!.local === undefined
          ? prospective.publicComparisonKey === spec!.comparisonKey
          : prospective.comparisonKey === spec!.comparisonKey;
      case NOT_EQUAL:
        return spec!.local === undefined
          ? prospective.publicComparisonKey !== spec!.comparisonKey
          : prospective.comparisonKey !== spec!.comparisonKey;
      case WILDCARD_EQUAL:
        return this.#prefix!.matches(prospective);
      case WILDCARD_NOT_EQUAL:
        return !this.#prefix!.matches(prospective);
      case COMPATIBLE:
        return prospective.publicComparisonKey >= spec!.comparisonKey &&
          this.#prefix!.matches(prospective);
      case LESS_EQUAL:
        return prospective.publicComparisonKey <= spec!.comparisonKey;
      case GREATER_EQUAL:
        return prospective.publicComparisonKey >= spec!.comparisonKey;
      case LESS:
        if (!(prospective.comparisonKey < spec!.comparisonKey)) return false;
        // <V excludes pre-releases of V itself unless V is a pre-release.
        return !(this.#earliestPrereleaseKey !== undefined && prospective.isPrerelease &&
          prospective.comparisonKey >= this.#earliestPrereleaseKey);
      case GREATER:
        if (!(prospective.comparisonKey > spec!.comparisonKey)) return false;
        // >V excludes post-releases of V unless V is one, and local versions of V.
        if (
          spec!.post === undefined && prospective.post !== undefined &&
          isPostReleaseOf(prospective, spec!)
        ) return false;
        return !(prospective.local !== undefined &&
          prospective.publicComparisonKey === spec!.comparisonKey);
      default:
        return false;
    }
  }

  /** The specifier as written, normalized only in spacing: `>=1.0`. */
  toString(): string {
    return this.operator + this.version;
  }

  /**
   * packaging's canonical form, which decides duplicates in a set: `==1.0`
   * and `==1.0.0` are the same specifier.
   */
  get canonicalKey(): string {
    if (
      this.#code === ARBITRARY || this.#code === WILDCARD_EQUAL || this.#code === WILDCARD_NOT_EQUAL
    ) {
      return this.operator + this.version;
    }
    return this.operator + this.#spec!.format({ stripTrailingZero: this.#code !== COMPATIBLE });
  }
}

/**
 * Parses a specifier's version. The scanner accepts only valid spellings, so
 * this fails only for numbers Python refuses to convert (over 4300 digits),
 * which `packaging` accepts here but then fails on every use.
 */
function specifierVersion(
  text: string,
  scanned: ScannedSpecifier,
  options: SpecifierParseOptions,
): Version {
  const version = tryParseVersion(text);
  if (version !== undefined) return version;
  throw new InvalidSpecifierError(options.input ?? scanned.text, "a number has too many digits", {
    position: (options.offset ?? 0) + scanned.versionStart,
  });
}

/** Whether `prospective` without post, dev and local equals `spec` (which has no post). */
function isPostReleaseOf(prospective: Version, spec: Version): boolean {
  if (spec.dev !== undefined || prospective.epoch !== spec.epoch) return false;
  const a = prospective.pre;
  const b = spec.pre;
  if (a === undefined ? b !== undefined : b === undefined || a[0] !== b[0] || a[1] !== b[1]) {
    return false;
  }
  return prospective.comparisonKey.startsWith(releaseKeyOf(spec));
}

/** The release part of a key (epoch, trimmed release and its terminator). */
function releaseKeyOf(version: Version): string {
  const key = version.comparisonKey;
  return key.slice(0, key.indexOf("\x01") + 1);
}

/**
 * Parses one version specifier such as `>=1.0` or `==1.2.*`.
 * Throws {@link InvalidSpecifierError} naming the position of the problem.
 */
export function parseSpecifier(text: string, options: SpecifierParseOptions = {}): Specifier {
  return new Specifier(text, options);
}

/** Compares strings by code point, like Python's `str` ordering. */
function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (astral character) sorts after every BMP code unit.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * A comma-separated set of specifiers that a version must all satisfy
 * (immutable). The empty set admits every version.
 *
 * @example
 * ```ts
 * import { parseSpecifierSet } from "./specifiers.ts";
 * const set = parseSpecifierSet(">=1.0, !=1.3.*, <2");
 * set.contains("1.2"); // true
 * set.filter(["0.9", "1.3.1", "1.4", "2.0a1"]); // ["1.4"]
 * String(set); // "!=1.3.*,<2,>=1.0"
 * ```
 */
export class SpecifierSet {
  /** The specifiers, in the order written. */
  readonly specifiers: readonly Specifier[];
  readonly #hasArbitrary: boolean;
  readonly #prereleases: boolean;
  #text: string | undefined;

  /**
   * Parses a comma-separated set (throws {@link InvalidSpecifierError}), or
   * takes specifiers already parsed.
   */
  constructor(specifiers: string | Iterable<Specifier> = "", options: SpecifierParseOptions = {}) {
    if (typeof specifiers === "string") {
      const input = options.input ?? specifiers;
      const offset = options.offset ?? 0;
      const parsed: Specifier[] = [];
      let start = 0;
      for (;;) {
        const comma = specifiers.indexOf(",", start);
        const stop = comma === -1 ? specifiers.length : comma;
        const item = specifiers.slice(start, stop);
        if (stripPythonWhitespace(item) !== "") {
          parsed.push(new Specifier(item, { input, offset: offset + start }));
        }
        if (comma === -1) break;
        start = comma + 1;
      }
      this.specifiers = parsed;
    } else {
      this.specifiers = [...specifiers];
    }
    this.#hasArbitrary = this.specifiers.some((s) => s.operator === "===");
    this.#prereleases = this.specifiers.some((s) => s.prereleases === true);
  }

  /** Whether some specifier names a pre-release, so pre-releases are admitted by default. */
  get prereleases(): boolean {
    return this.#prereleases;
  }

  /** Whether the set has no specifiers (and so admits every version). */
  get isEmpty(): boolean {
    return this.specifiers.length === 0;
  }

  /**
   * Whether `version` satisfies every specifier. Pre-releases are admitted
   * unless `prereleases` is false (a single version is "all there is").
   * Strings that are not versions only satisfy `===` specifiers.
   */
  contains(version: string | Version, options: ContainsOptions = {}): boolean {
    const parsed = typeof version === "string" ? tryParseVersion(version) : version;
    const specifiers = this.specifiers;
    if (parsed === undefined) return this.#matchesUnparsable(String(version));
    if (options.prereleases === false && parsed.isPrerelease) return false;
    const text = this.#hasArbitrary ? version : parsed;
    for (let i = 0; i < specifiers.length; i++) {
      if (!specifiers[i]!.matchesVersion(parsed, text)) return false;
    }
    return true;
  }

  #matchesUnparsable(text: string): boolean {
    const lower = this.specifiers.length === 0 ? "" : text.toLowerCase();
    for (const specifier of this.specifiers) {
      if (specifier.operator !== "===" || specifier.version.toLowerCase() !== lower) return false;
    }
    return true;
  }

  /**
   * The items whose versions satisfy the set, in order. With `prereleases`
   * left out, pre-releases are kept when the set names one, or when no final
   * release matches (packaging 26's rule).
   */
  filter<T>(versions: Iterable<T>, options: FilterOptions<T> = {}): T[] {
    const key = options.key;
    const prereleases = options.prereleases ?? (this.#prereleases ? true : undefined);
    const specifiers = this.specifiers;
    const kept: T[] = [];
    const keptPrerelease: boolean[] = [];
    let foundFinal = false;
    for (const item of versions) {
      const value = key === undefined ? item as unknown as string | Version : key(item);
      const parsed = typeof value === "string" ? tryParseVersion(value) : value;
      if (parsed === undefined) {
        if (this.#matchesUnparsable(String(value))) {
          kept.push(item);
          keptPrerelease.push(false);
        }
        continue;
      }
      const isPrerelease = parsed.isPrerelease;
      if (prereleases === false && isPrerelease) continue;
      let ok = true;
      for (let i = 0; i < specifiers.length; i++) {
        if (!specifiers[i]!.matchesVersion(parsed, value)) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      kept.push(item);
      keptPrerelease.push(isPrerelease);
      if (!isPrerelease) foundFinal = true;
    }
    if (prereleases !== undefined || !foundFinal) return kept;
    return kept.filter((_, i) => !keptPrerelease[i]);
  }

  /** The normalized set: duplicates removed, sorted, comma-joined (`!=1.5,>=1.0`). */
  toString(): string {
    if (this.#text !== undefined) return this.#text;
    const specifiers = this.specifiers;
    if (specifiers.length <= 1) {
      return this.#text = specifiers.length === 0 ? "" : String(specifiers[0]);
    }
    const sorted = specifiers.map((s) => [String(s), s] as const)
      .sort((a, b) => compareCodePoints(a[0], b[0]));
    const seen = new Set<string>();
    const parts: string[] = [];
    for (const [text, specifier] of sorted) {
      const canonical = specifier.canonicalKey;
      if (seen.has(canonical)) continue;
      seen.add(canonical);
      parts.push(text);
    }
    return this.#text = parts.join(",");
  }
}

const setCache = new Map<string, SpecifierSet>();
const SET_CACHE_LIMIT = 4096;

/**
 * Parses a comma-separated specifier set such as `>=1.0,!=1.5,<2`
 * (whitespace allowed; empty items ignored). Results are cached.
 * Throws {@link InvalidSpecifierError} with the position in `text`.
 *
 * @example
 * ```ts
 * import { parseSpecifierSet } from "./specifiers.ts";
 * parseSpecifierSet(">=1.0").contains("2.0a1", { prereleases: false }); // false
 * ```
 */
export function parseSpecifierSet(text: string, options: SpecifierParseOptions = {}): SpecifierSet {
  const cached = setCache.get(text);
  if (cached !== undefined) return cached;
  const set = new SpecifierSet(text, options);
  if (text.length <= 256) {
    if (setCache.size >= SET_CACHE_LIMIT) setCache.clear();
    setCache.set(text, set);
  }
  return set;
}
