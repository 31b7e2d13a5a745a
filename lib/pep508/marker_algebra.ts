/**
 * The algebra of environment markers: a marker as the set of environments
 * where it holds ({@link MarkerSet}), with conjunction, disjunction,
 * negation, emptiness, implication, equivalence, fixing `extra`, and a
 * simplest-form writer. What a universal (every-platform) resolution needs:
 * whether two requirements' markers can hold together, which environments
 * a fork covers, and a short marker for where each locked package applies.
 *
 * ```ts
 * import { MarkerSet } from "./marker_algebra.ts";
 * MarkerSet.parse('python_version >= "3.9" and python_version < "3.9"').isEmpty(); // true
 * MarkerSet.parse('sys_platform == "win32" or sys_platform != "win32"').isUniversal(); // true
 * ```
 *
 * The environments considered are those of real interpreters:
 * `python_version` is the first two numbers of `python_full_version`, which
 * is a final release (`3.12.4`, not `3.13.0rc1`); the results are exact for
 * every such environment and the written form evaluates, with
 * `Marker.evaluate` and with packaging, as the original does (see
 * `marker_atoms.ts` for how each comparison is read, and `marker_print.ts`
 * for the one case where the written form is wider). Pure: no I/O; every
 * operation is bounded ({@link MarkerComplexityError}).
 *
 * @module
 */

import { canonicalizeName } from "../names/mod.ts";
import { parseSpecifierSet, type SpecifierSet, tryParseVersion } from "../pep440/mod.ts";
import {
  type Bound,
  compareReleases,
  type DomainSet,
  formatRelease,
  type Interval,
  rangesOfSpecifier,
  StringSet,
  VersionRanges,
} from "./marker_domains.ts";
import {
  and,
  bounded,
  type Edge,
  FALSE,
  MarkerComplexityError,
  type Node,
  not,
  or,
  rebuildTop,
  restrict,
  TRUE,
  unionSets,
  type Variable,
} from "./marker_dd.ts";
import {
  atomVariable,
  comparisonNode,
  EXTRA,
  IMPLEMENTATION_VERSION,
  PYTHON,
  stringVariable,
} from "./marker_atoms.ts";
import { printNode } from "./marker_print.ts";
import {
  DEFAULT_MARKER_ENVIRONMENT,
  type Marker,
  type MarkerEvaluationEnvironment,
  type MarkerExpression,
  type MarkerNode,
  parseMarker,
} from "./marker.ts";

export { MarkerComplexityError } from "./marker_dd.ts";

/** Markers with more comparisons than this are kept whole (one opaque atom). */
const MAX_COMPARISONS = 256;

/**
 * The set of environments where a marker holds. Immutable; equal sets are
 * the same diagram, so {@link equals} is exact.
 */
export class MarkerSet {
  readonly #node: Node;
  #text: string | undefined;

  private constructor(node: Node) {
    this.#node = node;
  }

  /** Every environment (the marker that always holds). */
  static readonly TRUE: MarkerSet = new MarkerSet(TRUE);
  /** No environment. */
  static readonly FALSE: MarkerSet = new MarkerSet(FALSE);

  /**
   * The set of a parsed marker; `undefined` (no marker) is every environment.
   * A marker too complex to take apart is kept whole, as one opaque atom.
   */
  static of(marker: Marker | undefined): MarkerSet {
    if (marker === undefined) return MarkerSet.TRUE;
    if (countComparisons(marker.expression) > MAX_COMPARISONS) {
      return new MarkerSet(wholeMarker(marker));
    }
    try {
      return new MarkerSet(bounded(() => expressionNode(marker.expression)));
    } catch (error) {
      if (error instanceof MarkerComplexityError) return new MarkerSet(wholeMarker(marker));
      throw error;
    }
  }

  /**
   * The set of a marker's text.
   *
   * @throws {InvalidMarkerError} for text that is not a marker.
   */
  static parse(text: string): MarkerSet {
    return MarkerSet.of(parseMarker(text));
  }

  /**
   * The environments whose Python satisfies a `Requires-Python` specifier
   * (`>=3.9`): over final releases, like every Python version here.
   * Specifiers the algebra cannot read (`===`) are left out.
   */
  static requiresPython(specifier: string | SpecifierSet): MarkerSet {
    const set = typeof specifier === "string" ? parseSpecifierSet(specifier) : specifier;
    let ranges = VersionRanges.FULL;
    for (const one of set.specifiers) {
      ranges = ranges.intersect(rangesOfSpecifier(one) ?? VersionRanges.FULL);
    }
    return new MarkerSet(bounded(() => rangesNode(PYTHON, ranges)));
  }

  /** Where both hold. */
  and(other: MarkerSet): MarkerSet {
    return new MarkerSet(and(this.#node, other.#node));
  }

  /** Where either holds. */
  or(other: MarkerSet): MarkerSet {
    return new MarkerSet(or(this.#node, other.#node));
  }

  /** Where this does not hold. */
  not(): MarkerSet {
    return new MarkerSet(not(this.#node));
  }

  /** Whether it holds nowhere. */
  isEmpty(): boolean {
    return this.#node === FALSE;
  }

  /** Whether it holds everywhere. */
  isUniversal(): boolean {
    return this.#node === TRUE;
  }

  /** Whether no environment has both. */
  isDisjoint(other: MarkerSet): boolean {
    return this.and(other).isEmpty();
  }

  /** Whether every environment of this one is one of `other`'s. */
  implies(other: MarkerSet): boolean {
    return this.and(other.not()).isEmpty();
  }

  /** Whether both hold in exactly the same environments. */
  equals(other: MarkerSet): boolean {
    return this.#node === other.#node;
  }

  /**
   * The set with `extra` fixed to one value (`""` for none): where the marker
   * holds for a distribution installed with that extra.
   */
  withExtra(extra: string): MarkerSet {
    const value = extra === "" ? "" : canonicalizeName(extra);
    return new MarkerSet(
      restrict(this.#node, EXTRA, (set) => (set as StringSet).contains(value)),
    );
  }

  /**
   * The set with string variables fixed (`{ sys_platform: "linux" }`): where
   * the marker holds among the environments with those values, written
   * without them. Keys that are not string marker variables are ignored.
   */
  withValues(values: Readonly<Record<string, string>>): MarkerSet {
    let node = this.#node;
    for (const [key, value] of Object.entries(values)) {
      const variable = stringVariable(key);
      if (variable === undefined) continue;
      node = restrict(node, variable, (set) => (set as StringSet).contains(value));
    }
    return node === this.#node ? this : new MarkerSet(node);
  }

  /**
   * The same environments as far as those with a Python in `python` go:
   * bounds `python` already implies are dropped (under `>=3.9`,
   * `python_version >= "3.8" and sys_platform == "linux"` is
   * `sys_platform == "linux"`). `python` is a set of Python versions only
   * (see {@link requiresPython}).
   */
  assumingPython(python: MarkerSet): MarkerSet {
    const ranges = pythonRanges(python.#node);
    if (this.#node.variable !== PYTHON || ranges.isFull()) return this;
    return new MarkerSet(rebuildTop(this.#node, PYTHON, (edges) => fillGaps(edges, ranges)));
  }

  /**
   * The lowest Python version where the set holds (`3.9`), and whether that
   * version itself is in; undefined when there is no lower bound or no
   * environment at all.
   */
  lowestPython(): { version: string; inclusive: boolean } | undefined {
    const lower = pythonRanges(this.#node).intervals[0]?.lower;
    return lower === undefined
      ? undefined
      : { version: formatRelease(lower.release, 2), inclusive: lower.inclusive };
  }

  /** Whether it holds in `environment` (missing keys take the defaults, as `Marker.evaluate`). */
  evaluate(environment: MarkerEvaluationEnvironment = {}): boolean {
    let node = this.#node;
    while (node.variable !== undefined) {
      const value = valueOf(node.variable, environment);
      const edge = node.edges.find((candidate) => contains(candidate.set, value));
      if (edge === undefined) return false;
      node = edge.child;
    }
    return node === TRUE;
  }

  /**
   * The simplest marker text found for the set: `""` when it holds
   * everywhere, `python_version < "0"` when it holds nowhere.
   */
  toString(): string {
    this.#text ??= printNode(this.#node);
    return this.#text;
  }

  /** The set as a {@link Marker}; undefined when it holds everywhere. */
  toMarker(): Marker | undefined {
    const text = this.toString();
    return text === "" ? undefined : parseMarker(text);
  }
}

function countComparisons(node: MarkerNode): number {
  if (node.kind === "comparison") return 1;
  let count = 0;
  for (const term of node.terms) count += countComparisons(term);
  return count;
}

function wholeMarker(marker: Marker): Node {
  const text = `(${String(marker)})`;
  const variable = atomVariable(`marker:${text}`, {
    text,
    holds: (environment) => marker.evaluate(environment),
  });
  const set = StringSet.of(["1"]);
  return bounded(() =>
    rebuildTop(
      TRUE,
      variable,
      () => [{ set, child: TRUE }, { set: set.complement(), child: FALSE }],
    )
  );
}

/** `and` binds tighter than `or`: the or of the runs of and-ed terms. */
function expressionNode(expression: MarkerExpression): Node {
  let result: Node = FALSE;
  let group: Node = TRUE;
  expression.terms.forEach((term, i) => {
    if (i > 0 && expression.joins[i - 1] === "or") {
      result = or(result, group);
      group = TRUE;
    }
    const node = term.kind === "comparison" ? comparisonNode(term) : expressionNode(term);
    group = and(group, node);
  });
  return or(result, group);
}

function rangesNode(variable: Variable, ranges: VersionRanges): Node {
  if (ranges.isEmpty()) return FALSE;
  if (ranges.isFull()) return TRUE;
  return rebuildTop(TRUE, variable, () => [
    { set: ranges, child: TRUE },
    { set: ranges.complement(), child: FALSE },
  ]);
}

/** The Python versions where a node can hold (every version when it does not test Python). */
function pythonRanges(node: Node): VersionRanges {
  if (node === FALSE) return VersionRanges.EMPTY;
  if (node.variable !== PYTHON) return VersionRanges.FULL;
  let ranges = VersionRanges.EMPTY;
  for (const edge of node.edges) {
    if (edge.child !== FALSE) ranges = ranges.union(edge.set as VersionRanges);
  }
  return ranges;
}

function sameBound(a: Bound | undefined, b: Bound | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.inclusive === b.inclusive && compareReleases(a.release, b.release) === 0;
}

/**
 * The edges of a Python node with the versions outside `python` (don't-care)
 * given to the edge next to them, so that bounds `python` implies vanish.
 */
function fillGaps(edges: readonly Edge[], python: VersionRanges): Edge[] {
  const inside = edges.map((edge) => ({
    set: (edge.set as VersionRanges).intersect(python),
    child: edge.child,
  })).filter((edge) => !edge.set.isEmpty());
  if (inside.length === 0) return [...edges];
  const flip = (bound: Bound): Bound => ({ release: bound.release, inclusive: !bound.inclusive });
  const sets: DomainSet[] = inside.map((edge) => edge.set);
  for (const gap of python.complement().intervals) {
    const at = inside.findIndex((edge) =>
      edge.set.intervals.some((interval: Interval) =>
        gap.upper !== undefined && sameBound(interval.lower, flip(gap.upper))
      )
    );
    const below = at >= 0
      ? at
      : inside.findIndex((edge) =>
        edge.set.intervals.some((interval: Interval) =>
          gap.lower !== undefined && sameBound(interval.upper, flip(gap.lower))
        )
      );
    const target = below >= 0 ? below : 0;
    sets[target] = unionSets(sets[target]!, VersionRanges.of([gap]));
  }
  return inside.map((edge, i) => ({ set: sets[i]!, child: edge.child }));
}

/** The value of a variable in an environment, as the diagram compares it. */
function valueOf(variable: Variable, environment: MarkerEvaluationEnvironment): string | number[] {
  if (variable.atom !== undefined) return variable.atom.holds(environment) ? "1" : "0";
  const given = environment as Record<string, unknown>;
  const defaults = DEFAULT_MARKER_ENVIRONMENT as unknown as Record<string, string>;
  if (variable === PYTHON || variable === IMPLEMENTATION_VERSION) {
    const text = (given[variable.key] as string | undefined) ?? defaults[variable.key]!;
    return [...(tryParseVersion(text)?.release ?? [0])];
  }
  if (variable === EXTRA) {
    const extra = (given["extra"] as string | undefined) ?? "";
    return extra === "" ? "" : canonicalizeName(extra);
  }
  return (given[variable.key] as string | undefined) ?? defaults[variable.key] ?? "";
}

function contains(set: DomainSet, value: string | number[]): boolean {
  return set instanceof VersionRanges
    ? set.contains(value as number[])
    : (set as StringSet).contains(value as string);
}
