/**
 * What a dry run shows and `--report` writes about a plan: each
 * distribution to install read from its metadata (the unpacked tree of a
 * local wheel, or the index's metadata), as pip's installation report and
 * as the names the metadata spells.
 *
 * @module
 */

import { parseCoreMetadata } from "../dists/core_metadata.ts";
import { canonicalizeName, type PackageName } from "../names/mod.ts";
import type { MarkerEnvironment } from "../pep508/mod.ts";
import type { IndexSource } from "../resolver/default_provider.ts";
import type { ResolvedDist } from "../resolver/mod.ts";
import { withoutFragment } from "./build_sources.ts";
import type { JsonValue } from "./inspect.ts";
import { formatInstallReport, type ReportItem } from "./install_report.ts";
import type { Root } from "./install_roots.ts";
import { type PlannedInstall, toInstall } from "./install_plan.ts";
import { type LocalReference, unpackedMetadata } from "./local_wheels.ts";
import { type IndexedStatus, reportStatuses } from "./project_status.ts";
import { UnsupportedRequirementError, wheelSource } from "./resolved_wheels.ts";

/** What a plan's description reads and says. */
export interface DescribePlanOptions {
  readonly roots: readonly Root[];
  /** The wheels the roots name, unpacked (their metadata is read there). */
  readonly localWheels: ReadonlyMap<string, LocalReference>;
  /** An index file's core metadata. */
  readonly fetchMetadata: (file: IndexSource["file"]) => Promise<string>;
  /** Build pip's report (else only the names). */
  readonly report: boolean;
  readonly environment: MarkerEnvironment;
  /** Read metadata as pip's `importlib.metadata` backend does (Python 3.11+). */
  readonly importlib: boolean;
  /** PEP 792 statuses, for the report. */
  readonly statuses: ReadonlyMap<PackageName, IndexedStatus>;
}

/** A plan as its metadata describes it. */
export interface PlanDescription {
  /** pip's installation report, when asked for. */
  readonly report?: Record<string, JsonValue>;
  /** What is to be installed, by the names their metadata gives. */
  readonly metadataNames: ReadonlyMap<PackageName, string>;
}

/**
 * Reads the metadata of what `planned` installs and describes it.
 *
 * @throws {UnsupportedRequirementError} when only a source distribution was chosen.
 */
export async function describePlan(
  planned: PlannedInstall,
  options: DescribePlanOptions,
): Promise<PlanDescription> {
  const installing = toInstall(planned);
  const localFiles = new Map(
    [...options.localWheels.values()].map((local) => [local.fileUrl, local]),
  );
  const items = await reportItems(installing, options.roots, async (file) => {
    const local = localFiles.get(file.url);
    return local === undefined ? await options.fetchMetadata(file) : await unpackedMetadata(local);
  });
  const metadataNames = new Map<PackageName, string>();
  items.forEach((item, index) => {
    const name = parseCoreMetadata(item.metadata).name;
    if (name !== undefined) metadataNames.set(installing[index]!.name, name);
  });
  if (!options.report) return { metadataNames };
  const report = formatInstallReport(items, options);
  reportStatuses(report, options.statuses);
  return { report, metadataNames };
}

async function reportItems(
  dists: readonly ResolvedDist<IndexSource>[],
  roots: readonly Root[],
  metadataOf: (file: IndexSource["file"]) => Promise<string>,
): Promise<ReportItem[]> {
  return await Promise.all(dists.map(async (dist) => {
    const source = wheelSource(dist);
    if (source === undefined) {
      throw new UnsupportedRequirementError(
        `${dist.name}==${dist.version}`,
        "only a source distribution was chosen",
      );
    }
    const root = roots.find((r) => canonicalizeName(r.requirement.name) === dist.name);
    const url = withoutFragment(source.file.url);
    return {
      metadata: await metadataOf(source.file),
      url,
      hashes: { ...source.file.hashes, ...(root?.source.urlHashes ?? {}) },
      isDirect: dist.url !== undefined,
      isYanked: dist.yanked !== undefined,
      requested: dist.requested,
      ...(root === undefined ? {} : { requestedExtras: root.requirement.extras }),
    };
  }));
}
