/**
 * Requirements that need a build before they can be installed: project
 * directories (also editable), source archives (local files and URLs) and
 * git checkouts. Each becomes a wheel built by the project's own backend
 * (PEP 517/660), which the install pipeline then treats like a local wheel,
 * plus the `direct_url.json` (PEP 610) that says where it came from.
 *
 * @module
 */

import { join, pathToFileURL } from "../paths.ts";
import type { BuildEnvironmentInstaller, BuiltWheel } from "../build/mod.ts";
import { parseCoreMetadata } from "../dists/core_metadata.ts";
import type { DirectUrl } from "../dists/direct_url.ts";
import { parseWheelFilename } from "../dists/wheel_filename.ts";
import { DpipError, isDpipError } from "../errors.ts";
import { canonicalizeName, type PackageName } from "../names/mod.ts";
import { digestChecks, hashFile, loadCrypto } from "../net/hashes.ts";
import { compareVersions, tryParseVersion } from "../pep440/mod.ts";
import type { IndexFile, IndexSource } from "../resolver/default_provider.ts";
import type { ResolverProvider } from "../resolver/mod.ts";
import type { RequirementSource } from "../requirements/source.ts";
import type { WheelDownloader } from "../installer/prepare.ts";

/** The build frontend, loaded only when something is built (it brings a TOML parser and zlib). */
function buildFrontend(): Promise<typeof import("../build/mod.ts")> {
  return import("../build/mod.ts");
}

/** A requirement that cannot be built (an unsupported VCS, a failed checkout, a name mismatch). */
export class SourceBuildError extends DpipError {
  /** The requirement as written. */
  readonly requirement: string;
  constructor(
    requirement: string,
    reason: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super("source-build-failed", `Cannot build ${requirement}: ${reason}`, options);
    this.name = "SourceBuildError";
    this.requirement = requirement;
  }
}

/** What building a requirement gave. */
export interface BuiltRequirement {
  readonly source: RequirementSource;
  /** The project's name, from the built wheel. */
  readonly name: PackageName;
  /** The reference URL (no fragment): `name @ url` in the resolution. */
  readonly url: string;
  /** The built wheel file. */
  readonly wheelPath: string;
  /** What `direct_url.json` records. */
  readonly directUrl: DirectUrl;
}

/** What {@link buildRequirement} works with. */
export interface SourceBuildContext {
  /** The interpreter that runs the build backend. */
  readonly python: string;
  /** Fetches source archives named by URL. */
  readonly downloader: WheelDownloader;
  /** A scratch directory the caller removes afterwards. */
  readonly workDir: string;
  /** Installs build requirements into an isolated environment; none for `--no-build-isolation`. */
  readonly isolation?: BuildEnvironmentInstaller;
  /** `--config-settings` given on the command line (a requirement's own settings add to them). */
  readonly configSettings?: Readonly<Record<string, string | readonly string[]>>;
  /** Base environment of the backend process. */
  readonly env?: Readonly<Record<string, string>>;
  /** The backend's output, line by line (for `-v`). */
  readonly onOutput?: (line: string) => void;
}

/** Whether installing `source` needs a build. */
export function needsBuild(source: RequirementSource): boolean {
  switch (source.kind) {
    case "registry":
      return false;
    case "path":
      return source.pathKind !== "wheel";
    case "url":
      return source.archive === "sdist";
    case "vcs":
      return true;
  }
}

/** `url` without its `#fragment`. */
export function withoutFragment(url: string): string {
  const at = url.indexOf("#");
  return at < 0 ? url : url.slice(0, at);
}

/** A new directory under the run's work directory (made on first use). */
async function scratch(context: SourceBuildContext, what: string): Promise<string> {
  await Deno.mkdir(context.workDir, { recursive: true });
  return await Deno.makeTempDir({ dir: context.workDir, prefix: `${what}-` });
}

/** The project directory and its `direct_url.json`, fetched and unpacked as needed. */
async function checkout(
  source: RequirementSource,
  context: SourceBuildContext,
): Promise<{ projectDir: string; url: string; directUrl: DirectUrl }> {
  const sub = source.kind === "registry" ? undefined : source.subdirectory;
  const inner = (root: string) => sub === undefined ? root : join(root, sub);
  const subdirectory = sub === undefined ? {} : { subdirectory: sub };
  switch (source.kind) {
    case "path": {
      if (source.pathKind === "directory") {
        const url = withoutFragment(source.url);
        return {
          projectDir: inner(source.path),
          url,
          directUrl: {
            url,
            info: source.editable ? { kind: "dir", editable: true } : { kind: "dir" },
            ...subdirectory,
          },
        };
      }
      const root = await (await buildFrontend()).unpackSourceArchive(
        source.path,
        await scratch(context, "sdist"),
      );
      const digest = (await hashFile(source.path))["sha256"];
      const url = withoutFragment(source.url);
      return {
        projectDir: inner(root),
        url,
        directUrl: { url, info: { kind: "archive", hash: `sha256=${digest}` }, ...subdirectory },
      };
    }
    case "url": {
      const url = withoutFragment(source.url);
      const dir = await scratch(context, "download");
      const filename = decodeURIComponent(url.split("?")[0]!.split("/").at(-1) ?? "sdist.tar.gz");
      const downloaded = await context.downloader.download(url, join(dir, filename), {
        checks: digestChecks("the URL", source.urlHashes),
      });
      const root = await (await buildFrontend()).unpackSourceArchive(
        downloaded.path,
        await scratch(context, "sdist"),
      );
      return {
        projectDir: inner(root),
        url,
        directUrl: {
          url,
          info: { kind: "archive", hash: `sha256=${downloaded.digests["sha256"]}` },
          ...subdirectory,
        },
      };
    }
    case "vcs":
      return await gitCheckout(source, context, inner, subdirectory);
    case "registry":
      throw new SourceBuildError(source.text, "it names a project on an index, not a source");
  }
}

/** Splits `git+https://host/repo.git@v1.0` into the clone URL and the revision. */
function splitVcsUrl(url: string): { cloneUrl: string; revision?: string } {
  const bare = withoutFragment(url).replace(/^[a-z]+\+/, "");
  const schemeEnd = bare.indexOf("://");
  const pathStart = schemeEnd < 0 ? 0 : bare.indexOf("/", schemeEnd + 3);
  const at = bare.lastIndexOf("@");
  if (pathStart < 0 || at <= pathStart) return { cloneUrl: bare };
  return { cloneUrl: bare.slice(0, at), revision: bare.slice(at + 1) };
}

async function git(args: string[], source: RequirementSource, cwd?: string): Promise<string> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("git", {
      args,
      ...(cwd === undefined ? {} : { cwd }),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { GIT_TERMINAL_PROMPT: "0" },
    }).output();
  } catch (error) {
    throw new SourceBuildError(source.text, "git is not installed or cannot run", {
      hint: "install git, or give a source archive or directory instead",
      cause: error,
    });
  }
  if (!output.success) {
    const message = new TextDecoder().decode(output.stderr).trim().split("\n").at(-1) ?? "";
    throw new SourceBuildError(source.text, `git ${args[0]} failed: ${message}`);
  }
  return new TextDecoder().decode(output.stdout).trim();
}

async function gitCheckout(
  source: RequirementSource & { kind: "vcs" },
  context: SourceBuildContext,
  inner: (root: string) => string,
  subdirectory: { subdirectory?: string },
): Promise<{ projectDir: string; url: string; directUrl: DirectUrl }> {
  if (source.vcs !== "git") {
    throw new SourceBuildError(source.text, `${source.vcs} checkouts are not supported`, {
      hint: "use a git URL, a source archive or a directory",
    });
  }
  if (source.editable) {
    throw new SourceBuildError(
      source.text,
      "editable installs from version control are not supported",
      {
        hint: "clone it yourself and install the directory with -e",
      },
    );
  }
  const { cloneUrl, revision } = splitVcsUrl(source.url);
  const dir = await scratch(context, "git");
  await git(["clone", "--quiet", cloneUrl, dir], source);
  if (revision !== undefined) await git(["checkout", "--quiet", revision], source, dir);
  const commitId = await git(["rev-parse", "HEAD"], source, dir);
  return {
    projectDir: inner(dir),
    url: withoutFragment(source.url),
    directUrl: {
      url: cloneUrl,
      info: {
        kind: "vcs",
        vcs: "git",
        commitId,
        ...(revision === undefined ? {} : { requestedRevision: revision }),
      },
      ...subdirectory,
    },
  };
}

/** The isolation installer, its failures saying whose build environment it was. */
function explainedIsolation(
  what: string,
  isolation: BuildEnvironmentInstaller,
): BuildEnvironmentInstaller {
  return {
    install: async (requirements, dir) => {
      try {
        await isolation.install(requirements, dir);
      } catch (error) {
        if (!(error instanceof DpipError)) throw error;
        // A resolution failure's derivation says best what is missing.
        const derivation = (error as DpipError & { text?: unknown }).text;
        const reason = typeof derivation === "string" && derivation !== ""
          ? derivation.trim().split("\n")[0]!
          : error.message;
        throw new SourceBuildError(
          what,
          `cannot install its build dependencies (${requirements.join(", ")}): ${reason}`,
          {
            hint: error.hint ??
              "make the build requirements available on the index, or use --no-build-isolation",
            cause: error,
          },
        );
      }
    },
  };
}

function mergeSettings(
  global: Readonly<Record<string, string | readonly string[]>> | undefined,
  own: Readonly<Record<string, string | readonly string[]>>,
): Record<string, string | string[]> {
  const merged: Record<string, string | string[]> = {};
  for (const settings of [global ?? {}, own]) {
    for (const [key, value] of Object.entries(settings)) {
      merged[key] = typeof value === "string" ? value : [...value];
    }
  }
  return merged;
}

/** Builds the project in `projectDir` with the run's settings into a new scratch directory. */
async function buildProject(
  projectDir: string,
  context: SourceBuildContext,
  build: {
    /** The requirement or file, for messages. */
    what: string;
    editable?: boolean;
    /** The requirement's own `--config-settings` (added to the run's). */
    configSettings?: Readonly<Record<string, string | readonly string[]>>;
  },
): Promise<BuiltWheel> {
  const outDir = await scratch(context, "wheel");
  const isolation = context.isolation === undefined
    ? undefined
    : explainedIsolation(build.what, context.isolation);
  return await (await buildFrontend()).buildWheel(projectDir, {
    python: context.python,
    outDir,
    ...(build.editable === undefined ? {} : { editable: build.editable }),
    configSettings: mergeSettings(context.configSettings, build.configSettings ?? {}),
    ...(isolation === undefined ? {} : { isolation }),
    ...(context.env === undefined ? {} : { env: { ...context.env } }),
    ...(context.onOutput === undefined ? {} : { onOutput: context.onOutput }),
    tempDir: context.workDir,
  });
}

/**
 * Builds `source` into a wheel with its own build backend.
 *
 * @throws {SourceBuildError} when the source cannot be fetched or its name
 *   differs from the one you gave.
 * @throws {BuildBackendError} (from `lib/build`) when the backend fails.
 * @example
 * ```ts ignore
 * const built = await buildRequirement(source, {}, { python, downloader, workDir });
 * built.wheelPath; // ".../demo-1.0-py3-none-any.whl"
 * ```
 */
export async function buildRequirement(
  source: RequirementSource,
  configSettings: Readonly<Record<string, string | readonly string[]>>,
  context: SourceBuildContext,
): Promise<BuiltRequirement> {
  const { projectDir, url, directUrl } = await checkout(source, context);
  const built = await buildProject(projectDir, context, {
    what: source.text,
    editable: source.editable,
    configSettings,
  });
  const name = canonicalizeName(parseWheelFilename(built.filename).name);
  if (source.name !== undefined && source.name !== name) {
    throw new SourceBuildError(
      source.text,
      `it was requested as ${source.name}, but its metadata names ${name}`,
      { hint: "fix the name in the requirement (or its #egg= fragment)" },
    );
  }
  return { source, name, url, wheelPath: built.path, directUrl };
}

/** A wheel built from an index's sdist, as the installer fetches it. */
export interface BuiltIndexWheel {
  /** The built wheel as an index file (a `file:` URL). */
  readonly file: IndexFile;
  /** The wheel's core metadata. */
  readonly metadata: string;
}

/** What {@link withSdistBuilds} builds with. */
export interface SdistBuildOptions extends SourceBuildContext {
  /** The `wheels-v1` bucket, where built wheels are kept by the sdist's sha256; none: not kept. */
  readonly wheelCache?: string;
  /** Part of the cache key: what the built wheel depends on (the interpreter's best tag). */
  readonly interpreterKey: string;
  /** A build is about to start (not for a wheel found in the cache). */
  readonly onBuildStart?: (name: PackageName, filename: string) => void;
  /** A wheel was built (not called for one found in the cache). */
  readonly onBuilt?: (name: PackageName, filename: string) => void;
}

/** The sdist builds of one run, shared by the provider and the installer. */
export interface SdistBuilds {
  /** The provider, with sdist-only versions available: their metadata comes from building them. */
  readonly provider: ResolverProvider;
  /** The wheel built from an sdist `file` URL, if one was. */
  builtWheel(sdistUrl: string): BuiltIndexWheel | undefined;
}

/**
 * Lets the resolver use versions that only have a source distribution, as
 * pip does: asking for such a version's metadata downloads the sdist
 * (checking the index's hashes), builds a wheel with the project's backend
 * (one build at a time, each sdist once) and answers from the wheel; the
 * installer later installs that wheel. Built wheels are kept in the wheel
 * cache under the sdist's sha256 and the interpreter, so the next run does
 * not build again.
 *
 * @example
 * ```ts ignore
 * const builds = withSdistBuilds(provider, { python, downloader, workDir, interpreterKey });
 * await resolve(input, { provider: builds.provider, ... });
 * ```
 */
export function withSdistBuilds(
  provider: ResolverProvider,
  options: SdistBuildOptions,
): SdistBuilds {
  const built = new Map<string, BuiltIndexWheel>();
  const pending = new Map<string, Promise<BuiltIndexWheel>>();
  let queue: Promise<unknown> = Promise.resolve();

  const build = (name: PackageName, file: IndexFile): Promise<BuiltIndexWheel> => {
    let promise = pending.get(file.url);
    if (promise === undefined) {
      const run = queue.then(() => buildIndexSdist(name, file, options));
      queue = run.catch(() => {});
      promise = run.then((wheel) => {
        built.set(file.url, wheel);
        return wheel;
      });
      pending.set(file.url, promise);
    }
    return promise;
  };

  return {
    builtWheel: (url) => built.get(url),
    provider: {
      async listVersions(name) {
        const listing = await provider.listVersions(name);
        if (listing.kind !== "found") return listing;
        return {
          kind: "found",
          candidates: listing.candidates.map((candidate) => {
            const source = candidate.source as IndexSource | undefined;
            if (
              candidate.unavailable?.kind !== "sdist-only" ||
              candidate.unavailable.message !== undefined || source?.format !== "sdist"
            ) return candidate;
            const { unavailable: _, ...usable } = candidate;
            return usable;
          }),
        };
      },
      async getMetadata(name, candidate) {
        const source = candidate.source as IndexSource | undefined;
        if (source?.format !== "sdist") return await provider.getMetadata(name, candidate);
        let wheel: BuiltIndexWheel;
        try {
          wheel = await build(name, source.file);
        } catch (error) {
          if (!(error instanceof DpipError) || isDpipError(error, "network-error")) throw error;
          return { kind: "unavailable", reason: { kind: "metadata", message: error.message } };
        }
        const metadata = parseCoreMetadata(wheel.metadata);
        if (metadata.version !== undefined && metadata.version !== candidate.version) {
          const same = tryParseVersion(metadata.version);
          const wanted = tryParseVersion(candidate.version);
          if (same === undefined || wanted === undefined || compareVersions(same, wanted) !== 0) {
            return {
              kind: "unavailable",
              reason: {
                kind: "metadata",
                message:
                  `${source.file.filename} built version ${metadata.version}, not ${candidate.version}`,
              },
            };
          }
        }
        return {
          kind: "metadata",
          metadata: {
            requiresDist: metadata.requiresDist,
            providesExtra: metadata.providesExtra,
            ...(metadata.requiresPython === undefined
              ? {}
              : { requiresPython: metadata.requiresPython }),
          },
        };
      },
      ...(provider.getDirectMetadata === undefined
        ? {}
        : { getDirectMetadata: provider.getDirectMetadata.bind(provider) }),
    },
  };
}

async function buildIndexSdist(
  name: PackageName,
  file: IndexFile,
  options: SdistBuildOptions,
): Promise<BuiltIndexWheel> {
  const known = file.hashes["sha256"];
  const cached = known === undefined ? undefined : await cachedWheel(known, options);
  if (cached !== undefined) return cached;
  options.onBuildStart?.(name, file.filename);
  const dir = await scratch(options, "sdist-download");
  const downloaded = await options.downloader.download(
    withoutFragment(file.url),
    join(dir, file.filename),
    { checks: digestChecks("the index", file.hashes) },
  );
  const root = await (await buildFrontend()).unpackSourceArchive(
    downloaded.path,
    await scratch(options, "sdist"),
  );
  const wheel = await buildProject(root, options, { what: file.filename });
  const builtName = canonicalizeName(parseWheelFilename(wheel.filename).name);
  if (builtName !== name) {
    throw new SourceBuildError(
      file.filename,
      `it was listed for ${name}, but its metadata names ${builtName}`,
    );
  }
  const kept = await keepWheel(wheel.path, downloaded.digests["sha256"]!, options);
  options.onBuilt?.(name, wheel.filename);
  return kept;
}

function cacheDirOf(sdistSha256: string, options: SdistBuildOptions): string | undefined {
  if (options.wheelCache === undefined) return undefined;
  const key = options.interpreterKey.replace(/[^A-Za-z0-9_.-]/g, "_");
  return join(options.wheelCache, "built", sdistSha256.slice(0, 2), sdistSha256.slice(2), key);
}

async function cachedWheel(
  sdistSha256: string,
  options: SdistBuildOptions,
): Promise<BuiltIndexWheel | undefined> {
  const dir = cacheDirOf(sdistSha256, options);
  if (dir === undefined) return undefined;
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && entry.name.endsWith(".whl")) {
        return await describeWheel(join(dir, entry.name));
      }
    }
  } catch {
    // Not built before.
  }
  return undefined;
}

/** Moves a built wheel into the cache (when there is one) and describes it. */
async function keepWheel(
  path: string,
  sdistSha256: string,
  options: SdistBuildOptions,
): Promise<BuiltIndexWheel> {
  const dir = cacheDirOf(sdistSha256, options);
  if (dir === undefined) return await describeWheel(path);
  await Deno.mkdir(dir, { recursive: true });
  const dest = join(dir, path.split("/").at(-1)!);
  const temp = `${dest}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.copyFile(path, temp);
  await Deno.rename(temp, dest);
  return await describeWheel(dest);
}

async function describeWheel(path: string): Promise<BuiltIndexWheel> {
  const bytes = await Deno.readFile(path);
  const filename = path.split("/").at(-1)!;
  const { createHash } = await loadCrypto();
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const { readZipDirectory, readZipEntry } = await import("../archive/zip.ts");
  const zip = readZipDirectory(bytes, { archive: filename });
  const metadataEntry = zip.entries.find((entry) =>
    /^[^/]+\.dist-info\/METADATA$/.test(entry.name)
  );
  if (metadataEntry === undefined) {
    throw new SourceBuildError(filename, "the built wheel has no .dist-info/METADATA");
  }
  const metadata = new TextDecoder().decode(readZipEntry(zip, metadataEntry));
  return {
    file: {
      filename,
      url: pathToFileURL(path).href,
      hashes: { sha256 },
      yanked: false,
      coreMetadata: false,
    },
    metadata,
  };
}
