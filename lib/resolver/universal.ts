/**
 * Universal resolution (uv's `--universal`): one set of pins valid for every
 * environment a set of environments holds — every platform, and every
 * Python a `Requires-Python` range allows — each distribution with the
 * marker saying where it applies.
 *
 * The resolution runs once per fork (`forks.ts`), starting from the whole
 * set: requirements apply where their markers can hold, and a fork splits
 * when a chosen version requires one project differently under markers,
 * when its `Requires-Python` admits only part of the fork's Pythons, or
 * where one of your constraints' markers holds in part of it. Forks
 * are resolved in order, each preferring the versions earlier forks chose
 * (so a project gets one version wherever it can). A reachability pass over
 * each fork's result (`reachability.ts`) says where each distribution is
 * needed; forks that chose the same version merge their markers; the
 * markers are written without the bounds the Python range implies.
 *
 * A project one of your requirements names by a direct reference (`name @
 * url`) has that reference as its only candidate in every fork, even where
 * that requirement's marker excludes it and another project requires it
 * (as pip and uv use a direct reference wherever its project is required).
 *
 * Pure: the provider is the only I/O, and each of its answers is asked for
 * once across all forks.
 *
 * @module
 */

import { canonicalizeName, type PackageName } from "../names/mod.ts";
import { compareVersions } from "../pep440/mod.ts";
import { parseRequirement, type Requirement } from "../pep508/mod.ts";
import { MarkerSet } from "../pep508/marker_algebra.ts";
import { environmentsWith } from "../pep508/python_platform.ts";
import { ForkScope, ForkSplit, TooManyForksError } from "./forks.ts";
import type {
  DirectResult,
  MetadataResult,
  PackageListing,
  ResolverProvider,
  VersionCandidate,
} from "./provider.ts";
import { reachability } from "./reachability.ts";
import {
  DirectReferenceError,
  type Manifest,
  reasonText,
  type Resolution,
  resolve,
  type ResolvedDist,
  type ResolveOptions,
} from "./resolve.ts";

export { TooManyForksError } from "./forks.ts";

/** How to resolve universally. */
export interface UniversalOptions<S = never> extends
  Omit<
    ResolveOptions<S>,
    | "environment"
    | "pythonVersion"
    | "scope"
    | "upgrade"
    | "upgradeStrategy"
    | "ignoreInstalled"
  > {
  /** The Pythons to cover, as a `Requires-Python` specifier (`>=3.9`). */
  requiresPython: string;
  /**
   * Marker values every environment to cover has (`--python-platform`:
   * `{ sys_platform: "linux", … }`); markers are written without them.
   */
  platform?: Readonly<Record<string, string>>;
  /** Give up after this many forks (default 256). */
  maxForks?: number;
  /**
   * Versions to try first (an earlier output's pins), by project; the
   * versions forks choose are added as they are resolved.
   */
  preferences?: ReadonlyMap<PackageName, string>;
  /** Give up after this many milliseconds in all (every fork's resolution counts). */
  timeoutMs?: number;
}

/** One distribution of a universal resolution and where it applies. */
export interface UniversalDist<S = never> extends ResolvedDist<S> {
  /** The environments where it is installed (Python bounds the range implies left out). */
  marker: MarkerSet;
}

/** One fork and what it resolved to. */
export interface ResolvedFork<S = never> {
  /** The fork's environments. */
  marker: MarkerSet;
  /** Its resolution. */
  resolution: Resolution<S>;
}

/** The result of {@link resolveUniversal}. */
export interface UniversalResolution<S = never> {
  /** Every distribution needed somewhere, by name then version. */
  dists: UniversalDist<S>[];
  /** The forks, in the order resolved. */
  forks: ResolvedFork<S>[];
  /** The Pythons covered. */
  requiresPython: string;
  /** Non-fatal problems (each once). */
  warnings: string[];
}

/**
 * Resolves `manifest` for every environment of `options` (see the module
 * docs). Installed distributions in the manifest are ignored.
 *
 * @throws {ResolutionImpossibleError} when some fork has no resolution.
 * @throws {TooManyForksError} past `maxForks` forks, or a split into more than 256 parts.
 * @throws {ResolutionTooLongError} past `timeoutMs` in all.
 */
export async function resolveUniversal<S>(
  manifest: Manifest,
  options: UniversalOptions<S>,
): Promise<UniversalResolution<S>> {
  const python = MarkerSet.requiresPython(options.requiresPython);
  const platform = options.platform ?? {};
  const everywhere = python.and(environmentsWith(platform));
  const roots = manifest.requirements.map((item) =>
    typeof item === "string" ? parseRequirement(item) : item
  );
  const directUrls = directReferences(roots);
  const provider = new SharedProvider(options.provider, directUrls);
  for (const [name, version] of options.preferences ?? []) provider.prefer(name, version);
  const maxForks = options.maxForks ?? 256;
  const pending: MarkerSet[] = [everywhere];
  const forks: ResolvedFork<S>[] = [];
  const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
  let started = 0;
  while (pending.length > 0) {
    const fork = pending.shift()!;
    if (fork.isEmpty()) continue;
    if (++started > maxForks) throw new TooManyForksError(maxForks);
    let resolution: Resolution<S>;
    try {
      resolution = await resolve({ ...manifest, installed: [] }, {
        ...options,
        ...(deadline === undefined ? {} : { timeoutMs: Math.max(1, deadline - Date.now()) }),
        provider,
        environment: {},
        scope: new ForkScope(fork),
        ignoreInstalled: true,
      });
    } catch (error) {
      if (!(error instanceof ForkSplit)) throw error;
      for (let i = error.parts.length - 1; i >= 0; i--) pending.unshift(error.parts[i]!);
      continue;
    }
    forks.push({ marker: fork, resolution });
    for (const dist of resolution.dists) provider.prefer(dist.name, dist.version);
  }
  return {
    dists: mergeForks(forks, roots, python, platform).map((dist) => {
      const url = directUrls.get(dist.name);
      return url === undefined ? dist : { ...dist, url };
    }),
    forks,
    requiresPython: options.requiresPython,
    warnings: [...new Set(forks.flatMap((fork) => fork.resolution.warnings))],
  };
}

/**
 * The projects your requirements name by one direct reference each, with its
 * URL (a project named by two is left to the resolver, which refuses it).
 */
function directReferences(roots: readonly Requirement[]): Map<PackageName, string> {
  const urls = new Map<PackageName, string | undefined>();
  for (const root of roots) {
    if (root.url === undefined) continue;
    const name = canonicalizeName(root.name);
    urls.set(name, urls.has(name) && urls.get(name) !== root.url ? undefined : root.url);
  }
  const single = new Map<PackageName, string>();
  for (const [name, url] of urls) if (url !== undefined) single.set(name, url);
  return single;
}

/** The distributions of all forks, each version with the union of where forks reach it. */
function mergeForks<S>(
  forks: readonly ResolvedFork<S>[],
  roots: readonly Requirement[],
  python: MarkerSet,
  platform: Readonly<Record<string, string>>,
): UniversalDist<S>[] {
  const merged = new Map<string, UniversalDist<S>>();
  for (const fork of forks) {
    const reached = reachability(fork.resolution.dists, roots, fork.marker);
    for (const dist of fork.resolution.dists) {
      const where = reached.get(dist.name)!;
      if (where.isEmpty()) continue;
      const key = `${dist.name}\u0000${dist.version}`;
      const existing = merged.get(key);
      if (existing === undefined) {
        merged.set(key, { ...dist, extras: [...dist.extras], marker: where });
        continue;
      }
      existing.marker = existing.marker.or(where);
      existing.requested ||= dist.requested;
      for (const extra of dist.extras) {
        if (!existing.extras.includes(extra)) existing.extras.push(extra);
      }
      existing.extras.sort();
    }
  }
  return [...merged.values()].map((dist) => ({
    ...dist,
    marker: dist.marker.withValues(platform).assumingPython(python),
  })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : compareVersions(a.version, b.version)
  );
}

/**
 * A provider shared by every fork: each listing and metadata asked for once,
 * listings reordered so that a version an earlier fork chose comes first,
 * and a project named by a direct reference listed as that reference alone.
 */
class SharedProvider<S> implements ResolverProvider<S> {
  readonly #inner: ResolverProvider<S>;
  readonly #directUrls: ReadonlyMap<PackageName, string>;
  readonly #listings = new Map<PackageName, Promise<PackageListing<S>>>();
  readonly #metadata = new WeakMap<VersionCandidate<S>, Promise<MetadataResult>>();
  readonly #direct = new Map<string, Promise<DirectResult<S>>>();
  readonly #preferred = new Map<PackageName, string>();
  readonly getDirectMetadata?: (name: PackageName, url: string) => Promise<DirectResult<S>>;

  constructor(inner: ResolverProvider<S>, directUrls: ReadonlyMap<PackageName, string>) {
    this.#inner = inner;
    this.#directUrls = directUrls;
    const direct = inner.getDirectMetadata?.bind(inner);
    if (direct !== undefined) {
      this.getDirectMetadata = (name, url) => {
        const key = `${name}\u0000${url}`;
        let answer = this.#direct.get(key);
        if (answer === undefined) {
          answer = direct(name, url);
          this.#direct.set(key, answer);
        }
        return answer;
      };
    }
  }

  /** Prefer `version` of `name` from now on (the first fork to choose one wins). */
  prefer(name: PackageName, version: string): void {
    if (!this.#preferred.has(name)) this.#preferred.set(name, version);
  }

  async listVersions(name: PackageName): Promise<PackageListing<S>> {
    let listing = this.#listings.get(name);
    if (listing === undefined) {
      const url = this.#directUrls.get(name);
      listing = url === undefined ? this.#inner.listVersions(name) : this.#directListing(name, url);
      this.#listings.set(name, listing);
    }
    const answer = await listing;
    const preferred = this.#preferred.get(name);
    if (answer.kind !== "found" || preferred === undefined) return answer;
    const first = answer.candidates.filter((candidate) => sameVersion(candidate, preferred));
    const rest = answer.candidates.filter((candidate) => !sameVersion(candidate, preferred));
    return { kind: "found", candidates: [...first, ...rest] };
  }

  /** The one candidate of a project named by a direct reference, with its metadata known. */
  async #directListing(name: PackageName, url: string): Promise<PackageListing<S>> {
    if (this.getDirectMetadata === undefined) {
      throw new DirectReferenceError(name, url, "this provider cannot fetch direct references");
    }
    const answer = await this.getDirectMetadata(name, url);
    if (answer.kind === "unavailable") {
      throw new DirectReferenceError(name, url, reasonText(answer.reason));
    }
    const candidate: VersionCandidate<S> = { version: answer.version, source: answer.source };
    this.#metadata.set(candidate, Promise.resolve({ kind: "metadata", metadata: answer.metadata }));
    return { kind: "found", candidates: [candidate] };
  }

  getMetadata(name: PackageName, candidate: VersionCandidate<S>): Promise<MetadataResult> {
    let answer = this.#metadata.get(candidate);
    if (answer === undefined) {
      answer = this.#inner.getMetadata(name, candidate);
      this.#metadata.set(candidate, answer);
    }
    return answer;
  }
}

function sameVersion<S>(candidate: VersionCandidate<S>, version: string): boolean {
  try {
    return compareVersions(candidate.version, version) === 0;
  } catch {
    return false;
  }
}
