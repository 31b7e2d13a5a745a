/**
 * The dependency graph of what is installed, read from installed metadata:
 * each distribution's `Requires-Dist` with markers evaluated for the target
 * environment, and extras followed (a dependency required as `b[x]` brings
 * in `b`'s requirements for the extra `x`). `tree` draws it, `uninstall
 * --autoremove` walks it.
 *
 * Requirements that do not parse are left out here (`check` reports them).
 *
 * @module
 */

import type { InstalledDist } from "../installer/site_packages.ts";
import { canonicalizeExtra, canonicalizeName, type PackageName } from "../names/mod.ts";
import { tryParseVersion } from "../pep440/mod.ts";
import { type MarkerEnvironment, type Requirement, tryParseRequirement } from "../pep508/mod.ts";

/** One distribution's requirements on one dependency (several lines are merged). */
export interface DependencyEdge {
  /** The normalized name of the distribution that requires. */
  readonly from: PackageName;
  /** The normalized name of what it requires. */
  readonly to: PackageName;
  /** The requirement lines naming it whose markers hold, in metadata order. */
  readonly requirements: readonly Requirement[];
  /** The extras of `to` they ask for, normalized and sorted. */
  readonly extras: readonly string[];
  /** The specifiers of every line, as one text (`>=2.0,<4`; empty for none). */
  readonly specifier: string;
  /** Whether `to` is installed. */
  readonly installed: boolean;
  /** Whether the installed `to` satisfies every line (false when not installed). */
  readonly satisfied: boolean;
}

/** The installed distributions and their requirements on each other. */
export class InstalledGraph {
  /** Every distribution, by normalized name (the first on the path wins). */
  readonly dists: ReadonlyMap<PackageName, InstalledDist>;
  readonly #environment: MarkerEnvironment;
  readonly #parsed = new Map<PackageName, Requirement[]>();
  readonly #edges = new Map<string, DependencyEdge[]>();
  #active?: Map<PackageName, Set<string>>;
  #dependents?: Map<PackageName, DependencyEdge[]>;

  constructor(dists: readonly InstalledDist[], environment: MarkerEnvironment) {
    const byName = new Map<PackageName, InstalledDist>();
    for (const dist of dists) if (!byName.has(dist.name)) byName.set(dist.name, dist);
    this.dists = byName;
    this.#environment = environment;
  }

  #requirementsOf(name: PackageName): Requirement[] {
    let parsed = this.#parsed.get(name);
    if (parsed === undefined) {
      parsed = [];
      for (const text of this.dists.get(name)?.requiresDist() ?? []) {
        const requirement = tryParseRequirement(text);
        if (requirement !== undefined) parsed.push(requirement);
      }
      this.#parsed.set(name, parsed);
    }
    return parsed;
  }

  #holds(requirement: Requirement, extras: readonly string[]): boolean {
    const marker = requirement.marker;
    if (marker === undefined) return true;
    return ["", ...extras].some((extra) => {
      try {
        return marker.evaluate({ ...this.#environment, extra });
      } catch {
        return false; // A marker this environment cannot evaluate does not apply to it.
      }
    });
  }

  /**
   * What `name` requires with `extras` selected, one edge per dependency,
   * sorted by name. A distribution's requirement on itself (an extra that
   * pulls in other extras) only widens its own extras and is not an edge.
   */
  edgesOf(name: PackageName, extras: readonly string[] = []): DependencyEdge[] {
    const selected = [...new Set(extras.map((e) => canonicalizeExtra(e) as string))].sort();
    const key = `${name}[${selected.join(",")}]`;
    const known = this.#edges.get(key);
    if (known !== undefined) return known;
    const widened = new Set(selected);
    const byDependency = new Map<PackageName, Requirement[]>();
    // Self-references (`pkg[all]` requiring `pkg[a,b]`) add extras until nothing changes.
    for (let grew = true; grew;) {
      grew = false;
      byDependency.clear();
      for (const requirement of this.#requirementsOf(name)) {
        if (!this.#holds(requirement, [...widened])) continue;
        const to = canonicalizeName(requirement.name);
        if (to === name) {
          for (const extra of requirement.extras) {
            const canonical = canonicalizeExtra(extra);
            if (!widened.has(canonical)) {
              widened.add(canonical);
              grew = true;
            }
          }
          continue;
        }
        const list = byDependency.get(to);
        if (list === undefined) byDependency.set(to, [requirement]);
        else list.push(requirement);
      }
    }
    const edges = [...byDependency].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map((
      [to, requirements],
    ) => this.#edge(name, to, requirements));
    this.#edges.set(key, edges);
    return edges;
  }

  #edge(from: PackageName, to: PackageName, requirements: Requirement[]): DependencyEdge {
    const extras = new Set<string>();
    const specifiers: string[] = [];
    for (const requirement of requirements) {
      for (const extra of requirement.extras) extras.add(canonicalizeExtra(extra));
      const text = String(requirement.specifier);
      if (text !== "" && !specifiers.includes(text)) specifiers.push(text);
    }
    const dist = this.dists.get(to);
    let satisfied = false;
    if (dist !== undefined) {
      const version = tryParseVersion(dist.version);
      satisfied = requirements.every((requirement) =>
        requirement.url !== undefined ||
        (version === undefined
          ? requirement.specifier.contains(dist.version, { prereleases: true })
          : requirement.specifier.contains(version, { prereleases: true }))
      );
    }
    return {
      from,
      to,
      requirements,
      extras: [...extras].sort(),
      specifier: specifiers.join(","),
      installed: dist !== undefined,
      satisfied,
    };
  }

  /**
   * The extras each installed distribution is required with by the others
   * (followed transitively): the extras whose requirements count as its
   * dependencies in this environment.
   */
  get activeExtras(): ReadonlyMap<PackageName, ReadonlySet<string>> {
    if (this.#active !== undefined) return this.#active;
    const active = new Map<PackageName, Set<string>>();
    for (const name of this.dists.keys()) active.set(name, new Set());
    const queue = [...this.dists.keys()];
    while (queue.length > 0) {
      const name = queue.pop()!;
      for (const edge of this.edgesOf(name, [...active.get(name)!])) {
        const target = active.get(edge.to);
        if (target === undefined) continue;
        const before = target.size;
        for (const extra of edge.extras) target.add(extra);
        if (target.size !== before) queue.push(edge.to);
      }
    }
    this.#active = active;
    return active;
  }

  /** What `name` requires, with the extras others require it with. */
  dependencies(name: PackageName): DependencyEdge[] {
    return this.edgesOf(name, [...(this.activeExtras.get(name) ?? [])]);
  }

  /** The edges that lead to `name` (installed or not), sorted by the name of who requires it. */
  dependents(name: PackageName): DependencyEdge[] {
    if (this.#dependents === undefined) {
      const dependents = new Map<PackageName, DependencyEdge[]>();
      for (const from of [...this.dists.keys()].sort()) {
        for (const edge of this.dependencies(from)) {
          const list = dependents.get(edge.to);
          if (list === undefined) dependents.set(edge.to, [edge]);
          else list.push(edge);
        }
      }
      this.#dependents = dependents;
    }
    return this.#dependents.get(name) ?? [];
  }
}
