/**
 * Help screens, generated from the command and option tables in pip's layout.
 *
 * @module
 */

import { COMMANDS, type CommandSpec } from "./commands.ts";
import { GENERAL_OPTIONS, type OptionId, OPTIONS, type OptionSpec } from "./options.ts";

const WIDTH = 78;
const HELP_COLUMN = 30;

/** Wraps `text` to lines of at most `width` characters. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

function flagsText(spec: OptionSpec): string {
  const metavar = spec.kind === "flag" || spec.kind === "count"
    ? ""
    : ` <${spec.metavar ?? "value"}>`;
  const shorts = spec.flags.filter((f) => !f.startsWith("--"));
  const long = spec.flags.find((f) => f.startsWith("--"));
  const spelled = [...shorts, ...(long === undefined ? [] : [long])].join(", ");
  return spelled + metavar;
}

/** One option's help entry: flags, then the help text in a column. */
function optionLines(spec: OptionSpec): string[] {
  const head = `  ${flagsText(spec)}`;
  const body = wrapText(spec.help, WIDTH - HELP_COLUMN);
  const pad = " ".repeat(HELP_COLUMN);
  if (head.length <= HELP_COLUMN - 2) {
    const [first = "", ...rest] = body;
    return [head.padEnd(HELP_COLUMN) + first, ...rest.map((l) => pad + l)];
  }
  return [head, ...body.map((l) => pad + l)];
}

function groupLines(title: string, ids: readonly OptionId[]): string[] {
  return [`${title}:`, ...ids.flatMap((id) => optionLines(OPTIONS[id])), ""];
}

/** The usage block of a command (or of dpip itself). */
export function formatUsage(program: string, command?: CommandSpec): string {
  const usages = command?.usage ?? ["<command> [options]"];
  return ["", "Usage:   ", ...usages.map((u) => `  ${program} ${u}`), ""].join("\n");
}

/** `dpip --help`: usage, the command list and the general options. */
export function formatMainHelp(program: string): string {
  const commands = COMMANDS.map((c) => `  ${c.name.padEnd(HELP_COLUMN - 2)}${c.summary}`);
  return [
    formatUsage(program),
    "Commands:",
    ...commands,
    "",
    ...groupLines("General Options", GENERAL_OPTIONS),
  ].join("\n");
}

/** `dpip COMMAND --help`: usage, description, the command's groups and the general options. */
export function formatCommandHelp(program: string, command: CommandSpec): string {
  const description = command.description === undefined
    ? []
    : ["Description:", ...wrapText(command.description, WIDTH - 2).map((l) => `  ${l}`), ""];
  return [
    formatUsage(program, command),
    ...description,
    ...command.groups.flatMap((g) => groupLines(g.title, g.options)),
    ...groupLines("General Options", GENERAL_OPTIONS),
  ].join("\n");
}
