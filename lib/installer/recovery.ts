/**
 * Finishing what interrupted dpip runs left half done, before a command
 * reads or changes an environment.
 *
 * Finding nothing costs one directory listing per library directory (read
 * commands get it from the listing they make anyway: {@link pendingIn}).
 * Commands that change the environment wait for the lock and recover
 * ({@link recoverPendingChanges}); commands that only read it recover only
 * when no other dpip process holds the lock ({@link recoverPendingChangesNow}):
 * a held lock means the transaction is not interrupted but running, and its
 * owner finishes it, while a reader must not stall behind a long install.
 *
 * @module
 */

import { type EnvironmentLock, lockEnvironment, tryLockEnvironment } from "./lock.ts";
import { hasWorkDir, type RecoveredChange, recoverTransactions } from "./transaction.ts";
import { appendAll } from "../lists.ts";

/** What {@link recoverPendingChangesNow} found. */
export interface PendingChanges {
  /** The interrupted changes found, and what was done with each. */
  readonly recovered: readonly RecoveredChange[];
  /** Directories where another dpip process is changing the environment now (left alone). */
  readonly busy: readonly string[];
  /** Directories whose interrupted changes could not be finished, and why. */
  readonly failed: readonly { readonly dir: string; readonly message: string }[];
}

/** The directories of `dirs` that hold a transaction work directory (one listing each). */
export function pendingIn(dirs: readonly string[]): string[] {
  return [...new Set(dirs)].filter((dir) => {
    try {
      return hasWorkDir(iterateNames(dir));
    } catch {
      return false; // No such directory: nothing pending.
    }
  });
}

function* iterateNames(dir: string): Generator<string> {
  for (const entry of Deno.readDirSync(dir)) yield entry.name;
}

/**
 * Finishes (or, where another tool has changed the environment since, gives
 * up and leaves as they are) the interrupted changes in `dirs`, waiting for
 * the lock of each directory that has one.
 *
 * @throws {TransactionError} when the file system refuses a step.
 */
export async function recoverPendingChanges(
  dirs: readonly string[],
  options: { onLockWait?: (path: string) => void } = {},
): Promise<RecoveredChange[]> {
  const pending = pendingIn(dirs);
  if (pending.length === 0) return [];
  const lock = await lockEnvironment(pending, {
    ...(options.onLockWait === undefined ? {} : { onWait: options.onLockWait }),
  });
  try {
    return pending.flatMap((dir) => recoverTransactions(dir).changes);
  } finally {
    lock.release();
  }
}

/**
 * {@link recoverPendingChanges} for the read-only commands: never waits and
 * never throws; reports what it could not do.
 */
export function recoverPendingChangesNow(dirs: readonly string[]): PendingChanges {
  const recovered: RecoveredChange[] = [];
  const busy: string[] = [];
  const failed: { dir: string; message: string }[] = [];
  for (const dir of pendingIn(dirs)) {
    let lock: EnvironmentLock | undefined;
    try {
      lock = tryLockEnvironment(dir);
      if (lock === undefined) {
        busy.push(dir);
        continue;
      }
      appendAll(recovered, recoverTransactions(dir).changes);
    } catch (error) {
      failed.push({ dir, message: error instanceof Error ? error.message : String(error) });
    } finally {
      lock?.release();
    }
  }
  return { recovered, busy, failed };
}

/** One warning line per recovered change. */
export function recoveryWarnings(changes: readonly RecoveredChange[]): string[] {
  return changes.map((change) => {
    switch (change.kind) {
      case "finished":
        return `An interrupted dpip run left ${change.description} half done in ${change.dir}; it is now finished`;
      case "abandoned":
        return `An interrupted dpip run left ${change.description} half done in ${change.dir}, but ${change.reason} since (another tool changed ${change.project}): it was left as it is now; reinstall ${change.project} if it is incomplete`;
      case "unreadable":
        return `An interrupted dpip run left a change half done in ${change.dir} that this dpip cannot read; it was left as it is now: check the environment with dpip check`;
    }
  });
}

/**
 * What was found of interrupted dpip changes, one line each with its
 * directory; `busy` adds the directories another dpip process is changing now.
 */
export function pendingChangeLines(
  pending: PendingChanges,
  options: { busy: boolean },
): { readonly dir: string; readonly text: string }[] {
  const warnings = recoveryWarnings(pending.recovered);
  return [
    ...pending.recovered.map((change, index) => ({ dir: change.dir, text: warnings[index]! })),
    ...pending.failed.map(({ dir, message }) => ({
      dir,
      text:
        `An interrupted dpip change in ${dir} could not be finished (${message}); run dpip where it can change ${dir}`,
    })),
    ...(options.busy
      ? pending.busy.map((dir) => ({
        dir,
        text: `Another dpip process is changing ${dir} now; check again when it has finished`,
      }))
      : []),
  ];
}
