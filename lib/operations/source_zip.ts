/**
 * What `download` saves for a VCS requirement, as pip 23.2.1 does: a zip of
 * the prepared checkout's project directory, `<name>-<version>.zip` in the
 * download directory, with every directory and file under `<name>/` — the
 * VCS metadata (`.git`) included, as pip keeps it. A file of that name in
 * the way is ignored, wiped or backed up as `--exists-action` (or the user's
 * answer) says, as pip asks.
 *
 * Unlike pip, a symbolic link is archived only when it stays inside the
 * project directory (a link to a file as that file, to a directory as an
 * empty directory); other links and special files are left out. The
 * archive is written beside its destination and renamed into place, so a
 * failure leaves nothing behind.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { hashFile } from "../net/hashes.ts";
import { join } from "../paths.ts";
import { ZipFileWriter, ZipTooLargeError } from "../archive/zip_file_writer.ts";
import { backupName, type ExistsAction } from "../vcs/obtain.ts";
import { pathExists } from "../path_exists.ts";

/** The archive of a source cannot be saved (a name that cannot name a file, or one in the way). */
export class SourceZipError extends DpipError<"source-zip-failed"> {
  /** The archive's path, or the name it would have. */
  readonly path: string;
  /** `path` is the archive; `reason` says why it was not saved. */
  constructor(path: string, reason: string, options: { hint?: string } = {}) {
    super("source-zip-failed", `Cannot save ${path}: ${reason}`, options);
    this.name = "SourceZipError";
    this.path = path;
  }
}

/** What a source's archive is named and holds. */
export interface SourceZipRequest {
  /** The project directory to archive. */
  readonly projectDir: string;
  /** The name as requested (else as the metadata says it): the file and top directory. */
  readonly name: string;
  /** The version its metadata says. */
  readonly version: string;
}

/** Where the archive goes, and what to do with a file in the way. */
export interface SourceZipOptions {
  readonly dest: string;
  /** `--exists-action` answers; `i`, `w`, `b` and `a` apply. */
  readonly existsAction?: readonly ExistsAction[];
  /** Asks what to do about a file in the way; undefined when no one can answer. */
  readonly ask?: (
    question: string,
    choices: readonly ExistsAction[],
  ) => Promise<string | undefined>;
  readonly warning?: (text: string) => void;
  /** A path as messages show it. */
  readonly displayPath?: (path: string) => string;
}

/** The archive saved (or kept: `--exists-action i`). */
export interface SavedSourceZip {
  readonly filename: string;
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  /** A file already there was kept. */
  readonly kept: boolean;
}

/** A project name (PEP 508), and a version of the characters versions use: one file name. */
const SAFE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const SAFE_VERSION = /^[A-Za-z0-9][A-Za-z0-9._+!-]*$/;

/**
 * Saves `request.projectDir` as `<name>-<version>.zip` in `options.dest`.
 *
 * @throws {SourceZipError} when the name or version cannot name a file, or
 *   a file is in the way and nothing says what to do.
 * @throws {ZipTooLargeError} when the archive would need zip64.
 */
export async function saveSourceZip(
  request: SourceZipRequest,
  options: SourceZipOptions,
): Promise<SavedSourceZip> {
  const stem = `${request.name}-${request.version}`;
  if (
    !SAFE_NAME.test(request.name) || !SAFE_VERSION.test(request.version) || stem.includes("..")
  ) {
    throw new SourceZipError(
      `${JSON.stringify(stem)}.zip`,
      "the project's name and version cannot name a file",
    );
  }
  const filename = `${stem}.zip`;
  const path = join(options.dest, filename);
  await Deno.mkdir(options.dest, { recursive: true });
  if (await pathExists(path)) {
    if (await resolveExisting(path, options) === "i") {
      return { filename, path, ...(await described(path)), kept: true };
    }
  }
  const temporary = await Deno.makeTempFile({
    dir: options.dest,
    prefix: `.${stem}-`,
    suffix: ".part",
  });
  try {
    const zip = await ZipFileWriter.create(temporary, path);
    try {
      const dir = request.projectDir;
      await addTree(zip, { dir, name: request.name }, await Deno.realPath(dir));
      await zip.finish();
    } finally {
      zip.close();
    }
    await Deno.rename(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
  return { filename, path, ...(await described(path)), kept: false };
}

/** Deals with a file in the way: `i` (keep it), or it is wiped or backed up. */
async function resolveExisting(path: string, options: SourceZipOptions): Promise<"i" | "w" | "b"> {
  const shown = options.displayPath?.(path) ?? path;
  const choices: ExistsAction[] = ["i", "w", "b", "a"];
  const given = options.existsAction?.find((action) => choices.includes(action));
  const action = given ??
    await options.ask?.(`The file ${shown} exists. (i)gnore, (w)ipe, (b)ackup, (a)bort `, choices);
  switch (action) {
    case "i":
      return "i";
    case "w":
      options.warning?.(`Deleting ${shown}`);
      await Deno.remove(path);
      return "w";
    case "b": {
      const backup = await backupName(path);
      options.warning?.(`Backing up ${shown} to ${options.displayPath?.(backup) ?? backup}`);
      await Deno.rename(path, backup);
      return "b";
    }
  }
  throw new SourceZipError(
    shown,
    action === "a"
      ? "it exists; aborted as asked"
      : "it exists, and nothing says what to do with it",
    { hint: "pass --exists-action i (keep it), w (wipe it) or b (back it up)" },
  );
}

/**
 * Adds `dir`'s tree under `name/`, top-down: its subdirectories as entries,
 * then its files, then each subdirectory's tree (pip's walk, in name order).
 */
async function addTree(
  zip: ZipFileWriter,
  at: { dir: string; name: string },
  realRoot: string,
): Promise<void> {
  const entries: Deno.DirEntry[] = [];
  for await (const entry of Deno.readDir(at.dir)) entries.push(entry);
  entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const subdirectories: { dir: string; name: string }[] = [];
  const files: { path: string; name: string }[] = [];
  for (const entry of entries) {
    const path = join(at.dir, entry.name);
    const name = `${at.name}/${entry.name}`;
    const kind = entry.isSymlink ? await linkKind(path, realRoot) : entry;
    if (kind === undefined) continue;
    if (kind.isDirectory) {
      await zip.add({ name: `${name}/`, mode: 0o40755 });
      // A link to a directory is not followed (as os.walk).
      if (!entry.isSymlink) subdirectories.push({ dir: path, name });
    } else if (kind.isFile) files.push({ path, name });
  }
  for (const file of files) await addFile(zip, file.path, file.name);
  for (const subdirectory of subdirectories) await addTree(zip, subdirectory, realRoot);
}

/** What a link inside the project points at; undefined when it leaves it or points nowhere. */
async function linkKind(
  path: string,
  realRoot: string,
): Promise<{ isDirectory: boolean; isFile: boolean } | undefined> {
  try {
    const target = await Deno.realPath(path);
    if (!target.startsWith(`${realRoot}/`)) return undefined;
    return await Deno.stat(target);
  } catch {
    return undefined;
  }
}

async function addFile(zip: ZipFileWriter, path: string, name: string): Promise<void> {
  const info = await Deno.stat(path);
  if (info.size > 0xffffffff) throw new ZipTooLargeError(path, "a file of more than 4 GiB");
  await zip.add({
    name,
    data: await Deno.readFile(path),
    mode: 0o100000 | ((info.mode ?? 0o644) & 0o7777),
    ...(info.mtime === null ? {} : { mtime: info.mtime }),
  });
}

async function described(path: string): Promise<{ size: number; sha256: string }> {
  const size = (await Deno.stat(path)).size;
  return { size, sha256: (await hashFile(path, ["sha256"]))["sha256"]! };
}
