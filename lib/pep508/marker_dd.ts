/**
 * The marker algebra's core: a reduced, ordered decision diagram over marker
 * variables. Each decision node tests one variable; its edges partition that
 * variable's values ({@link DomainSet}s) and lead to further nodes or to the
 * terminals `TRUE` and `FALSE`. Variables appear in one fixed order along
 * every path, edges with the same target are merged, a node with a single
 * edge is its target, and nodes are shared (hash-consed): so a boolean
 * function of the variables has exactly one node, and two markers are
 * equivalent exactly when their nodes are the same object.
 *
 * Operations are bounded: one that would create more than
 * {@link NODE_BUDGET} nodes throws {@link MarkerComplexityError} instead of
 * running away on hostile input.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { type DomainSet, StringSet, VersionRanges } from "./marker_domains.ts";
import type { MarkerEvaluationEnvironment } from "./marker.ts";

/** A variable of the diagram: a marker variable, or one opaque comparison. */
export interface Variable {
  /** `python_full_version`, `sys_platform`, … or `atom:<comparison>`. */
  readonly key: string;
  /** Position in the order of variables (ties broken by `key`). */
  readonly rank: number;
  /** What its values are: releases (intervals) or strings. */
  readonly kind: "version" | "string";
  /** For an opaque comparison: what it says, and what its negation says if PEP 508 can. */
  readonly atom?: Atom;
}

/**
 * A comparison (or a whole marker) the algebra keeps whole: a boolean
 * variable whose value set is `{"1"}` where it holds.
 */
export interface Atom {
  /** Its marker text. */
  readonly text: string;
  /** Marker text that holds exactly where {@link text} does not, when PEP 508 can say it. */
  readonly negation?: string;
  /** Whether it holds in an environment (as `Marker.evaluate` says). */
  holds(environment: MarkerEvaluationEnvironment): boolean;
}

/** One edge: the values of the node's variable that lead to `child`. */
export interface Edge {
  readonly set: DomainSet;
  readonly child: Node;
}

/** A node: a terminal (`variable` undefined, `value` its truth) or a decision. */
export interface Node {
  readonly id: number;
  readonly variable?: Variable;
  readonly value?: boolean;
  readonly edges: readonly Edge[];
}

/** More nodes than one operation may create. */
export const NODE_BUDGET = 100_000;

/** A marker too complex to reason about (see {@link NODE_BUDGET}). */
export class MarkerComplexityError extends DpipError<"marker-too-complex"> {
  /** Says which limit was passed. */
  constructor() {
    super(
      "marker-too-complex",
      `An environment marker is too complex to combine (over ${NODE_BUDGET} decision nodes)`,
    );
    this.name = "MarkerComplexityError";
  }
}

/** Always false. */
export const FALSE: Node = Object.freeze({ id: 0, value: false, edges: [] });
/** Always true. */
export const TRUE: Node = Object.freeze({ id: 1, value: true, edges: [] });

const unique = new Map<string, Node>();
let nextId = 2;
let budgetEnd = Infinity;
let depth = 0;

/** Runs one top-level operation under the node budget. */
export function bounded<T>(operation: () => T): T {
  if (depth > 0) return operation();
  depth++;
  budgetEnd = nextId + NODE_BUDGET;
  try {
    return operation();
  } finally {
    depth--;
    budgetEnd = Infinity;
  }
}

/** Orders variables: by rank, then by key. */
export function compareVariables(a: Variable, b: Variable): number {
  return a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** The set of every value of a variable. */
export function fullSet(variable: Variable): DomainSet {
  return variable.kind === "version" ? VersionRanges.FULL : StringSet.FULL;
}

function intersectSets(a: DomainSet, b: DomainSet): DomainSet {
  if (a instanceof VersionRanges && b instanceof VersionRanges) return a.intersect(b);
  if (a instanceof StringSet && b instanceof StringSet) return a.intersect(b);
  throw new TypeError("sets of different kinds");
}

/** The union of two sets of one variable. */
export function unionSets(a: DomainSet, b: DomainSet): DomainSet {
  if (a instanceof VersionRanges && b instanceof VersionRanges) return a.union(b);
  if (a instanceof StringSet && b instanceof StringSet) return a.union(b);
  throw new TypeError("sets of different kinds");
}

/** The values of a variable not in `set`. */
export function complementSet(set: DomainSet): DomainSet {
  return set instanceof VersionRanges ? set.complement() : set.complement();
}

/**
 * The node testing `variable` with `edges` (which together must cover every
 * value), reduced and shared.
 */
export function decision(variable: Variable, edges: readonly Edge[]): Node {
  const byChild = new Map<number, Edge>();
  for (const edge of edges) {
    if (edge.set.isEmpty()) continue;
    const seen = byChild.get(edge.child.id);
    byChild.set(
      edge.child.id,
      seen === undefined ? edge : { set: unionSets(seen.set, edge.set), child: edge.child },
    );
  }
  const merged = [...byChild.values()];
  if (merged.length === 1) return merged[0]!.child;
  if (merged.length === 0) throw new TypeError(`no edge covers ${variable.key}`);
  merged.sort((a, b) => (a.set.key < b.set.key ? -1 : a.set.key > b.set.key ? 1 : 0));
  const key = `${variable.key}\u0000${
    merged.map((e) => `${e.set.key}\u0001${e.child.id}`).join("\u0002")
  }`;
  let node = unique.get(key);
  if (node === undefined) {
    if (nextId >= budgetEnd) throw new MarkerComplexityError();
    node = Object.freeze({ id: nextId++, variable, edges: Object.freeze(merged) });
    unique.set(key, node);
  }
  return node;
}

/** The node for `variable ∈ set`. */
export function test(variable: Variable, set: DomainSet): Node {
  return decision(variable, [{ set, child: TRUE }, { set: complementSet(set), child: FALSE }]);
}

function edgesAt(node: Node, variable: Variable): readonly Edge[] {
  return node.variable === variable ? node.edges : [{ set: fullSet(variable), child: node }];
}

function topVariable(a: Node, b: Node): Variable {
  if (a.variable === undefined) return b.variable!;
  if (b.variable === undefined) return a.variable;
  return compareVariables(a.variable, b.variable) <= 0 ? a.variable : b.variable;
}

/** Both: the environments where `a` and `b` hold. */
export function and(a: Node, b: Node): Node {
  return bounded(() => combine(a, b, true, new Map()));
}

/** Either: the environments where `a` or `b` holds. */
export function or(a: Node, b: Node): Node {
  return bounded(() => combine(a, b, false, new Map()));
}

function combine(a: Node, b: Node, conjunction: boolean, memo: Map<string, Node>): Node {
  const absorbing = conjunction ? FALSE : TRUE;
  if (a === absorbing || b === absorbing) return absorbing;
  const neutral = conjunction ? TRUE : FALSE;
  if (a === neutral || a === b) return b;
  if (b === neutral) return a;
  const key = a.id < b.id ? `${a.id},${b.id}` : `${b.id},${a.id}`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  const variable = topVariable(a, b);
  const edges: Edge[] = [];
  for (const left of edgesAt(a, variable)) {
    for (const right of edgesAt(b, variable)) {
      const set = intersectSets(left.set, right.set);
      if (set.isEmpty()) continue;
      edges.push({ set, child: combine(left.child, right.child, conjunction, memo) });
    }
  }
  const result = decision(variable, edges);
  memo.set(key, result);
  return result;
}

/** The complement: where `a` does not hold. */
export function not(a: Node): Node {
  return bounded(() => negate(a, new Map()));
}

function negate(a: Node, memo: Map<number, Node>): Node {
  if (a === TRUE) return FALSE;
  if (a === FALSE) return TRUE;
  const known = memo.get(a.id);
  if (known !== undefined) return known;
  const result = decision(
    a.variable!,
    a.edges.map((edge) => ({ set: edge.set, child: negate(edge.child, memo) })),
  );
  memo.set(a.id, result);
  return result;
}

/**
 * `a` with `variable` fixed: the function of the other variables it is when
 * `variable` takes a value that `choose` picks the edge for.
 */
export function restrict(a: Node, variable: Variable, choose: (set: DomainSet) => boolean): Node {
  return bounded(() => cofactor(a, variable, choose, new Map()));
}

function cofactor(
  a: Node,
  variable: Variable,
  choose: (set: DomainSet) => boolean,
  memo: Map<number, Node>,
): Node {
  if (a.variable === undefined || compareVariables(a.variable, variable) > 0) return a;
  const known = memo.get(a.id);
  if (known !== undefined) return known;
  let result: Node;
  if (a.variable === variable) {
    const edge = a.edges.find((candidate) => choose(candidate.set));
    result = edge === undefined ? FALSE : edge.child;
  } else {
    result = decision(
      a.variable,
      a.edges.map((edge) => ({
        set: edge.set,
        child: cofactor(edge.child, variable, choose, memo),
      })),
    );
  }
  memo.set(a.id, result);
  return result;
}

/** Replaces the edges of `a`'s top node, which tests `variable` (or `a` itself when it does not). */
export function rebuildTop(
  a: Node,
  variable: Variable,
  rebuild: (edges: readonly Edge[]) => readonly Edge[],
): Node {
  return bounded(() => decision(variable, rebuild(edgesAt(a, variable))));
}

/** Every decision node reachable from `a`, each once. */
export function nodesOf(a: Node): Node[] {
  const seen = new Set<number>();
  const out: Node[] = [];
  const stack = [a];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.variable === undefined || seen.has(node.id)) continue;
    seen.add(node.id);
    out.push(node);
    for (const edge of node.edges) stack.push(edge.child);
  }
  return out;
}
