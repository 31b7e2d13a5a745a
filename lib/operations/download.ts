/**
 * `download`: your requirements' files into a directory. The phases:
 * prepare the roots (`download_roots.ts`: the target systems, what to fetch
 * and what to resolve), choose the files (without dependencies, the best
 * file of each requirement, project pages fetched in parallel; with them,
 * one {@link resolveSpecification} per target system), then fetch and
 * verify them (`download_files.ts`). VCS requirements and project
 * directories are prepared for their metadata (`download_sources.ts`): a
 * checkout is saved as a zip, a directory not at all.
 *
 * Hash-checking mode (`--require-hashes`, or any requirement with a
 * `--hash`) works as pip's: every requirement must be pinned with `==` and
 * carry hashes; the file must match one of them.
 *
 * Returns data; never prints.
 *
 * @module
 */

import { DpipError, isDpipError } from "../errors.ts";
import { refuseUnhashable, requirePinned } from "./hash_mode.ts";
import { filenameOfUrl, type ProjectFile } from "../index/simple_api.ts";
import { redactText } from "../net/auth.ts";
import { digestChecks, type HashCheck } from "../net/hashes.ts";
import { canonicalizeName } from "../names/mod.ts";
import { parseSpecifierSet } from "../pep440/mod.ts";
import type { DownloadDocument } from "./json_documents.ts";
import {
  type Candidate,
  type CandidatePolicy,
  isPinned,
  selectCandidates,
  type Selection,
  type TagRanking,
} from "../resolver/candidate_selector.ts";
import { appendAll } from "../lists.ts";
import type {
  IndexSource,
  MetadataClient,
  MetadataStore,
  ProjectFiles,
} from "../resolver/default_provider.ts";
import type { ResolverProvider } from "../resolver/mod.ts";
import { type SourceMetadataOptions, withSourceMetadata } from "./source_metadata.ts";
import { type PreparedDirectory, saveSources, type SourceDownloads } from "./download_sources.ts";
import type { SourceZipOptions } from "./source_zip.ts";
import { resolveSpecification } from "./resolve_specification.ts";
import {
  type DownloadItem,
  type DownloadRoots,
  type DownloadTarget,
  referenceRequirement,
} from "./download_roots.ts";
import type { Requirement } from "../pep508/mod.ts";
import {
  type DownloadedFile,
  fetchFiles,
  type FetchOptions,
  type FileDownloader,
  type FilePlan,
} from "./download_files.ts";

/** Where files come from (`IndexSet` fits). */
export interface FileSource {
  projectFiles(project: string): Promise<{
    readonly files: readonly ProjectFile[];
    readonly foundOn: readonly string[];
    readonly warnings: readonly string[];
  }>;
}

/** Options for {@link downloadRequirements}. */
export interface DownloadRequirementsOptions extends FetchOptions {
  readonly sources: FileSource;
  readonly tags: TagRanking;
  readonly policy: CandidatePolicy;
  /** `--require-hashes`. */
  readonly requireHashes?: boolean;
}

/** The result of {@link downloadRequirements}. */
export interface DownloadOutcome {
  /** In requirement order (the archives of VCS checkouts first). */
  readonly files: DownloadedFile[];
  /** Project directories prepared for their metadata, not saved (as pip). */
  readonly directories?: readonly PreparedDirectory[];
  /** Messages for the user (yanked picks, skipped sources, odd pages). */
  readonly warnings: string[];
}

/** No file satisfies a requirement. */
export class NoMatchingDistributionError extends DpipError {
  readonly requirement: string;
  readonly versions: readonly string[];
  constructor(
    requirement: string,
    detail: { versions: readonly string[]; notes: readonly string[]; foundOn: readonly string[] },
  ) {
    const from = detail.versions.length > 0 ? detail.versions.join(", ") : "none";
    const hint = detail.notes.length > 0
      ? detail.notes.join("; ")
      : detail.foundOn.length === 0
      ? "no index or find-links source has this project"
      : undefined;
    super(
      "no-matching-distribution",
      `No matching distribution found for ${redactText(requirement)} (from versions: ${from})`,
      hint === undefined ? {} : { hint },
    );
    this.name = "NoMatchingDistributionError";
    this.requirement = requirement;
    this.versions = detail.versions;
  }
}

export { HashRequirementError } from "./hash_mode.ts";

function notesOf(selection: Selection<ProjectFile>): string[] {
  const notes: string[] = [];
  const pythonSkips = selection.skipped.filter((s) => s.reason === "requires-python");
  if (pythonSkips.length > 0) {
    notes.push(
      "ignored versions that require a different Python: " +
        [...new Set(pythonSkips.map((s) => s.detail))].join(", "),
    );
  }
  const yanked = [...selection.candidates, ...selection.excluded.map((e) => e.candidate)]
    .filter((c) => c.file.yanked).map((c) => c.version).sort((a, b) => a.compare(b));
  if (yanked.length > 0) {
    notes.push(`ignored yanked versions: ${[...new Set(yanked.map(String))].join(", ")}`);
  }
  const tagSkips = selection.skipped.filter((s) => s.reason === "incompatible-tags");
  if (tagSkips.length > 0 && selection.candidates.length === 0) {
    notes.push(`${tagSkips.length} wheel(s) do not match the target's tags`);
  }
  const hashSkips = selection.excluded.filter((e) => e.reason === "hash");
  if (hashSkips.length > 0) notes.push(`${hashSkips.length} file(s) do not match the given hashes`);
  return notes;
}

function availableVersions(selection: Selection<ProjectFile>): string[] {
  const versions = new Map<string, Candidate<ProjectFile>["version"]>();
  const all = [...selection.candidates, ...selection.excluded.map((e) => e.candidate)];
  for (const candidate of all) {
    if (candidate.file.yanked) continue;
    versions.set(candidate.version.toString(), candidate.version);
  }
  return [...versions.values()].sort((a, b) => a.compare(b)).map(String);
}

/** Merges items naming the same project into one (their specifiers and hashes combined). */
function mergeItems(items: readonly DownloadItem[]): DownloadItem[] {
  const merged: DownloadItem[] = [];
  const byName = new Map<string, number>();
  for (const item of items) {
    const key = item.name === undefined || item.url !== undefined
      ? undefined
      : canonicalizeName(item.name);
    const at = key === undefined ? undefined : byName.get(key);
    if (key === undefined || at === undefined) {
      if (key !== undefined) byName.set(key, merged.length);
      merged.push(item);
      continue;
    }
    const previous = merged[at]!;
    const specifiers = [String(previous.specifier ?? ""), String(item.specifier ?? "")]
      .filter((s) => s !== "").join(",");
    const hashes: Record<string, string[]> = {};
    for (const source of [previous.hashes ?? {}, item.hashes ?? {}]) {
      for (const [algorithm, values] of Object.entries(source)) {
        hashes[algorithm] = [...(hashes[algorithm] ?? []), ...values];
      }
    }
    merged[at] = {
      ...previous,
      text: `${previous.text}, ${item.text}`,
      specifier: parseSpecifierSet(specifiers),
      hashes,
    };
  }
  return merged;
}

function checkHashMode(items: readonly DownloadItem[]): void {
  requirePinned(
    items.filter((item) => item.url === undefined && !isPinned(item.specifier)).map((i) => i.text),
  );
}

/**
 * Chooses and downloads the best file for each requirement (no dependencies).
 *
 * @throws {NoMatchingDistributionError} when a requirement has no usable file.
 * @throws {HashRequirementError} for hash-checking mode violations.
 * @throws {HashMismatchError} when a file does not match its hashes (nothing is left behind).
 */
export async function downloadRequirements(
  items: readonly DownloadItem[],
  options: DownloadRequirementsOptions,
): Promise<DownloadOutcome> {
  const requested = mergeItems(items);
  const hashMode = options.requireHashes === true ||
    requested.some((item) => Object.keys(item.hashes ?? {}).length > 0);
  if (hashMode) checkHashMode(requested);
  const warnings: string[] = [];

  const plans = requested.map(async (item): Promise<FilePlan> => {
    const userHashes = item.hashes ?? {};
    const userChecks: HashCheck[] = Object.keys(userHashes).length > 0
      ? [{ source: "the requirement", allowed: userHashes }]
      : [];
    if (item.url !== undefined) {
      const filename = filenameOfUrl(new URL(item.url));
      return {
        item,
        name: canonicalizeName(item.name ?? filename.split("-")[0] ?? filename),
        url: item.url,
        filename,
        checks: userChecks,
      };
    }
    const name = canonicalizeName(item.name ?? "");
    const listing = await options.sources.projectFiles(name);
    appendAll(warnings, listing.warnings);
    const selection = selectCandidates(listing.files, {
      project: name,
      tags: options.tags,
      ...(item.specifier === undefined ? {} : { specifier: item.specifier }),
      policy: {
        ...options.policy,
        ...(Object.keys(userHashes).length > 0 ? { hashes: userHashes } : {}),
      },
    });
    appendAll(warnings, selection.warnings);
    const best = selection.candidates[0];
    if (best === undefined) {
      throw new NoMatchingDistributionError(item.text, {
        versions: availableVersions(selection),
        notes: notesOf(selection),
        foundOn: listing.foundOn,
      });
    }
    return {
      item,
      name,
      version: best.version.toString(),
      url: best.file.url,
      filename: best.file.filename,
      ...(best.file.size === undefined ? {} : { size: best.file.size }),
      checks: [...digestChecks("the index", best.file.hashes), ...userChecks],
    };
  });

  // fetchPlans awaits each plan, but only after a first await of its own: mark the
  // rejections handled now (they still reach fetchPlans).
  for (const plan of plans) plan.catch(() => {});
  const files = await fetchFiles(plans, options, hashMode);
  return { files, warnings };
}

/** A project the resolver chose, as `downloadResolved` needs it (a `ResolvedDist<IndexSource>` fits). */
export interface ResolvedFile {
  readonly name: string;
  readonly version: string;
  /** The direct reference's URL, when the project came from one. */
  readonly url?: string;
  /** The chosen file, for index files (absent for a direct reference without one). */
  readonly source?: { readonly file: ProjectFile };
}

/**
 * Downloads the files of a resolution (with dependencies): each project's
 * chosen file, checked against the index's hash and the `--hash` values of
 * `items` that name it. In hash-checking mode every project needs hashes.
 */
export async function downloadResolved(
  dists: readonly ResolvedFile[],
  items: readonly DownloadItem[],
  options: Omit<DownloadRequirementsOptions, "sources" | "tags" | "policy">,
): Promise<DownloadOutcome> {
  const requested = mergeItems(items);
  const hashMode = options.requireHashes === true ||
    requested.some((item) => Object.keys(item.hashes ?? {}).length > 0);
  if (hashMode) checkHashMode(requested);
  const byName = new Map(
    requested.filter((i) => i.name !== undefined).map((i) => [canonicalizeName(i.name ?? ""), i]),
  );
  const plans: FilePlan[] = [];
  for (const dist of dists) {
    const name = canonicalizeName(dist.name);
    const item = byName.get(name) ?? { text: `${name}==${dist.version}`, name };
    const userHashes = item.hashes ?? {};
    const userChecks: HashCheck[] = Object.keys(userHashes).length > 0
      ? [{ source: "the requirement", allowed: userHashes }]
      : [];
    const file = dist.source?.file;
    const url = file?.url ?? dist.url;
    // A project directory is not saved (as pip), only what it depends on; a VCS
    // checkout is archived by `download_sources.ts`.
    if (url === undefined || isLocalDirectory(url) || VCS_URL.test(url)) continue;
    plans.push({
      item,
      name,
      version: dist.version,
      url,
      filename: file?.filename ?? filenameOfUrl(new URL(url)),
      ...(file?.size === undefined ? {} : { size: file.size }),
      checks: [
        ...(file === undefined ? [] : digestChecks("the index", file.hashes)),
        ...userChecks,
      ],
    });
  }
  return { files: await fetchFiles(plans, options, hashMode), warnings: [] };
}

/** What a download reaches the indexes through, and how it chooses. */
export interface DownloadSpecificationOptions
  extends Omit<DownloadRequirementsOptions, "sources" | "downloader" | "tags"> {
  /** The indexes and find-links sources (`IndexSet` fits). */
  readonly sources: FileSource & ProjectFiles;
  /** The HTTP client: files and metadata (`HttpClient` fits). */
  readonly client: FileDownloader & MetadataClient;
  /** Wheels' metadata kept by the hash that verified it. */
  readonly metadataStore?: MetadataStore;
  /** The systems to download for (see {@link downloadTargets}); the first one's tags pick files without dependencies. */
  readonly targets: readonly DownloadTarget[];
  /** `--no-deps`: the best file of each requirement, nothing resolved. */
  readonly noDeps: boolean;
  /** `--resolution-timeout`, in milliseconds. */
  readonly timeoutMs?: number;
  /** What to do with a VCS checkout's archive in the way, and how its messages are shown. */
  readonly sourceZip?: Omit<SourceZipOptions, "dest">;
  /**
   * This machine, when `targets` are another's (`--platform`, …): the
   * sources prepared with `--no-deps` get their build environments for it.
   */
  readonly host?: { readonly target: DownloadTarget; readonly policy: CandidatePolicy };
  /**
   * How backends are asked for the metadata of versions offered only as an
   * sdist (pip's `prepare_metadata_for_build_wheel`), given the target's
   * provider; without it such versions are unavailable (another machine's
   * dependencies come from wheels only).
   */
  readonly sourceMetadata?: (
    provider: ResolverProvider<IndexSource>,
  ) => Promise<SourceMetadataOptions>;
}

/**
 * The download pipeline: without dependencies, the best file of each root;
 * with them, one resolution per target (a file two targets share is saved
 * once), then every chosen file fetched and verified into `dest`.
 *
 * @throws {NoMatchingDistributionError} when a requirement has no usable file (`noDeps`).
 * @throws {ResolutionImpossibleError} when no versions fit.
 * @throws {HashRequirementError} for hash-checking mode violations.
 */
export async function downloadSpecification(
  roots: DownloadRoots,
  options: DownloadSpecificationOptions,
): Promise<DownloadOutcome> {
  const { targets, client } = options;
  const hashMode = options.requireHashes === true ||
    roots.items.some((item) => Object.keys(item.hashes ?? {}).length > 0);
  // What hash-checking mode cannot check is refused before any backend runs.
  if (hashMode) refuseUnhashable(roots.sources);
  const fetching = {
    downloader: client,
    dest: options.dest,
    ...(options.requireHashes === undefined ? {} : { requireHashes: options.requireHashes }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.reporter === undefined ? {} : { reporter: options.reporter }),
  };
  if (options.noDeps) {
    const sources = await prepareOnly(roots, options);
    const outcome = await downloadRequirements(roots.items, {
      ...fetching,
      sources: options.sources,
      tags: targets[0]!.tags,
      policy: options.policy,
    }).catch(async (error) => {
      // A requirement no file matches is explained as install explains it: by the resolver.
      if (isDpipError(error, "no-matching-distribution")) {
        await resolveTargets(roots, options, true);
      }
      throw error;
    });
    return withSources(outcome, sources);
  }
  const { dists, warnings, sources } = await resolveTargets(roots, options, false);
  const outcome = await downloadResolved(dists, roots.items, fetching);
  appendAll(outcome.warnings, warnings);
  return withSources(outcome, sources);
}

/** VCS URLs (`git+…`, `hg+…`, `svn+…`, `bzr+…`). */
const VCS_URL = /^(git|hg|svn|bzr)\+/;

/** `outcome` with the sources prepared: archives first, as your requirements come first. */
function withSources(outcome: DownloadOutcome, sources: SourceDownloads): DownloadOutcome {
  return {
    ...outcome,
    files: [...sources.files, ...outcome.files],
    directories: sources.directories,
  };
}

/** The sources of a `--no-deps` download prepared (no resolution): archives saved, directories named. */
async function prepareOnly(
  roots: DownloadRoots,
  options: DownloadSpecificationOptions,
): Promise<SourceDownloads> {
  if (roots.sources.length === 0 || options.sourceMetadata === undefined) {
    return { files: [], directories: [] };
  }
  const { target, policy } = options.host ??
    { target: options.targets[0]!, policy: options.policy };
  const provider = await targetProvider(target, { ...options, policy });
  return await withSourceMetadata(
    await options.sourceMetadata(provider),
    (_usable, prepare) => saveSources(roots.sources, prepare, zipOptions(options)),
  );
}

function zipOptions(options: DownloadSpecificationOptions): SourceZipOptions {
  return { ...options.sourceZip, dest: options.dest };
}

/** The resolver's view of the indexes for one target. */
async function targetProvider(
  target: DownloadTarget,
  options: DownloadSpecificationOptions,
): Promise<ResolverProvider<IndexSource>> {
  // The resolver loads only when needed (not for a `--no-deps` download that finds its files).
  const { defaultProvider } = await import("../resolver/default_provider.ts");
  return defaultProvider({
    indexes: options.sources,
    client: options.client,
    tags: target.tags,
    policy: options.policy,
    ...(options.metadataStore === undefined ? {} : { metadataStore: options.metadataStore }),
  });
}

/**
 * Your requirements resolved for each target (only them with `only`:
 * `--no-deps`); a file two targets share is kept once. Once resolved, the
 * sources are saved (VCS checkouts archived).
 */
async function resolveTargets(
  roots: DownloadRoots,
  options: DownloadSpecificationOptions,
  only: boolean,
): Promise<{ dists: ResolvedFile[]; warnings: string[]; sources: SourceDownloads }> {
  const dists = new Map<string, ResolvedFile>();
  const warnings: string[] = [];
  let sources: SourceDownloads | undefined;
  for (const target of options.targets) {
    const provider = await targetProvider(target, options);
    const resolveWith = (usable: ResolverProvider<IndexSource>, named: Requirement[] = []) =>
      resolveSpecification({ ...roots, requirements: [...roots.requirements, ...named] }, {
        provider: usable,
        environment: target.environment,
        pythonVersion: options.policy.pythonVersion.join("."),
        pre: options.policy.pre ?? false,
        ignoreRequiresPython: options.policy.ignoreRequiresPython ?? false,
        noDeps: only,
        ignoreInstalled: true,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
    const resolution = only || options.sourceMetadata === undefined
      ? await resolveWith(provider)
      : await withSourceMetadata(
        await options.sourceMetadata(provider),
        async (usable, prepare) => {
          const resolved = await resolveWith(
            usable,
            await Promise.all(
              roots.sources.map(async (source) =>
                referenceRequirement((await prepare(source)).name, source)
              ),
            ),
          );
          // The checkouts last as long as this call: archived now (once, for the first target).
          sources ??= await saveSources(roots.sources, prepare, zipOptions(options));
          return resolved;
        },
      );
    // Each system's files; a file two systems share is saved once.
    for (const dist of resolution.dists) dists.set(fileKey(dist), dist);
    appendAll(warnings, resolution.warnings);
  }
  return {
    dists: [...dists.values()],
    warnings,
    sources: sources ?? { files: [], directories: [] },
  };
}

/** A resolved file's identity across resolutions: project, version and where it comes from. */
function fileKey(dist: ResolvedFile): string {
  return `${dist.name} ${dist.version} ${dist.source?.file.url ?? dist.url ?? ""}`;
}

function isLocalDirectory(url: string): boolean {
  if (!url.startsWith("file:")) return false;
  try {
    return Deno.statSync(new URL(url)).isDirectory;
  } catch {
    return false;
  }
}

/** `download --format json`: every file in the destination, in requirement order. */
export function downloadDocument(outcome: DownloadOutcome, dest: string): DownloadDocument {
  return {
    schema_version: 1,
    dest,
    files: outcome.files.map((file) => ({
      name: file.name,
      version: file.version ?? null,
      requirement: file.requirement,
      filename: file.filename,
      path: file.path,
      size: file.size,
      sha256: file.sha256,
      url: file.url,
      origin: file.origin,
    })),
    warnings: [...new Set(outcome.warnings)],
  };
}
