/**
 * The fetch phase of `download`: the chosen files downloaded into a
 * directory in a bounded pool, each streamed to disk while hashed and
 * verified against the index's hash and the user's `--hash` values; a file
 * already in place is kept when it matches. Returns data; never prints.
 *
 * @module
 */

import { join } from "../paths.ts";
import { limiter } from "../limiter.ts";
import { HashRequirementError } from "./hash_mode.ts";
import { redactUrl } from "../net/auth.ts";
import { type HashCheck, hashFile, matchesHashes } from "../net/hashes.ts";
import type { DownloadOptions, DownloadResult } from "../net/http_client.ts";
import type { DownloadItem } from "./download_roots.ts";

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

/** Where and how files are fetched. */
export interface FetchOptions {
  /** The destination directory (created when missing). */
  readonly dest: string;
  readonly downloader: FileDownloader;
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
  /**
   * `downloaded`, `cached` (from the HTTP cache), `present` (already in the
   * destination), or `archived` (a VCS checkout saved as a zip).
   */
  readonly origin: "downloaded" | "cached" | "present" | "archived";
  readonly sha256: string;
}

/** One file to fetch: the requirement it satisfies, where it is and how it is checked. */
export interface FilePlan {
  readonly item: DownloadItem;
  readonly name: string;
  readonly version?: string;
  readonly url: string;
  readonly filename: string;
  readonly size?: number;
  readonly checks: HashCheck[];
}

/** A download not started because another requirement already failed. */
class DownloadAbandonedError extends Error {}

/**
 * Downloads the planned files, at most `concurrency` at a time, each as soon
 * as its plan is known (plans may still be waiting for their index page);
 * enforces hash-checking mode after. When anything fails, the files this run
 * downloaded are removed again.
 */
export async function fetchFiles(
  plans: readonly (FilePlan | Promise<FilePlan>)[],
  options: FetchOptions,
  hashMode: boolean,
): Promise<DownloadedFile[]> {
  await Deno.mkdir(options.dest, { recursive: true });
  // One listing instead of a failing stat per file in the usual, empty destination.
  const present = new Set<string>();
  for await (const entry of Deno.readDir(options.dest)) present.add(entry.name);
  const slot = limiter(options.concurrency ?? 16);
  let failed = false;
  const resolved: FilePlan[] = new Array(plans.length);
  const settled = await Promise.allSettled(plans.map(async (pending, index) => {
    try {
      const plan = await pending;
      resolved[index] = plan;
      return await slot(() => {
        if (failed) throw new DownloadAbandonedError();
        return fetchFile(plan, present, options);
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
    await removeFetched(settled.flatMap((r) => r.status === "fulfilled" ? [r.value] : []));
    throw (failure as PromiseRejectedResult).reason;
  }
  const files = settled.map((r) => (r as PromiseFulfilledResult<DownloadedFile>).value);
  if (hashMode) await requireUserHashes(files, resolved);
  return files;
}

/** One file into the destination: kept when already there and matching, else downloaded. */
async function fetchFile(
  plan: FilePlan,
  present: ReadonlySet<string>,
  options: FetchOptions,
): Promise<DownloadedFile> {
  const { reporter } = options;
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
  if (present.has(plan.filename) && await Deno.stat(path).then((s) => s.isFile, () => false)) {
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
}

/** Removes the files this run put in the destination (not those found there). */
async function removeFetched(files: readonly DownloadedFile[]): Promise<void> {
  await Promise.all(
    files.map((file) =>
      file.origin === "present" ? undefined : Deno.remove(file.path).catch(() => {})
    ),
  );
}

/**
 * Hash-checking mode: every file needs hashes of yours; without them, the
 * files fetched are removed and the error gives the hashes to add.
 */
async function requireUserHashes(
  files: readonly DownloadedFile[],
  plans: readonly FilePlan[],
): Promise<void> {
  const missing = files.filter((_, i) =>
    plans[i]?.checks.every((c) => c.source !== "the requirement") ?? false
  );
  if (missing.length === 0) return;
  await removeFetched(missing);
  throw new HashRequirementError(
    `Hashes are required in --require-hashes mode, but they are missing from some requirements: ${
      missing.map((f) => `${f.name}==${f.version ?? "?"} --hash=sha256:${f.sha256}`).join(", ")
    }`,
    "add these --hash values to your requirements (after checking the files are the ones you expect)",
  );
}
