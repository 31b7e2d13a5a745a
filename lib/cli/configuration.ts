/**
 * pip's configuration, read exactly as pip reads it.
 *
 * Files, from lowest to highest precedence: global (`$XDG_CONFIG_DIRS/pip/pip.conf`,
 * default `/etc/xdg/pip/pip.conf`, then `/etc/pip.conf`), user (legacy
 * `~/.pip/pip.conf`, then `$XDG_CONFIG_HOME/pip/pip.conf`), site
 * (`<environment prefix>/pip.conf`), and the file named by `PIP_CONFIG_FILE`.
 * `PIP_CONFIG_FILE=/dev/null` skips every file; `--isolated` (or an existing
 * `PIP_CONFIG_FILE`) skips the user files. Then `PIP_*` variables, which
 * `--isolated` ignores. Within the files, a `[command]` section overrides
 * `[global]`. Keys are normalized (`index_url`, `--index-url` → `index-url`).
 *
 * @module
 */

import { join } from "../paths.ts";
import type { CommandSpec } from "./commands.ts";
import { formatIni, type IniDocument, parseIni } from "./ini.ts";
import { configKeysOf, envVarName, type OptionSpec } from "./options.ts";
import { optionsOf, parseBoolean, type ParsedArgs, valueFromText } from "./parse_args.ts";
import { appendAll } from "../lists.ts";

/** Where a configuration value comes from, as `pip config debug` names them. */
export type ConfigVariant = "global" | "user" | "site" | "env";

/** One configuration file and what it holds. */
export interface ConfigFile {
  readonly variant: ConfigVariant;
  readonly path: string;
  readonly exists: boolean;
  /** `section.key` → value, in file order. Empty when the file does not exist. */
  readonly items: ReadonlyMap<string, string>;
}

/** Everything configuration-related dpip read at start-up. */
export interface Configuration {
  /** Files in precedence order, lowest first (global, user, site, env). */
  readonly files: readonly ConfigFile[];
  /** True when `PIP_CONFIG_FILE` is the null device and no file was read. */
  readonly skipped: boolean;
  /** `PIP_*` variables as normalized keys (`index-url`), unless isolated. */
  readonly envVars: ReadonlyMap<string, string>;
}

/** Inputs of {@link loadConfiguration}. */
export interface ConfigurationOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly isolated: boolean;
  /** The target environment's prefix (`sys.prefix`), for the site file. */
  readonly sitePrefix?: string;
  /** Reads a file, or returns undefined when it does not exist. Defaults to the real file system. */
  readonly readFile?: (path: string) => string | undefined;
}

const NULL_DEVICE = "/dev/null";
const IGNORED_ENV_NAMES = new Set(["version", "help", "config-file"]);

/** Normalizes a configuration key: lower case, `_` → `-`, no leading `--`. */
export function normalizeConfigKey(name: string): string {
  const key = name.toLowerCase().replaceAll("_", "-");
  return key.startsWith("--") ? key.slice(2) : key;
}

/** The candidate files of each variant, in pip's order within the variant. */
export function configFilePaths(
  options: { env: Readonly<Record<string, string>>; sitePrefix?: string },
): Record<Exclude<ConfigVariant, "env">, string[]> {
  const { env } = options;
  const home = env["HOME"] ?? "";
  const xdgDirs = (env["XDG_CONFIG_DIRS"] || "/etc/xdg").split(":").filter((d) => d !== "");
  const xdgHome = env["XDG_CONFIG_HOME"] || join(home, ".config");
  return {
    global: [...xdgDirs.map((d) => join(d, "pip", "pip.conf")), "/etc/pip.conf"],
    user: [join(home, ".pip", "pip.conf"), join(xdgHome, "pip", "pip.conf")],
    site: options.sitePrefix === undefined ? [] : [join(options.sitePrefix, "pip.conf")],
  };
}

function readRealFile(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.IsADirectory) {
      return undefined;
    }
    throw error;
  }
}

function flatten(doc: IniDocument): Map<string, string> {
  const items = new Map<string, string>();
  for (const [section, entries] of doc) {
    for (const [key, value] of entries) items.set(`${section}.${normalizeConfigKey(key)}`, value);
  }
  return items;
}

/** Reads every configuration file and `PIP_*` variable, as pip does at start-up. */
export function loadConfiguration(options: ConfigurationOptions): Configuration {
  const { env, isolated } = options;
  const readFile = options.readFile ?? readRealFile;
  const envFile = env["PIP_CONFIG_FILE"];
  const envVars = new Map<string, string>();
  if (!isolated) {
    for (const [name, value] of Object.entries(env)) {
      if (!name.startsWith("PIP_")) continue;
      const key = normalizeConfigKey(name.slice(4));
      if (!IGNORED_ENV_NAMES.has(key)) envVars.set(key, value);
    }
  }
  if (envFile === NULL_DEVICE) return { files: [], skipped: true, envVars };

  const paths = configFilePaths(options);
  const load = (variant: ConfigVariant, path: string): ConfigFile => {
    const text = readFile(path);
    return {
      variant,
      path,
      exists: text !== undefined,
      items: text === undefined ? new Map() : flatten(parseIni(text, path)),
    };
  };
  const files: ConfigFile[] = paths.global.map((p) => load("global", p));
  const envFileLoaded = envFile === undefined || envFile === "" ? undefined : load("env", envFile);
  if (!isolated && !(envFileLoaded?.exists ?? false)) {
    appendAll(files, paths.user.map((p) => load("user", p)));
  }
  appendAll(files, paths.site.map((p) => load("site", p)));
  if (envFileLoaded !== undefined) files.push(envFileLoaded);
  return { files, skipped: false, envVars };
}

/** The merged `section.key` → value map of the files (later files win), as `pip config list` shows. */
export function mergedItems(config: Configuration): Map<string, string> {
  const merged = new Map<string, string>();
  for (const file of config.files) {
    for (const [key, value] of file.items) merged.set(key, value);
  }
  return merged;
}

function specsByKey(command: CommandSpec | undefined): Map<string, OptionSpec> {
  const byKey = new Map<string, OptionSpec>();
  for (const spec of optionsOf(command)) {
    for (const key of configKeysOf(spec)) byKey.set(key, spec);
  }
  return byKey;
}

/**
 * Applies configuration below the command line: `[global]`, then the
 * command's own section, then `PIP_*` variables. Unknown keys are ignored, as
 * pip ignores them.
 */
export function applyConfiguration(parsed: ParsedArgs, config: Configuration): void {
  const byKey = specsByKey(parsed.command);
  const merged = mergedItems(config);
  const sections = ["global", ...(parsed.command === undefined ? [] : [parsed.command.name])];
  for (const section of sections) {
    for (const [sectionKey, value] of merged) {
      const dot = sectionKey.indexOf(".");
      if (sectionKey.slice(0, dot) !== section) continue;
      const spec = byKey.get(sectionKey.slice(dot + 1));
      if (spec === undefined || value === "") continue;
      const converted = valueFromText(spec, value, sectionKey, parsed.command);
      if (converted !== undefined) parsed.options.set(spec.dest, converted, "config");
    }
  }
  for (const [key, value] of config.envVars) {
    const spec = byKey.get(key);
    if (spec === undefined) continue;
    const converted = valueFromText(spec, value, envVarName(key), parsed.command);
    if (converted !== undefined) parsed.options.set(spec.dest, converted, "env");
  }
}

/** Whether `--isolated` or a true `PIP_ISOLATED` is in effect. */
export function isIsolated(parsed: ParsedArgs, env: Readonly<Record<string, string>>): boolean {
  if (parsed.options.flag("isolated")) return true;
  const raw = env["PIP_ISOLATED"];
  return raw !== undefined && parseBoolean(raw) === true;
}

/** Sets or removes `section.key` in the INI text of a file, returning the new text. */
export function editConfigText(
  text: string | undefined,
  path: string,
  edit: { key: string; value?: string },
): { text: string; found: boolean } {
  const doc = text === undefined ? new Map() : parseIni(text, path);
  const dot = edit.key.indexOf(".");
  const section = edit.key.slice(0, dot);
  const name = edit.key.slice(dot + 1);
  const entries: Map<string, string> = doc.get(section) ?? new Map();
  const found = entries.has(name);
  if (edit.value === undefined) {
    entries.delete(name);
    if (entries.size === 0) doc.delete(section);
  } else {
    entries.set(name, edit.value);
    doc.set(section, entries);
  }
  return { text: formatIni(doc), found };
}
