/**
 * The "already satisfied" shortcut of `install`: when nothing may be
 * upgraded or reinstalled and everything you named (and everything it
 * depends on) is installed at an acceptable version, that is the
 * resolution, and no index is asked anything.
 *
 * @module
 */

import type { InstalledDist } from "../installer/site_packages.ts";
import {
  canonicalizeExtra,
  canonicalizeName,
  type ExtraName,
  type PackageName,
} from "../names/mod.ts";
import { canonicalVersionText, tryParseVersion } from "../pep440/mod.ts";
import type { Requirement } from "../pep508/mod.ts";
import type { Interpreter } from "../python/mod.ts";
import type { IndexSource } from "../resolver/default_provider.ts";
import type { ResolvedDist } from "../resolver/mod.ts";
import type { RequirementSource } from "../requirements/source.ts";
import { installedDistribution } from "./resolve_specification.ts";
import { activeDependencies } from "./requires_dist.ts";

/**
 * Whether the installed distributions satisfy every requirement (and,
 * unless `noDeps`, everything they depend on) as they are. Constraints
 * must hold too. Undefined means "resolve".
 */
export function satisfiedAsInstalled(
  roots: readonly { readonly requirement: Requirement }[],
  constraints: readonly Pick<RequirementSource, "name" | "requirement">[],
  installed: ReadonlyMap<PackageName, InstalledDist>,
  options: { interpreter: Pick<Interpreter, "markerEnvironment">; noDeps: boolean },
): ResolvedDist<IndexSource>[] | undefined {
  const seen = new Map<PackageName, { dist: ResolvedDist<IndexSource>; extras: Set<ExtraName> }>();
  const queue: { requirement: Requirement; requested: boolean }[] = roots.map((root) => ({
    requirement: root.requirement,
    requested: true,
  }));
  while (queue.length > 0) {
    const { requirement, requested } = queue.shift()!;
    if (requirement.url !== undefined) return undefined;
    const name = canonicalizeName(requirement.name);
    const dist = installed.get(name);
    if (dist === undefined) return undefined;
    const version = tryParseVersion(dist.version);
    if (version === undefined) return undefined;
    const limits = [
      requirement.specifier,
      ...constraints.filter((c) => c.name === name).map((c) => c.requirement?.specifier),
    ];
    if (!limits.every((s) => s === undefined || s.contains(version, { prereleases: true }))) {
      return undefined;
    }
    const extras = requirement.extras.map((extra) => canonicalizeExtra(extra));
    const provided = new Set(dist.providesExtra().map((extra) => canonicalizeExtra(extra)));
    if (extras.some((extra) => !provided.has(extra))) return undefined;
    const known = seen.get(name);
    const fresh = extras.filter((extra) => !(known?.extras.has(extra) ?? false));
    if (known !== undefined && fresh.length === 0) {
      if (requested) known.dist.requested = true;
      continue;
    }
    const entry = known ?? {
      dist: {
        name,
        version: canonicalVersionText(dist.version) ?? dist.version,
        extras: [],
        requested,
        installed: true,
        metadata: installedDistribution(dist).metadata,
      },
      extras: new Set<ExtraName>(),
    };
    for (const extra of fresh) entry.extras.add(extra);
    entry.dist.extras = [...entry.extras].sort();
    if (requested) entry.dist.requested = true;
    seen.set(name, entry);
    if (options.noDeps) continue;
    const { requiresDist } = entry.dist.metadata;
    for (
      const dependency of activeDependencies(requiresDist, options.interpreter, [...entry.extras])
    ) {
      queue.push({ requirement: dependency, requested: false });
    }
  }
  return [...seen.values()].map((entry) => entry.dist);
}
