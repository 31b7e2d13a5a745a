/**
 * What a new PEP 405 virtual environment consists of, for a given CPython,
 * laid out as that interpreter's own `python -m venv --without-pip` lays it
 * out on POSIX:
 *
 * - `bin/` with `<name>` linked to the interpreter (its own file name, e.g.
 *   `python3` or `python3.12`), and `python`, `python3` and (3.9+)
 *   `python3.X` linked to `<name>` (relative links);
 * - `include/` (3.11+: `include/python3.X` plus the ABI flags),
 *   `lib/python3.X/site-packages` (`python3.Xt` for a free-threaded build,
 *   3.13+), and `lib64` linking to `lib` on 64-bit POSIX other than macOS;
 * - `pyvenv.cfg`, the activation scripts, and (3.13+) a `.gitignore` of `*`.
 *
 * dpip also writes `bin/activate_this.py`, which `python -m venv` does not.
 * Pure: the facts come in, a plan of directories, links and files goes out.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { basename } from "../paths.ts";
import { activationScripts } from "./activation.ts";
import { formatPyvenvConfig } from "./pyvenv_cfg.ts";

/** The interpreter a venv is made for. */
export interface VenvInterpreter {
  /** The interpreter the venv runs (`sys._base_executable`): its links point here. */
  readonly executable: string;
  /** The same, resolved through links. */
  readonly realExecutable: string;
  /** `sys.version_info[:3]`. */
  readonly version: readonly [number, number, number];
  /** `sys.implementation.name`, e.g. `cpython`. */
  readonly implementationName: string;
  /** `platform.system()`, e.g. `Linux`, `Darwin`. */
  readonly system: string;
  /** A 32-bit build (no `lib64` link). */
  readonly is32Bit: boolean;
  /** `sys.abiflags`, e.g. `""`, `t`, `d`. */
  readonly abiflags: string;
  /** A free-threaded build (`Py_GIL_DISABLED`). */
  readonly freeThreaded: boolean;
}

/** How the venv is made. */
export interface VenvOptions {
  /** The venv directory, absolute. */
  readonly dir: string;
  /** `--prompt` as given (`.` means the working directory's name). */
  readonly prompt?: string;
  /** The working directory's name, for `--prompt .`. */
  readonly cwdName?: string;
  /** `--system-site-packages`. */
  readonly systemSitePackages: boolean;
  /** `--clear` (recorded in `pyvenv.cfg`'s command line). */
  readonly clear: boolean;
  /** Whether pip will be installed (`--seed`). */
  readonly withPip: boolean;
}

/** A file of the venv. Paths are relative to the venv directory. */
export interface VenvFile {
  readonly path: string;
  readonly text: string;
}

/** A symbolic link of the venv, from `path` (relative to the venv) to `target` (as written). */
export interface VenvLink {
  readonly path: string;
  readonly target: string;
}

/** Everything a venv consists of. */
export interface VenvLayout {
  /** Directories to create, parents first. */
  readonly dirs: readonly string[];
  readonly links: readonly VenvLink[];
  readonly files: readonly VenvFile[];
  /** The interpreter inside the venv, absolute (`bin/<name>`). */
  readonly python: string;
  /** site-packages, relative to the venv directory. */
  readonly sitePackages: string;
  /** The prompt activation shows. */
  readonly prompt: string;
}

/** The interpreter or the directory cannot make a venv; nothing was written. */
export class VenvUnsupportedError extends DpipError<"venv-unsupported"> {
  /** What is unsupported: the interpreter's path, or the directory. */
  readonly input: string;

  constructor(input: string, why: string, hint: string) {
    super("venv-unsupported", `Cannot create a virtual environment ${why}`, { hint });
    this.name = "VenvUnsupportedError";
    this.input = input;
  }
}

// Control characters would end a line of pyvenv.cfg or of a script; `:` would split PATH.
const UNSAFE_DIR = /[\p{Cc}:]/u;
const UNSAFE_PROMPT = /\p{Cc}/u;

function checkFacts(python: VenvInterpreter, options: VenvOptions): void {
  const [major, minor] = python.version;
  if (major < 3 || (major === 3 && minor < 3)) {
    throw new VenvUnsupportedError(
      python.executable,
      `with Python ${
        python.version.join(".")
      } (${python.executable}): virtual environments (PEP 405) need Python 3.3 or newer`,
      "Pick a Python 3 with --python, or use virtualenv for Python 2.",
    );
  }
  if (python.implementationName !== "cpython") {
    throw new VenvUnsupportedError(
      python.executable,
      `with ${python.implementationName} (${python.executable}): dpip venv lays out CPython environments only`,
      `Use ${python.executable} -m venv for it, or pick a CPython with --python.`,
    );
  }
  if (python.system === "Windows") {
    throw new VenvUnsupportedError(
      python.executable,
      "for a Windows Python: dpip venv lays out POSIX environments only",
      "Use python -m venv on Windows.",
    );
  }
  if (UNSAFE_DIR.test(options.dir)) {
    throw new VenvUnsupportedError(
      options.dir,
      `in ${
        JSON.stringify(options.dir)
      }: the path holds a ':' or a control character, which PATH and the activation scripts cannot carry`,
      "Choose a directory name without them.",
    );
  }
  if (options.prompt !== undefined && UNSAFE_PROMPT.test(options.prompt)) {
    throw new VenvUnsupportedError(
      options.prompt,
      `with the prompt ${JSON.stringify(options.prompt)}: it holds a control character`,
      "Choose a prompt without line breaks or control characters.",
    );
  }
}

/**
 * The layout of a new venv for `python`.
 *
 * @throws {VenvUnsupportedError} for Python 2, non-CPython, Windows, or a
 * directory or prompt that cannot be written safely.
 * @example
 * ```ts
 * import { planVenv } from "./layout.ts";
 * const layout = planVenv({
 *   executable: "/usr/bin/python3", realExecutable: "/usr/bin/python3.11",
 *   version: [3, 11, 2], implementationName: "cpython", system: "Linux",
 *   is32Bit: false, abiflags: "", freeThreaded: false,
 * }, { dir: "/p/.venv", systemSitePackages: false, clear: false, withPip: false });
 * layout.sitePackages; // "lib/python3.11/site-packages"
 * layout.links[0]; // { path: "bin/python3", target: "/usr/bin/python3" }
 * ```
 */
export function planVenv(python: VenvInterpreter, options: VenvOptions): VenvLayout {
  checkFacts(python, options);
  const [major, minor] = python.version;
  const atLeast = (m: number) => major > 3 || minor >= m;
  const xy = `${major}.${minor}`;
  const libDir = `lib/python${xy}${atLeast(13) && python.freeThreaded ? "t" : ""}`;
  const sitePackages = `${libDir}/site-packages`;
  const include = atLeast(11) ? `include/python${xy}${python.abiflags}` : "include";
  const dirs = ["bin", ...(include === "include" ? ["include"] : ["include", include])];
  dirs.push("lib", libDir, sitePackages);

  const name = basename(python.executable);
  const links: VenvLink[] = [{ path: `bin/${name}`, target: python.executable }];
  const aliases = ["python", `python${major}`, ...(atLeast(9) ? [`python${xy}`] : [])];
  for (const alias of aliases) {
    if (alias !== name) links.push({ path: `bin/${alias}`, target: name });
  }
  if (!python.is32Bit && python.system !== "Darwin") links.push({ path: "lib64", target: "lib" });

  const dirName = basename(options.dir);
  const prompt = options.prompt === undefined
    ? undefined
    : options.prompt === "."
    ? options.cwdName ?? dirName
    : options.prompt;
  const config = formatPyvenvConfig({
    executable: python.executable,
    realExecutable: python.realExecutable,
    version: python.version,
    dir: options.dir,
    systemSitePackages: options.systemSitePackages,
    ...(prompt === undefined ? {} : { prompt }),
    ...(options.prompt === undefined ? {} : { promptOption: options.prompt }),
    clear: options.clear,
    withPip: options.withPip,
  });
  const shown = prompt ?? dirName;
  const files: VenvFile[] = [{ path: "pyvenv.cfg", text: config }];
  for (const script of activationScripts({ dir: options.dir, prompt: shown, sitePackages })) {
    files.push({ path: `bin/${script.name}`, text: script.text });
  }
  if (atLeast(13)) {
    files.push({ path: ".gitignore", text: "# A virtual environment made by dpip venv.\n*\n" });
  }
  return {
    dirs,
    links,
    files,
    python: `${options.dir}/bin/${name}`,
    sitePackages,
    prompt: shown,
  };
}
