/**
 * The first phase of `install`: your requirements made into the roots the
 * resolver starts from. Requirements whose markers exclude the target are
 * set aside (pip's "Ignoring" lines); what needs a build (directories,
 * sdists, VCS URLs) is built, in the order given, and named by its wheel;
 * hash-checking mode is checked (every root pinned); and the wheel files
 * the roots name are unpacked into the cache.
 *
 * @module
 */

import type { PackageName } from "../names/mod.ts";
import { parseRequirement, type Requirement } from "../pep508/mod.ts";
import type { Interpreter } from "../python/mod.ts";
import type { RequirementSource } from "../requirements/source.ts";
import {
  hashesByProject,
  type RequirementsSpecification,
  type SpecifiedRequirement,
} from "../requirements/specification.ts";
import { type BuiltRequirement, needsBuild, withoutFragment } from "./build_sources.ts";
import { refuseUnhashable, requirePinned } from "./hash_mode.ts";
import { isPinned } from "../resolver/candidate_selector.ts";
import { type LocalReference, unpackLocalWheels } from "./local_wheels.ts";
import { UnsupportedRequirementError } from "./resolved_wheels.ts";
import { isRemoteWheel } from "./wheel_references.ts";

/** A requirement for the resolver, with what the user wrote. */
export interface Root {
  readonly source: RequirementSource;
  readonly requirement: Requirement;
  /** The reference URL of a wheel or a built source (`name @ url`). */
  readonly url?: string;
}

/** One of your requirements whose markers exclude the target. */
export interface IgnoredRequirement {
  /** The requirement without its marker. */
  readonly text: string;
  readonly marker: string;
}

/** The roots of an install, and what preparing them found. */
export interface PreparedRoots {
  readonly roots: readonly Root[];
  readonly ignored: readonly IgnoredRequirement[];
  /** The wheel files the roots name (local and built), unpacked, by reference URL. */
  readonly localWheels: ReadonlyMap<string, LocalReference>;
  /** `--hash` values by project. */
  readonly hashes: ReadonlyMap<PackageName, Record<string, string[]>>;
  /** Hash-checking mode: `--require-hashes`, or any `--hash`. */
  readonly hashMode: boolean;
  /** The unpacked wheels' warnings. */
  readonly warnings: readonly string[];
}

/** How roots are prepared. */
export interface PrepareRootsOptions {
  readonly interpreter: Pick<Interpreter, "markerEnvironment">;
  /** Builds a requirement that needs a build (the run's build dispatch). */
  readonly build: (
    source: RequirementSource & { kind: "path" | "url" | "vcs" },
    configSettings: SpecifiedRequirement["configSettings"],
  ) => Promise<BuiltRequirement>;
  /** `--require-hashes`. */
  readonly requireHashes: boolean;
  /**
   * Lock files read as requirements files: without `requireHashes`, their
   * directory and VCS lines are taken in hash-checking mode.
   */
  readonly lockFiles?: readonly string[];
  /** The unpacked-wheel bucket. */
  readonly bucket: string;
  /** The target's compatible tags (a local wheel must fit them). */
  readonly tags: ReadonlySet<string>;
  /** Keep every requirement whatever its marker (a universal resolution covers them all). */
  readonly everyEnvironment?: boolean;
  /**
   * Fetches a wheel named by an http(s) URL whole (for a lock, which records
   * its hash); without it, resolving reads only the wheel's metadata.
   */
  readonly fetchWheel?: (source: RequirementSource & { kind: "url" }) => Promise<BuiltRequirement>;
}

/**
 * Prepares the roots of `spec` (see the module docs).
 *
 * @throws {UnsupportedRequirementError} for a path or URL that is neither a wheel nor a source.
 * @throws {HashRequirementError} in hash-checking mode, for a root not pinned with `==`.
 */
export async function prepareRoots(
  spec: RequirementsSpecification,
  options: PrepareRootsOptions,
): Promise<PreparedRoots> {
  const ignored: IgnoredRequirement[] = [];
  const environment = { ...options.interpreter.markerEnvironment, extra: "" };
  const wanted = spec.requirements.filter(({ source }) => {
    const marker = source.marker;
    if (marker === undefined || options.everyEnvironment || marker.evaluate(environment)) {
      return true;
    }
    ignored.push({ text: source.text.split(";")[0]!.trim(), marker: String(marker) });
    return false;
  });
  const hashes = hashesByProject(spec);
  const hashMode = options.requireHashes || hashes.size > 0;
  // What hash-checking mode cannot check is refused before any build runs (but what a lock pins).
  if (hashMode) {
    const locks = options.requireHashes ? [] : options.lockFiles ?? [];
    refuseUnhashable(
      wanted.map(({ source }) => source).filter((source) => !fromLockFile(source, locks)),
    );
  }
  const built = await buildSources(wanted, options);
  const roots = rootsOf(wanted, built);
  if (hashMode) checkHashMode(roots);
  const warnings: string[] = [];
  const builtByUrl = new Map([...built.values()].map((b) => [b.url, b]));
  const localWheels = await unpackLocalWheels(roots, builtByUrl, {
    bucket: options.bucket,
    tags: options.tags,
    warnings,
  });
  return { roots, ignored, localWheels, hashes, hashMode, warnings };
}

/** Whether `source` is a line of one of the lock files `locks` (its origin is `file:line`). */
function fromLockFile(source: RequirementSource, locks: readonly string[]): boolean {
  const colon = source.origin.lastIndexOf(":");
  return colon > 0 && locks.includes(source.origin.slice(0, colon)) &&
    /^\d+$/.test(source.origin.slice(colon + 1));
}

/**
 * Builds every requirement that needs it (pip's order: as given), before
 * resolving; with `fetchWheel`, fetches the wheels named by http(s) URLs.
 */
async function buildSources(
  wanted: readonly SpecifiedRequirement[],
  options: Pick<PrepareRootsOptions, "build" | "fetchWheel">,
): Promise<Map<RequirementSource, BuiltRequirement>> {
  const built = new Map<RequirementSource, BuiltRequirement>();
  for (const { source, configSettings } of wanted) {
    if (needsBuild(source)) built.set(source, await options.build(source, configSettings));
    else if (options.fetchWheel !== undefined && isRemoteWheel(source)) {
      built.set(source, await options.fetchWheel(source));
    }
  }
  return built;
}

function referenceRoot(
  source: RequirementSource,
  name: string,
  url: string,
): Root {
  const extras = source.extras.length > 0 ? `[${source.extras.join(",")}]` : "";
  const marker = source.marker === undefined ? "" : ` ; ${source.marker}`;
  return { source, requirement: parseRequirement(`${name}${extras} @ ${url}${marker}`), url };
}

/**
 * Your requirements as PEP 508 requirements; what needed a build is named
 * by its wheel from `built`.
 */
function rootsOf(
  wanted: readonly SpecifiedRequirement[],
  built: ReadonlyMap<RequirementSource, BuiltRequirement>,
): Root[] {
  const roots: Root[] = [];
  for (const { source } of wanted) {
    const build = built.get(source);
    if (build !== undefined) {
      roots.push(referenceRoot(source, build.name, build.url));
      continue;
    }
    switch (source.kind) {
      case "registry":
        roots.push({ source, requirement: source.requirement });
        break;
      case "path":
      case "url": {
        const archive = source.kind === "path" ? source.pathKind : source.archive;
        if (archive !== "wheel" || source.requirement === undefined) {
          throw new UnsupportedRequirementError(
            source.text,
            "it is not a wheel or a source archive",
          );
        }
        roots.push(referenceRoot(source, source.requirement.name, withoutFragment(source.url)));
        break;
      }
      case "vcs":
        // Every VCS requirement is built; one left here was excluded by its marker.
        break;
    }
  }
  return roots;
}

/** Hash-checking mode: every root pinned (every distribution hashed is checked once planned). */
function checkHashMode(roots: readonly Root[]): void {
  requirePinned(
    roots.filter((root) => root.url === undefined && !isPinned(root.requirement.specifier))
      .map((root) => root.source.text),
  );
}
