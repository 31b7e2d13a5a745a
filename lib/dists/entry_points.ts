/**
 * `entry_points.txt` (the entry points specification): INI-style sections
 * naming groups, each line `name = module:attr [extras]`. Read the way
 * `importlib.metadata` reads it, which is what pip uses to make
 * `console_scripts` and `gui_scripts` launchers.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { quoted } from "./message.ts";
import { splitLines, stripPython } from "./python_text.ts";
import { trimChars } from "../trim.ts";

/** An `entry_points.txt` line or value that cannot be read. */
export class InvalidEntryPointError extends DpipError {
  /** The offending line or value. */
  readonly input: string;
  /** The 1-based line number, when parsing a file. */
  readonly line?: number;

  constructor(input: string, why: string, line?: number) {
    const where = line === undefined ? "" : ` on line ${line}`;
    super("invalid-entry-point", `Invalid entry point ${quoted(input)}${where}: ${why}`);
    this.name = "InvalidEntryPointError";
    this.input = input;
    if (line !== undefined) this.line = line;
  }
}

/** One `name = value` line of a group. */
export interface EntryPoint {
  /** The section, e.g. `console_scripts`. */
  readonly group: string;
  /** The name left of `=`, stripped. */
  readonly name: string;
  /** The object reference right of `=`, stripped: `module:attr [extras]`. */
  readonly value: string;
}

/** The parts of an entry point's object reference. */
export interface EntryPointReference {
  /** The dotted module path, e.g. `pkg.cli`. */
  readonly module: string;
  /** The dotted attribute path after `:`, e.g. `main` or `App.run`; absent for a module. */
  readonly attr?: string;
  /** The extras in `[...]` (words only, in order). */
  readonly extras: string[];
}

/**
 * Parses `entry_points.txt`: blank lines and lines starting with `#` are
 * skipped, `[group]` starts a group, every other line in a group is
 * `name = value`; lines before the first group are ignored.
 *
 * @throws {InvalidEntryPointError} for a line in a group without `=`.
 * @example
 * ```ts
 * import { parseEntryPoints } from "./entry_points.ts";
 * parseEntryPoints("[console_scripts]\nblack = black:patched_main\n");
 * // [{ group: "console_scripts", name: "black", value: "black:patched_main" }]
 * ```
 */
export function parseEntryPoints(text: string): EntryPoint[] {
  const entryPoints: EntryPoint[] = [];
  let group: string | undefined;
  splitLines(text).forEach((raw, index) => {
    const line = stripPython(raw);
    if (line === "" || line.startsWith("#")) return;
    if (line.startsWith("[") && line.endsWith("]")) {
      group = trimChars(line, "[]");
      return;
    }
    if (group === undefined) return;
    const equals = line.indexOf("=");
    if (equals < 0) throw new InvalidEntryPointError(line, "expected 'name = value'", index + 1);
    entryPoints.push({
      group,
      name: stripPython(line.slice(0, equals)),
      value: stripPython(line.slice(equals + 1)),
    });
  });
  return entryPoints;
}

const referencePattern =
  /^(?<module>[\p{L}\p{N}_.]+)\s*(?::\s*(?<attr>[\p{L}\p{N}_.]+)\s*)?(?:(?<extras>\[.*\])\s*)?$/u;

/**
 * Splits an object reference `module:attr [extras]` into its parts.
 *
 * @throws {InvalidEntryPointError} when the value is not an object reference.
 * @example
 * ```ts
 * import { parseEntryPointReference } from "./entry_points.ts";
 * parseEntryPointReference("pkg.cli:App.main [color]"); // { module: "pkg.cli", attr: "App.main", extras: ["color"] }
 * ```
 */
export function parseEntryPointReference(value: string): EntryPointReference {
  const match = referencePattern.exec(value);
  if (match === null) {
    throw new InvalidEntryPointError(value, "expected 'module:attr [extras]'");
  }
  const groups = match.groups ?? {};
  const reference: { module: string; attr?: string; extras: string[] } = {
    module: groups["module"] ?? "",
    extras: groups["extras"]?.match(/[\p{L}\p{N}_]+/gu) ?? [],
  };
  if (groups["attr"] !== undefined) reference.attr = groups["attr"];
  return reference;
}

/**
 * Why `name` cannot be a script's file name, or undefined when it can: a
 * console or GUI script's name must be a plain file name (no `/` or backslash, not
 * empty, `.` or `..`, no NUL), since installers join it onto the scripts
 * directory. pip 26 refuses names that leave that directory; a name with a
 * directory part is refused too (the entry points specification: the name is
 * "usable as a command").
 *
 * @example
 * ```ts
 * import { scriptNameProblem } from "./entry_points.ts";
 * scriptNameProblem("black"); // undefined
 * scriptNameProblem("../../bin/evil"); // "its name is not a plain file name"
 * ```
 */
export function scriptNameProblem(name: string): string | undefined {
  if (name === "" || name === "." || name === ".." || /[/\\\0]/.test(name)) {
    return "its name is not a plain file name";
  }
  return undefined;
}

function scripts(entryPoints: readonly EntryPoint[], group: string): EntryPoint[] {
  const byName = new Map<string, EntryPoint>();
  for (const entryPoint of entryPoints) {
    if (entryPoint.group === group) byName.set(entryPoint.name, entryPoint);
  }
  return [...byName.values()];
}

/**
 * The `console_scripts` entry points, one per name (a repeated name keeps its
 * first position and its last value, as pip does).
 */
export function consoleScripts(entryPoints: readonly EntryPoint[]): EntryPoint[] {
  return scripts(entryPoints, "console_scripts");
}

/** The `gui_scripts` entry points, one per name, like {@link consoleScripts}. */
export function guiScripts(entryPoints: readonly EntryPoint[]): EntryPoint[] {
  return scripts(entryPoints, "gui_scripts");
}
