/**
 * Where a wheel's files are read from (pypa/installer's `WheelSource`): its
 * archive (`ArchiveSource`, in `archive_source.ts`), which validation reads
 * and the unpacker inflates, or its unpacked tree in the cache
 * ({@link unpackedSource}), which the install lays out and links from.
 * Sources read; they never write. The archive's is apart so that an install
 * from the cache alone never loads the zip reader (nor `node:zlib`).
 *
 * @module
 */

import type { WheelManifest } from "./wheel.ts";

/** One regular file of a wheel, as its source knows it. */
export interface SourceFile {
  /** The archive path (`/`-separated, relative). */
  readonly path: string;
  /** Its size, when known. */
  readonly size?: number;
  /** Whether it is marked executable. */
  readonly executable: boolean;
}

/** A wheel's files and their contents. */
export interface WheelSource {
  /** The wheel's file name. */
  readonly filename: string;
  /** Its regular files, in archive order. */
  readonly files: readonly SourceFile[];
  /** Whether `path` is one of {@link files}. */
  has(path: string): boolean;
  /** The bytes of `path`, one of {@link files}. */
  read(path: string): Uint8Array;
}

/** A wheel unpacked in the cache: its validated manifest and its files on disk. */
export interface UnpackedSource extends WheelSource {
  readonly manifest: WheelManifest;
  /** Where file `path` is on disk, to link from (`path` must be a checked plain relative path). */
  pathOf(path: string): string;
}

/**
 * The unpacked wheel in `tree`, as `manifest` describes it. Nothing is read
 * until asked for; the manifest's paths are plain relative paths only once
 * checked (the layout checks them before reading anything).
 */
export function unpackedSource(tree: string, manifest: WheelManifest): UnpackedSource {
  let paths: Set<string> | undefined;
  const pathOf = (path: string) => `${tree}/${path}`;
  return {
    filename: manifest.filename,
    files: manifest.files,
    manifest,
    pathOf,
    has: (path) => (paths ??= new Set(manifest.files.map((file) => file.path))).has(path),
    read: (path) => Deno.readFileSync(pathOf(path)),
  };
}
