/**
 * Turns argv into a command and its option values, driven by the option table.
 *
 * Like pip: general options may come before the command name, options and
 * arguments may be interleaved after it, unique prefixes of long options are
 * accepted (`--upgr` is `--upgrade`), and `--` ends option parsing. Values set
 * on the command line override configuration files and `PIP_*` variables
 * (`configuration.ts`). Argument scanning itself is `node:util`'s
 * `parseArgs`; this module only builds its configuration from the table and
 * translates its errors into pip's wording.
 *
 * @module
 */

import { parseArgs as nodeParseArgs } from "node:util";
import { UsageError } from "../errors.ts";
import { COMMANDS, type CommandSpec, findCommand } from "./commands.ts";
import { OptionValues } from "./option_values.ts";
import { GENERAL_OPTIONS, longNames, type OptionId, OPTIONS, type OptionSpec } from "./options.ts";

/** The result of parsing argv. */
export interface ParsedArgs {
  /** The command, or undefined for bare `dpip [general options]`. */
  readonly command?: CommandSpec;
  readonly options: OptionValues;
  /** Positional arguments after the command name. */
  readonly args: readonly string[];
}

/** A usage error tied to a command, so the CLI can show that command's usage. */
export class CommandUsageError extends UsageError {
  readonly command?: CommandSpec;
  /** pip prints usage text before these; unknown commands are reported without it. */
  readonly showUsage: boolean;

  constructor(message: string, command?: CommandSpec, showUsage = true) {
    super(message);
    this.name = "CommandUsageError";
    if (command !== undefined) this.command = command;
    this.showUsage = showUsage;
  }
}

/** The option specs a command accepts: its own groups, then the general options. */
export function optionsOf(command: CommandSpec | undefined): OptionSpec[] {
  const ids: OptionId[] = [
    ...(command?.groups.flatMap((g) => g.options) ?? []),
    ...GENERAL_OPTIONS,
  ];
  return [...new Set(ids)].map((id) => OPTIONS[id]);
}

interface ParserTable {
  readonly config: Record<string, { type: "string" | "boolean"; short?: string; multiple: true }>;
  readonly byName: Map<string, OptionSpec>;
  readonly longs: string[];
}

const tables = new Map<string, ParserTable>();

function tableFor(command: CommandSpec | undefined): ParserTable {
  const key = command?.name ?? "";
  const cached = tables.get(key);
  if (cached !== undefined) return cached;
  const config: ParserTable["config"] = {};
  const byName = new Map<string, OptionSpec>();
  for (const spec of optionsOf(command)) {
    const takesValue = spec.kind !== "flag" && spec.kind !== "count";
    const type = takesValue ? "string" : "boolean";
    const short = spec.flags.find((f) => /^-[^-]$/.test(f))?.slice(1);
    const [first, ...aliases] = longNames(spec);
    if (first === undefined) continue;
    config[first] = short === undefined
      ? { type, multiple: true }
      : { type, short, multiple: true };
    byName.set(first, spec);
    for (const alias of aliases) {
      config[alias] = { type, multiple: true };
      byName.set(alias, spec);
    }
  }
  const table = { config, byName, longs: Object.keys(config) };
  tables.set(key, table);
  return table;
}

/** Expands unique prefixes of long options (`--upg` → `--upgrade`), as optparse does. */
function expandPrefixes(args: string[], table: ParserTable, command?: CommandSpec): string[] {
  const out: string[] = [];
  let expectValue = false;
  let ended = false;
  for (const arg of args) {
    if (ended || expectValue || !arg.startsWith("--") || arg === "--") {
      if (arg === "--") ended = true;
      out.push(arg);
      expectValue = false;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    let full = name;
    if (!table.byName.has(name)) {
      const matches = table.longs.filter((l) => l.startsWith(name));
      const specs = new Set(matches.map((m) => table.byName.get(m)));
      if (matches.length > 1 && specs.size > 1) {
        const list = matches.map((m) => `--${m}`).join(", ");
        throw new CommandUsageError(`ambiguous option: --${name} (${list}?)`, command);
      }
      if (matches[0] !== undefined) full = matches[0];
    }
    const spec = table.byName.get(full);
    expectValue = eq === -1 && spec !== undefined && spec.kind !== "flag" &&
      spec.kind !== "count";
    out.push(eq === -1 ? `--${full}` : `--${full}${arg.slice(eq)}`);
  }
  return out;
}

function translate(error: unknown, command: CommandSpec | undefined): never {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const quoted = (/'([^']*)'/.exec(message)?.[1] ?? "").split(/[ ,]+/).filter((s) =>
    s.startsWith("-")
  );
  const option = quoted.find((s) => s.startsWith("--")) ?? quoted[0] ?? "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    throw new CommandUsageError(`no such option: ${option}`, command);
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    if (message.includes("does not take an argument")) {
      throw new CommandUsageError(`${option} option does not take a value`, command);
    }
    throw new CommandUsageError(`${option} option requires 1 argument`, command);
  }
  throw error;
}

/** Checks and converts one value of `spec`, reporting the flag as the user spelled it. */
function convert(spec: OptionSpec, raw: string, spelled: string, command?: CommandSpec) {
  if (spec.kind === "choice" && spec.choices !== undefined && !spec.choices.includes(raw)) {
    const choices = spec.choices.map((c) => `'${c}'`).join(", ");
    throw new CommandUsageError(
      `option ${spelled}: invalid choice: '${raw}' (choose from ${choices})`,
      command,
    );
  }
  if (spec.kind === "number") {
    const value = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(value)) {
      throw new CommandUsageError(`option ${spelled}: invalid number value: '${raw}'`, command);
    }
    return value;
  }
  return raw;
}

function store(
  values: OptionValues,
  spec: OptionSpec,
  raw: string | undefined,
  spelled: string,
  command?: CommandSpec,
): void {
  switch (spec.kind) {
    case "flag":
      values.set(spec.dest, spec.value ?? true, "cli");
      return;
    case "count":
      values.set(spec.dest, values.count(spec.dest) + 1, "cli");
      return;
    default: {
      const value = convert(spec, raw ?? "", spelled, command);
      if (spec.repeatable) {
        const previous = values.sourceOf(spec.dest) === "cli" ? values.strings(spec.dest) : [];
        values.set(spec.dest, [...previous, String(value)], "cli");
      } else {
        values.set(spec.dest, value, "cli");
      }
    }
  }
}

/** Parses `args` for one command (or for the bare general options when `command` is undefined). */
function parseFor(command: CommandSpec | undefined, args: string[], values: OptionValues) {
  const table = tableFor(command);
  let result;
  try {
    result = nodeParseArgs({
      args: expandPrefixes(args, table, command),
      options: table.config,
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch (error) {
    translate(error, command);
  }
  const positionals: string[] = [];
  for (const token of result.tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    const spec = table.byName.get(token.name);
    if (spec !== undefined) store(values, spec, token.value, token.rawName, command);
  }
  return positionals;
}

/** Finds the index of the command name: the first argument that is not a general option. */
function commandIndex(args: string[]): number {
  const table = tableFor(undefined);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--") return i + 1 < args.length ? i + 1 : -1;
    if (!arg.startsWith("-") || arg === "-") return i;
    const name = arg.startsWith("--") ? arg.slice(2).split("=")[0] ?? "" : "";
    const spec = arg.startsWith("--")
      ? table.byName.get(name) ??
        table.byName.get(table.longs.find((l) => l.startsWith(name)) ?? "")
      : [...table.byName.values()].find((s) => s.flags.includes(arg.slice(0, 2)));
    const takesValue = spec !== undefined && spec.kind !== "flag" && spec.kind !== "count";
    const inline = arg.includes("=") || (!arg.startsWith("--") && arg.length > 2);
    if (takesValue && !inline) i++;
  }
  return -1;
}

/**
 * Parses a dpip command line.
 *
 * @example
 * ```ts
 * import { parseArgs } from "./parse_args.ts";
 * const parsed = parseArgs(["-v", "install", "--upgr", "requests"]);
 * parsed.command?.name; // "install"
 * parsed.options.flag("upgrade"); // true
 * ```
 */
export function parseArgs(args: readonly string[]): ParsedArgs {
  const index = commandIndex([...args]);
  const values = new OptionValues();
  if (index === -1) {
    parseFor(undefined, [...args], values);
    return { options: values, args: [] };
  }
  const name = args[index] ?? "";
  const command = findCommand(name);
  if (command === undefined) {
    const guess = closestCommand(name);
    const suffix = guess === undefined ? "" : ` - maybe you meant "${guess}"`;
    throw new CommandUsageError(`unknown command "${name}"${suffix}`, undefined, false);
  }
  const rest = [...args.slice(0, index), ...args.slice(index + 1)];
  const positionals = parseFor(command, rest, values);
  return { command, options: values, args: positionals };
}

/** The known command most similar to `name`, when one is close enough. */
function closestCommand(name: string): string | undefined {
  let best: string | undefined;
  let bestScore = 0.6;
  for (const { name: candidate } of COMMANDS) {
    const score = similarity(name, candidate);
    if (score > bestScore) [best, bestScore] = [candidate, score];
  }
  return best;
}

/** A ratio of matching characters in [0, 1], in the spirit of difflib's quick ratio. */
function similarity(a: string, b: string): number {
  const counts = new Map<string, number>();
  for (const ch of b) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let matches = 0;
  for (const ch of a) {
    const n = counts.get(ch) ?? 0;
    if (n > 0) {
      matches++;
      counts.set(ch, n - 1);
    }
  }
  return (2 * matches) / (a.length + b.length);
}

/** pip's `strtobool`: yes/true/on/1 and no/false/off/0, case-insensitively. */
export function parseBoolean(text: string): boolean | undefined {
  const value = text.trim().toLowerCase();
  if (["y", "yes", "t", "true", "on", "1"].includes(value)) return true;
  if (["n", "no", "f", "false", "off", "0"].includes(value)) return false;
  return undefined;
}

/** Converts a textual setting (environment or config file) to a value of `spec`. */
export function valueFromText(
  spec: OptionSpec,
  raw: string,
  origin: string,
  command?: CommandSpec,
): string | number | boolean | string[] | undefined {
  switch (spec.kind) {
    case "flag": {
      const on = parseBoolean(raw);
      if (on === undefined) {
        throw new CommandUsageError(
          `${origin}=${raw} is not a valid value for ${
            spec.flags.at(-1)
          }: use one of yes, no, true, false, on, off, 1, 0`,
          command,
        );
      }
      // A false value of a positive flag switches it off; of a `--no-*` flag, leaves the default.
      if (on) return spec.value ?? true;
      return spec.value === undefined ? false : undefined;
    }
    case "count": {
      const on = parseBoolean(raw);
      const n = on === undefined ? Number(raw) : on ? 1 : 0;
      if (!Number.isInteger(n) || n < 0) {
        throw new CommandUsageError(
          `${origin}=${raw} is not a valid value for ${
            spec.flags.at(-1)
          }: use a non-negative integer`,
          command,
        );
      }
      return n;
    }
    default:
      if (spec.repeatable) {
        return raw.split(/\s+/).filter((s) => s !== "").map((v) =>
          String(convert(spec, v, origin, command))
        );
      }
      return convert(spec, raw, origin, command);
  }
}
