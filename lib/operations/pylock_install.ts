/**
 * Installing from a PEP 751 lock (`install -r pylock.toml`), as pip 26.1
 * does: the lock's packages are selected for the target (markers,
 * `requires-python`, the best wheel for its tags) before anything is
 * fetched, and each becomes a pinned requirement with the lock's hashes
 * (so hash-checking mode covers every file) whose only candidate is the
 * locked file. Nothing is looked up on an index for a locked project, and a
 * lock that does not fit the target fails, naming the package, before
 * anything changes.
 *
 * Pure apart from the provider it wraps.
 *
 * @module
 */

import { parseSdistFilename } from "../dists/sdist_filename.ts";
import { parseWheelFilename } from "../dists/wheel_filename.ts";
import {
  type Pylock,
  type PylockDistribution,
  type PylockSelection,
  type PylockTarget,
  selectFromPylock,
  UnusablePylockError,
} from "../lock/pylock.ts";
import type { PackageName } from "../names/mod.ts";
import { dirname, isAbsolute, join, pathToFileURL, resolve } from "../paths.ts";
import type { IndexFile, IndexSource } from "../resolver/default_provider.ts";
import type { PackageListing, ResolverProvider } from "../resolver/mod.ts";

/** The lock's choice for one project: the only candidate the resolver sees. */
export interface LockedCandidate {
  readonly version: string;
  readonly source: IndexSource;
}

/** What a lock asks for on one target. */
export interface LockedRequirements {
  /** The packages as requirements-file lines (`name==1.0 --hash=sha256:…`). */
  readonly lines: readonly string[];
  /** The locked file of each wheel or sdist package, by name. */
  readonly candidates: ReadonlyMap<PackageName, LockedCandidate>;
}

function isUrl(text: string): boolean {
  return /^(https?|file):\/\//i.test(text);
}

/** The URL of a lock entry: its `path` (relative to the lock's own place) wins over `url`. */
function entryUrl(
  file: string,
  entry: { readonly path?: string; readonly url?: string },
  name: string,
): string {
  const path = entry.path;
  if (path) {
    if (isUrl(file)) {
      if (isAbsolute(path)) {
        throw new UnusablePylockError(
          file,
          `Absolute paths are not supported in pylock files obtained from a URL: '${path}'`,
          name,
        );
      }
      const url = new URL(path, file);
      if (url.origin !== new URL(file).origin) {
        throw new UnusablePylockError(
          file,
          `Path '${path}' in pylock file obtained from a URL resolves outside its location`,
          name,
        );
      }
      return url.href;
    }
    return pathToFileURL(isAbsolute(path) ? path : join(dirname(file), path)).href;
  }
  return entry.url!;
}

function hashOptions(hashes: Readonly<Record<string, string>>): string {
  return Object.entries(hashes).map(([algorithm, digest]) => ` --hash=${algorithm}:${digest}`)
    .join("");
}

function lockedFile(
  file: string,
  selection: PylockSelection,
  dist: PylockDistribution,
  filename: string,
): { line: string; candidate: LockedCandidate } {
  const pkg = selection.package;
  const format = selection.source.kind === "wheel" ? "wheel" : "sdist";
  const version = pkg.version ??
    String(
      format === "wheel"
        ? parseWheelFilename(filename).version
        : parseSdistFilename(filename).version,
    );
  const url = entryUrl(file, dist, pkg.name);
  const indexFile: IndexFile = {
    filename,
    url,
    hashes: { ...dist.hashes },
    yanked: false,
    coreMetadata: false,
    ...(dist.size === undefined ? {} : { size: dist.size }),
  };
  return {
    line: `${pkg.name}==${version}${hashOptions(dist.hashes)}`,
    candidate: { version, source: { kind: "index", file: indexFile, format } },
  };
}

/**
 * The requirements a lock gives for `target`: the selected packages as
 * pinned, hashed requirement lines, and their locked files.
 *
 * @throws {UnusablePylockError} when the lock does not fit the target (see {@link selectFromPylock}).
 */
export function lockedRequirements(
  lock: Pylock,
  options: {
    file: string;
    target: PylockTarget;
    /** The directory a relative `file` is named from (default: the process's). */
    cwd?: string;
  },
): LockedRequirements {
  const file = options.cwd === undefined || isUrl(options.file)
    ? options.file
    : resolve(options.cwd, options.file);
  const lines: string[] = [];
  const candidates = new Map<PackageName, LockedCandidate>();
  for (const selection of selectFromPylock(lock, options)) {
    const { source, package: pkg } = selection;
    switch (source.kind) {
      case "wheel":
      case "sdist": {
        const locked = lockedFile(file, selection, source.file, source.filename);
        lines.push(locked.line);
        candidates.set(pkg.name, locked.candidate);
        break;
      }
      case "archive": {
        const url = entryUrl(file, source.archive, pkg.name);
        const fragment = source.archive.subdirectory === undefined
          ? ""
          : `#subdirectory=${source.archive.subdirectory}`;
        lines.push(`${pkg.name} @ ${url}${fragment}${hashOptions(source.archive.hashes)}`);
        break;
      }
      case "directory": {
        const url = entryUrl(file, source.directory, pkg.name);
        const sub = source.directory.subdirectory === undefined
          ? ""
          : `#subdirectory=${source.directory.subdirectory}`;
        lines.push(`${source.directory.editable ? "-e " : ""}${url}${sub}`);
        break;
      }
      case "vcs": {
        const vcs = source.vcs;
        const url = entryUrl(file, vcs, pkg.name);
        const sub = vcs.subdirectory === undefined ? "" : `#subdirectory=${vcs.subdirectory}`;
        lines.push(`${pkg.name} @ ${vcs.type}+${url}@${vcs.commitId}${sub}`);
        break;
      }
    }
  }
  return { lines, candidates };
}

/**
 * `provider` with the locked projects answered from the lock: each has
 * exactly its locked file as its one candidate; other projects are looked
 * up as before. `verify`, when given, checks a locked file before its
 * metadata is read (the caller's I/O: a local file's hashes).
 */
export function lockedProvider(
  provider: ResolverProvider<IndexSource>,
  candidates: ReadonlyMap<PackageName, LockedCandidate>,
  verify?: (file: IndexFile) => Promise<void>,
): ResolverProvider<IndexSource> {
  if (candidates.size === 0) return provider;
  return {
    listVersions: async (name): Promise<PackageListing<IndexSource>> => {
      const locked = candidates.get(name);
      if (locked === undefined) return await provider.listVersions(name);
      return { kind: "found", candidates: [{ version: locked.version, source: locked.source }] };
    },
    getMetadata: async (name, candidate) => {
      const locked = candidates.get(name);
      if (verify !== undefined && locked !== undefined) await verify(locked.source.file);
      return await provider.getMetadata(name, candidate);
    },
    ...(provider.getDirectMetadata === undefined
      ? {}
      : { getDirectMetadata: (name, url) => provider.getDirectMetadata!(name, url) }),
  };
}
