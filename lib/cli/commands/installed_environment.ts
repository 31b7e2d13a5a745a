/**
 * What the read-only commands (`list`, `freeze`, `show`, `check`, `inspect`,
 * `debug`) share: the target interpreter (`../target_interpreter.ts`), and
 * reporting the problems met while reading installed distributions.
 *
 * @module
 */

import { resolveCacheRoot } from "../../cache/cache_dir.ts";
import type { SitePackagesWarning } from "../../installer/site_packages.ts";
import {
  PathOptionConflictError,
  readTargetDists,
  selectInstalled,
  STDLIB_PACKAGES,
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

/** Writes pip's warnings for what could not be read (and was skipped). */
export function reportReadWarnings(io: Io, warnings: readonly SitePackagesWarning[]): void {
  for (const warning of warnings) {
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
      case "interrupted-change":
        io.stderr.write(`WARNING: ${warning.reason}\n`);
        break;
    }
  }
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
