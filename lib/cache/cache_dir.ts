/**
 * Where dpip keeps its caches, and the versioned buckets inside.
 *
 * The root is `--cache-dir` / `PIP_CACHE_DIR` when given, else
 * `$XDG_CACHE_HOME/dpip`, else `~/.cache/dpip`; `--no-cache-dir` disables
 * caching. Each kind of data lives in its own versioned bucket
 * (`interpreters-v1/`, `http-v1/`, `wheels-v1/`, `unpacked-v1/`), so a change
 * of on-disk format only needs a new bucket name.
 *
 * @module
 */

import { join, resolve } from "../paths.ts";

/** The cache buckets, each a versioned directory under the cache root. */
export const CacheBucket = {
  /** Interpreter facts from the probe, keyed by executable path, size and mtime. */
  interpreters: "interpreters-v1",
  /** HTTP responses (index pages revalidated, files immutable). */
  http: "http-v1",
  /** Downloaded and built wheels, by sha256. */
  wheels: "wheels-v1",
  /** Unpacked wheels to hard-link from, by the wheel's sha256. */
  unpacked: "unpacked-v1",
  /** Wheels' core metadata, by the hash that verified it (see `metadata_cache.ts`). */
  metadata: "metadata-v1",
  /** The PEP 740 publisher last verified for each project (see `attest/check.ts`). */
  attestations: "attestations-v1",
} as const;

/** A bucket name. */
export type CacheBucketName = (typeof CacheBucket)[keyof typeof CacheBucket];

/** Inputs for {@link resolveCacheRoot}. */
export interface CacheRootOptions {
  /** `--cache-dir` (or `PIP_CACHE_DIR` through the option table); `false` for `--no-cache-dir`. */
  readonly cacheDir?: string | false;
  readonly env: Readonly<Record<string, string>>;
  /** The working directory relative paths resolve against. */
  readonly cwd: string;
}

/**
 * The cache root, or `undefined` when caching is disabled.
 *
 * @example
 * ```ts
 * import { resolveCacheRoot } from "./cache_dir.ts";
 * resolveCacheRoot({ env: { HOME: "/home/u" }, cwd: "/" }); // "/home/u/.cache/dpip"
 * resolveCacheRoot({ cacheDir: false, env: {}, cwd: "/" }); // undefined
 * ```
 */
export function resolveCacheRoot(options: CacheRootOptions): string | undefined {
  const { cacheDir, env, cwd } = options;
  if (cacheDir === false) return undefined;
  if (cacheDir !== undefined && cacheDir !== "") return resolve(cwd, expandHome(cacheDir, env));
  const xdg = env["XDG_CACHE_HOME"];
  if (xdg !== undefined && xdg.startsWith("/")) return join(xdg, "dpip");
  const home = env["HOME"] ?? "/tmp";
  return join(home, ".cache", "dpip");
}

/** The directory of `bucket` under `root`. */
export function bucketDir(root: string, bucket: CacheBucketName): string {
  return join(root, bucket);
}

function expandHome(path: string, env: Readonly<Record<string, string>>): string {
  if (path === "~" || path.startsWith("~/")) return (env["HOME"] ?? "") + path.slice(1);
  return path;
}
