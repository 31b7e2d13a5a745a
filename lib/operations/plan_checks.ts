/**
 * The checks of `install` between planning and fetching: warnings about
 * what is to be installed (a yanked version you pinned, a project's PEP 792
 * status, PEP 740 attestations) and, in hash-checking mode, that every
 * distribution to fetch has hashes to check it against.
 *
 * @module
 */

import type { AttestedFile } from "../attest/check.ts";
import type { PackageName } from "../names/mod.ts";
import type { Requirement } from "../pep508/mod.ts";
import type { IndexSource } from "../resolver/default_provider.ts";
import type { ResolvedDist } from "../resolver/mod.ts";
import { HashRequirementError } from "./hash_mode.ts";
import { type PlannedInstall, toInstall } from "./install_plan.ts";
import { checkProjectStatuses, type StatusCheck, type StatusLookup } from "./project_status.ts";
import { wheelSource } from "./resolved_wheels.ts";

/** What the checks look at besides the plan. */
export interface PlanCheckOptions {
  /** Your requirements (a status warning says when you named the project). */
  readonly requirements: readonly Requirement[];
  /** PEP 792 statuses the indexes gave for a project. */
  readonly projectStatuses?: StatusLookup;
  /** Checks PEP 740 attestations; returns warnings. */
  readonly attestations?: (files: readonly AttestedFile[]) => Promise<readonly string[]>;
  /** In hash-checking mode, the `--hash` values by project. */
  readonly hashes?: ReadonlyMap<PackageName, unknown>;
}

/** What the checks found. */
export interface PlanCheck {
  readonly warnings: string[];
  /** The PEP 792 statuses of the resolved projects (for the report). */
  readonly statuses: StatusCheck["statuses"];
}

/**
 * Checks `planned` (see the module docs).
 *
 * @throws {HashRequirementError} in hash-checking mode, for a distribution without hashes.
 */
export async function checkPlan(
  planned: PlannedInstall,
  options: PlanCheckOptions,
): Promise<PlanCheck> {
  const installing = toInstall(planned);
  const warnings = [...(planned.resolution?.warnings ?? [])];
  for (const dist of installing) {
    if (dist.yanked === undefined) continue;
    const url = wheelSource(dist)?.file.url ?? dist.url ?? "";
    warnings.push(
      `The candidate selected for download or install is a yanked version: '${dist.name}' candidate (version ${dist.version} at ${url})\nReason for being yanked: ${
        dist.yanked.reason ?? "<none given>"
      }`,
    );
  }
  const statusCheck = checkProjectStatuses(planned.dists, {
    requirements: options.requirements,
    lookup: options.projectStatuses ?? (() => []),
    installing: new Set(installing.map((dist) => dist.name)),
  });
  for (const warning of statusCheck.warnings) warnings.push(warning);
  if (options.hashes !== undefined) checkHashed(installing, options.hashes);
  if (options.attestations !== undefined) {
    for (const warning of await options.attestations(attestedFiles(installing))) {
      warnings.push(warning);
    }
  }
  return { warnings, statuses: statusCheck.statuses };
}
/** Hash-checking mode: what is fetched from an index needs `--hash` values. */
function checkHashed(
  installing: readonly ResolvedDist<IndexSource>[],
  hashes: ReadonlyMap<PackageName, unknown>,
): void {
  const missing = installing.filter((dist) => dist.url === undefined && !hashes.has(dist.name));
  if (missing.length === 0) return;
  throw new HashRequirementError(
    `Hashes are required in --require-hashes mode, but they are missing from some requirements: ${
      missing.map((dist) => `${dist.name}==${dist.version}`).join(", ")
    }`,
    "add a --hash for every distribution, dependencies included (or use --no-deps)",
  );
}

/** The files from indexes among `dists`, with what PEP 740 verification needs. */
function attestedFiles(dists: readonly ResolvedDist<IndexSource>[]): AttestedFile[] {
  return dists.flatMap((dist) => {
    const source = dist.source;
    if (source?.kind !== "index" || !/^https?:/i.test(source.file.url)) return [];
    const sha256 = source.file.hashes["sha256"];
    return [{
      name: dist.name,
      version: dist.version,
      filename: source.file.filename,
      ...(sha256 === undefined ? {} : { sha256 }),
      ...(source.file.provenance === undefined ? {} : { provenance: source.file.provenance }),
    }];
  });
}
