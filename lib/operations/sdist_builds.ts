/**
 * Versions an index offers only as a source distribution, as pip uses them:
 * asking for such a version's metadata downloads the sdist (checking the
 * index's hashes), builds a wheel with the project's backend and answers
 * from the wheel; the installer later installs that wheel. Built wheels are
 * kept in the wheel cache under the sdist's sha256 and the interpreter, so
 * the next run does not build again.
 *
 * The building itself is the run's {@link SdistBuilder} (the build
 * dispatch): one build per sdist per run, with the build stack.
 *
 * @module
 */

import { join, pathToFileURL } from "../paths.ts";
import type { BuildStack, BuiltWheel } from "../build/mod.ts";
import { parseCoreMetadata } from "../dists/core_metadata.ts";
import { parseWheelFilename } from "../dists/wheel_filename.ts";
import { DpipError, isDpipError } from "../errors.ts";
import { canonicalizeName, type PackageName } from "../names/mod.ts";
import { digestChecks, loadCrypto } from "../net/hashes.ts";
import { compareVersions, tryParseVersion } from "../pep440/mod.ts";
import type {
  DirectResult,
  DistributionMetadata,
  MetadataResult,
  ResolverProvider,
} from "../resolver/mod.ts";
import type { IndexFile, IndexSource, SdistOrigin } from "../resolver/default_provider.ts";
import type { WheelDownloader } from "../installer/prepare.ts";
import { SourceBuildError, withoutFragment } from "./build_sources.ts";
import type { Scratch } from "./scratch.ts";

/** A wheel built from an sdist, as the installer fetches it. */
export interface BuiltIndexWheel {
  /** The built wheel as an index file (a `file:` URL). */
  readonly file: IndexFile;
  /** The wheel's core metadata. */
  readonly metadata: string;
  /** The index sdist it was built from. */
  readonly sdist?: SdistOrigin;
}

/** Builds sdists for a resolution; the run's build dispatch. */
export interface SdistBuilder {
  /** The wheel built from an index's sdist `file` of `name`, for the build on top of `stack`. */
  buildIndexSdist(name: PackageName, file: IndexFile, stack: BuildStack): Promise<BuiltIndexWheel>;
  /** The wheel built from a direct reference `name @ url` that is not a wheel. */
  buildDirect(name: PackageName, url: string, stack: BuildStack): Promise<BuiltIndexWheel>;
  /**
   * The core metadata of an index's sdist `file` of `name` without building
   * it when the backend can say (PEP 517 `prepare_metadata_for_build_wheel`).
   */
  indexSdistMetadata(name: PackageName, file: IndexFile, stack: BuildStack): Promise<string>;
  /** The metadata of what a direct reference `name @ url` names, without a build when it can. */
  directMetadata(name: PackageName, url: string, stack: BuildStack): Promise<SourceMetadata>;
}

/** A source's metadata from its backend's hook. */
export interface SourceMetadata {
  readonly name: PackageName;
  readonly version: string;
  /** The `METADATA` text. */
  readonly metadata: string;
}

/** Errors that end the run instead of making one version unavailable. */
function isFatal(error: unknown): boolean {
  return !(error instanceof DpipError) ||
    isDpipError(error, "network-error", "build-cycle", "cancelled");
}

/**
 * `provider` with sdist-only versions and direct references to sources made
 * usable: their metadata comes from building them (for the build on top of
 * `stack`). A build that fails makes that version unavailable, with the
 * reason; a cyclic build, an interrupt or a network failure ends the
 * resolution.
 *
 * @example
 * ```ts ignore
 * const provider = sdistProvider(indexProvider, dispatch, BuildStack.root());
 * await resolve(input, { provider, ... });
 * ```
 */
export function sdistProvider(
  provider: ResolverProvider<IndexSource>,
  builder: SdistBuilder,
  stack: BuildStack,
  options: { metadataOnly?: boolean } = {},
): ResolverProvider<IndexSource> {
  return {
    async listVersions(name) {
      const listing = await provider.listVersions(name);
      if (listing.kind !== "found") return listing;
      return {
        kind: "found",
        candidates: listing.candidates.map((candidate) => {
          const source = candidate.source;
          if (
            candidate.unavailable?.kind !== "sdist-only" ||
            candidate.unavailable.message !== undefined || source?.format !== "sdist"
          ) return candidate;
          const { unavailable: _, ...usable } = candidate;
          return usable;
        }),
      };
    },
    async getMetadata(name, candidate): Promise<MetadataResult> {
      const source = candidate.source;
      if (source?.format !== "sdist") return await provider.getMetadata(name, candidate);
      let text: string;
      try {
        text = options.metadataOnly === true
          ? await builder.indexSdistMetadata(name, source.file, stack)
          : (await builder.buildIndexSdist(name, source.file, stack)).metadata;
      } catch (error) {
        if (isFatal(error)) throw error;
        return { kind: "unavailable", reason: { kind: "metadata", message: errorText(error) } };
      }
      const metadata = parseCoreMetadata(text);
      if (metadata.version !== undefined && !sameVersion(metadata.version, candidate.version)) {
        const message =
          `${source.file.filename} built version ${metadata.version}, not ${candidate.version}`;
        return { kind: "unavailable", reason: { kind: "metadata", message } };
      }
      return { kind: "metadata", metadata: distributionMetadata(text) };
    },
    async getDirectMetadata(name, url): Promise<DirectResult<IndexSource>> {
      const path = new URL(url).pathname;
      if (path.toLowerCase().endsWith(".whl")) {
        return provider.getDirectMetadata === undefined
          ? { kind: "unavailable", reason: { kind: "other", message: `${url} is not supported` } }
          : await provider.getDirectMetadata(name, url);
      }
      if (options.metadataOnly === true) return await directMetadata(builder, name, url, stack);
      let wheel: BuiltIndexWheel;
      try {
        wheel = await builder.buildDirect(name, url, stack);
      } catch (error) {
        if (isFatal(error)) throw error;
        return { kind: "unavailable", reason: { kind: "metadata", message: errorText(error) } };
      }
      return {
        kind: "metadata",
        version: String(parseWheelFilename(wheel.file.filename).version),
        metadata: distributionMetadata(wheel.metadata),
        source: { kind: "index", file: wheel.file, format: "wheel" } satisfies IndexSource,
      };
    },
  };
}

/** A direct reference's metadata from its backend's hook; its source is the archive (or directory). */
async function directMetadata(
  builder: SdistBuilder,
  name: PackageName,
  url: string,
  stack: BuildStack,
): Promise<DirectResult<IndexSource>> {
  let found: SourceMetadata;
  try {
    found = await builder.directMetadata(name, url, stack);
  } catch (error) {
    if (isFatal(error)) throw error;
    return { kind: "unavailable", reason: { kind: "metadata", message: errorText(error) } };
  }
  const plain = withoutFragment(url);
  return {
    kind: "metadata",
    version: found.version,
    metadata: distributionMetadata(found.metadata),
    source: {
      kind: "index",
      file: {
        filename: decodeURIComponent(new URL(plain).pathname.split("/").at(-1) ?? ""),
        url: plain,
        hashes: {},
        yanked: false,
        coreMetadata: false,
      },
      format: "sdist",
    },
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sameVersion(built: string, wanted: string): boolean {
  if (built === wanted) return true;
  const a = tryParseVersion(built);
  const b = tryParseVersion(wanted);
  return a !== undefined && b !== undefined && compareVersions(a, b) === 0;
}

function distributionMetadata(text: string): DistributionMetadata {
  const metadata = parseCoreMetadata(text);
  return {
    requiresDist: metadata.requiresDist,
    providesExtra: metadata.providesExtra,
    ...(metadata.requiresPython === undefined ? {} : { requiresPython: metadata.requiresPython }),
  };
}

/** What {@link buildIndexSdist} works with. */
export interface IndexSdistContext extends BuiltWheelCache {
  readonly downloader: WheelDownloader;
  readonly scratch: Scratch;
  /** Unpacks a source archive into a directory; returns the project root. */
  readonly unpack: (archive: string, dir: string) => Promise<string>;
  /** Builds the project in a directory into a wheel. */
  readonly build: (projectDir: string) => Promise<BuiltWheel>;
  /** A build is about to start (not for a wheel found in the cache). */
  readonly onBuildStart?: () => void;
}

/**
 * The wheel of an index's sdist: from the wheel cache when it was built
 * before, else downloaded (the index's hashes checked), unpacked and built.
 *
 * @throws {SourceBuildError} when the built wheel names another project.
 */
export async function buildIndexSdist(
  name: PackageName,
  file: IndexFile,
  context: IndexSdistContext,
): Promise<BuiltIndexWheel> {
  const cached = await cachedIndexWheel(file, context);
  if (cached !== undefined) return cached;
  context.onBuildStart?.();
  const sdist = await fetchIndexSdist(file, context);
  return await keptIndexWheel(name, await context.build(sdist.root), sdist, context);
}

/** The wheel an earlier run built from the index sdist `file` and kept in the cache, if any. */
export async function cachedIndexWheel(
  file: IndexFile,
  cache: BuiltWheelCache,
): Promise<BuiltIndexWheel | undefined> {
  const known = file.hashes["sha256"];
  const cached = known === undefined ? undefined : await cachedBuiltWheel(known, cache);
  return cached === undefined
    ? undefined
    : { ...cached, sdist: { filename: file.filename, sha256: known! } };
}

/** An index sdist downloaded (the index's hashes checked) and unpacked. */
export interface FetchedSdist extends SdistOrigin {
  /** The project root it unpacked to. */
  readonly root: string;
}

/** Downloads (checking the index's hashes) and unpacks the index sdist `file`. */
export async function fetchIndexSdist(
  file: IndexFile,
  context: Pick<IndexSdistContext, "downloader" | "scratch" | "unpack">,
): Promise<FetchedSdist> {
  const dir = await context.scratch.dir("sdist-download");
  const downloaded = await context.downloader.download(
    withoutFragment(file.url),
    join(dir, file.filename),
    { checks: digestChecks("the index", file.hashes) },
  );
  const root = await context.unpack(downloaded.path, await context.scratch.dir("sdist"));
  return { filename: file.filename, sha256: downloaded.digests["sha256"]!, root };
}

/**
 * The wheel built from an index sdist of `name`, checked to be `name`'s and
 * kept in the wheel cache.
 *
 * @throws {SourceBuildError} when the wheel names another project.
 */
export async function keptIndexWheel(
  name: PackageName,
  wheel: BuiltWheel,
  sdist: SdistOrigin,
  cache: BuiltWheelCache,
): Promise<BuiltIndexWheel> {
  const builtName = canonicalizeName(parseWheelFilename(wheel.filename).name);
  if (builtName !== name) {
    throw new SourceBuildError(
      sdist.filename,
      `it was listed for ${name}, but its metadata names ${builtName}`,
    );
  }
  return {
    ...await keepBuiltWheel(wheel.path, sdist.sha256, cache),
    sdist: { filename: sdist.filename, sha256: sdist.sha256 },
  };
}

/** Where the wheel cache keeps the build of the source `key` names (for this interpreter). */
function cacheDirOf(key: string, cache: BuiltWheelCache): string | undefined {
  if (cache.wheelCache === undefined) return undefined;
  const interpreter = cache.interpreterKey.replace(/[^A-Za-z0-9_.-]/g, "_");
  return join(cache.wheelCache, "built", key.slice(0, 2), key.slice(2), interpreter);
}

/** Where built wheels are kept. */
export interface BuiltWheelCache {
  /** The `wheels-v1` bucket; none: nothing is kept. */
  readonly wheelCache?: string;
  /** Part of the key: what a built wheel depends on (the interpreter's best tag). */
  readonly interpreterKey: string;
}

/** The wheel kept for the source `key` names (an sdist's sha256, a pinned VCS URL's hash), if any. */
export async function cachedBuiltWheel(
  key: string,
  cache: BuiltWheelCache,
): Promise<BuiltIndexWheel | undefined> {
  const dir = cacheDirOf(key, cache);
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

/** Copies a built wheel into the cache under `key` (when there is a cache) and describes it. */
export async function keepBuiltWheel(
  path: string,
  key: string,
  cache: BuiltWheelCache,
): Promise<BuiltIndexWheel> {
  const dir = cacheDirOf(key, cache);
  if (dir === undefined) return await describeWheel(path);
  await Deno.mkdir(dir, { recursive: true });
  const dest = join(dir, path.split("/").at(-1)!);
  const temp = `${dest}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.copyFile(path, temp);
  await Deno.rename(temp, dest);
  return await describeWheel(dest);
}

/** A built wheel as an index file (`file:` URL, sha256) with its core metadata. */
export async function describeWheel(path: string): Promise<BuiltIndexWheel> {
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
