/**
 * The resolver's only window on the outside world.
 *
 * The solver asks a provider two questions: which versions a project has (in
 * the order it prefers them) and what one version's core metadata says. A
 * provider may fetch over the network, read a cache or answer from memory;
 * the resolver memoizes every answer and asks ahead of time (with bounded
 * concurrency) for metadata it is likely to need, so the provider should
 * deduplicate nothing itself. Non-fatal problems come back as
 * `{ kind: "unavailable", reason }` and become part of the failure report
 * when they matter; anything thrown aborts the resolution.
 *
 * A provider is generic over its source `S`: what it keeps about each
 * candidate (the file to fetch, for an index). The resolver never looks at
 * it and hands it back, typed, in the resolution's `ResolvedDist<S>`. The
 * default, `never`, is a provider that keeps no source (the in-memory one).
 *
 * @module
 */

import type { PackageName } from "../names/mod.ts";

/** Why a version cannot be used. Rendered by `report.ts`. */
export type UnavailableReason =
  /** PEP 592: yanked, and not pinned with `==`/`===` by the user. */
  | { kind: "yanked"; reason?: string }
  /** A pre-release, and pre-releases are not allowed for the package. */
  | { kind: "prerelease" }
  /** `Requires-Python` excludes the target interpreter. */
  | { kind: "requires-python"; requiresPython: string; python: string }
  /** Only wheels whose tags do not fit the target (and no usable sdist). */
  | { kind: "no-compatible-wheel"; tags?: readonly string[] }
  /** Only a source distribution, which cannot be built (yet, or because of `--only-binary`). */
  | { kind: "sdist-only"; message?: string }
  /** The metadata could not be fetched or parsed. */
  | { kind: "metadata"; message: string }
  /** Anything else, said in a message. */
  | { kind: "other"; message: string };

/** One version of a project as the index (or environment) offers it; `S` is the provider's source. */
export interface VersionCandidate<S = never> {
  /** The version, as written (normalized or not). */
  version: string;
  /** Set when every file of the version is yanked (PEP 592). */
  yanked?: { reason?: string };
  /** `Requires-Python` from the index (`data-requires-python`), checked before any metadata is fetched. */
  requiresPython?: string;
  /** Set when no file of the version fits the target (tags, `--only-binary`, …). */
  unavailable?: UnavailableReason;
  /**
   * Opaque to the resolver: handed back in the resolution (the file to
   * install). Absent only where nothing could be installed (`unavailable`).
   */
  source?: S;
}

/** The answer to "which versions does this project have". */
export type PackageListing<S = never> =
  /** Versions in preference order (best first; usually newest first). */
  | { kind: "found"; candidates: readonly VersionCandidate<S>[] }
  /** No index knows the project; `suggestions` are similar names it does know. */
  | { kind: "not-found"; suggestions?: readonly string[] };

/** The parts of core metadata the resolver reads. */
export interface DistributionMetadata {
  /** `Requires-Dist` lines (PEP 508). */
  requiresDist: readonly string[];
  /** `Requires-Python`, when present. */
  requiresPython?: string;
  /** `Provides-Extra` names. */
  providesExtra: readonly string[];
}

/** The answer to "what does this version depend on". */
export type MetadataResult =
  | { kind: "metadata"; metadata: DistributionMetadata }
  | { kind: "unavailable"; reason: UnavailableReason };

/** A direct reference (`name @ url`) turned into a concrete candidate. */
export type DirectResult<S = never> =
  | {
    kind: "metadata";
    /** The version the archive declares. */
    version: string;
    metadata: DistributionMetadata;
    /** Opaque to the resolver: handed back in the resolution. */
    source: S;
  }
  | { kind: "unavailable"; reason: UnavailableReason };

/**
 * Where the resolver gets versions and metadata from (the resolver's side of
 * pubgrub-rs's `DependencyProvider`; the solver's side is `SolverHooks`).
 */
export interface ResolverProvider<S = never> {
  /** The versions of `name`, best first. */
  listVersions(name: PackageName): Promise<PackageListing<S>>;
  /** The core metadata of one candidate returned by {@link listVersions}. */
  getMetadata(name: PackageName, candidate: VersionCandidate<S>): Promise<MetadataResult>;
  /** The version and metadata of a direct URL requirement. Providers without URL support omit it. */
  getDirectMetadata?(name: PackageName, url: string): Promise<DirectResult<S>>;
}
