/**
 * Where each file of a wheel goes, decided without touching the file system:
 * a wheel's entries and the scheme keys in, {@link Placement}s out. Root
 * files go to purelib or platlib (by `Root-Is-Purelib`, which also receives
 * the `.dist-info`), `<name>.data/<key>/…` to the scheme directory `key`,
 * `.data/scripts` that start with `#!python` are rewritten for the target
 * interpreter, and console and GUI launchers are generated from
 * `entry_points.txt` (replacing a script of the same name). The wheel's own
 * `RECORD` is not placed: the destination writes a new one.
 *
 * Every name from the wheel is checked here before it becomes a path: paths
 * must be plain relative paths (no `..`, `.`, empty, absolute, backslash or
 * NUL parts; a manifest comes from the cache, which anything running as the
 * user can edit), `.data/` keys must be scheme keys, and launcher names must
 * be plain file names (`scripts.ts`). The destination then checks where the
 * scheme directories really lead.
 *
 * @module
 */

import { parseEntryPoints } from "../dists/entry_points.ts";
import { appendAll } from "../lists.ts";
import { launchersFor, rewriteScriptShebang } from "./scripts.ts";
import {
  type DataSchemeKey,
  isDataSchemeKey,
  reasonOf,
  recordHash,
  type WheelFile,
  WheelInstallError,
  type WheelManifest,
} from "./wheel.ts";

/** What is put at a placement. */
export type PlacementContent =
  /** The wheel's file `from` (an archive path), unchanged: the destination links or copies it. */
  | { readonly kind: "file"; readonly from: string; readonly hash: string; readonly size?: number }
  /** Bytes made for this install (a rewritten script, a launcher), written executable. */
  | {
    readonly kind: "generated";
    readonly bytes: Uint8Array;
    /** `sha256=…` of `bytes`, as RECORD writes it. */
    readonly hash: string;
    readonly size: number;
  };

/** One file of the installed wheel: the scheme directory it goes to, its path there, and what. */
export interface Placement {
  readonly scheme: DataSchemeKey;
  /** The path below the scheme directory, `/`-separated. */
  readonly path: string;
  readonly content: PlacementContent;
}

/** Where a wheel's files go. */
export interface WheelLayout {
  /** The scheme directory of the wheel's root files and its `.dist-info`. */
  readonly root: "purelib" | "platlib";
  /** Every file in the order to place them. */
  readonly placements: readonly Placement[];
}

/** What the layout reads: the validated manifest, and the contents of scripts and entry points. */
export interface LayoutSource {
  readonly manifest: WheelManifest;
  /** The bytes of one of the manifest's files (only scripts and `entry_points.txt` are read). */
  read(path: string): Uint8Array;
}

/** The target interpreter, for shebangs and launcher names. */
export interface LayoutOptions {
  /** The interpreter path written into script shebangs. */
  readonly python: string;
  readonly pythonVersion: readonly [number, number];
  /** For `ENSUREPIP_OPTIONS`. */
  readonly env?: Readonly<Record<string, string>>;
  /** The platform whose shebang limits apply (this one by default). */
  readonly platform?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Lays out a wheel for a scheme's keys.
 *
 * @throws {WheelInstallError} for an unsafe path or `.data` key in the
 *   manifest, or an entry point that cannot become a launcher.
 * @example
 * ```ts ignore
 * const layout = layoutWheel(unpackedSource(tree, manifest), { python, pythonVersion: [3, 12] });
 * layout.placements.map((p) => `${p.scheme}/${p.path}`);
 * ```
 */
export function layoutWheel(source: LayoutSource, options: LayoutOptions): WheelLayout {
  const { manifest } = source;
  checkManifestPaths(manifest);
  const root = manifest.rootIsPurelib ? "purelib" : "platlib";
  const placements: Placement[] = [];
  const recordPath = `${manifest.distInfo}/RECORD`;
  for (const file of manifest.files) {
    if (file.path !== recordPath) placements.push(placeFile(file, { root, source, options }));
  }
  // A launcher replaces a script of the same name (the last launcher of a name wins), found
  // by name: a search of the list per launcher would be quadratic in the entry points.
  const launchers = new Map<string, Placement>();
  for (const launcher of launcherPlacements(source, options)) {
    launchers.delete(launcher.path);
    launchers.set(launcher.path, launcher);
  }
  const kept = placements.filter((placement) =>
    !(placement.scheme === "scripts" && launchers.has(placement.path))
  );
  appendAll(kept, launchers.values());
  return { root, placements: kept };
}

/** Where one of the wheel's files goes, and whether its shebang is rewritten. */
function placeFile(
  file: WheelFile,
  context: { root: "purelib" | "platlib"; source: LayoutSource; options: LayoutOptions },
): Placement {
  const content: PlacementContent = {
    kind: "file",
    from: file.path,
    hash: file.hash,
    ...(file.size === undefined ? {} : { size: file.size }),
  };
  // Only `<x>.data/<key>/<path>` leaves the root (split only then: most files are not data).
  const first = file.path.indexOf("/");
  const second = first < 0 ? -1 : file.path.indexOf("/", first + 1);
  if (second < 0 || !file.path.slice(0, first).endsWith(".data")) {
    return { scheme: context.root, path: file.path, content };
  }
  const key = file.path.slice(first + 1, second);
  if (!isDataSchemeKey(key)) throw unsafeManifest(context.source.manifest, file.path);
  const path = file.path.slice(second + 1);
  if (key === "scripts") {
    const script = context.source.read(file.path);
    const rewritten = rewriteScriptShebang(script, context.options.python);
    if (rewritten !== undefined) return { scheme: key, path, content: generated(rewritten) };
  }
  return { scheme: key, path, content };
}

/** The console and GUI launchers `entry_points.txt` asks for, in the scripts directory. */
function launcherPlacements(source: LayoutSource, options: LayoutOptions): Placement[] {
  const { manifest } = source;
  const entryPointsPath = `${manifest.distInfo}/entry_points.txt`;
  if (!manifest.files.some((file) => file.path === entryPointsPath)) return [];
  const text = decoder.decode(source.read(entryPointsPath));
  try {
    return launchersFor(parseEntryPoints(text), {
      python: options.python,
      pythonVersion: options.pythonVersion,
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.platform === undefined ? {} : { platform: options.platform }),
    }).map((launcher) => ({
      scheme: "scripts",
      path: launcher.name,
      content: generated(encoder.encode(launcher.content)),
    }));
  } catch (error) {
    throw new WheelInstallError(manifest.filename, reasonOf(error), { cause: error });
  }
}

function generated(bytes: Uint8Array): PlacementContent {
  return { kind: "generated", bytes, hash: recordHash(bytes), size: bytes.length };
}

/**
 * A manifest's paths are used only when each is a plain relative path (the
 * checks the archive's names passed when it was unpacked).
 */
function checkManifestPaths(manifest: WheelManifest): void {
  const unsafe = (path: string) => UNSAFE_PATH.test(path);
  if (unsafe(manifest.distInfo) || manifest.distInfo.includes("/")) {
    throw unsafeManifest(manifest, manifest.distInfo);
  }
  const bad = manifest.files.find((file) => unsafe(file.path));
  if (bad !== undefined) throw unsafeManifest(manifest, bad.path);
}

/**
 * An empty, `.` or `..` part (the empty path, an absolute one, `//`, a
 * trailing `/` among them), a backslash or a NUL: one pass over the path.
 */
const UNSAFE_PATH = /(?:^|\/)\.{0,2}(?:\/|$)|[\\\0]/;

function unsafeManifest(manifest: WheelManifest, path: string): WheelInstallError {
  return new WheelInstallError(
    manifest.filename,
    `its unpacked copy in the cache lists an unsafe path (${
      JSON.stringify(path)
    }); remove the cache entry (dpip cache purge) and retry`,
    { code: "unsafe-archive" },
  );
}
