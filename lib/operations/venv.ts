/**
 * `dpip venv`: a PEP 405 virtual environment written without running Python
 * (`../venv/`), then, with `seed`, pip (and setuptools and wheel for Pythons
 * before 3.12) installed into it from the configured indexes by dpip's own
 * install pipeline, called as a library function.
 *
 * The new venv's interpreter facts come from `queryInterpreter`, which
 * derives them from another venv of the same interpreter when one was probed
 * before (`../python/venv_template.ts`), so seeding usually spawns no probe.
 * When seeding fails, a directory this run made is removed again.
 *
 * @module
 */

import { type Interpreter, queryInterpreter, type QueryInterpreterOptions } from "../python/mod.ts";
import type { RequirementsSpecification } from "../requirements/specification.ts";
import {
  type CreatedVenv,
  createVenv,
  removeMadeDirectory,
  seedProjects,
  type VenvInterpreter,
  venvInterpreterOf,
  type VenvOptions,
} from "../venv/mod.ts";
import type { LinkMode } from "../installer/wheel_cache.ts";
import type { InstallOutcome, InstallReporter, InstallServices } from "./install.ts";
import type { VenvDocument } from "./json_documents.ts";

/** How to install the seed projects. */
export interface SeedOptions {
  /** The indexes, downloader and cache the install pipeline uses. */
  readonly services: InstallServices;
  readonly reporter?: InstallReporter;
  readonly linkMode?: LinkMode;
  /** The environment for builds and the interpreter. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Options for {@link createEnvironment}. */
export interface CreateEnvironmentOptions {
  /** Where and how (the `withPip` flag follows `seed`). */
  readonly venv: Omit<VenvOptions, "withPip">;
  /** Install pip (and setuptools and wheel before 3.12) into the new venv. */
  readonly seed?: SeedOptions;
  /** How the new venv's interpreter is queried when seeding (its cache root, env, cwd). */
  readonly query: QueryInterpreterOptions;
}

/** What {@link createEnvironment} made. */
export interface CreatedEnvironment {
  /** The interpreter the venv runs. */
  readonly base: VenvInterpreter;
  readonly venv: CreatedVenv;
  /** The seed install's outcome (with `seed`). */
  readonly seeded?: InstallOutcome;
}

async function seedSpecification(
  projects: readonly string[],
  cwd: string,
): Promise<RequirementsSpecification> {
  const { emptyFileOptions } = await import("../requirements/requirements_txt.ts");
  const { parseRequirementSource } = await import("../requirements/source.ts");
  return {
    requirements: projects.map((project) => ({
      source: parseRequirementSource(project, { cwd, stat: () => undefined }),
      hashes: {},
      configSettings: {},
    })),
    constraints: [],
    fileOptions: emptyFileOptions(),
  };
}

async function seed(
  created: CreatedVenv,
  base: VenvInterpreter,
  options: CreateEnvironmentOptions,
  seedOptions: SeedOptions,
): Promise<InstallOutcome> {
  const interpreter = await queryInterpreter(created.layout.python, options.query);
  const spec = await seedSpecification(seedProjects(base.version), options.query.cwd);
  // The install pipeline loads only when seeding: a plain venv needs none of it.
  const { installRequirements } = await import("./install.ts");
  return await installRequirements(spec, {
    settings: {
      upgrade: false,
      upgradeStrategy: "only-if-needed",
      forceReinstall: false,
      ignoreInstalled: false,
      noDeps: false,
      pre: false,
      ignoreRequiresPython: false,
      dryRun: false,
      requireHashes: false,
      compile: false,
      ...(seedOptions.linkMode === undefined ? {} : { linkMode: seedOptions.linkMode }),
      breakSystemPackages: false,
      warnConflicts: false,
      // The venv's bin is not on PATH until it is activated: no warning about that.
      warnScriptLocation: false,
      report: false,
    },
    target: { interpreter, scheme: { kind: "default" } },
    services: seedOptions.services,
    ...(seedOptions.reporter === undefined ? {} : { reporter: seedOptions.reporter }),
    ...(seedOptions.env === undefined ? {} : { env: seedOptions.env }),
  });
}

/**
 * Creates a venv for `interpreter` (or, when that is a venv's, for its base
 * interpreter) and optionally seeds it.
 *
 * @throws {VenvUnsupportedError} / {VenvDirectoryError} before anything is written.
 * @throws {VenvWriteError}, or the install pipeline's errors when seeding fails;
 * a directory this run made is removed then.
 * @example
 * ```ts ignore
 * const { venv } = await createEnvironment(interpreter, {
 *   venv: { dir: "/p/.venv", systemSitePackages: false, clear: false },
 *   query: { env, cwd: "/p" },
 * });
 * venv.layout.python; // "/p/.venv/bin/python3"
 * ```
 */
export async function createEnvironment(
  interpreter: Interpreter,
  options: CreateEnvironmentOptions,
): Promise<CreatedEnvironment> {
  const base = venvInterpreterOf(interpreter);
  const venv = createVenv(base, { ...options.venv, withPip: options.seed !== undefined });
  if (options.seed === undefined) return { base, venv };
  try {
    return { base, venv, seeded: await seed(venv, base, options, options.seed) };
  } catch (error) {
    if (venv.made !== undefined) removeMadeDirectory(venv.made);
    throw error;
  }
}

/** The document of `venv --format json`: the environment {@link createEnvironment} made. */
export function venvDocument(
  created: CreatedEnvironment,
  options: { readonly systemSitePackages: boolean },
): VenvDocument {
  const { base, venv, seeded } = created;
  return {
    schema_version: 1,
    path: venv.dir,
    python: venv.layout.python,
    base_python: base.executable,
    python_version: base.version.join("."),
    implementation: base.implementationName,
    prompt: venv.layout.prompt,
    system_site_packages: options.systemSitePackages,
    seeded: (seeded?.changelog?.installed ?? []).map((dist) => ({
      name: dist.displayName,
      version: dist.version,
    })),
    activate: `${venv.dir}/bin/activate`,
  };
}
