/**
 * The execute phase of `install`: the plan's wheels fetched in
 * installation order (downloads in parallel, every hash verified, the
 * unpacked-wheel cache used when it already has one), then installed in
 * one journaled transaction, except what `--target` keeps. A failure while
 * committing leaves every distribution old; if some were committed, an
 * {@link InstallInterruptedError} says which are new and which still old.
 * The result is the install's changelog.
 *
 * @module
 */

import { join } from "../paths.ts";
import { throwIfCancelled } from "../cancellation.ts";
import { bucketDir, CacheBucket } from "../cache/cache_dir.ts";
import type { DirectUrl } from "../dists/direct_url.ts";
import { DpipError } from "../errors.ts";
import type {
  LocalWheel,
  PrepareReporter,
  WheelDownloader,
  WheelRequest,
} from "../installer/prepare.ts";
import { readInstalledDists } from "../installer/site_packages.ts";
import type { UnpackAhead } from "../installer/unpack_ahead.ts";
import type { FetchAhead } from "./fetch_ahead.ts";
import type { LinkMode } from "../installer/wheel_cache.ts";
import { canonicalizeName, type PackageName } from "../names/mod.ts";
import { canonicalVersionText } from "../pep440/mod.ts";
import type { Interpreter, Scheme, SchemeKind } from "../python/mod.ts";
import type { IndexSource } from "../resolver/default_provider.ts";
import type { Resolution, ResolvedDist } from "../resolver/mod.ts";
import type { PlannedInstall } from "./install_plan.ts";
import type { PreparedRoots } from "./install_roots.ts";
import type {
  DistSummary,
  InstallPhase,
  LocalWheelRequest,
  WheelsInstalled,
} from "./install_wheels.ts";
import { wheelRequest } from "./resolved_wheels.ts";
import type { Scratch } from "./scratch.ts";

/** What an install did: the wheels installed, and what `--target` kept as it was. */
export interface InstallChangelog extends WheelsInstalled {
  /** Left alone: under `--target` without `--upgrade`, what the directory had already. */
  readonly skipped: { dist: DistSummary; reason: "target-exists"; path: string }[];
}

/** Installing stopped part way; every distribution is either old or new, and this says which. */
export class InstallInterruptedError extends DpipError {
  /** Installed at the new version. */
  readonly installed: readonly string[];
  /** Not installed (still at the old version, or absent). */
  readonly notInstalled: readonly string[];
  constructor(
    cause: unknown,
    outcome: { installed: readonly string[]; notInstalled: readonly string[] },
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const done = outcome.installed.length > 0 ? outcome.installed.join(" ") : "none";
    super(
      "install-interrupted",
      `${reason}; installing stopped part way: installed ${done}; not installed (previous version kept): ${
        outcome.notInstalled.join(" ") || "none"
      }`,
      { cause },
    );
    this.name = "InstallInterruptedError";
    this.installed = outcome.installed;
    this.notInstalled = outcome.notInstalled;
  }
}

/** Where and how the plan is carried out. */
export interface ExecuteOptions {
  readonly prepared: Pick<PreparedRoots, "roots" | "localWheels" | "hashes">;
  readonly interpreter: Interpreter;
  readonly schemeKind: SchemeKind;
  /** The scheme's directories. */
  readonly scheme: Scheme;
  /** The interpreter's compatible tags. */
  readonly tags: ReadonlySet<string>;
  /** The unpacked-wheel bucket. */
  readonly bucket: string;
  /** Fetch only (a dry run in hash-checking mode verifies the files). */
  readonly fetchOnly: boolean;
  /**
   * `dpip wheel`: the fetched wheels (files, not unpacked-cache entries) go
   * here instead of being installed.
   */
  readonly onWheels?: (wheels: readonly LocalWheel[]) => Promise<void>;
  readonly linkMode?: LinkMode;
  readonly compile: boolean;
  /** The distributions that get a `REQUESTED` file (default: those your requirements name). */
  readonly requested?: ReadonlySet<PackageName>;
  readonly downloader: WheelDownloader;
  /** The cache root; undefined for `--no-cache-dir`. */
  readonly cacheRoot?: string;
  readonly concurrency?: number;
  readonly scratch: Scratch;
  readonly reporter?: PrepareReporter & {
    onLockWait?(path: string): void;
    onPhase?(phase: InstallPhase): void;
  };
  readonly env?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** Wheels fetched while resolving: their downloads and unpacking are taken over. */
  readonly fetchedAhead?: FetchAhead;
}

/** What executing the plan did. */
export interface Executed {
  /** The wheels fetched, in installation order. */
  readonly wheels: readonly LocalWheel[];
  /** What was installed (not when only fetching). */
  readonly changelog?: InstallChangelog;
}

/**
 * Fetches and installs what `planned` says (see the module docs).
 *
 * @throws {HashMismatchError} when a file does not match its hashes (nothing changed).
 * @throws {CancelledError} when `signal` was aborted before installing (nothing changed).
 * @throws {InstallInterruptedError} when installing failed part way.
 */
export async function executePlan(
  planned: PlannedInstall,
  options: ExecuteOptions,
): Promise<Executed> {
  const byName = new Map(planned.dists.map((dist) => [dist.name, dist]));
  const ordered = planned.order.map((name) => byName.get(name)!).filter((d) => d !== undefined);
  const { cacheRoot } = options;
  const workDir = cacheRoot === undefined ? await options.scratch.dir("wheels") : join(
    bucketDir(cacheRoot, CacheBucket.wheels),
    `.tmp-${crypto.randomUUID().slice(0, 8)}`,
  );
  const requests = wheelRequests(planned, ordered, options);
  // Installing: each wheel is unpacked (into the cache) as soon as it is fetched; the run's
  // own unpacking ahead (begun while resolving) is its owner's to close.
  const { fetchedAhead } = options;
  const own = options.fetchOnly || options.onWheels !== undefined || fetchedAhead !== undefined
    ? undefined
    : await unpackAhead(planned, requests, options);
  const ahead = fetchedAhead?.unpacked ?? own;
  try {
    const wheels = await fetchWheels(requests, workDir, options, ahead);
    ahead?.fetched();
    if (options.fetchOnly) return { wheels };
    if (options.onWheels !== undefined) {
      await options.onWheels(wheels);
      return { wheels };
    }
    throwIfCancelled(options.signal);
    try {
      const changelog = await installFetched(planned, ordered, wheels, options, ahead);
      return { wheels, changelog };
    } catch (error) {
      throw interrupted(error, ordered, options.scheme);
    }
  } finally {
    await own?.close();
    await Deno.remove(workDir, { recursive: true }).catch(() => {});
  }
}

/** Unpacking ahead for the wheels the install will install (not those `--target` keeps). */
async function unpackAhead(
  planned: PlannedInstall,
  requests: readonly WheelRequest[],
  options: ExecuteOptions,
): Promise<UnpackAhead> {
  const kept = new Set(planned.plan.kept.map((entry) => entry.dist.name));
  const { UnpackAhead } = await import("../installer/unpack_ahead.ts");
  return new UnpackAhead({
    bucket: options.bucket,
    coming: requests.filter((request) => !kept.has(request.name)),
    compatibleTags: options.tags,
    wanted: (wheel) => !kept.has(wheel.request.name),
  });
}

/** What to fetch for each of `ordered`: where, and the hashes to check. */
function wheelRequests(
  planned: PlannedInstall,
  ordered: readonly ResolvedDist<IndexSource>[],
  options: ExecuteOptions,
): WheelRequest[] {
  const { roots, hashes } = options.prepared;
  const urlHashes = new Map(
    roots.filter((r) => r.url !== undefined).map((r) => [
      canonicalizeName(r.requirement.name),
      r.source.urlHashes,
    ]),
  );
  return ordered.map((dist) =>
    wheelRequest(dist, {
      user: userHashesFor(dist.name, hashes, planned.resolution),
      url: urlHashes.get(dist.name) ?? {},
    })
  );
}

/** The wheels of `requests` on local disk, verified, each handed to `ahead` once it is. */
async function fetchWheels(
  requests: readonly WheelRequest[],
  workDir: string,
  options: ExecuteOptions,
  ahead: UnpackAhead | undefined,
): Promise<LocalWheel[]> {
  const { prepareWheels } = await import("../installer/prepare.ts");
  return await prepareWheels(
    requests,
    {
      downloader: options.downloader,
      dir: workDir,
      // Wheels handed on must be files, not entries of the unpacked cache.
      ...(options.onWheels === undefined ? { unpackedBucket: options.bucket } : {}),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.reporter === undefined ? {} : { reporter: options.reporter }),
      ...(ahead === undefined ? {} : { onReady: (wheel: LocalWheel) => ahead.start(wheel) }),
      ...(options.fetchedAhead === undefined
        ? {}
        : { begun: (request: WheelRequest) => options.fetchedAhead!.begun(request) }),
    },
  );
}

/**
 * The hashes your requirements allow for the file installed for `name`. A
 * wheel built from an index sdist is not the file you hashed: the sdist was
 * checked against the index's hashes when downloaded, so where one of those
 * is a hash you allow, the built wheel needs no check of its own (as pip).
 */
function userHashesFor(
  name: PackageName,
  hashes: ReadonlyMap<PackageName, Record<string, string[]>>,
  resolution: Resolution<IndexSource> | undefined,
): Record<string, string[]> | undefined {
  const allowed = hashes.get(name);
  const source = resolution?.dists.find((dist) => dist.name === name)?.source;
  if (allowed === undefined || source?.format !== "sdist") return allowed;
  const checked = Object.entries(source.file.hashes).some(([algorithm, digest]) =>
    allowed[algorithm]?.includes(digest) ?? false
  );
  return checked ? undefined : allowed;
}

/** Installs the fetched wheels, except what the plan keeps; the changelog says both. */
async function installFetched(
  planned: PlannedInstall,
  ordered: readonly ResolvedDist<IndexSource>[],
  wheels: readonly LocalWheel[],
  options: ExecuteOptions,
  ahead: UnpackAhead | undefined,
): Promise<InstallChangelog> {
  const { interpreter, scheme, reporter } = options;
  const kept = new Map(planned.plan.kept.map((entry) => [entry.dist.name, entry.installed]));
  const requests = wheels.flatMap((wheel, index) => {
    const dist = ordered[index]!;
    return kept.has(dist.name) ? [] : [wheelInstallRequest(dist, wheel, options)];
  });
  const isTarget = options.schemeKind.kind === "target";
  const { installWheels } = await import("./install_wheels.ts");
  const done = await installWheels(requests, {
    scheme,
    python: interpreter.executable,
    pythonVersion: [interpreter.version[0], interpreter.version[1]],
    compatibleTags: options.tags,
    cacheBucket: options.bucket,
    ...(options.linkMode === undefined ? {} : { linkMode: options.linkMode }),
    compile: options.compile,
    ...(isTarget
      ? { environmentDirs: [scheme.purelib] }
      : options.schemeKind.kind === "default" && interpreter.isVenv
      ? { environmentDirs: [interpreter.prefix] }
      : {}),
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(reporter?.onLockWait === undefined ? {} : { onLockWait: reporter.onLockWait }),
    ...(reporter?.onPhase === undefined ? {} : { onPhase: (p) => reporter.onPhase!(p) }),
    ...(ahead === undefined ? {} : { ahead }),
  });
  const skipped = ordered.flatMap((dist) => {
    const copy = kept.get(dist.name);
    return copy === undefined ? [] : [{
      dist: { name: dist.name, displayName: copy.rawName, version: dist.version },
      reason: "target-exists" as const,
      path: copy.infoPath,
    }];
  });
  return { ...done, skipped };
}

/** What the installer gets for one wheel: `REQUESTED`, and `direct_url.json` for a direct reference. */
function wheelInstallRequest(
  dist: ResolvedDist<IndexSource>,
  wheel: LocalWheel,
  options: ExecuteOptions,
): LocalWheelRequest {
  const directUrl: DirectUrl | null = dist.url === undefined
    ? null
    : options.prepared.localWheels.get(dist.url)?.directUrl ?? {
      url: wheel.request.url,
      info: { kind: "archive", hash: `sha256=${wheel.sha256}` },
    };
  const requested = options.requested?.has(dist.name) ?? dist.requested;
  // The size only shares out unpacking; a wheel found unpacked has none to do (and no file).
  const size = wheel.origin === "unpacked" ? 0 : wheel.size;
  return {
    path: wheel.path,
    requested,
    sha256: wheel.sha256,
    ...(size === undefined ? {} : { size }),
    directUrl,
  };
}

/** Says which distributions are new after a failure (errors before any commit change nothing). */
function interrupted(
  error: unknown,
  ordered: readonly ResolvedDist<IndexSource>[],
  scheme: { purelib: string; platlib: string },
): unknown {
  const now = new Map(
    readInstalledDists([...new Set([scheme.purelib, scheme.platlib])]).dists.map((
      dist,
    ) => [dist.name, canonicalVersionText(dist.version) ?? dist.version]),
  );
  const installed = ordered.filter((dist) => now.get(dist.name) === dist.version);
  if (installed.length === 0) return error;
  return new InstallInterruptedError(error, {
    installed: installed.map((dist) => `${dist.name}-${dist.version}`),
    notInstalled: ordered.filter((dist) => !installed.includes(dist)).map((dist) =>
      `${dist.name}-${dist.version}`
    ),
  });
}
