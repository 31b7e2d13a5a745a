/**
 * The data behind `dpip cache`: what each cache bucket holds, the wheels
 * built from source distributions, and removal. Walks never follow symbolic
 * links, so nothing outside the cache root is read, counted or removed.
 *
 * pip's "wheels" directory maps to `wheels-v1/built/` (wheels built from
 * sdists) and its "http" directory to `http-v1/` (index pages and downloaded
 * files).
 *
 * @module
 */

import { bucketDir, CacheBucket, type CacheBucketName } from "../cache/cache_dir.ts";
import type {
  CacheArea,
  CacheDirDocument,
  CacheInfoDocument,
  CacheListDocument,
} from "./json_documents.ts";
import { basename, join } from "../paths.ts";

/** A directory's location, total file size and number of files. */
export interface CacheAreaInfo {
  readonly location: string;
  /** The sum of the files' sizes in bytes (symbolic links count their own size). */
  readonly size: number;
  readonly files: number;
}

/** What `dpip cache info` reports. */
export interface CacheInfo {
  /** `http-v1/`: index pages and downloaded files. */
  readonly http: CacheAreaInfo;
  /** `wheels-v1/built/`: wheels built from source distributions. */
  readonly built: CacheAreaInfo;
  /** How many `*.whl` files `built` holds (pip counts these, not all files). */
  readonly builtWheels: number;
  /** `unpacked-v1/`: unpacked wheels that installs hard-link from. */
  readonly unpacked: CacheAreaInfo;
  /** `metadata-v1/`: wheels' core metadata. */
  readonly metadata: CacheAreaInfo;
  /** `interpreters-v1/`: interpreter probe results. */
  readonly interpreters: CacheAreaInfo;
}

/** A cached wheel built from a source distribution. */
export interface CachedWheel {
  /** The wheel's absolute path. */
  readonly path: string;
  /** The wheel's file name. */
  readonly filename: string;
  readonly size: number;
}

/** The directory of wheels built from source distributions under `root`. */
export function builtWheelsDir(root: string): string {
  return join(bucketDir(root, CacheBucket.wheels), "built");
}

/**
 * Sizes and file counts of every cache area under `root` (a missing area is empty).
 *
 * @example
 * ```ts
 * import { cacheInfo } from "./cache.ts";
 * const info = await cacheInfo(await Deno.makeTempDir());
 * // info.built.files === 0
 * ```
 */
export async function cacheInfo(root: string): Promise<CacheInfo> {
  const area = async (location: string): Promise<CacheAreaInfo> => {
    let size = 0;
    let files = 0;
    for await (const file of walkFiles(location)) {
      size += file.size;
      files += 1;
    }
    return { location, size, files };
  };
  const [http, built, unpacked, metadata, interpreters] = await Promise.all([
    area(bucketDir(root, CacheBucket.http)),
    area(builtWheelsDir(root)),
    area(bucketDir(root, CacheBucket.unpacked)),
    area(bucketDir(root, CacheBucket.metadata)),
    area(bucketDir(root, CacheBucket.interpreters)),
  ]);
  const builtWheels = (await findBuiltWheels(root, "*")).length;
  return { http, built, builtWheels, unpacked, metadata, interpreters };
}

/**
 * The built wheels whose file name matches `pattern`, as pip's `cache list`:
 * a pattern with a hyphen is followed by `*.whl`, one without by `-*.whl`, and
 * the result is matched with shell-style wildcards (`*`, `?`, `[seq]`, `[!seq]`),
 * case-sensitively. Sorted by path.
 *
 * @example
 * ```ts
 * import { findBuiltWheels } from "./cache.ts";
 * await findBuiltWheels(await Deno.makeTempDir(), "requests"); // []
 * ```
 */
export async function findBuiltWheels(root: string, pattern: string): Promise<CachedWheel[]> {
  const matcher = wildcardRegExp(pattern + (pattern.includes("-") ? "*.whl" : "-*.whl"));
  const found: CachedWheel[] = [];
  for await (const file of walkFiles(builtWheelsDir(root))) {
    const filename = basename(file.path);
    if (matcher.test(filename)) found.push({ path: file.path, filename, size: file.size });
  }
  return found.sort((a, b) => compareStrings(a.path, b.path));
}

/** The files of the HTTP cache under `root`, sorted by path. */
export async function findHttpFiles(root: string): Promise<string[]> {
  const paths: string[] = [];
  for await (const file of walkFiles(bucketDir(root, CacheBucket.http))) paths.push(file.path);
  return paths.sort(compareStrings);
}

/** Options for {@link removeCacheFiles}. */
export interface RemoveCacheFilesOptions {
  /** Called after each file is removed. */
  readonly onRemoved?: (path: string) => void;
}

/**
 * Removes the given files (symbolic links are removed, never their targets)
 * and returns how many were removed; files already gone are not counted.
 */
export async function removeCacheFiles(
  paths: readonly string[],
  options: RemoveCacheFilesOptions = {},
): Promise<number> {
  let removed = 0;
  for (const path of paths) {
    try {
      await Deno.remove(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw error;
    }
    removed += 1;
    options.onRemoved?.(path);
  }
  return removed;
}

/**
 * Removes every dpip bucket under `root` with all its contents, and returns
 * how many files (not directories) were removed. Entries of the root that are
 * not dpip buckets are left alone; a bucket that is a symbolic link is
 * unlinked, its target untouched.
 *
 * @example
 * ```ts
 * import { purgeCache } from "./cache.ts";
 * await purgeCache(await Deno.makeTempDir()); // 0
 * ```
 */
export async function purgeCache(
  root: string,
  options: RemoveCacheFilesOptions = {},
): Promise<number> {
  let removed = 0;
  const buckets: readonly CacheBucketName[] = Object.values(CacheBucket);
  for (const bucket of buckets) removed += await removeTree(bucketDir(root, bucket), options);
  return removed;
}

async function removeTree(path: string, options: RemoveCacheFilesOptions): Promise<number> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
  if (!info.isDirectory) return await removeCacheFiles([path], options);
  let removed = 0;
  for await (const entry of Deno.readDir(path)) {
    removed += await removeTree(join(path, entry.name), options);
  }
  await Deno.remove(path);
  return removed;
}

interface WalkedFile {
  readonly path: string;
  readonly size: number;
}

/** Every non-directory entry under `dir`, without following symbolic links. */
async function* walkFiles(dir: string): AsyncGenerator<WalkedFile> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return;
    }
    throw error;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) {
      yield* walkFiles(path);
    } else if (entry.isFile || entry.isSymlink) {
      yield { path, size: (await Deno.lstat(path)).size };
    }
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A shell-style wildcard pattern as an anchored regular expression, with the
 * semantics of POSIX `fnmatch` as Python implements it: `*`, `?`, `[seq]`,
 * `[!seq]` (a `]` first in a set is literal; an unclosed `[` is literal).
 *
 * @example
 * ```ts
 * import { wildcardRegExp } from "./cache.ts";
 * wildcardRegExp("foo-*.whl").test("foo-1.0-py3-none-any.whl"); // true
 * wildcardRegExp("[!a]*").test("abc"); // false
 * ```
 */
export function wildcardRegExp(pattern: string): RegExp {
  let source = "";
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i]!;
    i += 1;
    if (char === "*") {
      source += "[\\s\\S]*";
    } else if (char === "?") {
      source += "[\\s\\S]";
    } else if (char === "[") {
      let end = i;
      if (pattern[end] === "!") end += 1;
      if (pattern[end] === "]") end += 1;
      while (end < pattern.length && pattern[end] !== "]") end += 1;
      if (end >= pattern.length) {
        source += "\\[";
      } else {
        source += characterSet(pattern.slice(i, end));
        i = end + 1;
      }
    } else {
      source += escapeChar(char);
    }
  }
  // deno-lint-ignore dpip/no-dynamic-regexp -- the user's own pattern, matched against cache file names
  return new RegExp(`^(?:${source})$`, "u");
}

/** A `[...]` body (without the brackets) as a regular-expression alternative. */
function characterSet(body: string): string {
  const negated = body.startsWith("!");
  const chars = [...(negated ? body.slice(1) : body)];
  const parts: string[] = [];
  for (let k = 0; k < chars.length; k += 1) {
    const low = chars[k]!;
    const high = chars[k + 2];
    if (chars[k + 1] === "-" && high !== undefined) {
      // A reversed range (z-a) matches nothing, as in Python.
      if (low <= high) parts.push(`${escapeChar(low)}-${escapeChar(high)}`);
      k += 2;
    } else {
      parts.push(escapeChar(low));
    }
  }
  if (parts.length === 0) return negated ? "[\\s\\S]" : "(?!)";
  return `[${negated ? "^" : ""}${parts.join("")}]`;
}

function escapeChar(char: string): string {
  return /[A-Za-z0-9_]/.test(char) ? char : `\\u{${char.codePointAt(0)!.toString(16)}}`;
}

function area(info: CacheAreaInfo): CacheArea {
  return { location: info.location, size: info.size, files: info.files };
}

/** `cache info --format json`. */
export function cacheInfoDocument(info: CacheInfo): CacheInfoDocument {
  return {
    schema_version: 1,
    http: area(info.http),
    built_wheels: area(info.built),
    built_wheel_count: info.builtWheels,
    unpacked: area(info.unpacked),
    metadata: area(info.metadata),
    interpreters: area(info.interpreters),
  };
}

/** `cache list --format json`: the wheels sorted by file name. */
export function cacheListDocument(wheels: readonly CachedWheel[]): CacheListDocument {
  return {
    schema_version: 1,
    wheels: [...wheels].sort((
      a,
      b,
    ) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0))
      .map((w) => ({ filename: w.filename, path: w.path, size: w.size })),
  };
}

/** `cache dir --format json`. */
export function cacheDirDocument(root: string): CacheDirDocument {
  return { schema_version: 1, cache_dir: root };
}
