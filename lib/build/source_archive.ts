/**
 * Unpacking source distributions before a build, in every format pip accepts
 * (`.tar.gz`, `.tgz`, `.tar.bz2`, `.tbz`, `.tar.xz`, `.txz`, `.tar.lzma`,
 * `.tlz`, `.tar`, `.zip`; recognized from the content), refusing members that
 * would land outside the target directory and archives that inflate beyond
 * what a source tree plausibly holds.
 *
 * Tar archives are streamed: decompressed, parsed and written a chunk at a
 * time, never whole in memory. Regular files and directories are written as
 * they come; symbolic links are made last, each checked against the tree as
 * it stands, and checked again once all exist, so no file is ever written
 * through a link and no link ends up pointing outside. Hard links become
 * copies of a member already unpacked. On any error everything unpacked so
 * far is removed.
 *
 * @module
 */

import { dirname, join, normalize, relative, sep } from "../paths.ts";
import {
  type ArchiveFormat,
  type Compression,
  decompress,
  detectArchiveFormat,
} from "../archive/decompress.ts";
import { readTar, type TarMember } from "../archive/tar.ts";
import { readZipDirectory, readZipEntry, type ZipArchive, ZipError } from "../archive/zip.ts";
import { CancelledError } from "../cancellation.ts";
import { DpipError, isDpipError } from "../errors.ts";

/** An archive member that would escape the target directory, a device or FIFO, or a bomb. */
export class UnsafeArchiveError extends DpipError<"unsafe-archive"> {
  /** The archive's path. */
  readonly archive: string;
  /** The member at fault ("" when the whole archive is). */
  readonly entry: string;

  /** `entry` is the member at fault, `reason` why it is refused. */
  constructor(
    archive: string,
    entry: string,
    reason: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super("unsafe-archive", `Refusing to unpack ${archive}: ${reason}`, options);
    this.name = "UnsafeArchiveError";
    this.archive = archive;
    this.entry = entry;
  }
}

/** An archive that is corrupt, truncated or in a format dpip cannot read. */
export class InvalidArchiveError extends DpipError<"invalid-archive"> {
  /** The archive's path. */
  readonly archive: string;

  /** `reason` says what is wrong with the archive. */
  constructor(archive: string, reason: string, options: { cause?: unknown } = {}) {
    super("invalid-archive", `Cannot unpack ${archive}: ${reason}`, options);
    this.name = "InvalidArchiveError";
    this.archive = archive;
  }
}

/**
 * Bounds on what one source archive may unpack to: at most `maxRatio` times
 * the archive's size, but always at least `minBytes` (source code compresses
 * five to ten times; a decompression bomb, a thousand times or more).
 */
export interface SourceArchiveLimits {
  /** Bytes unpacked per byte of archive (default 100). */
  readonly maxRatio?: number;
  /** Bytes that may always be unpacked, whatever the ratio (default 64 MiB). */
  readonly minBytes?: number;
  /** Members (default 100,000). */
  readonly maxMembers?: number;
}

/** Options for {@link unpackSourceArchive}. */
export interface UnpackOptions {
  /** The interpreter whose `bz2`/`lzma` modules decode `.tar.bz2` and `.tar.lzma` archives. */
  readonly python?: string;
  /** Bounds against decompression bombs (defaults: see {@link SourceArchiveLimits}). */
  readonly limits?: SourceArchiveLimits;
  /** Aborted on an interrupt: unpacking stops and what was unpacked is removed. */
  readonly signal?: AbortSignal;
}

const DEFAULT_RATIO = 100;
const DEFAULT_MIN_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_MEMBERS = 100_000;

/** The byte budget for an archive of `size` bytes. */
function budgetOf(size: number, limits: SourceArchiveLimits): number {
  return Math.max(limits.minBytes ?? DEFAULT_MIN_BYTES, size * (limits.maxRatio ?? DEFAULT_RATIO));
}

/** A member as extraction remembers it (for the project root and the links made last). */
type Unpacked =
  | { kind: "file" | "directory"; path: string }
  | { kind: "symlink"; path: string; target: string };

/**
 * Unpacks an sdist into `destDir` (created if missing) and returns the project
 * root: the single top-level directory when every member is under one, as pip
 * does, else `destDir` itself. The format is recognized from the content.
 *
 * @throws {UnsafeArchiveError} for a member escaping `destDir`, a device, or an archive
 *   unpacking to more than its limits allow (nothing is left in `destDir`).
 * @throws {InvalidArchiveError} for a corrupt or truncated archive.
 * @example
 * ```ts ignore
 * import { unpackSourceArchive } from "./source_archive.ts";
 * const root = await unpackSourceArchive("dist/pkg-1.0.tar.xz", "/tmp/unpacked");
 * // "/tmp/unpacked/pkg-1.0"
 * ```
 */
export async function unpackSourceArchive(
  archivePath: string,
  destDir: string,
  options: UnpackOptions = {},
): Promise<string> {
  const file = await Deno.open(archivePath);
  let zip: ZipArchive | undefined;
  let format: ArchiveFormat;
  let size: number;
  try {
    size = (await file.stat()).size;
    const head = new Uint8Array(8);
    const read = await file.read(head) ?? 0;
    format = detectArchiveFormat(head.subarray(0, read), archivePath);
    if (format.kind === "zip") {
      // A zip's directory is at its end: read it whole (its size is the download's), and
      // check every entry before anything is written.
      zip = zipDirectory(archivePath, await Deno.readFile(archivePath), options.limits ?? {});
    } else {
      await file.seek(0, Deno.SeekMode.Start);
    }
  } catch (error) {
    file.close();
    throw error;
  }
  await Deno.mkdir(destDir, { recursive: true });
  const before = new Set<string>();
  for await (const entry of Deno.readDir(destDir)) before.add(entry.name);
  const context = { archive: archivePath, destDir, budget: budgetOf(size, options.limits ?? {}) };
  try {
    const unpacked = zip === undefined
      ? await unpackTar(file, format.kind === "tar" ? format.compression : "none", context, options)
      : await unpackZip(zip, context, options);
    return projectRoot(unpacked, destDir);
  } catch (error) {
    for await (const entry of Deno.readDir(destDir)) {
      if (!before.has(entry.name)) {
        await Deno.remove(join(destDir, entry.name), { recursive: true });
      }
    }
    throw error;
  } finally {
    try {
      file.close();
    } catch {
      // Closed by the stream already.
    }
  }
}

interface Extraction {
  readonly archive: string;
  readonly destDir: string;
  /** Bytes the archive may unpack to. */
  readonly budget: number;
}

function zipDirectory(archive: string, bytes: Uint8Array, limits: SourceArchiveLimits): ZipArchive {
  try {
    return readZipDirectory(bytes, {
      archive,
      limits: {
        maxTotalSize: budgetOf(bytes.length, limits),
        maxEntries: limits.maxMembers ?? DEFAULT_MAX_MEMBERS,
      },
    });
  } catch (error) {
    throw zipFailure(archive, error);
  }
}

function zipFailure(archive: string, error: unknown): unknown {
  if (!(error instanceof ZipError)) return error;
  if (isDpipError(error, "invalid-archive")) {
    return new InvalidArchiveError(archive, error.reason, { cause: error });
  }
  return new UnsafeArchiveError(archive, "", error.reason, { cause: error });
}

async function unpackZip(
  zip: ZipArchive,
  context: Extraction,
  options: UnpackOptions,
): Promise<Unpacked[]> {
  const unpacked: Unpacked[] = [];
  for (const entry of zip.entries) {
    if (options.signal?.aborted === true) throw new CancelledError();
    const path = safePath(context.archive, entry.name);
    const target = join(context.destDir, path);
    await writing(context.archive, path, async () => {
      if (entry.kind === "directory") {
        await Deno.mkdir(target, { recursive: true });
        unpacked.push({ kind: "directory", path });
        return;
      }
      let data: Uint8Array;
      try {
        data = readZipEntry(zip, entry);
      } catch (error) {
        throw zipFailure(context.archive, error);
      }
      await Deno.mkdir(dirname(target), { recursive: true });
      await writeFile(target, [data], (entry.permissions & 0o111) !== 0);
      unpacked.push({ kind: "file", path });
    });
  }
  return unpacked;
}

async function unpackTar(
  file: Deno.FsFile,
  compression: Compression,
  context: Extraction,
  options: UnpackOptions,
): Promise<Unpacked[]> {
  const { archive } = context;
  let decompressed: ReadableStream<Uint8Array>;
  try {
    decompressed = await decompress(file.readable, compression, {
      ...(options.python === undefined ? {} : { python: options.python }),
    });
  } catch (error) {
    if (error instanceof DpipError && isDpipError(error, "invalid-archive")) {
      throw new InvalidArchiveError(archive, error.message, { cause: error });
    }
    throw error;
  }
  const counted = countBytes(decompressed, context);
  try {
    return await extractTar(counted, context, options);
  } catch (error) {
    if (error instanceof DpipError) {
      if (isDpipError(error, "invalid-archive") && !(error instanceof InvalidArchiveError)) {
        const reason = "reason" in error ? String(error.reason) : error.message;
        throw new InvalidArchiveError(archive, reason, { cause: error });
      }
      throw error;
    }
    throw error;
  } finally {
    await counted.cancel().catch(() => {});
  }
}

/** `stream`, failing with an {@link UnsafeArchiveError} once it exceeds the budget. */
function countBytes(stream: ReadableStream<Uint8Array>, context: Extraction) {
  let total = 0;
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        total += chunk.length;
        if (total > context.budget) {
          controller.error(tooLarge(context));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
}

function tooLarge(context: Extraction): UnsafeArchiveError {
  const mib = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MiB`;
  return new UnsafeArchiveError(
    context.archive,
    "",
    `it unpacks to more than ${
      mib(context.budget)
    }, far more than its size (a decompression bomb?)`,
    {
      hint:
        "if this source archive is genuine, raise the limit with DPIP_SDIST_MAX_RATIO (bytes unpacked per byte of archive, default 100)",
    },
  );
}

async function extractTar(
  stream: ReadableStream<Uint8Array>,
  context: Extraction,
  options: UnpackOptions,
): Promise<Unpacked[]> {
  const { archive, destDir } = context;
  const maxMembers = options.limits?.maxMembers ?? DEFAULT_MAX_MEMBERS;
  const unpacked: Unpacked[] = [];
  const files = new Map<string, { executable: boolean }>();
  for await (const member of readTar(stream)) {
    if (options.signal?.aborted === true) throw new CancelledError();
    if (unpacked.length >= maxMembers) {
      throw new UnsafeArchiveError(archive, "", `it has more than ${maxMembers} members`);
    }
    const path = safePath(archive, member.name);
    const target = join(destDir, path);
    switch (member.kind) {
      case "directory":
        await writing(archive, path, () => Deno.mkdir(target, { recursive: true }));
        unpacked.push({ kind: "directory", path });
        break;
      case "file": {
        const executable = (member.mode & 0o111) !== 0;
        await writing(archive, path, async () => {
          await Deno.mkdir(dirname(target), { recursive: true });
          await writeFile(target, member.body, executable);
        });
        files.set(path, { executable });
        unpacked.push({ kind: "file", path });
        break;
      }
      case "hardlink":
        await copyHardlink(member, { path, target, files, context });
        unpacked.push({ kind: "file", path });
        break;
      case "symlink":
        unpacked.push({ kind: "symlink", path, target: symlinkTarget(archive, path, member) });
        break;
      case "special":
        throw new UnsafeArchiveError(
          archive,
          path,
          `entry ${JSON.stringify(member.name)} is a device or FIFO, not a regular file`,
        );
    }
  }
  if (unpacked.length === 0) throw new InvalidArchiveError(archive, "the archive is empty");
  await makeSymlinks(unpacked, context);
  return unpacked;
}

/** A hard link: a copy of a file unpacked before it. */
async function copyHardlink(
  member: TarMember,
  link: {
    path: string;
    target: string;
    files: Map<string, { executable: boolean }>;
    context: Extraction;
  },
): Promise<void> {
  const { archive, destDir } = link.context;
  const source = hardlinkTarget(archive, link.path, member.linkName);
  const original = link.files.get(source);
  if (original === undefined) {
    throw new InvalidArchiveError(
      archive,
      `hard link ${JSON.stringify(link.path)} refers to ${
        JSON.stringify(source)
      }, which is not a file unpacked before it`,
    );
  }
  await writing(archive, link.path, async () => {
    await Deno.mkdir(dirname(link.target), { recursive: true });
    await Deno.remove(link.target).catch(() => {});
    await Deno.copyFile(join(destDir, source), link.target);
    await Deno.chmod(link.target, original.executable ? 0o755 : 0o644);
  });
  link.files.set(link.path, original);
}

/** Runs a write of member `path`, turning file-system errors into one line naming it. */
async function writing(archive: string, path: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (error instanceof DpipError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new InvalidArchiveError(
      archive,
      `cannot unpack entry ${JSON.stringify(path)} (${message})`,
      { cause: error },
    );
  }
}

async function writeFile(
  path: string,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  executable: boolean,
): Promise<void> {
  const mode = executable ? 0o755 : 0o644;
  const file = await Deno.open(path, { write: true, create: true, truncate: true, mode });
  try {
    for await (const chunk of chunks) {
      let written = 0;
      while (written < chunk.length) written += await file.write(chunk.subarray(written));
    }
  } finally {
    file.close();
  }
  // The mode only applies to new files; a repeated member keeps the last one's bits.
  await Deno.chmod(path, mode);
}

/** A member name as a normalized relative path, or an error if it leaves the tree. */
function safePath(archive: string, name: string): string {
  const quoted = JSON.stringify(name);
  if (name.startsWith("/")) {
    throw new UnsafeArchiveError(archive, name, `entry ${quoted} has an absolute path`);
  }
  const parts = name.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.includes("..")) {
    throw new UnsafeArchiveError(archive, name, `entry ${quoted} escapes the target directory`);
  }
  if (parts.length === 0) {
    throw new UnsafeArchiveError(
      archive,
      name,
      `entry ${quoted} names the target directory itself`,
    );
  }
  return parts.join("/");
}

function symlinkTarget(archive: string, path: string, member: TarMember): string {
  const target = member.linkName;
  const resolved = normalize(join(dirname(path), target));
  if (target.startsWith("/") || resolved === ".." || resolved.startsWith(`..${sep}`)) {
    throw new UnsafeArchiveError(
      archive,
      path,
      `symbolic link ${JSON.stringify(path)} points outside the target directory (${target})`,
    );
  }
  return target;
}

function hardlinkTarget(archive: string, path: string, target: string): string {
  if (target.startsWith("/") || target.split("/").includes("..")) {
    throw new UnsafeArchiveError(
      archive,
      path,
      `hard link ${JSON.stringify(path)} points outside the target directory (${target})`,
    );
  }
  return safePath(archive, target);
}

/** Makes the symbolic links, last, each checked against the tree, then all checked again. */
async function makeSymlinks(unpacked: readonly Unpacked[], context: Extraction): Promise<void> {
  const { archive, destDir } = context;
  const links = unpacked.filter((member) => member.kind === "symlink");
  if (links.length === 0) return;
  const root = await Deno.realPath(destDir);
  for (const link of links) {
    const at = join(destDir, link.path);
    await writing(archive, link.path, async () => {
      await Deno.mkdir(dirname(at), { recursive: true });
      if (await Deno.realPath(dirname(at)) !== join(root, dirname(link.path))) {
        throw new UnsafeArchiveError(
          archive,
          link.path,
          `symbolic link ${JSON.stringify(link.path)} lies under another symbolic link`,
        );
      }
      if (await Deno.lstat(at).then(() => true, () => false)) {
        throw new UnsafeArchiveError(
          archive,
          link.path,
          `entry ${JSON.stringify(link.path)} is both a symbolic link and a file or directory`,
        );
      }
      await Deno.symlink(link.target, at);
    });
  }
  for (const link of links) {
    let real: string;
    try {
      real = await Deno.realPath(join(destDir, link.path));
    } catch {
      continue; // Dangling: its target was checked lexically, and nothing is written through it.
    }
    const rel = relative(root, real);
    if (rel === ".." || rel.startsWith(`..${sep}`)) {
      throw new UnsafeArchiveError(
        archive,
        link.path,
        `symbolic link ${JSON.stringify(link.path)} resolves outside the target directory`,
      );
    }
  }
}

function projectRoot(unpacked: readonly Unpacked[], destDir: string): string {
  const tops = new Set(unpacked.map((member) => member.path.split("/")[0]!));
  if (tops.size !== 1) return destDir;
  const [top] = tops;
  const isDirectory = unpacked.some((member) =>
    member.path.includes("/") || (member.kind === "directory" && member.path === top)
  );
  return isDirectory ? join(destDir, top!) : destDir;
}
