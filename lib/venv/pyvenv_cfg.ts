/**
 * A venv's `pyvenv.cfg` (PEP 405), written line for line as the interpreter's
 * own `python -m venv` writes it, so tools that read it (and dpip's venv
 * templates, which compare configs) see no difference:
 *
 * - `home`: the directory of the interpreter the venv runs (not resolved
 *   through links: `sys._base_executable`'s directory);
 * - `include-system-site-packages`, `version` (`X.Y.Z`);
 * - `prompt`, only when one was given, as Python's `repr()` of it;
 * - from 3.11: `executable` (the interpreter, resolved through links) and
 *   `command` (the `python -m venv` command line that makes the same venv).
 *
 * Pure: the caller supplies the facts.
 *
 * @module
 */

import { dirname } from "../paths.ts";

/** What `pyvenv.cfg` records. */
export interface PyvenvConfigFacts {
  /** The interpreter the venv's links point to, as given (not resolved). */
  readonly executable: string;
  /** The same, resolved through links (`os.path.realpath`). */
  readonly realExecutable: string;
  /** `sys.version_info[:3]`. */
  readonly version: readonly [number, number, number];
  /** The venv directory, absolute. */
  readonly dir: string;
  readonly systemSitePackages: boolean;
  /** The prompt to record (after `.` was replaced by the working directory's name). */
  readonly prompt?: string;
  /** `--prompt` as given, for the command line. */
  readonly promptOption?: string;
  readonly clear: boolean;
  /** Whether pip is installed (else the command line says `--without-pip`). */
  readonly withPip: boolean;
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, "0");
}

/**
 * Python's `repr()` of a `str`: single quotes unless the text holds a single
 * quote and no double quote; backslash escapes for the quote, backslashes,
 * `\t\n\r` and characters Python does not print.
 *
 * @example
 * ```ts
 * import { pythonStringRepr } from "./pyvenv_cfg.ts";
 * pythonStringRepr("it's"); // "\"it's\""
 * pythonStringRepr("a\tb"); // "'a\\tb'"
 * ```
 */
export function pythonStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === quote || char === "\\") out += "\\" + char;
    else if (char === "\t") out += "\\t";
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char !== " " && /[\p{C}\p{Z}]/u.test(char)) {
      out += code < 0x100
        ? `\\x${hex(code, 2)}`
        : code < 0x10000
        ? `\\u${hex(code, 4)}`
        : `\\U${hex(code, 8)}`;
    } else out += char;
  }
  return out + quote;
}

/**
 * The text of `pyvenv.cfg` for a new venv.
 *
 * @example
 * ```ts
 * import { formatPyvenvConfig } from "./pyvenv_cfg.ts";
 * formatPyvenvConfig({
 *   executable: "/usr/bin/python3", realExecutable: "/usr/bin/python3.11", version: [3, 11, 2],
 *   dir: "/p/.venv", systemSitePackages: false, clear: false, withPip: false,
 * });
 * // "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n" +
 * // "executable = /usr/bin/python3.11\ncommand = /usr/bin/python3 -m venv --without-pip /p/.venv\n"
 * ```
 */
export function formatPyvenvConfig(facts: PyvenvConfigFacts): string {
  const [major, minor, micro] = facts.version;
  const lines = [
    `home = ${dirname(facts.executable)}`,
    `include-system-site-packages = ${facts.systemSitePackages}`,
    `version = ${major}.${minor}.${micro}`,
  ];
  if (facts.prompt !== undefined) lines.push(`prompt = ${pythonStringRepr(facts.prompt)}`);
  if (major > 3 || (major === 3 && minor >= 11)) {
    lines.push(`executable = ${facts.realExecutable}`);
    const args: string[] = [];
    if (!facts.withPip) args.push("--without-pip");
    if (facts.systemSitePackages) args.push("--system-site-packages");
    if (facts.clear) args.push("--clear");
    if (facts.promptOption !== undefined) args.push(`--prompt="${facts.promptOption}"`);
    args.push(facts.dir);
    lines.push(`command = ${facts.executable} -m venv ${args.join(" ")}`);
  }
  return lines.map((line) => line + "\n").join("");
}
