/**
 * What removing an installed distribution deletes, as pip decides it.
 *
 * - A `.dist-info` install: every path its `RECORD` lists (relative to the
 *   directory holding the dist-info), and for each removed `x.py` its
 *   bytecode (`__pycache__/x.*.pyc`, legacy `x.pyc`/`x.pyo`).
 * - A setuptools `.egg-info` directory: the directory, plus the paths of its
 *   `installed-files.txt`, or else the top-level packages and modules that
 *   `top_level.txt` names (namespace packages excepted).
 * - An old `.egg` directory: the directory and its `easy-install.pth` line.
 * - A develop install (`.egg-link`): the link and its `easy-install.pth` line.
 * - A distutils `.egg-info` file: refused, as pip refuses it (its files are unknown).
 * - In every case, the console and GUI scripts of `entry_points.txt` and the
 *   distutils scripts of the metadata's `scripts/` directory.
 *
 * Only paths that exist are listed; paths outside the environment (as
 * written, or on real paths: through a symbolic link on the way) are set
 * aside as `outside`, never removed. Removing them is `transaction.ts`'s job.
 *
 * @module
 */

import { basename, dirname, join, resolve } from "../paths.ts";
import { DpipError, type ErrorCode } from "../errors.ts";
import {
  consoleScripts,
  guiScripts,
  parseEntryPoints,
  scriptNameProblem,
} from "../dists/entry_points.ts";
import type { InstalledDist } from "./site_packages.ts";
import { isWithin, RealPaths } from "./real_paths.ts";

/** A distribution dpip will not uninstall. */
export class UninstallError extends DpipError {
  /** The distribution's name as installed. */
  readonly dist: string;

  constructor(dist: string, message: string, options: { code?: ErrorCode; hint?: string } = {}) {
    super(
      options.code ?? "cannot-uninstall",
      message,
      options.hint === undefined ? {} : {
        hint: options.hint,
      },
    );
    this.name = "UninstallError";
    this.dist = dist;
  }
}

/** A line to drop from a `.pth` file. */
export interface PthEntry {
  readonly file: string;
  readonly line: string;
}

/** What uninstalling one distribution removes. */
export interface RemovalPlan {
  /** The metadata directory or file: removed last, so that what remains is listed until then. */
  readonly metadataPath: string;
  /** Every other path to remove (files, and whole directories for eggs), absolute, sorted. */
  readonly paths: readonly string[];
  /** `.pth` lines to drop (eggs and develop installs). */
  readonly pthEntries: readonly PthEntry[];
  /** Paths the metadata lists that lie outside the environment: left alone. */
  readonly outside: readonly string[];
}

/** Inputs for {@link planRemoval}. */
export interface PlanRemovalOptions {
  /** The environment's scripts directory (where console scripts live). */
  readonly scriptsDir: string;
  /**
   * Directories the environment owns; a path outside all of them, as written
   * or through a symbolic link, is not removed. Undefined (outside a
   * virtualenv): the distribution's directory, `scriptsDir` and `schemeDirs`.
   */
  readonly environmentDirs?: readonly string[];
  /** The install scheme's directories, owned by the environment when `environmentDirs` is undefined. */
  readonly schemeDirs?: readonly string[];
}

/**
 * Lists what uninstalling `dist` removes.
 *
 * @throws {UninstallError} for a distutils-installed project (an `.egg-info` file),
 *   or a distribution whose metadata lists no files at all.
 */
export function planRemoval(dist: InstalledDist, options: PlanRemovalOptions): RemovalPlan {
  const removal = new Removal(
    options.environmentDirs ??
      [dist.installedLocation, options.scriptsDir, ...(options.schemeDirs ?? [])],
  );
  addRecordedFiles(dist, removal);
  if (isEggLinkInstall(dist)) addDevelopLink(dist, removal);
  addScripts(dist, options.scriptsDir, removal);
  const metadataPath = resolve(dist.infoPath);
  for (const path of [...removal.paths]) {
    if (path === metadataPath || isWithin(path, metadataPath)) removal.paths.delete(path);
  }
  if (!removal.permitted(metadataPath)) {
    throw new UninstallError(
      dist.rawName,
      `Not uninstalling ${dist.name} at ${dist.location}: it is outside the environment`,
      { code: "outside-environment" },
    );
  }
  return {
    metadataPath,
    paths: [...removal.paths].sort(),
    pthEntries: removal.pthEntries,
    outside: removal.outside.sort(),
  };
}

/**
 * The paths of one removal as they are found: those that exist and lie in a
 * directory the environment owns, decided on real paths (a directory on the
 * way may be a link to anywhere; the path itself may be a link, and removing
 * it removes the link, not what it points to), and the rest, left alone.
 */
class Removal {
  readonly paths = new Set<string>();
  readonly outside: string[] = [];
  readonly pthEntries: PthEntry[] = [];
  readonly #owned: readonly string[];
  readonly #real = new RealPaths();

  constructor(owned: readonly string[]) {
    this.#owned = owned;
  }

  /** Whether `path` lies in a directory the environment owns, as written and really. */
  permitted(path: string): boolean {
    return this.#owned.some((dir) => isWithin(path, dir)) &&
      this.#owned.some((dir) => this.#real.within(dirname(path), dir));
  }

  /** Adds `path` if it exists. */
  add(path: string): void {
    const absolute = resolve(path);
    if (!exists(absolute)) return;
    if (!this.permitted(absolute)) {
      this.outside.push(absolute);
      return;
    }
    this.paths.add(absolute);
  }

  /** Adds `path` and, for a module, its bytecode (`.pyc`, `.pyo`, `__pycache__`). */
  addModule(path: string): void {
    this.add(path);
    if (!path.endsWith(".py")) return;
    const stem = basename(path).slice(0, -3);
    const dir = dirname(path);
    this.add(join(dir, `${stem}.pyc`));
    this.add(join(dir, `${stem}.pyo`));
    for (const cached of listDir(join(dir, "__pycache__"))) {
      if (cached.startsWith(`${stem}.`) && cached.endsWith(".pyc") && isBytecodeOf(cached, stem)) {
        this.add(join(dir, "__pycache__", cached));
      }
    }
  }
}

/** The files the distribution's metadata says it installed (RECORD, installed-files.txt, …). */
function addRecordedFiles(dist: InstalledDist, removal: Removal): void {
  const label = `${dist.rawName} ${dist.version}`;
  switch (dist.kind) {
    case "egg-info-file":
      throw new UninstallError(
        dist.rawName,
        `Cannot uninstall ${label}: it is a distutils installed project, so which files belong to it cannot be known`,
        { code: "distutils-installed" },
      );
    case "dist-info": {
      if (dist.editableProjectLocation !== undefined && isEggLinkInstall(dist)) return;
      const declared = dist.declaredFiles();
      if (declared === undefined) {
        throw new UninstallError(
          dist.rawName,
          `Cannot uninstall ${label}: its RECORD file is missing (${
            join(dist.infoPath, "RECORD")
          })`,
          { code: "missing-record", hint: "reinstall it with --force-reinstall, then uninstall" },
        );
      }
      for (const path of declared) removal.addModule(join(dist.location, path));
      return;
    }
    case "egg-info": {
      if (isEggLinkInstall(dist)) return;
      const declared = dist.declaredFiles();
      if (declared !== undefined) {
        for (const path of declared) removal.addModule(join(dist.location, path));
        return;
      }
      const namespaces = new Set(lines(dist.readInfoFile("namespace_packages.txt")));
      for (const top of lines(dist.readInfoFile("top_level.txt"))) {
        if (namespaces.has(top)) continue;
        const path = join(dist.location, top);
        removal.add(path);
        removal.addModule(`${path}.py`);
      }
      return;
    }
    case "egg":
      removal.pthEntries.push({
        file: join(dist.installedLocation, "easy-install.pth"),
        line: `./${basename(dist.location)}`,
      });
      removal.add(dist.location);
      return;
  }
}

/** A develop install's egg-link and its easy-install.pth line. */
function addDevelopLink(dist: InstalledDist, removal: Removal): void {
  for (const name of eggLinkNames(dist.rawName)) {
    const link = join(dist.installedLocation, name);
    if (!exists(link)) continue;
    removal.add(link);
    const target = (Deno.readTextFileSync(link).split(/\r?\n/)[0] ?? "").trim();
    if (target !== "") {
      removal.pthEntries.push({
        file: join(dist.installedLocation, "easy-install.pth"),
        line: target,
      });
    }
    return;
  }
}

/** The console and GUI launchers of its entry points, and the scripts its metadata lists. */
function addScripts(dist: InstalledDist, scriptsDir: string, removal: Removal): void {
  const entryPointsText = dist.readInfoFile("entry_points.txt");
  if (entryPointsText !== undefined) {
    let entryPoints: ReturnType<typeof parseEntryPoints> = [];
    try {
      entryPoints = parseEntryPoints(entryPointsText);
    } catch {
      // A broken entry_points.txt only means there are no scripts to find.
    }
    for (const entry of [...consoleScripts(entryPoints), ...guiScripts(entryPoints)]) {
      // No launcher was made for a name that is not a plain file name (`../x`): nothing to remove.
      if (scriptNameProblem(entry.name) === undefined) removal.add(join(scriptsDir, entry.name));
    }
  }
  for (const script of listDir(join(dist.infoPath, "scripts"))) {
    removal.add(join(scriptsDir, script));
  }
}

/**
 * pip's listing of what will be removed: files, with a directory shown as
 * `dir/*` when a package's `__init__.py` or a dist-info is removed from it,
 * nested paths folded into the shortest one. `skipped` lists files in those
 * directories that will stay (pip's "Would not remove").
 */
export function summarizeRemoval(plan: RemovalPlan): { remove: string[]; skipped: string[] } {
  const all = [plan.metadataPath, ...plan.paths];
  const removing = new Set(all);
  const folders = new Set<string>();
  const files = new Set<string>();
  for (const path of all) {
    if (path.endsWith(".pyc")) continue;
    if (path === plan.metadataPath && isDirectory(path)) {
      folders.add(path);
      continue;
    }
    if (path.endsWith("__init__.py") || path.includes(".dist-info")) folders.add(dirname(path));
    files.add(path);
  }
  const compactFolders = compact([...folders]);
  const skipped: string[] = [];
  for (const folder of compactFolders) {
    for (const file of walkFiles(folder)) {
      if (file.endsWith(".pyc")) continue;
      if (!removing.has(file) && !isWithin(file, plan.metadataPath)) skipped.push(file);
    }
  }
  const listed = [...files, ...compactFolders.map((folder) => join(folder, "*"))];
  return { remove: compact(listed).sort(), skipped: compact(skipped).sort() };
}

/** Keeps only the shortest of nested paths (`a/*` covers `a/b.py`). */
function compact(paths: string[]): string[] {
  const sorted = [...new Set(paths)].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const path of sorted) {
    const covered = kept.some((short) => {
      const base = short.endsWith("*") ? short.slice(0, -1).replace(/\/$/, "") : short;
      return path.startsWith(base) && path[base.length] === "/";
    });
    if (!covered) kept.push(path);
  }
  return kept;
}

function* walkFiles(dir: string): Generator<string> {
  for (const entry of safeReadDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* walkFiles(path);
    else yield path;
  }
}

function safeReadDir(dir: string): Deno.DirEntry[] {
  try {
    return [...Deno.readDirSync(dir)];
  } catch {
    return [];
  }
}

function listDir(dir: string): string[] {
  return safeReadDir(dir).map((entry) => entry.name);
}

/** `x.cpython-311.pyc`, `x.cpython-311.opt-1.pyc` are bytecode of module `x`. */
function isBytecodeOf(file: string, stem: string): boolean {
  const rest = file.slice(stem.length + 1, -".pyc".length);
  return rest !== "" && !rest.includes("/") && /^[A-Za-z0-9_-]+(\.opt-[0-9]+)?$/.test(rest);
}

function isEggLinkInstall(dist: InstalledDist): boolean {
  return dist.editableProjectLocation !== undefined && dist.location !== dist.installedLocation;
}

function eggLinkNames(rawName: string): string[] {
  return [`${rawName}.egg-link`, `${rawName.replace(/[^A-Za-z0-9.]+/g, "-")}.egg-link`];
}

function lines(text: string | undefined): string[] {
  return (text ?? "").split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "");
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return Deno.lstatSync(path).isDirectory;
  } catch {
    return false;
  }
}
