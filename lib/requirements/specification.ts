/**
 * Merges every requirement input of one run — positional arguments, `-r`
 * files, `-c` files and `-e` targets — into one `RequirementsSpecification`,
 * with the global options the files set.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import type { PackageName } from "../names/mod.ts";
import {
  emptyFileOptions,
  type FileOptions,
  parseRequirementsFile,
  type RequirementLine,
  type TextReader,
} from "./requirements_txt.ts";
import { parseRequirementSource, type PathKind, type RequirementSource } from "./source.ts";
import { appendAll } from "../lists.ts";

/** A constraint of a form pip refuses (unnamed, editable, with extras, or a URL). */
export class InvalidConstraintError extends DpipError {
  readonly input: string;
  constructor(input: string, origin: string, problem: string) {
    super("invalid-constraint", `Invalid constraint "${input}" (${origin}): ${problem}`, {
      hint:
        "A constraint is a name with a version specifier; to install it, make it a requirement.",
    });
    this.name = "InvalidConstraintError";
    this.input = input;
  }
}

/** A requirement with the per-requirement options of its line. */
export interface SpecifiedRequirement {
  readonly source: RequirementSource;
  /** `--hash` values by algorithm (requirements-file lines only). */
  readonly hashes: Readonly<Record<string, readonly string[]>>;
  readonly configSettings: Readonly<Record<string, string | readonly string[]>>;
}

/** Everything the user asked for in one run. */
export interface RequirementsSpecification {
  readonly requirements: readonly SpecifiedRequirement[];
  /** Named constraints: they limit versions and never add packages. */
  readonly constraints: readonly RequirementSource[];
  /** Global options set by the requirements files. */
  readonly fileOptions: FileOptions;
}

/** The allowed hashes of each project that has `--hash` lines (hash-checking mode). */
export function hashesByProject(
  spec: RequirementsSpecification,
): Map<PackageName, Record<string, string[]>> {
  const hashes = new Map<PackageName, Record<string, string[]>>();
  for (const { source, hashes: given } of spec.requirements) {
    if (source.name === undefined || Object.keys(given).length === 0) continue;
    const known = hashes.get(source.name) ?? {};
    for (const [algorithm, values] of Object.entries(given)) {
      known[algorithm] = [...(known[algorithm] ?? []), ...values];
    }
    hashes.set(source.name, known);
  }
  return hashes;
}

/** The inputs of one run. */
export interface SpecificationInputs {
  readonly args?: readonly string[];
  readonly requirementFiles?: readonly string[];
  readonly constraintFiles?: readonly string[];
  readonly editables?: readonly string[];
}

/** How files are read and paths checked. */
export interface SpecificationOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly read: TextReader;
  readonly stat: (path: string) => PathKind;
}

function originOf(line: RequirementLine): string {
  return `${line.origin.file}:${line.origin.line}`;
}

function checkConstraint(source: RequirementSource): void {
  const problem = source.name === undefined
    ? "unnamed requirements are not allowed as constraints"
    : source.editable
    ? "editable requirements are not allowed as constraints"
    : source.extras.length > 0
    ? "constraints cannot have extras"
    : source.kind !== "registry"
    ? "constraints cannot be URLs or paths"
    : undefined;
  if (problem !== undefined) throw new InvalidConstraintError(source.text, source.origin, problem);
}

/**
 * Builds the specification of a run.
 *
 * @example
 * ```ts
 * import { buildSpecification } from "./specification.ts";
 * const spec = await buildSpecification({ args: ["requests>=2"] }, {
 *   cwd: "/", env: {}, read: () => Promise.resolve(""), stat: () => undefined,
 * });
 * spec.requirements.length; // 1
 * ```
 */
export async function buildSpecification(
  inputs: SpecificationInputs,
  options: SpecificationOptions,
): Promise<RequirementsSpecification> {
  const requirements: SpecifiedRequirement[] = [];
  const constraints: RequirementSource[] = [];
  const fileOptions = emptyFileOptions();
  const base = { cwd: options.cwd, stat: options.stat };

  for (const arg of inputs.args ?? []) {
    requirements.push({
      source: parseRequirementSource(arg, base),
      hashes: {},
      configSettings: {},
    });
  }
  for (const target of inputs.editables ?? []) {
    requirements.push({
      source: parseRequirementSource(target, { ...base, editable: true }),
      hashes: {},
      configSettings: {},
    });
  }
  const files = [
    ...(inputs.requirementFiles ?? []).map((f) => ({ file: f, constraint: false })),
    ...(inputs.constraintFiles ?? []).map((f) => ({ file: f, constraint: true })),
  ];
  for (const { file, constraint } of files) {
    const parsed = await parseRequirementsFile(file, {
      read: options.read,
      env: options.env,
      constraint,
    });
    mergeFileOptions(fileOptions, parsed.options);
    for (const line of parsed.requirements) {
      const source = parseRequirementSource(line.text, {
        ...base,
        editable: line.editable,
        origin: originOf(line),
      });
      if (line.constraint) {
        checkConstraint(source);
        constraints.push(source);
        continue;
      }
      requirements.push({ source, hashes: line.hashes, configSettings: line.configSettings });
    }
  }
  return { requirements, constraints, fileOptions };
}

function mergeFileOptions(target: FileOptions, source: FileOptions): void {
  if (source.indexUrl !== undefined) target.indexUrl = source.indexUrl;
  appendAll(target.extraIndexUrls, source.extraIndexUrls);
  appendAll(target.findLinks, source.findLinks);
  appendAll(target.noBinary, source.noBinary);
  appendAll(target.onlyBinary, source.onlyBinary);
  appendAll(target.trustedHosts, source.trustedHosts);
  appendAll(target.useFeature, source.useFeature);
  target.noIndex ||= source.noIndex;
  target.preferBinary ||= source.preferBinary;
  target.requireHashes ||= source.requireHashes;
  target.pre ||= source.pre;
}
