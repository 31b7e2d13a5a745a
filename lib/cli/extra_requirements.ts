/**
 * Requirements that come from files other than requirements files, as
 * pip 26 reads them: `--group [PATH:]NAME` (PEP 735 dependency groups of a
 * `pyproject.toml`) and `--requirements-from-script FILE` (PEP 723 inline
 * metadata, whose `requires-python` must admit the target). They join the
 * command line's requirements.
 *
 * @module
 */

import { resolve } from "../paths.ts";
import { DpipError, UsageError } from "../errors.ts";
import { pythonRepr } from "../dists/message.ts";
import { parseSpecifierSet } from "../pep440/mod.ts";
import type { Interpreter } from "../python/mod.ts";
import type { CommandContext } from "./context.ts";
import type { InstallServices } from "../operations/install.ts";
import { type Overrides, overridesOf, overridingProvider } from "../operations/overrides.ts";
import { buildSpecification } from "../requirements/specification.ts";
import { readRequirementsLocation } from "./requirement_files.ts";
import { parseReleaseControl, type ReleaseControl } from "../resolver/release_control.ts";
import { appendAll } from "../lists.ts";

async function readText(path: string, cwd: string, missing: string): Promise<string> {
  try {
    return await Deno.readTextFile(resolve(cwd, path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new DpipError("dependency-group", missing);
    throw new DpipError(
      "dependency-group",
      `Error reading ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** `--group` values (in order) as requirement strings. */
export async function groupRequirements(context: CommandContext): Promise<string[]> {
  const out: string[] = [];
  const values = context.options.strings("groups");
  if (values.length === 0) return out;
  // The TOML parser loads only when there is a pyproject.toml to read.
  const { DependencyGroupError, dependencyGroupRequirements, parseGroupOption } = await import(
    "../requirements/dependency_groups.ts"
  );
  for (const value of values) {
    let option;
    try {
      option = parseGroupOption(value);
    } catch (error) {
      if (error instanceof DependencyGroupError) throw new UsageError(error.message);
      throw error;
    }
    const text = await readText(
      option.path,
      context.io.cwd,
      `${option.path} not found. Cannot resolve '--group' option.`,
    );
    appendAll(
      out,
      dependencyGroupRequirements(text, { path: option.path, groups: [option.group] }),
    );
  }
  return out;
}

/** The dependencies of the `--requirements-from-script` script, checked against the target's Python. */
export async function scriptRequirements(
  context: CommandContext,
  interpreter: () => Promise<Interpreter>,
): Promise<string[]> {
  const scripts = context.options.strings("requirementsFromScripts");
  if (scripts.length === 0) return [];
  if (scripts.length > 1) {
    throw new DpipError(
      "conflicting-options",
      "--requirements-from-script can only be given once",
    );
  }
  const script = scripts[0]!;
  const text = await readText(script, context.io.cwd, `No such file: ${pythonRepr(script)}`);
  const { parseScriptMetadata } = await import("../requirements/script_metadata.ts");
  const metadata = parseScriptMetadata(text, script);
  if (metadata.requiresPython !== undefined && !context.options.flag("ignoreRequiresPython")) {
    const version = (await interpreter()).markerEnvironment.python_full_version;
    let allowed = true;
    try {
      allowed = parseSpecifierSet(metadata.requiresPython).contains(version, { prereleases: true });
    } catch {
      // An invalid requires-python does not exclude anything, as pip's check_requires_python.
    }
    if (!allowed) {
      throw new DpipError(
        "invalid-python-version",
        `Script ${pythonRepr(script)} requires a different Python: ${version} not in ${
          pythonRepr(metadata.requiresPython)
        }`,
      );
    }
  }
  return [...metadata.dependencies];
}

/**
 * `--only-deps` conflicts, as pip 26 words them: it cannot be combined with
 * `--no-deps`, `-r`, `--requirements-from-script` or `--group`.
 */
export function checkOnlyDeps(context: CommandContext): void {
  const { options } = context;
  if (!options.flag("onlyDeps")) return;
  const conflicts: string[] = [];
  if (options.flag("noDeps")) conflicts.push("'--no-deps'");
  if (options.strings("requirements").length > 0) conflicts.push("'--requirement'");
  if (options.strings("requirementsFromScripts").length > 0) {
    conflicts.push("'--requirements-from-script'");
  }
  if (options.strings("groups").length > 0) conflicts.push("'--group'");
  if (conflicts.length === 0) return;
  if (conflicts.length > 1) conflicts[conflicts.length - 1] = `or ${conflicts.at(-1)}`;
  throw new DpipError(
    "conflicting-options",
    `Cannot use '--only-dependencies' in combination with ${conflicts.join(", ")}.`,
  );
}

/**
 * `--all-releases`/`--only-final` as a release control; undefined when neither is given.
 * `--pre` with either is a usage error, as in pip 26.
 */
export function releaseControlOf(
  context: CommandContext,
  pre: boolean,
): ReleaseControl | undefined {
  const { options } = context;
  const values = [
    ...options.strings("allReleases").map((v) => ["all-releases", v] as const),
    ...options.strings("onlyFinal").map((v) => ["only-final", v] as const),
  ];
  if (values.length === 0) return undefined;
  if (pre) {
    throw new DpipError(
      "conflicting-options",
      "--pre cannot be used with --all-releases or --only-final.",
    );
  }
  if (values.some(([, v]) => v.startsWith("-"))) {
    throw new UsageError("--all-releases / --only-final option requires 1 argument.");
  }
  return parseReleaseControl(values);
}

/** The settings entry for a release control (none when not given). */
export function releaseControlSetting(
  control: ReleaseControl | undefined,
): { releaseControl?: ReleaseControl } {
  return control === undefined ? {} : { releaseControl: control };
}

/** The `--overrides` files' requirements, by project. */
export async function readOverrides(context: CommandContext): Promise<Overrides> {
  const files = context.options.strings("overrides");
  if (files.length === 0) return new Map();
  const spec = await buildSpecification({ args: [], requirementFiles: files }, {
    cwd: context.io.cwd,
    env: context.io.env,
    read: (location) => readRequirementsLocation(location, context),
    stat: () => undefined,
  });
  return overridesOf(
    spec.requirements.flatMap(({ source }) =>
      source.requirement === undefined ? [] : [source.requirement]
    ),
  );
}

/** `services` with the overrides applied to every distribution's dependencies. */
export function withOverrides(services: InstallServices, overrides: Overrides): InstallServices {
  return overrides.size === 0
    ? services
    : { ...services, provider: overridingProvider(services.provider, overrides) };
}
