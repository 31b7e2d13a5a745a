/**
 * `show`: the details of installed distributions, with the field set pip
 * prints (and `--verbose`'s extra fields, `--files`' file list).
 *
 * @module
 */

import type { InstalledDist } from "../installer/site_packages.ts";
import { headerValue, headerValues, metadataAsPipReadsIt } from "../installer/metadata_file.ts";
import { canonicalizeName } from "../names/mod.ts";
import type { ShowDocument } from "./json_documents.ts";
import { dependenciesOf, displayVersion, type TargetEnvironment } from "./list.ts";

/** What `show` prints about one distribution. */
export interface PackageInfo {
  readonly name: string;
  readonly version: string;
  readonly location: string;
  readonly editableProjectLocation?: string;
  /** The names of its dependencies (no extras), as written, sorted case-insensitively. */
  readonly requires: readonly string[];
  /** The names of installed distributions that depend on it, sorted case-insensitively. */
  readonly requiredBy: readonly string[];
  readonly installer: string;
  readonly metadataVersion: string;
  readonly classifiers: readonly string[];
  readonly summary: string;
  readonly homepage: string;
  readonly projectUrls: readonly string[];
  readonly author: string;
  readonly authorEmail: string;
  readonly license: string;
  /** The lines of `entry_points.txt`. */
  readonly entryPoints: readonly string[];
  /** The installed files, sorted; undefined without RECORD or installed-files.txt. */
  readonly files?: readonly string[];
}

/** The result of {@link showPackages}. */
export interface ShowResult {
  readonly packages: readonly PackageInfo[];
  /** The queried names not installed, as given, sorted. */
  readonly missing: readonly string[];
}

function byLower(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Looks up each queried name among all installed distributions (no filtering,
 * as pip does) and gathers what `show` prints.
 *
 * @example
 * ```ts
 * // showPackages(readTargetDists(target).dists, target, ["requests"]).packages[0].requires
 * ```
 */
export function showPackages(
  dists: readonly InstalledDist[],
  target: TargetEnvironment,
  query: readonly string[],
  options: { importlib: boolean },
): ShowResult {
  const installed = new Map<string, InstalledDist>();
  for (const dist of dists) installed.set(dist.name, dist);
  const queryNames = query.map((name) => canonicalizeName(name));
  const missing = query.filter((_, i) => !installed.has(queryNames[i]!)).sort();
  const dependencyNames = new Map<InstalledDist, Set<string>>();
  const namesOf = (dist: InstalledDist) => {
    let names = dependencyNames.get(dist);
    if (names === undefined) {
      names = new Set(
        dependenciesOf(dist, target.markerEnvironment).requirements.map((r) =>
          canonicalizeName(r.name)
        ),
      );
      dependencyNames.set(dist, names);
    }
    return names;
  };
  const packages: PackageInfo[] = [];
  for (const queryName of queryNames) {
    const dist = installed.get(queryName);
    if (dist === undefined) continue;
    const requires = dependenciesOf(dist, target.markerEnvironment).requirements.map((r) => r.name)
      .sort(byLower);
    const requiredBy = [...installed.values()]
      .filter((other) => namesOf(other).has(dist.name))
      .map((other) => headerValue(other.message, "Name") || "UNKNOWN")
      .sort(byLower);
    const entryPointsText = dist.readInfoFile("entry_points.txt");
    const files = dist.declaredFiles()?.sort();
    const message = metadataAsPipReadsIt(dist.message, options);
    const get = (field: string) => headerValue(message, field) ?? "";
    packages.push({
      name: dist.rawName,
      version: displayVersion(dist.version),
      location: dist.location,
      ...(dist.editableProjectLocation === undefined
        ? {}
        : { editableProjectLocation: dist.editableProjectLocation }),
      requires,
      requiredBy,
      installer: dist.installer,
      metadataVersion: get("Metadata-Version"),
      classifiers: headerValues(message, "Classifier"),
      summary: get("Summary"),
      homepage: get("Home-page"),
      projectUrls: headerValues(message, "Project-URL"),
      author: get("Author"),
      authorEmail: get("Author-email"),
      license: get("License"),
      entryPoints: entryPointsText === undefined ? [] : entryPointsText.split(/\r\n|\r|\n/).slice(
        0,
        entryPointsText.endsWith("\n") ? -1 : undefined,
      ),
      ...(files === undefined ? {} : { files }),
    });
  }
  return { packages, missing };
}

/** `show --format json`: every field `show -v` prints, and with `files` the `-f` list. */
export function showDocument(result: ShowResult, options: { files: boolean }): ShowDocument {
  return {
    schema_version: 1,
    packages: result.packages.map((info) => ({
      name: info.name,
      version: info.version,
      location: info.location,
      ...(info.editableProjectLocation === undefined
        ? {}
        : { editable_project_location: info.editableProjectLocation }),
      requires: info.requires,
      required_by: info.requiredBy,
      installer: info.installer,
      metadata_version: info.metadataVersion,
      summary: info.summary,
      home_page: info.homepage,
      author: info.author,
      author_email: info.authorEmail,
      license: info.license,
      classifiers: info.classifiers,
      project_urls: info.projectUrls,
      entry_points: info.entryPoints.map((line) => line.trim()),
      ...(options.files ? { files: info.files?.map((f) => f.trim()) ?? null } : {}),
    })),
    not_found: result.missing,
  };
}
