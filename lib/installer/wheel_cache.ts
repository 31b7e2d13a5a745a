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
 * Hard links (and symlinks) share each file with every environment linked
 * from the entry, so editing an installed file in place edits the entry too.
 * The manifest records each file's size, mtime and permission bits when the
 * entry is made ({@link FileStamp}); before an entry is used again, one
 * `lstat` per file compares them, and an entry that changed is unpacked
 * afresh. (An edit that keeps the size and restores the mtime goes unseen.)
 *
 * The sha256 of a local wheel file is remembered by path, size, mtime and
 * inode in `<bucket>/files/`, so a warm install does not re-read and re-hash it.
 *
 * @module
 */

import { dirname, join, resolve } from "../paths.ts";
import { DpipError } from "../errors.ts";
import { hashFile } from "../net/hashes.ts";
import { hexOf, sha256 as sha256Of } from "../sha256.ts";

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

/** A file's `[size, mtime in ms, permission bits]` as unpacked, to notice later edits. */
export type FileStamp = readonly [size: number, mtime: number, mode: number];

/** What {@link unpackCached} needs of a manifest: the entry's files (under `tree/`) and their stamps. */
export interface StampedManifest {
  readonly files: readonly { readonly path: string; readonly stamp?: FileStamp }[];
}

/** The stamp of the file at `path` now. */
export function stampOf(path: string): FileStamp {
  const info = Deno.lstatSync(path);
  return [info.size, info.mtime?.getTime() ?? 0, (info.mode ?? 0) & 0o7777];
}

/**
 * Entries found intact by {@link hasUnpackedEntry} and not used since, with
 * when and the manifest read then: the install that follows links from them
 * without reading or checking again (within a minute; an older check is
 * repeated).
 */
const checked = new Map<string, { at: number; entry: { tree: string; manifest: unknown } }>();
const CHECK_KEEPS_MS = 60_000;

/**
 * Whether the entry for `sha256` exists and is intact (its files as the
 * manifest's stamps say), so the wheel file itself will not be needed.
 */
export function hasUnpackedEntry(bucket: string, sha256: string): boolean {
  const dir = unpackedEntryDir(bucket, sha256);
  const entry = readEntry<StampedManifest>(dir);
  if (entry === undefined || !isIntact(entry.tree, entry.manifest)) return false;
  checked.set(dir, { at: Date.now(), entry });
  return true;
}

/** One `lstat` per file: every file there with the size, mtime and mode it was unpacked with. */
function isIntact(tree: string, manifest: StampedManifest): boolean {
  if (!Array.isArray(manifest.files)) return false;
  for (const file of manifest.files) {
    const stamp = file.stamp;
    if (stamp === undefined) return false; // made before stamps were recorded
    let now: FileStamp;
    try {
      now = stampOf(`${tree}/${file.path}`);
    } catch {
      return false;
    }
    if (now[0] !== stamp[0] || now[1] !== stamp[1] || now[2] !== stamp[2]) return false;
  }
  return true;
}

/** The directory of the entry for a wheel whose sha256 (hex) is `sha256`. */
export function unpackedEntryDir(bucket: string, sha256: string): string {
  return join(bucket, sha256.slice(0, 2), sha256);
}

/**
 * Returns the cached entry for `sha256`, or creates it by calling `fill` on an
 * empty directory (which must return the manifest to store, with every file's
 * {@link stampOf}; throwing leaves nothing behind). An entry whose files
 * changed since it was made is replaced by a fresh one.
 *
 * @example
 * ```ts
 * import { stampOf, unpackCached } from "./wheel_cache.ts";
 * const bucket = Deno.makeTempDirSync();
 * const entry = await unpackCached(bucket, "ab".repeat(32), (tree) => {
 *   Deno.writeTextFileSync(`${tree}/a.py`, "");
 *   return Promise.resolve({ files: [{ path: "a.py", stamp: stampOf(`${tree}/a.py`) }] });
 * });
 * // entry.cached === false; a second call returns cached === true
 * ```
 */
export async function unpackCached<M extends StampedManifest>(
  bucket: string,
  sha256: string,
  fill: (tree: string) => Promise<M>,
): Promise<UnpackedEntry<M>> {
  const dir = unpackedEntryDir(bucket, sha256);
  const known = checked.get(dir);
  checked.delete(dir);
  if (known !== undefined && Date.now() - known.at < CHECK_KEEPS_MS) {
    // The manifest as checked: its stamps are the ones the files were found with.
    return { ...(known.entry as { tree: string; manifest: M }), cached: true };
  }
  const existing = readEntry<M>(dir);
  if (existing !== undefined) {
    if (isIntact(existing.tree, existing.manifest)) return { ...existing, cached: true };
    await discardEntry(bucket, dir);
  }
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

/** Moves a changed entry out of the way (at once, so no reader links from it), then deletes it. */
async function discardEntry(bucket: string, dir: string): Promise<void> {
  const aside = join(bucket, `.tmp-stale-${crypto.randomUUID()}`);
  try {
    await Deno.rename(dir, aside);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return; // another process did it
    throw error;
  }
  await Deno.remove(aside, { recursive: true });
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
 * The sha256 (hex) of the file at `path`, read a window at a time. With a
 * `bucket`, the digest is remembered by the file's path, size, mtime and
 * inode, so the next call reads nothing.
 */
export async function fileSha256(
  path: string,
  options: { bucket?: string } = {},
): Promise<{ sha256: string }> {
  const absolute = resolve(path);
  const info = await Deno.stat(absolute);
  const stamp = `${info.size}:${info.mtime?.getTime() ?? 0}:${info.ino ?? 0}`;
  const memo = options.bucket === undefined ? undefined : join(
    options.bucket,
    "files",
    hexOf(sha256Of(new TextEncoder().encode(absolute))).slice(0, 32),
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
  const sha256 = (await hashFile(absolute, ["sha256"]))["sha256"]!;
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
  return { sha256 };
}

/**
 * Creates directories, remembering which exist, with plain (non-recursive)
 * `mkdir` calls: recursive `mkdir` costs a `stat` per component, which adds
 * up over the hundreds of directories of a large wheel.
 */
export class DirectoryMaker {
  readonly #made = new Set<string>();

  /**
   * @param existing directories known to exist already: those below them are
   *   made top-down from there, without a `mkdir` that fails.
   */
  constructor(existing: readonly string[] = []) {
    for (const dir of existing) this.#made.add(dir);
  }

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
