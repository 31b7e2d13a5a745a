/**
 * An audit: what to check (installed distributions, pinned requirements or
 * a lock's packages), asked of a {@link VulnerabilitySource}, and the
 * findings per package with records that describe the same vulnerability
 * under several ids (`GHSA-…`, `PYSEC-…`, `CVE-…` naming each other in
 * `aliases`) merged into one finding.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import type { Pylock } from "../lock/pylock.ts";
import { canonicalizeName, type PackageName } from "../names/mod.ts";
import { tryParseVersion } from "../pep440/mod.ts";
import { parseRequirement } from "../pep508/mod.ts";
import type { RequirementLine } from "../requirements/requirements_txt.ts";
import type { OsvSeverity } from "./osv.ts";
import type { SourceHit, VulnerabilitySource } from "./sources.ts";

/** Where an audited package was named: a file and line, or an installed distribution. */
export interface PackageLocation {
  /** A path: the requirements file, the lock, or the installed `.dist-info` directory. */
  readonly path: string;
  readonly line?: number;
}

/** One `name == version` to audit. */
export interface AuditedPackage {
  readonly name: PackageName;
  /** The name as written where it was found. */
  readonly displayName: string;
  readonly version: string;
  readonly location?: PackageLocation;
}

/** Something that was named but cannot be audited, and why. */
export interface SkippedPackage {
  readonly name: string;
  readonly reason: string;
}

/** One vulnerability affecting a package. */
export interface Finding {
  readonly id: string;
  /** Other ids of the same vulnerability (the records' aliases and merged ids), sorted. */
  readonly aliases: readonly string[];
  readonly summary?: string;
  readonly details?: string;
  /** Versions that fix it, above the audited one, PEP 440 order. */
  readonly fixVersions: readonly string[];
  readonly severity: readonly OsvSeverity[];
  readonly databaseSeverity?: string;
  readonly advisoryUrl?: string;
  readonly published?: string;
  readonly modified?: string;
}

/** The findings for one audited package (none when it is clean). */
export interface PackageFindings {
  readonly package: AuditedPackage;
  readonly findings: readonly Finding[];
}

/** The result of an audit. */
export interface AuditResult {
  /** The database asked. */
  readonly source: string;
  readonly packages: readonly PackageFindings[];
  readonly skipped: readonly SkippedPackage[];
  /** Ids of withdrawn records that matched and were left out. */
  readonly withdrawn: readonly string[];
  readonly warnings: readonly string[];
}

/** The number of findings over all packages. */
export function findingCount(result: AuditResult): number {
  return result.packages.reduce((n, p) => n + p.findings.length, 0);
}

/** A requirements file line `audit -r` cannot check: not pinned to one version. */
export class UnpinnedRequirementError extends DpipError<"audit-unpinned"> {
  /** The file and line. */
  readonly origin: { readonly file: string; readonly line: number };
  /** `text` is the requirement as written. */
  constructor(text: string, origin: { file: string; line: number }) {
    super(
      "audit-unpinned",
      `${origin.file} line ${origin.line}: ${
        JSON.stringify(text)
      } is not pinned to one version (name==version), so it cannot be audited`,
      {
        hint:
          "pin every requirement (dpip lock, pip-compile or pip freeze write such files), or audit the environment it was installed into",
      },
    );
    this.name = "UnpinnedRequirementError";
    this.origin = origin;
  }
}

/**
 * The packages pinned by requirements-file lines: `name==version` (no
 * wildcard) or `name===version`, every line whatever its marker. Lines of
 * `-c` files are not audited; editable and URL lines are skipped.
 *
 * @throws {UnpinnedRequirementError} for a requirement pinned to no single version.
 */
export function packagesFromRequirements(
  lines: readonly RequirementLine[],
): { packages: AuditedPackage[]; skipped: SkippedPackage[] } {
  const packages: AuditedPackage[] = [];
  const skipped: SkippedPackage[] = [];
  for (const line of lines) {
    if (line.constraint) continue;
    if (line.editable) {
      skipped.push({ name: line.text, reason: "an editable project is not audited" });
      continue;
    }
    let requirement;
    try {
      requirement = parseRequirement(line.text);
    } catch {
      skipped.push({ name: line.text, reason: "a path or URL, not a name==version pin" });
      continue;
    }
    if (requirement.url !== undefined) {
      skipped.push({ name: requirement.name, reason: "a direct reference (name @ URL)" });
      continue;
    }
    const pins = requirement.specifier.specifiers;
    const pin = pins.length === 1 ? pins[0]! : undefined;
    if (
      pin === undefined || !(pin.operator === "===" || pin.operator === "==") ||
      pin.version.endsWith(".*")
    ) {
      throw new UnpinnedRequirementError(line.text, line.origin);
    }
    packages.push({
      name: canonicalizeName(requirement.name),
      displayName: requirement.name,
      version: pin.version,
      location: { path: line.origin.file, line: line.origin.line },
    });
  }
  return { packages, skipped };
}

/** Every package of a lock that names a version (markers are not evaluated: all are audited). */
export function packagesFromPylock(
  lock: Pylock,
  file: string,
): { packages: AuditedPackage[]; skipped: SkippedPackage[] } {
  const packages: AuditedPackage[] = [];
  const skipped: SkippedPackage[] = [];
  for (const pkg of lock.packages) {
    if (pkg.version === undefined) {
      skipped.push({ name: pkg.name, reason: "the lock gives no version" });
      continue;
    }
    packages.push({
      name: canonicalizeName(pkg.name),
      displayName: pkg.name,
      version: pkg.version,
      location: { path: file },
    });
  }
  return { packages, skipped };
}

/** One entry per name and version, in the order first named. */
function unique(packages: readonly AuditedPackage[]): AuditedPackage[] {
  const seen = new Set<string>();
  return packages.filter((pkg) => {
    const key = `${pkg.name} ${tryParseVersion(pkg.version)?.toString() ?? pkg.version}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Merges hits that name each other (an id in another's aliases, or two
 * sharing an alias) into one finding, keyed by the smallest id of the group.
 */
export function mergeAliases(hits: readonly SourceHit[]): Finding[] {
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    for (let at = id; at !== root;) {
      const next = parent.get(at)!;
      parent.set(at, root);
      at = next;
    }
    return root;
  };
  const add = (id: string) => {
    if (!parent.has(id)) parent.set(id, id);
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };
  for (const hit of hits) {
    add(hit.record.id);
    for (const alias of hit.record.aliases) {
      add(alias);
      union(hit.record.id, alias);
    }
  }
  const groups = new Map<string, SourceHit[]>();
  for (const hit of hits) {
    const root = find(hit.record.id);
    const group = groups.get(root);
    if (group === undefined) groups.set(root, [hit]);
    else group.push(hit);
  }
  const findings: Finding[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => (a.record.id < b.record.id ? -1 : 1));
    const main = group[0]!.record;
    const names = new Set<string>();
    const fixes = new Map<string, string>();
    for (const { record, fixVersions } of group) {
      names.add(record.id);
      for (const alias of record.aliases) names.add(alias);
      for (const fix of fixVersions) fixes.set(fix, fix);
    }
    names.delete(main.id);
    const summary = group.map((h) => h.record.summary).find((s) => s !== undefined);
    const details = group.map((h) => h.record.details).find((s) => s !== undefined);
    const databaseSeverity = group.map((h) => h.record.databaseSeverity).find((s) =>
      s !== undefined
    );
    const advisoryUrl = group.map((h) => h.record.advisoryUrl).find((s) => s !== undefined);
    findings.push({
      id: main.id,
      aliases: [...names].sort(),
      ...(summary === undefined ? {} : { summary }),
      ...(details === undefined ? {} : { details }),
      fixVersions: [...fixes.values()].sort((a, b) => {
        const va = tryParseVersion(a);
        const vb = tryParseVersion(b);
        return va !== undefined && vb !== undefined ? va.compare(vb) : a < b ? -1 : 1;
      }),
      severity: group.flatMap((h) => h.record.severity),
      ...(databaseSeverity === undefined ? {} : { databaseSeverity }),
      ...(advisoryUrl === undefined ? {} : { advisoryUrl }),
      ...(main.published === undefined ? {} : { published: main.published }),
      ...(main.modified === undefined ? {} : { modified: main.modified }),
    });
  }
  return findings.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Asks `source` about `packages` and merges what it answers.
 *
 * @example
 * ```ts ignore
 * const result = await audit(packages, { source: directorySource("osv/") });
 * findingCount(result); // 2
 * ```
 */
export async function audit(
  packages: readonly AuditedPackage[],
  options: { source: VulnerabilitySource; skipped?: readonly SkippedPackage[] },
): Promise<AuditResult> {
  const list = unique(packages);
  const answer = list.length === 0
    ? { hits: [], withdrawn: [], warnings: [] }
    : await options.source.query(list.map(({ name, version }) => ({ name, version })));
  return {
    source: options.source.description,
    packages: list.map((pkg, i) => ({
      package: pkg,
      findings: mergeAliases(answer.hits[i] ?? []),
    })),
    skipped: options.skipped ?? [],
    withdrawn: answer.withdrawn,
    warnings: answer.warnings,
  };
}
