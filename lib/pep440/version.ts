/**
 * PEP 440 versions: parsing every accepted spelling, normalization, and the
 * total order, exactly as `packaging` 26.2 does.
 *
 * The parser is a hand-written, single-pass scanner with no backtracking, so
 * hostile inputs of any length fail in linear time. Parsed versions are cached
 * in a bounded map, and each version lazily builds one comparison key (a
 * string whose `<` order is the PEP 440 order), so sorting and specifier checks
 * do not allocate per comparison.
 *
 * @module
 */

import { DpipError } from "../errors.ts";

/** A normalized pre-release letter. */
export type PreReleaseLetter = "a" | "b" | "rc";

/**
 * The parts of a version, for building one without a string.
 * Numbers larger than `Number.MAX_SAFE_INTEGER` may be given as `bigint`
 * to keep them exact in `toString()` and in comparisons.
 */
export interface VersionParts {
  /** The epoch (`1!`), 0 when left out. */
  epoch?: number | bigint;
  /** The release segment, at least one number. */
  release: readonly (number | bigint)[];
  /** The pre-release segment, e.g. `["rc", 1]`. */
  pre?: readonly [PreReleaseLetter, number | bigint];
  /** The post-release number. */
  post?: number | bigint;
  /** The development release number. */
  dev?: number | bigint;
  /** The local version label, e.g. `ubuntu-1` (normalized to `ubuntu.1`). */
  local?: string;
}

/** Bad input to {@link parseVersion}: the text is not a PEP 440 version. */
export class InvalidVersionError extends DpipError {
  /** The text that failed to parse. */
  readonly input: string;
  /** Where in `input` the problem was found (UTF-16 index), if known. */
  readonly position?: number;

  /** `input` is the text given, `detail` what is wrong with it (without the input). */
  constructor(input: string, detail: string, options: { position?: number } = {}) {
    const where = options.position === undefined ? "" : ` at position ${options.position}`;
    super("invalid-version", `Invalid version ${quoteInput(input)}: ${detail}${where}`);
    this.name = "InvalidVersionError";
    this.input = input;
    if (options.position !== undefined) this.position = options.position;
  }
}

/** JSON-quotes `text` for a one-line message, shortening very long inputs. */
export function quoteInput(text: string): string {
  if (text.length <= 80) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, 60))}… (${text.length} characters)`;
}

/** Describes the character at `position` for an error message. */
export function describeCharacter(text: string, position: number): string {
  if (position >= text.length) return "end of input";
  const code = text.codePointAt(position) ?? 0;
  return JSON.stringify(String.fromCodePoint(code));
}

/**
 * Whether `code` is whitespace to Python (`str.isspace()`, and `\s` in `re`),
 * which is what `packaging` strips around versions and specifiers.
 */
export function isPythonWhitespace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code >= 0x1c;
  if (code < 0x85) return false;
  return code === 0x85 || code === 0xa0 || code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 ||
    code === 0x202f || code === 0x205f || code === 0x3000;
}

/** Strips Python whitespace from both ends, like Python's `str.strip()`. */
export function stripPythonWhitespace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isPythonWhitespace(text.charCodeAt(start))) start++;
  while (end > start && isPythonWhitespace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

// ---------------------------------------------------------------------------
// Comparison keys.
//
// A key is a string whose code-unit order is the PEP 440 order of versions,
// and two versions are equal exactly when their keys are equal. Numbers are
// encoded so that string order is numeric order: a small number n is the one
// character U+0100+n; a larger one is U+E000 + its digit count, then its
// digits. Low code units (below U+0100) act as terminators and ranks.

const SMALL_LIMIT = 0xdeff;
const RELEASE_END = "\x01";
const LOCAL_STRING = "\x02";
const LOCAL_STRING_END = "\x01";
const LOCAL_NUMBER = "\x03";

function encodeNumber(value: number): string {
  if (value <= SMALL_LIMIT) return String.fromCharCode(0x100 + value);
  const digits = String(value);
  return String.fromCharCode(0xe000 + digits.length) + digits;
}

function encodeDigits(digits: string): string {
  if (digits.length <= 5) {
    const value = Number(digits);
    if (value <= SMALL_LIMIT) return String.fromCharCode(0x100 + value);
  }
  return String.fromCharCode(0xe000 + digits.length) + digits;
}

// Pre-release ranks: dev-only < a < b < rc < none. Post: none < post. Dev: dev < none.
const PRE_RANK_DEV_ONLY = "\x10";
const PRE_RANK: Readonly<Record<PreReleaseLetter, string>> = { a: "\x11", b: "\x12", rc: "\x13" };
const PRE_RANK_NONE = "\x14";
const POST_NONE = "\x10";
const POST_SOME = "\x11";
const DEV_SOME = "\x10";
const DEV_NONE = "\x11";
const ZERO = encodeNumber(0);
const STABLE_SUFFIX = PRE_RANK_NONE + ZERO + POST_NONE + ZERO + DEV_NONE + ZERO;

/** Exact decimal text of every number, kept only for versions with numbers past 2^53. */
interface ExactNumbers {
  epoch: string;
  release: readonly string[];
  pre?: string;
  post?: string;
  dev?: string;
}

function toNumber(value: number | bigint, what: string): number {
  if (typeof value === "bigint") {
    if (value < 0n) throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
    return Number(value);
  }
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
  }
  return value;
}

function isUnsafe(value: number | bigint | undefined): boolean {
  return typeof value === "bigint" ? value > BigInt(Number.MAX_SAFE_INTEGER) : false;
}

function exactText(value: number | bigint): string {
  return typeof value === "bigint" ? value.toString() : String(value);
}

/**
 * A parsed PEP 440 version (immutable). Build one with {@link parseVersion};
 * the constructor takes already-separated parts.
 *
 * Numbers past `Number.MAX_SAFE_INTEGER` are kept exact for `toString()` and
 * comparisons; the numeric fields (`release`, `post`, ...) then hold the
 * nearest `number`.
 *
 * @example
 * ```ts
 * import { parseVersion } from "./version.ts";
 * const v = parseVersion("1.0-RC.1");
 * v.toString(); // "1.0rc1"
 * v.isPrerelease; // true
 * ```
 */
export class Version {
  /** The epoch, 0 when the version has none. */
  readonly epoch: number;
  /** The release segment, e.g. `[1, 2, 0]` for `1.2.0`. */
  readonly release: readonly number[];
  /** The pre-release segment, e.g. `["rc", 1]`. */
  readonly pre?: readonly [PreReleaseLetter, number];
  /** The post-release number. */
  readonly post?: number;
  /** The development release number. */
  readonly dev?: number;
  /** The normalized local label, e.g. `ubuntu.1`. */
  readonly local?: string;

  #exact: ExactNumbers | undefined;
  #text: string | undefined;
  #key: string | undefined;
  #publicKey: string | undefined;

  /** Builds a version from its parts (validated; the local label is normalized). */
  constructor(parts: VersionParts) {
    const release = parts.release;
    if (release.length === 0) throw new RangeError("a version needs at least one release number");
    const numbers: number[] = new Array(release.length);
    let unsafe = isUnsafe(parts.epoch) || isUnsafe(parts.pre?.[1]) || isUnsafe(parts.post) ||
      isUnsafe(parts.dev);
    for (let i = 0; i < release.length; i++) {
      const value = release[i]!;
      numbers[i] = toNumber(value, "release");
      if (!unsafe && isUnsafe(value)) unsafe = true;
    }
    this.epoch = parts.epoch === undefined ? 0 : toNumber(parts.epoch, "epoch");
    this.release = Object.freeze(numbers);
    if (parts.pre !== undefined) {
      const letter = parts.pre[0];
      if (letter !== "a" && letter !== "b" && letter !== "rc") {
        throw new RangeError(`pre-release letter must be a, b or rc, got ${letter}`);
      }
      this.pre = Object.freeze([letter, toNumber(parts.pre[1], "pre-release")] as const);
    }
    if (parts.post !== undefined) this.post = toNumber(parts.post, "post-release");
    if (parts.dev !== undefined) this.dev = toNumber(parts.dev, "development release");
    if (parts.local !== undefined) {
      const local = normalizeLocal(parts.local);
      if (local === undefined) throw new RangeError(`invalid local version label: ${parts.local}`);
      this.local = local;
    }
    if (unsafe) {
      this.#exact = {
        epoch: exactText(parts.epoch ?? 0),
        release: release.map(exactText),
      };
      if (parts.pre !== undefined) this.#exact.pre = exactText(parts.pre[1]);
      if (parts.post !== undefined) this.#exact.post = exactText(parts.post);
      if (parts.dev !== undefined) this.#exact.dev = exactText(parts.dev);
    }
  }

  /** Whether this is a pre-release: it has a pre-release or development segment. */
  get isPrerelease(): boolean {
    return this.pre !== undefined || this.dev !== undefined;
  }

  /** Whether this is a post-release. */
  get isPostrelease(): boolean {
    return this.post !== undefined;
  }

  /** Whether this is a development release. */
  get isDevrelease(): boolean {
    return this.dev !== undefined;
  }

  /** The first release number, or 0. */
  get major(): number {
    return this.release[0] ?? 0;
  }

  /** The second release number, or 0. */
  get minor(): number {
    return this.release[1] ?? 0;
  }

  /** The third release number, or 0. */
  get micro(): number {
    return this.release[2] ?? 0;
  }

  /** The normalized version without its local label: `1!1.2.3.dev1`. */
  get public(): string {
    const text = this.toString();
    if (this.local === undefined) return text;
    return text.slice(0, text.length - this.local.length - 1);
  }

  /** The epoch and release only: `1!1.2.3`. */
  get baseVersion(): string {
    return this.format({ base: true });
  }

  /**
   * A string whose order (`<`) is the PEP 440 order; equal versions
   * (`1.0` and `1.0.0`) have equal keys. Usable as a `Map` key.
   */
  get comparisonKey(): string {
    return this.#key ?? this.#buildKey();
  }

  /** Compares with `other` in PEP 440 order: negative, 0 or positive. */
  compare(other: Version): number {
    const a = this.#key ?? this.#buildKey();
    const b = other.#key ?? other.#buildKey();
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** Whether `other` is the same version in PEP 440 terms (`1.0 == 1.0.0`). */
  equals(other: Version): boolean {
    return (this.#key ?? this.#buildKey()) === (other.#key ?? other.#buildKey());
  }

  /** The normalized form, as `str(packaging.version.Version(...))`. */
  toString(): string {
    return this.#text ??= this.format();
  }

  /** The comparison key without the local label (the key of {@link public}). */
  get publicComparisonKey(): string {
    if (this.#key === undefined) this.#buildKey();
    return this.#publicKey!;
  }

  /** Whether some number in this version is past `Number.MAX_SAFE_INTEGER`. */
  get hasHugeNumbers(): boolean {
    return this.#exact !== undefined;
  }

  /**
   * The normalized text, optionally with trailing release zeros stripped
   * (packaging's `canonicalize_version`) or as the base version only.
   */
  format(options: FormatVersionOptions = {}): string {
    const exact = this.#exact;
    const release = exact?.release ?? this.release;
    let end = release.length;
    if (options.stripTrailingZero) {
      while (end > 1 && (release[end - 1] === 0 || release[end - 1] === "0")) end--;
    }
    let text = String(release[0]);
    for (let i = 1; i < end; i++) text += "." + release[i];
    if (this.epoch !== 0) text = `${exact?.epoch ?? this.epoch}!${text}`;
    if (options.base) return text;
    if (this.pre !== undefined) text += this.pre[0] + (exact?.pre ?? this.pre[1]);
    if (this.post !== undefined) text += ".post" + (exact?.post ?? this.post);
    if (this.dev !== undefined) text += ".dev" + (exact?.dev ?? this.dev);
    if (this.local !== undefined) text += "+" + this.local;
    return text;
  }

  #releaseKey(): string {
    const exact = this.#exact;
    let end = this.release.length;
    if (exact === undefined) {
      while (end > 0 && this.release[end - 1] === 0) end--;
      let key = encodeNumber(this.epoch);
      for (let i = 0; i < end; i++) key += encodeNumber(this.release[i]!);
      return key + RELEASE_END;
    }
    while (end > 0 && exact.release[end - 1] === "0") end--;
    let key = encodeDigits(exact.epoch);
    for (let i = 0; i < end; i++) key += encodeDigits(exact.release[i]!);
    return key + RELEASE_END;
  }

  #suffixKey(): string {
    const { pre, post, dev } = this;
    if (pre === undefined && post === undefined && dev === undefined) return STABLE_SUFFIX;
    const exact = this.#exact;
    const num = (value: number, text: string | undefined) =>
      text === undefined ? encodeNumber(value) : encodeDigits(text);
    let key: string;
    if (pre !== undefined) key = PRE_RANK[pre[0]] + num(pre[1], exact?.pre);
    else if (post === undefined) key = PRE_RANK_DEV_ONLY + ZERO;
    else key = PRE_RANK_NONE + ZERO;
    key += post === undefined ? POST_NONE + ZERO : POST_SOME + num(post, exact?.post);
    key += dev === undefined ? DEV_NONE + ZERO : DEV_SOME + num(dev, exact?.dev);
    return key;
  }

  #buildKey(): string {
    let key = this.#releaseKey() + this.#suffixKey();
    this.#publicKey = key;
    const local = this.local;
    if (local !== undefined) {
      for (const part of local.split(".")) {
        key += isAllDigits(part)
          ? LOCAL_NUMBER + encodeDigits(part)
          : LOCAL_STRING + part + LOCAL_STRING_END;
      }
    }
    return this.#key = key;
  }
}

function isAllDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** Options for {@link Version.format}. */
export interface FormatVersionOptions {
  /** Drop trailing zeros of the release (keeping one number), like `canonicalize_version`. */
  stripTrailingZero?: boolean;
  /** Only the epoch and release (the base version). */
  base?: boolean;
}

// ---------------------------------------------------------------------------
// Parsing.

/** Python refuses to convert integers with more digits than this (`sys.get_int_max_str_digits()`). */
const MAX_DIGITS = 4300;

const C_0 = 0x30;
const C_9 = 0x39;

function isDigit(code: number): boolean {
  return code >= C_0 && code <= C_9;
}

function isSeparator(code: number): boolean {
  return code === 0x2e || code === 0x5f || code === 0x2d; // . _ -
}

function isAlphanumeric(code: number): boolean {
  return (code >= C_0 && code <= C_9) || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a);
}

/** Whether `text` has the ASCII word `word` (lowercase) at `at`, ignoring case. */
function hasWord(text: string, at: number, end: number, word: string): boolean {
  if (at + word.length > end) return false;
  for (let i = 0; i < word.length; i++) {
    if ((text.charCodeAt(at + i) | 0x20) !== word.charCodeAt(i)) return false;
  }
  return true;
}

function skipDigits(text: string, at: number, end: number): number {
  while (at < end && isDigit(text.charCodeAt(at))) at++;
  return at;
}

/**
 * The value of the digits `text[start..stop)`: a number, a bigint past 2^53,
 * or undefined when Python would refuse the conversion (too many digits).
 */
function digitsValue(text: string, start: number, stop: number): number | bigint | undefined {
  const length = stop - start;
  if (length <= 15) {
    let value = 0;
    for (let i = start; i < stop; i++) value = value * 10 + (text.charCodeAt(i) - C_0);
    return value;
  }
  if (length > MAX_DIGITS) return undefined;
  const big = BigInt(text.slice(start, stop));
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/** The pre-release spellings, tried in `packaging`'s order: [word, normalized]. */
const PRE_WORDS: readonly (readonly [string, PreReleaseLetter])[] = [
  ["alpha", "a"],
  ["a", "a"],
  ["beta", "b"],
  ["b", "b"],
  ["preview", "rc"],
  ["pre", "rc"],
  ["c", "rc"],
  ["rc", "rc"],
];
const POST_WORDS: readonly string[] = ["post", "rev", "r"];

/** Length of the pre-release word at `at` and its letter, or undefined. */
export function matchPreWord(
  text: string,
  at: number,
  end: number,
): readonly [string, PreReleaseLetter] | undefined {
  for (const entry of PRE_WORDS) {
    if (hasWord(text, at, end, entry[0])) return entry;
  }
  return undefined;
}

/** Length of the post-release word at `at`, or 0. */
export function matchPostWord(text: string, at: number, end: number): number {
  for (const word of POST_WORDS) {
    if (hasWord(text, at, end, word)) return word.length;
  }
  return 0;
}

/** Whether the word `dev` is at `at`. */
export function matchDevWord(text: string, at: number, end: number): boolean {
  return hasWord(text, at, end, "dev");
}

/**
 * The end of a local label `[a-z0-9]+([._-][a-z0-9]+)*` starting at `at`
 * (ASCII, any case), or `at` when there is none.
 */
export function scanLocal(text: string, at: number, end: number): number {
  let position = at;
  if (position >= end || !isAlphanumeric(text.charCodeAt(position))) return at;
  for (;;) {
    while (position < end && isAlphanumeric(text.charCodeAt(position))) position++;
    if (
      position + 1 < end && isSeparator(text.charCodeAt(position)) &&
      isAlphanumeric(text.charCodeAt(position + 1))
    ) {
      position++;
      continue;
    }
    return position;
  }
}

/**
 * Normalizes a local label (`Ubuntu-01` → `ubuntu.1`), or undefined when it
 * is not one (or has a number Python would refuse to convert).
 */
export function normalizeLocal(text: string): string | undefined {
  if (text.length === 0 || scanLocal(text, 0, text.length) !== text.length) return undefined;
  return normalizeLocalRange(text, 0, text.length);
}

function normalizeLocalRange(text: string, start: number, stop: number): string | undefined {
  let result = "";
  let partStart = start;
  for (let i = start; i <= stop; i++) {
    if (i < stop && !isSeparator(text.charCodeAt(i))) continue;
    let allDigits = true;
    for (let j = partStart; j < i; j++) {
      if (!isDigit(text.charCodeAt(j))) {
        allDigits = false;
        break;
      }
    }
    if (partStart !== start) result += ".";
    if (allDigits) {
      if (i - partStart > MAX_DIGITS) return undefined;
      let first = partStart;
      while (first < i - 1 && text.charCodeAt(first) === C_0) first++;
      result += text.slice(first, i);
    } else {
      result += text.slice(partStart, i).toLowerCase();
    }
    partStart = i + 1;
  }
  return result;
}

/** Why a version failed to parse: a message and, when it helps, a position. */
interface ScanFailure {
  detail: string;
  position?: number;
}

let lastFailure: ScanFailure = { detail: "" };

function fail(detail: string, position?: number): undefined {
  lastFailure = position === undefined ? { detail } : { detail, position };
  return undefined;
}

/**
 * Scans `text` as a version. Mirrors `packaging`'s pattern (leading `v`,
 * epoch, release, pre, post, dev, local; possessive groups) in one pass.
 * Returns undefined and sets `lastFailure` when it is not a version.
 */
function scanVersion(text: string): Version | undefined {
  let end = text.length;
  let position = 0;
  while (position < end && isPythonWhitespace(text.charCodeAt(position))) position++;
  while (end > position && isPythonWhitespace(text.charCodeAt(end - 1))) end--;
  if (position === end) return fail(text.length === 0 ? "it is empty" : "it is only whitespace");

  if ((text.charCodeAt(position) | 0x20) === 0x76) position++; // v
  let start = position;
  position = skipDigits(text, position, end);
  if (position === start) {
    return fail(`expected a release number, found ${describeCharacter(text, position)}`, position);
  }
  let epoch: number | bigint = 0;
  if (position < end && text.charCodeAt(position) === 0x21) { // !
    const value = digitsValue(text, start, position);
    if (value === undefined) return fail("a number has too many digits", start);
    epoch = value;
    position++;
    start = position;
    position = skipDigits(text, position, end);
    if (position === start) {
      return fail(
        `expected a release number after the epoch, found ${describeCharacter(text, position)}`,
        position,
      );
    }
  }
  const release: (number | bigint)[] = [];
  for (;;) {
    const value = digitsValue(text, start, position);
    if (value === undefined) return fail("a number has too many digits", start);
    release.push(value);
    if (
      position + 1 < end && text.charCodeAt(position) === 0x2e &&
      isDigit(text.charCodeAt(position + 1))
    ) {
      start = position + 1;
      position = skipDigits(text, start, end);
      continue;
    }
    break;
  }

  // Pre-release: [._-]? (alpha|a|beta|b|preview|pre|c|rc) [._-]? [0-9]*
  let pre: [PreReleaseLetter, number | bigint] | undefined;
  {
    let at = position;
    if (at < end && isSeparator(text.charCodeAt(at))) at++;
    const word = matchPreWord(text, at, end);
    if (word !== undefined) {
      at += word[0].length;
      if (at < end && isSeparator(text.charCodeAt(at))) at++;
      const digitsEnd = skipDigits(text, at, end);
      const value = digitsEnd === at ? 0 : digitsValue(text, at, digitsEnd);
      if (value === undefined) return fail("a number has too many digits", at);
      pre = [word[1], value];
      position = digitsEnd;
    }
  }

  // Post-release: -[0-9]+ | [._-]? (post|rev|r) [._-]? [0-9]*
  let post: number | bigint | undefined;
  if (
    position + 1 < end && text.charCodeAt(position) === 0x2d &&
    isDigit(text.charCodeAt(position + 1))
  ) {
    const digitsEnd = skipDigits(text, position + 1, end);
    post = digitsValue(text, position + 1, digitsEnd);
    if (post === undefined) return fail("a number has too many digits", position + 1);
    position = digitsEnd;
  } else {
    let at = position;
    if (at < end && isSeparator(text.charCodeAt(at))) at++;
    const length = matchPostWord(text, at, end);
    if (length > 0) {
      at += length;
      if (at < end && isSeparator(text.charCodeAt(at))) at++;
      const digitsEnd = skipDigits(text, at, end);
      post = digitsEnd === at ? 0 : digitsValue(text, at, digitsEnd);
      if (post === undefined) return fail("a number has too many digits", at);
      position = digitsEnd;
    }
  }

  // Development release: [._-]? dev [._-]? [0-9]*
  let dev: number | bigint | undefined;
  {
    let at = position;
    if (at < end && isSeparator(text.charCodeAt(at))) at++;
    if (matchDevWord(text, at, end)) {
      at += 3;
      if (at < end && isSeparator(text.charCodeAt(at))) at++;
      const digitsEnd = skipDigits(text, at, end);
      dev = digitsEnd === at ? 0 : digitsValue(text, at, digitsEnd);
      if (dev === undefined) return fail("a number has too many digits", at);
      position = digitsEnd;
    }
  }

  let local: string | undefined;
  if (position < end && text.charCodeAt(position) === 0x2b) { // +
    const localEnd = scanLocal(text, position + 1, end);
    if (localEnd === position + 1) {
      return fail(
        `expected a local version label after "+", found ${describeCharacter(text, position + 1)}`,
        position + 1,
      );
    }
    if (localEnd !== end) return fail(`unexpected ${describeCharacter(text, localEnd)}`, localEnd);
    local = normalizeLocalRange(text, position + 1, localEnd);
    if (local === undefined) return fail("a number has too many digits", position + 1);
    position = localEnd;
  }

  if (position !== end) {
    return fail(`unexpected ${describeCharacter(text, position)}`, position);
  }
  const parts: VersionParts = { epoch, release };
  if (pre !== undefined) parts.pre = pre;
  if (post !== undefined) parts.post = post;
  if (dev !== undefined) parts.dev = dev;
  if (local !== undefined) parts.local = local;
  return new Version(parts);
}

/**
 * Parsed versions (and `null` for invalid ones), bounded: two generations,
 * so recently used entries survive when the newer one fills up.
 */
let cache = new Map<string, Version | null>();
let previousCache = new Map<string, Version | null>();
const CACHE_GENERATION_SIZE = 8192;
const CACHEABLE_LENGTH = 128;

function remember(text: string, version: Version | null): void {
  if (cache.size >= CACHE_GENERATION_SIZE) {
    previousCache = cache;
    cache = new Map();
  }
  cache.set(text, version);
}

/**
 * Parses a version without throwing: undefined when `text` is not a PEP 440 version.
 *
 * @example
 * ```ts
 * import { tryParseVersion } from "./version.ts";
 * tryParseVersion("1.0.post1")?.isPostrelease; // true
 * tryParseVersion("french toast"); // undefined
 * ```
 */
export function tryParseVersion(text: string): Version | undefined {
  const cached = cache.get(text);
  if (cached !== undefined) return cached ?? undefined;
  const older = previousCache.get(text);
  if (older !== undefined) {
    remember(text, older);
    return older ?? undefined;
  }
  const version = scanVersion(text);
  if (text.length <= CACHEABLE_LENGTH) remember(text, version ?? null);
  return version;
}

/** Versions already in the form `str(Version(text))` gives: release, pre, post, dev; no epoch or local. */
const canonicalSpelling =
  /^(?:0|[1-9]\d*)(?:\.(?:0|[1-9]\d*))*(?:(?:a|b|rc)(?:0|[1-9]\d*))?(?:\.post(?:0|[1-9]\d*))?(?:\.dev(?:0|[1-9]\d*))?$/;

/**
 * The normalized spelling of a version (`str(packaging.version.Version(text))`),
 * or undefined when `text` is not a PEP 440 version. Text already spelled that
 * way (most installed versions) is returned without parsing.
 *
 * @example
 * ```ts
 * import { canonicalVersionText } from "./version.ts";
 * canonicalVersionText("1.0-Beta.2"); // "1.0b2"
 * canonicalVersionText("2.31.0"); // "2.31.0"
 * ```
 */
export function canonicalVersionText(text: string): string | undefined {
  // Short text only: Python refuses integers of over 4300 digits, which the parser knows.
  if (text.length <= 64 && canonicalSpelling.test(text)) return text;
  const version = tryParseVersion(text);
  return version === undefined ? undefined : String(version);
}

/**
 * Parses a PEP 440 version (any accepted spelling) into its normalized form.
 * Throws {@link InvalidVersionError} when `text` is not a version.
 *
 * @example
 * ```ts
 * import { parseVersion } from "./version.ts";
 * String(parseVersion(" v1.0-1 ")); // "1.0.post1"
 * parseVersion("2!1.0a").pre; // ["a", 0]
 * ```
 */
export function parseVersion(text: string): Version {
  const version = tryParseVersion(text);
  if (version !== undefined) return version;
  scanVersion(text); // sets lastFailure (cached failures keep no detail)
  const { detail, position } = lastFailure;
  throw new InvalidVersionError(text, detail, position === undefined ? {} : { position });
}

/**
 * Compares two versions in PEP 440 order (packaging's `_cmpkey`): negative
 * when `a < b`, 0 when equal, positive when `a > b`. Strings are parsed first
 * (and throw {@link InvalidVersionError} when invalid).
 *
 * @example
 * ```ts
 * import { compareVersions } from "./version.ts";
 * ["1.0", "1.0a1", "1.0.post1", "1.0.dev0"].sort(compareVersions);
 * // ["1.0.dev0", "1.0a1", "1.0", "1.0.post1"]
 * ```
 */
export function compareVersions(a: Version | string, b: Version | string): number {
  const left = typeof a === "string" ? parseVersion(a) : a;
  const right = typeof b === "string" ? parseVersion(b) : b;
  return left.compare(right);
}
