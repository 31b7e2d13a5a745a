/**
 * `upgrade`: what to hand the install pipeline to upgrade some installed
 * distributions (or all of them) while the rest of the environment stays
 * consistent, and what changed.
 *
 * The distributions to upgrade are the requirements (unversioned, so the
 * resolver may choose their newest versions). Everything the upgrade cannot
 * reach (what is installed but neither named nor a dependency of what is,
 * and what cannot be upgraded: editable and URL installs, and what lies
 * outside the environment's own directories) keeps its requirements
 * satisfied: they become constraints. So `upgrade flask` never breaks a
 * package that needs an older Werkzeug; it stops at the newest Flask that
 * package allows.
 *
 * @module
 */

import type { InstalledDist } from "../installer/site_packages.ts";
import { canonicalizeName, type PackageName } from "../names/mod.ts";
import { tryParseVersion } from "../pep440/mod.ts";
import type { MarkerEnvironment } from "../pep508/mod.ts";
import type { Plan } from "../installer/plan.ts";
import type { IndexSource } from "../resolver/default_provider.ts";
import type { ResolvedDist } from "../resolver/mod.ts";
import { InstalledGraph } from "./installed_graph.ts";
import { displayVersion, STDLIB_PACKAGES } from "./list.ts";

/** What to upgrade and what holds the rest in place. */
export interface UpgradeSelection {
  /** The distributions to upgrade, as requirement texts (their metadata names). */
  readonly requirements: readonly string[];
  /**
   * The requirements of what stays as it is, as constraint texts
   * (`werkzeug<3`), each with the distribution that has it.
   */
  readonly held: readonly { readonly constraint: string; readonly by: string }[];
  /** The distributions that have `REQUESTED` (and keep it), normalized. */
  readonly requested: ReadonlySet<PackageName>;
  /** Names asked for that are not installed, as given. */
  readonly notInstalled: readonly string[];
  /** Names asked for that cannot be upgraded (editable or URL installs, outside the environment). */
  readonly notUpgradable: readonly string[];
}

/** Options of {@link selectUpgrade}. */
export interface UpgradeOptions {
  /** The names to upgrade (ignored with `all`). */
  readonly names?: readonly string[];
  /** Upgrade every distribution that can be. */
  readonly all?: boolean;
  /** The environment's own directories (purelib, platlib): only what lies there is upgraded. */
  readonly environmentDirs: ReadonlySet<string>;
}

function upgradable(dist: InstalledDist, environmentDirs: ReadonlySet<string>): boolean {
  return environmentDirs.has(dist.installedLocation) && !dist.editable &&
    dist.directUrl === undefined && !STDLIB_PACKAGES.includes(dist.name);
}

/**
 * Chooses what to upgrade among `dists` (what is installed, first on the
 * path wins) and the constraints that keep everything else satisfied.
 *
 * @example
 * ```ts ignore
 * const selection = selectUpgrade(dists, interpreter.markerEnvironment, {
 *   names: ["flask"],
 *   environmentDirs: new Set([scheme.purelib, scheme.platlib]),
 * });
 * selection.requirements; // ["Flask"]
 * ```
 */
export function selectUpgrade(
  dists: readonly InstalledDist[],
  environment: MarkerEnvironment,
  options: UpgradeOptions,
): UpgradeSelection {
  const graph = new InstalledGraph(dists, environment);
  const notInstalled: string[] = [];
  const notUpgradable: string[] = [];
  const roots: PackageName[] = [];
  if (options.all) {
    for (const [name, dist] of [...graph.dists].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (upgradable(dist, options.environmentDirs)) roots.push(name);
    }
  } else {
    for (const given of options.names ?? []) {
      const name = canonicalizeName(given);
      const dist = graph.dists.get(name);
      if (dist === undefined) notInstalled.push(given);
      else if (!upgradable(dist, options.environmentDirs)) notUpgradable.push(given);
      else if (!roots.includes(name)) roots.push(name);
    }
  }
  // What the upgrade may move: the roots and what they require, transitively.
  const reach = new Set<PackageName>();
  const stack = [...roots];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (reach.has(name)) continue;
    reach.add(name);
    for (const edge of graph.dependencies(name)) if (edge.installed) stack.push(edge.to);
  }
  const held: { constraint: string; by: string }[] = [];
  for (const [name, dist] of [...graph.dists].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (reach.has(name) && upgradable(dist, options.environmentDirs)) continue;
    for (const edge of graph.dependencies(name)) {
      for (const requirement of edge.requirements) {
        const specifier = String(requirement.specifier);
        if (requirement.url !== undefined || specifier === "") continue;
        held.push({ constraint: `${edge.to}${specifier}`, by: `${dist.rawName} ${dist.version}` });
      }
    }
  }
  const requested = new Set<PackageName>();
  for (const [name, dist] of graph.dists) {
    if (dist.kind !== "dist-info" || dist.requested) requested.add(name);
  }
  return {
    requirements: roots.map((name) => graph.dists.get(name)!.rawName),
    held,
    requested,
    notInstalled,
    notUpgradable,
  };
}

/** A distribution whose version changes. */
export interface VersionChange {
  /** The name as its metadata spells it. */
  readonly name: string;
  readonly from: string;
  readonly to: string;
}

/** What an upgrade's plan changes. */
export interface UpgradeChanges {
  /** Installed at a newer version. */
  readonly upgraded: readonly VersionChange[];
  /** Installed at an older version (the rest of the environment needs it). */
  readonly downgraded: readonly VersionChange[];
  /** New distributions (dependencies the new versions need). */
  readonly added: readonly { readonly name: string; readonly version: string }[];
}

/** The version changes of a plan, each list sorted by name. */
export function upgradeChanges(
  plan: Plan<ResolvedDist<IndexSource>, InstalledDist>,
  names: ReadonlyMap<string, string> = new Map(),
): UpgradeChanges {
  const upgraded: VersionChange[] = [];
  const downgraded: VersionChange[] = [];
  for (const { dist, installed } of plan.reinstall) {
    const change = {
      name: installed.rawName,
      from: displayVersion(installed.version),
      to: dist.version,
    };
    const older = compareLoose(dist.version, installed.version) < 0;
    (older ? downgraded : upgraded).push(change);
  }
  const added = plan.install.map((dist) => ({
    name: names.get(dist.name) ?? dist.name,
    version: dist.version,
  }));
  const byName = (a: { name: string }, b: { name: string }) =>
    a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1;
  return {
    upgraded: upgraded.sort(byName),
    downgraded: downgraded.sort(byName),
    added: added.sort(byName),
  };
}

function compareLoose(a: string, b: string): number {
  const x = tryParseVersion(a);
  const y = tryParseVersion(b);
  return x === undefined || y === undefined ? (a < b ? -1 : a > b ? 1 : 0) : x.compare(y);
}
