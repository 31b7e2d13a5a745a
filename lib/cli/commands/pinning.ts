/**
 * What `dpip lock` and `dpip compile` share: resolving for pins only, a dry
 * run that ignores what is installed and installs, builds into and reports
 * nothing.
 *
 * @module
 */

import type { InstallSettings } from "../../operations/install_settings.ts";
import type { RequirementsSpecification } from "../../requirements/specification.ts";
import type { CommandContext } from "../context.ts";
import { releaseControlOf, releaseControlSetting } from "../extra_requirements.ts";
import { resolutionBounds } from "../resolution_progress.ts";

/**
 * The settings that resolve `spec` for pins: `--pre` (from the command line
 * or a requirements file), the release control, `--ignore-requires-python`
 * and `--resolution-timeout` from the options; no dependencies left out and
 * no hashes required (the caller overrides those it has options for).
 */
export function pinningSettings(
  context: CommandContext,
  spec: RequirementsSpecification,
): InstallSettings {
  const { options } = context;
  const { timeoutMs } = resolutionBounds(context);
  return {
    upgrade: false,
    upgradeStrategy: "only-if-needed",
    forceReinstall: false,
    ignoreInstalled: true,
    noDeps: false,
    pre: options.flag("pre") || spec.fileOptions.pre,
    ...releaseControlSetting(releaseControlOf(context, options.flag("pre"))),
    ignoreRequiresPython: options.flag("ignoreRequiresPython"),
    dryRun: true,
    requireHashes: false,
    compile: false,
    breakSystemPackages: false,
    warnConflicts: false,
    report: false,
    ...(timeoutMs === undefined ? {} : { resolutionTimeoutMs: timeoutMs }),
  };
}
