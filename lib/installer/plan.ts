/**
 * What an install will do, decided before anything is touched: which of the
 * resolved distributions are new, which replace an installed version (and
 * so uninstall it), and which are already satisfied. Pure: a resolution and
 * the installed distributions in, a {@link Plan} out, so `--dry-run` only
 * renders it.
 *
 * @module
 */

import type { PackageName } from "../names/mod.ts";
import { tryParseVersion } from "../pep440/mod.ts";

/** The parts of a resolved distribution the plan reads (`ResolvedDist` fits). */
export interface PlannedDist {
  readonly name: PackageName;
  /** The chosen version (normalized). */
  readonly version: string;
  /** The resolver kept the installed distribution. */
  readonly installed: boolean;
  /** The URL of a direct reference (a wheel path or URL the user named). */
  readonly url?: string;
}

/** The parts of an installed distribution the plan reads (`InstalledDist` fits). */
export interface PlanInstalled {
  readonly name: PackageName;
  readonly version: string;
}

/** A resolved distribution already installed, left alone. */
export interface SatisfiedEntry<D, I> {
  readonly dist: D;
  readonly installed: I;
  /**
   * The user named a wheel of the version already installed: pip says so
   * ("already installed with the same version as the provided wheel").
   */
  readonly sameWheel: boolean;
}

/** A resolved distribution that replaces an installed one. */
export interface ReinstallEntry<D, I> {
  readonly dist: D;
  /** The installed distribution it replaces (uninstalled once the new one is ready). */
  readonly installed: I;
}

/** A distribution to install whose copy in the `--target` directory stays. */
export interface KeptEntry<D, I> {
  readonly dist: D;
  /** The copy already in the target directory. */
  readonly installed: I;
}

/** The plan of an install. */
export interface Plan<D extends PlannedDist, I extends PlanInstalled> {
  /** New distributions, in resolution order. */
  readonly install: readonly D[];
  /** Distributions replacing an installed version (an upgrade, downgrade or forced reinstall). */
  readonly reinstall: readonly ReinstallEntry<D, I>[];
  /** The installed distributions the reinstalls remove. */
  readonly uninstall: readonly I[];
  /** Distributions already installed as resolved. */
  readonly satisfied: readonly SatisfiedEntry<D, I>[];
  /**
   * Of `install`, under `--target` without `--upgrade`: those the target
   * directory has already. pip fetches them, then leaves the copy there and
   * says so; nothing of theirs is written.
   */
  readonly kept: readonly KeptEntry<D, I>[];
}

/** How to plan. */
export interface PlanOptions<I extends PlanInstalled = PlanInstalled> {
  /** `--force-reinstall` / `-I`: reinstall what is installed even at the same version. */
  readonly reinstallAll?: boolean;
  /**
   * `--target`: everything resolved is installed (the environment's
   * distributions are not the target's); what the target directory `has`
   * already is replaced only with `upgrade`, else kept.
   */
  readonly targetDir?: { readonly has: readonly I[]; readonly upgrade: boolean };
  /**
   * Replaced even when the same version is installed (pip reinstalls
   * editables, local directories and sdists, and over an editable install).
   */
  readonly reinstall?: ReadonlySet<PackageName>;
}

function sameVersion(installed: string, resolved: string): boolean {
  const a = tryParseVersion(installed);
  const b = tryParseVersion(resolved);
  return a === undefined || b === undefined ? installed === resolved : a.compare(b) === 0;
}

/**
 * Splits a resolution into new, replacing and satisfied distributions.
 *
 * @example
 * ```ts
 * import { planInstall } from "./plan.ts";
 * import type { PackageName } from "../names/mod.ts";
 * const name = (n: string) => n as PackageName;
 * const plan = planInstall(
 *   [
 *     { name: name("a"), version: "2.0", installed: false },
 *     { name: name("b"), version: "1.0", installed: true },
 *   ],
 *   [{ name: name("a"), version: "1.0" }, { name: name("b"), version: "1.0" }],
 * );
 * plan.reinstall.length; // 1 (a 1.0 → 2.0)
 * plan.satisfied.length; // 1 (b)
 * ```
 */
export function planInstall<D extends PlannedDist, I extends PlanInstalled>(
  dists: readonly D[],
  installed: readonly I[],
  options: PlanOptions<I> = {},
): Plan<D, I> {
  const byName = new Map<PackageName, I>();
  for (const dist of installed) if (!byName.has(dist.name)) byName.set(dist.name, dist);
  const install: D[] = [];
  const reinstall: ReinstallEntry<D, I>[] = [];
  const satisfied: SatisfiedEntry<D, I>[] = [];
  for (const dist of dists) {
    const current = options.targetDir === undefined ? byName.get(dist.name) : undefined;
    if (current === undefined) {
      install.push(dist);
      continue;
    }
    const same = dist.installed || sameVersion(current.version, dist.version);
    if (same && options.reinstallAll !== true && options.reinstall?.has(dist.name) !== true) {
      satisfied.push({
        dist,
        installed: current,
        sameWheel: !dist.installed && dist.url !== undefined,
      });
      continue;
    }
    reinstall.push({ dist, installed: current });
  }
  return {
    install,
    reinstall,
    uninstall: reinstall.map((entry) => entry.installed),
    satisfied,
    kept: keptInTarget(install, options.targetDir),
  };
}

/** What `--target` without `--upgrade` leaves as the directory has it. */
function keptInTarget<D extends PlannedDist, I extends PlanInstalled>(
  install: readonly D[],
  target: PlanOptions<I>["targetDir"],
): KeptEntry<D, I>[] {
  if (target === undefined || target.upgrade) return [];
  const has = new Map<PackageName, I>();
  for (const dist of target.has) if (!has.has(dist.name)) has.set(dist.name, dist);
  return install.flatMap((dist) => {
    const installed = has.get(dist.name);
    return installed === undefined ? [] : [{ dist, installed }];
  });
}

/**
 * A dependency graph as pip's resolver leaves it: node ids are project names,
 * `name[extras]` for a project with extras, and any other id for other
 * requirements (pip's `Requires-Python` node); `null` is the root, whose
 * children are your requirements.
 */
export type DependencyGraph = ReadonlyMap<string | null, readonly string[]>;

/**
 * pip's installation order: dependencies before their dependents. Leaves
 * are peeled off round by round (each round's leaves weigh more than the
 * next's), then what is left (cycles and what leads to them) is weighed by
 * its longest path from the root; heavier first, ties by name, descending,
 * as pip sorts them. Only `keys` are returned.
 *
 * @example
 * ```ts
 * import { installationOrder } from "./plan.ts";
 * const graph = new Map<string | null, string[]>([[null, ["app"]], ["app", ["lib"]], ["lib", []]]);
 * installationOrder(["app", "lib"], graph); // ["lib", "app"]
 * ```
 */
export function installationOrder(keys: readonly string[], graph: DependencyGraph): string[] {
  if (keys.length === 0) return [];
  const wanted = new Set(keys);
  const children = new Map<string | null, Set<string>>();
  const node = (id: string | null) => {
    let set = children.get(id);
    if (set === undefined) children.set(id, set = new Set());
    return set;
  };
  for (const [id, targets] of graph) {
    node(id);
    for (const target of targets) {
      node(id).add(target);
      node(target);
    }
  }
  const weights = new Map<string, number>();
  for (;;) {
    const leaves = [...children].filter(([id, set]) => id !== null && set.size === 0)
      .map(([id]) => id as string);
    if (leaves.length === 0) break;
    const weight = children.size - 1;
    for (const leaf of leaves) {
      if (wanted.has(leaf)) weights.set(leaf, weight);
      children.delete(leaf);
    }
    for (const set of children.values()) for (const leaf of leaves) set.delete(leaf);
  }
  const path = new Set<string | null>();
  const visit = (id: string | null) => {
    if (path.has(id)) return;
    path.add(id);
    for (const child of children.get(id) ?? []) visit(child);
    path.delete(id);
    if (id === null || !wanted.has(id)) return;
    weights.set(id, Math.max(weights.get(id) ?? 0, path.size));
  };
  visit(null);
  return [...wanted].sort((a, b) => {
    const difference = (weights.get(b) ?? 0) - (weights.get(a) ?? 0);
    return difference !== 0 ? difference : a < b ? 1 : a > b ? -1 : 0;
  });
}
