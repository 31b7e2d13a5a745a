/**
 * Writes a node of the marker algebra back as PEP 508 marker text: an `or`
 * of `and`s read off the diagram, with the usual simplifications (a value
 * already accepted on its own need not be excluded again: `a or (not a and
 * b)` is written `a or b`; terms implied by others are dropped), values
 * quoted so that `parseMarker` reads them back. Python versions are written
 * with `python_version` where the bounds fall on minor versions and
 * `python_full_version` elsewhere.
 *
 * PEP 508 has no `not`: an opaque comparison whose negation has no
 * spelling (an ordered comparison on `platform_release`, `===`) is left out
 * where its negation would be needed, so the text then holds in at least
 * every environment the node does.
 *
 * @module
 */

import {
  type DomainSet,
  formatRelease,
  type Interval,
  StringSet,
  VersionRanges,
} from "./marker_domains.ts";
import {
  complementSet,
  type Edge,
  FALSE,
  MarkerComplexityError,
  type Node,
  TRUE,
  unionSets,
  type Variable,
} from "./marker_dd.ts";
import type { MarkerComparison } from "./marker.ts";

/** At most this many `or` terms are written out; past it the nested form is used. */
const MAX_TERMS = 512;

/** One literal of a term: the variable and the values it may take. */
interface Literal {
  readonly variable: Variable;
  readonly set: DomainSet;
}

type Term = readonly Literal[];

/** Quotes a marker value so that the marker parser reads back exactly `value`. */
export function quoteMarkerValue(value: string): string {
  const quote = value.includes('"') && !value.includes("'") ? "'" : '"';
  let out = "";
  for (const char of value) {
    if (char === "\\") out += "\\\\";
    else if (char === quote) out += quote === '"' ? "\\x22" : "\\x27";
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\0") out += "\\x00";
    else out += char;
  }
  return `${quote}${out}${quote}`;
}

/** A comparison as marker text, its values quoted by {@link quoteMarkerValue}. */
export function comparisonText(comparison: MarkerComparison): string {
  const side = (operand: MarkerComparison["left"]) =>
    operand.kind === "variable" ? operand.name : quoteMarkerValue(operand.value);
  return `${side(comparison.left)} ${comparison.operator} ${side(comparison.right)}`;
}

/** The comparisons of one literal, to be joined by `join`; undefined when it says nothing. */
function literalParts(literal: Literal): { parts: string[]; join: "and" | "or" } | undefined {
  const { variable, set } = literal;
  if (variable.atom !== undefined) {
    const text = (set as StringSet).contains("1") ? variable.atom.text : variable.atom.negation;
    return text === undefined ? undefined : { parts: [text], join: "and" };
  }
  if (set instanceof StringSet) {
    const op = set.negated ? "!=" : "==";
    return {
      parts: set.values.map((value) => `${variable.key} ${op} ${quoteMarkerValue(value)}`),
      join: set.negated ? "and" : "or",
    };
  }
  return versionParts(variable.key, set as VersionRanges);
}

/** Whether a bound is at a minor version (`3.9` exactly), so `python_version` can say it. */
function atMinor(release: readonly number[]): boolean {
  return release.length <= 2;
}

function versionParts(key: string, ranges: VersionRanges): { parts: string[]; join: "and" | "or" } {
  const python = key === "python_full_version";
  const holes = ranges.complement();
  // One value excluded: `!=`.
  if (holes.intervals.length === 1 && ranges.intervals.length === 2) {
    const hole = holes.intervals[0]!;
    const minor = python ? minorOf(hole) : undefined;
    if (minor !== undefined) return { parts: [`python_version != "${minor}"`], join: "and" };
    if (isPoint(hole)) {
      return { parts: [`${key} != "${formatValue(key, hole.lower!.release)}"`], join: "and" };
    }
  }
  if (ranges.intervals.length === 1) {
    return { parts: intervalParts(key, ranges.intervals[0]!, python), join: "and" };
  }
  return {
    parts: ranges.intervals.map((interval) => {
      const parts = intervalParts(key, interval, python);
      return parts.length === 1 ? parts[0]! : `(${parts.join(" and ")})`;
    }),
    join: "or",
  };
}

/** A version value: `python_full_version` ones with three numbers (`3.9.0`), others with two. */
function formatValue(key: string, release: readonly number[]): string {
  return formatRelease(release, key === "python_full_version" ? 3 : 2);
}

function isPoint(interval: Interval): boolean {
  const { lower, upper } = interval;
  return lower !== undefined && upper !== undefined && lower.inclusive && upper.inclusive &&
    formatRelease(lower.release) === formatRelease(upper.release);
}

/** `3.9` when the interval is exactly `[3.9, 3.10)`. */
function minorOf(interval: Interval): string | undefined {
  const { lower, upper } = interval;
  if (lower === undefined || upper === undefined || !lower.inclusive || upper.inclusive) {
    return undefined;
  }
  const [a = 0, b = 0] = lower.release;
  if (!atMinor(lower.release) || !atMinor(upper.release)) return undefined;
  const [c = 0, d = 0] = upper.release;
  return a === c && d === b + 1 ? `${a}.${b}` : undefined;
}

function intervalParts(key: string, interval: Interval, python: boolean): string[] {
  const minor = python ? minorOf(interval) : undefined;
  if (minor !== undefined) return [`python_version == "${minor}"`];
  if (isPoint(interval)) return [`${key} == "${formatValue(key, interval.lower!.release)}"`];
  const parts: string[] = [];
  const { lower, upper } = interval;
  if (lower !== undefined) {
    if (python && lower.inclusive && atMinor(lower.release)) {
      parts.push(`python_version >= "${formatRelease(lower.release, 2)}"`);
    } else {
      parts.push(`${key} ${lower.inclusive ? ">=" : ">"} "${formatValue(key, lower.release)}"`);
    }
  }
  if (upper !== undefined) {
    if (python && !upper.inclusive && atMinor(upper.release)) {
      parts.push(`python_version < "${formatRelease(upper.release, 2)}"`);
    } else {
      parts.push(`${key} ${upper.inclusive ? "<=" : "<"} "${formatValue(key, upper.release)}"`);
    }
  }
  return parts;
}

function literalText(literal: Literal, inConjunction: boolean): string | undefined {
  const spelled = literalParts(literal);
  if (spelled === undefined || spelled.parts.length === 0) return undefined;
  const text = spelled.parts.join(` ${spelled.join} `);
  return inConjunction && spelled.join === "or" && spelled.parts.length > 1 ? `(${text})` : text;
}

/** A term's text, and whether it needs parentheses among `or`s (it has an `and`). */
function termText(term: Term): { text: string; compound: boolean } {
  const parts: string[] = [];
  let joinsWithAnd = false;
  for (const literal of term) {
    const text = literalText(literal, term.length > 1);
    if (text === undefined) continue;
    parts.push(text);
    const spelled = literalParts(literal);
    if (spelled !== undefined && spelled.join === "and" && spelled.parts.length > 1) {
      joinsWithAnd = true;
    }
  }
  return { text: parts.join(" and "), compound: parts.length > 1 || joinsWithAnd };
}

/** How many comparisons a literal takes to write (fewer is simpler). */
function cost(literal: Literal): number {
  if (literal.set.isFull()) return 0;
  return literalParts(literal)?.parts.length ?? 0;
}

/** The terms of `node`, or undefined when there are more than {@link MAX_TERMS}. */
function termsOf(node: Node, memo: Map<number, Term[] | undefined>): Term[] | undefined {
  if (node === TRUE) return [[]];
  if (node === FALSE) return [];
  if (memo.has(node.id)) return memo.get(node.id);
  const variable = node.variable!;
  let accepted: DomainSet | undefined;
  for (const edge of node.edges) {
    if (edge.child === TRUE) {
      accepted = accepted === undefined ? edge.set : unionSets(accepted, edge.set);
    }
  }
  const terms: Term[] = [];
  if (accepted !== undefined) terms.push([{ variable, set: accepted }]);
  for (const edge of ordered(node.edges)) {
    if (edge.child === TRUE || edge.child === FALSE) continue;
    const below = termsOf(edge.child, memo);
    if (below === undefined || terms.length + below.length > MAX_TERMS) {
      memo.set(node.id, undefined);
      return undefined;
    }
    // Values already accepted on their own may be let in here too, if that is simpler.
    let literal: Literal = { variable, set: edge.set };
    if (accepted !== undefined) {
      const widened = { variable, set: unionSets(edge.set, accepted) };
      if (cost(widened) <= cost(literal)) literal = widened;
    }
    for (const term of below) terms.push(literal.set.isFull() ? term : [literal, ...term]);
  }
  const result = withoutImplied(terms);
  memo.set(node.id, result);
  return result;
}

/** Edges in a stable order: by their sets' canonical keys. */
function ordered(edges: readonly Edge[]): Edge[] {
  return [...edges].sort((a, b) => (a.set.key < b.set.key ? -1 : a.set.key > b.set.key ? 1 : 0));
}

/** Whether every environment of `narrow` is one of `wide` (by literals). */
function implies(narrow: Term, wide: Term): boolean {
  return wide.every((w) => {
    const n = narrow.find((literal) => literal.variable === w.variable);
    if (n === undefined) return w.set.isFull();
    return isSubset(n.set, w.set);
  });
}

function isSubset(a: DomainSet, b: DomainSet): boolean {
  if (a instanceof VersionRanges && b instanceof VersionRanges) return a.isSubsetOf(b);
  return (a as StringSet).intersect(complementSet(b) as StringSet).isEmpty();
}

/** Drops terms that another term implies (keeping the first of equal ones). */
function withoutImplied(terms: Term[]): Term[] {
  return terms.filter((term, i) =>
    !terms.some((other, j) => j !== i && implies(term, other) && (!implies(other, term) || j < i))
  );
}

/** The longest nested form written (past it the marker is too complex). */
const MAX_NESTED_LENGTH = 100_000;

/** The nested form `(x and (…)) or …`, for diagrams with too many terms to list. */
function nestedText(node: Node, memo: Map<number, string>): string {
  if (node === TRUE) return "";
  const known = memo.get(node.id);
  if (known !== undefined) return known;
  const pieces: string[] = [];
  for (const edge of ordered(node.edges)) {
    if (edge.child === FALSE) continue;
    const literal = literalText({ variable: node.variable!, set: edge.set }, true);
    const below = nestedText(edge.child, memo);
    const piece = [literal, below === "" ? undefined : `(${below})`]
      .filter((part) => part !== undefined).join(" and ");
    if (piece === "") {
      memo.set(node.id, "");
      return "";
    }
    pieces.push(piece);
  }
  const text = pieces.length === 1 ? pieces[0]! : pieces.map((piece) => `(${piece})`).join(" or ");
  if (text.length > MAX_NESTED_LENGTH) throw new MarkerComplexityError();
  memo.set(node.id, text);
  return text;
}

/**
 * The marker text of `node`: `""` for one that always holds, and
 * `python_version < "0"` (true nowhere) for one that never does.
 *
 * @throws {MarkerComplexityError} when even the nested form is too long to write.
 */
export function printNode(node: Node): string {
  if (node === FALSE) return 'python_version < "0"';
  const terms = termsOf(node, new Map());
  if (terms === undefined) return nestedText(node, new Map());
  const texts = terms.map(termText);
  if (texts.some((term) => term.text === "")) return "";
  if (texts.length === 1) return texts[0]!.text;
  return texts.map((term) => term.compound ? `(${term.text})` : term.text).join(" or ");
}
