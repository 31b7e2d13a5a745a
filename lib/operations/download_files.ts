/**
 * The fetch phase of `download`: the chosen files downloaded into a
 * directory in a bounded pool, each streamed to disk while hashed and
 * verified against the index's hash and the user's `--hash` values; a file
 * already in place is kept when it matches. Returns data; never prints.
 *
 * @module
 */

import { join } from "../paths.ts";
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
  /** `downloaded`, `cached` (from the HTTP cache), or `present` (already in the destination). */
  readonly origin: "downloaded" | "cached" | "present";
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
export async function fetchFiles(
  plans: readonly (FilePlan | Promise<FilePlan>)[],
  options: FetchOptions,
  hashMode: boolean,
): Promise<DownloadedFile[]> {
  await Deno.mkdir(options.dest, { recursive: true });
  // One listing instead of a failing stat per file in the usual, empty destination.
  const names = new Set<string>();
  for await (const entry of Deno.readDir(options.dest)) names.add(entry.name);
  const reporter = options.reporter;
  const slot = limiter(options.concurrency ?? 16);
  let failed = false;
  const fetchOne = async (plan: FilePlan): Promise<DownloadedFile> => {
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
  const resolved: FilePlan[] = new Array(plans.length);
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
