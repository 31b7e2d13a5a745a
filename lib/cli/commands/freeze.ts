/**
 * `dpip freeze`: installed packages in requirements format, as pip prints them.
 *
 * @module
 */

import { resolve } from "../../paths.ts";
import { DpipError } from "../../errors.ts";
import { wantsJson, writeJson } from "../json_output.ts";
import {
  freezeDevPackages,
  freezeDocument,
  freezeLines,
  type FreezeRequirementFile,
} from "../../operations/freeze.ts";
import { readTargetDists, STDLIB_PACKAGES } from "../../operations/list.ts";
import { editableSources } from "../../operations/freeze_editables.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import {
  pathOption,
  reportReadWarnings,
  targetEnvironment,
  targetInterpreter,
} from "./installed_environment.ts";

/** A `-r` file that cannot be read. */
export class FreezeRequirementFileError extends DpipError {
  /** The path given. */
  readonly path: string;

  constructor(path: string, why: string, options: { cause?: unknown } = {}) {
    super(
      "requirements-file-unreadable",
      `Could not open requirements file ${path}: ${why}`,
      options,
    );
    this.name = "FreezeRequirementFileError";
    this.path = path;
  }
}

async function readRequirementFiles(context: CommandContext): Promise<FreezeRequirementFile[]> {
  const files: FreezeRequirementFile[] = [];
  for (const path of context.options.strings("requirements")) {
    try {
      files.push({ path, text: await Deno.readTextFile(resolve(context.io.cwd, path)) });
    } catch (error) {
      const why = error instanceof Deno.errors.NotFound
        ? "No such file or directory"
        : error instanceof Error
        ? error.message
        : String(error);
      throw new FreezeRequirementFileError(path, why, { cause: error });
    }
  }
  return files;
}

/** Runs `dpip freeze`. */
export async function runFreeze(context: CommandContext): Promise<number> {
  const { io, options } = context;
  const paths = pathOption(context);
  const requirementFiles = await readRequirementFiles(context);
  const interpreter = await targetInterpreter(context);
  const target = targetEnvironment(interpreter);
  const read = readTargetDists(target, paths === undefined ? {} : { paths });
  const signal = io.interruptSignal?.();
  reportReadWarnings(io, read.warnings);
  const skip = new Set<string>(STDLIB_PACKAGES);
  if (!options.flag("all")) {
    for (const name of freezeDevPackages([interpreter.version[0], interpreter.version[1]])) {
      skip.add(name);
    }
  }
  // pip compares --exclude values unnormalized here (unlike list).
  for (const name of options.strings("exclude")) skip.add(name);
  const frozen = freezeLines(read.dists, target, {
    ...(paths === undefined ? {} : { paths }),
    local: options.flag("local"),
    user: options.flag("user"),
    skip,
    excludeEditable: options.flag("excludeEditable"),
    requirementFiles,
    // Editable projects in a VCS checkout are frozen as the VCS describes them (as pip).
    editableSources: await editableSources(read.dists, {
      env: io.env,
      ...(signal === undefined ? {} : { signal }),
    }),
  });
  if (wantsJson(context)) {
    writeJson(io, freezeDocument(frozen));
    return ExitCode.success;
  }
  const { lines, warnings } = frozen;
  // One write: a write per line costs a system call each (pip's log lines go to stderr).
  if (lines.length > 0) io.stdout.write(lines.join("\n") + "\n");
  for (const warning of warnings) {
    if (warning.level === "warning") io.stderr.write(`WARNING: ${warning.message}\n`);
    else io.stdout.write(`${warning.message}\n`);
  }
  return ExitCode.success;
}
