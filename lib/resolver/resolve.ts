/**
 * Python dependency resolution: a {@link Manifest} (requirements,
 * constraints, installed distributions) and a {@link ResolverProvider} in, a
 * {@link Resolution} out, through the PubGrub solver in `pubgrub/`.
 *
 * How Python maps onto PubGrub:
 * - **Versions.** A project's universe is every version its listing (and the
 *   installed environment) has; a requirement's version set is the versions
 *   its PEP 440 specifier contains (see `pubgrub/version_set.ts`).
 * - **Extras** (PEP 685 names) are virtual packages: `a[x]` at version v
 *   depends on `a==v` plus the `Requires-Dist` lines whose marker holds with
 *   `extra == "x"` and not without it. An extra the version does not declare
 *   in `Provides-Extra` adds nothing and yields a warning, as pip does.
 * - **Markers** are evaluated against the target marker environment, or,
 *   with a {@link MarkerScope} (universal resolution, `universal.ts`),
 *   decided against a set of environments: a requirement applies when its
 *   marker can hold somewhere in the set.
 * - **Unusable versions** (no file fits the target, `Requires-Python`
 *   excludes the target, yanked, a pre-release that is not allowed, metadata
 *   that cannot be read) are never chosen, and when no usable version is
 *   left the reason becomes part of the failure report.
 * - **Pre-releases** (uv's "if necessary or explicit" rule): allowed for a
 *   project with `--pre` (`prerelease: "allow"`), when one of *your*
 *   requirements or constraints on it names a pre-release (`>=2.0b1`), or
 *   when every version of the project is a pre-release. A pre-release named
 *   only by a transitive requirement is not enough. Where pip differs
 *   (packse `package-prereleases-specifier-boundary`,
 *   `transitive-prerelease-and-stable-dependency`), dpip gives uv's outcome.
 * - **Yanked** versions (PEP 592) are used only when one of your
 *   requirements or constraints pins exactly that version with `==` or `===`.
 * - **Constraints** limit versions and never add a project; they may not
 *   carry extras or URLs (as pip 20.3+).
 * - **Direct references** (`name @ url`) among your requirements pin the
 *   project to the archive's version; a transitive direct reference makes the
 *   version that declares it unusable (not supported yet).
 * - **Installed distributions** are kept when acceptable unless the project
 *   may be upgraded: with `upgrade` and `only-if-needed`, your requirements
 *   may be upgraded and their dependencies keep what is installed; with
 *   `eager`, everything may be. `ignoreInstalled` (`-I`,
 *   `--force-reinstall`) leaves installed distributions out entirely.
 * - **Decisions** go first to projects left with one usable version or
 *   pinned by a direct URL; then to projects whose chosen versions were
 *   rejected at once five times, then to those whose assignment rejected
 *   them (the solver's conflict tracker, as uv's: see `pubgrub/solver.ts`),
 *   then to projects that keep causing conflicts (five or more), then to
 *   your direct requirements, then in the order projects were discovered
 *   (breadth first, close to pip's and uv's order, so that when several
 *   resolutions exist the same one is found).
 * - **Metadata prefetch.** When a project's listing arrives, the metadata of
 *   its best candidate is requested in the background, and so on through
 *   that metadata's dependencies, with bounded concurrency; requests the
 *   solver waits on jump the queue.
 *
 * @module
 */

import { allowsPrereleases, type ReleaseControl } from "./release_control.ts";
import { DpipError } from "../errors.ts";
import {
  canonicalizeExtra,
  canonicalizeName,
  type ExtraName,
  type PackageName,
} from "../names/mod.ts";
import {
  parseSpecifierSet,
  type SpecifierSet,
  tryParseVersion,
  type Version,
} from "../pep440/mod.ts";
import { compareVersions } from "../pep440/mod.ts";
import {
  type MarkerEvaluationEnvironment,
  parseRequirement,
  type Requirement,
} from "../pep508/mod.ts";
import { FetchQueue } from "./fetch_queue.ts";
import type { MarkerScope } from "./marker_scope.ts";
import type {
  DistributionMetadata,
  MetadataResult,
  PackageListing,
  ResolverProvider,
  UnavailableReason,
  VersionCandidate,
} from "./provider.ts";
import { type DerivationTree, type PackageVersions, ResolutionImpossibleError } from "./failure.ts";
import {
  type ExtraId,
  type PackageId,
  PackageIds,
  packageLabel,
  type ProjectId,
  ROOT_ID,
} from "./package_id.ts";
import type { Incompatibility, UnavailableVersions } from "./pubgrub/incompatibility.ts";
import {
  type ConflictStanding,
  type Dependency,
  type DependencyAnswer,
  solve,
  type SolverStats,
  type VersionChoice,
} from "./pubgrub/solver.ts";
import { Universe, VersionSet } from "./pubgrub/version_set.ts";

/** A distribution already installed in the target environment. */
export interface InstalledDistribution {
  /** The project name (any spelling). */
  name: string;
  /** The installed version. */
  version: string;
  /** Its installed core metadata. */
  metadata: DistributionMetadata;
}

/** What to resolve. */
export interface Manifest {
  /** Your requirements (PEP 508 strings or parsed). */
  requirements: readonly (string | Requirement)[];
  /** Constraints (`-c`): limit versions, never add projects. */
  constraints?: readonly (string | Requirement)[];
  /** What the target environment already has. */
  installed?: readonly InstalledDistribution[];
}

/**
 * A version the resolver tried; `tries` counts the versions of this project
 * tried so far. `source` is the provider's candidate for it, when the version
 * is neither installed nor a direct reference (it may still be backtracked).
 */
export interface ResolverDecision<S = unknown> {
  name: PackageName;
  version: string;
  extra?: ExtraName;
  tries: number;
  stats: SolverStats;
  source?: S;
}

/** Progress callbacks; the resolver never prints. */
export interface ResolverReporter<S = unknown> {
  /** A version was tried (see {@link ResolverDecision}). */
  onDecision?(event: ResolverDecision<S>): void;
}

/**
 * How to resolve, with a provider whose candidates carry sources `S`
 * (`never` by default: a provider that keeps none, as the in-memory one).
 */
export interface ResolveOptions<S = never> {
  /** Where versions and metadata come from. */
  provider: ResolverProvider<S>;
  /** The target's marker environment (`extra` is set by the resolver). */
  environment: MarkerEvaluationEnvironment;
  /** The target Python for `Requires-Python`; `environment.python_full_version` by default. */
  pythonVersion?: string;
  /** Markers and `Requires-Python` decided against a set of environments (replaces `environment`). */
  scope?: MarkerScope;
  /** `"allow"` for `--pre`; the default is uv's "if necessary or explicit" (see the module docs). */
  prerelease?: "allow" | "if-necessary-or-explicit";
  /** `--all-releases`/`--only-final`: per project, pre-releases always or never (before `prerelease`). */
  releaseControl?: ReleaseControl;
  /** `--ignore-requires-python`. */
  ignoreRequiresPython?: boolean;
  /** `--no-deps`: resolve your requirements only. */
  noDeps?: boolean;
  /** `--upgrade`. */
  upgrade?: boolean;
  /** `--upgrade-strategy` (default `only-if-needed`). */
  upgradeStrategy?: "only-if-needed" | "eager";
  /** `--ignore-installed` / `--force-reinstall`: do not consider installed distributions. */
  ignoreInstalled?: boolean;
  /** Progress callbacks. */
  reporter?: ResolverReporter<S>;
  /** Give up after this many decisions plus conflicts. */
  maxRounds?: number;
  /** Give up after this many milliseconds. */
  timeoutMs?: number;
  /** Provider requests in flight at once (default 16). */
  concurrency?: number;
}

/** One project of a resolution; `S` is the provider's source (none by default). */
export interface ResolvedDist<S = never> {
  /** Normalized name. */
  name: PackageName;
  /** The chosen version (normalized). */
  version: string;
  /** The extras whose dependencies were included (declared ones only), sorted. */
  extras: ExtraName[];
  /** Whether one of your requirements names it. */
  requested: boolean;
  /** The URL of your direct reference, if it came from one. */
  url?: string;
  /** Whether this is the distribution already installed (kept, not fetched). */
  installed: boolean;
  /** Set when the chosen version is yanked (you pinned it). */
  yanked?: { reason?: string };
  /** Its core metadata. */
  metadata: DistributionMetadata;
  /** The provider's source of the chosen candidate (absent for installed ones). */
  source?: S;
}

/** Counters about one resolution. */
export interface ResolutionStats extends SolverStats {
  /** Provider requests made (listings and metadata, including prefetches). */
  requests: number;
}

/** The result of {@link resolve}; `S` is the provider's source (none by default). */
export interface Resolution<S = never> {
  /** Every project to have installed, sorted by name. */
  dists: ResolvedDist<S>[];
  /** Non-fatal problems, in pip's wording (e.g. a missing extra). */
  warnings: string[];
  /** Counters. */
  stats: ResolutionStats;
}

export { ResolutionImpossibleError };

/** The resolution hit `maxRounds` or `timeoutMs`. */
export class ResolutionTooLongError extends DpipError {
  constructor(limit: string, mostConflicted: readonly string[]) {
    super(
      "resolution-too-long",
      `Resolution gave up after ${limit}${
        mostConflicted.length > 0
          ? `; the most conflicting projects were ${mostConflicted.slice(0, 5).join(", ")}`
          : ""
      }`,
      { hint: "Pin some of these projects to narrow the search, or raise --resolution-timeout." },
    );
    this.name = "ResolutionTooLongError";
  }
}

/** A requirement or constraint the resolver cannot accept. */
export class ResolverInputError extends DpipError {
  /** The offending requirement text. */
  readonly input: string;

  constructor(input: string, problem: string) {
    super("invalid-resolver-input", `Invalid requirement '${input}': ${problem}`);
    this.name = "ResolverInputError";
    this.input = input;
  }
}

/**
 * Resolves `manifest` to one version per project.
 *
 * Throws {@link ResolutionImpossibleError} (with a report) when nothing
 * satisfies the requirements, and {@link ResolutionTooLongError} when a limit
 * is hit.
 *
 * @example
 * ```ts ignore
 * const resolution = await resolve(
 *   { requirements: ["flask>=2"] },
 *   { provider, environment: interpreter.markerEnv },
 * );
 * resolution.dists.map((d) => `${d.name}-${d.version}`);
 * ```
 */
export function resolve<S>(
  manifest: Manifest,
  options: ResolveOptions<S>,
): Promise<Resolution<S>> {
  return new Resolver(manifest, options).run();
}

interface Entry<S> {
  version: Version;
  label: string;
  rank: number;
  candidate?: VersionCandidate<S>;
  installed?: InstalledDistribution;
  direct?: { url: string; metadata: DistributionMetadata; source: S };
}

interface PackageData<S> {
  name: PackageName;
  universe: Universe;
  /** Ascending, aligned with the universe. */
  entries: Entry<S>[];
  /** Universe indices, best first. */
  order: number[];
  /** Why each unusable index is unusable. */
  unavailable: Map<number, UnavailableReason>;
  /** The usable indices. */
  available: VersionSet;
  notFound?: { suggestions: readonly string[] };
  tries: number;
}

type ParsedMetadata = { requirements: Requirement[] } | { error: string };

function isPinned(specifier: SpecifierSet): boolean {
  return specifier.specifiers.some((s) =>
    s.operator === "===" || (s.operator === "==" && !s.version.endsWith(".*"))
  );
}

class Resolver<S> {
  readonly #options: ResolveOptions<S>;
  readonly #provider: ResolverProvider<S>;
  readonly #environment: MarkerEvaluationEnvironment;
  readonly #python: string;
  readonly #queue: FetchQueue;
  readonly #roots: Requirement[] = [];
  readonly #rootTexts: string[];
  readonly #rootNames = new Set<PackageName>();
  readonly #constraints = new Map<PackageName, Requirement[]>();
  readonly #explicitPrerelease = new Set<PackageName>();
  readonly #pins = new Map<PackageName, SpecifierSet[]>();
  readonly #directUrls = new Map<PackageName, string>();
  readonly #installed = new Map<PackageName, InstalledDistribution>();
  readonly #packages = new Map<PackageName, Promise<PackageData<S>>>();
  readonly #loaded = new Map<PackageName, PackageData<S>>();
  readonly #sets = new Map<string, VersionSet>();
  readonly #parsed = new WeakMap<DistributionMetadata, ParsedMetadata>();
  readonly #expanded = new Set<string>();
  readonly #speculated = new Set<PackageName>();
  /** Extras asked for that a version does not provide: package id → version labels. */
  readonly #missingExtras = new Map<ExtraId, Set<string>>();
  readonly #ids = new PackageIds();
  /** Projects in the order the solver first needed them (prefetches do not count). */
  readonly #discovered = new Map<PackageName, number>();

  constructor(manifest: Manifest, options: ResolveOptions<S>) {
    this.#options = options;
    this.#provider = options.provider;
    this.#environment = options.environment;
    const python = options.scope?.pythonLabel ?? options.pythonVersion ??
      options.environment.python_full_version ?? options.environment.python_version;
    if (python === undefined) {
      throw new ResolverInputError("", "the target Python version is unknown");
    }
    this.#python = python;
    this.#queue = new FetchQueue(options.concurrency ?? 16);
    const parse = (item: string | Requirement) =>
      typeof item === "string" ? parseRequirement(item) : item;
    this.#rootTexts = manifest.requirements.map(String);
    for (const requirement of manifest.requirements.map(parse)) {
      if (!this.#holds(requirement, "")) continue;
      const name = canonicalizeName(requirement.name);
      this.#roots.push(requirement);
      this.#rootNames.add(name);
      this.#notePolicy(name, requirement);
      if (requirement.url !== undefined) {
        const existing = this.#directUrls.get(name);
        if (existing !== undefined && existing !== requirement.url) {
          throw new ResolverInputError(
            String(requirement),
            `${name} is also required from ${existing}; a project can come from one URL only`,
          );
        }
        this.#directUrls.set(name, requirement.url);
      }
    }
    for (const constraint of (manifest.constraints ?? []).map(parse)) {
      if (constraint.extras.length > 0) {
        throw new ResolverInputError(String(constraint), "constraints cannot have extras");
      }
      if (constraint.url !== undefined) {
        throw new ResolverInputError(String(constraint), "constraints cannot be URLs");
      }
      if (!this.#holds(constraint, "")) continue;
      const name = canonicalizeName(constraint.name);
      this.#constraints.set(name, [...(this.#constraints.get(name) ?? []), constraint]);
      this.#notePolicy(name, constraint);
    }
    if (!options.ignoreInstalled) {
      for (const dist of manifest.installed ?? []) {
        this.#installed.set(canonicalizeName(dist.name), dist);
      }
    }
  }

  async run(): Promise<Resolution<S>> {
    try {
      return await this.#run();
    } finally {
      // Prefetches still on their way are not left writing caches after the resolution ends.
      await this.#queue.settle();
    }
  }

  async #run(): Promise<Resolution<S>> {
    const deadline = this.#options.timeoutMs === undefined
      ? undefined
      : Date.now() + this.#options.timeoutMs;
    for (const name of this.#rootNames) void this.#prefetchBest(name);
    const result = await solve<PackageId>(ROOT_ID, new Universe(["(root)"]), {
      chooseVersion: (id, allowed, decided) => this.#chooseVersion(id, allowed, decided),
      getDependencies: (id, index) => this.#getDependencies(id, index),
      priority: (id, allowed, standing) => this.#priority(id, allowed, standing),
      samePackage: (a, b) => a.kind !== "root" && b.kind !== "root" && a.name === b.name,
      constraint: (id) => this.#constraint(id),
      onDecision: (id, index, stats) => this.#onDecision(id, index, stats),
    }, { maxRounds: this.#options.maxRounds, deadline });
    switch (result.kind) {
      case "solution":
        return this.#resolution(result.decisions, result.stats);
      case "failure":
        throw new ResolutionImpossibleError(
          this.#rootTexts,
          this.#derivation(result.incompatibility),
        );
      case "limit":
        throw new ResolutionTooLongError(
          result.limit === "rounds"
            ? `${this.#options.maxRounds} rounds`
            : `${this.#options.timeoutMs} ms (${result.stats.decisions} decisions, ${result.stats.conflicts} conflicts)`,
          result.mostConflicted.filter((id) => id.kind !== "root").map(packageLabel),
        );
    }
  }

  #env(extra: string): MarkerEvaluationEnvironment {
    return { ...this.#environment, extra };
  }

  /** Whether `requirement` applies to the target (or somewhere in the scope), with `extra`. */
  #holds(requirement: Requirement, extra: string): boolean {
    const marker = requirement.marker;
    if (marker === undefined) return true;
    const scope = this.#options.scope;
    return scope === undefined ? marker.evaluate(this.#env(extra)) : scope.applies(marker, extra);
  }

  /** Whether `requirement` is one of `extra`'s own (holds with it, not without). */
  #addedByExtra(requirement: Requirement, extra: string): boolean {
    const marker = requirement.marker;
    if (marker === undefined) return false;
    const scope = this.#options.scope;
    if (scope !== undefined) return scope.addedByExtra(marker, extra);
    return marker.evaluate(this.#env(extra)) && !marker.evaluate(this.#env(""));
  }

  /** Records what your requirement or constraint on `name` allows: pre-releases, yanked pins. */
  #notePolicy(name: PackageName, requirement: Requirement): void {
    if (requirement.specifier.prereleases) this.#explicitPrerelease.add(name);
    if (isPinned(requirement.specifier)) {
      this.#pins.set(name, [...(this.#pins.get(name) ?? []), requirement.specifier]);
    }
  }

  // ---- package data ---------------------------------------------------------

  #load(name: PackageName, urgent: boolean): Promise<PackageData<S>> {
    if (urgent && !this.#discovered.has(name)) this.#discovered.set(name, this.#discovered.size);
    const listing = this.#queue.get(`list\u0000${name}`, () => this.#list(name), { urgent });
    let data = this.#packages.get(name);
    if (data === undefined) {
      data = listing.then((answer) => {
        const built = this.#build(name, answer);
        this.#loaded.set(name, built);
        return built;
      });
      data.catch(() => {});
      this.#packages.set(name, data);
    }
    return data;
  }

  async #list(
    name: PackageName,
  ): Promise<PackageListing<S> | { kind: "direct"; entry: Entry<S> }> {
    const url = this.#directUrls.get(name);
    if (url === undefined) return await this.#provider.listVersions(name);
    if (this.#provider.getDirectMetadata === undefined) {
      throw new DirectReferenceError(name, url, "this provider cannot fetch direct references");
    }
    const answer = await this.#provider.getDirectMetadata(name, url);
    if (answer.kind === "unavailable") {
      throw new DirectReferenceError(name, url, reasonText(answer.reason));
    }
    const version = tryParseVersion(answer.version);
    if (version === undefined) {
      throw new DirectReferenceError(name, url, `its version '${answer.version}' is invalid`);
    }
    return {
      kind: "direct",
      entry: {
        version,
        label: String(version),
        rank: 0,
        direct: { url, metadata: answer.metadata, source: answer.source },
      },
    };
  }

  #build(
    name: PackageName,
    listing: PackageListing<S> | { kind: "direct"; entry: Entry<S> },
  ): PackageData<S> {
    let entries: Entry<S>[] = [];
    let notFound: PackageData<S>["notFound"];
    if (listing.kind === "direct") {
      entries.push(listing.entry);
    } else if (listing.kind === "not-found") {
      notFound = { suggestions: listing.suggestions ?? [] };
    } else {
      listing.candidates.forEach((candidate, rank) => {
        const version = tryParseVersion(candidate.version);
        if (version !== undefined) {
          entries.push({ version, label: String(version), rank, candidate });
        }
      });
    }
    const installed = this.#installed.get(name);
    const installedVersion = installed === undefined || listing.kind === "direct"
      ? undefined
      : tryParseVersion(installed.version);
    if (installed !== undefined && installedVersion !== undefined) {
      const same = entries.find((entry) => compareVersions(entry.version, installedVersion) === 0);
      if (same !== undefined) {
        same.installed = installed;
      } else {
        const newer = entries.filter((entry) =>
          compareVersions(entry.version, installedVersion) > 0
        );
        entries.push({
          version: installedVersion,
          label: String(installedVersion),
          rank: newer.length - 0.5,
          installed,
        });
      }
    }
    entries.sort((a, b) => compareVersions(a.version, b.version) || a.rank - b.rank);
    entries = entries.filter((entry, i) =>
      i === 0 || compareVersions(entries[i - 1]!.version, entry.version) !== 0
    );
    const universe = new Universe(entries.map((entry) => entry.label));
    const preferInstalled = !this.#mayUpgrade(name);
    const order = entries.map((_, i) => i).sort((a, b) => {
      const ea = entries[a]!, eb = entries[b]!;
      if (preferInstalled && (ea.installed !== undefined) !== (eb.installed !== undefined)) {
        return ea.installed !== undefined ? -1 : 1;
      }
      return ea.rank - eb.rank || compareVersions(eb.version, ea.version);
    });
    const control = this.#options.releaseControl === undefined
      ? undefined
      : allowsPrereleases(this.#options.releaseControl, name);
    const allowPrerelease = control ?? (this.#options.prerelease === "allow" ||
      this.#explicitPrerelease.has(name) || entries.every((entry) => entry.version.isPrerelease));
    const unavailable = new Map<number, UnavailableReason>();
    entries.forEach((entry, i) => {
      const reason = this.#staticReason(name, entry, allowPrerelease);
      if (reason !== undefined) unavailable.set(i, reason);
    });
    return {
      name,
      universe,
      entries,
      order,
      unavailable,
      available: VersionSet.fromPredicate(universe, (i) => !unavailable.has(i)),
      ...(notFound === undefined ? {} : { notFound }),
      tries: 0,
    };
  }

  #mayUpgrade(name: PackageName): boolean {
    if (!this.#options.upgrade) return false;
    return this.#options.upgradeStrategy === "eager" || this.#rootNames.has(name);
  }

  #staticReason(
    name: PackageName,
    entry: Entry<S>,
    allowPrerelease: boolean,
  ): UnavailableReason | undefined {
    if (entry.installed !== undefined || entry.direct !== undefined) return undefined;
    const candidate = entry.candidate!;
    if (candidate.unavailable !== undefined) return candidate.unavailable;
    const requiresPython = candidate.requiresPython;
    if (requiresPython !== undefined && !this.#pythonAllowed(requiresPython)) {
      return { kind: "requires-python", requiresPython, python: this.#python };
    }
    if (candidate.yanked !== undefined) {
      const pinned = (this.#pins.get(name) ?? []).some((pin) => pin.contains(entry.version));
      if (!pinned) return { kind: "yanked", ...candidate.yanked };
    }
    if (entry.version.isPrerelease && !allowPrerelease) return { kind: "prerelease" };
    return undefined;
  }

  #pythonAllowed(requiresPython: string): boolean {
    if (this.#options.ignoreRequiresPython) return true;
    if (this.#options.scope !== undefined) return this.#options.scope.admitsPython(requiresPython);
    try {
      return parseSpecifierSet(requiresPython).contains(this.#python, { prereleases: true });
    } catch {
      // pip ignores a Requires-Python it cannot parse.
      return true;
    }
  }

  /** The versions of `data` that `requirement` allows. */
  #setFor(data: PackageData<S>, requirement: Requirement): VersionSet {
    if (requirement.url !== undefined) return VersionSet.full(data.universe);
    const label = requirement.specifier.specifiers.map(String).join(",");
    const key = `${data.name}\u0000${label}`;
    let set = this.#sets.get(key);
    if (set === undefined || set.universe !== data.universe) {
      const specifier = requirement.specifier;
      set = VersionSet.fromPredicate(
        data.universe,
        (i) => specifier.contains(data.entries[i]!.version),
        label,
      );
      this.#sets.set(key, set);
    }
    return set;
  }

  // ---- metadata ---------------------------------------------------------------

  #metadata(data: PackageData<S>, index: number, urgent: boolean): Promise<MetadataResult> {
    const entry = data.entries[index]!;
    if (entry.installed !== undefined) {
      return Promise.resolve({ kind: "metadata", metadata: entry.installed.metadata });
    }
    if (entry.direct !== undefined) {
      return Promise.resolve({ kind: "metadata", metadata: entry.direct.metadata });
    }
    const key = `meta\u0000${data.name}\u0000${entry.label}`;
    const result = this.#queue.get(
      key,
      () => this.#provider.getMetadata(data.name, entry.candidate!),
      { urgent },
    );
    if (!this.#expanded.has(key)) {
      this.#expanded.add(key);
      result.then((answer) => this.#expand(answer), () => {});
    }
    return result;
  }

  /**
   * Background: list the dependencies of fetched metadata and fetch the best
   * candidate of each project not guessed at yet.
   */
  #expand(answer: MetadataResult): void {
    if (answer.kind !== "metadata" || this.#options.noDeps) return;
    const parsed = this.#parse(answer.metadata);
    if ("error" in parsed) return;
    for (const requirement of parsed.requirements) {
      if (!this.#holds(requirement, "")) continue;
      const name = canonicalizeName(requirement.name);
      // One guess per project: the transitive walk must not fan out over every range.
      if (this.#speculated.has(name)) continue;
      this.#speculated.add(name);
      void this.#prefetchBest(name, requirement);
    }
  }

  async #prefetchBest(name: PackageName, requirement?: Requirement): Promise<void> {
    try {
      const data = await this.#load(name, false);
      const set = requirement === undefined ? undefined : this.#setFor(data, requirement);
      for (const index of data.order) {
        if (!data.available.has(index) || (set !== undefined && !set.has(index))) continue;
        await this.#metadata(data, index, false);
        return;
      }
    } catch {
      // Speculative: the solver will ask again and see the error itself.
    }
  }

  #parse(metadata: DistributionMetadata): ParsedMetadata {
    let parsed = this.#parsed.get(metadata);
    if (parsed === undefined) {
      try {
        parsed = { requirements: metadata.requiresDist.map((line) => parseRequirement(line)) };
      } catch (error) {
        parsed = { error: error instanceof Error ? error.message : String(error) };
      }
      this.#parsed.set(metadata, parsed);
    }
    return parsed;
  }

  // ---- solver hooks -------------------------------------------------------------

  #chooseVersion(
    packageId: PackageId,
    allowed: VersionSet,
    decided: (packageId: PackageId) => number | undefined,
  ): Promise<VersionChoice> {
    if (packageId.kind === "root") return Promise.resolve({ kind: "version", index: 0 });
    const { name } = packageId;
    const data = this.#loaded.get(name)!;
    if (packageId.kind === "extra") {
      const base = decided(this.#ids.package(name));
      if (base !== undefined && allowed.has(base) && data.available.has(base)) {
        return Promise.resolve({ kind: "version", index: base });
      }
    }
    let chosen: number | undefined;
    let next: number | undefined;
    for (const index of data.order) {
      if (!allowed.has(index) || !data.available.has(index)) continue;
      if (chosen === undefined) chosen = index;
      else {
        next = index;
        break;
      }
    }
    if (chosen === undefined) {
      return Promise.resolve({ kind: "none", unavailable: this.#unavailableIn(data, allowed) });
    }
    data.tries++;
    // After a first failed try, the next candidate is likely to be wanted too.
    if (next !== undefined && data.tries > 1 && packageId.kind === "package") {
      void this.#metadata(data, next, false).catch(() => {});
    }
    return Promise.resolve({ kind: "version", index: chosen });
  }

  #unavailableIn(data: PackageData<S>, allowed: VersionSet): UnavailableVersions[] {
    const groups = new Map<string, { indices: number[]; reason: UnavailableReason }>();
    for (const index of allowed.indices()) {
      const reason = data.unavailable.get(index);
      if (reason === undefined) continue;
      const key = JSON.stringify(reason);
      const group = groups.get(key) ?? { indices: [], reason };
      group.indices.push(index);
      groups.set(key, group);
    }
    return [...groups.values()].map(({ indices, reason }) => ({
      set: VersionSet.fromIndices(data.universe, indices),
      reason,
    }));
  }

  async #getDependencies(
    packageId: PackageId,
    index: number,
  ): Promise<DependencyAnswer<PackageId>> {
    if (packageId.kind === "root") {
      this.#options.scope?.inspect({
        extra: "",
        requirements: this.#roots,
        constraints: [...this.#constraints.values()].flat(),
      });
      return { kind: "dependencies", dependencies: await this.#dependencies(this.#roots, ROOT_ID) };
    }
    const { name } = packageId;
    const data = this.#loaded.get(name)!;
    const entry = data.entries[index]!;
    const answer = await this.#metadata(data, index, true);
    if (answer.kind === "unavailable") return answer;
    const metadata = answer.metadata;
    const parsed = this.#parse(metadata);
    if ("error" in parsed) {
      return { kind: "unavailable", reason: { kind: "metadata", message: parsed.error } };
    }
    if (packageId.kind === "package") {
      const requiresPython = metadata.requiresPython;
      if (
        requiresPython !== undefined && entry.installed === undefined &&
        !this.#pythonAllowed(requiresPython)
      ) {
        return {
          kind: "unavailable",
          reason: { kind: "requires-python", requiresPython, python: this.#python },
        };
      }
      const requirements = this.#options.noDeps
        ? []
        : parsed.requirements.filter((requirement) => this.#holds(requirement, ""));
      this.#inspect(name, entry, requiresPython, "", requirements);
      if (this.#options.noDeps) return { kind: "dependencies", dependencies: [] };
      return this.#answer(requirements, packageId, index);
    }
    const extra = packageId.extra;
    const self: Dependency<PackageId> = {
      package: this.#ids.package(name),
      set: VersionSet.singleton(data.universe, index).withLabel(`==${entry.label}`),
    };
    const provides = new Set(metadata.providesExtra.map((item) => canonicalizeExtra(item)));
    if (!provides.has(extra)) {
      const versions = this.#missingExtras.get(packageId) ?? new Set();
      this.#missingExtras.set(packageId, versions.add(entry.label));
    }
    if (!provides.has(extra) || this.#options.noDeps) {
      return { kind: "dependencies", dependencies: [self] };
    }
    const requirements = parsed.requirements.filter((requirement) =>
      this.#addedByExtra(requirement, extra)
    );
    this.#inspect(name, entry, metadata.requiresPython, extra, requirements);
    const answerForExtra = await this.#answer(requirements, packageId, index);
    if (answerForExtra.kind === "unavailable") return answerForExtra;
    return { kind: "dependencies", dependencies: [self, ...answerForExtra.dependencies] };
  }

  /** Shows a chosen version's dependencies to the scope (which may split its fork). */
  #inspect(
    name: PackageName,
    entry: Entry<S>,
    requiresPython: string | undefined,
    extra: string,
    requirements: readonly Requirement[],
  ): void {
    const scope = this.#options.scope;
    if (scope === undefined || entry.installed !== undefined) return;
    const declared = requiresPython ?? entry.candidate?.requiresPython;
    scope.inspect({
      name,
      version: entry.label,
      extra,
      ...(declared === undefined ? {} : { requiresPython: declared }),
      requirements,
    });
  }

  async #answer(
    requirements: readonly Requirement[],
    packageId: ProjectId | ExtraId,
    index: number,
  ): Promise<DependencyAnswer<PackageId>> {
    const direct = requirements.find((requirement) =>
      requirement.url !== undefined &&
      this.#directUrls.get(canonicalizeName(requirement.name)) === undefined
    );
    if (direct !== undefined) {
      return {
        kind: "unavailable",
        reason: {
          kind: "other",
          message:
            `it depends on '${direct}'; direct references are supported only in your own requirements`,
        },
      };
    }
    const dependencies = await this.#dependencies(requirements, packageId);
    // A project depending on itself: drop the edge when this version satisfies it.
    const self = this.#ids.package(packageId.name);
    return {
      kind: "dependencies",
      dependencies: dependencies.filter((dependency) =>
        !(dependency.package === self && dependency.set.has(index))
      ),
    };
  }

  /**
   * Version sets for requirements. Your own requirements stay separate (so a
   * report can say "you require a==1 and a==2"); a version's requirements on
   * one project are intersected, as pip does.
   */
  async #dependencies(
    requirements: readonly Requirement[],
    dependent: PackageId,
  ): Promise<Dependency<PackageId>[]> {
    const names = [
      ...new Set(requirements.map((requirement) => canonicalizeName(requirement.name))),
    ];
    const loaded = await Promise.all(names.map((name) => this.#load(name, true)));
    const byName = new Map(loaded.map((data) => [data.name, data]));
    const result: Dependency<PackageId>[] = [];
    const merged = new Map<PackageId, Dependency<PackageId>>();
    for (const requirement of requirements) {
      const data = byName.get(canonicalizeName(requirement.name))!;
      const set = this.#setFor(data, requirement);
      void this.#prefetchBest(data.name, requirement);
      const ids: PackageId[] = [
        this.#ids.package(data.name),
        ...requirement.extras.map((extra) => this.#ids.extra(data.name, canonicalizeExtra(extra))),
      ];
      for (const id of ids) {
        const existing = dependent.kind === "root" ? undefined : merged.get(id);
        if (existing === undefined) {
          const dependency = { package: id, set };
          merged.set(id, dependency);
          result.push(dependency);
        } else {
          const both = existing.set.intersect(set);
          existing.set = both.label === undefined
            ? both.withLabel([existing.set.label, set.label].filter((l) => l).join(","))
            : both;
        }
      }
    }
    return result;
  }

  #priority(packageId: PackageId, allowed: VersionSet, standing: ConflictStanding): number[] {
    if (packageId.kind === "root") return [0];
    const { name } = packageId;
    const data = this.#loaded.get(name);
    if (data === undefined) return [0];
    const pinned = this.#directUrls.has(name) || allowed.intersect(data.available).size() <= 1;
    return [
      pinned ? 1 : 0,
      // Decided early 4, late 2 (never both), in five or more conflicts 1: one rank, summed.
      4 * Number(standing.early) + 2 * Number(standing.late) + Number(standing.conflicts >= 5),
      this.#rootNames.has(name) ? 1 : 0,
      -(this.#discovered.get(name) ?? Infinity),
      packageId.kind === "package" ? 1 : 0,
    ];
  }

  #constraint(packageId: PackageId): VersionSet | undefined {
    if (packageId.kind !== "package") return undefined;
    const { name } = packageId;
    const constraints = this.#constraints.get(name);
    const data = this.#loaded.get(name);
    if (constraints === undefined || data === undefined) return undefined;
    let set = VersionSet.full(data.universe);
    for (const constraint of constraints) set = set.intersect(this.#setFor(data, constraint));
    const label = constraints.flatMap((constraint) => constraint.specifier.specifiers.map(String));
    return set.withLabel(label.join(","));
  }

  #onDecision(packageId: PackageId, index: number, stats: SolverStats): void {
    if (packageId.kind === "root") return;
    const { name } = packageId;
    const data = this.#loaded.get(name)!;
    const entry = data.entries[index]!;
    const source = entry.installed === undefined && entry.direct === undefined
      ? entry.candidate?.source
      : undefined;
    this.#options.reporter?.onDecision?.({
      name,
      version: entry.label,
      ...(packageId.kind === "extra" ? { extra: packageId.extra } : {}),
      tries: data.tries,
      stats: { ...stats },
      ...(source === undefined ? {} : { source }),
    });
  }

  // ---- results --------------------------------------------------------------------

  async #resolution(
    decisions: ReadonlyMap<PackageId, number>,
    stats: SolverStats,
  ): Promise<Resolution<S>> {
    const dists = new Map<PackageName, ResolvedDist<S>>();
    const warnings: string[] = [];
    const extras: ExtraId[] = [];
    for (const [packageId, index] of decisions) {
      if (packageId.kind === "root") continue;
      if (packageId.kind === "extra") {
        extras.push(packageId);
        continue;
      }
      const { name } = packageId;
      const data = this.#loaded.get(name)!;
      const entry = data.entries[index]!;
      const answer = await this.#metadata(data, index, true);
      if (answer.kind !== "metadata") throw new Error(`metadata of ${name} vanished`);
      const keepInstalled = entry.installed !== undefined;
      const dist: ResolvedDist<S> = {
        name,
        version: entry.label,
        extras: [],
        requested: this.#rootNames.has(name),
        installed: keepInstalled,
        metadata: answer.metadata,
      };
      if (entry.direct !== undefined) dist.url = entry.direct.url;
      const source = entry.direct?.source ?? entry.candidate?.source;
      if (source !== undefined) dist.source = source;
      if (entry.candidate?.yanked !== undefined && !keepInstalled) {
        dist.yanked = entry.candidate.yanked;
      }
      dists.set(name, dist);
    }
    extras.sort((a, b) => compareText(a.name, b.name) || compareText(a.extra, b.extra));
    for (const { name, extra } of extras) {
      const dist = dists.get(name)!;
      const provides = new Set(dist.metadata.providesExtra.map((item) => canonicalizeExtra(item)));
      if (provides.has(extra)) dist.extras.push(extra);
      else warnings.push(`${name} ${dist.version} does not provide the extra '${extra}'`);
    }
    return {
      dists: [...dists.values()].sort((a, b) => compareText(a.name, b.name)),
      warnings,
      stats: { ...stats, requests: this.#queue.started },
    };
  }

  /** The solver's proof of failure, with what a renderer needs to know about its packages. */
  #derivation(failure: Incompatibility<PackageId>): DerivationTree {
    const notFound = new Map<PackageName, readonly string[]>();
    for (const [name, data] of this.#loaded) {
      if (data.notFound !== undefined) notFound.set(name, data.notFound.suggestions);
    }
    const versions = new Map<PackageName, PackageVersions>();
    for (const name of namedProjects(failure)) {
      const data = this.#loaded.get(name);
      if (data !== undefined) versions.set(name, packageVersions(data));
    }
    return {
      failure,
      notFound,
      directReferences: new Map(this.#directUrls),
      missingExtras: [...this.#missingExtras].map(([{ name, extra }, versions]) => ({
        name,
        extra,
        versions: [...versions],
      })),
      versions,
    };
  }
}

/** The projects a derivation tree names: in its terms and as dependencies. */
function namedProjects(failure: Incompatibility<PackageId>): Set<PackageName> {
  const names = new Set<PackageName>();
  const seen = new Set<Incompatibility<PackageId>>();
  const pending = [failure];
  const note = (id: PackageId) => {
    if (id.kind !== "root") names.add(id.name);
  };
  while (pending.length > 0) {
    const incompatibility = pending.pop()!;
    if (seen.has(incompatibility)) continue;
    seen.add(incompatibility);
    for (const term of incompatibility.terms) note(term.package);
    const cause = incompatibility.cause;
    if (cause.kind === "dependency") note(cause.dependency);
    if (cause.kind === "conflict") pending.push(cause.conflict, cause.other);
  }
  return names;
}

/** A package's versions for a report: the usable ones and the others by reason, newest first. */
function packageVersions<S>(data: PackageData<S>): PackageVersions {
  const usable: string[] = [];
  const unusable = new Map<string, { reason: UnavailableReason; versions: string[] }>();
  for (let i = data.entries.length - 1; i >= 0; i--) {
    const label = data.entries[i]!.label;
    const reason = data.unavailable.get(i);
    if (reason === undefined) {
      usable.push(label);
      continue;
    }
    const key = JSON.stringify(reason);
    const group = unusable.get(key);
    if (group === undefined) unusable.set(key, { reason, versions: [label] });
    else group.versions.push(label);
  }
  return { usable, unusable: [...unusable.values()] };
}

/** A `name @ url` requirement whose archive cannot be used. */
export class DirectReferenceError extends DpipError {
  /** The URL of the direct reference. */
  readonly url: string;

  constructor(name: string, url: string, problem: string) {
    super("direct-reference-unusable", `Cannot use ${name} @ ${url}: ${problem}`);
    this.name = "DirectReferenceError";
    this.url = url;
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Why a version cannot be used, in the words of a {@link DirectReferenceError}. */
export function reasonText(reason: UnavailableReason): string {
  switch (reason.kind) {
    case "yanked":
      return "it was yanked";
    case "prerelease":
      return "it is a pre-release";
    case "requires-python":
      return `it requires Python${reason.requiresPython} (the target is ${reason.python})`;
    case "no-compatible-wheel":
      return "no wheel fits the target";
    case "sdist-only":
      return reason.message ??
        "only a source distribution exists, and building is not supported yet";
    case "metadata":
    case "other":
      return reason.message;
  }
}
