/**
 * `uninstall`: finish what interrupted dpip runs left half done
 * ({@link finishPendingChanges}), find the named distributions in the target
 * environment, plan what removing each deletes ({@link planUninstall}), and
 * remove them under the environment lock with rollback ({@link removeDist}).
 * Nothing is printed; the caller shows plans, asks, and reports.
 *
 * @module
 */

import { isDpipError } from "../errors.ts";
import { type InstalledDist, readInstalledDists } from "../installer/site_packages.ts";
import { lockEnvironment } from "../installer/lock.ts";
import { recoverPendingChanges, recoveryWarnings } from "../installer/recovery.ts";
import { commitTransaction, createWorkDir, recoverTransactions } from "../installer/transaction.ts";
import { planRemoval, type RemovalPlan, UninstallError } from "../installer/uninstall.ts";
import { canonicalizeName, type PackageName } from "../names/mod.ts";

/** The environment `uninstall` acts on. */
export interface UninstallEnvironment {
  /** Where installed distributions are looked up (`sys.path` order). */
  readonly sitePackages: readonly string[];
  /** The scripts directory console scripts live in. */
  readonly scriptsDir: string;
  /** The user site, whose distributions' scripts live in {@link userScriptsDir}. */
  readonly userSite?: string;
  readonly userScriptsDir?: string;
  /**
   * Directories the environment owns; undefined (outside a virtualenv): the
   * scheme's ({@link keepDirs}) and each distribution's own directory.
   */
  readonly environmentDirs?: readonly string[];
  /**
   * The scheme's directories (the user scheme's too): never pruned, and
   * outside a virtualenv the directories whose files may be removed.
   */
  readonly keepDirs: readonly string[];
  /** The library directory, locked (with the one a distribution is removed from) while removing. */
  readonly lockDir: string;
  readonly onLockWait?: (path: string) => void;
}

/** What uninstalling one requested name would do. */
export type UninstallItem =
  | { readonly kind: "remove"; readonly dist: InstalledDist; readonly plan: RemovalPlan }
  | { readonly kind: "not-installed"; readonly name: string }
  | { readonly kind: "outside"; readonly dist: InstalledDist; readonly message: string };

/**
 * Finishes the interrupted changes dpip left in the environment's
 * directories (or leaves them as they are where another tool has changed
 * them since), waiting for their locks; returns warnings saying what was done.
 * One directory listing each when there is nothing to do.
 *
 * @throws {TransactionError} when the file system refuses a step.
 */
export async function finishPendingChanges(environment: UninstallEnvironment): Promise<string[]> {
  const changes = await recoverPendingChanges(environment.sitePackages, {
    ...(environment.onLockWait === undefined ? {} : { onLockWait: environment.onLockWait }),
  });
  return recoveryWarnings(changes);
}

/**
 * Looks up each name (in the order given, duplicates dropped) and plans its removal.
 *
 * @throws {UninstallError} for a distribution pip also refuses to remove (distutils, no RECORD).
 */
export function planUninstall(
  names: readonly string[],
  environment: UninstallEnvironment,
): UninstallItem[] {
  const { dists } = readInstalledDists(environment.sitePackages);
  const byName = new Map<PackageName, InstalledDist>(dists.map((dist) => [dist.name, dist]));
  const seen = new Set<string>();
  const items: UninstallItem[] = [];
  for (const name of names) {
    const canonical = canonicalizeName(name);
    if (seen.has(canonical)) continue;
    seen.add(canonical);
    const dist = byName.get(canonical);
    if (dist === undefined) {
      items.push({ kind: "not-installed", name });
      continue;
    }
    try {
      const plan = planRemoval(dist, {
        scriptsDir: environment.userSite !== undefined &&
            environment.userScriptsDir !== undefined &&
            dist.installedLocation === environment.userSite
          ? environment.userScriptsDir
          : environment.scriptsDir,
        ...(environment.environmentDirs === undefined
          ? {}
          : { environmentDirs: environment.environmentDirs }),
        schemeDirs: environment.keepDirs,
      });
      items.push({ kind: "remove", dist, plan });
    } catch (error) {
      if (error instanceof UninstallError && isDpipError(error, "outside-environment")) {
        items.push({ kind: "outside", dist, message: error.message });
        continue;
      }
      throw error;
    }
  }
  return items;
}

/**
 * Removes one planned distribution, holding the environment lock: its
 * files first, then its metadata; everything is moved back if a removal
 * fails. Returns warnings about interrupted changes finished on the way.
 *
 * @throws {TransactionError} when the file system refuses (nothing is changed).
 */
export async function removeDist(
  plan: RemovalPlan,
  dist: InstalledDist,
  environment: UninstallEnvironment,
): Promise<string[]> {
  const lock = await lockEnvironment([environment.lockDir, dist.installedLocation], {
    ...(environment.onLockWait === undefined ? {} : { onWait: environment.onLockWait }),
  });
  try {
    const warnings = recoveryWarnings(recoverTransactions(dist.installedLocation).changes);
    const workDir = createWorkDir(dist.installedLocation);
    commitTransaction(workDir, {
      changes: [{
        project: dist.name,
        remove: {
          metadataPath: plan.metadataPath,
          paths: plan.paths,
          pthEntries: plan.pthEntries,
        },
      }],
      keepDirs: [...environment.keepDirs, dist.installedLocation],
    });
    return warnings;
  } finally {
    lock.release();
  }
}
