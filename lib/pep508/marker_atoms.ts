/**
 * Marker comparisons as value sets of the algebra's variables, with exactly
 * the meaning `Marker.evaluate` (and packaging 26.2) gives them:
 *
 * - `python_version` and `python_full_version` become one variable, the full
 *   version, over final releases (`python_version >= "3.9"` is
 *   `python_full_version >= 3.9.0`); `implementation_version` is another.
 *   Specifiers are taken over final releases, so `>= "3.13.0rc1"` is
 *   `>= 3.13.0`.
 * - String variables (`sys_platform`, `os_name`, `extra`, …) become finite
 *   or co-finite sets, with packaging's string rules: `<` and `>` are never
 *   true, `<=` and `>=` mean equality; `extra` values are normalized.
 * - What cannot be described by a set stays whole as an opaque comparison
 *   ({@link Atom}): substring tests (`in`, `not in`), `===`,
 *   `platform_release` (a version or a string depending on the machine),
 *   `"x" in extras`, and comparisons that raise when evaluated. Opaque
 *   comparisons are independent variables, which keeps every result sound:
 *   the algebra may miss that two of them exclude each other, never the
 *   reverse.
 *
 * @module
 */

import { canonicalizeName } from "../names/mod.ts";
import { parseSpecifier, type Specifier, tryParseVersion, type Version } from "../pep440/mod.ts";
import {
  type DomainSet,
  hasSafeNumbers,
  minorsToFull,
  rangesOfSpecifier,
  StringSet,
  trimRelease,
  VersionRanges,
} from "./marker_domains.ts";
import { type Atom, FALSE, type Node, test, TRUE, type Variable } from "./marker_dd.ts";
import {
  DEFAULT_MARKER_ENVIRONMENT,
  Marker,
  type MarkerComparison,
  type MarkerOperator,
} from "./marker.ts";
import { comparisonText } from "./marker_print.ts";

/** The full Python version (`python_version` is mapped onto it). */
export const PYTHON: Variable = { key: "python_full_version", rank: 0, kind: "version" };
/** `implementation_version`. */
export const IMPLEMENTATION_VERSION: Variable = {
  key: "implementation_version",
  rank: 20,
  kind: "version",
};
/** `extra` (normalized names). */
export const EXTRA: Variable = { key: "extra", rank: 30, kind: "string" };

const STRING_VARIABLES = new Map<string, Variable>(
  [
    "implementation_name",
    "os_name",
    "platform_machine",
    "platform_python_implementation",
    "platform_system",
    "platform_version",
    "sys_platform",
  ].map((key, i): [string, Variable] => [key, { key, rank: 10 + i, kind: "string" }]),
);

/** The variable of a string-valued marker variable, or undefined. */
export function stringVariable(name: string): Variable | undefined {
  return STRING_VARIABLES.get(name);
}

const ATOM_RANK = 40;
const atoms = new Map<string, Variable>();

const NEGATED: Partial<Record<MarkerOperator, MarkerOperator>> = {
  "==": "!=",
  "!=": "==",
  "in": "not in",
  "not in": "in",
};

/**
 * The node for an opaque comparison. `negatable` says whether swapping its
 * operator (`==`/`!=`, `in`/`not in`) gives its exact negation; the node of
 * `x != y` is then the negation of the node of `x == y`, so the two are known
 * to exclude each other.
 */
function opaque(comparison: MarkerComparison, negatable: boolean): Node {
  const swapped = negatable ? NEGATED[comparison.operator] : undefined;
  let positive = comparison;
  let holds = true;
  if (swapped !== undefined && (comparison.operator === "!=" || comparison.operator === "not in")) {
    positive = { ...comparison, operator: swapped };
    holds = false;
  }
  const text = comparisonText(positive);
  const negation = swapped === undefined
    ? undefined
    : comparisonText({ ...positive, operator: NEGATED[positive.operator]! });
  const single = new Marker({ kind: "expression", terms: [positive], joins: [] });
  const variable = atomVariable(`atom:${text}`, {
    text,
    ...(negation === undefined ? {} : { negation }),
    holds: (environment) => single.evaluate(environment),
  });
  const set = StringSet.of(["1"]);
  return test(variable, holds ? set : set.complement());
}

/** The variable of an opaque atom, made once per key. */
export function atomVariable(key: string, atom: Atom): Variable {
  let variable = atoms.get(key);
  if (variable === undefined) {
    variable = { key, rank: ATOM_RANK, kind: "string", atom };
    atoms.set(key, variable);
  }
  return variable;
}

/** A constant, or the test of `variable` against `set`. */
function setNode(variable: Variable, set: DomainSet): Node {
  if (set.isEmpty()) return FALSE;
  if (set.isFull()) return TRUE;
  return test(variable, set);
}

const KNOWN_VARIABLES = new Set([
  ...Object.keys(DEFAULT_MARKER_ENVIRONMENT),
  "extras",
  "dependency_groups",
]);

/**
 * The node of one comparison (see the module docs).
 *
 * @example
 * ```ts
 * import { parseMarker } from "./marker.ts";
 * import { comparisonNode } from "./marker_atoms.ts";
 * const [comparison] = parseMarker('python_version >= "3.9"').expression.terms;
 * comparisonNode(comparison as never).variable?.key; // "python_full_version"
 * ```
 */
export function comparisonNode(comparison: MarkerComparison): Node {
  const { left, operator, right } = comparison;
  if (left.kind === "variable") {
    const literal = right.kind === "value" ? right.value : right.name;
    return variableNode(comparison, { key: left.name, operator, literal, reversed: false });
  }
  // The right side is looked up as a variable even when written as a string.
  const key = right.kind === "variable" ? right.name : right.value;
  if (!KNOWN_VARIABLES.has(key)) return opaque(comparison, false);
  return variableNode(comparison, { key, operator, literal: left.value, reversed: true });
}

interface Comparison {
  /** The variable looked up. */
  readonly key: string;
  readonly operator: MarkerOperator;
  /** The other side's text. */
  readonly literal: string;
  /** True when the variable is on the right (`"3.8" < python_version`). */
  readonly reversed: boolean;
}

function variableNode(comparison: MarkerComparison, c: Comparison): Node {
  switch (c.key) {
    case "extras":
    case "dependency_groups":
      return setMembership(comparison, c);
    case "extra":
      return stringComparison(comparison, EXTRA, { ...c, literal: canonicalizeName(c.literal) });
    case "python_version":
    case "python_full_version":
    case "implementation_version":
      return versionComparison(comparison, c);
    case "platform_release":
      return platformRelease(comparison, c);
  }
  const variable = STRING_VARIABLES.get(c.key);
  return variable === undefined
    ? opaque(comparison, false)
    : stringComparison(comparison, variable, c);
}

/** `"x" in extras`: an opaque membership; other operators are constants or errors. */
function setMembership(comparison: MarkerComparison, c: Comparison): Node {
  // A set on the left of a comparison is an error when evaluated.
  if (!c.reversed) return opaque(comparison, false);
  switch (c.operator) {
    case "in":
    case "not in":
      return opaque(
        { ...comparison, left: { kind: "value", value: canonicalizeName(c.literal) } },
        true,
      );
    case "!=":
      return TRUE;
    case "==":
    case "<=":
    case ">=":
    case "<":
    case ">":
      return FALSE;
    case "~=":
    case "===":
      return opaque(comparison, false);
  }
}

/** packaging's string comparisons: `<`/`>` never hold, `<=`/`>=` are equality. */
function stringComparison(comparison: MarkerComparison, variable: Variable, c: Comparison): Node {
  switch (c.operator) {
    case "==":
    case "<=":
    case ">=":
      return setNode(variable, StringSet.of([c.literal]));
    case "!=":
      return setNode(variable, StringSet.of([c.literal], true));
    case "<":
    case ">":
      return FALSE;
    case "in":
    case "not in":
      return opaque(comparison, true);
    case "~=":
    case "===":
      return opaque(comparison, false); // raises when evaluated
  }
}

/**
 * `platform_release` compares as versions where both sides are versions and
 * as strings otherwise, so only string-only comparisons have a negation.
 */
function platformRelease(comparison: MarkerComparison, c: Comparison): Node {
  if (c.operator === "in" || c.operator === "not in") return opaque(comparison, true);
  const stringOnly = tryParseSpecifier(`${c.operator}${c.literal}`) === undefined &&
    (c.operator === "==" || c.operator === "!=");
  return opaque(comparison, stringOnly && !c.reversed);
}

function tryParseSpecifier(text: string): Specifier | undefined {
  try {
    return parseSpecifier(text);
  } catch {
    return undefined;
  }
}

/** The version variable a key stands for, and how its values map onto it. */
function versionVariable(key: string): { variable: Variable; minor: boolean } {
  if (key === "implementation_version") return { variable: IMPLEMENTATION_VERSION, minor: false };
  return { variable: PYTHON, minor: key === "python_version" };
}

function versionComparison(comparison: MarkerComparison, c: Comparison): Node {
  if (c.operator === "in" || c.operator === "not in") return opaque(comparison, true);
  if (c.operator === "===") return opaque(comparison, false);
  const { variable, minor } = versionVariable(c.key);
  let ranges: VersionRanges | undefined;
  if (!c.reversed) {
    const specifier = tryParseSpecifier(`${c.operator}${c.literal}`);
    if (specifier === undefined) return invalidSpecifier(comparison, c.operator);
    ranges = rangesOfSpecifier(specifier);
    if (ranges === undefined) {
      return opaque(comparison, c.operator === "==" || c.operator === "!=");
    }
  } else {
    const literal = tryParseVersion(c.literal);
    // The interpreter's version is the specifier; a literal that is no version matches nothing.
    if (literal === undefined) return c.operator === "~=" ? opaque(comparison, false) : FALSE;
    ranges = reversedRanges(c.operator, literal);
    if (ranges === undefined) return opaque(comparison, false);
  }
  return setNode(variable, minor ? minorsToFull(ranges) : ranges);
}

/** A comparison whose other side is no valid specifier compares strings (packaging's fallback). */
function invalidSpecifier(comparison: MarkerComparison, operator: MarkerOperator): Node {
  switch (operator) {
    case "!=":
      return TRUE;
    case "==":
    case "<=":
    case ">=":
    case "<":
    case ">":
      // An interpreter's version string is a valid version, which this text is not.
      return FALSE;
    default:
      return opaque(comparison, false); // `~=` raises
  }
}

/**
 * The final releases `E` for which `Specifier(operator + E)` contains
 * `literal` (a comparison written with the variable on the right).
 */
function reversedRanges(operator: MarkerOperator, literal: Version): VersionRanges | undefined {
  if (!hasSafeNumbers(literal) || operator === "~=") return undefined;
  if (literal.epoch !== 0) {
    // Later than every final release of epoch 0.
    return operator === ">" || operator === ">=" || operator === "!="
      ? VersionRanges.FULL
      : VersionRanges.EMPTY;
  }
  const release = trimRelease(literal.release);
  const exact = literal.pre === undefined && literal.dev === undefined &&
    literal.post === undefined;
  const below = literal.pre !== undefined ||
    (literal.post === undefined && literal.dev !== undefined);
  const at = (inclusive: boolean) => ({ release, inclusive });
  switch (operator) {
    case "==":
    case "!=": {
      const equal = exact ? VersionRanges.point(release) : VersionRanges.EMPTY;
      return operator === "==" ? equal : equal.complement();
    }
    case "<": // literal < E, a pre-release of E excepted
      return VersionRanges.of([{ lower: at(false) }]);
    case "<=": // public(literal) <= E
      return VersionRanges.of([{ lower: at(exact || below) }]);
    case ">": // literal > E, post-releases and local versions of E excepted
      return VersionRanges.of([{ upper: at(false) }]);
    case ">=": // public(literal) >= E
      return VersionRanges.of([{ upper: at(!below) }]);
    default:
      return undefined;
  }
}
