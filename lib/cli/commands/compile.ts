/**
 * `dpip compile IN… -o OUT` (pip-tools' `pip-compile`, `uv pip compile`):
 * loose requirements files in, a pinned requirements file out (`-o -` or no
 * `-o` for stdout), with `# via` annotations and, with `--generate-hashes`,
 * the sha256 of every file of each pinned version, so that
 * `pip install --require-hashes -r OUT` installs it. The work is
 * `operations/compile.ts`. With `--format json`, the pins as a document on
 * stdout (in place of the text when there is no `-o FILE`).
 *
 * @module
 */

import { resolve } from "../../paths.ts";
import { commandCacheRoot } from "../target_interpreter.ts";
import {
  compileDocument,
  type CompiledPin,
  compileRequirements,
  existingPins,
  formatCompiled,
} from "../../operations/compile.ts";
import { buildSpecification } from "../../requirements/specification.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import {
  candidateSettings,
  type ExtraIndexOptions,
  installServices,
  openIndexSession,
} from "../index_session.ts";
import { runPrinted } from "../install_render.ts";
import { readRequirementsLocation } from "../requirement_files.ts";
import { pinningSettings } from "./pinning.ts";
import { readOverrides, withOverrides } from "../extra_requirements.ts";
import { overrideRoots } from "../../operations/overrides.ts";
import { targetInterpreter } from "./installed_environment.ts";
import { wantsJson, writeJson } from "../json_output.ts";
import type { Interpreter } from "../../python/interpreter.ts";
import type { Overrides } from "../../operations/overrides.ts";
import type { RequirementsSpecification } from "../../requirements/specification.ts";
import { checkUniversalOptions, providerTags, universalOptions } from "./universal.ts";
import type { InstallOptions } from "../../operations/install.ts";
import { compileUniversally } from "../../operations/universal_lock.ts";
import { statKind } from "../../operations/path_kind.ts";
import { writeOutputFile } from "../output_file.ts";

/** Runs `dpip compile`. */
export function runCompile(context: CommandContext): Promise<number> {
  return runPrinted(context, "compile", () => compile(context));
}

async function compile(context: CommandContext): Promise<number> {
  const { io, options } = context;
  const inputs = context.args;
  if (inputs.length === 0) {
    io.stderr.write(
      `ERROR: You must give at least one requirements file to compile (see "${context.program} help compile")\n`,
    );
    return ExitCode.error;
  }
  checkUniversalOptions(context);
  const given = await buildSpecification({
    args: [],
    requirementFiles: inputs,
    constraintFiles: options.strings("constraints"),
  }, {
    cwd: io.cwd,
    env: io.env,
    read: (location) => readRequirementsLocation(location, context),
    stat: statKind,
  });
  const overrides = await readOverrides(context);
  const spec = overrideRoots(given, overrides);
  const output = options.string("lockOutput") ?? "-";
  const outputPath = output === "-" ? undefined : resolve(io.cwd, output);
  let existing = new Map<never, string>() as ReturnType<typeof existingPins>;
  if (outputPath !== undefined) {
    try {
      existing = existingPins(await Deno.readTextFile(outputPath));
    } catch {
      // No earlier output: nothing to keep.
    }
  }
  const interpreter = await targetInterpreter(context);
  const pins = await compilePins(context, spec, { existing, interpreter, overrides });
  const [major, minor] = interpreter.version;
  const text = formatCompiled(pins, {
    pythonVersion: `${major}.${minor}`,
    command: `${context.program} compile ${
      [
        ...(options.flag("universal") ? ["--universal"] : []),
        ...(options.flag("generateHashes") ? ["--generate-hashes"] : []),
        ...(output === "-" ? [] : [`--output-file=${output}`]),
        ...inputs,
      ].join(" ")
    }`,
  });
  if (outputPath !== undefined) {
    writeOutputFile(outputPath, output, "the pinned requirements", text);
  }
  if (wantsJson(context)) {
    // The document holds every pin: it takes the place of the text on stdout.
    writeJson(
      io,
      compileDocument(pins, { output: outputPath ?? null, pythonVersion: `${major}.${minor}` }),
    );
  } else if (outputPath === undefined) io.stdout.write(text);
  return ExitCode.success;
}

/**
 * The pins of `spec`: for the target interpreter (the install pipeline's dry
 * run), or, with `--universal`, for every environment asked for.
 */
async function compilePins(
  context: CommandContext,
  spec: RequirementsSpecification,
  local: {
    existing: ReturnType<typeof existingPins>;
    interpreter: Interpreter;
    overrides: Overrides;
  },
): Promise<CompiledPin[]> {
  const { io, options } = context;
  const { existing, interpreter, overrides } = local;
  const extra: ExtraIndexOptions = spec.fileOptions;
  const cacheRoot = commandCacheRoot(context);
  const session = await openIndexSession(context, extra);
  const { tags, policy } = candidateSettings(context, interpreter, extra);
  const install: InstallOptions = {
    settings: pinningSettings(context, spec),
    target: { interpreter, scheme: { kind: "default" } },
    services: withOverrides(
      installServices(session, {
        tags: providerTags(context, tags),
        policy,
        ...(cacheRoot === undefined ? {} : { cacheRoot }),
      }),
      overrides,
    ),
    env: io.env,
  };
  try {
    if (options.flag("universal")) {
      return await compileUniversally(spec, {
        ...install,
        ...universalOptions(context, interpreter.version, session, policy),
        generateHashes: options.flag("generateHashes"),
        existing,
        upgrade: options.flag("upgrade"),
        upgradePackages: options.strings("upgradePackages"),
      });
    }
    return await compileRequirements(spec, {
      ...install,
      existing,
      upgrade: options.flag("upgrade"),
      upgradePackages: options.strings("upgradePackages"),
      ...(options.flag("generateHashes")
        ? { filesOf: async (name) => (await session.indexes.projectFiles(name)).files }
        : {}),
    });
  } finally {
    session.client.close();
  }
}
