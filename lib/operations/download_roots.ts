/**
 * The prepare phase of `download`: the systems it is for, and your
 * requirements as items to fetch, sources to prepare (VCS checkouts, project
 * directories, sdists whose dependencies are wanted) and roots for the
 * resolver. The dependencies of what would need a build for another machine
 * (`--platform`, …) are refused here, before any index is asked.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { refuseVcsRequirements } from "./hash_mode.ts";
import type { AllowedHashes } from "../net/hashes.ts";
import { parseSpecifierSet, type SpecifierSet } from "../pep440/mod.ts";
import { tagPriorities } from "../dists/tags.ts";
import { splitBySystem, targetMarkerEnvironment } from "../index/target_markers.ts";
import { type TargetOptions, targetTags } from "../index/target_tags.ts";
import {
  type MarkerEvaluationEnvironment,
  parseRequirement,
  type Requirement,
} from "../pep508/mod.ts";
import type { Interpreter } from "../python/mod.ts";
import type { TagRanking } from "../resolver/candidate_selector.ts";
import type { RequirementSource } from "../requirements/source.ts";
import type { RequirementsSpecification } from "../requirements/specification.ts";

/** One requirement to download. */
export interface DownloadItem {
  /** The requirement as the user wrote it (for messages). */
  readonly text: string;
  /** The project name (any spelling); absent for an unnamed URL. */
  readonly name?: string;
  readonly specifier?: SpecifierSet;
  /** `--hash` values by algorithm. */
  readonly hashes?: AllowedHashes;
  /** A direct URL (`name @ url`, a path or URL requirement): downloaded as is. */
  readonly url?: string;
}

/** One system the download is for: its markers and its ranked tags. */
export interface DownloadTarget {
  readonly environment: MarkerEvaluationEnvironment;
  readonly tags: TagRanking;
}

/**
 * The systems a download resolves for: the interpreter's, or for a foreign
 * target (`--platform`, …) one per operating system the platforms name, each
 * with that system's markers and tags.
 */
export function downloadTargets(
  interpreter: Pick<Interpreter, "markerEnvironment" | "tagFacts">,
  target: TargetOptions,
  ranking: { readonly tags: TagRanking; readonly foreign: boolean },
): DownloadTarget[] {
  if (!ranking.foreign) return [{ environment: interpreter.markerEnvironment, tags: ranking.tags }];
  const systems = splitBySystem(target);
  return systems.map((each) => ({
    environment: targetMarkerEnvironment(interpreter.markerEnvironment, each),
    tags: systems.length === 1
      ? ranking.tags
      : tagPriorities(targetTags(interpreter.tagFacts, each)),
  }));
}

/** A requirement form `download` cannot handle yet. */
export class UnsupportedDownloadError extends DpipError {
  constructor(requirement: string, why: string, hint: string) {
    super("unsupported-requirement", `Cannot download ${requirement}: ${why}`, { hint });
    this.name = "UnsupportedDownloadError";
  }
}

/** The prepared roots of a download: what to fetch, and what the resolver starts from. */
export interface DownloadRoots {
  /** One per requirement kept, with its hashes (and the `-c` specifiers of a named one). */
  readonly items: readonly DownloadItem[];
  /** Your requirements with their extras (direct wheels as `name @ url`). */
  readonly requirements: readonly Requirement[];
  /**
   * Project directories, VCS requirements and source archives prepared from
   * source: their names and dependencies come from their backends' metadata
   * hooks (with `--no-deps`, only the directories and VCS requirements, which
   * are prepared for their metadata all the same, as pip does).
   */
  readonly sources: readonly ReferencedSource[];
  /** The `-c` constraints. */
  readonly constraints: RequirementsSpecification["constraints"];
  /** Your requirements whose markers match none of the targets (pip's "Ignoring" lines). */
  readonly ignored: readonly { readonly text: string; readonly marker: string }[];
}

/** A requirement named by path or URL (a VCS URL too). */
export type ReferencedSource = RequirementSource & { kind: "path" | "url" | "vcs" };

/**
 * The roots of a download: each requirement whose markers hold on some
 * target, as a {@link DownloadItem} to fetch, a source to prepare, and (with
 * dependencies) a requirement for the resolver. A project directory is not
 * saved (as pip), only what it depends on; a VCS checkout is saved as a zip.
 *
 * @throws {UnsupportedDownloadError} with dependencies, for a VCS URL, a
 *   project directory or a source archive for a `foreign` target.
 * @throws {HashRequirementError} for a VCS URL with a `--hash`.
 */
export function downloadRoots(
  spec: RequirementsSpecification,
  options: {
    readonly targets: readonly DownloadTarget[];
    readonly noDeps: boolean;
    /** For another machine (`--platform`, `--python-version`, …). */
    readonly foreign: boolean;
  },
): DownloadRoots {
  const roots = {
    items: [] as DownloadItem[],
    requirements: [] as Requirement[],
    sources: [] as ReferencedSource[],
  };
  const ignored: { text: string; marker: string }[] = [];
  for (const { source, hashes } of spec.requirements) {
    const marker = source.marker;
    if (marker !== undefined && !options.targets.some((t) => marker.evaluate(t.environment))) {
      ignored.push({ text: source.name ?? source.text, marker: String(marker) });
      continue;
    }
    if (source.kind === "registry") {
      roots.items.push(downloadItem(source, hashes, spec.constraints));
      roots.requirements.push(source.requirement);
    } else addReference(source, downloadItem(source, hashes, spec.constraints), options, roots);
  }
  return { ...roots, constraints: spec.constraints, ignored };
}

/** A requirement named by path or URL: the file to save, and how its dependencies are found. */
function addReference(
  source: ReferencedSource,
  item: DownloadItem,
  options: { readonly noDeps: boolean; readonly foreign: boolean },
  roots: { items: DownloadItem[]; requirements: Requirement[]; sources: ReferencedSource[] },
): void {
  const wheel = source.kind !== "vcs" &&
    (source.kind === "path" ? source.pathKind : source.archive) === "wheel";
  // Prepared on this machine even with --no-deps (pip asks for the metadata all the same).
  const prepared = source.kind === "vcs" ||
    (source.kind === "path" && source.pathKind === "directory");
  if (prepared && options.foreign && !options.noDeps) {
    throw new UnsupportedDownloadError(
      source.text,
      `the dependencies of ${
        source.kind === "vcs" ? "a VCS requirement" : "a project directory"
      } on another platform are only known after a build there`,
      "add --no-deps, and list its dependencies as requirements",
    );
  }
  if (prepared) {
    // A --hash turns on hash-checking mode, which cannot check a checkout (as pip).
    if (source.kind === "vcs" && Object.keys(item.hashes ?? {}).length > 0) {
      refuseVcsRequirements([source.text]);
    }
    roots.sources.push(source);
    return;
  }
  roots.items.push(item);
  if (options.noDeps) return;
  if (wheel) {
    // The wheel's own metadata gives its dependencies, as for `install`.
    roots.requirements.push(referenceRequirement(source.requirement!.name, source));
    return;
  }
  if (options.foreign) {
    throw new UnsupportedDownloadError(
      source.text,
      "the dependencies of a source archive on another platform are only known after a build there",
      "add --no-deps, and list its dependencies as requirements",
    );
  }
  roots.sources.push(source);
}

/** `name[extras] @ url` for a requirement named by path or URL. */
export function referenceRequirement(name: string, source: ReferencedSource): Requirement {
  const extras = source.extras.length > 0 ? `[${source.extras.join(",")}]` : "";
  return parseRequirement(`${name}${extras} @ ${source.url.split("#")[0]}`);
}

/** One requirement as a download item: its hashes (`--hash` and the URL's), and for a
 * named one the `-c` specifiers that narrow it. */
function downloadItem(
  source: RequirementSource,
  hashes: Readonly<Record<string, readonly string[]>>,
  constraints: readonly RequirementSource[],
): DownloadItem {
  const allHashes: Record<string, string[]> = {};
  for (const [algorithm, values] of Object.entries(hashes)) allHashes[algorithm] = [...values];
  for (const [algorithm, value] of Object.entries(source.urlHashes)) {
    allHashes[algorithm] = [...(allHashes[algorithm] ?? []), value];
  }
  const hashPart = Object.keys(allHashes).length > 0 ? { hashes: allHashes } : {};
  switch (source.kind) {
    case "registry": {
      const narrowing = constraints.filter((c) => c.name === source.name)
        .map((c) => String(c.requirement?.specifier ?? "")).filter((s) => s !== "");
      const specifier = [String(source.requirement.specifier), ...narrowing]
        .filter((s) => s !== "").join(",");
      return {
        text: source.text,
        name: source.name,
        specifier: parseSpecifierSet(specifier),
        ...hashPart,
      };
    }
    case "url":
    case "path":
    case "vcs":
      return {
        text: source.text,
        ...(source.name === undefined ? {} : { name: source.name }),
        url: source.url,
        ...hashPart,
      };
  }
}
