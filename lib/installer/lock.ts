/**
 * The environment lock: one dpip process at a time changes an environment.
 *
 * The lock is an advisory exclusive lock (`flock`) on a `.dpip.lock` file in
 * the environment's library directory. The kernel drops it when the process
 * dies, even on SIGKILL, so a crash never leaves the environment locked; the
 * file itself stays (it is empty and ignored by Python's tooling).
 *
 * @module
 */

import { join } from "../paths.ts";
import { DpipError } from "../errors.ts";

/** The lock file's name inside the library directory. */
export const LOCK_FILE_NAME = ".dpip.lock";

/** A held lock; release it when the change is done. */
export interface EnvironmentLock {
  /** The lock file. */
  readonly path: string;
  /** Releases the lock (idempotent). */
  release(): void;
}

/** Options for {@link lockEnvironment}. */
export interface LockEnvironmentOptions {
  /** Called once when another process holds the lock and this one starts waiting. */
  readonly onWait?: (path: string) => void;
}

/**
 * Takes the exclusive lock of the environment whose library directory is
 * `dir` (created if missing), waiting for another process to release it.
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
  dir: string,
  options: LockEnvironmentOptions = {},
): Promise<EnvironmentLock> {
  const path = join(dir, LOCK_FILE_NAME);
  let file: Deno.FsFile;
  try {
    await Deno.mkdir(dir, { recursive: true });
    file = await Deno.open(path, { read: true, write: true, create: true });
  } catch (error) {
    throw new DpipError("environment-lock", `Cannot lock the environment at ${dir}: ${error}`, {
      cause: error,
    });
  }
  if (!file.tryLockSync?.(true)) {
    options.onWait?.(path);
    await file.lock(true);
  }
  let held = true;
  return {
    path,
    release() {
      if (!held) return;
      held = false;
      file.close();
    },
  };
}
