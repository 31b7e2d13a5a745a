/**
 * Changing an environment so that a crash at any moment leaves each
 * distribution either as it was or as intended, and never a half-written
 * `.dist-info` that tools would read as installed.
 *
 * A transaction lives in a work directory inside the library directory
 * (`.dpip-txn-*`, on the environment's file system, invisible to Python's
 * metadata scanners). New wheels are staged there completely (`stage/<i>/`
 * mirrors destination root `i`, shared by the install's wheels); then
 * `journal.json` is written (atomically) and the commit runs:
 *
 * 1. every staged file except the dist-info directories moves into place
 *    (whole directories by one rename where the destination has none yet);
 * 2. then for each distribution in turn: the old metadata directory, if any,
 *    moves into the work directory's trash; the new `.dist-info` moves into
 *    place (the distribution's commit point, one rename); the old
 *    distribution's other files move to the trash and its `.pth` lines go;
 * 3. emptied directories are pruned and the work directory is deleted.
 *
 * Every step is idempotent, so a later dpip run that finds a work directory
 * with a journal finishes the commit ({@link recoverTransactions}); one
 * without a journal was still staging and is deleted. Uninstalling alone is
 * the removals of step 2 and step 3, and rolls back (moves everything back)
 * when a removal fails.
 *
 * @module
 */

import { dirname, join } from "../paths.ts";
import { DpipError } from "../errors.ts";
import type { PthEntry } from "./uninstall.ts";

/** The prefix of transaction work directories inside a library directory. */
export const WORK_DIR_PREFIX = ".dpip-txn-";
const JOURNAL = "journal.json";

/** One distribution's change within a transaction. */
export interface DistChange {
  /** A staged distribution whose `.dist-info` moves into place. */
  readonly install?: {
    /** The staged root (and destination) that holds the `.dist-info` directory. */
    readonly libRoot: number;
    /** The `.dist-info` directory's name. */
    readonly distInfo: string;
  };
  /** An installed distribution to remove. */
  readonly remove?: {
    /** Moved away before the new dist-info moves in (it may have the same name). */
    readonly metadataPath: string;
    /** Other paths (files, or egg directories) to remove. */
    readonly paths: readonly string[];
    readonly pthEntries: readonly PthEntry[];
  };
}

/** What a transaction does; written to the journal before the commit starts. */
export interface TransactionPlan {
  /** Destination roots: `stage/<i>/` mirrors `roots[i]`. */
  readonly roots: readonly string[];
  /** The changes, committed in order after every staged file is in place. */
  readonly changes: readonly DistChange[];
  /** Directories never pruned even when emptied (the scheme's directories). */
  readonly keepDirs: readonly string[];
}

/** A failure while changing the environment. */
export class TransactionError extends DpipError {
  constructor(message: string, cause: unknown) {
    super("environment-change-failed", message, { cause });
    this.name = "TransactionError";
  }
}

/**
 * Creates an empty transaction work directory in `libDir`; stage files into
 * `stageDir(workDir)`.
 */
export function createWorkDir(libDir: string): string {
  Deno.mkdirSync(libDir, { recursive: true });
  return Deno.makeTempDirSync({ dir: libDir, prefix: WORK_DIR_PREFIX });
}

/** The staging directory of a work directory. */
export function stageDir(workDir: string): string {
  return join(workDir, "stage");
}

/** Deletes a work directory that was never committed. */
export function discardWorkDir(workDir: string): void {
  removeTree(workDir);
}

/**
 * Commits `plan` from `workDir`: journal first, then the steps in the module
 * documentation. An uninstall-only plan is rolled back if a step fails.
 *
 * @throws {TransactionError} when the file system refuses a step.
 */
export function commitTransaction(workDir: string, plan: TransactionPlan): void {
  const journal = join(workDir, JOURNAL);
  const temporary = journal + ".tmp";
  Deno.writeTextFileSync(temporary, JSON.stringify(plan));
  Deno.renameSync(temporary, journal);
  if (plan.changes.every((change) => change.install === undefined)) {
    removeWithRollback(workDir, plan);
    return;
  }
  try {
    rollForward(workDir, plan);
  } catch (error) {
    throw new TransactionError(
      `Could not finish changing the environment (${
        messageOf(error)
      }); the next dpip run completes it`,
      error,
    );
  }
}

/**
 * Finishes or discards the transactions a killed dpip left in `libDir`. Call
 * it with the environment lock held. Returns how many were found.
 */
export function recoverTransactions(libDir: string): number {
  let found = 0;
  let names: string[];
  try {
    names = [...Deno.readDirSync(libDir)].map((entry) => entry.name);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(WORK_DIR_PREFIX)) continue;
    found++;
    const workDir = join(libDir, name);
    let plan: TransactionPlan | undefined;
    try {
      plan = JSON.parse(Deno.readTextFileSync(join(workDir, JOURNAL))) as TransactionPlan;
    } catch {
      plan = undefined;
    }
    try {
      if (plan === undefined) removeTree(workDir);
      else rollForward(workDir, plan);
    } catch (error) {
      throw new TransactionError(
        `Could not finish an interrupted change of the environment in ${workDir} (${
          messageOf(error)
        })`,
        error,
      );
    }
  }
  return found;
}

function rollForward(workDir: string, plan: TransactionPlan): void {
  const trash = join(workDir, "trash");
  const toTrash = (path: string) => {
    if (!exists(path)) return;
    Deno.mkdirSync(trash, { recursive: true });
    Deno.renameSync(path, join(trash, crypto.randomUUID()));
  };
  const removed: string[] = [];
  const stage = stageDir(workDir);
  const distInfos = new Set(
    plan.changes.flatMap(({ install }) =>
      install === undefined ? [] : [`${install.libRoot}/${install.distInfo}`]
    ),
  );
  // Every staged file but the dist-info directories, whole directories where possible.
  plan.roots.forEach((root, index) => {
    const from = join(stage, String(index));
    if (!exists(from)) return;
    Deno.mkdirSync(root, { recursive: true });
    for (const entry of Deno.readDirSync(from)) {
      if (distInfos.has(`${index}/${entry.name}`)) continue;
      mergeMove(join(from, entry.name), join(root, entry.name));
    }
  });
  for (const { install, remove } of plan.changes) {
    if (install !== undefined) {
      const stagedDistInfo = join(stage, String(install.libRoot), install.distInfo);
      if (exists(stagedDistInfo)) {
        if (remove !== undefined) toTrash(remove.metadataPath);
        // The commit point of this distribution.
        Deno.renameSync(stagedDistInfo, join(plan.roots[install.libRoot]!, install.distInfo));
      }
    } else if (remove !== undefined) {
      toTrash(remove.metadataPath);
    }
    if (remove !== undefined) {
      for (const path of remove.paths) {
        toTrash(path);
        // Pruned even when already gone: an interrupted run may have emptied its directory.
        removed.push(path);
      }
      dropPthEntries(remove.pthEntries);
      removed.push(remove.metadataPath);
    }
  }
  pruneEmptyDirs(removed, plan.keepDirs);
  removeTree(workDir);
}

function removeWithRollback(workDir: string, plan: TransactionPlan): void {
  const trash = join(workDir, "trash");
  Deno.mkdirSync(trash, { recursive: true });
  const moved: [string, string][] = [];
  const removals = plan.changes.flatMap((change) =>
    change.remove === undefined ? [] : [change.remove]
  );
  try {
    for (const remove of removals) {
      for (const path of [remove.metadataPath, ...remove.paths]) {
        if (!exists(path)) continue;
        const target = join(trash, String(moved.length));
        Deno.renameSync(path, target);
        moved.push([path, target]);
      }
    }
  } catch (error) {
    for (const [original, target] of moved.reverse()) {
      try {
        Deno.mkdirSync(dirname(original), { recursive: true });
        Deno.renameSync(target, original);
      } catch {
        // Keep restoring the rest.
      }
    }
    removeTree(workDir);
    throw new TransactionError(
      `Could not remove ${removals.map((r) => r.metadataPath).join(", ")} (${
        messageOf(error)
      }); nothing was changed`,
      error,
    );
  }
  for (const remove of removals) dropPthEntries(remove.pthEntries);
  pruneEmptyDirs(moved.map(([original]) => original), plan.keepDirs);
  removeTree(workDir);
}

/** Moves `from` to `to`, merging into an existing directory and replacing files. */
function mergeMove(from: string, to: string): void {
  let target: Deno.FileInfo | undefined;
  try {
    target = Deno.lstatSync(to);
  } catch {
    target = undefined;
  }
  if (target === undefined) {
    move(from, to);
    return;
  }
  const source = Deno.lstatSync(from);
  if (source.isDirectory && target.isDirectory) {
    for (const entry of Deno.readDirSync(from)) {
      mergeMove(join(from, entry.name), join(to, entry.name));
    }
    Deno.removeSync(from);
    return;
  }
  if (target.isDirectory) removeTree(to);
  else if (source.ino !== null && source.ino === target.ino && source.dev === target.dev) {
    // Two hard links to one file (a reinstall from the cache): rename(2) would do nothing.
    Deno.removeSync(from);
    return;
  }
  move(from, to);
}

function move(from: string, to: string): void {
  try {
    Deno.renameSync(from, to);
  } catch (error) {
    // Another file system (a scripts directory on its own mount): copy, then rename in place.
    if (!(error instanceof Error) || !/cross-device|EXDEV/i.test(error.message)) throw error;
    const temporary = `${to}.dpip-${crypto.randomUUID()}`;
    copyTree(from, temporary);
    Deno.renameSync(temporary, to);
    removeTree(from);
  }
}

function copyTree(from: string, to: string): void {
  const info = Deno.lstatSync(from);
  if (info.isDirectory) {
    Deno.mkdirSync(to);
    for (const entry of Deno.readDirSync(from)) {
      copyTree(join(from, entry.name), join(to, entry.name));
    }
  } else if (info.isSymlink) {
    Deno.symlinkSync(Deno.readLinkSync(from), to);
  } else {
    Deno.copyFileSync(from, to);
  }
}

function dropPthEntries(entries: readonly PthEntry[]): void {
  const byFile = new Map<string, Set<string>>();
  for (const entry of entries) {
    const lines = byFile.get(entry.file) ?? new Set();
    lines.add(entry.line);
    byFile.set(entry.file, lines);
  }
  for (const [file, drop] of byFile) {
    let text: string;
    try {
      text = Deno.readTextFileSync(file);
    } catch {
      continue;
    }
    const newline = text.includes("\r\n") ? "\r\n" : "\n";
    const kept = text.split(/\r?\n/).filter((line) => !drop.has(line.trim()));
    const temporary = `${file}.dpip-${crypto.randomUUID()}`;
    Deno.writeTextFileSync(temporary, kept.join(newline));
    Deno.renameSync(temporary, file);
  }
}

/** Removes the now-empty parent directories of `removed`, bottom-up, never a `keep` dir. */
function pruneEmptyDirs(removed: readonly string[], keep: readonly string[]): void {
  const keepSet = new Set(keep.map((dir) => dir.replace(/\/+$/, "")));
  const candidates = new Set<string>();
  for (const path of removed) candidates.add(dirname(path));
  const ordered = [...candidates].sort((a, b) => b.split("/").length - a.split("/").length);
  for (let dir of ordered) {
    while (!keepSet.has(dir) && keep.some((root) => dir.startsWith(root + "/"))) {
      try {
        Deno.removeSync(dir);
      } catch {
        break;
      }
      dir = dirname(dir);
    }
  }
}

function removeTree(path: string): void {
  try {
    Deno.removeSync(path, { recursive: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
