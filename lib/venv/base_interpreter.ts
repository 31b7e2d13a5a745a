/**
 * The interpreter a new venv runs, from the probe of the interpreter dpip
 * found: the interpreter itself, or, when that is a venv's, the base
 * interpreter its `pyvenv.cfg` names (`home`), found as Python finds
 * `sys._base_executable` (the same file name in `home`). Reads no more
 * than that one small file and resolves one path.
 *
 * @module
 */

import { basename, join } from "../paths.ts";
import type { Interpreter } from "../python/mod.ts";
import type { VenvInterpreter } from "./layout.ts";
import { VenvUnsupportedError } from "./layout.ts";

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/**
 * `home` of a `pyvenv.cfg`: the first `home = …` line, read line by line as
 * `site.py` does (a multi-line pattern would be quadratic in a run of blank lines).
 */
function configuredHome(config: string): string | undefined {
  for (const line of config.split(/\r\n|[\n\r\u2028\u2029]/)) {
    const equals = line.indexOf("=");
    if (equals > 0 && line.slice(0, equals).trim() === "home") return line.slice(equals + 1).trim();
  }
  return undefined;
}

function baseExecutable(interpreter: Interpreter): string {
  if (!interpreter.isVenv) return interpreter.sysExecutable;
  const configPath = interpreter.probe.pyvenv_cfg;
  let home: string | undefined;
  try {
    home = configPath === null ? undefined : configuredHome(Deno.readTextFileSync(configPath));
  } catch {
    home = undefined;
  }
  const [major, minor] = interpreter.version;
  const names = [
    basename(interpreter.sysExecutable),
    `python${major}.${minor}`,
    `python${major}`,
    "python",
  ];
  for (const name of home === undefined ? [] : names) {
    if (isFile(join(home!, name))) return join(home!, name);
  }
  throw new VenvUnsupportedError(
    interpreter.executable,
    `from ${interpreter.executable}: it is a virtual environment's interpreter, and its base interpreter was not found (home = ${
      home ?? "missing"
    } in ${configPath ?? "pyvenv.cfg"})`,
    "Pass --python with the base interpreter's path.",
  );
}

/**
 * The facts a venv for `interpreter` is laid out from.
 *
 * @throws {VenvUnsupportedError} when `interpreter` is a venv's whose base interpreter is gone.
 * @example
 * ```ts ignore
 * const python = venvInterpreterOf(await findInterpreter({ ... }));
 * python.executable; // "/usr/bin/python3.12"
 * ```
 */
export function venvInterpreterOf(interpreter: Interpreter): VenvInterpreter {
  const executable = baseExecutable(interpreter);
  let realExecutable: string;
  try {
    realExecutable = Deno.realPathSync(executable);
  } catch {
    realExecutable = executable;
  }
  const facts = interpreter.tagFacts;
  const gil = facts.configVars.Py_GIL_DISABLED;
  return {
    executable,
    realExecutable,
    version: interpreter.version,
    implementationName: facts.implementationName,
    system: facts.system,
    is32Bit: facts.is32Bit,
    abiflags: facts.abiflags ?? "",
    freeThreaded: gil === 1 || gil === "1",
  };
}
