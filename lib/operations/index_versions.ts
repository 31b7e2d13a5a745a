/**
 * `index versions`: the versions of a project the sources offer for the
 * target, as pip lists them: every usable file's version (the target's tags,
 * `Requires-Python`, `--only-binary`/`--no-binary`), yanked files left out,
 * pre-releases only with `--pre`, newest first.
 *
 * @module
 */

import { canonicalizeName } from "../names/mod.ts";
import type { Version } from "../pep440/mod.ts";
import {
  type CandidatePolicy,
  evaluateFiles,
  type TagRanking,
} from "../resolver/candidate_selector.ts";
import { type FileSource, NoMatchingDistributionError } from "./download.ts";
import type { IndexVersionsDocument } from "./json_documents.ts";

/** The versions of one project. */
export interface ProjectVersions {
  /** The name as the user gave it. */
  readonly name: string;
  /** Newest first, normalized. */
  readonly versions: string[];
  readonly latest: string;
  /** Problems met on the way (odd pages, skipped sources). */
  readonly warnings: string[];
}

/**
 * Lists the versions of `name`.
 *
 * @throws {NoMatchingDistributionError} when no usable version exists.
 */
export async function indexVersions(
  name: string,
  options: { sources: FileSource; tags: TagRanking; policy: CandidatePolicy },
): Promise<ProjectVersions> {
  const project = canonicalizeName(name);
  const listing = await options.sources.projectFiles(project);
  const { candidates } = evaluateFiles(listing.files, {
    project,
    tags: options.tags,
    policy: options.policy,
  });
  const unique = new Map<string, Version>();
  for (const candidate of candidates) {
    if (candidate.file.yanked) continue;
    if (!options.policy.pre && candidate.version.isPrerelease) continue;
    unique.set(candidate.version.toString(), candidate.version);
  }
  const versions = [...unique.values()].sort((a, b) => b.compare(a)).map(String);
  const latest = versions[0];
  if (latest === undefined) {
    throw new NoMatchingDistributionError(name, {
      versions: [],
      notes: [],
      foundOn: listing.foundOn,
    });
  }
  return { name, versions, latest, warnings: [...listing.warnings] };
}

/** `index versions --json`: pip's shape (pip 25+), with the installed version when there is one. */
export function indexVersionsDocument(
  result: ProjectVersions,
  installedVersion: string | undefined,
): IndexVersionsDocument {
  return {
    name: result.name,
    versions: result.versions,
    latest: result.latest,
    ...(installedVersion === undefined ? {} : { installed_version: installedVersion }),
  };
}
