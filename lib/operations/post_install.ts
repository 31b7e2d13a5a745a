/**
 * The checks of `install` after installing, as pip makes them: the
 * dependencies of what is installed that the change may have broken
 * (pip's conflict warning), and console scripts put in a directory that is
 * not on PATH.
 *
 * @module
 */

import { dirname, normalize } from "../paths.ts";
import { consoleScripts, parseEntryPoints } from "../dists/entry_points.ts";
import {
  importlibBackend,
  type InstalledDist,
  readInstalledDists,
} from "../installer/site_packages.ts";
import { canonicalizeName, type PackageName } from "../names/mod.ts";
import type { Interpreter, Scheme, SchemeKind } from "../python/mod.ts";
import { trimEndChars } from "../trim.ts";
import { checkInstalled, type CheckResult } from "./check.ts";
import type { InstallChangelog } from "./install_execute.ts";
import { parseDependencies } from "./requires_dist.ts";

/** What the checks after an install found. */
export interface PostInstallCheck {
  /** Broken dependencies involving what was installed. */
  readonly conflicts?: CheckResult;
  /** Per installed distribution (in install order), its console scripts in a directory not on PATH. */
  readonly scriptsNotOnPath?: readonly ReadonlyMap<string, readonly string[]>[];
}

/** What the checks look at. */
export interface PostInstallOptions {
  readonly interpreter: Interpreter;
  readonly schemeKind: SchemeKind;
  readonly scheme: Scheme;
  /** Check dependencies (not `--no-warn-conflicts`). */
  readonly warnConflicts: boolean;
  /** Check the scripts' directory (not `--no-warn-script-location`). */
  readonly warnScriptLocation: boolean;
  /**
   * What was installed is a whole resolution into an empty environment,
   * which cannot conflict: reading it all back to check says nothing new.
   */
  readonly resolvedWhole: boolean;
  /** The run's environment (its `PATH`). */
  readonly env: Readonly<Record<string, string>>;
}

/** Checks the environment after `changelog` (see the module docs). */
export function checkAfterInstall(
  changelog: InstallChangelog,
  options: PostInstallOptions,
): PostInstallCheck {
  const { interpreter, schemeKind } = options;
  const isTarget = schemeKind.kind === "target";
  const conflicts = !options.warnConflicts || isTarget
    ? undefined
    : options.resolvedWhole
    ? { missing: [], conflicting: [], parsingProblems: [], duplicates: [] }
    : conflictsOf(interpreter, new Set(changelog.installed.map((dist) => dist.name)));
  const hidden = !options.warnScriptLocation || isTarget || schemeKind.kind === "prefix"
    ? undefined
    : scriptsNotOnPath(changelog, options.scheme, interpreter, options.env);
  return {
    ...(conflicts === undefined ? {} : { conflicts }),
    ...(hidden === undefined ? {} : { scriptsNotOnPath: hidden }),
  };
}

/** The dists whose dependencies may be broken by installing `changed` (pip's "whitelist"). */
function affectedProjects(
  changed: ReadonlySet<PackageName>,
  dists: readonly InstalledDist[],
): Set<string> {
  const affected = new Set<string>(changed);
  for (const dist of dists) {
    if (affected.has(dist.name)) continue;
    if (parseDependencies(dist.requiresDist()).some((r) => changed.has(canonicalizeName(r.name)))) {
      affected.add(dist.name);
    }
  }
  return affected;
}

/** The broken dependencies of the environment that involve `changed`. */
function conflictsOf(interpreter: Interpreter, changed: ReadonlySet<PackageName>): CheckResult {
  const dists = readInstalledDists(interpreter.sitePackages).dists;
  const affected = affectedProjects(changed, dists);
  const result = checkInstalled(dists, {
    sitePackages: interpreter.sitePackages,
    prefix: interpreter.prefix,
    isVenv: interpreter.isVenv,
    markerEnvironment: interpreter.markerEnvironment,
    importlib: importlibBackend(interpreter.version),
  });
  return {
    missing: result.missing.filter((m) => affected.has(m.project)),
    conflicting: result.conflicting.filter((c) => affected.has(c.project)),
    parsingProblems: [],
    duplicates: [],
  };
}

/**
 * The console scripts just installed into a directory that is neither on
 * PATH nor the interpreter's own, as pip checks them.
 */
function scriptsNotOnPath(
  changelog: InstallChangelog,
  scheme: { purelib: string; platlib: string; scripts: string },
  interpreter: Interpreter,
  env: Readonly<Record<string, string>>,
): Map<string, string[]>[] | undefined {
  const clean = (dir: string) => trimEndChars(normalize(dir), "/");
  const onPath = new Set((env["PATH"] ?? "").split(":").filter((d) => d !== "").map(clean));
  onPath.add(clean(dirname(interpreter.executable)));
  const dir = clean(scheme.scripts);
  if (onPath.has(dir)) return undefined;
  const found = new Map(
    readInstalledDists([...new Set([scheme.purelib, scheme.platlib])]).dists.map((
      dist,
    ) => [dist.name, dist]),
  );
  const warnings: Map<string, string[]>[] = [];
  for (const { name } of changelog.installed) {
    const text = found.get(name)?.readInfoFile("entry_points.txt");
    if (text === undefined) continue;
    let scripts: string[];
    try {
      scripts = consoleScripts(parseEntryPoints(text)).map((entry) => entry.name);
    } catch {
      continue; // The installer refused invalid entry points already.
    }
    if (scripts.length > 0) warnings.push(new Map([[dir, scripts.sort()]]));
  }
  return warnings.length === 0 ? undefined : warnings;
}
