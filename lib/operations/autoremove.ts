/**
 * `uninstall --autoremove`: the dependencies that removing some
 * distributions leaves needed by nothing, and that nobody asked for.
 *
 * A distribution is removed with them when it is a dependency (directly or
 * through other such dependencies) of what is removed, every installed
 * distribution that requires it (markers evaluated, extras followed) is
 * removed too, it is a `*.dist-info` install without `REQUESTED` (the
 * installer left that file because you named it; egg-info and eggs record
 * nothing, so they stay), and it is not one of the tools `freeze` leaves out
 * (pip, and setuptools, distribute and wheel before Python 3.12).
 *
 * @module
 */

import type { InstalledDist } from "../installer/site_packages.ts";
import { canonicalizeName, type PackageName } from "../names/mod.ts";
import type { MarkerEnvironment } from "../pep508/mod.ts";
import { InstalledGraph } from "./installed_graph.ts";

/** Options of {@link autoremoveCandidates}. */
export interface AutoremoveOptions {
  /** Normalized names never removed this way (see {@link freezeDevPackages}). */
  readonly keep?: ReadonlySet<string>;
}

/**
 * Reads every distribution's requirements now, and returns what to remove
 * along with the distributions later named (normalized names), in name
 * order. Read before removing anything: installed metadata is read lazily,
 * and a removed distribution's is gone.
 *
 * @example
 * ```ts ignore
 * const along = autoremovePlanner(dists, interpreter.markerEnvironment);
 * // … remove flask …
 * along(["flask"]).map((d) => d.name); // ["blinker", "click", "itsdangerous", …]
 * ```
 */
export function autoremovePlanner(
  dists: readonly InstalledDist[],
  environment: MarkerEnvironment,
  options: AutoremoveOptions = {},
): (removed: readonly string[]) => InstalledDist[] {
  const graph = new InstalledGraph(dists, environment);
  const requested = new Set<PackageName>();
  for (const [name, dist] of graph.dists) {
    graph.dependents(name); // the first call builds every edge, while the metadata is there
    if (dist.kind !== "dist-info" || dist.requested) requested.add(name);
  }
  return (removed) =>
    candidates(
      graph,
      removed,
      (name) =>
        graph.dists.has(name) && !requested.has(name) && !(options.keep?.has(name) ?? false),
    );
}

/** What to remove along with `removed` (see {@link autoremovePlanner}), reading metadata now. */
export function autoremoveCandidates(
  dists: readonly InstalledDist[],
  environment: MarkerEnvironment,
  removed: readonly string[],
  options: AutoremoveOptions = {},
): InstalledDist[] {
  return autoremovePlanner(dists, environment, options)(removed);
}

function candidates(
  graph: InstalledGraph,
  removed: readonly string[],
  eligible: (name: PackageName) => boolean,
): InstalledDist[] {
  const gone = new Set<PackageName>(removed.map((name) => canonicalizeName(name)));
  // Start from every eligible dependency reachable from what is removed, then drop each one
  // that something staying still requires, until nothing changes (a cycle of dependencies
  // that only require each other goes too).
  const chosen = new Set<PackageName>();
  const pending = [...gone];
  while (pending.length > 0) {
    const from = pending.pop()!;
    for (const edge of graph.dependencies(from)) {
      if (gone.has(edge.to) || chosen.has(edge.to) || !eligible(edge.to)) continue;
      chosen.add(edge.to);
      pending.push(edge.to);
    }
  }
  for (let dropped = true; dropped;) {
    dropped = false;
    for (const name of chosen) {
      const needed = graph.dependents(name).some((edge) =>
        !gone.has(edge.from) && !chosen.has(edge.from)
      );
      if (needed) {
        chosen.delete(name);
        dropped = true;
      }
    }
  }
  return [...chosen].sort().map((name) => graph.dists.get(name)!);
}
