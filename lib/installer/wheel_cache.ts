/**
 * The unpacked-wheel cache, and linking files out of it.
 *
 * A wheel is unpacked once, after validation, into
 * `<bucket>/<sha256[:2]>/<sha256>/` as `tree/` (the archive's files, exec
 * bits set) plus `manifest.json` (what validation learnt). Installing it again
 * links the files from there into the environment instead of inflating the
 * archive: hard links by default (copies across file systems), or copies or
 * symlinks when asked (`--link-mode`, as uv does).
 *
 * Entries are written to a temporary directory in the bucket and renamed into
 * place, so a reader sees a complete entry or none, and two processes
 * unpacking the same wheel both succeed (the second discards its copy).
 *
 * The sha256 of a local wheel file is remembered by path, size, mtime and
 * inode in `<bucket>/files/`, so a warm install does not re-read and re-hash it.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { dirname, join, resolve } from "../paths.ts";
import { DpipError } from "../errors.ts";

/** How files come out of the cache (`--link-mode`). */
export type LinkMode = "hardlink" | "copy" | "symlink";

/** An unpacked wheel ready to be linked from. */
export interface UnpackedEntry<M> {
  /** The directory holding the archive's files. */
  readonly tree: string;
  readonly manifest: M;
  /** Whether the entry was already there. */
  readonly cached: boolean;
}

const MANIFEST = "manifest.json";
const TREE = "tree";

/** The directory of the entry for a wheel whose sha256 (hex) is `sha256`. */
export function unpackedEntryDir(bucket: string, sha256: string): string {
  return join(bucket, sha256.slice(0, 2), sha256);
}

/**
 * Returns the cached entry for `sha256`, or creates it by calling `fill` on an
 * empty directory (which must return the manifest to store; throwing leaves
 * nothing behind).
 *
 * @example
 * ```ts
 * import { unpackCached } from "./wheel_cache.ts";
 * const bucket = Deno.makeTempDirSync();
 * const entry = await unpackCached(bucket, "ab".repeat(32), (tree) => {
 *   Deno.writeTextFileSync(`${tree}/a.py`, "");
 *   return Promise.resolve({ files: ["a.py"] });
 * });
 * // entry.cached === false; a second call returns cached === true
 * ```
 */
export async function unpackCached<M>(
  bucket: string,
  sha256: string,
  fill: (tree: string) => Promise<M>,
): Promise<UnpackedEntry<M>> {
  const dir = unpackedEntryDir(bucket, sha256);
  const existing = readEntry<M>(dir);
  if (existing !== undefined) return { ...existing, cached: true };
  await Deno.mkdir(bucket, { recursive: true });
  const temporary = await Deno.makeTempDir({ dir: bucket, prefix: ".tmp-" });
  try {
    const tree = join(temporary, TREE);
    await Deno.mkdir(tree);
    const manifest = await fill(tree);
    await Deno.writeTextFile(join(temporary, MANIFEST), JSON.stringify(manifest));
    await Deno.mkdir(dirname(dir), { recursive: true });
    try {
      await Deno.rename(temporary, dir);
    } catch (error) {
      // Another process unpacked the same wheel first: use theirs.
      const theirs = readEntry<M>(dir);
      if (theirs === undefined) throw error;
      await Deno.remove(temporary, { recursive: true });
      return { ...theirs, cached: true };
    }
    return { tree: join(dir, TREE), manifest, cached: false };
  } catch (error) {
    await Deno.remove(temporary, { recursive: true }).catch(() => {});
    throw error;
  }
}

function readEntry<M>(dir: string): { tree: string; manifest: M } | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(join(dir, MANIFEST));
  } catch {
    return undefined;
  }
  try {
    return { tree: join(dir, TREE), manifest: JSON.parse(text) as M };
  } catch {
    return undefined;
  }
}

/**
 * The sha256 (hex) of the file at `path`, and its bytes when they had to be
 * read. With a `bucket`, the digest is remembered by the file's path, size,
 * mtime and inode, so the next call reads nothing.
 */
export async function fileSha256(
  path: string,
  options: { bucket?: string } = {},
): Promise<{ sha256: string; bytes?: Uint8Array }> {
  const absolute = resolve(path);
  const info = await Deno.stat(absolute);
  const stamp = `${info.size}:${info.mtime?.getTime() ?? 0}:${info.ino ?? 0}`;
  const memo = options.bucket === undefined ? undefined : join(
    options.bucket,
    "files",
    createHash("sha256").update(absolute).digest("hex").slice(0, 32),
  );
  if (memo !== undefined) {
    try {
      const [savedStamp, sha256] = (await Deno.readTextFile(memo)).split("\n");
      if (savedStamp === stamp && sha256 !== undefined && /^[0-9a-f]{64}$/.test(sha256)) {
        return { sha256 };
      }
    } catch {
      // Not remembered yet.
    }
  }
  const bytes = await Deno.readFile(absolute);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  if (memo !== undefined) {
    try {
      await Deno.mkdir(dirname(memo), { recursive: true });
      const temporary = `${memo}.${crypto.randomUUID()}`;
      await Deno.writeTextFile(temporary, `${stamp}\n${sha256}`);
      await Deno.rename(temporary, memo);
    } catch {
      // A cache that cannot be written only costs speed.
    }
  }
  return { sha256, bytes };
}

/**
 * Creates directories, remembering which exist, with plain (non-recursive)
 * `mkdir` calls: recursive `mkdir` costs a `stat` per component, which adds
 * up over the hundreds of directories of a large wheel.
 */
export class DirectoryMaker {
  readonly #made = new Set<string>();

  /**
   * Creates `dir` and any missing parents. Below a directory made (or met)
   * before, the missing ones are made top-down, so no `mkdir` fails: a failed
   * one costs far more than a good one (Deno builds an error object).
   */
  make(dir: string): void {
    if (this.#made.has(dir)) return;
    const missing = [dir];
    let known = dirname(dir);
    while (!this.#made.has(known)) {
      const parent = dirname(known);
      if (parent === known) return this.#makeUnknown(dir);
      missing.push(known);
      known = parent;
    }
    for (let i = missing.length - 1; i >= 0; i--) this.#makeOne(missing[i]!);
  }

  /** `mkdir` of a directory whose parent exists; it may exist already. */
  #makeOne(dir: string): void {
    try {
      Deno.mkdirSync(dir);
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    this.#made.add(dir);
  }

  /** With no known ancestor: try `dir`, and its parent first when that is missing. */
  #makeUnknown(dir: string): void {
    try {
      Deno.mkdirSync(dir);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        const parent = dirname(dir);
        if (parent === dir) throw error;
        this.make(parent);
        Deno.mkdirSync(dir);
      } else if (!(error instanceof Deno.errors.AlreadyExists)) {
        throw error;
      }
    }
    this.#made.add(dir);
  }
}

/** A link from the cache failed in a way no fallback could fix. */
export class LinkError extends DpipError {
  constructor(source: string, target: string, mode: LinkMode, cause: unknown) {
    super(
      "link-failed",
      `Cannot ${mode === "copy" ? "copy" : mode} ${source} to ${target}: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
    this.name = "LinkError";
  }
}

/**
 * Puts cached files into place in the chosen mode. Hard links fall back to
 * copies, for the rest of the run, when the file system refuses them (another
 * device, too many links, no support); `fellBack` then says so.
 */
export class Linker {
  #mode: LinkMode;
  /** The mode asked for. */
  readonly requested: LinkMode;
  /** Set when hard links were refused and copies were made instead. */
  fellBack = false;

  constructor(mode: LinkMode = "hardlink") {
    this.#mode = mode;
    this.requested = mode;
  }

  /** The mode in use now. */
  get mode(): LinkMode {
    return this.#mode;
  }

  /** Links (or copies) the file `source` to the new path `target`. */
  link(source: string, target: string): void {
    try {
      switch (this.#mode) {
        case "hardlink":
          try {
            Deno.linkSync(source, target);
            return;
          } catch (error) {
            if (error instanceof Deno.errors.AlreadyExists) throw error;
            this.#mode = "copy";
            this.fellBack = true;
          }
          Deno.copyFileSync(source, target);
          return;
        case "copy":
          Deno.copyFileSync(source, target);
          return;
        case "symlink":
          Deno.symlinkSync(source, target);
          return;
      }
    } catch (error) {
      throw new LinkError(source, target, this.#mode, error);
    }
  }
}
