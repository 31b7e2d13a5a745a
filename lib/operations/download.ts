/**
 * `download` without dependencies: for each requirement, the best file the
 * sources offer (or the URL it names), downloaded into a directory. Files
 * are chosen first (project pages fetched in parallel), then downloaded in a
 * bounded pool, each streamed to disk while hashed and verified against the
 * index's hash and the user's `--hash` values.
 *
 * Hash-checking mode (`--require-hashes`, or any requirement with a
 * `--hash`) works as pip's: every requirement must be pinned with `==` and
 * carry hashes; the file must match one of them.
 *
 * Returns data; never prints.
 *
 * @module
 */

import { join } from "../paths.ts";
import { DpipError } from "../errors.ts";
import { HashRequirementError } from "./hash_mode.ts";
import { filenameOfUrl, type ProjectFile } from "../index/simple_api.ts";
import { redactText, redactUrl } from "../net/auth.ts";
import {
  type AllowedHashes,
  digestChecks,
  type HashCheck,
  hashFile,
  matchesHashes,
} from "../net/hashes.ts";
import type { DownloadOptions, DownloadResult } from "../net/http_client.ts";
import { canonicalizeName } from "../names/mod.ts";
import { parseSpecifierSet, type SpecifierSet } from "../pep440/mod.ts";
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

/** Where files come from (`IndexSet` fits). */
export interface FileSource {
  projectFiles(project: string): Promise<{
    readonly files: readonly ProjectFile[];
    readonly foundOn: readonly string[];
    readonly warnings: readonly string[];
  }>;
}

/** How files are fetched (`HttpClient` fits). */
export interface FileDownloader {
  download(url: string, dest: string, options?: DownloadOptions): Promise<DownloadResult>;
}

/** Progress callbacks (a progress bar renderer implements them). */
export interface DownloadReporter {
  /** A file starts downloading. */
  onStart?(filename: string, size: number | undefined): void;
  onProgress?(filename: string, received: number, total: number | undefined): void;
  /** A file finished (downloaded, copied from the cache, or found in place). */
  onDone?(filename: string): void;
}

/** Options for {@link downloadRequirements}. */
export interface DownloadRequirementsOptions {
  readonly sources: FileSource;
  readonly downloader: FileDownloader;
  readonly tags: TagRanking;
  readonly policy: CandidatePolicy;
  /** The destination directory (created when missing). */
  readonly dest: string;
  /** `--require-hashes`. */
  readonly requireHashes?: boolean;
  /** Parallel downloads (default 16). */
  readonly concurrency?: number;
  readonly reporter?: DownloadReporter;
}

/** One file in the destination. */
export interface DownloadedFile {
  /** The requirement it satisfies. */
  readonly requirement: string;
  /** The normalized project name (from the filename for unnamed URLs). */
  readonly name: string;
  readonly version?: string;
  readonly filename: string;
  readonly path: string;
  readonly size: number;
  /** Where it came from, redacted. */
  readonly url: string;
  /** `downloaded`, `cached` (from the HTTP cache), or `present` (already in the destination). */
  readonly origin: "downloaded" | "cached" | "present";
  readonly sha256: string;
}

/** The result of {@link downloadRequirements}. */
export interface DownloadOutcome {
  /** In requirement order. */
  readonly files: DownloadedFile[];
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

interface Planned {
  readonly item: DownloadItem;
  readonly name: string;
  readonly version?: string;
  readonly url: string;
  readonly filename: string;
  readonly size?: number;
  readonly checks: HashCheck[];
}

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
  const unpinned = items.filter((item) => item.url === undefined && !isPinned(item.specifier));
  if (unpinned.length > 0) {
    throw new HashRequirementError(
      `In --require-hashes mode, all requirements must have their versions pinned with ==. These do not: ${
        unpinned.map((i) => i.text).join(", ")
      }`,
      "pin each requirement with ==, e.g. name==1.0, and give its --hash",
    );
  }
}

/** A download not started because another requirement already failed. */
class DownloadAbandonedError extends Error {}

/** Runs functions at most `limit` at a time. */
function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/**
 * Downloads the planned files, at most `concurrency` at a time, each as soon
 * as its plan is known (plans may still be waiting for their index page);
 * enforces hash-checking mode after. When anything fails, the files this run
 * downloaded are removed again.
 */
async function fetchPlans(
  plans: readonly (Planned | Promise<Planned>)[],
  options: Pick<DownloadRequirementsOptions, "dest" | "downloader" | "reporter" | "concurrency">,
  hashMode: boolean,
): Promise<DownloadedFile[]> {
  await Deno.mkdir(options.dest, { recursive: true });
  // One listing instead of a failing stat per file in the usual, empty destination.
  const names = new Set<string>();
  for await (const entry of Deno.readDir(options.dest)) names.add(entry.name);
  const reporter = options.reporter;
  const slot = limiter(options.concurrency ?? 16);
  let failed = false;
  const fetchOne = async (plan: Planned): Promise<DownloadedFile> => {
    const path = join(options.dest, plan.filename);
    const base = {
      requirement: plan.item.text,
      name: plan.name,
      ...(plan.version === undefined ? {} : { version: plan.version }),
      filename: plan.filename,
      path,
      url: redactUrl(plan.url),
    };
    const algorithms = plan.checks.flatMap((c) => Object.keys(c.allowed));
    const present = names.has(plan.filename) &&
      await Deno.stat(path).then((s) => s.isFile, () => false);
    if (present) {
      const digests = await hashFile(path, algorithms);
      if (plan.checks.every((check) => matchesHashes(digests, check.allowed))) {
        reporter?.onDone?.(plan.filename);
        return {
          ...base,
          size: (await Deno.stat(path)).size,
          origin: "present",
          sha256: digests["sha256"] ?? "",
        };
      }
      await Deno.remove(path);
    }
    reporter?.onStart?.(plan.filename, plan.size);
    const result = await options.downloader.download(plan.url, path, {
      checks: plan.checks,
      onProgress: (received, total) => reporter?.onProgress?.(plan.filename, received, total),
    });
    reporter?.onDone?.(plan.filename);
    return {
      ...base,
      size: result.size,
      origin: result.fromCache ? "cached" : "downloaded",
      sha256: result.digests["sha256"] ?? "",
    };
  };
  const resolved: Planned[] = new Array(plans.length);
  const settled = await Promise.allSettled(plans.map(async (pending, index) => {
    try {
      const plan = await pending;
      resolved[index] = plan;
      return await slot(() => {
        if (failed) throw new DownloadAbandonedError();
        return fetchOne(plan);
      });
    } catch (error) {
      failed = true;
      throw error;
    }
  }));
  const failure = settled.find((r) =>
    r.status === "rejected" && !(r.reason instanceof DownloadAbandonedError)
  );
  if (failure !== undefined) {
    await Promise.all(
      settled.map((r) =>
        r.status === "fulfilled" && r.value.origin !== "present"
          ? Deno.remove(r.value.path).catch(() => {})
          : undefined
      ),
    );
    throw (failure as PromiseRejectedResult).reason;
  }
  const files = settled.map((r) => (r as PromiseFulfilledResult<DownloadedFile>).value);

  if (hashMode) {
    const missing = files.filter((_, i) =>
      resolved[i]?.checks.every((c) => c.source !== "the requirement") ?? false
    );
    if (missing.length > 0) {
      await Promise.all(
        missing.filter((f) => f.origin !== "present").map((f) =>
          Deno.remove(f.path).catch(() => {})
        ),
      );
      throw new HashRequirementError(
        `Hashes are required in --require-hashes mode, but they are missing from some requirements: ${
          missing.map((f) => `${f.name}==${f.version ?? "?"} --hash=sha256:${f.sha256}`).join(", ")
        }`,
        "add these --hash values to your requirements (after checking the files are the ones you expect)",
      );
    }
  }
  return files;
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

  const plans = requested.map(async (item): Promise<Planned> => {
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
  const files = await fetchPlans(plans, options, hashMode);
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
  const plans: Planned[] = [];
  for (const dist of dists) {
    const name = canonicalizeName(dist.name);
    const item = byName.get(name) ?? { text: `${name}==${dist.version}`, name };
    const userHashes = item.hashes ?? {};
    const userChecks: HashCheck[] = Object.keys(userHashes).length > 0
      ? [{ source: "the requirement", allowed: userHashes }]
      : [];
    const file = dist.source?.file;
    const url = file?.url ?? dist.url;
    // A project directory is not saved (as pip), only what it depends on.
    if (url === undefined || isLocalDirectory(url)) continue;
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
  return { files: await fetchPlans(plans, options, hashMode), warnings: [] };
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
