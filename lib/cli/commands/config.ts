/**
 * `dpip config list|get|set|unset|edit|debug`, with `--global`, `--user` or
 * `--site` to pick a file, worded as pip words it.
 *
 * @module
 */

import { dirname } from "../../paths.ts";
import { DpipError } from "../../errors.ts";
import {
  type ConfigFile,
  configFilePaths,
  type Configuration,
  type ConfigVariant,
  editConfigText,
  mergedItems,
  normalizeConfigKey,
} from "../configuration.ts";
import type {
  ConfigDebugDocument,
  ConfigGetDocument,
  ConfigListDocument,
} from "../../operations/json_documents.ts";
import type { CommandContext } from "../context.ts";
import { wantsJson, writeJson } from "../json_output.ts";
import { ExitCode } from "../exit_codes.ts";
import { envVarName } from "../options.ts";
import { pythonRepr } from "../render.ts";

const ACTIONS = ["debug", "edit", "get", "list", "set", "unset"];

/** A `config` mistake: unknown action, bad key, missing key. */
export class ConfigCommandError extends DpipError {
  constructor(message: string) {
    super("config-command", message);
    this.name = "ConfigCommandError";
  }
}

function splitKey(key: string): string {
  if (!key.includes(".")) {
    throw new ConfigCommandError(
      `Key does not contain dot separated section and key. Perhaps you wanted to use 'global.${key}' instead?`,
    );
  }
  const dot = key.indexOf(".");
  return `${key.slice(0, dot)}.${normalizeConfigKey(key.slice(dot + 1))}`;
}

function chosenVariant(context: CommandContext): ConfigVariant | undefined {
  const value = context.options.get("configFile");
  return value === "global" || value === "user" || value === "site" ? value : undefined;
}

function filesOf(context: CommandContext, variant: ConfigVariant | undefined): ConfigFile[] {
  return context.configuration.files.filter((f) => variant === undefined || f.variant === variant);
}

/** The file `set`/`unset`/`edit` change: the chosen variant's last file, else site if one exists, else user. */
function fileToEdit(context: CommandContext): string {
  const paths = configFilePaths({
    env: context.io.env,
    ...(context.io.env["VIRTUAL_ENV"] ? { sitePrefix: context.io.env["VIRTUAL_ENV"] } : {}),
  });
  const chosen = chosenVariant(context);
  const siteExists = context.configuration.files.some((f) => f.variant === "site" && f.exists);
  const variant = chosen ?? (siteExists ? "site" : "user");
  const path = paths[variant === "env" ? "user" : variant].at(-1);
  if (path === undefined) {
    throw new ConfigCommandError(
      "There is no site configuration file outside a virtual environment; use --user or --global.",
    );
  }
  return path;
}

function readOptional(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

function list(context: CommandContext): number {
  const variant = chosenVariant(context);
  const items = new Map<string, string>();
  for (const [key, value] of context.configuration.envVars) items.set(`:env:.${key}`, value);
  for (
    const [key, value] of mergedItems({
      ...context.configuration,
      files: filesOf(context, variant),
    })
  ) {
    items.set(key, value);
  }
  const lines = [...items].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (wantsJson(context)) {
    writeJson(
      context.io,
      {
        schema_version: 1,
        items: lines.map(([key, value]) => ({ key, value })),
      } satisfies ConfigListDocument,
    );
    return ExitCode.success;
  }
  for (const [key, value] of lines) context.io.stdout.write(`${key}=${pythonRepr(value)}\n`);
  return ExitCode.success;
}

function get(context: CommandContext, key: string): number {
  const normalized = splitKey(key);
  const variant = chosenVariant(context);
  const items = mergedItems({ ...context.configuration, files: filesOf(context, variant) });
  const value = items.get(normalized) ??
    (normalized.startsWith(":env:.")
      ? context.configuration.envVars.get(normalized.slice(6))
      : undefined);
  if (value === undefined) throw new ConfigCommandError(`No such key - ${key}`);
  if (wantsJson(context)) {
    writeJson(context.io, { schema_version: 1, key, value } satisfies ConfigGetDocument);
  } else context.io.stdout.write(`${value}\n`);
  return ExitCode.success;
}

function change(context: CommandContext, key: string, value: string | undefined): number {
  const normalized = splitKey(key);
  const path = fileToEdit(context);
  const { text, found } = editConfigText(readOptional(path), path, {
    key: normalized,
    ...(value === undefined ? {} : { value }),
  });
  if (value === undefined && !found) throw new ConfigCommandError(`No such key - ${key}`);
  Deno.mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.dpip-${crypto.randomUUID()}`;
  Deno.writeTextFileSync(temporary, text);
  Deno.renameSync(temporary, path);
  context.io.stderr.write(`Writing to ${path}\n`);
  return ExitCode.success;
}

async function edit(context: CommandContext): Promise<number> {
  const editor = context.options.string("editor") ?? context.io.env["VISUAL"] ??
    context.io.env["EDITOR"];
  if (editor === undefined || editor === "") {
    throw new ConfigCommandError(
      "Could not determine editor to use: set --editor, VISUAL or EDITOR.",
    );
  }
  const path = fileToEdit(context);
  Deno.mkdirSync(dirname(path), { recursive: true });
  const [program = editor, ...editorArgs] = editor.split(/\s+/);
  try {
    const status = await new Deno.Command(program, { args: [...editorArgs, path] }).spawn()
      .status;
    if (!status.success) {
      throw new ConfigCommandError(`Editor "${editor}" exited with status ${status.code}.`);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new ConfigCommandError(`Could not run editor "${editor}": command not found.`);
    }
    throw error;
  }
  return ExitCode.success;
}

function debug(context: CommandContext): number {
  if (wantsJson(context)) {
    writeJson(context.io, configDebugDocument(context.configuration));
    return ExitCode.success;
  }
  const out = (line: string) => context.io.stdout.write(`${line}\n`);
  const { configuration } = context;
  out("env_var:");
  for (const [key, value] of configuration.envVars) {
    out(`  ${envVarName(key)}=${pythonRepr(value)}`);
  }
  for (const kind of ["env", "global", "site", "user"] as const) {
    out(`${kind}:`);
    for (const file of configuration.files.filter((f) => f.variant === kind)) {
      out(`  ${file.path}, exists: ${file.exists ? "True" : "False"}`);
      for (const [key, value] of file.items) out(`    ${key}: ${value}`);
    }
  }
  return ExitCode.success;
}

/** `config debug --format json`: the variables, then each file in `config debug`'s order. */
export function configDebugDocument(configuration: Configuration): ConfigDebugDocument {
  return {
    schema_version: 1,
    env_vars: [...configuration.envVars].map(([key, value]) => ({
      name: envVarName(key),
      value,
    })),
    files: (["env", "global", "site", "user"] as const).flatMap((variant) =>
      configuration.files.filter((f) => f.variant === variant).map((file) => ({
        variant,
        path: file.path,
        exists: file.exists,
        items: [...file.items].map(([key, value]) => ({ key, value })),
      }))
    ),
  };
}

/** Runs `dpip config`. */
export async function runConfig(context: CommandContext): Promise<number> {
  const [action, ...rest] = context.args;
  if (action === undefined || !ACTIONS.includes(action)) {
    const what = action === undefined ? "Need an action" : `Unknown action "${action}"`;
    throw new ConfigCommandError(`${what} (${ACTIONS.join(", ")}) to perform.`);
  }
  const expected = { debug: 0, edit: 0, list: 0, get: 1, unset: 1, set: 2 }[action] ?? 0;
  if (rest.length !== expected) {
    const args = { get: "NAME", unset: "NAME", set: "NAME VALUE" }[action] ?? "no arguments";
    throw new ConfigCommandError(`'config ${action}' takes ${args}, got ${rest.length}.`);
  }
  switch (action) {
    case "list":
      return list(context);
    case "get":
      return get(context, rest[0] ?? "");
    case "set":
      return change(context, rest[0] ?? "", rest[1] ?? "");
    case "unset":
      return change(context, rest[0] ?? "", undefined);
    case "edit":
      return await edit(context);
    default:
      return debug(context);
  }
}
