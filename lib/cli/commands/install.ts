/**
 * `dpip install` of local wheel files (`dpip install ./a.whl ./b.whl`), with
 * `--no-deps` semantics until the resolver exists; anything else (a project
 * name, an sdist, a directory, a URL) is refused with a clear message.
 *
 * Targets: the interpreter's environment, `--user`, `--prefix`, `--root`,
 * `--target` (with `--upgrade` to replace a copy already there). Files come
 * out of the unpacked-wheel cache (`--link-mode`); `--compile` compiles the
 * installed modules in one interpreter process, and the default is not to
 * (Python compiles on first import, as uv chooses).
 *
 * @module
 */

import { isAbsolute, relative, resolve } from "node:path";
import { bucketDir, CacheBucket, resolveCacheRoot } from "../../cache/cache_dir.ts";
import { compatibleTags } from "../../dists/tags.ts";
import { DpipError } from "../../errors.ts";
import type { LinkMode } from "../../installer/wheel_cache.ts";
import { type InstallChangelog, installWheels } from "../../operations/install_wheels.ts";
import type { Interpreter, SchemeKind } from "../../python/mod.ts";
import { parseRequirementsFile } from "../../requirements/requirements_txt.ts";
import { parseRequirementSource, type PathKind } from "../../requirements/source.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import { targetInterpreter } from "./installed_environment.ts";

/** A requirement this version of dpip cannot install (only local wheels can be). */
export class UnsupportedRequirementError extends DpipError {
  /** The requirement as given. */
  readonly requirement: string;

  constructor(requirement: string, what: string) {
    super(
      "unsupported-requirement",
      `Cannot install ${requirement}: ${what}; this version of dpip installs local wheel files only (installing from an index is not available yet)`,
      { hint: "download the wheel and pass its path: dpip install ./name-1.0-py3-none-any.whl" },
    );
    this.name = "UnsupportedRequirementError";
    this.requirement = requirement;
  }
}

function statKind(path: string): PathKind {
  try {
    const info = Deno.statSync(path);
    return info.isDirectory ? "directory" : "file";
  } catch {
    return undefined;
  }
}

/** The wheel paths named by the arguments and `-r` files. */
async function wheelPaths(context: CommandContext): Promise<string[]> {
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
  if (options.strings("editables").length > 0) {
    throw new UnsupportedRequirementError(
      options.strings("editables")[0]!,
      "editable installs are not available yet",
    );
  }
  const paths: string[] = [];
  for (const { text, origin, cwd } of texts) {
    const source = parseRequirementSource(text, { cwd, stat: statKind, origin });
    switch (source.kind) {
      case "path":
        if (source.pathKind !== "wheel") {
          throw new UnsupportedRequirementError(
            text,
            source.pathKind === "directory"
              ? "it is a project directory"
              : "it is a source archive",
          );
        }
        paths.push(source.path);
        break;
      case "url":
        if (source.url.startsWith("file:") && source.archive === "wheel") {
          paths.push(decodeURIComponent(new URL(source.url).pathname));
          break;
        }
        throw new UnsupportedRequirementError(text, "it is a URL");
      case "vcs":
        throw new UnsupportedRequirementError(text, "it is a version-control URL");
      case "registry":
        throw new UnsupportedRequirementError(text, "it names a project, to find on an index");
    }
  }
  return paths;
}

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

function displayPath(path: string, cwd: string): string {
  const shown = relative(cwd, path);
  if (shown.startsWith("..") || isAbsolute(shown)) return path;
  return `./${shown}`;
}

/** Runs `dpip install`. */
export async function runInstall(context: CommandContext): Promise<number> {
  const { io, options } = context;
  const paths = await wheelPaths(context);
  if (paths.length === 0) {
    io.stderr.write(
      `ERROR: You must give at least one requirement to install (see "${context.program} help install")\n`,
    );
    return ExitCode.error;
  }
  const interpreter: Interpreter = await targetInterpreter(context);
  const { kind, target } = schemeKind(context);
  if (
    interpreter.externallyManaged !== undefined && !options.flag("breakSystemPackages") &&
    (kind.kind === "default" || kind.kind === "user")
  ) {
    throw new DpipError(
      "externally-managed-environment",
      `Cannot install into ${interpreter.prefix}: it is externally managed (PEP 668)${
        interpreter.externallyManaged.message === undefined
          ? ""
          : `: ${interpreter.externallyManaged.message.split("\n")[0]}`
      }`,
      { hint: "use a virtual environment, or pass --break-system-packages to override" },
    );
  }
  const scheme = interpreter.scheme(kind);
  const cacheDir = options.isDisabled("cacheDir") ? false : options.string("cacheDir");
  const cacheRoot = resolveCacheRoot({
    ...(cacheDir === undefined ? {} : { cacheDir }),
    env: io.env,
    cwd: io.cwd,
  });
  const linkMode = options.string("linkMode") as LinkMode | undefined;
  for (const path of paths) io.stdout.write(`Processing ${displayPath(path, io.cwd)}\n`);
  const environmentDirs = target !== undefined
    ? [target]
    : kind.kind === "default" && interpreter.isVenv
    ? [interpreter.prefix]
    : undefined;
  let lockWaitShown = false;
  const changelog = await installWheels(
    paths.map((path) => ({ path, requested: true })),
    {
      scheme,
      python: interpreter.executable,
      pythonVersion: [interpreter.version[0], interpreter.version[1]],
      compatibleTags: new Set(compatibleTags(interpreter.tagFacts).map(String)),
      ...(cacheRoot === undefined
        ? {}
        : { cacheBucket: bucketDir(cacheRoot, CacheBucket.unpacked) }),
      ...(linkMode === undefined ? {} : { linkMode }),
      compile: options.flag("compile", false),
      forceReinstall: options.flag("forceReinstall"),
      targetDir: target !== undefined,
      upgrade: options.flag("upgrade"),
      ...(environmentDirs === undefined ? {} : { environmentDirs }),
      env: io.env,
      onLockWait: (path) => {
        if (lockWaitShown) return;
        lockWaitShown = true;
        io.stderr.write(`Waiting for another dpip process to release ${path}\n`);
      },
    },
  );
  renderChangelog(context, changelog);
  return ExitCode.success;
}

function renderChangelog(context: CommandContext, changelog: InstallChangelog): void {
  const { io } = context;
  for (const warning of changelog.warnings) io.stderr.write(`WARNING: ${warning}\n`);
  for (const skipped of changelog.skipped) {
    if (skipped.reason === "same-version") {
      io.stdout.write(
        `${skipped.dist.name} is already installed with the same version as the provided wheel. Use --force-reinstall to force an installation of the wheel.\n`,
      );
    } else {
      io.stderr.write(
        `WARNING: Target directory ${skipped.path} already exists. Specify --upgrade to force replacement.\n`,
      );
    }
  }
  if (changelog.installed.length === 0) return;
  io.stdout.write(
    `Installing collected packages: ${changelog.installed.map((dist) => dist.name).join(", ")}\n`,
  );
  for (const old of changelog.uninstalled) {
    io.stdout.write(
      `  Attempting uninstall: ${old.name}\n    Found existing installation: ${old.displayName} ${old.version}\n    Uninstalling ${old.displayName}-${old.version}:\n      Successfully uninstalled ${old.displayName}-${old.version}\n`,
    );
  }
  io.stdout.write(
    `Successfully installed ${
      changelog.installed.map((dist) => `${dist.name}-${dist.version}`).join(" ")
    }\n`,
  );
}
