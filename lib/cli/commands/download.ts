/**
 * `dpip download`: the requirements and their dependencies (resolved with
 * the PubGrub resolver), or with `--no-deps` the best file of each
 * requirement, into `-d/--dest` (default: the working directory). Requirements come from
 * the arguments and `-r` files (with `--hash` lines and the index options a
 * file may set); `-c` files narrow versions. Foreign targets (`--platform`,
 * `--python-version`, `--implementation`, `--abi`) follow pip's rule that
 * they need `--no-deps` or `--only-binary=:all:`.
 *
 * Output is pip's (`Collecting`, `Downloading`, `Saved`, `Successfully
 * downloaded`), written in requirement order once the parallel downloads
 * are done; progress bars appear only on a terminal.
 *
 * @module
 */

import { resolve as resolvePath } from "../../paths.ts";
import { DpipError, UsageError } from "../../errors.ts";
import { commandCacheRoot } from "../target_interpreter.ts";
import type { Interpreter } from "../../python/mod.ts";
import type { IndexSource } from "../../resolver/default_provider.ts";
import type { ResolverProvider } from "../../resolver/mod.ts";
import { parseConfigSettings } from "../../requirements/requirements_txt.ts";
import type { SourceMetadataOptions } from "../../operations/source_metadata.ts";
import type { SourceZipOptions } from "../../operations/source_zip.ts";
import { checkoutHooks, existsActionsOf, srcDirOf } from "../checkout_hooks.ts";
import { buildConstraintsOf, sdistLimitsOf } from "./install.ts";
import {
  downloadDocument,
  type DownloadOutcome,
  downloadSpecification,
} from "../../operations/download.ts";
import {
  downloadRoots,
  type DownloadTarget,
  downloadTargets,
} from "../../operations/download_roots.ts";
import {
  buildSpecification,
  type RequirementsSpecification,
} from "../../requirements/specification.ts";
import { readRequirementsLocation } from "../requirement_files.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import { isForeignTarget, targetPythonVersion, targetTags } from "../../index/target_tags.ts";
import { tagPriorities } from "../../dists/tags.ts";
import type { CandidatePolicy } from "../../resolver/candidate_selector.ts";
import {
  candidateSettings,
  type ExtraIndexOptions,
  type IndexSession,
  openIndexSession,
  targetOptionsOf,
} from "../index_session.ts";
import {
  displayPath,
  ignoredLine,
  type InstallPrinter,
  lookingInLines,
  runPrinted,
} from "../install_render.ts";
import { emitDocument, wantsJson } from "../json_output.ts";
import { formatSize, progressDisplay } from "../progress.ts";
import { targetInterpreter } from "./installed_environment.ts";
import { resolutionBounds } from "../resolution_progress.ts";
import { statKind } from "../../operations/path_kind.ts";

/** How `download` asks backends for sdists' metadata: the build options of the command line. */
async function sourceMetadataOptions(
  context: CommandContext,
  printer: InstallPrinter,
  run: {
    interpreter: Interpreter;
    provider: ResolverProvider<IndexSource>;
    session: IndexSession;
    signal: AbortSignal | undefined;
  },
): Promise<SourceMetadataOptions> {
  const { io, options } = context;
  if (options.strings("buildConstraints").length > 0 && !options.flag("buildIsolation", true)) {
    throw new UsageError("--build-constraint cannot be used with --no-build-isolation.");
  }
  const cacheRoot = commandCacheRoot(context);
  return {
    interpreter: run.interpreter,
    provider: run.provider,
    downloader: run.session.client,
    ...(cacheRoot === undefined ? {} : { cacheRoot }),
    isolation: options.flag("buildIsolation", true),
    buildConstraints: await buildConstraintsOf(context),
    configSettings: parseConfigSettings(options.strings("configSettings"), (message) => {
      throw new UsageError(message);
    }),
    pre: options.flag("pre"),
    archiveLimits: sdistLimitsOf(io.env),
    ...(options.flag("buildSandbox") ? { sandbox: true } : {}),
    env: io.env,
    ...(run.signal === undefined ? {} : { signal: run.signal }),
    vcs: {
      ...checkoutHooks(context, printer),
      srcDir: srcDirOf(context, run.interpreter),
      existsAction: existsActionsOf(context),
    },
    reporter: {
      onBuildStart: (what) => printer.debug(`Preparing metadata of ${what}`),
      onBuildOutput: (line) => printer.debug(`  ${line}`),
    },
  };
}

/** Where a VCS checkout's archive goes when a file is in the way (`--exists-action`, else asked). */
function sourceZipOptions(
  context: CommandContext,
  printer: InstallPrinter,
): Omit<SourceZipOptions, "dest"> {
  const { ask, displayPath } = checkoutHooks(context, printer);
  return {
    existsAction: existsActionsOf(context),
    ...(ask === undefined ? {} : { ask }),
    warning: (text) => printer.warning(text),
    ...(displayPath === undefined ? {} : { displayPath }),
  };
}

/** This machine's tags and Python version, for the build environments of a foreign download. */
function hostTarget(
  interpreter: Interpreter,
  policy: CandidatePolicy,
): { target: DownloadTarget; policy: CandidatePolicy } {
  return {
    target: {
      environment: interpreter.markerEnvironment,
      tags: tagPriorities(targetTags(interpreter.tagFacts, {})),
    },
    policy: { ...policy, pythonVersion: targetPythonVersion(interpreter.version, {}) },
  };
}

/** Runs `dpip download`; `spec`, when the caller has read the requirements already. */
export function runDownload(
  context: CommandContext,
  spec?: RequirementsSpecification,
): Promise<number> {
  return runPrinted(context, "download", (printer) => download(context, printer, spec));
}

/** The requirements of the command line and of its `-r`/`-c` files, as `download` reads them. */
export function downloadRequirements(context: CommandContext): Promise<RequirementsSpecification> {
  const { io, options } = context;
  return buildSpecification({
    args: context.args,
    requirementFiles: options.strings("requirements"),
    constraintFiles: options.strings("constraints"),
  }, {
    cwd: io.cwd,
    env: io.env,
    read: (location) => readRequirementsLocation(location, context),
    stat: statKind,
  });
}

async function download(
  context: CommandContext,
  printer: InstallPrinter,
  given: RequirementsSpecification | undefined,
): Promise<number> {
  const { io, options } = context;
  const spec = given ?? await downloadRequirements(context);
  if (spec.requirements.length === 0) {
    throw new DpipError(
      "usage",
      `You must give at least one requirement to download (maybe you meant "${context.program} download PACKAGE"?)`,
    );
  }
  const fileOptions = spec.fileOptions;
  // A requirements file's index and format options add to (or replace) the command line's.
  const extra: ExtraIndexOptions = fileOptions;
  const interpreter = await targetInterpreter(context);
  const noDeps = options.flag("noDeps");
  const target = targetOptionsOf(context);
  if (isForeignTarget(target) && !noDeps) {
    // Another machine's dependencies come from wheels' metadata only (an sdist's would need a
    // build there), so only wheels are used, as pip's required --only-binary=:all: says;
    // asking for sdists explicitly cannot work.
    const noBinary = [...fileOptions.noBinary, ...options.strings("noBinary")];
    if (noBinary.some((v) => v !== ":none:")) {
      throw new DpipError(
        "usage",
        `--no-binary ${
          noBinary.join(",")
        } asks for source distributions, which cannot be used for another platform or Python (--platform, --python-version, --abi, --implementation) without --no-deps`,
      );
    }
  }
  const { tags, policy, foreign } = candidateSettings(
    context,
    interpreter,
    isForeignTarget(target) && !noDeps
      ? { ...extra, onlyBinary: [...(extra.onlyBinary ?? []), ":all:"] }
      : extra,
  );
  const targets = downloadTargets(interpreter, target, { tags, foreign });
  const roots = downloadRoots(spec, { targets, noDeps, foreign: isForeignTarget(target) });

  // Ctrl-C stops the downloads and the backends asked for metadata (lib never exits).
  const signal = io.interruptSignal?.();
  const session = await openIndexSession(context, extra, signal);
  const out = (line: string) => printer.info(line);
  for (
    const line of lookingInLines(session.indexes, options.flag("noIndex") || fileOptions.noIndex)
  ) {
    out(line);
  }
  for (const ignored of roots.ignored) out(ignoredLine(ignored));
  const display = progressDisplay(io, {
    progressBar: options.choice("progressBar"),
    quiet: options.count("quiet"),
    json: wantsJson(context),
  });
  const bars = display.downloads;
  const dest = resolvePath(io.cwd, options.string("dest") ?? ".");
  let outcome: DownloadOutcome;
  try {
    outcome = await downloadSpecification(roots, {
      sources: session.indexes,
      client: session.client,
      ...(session.metadataStore === undefined ? {} : { metadataStore: session.metadataStore }),
      targets,
      policy,
      noDeps,
      // Another machine's dependencies come from wheels only; here, an sdist's from its
      // backend's metadata hook (pip's prepare_metadata_for_build_wheel).
      // With --no-deps, VCS requirements and directories are prepared here even for another
      // machine (as pip), in build environments for this one.
      ...(foreign && !noDeps ? {} : {
        sourceMetadata: (provider: ResolverProvider<IndexSource>) =>
          sourceMetadataOptions(context, printer, { interpreter, provider, session, signal }),
      }),
      ...(foreign ? { host: hostTarget(interpreter, policy) } : {}),
      dest,
      requireHashes: options.flag("requireHashes") || fileOptions.requireHashes,
      sourceZip: sourceZipOptions(context, printer),
      ...resolutionBounds(context),
      ...(bars === undefined ? {} : { reporter: bars }),
    });
  } finally {
    display.finish();
    session.client.close();
  }
  for (const warning of new Set(outcome.warnings)) printer.warning(warning);
  const directories = outcome.directories ?? [];
  for (const directory of directories) out(`Processing ${displayPath(directory.path, io.cwd)}`);
  for (const file of outcome.files) {
    out(`Collecting ${file.requirement}`);
    switch (file.origin) {
      case "present":
        out(`  File was already downloaded ${file.path}`);
        break;
      case "cached":
        out(`  Using cached ${file.filename} (${formatSize(file.size)})`);
        break;
      case "downloaded":
        out(
          file.url.startsWith("file:")
            ? `  Processing ${file.url.replace(/^file:\/\//, "")}`
            : `  Downloading ${file.filename} (${formatSize(file.size)})`,
        );
        break;
    }
  }
  for (const file of outcome.files) {
    if (file.origin !== "present") out(`Saved ${displayPath(file.path, io.cwd)}`);
  }
  const names = [...directories, ...outcome.files].map((each) => each.name);
  if (names.length > 0) out(`Successfully downloaded ${names.join(" ")}`);
  if (wantsJson(context)) emitDocument(context, downloadDocument(outcome, dest));
  return ExitCode.success;
}
