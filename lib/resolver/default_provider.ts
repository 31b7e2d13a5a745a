/**
 * The provider dpip resolves with: project files from the indexes (through
 * the candidate selector's per-file rules), and core metadata fetched the
 * cheapest way available:
 *
 * 1. PEP 658/714: the index's `<file>.metadata` (hash-checked when the index
 *    gives a hash);
 * 2. for a wheel on a server that honours `Range`: the zip's tail (end of
 *    central directory and the directory), then just the `METADATA` entry;
 * 3. otherwise the whole wheel.
 *
 * Source distributions cannot be built yet: a version offering only an sdist
 * is unusable, with that reason in any failure report.
 *
 * This is the only resolver file that does I/O, and it does it only through
 * the `indexes` and `client` it is given.
 *
 * @module
 */

import { parseDependencyFields } from "../dists/core_metadata.ts";
import { tryParseSdistFilenameForProject } from "../dists/sdist_filename.ts";
import { parseWheelFilename } from "../dists/wheel_filename.ts";
import { DpipError, isDpipError } from "../errors.ts";
import type { MetadataKey } from "../cache/metadata_cache.ts";
import { pathToFileURL } from "../paths.ts";
import { digestChecks, type HashCheck, sha256Hex } from "../net/hashes.ts";
import { HttpStatusError } from "../net/net_errors.ts";
import { canonicalizeName, type PackageName } from "../names/mod.ts";
import { compareVersions, type Version } from "../pep440/mod.ts";
import {
  type Candidate,
  type CandidatePolicy,
  compareCandidates,
  evaluateFiles,
  type SelectableFile,
  type TagRanking,
} from "./candidate_selector.ts";
import { similarNames } from "./similar_names.ts";
import type {
  DirectResult,
  DistributionMetadata,
  MetadataResult,
  PackageListing,
  ResolverProvider,
  UnavailableReason,
  VersionCandidate,
} from "./provider.ts";

/** A file as the index layer lists it (`ProjectFile` fits). */
export interface IndexFile extends SelectableFile {
  /** PEP 658/714: false when there is no `.metadata` file, else its hashes. */
  readonly coreMetadata: false | Readonly<Record<string, string>>;
  /** PEP 700 size in bytes, when the index gives it. */
  readonly size?: number;
  /** PEP 740 provenance URL, when the index gives one. */
  readonly provenance?: string;
}

/** Where project files come from (`IndexSet` fits). */
export interface ProjectFiles {
  projectFiles(project: string): Promise<{
    readonly files: readonly IndexFile[];
    readonly foundOn: readonly string[];
  }>;
}

/** The HTTP operations the provider needs (`HttpClient` fits). */
export interface MetadataClient {
  /**
   * GET a whole body (`file:` URLs included), bounded by a size class;
   * non-5xx error statuses are returned, not thrown. A body that fails
   * `checks` is an error (and is not cached).
   */
  get(
    url: string,
    options?: { limit?: "metadata"; checks?: readonly HashCheck[] },
  ): Promise<{ status: number; body: Uint8Array }>;
  /**
   * GET a byte range (`bytes=-65536`): 206 and the bytes, or another status
   * (a server without range support answers 200) and, possibly, no bytes.
   */
  getRange(
    url: string,
    range: string,
    options?: { limit?: "metadata" },
  ): Promise<{ status: number; body: Uint8Array }>;
  /**
   * Downloads a whole file to `dest`, hashed as it arrives, failing (with no
   * file left) when it does not pass `checks`. Needed only for wheels read
   * whole: servers without range support, zip64 archives.
   */
  download?(
    url: string,
    dest: string,
    options: { checks: readonly HashCheck[] },
  ): Promise<{ digests: Readonly<Record<string, string>> }>;
  /** The largest metadata read (default 16 MiB). */
  readonly limits?: { readonly metadata: number };
}

/** Options for {@link defaultProvider}. */
export interface DefaultProviderOptions {
  indexes: ProjectFiles;
  client: MetadataClient;
  /** The target's compatible tags, ranked (`tagPriorities(compatibleTags(facts))`). */
  tags: TagRanking;
  /** Formats, `--prefer-binary` and the target Python. Requires-Python and pre-releases are left to the resolver. */
  policy: CandidatePolicy;
  /** Project names the indexes know, for "did you mean" (optional, may be slow). */
  knownNames?: () => Promise<readonly string[]>;
  /** Where wheels' metadata is kept by what verified it (`MetadataCache` fits). */
  metadataStore?: MetadataStore;
  /**
   * Read a wheel's METADATA from the whole wheel, checked against the
   * index's hashes, not by range requests (which no hash covers): for a
   * lock, whose wheels are then in the cache and their metadata verified.
   * Only for the first {@link WHOLE_WHEELS_PER_PROJECT} wheels of a project
   * that are not in the metadata store already: a resolution that backtracks
   * over many versions reads the others by ranges (the lock checks the one it keeps afterwards), rather
   * than download every wheel it tries.
   */
  wholeWheels?: boolean;
}

/** How many wheels of one project `wholeWheels` reads whole; the rest by ranges. */
export const WHOLE_WHEELS_PER_PROJECT = 2;

/**
 * Wheels' core metadata kept by the hash that verified it (see
 * `cache/metadata_cache.ts`): `wheel` and `core-metadata` entries may be
 * kept across runs, `unverified` ones only for the run.
 */
export interface MetadataStore {
  get(key: MetadataKey): Promise<Uint8Array | undefined>;
  put(key: MetadataKey, bytes: Uint8Array): Promise<void>;
  /** Whether `get(key)` would give bytes; cheaper where it can be. */
  has(key: MetadataKey): Promise<boolean>;
}

/** What the provider keeps in {@link VersionCandidate.source}. */
export interface IndexSource {
  kind: "index";
  file: IndexFile;
  /** `wheel` or `sdist`. */
  format: "wheel" | "sdist";
  /** For a wheel built from an index's sdist: that sdist (your `--hash` values are its). */
  builtFrom?: SdistOrigin;
}

/** The sdist a wheel was built from. */
export interface SdistOrigin {
  readonly filename: string;
  /** Its sha256 (hex), verified when it was downloaded. */
  readonly sha256: string;
}

/** Core metadata that does not belong to the file it came with. */
export class MetadataMismatchError extends DpipError {
  constructor(filename: string, problem: string) {
    super("metadata-mismatch", `The metadata of ${filename} is inconsistent: ${problem}`);
    this.name = "MetadataMismatchError";
  }
}

const TAIL_BYTES = 64 * 1024;
/** The default metadata limit (`net/body_limits.ts` has the configurable one). */
const DEFAULT_METADATA_LIMIT = 16 * 1024 * 1024;

/**
 * A {@link ResolverProvider} over the indexes.
 *
 * @example
 * ```ts ignore
 * const provider = defaultProvider({
 *   indexes: new IndexSet(client, { indexUrl, cwd, env }),
 *   client,
 *   tags: tagPriorities(compatibleTags(interpreter.tagFacts)),
 *   policy: { pythonVersion: [3, 12, 4] },
 * });
 * ```
 */
export function defaultProvider(options: DefaultProviderOptions): ResolverProvider<IndexSource> {
  const { indexes, client, tags } = options;
  const policy: CandidatePolicy = { ...options.policy, pre: true, ignoreRequiresPython: true };
  /** Wheels read whole so far, per project (see `wholeWheels`). */
  const readWhole = new Map<PackageName, number>();
  /** Whether the next wheel of `name` that needs downloading is read whole (and counts). */
  const mayReadWhole = (name: PackageName) => (): boolean => {
    const count = readWhole.get(name) ?? 0;
    if (!options.wholeWheels || count >= WHOLE_WHEELS_PER_PROJECT) return false;
    readWhole.set(name, count + 1);
    return true;
  };

  return {
    async listVersions(name: PackageName): Promise<PackageListing<IndexSource>> {
      const listing = await indexes.projectFiles(name);
      if (listing.files.length === 0 && listing.foundOn.length === 0) {
        const known = await options.knownNames?.().catch(() => []) ?? [];
        return {
          kind: "not-found",
          suggestions: similarNames(name, known.map((item) => canonicalizeName(item))),
        };
      }
      return { kind: "found", candidates: versionCandidates(listing.files, name, tags, policy) };
    },

    async getMetadata(
      name: PackageName,
      candidate: VersionCandidate<IndexSource>,
    ): Promise<MetadataResult> {
      const source = candidate.source;
      // Versions without a usable file come marked unavailable and are never asked about.
      if (source === undefined) {
        const reason = candidate.unavailable ?? { kind: "other", message: "it has no usable file" };
        return { kind: "unavailable", reason };
      }
      if (source.format === "sdist") {
        return { kind: "unavailable", reason: { kind: "sdist-only" } };
      }
      try {
        const text = await fetchWheelMetadata(client, source.file, options.metadataStore, {
          readWhole: mayReadWhole(name),
        });
        return {
          kind: "metadata",
          metadata: checkedMetadata(text, name, candidate.version, source.file.filename),
        };
      } catch (error) {
        if (error instanceof DpipError && !endsResolution(error)) {
          return { kind: "unavailable", reason: { kind: "metadata", message: error.message } };
        }
        throw error;
      }
    },

    async getDirectMetadata(name: PackageName, url: string): Promise<DirectResult<IndexSource>> {
      const filename = decodeURIComponent(new URL(url).pathname.split("/").at(-1) ?? "");
      if (!filename.toLowerCase().endsWith(".whl")) {
        return {
          kind: "unavailable",
          reason: { kind: "sdist-only", message: "building from source is not supported yet" },
        };
      }
      const wheel = parseWheelFilename(filename);
      const file: IndexFile = {
        filename,
        url: url.split("#")[0]!,
        hashes: {},
        yanked: false,
        coreMetadata: false,
      };
      const text = await fetchWheelMetadata(client, file);
      const metadata = checkedMetadata(text, name, String(wheel.version), filename);
      return {
        kind: "metadata",
        version: String(wheel.version),
        metadata,
        source: { kind: "index", file, format: "wheel" },
      };
    },
  };
}

/**
 * Failures of the source, not of the version (and an interrupt): they end
 * the resolution instead of skipping the version.
 */
function endsResolution(error: DpipError): boolean {
  return isDpipError(error, "network-error", "http-status", "body-too-large", "cancelled");
}

/**
 * One candidate per version, best first: each version's best file by the
 * selector's order (so `--prefer-binary` puts wheel versions first), and
 * versions with no usable file at all marked unavailable with the reason.
 */
export function versionCandidates(
  files: readonly IndexFile[],
  project: string,
  tags: TagRanking,
  policy: CandidatePolicy,
): VersionCandidate<IndexSource>[] {
  const { candidates, skipped } = evaluateFiles(files, { project, tags, policy });
  const byVersion = new Map<string, Candidate<IndexFile>[]>();
  for (const candidate of candidates) {
    const key = String(candidate.version);
    byVersion.set(key, [...(byVersion.get(key) ?? []), candidate]);
  }
  const best: Candidate<IndexFile>[] = [];
  for (const group of byVersion.values()) {
    group.sort((a, b) => compareCandidates(a, b, { preferBinary: policy.preferBinary ?? false }));
    best.push(group[0]!);
  }
  best.sort((a, b) => compareCandidates(a, b, { preferBinary: policy.preferBinary ?? false }));
  const result: VersionCandidate<IndexSource>[] = best.map((candidate) => {
    const version: VersionCandidate<IndexSource> = {
      version: String(candidate.version),
      source: { kind: "index", file: candidate.file, format: candidate.kind },
    };
    if (candidate.file.requiresPython !== undefined) {
      version.requiresPython = candidate.file.requiresPython;
    }
    if (candidate.file.yanked) {
      version.yanked = candidate.file.yankedReason === undefined
        ? {}
        : { reason: candidate.file.yankedReason };
    }
    if (candidate.kind === "sdist") version.unavailable = { kind: "sdist-only" };
    return version;
  });
  const unusable = new Map<string, UnavailableReason>();
  for (const skip of skipped) {
    const skipVersion = skip.version ?? versionOfFile(skip.file.filename, project);
    if (skipVersion === undefined) continue;
    const key = String(skipVersion);
    if (byVersion.has(key) || unusable.has(key)) continue;
    if (skip.reason === "incompatible-tags") {
      const wheelTags = files.filter((f) => f.filename.toLowerCase().endsWith(".whl"))
        .flatMap((f) => {
          try {
            const wheel = parseWheelFilename(f.filename);
            return compareVersions(wheel.version, skip.version!) === 0
              ? wheel.tags.map(String)
              : [];
          } catch {
            return [];
          }
        });
      unusable.set(key, { kind: "no-compatible-wheel", tags: wheelTags });
    } else if (skip.reason === "source-not-allowed") {
      unusable.set(key, { kind: "sdist-only", message: "--only-binary forbids building it" });
    } else if (skip.reason === "binary-not-allowed") {
      unusable.set(key, { kind: "other", message: "--no-binary forbids its wheels" });
    }
  }
  for (const [version, reason] of unusable) result.push({ version, unavailable: reason });
  return result;
}

/** The version in a wheel or sdist filename of `project`, if it has one. */
function versionOfFile(filename: string, project: string): Version | undefined {
  if (filename.toLowerCase().endsWith(".whl")) {
    try {
      return parseWheelFilename(filename).version;
    } catch {
      return undefined;
    }
  }
  return tryParseSdistFilenameForProject(filename, canonicalizeName(project))?.version;
}

/** How {@link fetchWheelMetadata} may read a wheel it has no verified metadata of. */
export interface WheelMetadataOptions {
  /**
   * Asked only when the wheel would be read by range requests: true reads
   * it whole instead, checked against the index's hashes.
   */
  readonly readWhole?: () => boolean;
}

/**
 * Fetches a wheel's METADATA, the cheapest way there is:
 *
 * 1. `store`, by the wheel's sha256 (kept only from wheels whose bytes had
 *    that hash) or by the PEP 658 file's sha256 (kept only once its bytes
 *    had that hash);
 * 2. the PEP 658 `.metadata` file, checked against its hash;
 * 3. range requests into the wheel: not checked against the wheel's hash
 *    (that takes the whole wheel), so kept in `store` for this run only;
 * 4. the whole wheel, downloaded and checked against the index's hashes:
 *    its metadata is kept under the sha256 its bytes had.
 *
 * {@link keepWheelMetadata} keeps the metadata of a wheel downloaded later
 * (for installing), so the next run need not read it by ranges again.
 */
export async function fetchWheelMetadata(
  client: MetadataClient,
  file: IndexFile,
  store?: MetadataStore,
  options: WheelMetadataOptions = {},
): Promise<string> {
  return new TextDecoder().decode(await wheelMetadataBytes(client, file, store, options));
}

async function wheelMetadataBytes(
  client: MetadataClient,
  file: IndexFile,
  store: MetadataStore | undefined,
  options: WheelMetadataOptions,
): Promise<Uint8Array> {
  const limit = client.limits?.metadata ?? DEFAULT_METADATA_LIMIT;
  const wheelSha256 = file.hashes["sha256"]?.toLowerCase();
  if (store !== undefined && wheelSha256 !== undefined) {
    const kept = await store.get({ kind: "wheel", sha256: wheelSha256 });
    if (kept !== undefined) return kept;
  }
  if (file.coreMetadata !== false) {
    const expected = file.coreMetadata["sha256"]?.toLowerCase();
    const key: MetadataKey = expected === undefined
      ? { kind: "unverified", url: `${file.url}.metadata` }
      : { kind: "core-metadata", sha256: expected };
    const kept = await store?.get(key);
    if (kept !== undefined) return kept;
    const answer = await client.get(`${file.url}.metadata`, {
      limit: "metadata",
      checks: digestChecks("the index (its core-metadata hash)", file.coreMetadata),
    });
    if (answer.status === 200) {
      if (expected !== undefined) {
        const actual = await sha256Hex(answer.body);
        if (actual !== expected) {
          throw new MetadataMismatchError(
            file.filename,
            `its .metadata file's sha256 is ${actual}, the index says ${expected}`,
          );
        }
      }
      await store?.put(key, answer.body);
      return answer.body;
    }
  }
  if (client.download !== undefined && options.readWhole?.() === true) {
    return await wholeWheelMetadata(client, file, { store, limit });
  }
  const unverified: MetadataKey = { kind: "unverified", url: file.url };
  const kept = await store?.get(unverified);
  if (kept !== undefined) return kept;
  const readRange: RangeReader = file.url.startsWith("file:")
    ? (range) => readLocalRange(new URL(file.url), range)
    : (range) => client.getRange(file.url, range, { limit: "metadata" });
  const ranged = await rangedMetadata(readRange, file.filename, limit);
  if (ranged !== undefined) {
    await store?.put(unverified, ranged);
    return ranged;
  }
  return await wholeWheelMetadata(client, file, { store, limit });
}

/**
 * The METADATA of a wheel downloaded whole into a temporary directory,
 * checked against the index's hashes, and kept by the sha256 it had.
 */
async function wholeWheelMetadata(
  client: MetadataClient,
  file: IndexFile,
  options: { store: MetadataStore | undefined; limit: number },
): Promise<Uint8Array> {
  if (client.download === undefined) {
    throw new MetadataMismatchError(file.filename, "it cannot be read in parts, nor downloaded");
  }
  const dir = await Deno.makeTempDir({ prefix: "dpip-metadata-" });
  try {
    const path = `${dir}/${file.filename.replaceAll("/", "_")}`;
    const { digests } = await client.download(file.url, path, {
      checks: digestChecks("the index", file.hashes),
    });
    const sha256 = digests["sha256"];
    const key: MetadataKey | undefined = sha256 === undefined
      ? undefined
      : { kind: "wheel", sha256 };
    // The client's download hook may have kept it already (`keepWheelMetadata`).
    const kept = key === undefined ? undefined : await options.store?.get(key);
    if (kept !== undefined) return kept;
    const bytes = await wheelFileMetadata(path, file.filename, options.limit);
    if (key !== undefined) await options.store?.put(key, bytes);
    return bytes;
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** The METADATA of a wheel file on disk: by ranges when it can, else the whole archive read. */
async function wheelFileMetadata(
  path: string,
  filename: string,
  limit: number,
): Promise<Uint8Array> {
  const url = pathToFileURL(path);
  const ranged = await rangedMetadata((range) => readLocalRange(url, range), filename, limit);
  if (ranged !== undefined) return ranged;
  return await metadataFromZip(await Deno.readFile(path), filename, limit);
}

/**
 * Keeps the METADATA of a downloaded wheel in `store` under the sha256 its
 * bytes had (what the HTTP client's `onDownloaded` hook is given), unless
 * it is kept already. Anything that is not a readable wheel is ignored.
 */
export async function keepWheelMetadata(
  store: MetadataStore,
  file: {
    readonly url: string;
    readonly path: string;
    readonly digests: Readonly<Record<string, string>>;
  },
  limit: number = DEFAULT_METADATA_LIMIT,
): Promise<void> {
  const sha256 = file.digests["sha256"];
  if (sha256 === undefined || !file.path.toLowerCase().endsWith(".whl")) return;
  const key: MetadataKey = { kind: "wheel", sha256 };
  if (await store.get(key) !== undefined) return;
  const name = file.path.split("/").at(-1) ?? file.path;
  const bytes = await wheelFileMetadata(file.path, name, limit).catch(() => undefined);
  if (bytes !== undefined) await store.put(key, bytes);
}

/** A resolved index wheel and the metadata its resolution took. */
export interface ResolvedWheel {
  readonly name: PackageName;
  readonly version: string;
  readonly file: IndexFile;
  readonly metadata: DistributionMetadata;
}

/**
 * Checks the metadata a resolution took for `wheel` against the wheel's own
 * bytes. Nothing is fetched when `store` holds metadata verified for it (by
 * the wheel's sha256, or by its PEP 658 file's): that is what the resolution
 * read. Otherwise (it was read where no hash covers it: range requests, a
 * PEP 658 file listed without a hash) the whole wheel is downloaded through `client`, which caches it, checked
 * against the index's hashes, its METADATA kept in `store` by that sha256
 * (so the next resolution reads no ranges), and compared with what was used.
 *
 * @throws {MetadataMismatchError} when the wheel's METADATA declares other
 * dependencies, `Requires-Python` or extras than the ones resolved with.
 */
export async function verifyWheelMetadata(
  client: MetadataClient,
  wheel: ResolvedWheel,
  store?: MetadataStore,
): Promise<void> {
  const { file } = wheel;
  const sha256 = file.hashes["sha256"]?.toLowerCase();
  const coreSha256 = file.coreMetadata === false
    ? undefined
    : file.coreMetadata["sha256"]?.toLowerCase();
  if (sha256 !== undefined && await store?.has({ kind: "wheel", sha256 })) return;
  if (coreSha256 !== undefined && await store?.has({ kind: "core-metadata", sha256: coreSha256 })) {
    return;
  }
  const limit = client.limits?.metadata ?? DEFAULT_METADATA_LIMIT;
  const bytes = await wholeWheelMetadata(client, file, { store, limit });
  const text = new TextDecoder().decode(bytes);
  const own = checkedMetadata(text, wheel.name, wheel.version, file.filename);
  const field = differingField(own, wheel.metadata);
  if (field !== undefined) {
    throw new MetadataMismatchError(
      file.filename,
      `the ${field} resolved with (read where no hash covered it) differs from the whole wheel's`,
    );
  }
}

/** The first field that differs between two readings of one METADATA, if any. */
function differingField(a: DistributionMetadata, b: DistributionMetadata): string | undefined {
  if (a.requiresDist.join("\n") !== b.requiresDist.join("\n")) return "Requires-Dist";
  if ((a.requiresPython ?? "") !== (b.requiresPython ?? "")) return "Requires-Python";
  if (a.providesExtra.join("\n") !== b.providesExtra.join("\n")) return "Provides-Extra";
  return undefined;
}

/** Reads a `Range` (`bytes=-N` or `bytes=A-B`) of a resource, answering like HTTP (206, or 200 with everything). */
type RangeReader = (range: string) => Promise<{ status: number; body: Uint8Array }>;

/** A {@link RangeReader} over a local file, so `file:` indexes skip reading whole wheels too. */
async function readLocalRange(
  url: URL,
  range: string,
): Promise<{ status: number; body: Uint8Array }> {
  let opened: Deno.FsFile;
  try {
    opened = await Deno.open(url, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new HttpStatusError(url.href, 404, { attempts: 1 });
    }
    throw error;
  }
  using handle = opened;
  const size = (await handle.stat()).size;
  const suffix = /^bytes=-(\d+)$/.exec(range);
  const span = /^bytes=(\d+)-(\d+)$/.exec(range);
  const start = suffix ? Math.max(0, size - Number(suffix[1])) : Number(span?.[1] ?? 0);
  const end = suffix ? size : Math.min(size, Number(span?.[2] ?? size - 1) + 1);
  const body = new Uint8Array(Math.max(0, end - start));
  await handle.seek(start, Deno.SeekMode.Start);
  for (let read = 0; read < body.length;) {
    const count = await handle.read(body.subarray(read));
    if (count === null) break;
    read += count;
  }
  return { status: start === 0 && end === size ? 200 : 206, body };
}

/** The METADATA of a whole wheel (the zip reader, and its zlib, load only for this fallback). */
async function metadataFromZip(
  bytes: Uint8Array,
  filename: string,
  limit: number,
): Promise<Uint8Array> {
  const { readZipDirectory, readZipEntry } = await import("../archive/zip.ts");
  const zip = readZipDirectory(bytes, { archive: filename });
  const entry = zip.entries.find((e) => isMetadataPath(e.name));
  if (entry === undefined) {
    throw new MetadataMismatchError(filename, "it has no .dist-info/METADATA");
  }
  if (entry.size > limit) throw tooLarge(filename, limit);
  return readZipEntry(zip, entry);
}

function tooLarge(filename: string, limit: number): MetadataMismatchError {
  return new MetadataMismatchError(
    filename,
    `its METADATA is larger than ${limit} bytes, the limit (DPIP_MAX_METADATA_SIZE)`,
  );
}

function isMetadataPath(path: string): boolean {
  return /^[^/]+\.dist-info\/METADATA$/.test(path);
}

/**
 * Reads METADATA with two range requests: the tail (end of central directory
 * and the directory, when it fits in 64 KiB), then the entry. Undefined when
 * the server does not do ranges or the archive is unusual (zip64, a
 * directory bigger than `limit`): the caller then reads the whole wheel.
 */
async function rangedMetadata(
  readRange: RangeReader,
  filename: string,
  limit: number,
): Promise<Uint8Array | undefined> {
  const tail = await readRange(`bytes=-${TAIL_BYTES}`);
  // A small file read whole (a local one; a server's 200 comes without its body).
  if (tail.status === 200 && tail.body.length > 0 && tail.body.length <= TAIL_BYTES) {
    return await metadataFromZip(tail.body, filename, limit);
  }
  if (tail.status !== 206) return undefined;
  const bytes = tail.body;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let at = bytes.length - 22; at >= 0; at--) {
    if (view.getUint32(at, true) === 0x06054b50) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const directorySize = view.getUint32(eocd + 12, true);
  const directoryOffset = view.getUint32(eocd + 16, true);
  if (directoryOffset === 0xffffffff || directorySize > limit) return undefined;
  let directory = bytes.subarray(eocd - directorySize, eocd);
  if (directorySize > eocd) {
    // A big directory (thousands of files): fetch exactly it.
    const answer = await readRange(
      `bytes=${directoryOffset}-${directoryOffset + directorySize - 1}`,
    );
    if (answer.status !== 206 || answer.body.length !== directorySize) return undefined;
    directory = answer.body;
  }
  // Where the tail starts in the file (the directory ends where the end record starts).
  const tailStart = directoryOffset + directorySize - eocd;
  return await metadataEntry(readRange, directory, { filename, limit, tail: bytes, tailStart });
}

/**
 * Finds `*.dist-info/METADATA` in a central directory and reads just that
 * entry: from the tail already read when it lies there (wheels keep their
 * `.dist-info` last, so it usually does), else with one more range request.
 */
async function metadataEntry(
  readRange: RangeReader,
  directory: Uint8Array,
  options: { filename: string; limit: number; tail: Uint8Array; tailStart: number },
): Promise<Uint8Array | undefined> {
  const bytes = directory;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at + 46 <= bytes.length;) {
    if (view.getUint32(at, true) !== 0x02014b50) return undefined;
    const method = view.getUint16(at + 10, true);
    const compressedSize = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const localOffset = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
    if (!isMetadataPath(name)) continue;
    if (compressedSize === 0xffffffff || localOffset === 0xffffffff) return undefined;
    if (size > options.limit || compressedSize > options.limit) {
      throw tooLarge(options.filename, options.limit);
    }
    const span = 30 + nameLength + 1024 + compressedSize;
    const fromTail = localOffset >= options.tailStart
      ? entryData(options.tail.subarray(localOffset - options.tailStart), compressedSize)
      : undefined;
    const data = fromTail ?? entryData(
      await readRange(`bytes=${localOffset}-${localOffset + span - 1}`).then((answer) =>
        answer.status === 206 ? answer.body : new Uint8Array()
      ),
      compressedSize,
    );
    if (data === undefined) return undefined;
    const content = method === 0
      ? data
      : method === 8
      ? await inflateAtMost(data, size)
      : undefined;
    if (content === undefined || content.length !== size) return undefined;
    return content;
  }
  return undefined;
}

/**
 * An entry's compressed data from bytes that start at its local header;
 * undefined when they do not (a bad signature) or are too short.
 */
function entryData(bytes: Uint8Array, compressedSize: number): Uint8Array | undefined {
  if (bytes.length < 30) return undefined;
  const header = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (header.getUint32(0, true) !== 0x04034b50) return undefined;
  const dataStart = 30 + header.getUint16(26, true) + header.getUint16(28, true);
  if (dataStart + compressedSize > bytes.length) return undefined;
  return bytes.subarray(dataStart, dataStart + compressedSize);
}

/** Inflates raw deflate data, never producing more than `size` bytes (undefined if it would). */
async function inflateAtMost(data: Uint8Array, size: number): Promise<Uint8Array | undefined> {
  const { inflateRawSync } = await import("node:zlib");
  try {
    return new Uint8Array(inflateRawSync(data, { maxOutputLength: Math.max(1, size) }));
  } catch {
    return undefined;
  }
}

/** Parses METADATA and checks that it describes `name` at `version`. */
function checkedMetadata(
  text: string,
  name: PackageName,
  version: string,
  filename: string,
): DistributionMetadata {
  const meta = parseDependencyFields(text);
  if (canonicalizeName(meta.name) !== name) {
    throw new MetadataMismatchError(filename, `it names the project ${meta.name}`);
  }
  if (compareVersions(meta.version, version) !== 0) {
    throw new MetadataMismatchError(filename, `it says version ${meta.version}`);
  }
  const metadata: DistributionMetadata = {
    requiresDist: meta.requiresDist,
    providesExtra: meta.providesExtra,
  };
  if (meta.requiresPython !== undefined) metadata.requiresPython = meta.requiresPython;
  return metadata;
}
