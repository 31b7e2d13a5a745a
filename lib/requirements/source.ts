/**
 * What one requirement argument or requirements-file line names: a project on
 * an index (`requests>=2`), a direct reference (`name @ url`), an archive URL
 * (`https://host/x-1.0-py3-none-any.whl#sha256=...`), a local wheel, sdist or
 * project directory, or a VCS URL — with its extras, marker, hashes and
 * `#egg=`/`#subdirectory=` fragments, classified the way pip classifies them.
 *
 * The file system is consulted only through the injected `stat`.
 *
 * @module
 */

import { fileURLToPath, isAbsolute, normalize, pathToFileURL, resolve } from "../paths.ts";
import { DpipError } from "../errors.ts";
import { canonicalizeExtra, canonicalizeName, type PackageName } from "../names/mod.ts";
import {
  InvalidRequirementError,
  type Marker,
  parseMarker,
  parseRequirement,
  type Requirement,
} from "../pep508/mod.ts";
import { parseWheelFilename } from "../dists/wheel_filename.ts";
import { SDIST_EXTENSIONS } from "../dists/sdist_filename.ts";

/** A requirement that cannot be understood, with the text and where it came from. */
export class InvalidRequirementSourceError extends DpipError {
  readonly input: string;
  constructor(input: string, where: string, message: string, hint?: string) {
    super(
      "invalid-requirement",
      `Invalid requirement ${JSON.stringify(input)}${where}: ${message}`,
      {
        ...(hint === undefined ? {} : { hint }),
      },
    );
    this.name = "InvalidRequirementSourceError";
    this.input = input;
  }
}

/** The kinds of archive a URL or path can point to. */
export type ArchiveKind = "wheel" | "sdist";

interface SourceCommon {
  /** The text as the user wrote it. */
  readonly text: string;
  /** The project name and version constraints, when known without building. */
  readonly requirement?: Requirement;
  /** The normalized project name, when known. */
  readonly name?: PackageName;
  readonly extras: readonly string[];
  readonly marker?: Marker;
  readonly editable: boolean;
  /** Hashes from a `#sha256=` fragment, by algorithm. */
  readonly urlHashes: Readonly<Record<string, string>>;
  /** `file:line` or `command line`, for messages. */
  readonly origin: string;
}

/** A requirement classified by where its distribution comes from. */
export type RequirementSource =
  | SourceCommon & {
    readonly kind: "registry";
    readonly requirement: Requirement;
    readonly name: PackageName;
  }
  | SourceCommon & {
    readonly kind: "url";
    readonly url: string;
    readonly archive: ArchiveKind | undefined;
    readonly subdirectory?: string;
  }
  | SourceCommon & {
    readonly kind: "path";
    /** Absolute, normalized. */
    readonly path: string;
    readonly url: string;
    readonly pathKind: ArchiveKind | "directory";
    readonly subdirectory?: string;
  }
  | SourceCommon & {
    readonly kind: "vcs";
    readonly url: string;
    readonly vcs: "git" | "hg" | "svn" | "bzr";
    readonly subdirectory?: string;
  };

/** What the file system says about a path. */
export type PathKind = "file" | "directory" | undefined;

/** Inputs of {@link parseRequirementSource}. */
export interface SourceOptions {
  /** Resolves relative paths. */
  readonly cwd: string;
  /** Reports whether a path is a file, a directory, or missing. */
  readonly stat: (path: string) => PathKind;
  readonly editable?: boolean;
  /** Where the text came from, for messages (default "command line"). */
  readonly origin?: string;
}

const URL_PATTERN = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;
const VCS_PATTERN = /^(git|hg|svn|bzr)\+/;
const WINDOWS_DRIVE = /^[a-zA-Z]:[\\/]/;
const HASH_ALGORITHMS = new Set(["md5", "sha1", "sha224", "sha256", "sha384", "sha512"]);

function isUrl(text: string): boolean {
  return URL_PATTERN.test(text) && !WINDOWS_DRIVE.test(text) &&
    /^(https?|file|ftp|git\+|hg\+|svn\+|bzr\+)/i.test(text);
}

function archiveKindOf(filename: string): ArchiveKind | undefined {
  const lower = filename.toLowerCase();
  if (lower.endsWith(".whl")) return "wheel";
  return SDIST_EXTENSIONS.some((e) => lower.endsWith(e)) ? "sdist" : undefined;
}

/**
 * A trailing `[extras]` split off `text`: the extras open at the first `[`
 * after the last `]` but the closing one, and the text before them has no line
 * break (what `^(.*?)(\[[^\]]*\])$` matches, found in one pass).
 */
function splitExtras(text: string): { base: string; extras: string[] } {
  const none = { base: text, extras: [] };
  if (text.length < 2 || !text.endsWith("]")) return none;
  const open = text.indexOf("[", text.lastIndexOf("]", text.length - 2) + 1);
  if (open < 0 || open === text.length - 1 || /[\n\r\u2028\u2029]/.test(text.slice(0, open))) {
    return none;
  }
  const extras = text.slice(open + 1, -1).split(",").map((e) => e.trim()).filter((e) => e);
  return { base: text.slice(0, open), extras };
}

interface Fragment {
  readonly hashes: Record<string, string>;
  readonly egg?: string;
  readonly subdirectory?: string;
}

function parseFragment(url: string): Fragment {
  const hashIndex = url.indexOf("#");
  if (hashIndex === -1) return { hashes: {} };
  const hashes: Record<string, string> = {};
  let egg: string | undefined;
  let subdirectory: string | undefined;
  for (const part of url.slice(hashIndex + 1).split("&")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const key = part.slice(0, eq);
    const value = decodeURIComponent(part.slice(eq + 1));
    if (HASH_ALGORITHMS.has(key)) hashes[key] = value.toLowerCase();
    else if (key === "egg") egg = value;
    else if (key === "subdirectory") subdirectory = value;
  }
  return {
    hashes,
    ...(egg === undefined ? {} : { egg }),
    ...(subdirectory === undefined ? {} : { subdirectory }),
  };
}

function filenameOf(url: string): string {
  const path = url.split("#")[0]?.split("?")[0] ?? "";
  return decodeURIComponent(path.slice(path.lastIndexOf("/") + 1));
}

/**
 * Classifies one requirement as pip does for command-line arguments and
 * requirements-file lines.
 *
 * @example
 * ```ts
 * import { parseRequirementSource } from "./source.ts";
 * const s = parseRequirementSource("requests[socks]>=2", { cwd: "/", stat: () => undefined });
 * s.kind; // "registry"
 * ```
 */
export function parseRequirementSource(text: string, options: SourceOptions): RequirementSource {
  const origin = options.origin ?? "command line";
  const where = origin === "command line" ? "" : ` (${origin})`;
  const editable = options.editable ?? false;
  const fail = (message: string, hint?: string): never => {
    throw new InvalidRequirementSourceError(text, where, message, hint);
  };
  const trimmed = text.trim();

  // A PEP 508 direct reference: `name[extras] @ url ; marker`.
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\]\s*)?@/.test(trimmed) && !isUrl(trimmed)) {
    const requirement = tryParse(trimmed, fail);
    const url = requirement.url ?? fail("expected a URL after '@'");
    return fromUrl(url, { requirement, text, editable, origin, options, fail });
  }

  const urlLike = isUrl(trimmed);
  const separator = urlLike ? "; " : ";";
  const markerAt = trimmed.indexOf(separator);
  const body = (markerAt === -1 ? trimmed : trimmed.slice(0, markerAt)).trim();
  const markerText = markerAt === -1 ? undefined : trimmed.slice(markerAt + separator.length);
  let marker: Marker | undefined;
  if (markerText !== undefined && (urlLike || looksLikePath(body, options))) {
    try {
      marker = parseMarker(markerText);
    } catch (error) {
      fail((error as Error).message);
    }
  }

  if (urlLike) {
    return fromUrl(body, { text, editable, origin, options, fail, marker });
  }
  if (looksLikePath(body, options)) {
    const { base, extras } = splitExtras(body);
    const path = normalize(isAbsolute(base) ? base : resolve(options.cwd, base));
    return fromPath(path, { text, editable, origin, options, fail, marker, extras });
  }
  if (editable) {
    return fail("an editable requirement must be a local project directory or a VCS URL");
  }
  const requirement = tryParse(trimmed, fail);
  return {
    kind: "registry",
    text,
    requirement,
    name: canonicalizeName(requirement.name),
    extras: requirement.extras.map(canonicalizeExtra).sort(),
    ...(requirement.marker === undefined ? {} : { marker: requirement.marker }),
    editable: false,
    urlHashes: {},
    origin,
  };
}

function looksLikePath(body: string, options: SourceOptions): boolean {
  const { base } = splitExtras(body);
  if (base.includes("/") || base.startsWith(".") || base.includes("\\")) return true;
  const kind = archiveKindOf(base);
  return kind !== undefined &&
    (kind === "wheel" || options.stat(resolve(options.cwd, base)) === "file");
}

function tryParse(text: string, fail: (message: string, hint?: string) => never): Requirement {
  try {
    return parseRequirement(text);
  } catch (error) {
    // The requirement is already named by the wrapping error: keep the reason and position.
    const message = error instanceof InvalidRequirementError
      ? `${error.reason} at position ${error.position}`
      : (error as Error).message;
    const hint = /^[A-Za-z0-9._-]+\s*=[^=~]/.test(text)
      ? "= is not a valid operator. Did you mean == ?"
      : undefined;
    return fail(message, hint);
  }
}

interface BuildContext {
  readonly text: string;
  readonly editable: boolean;
  readonly origin: string;
  readonly options: SourceOptions;
  readonly fail: (message: string, hint?: string) => never;
  readonly marker?: Marker | undefined;
  readonly requirement?: Requirement;
  readonly extras?: readonly string[];
}

function nameFromFilename(
  filename: string,
  archive: ArchiveKind | undefined,
  context: BuildContext,
): Requirement | undefined {
  if (archive !== "wheel") return undefined;
  try {
    const wheel = parseWheelFilename(filename);
    return parseRequirement(`${wheel.name}==${wheel.version}`);
  } catch (error) {
    return context.fail((error as Error).message);
  }
}

function common(context: BuildContext, fragment: Fragment, fromName?: Requirement) {
  let requirement = context.requirement ?? fromName;
  if (requirement === undefined && fragment.egg !== undefined) {
    requirement = tryParse(fragment.egg, context.fail);
  }
  const extras = [...(context.extras ?? []), ...(requirement?.extras ?? [])];
  const marker = context.marker ?? requirement?.marker;
  return {
    text: context.text,
    ...(requirement === undefined ? {} : {
      requirement,
      name: canonicalizeName(requirement.name),
    }),
    extras: [...new Set(extras.map(canonicalizeExtra))].sort(),
    ...(marker === undefined ? {} : { marker }),
    editable: context.editable,
    urlHashes: fragment.hashes,
    origin: context.origin,
    ...(fragment.subdirectory === undefined ? {} : { subdirectory: fragment.subdirectory }),
  };
}

function fromUrl(url: string, context: BuildContext): RequirementSource {
  const fragment = parseFragment(url);
  const vcs = VCS_PATTERN.exec(url)?.[1] as "git" | "hg" | "svn" | "bzr" | undefined;
  if (vcs !== undefined) {
    const source = { kind: "vcs" as const, url, vcs, ...common(context, fragment) };
    if (context.editable && source.name === undefined) {
      return context.fail(
        "an editable VCS requirement must name its project",
        "add #egg=<project name> to the URL",
      );
    }
    return source;
  }
  if (url.toLowerCase().startsWith("file:")) {
    let path: string;
    try {
      path = fileURLToPath(url.split("#")[0] ?? url);
    } catch (error) {
      return context.fail((error as Error).message);
    }
    return fromPath(normalize(path), { ...context }, fragment);
  }
  if (context.editable) {
    return context.fail("an editable requirement must be a local project directory or a VCS URL");
  }
  const filename = filenameOf(url);
  const archive = archiveKindOf(filename);
  const fromName = context.requirement === undefined
    ? nameFromFilename(filename, archive, context)
    : undefined;
  return { kind: "url", url, archive, ...common(context, fragment, fromName) };
}

function fromPath(path: string, context: BuildContext, fragment: Fragment = { hashes: {} }) {
  const kind = context.options.stat(path);
  const url = pathToFileURL(path).href;
  if (kind === "directory") {
    const hasProject = context.options.stat(`${path}/pyproject.toml`) === "file" ||
      context.options.stat(`${path}/setup.py`) === "file";
    if (!hasProject) {
      return context.fail(
        `directory ${path} is not installable: neither setup.py nor pyproject.toml found`,
      );
    }
    return {
      kind: "path" as const,
      path,
      url,
      pathKind: "directory" as const,
      ...common(context, fragment),
    };
  }
  const filename = path.slice(path.lastIndexOf("/") + 1);
  const archive = archiveKindOf(filename);
  if (kind === undefined) {
    return context.fail(
      `${path} does not exist`,
      archive === undefined ? "It looks like a path; check the spelling." : undefined,
    );
  }
  if (archive === undefined) {
    return context.fail(`${path} is not a wheel (.whl), an sdist (.tar.gz, .zip) or a directory`);
  }
  if (context.editable) {
    return context.fail("an editable requirement must be a local project directory or a VCS URL");
  }
  const fromName = context.requirement === undefined
    ? nameFromFilename(filename, archive, context)
    : undefined;
  return {
    kind: "path" as const,
    path,
    url,
    pathKind: archive,
    ...common(context, fragment, fromName),
  };
}
