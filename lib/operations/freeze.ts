/**
 * `freeze`: installed distributions as requirement lines, the way pip prints
 * them: `name==version` (`===` for versions that are not PEP 440), `name @
 * url` for direct-URL installs (PEP 610), editables as `-e vcs+url@commit`
 * from their checkout or `-e <dir>` with a comment (`freeze_editables.ts`),
 * and with `-r FILE` the file's order and options first.
 *
 * @module
 */

import { appendAll } from "../lists.ts";
import type { DirectUrl } from "../dists/direct_url.ts";
import type { InstalledDist } from "../installer/site_packages.ts";
import { canonicalizeName } from "../names/mod.ts";
import { canonicalVersionText } from "../pep440/version.ts";
import { tryParseRequirement } from "../pep508/mod.ts";
import type { FreezeDocument } from "./json_documents.ts";
import { selectInstalled, type SelectOptions, type TargetEnvironment } from "./list.ts";
import { stripComment } from "../requirements/requirements_txt.ts";
import { editableFreeze, type EditableSources } from "./freeze_editables.ts";

/** What pip leaves out of `freeze` unless `--all`: itself, and (for Python < 3.12) the build tools. */
export function freezeDevPackages(pythonVersion: readonly [number, number]): string[] {
  const packages = ["pip"];
  if (pythonVersion[0] < 3 || (pythonVersion[0] === 3 && pythonVersion[1] < 12)) {
    packages.push("setuptools", "distribute", "wheel");
  }
  return packages;
}

/** One installed distribution as `freeze` shows it. */
export interface FrozenRequirement {
  /** The metadata name. */
  readonly name: string;
  readonly canonicalName: string;
  /** The version, normalized when valid. */
  readonly version: string;
  /** The requirement text (without `-e `). */
  readonly requirement: string;
  readonly editable: boolean;
  /** Comment lines printed before it. */
  readonly comments: readonly string[];
  /** What pip logs about it (an editable checkout its VCS could not describe). */
  readonly warnings?: readonly FreezeWarning[];
}

/** A `freeze` message that pip logs rather than prints. */
export interface FreezeWarning {
  readonly level: "warning" | "info";
  readonly message: string;
}

function nameVersion(dist: InstalledDist): string {
  const version = canonicalVersionText(dist.version);
  return version === undefined
    ? `${dist.rawName}===${dist.version}`
    : `${dist.rawName}==${version}`;
}

/** A PEP 440 direct reference for a PEP 610 record, as pip writes it. */
export function directReference(directUrl: DirectUrl, name: string): string {
  let requirement = `${name} @ `;
  const fragments: string[] = [];
  const info = directUrl.info;
  if (info.kind === "vcs") {
    requirement += `${info.vcs}+${directUrl.url}@${info.commitId}`;
  } else if (info.kind === "archive") {
    requirement += directUrl.url;
    if (info.hash !== undefined) fragments.push(info.hash);
  } else {
    requirement += directUrl.url;
  }
  if (directUrl.subdirectory !== undefined) {
    fragments.push(`subdirectory=${directUrl.subdirectory}`);
  }
  if (fragments.length > 0) requirement += "#" + fragments.join("&");
  return requirement;
}

/**
 * A distribution as a frozen requirement; an editable one as `sources` (what
 * its VCS said) describes it, else as a directory without version control.
 */
export function freezeDist(dist: InstalledDist, sources?: EditableSources): FrozenRequirement {
  const base = {
    name: dist.rawName,
    canonicalName: canonicalizeName(dist.rawName),
    version: canonicalVersionText(dist.version) ?? dist.version,
  };
  const location = dist.editableProjectLocation;
  if (location !== undefined) {
    const frozen = editableFreeze(location, nameVersion(dist), sources?.get(location));
    return {
      ...base,
      requirement: frozen.requirement,
      editable: true,
      comments: frozen.comments,
      warnings: frozen.warnings,
    };
  }
  const requirement = dist.directUrl === undefined
    ? nameVersion(dist)
    : directReference(dist.directUrl, dist.rawName);
  return { ...base, requirement, editable: false, comments: [] };
}

/** The lines of one frozen requirement, as `str(FrozenRequirement)` gives them. */
export function formatFrozen(frozen: FrozenRequirement): string[] {
  return [...frozen.comments, frozen.editable ? `-e ${frozen.requirement}` : frozen.requirement];
}

/** A `-r` file given to `freeze`: its path (for messages) and text. */
export interface FreezeRequirementFile {
  readonly path: string;
  readonly text: string;
}

/** Options of {@link freezeLines}. */
export interface FreezeOptions extends Pick<SelectOptions, "paths" | "local" | "user"> {
  /** Normalized names not printed (dev packages unless `--all`, `--exclude`). */
  readonly skip: ReadonlySet<string>;
  readonly excludeEditable?: boolean;
  /** `-r` files, in order. */
  readonly requirementFiles?: readonly FreezeRequirementFile[];
  /** What the VCS said about editable projects (see `editableSources`). */
  readonly editableSources?: EditableSources;
}

const OPTION_PREFIXES = [
  "-r",
  "--requirement",
  "-f",
  "--find-links",
  "-i",
  "--index-url",
  "--pre",
  "--trusted-host",
  "--process-dependency-links",
  "--extra-index-url",
  "--use-feature",
];

/** The project name a requirements-file line names, or undefined when unclear. */
function lineName(line: string): string | undefined {
  let text = line;
  let editable = false;
  if (text.startsWith("-e")) {
    text = text.slice(2).trim();
    editable = true;
  } else if (text.startsWith("--editable")) {
    text = text.slice("--editable".length).trim().replace(/^=+/, "");
    editable = true;
  } else {
    text = stripComment(text).trim();
  }
  const egg = /[#&]egg=([^&]+)/.exec(text);
  if (egg !== undefined && egg !== null) return egg[1]?.split("[")[0];
  if (editable) return undefined;
  return tryParseRequirement(text)?.name;
}

/**
 * The lines `freeze` prints (without line breaks) and the messages it logs.
 *
 * @example
 * ```ts
 * // freezeLines(readTargetDists(target).dists, target, { skip: new Set(["pip"]) }).lines
 * ```
 */
export function freezeLines(
  dists: readonly InstalledDist[],
  target: TargetEnvironment,
  options: FreezeOptions,
): { lines: string[]; warnings: FreezeWarning[]; packages: FrozenRequirement[] } {
  const selected = selectInstalled(dists, target, {
    ...(options.paths === undefined ? {} : { paths: options.paths }),
    ...(options.local === undefined ? {} : { local: options.local }),
    ...(options.user === undefined ? {} : { user: options.user }),
  });
  const installations = new Map<string, FrozenRequirement>();
  const lines: string[] = [];
  const warnings: FreezeWarning[] = [];
  for (const dist of selected) {
    const frozen = freezeDist(dist, options.editableSources);
    // pip describes every editable, and logs what it could not find, before it filters.
    appendAll(warnings, frozen.warnings ?? []);
    if (options.excludeEditable && frozen.editable) continue;
    installations.set(frozen.canonicalName, frozen);
  }
  /** What is printed, in order. */
  const packages: FrozenRequirement[] = [];
  if (options.requirementFiles !== undefined && options.requirementFiles.length > 0) {
    followRequirementFiles(options.requirementFiles, installations, { lines, warnings, packages });
    lines.push("## The following requirements were added by pip freeze:");
  }
  const rest = [...installations.values()].sort((a, b) => {
    const x = a.name.toLowerCase();
    const y = b.name.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });
  for (const frozen of rest) {
    if (options.skip.has(frozen.canonicalName)) continue;
    for (const line of formatFrozen(frozen)) lines.push(line);
    packages.push(frozen);
  }
  return { lines, warnings, packages };
}

/**
 * pip's `freeze -r`: the requirement files' lines in their order, each
 * installed project they name frozen in its place (and taken out of
 * `installations`), options and comments kept once.
 */
function followRequirementFiles(
  files: NonNullable<FreezeOptions["requirementFiles"]>,
  installations: Map<string, FrozenRequirement>,
  output: { lines: string[]; warnings: FreezeWarning[]; packages: FrozenRequirement[] },
): void {
  const { lines, warnings, packages } = output;
  const emittedOptions = new Set<string>();
  const requirementFiles = new Map<string, string[]>();
  for (const file of files) {
    for (const line of file.text.split(/(?<=\n)/)) {
      const stripped = line.trim();
      if (
        stripped === "" || stripped.startsWith("#") ||
        OPTION_PREFIXES.some((p) => line.startsWith(p))
      ) {
        const kept = line.trimEnd();
        if (!emittedOptions.has(kept)) {
          emittedOptions.add(kept);
          lines.push(kept);
        }
        continue;
      }
      const name = lineName(line.trim());
      if (name === undefined) {
        warnings.push({
          level: "info",
          message:
            `Skipping line in requirement file [${file.path}] because it's not clear what it would install: ${line.trim()}`,
        });
        warnings.push({
          level: "info",
          message: "  (add #egg=PackageName to the URL to avoid this warning)",
        });
        continue;
      }
      const canonical = canonicalizeName(name);
      const seenIn = requirementFiles.get(name) ?? [];
      requirementFiles.set(name, seenIn);
      const installed = installations.get(canonical);
      if (installed === undefined) {
        if (seenIn.length === 0) {
          const shown = stripComment(line).trim();
          warnings.push({
            level: "warning",
            message: `Requirement file [${file.path}] contains ${shown}, but package ${
              pythonRepr(name)
            } is not installed`,
          });
        } else {
          seenIn.push(file.path);
        }
      } else {
        for (const line of formatFrozen(installed)) lines.push(line);
        packages.push(installed);
        installations.delete(canonical);
        seenIn.push(file.path);
      }
    }
  }
  for (const [name, files] of requirementFiles) {
    if (files.length > 1) {
      warnings.push({
        level: "warning",
        message: `Requirement ${name} included multiple times [${
          [...new Set(files)].sort().join(", ")
        }]`,
      });
    }
  }
}

/**
 * Python's `repr()` of a string: quoted with `'` (or `"` when it holds `'`
 * and no `"`), backslashes, that quote and every control, separator or
 * other unprintable character escaped, so the result is one printable line.
 */
function pythonRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === "\\" || char === quote) out += `\\${char}`;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (char !== " " && /[\p{C}\p{Z}]/u.test(char)) out += escapeCode(code);
    else out += char;
  }
  return `${quote}${out}${quote}`;
}

function escapeCode(code: number): string {
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, "0")}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, "0")}`;
  return `\\U${code.toString(16).padStart(8, "0")}`;
}

/** `freeze --format json`: the packages in the order printed, and the messages about `-r` files. */
export function freezeDocument(
  result: { packages: readonly FrozenRequirement[]; warnings: readonly FreezeWarning[] },
): FreezeDocument {
  return {
    schema_version: 1,
    packages: result.packages.map((frozen) => ({
      name: frozen.name,
      version: frozen.version,
      requirement: frozen.editable ? `-e ${frozen.requirement}` : frozen.requirement,
      editable: frozen.editable,
    })),
    warnings: result.warnings.map((warning) => warning.message),
  };
}
