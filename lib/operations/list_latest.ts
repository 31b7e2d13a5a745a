/**
 * The index half of `list --outdated` / `--uptodate`: the newest version the
 * sources offer for each installed project, as pip's `list` finds it (the
 * target's tags and `Requires-Python`, yanked files left out, pre-releases
 * only with `--pre`), and the kind of file that offers it.
 *
 * @module
 */

import { canonicalizeName } from "../names/mod.ts";
import { tryParseVersion } from "../pep440/mod.ts";
import {
  type Candidate,
  type CandidatePolicy,
  compareCandidates,
  evaluateFiles,
  type TagRanking,
} from "../resolver/candidate_selector.ts";
import type { FileSource } from "./download.ts";

/** The newest version of a project on the sources. */
export interface LatestInfo {
  /** Normalized. */
  readonly version: string;
  readonly filetype: "wheel" | "sdist";
}

/** Options for {@link latestVersions}. */
export interface LatestVersionsOptions {
  readonly sources: FileSource;
  readonly tags: TagRanking;
  readonly policy: CandidatePolicy;
  /** Pages fetched at once (default 16). */
  readonly concurrency?: number;
}

/**
 * The newest version of each project (by any spelling); projects the sources
 * do not offer are left out of the map. Keys are normalized names.
 */
export async function latestVersions(
  names: readonly string[],
  options: LatestVersionsOptions,
): Promise<Map<string, LatestInfo>> {
  const projects = [...new Set(names.map(canonicalizeName))];
  const latest = new Map<string, LatestInfo>();
  let next = 0;
  const worker = async () => {
    while (next < projects.length) {
      const project = projects[next++] ?? "";
      const listing = await options.sources.projectFiles(project);
      const { candidates } = evaluateFiles(listing.files, {
        project,
        tags: options.tags,
        policy: options.policy,
      });
      let best: Candidate | undefined;
      for (const candidate of candidates) {
        if (candidate.file.yanked) continue;
        if (!options.policy.pre && candidate.version.isPrerelease) continue;
        if (best === undefined || compareCandidates(candidate, best) < 0) best = candidate;
      }
      if (best !== undefined) {
        latest.set(project, { version: best.version.toString(), filetype: best.kind });
      }
    }
  };
  const workers = Math.min(options.concurrency ?? 16, projects.length);
  await Promise.all(Array.from({ length: workers }, worker));
  return latest;
}

/**
 * Whether `installed` is older than `latest` (`outdated`) or equal to it
 * (`uptodate`). An installed version that is not PEP 440 is older than any.
 *
 * @example
 * ```ts
 * import { compareWithLatest } from "./list_latest.ts";
 * compareWithLatest("1.0", "1.0.0"); // "uptodate"
 * compareWithLatest("1.0", "2.0"); // "outdated"
 * ```
 */
export function compareWithLatest(
  installed: string,
  latest: string,
): "outdated" | "uptodate" | "newer" {
  const have = tryParseVersion(installed);
  const want = tryParseVersion(latest);
  if (want === undefined) return "newer";
  if (have === undefined) return "outdated";
  const order = have.compare(want);
  return order < 0 ? "outdated" : order === 0 ? "uptodate" : "newer";
}
