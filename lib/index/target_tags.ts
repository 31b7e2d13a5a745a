/**
 * Tags and the Python version of a foreign target (`--platform`,
 * `--python-version`, `--implementation`, `--abi`), computed the way pip's
 * `get_supported()` does: what is not given comes from the interpreter dpip
 * runs against (its platforms, its implementation, its ABI flags).
 *
 * - `--platform` values are expanded: `manylinux2014_x` also accepts
 *   `manylinux2010_x` and `manylinux1_x` (x86_64/i686), `manylinux2010_x`
 *   accepts `manylinux1_x`, and `macosx_11_0_arm64` accepts every older
 *   macOS tag of that architecture.
 * - CPython targets get their ABIs (from `--abi`, else from the version and
 *   the interpreter's debug/threading flags), then `abi3` (3.2+), then `none`,
 *   then `abi3` of older minors; other implementations get the ABIs and
 *   `none`; every target ends with the `pyXY-none-<platform>`,
 *   `<interpreter>-none-any` and `pyXY-none-any` fallbacks.
 *
 * @module
 */

import { compatibleTags, macPlatforms, platformTags, Tag, type TagFacts } from "../dists/tags.ts";
import { DpipError } from "../errors.ts";

/** The foreign-target options; an empty object means the interpreter itself. */
export interface TargetOptions {
  /** `--platform` (repeatable). */
  readonly platforms?: readonly string[];
  /** `--python-version`: `3`, `3.12`, `312`, or `3.12.1`. */
  readonly pythonVersion?: string;
  /** `--implementation`: `cp`, `pp`, `py`, … */
  readonly implementation?: string;
  /** `--abi` (repeatable). */
  readonly abis?: readonly string[];
}

/** A malformed `--python-version`. */
export class InvalidPythonVersionError extends DpipError {
  readonly input: string;
  constructor(input: string) {
    super(
      "invalid-python-version",
      `Invalid --python-version ${
        JSON.stringify(input)
      }: expected a version such as 3, 3.12 or 312`,
    );
    this.name = "InvalidPythonVersionError";
    this.input = input;
  }
}

/**
 * Parses `--python-version` as pip does: `3.12`/`3.12.1` by dots, `312` as
 * major digit plus minor digits, `3` alone.
 *
 * @example
 * ```ts
 * import { parsePythonVersionOption } from "./target_tags.ts";
 * parsePythonVersionOption("312"); // [3, 12]
 * parsePythonVersionOption("3.9.1"); // [3, 9, 1]
 * ```
 */
export function parsePythonVersionOption(text: string): number[] {
  const trimmed = text.trim();
  let parts: string[];
  if (/^\d+(\.\d+){0,2}$/.test(trimmed) && trimmed.includes(".")) parts = trimmed.split(".");
  else if (/^\d+$/.test(trimmed)) {
    parts = trimmed.length > 1 ? [trimmed[0] ?? "", trimmed.slice(1)] : [trimmed];
  } else throw new InvalidPythonVersionError(text);
  return parts.map(Number);
}

/** Whether any foreign-target option is set. */
export function isForeignTarget(target: TargetOptions): boolean {
  return (target.platforms?.length ?? 0) > 0 || target.pythonVersion !== undefined ||
    target.implementation !== undefined || (target.abis?.length ?? 0) > 0;
}

/**
 * The Python version `Requires-Python` is checked against: the interpreter's,
 * or `--python-version` padded with zeros to three parts.
 */
export function targetPythonVersion(
  interpreterVersion: readonly number[],
  target: TargetOptions,
): number[] {
  if (target.pythonVersion === undefined) return [...interpreterVersion];
  const parts = parsePythonVersionOption(target.pythonVersion);
  while (parts.length < 3) parts.push(0);
  return parts.slice(0, 3);
}

function customManylinux(platform: string): string[] {
  const [prefix, ...rest] = platform.split("_");
  const arch = rest.join("_");
  if (prefix === "manylinux2014") {
    return arch === "i686" || arch === "x86_64"
      ? [platform, `manylinux2010_${arch}`, `manylinux1_${arch}`]
      : [platform];
  }
  return [platform, `manylinux1_${arch}`];
}

function expandPlatforms(platforms: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const platform of platforms) {
    let expanded: string[];
    const mac = /^macosx_(\d+)_(\d+)_(.+)$/.exec(platform);
    if (mac !== null) {
      expanded = macPlatforms([Number(mac[1]), Number(mac[2])], mac[3] ?? "");
    } else if (platform.startsWith("manylinux2014_") || platform.startsWith("manylinux2010_")) {
      expanded = customManylinux(platform);
    } else {
      expanded = [platform];
    }
    for (const p of expanded) {
      if (!seen.has(p)) {
        seen.add(p);
        out.push(p);
      }
    }
  }
  return out;
}

const SHORT_NAMES: Readonly<Record<string, string>> = {
  cpython: "cp",
  pypy: "pp",
  ironpython: "ip",
  jython: "jy",
  python: "py",
};

function hostInterpreterName(host: TagFacts): string {
  return SHORT_NAMES[host.implementationName] ?? host.implementationName;
}

/** The interpreter's ABIs for `version` of CPython: its own ABIs with the version swapped. */
function cpythonAbisFor(host: TagFacts, version: readonly [number, number]): string[] {
  const facts: TagFacts = {
    ...host,
    implementationName: "cpython",
    pythonVersion: version,
    configVars: { ...host.configVars, py_version_nodot: `${version[0]}${version[1]}` },
  };
  const interpreter = `cp${version[0]}${version[1]}`;
  const abis: string[] = [];
  for (const tag of compatibleTags(facts)) {
    if (tag.interpreter !== interpreter) continue;
    if (tag.abi === "abi3" || tag.abi === "abi3t" || tag.abi === "none") continue;
    if (!abis.includes(tag.abi)) abis.push(tag.abi);
  }
  return abis.length > 0 ? abis : [interpreter];
}

function hostGenericAbis(host: TagFacts, interpreterPrefix: string): string[] {
  const abis: string[] = [];
  for (const tag of compatibleTags(host)) {
    if (!tag.interpreter.startsWith(interpreterPrefix)) continue;
    if (tag.abi === "none" || tag.abi.startsWith("abi3")) continue;
    if (!abis.includes(tag.abi)) abis.push(tag.abi);
  }
  if (abis.length === 0) {
    const soabi = host.configVars.SOABI;
    if (typeof soabi === "string" && soabi !== "") abis.push(soabi.replace(/[.\- ]/g, "_"));
  }
  return abis;
}

function pyInterpreterRange(version: readonly number[]): string[] {
  const [major = 3, minor] = version;
  if (minor === undefined) return [`py${major}`];
  const out = [`py${major}${minor}`, `py${major}`];
  for (let m = minor - 1; m >= 0; m--) out.push(`py${major}${m}`);
  return out;
}

/**
 * The compatible tags of the target, best first.
 *
 * @example
 * ```ts ignore
 * const tags = targetTags(interpreter.tagFacts, {
 *   platforms: ["manylinux2014_x86_64"], pythonVersion: "3.12", implementation: "cp",
 * });
 * String(tags[0]); // "cp312-cp312-manylinux2014_x86_64"
 * ```
 */
export function targetTags(host: TagFacts, target: TargetOptions): Tag[] {
  if (!isForeignTarget(target)) return compatibleTags(host);
  const version: number[] = target.pythonVersion === undefined
    ? [...host.pythonVersion]
    : parsePythonVersionOption(target.pythonVersion).slice(0, 2);
  const nodot = version.join("");
  const implementation = target.implementation ?? hostInterpreterName(host);
  const interpreter = `${implementation}${nodot}`;
  const platforms = target.platforms !== undefined && target.platforms.length > 0
    ? expandPlatforms(target.platforms)
    : platformTags(host);
  const tags: Tag[] = [];
  const [major = 3, minor] = version;
  if (implementation === "cp") {
    let abis = target.abis !== undefined && target.abis.length > 0
      ? [...target.abis]
      : minor === undefined
      ? []
      : cpythonAbisFor(host, [major, minor]);
    abis = abis.filter((abi) => abi !== "abi3" && abi !== "none");
    for (const abi of abis) for (const p of platforms) tags.push(new Tag(interpreter, abi, p));
    const abi3 = minor !== undefined && (major > 3 || (major === 3 && minor >= 2));
    if (abi3) { for (const p of platforms) tags.push(new Tag(interpreter, "abi3", p)); }
    for (const p of platforms) tags.push(new Tag(interpreter, "none", p));
    if (abi3 && minor !== undefined) {
      for (let older = minor - 1; older > 1; older--) {
        for (const p of platforms) tags.push(new Tag(`cp${major}${older}`, "abi3", p));
      }
    }
  } else {
    const abis = target.abis !== undefined && target.abis.length > 0
      ? [...target.abis]
      : hostGenericAbis(host, hostInterpreterName(host));
    if (!abis.includes("none")) abis.push("none");
    for (const abi of abis) for (const p of platforms) tags.push(new Tag(interpreter, abi, p));
  }
  const range = pyInterpreterRange(version);
  for (const py of range) for (const p of platforms) tags.push(new Tag(py, "none", p));
  tags.push(new Tag(interpreter, "none", "any"));
  for (const py of range) tags.push(new Tag(py, "none", "any"));
  return tags;
}
