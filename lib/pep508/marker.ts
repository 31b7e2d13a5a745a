/**
 * PEP 508 environment markers: parsing, normalization and evaluation, with
 * the same results as packaging 26.2's `Marker`.
 *
 * The environment is a value passed in; nothing here looks at the running
 * interpreter. Keys the caller leaves out come from
 * {@link DEFAULT_MARKER_ENVIRONMENT}.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { canonicalizeName } from "../names/mod.ts";
import { parseSpecifier, type Specifier } from "../pep440/mod.ts";
import {
  decodePythonString,
  type FailFunction,
  type MarkerOperator,
  quote,
  quoteInput,
  Scanner,
} from "./scanner.ts";

export type { MarkerOperator } from "./scanner.ts";

/**
 * The values of the PEP 508 marker variables for one target environment.
 * `extra` is the extra being evaluated ("" for none).
 */
export interface MarkerEnvironment {
  /** `sys.implementation.name`, e.g. `cpython`. */
  implementation_name: string;
  /** The implementation version, e.g. `3.11.7` (with `a1`/`b1`/`rc1` for pre-releases). */
  implementation_version: string;
  /** `os.name`, e.g. `posix`. */
  os_name: string;
  /** `platform.machine()`, e.g. `x86_64`. */
  platform_machine: string;
  /** `platform.release()`, e.g. `6.1.0-18-amd64`. */
  platform_release: string;
  /** `platform.system()`, e.g. `Linux`. */
  platform_system: string;
  /** `platform.version()`, e.g. `#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1`. */
  platform_version: string;
  /** `platform.python_version()`, e.g. `3.11.7`. */
  python_full_version: string;
  /** `platform.python_implementation()`, e.g. `CPython`. */
  platform_python_implementation: string;
  /** The first two parts of the Python version, e.g. `3.11`. */
  python_version: string;
  /** `sys.platform`, e.g. `linux`. */
  sys_platform: string;
  /** The extra being evaluated, "" for none. Normalized (PEP 685) before comparison. */
  extra: string;
}

/**
 * What {@link Marker.evaluate} accepts: any subset of the marker variables,
 * plus the set-valued `extras` and `dependency_groups` that lock files
 * (PEP 751) use.
 */
export type MarkerEvaluationEnvironment = Partial<MarkerEnvironment> & {
  /** The extras selected, for markers such as `"test" in extras`. */
  readonly extras?: readonly string[];
  /** The dependency groups selected, for `"dev" in dependency_groups`. */
  readonly dependency_groups?: readonly string[];
};

/**
 * The environment markers are evaluated in when the caller does not say:
 * CPython 3.11.7 on 64-bit x86 Linux (glibc), with no extra. This is what
 * packaging's `default_environment()` returns for such an interpreter; pass
 * the real values of the target interpreter to override any of them.
 */
export const DEFAULT_MARKER_ENVIRONMENT: Readonly<MarkerEnvironment> = Object.freeze({
  implementation_name: "cpython",
  implementation_version: "3.11.7",
  os_name: "posix",
  platform_machine: "x86_64",
  platform_release: "6.1.0-18-amd64",
  platform_system: "Linux",
  platform_version: "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)",
  python_full_version: "3.11.7",
  platform_python_implementation: "CPython",
  python_version: "3.11",
  sys_platform: "linux",
  extra: "",
});

/** A marker that does not follow the PEP 508 grammar. */
export class InvalidMarkerError extends DpipError {
  /** The marker text as given. */
  readonly input: string;
  /** The offset in `input` where parsing failed. */
  readonly position: number;
  /** What is wrong, without the input (e.g. `expected a marker operator…`). */
  readonly reason: string;

  /** `reason` says what is wrong, without the input; `position` is where in `input`. */
  constructor(input: string, reason: string, position: number) {
    super(
      "invalid-marker",
      `Invalid marker ${quoteInput(input)}: ${reason} at position ${position}`,
    );
    this.name = "InvalidMarkerError";
    this.input = input;
    this.reason = reason;
    this.position = position;
  }
}

/** A marker comparison that has no meaning, such as `os_name ~= "posix"`. */
export class UndefinedComparisonError extends DpipError {
  /** `marker` is the marker's text, `reason` why the comparison has no meaning. */
  constructor(marker: string, reason: string) {
    super("undefined-marker-comparison", `Cannot evaluate marker ${quoteInput(marker)}: ${reason}`);
    this.name = "UndefinedComparisonError";
  }
}

/** A marker names a variable the evaluation environment does not have. */
export class UndefinedEnvironmentNameError extends DpipError {
  /** The missing variable. */
  readonly variable: string;

  /** `marker` is the marker's text, `variable` the name the environment lacks. */
  constructor(marker: string, variable: string) {
    super(
      "undefined-marker-variable",
      `Cannot evaluate marker ${quoteInput(marker)}: the environment has no ${
        JSON.stringify(variable)
      }`,
    );
    this.name = "UndefinedEnvironmentNameError";
    this.variable = variable;
  }
}

/** A marker variable (normalized name) or a quoted string (decoded value). */
export type MarkerOperand =
  | { readonly kind: "variable"; readonly name: string }
  | { readonly kind: "value"; readonly value: string };

/** `left operator right`, e.g. `python_version >= "3.8"`. */
export interface MarkerComparison {
  /** Always `comparison`. */
  readonly kind: "comparison";
  /** The operand before the operator. */
  readonly left: MarkerOperand;
  /** The operator, as written (`>=`, `in`, `not in`, …). */
  readonly operator: MarkerOperator;
  /** The operand after the operator. */
  readonly right: MarkerOperand;
}

/**
 * A sequence of terms joined by `and`/`or` (`and` binds tighter), written in
 * parentheses unless it is the whole marker. Kept as written, like
 * packaging, so that formatting gives the same text.
 */
export interface MarkerExpression {
  /** Always `expression`. */
  readonly kind: "expression";
  /** The comparisons and parenthesized expressions, in order. */
  readonly terms: readonly MarkerNode[];
  /** `joins[i]` joins `terms[i]` and `terms[i + 1]`. */
  readonly joins: readonly ("and" | "or")[];
}

/** A node of a marker tree. */
export type MarkerNode = MarkerComparison | MarkerExpression;

/**
 * Nesting deeper than this is refused, so hostile input cannot exhaust the
 * stack. packaging's recursive parser fails (RecursionError) two levels
 * further under Python's default recursion limit, so the two agree on all
 * but those levels.
 */
export const MAX_MARKER_NESTING = 490;

const VERSION_VARIABLES: ReadonlySet<string> = new Set([
  "implementation_version",
  "platform_release",
  "python_full_version",
  "python_version",
]);

const SET_VARIABLES: ReadonlySet<string> = new Set(["extras", "dependency_groups"]);

/**
 * Parses one side of a comparison: a variable or a quoted string.
 */
function parseOperand(scanner: Scanner): MarkerOperand {
  const variable = scanner.readVariable();
  if (variable !== undefined) return { kind: "variable", name: variable };
  const start = scanner.position;
  const raw = scanner.readQuotedString();
  if (raw !== undefined) {
    return { kind: "value", value: decodePythonString(raw, start, scanner.fail) };
  }
  const char = scanner.source.charAt(start);
  if (char === "'" || char === '"') {
    scanner.fail(`expected a closing ${char} for the string opened`, start);
  }
  const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(scanner.source.slice(start, start + 64));
  if (word !== null) {
    scanner.fail(
      `unknown marker variable ${JSON.stringify(word[0])}; expected a marker variable ` +
        `(python_version, sys_platform, extra, …) or a quoted string`,
      start,
    );
  }
  return scanner.fail(
    `expected a marker variable or a quoted string, found ${scanner.describe()}`,
    start,
  );
}

function parseOperator(scanner: Scanner): MarkerOperator {
  if (scanner.readKeyword("in")) return "in";
  if (scanner.readKeyword("not")) {
    if (!scanner.atWhitespace()) {
      scanner.fail(
        `expected whitespace after "not", found ${scanner.describe()}`,
        scanner.position,
      );
    }
    scanner.skipWhitespace();
    if (!scanner.readKeyword("in")) {
      scanner.fail(`expected "in" after "not", found ${scanner.describe()}`, scanner.position);
    }
    return "not in";
  }
  const operator = scanner.readComparisonOperator();
  if (operator !== undefined) return operator;
  return scanner.fail(
    `expected a marker operator (==, !=, <, <=, >, >=, ~=, ===, in, not in), found ${scanner.describe()}`,
    scanner.position,
  );
}

/**
 * PEP 685: the value compared with `extra` is normalized, on either side.
 * Like packaging, the parser does this only for comparisons at the top level
 * of a marker (so `(extra == "Foo")` keeps its spelling in the string form);
 * evaluation normalizes every `extra` comparison.
 */
function normalizeExtraComparison(comparison: MarkerComparison): MarkerComparison {
  const { left, right } = comparison;
  const text = (operand: MarkerOperand) => operand.kind === "value" ? operand.value : operand.name;
  if (left.kind === "variable" && left.name === "extra") {
    return { ...comparison, right: { kind: "value", value: canonicalizeName(text(right)) } };
  }
  if (right.kind === "variable" && right.name === "extra") {
    return { ...comparison, left: { kind: "value", value: canonicalizeName(text(left)) } };
  }
  return comparison;
}

function parseComparison(scanner: Scanner): MarkerComparison {
  scanner.skipWhitespace();
  const left = parseOperand(scanner);
  scanner.skipWhitespace();
  const operator = parseOperator(scanner);
  scanner.skipWhitespace();
  const right = parseOperand(scanner);
  scanner.skipWhitespace();
  return { kind: "comparison", left, operator, right };
}

function parseTerm(scanner: Scanner, depth: number): MarkerNode {
  scanner.skipWhitespace();
  let node: MarkerNode;
  const open = scanner.position;
  if (scanner.eat("(")) {
    if (depth >= MAX_MARKER_NESTING) {
      scanner.fail(`markers cannot nest more than ${MAX_MARKER_NESTING} parentheses`, open);
    }
    scanner.skipWhitespace();
    node = parseMarkerExpression(scanner, depth + 1);
    scanner.skipWhitespace();
    if (!scanner.eat(")")) {
      scanner.fail(
        `expected "and", "or" or ")" to close the "(" at position ${open}, found ${scanner.describe()}`,
        scanner.position,
      );
    }
  } else {
    node = parseComparison(scanner);
  }
  scanner.skipWhitespace();
  return node;
}

/**
 * Parses `term (("and" | "or") term)*` at the scanner's position, leaving the
 * scanner after it. Used for whole markers and for the part of a requirement
 * after `;`.
 */
export function parseMarkerExpression(scanner: Scanner, depth = 0): MarkerExpression {
  const terms = [parseTerm(scanner, depth)];
  const joins: ("and" | "or")[] = [];
  for (let join = scanner.readBooleanOperator(); join !== undefined;) {
    joins.push(join);
    terms.push(parseTerm(scanner, depth));
    join = scanner.readBooleanOperator();
  }
  if (depth === 0) {
    terms.forEach((term, i) => {
      if (term.kind === "comparison") terms[i] = normalizeExtraComparison(term);
    });
  }
  return { kind: "expression", terms, joins };
}

function formatOperand(operand: MarkerOperand): string {
  return operand.kind === "variable" ? operand.name : `"${operand.value}"`;
}

/** packaging's formatting: one-term groups lose their parentheses. */
function formatNode(node: MarkerNode, outermost: boolean): string {
  if (node.kind === "comparison") {
    return `${formatOperand(node.left)} ${node.operator} ${formatOperand(node.right)}`;
  }
  const [only] = node.terms;
  if (node.terms.length === 1 && only !== undefined) return formatNode(only, true);
  let text = "";
  node.terms.forEach((term, i) => {
    text += (i === 0 ? "" : ` ${node.joins[i - 1]} `) + formatNode(term, false);
  });
  return outermost ? text : `(${text})`;
}

function collectVariables(node: MarkerNode, into: Set<string>): void {
  if (node.kind === "expression") {
    for (const term of node.terms) collectVariables(term, into);
    return;
  }
  if (node.left.kind === "variable") into.add(node.left.name);
  if (node.right.kind === "variable") into.add(node.right.name);
}

/** Environment lookup used during one evaluation. */
type Lookup = (variable: string) => string | readonly string[] | undefined;

const specifierCache = new Map<string, Specifier | null>();

/** `Specifier(operator + value)`, or null when that is not a valid specifier; cached. */
function markerSpecifier(text: string): Specifier | null {
  let specifier = specifierCache.get(text);
  if (specifier !== undefined) return specifier;
  try {
    specifier = parseSpecifier(text);
  } catch {
    specifier = null;
  }
  if (specifierCache.size >= 4096) specifierCache.clear();
  specifierCache.set(text, specifier);
  return specifier;
}

/** String comparison as packaging does it; undefined for `~=` and `===`, which need versions. */
function compareStrings(
  operator: MarkerOperator,
  left: string,
  right: string,
): boolean | undefined {
  switch (operator) {
    case "in":
      return right.includes(left);
    case "not in":
      return !right.includes(left);
    case "==":
    case "<=":
    case ">=":
      return left === right;
    case "!=":
      return left !== right;
    case "<":
    case ">":
      return false;
    case "===":
    case "~=":
      return undefined;
  }
}

/** A string against a set (`"a" in extras`); undefined for `~=` and `===`. */
function compareWithSet(
  operator: MarkerOperator,
  left: string,
  right: readonly string[],
): boolean | undefined {
  switch (operator) {
    case "in":
      return right.includes(left);
    case "not in":
      return !right.includes(left);
    case "!=":
      return true;
    case "==":
    case "<=":
    case ">=":
    case "<":
    case ">":
      return false;
    case "===":
    case "~=":
      return undefined;
  }
}

function evaluateComparison(
  comparison: MarkerComparison,
  lookup: Lookup,
  source: () => string,
): boolean {
  const { left, operator, right } = comparison;
  const resolve = (variable: string) => {
    const value = lookup(variable);
    if (value === undefined) throw new UndefinedEnvironmentNameError(source(), variable);
    return value;
  };
  let key: string;
  let leftValue: string | readonly string[];
  let rightValue: string | readonly string[];
  if (left.kind === "variable") {
    key = left.name;
    leftValue = resolve(key);
    rightValue = right.kind === "value" ? right.value : right.name;
  } else {
    leftValue = left.value;
    key = right.kind === "value" ? right.value : right.name;
    rightValue = resolve(key);
  }
  if (typeof leftValue !== "string") {
    throw new UndefinedComparisonError(
      source(),
      `${quote(key)} is a set and can only be on the right of "in" or "not in"`,
    );
  }
  if (SET_VARIABLES.has(key)) {
    leftValue = canonicalizeName(leftValue);
    rightValue = typeof rightValue === "string"
      ? canonicalizeName(rightValue)
      : rightValue.map((item) => canonicalizeName(item));
  }
  let result: boolean | undefined;
  if (typeof rightValue !== "string") {
    result = compareWithSet(operator, leftValue, rightValue);
  } else {
    if (key === "extra") {
      // The environment's extra is normalized already; normalize the marker's side too.
      if (left.kind === "variable") rightValue = canonicalizeName(rightValue);
      else leftValue = canonicalizeName(leftValue);
    }
    if (VERSION_VARIABLES.has(key)) {
      const specifier = markerSpecifier(operator + rightValue);
      if (specifier !== null) return specifier.contains(leftValue, { prereleases: true });
    }
    result = compareStrings(operator, leftValue, rightValue);
  }
  if (result === undefined) {
    const strings = `${quote(operator)} cannot compare strings`;
    throw new UndefinedComparisonError(
      source(),
      VERSION_VARIABLES.has(key)
        ? `${quote(operator + String(rightValue))} is not a valid version specifier, and ${strings}`
        : `${strings} (${quote(leftValue)} ${operator} ${quote(String(rightValue))})`,
    );
  }
  return result;
}

/** Evaluates every comparison (as packaging does, so errors surface the same way). */
function evaluateNode(node: MarkerNode, lookup: Lookup, source: () => string): boolean {
  if (node.kind === "comparison") return evaluateComparison(node, lookup, source);
  let anyGroup = false;
  let group = true;
  node.terms.forEach((term, i) => {
    if (i > 0 && node.joins[i - 1] === "or") {
      anyGroup ||= group;
      group = true;
    }
    const value = evaluateNode(term, lookup, source);
    group &&= value;
  });
  return anyGroup || group;
}

/**
 * A parsed environment marker. `String(marker)` is the normalized form,
 * identical to packaging's `str(Marker(...))`.
 */
export class Marker {
  /** The parsed tree, as written (parentheses kept). */
  readonly expression: MarkerExpression;
  #text: string | undefined;
  #variables: ReadonlySet<string> | undefined;

  /** A marker from a parsed tree (see {@link parseMarker}). */
  constructor(expression: MarkerExpression) {
    this.expression = expression;
  }

  /**
   * Evaluates the marker. Variables not in `environment` take their values
   * from {@link DEFAULT_MARKER_ENVIRONMENT}; `extra` defaults to "".
   * Version variables compare as PEP 440 versions when both sides are
   * versions, and as strings otherwise, as packaging does.
   *
   * @throws {UndefinedComparisonError} for comparisons with no meaning (`os_name ~= "x"`).
   * @throws {UndefinedEnvironmentNameError} for variables the environment lacks (`extras`).
   * @example
   * ```ts
   * import { parseMarker } from "./marker.ts";
   * parseMarker('python_version >= "3.8" and extra == "test"')
   *   .evaluate({ python_version: "3.12", extra: "Test" }); // true
   * ```
   */
  evaluate(environment: MarkerEvaluationEnvironment = {}): boolean {
    const extra = environment.extra;
    const normalizedExtra = extra ? canonicalizeName(extra) : "";
    const lookup: Lookup = (variable) => {
      if (variable === "extra") return normalizedExtra;
      const given = (environment as Record<string, string | readonly string[] | undefined>)[
        variable
      ];
      const value = given ??
        (DEFAULT_MARKER_ENVIRONMENT as unknown as Record<string, string | undefined>)[variable];
      if (variable === "python_full_version" && typeof value === "string" && value.endsWith("+")) {
        return value + "local";
      }
      return value;
    };
    return evaluateNode(this.expression, lookup, () => this.toString());
  }

  /**
   * Evaluates the marker for a requirement of a distribution installed with
   * `extras`, as pip does: with no extras, `extra` is ""; otherwise the marker
   * holds when it holds for at least one of the extras.
   *
   * @example
   * ```ts
   * import { parseMarker } from "./marker.ts";
   * parseMarker('extra == "socks"').evaluateWithExtras({}, ["security", "socks"]); // true
   * ```
   */
  evaluateWithExtras(
    environment: MarkerEvaluationEnvironment,
    extras: readonly string[],
  ): boolean {
    if (extras.length === 0) return this.evaluate({ ...environment, extra: "" });
    return extras.some((extra) => this.evaluate({ ...environment, extra }));
  }

  /**
   * The variables the marker reads, normalized (`os.name` is `os_name`).
   * `marker.variables().has("extra")` tells whether it depends on an extra.
   */
  variables(): ReadonlySet<string> {
    if (this.#variables === undefined) {
      const found = new Set<string>();
      collectVariables(this.expression, found);
      this.#variables = found;
    }
    return this.#variables;
  }

  /** The normalized form, as packaging's `str(Marker(...))`. */
  toString(): string {
    this.#text ??= formatNode(this.expression, true);
    return this.#text;
  }
}

function markerFailure(text: string): FailFunction {
  return (reason, position) => {
    throw new InvalidMarkerError(text, reason, position);
  };
}

/**
 * Parses a PEP 508 environment marker (the part after `;` in a requirement).
 * The values compared with `extra` are normalized (PEP 685).
 *
 * @throws {InvalidMarkerError} naming the input, the position and what was expected.
 * @example
 * ```ts
 * import { parseMarker } from "./marker.ts";
 * String(parseMarker("os_name=='nt' and extra == 'Foo_Bar'"));
 * // 'os_name == "nt" and extra == "foo-bar"'
 * ```
 */
export function parseMarker(text: string): Marker {
  const scanner: Scanner = new Scanner(text, markerFailure(text));
  const expression = parseMarkerExpression(scanner);
  if (!scanner.atEnd()) {
    scanner.fail(
      `expected "and", "or" or end of input, found ${scanner.describe()}`,
      scanner.position,
    );
  }
  return new Marker(expression);
}

/**
 * Like {@link parseMarker}, but returns `undefined` for an invalid marker.
 *
 * @example
 * ```ts
 * import { tryParseMarker } from "./marker.ts";
 * tryParseMarker("os_name =="); // undefined
 * ```
 */
export function tryParseMarker(text: string): Marker | undefined {
  try {
    return parseMarker(text);
  } catch (error) {
    if (error instanceof InvalidMarkerError) return undefined;
    throw error;
  }
}
