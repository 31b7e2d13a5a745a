/**
 * The character-level scanner shared by the requirement and marker parsers.
 *
 * Each `read*` method recognizes one token of the PEP 508 grammar at the
 * current position, the way packaging's tokenizer does (including its quirks:
 * Python's Unicode `\s` and `\b`, `$` matching before one final newline, and
 * the exact prefix its version specifier pattern accepts), and advances past it
 * or returns `undefined` without moving. Everything is a linear scan; the
 * few regular expressions (for error messages) see a few dozen characters at
 * most, so hostile input cannot make parsing slow.
 *
 * @module
 */

/** Raises the error of the calling parser: `reason` at `position` in the source. */
export type FailFunction = (reason: string, position: number) => never;

/** The operators of a marker comparison, spelled as in the normalized form. */
export type MarkerOperator = "===" | "==" | "~=" | "!=" | "<=" | ">=" | "<" | ">" | "in" | "not in";

/** Python's `str.isspace()`, which is also what `\s` matches in a `str` pattern. */
export function isPythonSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code >= 0x1c;
  if (code < 0x85) return false;
  return code === 0x85 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000;
}

const WORD_CHARACTER = /[\p{L}\p{N}_]/u;

/** Python's `\w` for `str` patterns: a Unicode letter or number, or `_`. */
function isWordCodePoint(codePoint: number): boolean {
  if (codePoint < 0x80) {
    return (codePoint >= 48 && codePoint <= 57) || (codePoint >= 65 && codePoint <= 90) ||
      (codePoint >= 97 && codePoint <= 122) || codePoint === 95;
  }
  return WORD_CHARACTER.test(String.fromCodePoint(codePoint));
}

/** Whether the character at `at` is a word character (false at the end). */
function isWordAt(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (code < 0x80) return isWordCodePoint(code);
  const codePoint = text.codePointAt(at);
  return codePoint !== undefined && isWordCodePoint(codePoint);
}

/** Whether the character before `at` is a word character (false at the start). */
function isWordBefore(text: string, at: number): boolean {
  if (at <= 0) return false;
  const low = text.charCodeAt(at - 1);
  if (low < 0x80) return isWordCodePoint(low);
  const start = low >= 0xdc00 && low <= 0xdfff && at >= 2 ? at - 2 : at - 1;
  const codePoint = text.codePointAt(start);
  return codePoint !== undefined && isWordCodePoint(codePoint);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isAsciiAlphanumeric(code: number): boolean {
  return isDigit(code) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** `-`, `_` or `.`: the separators inside a version. */
function isVersionSeparator(code: number): boolean {
  return code === 45 || code === 95 || code === 46;
}

/** The spellings of marker variables packaging accepts, and their normalized names. */
const MARKER_VARIABLES: readonly (readonly [string, string])[] = [
  ["python_version", "python_version"],
  ["python_full_version", "python_full_version"],
  ["os_name", "os_name"],
  ["os.name", "os_name"],
  ["sys_platform", "sys_platform"],
  ["sys.platform", "sys_platform"],
  ["platform_release", "platform_release"],
  ["platform_system", "platform_system"],
  ["platform_version", "platform_version"],
  ["platform.version", "platform_version"],
  ["platform_machine", "platform_machine"],
  ["platform.machine", "platform_machine"],
  ["platform_python_implementation", "platform_python_implementation"],
  ["platform.python_implementation", "platform_python_implementation"],
  ["python_implementation", "platform_python_implementation"],
  ["implementation_name", "implementation_name"],
  ["implementation_version", "implementation_version"],
  ["extra", "extra"],
  ["extras", "extras"],
  ["dependency_groups", "dependency_groups"],
];

/** {@link MARKER_VARIABLES} by first letter, to try few spellings at each position. */
const VARIABLES_BY_INITIAL: ReadonlyMap<string, readonly (readonly [string, string])[]> = (() => {
  const map = new Map<string, (readonly [string, string])[]>();
  for (const entry of MARKER_VARIABLES) {
    const initial = entry[0].charAt(0);
    map.set(initial, [...(map.get(initial) ?? []), entry]);
  }
  return map;
})();

const PRE_RELEASE_WORDS = ["alpha", "beta", "preview", "pre", "a", "b", "c", "rc"];
const POST_RELEASE_WORDS = ["post", "rev", "r"];
const DEV_RELEASE_WORDS = ["dev"];

/**
 * Whether `text` at `at` spells `word` (lowercase ASCII) ignoring case. With
 * `unicodeFold`, also the non-ASCII letters Python's case-insensitive matching
 * equates with ASCII ones (`ı`, `İ` for `i`; `ſ` for `s`).
 */
function matchesWord(text: string, at: number, word: string, unicodeFold: boolean): boolean {
  if (at + word.length > text.length) return false;
  for (let i = 0; i < word.length; i++) {
    const want = word.charCodeAt(i);
    const code = text.charCodeAt(at + i);
    if (code === want || code === want - 32) continue;
    if (unicodeFold && want === 105 && (code === 0x130 || code === 0x131)) continue;
    if (unicodeFold && want === 115 && code === 0x17f) continue;
    return false;
  }
  return true;
}

/** The end of the first of `words` found at `at`, in order, or -1. */
function firstWordEnd(
  text: string,
  at: number,
  words: readonly string[],
  unicodeFold: boolean,
): number {
  for (const word of words) {
    if (matchesWord(text, at, word, unicodeFold)) return at + word.length;
  }
  return -1;
}

function digitsEnd(text: string, at: number): number {
  while (at < text.length && isDigit(text.charCodeAt(at))) at++;
  return at;
}

function pythonSpaceEnd(text: string, at: number): number {
  while (at < text.length && isPythonSpace(text.charCodeAt(at))) at++;
  return at;
}

/** `[-_.]? WORD [-_.]? [0-9]*`: a pre-, post- or dev-release part; returns `at` when absent. */
function releasePartEnd(
  text: string,
  at: number,
  words: readonly string[],
  unicodeFold: boolean,
): number {
  const start = isVersionSeparator(text.charCodeAt(at)) ? at + 1 : at;
  let end = firstWordEnd(text, start, words, unicodeFold);
  if (end === -1) return at;
  if (isVersionSeparator(text.charCodeAt(end))) end++;
  return digitsEnd(text, end);
}

/** `\+[a-z0-9]+([-_.][a-z0-9]+)*`, case-insensitive or not; returns `at` when absent. */
export function localLabelEnd(text: string, at: number, ignoreCase: boolean): number {
  const isLabelCharacter = (code: number) =>
    isDigit(code) || (code >= 97 && code <= 122) || (ignoreCase && code >= 65 && code <= 90);
  if (text.charCodeAt(at) !== 43) return at;
  let end = at + 1;
  if (!isLabelCharacter(text.charCodeAt(end))) return at;
  while (isLabelCharacter(text.charCodeAt(end))) end++;
  while (isVersionSeparator(text.charCodeAt(end)) && isLabelCharacter(text.charCodeAt(end + 1))) {
    end += 2;
    while (isLabelCharacter(text.charCodeAt(end))) end++;
  }
  return end;
}

/**
 * The end of the version specifier starting at `at` (one operator and its
 * version, as packaging's specifier pattern accepts as a prefix), or -1.
 */
function specifierEnd(text: string, at: number): number {
  if (text.startsWith("===", at)) {
    let end = pythonSpaceEnd(text, at + 3);
    while (end < text.length) {
      const code = text.charCodeAt(end);
      if (isPythonSpace(code) || code === 59 || code === 41) break;
      end++;
    }
    return end;
  }
  const first = text.charCodeAt(at);
  const secondIsEquals = text.charCodeAt(at + 1) === 61;
  let kind: "equality" | "compatible" | "ordered";
  let end: number;
  if ((first === 61 || first === 33) && secondIsEquals) [kind, end] = ["equality", at + 2];
  else if (first === 126 && secondIsEquals) [kind, end] = ["compatible", at + 2];
  else if (first === 60 || first === 62) {
    [kind, end] = ["ordered", secondIsEquals ? at + 2 : at + 1];
  } else return -1;
  end = pythonSpaceEnd(text, end);
  if (text.charCodeAt(end) === 118 || text.charCodeAt(end) === 86) end++;
  const epochDigits = digitsEnd(text, end);
  if (epochDigits === end) return -1;
  if (text.charCodeAt(epochDigits) === 33 && isDigit(text.charCodeAt(epochDigits + 1))) {
    end = epochDigits + 1;
  }
  end = digitsEnd(text, end);
  let segments = 1;
  while (text.charCodeAt(end) === 46 && isDigit(text.charCodeAt(end + 1))) {
    end = digitsEnd(text, end + 1);
    segments++;
  }
  if (kind === "compatible" && segments < 2) return -1;
  if (kind === "equality" && text.startsWith(".*", end)) return end + 2;
  const unicodeFold = kind === "compatible";
  end = releasePartEnd(text, end, PRE_RELEASE_WORDS, unicodeFold);
  if (text.charCodeAt(end) === 45 && isDigit(text.charCodeAt(end + 1))) {
    end = digitsEnd(text, end + 1);
  } else {
    end = releasePartEnd(text, end, POST_RELEASE_WORDS, unicodeFold);
  }
  end = releasePartEnd(text, end, DEV_RELEASE_WORDS, unicodeFold);
  if (kind === "equality") end = localLabelEnd(text, end, true);
  return end;
}

/**
 * A position in a PEP 508 source string, with a reader for each token.
 * Parsers move it forward; `fail` raises the caller's error type.
 */
export class Scanner {
  /** The whole input. */
  readonly source: string;
  /** The offset of the next unread character. */
  position = 0;
  /** Raises the parse error for this source. */
  readonly fail: FailFunction;

  constructor(source: string, fail: FailFunction) {
    this.source = source;
    this.fail = fail;
  }

  /** Python's `\b` at `at`: a word character on exactly one side. */
  isWordBoundary(at: number): boolean {
    return isWordBefore(this.source, at) !== isWordAt(this.source, at);
  }

  /** Skips `[ \t]*`. */
  skipWhitespace(): void {
    const text = this.source;
    let at = this.position;
    while (at < text.length) {
      const code = text.charCodeAt(at);
      if (code !== 32 && code !== 9) break;
      at++;
    }
    this.position = at;
  }

  /** Whether `[ \t]` comes next. */
  atWhitespace(): boolean {
    const code = this.source.charCodeAt(this.position);
    return code === 32 || code === 9;
  }

  /** Python's `$`: the end of the input, or just before one final newline. */
  atEnd(): boolean {
    const rest = this.source.length - this.position;
    return rest === 0 || (rest === 1 && this.source.charCodeAt(this.position) === 10);
  }

  /** Whether `char` comes next. */
  peek(char: string): boolean {
    return this.source.startsWith(char, this.position);
  }

  /** Reads `char` if it comes next. */
  eat(char: string): boolean {
    if (!this.peek(char)) return false;
    this.position += char.length;
    return true;
  }

  /** `\b[a-zA-Z0-9][a-zA-Z0-9._-]*\b`: a package or extra name. */
  readIdentifier(): string | undefined {
    const text = this.source;
    const start = this.position;
    if (!isAsciiAlphanumeric(text.charCodeAt(start)) || !this.isWordBoundary(start)) {
      return undefined;
    }
    let end = start + 1;
    while (end < text.length) {
      const code = text.charCodeAt(end);
      if (!isAsciiAlphanumeric(code) && !isVersionSeparator(code)) break;
      end++;
    }
    while (end > start && !this.isWordBoundary(end)) end--;
    if (end === start) return undefined;
    this.position = end;
    return text.slice(start, end);
  }

  /** A marker variable, normalized (`os.name` → `os_name`, `python_implementation` → `platform_python_implementation`). */
  readVariable(): string | undefined {
    const start = this.position;
    const candidates = VARIABLES_BY_INITIAL.get(this.source.charAt(start));
    if (candidates === undefined || !this.isWordBoundary(start)) return undefined;
    for (const [spelling, name] of candidates) {
      if (this.source.startsWith(spelling, start) && this.isWordBoundary(start + spelling.length)) {
        this.position = start + spelling.length;
        return name;
      }
    }
    return undefined;
  }

  /** `'[^']*'` or `"[^"]*"`, quotes included. */
  readQuotedString(): string | undefined {
    const quote = this.source.charAt(this.position);
    if (quote !== "'" && quote !== '"') return undefined;
    const close = this.source.indexOf(quote, this.position + 1);
    if (close === -1) return undefined;
    const raw = this.source.slice(this.position, close + 1);
    this.position = close + 1;
    return raw;
  }

  /** `\b(or|and)\b`. */
  readBooleanOperator(): "and" | "or" | undefined {
    if (this.#readKeyword("or")) return "or";
    if (this.#readKeyword("and")) return "and";
    return undefined;
  }

  /** `\bWORD\b` for a keyword such as `in` or `not`. */
  readKeyword(word: "in" | "not"): boolean {
    return this.#readKeyword(word);
  }

  #readKeyword(word: string): boolean {
    const start = this.position;
    if (!this.source.startsWith(word, start)) return false;
    if (!this.isWordBoundary(start) || !this.isWordBoundary(start + word.length)) return false;
    this.position = start + word.length;
    return true;
  }

  /** One of `=== == ~= != <= >= < >`. */
  readComparisonOperator(): MarkerOperator | undefined {
    const at = this.position;
    const first = this.source.charCodeAt(at);
    const secondIsEquals = this.source.charCodeAt(at + 1) === 61;
    let operator: MarkerOperator | undefined;
    if (first === 61) {
      if (secondIsEquals) operator = this.source.charCodeAt(at + 2) === 61 ? "===" : "==";
    } else if (first === 33 || first === 126) {
      if (secondIsEquals) operator = first === 33 ? "!=" : "~=";
    } else if (first === 60) {
      operator = secondIsEquals ? "<=" : "<";
    } else if (first === 62) {
      operator = secondIsEquals ? ">=" : ">";
    }
    if (operator !== undefined) this.position = at + operator.length;
    return operator;
  }

  /** `[^ \t]+`: a URL after `@`. */
  readUrl(): string | undefined {
    const text = this.source;
    const start = this.position;
    let end = start;
    while (end < text.length) {
      const code = text.charCodeAt(end);
      if (code === 32 || code === 9) break;
      end++;
    }
    if (end === start) return undefined;
    this.position = end;
    return text.slice(start, end);
  }

  /** One version specifier (operator and version) as packaging's tokenizer reads it. */
  readSpecifier(): string | undefined {
    const end = specifierEnd(this.source, this.position);
    if (end === -1) return undefined;
    const token = this.source.slice(this.position, end);
    this.position = end;
    return token;
  }

  /** A short quoted excerpt of what comes at `at`, or "end of input", for messages. */
  describe(at: number = this.position): string {
    const text = this.source;
    if (at >= text.length) return "end of input";
    let end = at;
    while (end < text.length && end - at < 20) {
      const code = text.charCodeAt(end);
      if (code === 32 || code === 9 || (end > at && (code === 44 || code === 59))) break;
      end++;
    }
    if (end === at) end = at + 1;
    const excerpt = text.slice(at, end) + (end < text.length && end - at >= 20 ? "…" : "");
    return quote(excerpt);
  }
}

/**
 * Quotes text for a one-line message: double quotes with JSON escapes, or
 * single quotes when the text has double quotes but no single ones (markers).
 */
export function quote(text: string): string {
  const json = JSON.stringify(text);
  if (!text.includes('"') || text.includes("'")) return json;
  return `'${json.slice(1, -1).replaceAll('\\"', '"')}'`;
}

/** Quotes an input for an error message, shortening very long ones. */
export function quoteInput(text: string): string {
  if (text.length <= 200) return quote(text);
  return `${quote(text.slice(0, 100) + "…")} (${text.length} characters)`;
}

/** Characters that make a quoted string more than its text between the quotes. */
const PLAIN_STRING_BREAKERS = /[\\\n\r\0]/;

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
};

function isOctalDigit(code: number): boolean {
  return code >= 48 && code <= 55;
}

function isHexDigit(code: number): boolean {
  return isDigit(code) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

/**
 * The value of a quoted marker string as Python's `ast.literal_eval` gives it:
 * backslash escapes are decoded, unknown escapes are kept, and a line break,
 * NUL or bad escape is an error. `\N{name}` escapes are not supported.
 */
export function decodePythonString(raw: string, start: number, fail: FailFunction): string {
  if (!PLAIN_STRING_BREAKERS.test(raw)) return raw.slice(1, -1);
  let out = "";
  const end = raw.length - 1;
  let i = 1;
  while (i < end) {
    const char = raw.charAt(i);
    if (char === "\0") fail("a quoted string cannot contain a NUL character", start + i);
    if (char === "\n" || char === "\r") {
      fail("a quoted string cannot contain a line break", start + i);
    }
    if (char !== "\\") {
      out += char;
      i++;
      continue;
    }
    if (i + 1 >= end) fail(`a quoted string cannot end with a lone backslash`, start + i);
    const next = raw.charAt(i + 1);
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      i += 2;
    } else if (next === "\n") {
      i += 2;
    } else if (next === "\r") {
      i += raw.charAt(i + 2) === "\n" ? 3 : 2;
    } else if (next >= "0" && next <= "7") {
      let digits = 1;
      while (digits < 3 && isOctalDigit(raw.charCodeAt(i + 1 + digits))) digits++;
      out += String.fromCodePoint(parseInt(raw.slice(i + 1, i + 1 + digits), 8));
      i += 1 + digits;
    } else if (next === "x" || next === "u" || next === "U") {
      const width = next === "x" ? 2 : next === "u" ? 4 : 8;
      const hex = raw.slice(i + 2, i + 2 + width);
      let valid = hex.length === width && i + 2 + width <= end;
      for (let k = 0; valid && k < width; k++) valid = isHexDigit(hex.charCodeAt(k));
      if (!valid) {
        fail(
          `truncated "\\${next}" escape in a quoted string (needs ${width} hex digits)`,
          start + i,
        );
      }
      const codePoint = parseInt(hex, 16);
      if (codePoint > 0x10ffff) fail(`"\\${next}${hex}" is not a Unicode character`, start + i);
      out += String.fromCodePoint(codePoint);
      i += 2 + width;
    } else if (next === "N") {
      fail(`"\\N{...}" escapes are not supported in quoted strings`, start + i);
    } else {
      out += "\\";
      i++;
    }
  }
  return out;
}
