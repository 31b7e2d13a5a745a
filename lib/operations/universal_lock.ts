/**
 * `lock --universal` and `compile --universal`: the requirements resolved
 * for every environment at once (`resolver/universal.ts`), and the lock of
 * the result: each version with the marker saying where it applies and
 * every file an installer could pick for it (each wheel the Pythons in
 * range could use, and the sdist), so that `install -r pylock.toml` on any
 * covered interpreter selects what applies to it.
 *
 * Direct references are prepared as `install` prepares them, whatever
 * their markers: wheels named by path or URL are read (a URL's wheel
 * fetched, for its hash), project directories, source archives, VCS URLs
 * and editables are built, once, on the target interpreter, and their
 * metadata taken to hold everywhere (as uv takes it); their dependencies
 * then fork on markers like any other's. A project named by a direct
 * reference comes from it wherever it is required. A version offering only
 * an sdist is built (on the target interpreter) for its metadata, as
 * `install` builds it. Returns data; never prints.
 *
 * @module
 */

import { compatibleTags } from "../dists/tags.ts";
import { parseWheelFilename, tryParseWheelFilename } from "../dists/wheel_filename.ts";
import type { Pylock, PylockDistribution, PylockPackage } from "../lock/pylock.ts";
import { canonicalizeName, type PackageName } from "../names/mod.ts";
import { compareVersions } from "../pep440/mod.ts";
import { MarkerSet } from "../pep508/marker_algebra.ts";
import { environmentsWith } from "../pep508/python_platform.ts";
import { type CandidatePolicy, evaluateFiles, everyTag } from "../resolver/candidate_selector.ts";
import type { IndexFile, IndexSource } from "../resolver/default_provider.ts";
import type { ResolverProvider, ResolverReporter } from "../resolver/mod.ts";
import type { ReleaseControl } from "../resolver/release_control.ts";
import {
  resolveUniversal,
  type UniversalDist,
  type UniversalResolution,
} from "../resolver/universal.ts";
import type { RequirementSource } from "../requirements/source.ts";
import type { RequirementsSpecification } from "../requirements/specification.ts";
import { BuildStack } from "../build/build_stack.ts";
import { withoutFragment } from "./build_sources.ts";
import { type CompiledPin, compiledPins } from "./compile.ts";
import { type InstallOptions, withBuilds } from "./install.ts";
import { prepareRoots, type Root } from "./install_roots.ts";
import { withLocalWheels } from "./local_wheels.ts";
import { lockPackage, type LockReferences, type LockSettings, verifyLockedWheels } from "./lock.ts";
import { lockedFile, type PreparedReference } from "./lock_entries.ts";
import { withoutRequested } from "./only_deps.ts";
import { fetchWheelReference } from "./wheel_references.ts";

/** How to resolve universally over the indexes. */
export interface UniversalResolveOptions {
  /** The provider (built with {@link everyTag} tags). */
  readonly provider: ResolverProvider<IndexSource>;
  /** The Pythons to cover (`>=3.9`). */
  readonly requiresPython: string;
  /** Marker values fixed by `--python-platform`; every platform by default. */
  readonly platform?: Readonly<Record<string, string>>;
  readonly pre?: boolean;
  readonly releaseControl?: ReleaseControl;
  readonly noDeps?: boolean;
  /** Versions to try first (an earlier output's pins). */
  readonly preferences?: ReadonlyMap<PackageName, string>;
  readonly timeoutMs?: number;
  readonly reporter?: ResolverReporter<IndexSource>;
}

/**
 * Resolves the roots (your requirements, direct references named by their
 * prepared URLs) and constraints for every environment of `options`.
 *
 * @throws {ResolutionImpossibleError} when some environment has no resolution.
 */
export async function resolveRootsUniversally(
  roots: readonly Root[],
  constraints: readonly RequirementSource[],
  options: UniversalResolveOptions,
): Promise<UniversalResolution<IndexSource>> {
  return await resolveUniversal({
    requirements: roots.map((root) => root.requirement),
    constraints: constraints.flatMap((source) =>
      source.requirement === undefined ? [] : [source.requirement]
    ),
  }, {
    provider: options.provider,
    requiresPython: options.requiresPython,
    ...(options.platform === undefined ? {} : { platform: options.platform }),
    ...(options.pre ? { prerelease: "allow" as const } : {}),
    ...(options.releaseControl === undefined ? {} : { releaseControl: options.releaseControl }),
    ...(options.noDeps ? { noDeps: true } : {}),
    ...(options.preferences === undefined ? {} : { preferences: options.preferences }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.reporter === undefined ? {} : { reporter: options.reporter }),
  });
}

/** What {@link universalPylock} needs beyond the resolution. */
export interface UniversalPylockOptions {
  /** Every file the indexes list for a project. */
  readonly filesOf: (name: PackageName) => Promise<readonly IndexFile[]>;
  /** Formats and cooldown (`--only-binary`, `--uploaded-prior-to`, …), as for resolving. */
  readonly policy: CandidatePolicy;
  readonly createdBy: string;
  /** The `--python-platform` values, written as the lock's `environments`. */
  readonly platform?: Readonly<Record<string, string>>;
  /** How direct references are written. */
  readonly references?: LockReferences;
}

/**
 * The lock of a universal resolution: one package per version, with its
 * marker, `requires-python`, every wheel some covered Python could install
 * and its sdist; sorted by name, then version.
 *
 * @throws {UnlockableError} for a file without a hash.
 */
export async function universalPylock(
  resolution: UniversalResolution<IndexSource>,
  options: UniversalPylockOptions,
): Promise<Pylock> {
  const lowest = lowestMinor(resolution.requiresPython);
  const packages: PylockPackage[] = [];
  for (const dist of resolution.dists) {
    packages.push(await universalPackage(dist, options, lowest));
  }
  const environments = options.platform === undefined
    ? undefined
    : [String(environmentsWith(options.platform))];
  return {
    lockVersion: "1.0",
    ...(environments === undefined ? {} : { environments }),
    requiresPython: resolution.requiresPython,
    createdBy: options.createdBy,
    packages,
  };
}

async function universalPackage(
  dist: UniversalDist<IndexSource>,
  options: UniversalPylockOptions,
  lowest: number | undefined,
): Promise<PylockPackage> {
  const marker = String(dist.marker);
  if (dist.url !== undefined) {
    const { name, requiresPython, ...table } = lockPackage(dist, options.references);
    return {
      name,
      ...(marker === "" ? {} : { marker }),
      ...(requiresPython === undefined ? {} : { requiresPython }),
      ...table,
    };
  }
  const label = `${dist.name}==${dist.version}`;
  const { candidates } = evaluateFiles(await options.filesOf(dist.name), {
    project: dist.name,
    tags: everyTag(new Map()),
    policy: { ...options.policy, pre: true, ignoreRequiresPython: true },
  });
  const wheels: PylockDistribution[] = [];
  let sdist: PylockDistribution | undefined;
  const files = candidates
    .filter((candidate) => compareVersions(candidate.version, dist.version) === 0)
    .filter((candidate) => !candidate.file.yanked || dist.yanked !== undefined)
    .sort((a, b) =>
      a.file.filename < b.file.filename ? -1 : a.file.filename > b.file.filename ? 1 : 0
    );
  for (const candidate of files) {
    if (candidate.kind === "sdist") sdist ??= lockedFile(candidate.file, label);
    else if (wheelFitsPythons(candidate.file.filename, lowest)) {
      wheels.push(lockedFile(candidate.file, label));
    }
  }
  const requiresPython = dist.metadata.requiresPython?.trim();
  return {
    name: dist.name,
    version: dist.version,
    ...(marker === "" ? {} : { marker }),
    ...(requiresPython ? { requiresPython } : {}),
    ...(sdist === undefined ? {} : { sdist }),
    ...(wheels.length === 0 ? {} : { wheels }),
  };
}

/** The lowest Python 3 minor a `Requires-Python` allows (`>=3.9` → 9). */
function lowestMinor(requiresPython: string): number | undefined {
  const lowest = MarkerSet.requiresPython(requiresPython).lowestPython()?.version.split(".");
  return lowest === undefined || lowest[0] !== "3" ? undefined : Number(lowest[1]);
}

/**
 * Whether some Python from 3.`lowest` up could install a wheel: a tag for
 * Python 3 that is generic (`py3`, `py38`), stable-ABI (`abi3`), or for a
 * CPython/PyPy minor in range.
 */
export function wheelFitsPythons(filename: string, lowest: number | undefined): boolean {
  let tags;
  try {
    tags = parseWheelFilename(filename).tags;
  } catch {
    return false;
  }
  return tags.some((tag) => {
    const match = /^([a-z]+)(\d)(\d*)$/.exec(tag.interpreter);
    if (match === null) return true; // An interpreter tag dpip does not read: keep it.
    const [, implementation, major, minor] = match;
    if (major !== "3") return false;
    if (implementation === "py" || tag.abi === "abi3" || tag.abi === "none") return true;
    return lowest === undefined || minor === "" || Number(minor) >= lowest;
  });
}

/** The environments to cover, and how to list and filter a project's files. */
export interface UniversalTargetOptions {
  /** The Pythons to cover (`>=3.9`). */
  readonly requiresPython: string;
  /** Marker values fixed by `--python-platform`; every platform by default. */
  readonly platform?: Readonly<Record<string, string>>;
  /** Every file the indexes list for a project. */
  readonly filesOf: (name: PackageName) => Promise<readonly IndexFile[]>;
  /** Formats and cooldown, as the provider was given them. */
  readonly policy: CandidatePolicy;
}

/** A universal resolution, and what preparing its direct references found. */
interface PreparedResolution {
  readonly resolution: UniversalResolution<IndexSource>;
  /** By the URL each direct reference was resolved with. */
  readonly references: ReadonlyMap<string, PreparedReference>;
}

/**
 * The tags the wheels among your requirements have (a wheel named by path or
 * URL is read whatever it is for: its metadata is taken for every
 * environment), with the target's own.
 */
function namedWheelTags(
  spec: RequirementsSpecification,
  interpreter: InstallOptions["target"]["interpreter"],
): Set<string> {
  const tags = new Set(compatibleTags(interpreter.tagFacts).map(String));
  for (const { source } of spec.requirements) {
    if (source.kind !== "path" && source.kind !== "url") continue;
    const filename = withoutFragment(source.url).split("/").at(-1) ?? "";
    const wheel = tryParseWheelFilename(decodeURIComponent(filename));
    for (const tag of wheel?.tags ?? []) tags.add(String(tag));
  }
  return tags;
}

/**
 * Resolves `spec` universally with `options`' services (their provider
 * built with {@link everyTag} tags) and builds: your direct references
 * prepared as `install` prepares them (whatever their markers), sdists built
 * for metadata.
 */
function resolveWithBuilds(
  spec: RequirementsSpecification,
  options: InstallOptions & UniversalTargetOptions & {
    preferences?: ReadonlyMap<PackageName, string>;
  },
): Promise<PreparedResolution> {
  const { settings, reporter, services } = options;
  return withBuilds(options, async (run) => {
    const prepared = await prepareRoots(spec, {
      interpreter: options.target.interpreter,
      build: async (source, configSettings) =>
        (await run.dispatch()).buildRequirement(source, configSettings, BuildStack.root()),
      requireHashes: settings.requireHashes,
      bucket: run.bucket,
      tags: namedWheelTags(spec, options.target.interpreter),
      everyEnvironment: true,
      fetchWheel: (source) =>
        fetchWheelReference(source, { downloader: services.downloader, scratch: run.scratch }),
    });
    const dispatch = await run.dispatch();
    const resolution = await resolveRootsUniversally(prepared.roots, spec.constraints, {
      provider: withLocalWheels(dispatch.provider(BuildStack.root()), prepared.localWheels),
      requiresPython: options.requiresPython,
      ...(options.platform === undefined ? {} : { platform: options.platform }),
      pre: settings.pre,
      ...(settings.releaseControl === undefined ? {} : { releaseControl: settings.releaseControl }),
      noDeps: settings.noDeps,
      ...(options.preferences === undefined ? {} : { preferences: options.preferences }),
      ...(settings.resolutionTimeoutMs === undefined
        ? {}
        : { timeoutMs: settings.resolutionTimeoutMs }),
      ...(reporter?.onResolving === undefined
        ? {}
        : { reporter: { onDecision: reporter.onResolving } }),
    });
    return {
      resolution: { ...resolution, warnings: [...prepared.warnings, ...resolution.warnings] },
      references: prepared.localWheels,
    };
  });
}

/** What {@link lockUniversally} found. */
export interface UniversalLockOutcome {
  readonly lock: Pylock;
  readonly resolution: UniversalResolution<IndexSource>;
}

/**
 * `lock --universal`: resolves `spec` for every environment of `options`
 * and returns the lock (with `onlyDeps`, without the projects named).
 */
export async function lockUniversally(
  spec: RequirementsSpecification,
  options: InstallOptions & UniversalTargetOptions & LockSettings,
): Promise<UniversalLockOutcome> {
  const prepared = await resolveWithBuilds(spec, options);
  let resolution = prepared.resolution;
  if (options.onlyDeps) {
    resolution = { ...resolution, dists: withoutRequested(resolution.dists, spec) };
  }
  const lock = await universalPylock(resolution, {
    filesOf: options.filesOf,
    policy: options.policy,
    createdBy: options.createdBy,
    ...(options.platform === undefined ? {} : { platform: options.platform }),
    references: { prepared: prepared.references, lockDir: options.lockDir },
  });
  await verifyLockedWheels(resolution.dists, options.services);
  return { lock, resolution };
}

/**
 * `compile --universal`: the pins of a universal resolution of `spec`, each
 * with its marker (and, with `generateHashes`, every file's sha256). The
 * `existing` output's pins are tried first, less those `upgradePackages`
 * names (all of them with `upgrade`), as uv keeps them.
 */
export async function compileUniversally(
  spec: RequirementsSpecification,
  options: InstallOptions & UniversalTargetOptions & {
    generateHashes?: boolean;
    existing?: ReadonlyMap<PackageName, string>;
    upgrade?: boolean;
    upgradePackages?: readonly string[];
  },
): Promise<CompiledPin[]> {
  const upgraded = new Set((options.upgradePackages ?? []).map((n) => canonicalizeName(n)));
  const preferences = new Map(
    options.upgrade ? [] : [...(options.existing ?? [])].filter(([name]) => !upgraded.has(name)),
  );
  const { resolution, references } = await resolveWithBuilds(spec, { ...options, preferences });
  return await compiledPins(resolution.dists, {
    spec,
    references,
    ...(options.generateHashes ? { filesOf: options.filesOf } : {}),
  });
}
