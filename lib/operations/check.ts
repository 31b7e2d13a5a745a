/**
 * `check`: dependencies that are missing or in conflict among what is
 * installed, with markers and extras evaluated for the target interpreter,
 * and projects installed more than once.
 *
 * @module
 */

import type { InstalledDist } from "../installer/site_packages.ts";
import { canonicalizeName } from "../names/mod.ts";
import { tryParseVersion } from "../pep440/mod.ts";
import type { Requirement } from "../pep508/mod.ts";
import type { CheckDocument, InstallConflicts } from "./json_documents.ts";
import { dependenciesOf, displayVersion, type TargetEnvironment } from "./list.ts";
import { appendAll } from "../lists.ts";

/** A dependency that is not installed. */
export interface MissingDependency {
  /** The normalized name of the distribution that needs it. */
  readonly project: string;
  readonly version: string;
  /** The normalized name of what is missing. */
  readonly dependency: string;
  readonly requirement: Requirement;
}

/** A dependency installed at a version its dependent does not accept. */
export interface ConflictingDependency {
  readonly project: string;
  readonly version: string;
  readonly dependency: string;
  readonly installedVersion: string;
  readonly requirement: Requirement;
}

/** A project with more than one distribution on the path (the first one wins). */
export interface DuplicateDistribution {
  readonly project: string;
  /** Every distribution of it, the winner first. */
  readonly dists: readonly InstalledDist[];
}

/** What `check` found. */
export interface CheckResult {
  readonly missing: readonly MissingDependency[];
  readonly conflicting: readonly ConflictingDependency[];
  /** Requirements that could not be parsed, by project (pip's "Error parsing requirements"). */
  readonly parsingProblems: readonly { project: string; requirement: string }[];
  readonly duplicates: readonly DuplicateDistribution[];
}

function sortKey(name: string, requirement: Requirement): string {
  return `${name}\u0000${String(requirement)}`;
}

/**
 * Checks every installed distribution's dependencies against what is installed.
 *
 * @example
 * ```ts
 * // const set = readTargetDists(target); checkInstalled(set.dists, target, { shadowed: set.shadowed })
 * ```
 */
export function checkInstalled(
  dists: readonly InstalledDist[],
  target: TargetEnvironment,
  options: { shadowed?: readonly InstalledDist[] } = {},
): CheckResult {
  const packageSet = new Map<string, InstalledDist>();
  for (const dist of dists) packageSet.set(dist.name, dist);
  const missing: MissingDependency[] = [];
  const conflicting: ConflictingDependency[] = [];
  const parsingProblems: { project: string; requirement: string }[] = [];
  const context = { ...target.markerEnvironment, extra: "" };
  for (const [project, dist] of packageSet) {
    const { requirements, invalid } = dependenciesOf(dist, target.markerEnvironment);
    for (const requirement of invalid) parsingProblems.push({ project, requirement });
    const version = displayVersion(dist.version);
    const missingHere: MissingDependency[] = [];
    const conflictingHere: ConflictingDependency[] = [];
    const seen = new Set<string>();
    for (const requirement of requirements) {
      const dependency = canonicalizeName(requirement.name);
      const key = sortKey(dependency, requirement);
      if (seen.has(key)) continue;
      seen.add(key);
      const installed = packageSet.get(dependency);
      if (installed === undefined) {
        if (requirement.marker === undefined || requirement.marker.evaluate(context)) {
          missingHere.push({ project, version, dependency, requirement });
        }
        continue;
      }
      const installedVersion = tryParseVersion(installed.version);
      const accepted = installedVersion === undefined
        ? requirement.specifier.contains(installed.version, { prereleases: true })
        : requirement.specifier.contains(installedVersion, { prereleases: true });
      if (!accepted) {
        conflictingHere.push({
          project,
          version,
          dependency,
          installedVersion: displayVersion(installed.version),
          requirement,
        });
      }
    }
    const order = (a: { dependency: string; requirement: Requirement }, b: typeof a) => {
      const x = sortKey(a.dependency, a.requirement);
      const y = sortKey(b.dependency, b.requirement);
      return x < y ? -1 : x > y ? 1 : 0;
    };
    appendAll(missing, missingHere.sort(order));
    appendAll(conflicting, conflictingHere.sort(order));
  }
  const duplicates: DuplicateDistribution[] = [];
  for (const shadowed of options.shadowed ?? []) {
    const key = canonicalizeName(shadowed.rawName);
    const existing = duplicates.find((d) => d.project === key);
    if (existing !== undefined) {
      (existing.dists as InstalledDist[]).push(shadowed);
      continue;
    }
    const winner = dists.find((d) => canonicalizeName(d.rawName) === key);
    duplicates.push({
      project: key,
      dists: winner === undefined ? [shadowed] : [winner, shadowed],
    });
  }
  return { missing, conflicting, parsingProblems, duplicates };
}

/** The missing and conflicting requirements as JSON (`check`, and `install`'s conflicts). */
export function conflictsDocument(
  result: Pick<CheckResult, "missing" | "conflicting">,
): InstallConflicts {
  return {
    missing: result.missing.map((m) => ({
      project: m.project,
      version: m.version,
      requirement: String(m.requirement),
      dependency: m.dependency,
    })),
    conflicting: result.conflicting.map((c) => ({
      project: c.project,
      version: c.version,
      requirement: String(c.requirement),
      dependency: c.dependency,
      installed_version: c.installedVersion,
    })),
  };
}

/** `check --format json`. */
export function checkDocument(result: CheckResult): CheckDocument {
  const { missing, conflicting } = conflictsDocument(result);
  return {
    schema_version: 1,
    ok: missing.length === 0 && conflicting.length === 0 && result.duplicates.length === 0 &&
      result.parsingProblems.length === 0,
    missing,
    conflicting,
    invalid_requirements: result.parsingProblems.map((p) => ({
      project: p.project,
      requirement: p.requirement,
    })),
    duplicates: result.duplicates.map((d) => ({
      project: d.project,
      installations: d.dists.map((dist) => ({
        version: displayVersion(dist.version),
        location: dist.location,
      })),
    })),
  };
}
