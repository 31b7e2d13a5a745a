/**
 * `dpip bundle`: one directory that installs a set of requirements into a
 * Python on a machine with no network and no pip:
 *
 * ```text
 * DIR/install        POSIX sh: DIR/install PYTHON-OR-VENV (see bundle_script.ts)
 * DIR/pylock.toml    PEP 751: every package, its wheels by path (wheels/…) and sha256
 * DIR/wheels/        the wheels
 * DIR/dpip/          dpip itself: a compiled binary, or its JavaScript bundle and launcher
 * ```
 *
 * The wheels come from the caller (the download pipeline, once per target
 * operating system, into the directory it is given); this module checks
 * them, writes the lock (a package every target has needs no marker; one
 * that only some targets have gets theirs, so each machine installs its own
 * tree), copies dpip and writes the script. Everything is written into a
 * fresh directory beside `DIR` and renamed to `DIR` at the end, so a failed
 * run leaves nothing behind.
 *
 * @module
 */

import { parseWheelFilename, tryParseWheelFilename } from "../dists/wheel_filename.ts";
import { DpipError } from "../errors.ts";
import { formatPylock, type Pylock, type PylockPackage } from "../lock/pylock.ts";
import type { PackageName } from "../names/mod.ts";
import { basename, dirname, join } from "../paths.ts";
import { INSTALL_SCRIPT, installScript } from "./bundle_script.ts";
import { copyDpipBuild, type DpipBuild } from "./dpip_build.ts";
import type { BundleDocument } from "./json_documents.ts";

/** The lock file's name in a bundle. */
export const BUNDLE_LOCK = "pylock.toml";
/** The wheels' directory in a bundle. */
export const BUNDLE_WHEELS = "wheels";
/** dpip's directory in a bundle. */
export const BUNDLE_DPIP = "dpip";

/** One wheel saved into the bundle's wheel directory. */
export interface BundledWheel {
  /** The file name (in the wheel directory). */
  readonly filename: string;
  readonly size: number;
  /** Hex sha256 of the saved bytes. */
  readonly sha256: string;
}

/** The wheels of one target machine and the marker that picks it out of the others. */
export interface BundleTarget {
  /** A PEP 508 marker true on this target only; none when there is one target. */
  readonly marker?: string;
  readonly wheels: readonly BundledWheel[];
}

/** A file the bundle cannot hold, or an output directory it cannot use. */
export class BundleError extends DpipError<"bundle-output" | "unsupported-requirement"> {
  constructor(
    code: "bundle-output" | "unsupported-requirement",
    message: string,
    hint: string,
  ) {
    super(code, message, { hint });
    this.name = "BundleError";
  }
}

interface PackageEntry {
  readonly name: PackageName;
  readonly version: string;
  readonly targets: Set<number>;
  readonly wheels: Map<string, BundledWheel>;
}

function checkWheel(wheel: BundledWheel): void {
  if (tryParseWheelFilename(wheel.filename) === undefined) {
    throw new BundleError(
      "unsupported-requirement",
      `Cannot bundle ${wheel.filename}: it is not a wheel, and a source distribution needs a build on the target machine`,
      "bundle a project that publishes wheels, or build its wheel first and name that file",
    );
  }
}

/**
 * The bundle's lock: one package per project and version, its wheels by
 * their path in the bundle, sorted by name then version; a package that not
 * every target has carries the markers of those that do (`or`-ed).
 *
 * @throws {BundleError} for a file that is not a wheel.
 */
export function bundleLock(targets: readonly BundleTarget[], createdBy: string): Pylock {
  const entries = new Map<string, PackageEntry>();
  targets.forEach((target, position) => {
    for (const wheel of target.wheels) {
      checkWheel(wheel);
      const parsed = parseWheelFilename(wheel.filename);
      const version = String(parsed.version);
      const key = `${parsed.name} ${version}`;
      let entry = entries.get(key);
      if (entry === undefined) {
        entry = { name: parsed.name, version, targets: new Set(), wheels: new Map() };
        entries.set(key, entry);
      }
      entry.targets.add(position);
      entry.wheels.set(wheel.filename, wheel);
    }
  });
  const packages = [...entries.values()].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : 1
  ).map((entry): PylockPackage => {
    const markers = [...entry.targets].sort((a, b) => a - b)
      .map((position) => targets[position]!.marker);
    const marker = entry.targets.size === targets.length || markers.includes(undefined)
      ? undefined
      : markers.length === 1
      ? markers[0]
      : markers.map((m) => `(${m})`).join(" or ");
    return {
      name: entry.name,
      version: entry.version,
      ...(marker === undefined ? {} : { marker }),
      wheels: [...entry.wheels.values()].sort((a, b) => a.filename < b.filename ? -1 : 1)
        .map((wheel) => ({
          name: wheel.filename,
          path: `${BUNDLE_WHEELS}/${wheel.filename}`,
          size: wheel.size,
          hashes: { sha256: wheel.sha256 },
        })),
    };
  });
  return { lockVersion: "1.0", createdBy, packages };
}

/** Options for {@link makeBundle}. */
export interface MakeBundleOptions {
  /** The bundle directory to make: absent, or an empty directory. */
  readonly output: string;
  /** The dpip to copy in. */
  readonly build: DpipBuild;
  /** Saves the wheels of each target into `wheelDir` (made already) and lists them. */
  readonly download: (wheelDir: string) => Promise<readonly BundleTarget[]>;
  /** The lock's `created-by`. */
  readonly createdBy: string;
}

/** What {@link makeBundle} wrote. */
export interface BundleOutcome {
  readonly output: string;
  readonly build: DpipBuild;
  readonly lock: Pylock;
}

function isEmptyDirectory(path: string): boolean | undefined {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(path);
  } catch {
    return undefined;
  }
  if (!info.isDirectory) return false;
  for (const _ of Deno.readDirSync(path)) return false;
  return true;
}

function checkOutput(output: string): void {
  if (isEmptyDirectory(output) === false) {
    throw new BundleError(
      "bundle-output",
      `Cannot write the bundle into ${output}: it exists and is not an empty directory`,
      "name a new directory with -o, or remove this one",
    );
  }
}

/**
 * Makes the bundle at `output`: the wheels (by `download`), the lock,
 * dpip and the install script, written beside it and renamed into place.
 *
 * @throws {BundleError} when `output` is in the way or a saved file is not a wheel.
 */
export async function makeBundle(options: MakeBundleOptions): Promise<BundleOutcome> {
  const { output, build } = options;
  checkOutput(output);
  await Deno.mkdir(dirname(output), { recursive: true });
  const staging = await Deno.makeTempDir({
    dir: dirname(output),
    prefix: `.${basename(output)}.partial-`,
  });
  try {
    const wheelDir = join(staging, BUNDLE_WHEELS);
    await Deno.mkdir(wheelDir);
    const lock = bundleLock(await options.download(wheelDir), options.createdBy);
    await Deno.writeTextFile(join(staging, BUNDLE_LOCK), formatPylock(lock));
    await copyDpipBuild(build, join(staging, BUNDLE_DPIP));
    await Deno.writeTextFile(join(staging, INSTALL_SCRIPT), installScript(), { mode: 0o755 });
    await Deno.chmod(join(staging, INSTALL_SCRIPT), 0o755);
    checkOutput(output);
    if (isEmptyDirectory(output)) await Deno.remove(output);
    await Deno.rename(staging, output);
    return { output, build, lock };
  } catch (error) {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
    throw error;
  }
}

/** `bundle --format json`: the directory, its parts and every package with its wheels. */
export function bundleDocument(outcome: BundleOutcome): BundleDocument {
  return {
    schema_version: 1,
    directory: outcome.output,
    dpip: {
      kind: outcome.build.kind,
      from: outcome.build.kind === "binary" ? outcome.build.path : outcome.build.dir,
    },
    lock: join(outcome.output, BUNDLE_LOCK),
    install_script: join(outcome.output, INSTALL_SCRIPT),
    packages: outcome.lock.packages.map((pkg) => ({
      name: pkg.name,
      version: pkg.version ?? "",
      marker: pkg.marker ?? null,
      wheels: (pkg.wheels ?? []).map((wheel) => ({
        filename: wheel.name ?? "",
        path: wheel.path ?? "",
        size: wheel.size ?? 0,
        sha256: wheel.hashes["sha256"] ?? "",
      })),
    })),
  };
}
