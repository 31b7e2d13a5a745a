/**
 * PEP 508 dependency specifiers (`name[extras] (specifiers) ; marker` and
 * `name[extras] @ url ; marker`), accepted and normalized exactly as
 * packaging 26.2's `Requirement`.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { parseSpecifierSet, type SpecifierSet } from "../pep440/mod.ts";
import { Marker, parseMarkerExpression } from "./marker.ts";
import { type FailFunction, localLabelEnd, quoteInput, Scanner } from "./scanner.ts";

/** A requirement that does not follow the PEP 508 grammar. */
export class InvalidRequirementError extends DpipError {
  /** The requirement text as given. */
  readonly input: string;
  /** The offset in `input` where parsing failed. */
  readonly position: number;
  /** What is wrong, without the input (e.g. `expected a version after ">="`). */
  readonly reason: string;

  /** `reason` says what is wrong, without the input; `position` is where in `input`. */
  constructor(input: string, reason: string, position: number, options: { cause?: unknown } = {}) {
    super(
      "invalid-requirement",
      `Invalid requirement ${quoteInput(input)}: ${reason} at position ${position}`,
      options,
    );
    this.name = "InvalidRequirementError";
    this.input = input;
    this.reason = reason;
    this.position = position;
  }
}

/** The parts of a requirement; see {@link Requirement}. */
export interface RequirementParts {
  /** The project name as written. */
  readonly name: string;
  /** The extras as written. */
  readonly extras: readonly string[];
  /** The version specifiers (empty for none). */
  readonly specifier: SpecifierSet;
  /** The URL of a `name @ url` requirement. */
  readonly url?: string;
  /** The environment marker after `;`. */
  readonly marker?: Marker;
}

/**
 * A parsed PEP 508 requirement. `String(requirement)` is the normalized form,
 * identical to packaging's `str(Requirement(...))`.
 */
export class Requirement implements RequirementParts {
  /** The project name as written (normalize it with `canonicalizeName`). */
  readonly name: string;
  /** The extras as written, without duplicates, sorted. */
  readonly extras: readonly string[];
  /** The version specifiers (empty for none or for a URL requirement). */
  readonly specifier: SpecifierSet;
  /** The URL of a `name @ url` requirement. */
  readonly url?: string;
  /** The environment marker after `;`. */
  readonly marker?: Marker;

  /** A requirement from parts already parsed and checked (see {@link parseRequirement}). */
  constructor(parts: RequirementParts) {
    this.name = parts.name;
    this.extras = parts.extras;
    this.specifier = parts.specifier;
    if (parts.url !== undefined) this.url = parts.url;
    if (parts.marker !== undefined) this.marker = parts.marker;
  }

  /** The normalized form, as packaging's `str(Requirement(...))`. */
  toString(): string {
    let text = this.name;
    if (this.extras.length > 0) text += `[${this.extras.join(",")}]`;
    text += String(this.specifier);
    if (this.url !== undefined) text += ` @ ${this.url}${this.marker === undefined ? "" : " "}`;
    if (this.marker !== undefined) text += `; ${this.marker}`;
    return text;
  }
}

/** `[ extra (, extra)* ]` after the name; [] when there is no `[`. */
function parseExtras(scanner: Scanner): string[] {
  const open = scanner.position;
  if (!scanner.eat("[")) return [];
  scanner.skipWhitespace();
  const extras: string[] = [];
  const first = scanner.readIdentifier();
  if (first !== undefined) {
    extras.push(first);
    for (;;) {
      scanner.skipWhitespace();
      const at = scanner.position;
      if (scanner.readIdentifier() !== undefined) {
        scanner.fail(`expected "," between extra names, found ${scanner.describe(at)}`, at);
      }
      if (!scanner.eat(",")) break;
      scanner.skipWhitespace();
      const extra = scanner.readIdentifier();
      if (extra === undefined) {
        scanner.fail(
          `expected an extra name after ",", found ${scanner.describe()}`,
          scanner.position,
        );
      }
      extras.push(extra);
    }
  }
  scanner.skipWhitespace();
  if (!scanner.eat("]")) {
    const expected = first === undefined ? `an extra name or "]"` : `"," or "]"`;
    scanner.fail(
      `expected ${expected} to close the "[" at position ${open}, found ${scanner.describe()}`,
      scanner.position,
    );
  }
  return extras;
}

const OPERATOR_PREFIX = /^(===|==|~=|!=|<=|>=|<|>)[ \t]*/;

/**
 * Explains why no version specifier could be read at `at`: a known operator
 * with a bad or missing version gets a specific message.
 */
function failBadSpecifier(scanner: Scanner, at: number, otherwise: string): never {
  const before = scanner.position;
  scanner.position = at;
  const next = scanner.readSpecifier();
  scanner.position = before;
  if (next !== undefined) {
    scanner.fail(`expected "," before the version specifier ${JSON.stringify(next)}`, at);
  }
  const match = OPERATOR_PREFIX.exec(scanner.source.slice(at, at + 8));
  if (match === null) scanner.fail(`${otherwise}, found ${scanner.describe(at)}`, at);
  const [whole, operator] = match;
  const versionAt = at + whole.length;
  if (
    operator === "~=" &&
    /^v?([0-9]+!)?[0-9]+(?![.0-9])/i.test(scanner.source.slice(versionAt, versionAt + 40))
  ) {
    scanner.fail(`"~=" needs a version with at least two parts, like "~=2.0"`, versionAt);
  }
  const found = versionAt >= scanner.source.length ? "" : `, found ${scanner.describe(versionAt)}`;
  return scanner.fail(`expected a version after ${JSON.stringify(operator)}${found}`, versionAt);
}

/** `specifier ( , specifier )*` as packaging's tokenizer reads it, joined without spaces. */
function parseSpecifierList(scanner: Scanner): string {
  let text = "";
  for (;;) {
    const start = scanner.position;
    const token = scanner.readSpecifier();
    if (token === undefined) break;
    text += token;
    const equality = token.startsWith("==") || token.startsWith("!=");
    if (scanner.peek(".*")) {
      scanner.fail(
        equality
          ? `unexpected ".*" after ${JSON.stringify(token)}`
          : `".*" can only be used with "==" or "!=", not in ${JSON.stringify(token + ".*")}`,
        start,
      );
    }
    const labelEnd = localLabelEnd(scanner.source, scanner.position, false);
    if (labelEnd !== scanner.position) {
      const label = JSON.stringify(scanner.source.slice(scanner.position, labelEnd));
      scanner.fail(
        equality
          ? `unexpected ${label} after ${JSON.stringify(token)}`
          : `a local version label (${label}) can only be used with "==" or "!="`,
        start,
      );
    }
    scanner.skipWhitespace();
    if (!scanner.eat(",")) break;
    text += ",";
    scanner.skipWhitespace();
  }
  return text;
}

/** The version specifiers, optionally in parentheses. */
function parseSpecifierPart(scanner: Scanner): string {
  const open = scanner.position;
  const parenthesized = scanner.eat("(");
  scanner.skipWhitespace();
  const text = parseSpecifierList(scanner);
  scanner.skipWhitespace();
  if (parenthesized && !scanner.eat(")")) {
    const at = scanner.position;
    const expected = text === "" || text.endsWith(",")
      ? `a version specifier or ")"`
      : `"," or ")"`;
    failBadSpecifier(scanner, at, `expected ${expected} to close the "(" at position ${open}`);
  }
  return text;
}

function requirementFailure(text: string): FailFunction {
  return (reason, position) => {
    throw new InvalidRequirementError(text, reason, position);
  };
}

/**
 * Parses a PEP 508 requirement, accepting exactly what packaging 26.2 accepts.
 *
 * @throws {InvalidRequirementError} naming the input, the position and what was expected.
 * @example
 * ```ts
 * import { parseRequirement } from "./requirement.ts";
 * const requirement = parseRequirement("Foo [b, a] (>= 1.0, < 2) ; python_version < '3.12'");
 * requirement.extras; // ["a", "b"]
 * String(requirement); // 'Foo[a,b]<2,>=1.0; python_version < "3.12"'
 * ```
 */
export function parseRequirement(text: string): Requirement {
  const scanner: Scanner = new Scanner(text, requirementFailure(text));
  scanner.skipWhitespace();
  const name = scanner.readIdentifier();
  if (name === undefined) {
    scanner.fail(`expected a package name, found ${scanner.describe()}`, scanner.position);
  }
  scanner.skipWhitespace();
  const extras = parseExtras(scanner);
  scanner.skipWhitespace();

  let url: string | undefined;
  let specifierText = "";
  let specifierStart = scanner.position;
  let marker: Marker | undefined;
  if (scanner.eat("@")) {
    scanner.skipWhitespace();
    url = scanner.readUrl();
    if (url === undefined) scanner.fail(`expected a URL after "@"`, scanner.position);
    // The URL runs to the first space or tab, so what follows is whitespace or the end.
    scanner.skipWhitespace();
    if (!scanner.atEnd() && !scanner.peek(";")) {
      const hint = url.endsWith(";")
        ? ` (the ";" right after the URL is part of it: put a space before ";")`
        : "";
      scanner.fail(
        `expected ";" or end of input after the URL, found ${scanner.describe()}${hint}`,
        scanner.position,
      );
    }
  } else {
    specifierStart = scanner.position;
    specifierText = parseSpecifierPart(scanner);
    scanner.skipWhitespace();
    if (!scanner.atEnd() && !scanner.peek(";")) {
      failBadSpecifier(
        scanner,
        scanner.position,
        specifierText === ""
          ? `expected a version specifier, "@ URL", ";" or end of input after the name`
          : `expected ",", ";" or end of input after the version specifier`,
      );
    }
  }
  if (scanner.eat(";")) {
    marker = new Marker(parseMarkerExpression(scanner));
    scanner.skipWhitespace();
  }
  if (!scanner.atEnd()) {
    scanner.fail(
      `expected "and", "or" or end of input after the marker, found ${scanner.describe()}`,
      scanner.position,
    );
  }
  let specifier: SpecifierSet;
  try {
    specifier = parseSpecifierSet(specifierText);
  } catch (error) {
    throw new InvalidRequirementError(
      text,
      `invalid version specifier ${JSON.stringify(specifierText)}`,
      specifierStart,
      { cause: error },
    );
  }
  return new Requirement({
    name,
    extras: [...new Set(extras)].sort(),
    specifier,
    ...(url === undefined ? {} : { url }),
    ...(marker === undefined ? {} : { marker }),
  });
}

/**
 * Like {@link parseRequirement}, but returns `undefined` for an invalid requirement.
 *
 * @example
 * ```ts
 * import { tryParseRequirement } from "./requirement.ts";
 * tryParseRequirement("foo>="); // undefined
 * ```
 */
export function tryParseRequirement(text: string): Requirement | undefined {
  try {
    return parseRequirement(text);
  } catch (error) {
    if (error instanceof InvalidRequirementError) return undefined;
    throw error;
  }
}
