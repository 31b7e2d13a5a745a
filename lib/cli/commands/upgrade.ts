/**
 * `dpip upgrade NAME... | --all`: installed distributions upgraded to the
 * newest versions that keep the environment consistent, resolved together
 * (`operations/upgrade.ts` chooses what moves and what holds the rest), with
 * `-c` constraints and `--pre` as for `install`. The install pipeline does
 * the work, called as a library through `installWithOutput`; this prints
 * what changes first (`Upgrading Flask 2.2.2 -> 3.0.3`), or with
 * `--dry-run` what would.
 *
 * @module
 */

import { UsageError } from "../../errors.ts";
import { readInstalledDists } from "../../installer/site_packages.ts";
import type { InstallSettings, PlannedInstall } from "../../operations/install.ts";
import { selectUpgrade, type UpgradeChanges, upgradeChanges } from "../../operations/upgrade.ts";
import { parseRequirementSource } from "../../requirements/source.ts";
import { buildSpecification } from "../../requirements/specification.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import { type InstallPrinter, runPrinted } from "../install_render.ts";
import { readRequirementsLocation } from "../requirement_files.ts";
import { resolutionBounds } from "../resolution_progress.ts";
import { installWithOutput } from "./install.ts";
import { emitDocument, wantsJson } from "../json_output.ts";
import { emptyInstallDocument } from "../../operations/install_document.ts";
import { targetInterpreter } from "./installed_environment.ts";
import { statKind } from "../../operations/path_kind.ts";

/** The lines that say what changes (`Upgrading a 1 -> 2`), or would with `dryRun`. */
export function changeLines(changes: UpgradeChanges, dryRun: boolean): string[] {
  const [upgrading, downgrading, adding] = dryRun
    ? ["Would upgrade", "Would downgrade", "Would add"]
    : ["Upgrading", "Downgrading", "Adding"];
  return [
    ...changes.upgraded.map((c) => `${upgrading} ${c.name} ${c.from} -> ${c.to}`),
    ...changes.downgraded.map((c) => `${downgrading} ${c.name} ${c.from} -> ${c.to}`),
    ...changes.added.map((a) => `${adding} ${a.name} ${a.version} (a new dependency)`),
  ];
}

/** Runs `dpip upgrade`. */
export function runUpgrade(context: CommandContext): Promise<number> {
  return runPrinted(context, "upgrade", (printer) => upgrade(context, printer));
}

async function upgrade(context: CommandContext, printer: InstallPrinter): Promise<number> {
  const { io, options } = context;
  const all = options.flag("all");
  if (all && context.args.length > 0) {
    throw new UsageError("Give package names or --all, not both");
  }
  if (!all && context.args.length === 0) {
    throw new UsageError(
      `Give the packages to upgrade, or --all (see "${context.program} help upgrade")`,
    );
  }
  const interpreter = await targetInterpreter(context);
  const scheme = interpreter.scheme({ kind: "default" });
  const [major, minor] = interpreter.version;
  const dists = readInstalledDists(interpreter.sitePackages, {
    importlib: major > 3 || (major === 3 && minor >= 11),
  }).dists;
  const selection = selectUpgrade(dists, interpreter.markerEnvironment, {
    names: context.args,
    all,
    environmentDirs: new Set([scheme.purelib, scheme.platlib]),
  });
  if (selection.notInstalled.length > 0) {
    printer.error(
      `Cannot upgrade ${selection.notInstalled.join(", ")}: not installed in ${interpreter.prefix}`,
    );
    printer.raw(`hint: install it with ${context.program} install NAME\n`);
    return ExitCode.error;
  }
  const skipped = selection.notUpgradable.map((name) =>
    `Skipping ${name}: an editable or URL install, or outside ${interpreter.prefix}, is not upgraded from the indexes`
  );
  for (const warning of skipped) printer.warning(warning);
  if (selection.requirements.length === 0) {
    printer.info("Nothing to upgrade.");
    if (wantsJson(context)) {
      emitDocument(
        context,
        emptyInstallDocument({ dryRun: options.flag("dryRun"), warnings: skipped }),
      );
    }
    return ExitCode.success;
  }
  const read = (location: string) => readRequirementsLocation(location, context);
  const spec = await buildSpecification({
    args: [...selection.requirements],
    constraintFiles: options.strings("constraints"),
  }, { cwd: io.cwd, env: io.env, read, stat: statKind });
  const held = selection.held.map(({ constraint, by }) =>
    parseRequirementSource(constraint, { cwd: io.cwd, stat: statKind, origin: `required by ${by}` })
  );
  const dryRun = options.flag("dryRun");
  const { timeoutMs } = resolutionBounds(context);
  const settings: InstallSettings = {
    upgrade: true,
    // Everything named moves to its newest; with --all that is every distribution.
    upgradeStrategy: all || options.choice("upgradeStrategy") === "eager"
      ? "eager"
      : "only-if-needed",
    forceReinstall: false,
    ignoreInstalled: false,
    noDeps: false,
    pre: options.flag("pre") || spec.fileOptions.pre,
    ignoreRequiresPython: options.flag("ignoreRequiresPython"),
    dryRun,
    requireHashes: false,
    compile: options.flag("compile", false),
    linkMode: options.choice("linkMode"),
    breakSystemPackages: options.flag("breakSystemPackages"),
    warnConflicts: true,
    warnScriptLocation: true,
    report: false,
    ...(timeoutMs === undefined ? {} : { resolutionTimeoutMs: timeoutMs }),
    requested: selection.requested,
  };
  const names = (planned: PlannedInstall) =>
    new Map(planned.collected.map((c) => [c.name as string, c.displayName]));
  const { status, outcome } = await installWithOutput(context, printer, {
    spec: { ...spec, constraints: [...spec.constraints, ...held] },
    settings,
    warnings: skipped,
    onPlanned: (planned) => {
      for (const line of changeLines(upgradeChanges(planned.plan, names(planned)), false)) {
        printer.info(line);
      }
    },
  });
  if (outcome === undefined) return status;
  const changes = upgradeChanges(outcome.plan, names(outcome));
  const lines = changeLines(changes, dryRun);
  if (lines.length === 0) {
    const count = selection.requirements.length;
    printer.info(
      `Nothing to upgrade: ${
        count === 1 ? selection.requirements[0] : `all ${count} packages`
      } already at the newest version${count === 1 ? "" : "s"} that fit${count === 1 ? "s" : ""}.`,
    );
  } else if (dryRun) {
    for (const line of lines) printer.info(line);
  }
  return status;
}
