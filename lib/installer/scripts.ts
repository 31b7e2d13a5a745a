/**
 * Console and GUI script launchers, and the `#!python` shebang rewrite of a
 * wheel's `.data/scripts`, as pip produces them on POSIX.
 *
 * A launcher is a small Python script: a shebang naming the target
 * interpreter, then code that imports the entry point's object and exits
 * with its return value. The shebang is `#!<python>` when that is a valid
 * POSIX shebang (no space, at most 127 bytes in all, 512 on macOS); otherwise
 * it is the `/bin/sh` trick that re-executes the file with the interpreter,
 * quoting a path with spaces. GUI scripts get the same launcher on POSIX.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import {
  consoleScripts,
  type EntryPoint,
  guiScripts,
  parseEntryPointReference,
  scriptNameProblem,
} from "../dists/entry_points.ts";
import { appendAll } from "../lists.ts";

/** An entry point that cannot become a launcher (no callable after `:`, or a name that is not a plain file name). */
export class InvalidScriptEntryPointError extends DpipError {
  /** The `name = value` line. */
  readonly input: string;

  constructor(input: string, reason: string, cause?: unknown) {
    super("invalid-script-entry-point", `invalid script entry point "${input}": ${reason}`, {
      cause,
    });
    this.name = "InvalidScriptEntryPointError";
    this.input = input;
  }
}

/** A launcher to write into the scripts directory. */
export interface Launcher {
  /** The file name in the scripts directory. */
  readonly name: string;
  /** The whole file, shebang included. */
  readonly content: string;
}

const encoder = new TextEncoder();

/**
 * The shebang block for `python`, ending with a newline.
 *
 * @example
 * ```ts
 * import { launcherShebang } from "./scripts.ts";
 * launcherShebang("/venv/bin/python"); // "#!/venv/bin/python\n"
 * launcherShebang("/my venv/bin/python");
 * // "#!/bin/sh\n'''exec' \"/my venv/bin/python\" \"$0\" \"$@\"\n' '''\n"
 * ```
 */
export function launcherShebang(python: string, options: { platform?: string } = {}): string {
  const executable = python.includes(" ") ? `"${python}"` : python;
  const limit = (options.platform ?? Deno.build.os) === "darwin" ? 512 : 127;
  // "#!" + executable + "\n", counted in bytes.
  const simple = !executable.includes(" ") && encoder.encode(executable).length + 3 <= limit;
  if (simple) return `#!${executable}\n`;
  return `#!/bin/sh\n'''exec' ${executable} "$0" "$@"\n' '''\n`;
}

/** The Python body of a launcher for `module:attr` (after the shebang). */
function launcherBody(module: string, attr: string): string {
  const importName = attr.split(".")[0] ?? attr;
  return [
    "# -*- coding: utf-8 -*-",
    "import re",
    "import sys",
    `from ${module} import ${importName}`,
    "if __name__ == '__main__':",
    "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])",
    `    sys.exit(${attr}())`,
    "",
  ].join("\n");
}

/** Inputs for {@link launchersFor}. */
export interface LaunchersOptions {
  /** The interpreter path written into shebangs. */
  readonly python: string;
  /** The target interpreter's `[major, minor]`, for pip's `pipX.Y` names. */
  readonly pythonVersion: readonly [number, number];
  /** The environment, for `ENSUREPIP_OPTIONS=altinstall`. */
  readonly env?: Readonly<Record<string, string>>;
  readonly platform?: string;
}

/**
 * The launchers for a distribution's `console_scripts` and `gui_scripts`, in
 * pip's naming: a `pip` entry point becomes `pip`, `pip3` and `pip3.X` (no
 * plain `pip` under `ENSUREPIP_OPTIONS=altinstall`), `easy_install` becomes
 * `easy_install` and `easy_install-3.X`, and the entry points that pip's
 * versioned names would shadow are dropped.
 *
 * @throws {InvalidScriptEntryPointError} for a value without `:callable`, or a
 *   name that is not a plain file name (`../../x`, `/abs`, `sub/x`): it would
 *   be written outside the scripts directory.
 */
export function launchersFor(
  entryPoints: readonly EntryPoint[],
  options: LaunchersOptions,
): Launcher[] {
  const [major, minor] = options.pythonVersion;
  const console = new Map(consoleScripts(entryPoints).map((entry) => [entry.name, entry.value]));
  const specs: [string, string][] = [];
  const pip = console.get("pip");
  if (pip !== undefined) {
    if (options.env?.["ENSUREPIP_OPTIONS"] !== "altinstall") specs.push(["pip", pip]);
    specs.push([`pip${major}`, pip], [`pip${major}.${minor}`, pip]);
    for (const name of [...console.keys()]) {
      if (/^pip(\d+(\.\d+)?)?$/.test(name)) console.delete(name);
    }
  }
  const easyInstall = console.get("easy_install");
  if (easyInstall !== undefined) {
    if (options.env?.["ENSUREPIP_OPTIONS"] !== "altinstall") {
      specs.push(["easy_install", easyInstall]);
    }
    specs.push([`easy_install-${major}.${minor}`, easyInstall]);
    for (const name of [...console.keys()]) {
      if (/^easy_install(-\d+\.\d+)?$/.test(name)) console.delete(name);
    }
  }
  appendAll(specs, console);
  for (const entry of guiScripts(entryPoints)) specs.push([entry.name, entry.value]);

  const shebang = launcherShebang(options.python, { platform: options.platform ?? Deno.build.os });
  return specs.map(([name, value]) => {
    const nameProblem = scriptNameProblem(name);
    if (nameProblem !== undefined) {
      throw new InvalidScriptEntryPointError(`${name} = ${value}`, nameProblem);
    }
    let reference;
    try {
      reference = parseEntryPointReference(value);
    } catch (error) {
      throw new InvalidScriptEntryPointError(`${name} = ${value}`, "not 'module:callable'", error);
    }
    if (reference.attr === undefined) {
      throw new InvalidScriptEntryPointError(`${name} = ${value}`, "a callable suffix is required");
    }
    return { name, content: shebang + launcherBody(reference.module, reference.attr) };
  });
}

/**
 * Rewrites a script's `#!python` (or `#!pythonw`) first line to `#!<python>`,
 * as pip does for a wheel's `.data/scripts`; returns undefined when the file
 * does not start with `#!python`.
 *
 * @example
 * ```ts
 * import { rewriteScriptShebang } from "./scripts.ts";
 * const out = rewriteScriptShebang(new TextEncoder().encode("#!python\nprint(1)\n"), "/v/bin/python");
 * new TextDecoder().decode(out); // "#!/v/bin/python\nprint(1)\n"
 * ```
 */
export function rewriteScriptShebang(
  content: Uint8Array,
  python: string,
): Uint8Array | undefined {
  const marker = [0x23, 0x21, 0x70, 0x79, 0x74, 0x68, 0x6f, 0x6e]; // "#!python"
  if (content.length < marker.length || marker.some((byte, at) => content[at] !== byte)) {
    return undefined;
  }
  let lineEnd = content.indexOf(0x0a);
  lineEnd = lineEnd < 0 ? content.length : lineEnd + 1;
  const head = encoder.encode(`#!${python}\n`);
  const out = new Uint8Array(head.length + content.length - lineEnd);
  out.set(head);
  out.set(content.subarray(lineEnd), head.length);
  return out;
}
