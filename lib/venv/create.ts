/**
 * Writes a planned venv (`layout.ts`) to disk without running Python: a
 * handful of directories, links and small files, written synchronously
 * (each is one system call; an awaited call per file costs more than the
 * write).
 *
 * The directory may be new (its missing parents are made too, as `python -m
 * venv` makes them), empty, or a venv already (`pyvenv.cfg`), which is
 * updated in place as `python -m venv` does: installed packages stay; links
 * and files are replaced atomically. `clear` empties it first. A venv of
 * another Python version, a non-empty directory that is not a venv, a file
 * or a link are refused before anything is written. When writing fails, a
 * directory this run made is removed again.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { dirname, join } from "../paths.ts";
import type { VenvInterpreter, VenvLayout, VenvOptions } from "./layout.ts";
import { planVenv } from "./layout.ts";

/** The target directory cannot hold a new venv; nothing was changed. */
export class VenvDirectoryError extends DpipError<"venv-directory"> {
  /** The directory. */
  readonly dir: string;

  constructor(dir: string, why: string, hint: string) {
    super("venv-directory", `Cannot create a virtual environment in ${dir}: ${why}`, { hint });
    this.name = "VenvDirectoryError";
    this.dir = dir;
  }
}

/** Writing the venv failed part-way (a directory this run made is removed again). */
export class VenvWriteError extends DpipError<"venv-write-failed"> {
  /** The path that could not be written. */
  readonly path: string;

  constructor(path: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super("venv-write-failed", `Cannot write ${path}: ${why}`, {
      cause,
      hint: "Check the directory's permissions and free space.",
    });
    this.name = "VenvWriteError";
    this.path = path;
  }
}

/** What {@link createVenv} made. */
export interface CreatedVenv {
  readonly dir: string;
  readonly layout: VenvLayout;
  /**
   * The directory this run made (the venv directory, or its topmost missing
   * parent); undefined when the venv went into an existing directory.
   */
  readonly made?: string;
}

function lstatOrUndefined(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.lstatSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * `version = X.Y.Z` of a `pyvenv.cfg`, as `X.Y`: the first such line, read line
 * by line (a multi-line pattern would be quadratic in a run of blank lines).
 */
function configuredMinor(config: string): string | undefined {
  for (const line of config.split(/\r\n|[\n\r\u2028\u2029]/)) {
    const equals = line.indexOf("=");
    const key = line.slice(0, Math.max(equals, 0)).trim();
    if (key !== "version" && key !== "version_info") continue;
    const match = /^(\d+)\.(\d+)/.exec(line.slice(equals + 1).trim());
    if (match !== null) return `${match[1]}.${match[2]}`;
  }
  return undefined;
}

type Existing = { kind: "none"; made: string } | { kind: "empty" } | { kind: "venv" };

/** What is at `dir` now, refusing what cannot become the venv. */
function inspectTarget(dir: string, python: VenvInterpreter, clear: boolean): Existing {
  const info = lstatOrUndefined(dir);
  if (info === undefined) {
    let made = dir;
    while (dirname(made) !== made && lstatOrUndefined(dirname(made)) === undefined) {
      made = dirname(made);
    }
    return { kind: "none", made };
  }
  if (info.isSymlink || !info.isDirectory) {
    throw new VenvDirectoryError(
      dir,
      info.isSymlink ? "it is a symbolic link" : "it is a file",
      "Name a directory that does not exist yet, or an existing virtual environment.",
    );
  }
  let entries = 0;
  for (const _ of Deno.readDirSync(dir)) {
    entries++;
    break;
  }
  if (entries === 0) return { kind: "empty" };
  let config: string;
  try {
    config = Deno.readTextFileSync(join(dir, "pyvenv.cfg"));
  } catch {
    throw new VenvDirectoryError(
      dir,
      "it is not empty and not a virtual environment (no pyvenv.cfg)",
      "Name a new or empty directory; dpip venv does not delete other files, even with --clear.",
    );
  }
  const [major, minor] = python.version;
  const existing = configuredMinor(config);
  if (!clear && existing !== undefined && existing !== `${major}.${minor}`) {
    throw new VenvDirectoryError(
      dir,
      `it is a Python ${existing} virtual environment, and this is Python ${major}.${minor}`,
      "Pass --clear to replace it.",
    );
  }
  return { kind: "venv" };
}

/** Empties a venv directory; links are removed, never followed. */
function clearDirectory(dir: string): void {
  for (const entry of Deno.readDirSync(dir)) {
    Deno.removeSync(join(dir, entry.name), { recursive: true });
  }
}

let counter = 0;
function temporaryName(path: string): string {
  return `${path}.dpip-${Deno.pid}-${counter++}.tmp`;
}

function writeLink(path: string, target: string, replace: boolean): void {
  if (!replace) return Deno.symlinkSync(target, path);
  const existing = lstatOrUndefined(path);
  if (existing === undefined) return Deno.symlinkSync(target, path);
  // `lib64` that is a real directory (made by someone else) is left alone, as venv leaves it.
  if (existing.isDirectory) return;
  const temporary = temporaryName(path);
  Deno.symlinkSync(target, temporary);
  Deno.renameSync(temporary, path);
}

function writeFile(path: string, text: string, replace: boolean): void {
  if (!replace) return Deno.writeTextFileSync(path, text, { createNew: true });
  const temporary = temporaryName(path);
  Deno.writeTextFileSync(temporary, text, { createNew: true });
  Deno.renameSync(temporary, path);
}

/**
 * Creates (or updates) the venv at `options.dir` for `python`.
 *
 * @throws {VenvUnsupportedError} when the interpreter or names cannot make a venv.
 * @throws {VenvDirectoryError} when the directory cannot hold it (nothing written).
 * @throws {VenvWriteError} when writing fails (what this run made is removed).
 * @example
 * ```ts ignore
 * const { layout } = createVenv(python, {
 *   dir: "/p/.venv", systemSitePackages: false, clear: false, withPip: false,
 * });
 * layout.python; // "/p/.venv/bin/python3"
 * ```
 */
export function createVenv(python: VenvInterpreter, options: VenvOptions): CreatedVenv {
  const layout = planVenv(python, options);
  const dir = options.dir;
  const existing = inspectTarget(dir, python, options.clear);
  const replace = existing.kind === "venv" && !options.clear;
  let current = dir;
  try {
    if (existing.kind === "venv" && options.clear) clearDirectory(dir);
    if (existing.kind === "none") Deno.mkdirSync(dir, { recursive: true });
    for (const sub of layout.dirs) {
      current = join(dir, sub);
      Deno.mkdirSync(current, { recursive: replace });
    }
    for (const link of layout.links) {
      current = join(dir, link.path);
      writeLink(current, link.target, replace);
    }
    for (const file of layout.files) {
      current = join(dir, file.path);
      writeFile(current, file.text, replace);
    }
  } catch (error) {
    if (existing.kind === "none") removeMadeDirectory(existing.made);
    throw new VenvWriteError(current, error);
  }
  return { dir, layout, ...(existing.kind === "none" ? { made: existing.made } : {}) };
}

/** Removes what {@link createVenv} made (its `made` directory), e.g. when seeding failed. */
export function removeMadeDirectory(made: string): void {
  try {
    Deno.removeSync(made, { recursive: true });
  } catch {
    // Already gone, or not ours to force.
  }
}
