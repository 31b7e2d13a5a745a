/**
 * What an SBOM says, independent of its format: one component per
 * distribution (an installed one, or a lock's package) with its package URL,
 * the hashes that identify it, what it depends on, and the SBOM documents
 * its wheel shipped (PEP 770 `.dist-info/sboms/`).
 *
 * A component's hash is the hash of the **distribution file** (wheel or
 * sdist) it is, when that is known, and nothing else:
 *
 * - from a lock: the file's `hashes` when the package has exactly one file
 *   (an archive, a single wheel, or only an sdist). A package with several
 *   files (wheels for several platforms) gets no component hash; each file is
 *   listed as a distribution with its own hashes instead.
 * - from an environment: `direct_url.json`'s `archive_info` hashes (an
 *   install from a URL or a file). Nothing records which file an install
 *   from an index came from, so those components carry no hash; RECORD's
 *   per-file hashes describe installed files, not the distribution, and are
 *   not used.
 *
 * @module
 */

import { canonicalizeName, type PackageName } from "../names/mod.ts";
import type { Pylock, PylockDistribution, PylockPackage } from "../lock/pylock.ts";
import { distributionFilename } from "../lock/pylock.ts";
import type { InstalledDist } from "../installer/site_packages.ts";
import { headerValue, headerValues } from "../installer/metadata_file.ts";
import type { InstalledGraph } from "../operations/installed_graph.ts";
import { tryParseVersion } from "../pep440/mod.ts";

/** A hash algorithm both formats know, with its hex digest. */
export interface SbomHash {
  readonly algorithm: "sha256" | "sha384" | "sha512" | "sha1" | "md5";
  readonly hex: string;
}

/** A file a component comes as (a lock's wheel or sdist). */
export interface SbomFile {
  readonly filename: string;
  readonly url?: string;
  readonly hashes: readonly SbomHash[];
}

/** An SBOM document a wheel shipped in `.dist-info/sboms/` (PEP 770), referenced as it is. */
export interface EmbeddedSbom {
  /** The path of the file. */
  readonly path: string;
  /** Its name under `sboms/`. */
  readonly name: string;
  readonly sha256: string;
  readonly sha1: string;
}

/** A link found in metadata (`Home-page`, `Project-URL`). */
export interface SbomLink {
  readonly kind: "website" | "vcs" | "documentation" | "issue-tracker";
  readonly url: string;
}

/** One distribution. */
export interface SbomComponent {
  /** A stable identifier within the document (`pkg:pypi/name@version`, made unique). */
  readonly ref: string;
  readonly name: PackageName;
  /** The name as the metadata or lock writes it. */
  readonly displayName: string;
  readonly version?: string;
  /** `pkg:pypi/<normalized name>@<version>` (no version when unknown). */
  readonly purl: string;
  readonly summary?: string;
  /** `License-Expression` (core metadata 2.4), an SPDX expression. */
  readonly licenseExpression?: string;
  /** The hashes of the distribution file, when known (see the module's documentation). */
  readonly hashes: readonly SbomHash[];
  /** Where it was downloaded from, when known (a direct URL or a lock's single file). */
  readonly downloadUrl?: string;
  /** Every file a lock lists for it. */
  readonly files: readonly SbomFile[];
  readonly links: readonly SbomLink[];
  readonly embeddedSboms: readonly EmbeddedSbom[];
  /** The refs of the components it depends on. */
  readonly dependsOn: readonly string[];
}

/** A whole SBOM. */
export interface SbomDocument {
  /** What it describes: the environment's prefix or the lock's file name. */
  readonly subject: string;
  readonly components: readonly SbomComponent[];
}

const ALGORITHMS = new Set<SbomHash["algorithm"]>(["sha256", "sha384", "sha512", "sha1", "md5"]);

function hashesOf(record: Readonly<Record<string, string>> | undefined): SbomHash[] {
  const out: SbomHash[] = [];
  for (const [algorithm, hex] of Object.entries(record ?? {})) {
    const alg = algorithm.toLowerCase() as SbomHash["algorithm"];
    if (ALGORITHMS.has(alg) && /^[0-9a-f]+$/i.test(hex)) {
      out.push({ algorithm: alg, hex: hex.toLowerCase() });
    }
  }
  return out.sort((a, b) => (a.algorithm < b.algorithm ? -1 : 1));
}

/** The PyPI package URL: `pkg:pypi/<PEP 503 name>@<version>` (the version percent-encoded). */
export function pypiPurl(name: string, version?: string): string {
  const base = `pkg:pypi/${canonicalizeName(name)}`;
  return version === undefined ? base : `${base}@${encodeURIComponent(version)}`;
}

function isWebUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return url.protocol === "https:" || url.protocol === "http:";
}

function linkKind(label: string): SbomLink["kind"] {
  const key = label.toLowerCase().replace(/[^a-z]/g, "");
  if (["source", "sourcecode", "repository", "code", "github", "gitlab"].includes(key)) {
    return "vcs";
  }
  if (["documentation", "docs"].includes(key)) return "documentation";
  if (["issues", "tracker", "bugtracker", "issuetracker", "bugs"].includes(key)) {
    return "issue-tracker";
  }
  return "website";
}

function metadataLinks(dist: InstalledDist): SbomLink[] {
  const links: SbomLink[] = [];
  const home = headerValue(dist.message, "Home-page")?.trim();
  if (home !== undefined && isWebUrl(home)) links.push({ kind: "website", url: home });
  for (const value of headerValues(dist.message, "Project-URL").slice(0, 100)) {
    const comma = value.indexOf(",");
    if (comma < 0) continue;
    const url = value.slice(comma + 1).trim();
    if (isWebUrl(url)) links.push({ kind: linkKind(value.slice(0, comma)), url });
  }
  return links;
}

/** Gives every component a ref unique in the document. */
class Refs {
  readonly #used = new Set<string>();
  make(purl: string): string {
    let ref = purl;
    for (let n = 2; this.#used.has(ref); n++) ref = `${purl}#${n}`;
    this.#used.add(ref);
    return ref;
  }
}

/**
 * The SBOM of installed distributions: dependencies from `Requires-Dist` as
 * `graph` evaluates them (markers for the target, extras followed), and the
 * PEP 770 documents `embedded` found for each (by normalized name).
 */
export function environmentSbom(
  graph: InstalledGraph,
  options: { subject: string; embedded: ReadonlyMap<PackageName, readonly EmbeddedSbom[]> },
): SbomDocument {
  const refs = new Refs();
  const refOf = new Map<PackageName, string>();
  const sorted = [...graph.dists.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const dist of sorted) refOf.set(dist.name, refs.make(pypiPurl(dist.name, dist.version)));
  const components = sorted.map((dist): SbomComponent => {
    const info = dist.directUrl?.info;
    const archive = info?.kind === "archive" ? info : undefined;
    const hashes = hashesOf(archive?.hashes);
    if (hashes.length === 0 && archive?.hash !== undefined) {
      const [algorithm, hex] = archive.hash.split("=", 2);
      for (const hash of hashesOf(algorithm && hex ? { [algorithm]: hex } : {})) hashes.push(hash);
    }
    const summary = headerValue(dist.message, "Summary")?.trim();
    const license = headerValue(dist.message, "License-Expression")?.trim();
    const dependsOn = graph.dependencies(dist.name)
      .filter((edge) => edge.installed)
      .map((edge) => refOf.get(edge.to)!)
      .filter((ref) => ref !== undefined);
    return {
      ref: refOf.get(dist.name)!,
      name: dist.name,
      displayName: dist.rawName,
      version: dist.version,
      purl: pypiPurl(dist.name, dist.version),
      ...(summary ? { summary } : {}),
      ...(license ? { licenseExpression: license } : {}),
      hashes,
      ...(archive !== undefined && dist.directUrl !== undefined && isWebUrl(dist.directUrl.url)
        ? { downloadUrl: dist.directUrl.url }
        : {}),
      files: [],
      links: metadataLinks(dist),
      embeddedSboms: options.embedded.get(dist.name) ?? [],
      dependsOn: [...new Set(dependsOn)].sort(),
    };
  });
  return { subject: options.subject, components };
}

function lockFiles(pkg: PylockPackage): SbomFile[] {
  const files: SbomFile[] = [];
  const add = (dist: PylockDistribution) => {
    files.push({
      filename: distributionFilename(dist),
      ...(dist.url !== undefined && isWebUrl(dist.url) ? { url: dist.url } : {}),
      hashes: hashesOf(dist.hashes),
    });
  };
  for (const wheel of pkg.wheels ?? []) add(wheel);
  if (pkg.sdist !== undefined) add(pkg.sdist);
  if (pkg.archive !== undefined) {
    files.push({
      filename: (pkg.archive.url ?? pkg.archive.path ?? "").split("/").pop() ?? "",
      ...(pkg.archive.url !== undefined && isWebUrl(pkg.archive.url)
        ? { url: pkg.archive.url }
        : {}),
      hashes: hashesOf(pkg.archive.hashes),
    });
  }
  return files;
}

/**
 * The SBOM of a lock: every package (markers are not evaluated: the lock as
 * a whole is described), dependencies from each package's `dependencies`
 * (matched by name, and by version when given).
 */
export function pylockSbom(lock: Pylock, subject: string): SbomDocument {
  const refs = new Refs();
  const entries = lock.packages.map((pkg) => ({
    pkg,
    ref: refs.make(pypiPurl(pkg.name, pkg.version)),
  }));
  const byName = new Map<string, { pkg: PylockPackage; ref: string }[]>();
  for (const entry of entries) {
    const list = byName.get(entry.pkg.name);
    if (list === undefined) byName.set(entry.pkg.name, [entry]);
    else list.push(entry);
  }
  const components = entries.map(({ pkg, ref }): SbomComponent => {
    const dependsOn = new Set<string>();
    for (const dependency of pkg.dependencies ?? []) {
      const field = (key: string) =>
        dependency instanceof Map
          ? dependency.get(key)
          : (dependency as Record<string, unknown>)[key];
      const rawName = field("name");
      const rawVersion = field("version");
      if (typeof rawName !== "string") continue;
      const name = canonicalizeName(rawName);
      const version = typeof rawVersion === "string" ? tryParseVersion(rawVersion) : undefined;
      for (const candidate of byName.get(name) ?? []) {
        const candidateVersion = candidate.pkg.version === undefined
          ? undefined
          : tryParseVersion(candidate.pkg.version);
        if (
          version !== undefined && candidateVersion !== undefined &&
          version.compare(candidateVersion) !== 0
        ) {
          continue;
        }
        dependsOn.add(candidate.ref);
      }
    }
    const files = lockFiles(pkg);
    const single = files.length === 1 ? files[0] : undefined;
    return {
      ref,
      name: pkg.name,
      displayName: pkg.name,
      ...(pkg.version === undefined ? {} : { version: pkg.version }),
      purl: pypiPurl(pkg.name, pkg.version),
      hashes: single?.hashes ?? [],
      ...(single?.url === undefined ? {} : { downloadUrl: single.url }),
      files,
      links: [],
      embeddedSboms: [],
      dependsOn: [...dependsOn].sort(),
    };
  });
  return { subject, components };
}
