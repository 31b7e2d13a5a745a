/**
 * Where each distribution of a fork's resolution is needed: the environments
 * (of the fork) under which a path of applicable requirements leads to it
 * from your requirements. The fork's resolution may hold distributions that
 * no environment reaches (a requirement applying in the fork under a marker
 * its requirer's own condition excludes); they come out empty.
 *
 * Reaching `a[x]` reaches `a`; the requirements of `a` are read with `extra`
 * fixed to `""`, those of `a[x]` with it fixed to `x`. Pure: no I/O.
 *
 * @module
 */

import { canonicalizeExtra, canonicalizeName, type PackageName } from "../names/mod.ts";
import { parseRequirement, type Requirement } from "../pep508/mod.ts";
import { MarkerSet } from "../pep508/marker_algebra.ts";
import { markerSetOf } from "./forks.ts";
import type { ResolvedDist } from "./resolve.ts";

/** Node of the graph: a project (`name`) or one of its extras (`name[extra]`). */
function nodeKey(name: string, extra: string): string {
  return extra === "" ? name : `${name}[${extra}]`;
}

/**
 * For each distribution of `dists` (one fork's resolution), the environments
 * of `fork` where it is reached from `roots`.
 */
export function reachability<S>(
  dists: readonly ResolvedDist<S>[],
  roots: readonly Requirement[],
  fork: MarkerSet,
): Map<PackageName, MarkerSet> {
  const byName = new Map(dists.map((dist) => [dist.name, dist]));
  const parsed = new Map<PackageName, Requirement[]>();
  const requirementsOf = (dist: ResolvedDist<S>): Requirement[] => {
    let list = parsed.get(dist.name);
    if (list === undefined) {
      list = [];
      for (const line of dist.metadata.requiresDist) {
        try {
          list.push(parseRequirement(line));
        } catch {
          // The resolver refused such metadata; a line it could not read leads nowhere.
        }
      }
      parsed.set(dist.name, list);
    }
    return list;
  };
  const reach = new Map<string, MarkerSet>();
  const pending: Array<{ name: PackageName; extra: string }> = [];
  const add = (name: PackageName, extra: string, where: MarkerSet) => {
    if (where.isEmpty() || !byName.has(name)) return;
    const key = nodeKey(name, extra);
    const before = reach.get(key) ?? MarkerSet.FALSE;
    const after = before.or(where);
    if (after.equals(before)) return;
    reach.set(key, after);
    pending.push({ name, extra });
    if (extra !== "") add(name, "", where);
  };
  const follow = (requirement: Requirement, where: MarkerSet) => {
    const name = canonicalizeName(requirement.name);
    add(name, "", where);
    const provided = byName.get(name)?.extras ?? [];
    for (const extra of requirement.extras) {
      const canonical = canonicalizeExtra(extra);
      if (provided.includes(canonical)) add(name, canonical, where);
    }
  };
  for (const root of roots) follow(root, fork.and(markerSetOf(root.marker).withExtra("")));
  while (pending.length > 0) {
    const { name, extra } = pending.pop()!;
    const from = reach.get(nodeKey(name, extra))!;
    for (const requirement of requirementsOf(byName.get(name)!)) {
      follow(requirement, from.and(markerSetOf(requirement.marker).withExtra(extra)));
    }
  }
  const result = new Map<PackageName, MarkerSet>();
  for (const dist of dists) result.set(dist.name, reach.get(dist.name) ?? MarkerSet.FALSE);
  return result;
}
