/**
 * Getting the wheels of a plan onto local disk, verified: downloads run in a
 * bounded pool, each streamed to disk while hashed and checked against the
 * index's hash and the user's `--hash` values (through the HTTP client,
 * whose cache keeps the files for the next run). Two shortcuts keep warm
 * runs cheap:
 *
 * - a wheel whose sha256 the index gives and whose unpacked tree is already
 *   in the unpacked-wheel cache is not fetched at all;
 * - a `file:` URL (a local mirror, a wheel path) is used in place, only
 *   hashed (and that digest is remembered by the file's stamp).
 *
 * @module
 */

import { fileURLToPath, join } from "../paths.ts";
import {
  type AllowedHashes,
  digestChecks,
  type HashCheck,
  hashFile,
  HashMismatchError,
  matchesHashes,
} from "../net/hashes.ts";
import type { DownloadOptions, DownloadResult } from "../net/http_client.ts";
import type { PackageName } from "../names/mod.ts";
import { WheelInstallError, type WheelManifest } from "./wheel.ts";
import { checkWheelFilename } from "./wheel_check.ts";
import { fileSha256, hasUnpackedEntry, unpackCached, type UnpackedEntry } from "./wheel_cache.ts";
import type { ExtractPool } from "./extract_pool.ts";

/** One wheel to have on disk. */
export interface WheelRequest {
  readonly name: PackageName;
  readonly version: string;
  readonly filename: string;
  /** Where it is: an `http(s):` or `file:` URL (without a fragment). */
  readonly url: string;
  /** The size the index gives (PEP 700), for progress. */
  readonly size?: number;
  /** The hashes the index (or the URL's fragment) gives, by algorithm. */
  readonly hashes: Readonly<Record<string, string>>;
  /** The user's `--hash` values (hash-checking mode). */
  readonly userHashes?: AllowedHashes;
}

/** How a wheel came to be on disk. */
export type WheelOrigin =
  /** Fetched over the network now. */
  | "downloaded"
  /** From the HTTP cache. */
  | "cached"
  /** Already unpacked in the cache: no file was needed. */
  | "unpacked"
  /** A local file, used in place. */
  | "local";

/** A wheel ready to install. */
export interface LocalWheel {
  readonly request: WheelRequest;
  /** The wheel file (for `unpacked` it may not exist: the cache entry is used). */
  readonly path: string;
  /** The file's sha256 (hex), verified. */
  readonly sha256: string;
  /** Its size in bytes, when known. */
  readonly size?: number;
  readonly origin: WheelOrigin;
}

/** Fetches files (`HttpClient` fits). */
export interface WheelDownloader {
  download(url: string, dest: string, options?: DownloadOptions): Promise<DownloadResult>;
}

/** Progress callbacks (the CLI's progress bars fit). */
export interface PrepareReporter {
  onStart?(filename: string, size: number | undefined): void;
  onProgress?(filename: string, received: number, total: number | undefined): void;
  onDone?(filename: string): void;
}

/** Options for {@link prepareWheels}. */
export interface PrepareOptions {
  readonly downloader: WheelDownloader;
  /** A directory for downloaded files (on the cache's file system, for hard links). */
  readonly dir: string;
  /** The `unpacked-v1` bucket, to skip wheels already unpacked; none disables the shortcut. */
  readonly unpackedBucket?: string;
  /** Parallel downloads (default 16). */
  readonly concurrency?: number;
  readonly reporter?: PrepareReporter;
  /** Called with each wheel as soon as it is on disk and verified (to unpack it meanwhile). */
  readonly onReady?: (wheel: LocalWheel) => void;
  /**
   * A fetch of the same file, with the same checks, already under way (begun
   * while resolving): its wheel is taken instead, or, if it failed, the file is
   * fetched again here.
   */
  readonly begun?: (request: WheelRequest) => Promise<LocalWheel> | undefined;
  /** Stops the downloads (each fails with `CancelledError`). */
  readonly signal?: AbortSignal;
}

function checksOf(request: WheelRequest): HashCheck[] {
  const checks = digestChecks("the index", request.hashes);
  if (request.userHashes !== undefined && Object.keys(request.userHashes).length > 0) {
    checks.push({ source: "the requirement", allowed: request.userHashes });
  }
  return checks;
}

function verify(filename: string, digests: Record<string, string>, checks: HashCheck[]): void {
  for (const check of checks) {
    if (!matchesHashes(digests, check.allowed)) {
      throw new HashMismatchError(filename, {
        expected: check.allowed,
        got: digests,
        source: check.source,
      });
    }
  }
}

/** The sha256 every check agrees on without reading the file, if there is one. */
function knownSha256(request: WheelRequest, checks: HashCheck[]): string | undefined {
  const sha256 = request.hashes["sha256"]?.toLowerCase();
  if (sha256 === undefined || !/^[0-9a-f]{64}$/.test(sha256)) return undefined;
  const agreed = checks.every((check) => matchesHashes({ sha256 }, check.allowed)) &&
    checks.every((check) => Object.keys(check.allowed).every((a) => a.toLowerCase() === "sha256"));
  return agreed ? sha256 : undefined;
}

function isUnpacked(bucket: string | undefined, sha256: string): boolean {
  // Intact too: an entry changed since it was made is unpacked again, from the file.
  return bucket !== undefined && hasUnpackedEntry(bucket, sha256);
}

/**
 * Puts one wheel on local disk, verified (see {@link prepareWheels}).
 *
 * @throws {HashMismatchError} when the file does not match its hashes (it is not kept).
 */
export async function prepareWheel(
  request: WheelRequest,
  options: PrepareOptions,
): Promise<LocalWheel> {
  const begun = options.begun?.(request);
  if (begun !== undefined) {
    const wheel = await begun.catch(() => undefined);
    if (wheel !== undefined) {
      // Reported as fetched now (the raw progress lines of pip's `--progress-bar raw`).
      const size = wheel.size ?? request.size;
      options.reporter?.onStart?.(request.filename, size);
      if (size !== undefined) options.reporter?.onProgress?.(request.filename, size, size);
      options.reporter?.onDone?.(request.filename);
      return wheel;
    }
  }
  return await prepareOne(request, options);
}

async function prepareOne(request: WheelRequest, options: PrepareOptions): Promise<LocalWheel> {
  const checks = checksOf(request);
  const known = knownSha256(request, checks);
  const isFile = request.url.startsWith("file:");
  const inPlace = isFile ? fileURLToPath(request.url) : join(options.dir, request.filename);
  if (known !== undefined && isUnpacked(options.unpackedBucket, known)) {
    options.reporter?.onDone?.(request.filename);
    return {
      request,
      path: inPlace,
      sha256: known,
      ...(request.size === undefined ? {} : { size: request.size }),
      origin: isFile ? "local" : "unpacked",
    };
  }
  if (isFile) {
    const algorithms = checks.flatMap((check) => Object.keys(check.allowed))
      .filter((a) => a.toLowerCase() !== "sha256");
    const { sha256 } = await fileSha256(inPlace, {
      ...(options.unpackedBucket === undefined ? {} : { bucket: options.unpackedBucket }),
    });
    const digests = algorithms.length > 0
      ? { ...(await hashFile(inPlace, algorithms)), sha256 }
      : { sha256 };
    verify(request.filename, digests, checks);
    options.reporter?.onDone?.(request.filename);
    return {
      request,
      path: inPlace,
      sha256,
      size: (await Deno.stat(inPlace)).size,
      origin: "local",
    };
  }
  options.reporter?.onStart?.(request.filename, request.size);
  const result = await options.downloader.download(request.url, inPlace, {
    checks,
    onProgress: (received, total) =>
      options.reporter?.onProgress?.(request.filename, received, total),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  options.reporter?.onDone?.(request.filename);
  return {
    request,
    path: result.path,
    sha256: result.digests["sha256"] ?? "",
    size: result.size,
    origin: result.fromCache ? "cached" : "downloaded",
  };
}

/**
 * Puts every requested wheel on local disk (or finds it already unpacked),
 * with every hash verified, `concurrency` at a time. Results are in request
 * order. The first failure is thrown once the downloads in flight finish;
 * files already fetched stay in `dir` for the caller to remove.
 *
 * @throws {HashMismatchError} when a file does not match its hashes (the file is not kept).
 * @example
 * ```ts ignore
 * const wheels = await prepareWheels(requests, { downloader: client, dir: workDir });
 * wheels.map((wheel) => wheel.path);
 * ```
 */
export async function prepareWheels(
  requests: readonly WheelRequest[],
  options: PrepareOptions,
): Promise<LocalWheel[]> {
  await Deno.mkdir(options.dir, { recursive: true });
  const results: LocalWheel[] = new Array(requests.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < requests.length && failure === undefined) {
      const index = next++;
      try {
        const wheel = await prepareWheel(requests[index]!, options);
        results[index] = wheel;
        if (failure === undefined) options.onReady?.(wheel);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 16, requests.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}

/** A local wheel validated and unpacked into the cache. */
export interface UnpackedWheel {
  readonly sha256: string;
  /** The unpacked files (`<dist-info>/METADATA` among them). */
  readonly tree: string;
  readonly manifest: WheelManifest;
}

/**
 * Validates a wheel file (its name, tags, every entry and RECORD) and
 * unpacks it into `bucket`, or finds it there already (by sha256), as pip
 * "processes" a wheel path before resolving. Nothing outside the bucket is
 * written.
 *
 * @throws {WheelInstallError} naming the wheel and what is wrong with it.
 * @example
 * ```ts ignore
 * const { manifest, tree } = await unpackLocalWheel("./demo-1.0-py3-none-any.whl", { bucket });
 * Deno.readTextFileSync(`${tree}/${manifest.distInfo}/METADATA`);
 * ```
 */
export async function unpackLocalWheel(
  path: string,
  options: {
    bucket: string;
    compatibleTags?: ReadonlySet<string>;
    onWarning?: (message: string) => void;
    /** Where to unpack (another thread, when worth it); by default, here. */
    pool?: ExtractPool;
    /** The file's sha256 and size, when the caller has them already. */
    known?: { sha256: string; size: number };
  },
): Promise<UnpackedWheel> {
  const filename = path.split("/").at(-1) ?? path;
  checkWheelFilename(filename, options.compatibleTags);
  let digest: { sha256: string };
  try {
    digest = options.known ?? await fileSha256(path, { bucket: options.bucket });
  } catch (error) {
    throw new WheelInstallError(
      filename,
      `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { code: "wheel-not-found", cause: error },
    );
  }
  const entry = await unpackWheelCached(
    options.bucket,
    digest.sha256,
    async (tree, onWarning) => {
      const job = {
        path,
        filename,
        dir: tree,
        size: options.known?.size ?? (await Deno.stat(path)).size,
        ...(options.compatibleTags === undefined ? {} : { compatibleTags: options.compatibleTags }),
        onWarning,
      };
      if (options.pool !== undefined) return await options.pool.extract(job);
      const { extractHere } = await import("./unpack.ts");
      return extractHere(job);
    },
    options.onWarning,
  );
  return { sha256: digest.sha256, tree: entry.tree, manifest: entry.manifest };
}

/**
 * The unpacked-wheel cache entry for `sha256`, made with `extract` when there
 * is none: the warnings its unpacking gives are kept in the entry's manifest,
 * and a reused entry gives them again through `onWarning`, so that every
 * install of the wheel warns, as pip's does.
 */
export async function unpackWheelCached(
  bucket: string,
  sha256: string,
  extract: (tree: string, onWarning: (message: string) => void) => Promise<WheelManifest>,
  onWarning: ((message: string) => void) | undefined,
): Promise<UnpackedEntry<WheelManifest>> {
  const entry = await unpackCached<WheelManifest>(bucket, sha256, async (tree) => {
    const warnings: string[] = [];
    const manifest = await extract(tree, (message) => {
      warnings.push(message);
      onWarning?.(message);
    });
    return warnings.length === 0 ? manifest : { ...manifest, warnings };
  });
  if (entry.cached) { for (const message of entry.manifest.warnings ?? []) onWarning?.(message); }
  return entry;
}
