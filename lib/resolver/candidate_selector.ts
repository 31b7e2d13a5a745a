/**
 * Candidate choice: which of a project's files can be used, and in which
 * order of preference, given the target's tags, a specifier and a policy.
 * Pure: no I/O, no clock; everything it knows is passed in.
 *
 * The rules are pip's:
 *
 * 1. Each file is evaluated on its own: a supported archive format, allowed
 *    by `--only-binary`/`--no-binary`, a valid filename of the right project
 *    with a PEP 440 version, wheel tags compatible with the target, a
 *    `-pyX.Y` sdist suffix matching the target, uploaded before the cooldown
 *    (`--uploaded-prior-to`, PEP 700 `upload-time`; as pip 26, a file from an
 *    index that gives no upload time is an error, and local `file:` files are
 *    exempt), and a `Requires-Python` the target satisfies (unless ignored; an
 *    unparsable one counts as satisfied).
 * 2. The specifier filters versions, with PEP 440's pre-release rules
 *    (`--pre` admits them all).
 * 3. With user hashes, files whose index hash matches one are kept over
 *    those whose index hash does not (files without a hash stay).
 * 4. Order, best first: an allowed hash, not yanked, a wheel under
 *    `--prefer-binary`, the newest version, the best wheel tag (sdists last),
 *    the highest build tag; among equals the one listed last comes first
 *    (pip's resolver walks its ascending list backwards).
 * 5. PEP 592: yanked files are dropped unless every applicable file is yanked
 *    and the specifier pins a version with `==` (no wildcard) or `===`.
 *
 * @module
 */

import type { Tag } from "../dists/tags.ts";
import { SDIST_EXTENSIONS, tryParseSdistFilenameForProject } from "../dists/sdist_filename.ts";
import { InvalidWheelFilenameError, parseWheelFilename } from "../dists/wheel_filename.ts";
import { formatUtcMicros, parseIndexUploadTime } from "../dists/upload_time.ts";
import { DpipError } from "../errors.ts";
import { canonicalizeName } from "../names/mod.ts";
import { parseSpecifierSet, type SpecifierSet, type Version } from "../pep440/mod.ts";

/** What the selector needs to know about a file (a `ProjectFile` fits). */
export interface SelectableFile {
  readonly filename: string;
  readonly url: string;
  /** Hex digests the index gives, by hashlib algorithm. */
  readonly hashes: Readonly<Record<string, string>>;
  readonly requiresPython?: string;
  readonly yanked: boolean;
  readonly yankedReason?: string;
  /** PEP 700 upload time (ISO 8601), when the index gives one. */
  readonly uploadTime?: string;
}

/** `--uploaded-prior-to` on an index that gives no upload times (pip 26 stops there too). */
export class UploadTimeMissingError extends DpipError<"upload-time-missing"> {
  /** The file without an upload time. */
  readonly url: string;
  /** `url` is the file's (redacted) URL. */
  constructor(url: string) {
    super(
      "upload-time-missing",
      `Cannot apply --uploaded-prior-to to ${url}: the index does not provide upload-time metadata (PEP 700)`,
      { hint: "use an index that serves upload-time (JSON pages, PEP 700), or drop the cooldown" },
    );
    this.name = "UploadTimeMissingError";
    this.url = url;
  }
}

/** Which formats are allowed per project (pip's `FormatControl`). */
export interface FormatControl {
  /** Names (normalized) or `:all:` that must not use wheels. */
  readonly noBinary: ReadonlySet<string>;
  /** Names (normalized) or `:all:` that must not use sdists. */
  readonly onlyBinary: ReadonlySet<string>;
}

/**
 * Builds a {@link FormatControl} from `--no-binary` and `--only-binary`
 * values, applied in order, each a comma-separated list of names, `:all:` or
 * `:none:`; a name in one set leaves the other.
 *
 * @example
 * ```ts
 * import { allowedFormats, parseFormatControl } from "./candidate_selector.ts";
 * const control = parseFormatControl([["only-binary", ":all:"], ["no-binary", "Foo_Bar"]]);
 * allowedFormats(control, "foo-bar"); // { binary: false, source: true }
 * allowedFormats(control, "other"); // { binary: true, source: false }
 * ```
 */
export function parseFormatControl(
  values: Iterable<readonly ["no-binary" | "only-binary", string]>,
): FormatControl {
  const noBinary = new Set<string>();
  const onlyBinary = new Set<string>();
  for (const [option, value] of values) {
    const target = option === "no-binary" ? noBinary : onlyBinary;
    const other = option === "no-binary" ? onlyBinary : noBinary;
    let names = value.split(",");
    let index = names.indexOf(":all:");
    while (index >= 0) {
      other.clear();
      target.clear();
      target.add(":all:");
      names = names.slice(index + 1);
      if (!names.includes(":none:")) {
        names = [];
        break;
      }
      index = names.indexOf(":all:");
    }
    for (const name of names) {
      if (name === ":none:") {
        target.clear();
        continue;
      }
      if (name.trim() === "") continue;
      const normalized = canonicalizeName(name);
      other.delete(normalized);
      target.add(normalized);
    }
  }
  return { noBinary, onlyBinary };
}

/** The formats `project` may use under `control`. */
export function allowedFormats(
  control: FormatControl | undefined,
  project: string,
): { binary: boolean; source: boolean } {
  if (control === undefined) return { binary: true, source: true };
  const name = canonicalizeName(project);
  if (control.onlyBinary.has(name)) return { binary: true, source: false };
  if (control.noBinary.has(name)) return { binary: false, source: true };
  if (control.onlyBinary.has(":all:")) return { binary: true, source: false };
  if (control.noBinary.has(":all:")) return { binary: false, source: true };
  return { binary: true, source: true };
}

/** The policy half of candidate choice (from the command line). */
export interface CandidatePolicy {
  readonly formatControl?: FormatControl;
  /** `--prefer-binary`: any wheel beats any sdist, even a newer one. */
  readonly preferBinary?: boolean;
  /** `--pre`: admit pre-releases and dev releases. */
  readonly pre?: boolean;
  /** The target Python's version for `Requires-Python`, e.g. `[3, 11, 7]`. */
  readonly pythonVersion: readonly number[];
  readonly ignoreRequiresPython?: boolean;
  /** `--hash` values of the requirement: matching files are preferred, others dropped. */
  readonly hashes?: Readonly<Record<string, readonly string[]>>;
  /** `--uploaded-prior-to`: only files uploaded strictly before this (microseconds since the epoch). */
  readonly uploadedPriorTo?: number;
}

/** Why a file is not a candidate. */
export type SkipReason =
  | "unsupported-format"
  | "binary-not-allowed"
  | "source-not-allowed"
  | "invalid-filename"
  | "invalid-version"
  | "different-project"
  | "incompatible-tags"
  | "python-version-mismatch"
  | "uploaded-too-late"
  | "requires-python";

/** A file that is not a candidate, and why (`detail` is one line, pip's wording where it has one). */
export interface SkippedFile<F extends SelectableFile = SelectableFile> {
  readonly file: F;
  readonly reason: SkipReason;
  readonly detail: string;
  /** The file's version, when it could be read. */
  readonly version?: Version;
}

/** A usable file with what was learned about it. */
export interface Candidate<F extends SelectableFile = SelectableFile> {
  readonly file: F;
  readonly version: Version;
  readonly kind: "wheel" | "sdist";
  /** The position of the wheel's best tag in the target's list (lower is better); sdists: none. */
  readonly tagPriority?: number;
  readonly build?: { readonly number: number; readonly tag: string };
  /** Whether the file's index hash matches a user hash. */
  readonly hashAllowed: boolean;
}

/** The target's compatible tags, ranked (see `tagPriorities` in lib/dists). */
export type TagRanking = ReadonlyMap<string, number>;

/**
 * A tag ranking that accepts every tag: the target's own tags keep their
 * rank, any other comes after them. Candidate selection then prefers a
 * wheel this interpreter could use (to read metadata from) but accepts any.
 */
export function everyTag(local: TagRanking): TagRanking {
  const last = local.size;
  return new (class extends Map<string, number> {
    override get(tag: string): number {
      return local.get(tag) ?? last;
    }
    override has(): boolean {
      return true;
    }
  })(local);
}

/** Options for {@link evaluateFiles}. */
export interface EvaluateOptions {
  /** The project the files are listed for. */
  readonly project: string;
  readonly tags: TagRanking;
  readonly policy: CandidatePolicy;
}

/** The result of {@link evaluateFiles}. */
export interface Evaluation<F extends SelectableFile> {
  /** Every usable file (yanked ones included), in input order. */
  readonly candidates: Candidate<F>[];
  readonly skipped: SkippedFile<F>[];
}

function extensionOf(filename: string): string {
  const lower = filename.toLowerCase();
  if (lower.endsWith(".whl")) return ".whl";
  return SDIST_EXTENSIONS.find((ext) => lower.endsWith(ext)) ?? "";
}

function requiresPythonAllows(
  requiresPython: string | undefined,
  pythonVersion: readonly number[],
): boolean {
  if (requiresPython === undefined) return true;
  let specifier: SpecifierSet;
  try {
    specifier = parseSpecifierSet(requiresPython);
  } catch {
    return true;
  }
  return specifier.contains(pythonVersion.join("."), { prereleases: true });
}

/**
 * Evaluates each file on its own (step 1 above). Files are deduplicated by URL and hashes.
 *
 * @example
 * ```ts
 * import { evaluateFiles } from "./candidate_selector.ts";
 * import { compatibleTags, tagPriorities } from "../dists/mod.ts";
 * const file = { filename: "demo-1.0.tar.gz", url: "https://x/demo-1.0.tar.gz", hashes: {}, yanked: false };
 * const { candidates } = evaluateFiles([file], {
 *   project: "demo",
 *   tags: new Map(),
 *   policy: { pythonVersion: [3, 11, 0] },
 * });
 * String(candidates[0]?.version); // "1.0"
 * ```
 */
export function evaluateFiles<F extends SelectableFile>(
  files: readonly F[],
  options: EvaluateOptions,
): Evaluation<F> {
  const { project, tags, policy } = options;
  const name = canonicalizeName(project);
  const formats = allowedFormats(policy.formatControl, name);
  const pyVersion = `${policy.pythonVersion[0] ?? 3}.${policy.pythonVersion[1] ?? 0}`;
  const userHashes = policy.hashes;
  const candidates: Candidate<F>[] = [];
  const skipped: SkippedFile<F>[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const identity = `${file.url}#${
      Object.entries(file.hashes).map(([a, h]) => `${a}=${h}`).sort().join("&")
    }`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    const skip = (reason: SkipReason, detail: string, version?: Version) =>
      skipped.push({ file, reason, detail, ...(version === undefined ? {} : { version }) });
    const extension = extensionOf(file.filename);
    if (extension === "") {
      const dot = file.filename.lastIndexOf(".");
      skip(
        "unsupported-format",
        dot < 0 ? "not a file" : `unsupported archive format: ${file.filename.slice(dot)}`,
      );
      continue;
    }
    if (extension === ".whl" && !formats.binary) {
      skip("binary-not-allowed", `No binaries permitted for ${project}`);
      continue;
    }
    let version: Version;
    let kind: "wheel" | "sdist";
    let tagPriority: number | undefined;
    let build: Candidate["build"];
    if (extension === ".whl") {
      let wheel;
      try {
        wheel = parseWheelFilename(file.filename);
      } catch (error) {
        if (!(error instanceof InvalidWheelFilenameError)) throw error;
        const invalidVersion = / invalid version /.test(error.message);
        skip(
          invalidVersion ? "invalid-version" : "invalid-filename",
          invalidVersion
            ? `invalid version in wheel filename ${file.filename}`
            : "invalid wheel filename",
        );
        continue;
      }
      if (wheel.name !== name) {
        skip("different-project", `wrong project name (not ${project})`);
        continue;
      }
      let best: number | undefined;
      for (const tag of wheel.tags as readonly Tag[]) {
        const priority = tags.get(tag.toString());
        if (priority !== undefined && (best === undefined || priority < best)) best = priority;
      }
      if (best === undefined) {
        skip(
          "incompatible-tags",
          `none of the wheel's tags (${wheel.tags.join(", ")}) are compatible`,
          wheel.version,
        );
        continue;
      }
      version = wheel.version;
      kind = "wheel";
      tagPriority = best;
      if (wheel.build !== undefined) build = wheel.build;
    } else {
      if (!formats.source) {
        skip("source-not-allowed", `No sources permitted for ${project}`);
        continue;
      }
      const sdist = tryParseSdistFilenameForProject(file.filename, name);
      if (sdist === undefined) {
        const stem = file.filename.slice(0, file.filename.length - extension.length);
        if (canonicalizeName(stem).startsWith(name + "-")) {
          skip("invalid-version", `invalid version in ${file.filename}`);
        } else {
          skip("different-project", `Missing project version for ${project}`);
        }
        continue;
      }
      if (sdist.pythonVersion !== undefined && sdist.pythonVersion !== pyVersion) {
        skip("python-version-mismatch", "Python version is incorrect", sdist.version);
        continue;
      }
      version = sdist.version;
      kind = "sdist";
    }
    if (policy.uploadedPriorTo !== undefined && !file.url.startsWith("file:")) {
      const uploaded = parseIndexUploadTime(file.uploadTime);
      if (uploaded === undefined) {
        throw new UploadTimeMissingError(file.url.replace(/\/\/[^/@]*@/, "//****@"));
      }
      if (uploaded >= policy.uploadedPriorTo) {
        skip(
          "uploaded-too-late",
          `Upload time ${formatUtcMicros(uploaded)} not prior to ${
            formatUtcMicros(policy.uploadedPriorTo)
          }`,
          version,
        );
        continue;
      }
    }
    if (
      !policy.ignoreRequiresPython &&
      !requiresPythonAllows(file.requiresPython, policy.pythonVersion)
    ) {
      skip("requires-python", `${version} Requires-Python ${file.requiresPython}`, version);
      continue;
    }
    const hashAllowed = userHashes !== undefined &&
      Object.entries(file.hashes).some(([algorithm, digest]) =>
        userHashes[algorithm]?.some((h) => h.toLowerCase() === digest) ?? false
      );
    candidates.push({
      file,
      version,
      kind,
      ...(tagPriority === undefined ? {} : { tagPriority }),
      ...(build === undefined ? {} : { build }),
      hashAllowed,
    });
  }
  return { candidates, skipped };
}

/** Options for {@link selectCandidates}. */
export interface SelectOptions extends EvaluateOptions {
  /** The requirement's specifier; none admits every version. */
  readonly specifier?: SpecifierSet;
}

/** The result of {@link selectCandidates}. */
export interface Selection<F extends SelectableFile> {
  /** The applicable candidates, best first. */
  readonly candidates: Candidate<F>[];
  /** Files not usable at all, and why. */
  readonly skipped: SkippedFile<F>[];
  /** Usable files the specifier or PEP 592 left out (not yanked-and-pinned, hash mismatch). */
  readonly excluded: { candidate: Candidate<F>; reason: "specifier" | "yanked" | "hash" }[];
  /**
   * Messages for the user, as data: invalid versions skipped, and pip's
   * warning when the best candidate is yanked.
   */
  readonly warnings: string[];
}

const EMPTY_SPECIFIER = parseSpecifierSet("");

/** Whether a specifier pins one version (`==V` without `.*`, or `===`), as PEP 592 requires. */
export function isPinned(specifier: SpecifierSet | undefined): boolean {
  if (specifier === undefined) return false;
  return specifier.specifiers.some((s) =>
    s.operator === "===" || (s.operator === "==" && !s.version.endsWith(".*"))
  );
}

/** Compares two candidates; negative when `a` is preferred. */
export function compareCandidates(
  a: Candidate,
  b: Candidate,
  options: { preferBinary?: boolean } = {},
): number {
  if (a.hashAllowed !== b.hashAllowed) return a.hashAllowed ? -1 : 1;
  if (a.file.yanked !== b.file.yanked) return a.file.yanked ? 1 : -1;
  if (options.preferBinary && a.kind !== b.kind) return a.kind === "wheel" ? -1 : 1;
  const byVersion = b.version.compare(a.version);
  if (byVersion !== 0) return byVersion;
  const pa = a.tagPriority ?? Infinity;
  const pb = b.tagPriority ?? Infinity;
  if (pa !== pb) return pa < pb ? -1 : 1;
  const ba = a.build;
  const bb = b.build;
  if (ba === undefined && bb === undefined) return 0;
  if (ba === undefined) return 1;
  if (bb === undefined) return -1;
  if (ba.number !== bb.number) return bb.number - ba.number;
  return ba.tag === bb.tag ? 0 : ba.tag < bb.tag ? 1 : -1;
}

/**
 * Evaluates `files` and returns the applicable candidates, best first (all steps above).
 *
 * @example
 * ```ts
 * import { selectCandidates } from "./candidate_selector.ts";
 * import { parseSpecifierSet } from "../pep440/mod.ts";
 * const file = (filename: string, yanked = false) => ({ filename, url: `https://x/${filename}`, hashes: {}, yanked });
 * const { candidates } = selectCandidates(
 *   [file("demo-1.0.tar.gz"), file("demo-2.0.tar.gz", true)],
 *   { project: "demo", tags: new Map(), policy: { pythonVersion: [3, 11, 0] }, specifier: parseSpecifierSet(">=1") },
 * );
 * candidates.map((c) => String(c.version)); // ["1.0"]
 * ```
 */
export function selectCandidates<F extends SelectableFile>(
  files: readonly F[],
  options: SelectOptions,
): Selection<F> {
  const { candidates: all, skipped } = evaluateFiles(files, options);
  const { policy, specifier } = options;
  const excluded: Selection<F>["excluded"] = [];
  const warnings = skipped.filter((s) => s.reason === "invalid-version").map((s) =>
    `Skipping ${s.file.filename}: ${s.detail}`
  );
  const prereleases = policy.pre ? { prereleases: true } : {};
  const allowed = new Set(
    (specifier ?? EMPTY_SPECIFIER).filter(all.map((c) => c.version), prereleases)
      .map((v) => v.toString()),
  );
  let applicable: Candidate<F>[] = [];
  for (const candidate of all) {
    if (allowed.has(candidate.version.toString())) applicable.push(candidate);
    else excluded.push({ candidate, reason: "specifier" });
  }
  if (policy.hashes !== undefined && applicable.some((c) => c.hashAllowed)) {
    const kept: Candidate<F>[] = [];
    for (const candidate of applicable) {
      if (candidate.hashAllowed || Object.keys(candidate.file.hashes).length === 0) {
        kept.push(candidate);
      } else {
        excluded.push({ candidate, reason: "hash" });
      }
    }
    applicable = kept;
  }
  const sorted = applicable
    .map((candidate, index) => ({ candidate, index }))
    .sort((a, b) =>
      compareCandidates(a.candidate, b.candidate, { preferBinary: policy.preferBinary ?? false }) ||
      b.index - a.index
    )
    .map(({ candidate }) => candidate);
  const allYanked = sorted.length > 0 && sorted.every((c) => c.file.yanked);
  let result = sorted;
  if (!(allYanked && isPinned(specifier))) {
    result = [];
    for (const candidate of sorted) {
      if (candidate.file.yanked) {
        excluded.push({ candidate, reason: "yanked" });
      } else {
        result.push(candidate);
      }
    }
  }
  const best = result[0];
  if (best !== undefined && best.file.yanked) {
    warnings.push(
      `The candidate selected for download or install is a yanked version: '${
        canonicalizeName(options.project)
      }' candidate (version ${best.version} at ${best.file.filename})\nReason for being yanked: ${
        best.file.yankedReason ?? "<none given>"
      }`,
    );
  }
  return { candidates: result, skipped, excluded, warnings };
}
