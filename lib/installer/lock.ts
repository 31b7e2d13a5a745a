/**
 * The environment lock: one dpip process at a time changes a library
 * directory (site-packages, a `--target` directory, a `--prefix` or `--root`
 * scheme's library).
 *
 * The lock is an advisory exclusive lock (`flock`) on the library directory
 * itself, opened read-only: no file is added to what is installed, so an
 * environment dpip made has exactly the files pip's has. Every dpip process
 * that names the directory, by whatever path (symbolic links, a different
 * `--cache-dir`, `--no-cache-dir`, another `TMPDIR`), locks the same inode,
 * so they still serialise. The kernel drops the lock when the process dies,
 * even on SIGKILL, so a crash never leaves the environment locked.
 *
 * Earlier dpip versions locked a `.dpip.lock` file inside the directory;
 * taking the lock deletes that leftover.
 *
 * Several directories are locked in one order (by real path), so two
 * processes that each lock two of them cannot deadlock.
 *
 * @module
 */

import { join } from "../paths.ts";
import { DpipError } from "../errors.ts";

/** The lock file earlier dpip versions left in library directories. */
const LEGACY_LOCK_FILE = ".dpip.lock";

/** Held locks; release them when the change is done. */
export interface EnvironmentLock {
  /** The locked directories (real paths). */
  readonly paths: readonly string[];
  /** Releases every lock (idempotent). */
  release(): void;
}

/** Options for {@link lockEnvironment}. */
export interface LockEnvironmentOptions {
  /** Called once per directory another process holds, when this one starts waiting. */
  readonly onWait?: (path: string) => void;
}

/**
 * Takes the exclusive lock of each library directory in `dirs` (created if
 * missing), waiting for other processes to release them.
 *
 * @throws {DpipError} `environment-lock` when a directory cannot be created or opened.
 *
 * @example
 * ```ts
 * import { lockEnvironment } from "./lock.ts";
 * const dir = Deno.makeTempDirSync();
 * const lock = await lockEnvironment(dir);
 * lock.release();
 * ```
 */
export async function lockEnvironment(
  dirs: string | readonly string[],
  options: LockEnvironmentOptions = {},
): Promise<EnvironmentLock> {
  const held: Deno.FsFile[] = [];
  try {
    const paths = lockOrder(typeof dirs === "string" ? [dirs] : dirs, { create: true });
    for (const path of paths) {
      const file = openDir(path);
      held.push(file);
      if (!file.tryLockSync(true)) {
        options.onWait?.(path);
        await file.lock(true);
      }
      dropLegacyLockFile(path);
    }
    return heldLock(paths, held);
  } catch (error) {
    for (const file of held) file.close();
    throw error;
  }
}

/**
 * Takes the lock of library directory `dir` if no other process holds it,
 * without waiting; undefined when another process holds it (or the
 * directory cannot be opened).
 */
export function tryLockEnvironment(dir: string): EnvironmentLock | undefined {
  let file: Deno.FsFile;
  let path: string;
  try {
    [path] = lockOrder([dir], { create: false }) as [string];
    file = openDir(path);
  } catch {
    return undefined;
  }
  if (!file.tryLockSync(true)) {
    file.close();
    return undefined;
  }
  return heldLock([path], [file]);
}

/** The real paths of `dirs`, without duplicates, sorted. */
function lockOrder(dirs: readonly string[], options: { create: boolean }): string[] {
  const paths = new Set<string>();
  for (const dir of dirs) {
    try {
      if (options.create) Deno.mkdirSync(dir, { recursive: true });
      paths.add(Deno.realPathSync(dir));
    } catch (error) {
      throw new DpipError("environment-lock", `Cannot lock the environment at ${dir}: ${error}`, {
        cause: error,
      });
    }
  }
  return [...paths].sort();
}

function openDir(path: string): Deno.FsFile {
  try {
    return Deno.openSync(path, { read: true });
  } catch (error) {
    throw new DpipError("environment-lock", `Cannot lock the environment at ${path}: ${error}`, {
      cause: error,
    });
  }
}

function dropLegacyLockFile(dir: string): void {
  try {
    Deno.removeSync(join(dir, LEGACY_LOCK_FILE));
  } catch {
    // Usually absent; anything else is not worth failing for.
  }
}

function heldLock(paths: readonly string[], files: Deno.FsFile[]): EnvironmentLock {
  let held = true;
  return {
    paths,
    release() {
      if (!held) return;
      held = false;
      for (const file of files) file.close();
    },
  };
}
