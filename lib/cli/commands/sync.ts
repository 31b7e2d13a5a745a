/**
 * `dpip sync FILE…`: the environment becomes exactly the requirements or
 * lock files (`uv pip sync`): what they list is installed at the versions
 * they give, without dependencies (`install --no-deps -r FILE…`, so wrong
 * versions are replaced), then every other distribution is uninstalled,
 * except pip, setuptools and wheel. `--dry-run` shows both halves and
 * changes nothing. With `--format json`, one document of both halves.
 *
 * @module
 */

import { readInstalledDists } from "../../installer/site_packages.ts";
import { extraneous, listedNames, syncDocument } from "../../operations/sync.ts";
import type {
  InstallDocument,
  NameVersion,
  UninstallDocument,
} from "../../operations/json_documents.ts";
import { buildSpecification } from "../../requirements/specification.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import { type OptionValue, OptionValues } from "../option_values.ts";
import type { OptionDest } from "../options.ts";
import { isPylockLocation } from "../../lock/pylock_name.ts";
import { readPylocks } from "../pylock_files.ts";
import { readRequirementsLocation } from "../requirement_files.ts";
import { wantsJson, writeJson } from "../json_output.ts";
import { runInstall } from "./install.ts";
import { targetInterpreter } from "./installed_environment.ts";
import { runUninstall } from "./uninstall.ts";
import { statKind } from "../../operations/path_kind.ts";

/** A copy of `options` with some values replaced (as if given on the command line). */
function withValues(
  options: OptionValues,
  values: Readonly<Partial<Record<OptionDest, string | boolean | string[]>>>,
): OptionValues {
  const copy = new OptionValues();
  for (const [dest, value, source] of options.entries()) copy.set(dest, value, source);
  for (const [dest, value] of Object.entries(values) as [OptionDest, OptionValue][]) {
    copy.set(dest, value, "cli");
  }
  return copy;
}

/** Runs `dpip sync`. */
export async function runSync(context: CommandContext): Promise<number> {
  const { io, options } = context;
  const files = [...context.args, ...options.strings("requirements")];
  if (files.length === 0) {
    io.stderr.write(
      `ERROR: You must give at least one requirements file to sync (see "${context.program} help sync")\n`,
    );
    return ExitCode.error;
  }
  const interpreter = await targetInterpreter(context);
  const lockFiles = files.filter(isPylockLocation);
  const locks = lockFiles.length === 0
    ? undefined
    : await readPylocks(context, lockFiles, interpreter);
  const spec = await buildSpecification({ args: [], requirementFiles: files }, {
    cwd: io.cwd,
    env: io.env,
    read: async (location) =>
      locks?.texts.get(location) ?? await readRequirementsLocation(location, context),
    stat: statKind,
  });
  const listed = listedNames(spec, interpreter.markerEnvironment);
  const scheme = interpreter.scheme({ kind: "default" });
  const environmentDirs = new Set([scheme.purelib, scheme.platlib]);
  const dists = readInstalledDists([...environmentDirs]).dists
    .filter((dist) => environmentDirs.has(dist.installedLocation));
  const remove = extraneous(dists.map((dist) => dist.name), listed);
  const dryRun = options.flag("dryRun");
  // install and uninstall run as parts of sync: its command spec stays, so their hints name only
  // sync's options. With --format json, their documents become parts of sync's.
  const json = wantsJson(context);
  let installDocument: InstallDocument | undefined;
  let uninstallDocument: UninstallDocument | undefined;
  const parts = (collect: (document: unknown) => void) => json ? { collectDocument: collect } : {};

  const install = await runInstall({
    ...context,
    ...parts((document) => installDocument = document as InstallDocument),
    args: [],
    options: withValues(options, { requirements: files, noDeps: true }),
  });
  if (install !== ExitCode.success) return install;
  let status: number = ExitCode.success;
  if (remove.length > 0 && dryRun) {
    (json ? io.stderr : io.stdout).write(`Would uninstall ${remove.join(" ")}\n`);
  } else if (remove.length > 0) {
    status = await runUninstall({
      ...context,
      ...parts((document) => uninstallDocument = document as UninstallDocument),
      args: remove,
      options: withValues(options, { yes: true, requirements: [] }),
    });
  }
  if (json && installDocument !== undefined && status === ExitCode.success) {
    const byName = new Map(dists.map((dist) => [dist.name as string, dist]));
    const removed: readonly NameVersion[] = dryRun
      ? remove.map((name) => byName.get(name)!).map((dist) => ({
        name: dist.rawName,
        version: dist.version,
      }))
      : uninstallDocument?.removed.map(({ name, version }) => ({ name, version })) ?? [];
    writeJson(io, syncDocument(installDocument, removed));
  }
  return status;
}
