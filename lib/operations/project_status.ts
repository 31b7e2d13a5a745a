/**
 * PEP 792 project statuses in the install pipeline: what the indexes said
 * about each project resolved, turned into a refusal, warnings, and report
 * entries.
 *
 * - `quarantined` (the index considers the project unsafe, e.g. malware):
 *   its versions are offered to the resolver as unavailable (so nothing of
 *   it is fetched, built or installed, and a resolution that needs it fails
 *   saying why), except the version your own requirement pins with
 *   `==`/`===`, which is installed with a warning.
 * - `archived` and `deprecated`: one warning per project, only for projects
 *   your requirements name: a transitive dependency's status is something
 *   you cannot act on (pip#13543), so it is not printed, only reported.
 * - Every non-active status of what is installed goes into `--report`
 *   (`project_status` on the install entry).
 *
 * With several indexes, the most severe status any of them gives counts.
 *
 * @module
 */

import type { ProjectStatus } from "../index/simple_api.ts";
import { canonicalizeName, type PackageName } from "../names/mod.ts";
import { tryParseVersion } from "../pep440/mod.ts";
import type { Requirement } from "../pep508/mod.ts";
import type { ResolverProvider, VersionCandidate } from "../resolver/provider.ts";

/** A status and the (redacted) index that gave it. */
export type IndexedStatus = ProjectStatus & { readonly index: string };

/** Where statuses come from (`IndexSet.projectStatuses` fits). */
export type StatusLookup = (project: string) => readonly IndexedStatus[];

const SEVERITY: Record<ProjectStatus["status"], number> = {
  active: 0,
  deprecated: 1,
  archived: 2,
  quarantined: 3,
};

/** The most severe status of `statuses`; undefined when every one is `active` (or none). */
export function effectiveStatus(statuses: readonly IndexedStatus[]): IndexedStatus | undefined {
  let worst: IndexedStatus | undefined;
  for (const status of statuses) {
    if (status.status === "active") continue;
    if (worst === undefined || SEVERITY[status.status] > SEVERITY[worst.status]) worst = status;
  }
  return worst;
}

function describe(name: string, status: IndexedStatus): string {
  const reason = status.reason === undefined ? "" : `: ${status.reason}`;
  switch (status.status) {
    case "archived":
      return `${name} is archived on ${status.index}${reason} (it is not expected to be updated)`;
    case "deprecated":
      return `${name} is deprecated on ${status.index}${reason}`;
    case "quarantined":
      return `${name} is quarantined on ${status.index}${reason}`;
    case "active":
      return `${name} is active on ${status.index}`;
  }
}

function pinnedExactly(requirement: Requirement, version: string): boolean {
  const wanted = tryParseVersion(version);
  const pins = requirement.specifier.specifiers;
  return pins.length === 1 && (
    (pins[0]!.operator === "===" && pins[0]!.version === version) ||
    (pins[0]!.operator === "==" && !pins[0]!.version.endsWith(".*") && wanted !== undefined &&
      tryParseVersion(pins[0]!.version)?.compare(wanted) === 0)
  );
}

/** What the statuses of a resolution mean for this install. */
export interface StatusCheck {
  /** One line per project you named that is archived or deprecated (or quarantined and pinned). */
  readonly warnings: readonly string[];
  /** Every non-active status, by normalized name. */
  readonly statuses: ReadonlyMap<PackageName, IndexedStatus>;
}

/** Your requirements, by normalized name. */
function byName(requirements: readonly Requirement[]): Map<PackageName, Requirement[]> {
  const named = new Map<PackageName, Requirement[]>();
  for (const requirement of requirements) {
    const name = canonicalizeName(requirement.name);
    const list = named.get(name);
    if (list === undefined) named.set(name, [requirement]);
    else list.push(requirement);
  }
  return named;
}

/**
 * The provider with quarantined projects' versions made unavailable, except
 * a version one of your `requirements` pins exactly (`==`/`===`).
 */
export function withQuarantine<S>(
  provider: ResolverProvider<S>,
  options: { requirements: readonly Requirement[]; lookup: StatusLookup },
): ResolverProvider<S> {
  const named = byName(options.requirements);
  return {
    listVersions: async (name) => {
      const listing = await provider.listVersions(name);
      if (listing.kind !== "found") return listing;
      const status = effectiveStatus(options.lookup(name));
      if (status?.status !== "quarantined") return listing;
      const message = `${name} is quarantined on ${status.index}${
        status.reason === undefined ? "" : ` (${status.reason})`
      }: the index considers it unsafe; pin ${name}==<version> yourself to install it anyway`;
      const pins = named.get(name) ?? [];
      return {
        kind: "found",
        candidates: listing.candidates.map((candidate): VersionCandidate<S> =>
          pins.some((pin) => pinnedExactly(pin, candidate.version))
            ? candidate
            : { ...candidate, unavailable: { kind: "other", message } }
        ),
      };
    },
    getMetadata: (name, candidate) => provider.getMetadata(name, candidate),
    ...(provider.getDirectMetadata === undefined ? {} : {
      getDirectMetadata: (name: PackageName, url: string) => provider.getDirectMetadata!(name, url),
    }),
  };
}

/**
 * The warnings and report entries for the statuses of `dists` (what the
 * resolution chose; `installing` names those to be installed), given your
 * `requirements`.
 */
export function checkProjectStatuses(
  dists: readonly { readonly name: PackageName; readonly version: string }[],
  options: {
    requirements: readonly Requirement[];
    lookup: StatusLookup;
    installing: ReadonlySet<PackageName>;
  },
): StatusCheck {
  const named = byName(options.requirements);
  const statuses = new Map<PackageName, IndexedStatus>();
  const warnings: string[] = [];
  for (const dist of dists) {
    const status = effectiveStatus(options.lookup(dist.name));
    if (status === undefined || statuses.has(dist.name)) continue;
    statuses.set(dist.name, status);
    const mine = named.get(dist.name);
    if (status.status === "quarantined" && options.installing.has(dist.name)) {
      // withQuarantine let it through: you pinned it.
      warnings.push(`${describe(dist.name, status)}; installing it because you pinned it with ==`);
    } else if (status.status === "quarantined") {
      warnings.push(
        `${describe(dist.name, status)}, and ${dist.name} ${dist.version} is installed`,
      );
    } else if (mine !== undefined) {
      warnings.push(describe(dist.name, status));
    }
  }
  return { warnings, statuses };
}

/** Adds `project_status` to the install report's entries whose project has a non-active status. */
export function reportStatuses(
  report: Record<string, unknown>,
  statuses: ReadonlyMap<PackageName, IndexedStatus>,
): void {
  if (statuses.size === 0 || !Array.isArray(report["install"])) return;
  for (const entry of report["install"] as Record<string, unknown>[]) {
    const metadata = entry["metadata"] as Record<string, unknown> | undefined;
    const name = typeof metadata?.["name"] === "string"
      ? canonicalizeName(metadata["name"])
      : undefined;
    const status = name === undefined ? undefined : statuses.get(name);
    if (status === undefined) continue;
    entry["project_status"] = {
      status: status.status,
      ...(status.reason === undefined ? {} : { reason: status.reason }),
      index: status.index,
    };
  }
}
