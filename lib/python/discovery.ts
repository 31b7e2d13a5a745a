/**
 * Which Python dpip acts on.
 *
 * In order: `--python` (a path to an interpreter, a venv or prefix directory,
 * a version such as `3.12`, or a name such as `python3.12`); the name dpip was
 * invoked as (`pip3.12` targets `python3.12`, `pip3` targets `python3`); an
 * active `VIRTUAL_ENV`; a `.venv` in the working directory or one of its
 * parents; then `python3` and `python` on `PATH`.
 *
 * A name is looked up on `PATH` as the shell does: the first executable file
 * of that name, a pyenv shim included (the shim then picks the version pyenv
 * has active, as it would in the shell). A version (`3.12`, or the version a
 * `pip3.12` name implies) that lands on a pyenv shim takes the newest matching
 * interpreter pyenv has installed instead, since the shim only runs the
 * active version.
 *
 * @module
 */

import { basename, dirname, isAbsolute, join, resolve } from "../paths.ts";
import { DpipError } from "../errors.ts";
import { appendAll } from "../lists.ts";
import { pathExists } from "../path_exists.ts";

/** No interpreter could be found; the message lists every path tried. */
export class InterpreterNotFoundError extends DpipError {
  /** What was asked for (`--python` value, `VIRTUAL_ENV`, ...). */
  readonly request: string;
  /** Every path looked at, in order. */
  readonly tried: readonly string[];

  constructor(request: string, tried: readonly string[], hint?: string) {
    super(
      "interpreter-not-found",
      `No Python interpreter found for ${request} (tried ${
        tried.length === 0 ? "nothing: PATH is empty" : tried.join(", ")
      })`,
      { hint: hint ?? "Pass --python with a path to an interpreter or a venv directory." },
    );
    this.name = "InterpreterNotFoundError";
    this.request = request;
    this.tried = tried;
  }
}

/** Where discovery looks. */
export interface DiscoveryOptions {
  /** `--python`. */
  readonly python?: string;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** The name (or path) dpip was invoked as: `pip3.12` targets `python3.12`. */
  readonly invokedAs: string;
  /**
   * Skip the active `VIRTUAL_ENV` and a `.venv` around the working directory
   * (making a venv wants an installed interpreter, not a venv's).
   */
  readonly skipVirtualEnvironments?: boolean;
}

/** The outcome of discovery: the executable, and what asked for it (for messages). */
export interface DiscoveredInterpreter {
  readonly executable: string;
  /** e.g. `--python 3.12`, `VIRTUAL_ENV=/x/venv`, `.venv in /x`, `python3 on PATH`. */
  readonly source: string;
  /** A `X.Y.Z` version the interpreter must have (from `--python 3.12.1`). */
  readonly requiredVersion?: string;
}

/**
 * `Deno.stat`, or undefined when nothing usable is there. A path Deno will
 * not let dpip open (under `/dev` without `--allow-all`) is an error, not a
 * missing interpreter, so that the message says why.
 */
async function statOf(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    return undefined;
  }
}

async function isExecutableFile(path: string): Promise<boolean> {
  const stat = await statOf(path);
  return stat !== undefined && stat.isFile && (stat.mode === null || (stat.mode & 0o111) !== 0);
}

async function isDirectory(path: string): Promise<boolean> {
  return (await statOf(path))?.isDirectory ?? false;
}

/** The interpreter of a venv or installation prefix directory. */
async function interpreterIn(dir: string, tried: string[]): Promise<string | undefined> {
  for (const name of ["python3", "python"]) {
    const candidate = join(dir, "bin", name);
    tried.push(candidate);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

async function searchPath(
  names: readonly string[],
  dirs: readonly string[],
  tried: string[],
): Promise<string | undefined> {
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      tried.push(candidate);
      if (await isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * A pyenv shim for `pythonX.Y` only works when that version is active, so a
 * versioned request that lands on a shim takes the newest matching
 * interpreter in pyenv's `versions/` directory instead.
 */
async function throughPyenvShim(candidate: string, name: string): Promise<string | undefined> {
  const shims = dirname(candidate);
  if (basename(shims) !== "shims") return undefined;
  const wanted = /^python(\d+(?:\.\d+)?)$/.exec(name)?.[1];
  if (wanted === undefined) return undefined;
  const versions = join(dirname(shims), "versions");
  const matches: number[][] = [];
  try {
    for await (const entry of Deno.readDir(versions)) {
      if (!/^\d+\.\d+\.\d+$/.test(entry.name)) continue;
      if (entry.name === wanted || entry.name.startsWith(wanted + ".")) {
        matches.push(entry.name.split(".").map(Number));
      }
    }
  } catch {
    return undefined;
  }
  matches.sort((a, b) => (a[0]! - b[0]!) || (a[1]! - b[1]!) || (a[2]! - b[2]!));
  for (const version of matches.reverse()) {
    const path = join(versions, version.join("."), "bin", name);
    if (await isExecutableFile(path)) return path;
  }
  return undefined;
}

async function searchVersioned(
  name: string,
  dirs: readonly string[],
  tried: string[],
): Promise<string | undefined> {
  const found = await searchPath([name], dirs, tried);
  if (found === undefined) return undefined;
  return (await throughPyenvShim(found, name)) ?? found;
}

/**
 * The directories of `PATH` in the shell's order: an empty entry is the
 * working directory, a relative one is relative to it.
 */
function pathDirs(env: Readonly<Record<string, string>>, cwd: string): string[] {
  const value = env["PATH"];
  if (value === undefined || value === "") return [];
  return value.split(":").map((d) => d === "" ? cwd : isAbsolute(d) ? d : resolve(cwd, d));
}

async function fromRequest(
  request: string,
  options: DiscoveryOptions,
): Promise<DiscoveredInterpreter> {
  const source = `--python ${request}`;
  const tried: string[] = [];
  const looksLikePath = request.includes("/") || request.startsWith(".") ||
    request.startsWith("~");
  const expanded = request === "~" || request.startsWith("~/")
    ? (options.env["HOME"] ?? "") + request.slice(1)
    : request;
  const asPath = resolve(options.cwd, expanded);
  // A bare name is a directory of the working directory only when one exists (`--python venv`);
  // otherwise it is a command name, looked up on PATH as the shell would.
  if (looksLikePath || await isDirectory(asPath)) {
    if (await isDirectory(asPath)) {
      const found = await interpreterIn(asPath, tried);
      if (found !== undefined) return { executable: found, source };
      throw new InterpreterNotFoundError(source, tried);
    }
    tried.push(asPath);
    if (await isExecutableFile(asPath)) return { executable: asPath, source };
    const why = (await pathExists(asPath)) ? "not an executable file" : undefined;
    throw new InterpreterNotFoundError(
      source,
      tried,
      why === undefined ? undefined : `${asPath} is ${why}.`,
    );
  }
  const version = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(request);
  if (version !== null) {
    const [, major, minor, micro] = version;
    const name = minor === undefined ? `python${major}` : `python${major}.${minor}`;
    const found = await searchVersioned(name, pathDirs(options.env, options.cwd), tried);
    if (found === undefined) throw new InterpreterNotFoundError(source, tried);
    return micro === undefined
      ? { executable: found, source }
      : { executable: found, source, requiredVersion: request };
  }
  const found = await searchPath([request], pathDirs(options.env, options.cwd), tried);
  if (found === undefined) throw new InterpreterNotFoundError(source, tried);
  return { executable: found, source };
}

/**
 * Finds the interpreter to act on (without running it).
 *
 * @throws {InterpreterNotFoundError} listing every path tried.
 * @example
 * ```ts
 * import { discoverInterpreter } from "./discovery.ts";
 * const found = await discoverInterpreter({ env: { PATH: "/usr/bin" }, cwd: "/", invokedAs: "dpip" });
 * // found.executable === "/usr/bin/python3" on most Linux systems
 * ```
 */
export async function discoverInterpreter(
  options: DiscoveryOptions,
): Promise<DiscoveredInterpreter> {
  if (options.python !== undefined && options.python !== "") {
    return await fromRequest(options.python, options);
  }
  const tried: string[] = [];
  const invoked = basename(options.invokedAs);
  const pipVersion = /^pip(\d+(?:\.\d+)?)$/.exec(invoked);
  if (pipVersion !== null) {
    const name = `python${pipVersion[1]}`;
    const dirs: string[] = [];
    // The directory the link was found in: the path given, or (a bare name) where the shell
    // found it on PATH, so `venv/bin/pip3.12` acts on `venv/bin/python3.12`.
    const invokedPath = options.invokedAs.includes("/")
      ? resolve(options.cwd, options.invokedAs)
      : await searchPath([invoked], pathDirs(options.env, options.cwd), []);
    if (invokedPath !== undefined) dirs.push(dirname(invokedPath));
    const venv = options.env["VIRTUAL_ENV"];
    if (venv) dirs.push(join(resolve(options.cwd, venv), "bin"));
    appendAll(dirs, pathDirs(options.env, options.cwd));
    const found = await searchVersioned(name, dirs, tried);
    if (found !== undefined) {
      return { executable: found, source: `${name} (invoked as ${invoked})` };
    }
    throw new InterpreterNotFoundError(`${name} (invoked as ${invoked})`, tried);
  }
  const venv = options.skipVirtualEnvironments ? undefined : options.env["VIRTUAL_ENV"];
  if (venv) {
    const dir = resolve(options.cwd, venv);
    const found = await interpreterIn(dir, tried);
    if (found !== undefined) return { executable: found, source: `VIRTUAL_ENV=${venv}` };
    throw new InterpreterNotFoundError(
      `VIRTUAL_ENV=${venv}`,
      tried,
      "The active virtual environment has no interpreter: recreate it or deactivate it.",
    );
  }
  for (let dir = options.cwd; !options.skipVirtualEnvironments; dir = dirname(dir)) {
    const candidate = join(dir, ".venv");
    if (await pathExists(join(candidate, "pyvenv.cfg"))) {
      const found = await interpreterIn(candidate, tried);
      if (found !== undefined) return { executable: found, source: `${candidate}` };
      throw new InterpreterNotFoundError(
        candidate,
        tried,
        "This .venv has no interpreter: recreate it, or pass --python.",
      );
    }
    if (dirname(dir) === dir) break;
  }
  const found = await searchPath(["python3", "python"], pathDirs(options.env, options.cwd), tried);
  if (found !== undefined) return { executable: found, source: `${basename(found)} on PATH` };
  throw new InterpreterNotFoundError("the default interpreter", tried);
}
