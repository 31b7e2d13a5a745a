/**
 * `dpip uninstall [-y] NAME... [-r FILE]`, worded as pip 23.2 words it.
 *
 * Without `-y` it shows pip's listing and asks `Proceed (Y/n)?`, reading the
 * answer from stdin whether or not it is a terminal, as pip does (an empty
 * answer proceeds; end of input is an error, so a script must pass `-y`).
 *
 * @module
 */

import { resolve } from "../../paths.ts";
import { DpipError } from "../../errors.ts";
import { summarizeRemoval } from "../../installer/uninstall.ts";
import {
  planUninstall,
  removeDist,
  type UninstallEnvironment,
} from "../../operations/uninstall.ts";
import { parseRequirementsFile } from "../../requirements/requirements_txt.ts";
import { parseRequirementSource, type PathKind } from "../../requirements/source.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import { targetInterpreter } from "./installed_environment.ts";

function statKind(path: string): PathKind {
  try {
    return Deno.statSync(path).isDirectory ? "directory" : "file";
  } catch {
    return undefined;
  }
}

/** The project names of the arguments and `-r` files. */
async function requestedNames(context: CommandContext): Promise<string[]> {
  const { io, options } = context;
  const texts: { text: string; origin: string; cwd: string }[] = context.args.map((text) => ({
    text,
    origin: "command line",
    cwd: io.cwd,
  }));
  for (const file of options.strings("requirements")) {
    const location = resolve(io.cwd, file);
    const parsed = await parseRequirementsFile(location, {
      read: (path) => Deno.readTextFile(path),
      env: io.env,
    });
    for (const line of parsed.requirements) {
      texts.push({
        text: line.text,
        origin: `${line.origin.file}:${line.origin.line}`,
        cwd: resolve(location, ".."),
      });
    }
  }
  return texts.map(({ text, origin, cwd }) => {
    const source = parseRequirementSource(text, { cwd, stat: statKind, origin });
    if (source.name === undefined) {
      throw new DpipError(
        "uninstall-needs-name",
        `Cannot uninstall ${text} (${origin}): it does not name a project`,
        { hint: "give the project name, e.g. dpip uninstall requests" },
      );
    }
    return source.name;
  });
}

async function confirm(context: CommandContext): Promise<boolean> {
  const { io } = context;
  for (;;) {
    io.stdout.write("Proceed (Y/n)? ");
    const answer = await io.readLine?.();
    if (answer === undefined) {
      io.stdout.write("\n");
      throw new DpipError(
        "no-confirmation",
        "No answer to 'Proceed (Y/n)?': standard input ended",
        { hint: "pass -y to uninstall without asking" },
      );
    }
    const response = answer.trim().toLowerCase();
    if (response === "y" || response === "") return true;
    if (response === "n") return false;
    io.stdout.write(
      `Your response ('${response}') was not one of the expected responses: y, n, \n`,
    );
  }
}

/** Runs `dpip uninstall`. */
export async function runUninstall(context: CommandContext): Promise<number> {
  const { io, options } = context;
  const names = await requestedNames(context);
  if (names.length === 0) {
    io.stderr.write(
      `ERROR: You must give at least one requirement to uninstall (see "${context.program} help uninstall")\n`,
    );
    return ExitCode.error;
  }
  const interpreter = await targetInterpreter(context);
  const scheme = interpreter.scheme({ kind: "default" });
  const userScheme = interpreter.userSite === undefined
    ? undefined
    : interpreter.scheme({ kind: "user" });
  if (interpreter.externallyManaged !== undefined && !options.flag("breakSystemPackages")) {
    throw new DpipError(
      "externally-managed-environment",
      `Cannot uninstall from ${interpreter.prefix}: it is externally managed (PEP 668)`,
      { hint: "pass --break-system-packages to override" },
    );
  }
  const environment: UninstallEnvironment = {
    sitePackages: interpreter.sitePackages,
    scriptsDir: scheme.scripts,
    ...(interpreter.userSite === undefined || userScheme === undefined
      ? {}
      : { userSite: interpreter.userSite, userScriptsDir: userScheme.scripts }),
    ...(interpreter.isVenv ? { environmentDirs: [interpreter.prefix] } : {}),
    keepDirs: [
      ...new Set(
        (userScheme === undefined ? [scheme] : [scheme, userScheme])
          .flatMap((s) => [s.purelib, s.platlib, s.scripts, s.data, s.headers]),
      ),
    ],
    lockDir: scheme.purelib,
    onLockWait: (path) => io.stderr.write(`Waiting for another dpip process to release ${path}\n`),
  };
  const items = planUninstall(names, environment);
  const autoConfirm = options.flag("yes");
  for (const item of items) {
    switch (item.kind) {
      case "not-installed":
        io.stderr.write(`WARNING: Skipping ${item.name} as it is not installed.\n`);
        break;
      case "outside":
        io.stdout.write(`Found existing installation: ${item.dist.rawName} ${item.dist.version}\n`);
        io.stdout.write(`${item.message}\n`);
        io.stdout.write(
          `Can't uninstall '${item.dist.rawName}'. No files were found to uninstall.\n`,
        );
        break;
      case "remove": {
        const { dist, plan } = item;
        const label = `${dist.rawName}-${dist.version}`;
        io.stdout.write(`Found existing installation: ${dist.rawName} ${dist.version}\n`);
        io.stdout.write(`Uninstalling ${label}:\n`);
        if (!autoConfirm) {
          const { remove, skipped } = summarizeRemoval(plan);
          io.stdout.write("  Would remove:\n");
          for (const path of remove) io.stdout.write(`    ${path}\n`);
          if (options.count("verbose") > 0 && skipped.length > 0) {
            io.stdout.write("  Would not remove (might be manually added):\n");
            for (const path of skipped) io.stdout.write(`    ${path}\n`);
          }
          if (!(await confirm(context))) break;
        }
        await removeDist(plan, dist, environment);
        io.stdout.write(`  Successfully uninstalled ${label}\n`);
        break;
      }
    }
  }
  return ExitCode.success;
}
