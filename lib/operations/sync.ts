/**
 * `sync`: what makes an environment exactly a requirements or lock file
 * (`uv pip sync`, pip-tools' `pip-sync`). Installing the listed
 * distributions is `install --no-deps`; this module decides what else must
 * go: every installed distribution the files do not list, except the
 * installers themselves (pip, setuptools, wheel), which are never removed.
 * Pure.
 *
 * @module
 */

import { canonicalizeName, type PackageName } from "../names/mod.ts";
import type { MarkerEnvironment } from "../pep508/mod.ts";
import type { RequirementsSpecification } from "../requirements/specification.ts";
import type { InstallDocument, NameVersion, SyncDocument } from "./json_documents.ts";

/** Never uninstalled by `sync`, listed or not. */
export const SYNC_PROTECTED: ReadonlySet<string> = new Set(["pip", "setuptools", "wheel"]);

/**
 * The names a specification installs in `environment`: its requirements
 * whose markers hold (those without a name, such as a path to an sdist, are
 * named by the caller once built).
 */
export function listedNames(
  spec: RequirementsSpecification,
  environment: MarkerEnvironment,
): Set<PackageName> {
  const names = new Set<PackageName>();
  for (const { source } of spec.requirements) {
    if (source.name === undefined) continue;
    if (source.marker !== undefined && !source.marker.evaluate({ ...environment, extra: "" })) {
      continue;
    }
    names.add(source.name);
  }
  return names;
}

/**
 * The installed distributions `sync` removes: those not listed, other than
 * pip, setuptools and wheel, sorted by name.
 *
 * @example
 * ```ts
 * import { extraneous } from "./sync.ts";
 * extraneous(["Flask", "pip", "requests"], new Set(["flask"])); // ["requests"]
 * ```
 */
export function extraneous(installed: readonly string[], listed: ReadonlySet<string>): string[] {
  return [
    ...new Set(installed.map((name) => canonicalizeName(name))),
  ].filter((name) => !listed.has(name) && !SYNC_PROTECTED.has(name)).sort();
}

/**
 * The document of `sync --format json`: the install half's document (run
 * with `--no-deps`) and the distributions removed, or for a dry run those
 * that would be.
 */
export function syncDocument(
  install: InstallDocument,
  removed: readonly NameVersion[],
): SyncDocument {
  return {
    schema_version: 1,
    dry_run: install.dry_run,
    installed: install.installed,
    satisfied: install.satisfied,
    removed: [...removed],
    warnings: install.warnings,
  };
}
