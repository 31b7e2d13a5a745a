/**
 * PEP 735 dependency groups: `[dependency-groups]` in `pyproject.toml`,
 * resolved as `packaging.dependency_groups.DependencyGroupResolver` (which
 * pip 26's `--group` uses) resolves them: names normalized (`[-_.]+` → `-`,
 * lower case), `{include-group = "name"}` entries followed, duplicates after
 * normalization, unknown groups, include cycles and malformed entries
 * reported in pip's words, as one line naming the file.
 *
 * Pure: the TOML text is passed in.
 *
 * @module
 */

// A full specifier (the version deno.json pins), so lib/ imports without dpip\'s deno.json.
// deno-lint-ignore no-import-prefix
import { parse as parseToml, TomlDate } from "npm:smol-toml@1.9.1";
import { pythonRepr } from "../dists/message.ts";
import { DpipError } from "../errors.ts";
import { parseRequirement } from "../pep508/mod.ts";
import { trimEndChars } from "../trim.ts";

/** A `--group` that cannot be resolved: a missing or malformed table, an unknown group, a cycle. */
export class DependencyGroupError extends DpipError<"dependency-group"> {
  /** The `pyproject.toml` named. */
  readonly file: string;
  /** `message` is pip's wording, naming `file`. */
  constructor(file: string, message: string) {
    super("dependency-group", message, {
      hint:
        "check the [dependency-groups] table of that pyproject.toml and the names passed to --group",
    });
    this.name = "DependencyGroupError";
    this.file = file;
  }
}

/** A `--group` value: the `pyproject.toml` and the group name. */
export interface GroupOption {
  readonly path: string;
  readonly group: string;
}

/**
 * Splits a `--group [PATH:]NAME` value at its last `:` (names cannot contain
 * one); the path defaults to `pyproject.toml` and must name such a file.
 *
 * @throws {DependencyGroupError} when the path does not end in `pyproject.toml`.
 * @example
 * ```ts
 * import { parseGroupOption } from "./dependency_groups.ts";
 * parseGroupOption("sub/pyproject.toml:test"); // { path: "sub/pyproject.toml", group: "test" }
 * parseGroupOption("dev"); // { path: "pyproject.toml", group: "dev" }
 * ```
 */
export function parseGroupOption(value: string): GroupOption {
  const colon = value.lastIndexOf(":");
  if (colon < 0) return { path: "pyproject.toml", group: value };
  const path = value.slice(0, colon);
  const base = trimEndChars(path, "/").split("/").at(-1);
  if (base !== "pyproject.toml") {
    throw new DependencyGroupError(
      path,
      `--group option: invalid value ${
        pythonRepr(value)
      }: group paths use 'pyproject.toml' filenames`,
    );
  }
  return { path, group: value.slice(colon + 1) };
}

/** PEP 735 name normalization: runs of `-`, `_`, `.` become `-`, lower case. */
export function normalizeGroupName(name: string): string {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

/** Python's `repr()` of a parsed TOML value, for messages that quote an entry. */
function valueRepr(value: unknown): string {
  if (typeof value === "string") return pythonRepr(value);
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "bigint" || typeof value === "number") return String(value);
  if (value instanceof TomlDate) return value.toISOString();
  if (Array.isArray(value)) return `[${value.map(valueRepr).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    return `{${
      Object.entries(value).map(([k, v]) => `${pythonRepr(k)}: ${valueRepr(v)}`).join(", ")
    }}`;
  }
  return String(value);
}

type Item = { kind: "requirement"; text: string } | { kind: "include"; raw: string };

/** Resolves groups of one `[dependency-groups]` table (packaging's resolver, error for error). */
class GroupResolver {
  readonly #groups = new Map<string, unknown>();
  readonly #parsed = new Map<string, Item[]>();
  readonly #ancestors = new Map<string, string[]>();
  readonly #resolved = new Map<string, string[]>();

  constructor(table: Readonly<Record<string, unknown>>, errors: string[]) {
    const originals = new Map<string, string[]>();
    for (const [name, value] of Object.entries(table)) {
      const normalized = normalizeGroupName(name);
      originals.set(normalized, [...(originals.get(normalized) ?? []), name]);
      this.#groups.set(normalized, value);
    }
    for (const [normalized, names] of originals) {
      if (names.length > 1) {
        errors.push(`Duplicate dependency group names: ${normalized} (${names.join(", ")})`);
      }
    }
  }

  resolve(group: string, requested: string, errors: string[]): string[] {
    const cached = this.#resolved.get(group);
    if (cached !== undefined) return cached;
    const out: string[] = [];
    for (const item of this.#parse(group, errors)) {
      if (item.kind === "requirement") {
        out.push(item.text);
        continue;
      }
      const include = normalizeGroupName(item.raw);
      const ancestors = this.#ancestors.get(group) ?? [];
      if (ancestors.includes(include)) {
        const reason = item.raw === group
          ? `${group} includes itself`
          : `${item.raw} -> ${group}, ${group} -> ${item.raw}`;
        errors.push(`Cyclic dependency group include while resolving ${requested}: ${reason}`);
      } else {
        this.#ancestors.set(include, [...ancestors, group]);
        for (const text of this.resolve(include, requested, errors)) out.push(text);
      }
    }
    // As packaging: any error so far (in this whole resolution) leaves the group empty, uncached.
    if (errors.length > 0) return [];
    this.#resolved.set(group, out);
    return out;
  }

  #parse(group: string, errors: string[]): Item[] {
    const cached = this.#parsed.get(group);
    if (cached !== undefined) return cached;
    if (!this.#groups.has(group)) {
      errors.push(`Dependency group '${group}' not found`);
      return [];
    }
    const raw = this.#groups.get(group);
    if (typeof raw === "string") {
      errors.push(`Dependency group ${pythonRepr(group)} contained a string rather than a list.`);
      return [];
    }
    if (!Array.isArray(raw)) {
      errors.push(`Dependency group ${pythonRepr(group)} is not a sequence type.`);
      return [];
    }
    const items: Item[] = [];
    for (const entry of raw) {
      if (typeof entry === "string") {
        try {
          items.push({ kind: "requirement", text: String(parseRequirement(entry)) });
        } catch (error) {
          errors.push(error instanceof Error ? error.message : String(error));
        }
      } else if (
        typeof entry === "object" && entry !== null && !Array.isArray(entry) &&
        !(entry instanceof TomlDate)
      ) {
        const keys = Object.keys(entry);
        if (keys.length !== 1 || keys[0] !== "include-group") {
          errors.push(`Invalid dependency group item: ${valueRepr(entry)}`);
        } else if (typeof (entry as Record<string, unknown>)["include-group"] !== "string") {
          errors.push(
            `Dependency group include-group value is not a string: ${valueRepr(entry)}`,
          );
        } else {
          items.push({ kind: "include", raw: (entry as Record<string, string>)["include-group"]! });
        }
      } else {
        errors.push(`Invalid dependency group item: ${valueRepr(entry)}`);
      }
    }
    if (errors.length > 0) return [];
    this.#parsed.set(group, items);
    return items;
  }
}

/**
 * The requirements of `groups` (in order, each group's includes expanded)
 * from the text of the `pyproject.toml` at `path`, as `pip --group` reads
 * them.
 *
 * @throws {DependencyGroupError} for TOML that does not parse, a missing or
 *   malformed `[dependency-groups]` table, duplicate names, an unknown group,
 *   an include cycle or a malformed entry (one line naming `path`).
 * @example
 * ```ts
 * import { dependencyGroupRequirements } from "./dependency_groups.ts";
 * const text = '[dependency-groups]\ntest = ["pytest>=8", {include-group = "Lint"}]\nlint = ["ruff"]\n';
 * dependencyGroupRequirements(text, { path: "pyproject.toml", groups: ["test"] });
 * // ["pytest>=8", "ruff"]
 * ```
 */
export function dependencyGroupRequirements(
  text: string,
  options: { path: string; groups: readonly string[] },
): string[] {
  const { path } = options;
  let document: Record<string, unknown>;
  try {
    document = parseToml(text, { integersAsBigInt: true }) as Record<string, unknown>;
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
    throw new DependencyGroupError(path, `Error parsing ${path}: ${message}`);
  }
  if (!("dependency-groups" in document)) {
    throw new DependencyGroupError(
      path,
      `[dependency-groups] table was missing from '${path}'. Cannot resolve '--group' option.`,
    );
  }
  const table = document["dependency-groups"];
  if (
    typeof table !== "object" || table === null || Array.isArray(table) ||
    table instanceof TomlDate
  ) {
    throw new DependencyGroupError(
      path,
      `[dependency-groups] table was malformed in ${path}. Cannot resolve '--group' option.`,
    );
  }
  const setup: string[] = [];
  const resolver = new GroupResolver(table as Record<string, unknown>, setup);
  if (setup.length > 0) {
    throw new DependencyGroupError(
      path,
      `[dependency-groups] data was invalid in ${path}: ${setup.join("; ")}`,
    );
  }
  const out: string[] = [];
  for (const group of options.groups) {
    const errors: string[] = [];
    const normalized = normalizeGroupName(group);
    const requirements = resolver.resolve(normalized, normalized, errors);
    if (errors.length > 0) {
      throw new DependencyGroupError(
        path,
        `[dependency-groups] resolution failed for '${group}' from '${path}': ${errors.join("; ")}`,
      );
    }
    for (const requirement of requirements) out.push(requirement);
  }
  return out;
}
