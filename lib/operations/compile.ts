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
import type { IndexSource } from "../resolver/default_provider.ts";
import type { ResolvedDist } from "../resolver/mod.ts";
import { parseRequirementSource, type RequirementSource } from "../requirements/source.ts";
import type { RequirementsSpecification } from "../requirements/specification.ts";
import { type InstallOptions, installRequirements } from "./install.ts";
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
  },
): Promise<CompiledPin[]> {
  const via = new Map<PackageName, Set<string>>();
  const add = (name: PackageName, origin: string) => {
    const set = via.get(name) ?? new Set<string>();
    set.add(origin);
    via.set(name, set);
  };
  const extras = new Map<PackageName, Set<string>>();
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
    const wanted = tryParseVersion(dist.version);
    let hashes: string[] = [];
    if (options.filesOf !== undefined && wanted !== undefined) {
      const files = (await options.filesOf(dist.name)).filter((file) => {
        const version = fileVersion(file.filename, dist.name);
        return version !== undefined && tryParseVersion(version)?.compare(wanted) === 0;
      });
      hashes = [
        ...new Set(files.map((file) => {
          const sha256 = file.hashes["sha256"];
          if (sha256 === undefined) {
            throw new UnhashableError(`${dist.name}==${dist.version}`, file.filename);
          }
          return `sha256:${sha256}`;
        })),
      ].sort();
    }
    const extra = [...(extras.get(dist.name) ?? [])].sort();
    const marker = dist.marker === undefined ? "" : String(dist.marker);
    pins.push({
      ...(marker === "" ? {} : { marker }),
      name: dist.name,
      display: extra.length === 0 ? dist.name : `${dist.name}[${extra.join(",")}]`,
      version: dist.version,
      via: [...(via.get(dist.name) ?? [])].sort((a, b) => {
        const fa = a.startsWith("-"), fb = b.startsWith("-");
        return fa !== fb ? (fa ? -1 : 1) : a < b ? -1 : a > b ? 1 : 0;
      }),
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
    const head = `${pin.display}==${pin.version}${
      pin.marker === undefined ? "" : ` ; ${pin.marker}`
    }`;
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
    return outcome.resolution?.dists ?? [];
  };
  let dists: readonly ResolvedDist<IndexSource>[];
  const preferred = kept.map(([name, version]) =>
    parseRequirementSource(`${name}==${version}`, {
      cwd: "/",
      stat: () => undefined,
      origin: "existing pins",
    })
  );
  try {
    dists = await resolveWith(preferred);
  } catch (error) {
    if (preferred.length === 0 || !(error instanceof DpipError)) throw error;
    dists = await resolveWith([]);
  }
  return await compiledPins(dists, {
    spec,
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
