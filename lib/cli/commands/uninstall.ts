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
import { readInstalledDists } from "../../installer/site_packages.ts";
import { autoremovePlanner } from "../../operations/autoremove.ts";
import { freezeDevPackages } from "../../operations/freeze.ts";
import type {
  NameVersion,
  RemovedDistribution,
  UninstallDocument,
} from "../../operations/json_documents.ts";
import {
  finishPendingChanges,
  planUninstall,
  removeDist,
  type UninstallEnvironment,
  type UninstallItem,
} from "../../operations/uninstall.ts";
import type { Interpreter } from "../../python/mod.ts";
import type { TextSink } from "../io.ts";
import { emitDocument, wantsJson } from "../json_output.ts";
import { rootUserWarningFor } from "../root_user.ts";
import { parseRequirementsFile } from "../../requirements/requirements_txt.ts";
import { parseRequirementSource } from "../../requirements/source.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import { targetInterpreter } from "./installed_environment.ts";
import { statKind } from "../../operations/path_kind.ts";

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

async function confirm(context: CommandContext, say: TextSink): Promise<boolean> {
  const { io } = context;
  for (;;) {
    say.write("Proceed (Y/n)? ");
    const answer = await io.readLine?.();
    if (answer === undefined) {
      say.write("\n");
      throw new DpipError(
        "no-confirmation",
        "No answer to 'Proceed (Y/n)?': standard input ended",
        { hint: "pass -y to uninstall without asking" },
      );
    }
    const response = answer.trim().toLowerCase();
    if (response === "y" || response === "") return true;
    if (response === "n") return false;
    say.write(
      `Your response ('${response}') was not one of the expected responses: y, n, \n`,
    );
  }
}

/** The environment of the target interpreter, as `uninstall` acts on it. */
function uninstallEnvironment(
  context: CommandContext,
  interpreter: Interpreter,
): UninstallEnvironment {
  const { io } = context;
  const scheme = interpreter.scheme({ kind: "default" });
  const userScheme = interpreter.userSite === undefined
    ? undefined
    : interpreter.scheme({ kind: "user" });
  return {
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
}

/** Runs `dpip uninstall`. */
export async function runUninstall(context: CommandContext): Promise<number> {
  const { io, options } = context;
  const json = wantsJson(context);
  // With --format json, stdout is the document's: the listing and the prompt go to stderr.
  const say: TextSink = json ? io.stderr : io.stdout;
  const out = (line: string) => say.write(line + "\n");
  const names = await requestedNames(context);
  if (names.length === 0) {
    io.stderr.write(
      `ERROR: You must give at least one requirement to uninstall (see "${context.program} help uninstall")\n`,
    );
    return ExitCode.error;
  }
  const interpreter = await targetInterpreter(context);
  if (interpreter.externallyManaged !== undefined && !options.flag("breakSystemPackages")) {
    throw new DpipError(
      "externally-managed-environment",
      `Cannot uninstall from ${interpreter.prefix}: it is externally managed (PEP 668)`,
      { hint: "pass --break-system-packages to override" },
    );
  }
  const environment = uninstallEnvironment(context, interpreter);
  for (const warning of await finishPendingChanges(environment)) {
    io.stderr.write(`WARNING: ${warning}\n`);
  }
  const autoremove = options.flag("autoremove");
  const keep = new Set(freezeDevPackages([interpreter.version[0], interpreter.version[1]]));
  // Judged on what is installed before anything goes (read now: a removed one's metadata is gone).
  const along = autoremove
    ? autoremovePlanner(
      readInstalledDists(environment.sitePackages).dists,
      interpreter.markerEnvironment,
      { keep },
    )
    : undefined;
  const items = planUninstall(names, environment);
  const autoConfirm = options.flag("yes");
  const removed: RemovedDistribution[] = [];
  const notInstalled: string[] = [];
  const declined: NameVersion[] = [];
  const remove = async (
    item: Extract<UninstallItem, { kind: "remove" }>,
    reason: RemovedDistribution["reason"],
  ) => {
    const { dist, plan } = item;
    const label = `${dist.rawName}-${dist.version}`;
    for (const warning of await removeDist(plan, dist, environment)) {
      io.stderr.write(`WARNING: ${warning}\n`);
    }
    out(`  Successfully uninstalled ${label}`);
    removed.push({ name: dist.rawName, version: dist.version, paths: plan.paths.length, reason });
  };
  for (const item of items) {
    switch (item.kind) {
      case "not-installed":
        io.stderr.write(`WARNING: Skipping ${item.name} as it is not installed.\n`);
        notInstalled.push(item.name);
        break;
      case "outside":
        out(`Found existing installation: ${item.dist.rawName} ${item.dist.version}`);
        out(item.message);
        out(`Can't uninstall '${item.dist.rawName}'. No files were found to uninstall.`);
        declined.push({ name: item.dist.rawName, version: item.dist.version });
        break;
      case "remove": {
        const { dist, plan } = item;
        out(`Found existing installation: ${dist.rawName} ${dist.version}`);
        out(`Uninstalling ${dist.rawName}-${dist.version}:`);
        if (!autoConfirm) {
          const { remove: paths, skipped } = summarizeRemoval(plan);
          out("  Would remove:");
          for (const path of paths) out(`    ${path}`);
          if (options.count("verbose") > 0 && skipped.length > 0) {
            out("  Would not remove (might be manually added):");
            for (const path of skipped) out(`    ${path}`);
          }
          if (!(await confirm(context, say))) {
            declined.push({ name: dist.rawName, version: dist.version });
            break;
          }
        }
        await remove(item, "requested");
        break;
      }
    }
  }
  if (along !== undefined) {
    const extra = along(removed.map((r) => r.name));
    if (extra.length > 0) {
      out(
        `${
          extra.length === 1 ? "This dependency is" : "These dependencies are"
        } no longer needed by anything installed, and you did not ask for ${
          extra.length === 1 ? "it" : "them"
        } (--autoremove):`,
      );
      for (const dist of extra) out(`  ${dist.rawName} ${dist.version}`);
      if (autoConfirm || (await confirm(context, say))) {
        for (const item of planUninstall(extra.map((d) => d.name), environment)) {
          if (item.kind !== "remove") continue;
          out(`Found existing installation: ${item.dist.rawName} ${item.dist.version}`);
          out(`Uninstalling ${item.dist.rawName}-${item.dist.version}:`);
          await remove(item, "autoremove");
        }
      } else {
        for (const dist of extra) declined.push({ name: dist.rawName, version: dist.version });
      }
    }
  }
  const root = rootUserWarningFor(context, interpreter);
  if (root !== undefined) io.stderr.write(`WARNING: ${root}\n`);
  if (json) {
    emitDocument(
      context,
      {
        schema_version: 1,
        removed,
        not_installed: notInstalled,
        declined,
      } satisfies UninstallDocument,
    );
  }
  return ExitCode.success;
}
