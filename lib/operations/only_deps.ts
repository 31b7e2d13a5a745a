/**
 * `--only-deps` (pip 26.2): resolve the requirements as usual, then leave
 * out every project the user named, even where another named project
 * depends on it (pip drops the user-requested names from its result).
 *
 * For `install`, the resolution is a dry run of the same pipeline; what it
 * chose, less the named projects, is then installed pinned and without
 * dependencies, so the second pass resolves nothing new.
 *
 * @module
 */

import type { PackageName } from "../names/mod.ts";
import type { ResolvedDist } from "../resolver/mod.ts";
import { parseRequirementSource } from "../requirements/source.ts";
import {
  hashesByProject,
  type RequirementsSpecification,
  type SpecifiedRequirement,
} from "../requirements/specification.ts";
import { type InstallOptions, installRequirements } from "./install.ts";

/** The names your requirements give (normalized). */
export function requestedNames(spec: RequirementsSpecification): Set<PackageName> {
  const names = new Set<PackageName>();
  for (const { source } of spec.requirements) {
    if (source.name !== undefined) names.add(source.name);
  }
  return names;
}

/** `dists` without the projects your requirements name. */
export function withoutRequested<D extends Pick<ResolvedDist<unknown>, "name">>(
  dists: readonly D[],
  spec: RequirementsSpecification,
): D[] {
  const requested = requestedNames(spec);
  return dists.filter((dist) => !requested.has(dist.name));
}

/**
 * The specification that installs only the dependencies of `spec`: each
 * distribution its resolution chose (other than the named projects) pinned
 * to its version, or to its URL for a direct reference. Install it with
 * `noDeps`.
 */
export async function dependenciesOnly(
  spec: RequirementsSpecification,
  options: InstallOptions,
): Promise<RequirementsSpecification> {
  const outcome = await installRequirements(spec, {
    ...options,
    settings: { ...options.settings, dryRun: true, report: false },
  });
  const plan = outcome.plan;
  const chosen = [
    ...plan.install,
    ...plan.reinstall.map((entry) => entry.dist),
    ...plan.satisfied.map((entry) => entry.dist),
  ];
  const hashes = hashesByProject(spec);
  const requirements: SpecifiedRequirement[] = withoutRequested(chosen, spec).map((dist) => ({
    source: parseRequirementSource(
      dist.url === undefined ? `${dist.name}==${dist.version}` : `${dist.name} @ ${dist.url}`,
      { cwd: "/", stat: () => undefined, origin: "--only-deps" },
    ),
    hashes: hashes.get(dist.name) ?? {},
    configSettings: {},
  }));
  return { ...spec, requirements };
}
