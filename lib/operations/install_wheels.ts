/**
 * `install` of local wheel files: holding the environment lock, validate and
 * unpack every wheel (into the unpacked-wheel cache), stage each one as soon
 * as it is unpacked, compiling its files meanwhile if asked (one interpreter
 * process per core, fed while later wheels unpack), and commit each
 * distribution in turn, replacing an installed version only once the new one
 * is staged. Nothing is printed: the result is an {@link InstallChangelog}.
 *
 * @module
 */

import { join, pathToFileURL, relative, resolve } from "../paths.ts";
import { DpipError } from "../errors.ts";
import { appendAll } from "../lists.ts";
import type { DirectUrl } from "../dists/direct_url.ts";
import type { PackageName } from "../names/mod.ts";
import type { Scheme } from "../python/environment.ts";
// Not through `installer/install_wheel.ts`, which also exports the unpacker: a wheel already in
// the unpacked-wheel cache must not load it (the zip reader, `node:zlib`).
import {
  finishStagedWheel,
  stagedDestinations,
  type StagedWheel,
  stageWheel,
  StagingArea,
} from "../installer/staging.ts";
import { WheelInstallError, type WheelManifest } from "../installer/wheel.ts";
import { checkWheelFilename } from "../installer/wheel_check.ts";
import { DirectoryListings } from "../installer/listings.ts";
import { lockEnvironment } from "../installer/lock.ts";
import { type InstalledDist, readInstalledDists } from "../installer/site_packages.ts";
import { recoveryWarnings } from "../installer/recovery.ts";
import {
  commitTransaction,
  createWorkDir,
  discardWorkDir,
  recoverTransactions,
  stageDir,
} from "../installer/transaction.ts";
import { planRemoval } from "../installer/uninstall.ts";
import { fileSha256, Linker, type LinkMode } from "../installer/wheel_cache.ts";
import { unpackWheelCached } from "../installer/prepare.ts";
import { allInOrder, ExtractPool, largestFirst } from "../installer/extract_pool.ts";
import { BytecodeCompiler } from "../installer/bytecode.ts";
import type { UnpackAhead } from "../installer/unpack_ahead.ts";

/** A wheel file to install. */
export interface LocalWheelRequest {
  readonly path: string;
  /** The user named it (writes `REQUESTED`). */
  readonly requested: boolean;
  /** The file's sha256 (hex), when already verified: a wheel already unpacked is then not read. */
  readonly sha256?: string;
  /** The file's size, when known (the index's): then the file is not looked at for it. */
  readonly size?: number;
  /** `direct_url.json` to write; `null` writes none (from an index). Default: the file's URL. */
  readonly directUrl?: DirectUrl | null;
}

/** Inputs of {@link installWheels}. */
export interface InstallWheelsOptions {
  readonly scheme: Scheme;
  /** The interpreter written into shebangs and used for `--compile`. */
  readonly python: string;
  readonly pythonVersion: readonly [number, number];
  /** The interpreter's compatible tags; undefined installs whatever the tags say. */
  readonly compatibleTags?: ReadonlySet<string>;
  /** The `unpacked-v1` cache bucket; undefined unpacks into a temporary directory. */
  readonly cacheBucket?: string;
  readonly linkMode?: LinkMode;
  /** Compile `.py` files to bytecode (one interpreter process per core). */
  readonly compile?: boolean;
  /** Directories the environment owns (old versions elsewhere are not removed). */
  readonly environmentDirs?: readonly string[];
  /** For `ENSUREPIP_OPTIONS` and `SOURCE_DATE_EPOCH`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Called when another process holds the environment lock. */
  readonly onLockWait?: (path: string) => void;
  /** Where installing has got to (for a status line: nothing is printed here). */
  readonly onPhase?: (phase: InstallPhase) => void;
  /**
   * Wheels being unpacked ahead, while others downloaded, and the threads to
   * unpack the rest on (the caller closes them); by default the wheels are
   * unpacked here, on threads of their own.
   */
  readonly ahead?: UnpackAhead;
}

/** A step of installing wheels, with how many of its items are done. */
export interface InstallPhase {
  /** `unpacking` (and checking) the wheels, `installing` (linking and committing), `compiling`. */
  readonly kind: "unpacking" | "installing" | "compiling";
  readonly done: number;
  readonly total: number;
}

/** A distribution's name and version. */
export interface DistSummary {
  readonly name: PackageName;
  /** As its metadata writes it. */
  readonly displayName: string;
  readonly version: string;
}

/** What {@link installWheels} did. */
export interface WheelsInstalled {
  /** Installed, in argument order. */
  readonly installed: DistSummary[];
  /** Replaced by an installed one (same order as the replacements happened). */
  readonly uninstalled: DistSummary[];
  /** Warnings (newer Wheel-Version, hard links unavailable). */
  readonly warnings: string[];
}

/** Two wheels of one project were given. */
export class DoubleRequirementError extends DpipError {
  constructor(first: string, second: string) {
    super(
      "double-requirement",
      `Double requirement given: ${second} (already given as ${first})`,
    );
    this.name = "DoubleRequirementError";
  }
}

interface PreparedWheel {
  readonly request: LocalWheelRequest;
  readonly sha256: string;
  readonly tree: string;
  readonly manifest: WheelManifest;
}

/**
 * Installs local wheel files into `scheme`, without dependencies: every
 * one of them, replacing a distribution of the same name that is there
 * (what to install is the plan's decision, made before).
 *
 * @throws {WheelInstallError} for a wheel refused by validation (nothing is changed).
 */
export async function installWheels(
  requests: readonly LocalWheelRequest[],
  options: InstallWheelsOptions,
): Promise<WheelsInstalled> {
  const changelog: WheelsInstalled = { installed: [], uninstalled: [], warnings: [] };
  // Cheap checks of every wheel before reading any.
  const names = new Map<string, string>();
  for (const request of requests) {
    const filename = request.path.split("/").at(-1)!;
    const { name } = checkWheelFilename(filename, options.compatibleTags);
    const previous = names.get(name);
    if (previous !== undefined) throw new DoubleRequirementError(previous, filename);
    names.set(name, filename);
  }

  const temporaryBucket = options.cacheBucket === undefined
    ? await Deno.makeTempDir({ prefix: "dpip-unpacked-" })
    : undefined;
  const bucket = options.cacheBucket ?? temporaryBucket!;
  try {
    await applyWheels(requests, bucket, options, changelog);
  } finally {
    if (temporaryBucket !== undefined) {
      await Deno.remove(temporaryBucket, { recursive: true }).catch(() => {});
    }
  }
  return changelog;
}

/**
 * Every wheel validated and unpacked (on two threads when worth it), each
 * handed to `then` as soon as it is; their results in request order.
 */
async function prepareAll<T>(
  requests: readonly LocalWheelRequest[],
  bucket: string,
  options: InstallWheelsOptions,
  warnings: string[],
  then: (wheel: PreparedWheel, index: number) => T,
): Promise<T[]> {
  // Only to share out unpacking: a wheel found unpacked needs no file (and may have none).
  const sizes = await Promise.all(
    requests.map((request) =>
      request.size ?? Deno.stat(request.path).then((info) => info.size, () => 0)
    ),
  );
  const pool = options.ahead?.pool ?? new ExtractPool({
    totalBytes: sizes.reduce((sum, size) => sum + size, 0),
    jobs: requests.length,
  });
  const warned = requests.map((): string[] => []);
  const order = largestFirst(requests.map((_, i) => i), (i) => sizes[i]!);
  let unpacked = 0;
  const total = requests.length;
  options.onPhase?.({ kind: "unpacking", done: 0, total });
  const preparing = new Map(
    order.map((i) => [
      i,
      prepareWheel(requests[i]!, bucket, options, { warnings: warned[i]!, pool, size: sizes[i]! })
        .then((wheel) => {
          options.onPhase?.({ kind: "unpacking", done: ++unpacked, total });
          return then(wheel, i);
        }),
    ]),
  );
  try {
    const prepared = await allInOrder(requests.map((_, i) => preparing.get(i)!));
    for (const list of warned) appendAll(warnings, list);
    return prepared;
  } finally {
    if (options.ahead === undefined) pool.close();
  }
}

async function prepareWheel(
  request: LocalWheelRequest,
  bucket: string,
  options: InstallWheelsOptions,
  unpacking: { warnings: string[]; pool: ExtractPool; size: number },
): Promise<PreparedWheel> {
  const { warnings, pool } = unpacking;
  const filename = request.path.split("/").at(-1)!;
  let digest: { sha256: string };
  try {
    digest = request.sha256 === undefined
      ? await fileSha256(request.path, { bucket })
      : { sha256: request.sha256 };
  } catch (error) {
    throw new WheelInstallError(filename, `cannot read ${request.path}: ${messageOf(error)}`, {
      code: "wheel-not-found",
      cause: error,
    });
  }
  const entry = await (options.ahead?.take(digest.sha256, (message) => warnings.push(message)) ??
    unpackWheelCached(
      bucket,
      digest.sha256,
      (tree, onWarning) =>
        pool.extract({
          path: request.path,
          filename,
          dir: tree,
          size: unpacking.size,
          ...(options.compatibleTags === undefined
            ? {}
            : { compatibleTags: options.compatibleTags }),
          onWarning,
        }),
      (message) => warnings.push(message),
    ));
  // A cached entry was validated when stored, but under the wheel's own name.
  if (entry.manifest.filename !== filename) {
    checkWheelFilename(filename, options.compatibleTags);
  }
  return { request, sha256: digest.sha256, tree: entry.tree, manifest: entry.manifest };
}

interface StagedEntry {
  readonly wheel: PreparedWheel;
  readonly staged: StagedWheel;
  readonly old?: InstalledDist;
}

/**
 * Holding the environment lock: unpacks every wheel and stages each one in
 * the work directory as soon as it is unpacked (its files handed to the
 * compiler at once, when compiling, so that bytecode is compiled while later
 * wheels unpack), then commits them all.
 */
async function applyWheels(
  requests: readonly LocalWheelRequest[],
  bucket: string,
  options: InstallWheelsOptions,
  changelog: WheelsInstalled,
): Promise<void> {
  const { scheme } = options;
  const libDirs = [...new Set([scheme.purelib, scheme.platlib])];
  const lock = await lockEnvironment(libDirs, {
    ...(options.onLockWait === undefined ? {} : { onWait: options.onLockWait }),
  });
  try {
    const recovered = libDirs.flatMap((dir) => recoveryWarnings(recoverTransactions(dir).changes));
    const installed = readInstalledDists(libDirs).dists;
    if (requests.length === 0) {
      appendAll(changelog.warnings, recovered);
      return;
    }
    // One work directory in the library directory, so renames stay on its file system;
    // each distribution staged apart, so that it is committed on its own.
    const workDir = createWorkDir(scheme.purelib);
    let staged: StagedEntry[];
    try {
      staged = await stageAll(
        requests,
        { bucket, workDir, installed, recovered },
        options,
        changelog,
      );
    } catch (error) {
      discardWorkDir(workDir);
      throw error;
    }
    options.onPhase?.({ kind: "installing", done: 0, total: staged.length });
    commitStaged(staged, workDir, options);
    for (const { staged: stagedWheel, old } of staged) {
      if (old !== undefined) {
        changelog.uninstalled.push({
          name: old.name,
          displayName: old.rawName,
          version: old.version,
        });
      }
      changelog.installed.push(summaryOf(stagedWheel.manifest));
    }
  } finally {
    lock.release();
  }
}

/**
 * Unpacks every wheel and stages it in `workDir` (linked from the cache) as
 * soon as it is unpacked, compiled if asked, finished. Warnings: unpacking's,
 * then the recovered transactions', then linking's, as before staging
 * overlapped unpacking.
 */
async function stageAll(
  requests: readonly LocalWheelRequest[],
  context: {
    bucket: string;
    workDir: string;
    installed: readonly InstalledDist[];
    recovered: readonly string[];
  },
  options: InstallWheelsOptions,
  changelog: WheelsInstalled,
): Promise<StagedEntry[]> {
  const linker = new Linker(options.linkMode ?? "hardlink");
  // Nothing is committed before every wheel is staged: one listing of each destination serves all.
  const listings = new DirectoryListings();
  const compiler = options.compile === true
    ? new BytecodeCompiler({
      python: options.python,
      ...(options.env === undefined ? {} : { env: options.env }),
    })
    : undefined;
  const finishing: Promise<void>[] = new Array(requests.length);
  try {
    const staged = await prepareAll(
      requests,
      context.bucket,
      options,
      changelog.warnings,
      (wheel, index) => {
        const stagedWheel = stageWheel({
          tree: wheel.tree,
          manifest: wheel.manifest,
          scheme: options.scheme,
          staging: new StagingArea(stageDir(context.workDir), index),
          python: options.python,
          pythonVersion: options.pythonVersion,
          linker,
          listings,
          ...(options.env === undefined ? {} : { env: options.env }),
        });
        const old = context.installed.find((dist) => dist.name === wheel.manifest.name);
        const entry = { wheel, staged: stagedWheel, ...(old === undefined ? {} : { old }) };
        const compiled = compiler === undefined
          ? Promise.resolve([])
          : compileStaged(compiler, stagedWheel);
        const finished = compiled.then((files) => finish(entry, files));
        finished.catch(() => {}); // awaited below, failure or not
        finishing[index] = finished;
        return entry;
      },
    );
    appendAll(changelog.warnings, context.recovered);
    if (linker.fellBack && options.linkMode === "hardlink") {
      changelog.warnings.push(
        "Hard links to the cache are not possible here (another file system?); files were copied instead",
      );
    }
    if (compiler !== undefined) {
      options.onPhase?.({ kind: "compiling", done: 0, total: staged.length });
    }
    await allInOrder(finishing);
    return staged;
  } finally {
    await compiler?.close();
    await Promise.allSettled(finishing);
  }
}

/** Writes a staged wheel's generated dist-info files and its RECORD (compiled files too). */
function finish(entry: StagedEntry, compiled: { root: number; path: string }[]): void {
  finishStagedWheel(entry.staged, {
    requested: entry.wheel.request.requested,
    ...(entry.wheel.request.directUrl === null
      ? {}
      : { directUrl: entry.wheel.request.directUrl ?? directUrlOf(entry.wheel) }),
    compiled,
  });
}

/** Commits the staged distributions, each replacing its old version, in one journaled transaction. */
function commitStaged(
  staged: readonly StagedEntry[],
  workDir: string,
  options: InstallWheelsOptions,
): void {
  const { scheme } = options;
  const schemeDirs = [scheme.purelib, scheme.platlib, scheme.scripts, scheme.data, scheme.headers];
  // What any new distribution installs is never removed with an old one (listed only when
  // something is replaced: a fresh environment's install joins no path per file).
  let keep: Set<string> | undefined;
  const keeps = () => keep ??= new Set(staged.flatMap((entry) => stagedDestinations(entry.staged)));
  const changes = staged.map((entry) => {
    const { staged: stagedWheel, old } = entry;
    const install = {
      roots: stagedWheel.staging.roots,
      libRoot: stagedWheel.libRoot,
      distInfo: stagedWheel.manifest.distInfo,
    };
    const project = stagedWheel.manifest.name;
    if (old === undefined) return { project, install };
    const plan = planRemoval(old, {
      scriptsDir: scheme.scripts,
      ...(options.environmentDirs === undefined
        ? {}
        : { environmentDirs: options.environmentDirs }),
      schemeDirs,
    });
    return {
      project,
      install,
      remove: {
        metadataPath: plan.metadataPath,
        paths: plan.paths.filter((path) => !keeps().has(path)),
        pthEntries: plan.pthEntries,
      },
    };
  });
  commitTransaction(workDir, { changes, keepDirs: [...new Set(schemeDirs)] });
}

function summaryOf(manifest: WheelManifest): DistSummary {
  return { name: manifest.name, displayName: manifest.displayName, version: manifest.version };
}

function directUrlOf(wheel: PreparedWheel): DirectUrl {
  return {
    url: pathToFileURL(resolve(wheel.request.path)).href,
    info: { kind: "archive", hash: `sha256=${wheel.sha256}` },
  };
}

/**
 * Compiles a staged wheel's `.py` files (any scheme directory, as pip does),
 * each named by its final path (`installer/bytecode.ts`). Files that do not
 * compile are skipped, as pip's `compileall` skips them.
 */
async function compileStaged(
  compiler: BytecodeCompiler,
  wheel: StagedWheel,
): Promise<{ root: number; path: string }[]> {
  const files = wheel.files.filter((file) => file.path.endsWith(".py"));
  const written = await compiler.compile(files.map((file) => ({
    source: wheel.staging.path(file.root, file.path),
    final: finalName(wheel, file.root, file.path),
    ...(file.size === undefined ? {} : { size: file.size }),
  })));
  const result: { root: number; path: string }[] = [];
  written.forEach((cfile, index) => {
    const file = files[index]!;
    if (cfile === undefined) return;
    const path = wheel.staging.adopt(file.root, cfile);
    if (path !== undefined) result.push({ root: file.root, path });
  });
  return result;
}

/**
 * The name bytecode gives a staged file: its final path, spelt as pip spells
 * it, from the library directory (`site-packages/../../../bin/tool.py` for a
 * script), so that the `.pyc` files are pip's byte for byte.
 */
function finalName(wheel: StagedWheel, root: number, path: string): string {
  const { roots } = wheel.staging;
  const libDir = roots[wheel.libRoot]!;
  const fromLib = relative(libDir, join(roots[root]!, path));
  return fromLib.startsWith("../") ? `${libDir}/${fromLib}` : join(libDir, fromLib);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
