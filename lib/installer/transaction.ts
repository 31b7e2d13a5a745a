/**
 * Changing an environment so that a crash at any moment leaves each
 * distribution either as it was or as intended, and never files that no
 * installed distribution owns.
 *
 * A transaction lives in a work directory inside the library directory
 * (`.dpip-txn-*`, on the environment's file system, invisible to Python's
 * metadata scanners). Each new distribution is staged there completely, in
 * one directory for all of them (`stage/`, where `<k>.<i>.<name>` is the
 * top-level entry `name` of root `i` of change `k`: no directory per change
 * or root, each of which would cost a `mkdir` and an `rmdir`); then
 * `journal.json` is written (atomically), recording the plan and what each
 * change expects to find, and the commit runs, one distribution after the
 * other:
 *
 * 1. the old version's files that the new one does not have move into the
 *    work directory's trash (its metadata still lists them: tools see it
 *    installed, with files missing, and pip can still uninstall it), and its
 *    `.pth` lines go;
 * 2. the new `.dist-info` moves into place (the distribution's commit point,
 *    one rename), then the old metadata moves to the trash (first, when both
 *    have one name);
 * 3. the new files move into place, whole directories by one rename where
 *    the destination has none yet, replacing the old files of the same path.
 *
 * So at every moment each installed file is listed by a present `RECORD`
 * (apart from the instant between the two renames of a same-version
 * reinstall). Then emptied directories are pruned and the work directory is
 * deleted.
 *
 * A later dpip run that finds a work directory with a journal first checks
 * that each change's project is still as the journal left it: the same
 * metadata entries (by inode and mtime), and the new `.dist-info` either
 * still staged or in place as moved. It finishes the changes that are, and
 * leaves the others as they are now (another tool changed them since),
 * saying so ({@link recoverTransactions}). A work directory without a
 * journal was still staging and is deleted. Uninstalling alone is steps 1
 * and 2 without a new distribution, rolled back (everything moved back)
 * when a removal fails.
 *
 * @module
 */

import { basename, dirname, join } from "../paths.ts";
import { DpipError } from "../errors.ts";
import { canonicalizeName } from "../names/mod.ts";
import type { PthEntry } from "./uninstall.ts";
import { trimEndChars } from "../trim.ts";
import { appendAll } from "../lists.ts";
import { DirectoryListings } from "./listings.ts";

/** The prefix of transaction work directories inside a library directory. */
export const WORK_DIR_PREFIX = ".dpip-txn-";
const JOURNAL = "journal.json";
/** 3: one stage directory, entries named `<change>.<root>.<name>` (2 had `stage/<change>/<root>/`). */
const JOURNAL_FORMAT = 3;

/** A staged distribution: change `k`'s entries `stagedName(k, i, name)` are those of `roots[i]`. */
export interface StagedInstall {
  /** Destination roots of this distribution's files. */
  readonly roots: readonly string[];
  /** The root (and destination) that holds the `.dist-info` directory. */
  readonly libRoot: number;
  /** The `.dist-info` directory's name. */
  readonly distInfo: string;
}

/** An installed distribution to remove. */
export interface Removal {
  /** The metadata directory (or file): leaves when the new one is in. */
  readonly metadataPath: string;
  /** Other paths (files, or egg directories) to remove; none a new distribution installs. */
  readonly paths: readonly string[];
  readonly pthEntries: readonly PthEntry[];
}

/** One distribution's change within a transaction. */
export interface DistChange {
  /** The project's normalized name. */
  readonly project: string;
  readonly install?: StagedInstall;
  readonly remove?: Removal;
}

/** What a transaction does; written to the journal before the commit starts. */
export interface TransactionPlan {
  /** The changes, committed in order. */
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
 * How a metadata entry is recognised again: replaced or rewritten, it
 * differs. The hash of its file list guards against a new directory that
 * reuses a deleted one's inode.
 */
interface Identity {
  readonly dev: number;
  readonly ino: number | null;
  readonly mtime: number | null;
  readonly size: number;
  /** A checksum of the entry's `RECORD` (or `installed-files.txt`), when it has one. */
  readonly files?: string;
}

/** What a change expects to find when it is replayed. */
interface Expectation {
  /** The project's metadata entries (path and identity) in its library directories. */
  readonly metadata: readonly (readonly [string, Identity])[];
  /** The staged `.dist-info` directory (it keeps its inode when moved). */
  readonly staged?: Identity;
}

/** The journal's content. */
interface Journal {
  readonly format: typeof JOURNAL_FORMAT;
  readonly plan: TransactionPlan;
  readonly expected: readonly Expectation[];
}

/** Options for {@link commitTransaction}. */
export interface CommitOptions {
  /**
   * Does every rename of the commit (default `Deno.renameSync`); tests throw
   * from it to leave the journal and the environment exactly as a crash
   * before that rename would.
   */
  readonly rename?: (from: string, to: string) => void;
}

/** What happened to one interrupted change. */
export type RecoveredChange =
  | {
    readonly kind: "finished";
    readonly dir: string;
    readonly project: string;
    /** "installing foo 2.0", "replacing foo 1.0 with foo 2.0", "removing foo 1.0". */
    readonly description: string;
  }
  | {
    readonly kind: "abandoned";
    readonly dir: string;
    readonly project: string;
    readonly description: string;
    /** What differs from what the journal expects ("foo-3.0.dist-info appeared"). */
    readonly reason: string;
  }
  | {
    /** A journal this dpip cannot read (another version's): its staging was deleted. */
    readonly kind: "unreadable";
    readonly dir: string;
  };

/** What {@link recoverTransactions} found and did. */
export interface Recovery {
  /** Work directories found (journaled or not). */
  readonly workDirs: number;
  /** The changes of journaled (interrupted) commits, in order. */
  readonly changes: readonly RecoveredChange[];
}

/**
 * Creates an empty transaction work directory in `libDir`; stage path `path`
 * of root `i` of change `k` at `stageDir(workDir)/stagedName(k, i, path)`.
 */
export function createWorkDir(libDir: string): string {
  Deno.mkdirSync(libDir, { recursive: true });
  return Deno.makeTempDirSync({ dir: libDir, prefix: WORK_DIR_PREFIX });
}

/** The directory of a work directory that holds every change's staged entries. */
export function stageDir(workDir: string): string {
  return join(workDir, "stage");
}

/**
 * The name in the stage directory of `path` (`/`-separated, relative) of root
 * `root` of change `change`: its top-level component prefixed with
 * `<change>.<root>.`, the rest below it.
 */
export function stagedName(change: number, root: number, path: string): string {
  return `${change}.${root}.${path}`;
}

/** A top-level entry of the stage directory, as {@link stagedName} named it. */
interface StagedEntry {
  readonly root: number;
  /** Its name in the stage directory. */
  readonly staged: string;
  /** Its name in the root. */
  readonly name: string;
}

/** The stage directory's entries by change (none when it is missing). */
function stagedEntries(workDir: string): Map<number, StagedEntry[]> {
  const byChange = new Map<number, StagedEntry[]>();
  let names: string[];
  try {
    names = [...Deno.readDirSync(stageDir(workDir))].map((entry) => entry.name);
  } catch {
    return byChange;
  }
  for (const staged of names.sort()) {
    const match = /^(\d+)\.(\d+)\.(.+)$/s.exec(staged);
    if (match === null) continue;
    const change = Number(match[1]);
    const entries = byChange.get(change) ?? [];
    entries.push({ root: Number(match[2]), staged, name: match[3]! });
    byChange.set(change, entries);
  }
  return byChange;
}

/** What the commit of one work directory's changes shares between them. */
interface Moves {
  /** Does every rename. */
  readonly rename: (from: string, to: string) => void;
  /** Destination listings, each move added. */
  readonly listings: DirectoryListings;
  /** The stage directory's entries by change, listed once. */
  readonly staged: Map<number, StagedEntry[]>;
  /** Destination roots made (or found) already, and the trash once made. */
  readonly made: Set<string>;
}

function movesOf(workDir: string, rename: (from: string, to: string) => void): Moves {
  return {
    rename,
    listings: new DirectoryListings(),
    staged: stagedEntries(workDir),
    made: new Set(),
  };
}

/** Deletes a work directory that was never committed. */
export function discardWorkDir(workDir: string): void {
  removeTree(workDir);
}

/** Whether a directory listing names a transaction work directory. */
export function hasWorkDir(names: Iterable<string>): boolean {
  for (const name of names) if (name.startsWith(WORK_DIR_PREFIX)) return true;
  return false;
}

/**
 * Commits `plan` from `workDir`: journal first, then the steps in the module
 * documentation. An uninstall-only plan is rolled back if a step fails.
 *
 * @throws {TransactionError} when the file system refuses a step.
 */
export function commitTransaction(
  workDir: string,
  plan: TransactionPlan,
  options: CommitOptions = {},
): void {
  const listings = new Map<string, string[]>();
  const journal: Journal = {
    format: JOURNAL_FORMAT,
    plan,
    expected: plan.changes.map((change, index) =>
      expectationOf(workDir, index, { change, listings })
    ),
  };
  const path = join(workDir, JOURNAL);
  const temporary = path + ".tmp";
  Deno.writeTextFileSync(temporary, JSON.stringify(journal));
  Deno.renameSync(temporary, path);
  const rename = options.rename ?? Deno.renameSync;
  if (plan.changes.every((change) => change.install === undefined)) {
    removeWithRollback(workDir, plan, rename);
    return;
  }
  try {
    const moves = movesOf(workDir, rename);
    for (const [index, change] of plan.changes.entries()) {
      commitChange(workDir, index, change, moves);
    }
    finish(workDir, plan.changes, plan.keepDirs);
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
 * Finishes the transactions a killed dpip left in `libDir` where the
 * environment is still as their journals expect, leaves the changes another
 * tool has overtaken as they are now, and deletes what was only staged. Call
 * it with the lock of `libDir` held.
 *
 * @throws {TransactionError} when the file system refuses a step.
 */
export function recoverTransactions(libDir: string): Recovery {
  let names: string[];
  try {
    names = [...Deno.readDirSync(libDir)].map((entry) => entry.name);
  } catch {
    return { workDirs: 0, changes: [] };
  }
  let workDirs = 0;
  const changes: RecoveredChange[] = [];
  for (const name of names.sort()) {
    if (!name.startsWith(WORK_DIR_PREFIX)) continue;
    workDirs++;
    const workDir = join(libDir, name);
    try {
      appendAll(changes, recoverWorkDir(libDir, workDir));
    } catch (error) {
      throw new TransactionError(
        `Could not finish an interrupted change of the environment in ${workDir} (${
          messageOf(error)
        })`,
        error,
      );
    }
  }
  return { workDirs, changes };
}

function recoverWorkDir(libDir: string, workDir: string): RecoveredChange[] {
  let text: string;
  try {
    text = Deno.readTextFileSync(join(workDir, JOURNAL));
  } catch {
    removeTree(workDir); // Still staging when it stopped: nothing was changed.
    return [];
  }
  const journal = parseJournal(text);
  if (journal === undefined) {
    removeTree(workDir);
    return [{ kind: "unreadable", dir: libDir }];
  }
  const { plan, expected } = journal;
  const listings = new Map<string, string[]>();
  const outcomes: RecoveredChange[] = plan.changes.map((change, index) => {
    const reason = divergence(workDir, index, { change, expected: expected[index]!, listings });
    const description = describe(change);
    return reason === undefined
      ? { kind: "finished", dir: libDir, project: change.project, description }
      : { kind: "abandoned", dir: libDir, project: change.project, description, reason };
  });
  const kept = plan.changes.filter((_, index) => outcomes[index]!.kind === "finished");
  const moves = movesOf(workDir, Deno.renameSync);
  for (const [index, change] of plan.changes.entries()) {
    if (outcomes[index]!.kind === "finished") commitChange(workDir, index, change, moves);
  }
  finish(workDir, kept, plan.keepDirs);
  return outcomes;
}

function parseJournal(text: string): Journal | undefined {
  try {
    const value = JSON.parse(text) as Partial<Journal>;
    if (
      value.format !== JOURNAL_FORMAT || value.plan === undefined ||
      !Array.isArray(value.plan.changes) || !Array.isArray(value.expected) ||
      value.expected.length !== value.plan.changes.length
    ) {
      return undefined;
    }
    return value as Journal;
  } catch {
    return undefined;
  }
}

/**
 * Commits one change, from wherever an earlier attempt stopped (every step is
 * idempotent). `moves.listings` (kept across the changes of one commit, each
 * move added) spares an `lstat` of each top-level destination that is not there.
 */
function commitChange(workDir: string, index: number, change: DistChange, moves: Moves): void {
  const { rename, listings } = moves;
  const trash = join(workDir, "trash");
  const toTrash = (path: string, name: string) => {
    makeOnce(trash, moves.made);
    try {
      rename(path, join(trash, name));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error; // Gone already.
    }
  };
  const { install, remove } = change;
  if (remove !== undefined) {
    remove.paths.forEach((path, n) => toTrash(path, `${index}.${n}`));
    dropPthEntries(remove.pthEntries);
  }
  const oldMetadata = () => {
    if (remove !== undefined) toTrash(remove.metadataPath, `${index}.metadata`);
  };
  if (install === undefined) {
    oldMetadata();
    return;
  }
  const staged = join(stageDir(workDir), stagedName(index, install.libRoot, install.distInfo));
  const destination = join(install.roots[install.libRoot]!, install.distInfo);
  // The old metadata leaves first only when the new one takes its name.
  const sameName = remove?.metadataPath === destination;
  if (exists(staged)) {
    if (sameName) oldMetadata();
    rename(staged, destination);
    listings.add(install.roots[install.libRoot]!, install.distInfo);
  }
  if (!sameName) oldMetadata();
  for (const entry of moves.staged.get(index) ?? []) {
    if (entry.root === install.libRoot && entry.name === install.distInfo) continue;
    const root = install.roots[entry.root];
    if (root === undefined) continue; // Not this plan's: left for the work directory's removal.
    makeOnce(root, moves.made);
    moveEntry(join(stageDir(workDir), entry.staged), { dir: root, name: entry.name }, moves);
  }
}

/** `mkdir -p` of `dir`, once per commit. */
function makeOnce(dir: string, made: Set<string>): void {
  if (made.has(dir)) return;
  Deno.mkdirSync(dir, { recursive: true });
  made.add(dir);
}

/**
 * Moves `from` to entry `name` of `dir` ({@link mergeMove}), without looking
 * for an entry the listing of `dir` does not have.
 */
function moveEntry(from: string, to: { dir: string; name: string }, moves: Moves): void {
  const target = join(to.dir, to.name);
  if (moves.listings.has(to.dir, to.name)) mergeMove(from, target, moves);
  else move(from, target, moves.rename);
  moves.listings.add(to.dir, to.name);
}

/** Prunes what the committed `changes` emptied and deletes the work directory. */
function finish(
  workDir: string,
  changes: readonly DistChange[],
  keepDirs: readonly string[],
): void {
  const removed = changes.flatMap(({ remove }) =>
    remove === undefined ? [] : [...remove.paths, remove.metadataPath]
  );
  // Pruned even when already gone: an interrupted run may have emptied their directories.
  pruneEmptyDirs(removed, keepDirs);
  removeTree(workDir);
}

/** What change `index` will find before it starts: recorded in the journal. */
function expectationOf(
  workDir: string,
  index: number,
  options: { change: DistChange; listings: Map<string, string[]> },
): Expectation {
  const { change } = options;
  const metadata = metadataEntries(change, options.listings).flatMap((path) => {
    const found = identityOf(path);
    return found === undefined ? [] : [[path, found] as const];
  });
  if (change.install === undefined) return { metadata };
  const staged = identityOf(
    join(stageDir(workDir), stagedName(index, change.install.libRoot, change.install.distInfo)),
  );
  return staged === undefined ? { metadata } : { metadata, staged };
}

/**
 * Why change `index` can no longer be finished (another tool changed its
 * project since the journal was written), or undefined when it can.
 */
function divergence(
  workDir: string,
  index: number,
  options: { change: DistChange; expected: Expectation; listings: Map<string, string[]> },
): string | undefined {
  const { change, expected } = options;
  const { install, remove } = change;
  let destination: string | undefined;
  if (install !== undefined) {
    const staged = join(stageDir(workDir), stagedName(index, install.libRoot, install.distInfo));
    if (!exists(staged)) {
      destination = join(install.roots[install.libRoot]!, install.distInfo);
      const found = identityOf(destination);
      if (found === undefined) return `${install.distInfo} has been removed`;
      if (expected.staged === undefined || !sameEntry(found, expected.staged)) {
        return `${install.distInfo} has been replaced`;
      }
    }
  }
  const wanted = new Map(expected.metadata);
  if (remove !== undefined && exists(join(workDir, "trash", `${index}.metadata`))) {
    wanted.delete(remove.metadataPath);
  }
  const present = metadataEntries(change, options.listings);
  for (const path of present) {
    if (path === destination) continue;
    const identity = wanted.get(path);
    if (identity === undefined) return `${basename(path)} appeared`;
    const found = identityOf(path);
    if (found === undefined || !sameEntry(found, identity) || found.mtime !== identity.mtime) {
      return `${basename(path)} has been replaced`;
    }
  }
  for (const path of wanted.keys()) {
    if (!present.includes(path)) return `${basename(path)} has been removed`;
  }
  return undefined;
}

/**
 * The metadata entries of the change's project in the directories its
 * metadata lives in; `listings` keeps each directory's listing for the next
 * change (nothing changes the directories in between).
 */
function metadataEntries(change: DistChange, listings: Map<string, string[]>): string[] {
  const dirs = new Set<string>();
  if (change.install !== undefined) dirs.add(change.install.roots[change.install.libRoot]!);
  if (change.remove !== undefined) dirs.add(dirname(change.remove.metadataPath));
  const found: string[] = [];
  for (const dir of dirs) {
    let names = listings.get(dir);
    if (names === undefined) {
      try {
        names = [...Deno.readDirSync(dir)].map((entry) => entry.name).sort();
      } catch {
        names = [];
      }
      listings.set(dir, names);
    }
    for (const name of names) {
      if (projectOf(name) === change.project) found.push(join(dir, name));
    }
  }
  return found;
}

/** The normalized project name of a metadata entry's name, or undefined for other entries. */
function projectOf(name: string): string | undefined {
  const match = /^([^-]+)(?:-.*)?\.(?:dist-info|egg-info|egg)$/.exec(name);
  return match === null ? undefined : canonicalizeName(match[1]!);
}

/** "installing foo 2.0", "replacing foo 1.0 with foo 2.0", "removing foo 1.0". */
function describe(change: DistChange): string {
  const label = (name: string) => {
    const stem = name.replace(/\.(dist-info|egg-info|egg)$/, "");
    const dash = stem.indexOf("-");
    return dash < 0 ? stem : `${stem.slice(0, dash)} ${stem.slice(dash + 1).split("-")[0]}`;
  };
  const { install, remove } = change;
  if (install === undefined) return `removing ${label(basename(remove!.metadataPath))}`;
  if (remove === undefined) return `installing ${label(install.distInfo)}`;
  return `replacing ${label(basename(remove.metadataPath))} with ${label(install.distInfo)}`;
}

function identityOf(path: string): Identity | undefined {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch {
    return undefined;
  }
  const identity = {
    dev: info.dev,
    ino: info.ino,
    mtime: info.mtime?.getTime() ?? null,
    size: info.size,
  };
  if (!info.isDirectory) return identity;
  for (const name of ["RECORD", "installed-files.txt"]) {
    try {
      return { ...identity, files: checksum(Deno.readFileSync(join(path, name))) };
    } catch {
      // Not this one.
    }
  }
  return identity;
}

/**
 * Two 32-bit FNV-1a hashes and the length: tells a rewritten file list from
 * the one recorded (not a defence against forgery; nothing here is one).
 */
function checksum(bytes: Uint8Array): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    a = Math.imul(a ^ byte, 0x01000193);
    b = Math.imul(b ^ byte, 0x811c9dc5) ^ (b >>> 13);
  }
  return `${bytes.length}:${(a >>> 0).toString(16)}${(b >>> 0).toString(16)}`;
}

/** The same metadata entry (a moved directory keeps its inode and its files). */
function sameEntry(a: Identity, b: Identity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.files === b.files;
}

function removeWithRollback(
  workDir: string,
  plan: TransactionPlan,
  rename: (from: string, to: string) => void,
): void {
  const trash = join(workDir, "trash");
  Deno.mkdirSync(trash, { recursive: true });
  const moved: [string, string][] = [];
  const removals = plan.changes.flatMap((change, index) =>
    change.remove === undefined ? [] : [{ index, remove: change.remove }]
  );
  try {
    for (const { index, remove } of removals) {
      // Files first, metadata last: what remains is always listed by a present RECORD.
      const paths = [
        ...remove.paths.map((path, n) => [path, `${index}.${n}`] as const),
        [
          remove.metadataPath,
          `${index}.metadata`,
        ] as const,
      ];
      for (const [path, name] of paths) {
        if (!exists(path)) continue;
        const target = join(trash, name);
        rename(path, target);
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
      `Could not remove ${removals.map((r) => r.remove.metadataPath).join(", ")} (${
        messageOf(error)
      }); nothing was changed`,
      error,
    );
  }
  for (const { remove } of removals) dropPthEntries(remove.pthEntries);
  pruneEmptyDirs(moved.map(([original]) => original), plan.keepDirs);
  removeTree(workDir);
}

/** Moves `from` to `to`, merging into an existing directory and replacing files. */
function mergeMove(from: string, to: string, moves: Moves): void {
  const { rename, listings } = moves;
  let target: Deno.FileInfo | undefined;
  try {
    target = Deno.lstatSync(to);
  } catch {
    target = undefined;
  }
  if (target === undefined) {
    move(from, to, rename);
    return;
  }
  const source = Deno.lstatSync(from);
  if (source.isDirectory && target.isDirectory) {
    for (const entry of Deno.readDirSync(from)) {
      moveEntry(join(from, entry.name), { dir: to, name: entry.name }, moves);
    }
    Deno.removeSync(from);
    return;
  }
  if (target.isDirectory) {
    removeTree(to);
    listings.forget(to);
  } else if (source.ino !== null && source.ino === target.ino && source.dev === target.dev) {
    // Two hard links to one file (a reinstall from the cache): rename(2) would do nothing.
    Deno.removeSync(from);
    return;
  }
  move(from, to, rename);
}

function move(from: string, to: string, rename: (from: string, to: string) => void): void {
  try {
    rename(from, to);
  } catch (error) {
    // Another file system (a scripts directory on its own mount): copy, then rename in place.
    if (!(error instanceof Error) || !/cross-device|EXDEV/i.test(error.message)) throw error;
    const temporary = `${to}.dpip-${crypto.randomUUID()}`;
    copyTree(from, temporary);
    rename(temporary, to);
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
    if (kept.length === text.split(/\r?\n/).length) continue;
    const temporary = `${file}.dpip-${crypto.randomUUID()}`;
    Deno.writeTextFileSync(temporary, kept.join(newline));
    Deno.renameSync(temporary, file);
  }
}

/** Removes the now-empty parent directories of `removed`, bottom-up, never a `keep` dir. */
function pruneEmptyDirs(removed: readonly string[], keep: readonly string[]): void {
  const keepSet = new Set(keep.map((dir) => trimEndChars(dir, "/")));
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
