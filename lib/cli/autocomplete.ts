/**
 * The completion protocol the scripts of `dpip completion` speak: when
 * `PIP_AUTO_COMPLETE` is set, the shell passes the command line in
 * `COMP_WORDS` and the index of the word being completed in `COMP_CWORD`,
 * and dpip answers with candidates (then exits with status 1, as pip does).
 *
 * Candidates, as pip computes them:
 * - before a command: the commands (and, for a word starting with `-`, the
 *   general options), on one line separated by spaces;
 * - after `show` or `uninstall`: installed projects starting with the word;
 * - after `install`: files and directories starting with the word;
 * - otherwise the command's options not used yet, one a line, `--long=` for
 *   those that take a value; after an option whose value is a file, a
 *   directory or a path: files and/or directories.
 *
 * @module
 */

import { COMMANDS, type CommandSpec } from "./commands.ts";
import { GENERAL_OPTIONS, type OptionId, OPTIONS, type OptionSpec } from "./options.ts";
import { join, resolve } from "../paths.ts";

/** What {@link autocomplete} completes against. */
export interface AutocompleteOptions {
  /** The working directory that relative paths resolve against. */
  readonly cwd: string;
  /** The command table (default: dpip's). */
  readonly commands?: readonly CommandSpec[];
  /** The installed projects' normalized names, for `show` and `uninstall`. */
  readonly installed?: () => Promise<readonly string[]>;
}

type PathKind = "file" | "dir" | "path";

/**
 * The lines to print for a completion request, or `undefined` when `env`
 * has no `PIP_AUTO_COMPLETE` (a normal run).
 *
 * @example
 * ```ts
 * import { autocomplete } from "./autocomplete.ts";
 * const env = { PIP_AUTO_COMPLETE: "1", COMP_WORDS: "dpip ins", COMP_CWORD: "1" };
 * await autocomplete(env, { cwd: "/" }); // ["install"]
 * ```
 */
export async function autocomplete(
  env: Readonly<Record<string, string>>,
  options: AutocompleteOptions,
): Promise<string[] | undefined> {
  if (env["PIP_AUTO_COMPLETE"] === undefined) return undefined;
  const words = (env["COMP_WORDS"] ?? "").split(/\s+/).filter((w) => w !== "").slice(1);
  const index = Number.parseInt(env["COMP_CWORD"] ?? "", 10);
  const current = (Number.isNaN(index) ? undefined : words.at(index - 1)) ?? "";
  const commands = options.commands ?? COMMANDS;
  const command = words.map((w) => commands.find((c) => c.name === w)).find((c) => c);

  if (command === undefined) {
    const general = GENERAL_OPTIONS.map((id) => OPTIONS[id]);
    let candidates = commands.map((c) => c.name);
    if (current.startsWith("-")) {
      candidates = [...candidates, ...general.flatMap(flagsOf)];
    } else {
      const kind = pathKindAfter(words, index, general);
      if (kind !== undefined) candidates = await completePaths(current, kind, options.cwd);
    }
    return [candidates.filter((c) => c.startsWith(current)).join(" ")];
  }
  if (command.name === "help") return [];
  if (!current.startsWith("-") && (command.name === "show" || command.name === "uninstall")) {
    const lower = current.toLowerCase();
    const installed = (await options.installed?.() ?? [])
      .filter((name) => name.startsWith(lower) && !words.slice(1).includes(name));
    if (installed.length > 0) return installed;
  }
  if (!current.startsWith("-") && command.name === "install") {
    return await completePaths(current, "path", options.cwd);
  }
  const specs = [...command.groups.flatMap((g) => g.options), ...GENERAL_OPTIONS]
    .map((id: OptionId) => OPTIONS[id]);
  const kind = pathKindAfter(words, index, specs);
  if (kind !== undefined) return await completePaths(current, kind, options.cwd);
  const used = new Set(words.slice(1, index - 1).map((w) => w.split("=")[0]));
  return specs.flatMap((spec) =>
    flagsOf(spec)
      .filter((flag) => !used.has(flag) && flag.startsWith(current))
      .map((flag) => flag.startsWith("--") && takesValue(spec) ? `${flag}=` : flag)
  );
}

/** Long spellings first, then short ones, as optparse lists them. */
function flagsOf(spec: OptionSpec): string[] {
  return [
    ...spec.flags.filter((f) => f.startsWith("--")),
    ...spec.flags.filter((f) => !f.startsWith("--")),
  ];
}

function takesValue(spec: OptionSpec): boolean {
  return spec.kind === "string" || spec.kind === "choice" || spec.kind === "number";
}

/** The kind of path to complete when the previous word is an option whose metavar names one. */
function pathKindAfter(
  words: readonly string[],
  index: number,
  specs: readonly OptionSpec[],
): PathKind | undefined {
  const previous = index >= 2 ? words[index - 2] : undefined;
  if (previous === undefined || !previous.startsWith("-")) return undefined;
  const flag = previous.split("=")[0];
  const spec = specs.find((s) => s.flags.includes(flag ?? ""));
  const metavar = spec?.metavar;
  if (metavar === undefined) return undefined;
  const parts = metavar.split("/");
  // A metavar such as `path/url` offers paths; `file` only files, `dir` only directories.
  if (parts.includes("file")) return "file";
  if (parts.includes("dir")) return "dir";
  if (parts.includes("path")) return "path";
  return undefined;
}

/**
 * Entries of the word's directory whose names start with the word's last
 * part: directories (with a trailing `/`) always, files unless `kind` is `dir`.
 */
async function completePaths(current: string, kind: PathKind, cwd: string): Promise<string[]> {
  const slash = current.lastIndexOf("/");
  const directory = slash === -1 ? "" : current.slice(0, slash + 1);
  const prefix = current.slice(slash + 1);
  const absolute = resolve(cwd, directory === "" ? "." : directory);
  const found: string[] = [];
  try {
    for await (const entry of Deno.readDir(absolute)) {
      if (!entry.name.startsWith(prefix)) continue;
      let info: Deno.FileInfo;
      try {
        info = await Deno.stat(join(absolute, entry.name));
      } catch {
        continue;
      }
      const shown = directory + entry.name;
      if (info.isDirectory) found.push(`${shown}/`);
      else if (kind !== "dir" && info.isFile) found.push(shown);
    }
  } catch {
    // An unreadable directory completes nothing.
  }
  return found;
}
