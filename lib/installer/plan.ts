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
}

/** How to plan. */
export interface PlanOptions {
  /** `--force-reinstall` / `-I`: reinstall what is installed even at the same version. */
  readonly reinstallAll?: boolean;
  /**
   * `--target`: the target directory's own contents are handled when
   * installing (replaced only with `--upgrade`), so everything is installed.
   */
  readonly targetDir?: boolean;
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
  options: PlanOptions = {},
): Plan<D, I> {
  const byName = new Map<PackageName, I>();
  for (const dist of installed) if (!byName.has(dist.name)) byName.set(dist.name, dist);
  const install: D[] = [];
  const reinstall: ReinstallEntry<D, I>[] = [];
  const satisfied: SatisfiedEntry<D, I>[] = [];
  for (const dist of dists) {
    const current = options.targetDir === true ? undefined : byName.get(dist.name);
    if (current === undefined) {
      install.push(dist);
      continue;
    }
    const same = dist.installed || sameVersion(current.version, dist.version);
    if (same && options.reinstallAll !== true) {
      satisfied.push({
        dist,
        installed: current,
        sameWheel: !dist.installed && dist.url !== undefined,
      });
      continue;
    }
    reinstall.push({ dist, installed: current });
  }
  return { install, reinstall, uninstall: reinstall.map((entry) => entry.installed), satisfied };
}

/**
 * The order to install in: dependencies before their dependents (pip's
 * order), so that a failure part way leaves what is installed usable. A
 * cycle is broken where it is met; ties keep the given order.
 *
 * @example
 * ```ts
 * import { installationOrder } from "./plan.ts";
 * installationOrder(["app", "lib"], (name) => (name === "app" ? ["lib"] : []));
 * // ["lib", "app"]
 * ```
 */
export function installationOrder<K>(
  items: readonly K[],
  dependencies: (item: K) => readonly K[],
): K[] {
  const members = new Set(items);
  const done = new Set<K>();
  const visiting = new Set<K>();
  const order: K[] = [];
  const visit = (item: K) => {
    if (done.has(item) || visiting.has(item)) return;
    visiting.add(item);
    for (const dependency of dependencies(item)) {
      if (members.has(dependency)) visit(dependency);
    }
    visiting.delete(item);
    done.add(item);
    order.push(item);
  };
  for (const item of items) visit(item);
  return order;
}
