/**
 * `list`: the installed distributions of a target environment, filtered as
 * pip filters them (`--local`, `--user`, editables, `--exclude`,
 * `--not-required`), sorted by normalized name.
 *
 * Also home to the selection every read-only command shares: which
 * directories to read and which distributions count as local or user-site.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import {
  pendingChangeLines,
  type PendingChanges,
  recoverPendingChangesNow,
} from "../installer/recovery.ts";
import {
  type InstalledDist,
  type InstalledDistSet,
  normalizePath,
  readInstalledDists,
} from "../installer/site_packages.ts";
import { canonicalizeName } from "../names/mod.ts";
import { canonicalVersionText } from "../pep440/version.ts";
import { type MarkerEnvironment, type Requirement, tryParseRequirement } from "../pep508/mod.ts";
import type { ListDocument, ListEntry } from "./json_documents.ts";

/** The facts about the target interpreter that the read-only commands need. */
export interface TargetEnvironment {
  /** Where distributions are read from when no `--path` is given: `sys.path`. */
  readonly sitePackages: readonly string[];
  readonly prefix: string;
  readonly userSite?: string;
  readonly isVenv: boolean;
  readonly markerEnvironment: MarkerEnvironment;
  /** Read metadata as pip's `importlib.metadata` backend does (pip on Python 3.11+). */
  readonly importlib: boolean;
}

/** pip's `stdlib_pkgs`: projects `list` and friends never show. */
export const STDLIB_PACKAGES: readonly string[] = ["python", "wsgiref", "argparse"];

/** `--path` cannot be combined with `--user` or `--local` (pip's check). */
export class PathOptionConflictError extends DpipError {
  constructor() {
    super("path-option-conflict", "Cannot combine '--path' with '--user' or '--local'");
    this.name = "PathOptionConflictError";
  }
}

/** Which distributions to read and keep. */
export interface SelectOptions {
  /** `--path`: read only these directories. */
  readonly paths?: readonly string[];
  /** `--local`: in a venv, only what is installed under `sys.prefix`. */
  readonly local?: boolean;
  /** `--user`: only what is in the user site. */
  readonly user?: boolean;
  /** Keep editable installs (default true). */
  readonly includeEditables?: boolean;
  /** Only editable installs. */
  readonly editablesOnly?: boolean;
  /** Normalized names to leave out. */
  readonly skip?: ReadonlySet<string>;
}

/** The distributions {@link readTargetDists} found. */
export interface TargetDists extends InstalledDistSet {
  /** Interrupted dpip changes found in the directories read (finished first where possible). */
  readonly pendingChanges?: PendingChanges;
}

/**
 * Reads the target's distributions (`--path` dirs or `sys.path`), after
 * finishing what interrupted dpip runs left half done there, when no other
 * dpip process holds the lock (a held lock means the change is running).
 * What was found is in `pendingChanges`, and in `warnings` as
 * `interrupted-change` entries, one per line to show.
 */
export function readTargetDists(
  target: TargetEnvironment,
  options: { paths?: readonly string[] } = {},
): TargetDists {
  const paths = options.paths !== undefined && options.paths.length > 0
    ? options.paths
    : target.sitePackages;
  const read = () =>
    readInstalledDists(paths, {
      eggLinkSearchPaths: target.sitePackages,
      importlib: target.importlib,
    });
  const first = read();
  if (first.pending.length === 0) return first;
  const pendingChanges = recoverPendingChangesNow(first.pending);
  const again = read();
  const found = pendingChangeLines(pendingChanges, { busy: false }).map(({ dir, text }) => ({
    kind: "interrupted-change" as const,
    path: dir,
    reason: text,
  }));
  return { ...again, warnings: [...found, ...again.warnings], pendingChanges };
}

/**
 * Filters distributions as pip's `iter_installed_distributions` does.
 *
 * @throws {PathOptionConflictError} when `paths` is combined with `local` or `user`.
 */
export function selectInstalled(
  dists: readonly InstalledDist[],
  target: TargetEnvironment,
  options: SelectOptions,
): InstalledDist[] {
  if (options.paths !== undefined && options.paths.length > 0 && (options.user || options.local)) {
    throw new PathOptionConflictError();
  }
  const normalized = new Map<string, string>();
  const installedAt = (dist: InstalledDist) => {
    let value = normalized.get(dist.installedLocation);
    if (value === undefined) {
      value = normalizePath(dist.installedLocation);
      normalized.set(dist.installedLocation, value);
    }
    return value;
  };
  const prefix = normalizePath(target.prefix);
  const userSite = target.userSite === undefined ? undefined : normalizePath(target.userSite);
  return dists.filter((dist) => {
    if (options.local && target.isVenv && !installedAt(dist).startsWith(prefix)) return false;
    if (options.includeEditables === false && dist.editable) return false;
    if (options.editablesOnly && !dist.editable) return false;
    if (options.user && (userSite === undefined || !installedAt(dist).startsWith(userSite))) {
      return false;
    }
    return !(options.skip?.has(dist.name) ?? false);
  });
}

/** The version as pip shows it: normalized when valid PEP 440, else as written. */
export function displayVersion(version: string): string {
  return canonicalVersionText(version) ?? version;
}

/**
 * The requirements a distribution depends on with no extras selected: those
 * without a marker, or whose marker holds for the target with `extra == ""`
 * (pip's `iter_dependencies()`). Unparsable lines are returned in `invalid`.
 */
export function dependenciesOf(
  dist: InstalledDist,
  environment: MarkerEnvironment,
): { requirements: Requirement[]; invalid: string[] } {
  const requirements: Requirement[] = [];
  const invalid: string[] = [];
  const context = { ...environment, extra: "" };
  for (const text of dist.requiresDist()) {
    const requirement = tryParseRequirement(text);
    if (requirement === undefined) {
      invalid.push(text);
      continue;
    }
    if (requirement.marker === undefined || requirement.marker.evaluate(context)) {
      requirements.push(requirement);
    }
  }
  return { requirements, invalid };
}

/** One row of `list`. */
export interface ListedPackage {
  readonly name: string;
  readonly version: string;
  readonly location: string;
  readonly installer: string;
  readonly editableProjectLocation?: string;
}

/** Options of {@link listPackages}. */
export interface ListOptions extends SelectOptions {
  /** `--not-required`: only what no other listed distribution depends on. */
  readonly notRequired?: boolean;
}

/**
 * The rows of `list`: selected distributions, sorted by normalized name.
 *
 * @example
 * ```ts
 * // listPackages(readTargetDists(target).dists, target, { skip: new Set(STDLIB_PACKAGES) })
 * ```
 */
export function listPackages(
  dists: readonly InstalledDist[],
  target: TargetEnvironment,
  options: ListOptions,
): ListedPackage[] {
  let selected = selectInstalled(dists, target, options);
  if (options.notRequired) {
    const required = new Set<string>();
    for (const dist of selected) {
      for (const requirement of dependenciesOf(dist, target.markerEnvironment).requirements) {
        required.add(canonicalizeName(requirement.name));
      }
    }
    selected = selected.filter((dist) => !required.has(dist.name));
  }
  selected.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return selected.map((dist) => ({
    name: dist.rawName,
    version: displayVersion(dist.version),
    location: dist.location,
    get installer() {
      return dist.installer;
    },
    ...(dist.editableProjectLocation === undefined
      ? {}
      : { editableProjectLocation: dist.editableProjectLocation }),
  }));
}

/**
 * `list --format json`: pip's array, keys in pip's order (`location` and
 * `installer` with `verbose`, the newest version for the names in `latest`).
 */
export function listDocument(
  packages: readonly ListedPackage[],
  options: {
    verbose: boolean;
    latest?: ReadonlyMap<string, { version: string; filetype: "wheel" | "sdist" }>;
  },
): ListDocument {
  return packages.map((p) => {
    const entry: { -readonly [K in keyof ListEntry]: ListEntry[K] } = {
      name: p.name,
      version: p.version,
    };
    if (options.verbose) {
      entry.location = p.location;
      entry.installer = p.installer;
    }
    const newest = options.latest?.get(canonicalizeName(p.name));
    if (newest !== undefined) {
      entry.latest_version = newest.version;
      entry.latest_filetype = newest.filetype;
    }
    if (p.editableProjectLocation) entry.editable_project_location = p.editableProjectLocation;
    return entry;
  });
}
