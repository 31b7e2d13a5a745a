/**
 * PEP 518 `[build-system]` of `pyproject.toml` (PEP 517 `build-backend` and
 * `backend-path`), with pip 23.2.1's defaults for projects that predate it.
 *
 * {@link parseBuildSystem} is pure; {@link readBuildSystem} reads the files and
 * checks that `backend-path` entries stay inside the project after symlinks.
 *
 * @module
 */

import { isAbsolute, join, normalize, relative, sep } from "../paths.ts";
// A full specifier (the version deno.json pins), so lib/ imports without dpip's deno.json.
// deno-lint-ignore no-import-prefix
import { parse as parseToml } from "npm:smol-toml@1.9.1";
import { DpipError } from "../errors.ts";
import { InvalidRequirementError, parseRequirement, type Requirement } from "../pep508/mod.ts";
import { trimEndChars } from "../trim.ts";

/** `[build-system]` of pyproject.toml, with pip's defaults for legacy projects. */
export interface BuildSystem {
  /** The build requirements (PEP 508), in the file's order. */
  requires: Requirement[];
  /** The backend object, `module` or `module:object` (e.g. `setuptools.build_meta:__legacy__`). */
  backend: string;
  /** `backend-path` entries, normalized and relative to the project root. */
  backendPath: string[];
}

/** A `pyproject.toml` whose `[build-system]` cannot be used. */
export class InvalidBuildSystemError extends DpipError {
  /** The pyproject.toml (or project directory) at fault. */
  readonly file: string;
  /** What is wrong, without the file name. */
  readonly reason: string;

  /** `file` is the pyproject.toml at fault, `reason` what is wrong in it. */
  constructor(file: string, reason: string, options: { cause?: unknown } = {}) {
    super("invalid-build-system", `Invalid build system in ${file}: ${reason}`, options);
    this.name = "InvalidBuildSystemError";
    this.file = file;
    this.reason = reason;
  }
}

/** A directory with neither `pyproject.toml` nor `setup.py`. */
export class NotAPythonProjectError extends DpipError {
  /** The directory. */
  readonly projectDir: string;

  /** `projectDir` is the directory that has neither file. */
  constructor(projectDir: string) {
    super(
      "not-a-python-project",
      `${projectDir} does not appear to be a Python project: neither 'setup.py' nor 'pyproject.toml' found`,
    );
    this.name = "NotAPythonProjectError";
    this.projectDir = projectDir;
  }
}

/** The backend pip assumes when a project names none. */
export const LEGACY_BACKEND = "setuptools.build_meta:__legacy__";
/** What pip 23.2.1 installs for a project without `[build-system]`. */
export const LEGACY_REQUIRES: readonly string[] = ["setuptools>=40.8.0", "wheel"];

const IDENTIFIER = String.raw`[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*`;
const DOTTED = `${IDENTIFIER}(?:\\.${IDENTIFIER})*`;
// deno-lint-ignore dpip/no-dynamic-regexp -- fixed fragments; "." and ":" end every identifier run
const BACKEND_PATTERN = new RegExp(`^${DOTTED}(?::${DOTTED})?$`, "u");

/**
 * Interprets the text of `pyproject.toml` (or `undefined` when the project has
 * only `setup.py`). `file` names the file in errors; `projectDir` anchors
 * `backend-path`.
 *
 * @example
 * ```ts
 * import { parseBuildSystem } from "./build_system.ts";
 * const system = parseBuildSystem('[build-system]\nrequires = ["flit_core>=3.2"]\nbuild-backend = "flit_core.buildapi"\n', {
 *   file: "proj/pyproject.toml",
 *   projectDir: "proj",
 * });
 * system.backend; // "flit_core.buildapi"
 * String(system.requires[0]); // "flit_core>=3.2"
 * ```
 */
export function parseBuildSystem(
  pyprojectText: string | undefined,
  options: { file: string; projectDir: string },
): BuildSystem {
  const { file } = options;
  const fail = (reason: string, cause?: unknown): never => {
    throw new InvalidBuildSystemError(file, reason, { cause });
  };
  let table: unknown = undefined;
  if (pyprojectText !== undefined) {
    let document: Record<string, unknown> = {};
    try {
      document = parseToml(pyprojectText) as Record<string, unknown>;
    } catch (error) {
      const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
      fail(`not valid TOML (${message})`, error);
    }
    table = document["build-system"];
  }
  if (table === undefined) {
    return {
      requires: LEGACY_REQUIRES.map((text) => parseRequirement(text)),
      backend: LEGACY_BACKEND,
      backendPath: [],
    };
  }
  if (!isTable(table)) fail("[build-system] is not a table");
  const system = table as Record<string, unknown>;
  if (!("requires" in system)) fail("[build-system] has no 'requires' key (PEP 518 requires it)");
  const requires = system.requires;
  if (!Array.isArray(requires) || !requires.every((item) => typeof item === "string")) {
    fail("'requires' is not a list of strings");
  }
  const parsed = (requires as string[]).map((text) => {
    try {
      return parseRequirement(text);
    } catch (error) {
      if (!(error instanceof InvalidRequirementError)) throw error;
      return fail(
        `'requires' has an invalid requirement ${
          JSON.stringify(text)
        }: ${error.reason} at position ${error.position}`,
        error,
      );
    }
  });
  const backend = system["build-backend"] ?? LEGACY_BACKEND;
  if (typeof backend !== "string") fail("'build-backend' is not a string");
  if (!BACKEND_PATTERN.test(backend as string)) {
    fail(`'build-backend' ${JSON.stringify(backend)} is not of the form module or module:object`);
  }
  const backendPath = system["backend-path"] ?? [];
  if (!Array.isArray(backendPath) || !backendPath.every((item) => typeof item === "string")) {
    fail("'backend-path' is not a list of strings");
  }
  const entries = (backendPath as string[]).map((entry) => {
    const inside = relativeInside(options.projectDir, entry);
    if (inside === undefined) {
      fail(`'backend-path' entry ${JSON.stringify(entry)} is outside the project`);
    }
    return inside as string;
  });
  return { requires: parsed, backend: backend as string, backendPath: entries };
}

/**
 * Reads `projectDir`'s build system: `pyproject.toml` if present (else pip's
 * legacy setuptools defaults when `setup.py` exists), checking that every
 * `backend-path` entry resolves inside the project.
 */
export async function readBuildSystem(projectDir: string): Promise<BuildSystem> {
  const file = join(projectDir, "pyproject.toml");
  const text = await readOptional(file);
  if (text === undefined && !(await isFile(join(projectDir, "setup.py")))) {
    throw new NotAPythonProjectError(projectDir);
  }
  const system = parseBuildSystem(text, { file, projectDir });
  if (system.backendPath.length > 0) {
    const root = await Deno.realPath(projectDir);
    for (const entry of system.backendPath) {
      let real: string;
      try {
        real = await Deno.realPath(join(projectDir, entry));
      } catch (error) {
        throw new InvalidBuildSystemError(
          file,
          `'backend-path' entry ${JSON.stringify(entry)} does not exist`,
          { cause: error },
        );
      }
      if (relativeInside(root, real) === undefined) {
        throw new InvalidBuildSystemError(
          file,
          `'backend-path' entry ${JSON.stringify(entry)} resolves outside the project`,
        );
      }
    }
  }
  return system;
}

/** `path` (relative to `root`, or absolute) as a normalized relative path, if it stays inside. */
function relativeInside(root: string, path: string): string | undefined {
  const rel = isAbsolute(path) ? relative(root, path) : normalize(path);
  const cleaned = rel === "" ? "." : trimEndChars(rel, "/\\") || ".";
  if (isAbsolute(cleaned) || cleaned === ".." || cleaned.startsWith(`..${sep}`)) return undefined;
  return cleaned;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof Date);
}

async function readOptional(path: string): Promise<string | undefined> {
  return await isFile(path) ? await Deno.readTextFile(path) : undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}
