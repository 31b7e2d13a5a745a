/**
 * What the read-only commands (`list`, `freeze`, `show`, `check`, `inspect`,
 * `debug`) share: the target interpreter (`../target_interpreter.ts`), and
 * reporting the problems met while reading installed distributions.
 *
 * @module
 */

import { resolveCacheRoot } from "../../cache/cache_dir.ts";
import { recoveryWarnings } from "../../installer/recovery.ts";
import type { SitePackagesWarning } from "../../installer/site_packages.ts";
import {
  PathOptionConflictError,
  readTargetDists,
  selectInstalled,
  STDLIB_PACKAGES,
  type TargetDists,
  type TargetEnvironment,
} from "../../operations/list.ts";
import { findInterpreter, type Interpreter } from "../../python/mod.ts";
import type { CommandContext } from "../context.ts";
import type { Io } from "../io.ts";

export { targetInterpreter } from "../target_interpreter.ts";

/** The facts the read-only operations need from an interpreter. */
export function targetEnvironment(interpreter: Interpreter): TargetEnvironment {
  return {
    sitePackages: interpreter.sitePackages,
    prefix: interpreter.prefix,
    ...(interpreter.userSite === undefined ? {} : { userSite: interpreter.userSite }),
    isVenv: interpreter.isVenv,
    markerEnvironment: interpreter.markerEnvironment,
    importlib: interpreter.version[0] > 3 ||
      (interpreter.version[0] === 3 && interpreter.version[1] >= 11),
  };
}

/** `--path` values resolved against the working directory. */
export function pathOption(context: CommandContext): string[] | undefined {
  const paths = context.options.strings("paths");
  if (paths.length === 0) return undefined;
  if (context.options.flag("user") || context.options.flag("local")) {
    throw new PathOptionConflictError();
  }
  return paths.map((p) => (p.startsWith("/") ? p : `${context.io.cwd}/${p}`));
}

/**
 * Writes pip's warnings for what could not be read (and was skipped), and
 * dpip's about the interrupted changes it finished (or could not) first.
 */
export function reportReadWarnings(
  io: Io,
  read: { readonly warnings: readonly SitePackagesWarning[] } & Pick<TargetDists, "pendingChanges">,
): void {
  for (const line of pendingChangeLines(read.pendingChanges, { busy: false })) {
    io.stderr.write(`WARNING: ${line}\n`);
  }
  for (const warning of read.warnings) {
    switch (warning.kind) {
      case "invalid-metadata":
        io.stderr.write(`WARNING: Skipping ${warning.path} due to ${warning.reason}\n`);
        break;
      case "invalid-name":
        io.stderr.write(
          `WARNING: Ignoring invalid distribution ${warning.name ?? ""} (${warning.path})\n`,
        );
        break;
      case "invalid-direct-url":
        io.stderr.write(
          `WARNING: Error parsing direct_url.json for ${warning.name ?? ""}: ${warning.reason}\n`,
        );
        break;
      case "unreadable-directory":
        io.stderr.write(
          `WARNING: Cannot read ${warning.path} (${warning.reason}): distributions there are left out\n`,
        );
        break;
    }
  }
}

/**
 * What was found of interrupted dpip changes, one line each; `busy` adds the
 * directories another dpip process is changing now.
 */
export function pendingChangeLines(
  pending: TargetDists["pendingChanges"],
  options: { busy: boolean },
): string[] {
  if (pending === undefined) return [];
  return [
    ...recoveryWarnings(pending.recovered),
    ...pending.failed.map(({ dir, message }) =>
      `An interrupted dpip change in ${dir} could not be finished (${message}); run dpip where it can change ${dir}`
    ),
    ...(options.busy
      ? pending.busy.map((dir) =>
        `Another dpip process is changing ${dir} now; check again when it has finished`
      )
      : []),
  ];
}

/**
 * The normalized names of the projects installed in the environment dpip
 * finds by default (as `pip` completes `show` and `uninstall`: local ones,
 * without pip's stdlib entries), or none when no interpreter is found.
 */
export async function installedProjectNames(
  io: Pick<Io, "env" | "cwd" | "invokedAs">,
): Promise<string[]> {
  let interpreter: Interpreter;
  try {
    interpreter = await findInterpreter({
      env: io.env,
      cwd: io.cwd,
      invokedAs: io.invokedAs,
      cacheRoot: resolveCacheRoot({ env: io.env, cwd: io.cwd }) ?? false,
    });
  } catch {
    return [];
  }
  const target = targetEnvironment(interpreter);
  return selectInstalled(readTargetDists(target).dists, target, {
    local: true,
    skip: new Set(STDLIB_PACKAGES),
  }).map((dist) => String(dist.name));
}
