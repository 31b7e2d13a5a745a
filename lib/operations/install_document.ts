/**
 * `install --format json` (and `upgrade`): what an install did, or for a
 * dry run would do, as data: the distributions installed (with the versions
 * they replaced), those left as they were, and the conflicts afterwards.
 * pip's `--report` says what the resolver chose; this says what changed.
 *
 * @module
 */

import { conflictsDocument } from "./check.ts";
import type { InstallOutcome } from "./install.ts";
import type { InstallDocument, InstalledEntry } from "./json_documents.ts";
import { displayVersion } from "./list.ts";

/** The document of an install's outcome. */
export function installDocument(
  outcome: InstallOutcome,
  options: {
    dryRun: boolean;
    /** Who gets `REQUESTED`, when not those the requirements name (`upgrade`). */
    requested?: ReadonlySet<string>;
    /** Warnings printed before the install's own (`upgrade`'s skipped names). */
    warnings?: readonly string[];
  },
): InstallDocument {
  const shownName = new Map<string, string>();
  for (const item of outcome.collected) shownName.set(item.name, item.displayName);
  for (const [name, metadataName] of outcome.metadataNames ?? []) {
    shownName.set(name, metadataName);
  }
  const replaced = new Map<string, string>();
  for (const entry of outcome.plan.reinstall) {
    replaced.set(entry.dist.name, displayVersion(entry.installed.version));
  }
  const requested = new Map<string, boolean>();
  for (const dist of outcome.plan.install) requested.set(dist.name, dist.requested);
  for (const entry of outcome.plan.reinstall) requested.set(entry.dist.name, entry.dist.requested);
  const entry = (name: string, version: string, displayName?: string): InstalledEntry => {
    const was = replaced.get(name);
    return {
      name: displayName ?? shownName.get(name) ?? name,
      version,
      requested: options.requested?.has(name) ?? requested.get(name) ?? false,
      ...(was === undefined ? {} : { replaced_version: was }),
    };
  };
  const changelog = options.dryRun ? undefined : outcome.changelog;
  const planned = [...outcome.plan.install, ...outcome.plan.reinstall.map((e) => e.dist)];
  const versions = new Map(planned.map((dist) => [dist.name as string, dist.version]));
  const installed = changelog !== undefined
    ? changelog.installed.map((dist) => entry(dist.name, dist.version, dist.displayName))
    : outcome.order.filter((name) => versions.has(name)).map((name) =>
      entry(name, versions.get(name)!)
    );
  return {
    schema_version: 1,
    dry_run: options.dryRun,
    installed,
    satisfied: outcome.plan.satisfied.map((s) => ({
      name: s.installed.rawName,
      version: displayVersion(s.installed.version),
    })),
    ignored: outcome.ignored.map((ignored) => ignored.text),
    warnings: [...(options.warnings ?? []), ...outcome.warnings],
    conflicts: outcome.conflicts === undefined ? null : conflictsDocument(outcome.conflicts),
  };
}

/** The document of an install that had nothing to do (`upgrade` with nothing to upgrade). */
export function emptyInstallDocument(
  options: { dryRun: boolean; warnings: readonly string[] },
): InstallDocument {
  return {
    schema_version: 1,
    dry_run: options.dryRun,
    installed: [],
    satisfied: [],
    ignored: [],
    warnings: [...options.warnings],
    conflicts: null,
  };
}
