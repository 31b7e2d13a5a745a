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

import { formatUtcMicros, parseIndexUploadTime } from "../dists/upload_time.ts";
import { DpipError } from "../errors.ts";
import type { Pylock, PylockDistribution, PylockPackage } from "../lock/pylock.ts";
import { TomlDateTime } from "../lock/toml_writer.ts";
import { type IndexSource, verifyWheelMetadata } from "../resolver/default_provider.ts";
import { limiter } from "../limiter.ts";
import type { ResolvedDist } from "../resolver/mod.ts";
import type { RequirementsSpecification } from "../requirements/specification.ts";
import { type InstallOptions, type InstallOutcome, installRequirements } from "./install.ts";
import type { InstallServices } from "./install_settings.ts";
import { withoutRequested } from "./only_deps.ts";

/** A resolved distribution that cannot be written to a lock file. */
export class UnlockableError extends DpipError<"unlockable"> {
  /** `name==version` of the distribution. */
  readonly distribution: string;
  /** `distribution` is `name==version`; `why` says what is missing. */
  constructor(distribution: string, why: string) {
    super("unlockable", `Cannot lock ${distribution}: ${why}`, {
      hint: "use an index that gives sha256 hashes, or name a file whose hash can be checked",
    });
    this.name = "UnlockableError";
    this.distribution = distribution;
  }
}

function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1");
}

function lockHashes(hashes: Readonly<Record<string, string>>): Record<string, string> | undefined {
  if (hashes["sha256"] !== undefined) return { sha256: hashes["sha256"] };
  return Object.keys(hashes).length > 0 ? { ...hashes } : undefined;
}

function uploadTimeOf(text: string | undefined): TomlDateTime | undefined {
  try {
    const micros = parseIndexUploadTime(text);
    return micros === undefined ? undefined : new TomlDateTime(formatUtcMicros(micros));
  } catch {
    return undefined; // An index's unreadable upload time is left out of the lock.
  }
}

/** One resolved distribution as a `[[packages]]` entry. */
function lockPackage(dist: ResolvedDist<IndexSource>): PylockPackage {
  const label = `${dist.name}==${dist.version}`;
  const source = dist.source;
  if (source?.kind !== "index") throw new UnlockableError(label, "it has no file to lock");
  const file = source.file;
  const hashes = lockHashes(file.hashes);
  if (hashes === undefined) {
    throw new UnlockableError(label, `no hash is known for ${file.filename}`);
  }
  const url = withoutCredentials(file.url.split("#")[0]!);
  const requiresPython = dist.metadata.requiresPython?.trim();
  const common = {
    name: dist.name,
    ...(requiresPython ? { requiresPython } : {}),
  };
  if (dist.url !== undefined) {
    return { ...common, archive: { url, hashes } };
  }
  const entry = lockedFile(file, label);
  return {
    ...common,
    version: dist.version,
    ...(source.format === "wheel" ? { wheels: [entry] } : { sdist: entry }),
  };
}

/**
 * An index file as a lock's `[[packages.wheels]]` or `[packages.sdist]`
 * entry (name, upload time, URL without credentials, size, sha256).
 *
 * @throws {UnlockableError} when the index gives no hash for it (`label` names the distribution).
 */
export function lockedFile(file: IndexSource["file"], label: string): PylockDistribution {
  const hashes = lockHashes(file.hashes);
  if (hashes === undefined) {
    throw new UnlockableError(label, `no hash is known for ${file.filename}`);
  }
  const uploadTime = uploadTimeOf(file.uploadTime);
  return {
    name: file.filename,
    ...(uploadTime === undefined ? {} : { uploadTime }),
    url: withoutCredentials(file.url.split("#")[0]!),
    ...(file.size === undefined ? {} : { size: file.size }),
    hashes,
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
  options: { createdBy: string },
): Pylock {
  const packages = dists.map(lockPackage).sort((a, b) =>
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

/**
 * Resolves `spec` for the target interpreter, ignoring what is installed
 * (the install pipeline's dry run), and returns the lock of the result.
 * The metadata of every locked wheel is checked against the wheel itself
 * first ({@link verifyLockedWheels}).
 */
export async function lockRequirements(
  spec: RequirementsSpecification,
  options: InstallOptions & { createdBy: string; onlyDeps?: boolean },
): Promise<LockOutcome> {
  const outcome = await installRequirements(spec, {
    ...options,
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
  const lock = pylockFromResolution(dists, { createdBy: options.createdBy });
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
async function verifyLockedWheels(
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
