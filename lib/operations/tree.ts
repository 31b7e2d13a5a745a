/**
 * `tree`: the installed distributions as a dependency tree (as `uv pip
 * tree` and pipdeptree draw it), or reversed, each distribution with the
 * ones that require it. Read from installed metadata only: markers are
 * evaluated for the target environment, extras are followed, and the
 * requirements that are not installed, or installed at a version that does
 * not satisfy them, are marked, as are cycles and subtrees shown already.
 *
 * @module
 */

import type { InstalledDist } from "../installer/site_packages.ts";
import { canonicalizeExtra, canonicalizeName, type PackageName } from "../names/mod.ts";
import type { MarkerEnvironment } from "../pep508/mod.ts";
import { tryParseRequirement } from "../pep508/mod.ts";
import { type DependencyEdge, InstalledGraph } from "./installed_graph.ts";
import type { TreeDocument, TreeNodeEntry } from "./json_documents.ts";
import { displayVersion } from "./list.ts";

/** How a node's requirement stands. */
export type TreeNodeStatus =
  /** Installed at a version that satisfies the requirement (or a root). */
  | "ok"
  /** Required but not installed. */
  | "missing"
  /** Installed at a version the requirement does not accept. */
  | "conflict";

/** Why a node's subtree is not drawn again. */
export type TreeNodeRepeat =
  /** Its subtree is drawn above already. */
  | "shown"
  /** It is an ancestor of itself: the requirements form a cycle. */
  | "cycle";

/** One node of the tree. */
export interface TreeNode {
  /** The normalized name. */
  readonly key: PackageName;
  /** The name as its metadata spells it (the requirement's spelling when not installed). */
  readonly name: string;
  /** The installed version; undefined when not installed. */
  readonly version?: string;
  /** The extras it is required with (forward trees only), normalized. */
  readonly extras: readonly string[];
  /**
   * The specifiers of the requirement on the edge to the parent (empty for
   * none; undefined for a root). Forward: what the parent requires of this
   * node; reversed: what this node requires of the parent.
   */
  readonly required?: string;
  readonly status: TreeNodeStatus;
  /** Set when the children are left out because they are drawn elsewhere. */
  readonly repeat?: TreeNodeRepeat;
  /** Forward: its dependencies; reversed: the distributions that require it. */
  readonly children: readonly TreeNode[];
}

/** The result of {@link dependencyTree}. */
export interface DependencyTree {
  readonly reverse: boolean;
  /** The depth limit (undefined: none). */
  readonly depth?: number;
  readonly roots: readonly TreeNode[];
  /** Each cycle met, as names from a distribution back to itself (`["a", "b", "a"]`). */
  readonly cycles: readonly (readonly string[])[];
  /** The names asked for that are not installed, as given. */
  readonly notFound: readonly string[];
}

/** Options of {@link dependencyTree}. */
export interface TreeOptions {
  /** Start from these distributions (`name` or `name[extra]`) instead of the top-level ones. */
  readonly names?: readonly string[];
  /** Show who requires each distribution instead of what it requires. */
  readonly reverse?: boolean;
  /** Draw this many levels below the roots (0: the roots only). */
  readonly depth?: number;
}

/**
 * The strongly connected components of `nodes` under `next` (Kosaraju's,
 * with explicit stacks: a long chain of requirements cannot overflow the
 * call stack), each as a component number per node.
 */
function components(
  nodes: readonly PackageName[],
  next: (name: PackageName) => readonly PackageName[],
): Map<PackageName, number> {
  const inside = new Set(nodes);
  const order: PackageName[] = [];
  const seen = new Set<PackageName>();
  for (const start of nodes) {
    if (seen.has(start)) continue;
    seen.add(start);
    const stack: { name: PackageName; edges: readonly PackageName[]; at: number }[] = [{
      name: start,
      edges: next(start),
      at: 0,
    }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.at < top.edges.length) {
        const to = top.edges[top.at++]!;
        if (inside.has(to) && !seen.has(to)) {
          seen.add(to);
          stack.push({ name: to, edges: next(to), at: 0 });
        }
      } else {
        order.push(top.name);
        stack.pop();
      }
    }
  }
  const back = new Map<PackageName, PackageName[]>();
  for (const from of nodes) {
    for (const to of next(from)) {
      if (!inside.has(to)) continue;
      const list = back.get(to);
      if (list === undefined) back.set(to, [from]);
      else list.push(from);
    }
  }
  const component = new Map<PackageName, number>();
  let count = 0;
  for (let i = order.length - 1; i >= 0; i--) {
    const start = order[i]!;
    if (component.has(start)) continue;
    const stack = [start];
    component.set(start, count);
    while (stack.length > 0) {
      for (const from of back.get(stack.pop()!) ?? []) {
        if (component.has(from)) continue;
        component.set(from, count);
        stack.push(from);
      }
    }
    count++;
  }
  return component;
}

/**
 * The roots when none are named: forward, what no installed distribution
 * requires; reversed, what requires nothing installed, and each requirement
 * that is not installed. What none of those reach (cycles that nothing else
 * requires) is rooted at the first name of each such cycle, so that every
 * distribution appears.
 */
function defaultRoots(graph: InstalledGraph, reverse: boolean): PackageName[] {
  const names = [...graph.dists.keys()].sort();
  const next = (name: PackageName): PackageName[] =>
    reverse
      ? graph.dependents(name).map((edge) => edge.from)
      : graph.dependencies(name).filter((edge) => edge.installed).map((edge) => edge.to);
  const roots: PackageName[] = [];
  if (reverse) {
    const missing = new Set<PackageName>();
    for (const name of names) {
      const edges = graph.dependencies(name);
      if (edges.every((edge) => !edge.installed)) roots.push(name);
      for (const edge of edges) if (!edge.installed) missing.add(edge.to);
    }
    for (const name of missing) roots.push(name);
    roots.sort();
  } else {
    const required = new Set<PackageName>();
    for (const name of names) for (const to of next(name)) required.add(to);
    for (const name of names) if (!required.has(name)) roots.push(name);
  }
  const reached = new Set<PackageName>();
  const stack = [...roots];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (reached.has(name)) continue;
    reached.add(name);
    if (graph.dists.has(name)) { for (const to of next(name)) stack.push(to); }
  }
  const rest = names.filter((name) => !reached.has(name));
  if (rest.length === 0) return roots;
  // Everything left is reached from a cycle that nothing outside it leads to.
  const component = components(rest, next);
  const entered = new Set<number>();
  for (const from of rest) {
    for (const to of next(from)) {
      const c = component.get(to);
      if (c !== undefined && c !== component.get(from)) entered.add(c);
    }
  }
  const firsts = new Map<number, PackageName>();
  for (const name of rest) {
    const c = component.get(name)!;
    if (!entered.has(c) && !firsts.has(c)) firsts.set(c, name);
  }
  for (const name of firsts.values()) roots.push(name);
  return roots;
}

/**
 * Builds the dependency tree of `dists` for the environment `environment`.
 *
 * @example
 * ```ts ignore
 * const tree = dependencyTree(readTargetDists(target).dists, target.markerEnvironment, {
 *   names: ["flask"],
 * });
 * tree.roots[0].children.map((child) => child.name); // ["blinker", "click", …]
 * ```
 */
export function dependencyTree(
  dists: readonly InstalledDist[],
  environment: MarkerEnvironment,
  options: TreeOptions = {},
): DependencyTree {
  const graph = new InstalledGraph(dists, environment);
  const reverse = options.reverse ?? false;
  const depth = options.depth;
  const notFound: string[] = [];
  const starts = treeStarts(graph, options.names ?? [], reverse, notFound);
  const cycles = new Cycles((name) => graph.dists.get(name)?.rawName ?? name);
  const roots = walkTree(graph, starts, { reverse, depth, cycles });
  return {
    reverse,
    ...(depth === undefined ? {} : { depth }),
    roots,
    cycles: cycles.list,
    notFound,
  };
}

/** Where the tree starts: the projects named (those not installed go to `notFound`), else the default roots. */
function treeStarts(
  graph: InstalledGraph,
  names: readonly string[],
  reverse: boolean,
  notFound: string[],
): { name: PackageName; extras: string[] }[] {
  const starts: { name: PackageName; extras: string[] }[] = [];
  if (names.length === 0) {
    for (const name of defaultRoots(graph, reverse)) starts.push({ name, extras: [] });
    return starts;
  }
  for (const text of names) {
    const requirement = tryParseRequirement(text);
    const name = canonicalizeName(requirement?.name ?? text);
    if (!graph.dists.has(name)) {
      notFound.push(text);
      continue;
    }
    const extras = reverse ? [] : (requirement?.extras ?? []).map((e) => canonicalizeExtra(e));
    if (!starts.some((s) => s.name === name && s.extras.join() === extras.join())) {
      starts.push({ name, extras });
    }
  }
  return starts;
}

/** The cycles met, each once whichever member it was met from (keyed from its smallest name). */
class Cycles {
  readonly list: string[][] = [];
  readonly #keys = new Set<string>();
  readonly #label: (name: PackageName) => string;

  constructor(label: (name: PackageName) => string) {
    this.#label = label;
  }

  add(members: readonly PackageName[]): void {
    const start = members.indexOf([...members].sort()[0]!);
    const rotated = [...members.slice(start), ...members.slice(0, start)];
    const key = rotated.join(" ");
    if (this.#keys.has(key)) return;
    this.#keys.add(key);
    this.list.push([...members, members[0]!].map(this.#label));
  }
}

/** One node to place in the tree, under `into`. */
interface Visit {
  readonly name: PackageName;
  readonly extras: readonly string[];
  readonly edge?: DependencyEdge;
  readonly into: TreeNode[];
  readonly depth: number;
}

/**
 * The tree from `starts`, depth first with explicit stacks (a long chain
 * cannot overflow the call stack); an "exit" entry takes a node off the
 * path once its subtree is done. A project met again is marked, not
 * expanded again.
 */
function walkTree(
  graph: InstalledGraph,
  starts: readonly { name: PackageName; extras: readonly string[] }[],
  options: { reverse: boolean; depth: number | undefined; cycles: Cycles },
): TreeNode[] {
  const { reverse, depth } = options;
  const expanded = new Set<string>();
  const roots: TreeNode[] = [];
  const path: PackageName[] = [];
  const onPath = new Set<PackageName>();
  const stack: (Visit | { exit: PackageName })[] = [];
  for (let i = starts.length - 1; i >= 0; i--) {
    stack.push({ name: starts[i]!.name, extras: starts[i]!.extras, into: roots, depth: 0 });
  }
  while (stack.length > 0) {
    const item = stack.pop()!;
    if ("exit" in item) {
      onPath.delete(item.exit);
      path.pop();
      continue;
    }
    const { name, extras } = item;
    const node = treeNode(graph, item);
    item.into.push(node);
    if (!graph.dists.has(name) && !reverse) continue;
    const edges = reverse ? graph.dependents(name) : graph.edgesOf(name, extras);
    if (edges.length === 0) continue;
    if (onPath.has(name)) {
      options.cycles.add(path.slice(path.indexOf(name)));
      node.repeat = "cycle";
      continue;
    }
    const key = `${name}[${extras.join(",")}]`;
    if (expanded.has(key)) {
      node.repeat = "shown";
      continue;
    }
    if (depth !== undefined && item.depth >= depth) continue;
    expanded.add(key);
    onPath.add(name);
    path.push(name);
    stack.push({ exit: name });
    for (let i = edges.length - 1; i >= 0; i--) {
      const e = edges[i]!;
      stack.push(
        reverse
          ? { name: e.from, extras: [], edge: e, into: node.children, depth: item.depth + 1 }
          : { name: e.to, extras: e.extras, edge: e, into: node.children, depth: item.depth + 1 },
      );
    }
  }
  return roots;
}

/** The node of one visit: what is installed, what was required, and whether that fits. */
function treeNode(
  graph: InstalledGraph,
  item: Visit,
): { -readonly [K in keyof TreeNode]: TreeNode[K] } & { children: TreeNode[] } {
  const { name, extras, edge } = item;
  const dist = graph.dists.get(name);
  const status: TreeNodeStatus = edge === undefined
    ? (dist === undefined ? "missing" : "ok")
    : !edge.installed
    ? "missing"
    : edge.satisfied
    ? "ok"
    : "conflict";
  return {
    key: name,
    name: dist?.rawName ?? (edge ?? graph.dependents(name)[0])?.requirements[0]?.name ?? name,
    ...(dist === undefined ? {} : { version: displayVersion(dist.version) }),
    extras,
    ...(edge === undefined ? {} : { required: edge.specifier }),
    status,
    children: [],
  };
}

/** `tree --format json`: the same tree, nodes with pip-style keys. */
export function treeDocument(tree: DependencyTree): TreeDocument {
  const convert = (node: TreeNode): TreeNodeEntry & { children: TreeNodeEntry[] } => ({
    name: node.name,
    version: node.version ?? null,
    extras: node.extras,
    required: node.required ?? null,
    status: node.status,
    repeat: node.repeat ?? null,
    children: [],
  });
  const roots = tree.roots.map(convert);
  // Explicit stack: as deep as the tree is, no recursion.
  const stack = tree.roots.map((node, i) => ({ node, entry: roots[i]! }));
  while (stack.length > 0) {
    const { node, entry } = stack.pop()!;
    for (const child of node.children) {
      const converted = convert(child);
      entry.children.push(converted);
      stack.push({ node: child, entry: converted });
    }
  }
  return {
    schema_version: 1,
    reverse: tree.reverse,
    depth: tree.depth ?? null,
    roots,
    cycles: tree.cycles,
    not_found: tree.notFound,
  };
}
