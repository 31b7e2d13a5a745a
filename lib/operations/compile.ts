/**
 * `compile` (pip-tools' `pip-compile`, `uv pip compile`): resolve loose
 * requirements for the target interpreter and write them pinned, one
 * `name==version` a line sorted by name, each followed by `# via` lines
 * naming what required it (`-r file` for your own lines, the projects that
 * depend on it otherwise), optionally with `--hash` for every file of that
 * version (so `pip install --require-hashes` accepts the output on any
 * platform the files cover). Existing pins of the output file are kept
 * unless `upgrade` (or `upgradePackages` names them) says otherwise.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { tryParseSdistFilenameForProject } from "../dists/sdist_filename.ts";
import { tryParseWheelFilename } from "../dists/wheel_filename.ts";
import { canonicalizeName, type PackageName } from "../names/mod.ts";
import { tryParseVersion } from "../pep440/mod.ts";
import { parseRequirement, type Requirement } from "../pep508/mod.ts";
import type { MarkerEnvironment } from "../pep508/mod.ts";
import type { ResolvedDist } from "../resolver/mod.ts";
import { parseRequirementSource, type RequirementSource } from "../requirements/source.ts";
import type { RequirementsSpecification } from "../requirements/specification.ts";
import { withoutFragment } from "./build_sources.ts";
import { type InstallOptions, installRequirements } from "./install.ts";
import { type PreparedReference, type ReferenceLine, referenceLine } from "./lock_entries.ts";
import type { CompileDocument } from "./json_documents.ts";

/** A file an index lists for a project (its name, sha256 and more). */
export interface CompileFile {
  readonly filename: string;
  readonly hashes: Readonly<Record<string, string>>;
}

/** A version whose files cannot all be hashed. */
export class UnhashableError extends DpipError<"unlockable"> {
  constructor(distribution: string, filename: string) {
    super("unlockable", `Cannot generate hashes for ${distribution}: ${filename} has no sha256`, {
      hint: "use an index that gives sha256 hashes (PEP 503 #sha256= or PEP 691 hashes)",
    });
    this.name = "UnhashableError";
  }
}

/** One pinned line and what led to it. */
export interface CompiledPin {
  readonly name: PackageName;
  /** The name as the distribution's requirement spelled it, with your extras (`flask[async]`). */
  readonly display: string;
  readonly version: string;
  /** `-r file` for your own requirements, the names of the projects that need it otherwise. */
  readonly via: readonly string[];
  /** `sha256:…` of every file of this version, sorted (with `--generate-hashes`). */
  readonly hashes: readonly string[];
  /** Where it applies (`--universal`), written after the pin as `; marker`. */
  readonly marker?: string;
  /** For a direct reference: written `name @ url` (or `-e url`) instead of `name==version`. */
  readonly reference?: ReferenceLine;
}

/** pip-tools' `-r file` origin of a requirements-file line (`reqs.in:3` → `-r reqs.in`). */
function viaOf(source: RequirementSource): string {
  const match = /^(.*):\d+$/.exec(source.origin);
  return match === null ? source.origin : `-r ${match[1]}`;
}

function holds(
  requirement: Requirement,
  environment: MarkerEnvironment | undefined,
  extras: readonly string[],
) {
  if (requirement.marker === undefined || environment === undefined) return true;
  return ["", ...extras].some((extra) => requirement.marker!.evaluate({ ...environment, extra }));
}

/** The version a file's name gives, when it is a wheel or a standard sdist. */
function fileVersion(filename: string, project: PackageName): string | undefined {
  const version = filename.endsWith(".whl")
    ? tryParseWheelFilename(filename)?.version
    : tryParseSdistFilenameForProject(filename, project)?.version;
  return version === undefined ? undefined : String(version);
}

/** `# via` order: your files (`-r`, `-c`) first, then projects, each by name. */
function compareOrigins(a: string, b: string): number {
  const fa = a.startsWith("-"), fb = b.startsWith("-");
  return fa !== fb ? (fa ? -1 : 1) : a < b ? -1 : a > b ? 1 : 0;
}

/** The sha256 of every file the indexes list for the version `dist` pins, sorted. */
async function indexHashes(
  dist: { readonly name: PackageName; readonly version: string },
  filesOf: (name: PackageName) => Promise<readonly CompileFile[]>,
): Promise<string[]> {
  const wanted = tryParseVersion(dist.version);
  if (wanted === undefined) return [];
  const files = (await filesOf(dist.name)).filter((file) => {
    const version = fileVersion(file.filename, dist.name);
    return version !== undefined && tryParseVersion(version)?.compare(wanted) === 0;
  });
  return [
    ...new Set(files.map((file) => {
      const sha256 = file.hashes["sha256"];
      if (sha256 === undefined) {
        throw new UnhashableError(`${dist.name}==${dist.version}`, file.filename);
      }
      return `sha256:${sha256}`;
    })),
  ].sort();
}

/**
 * The pins of a resolution, with `# via` origins and (when `filesOf` is
 * given) the sha256 of every listed file of each version. Without an
 * `environment` (a universal resolution), every requirement counts for
 * `# via`, and each pin carries its dist's `marker`.
 */
export async function compiledPins<S>(
  dists: readonly (ResolvedDist<S> & { marker?: { toString(): string } })[],
  options: {
    spec: RequirementsSpecification;
    environment?: MarkerEnvironment;
    filesOf?: (name: PackageName) => Promise<readonly CompileFile[]>;
    /** What preparing the direct references found, by the URL each was resolved with. */
    references?: ReadonlyMap<string, PreparedReference>;
  },
): Promise<CompiledPin[]> {
  const via = new Map<PackageName, Set<string>>();
  const add = (name: PackageName, origin: string) => {
    const set = via.get(name) ?? new Set<string>();
    set.add(origin);
    via.set(name, set);
  };
  const extras = new Map<PackageName, Set<string>>();
  // A requirement named only by path or URL is known by the reference it was resolved with.
  const unnamed = new Map<string, RequirementSource>();
  for (const { source } of options.spec.requirements) {
    if (source.name === undefined && source.kind !== "registry") {
      unnamed.set(withoutFragment(source.url), source);
    }
  }
  for (const dist of dists) {
    const source = dist.url === undefined ? undefined : unnamed.get(withoutFragment(dist.url));
    if (source !== undefined) add(dist.name, viaOf(source));
  }
  for (const { source } of options.spec.requirements) {
    if (source.name === undefined) continue;
    add(source.name, viaOf(source));
    for (const extra of source.extras) {
      extras.set(source.name, (extras.get(source.name) ?? new Set()).add(extra));
    }
  }
  for (const source of options.spec.constraints) {
    if (source.name !== undefined && via.has(source.name)) {
      add(source.name, `-c ${viaOf(source).slice(3)}`);
    }
  }
  const names = new Set(dists.map((dist) => dist.name));
  for (const dist of dists) {
    for (const text of dist.metadata.requiresDist) {
      let requirement: Requirement;
      try {
        requirement = parseRequirement(text);
      } catch {
        continue;
      }
      const name = canonicalizeName(requirement.name);
      if (!names.has(name) || !holds(requirement, options.environment, dist.extras)) continue;
      add(name, dist.name);
    }
  }
  const pins: CompiledPin[] = [];
  for (const dist of [...dists].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) {
    const reference = dist.url === undefined
      ? undefined
      : referenceLine(dist.url, options.references?.get(dist.url));
    const hashes = options.filesOf === undefined
      ? []
      : reference !== undefined
      ? [...reference.hashes]
      : await indexHashes(dist, options.filesOf);
    const extra = [...(extras.get(dist.name) ?? [])].sort();
    const marker = dist.marker === undefined ? "" : String(dist.marker);
    pins.push({
      ...(marker === "" ? {} : { marker }),
      ...(reference === undefined ? {} : { reference }),
      name: dist.name,
      display: extra.length === 0 ? dist.name : `${dist.name}[${extra.join(",")}]`,
      version: dist.version,
      via: [...(via.get(dist.name) ?? [])].sort(compareOrigins),
      hashes,
    });
  }
  return pins;
}

/**
 * The text of a compiled requirements file, laid out as pip-compile lays
 * it out (header, pins with `\`-continued hashes, `# via` lines).
 */
export function formatCompiled(
  pins: readonly CompiledPin[],
  options: { pythonVersion: string; command: string },
): string {
  const lines = [
    "#",
    `# This file is autogenerated by dpip compile with Python ${options.pythonVersion}`,
    "# by the following command:",
    "#",
    `#    ${options.command}`,
    "#",
  ];
  for (const pin of pins) {
    const head = pinHead(pin);
    if (pin.hashes.length === 0) lines.push(head);
    else {
      lines.push(`${head} \\`);
      pin.hashes.forEach((hash, i) =>
        lines.push(`    --hash=${hash}${i === pin.hashes.length - 1 ? "" : " \\"}`)
      );
    }
    if (pin.via.length === 1) lines.push(`    # via ${pin.via[0]}`);
    else if (pin.via.length > 1) {
      lines.push("    # via");
      for (const origin of pin.via) lines.push(`    #   ${origin}`);
    }
  }
  return lines.join("\n") + "\n";
}

/**
 * A pin's requirement: `name==version ; marker`, `name @ url ; marker` for
 * a direct reference, or `-e url` for an editable one (pip reads no marker
 * on `-e` lines).
 */
function pinHead(pin: CompiledPin): string {
  const marker = pin.marker === undefined ? "" : ` ; ${pin.marker}`;
  if (pin.reference === undefined) return `${pin.display}==${pin.version}${marker}`;
  if (pin.reference.editable) return `-e ${pin.reference.url}`;
  return `${pin.display} @ ${pin.reference.url}${marker}`;
}

/** `name==version` pins of an existing output file (lines that are not pins are skipped). */
export function existingPins(text: string): Map<PackageName, string> {
  const pins = new Map<PackageName, string>();
  for (const line of text.split("\n")) {
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;\\]+)/.exec(line);
    if (match !== null) pins.set(canonicalizeName(match[1]!), match[3]!);
  }
  return pins;
}

/**
 * Resolves `spec` (ignoring what is installed) and returns the pins. The
 * existing output's pins are tried first as constraints, less those
 * `upgradePackages` names (all of them with `upgrade`); when they no longer
 * fit, the requirements are resolved afresh.
 */
export async function compileRequirements(
  spec: RequirementsSpecification,
  options: InstallOptions & {
    existing?: ReadonlyMap<PackageName, string>;
    upgrade?: boolean;
    upgradePackages?: readonly string[];
    filesOf?: (name: PackageName) => Promise<readonly CompileFile[]>;
  },
): Promise<CompiledPin[]> {
  const upgraded = new Set((options.upgradePackages ?? []).map((n) => canonicalizeName(n)));
  const kept = options.upgrade
    ? []
    : [...(options.existing ?? [])].filter(([name]) => !upgraded.has(name));
  const resolveWith = async (constraints: readonly RequirementSource[]) => {
    const outcome = await installRequirements(
      { ...spec, constraints: [...spec.constraints, ...constraints] },
      {
        ...options,
        // Hashes of the wheels you name by URL are known once they are fetched.
        fetchWheelUrls: options.filesOf !== undefined,
        settings: {
          ...options.settings,
          dryRun: true,
          ignoreInstalled: true,
          resolveOnly: true,
          upgrade: false,
          report: false,
        },
      },
    );
    return { dists: outcome.resolution?.dists ?? [], references: outcome.references };
  };
  let resolved: Awaited<ReturnType<typeof resolveWith>>;
  const preferred = kept.map(([name, version]) =>
    parseRequirementSource(`${name}==${version}`, {
      cwd: "/",
      stat: () => undefined,
      origin: "existing pins",
    })
  );
  try {
    resolved = await resolveWith(preferred);
  } catch (error) {
    if (preferred.length === 0 || !(error instanceof DpipError)) throw error;
    resolved = await resolveWith([]);
  }
  return await compiledPins(resolved.dists, {
    spec,
    references: resolved.references,
    environment: options.target.interpreter.markerEnvironment,
    ...(options.filesOf === undefined ? {} : { filesOf: options.filesOf }),
  });
}

/** The document of `compile --format json`: the pins, and the file written (`output`), if any. */
export function compileDocument(
  pins: readonly CompiledPin[],
  options: { readonly output: string | null; readonly pythonVersion: string },
): CompileDocument {
  return {
    schema_version: 1,
    output: options.output,
    python_version: options.pythonVersion,
    packages: pins.map((pin) => ({
      name: pin.name,
      requirement: pin.display,
      version: pin.version,
      via: [...pin.via],
      hashes: [...pin.hashes],
      marker: pin.marker ?? null,
    })),
  };
}
