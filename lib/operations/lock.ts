/**
 * `lock`: resolve as `install --dry-run --ignore-installed` does (the same
 * pipeline, the same choices) and describe the result as a PEP 751 lock
 * file: each distribution with its version, the one file chosen for this
 * interpreter (wheel or sdist: name, upload time, URL, size, hashes) or its
 * direct reference, and its `Requires-Python`, sorted by name as `pip lock`
 * sorts them; with `onlyDeps`, without the projects you named (pip's
 * `--only-deps`). Returns data; never prints.
 *
 * @module
 */

import type { Pylock, PylockPackage } from "../lock/pylock.ts";
import { type IndexSource, verifyWheelMetadata } from "../resolver/default_provider.ts";
import { limiter } from "../limiter.ts";
import type { ResolvedDist } from "../resolver/mod.ts";
import type { RequirementsSpecification } from "../requirements/specification.ts";
import { type InstallOptions, type InstallOutcome, installRequirements } from "./install.ts";
import type { InstallServices } from "./install_settings.ts";
import {
  lockedFile,
  type PreparedReference,
  referenceTable,
  UnlockableError,
} from "./lock_entries.ts";
import { withoutRequested } from "./only_deps.ts";

export { lockedFile, UnlockableError } from "./lock_entries.ts";

/** How a lock writes direct references. */
export interface LockReferences {
  /** What preparing each direct reference found, by its URL as resolved. */
  readonly prepared: ReadonlyMap<string, PreparedReference>;
  /** The lock file's directory: project directories are written relative to it. */
  readonly lockDir: string;
}

/**
 * One resolved distribution as a `[[packages]]` entry: its index file, or
 * the table of its direct reference (see `lock_entries.ts`).
 *
 * @throws {UnlockableError} for a distribution without a file or a hash to record.
 */
export function lockPackage(
  dist: ResolvedDist<IndexSource>,
  references: LockReferences | undefined,
): PylockPackage {
  const label = `${dist.name}==${dist.version}`;
  const requiresPython = dist.metadata.requiresPython?.trim();
  const common = { name: dist.name, ...(requiresPython ? { requiresPython } : {}) };
  if (dist.url !== undefined) {
    return {
      ...common,
      ...referenceTable(dist.url, references?.prepared.get(dist.url), {
        lockDir: references?.lockDir ?? ".",
        label,
      }),
    };
  }
  const source = dist.source;
  if (source?.kind !== "index") throw new UnlockableError(label, "it has no file to lock");
  const entry = lockedFile(source.file, label);
  return {
    ...common,
    version: dist.version,
    ...(source.format === "wheel" ? { wheels: [entry] } : { sdist: entry }),
  };
}

/**
 * The lock file of a resolution: one package per distribution, sorted by
 * name (pip's order), created by `createdBy`.
 *
 * @throws {UnlockableError} for a distribution without a file or a hash to record.
 */
export function pylockFromResolution(
  dists: readonly ResolvedDist<IndexSource>[],
  options: { createdBy: string; references?: LockReferences },
): Pylock {
  const packages = dists.map((dist) => lockPackage(dist, options.references)).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0
  );
  return { lockVersion: "1.0", createdBy: options.createdBy, packages };
}

/** What {@link lockRequirements} found. */
export interface LockOutcome {
  readonly lock: Pylock;
  /** The dry run it was made from (warnings, what was ignored by markers). */
  readonly outcome: InstallOutcome;
}

/** What a lock is written with: its creator, and where it goes. */
export interface LockSettings {
  readonly createdBy: string;
  /** The lock file's directory (project directories are written relative to it). */
  readonly lockDir: string;
  /** Leave out the projects you named (pip's `--only-deps`). */
  readonly onlyDeps?: boolean;
}

/**
 * Resolves `spec` for the target interpreter, ignoring what is installed
 * (the install pipeline's dry run; wheels named by URL fetched for their
 * hashes), and returns the lock of the result. The metadata of every locked
 * index wheel is checked against the wheel itself first
 * ({@link verifyLockedWheels}).
 */
export async function lockRequirements(
  spec: RequirementsSpecification,
  options: InstallOptions & LockSettings,
): Promise<LockOutcome> {
  const outcome = await installRequirements(spec, {
    ...options,
    fetchWheelUrls: true,
    settings: {
      ...options.settings,
      dryRun: true,
      ignoreInstalled: true,
      resolveOnly: true,
      upgrade: false,
      forceReinstall: false,
      report: false,
    },
  });
  const resolved = outcome.resolution?.dists ?? [];
  const dists = options.onlyDeps ? withoutRequested(resolved, spec) : resolved;
  const lock = pylockFromResolution(dists, {
    createdBy: options.createdBy,
    references: { prepared: outcome.references, lockDir: options.lockDir },
  });
  await verifyLockedWheels(dists, options.services);
  return { lock, outcome };
}

/**
 * Checks the metadata each index wheel of a resolution was resolved with
 * against the wheel's own bytes (`verifyWheelMetadata`), `concurrency` at a
 * time. Metadata read with range requests is covered by no hash; checked,
 * the lock holds only dependencies its files declare, and each wheel's
 * metadata is kept by its sha256 (the wheel in the HTTP cache), so the next
 * lock of the same files reads none by ranges and `install` downloads none.
 *
 * @throws {MetadataMismatchError} naming the first wheel whose METADATA differs.
 */
export async function verifyLockedWheels(
  dists: readonly ResolvedDist<IndexSource>[],
  services: InstallServices,
): Promise<void> {
  const slot = limiter(services.concurrency ?? 16);
  await Promise.all(dists.flatMap((dist) => {
    const source = dist.source;
    // Direct references and wheels built here were not read by ranges from an index.
    if (
      source?.kind !== "index" || source.format !== "wheel" || dist.url !== undefined ||
      source.builtFrom !== undefined
    ) return [];
    const wheel = {
      name: dist.name,
      version: dist.version,
      file: source.file,
      metadata: dist.metadata,
    };
    return [
      slot(() => verifyWheelMetadata(services.metadataClient, wheel, services.metadataStore)),
    ];
  }));
}
