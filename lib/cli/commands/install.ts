/**
 * `dpip install`: requirements from the arguments, `-r`/`-c` files and
 * wheel paths or URLs, resolved against the indexes (and what is installed),
 * downloaded in parallel and installed; `--dry-run` stops after planning,
 * and `--report` is written once the plan is described, before anything is
 * fetched or installed (as pip writes it; for real installs too). The
 * pipeline is `operations/install.ts`; this file turns options into its
 * settings and its outcome into pip's lines (`../install_render.ts`).
 *
 * Targets: the interpreter's environment, `--user`, `--prefix`, `--root`,
 * `--target` (with `--upgrade` to replace a copy already there). Files come
 * out of the unpacked-wheel cache (`--link-mode`); `--compile` compiles the
 * installed modules in one interpreter process, and the default is not to
 * (Python compiles on first import, as uv chooses).
 *
 * @module
 */

import { resolve } from "../../paths.ts";
import { commandCacheRoot } from "../target_interpreter.ts";
import { DpipError, UsageError } from "../../errors.ts";
import {
  type InstallOutcome,
  installRequirements,
  type InstallServices,
  type InstallSettings,
  type PlannedInstall,
} from "../../operations/install.ts";
import type { SchemeKind } from "../../python/mod.ts";
import { parseConfigSettings } from "../../requirements/requirements_txt.ts";
import {
  buildSpecification,
  type RequirementsSpecification,
} from "../../requirements/specification.ts";
import type { SourceArchiveLimits } from "../../build/source_archive.ts";
import type { Requirement } from "../../pep508/mod.ts";
import type { CommandContext } from "../context.ts";
import { resolutionBounds, ResolutionStatus } from "../resolution_progress.ts";
import { ExitCode } from "../exit_codes.ts";
import { candidateSettings, type ExtraIndexOptions } from "../index_options.ts";
import { DeferredIndexSession } from "../deferred_session.ts";
import {
  changelogLines,
  collectingLines,
  conflictText,
  type InstallPrinter,
  lookingInLines,
  runPrinted,
  scriptLocationText,
  successLine,
  wheelLines,
  wouldInstallLine,
} from "../install_render.ts";
import { phaseText, progressDisplay } from "../progress.ts";
import { rootUserWarningFor } from "../root_user.ts";
import { isPylockLocation } from "../../lock/pylock_name.ts";
import type { ReadLocks } from "../pylock_files.ts";
import { withAttestations } from "../attestations.ts";
import { checkoutHooks, existsActionsOf, srcDirOf } from "../checkout_hooks.ts";
import { emitDocument, wantsJson } from "../json_output.ts";
import { readRequirementsLocation } from "../requirement_files.ts";
import {
  checkOnlyDeps,
  groupRequirements,
  readOverrides,
  releaseControlOf,
  releaseControlSetting,
  scriptRequirements,
  withOverrides,
} from "../extra_requirements.ts";
import { dependenciesOnly } from "../../operations/only_deps.ts";
import { overrideRoots, type Overrides } from "../../operations/overrides.ts";
import { targetInterpreter } from "./installed_environment.ts";
import { statKind } from "../../operations/path_kind.ts";
import { writeOutputFile } from "../output_file.ts";
import type { JsonValue } from "../../operations/inspect.ts";

function schemeKind(context: CommandContext): { kind: SchemeKind; target?: string } {
  const { io, options } = context;
  const target = options.string("target");
  const prefix = options.string("prefix");
  const root = options.string("root");
  if (target !== undefined) {
    if (options.flag("user") || prefix !== undefined) {
      throw new DpipError("usage", "Can not combine '--target' with '--user' or '--prefix'");
    }
    const dir = resolve(io.cwd, target);
    return { kind: { kind: "target", dir }, target: dir };
  }
  if (options.flag("user")) {
    if (prefix !== undefined) {
      throw new DpipError(
        "usage",
        "Can not combine '--user' and '--prefix' as they imply different installation locations",
      );
    }
    return { kind: { kind: "user" } };
  }
  if (root !== undefined) {
    const rootDir = resolve(io.cwd, root);
    return {
      kind: prefix === undefined
        ? { kind: "root", root: rootDir }
        : { kind: "root", root: rootDir, prefix: resolve(io.cwd, prefix) },
    };
  }
  if (prefix !== undefined) return { kind: { kind: "prefix", prefix: resolve(io.cwd, prefix) } };
  return { kind: { kind: "default" } };
}

/** The install settings the command line and the requirements files' options give. */
export function settingsOf(
  context: CommandContext,
  fileOptions: { pre: boolean; requireHashes: boolean },
  buildConstraints: readonly Requirement[],
): InstallSettings {
  const { options } = context;
  const { timeoutMs } = resolutionBounds(context);
  return {
    upgrade: options.flag("upgrade"),
    upgradeStrategy: options.choice("upgradeStrategy") === "eager" ? "eager" : "only-if-needed",
    forceReinstall: options.flag("forceReinstall"),
    ignoreInstalled: options.flag("ignoreInstalled"),
    noDeps: options.flag("noDeps"),
    pre: options.flag("pre") || fileOptions.pre,
    ...releaseControlSetting(releaseControlOf(context, options.flag("pre"))),
    ignoreRequiresPython: options.flag("ignoreRequiresPython"),
    dryRun: options.flag("dryRun"),
    requireHashes: options.flag("requireHashes") || fileOptions.requireHashes,
    compile: options.flag("compile", false),
    linkMode: options.choice("linkMode"),
    breakSystemPackages: options.flag("breakSystemPackages"),
    warnConflicts: options.flag("warnConflicts", true),
    warnScriptLocation: options.flag("warnScriptLocation", true),
    report: options.string("report") !== undefined,
    ...(timeoutMs === undefined ? {} : { resolutionTimeoutMs: timeoutMs }),
    buildIsolation: options.flag("buildIsolation", true),
    buildSandbox: options.flag("buildSandbox"),
    configSettings: parseConfigSettings(options.strings("configSettings"), (message) => {
      throw new UsageError(message);
    }),
    buildConstraints,
    sdistLimits: sdistLimitsOf(context.io.env),
  };
}

/** `DPIP_SDIST_MAX_RATIO`: bytes a source archive may unpack to per byte of archive. */
export function sdistLimitsOf(env: Readonly<Record<string, string>>): SourceArchiveLimits {
  const text = env["DPIP_SDIST_MAX_RATIO"];
  if (text === undefined || text === "") return {};
  const ratio = Number(text);
  if (!Number.isFinite(ratio) || ratio <= 0) {
    throw new UsageError(
      `DPIP_SDIST_MAX_RATIO must be a positive number (bytes unpacked per byte of archive), not ${
        JSON.stringify(text)
      }`,
    );
  }
  return { maxRatio: ratio };
}

/** The requirements of the `--build-constraint` files (pip 25.3). */
export async function buildConstraintsOf(context: CommandContext): Promise<Requirement[]> {
  const { io, options } = context;
  const files = options.strings("buildConstraints");
  if (files.length === 0) return [];
  const spec = await buildSpecification({
    args: [],
    requirementFiles: [],
    constraintFiles: files,
    editables: [],
  }, {
    cwd: io.cwd,
    env: io.env,
    read: (location) => readRequirementsLocation(location, context),
    stat: statKind,
  });
  return spec.constraints.flatMap((c) => c.requirement === undefined ? [] : [c.requirement]);
}

/** Runs `dpip install`. */
export function runInstall(context: CommandContext): Promise<number> {
  return runPrinted(context, "install", (printer) => install(context, printer));
}

async function install(context: CommandContext, printer: InstallPrinter): Promise<number> {
  const { io, options } = context;
  checkOnlyDeps(context);
  const requirementFiles = options.strings("requirements");
  const lockFiles = requirementFiles.filter(isPylockLocation);
  // Lock files are selected for the target before anything else (pip 26.1's -r pylock.toml).
  const locks = lockFiles.length === 0
    ? undefined
    : await (await import("../pylock_files.ts")).readPylocks(
      context,
      lockFiles,
      await targetInterpreter(context),
    );
  for (const warning of locks?.warnings ?? []) printer.warning(warning);
  const given = await buildSpecification({
    args: [
      ...context.args,
      ...await groupRequirements(context),
      ...await scriptRequirements(context, () => targetInterpreter(context)),
    ],
    requirementFiles,
    constraintFiles: options.strings("constraints"),
    editables: options.strings("editables"),
  }, {
    cwd: io.cwd,
    env: io.env,
    read: async (location) =>
      locks?.texts.get(location) ?? await readRequirementsLocation(location, context),
    stat: statKind,
  });
  const overrides = await readOverrides(context);
  const spec = overrideRoots(given, overrides);
  if (options.strings("buildConstraints").length > 0 && !options.flag("buildIsolation", true)) {
    printer.error("--build-constraint cannot be used with --no-build-isolation.");
    return ExitCode.error;
  }
  const buildConstraints = await buildConstraintsOf(context);
  if (spec.requirements.length === 0) {
    printer.error(
      `You must give at least one requirement to install (see "${context.program} help install")`,
    );
    return ExitCode.error;
  }
  if (wantsJson(context) && options.string("report") === "-") {
    throw new UsageError(
      "--report - and --format json both write to stdout: give --report a file name",
    );
  }
  const settings = {
    ...settingsOf(context, spec.fileOptions, buildConstraints),
    ...(lockFiles.length === 0 ? {} : { lockFiles }),
  };
  return (await installWithOutput(context, printer, {
    spec,
    settings,
    ...(locks === undefined ? {} : { locks }),
    overrides,
  })).status;
}

/** What {@link installWithOutput} installs, and how. */
export interface InstallRequest {
  /** The requirements (and constraints, and a requirements file's options). */
  readonly spec: RequirementsSpecification;
  readonly settings: InstallSettings;
  /** Lock files whose projects are answered from the lock. */
  readonly locks?: ReadLocks;
  /** `--overrides`: every distribution's requirements on these projects replaced. */
  readonly overrides?: Overrides;
  /** Called once resolved and planned, before pip's lines about it (not for a dry run). */
  readonly onPlanned?: (planned: PlannedInstall) => void;
  /** Warnings the caller printed before (`upgrade`'s skipped names), first in the document's. */
  readonly warnings?: readonly string[];
}

/**
 * Runs the install pipeline on a specification the caller built, with
 * `install`'s output: the indexes looked in, progress on a terminal, pip's
 * lines about what was collected and installed, and with `--format json`
 * the install document. `install` and `upgrade` both end here. The status
 * is not 0 for a refusal before anything was asked of an index.
 */
export async function installWithOutput(
  context: CommandContext,
  printer: InstallPrinter,
  request: InstallRequest,
): Promise<{ status: number; outcome?: InstallOutcome }> {
  const { io, options } = context;
  const { spec, settings, locks } = request;
  const overrides = request.overrides ?? new Map();
  const interpreter = await targetInterpreter(context);
  if (options.flag("requireVirtualenv") && !interpreter.isVenv) {
    printer.error("Could not find an activated virtualenv (required).");
    return { status: 3 };
  }
  if (options.flag("user") && interpreter.isVenv && !interpreter.includeSystemSitePackages) {
    printer.error(
      "Can not perform a '--user' install. User site-packages are not visible in this virtualenv.",
    );
    return { status: ExitCode.error };
  }
  const { kind } = schemeKind(context);
  const fileOptions = spec.fileOptions;
  // A requirements file's index and format options add to (or replace) the command line's.
  const extra: ExtraIndexOptions = fileOptions;
  const cacheRoot = commandCacheRoot(context);
  // Ctrl-C stops the downloads and the builds and removes what they made (lib never exits).
  const signal = io.interruptSignal?.();
  // Opened when the pipeline first needs an index: a no-op install asks none anything.
  const session = new DeferredIndexSession(context, extra, signal);
  const { tags, policy } = candidateSettings(context, interpreter, extra);
  for (
    const line of lookingInLines(session.indexes, options.flag("noIndex") || fileOptions.noIndex)
  ) {
    printer.info(line);
  }
  const display = progressDisplay(io, {
    progressBar: options.choice("progressBar"),
    quiet: options.count("quiet"),
    json: wantsJson(context),
  });
  const bars = display.downloads;
  const status = io.stderr.isTerminal && options.count("quiet") === 0
    ? new ResolutionStatus(io.stderr)
    : undefined;
  const built: { name: string; filename: string }[] = [];
  let collectedShown = false;
  // The lock files' modules load only when there are lock files.
  const withLocks: (services: InstallServices, locks: ReadLocks | undefined) => InstallServices =
    locks === undefined ? (services) => services : (await import("../pylock_files.ts")).withLocks;
  let outcome: InstallOutcome;
  try {
    const services = withAttestations(
      withLocks(
        withOverrides(
          session.services({ tags, policy, ...(cacheRoot === undefined ? {} : { cacheRoot }) }),
          overrides,
        ),
        locks,
      ),
      context,
      {
        session: () => session.open(),
        ...(locks === undefined ? {} : { locks }),
        ...(cacheRoot === undefined ? {} : { cacheRoot }),
      },
    );
    const target = { interpreter, scheme: kind };
    // --only-deps: what a resolution of the requirements chose, less the named projects.
    const onlyDeps = options.flag("onlyDeps");
    const installed = onlyDeps
      ? await dependenciesOnly(spec, {
        settings,
        target,
        services,
        env: io.env,
        ...(signal === undefined ? {} : { signal }),
      })
      : spec;
    const checkout = {
      srcDir: srcDirOf(context, interpreter),
      existsAction: existsActionsOf(context),
      ...settings,
      // Not on a terminal, where each download shows its bar after the plan (as pip's), nor
      // where attestations must verify before a file is fetched.
      fetchAhead: display.status === undefined &&
        options.choice("verifyAttestations") !== "require" && locks === undefined,
    };
    outcome = await installRequirements(installed, {
      settings: onlyDeps ? { ...checkout, noDeps: true } : checkout,
      checkout: checkoutHooks(context, printer),
      target,
      services,
      reporter: {
        ...(status === undefined ? {} : { onResolving: (event) => status.onDecision(event) }),
        onPlanned: (planned) => {
          status?.finish();
          request.onPlanned?.(planned);
          collectedShown = true;
          for (const line of collectingLines(planned, io.cwd)) printer.info(line);
          for (const line of builtLines(built)) printer.info(line);
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
        onPhase: (phase) => display.status?.show(phaseText(phase)),
        ...(bars === undefined ? {} : {
          onStart: (filename: string, size: number | undefined) => bars.onStart(filename, size),
          onProgress: (filename: string, received: number, total: number | undefined) =>
            bars.onProgress(filename, received, total),
          onDone: (filename: string) => bars.onDone(filename),
        }),
        onLockWait: (path) => printer.raw(`Waiting for another dpip process to release ${path}\n`),
        onReport: (report) => writeReport(context, report),
      },
      env: io.env,
      ...(signal === undefined ? {} : { signal }),
    });
  } finally {
    status?.finish();
    display.finish();
    await session.close();
  }
  renderOutcome(context, printer, { outcome, collectedShown, dryRun: settings.dryRun });
  const root = settings.dryRun ? undefined : rootUserWarningFor(context, interpreter);
  if (root !== undefined) printer.warning(root);
  if (wantsJson(context)) {
    const { installDocument } = await import("../../operations/install_document.ts");
    emitDocument(
      context,
      installDocument(outcome, {
        dryRun: settings.dryRun,
        ...(settings.requested === undefined ? {} : { requested: settings.requested }),
        warnings: request.warnings ?? [],
      }),
    );
  }
  return { status: ExitCode.success, outcome };
}

/** pip's lines for the wheels built from source. */
function builtLines(built: readonly { name: string; filename: string }[]): string[] {
  if (built.length === 0) return [];
  const names = built.map((b) => b.name);
  return [
    `Building wheels for collected packages: ${names.join(", ")}`,
    ...built.flatMap((b) => [
      `  Building wheel for ${b.name} (pyproject.toml) ... done`,
      `  Created wheel for ${b.name}: filename=${b.filename}`,
    ]),
    `Successfully built ${names.join(" ")}`,
  ];
}

/** Writes pip's installation report where `--report` says (`-`: stdout). */
function writeReport(context: CommandContext, report: Record<string, JsonValue>): void {
  const { io, options } = context;
  const reportPath = options.string("report");
  if (reportPath === undefined) return;
  const text = JSON.stringify(report, null, 2) + "\n";
  if (reportPath === "-") io.stdout.write(text);
  else writeOutputFile(resolve(io.cwd, reportPath), reportPath, "the installation report", text);
}

function renderOutcome(
  context: CommandContext,
  printer: InstallPrinter,
  { outcome, collectedShown, dryRun }: {
    outcome: InstallOutcome;
    collectedShown: boolean;
    dryRun: boolean;
  },
): void {
  const { io } = context;
  for (const warning of outcome.warnings) printer.warning(warning);
  if (!collectedShown) {
    for (const line of collectingLines(outcome, io.cwd)) printer.info(line);
  }
  if (dryRun) {
    for (const line of wheelLines(outcome.wheels)) printer.info(line);
    const line = wouldInstallLine(outcome);
    if (line !== undefined) printer.info(line);
    return;
  }
  for (const line of wheelLines(outcome.wheels)) printer.info(line);
  const changelog = outcome.changelog;
  if (changelog === undefined) return;
  const names = new Map(outcome.collected.map((c) => [c.name as string, c.displayName]));
  const { info, warnings } = changelogLines(changelog, names);
  for (const warning of warnings) printer.warning(warning);
  for (const line of info) printer.info(line);
  for (const dirs of outcome.scriptsNotOnPath ?? []) {
    // Inside "Installing collected packages", indented as pip indents it.
    printer.raw(
      `WARNING: ${scriptLocationText(dirs)}`.split("\n").map((line) => `  ${line}\n`).join(""),
    );
  }
  const conflicts = outcome.conflicts === undefined ? undefined : conflictText(outcome.conflicts);
  if (conflicts !== undefined) printer.error(conflicts);
  const success = successLine(changelog, names);
  if (success !== undefined) printer.info(success);
}
