/**
 * `lock --format json`: the lock written, as data: each package with its
 * version, marker, kind of source and files (names, URLs or paths, sizes,
 * hashes), and the warnings of the resolution. The TOML file stays the lock;
 * this describes it for tools that do not read TOML.
 *
 * @module
 */

import type { Pylock, PylockArchive, PylockDistribution, PylockPackage } from "../lock/pylock.ts";
import type { LockDocument, LockedFile, LockedPackage } from "./json_documents.ts";

function fileOf(file: PylockDistribution | PylockArchive, name: string | null): LockedFile {
  return {
    name,
    url: file.url ?? null,
    path: file.path ?? null,
    size: file.size ?? null,
    hashes: { ...file.hashes },
  };
}

function lockedPackage(entry: PylockPackage): LockedPackage {
  const common = {
    name: entry.name,
    version: entry.version ?? null,
    marker: entry.marker ?? null,
    requires_python: entry.requiresPython ?? null,
  };
  if (entry.vcs !== undefined) return { ...common, source: "vcs", files: [] };
  if (entry.directory !== undefined) return { ...common, source: "directory", files: [] };
  if (entry.archive !== undefined) {
    const where = entry.archive.url ?? entry.archive.path ?? "";
    const name = where.split("/").at(-1) || null;
    return { ...common, source: "archive", files: [fileOf(entry.archive, name)] };
  }
  const files = (entry.wheels ?? []).map((wheel) => fileOf(wheel, wheel.name ?? null));
  if (entry.sdist !== undefined) files.push(fileOf(entry.sdist, entry.sdist.name ?? null));
  return { ...common, source: "index", files };
}

/** The document of a lock written to `output` (absolute), with the run's warnings. */
export function lockDocument(
  lock: Pylock,
  options: { readonly output: string; readonly warnings: readonly string[] },
): LockDocument {
  return {
    schema_version: 1,
    output: options.output,
    lock_version: lock.lockVersion,
    created_by: lock.createdBy,
    requires_python: lock.requiresPython ?? null,
    environments: lock.environments === undefined ? null : [...lock.environments],
    packages: lock.packages.map(lockedPackage),
    warnings: [...options.warnings],
  };
}
