/**
 * Unpacking source distributions (`.tar.gz`, `.tgz`, `.tar`, `.zip`) before a
 * build, refusing members that would land outside the target directory.
 *
 * Regular files and directories are written first; symbolic links are made
 * last, each checked against the tree as it stands, and checked again once all
 * exist, so no file is ever written through a link and no link ends up
 * pointing outside. Hard links become copies of a member already unpacked.
 * On any error everything unpacked so far is removed.
 *
 * @module
 */

import { dirname, join, normalize, relative, sep } from "../paths.ts";
import { gunzipSync } from "node:zlib";
import { readZipDirectory, readZipEntry, ZipError } from "../archive/zip.ts";
import { DpipError, isDpipError } from "../errors.ts";
import { readTarEntries, TarFormatError } from "../archive/tar.ts";

/** An archive member that would escape the target directory, or is a device or FIFO. */
export class UnsafeArchiveError extends DpipError {
  /** The archive's path. */
  readonly archive: string;
  /** The member at fault ("" when the whole archive is). */
  readonly entry: string;

  /** `entry` is the member at fault, `reason` why it is refused. */
  constructor(archive: string, entry: string, reason: string, options: { cause?: unknown } = {}) {
    super("unsafe-archive", `Refusing to unpack ${archive}: ${reason}`, options);
    this.name = "UnsafeArchiveError";
    this.archive = archive;
    this.entry = entry;
  }
}

/** An archive that is corrupt, truncated or in a format dpip cannot read. */
export class InvalidArchiveError extends DpipError {
  /** The archive's path. */
  readonly archive: string;

  /** `reason` says what is wrong with the archive. */
  constructor(archive: string, reason: string, options: { cause?: unknown } = {}) {
    super("invalid-archive", `Cannot unpack ${archive}: ${reason}`, options);
    this.name = "InvalidArchiveError";
    this.archive = archive;
  }
}

/** The largest uncompressed tar stream accepted (a gzip bomb guard). */
const MAX_TAR_BYTES = 2 ** 31 - 1;

type Member =
  | { kind: "file"; path: string; data: Uint8Array; executable: boolean }
  | { kind: "directory"; path: string }
  | { kind: "symlink"; path: string; target: string }
  | { kind: "hardlink"; path: string; target: string };

/**
 * Unpacks an sdist into `destDir` (created if missing) and returns the project
 * root: the single top-level directory when every member is under one, as pip
 * does, else `destDir` itself. The format is recognized from the content.
 *
 * @example
 * ```ts ignore
 * import { unpackSourceArchive } from "./source_archive.ts";
 * const root = await unpackSourceArchive("dist/pkg-1.0.tar.gz", "/tmp/unpacked");
 * // "/tmp/unpacked/pkg-1.0"
 * ```
 */
export async function unpackSourceArchive(archivePath: string, destDir: string): Promise<string> {
  const bytes = await Deno.readFile(archivePath);
  const members = readMembers(archivePath, bytes);
  await Deno.mkdir(destDir, { recursive: true });
  const before = new Set<string>();
  for await (const entry of Deno.readDir(destDir)) before.add(entry.name);
  try {
    await extract(archivePath, members, destDir);
  } catch (error) {
    for await (const entry of Deno.readDir(destDir)) {
      if (!before.has(entry.name)) {
        await Deno.remove(join(destDir, entry.name), { recursive: true });
      }
    }
    throw error;
  }
  return projectRoot(members, destDir);
}

function readMembers(archive: string, bytes: Uint8Array): Member[] {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    return zipMembers(archive, bytes);
  }
  if (startsWith(bytes, [0x42, 0x5a, 0x68])) {
    throw new InvalidArchiveError(archive, "bzip2-compressed archives are not supported");
  }
  if (startsWith(bytes, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) {
    throw new InvalidArchiveError(archive, "xz-compressed archives are not supported");
  }
  let tar = bytes;
  if (startsWith(bytes, [0x1f, 0x8b])) {
    try {
      const inflated = gunzipSync(bytes, { maxOutputLength: MAX_TAR_BYTES });
      tar = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new InvalidArchiveError(archive, `corrupt gzip data (${message})`, { cause: error });
    }
  }
  return tarMembers(archive, tar);
}

function zipMembers(archive: string, bytes: Uint8Array): Member[] {
  try {
    const zip = readZipDirectory(bytes, { archive });
    return zip.entries.map((entry): Member => {
      const path = safePath(archive, entry.name);
      if (entry.kind === "directory") return { kind: "directory", path };
      return {
        kind: "file",
        path,
        data: readZipEntry(zip, entry),
        executable: (entry.permissions & 0o111) !== 0,
      };
    });
  } catch (error) {
    if (!(error instanceof ZipError)) throw error;
    if (isDpipError(error, "invalid-archive")) {
      throw new InvalidArchiveError(archive, error.reason, { cause: error });
    }
    throw new UnsafeArchiveError(archive, "", error.reason, { cause: error });
  }
}

function tarMembers(archive: string, bytes: Uint8Array): Member[] {
  const members: Member[] = [];
  try {
    for (const entry of readTarEntries(bytes)) {
      const path = safePath(archive, entry.name);
      switch (entry.kind) {
        case "file":
          members.push({
            kind: "file",
            path,
            data: entry.data,
            executable: (entry.mode & 0o111) !== 0,
          });
          break;
        case "directory":
          members.push({ kind: "directory", path });
          break;
        case "symlink":
          members.push({
            kind: "symlink",
            path,
            target: symlinkTarget(archive, path, entry.linkName),
          });
          break;
        case "hardlink":
          members.push({
            kind: "hardlink",
            path,
            target: hardlinkTarget(archive, path, entry.linkName),
          });
          break;
        case "special":
          throw new UnsafeArchiveError(
            archive,
            path,
            `entry ${JSON.stringify(entry.name)} is a device or FIFO, not a regular file`,
          );
      }
    }
  } catch (error) {
    if (error instanceof TarFormatError) {
      throw new InvalidArchiveError(archive, error.reason, { cause: error });
    }
    throw error;
  }
  if (members.length === 0) throw new InvalidArchiveError(archive, "the archive is empty");
  return members;
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

function symlinkTarget(archive: string, path: string, target: string): string {
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

async function extract(
  archive: string,
  members: readonly Member[],
  destDir: string,
): Promise<void> {
  let current = "";
  try {
    await extractMembers(archive, members, { destDir, onMember: (path) => current = path });
  } catch (error) {
    if (error instanceof DpipError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new InvalidArchiveError(
      archive,
      `cannot unpack entry ${JSON.stringify(current)} (${message})`,
      { cause: error },
    );
  }
}

async function extractMembers(
  archive: string,
  members: readonly Member[],
  options: { destDir: string; onMember: (path: string) => void },
): Promise<void> {
  const { destDir, onMember } = options;
  const files = new Map<string, Member & { kind: "file" }>();
  const links: (Member & { kind: "symlink" })[] = [];
  for (const member of members) {
    onMember(member.path);
    const target = join(destDir, member.path);
    switch (member.kind) {
      case "directory":
        await Deno.mkdir(target, { recursive: true });
        break;
      case "file":
        await writeMember(target, member.data, member.executable);
        files.set(member.path, member);
        break;
      case "hardlink": {
        const source = files.get(member.target);
        if (source === undefined) {
          throw new InvalidArchiveError(
            archive,
            `hard link ${JSON.stringify(member.path)} refers to ${
              JSON.stringify(member.target)
            }, which is not a file unpacked before it`,
          );
        }
        await writeMember(target, source.data, source.executable);
        files.set(member.path, { ...source, path: member.path });
        break;
      }
      case "symlink":
        links.push(member);
        break;
    }
  }
  if (links.length === 0) return;
  const root = await Deno.realPath(destDir);
  for (const link of links) {
    onMember(link.path);
    const at = join(destDir, link.path);
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

async function writeMember(path: string, data: Uint8Array, executable: boolean): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  await Deno.writeFile(path, data, { mode: executable ? 0o755 : 0o644 });
  // writeFile's mode only applies to new files; a repeated member keeps the last one's bits.
  await Deno.chmod(path, executable ? 0o755 : 0o644);
}

function projectRoot(members: readonly Member[], destDir: string): string {
  const tops = new Set(members.map((member) => member.path.split("/")[0]!));
  if (tops.size !== 1) return destDir;
  const [top] = tops;
  const isDirectory = members.some((member) =>
    member.path.includes("/") || (member.kind === "directory" && member.path === top)
  );
  return isDirectory ? join(destDir, top!) : destDir;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}
