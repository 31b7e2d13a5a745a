/**
 * Turns argv into a command and its option values, driven by the option table.
 *
 * Like pip: general options may come before the command name, options and
 * arguments may be interleaved after it, unique prefixes of long options are
 * accepted (`--force-r` is `--force-reinstall`), and `--` ends option parsing. Values set
 * on the command line override configuration files and `PIP_*` variables
 * (`configuration.ts`). Argument scanning itself is `../args.ts`; this module
 * builds its configuration from the table, expands prefixes and reports
 * unknown options and bad values in pip's wording.
 *
 * @module
 */

import { type ArgToken, tokenizeArgs } from "../args.ts";
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
  readonly config: Record<string, { type: "string" | "boolean"; short?: string }>;
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
    config[first] = short === undefined ? { type } : { type, short };
    byName.set(first, spec);
    for (const alias of aliases) {
      config[alias] = { type };
      byName.set(alias, spec);
    }
  }
  const table = { config, byName, longs: Object.keys(config) };
  tables.set(key, table);
  return table;
}

/**
 * The long option that `name` stands for: itself, or the options it is a
 * unique prefix of (`force-r` → `force-reinstall`), as optparse does. Several options
 * sharing a prefix are an error, unless they are aliases of one option.
 */
function expandLong(name: string, table: ParserTable, command?: CommandSpec): string {
  if (table.byName.has(name)) return name;
  const matches = table.longs.filter((l) => l.startsWith(name));
  const specs = new Set(matches.map((m) => table.byName.get(m)));
  if (matches.length > 1 && specs.size > 1) {
    const list = matches.map((m) => `--${m}`).join(", ");
    throw new CommandUsageError(`ambiguous option: --${name} (${list}?)`, command);
  }
  return matches[0] ?? name;
}

/** The spec of an option token, or pip's usage error for an unknown option or a misused value. */
function specOf(
  token: ArgToken & { kind: "option" },
  table: ParserTable,
  command?: CommandSpec,
): OptionSpec {
  const spec = table.byName.get(token.name);
  if (spec === undefined) {
    throw new CommandUsageError(`no such option: ${token.rawName}`, command);
  }
  const takesValue = spec.kind !== "flag" && spec.kind !== "count";
  if (!takesValue && token.value !== undefined) {
    throw new CommandUsageError(`${token.rawName} option does not take a value`, command);
  }
  if (takesValue && token.value === undefined) {
    throw new CommandUsageError(`${token.rawName} option requires 1 argument`, command);
  }
  return spec;
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
  const tokens = tokenizeArgs(args, table.config, {
    expandLong: (name) => expandLong(name, table, command),
  });
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    store(values, specOf(token, table, command), token.value, token.rawName, command);
  }
  return positionals;
}

/**
 * Finds the index of the command name: the first argument that is not a
 * general option or its value. Errors wait for the command's own options.
 */
function commandIndex(args: string[]): number {
  const table = tableFor(undefined);
  const tokens = tokenizeArgs(args, table.config, {
    expandLong: (name) =>
      table.byName.has(name) ? name : table.longs.find((l) => l.startsWith(name)) ?? name,
  });
  return tokens.find((t) => t.kind === "positional")?.index ?? -1;
}

/**
 * Parses a dpip command line.
 *
 * @example
 * ```ts
 * import { parseArgs } from "./parse_args.ts";
 * const parsed = parseArgs(["-v", "install", "--force-r", "requests"]);
 * parsed.command?.name; // "install"
 * parsed.options.flag("forceReinstall"); // true
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
