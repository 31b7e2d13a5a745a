/**
 * `dpip wheel`: wheels for your requirements and their dependencies into
 * `-w/--wheel-dir` (default: the working directory), as pip's `wheel`:
 * requirement specifiers, `-r` files, project directories, source archives
 * and VCS URLs (`-e` too); wheels an index offers are downloaded, the rest
 * built. `--no-deps`, `--no-binary`, `--only-binary`, `--prefer-binary`,
 * `--no-build-isolation`, `-C`, `--build-constraint` and hash checking work
 * as for `install`. With `--format json`, the wheel document on stdout.
 *
 * @module
 */

import { resolve } from "../../paths.ts";
import { commandCacheRoot } from "../target_interpreter.ts";
import { buildSpecification } from "../../requirements/specification.ts";
import { buildWheels, wheelDocument } from "../../operations/wheel.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import { candidateSettings, installServices, openIndexSession } from "../index_session.ts";
import {
  collectingLines,
  displayPath,
  type InstallPrinter,
  runPrinted,
} from "../install_render.ts";
import { wantsJson, writeJson } from "../json_output.ts";
import { progressDisplay } from "../progress.ts";
import { readRequirementsLocation } from "../requirement_files.ts";
import { checkoutHooks, existsActionsOf, srcDirOf } from "../checkout_hooks.ts";
import { buildConstraintsOf, settingsOf } from "./install.ts";
import { targetInterpreter } from "./installed_environment.ts";
import { statKind } from "../../operations/path_kind.ts";

/** Runs `dpip wheel`. */
export function runWheel(context: CommandContext): Promise<number> {
  return runPrinted(context, "wheel", (printer) => wheel(context, printer));
}

async function wheel(context: CommandContext, printer: InstallPrinter): Promise<number> {
  const { io, options } = context;
  const spec = await buildSpecification({
    args: context.args,
    requirementFiles: options.strings("requirements"),
    constraintFiles: options.strings("constraints"),
    editables: options.strings("editables"),
  }, {
    cwd: io.cwd,
    env: io.env,
    read: (location) => readRequirementsLocation(location, context),
    stat: statKind,
  });
  if (spec.requirements.length === 0) {
    printer.error(
      `You must give at least one requirement to wheel (see "${context.program} help wheel")`,
    );
    return ExitCode.error;
  }
  if (options.strings("buildConstraints").length > 0 && !options.flag("buildIsolation", true)) {
    printer.error("--build-constraint cannot be used with --no-build-isolation.");
    return ExitCode.error;
  }
  const settings = settingsOf(context, spec.fileOptions, await buildConstraintsOf(context));
  const interpreter = await targetInterpreter(context);
  const wheelDir = resolve(io.cwd, options.string("wheelDir") ?? ".");
  const extra = spec.fileOptions;
  const cacheRoot = commandCacheRoot(context);
  // Ctrl-C stops the downloads and the builds and removes what they made (lib never exits).
  const signal = io.interruptSignal?.();
  const session = await openIndexSession(context, extra, signal);
  const { tags, policy } = candidateSettings(context, interpreter, extra);
  if (!options.flag("noIndex") && !extra.noIndex) {
    const indexes = session.indexes.indexUrls;
    if (indexes.length > 0 && !(indexes.length === 1 && indexes[0] === "https://pypi.org/simple")) {
      printer.info(`Looking in indexes: ${indexes.join(", ")}`);
    }
  }
  if (session.indexes.findLinks.length > 0) {
    printer.info(`Looking in links: ${session.indexes.findLinks.join(", ")}`);
  }
  const display = progressDisplay(io, {
    progressBar: options.choice("progressBar"),
    quiet: options.count("quiet"),
    json: wantsJson(context),
  });
  const bars = display.downloads;
  const built: { name: string; filename: string }[] = [];
  let outcome;
  try {
    outcome = await buildWheels(spec, {
      settings: {
        ...settings,
        srcDir: srcDirOf(context, interpreter),
        existsAction: existsActionsOf(context),
      },
      checkout: checkoutHooks(context, printer),
      interpreter,
      wheelDir,
      services: installServices(session, {
        tags,
        policy,
        ...(cacheRoot === undefined ? {} : { cacheRoot }),
      }),
      reporter: {
        onPlanned: (planned) => {
          for (const line of collectingLines(planned, io.cwd)) printer.info(line);
        },
        onBuildStart: (requirement) => {
          printer.debug(`Building ${requirement}`);
          display.status?.show(`Building ${requirement}`);
        },
        onBuildOutput: (line) => printer.debug(`  ${line}`),
        onBuilt: (name, filename) => {
          display.status?.finish();
          built.push({ name, filename });
        },
        ...(bars === undefined ? {} : {
          onStart: (filename: string, size: number | undefined) => bars.onStart(filename, size),
          onProgress: (filename: string, received: number, total: number | undefined) =>
            bars.onProgress(filename, received, total),
          onDone: (filename: string) => bars.onDone(filename),
        }),
      },
      env: io.env,
      ...(signal === undefined ? {} : { signal }),
    });
  } finally {
    display.finish();
    session.client.close();
  }
  for (const warning of new Set(outcome.warnings)) printer.warning(warning);
  for (const saved of outcome.wheels) {
    if (saved.origin !== "built") printer.info(`Saved ${displayPath(saved.path, io.cwd)}`);
  }
  if (built.length > 0) {
    const names = built.map((b) => b.name);
    printer.info(`Building wheels for collected packages: ${names.join(", ")}`);
    for (const each of built) {
      printer.info(`  Building wheel for ${each.name} (pyproject.toml) ... done`);
      printer.info(`  Created wheel for ${each.name}: filename=${each.filename}`);
    }
    printer.info(`  Stored in directory: ${wheelDir}`);
    printer.info(`Successfully built ${names.join(" ")}`);
  }
  if (wantsJson(context)) writeJson(io, wheelDocument(outcome, wheelDir));
  return ExitCode.success;
}
