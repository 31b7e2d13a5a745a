/**
 * The install's destination (pypa/installer's `WheelDestination`): the
 * staging area of one install, which does every write. A wheel is staged
 * from its unpacked tree by following its layout (`wheel_layout.ts`):
 * unchanged files are linked from the tree, generated ones written; then
 * the destinations are checked on real paths (`destination_check.ts`), and
 * {@link finishStagedWheel} writes the dist-info's `INSTALLER`,
 * `REQUESTED`, `direct_url.json` and new `RECORD`. Moving staged files into
 * the environment is `transaction.ts`'s job.
 *
 * @module
 */

import { type DirectUrl, formatDirectUrl } from "../dists/direct_url.ts";
import { formatRecord, type RecordEntry } from "../dists/record.ts";
import { dirname, join, relative } from "../paths.ts";
import type { Scheme } from "../python/environment.ts";
import { checkDestinations } from "./destination_check.ts";
import type { DirectoryListings } from "./listings.ts";
import { type DataSchemeKey, recordHash, type WheelManifest } from "./wheel.ts";
import { layoutWheel, type Placement } from "./wheel_layout.ts";
import { type UnpackedSource, unpackedSource } from "./wheel_source.ts";
import { DirectoryMaker, type Linker, LinkError } from "./wheel_cache.ts";
import { stagedName } from "./transaction.ts";

const encoder = new TextEncoder();

/**
 * Where one wheel is staged: the top-level entry `name` of destination root
 * `roots[i]` (purelib, scripts, ...) is `<dir>/<change>.<i>.<name>`
 * (`transaction.ts`'s {@link stagedName}), so the commit moves whole
 * top-level directories with one rename each, and the wheels of one install
 * share `dir` without a directory of their own.
 */
export class StagingArea {
  /** A directory on the environment's file system, shared by the changes of one transaction. */
  readonly dir: string;
  /** The change this wheel is in its transaction. */
  readonly change: number;
  /** The destination directories, in the order first used. */
  readonly roots: string[] = [];
  readonly directories: DirectoryMaker;

  /** Creates `dir` (and its parents) if missing: every directory below it is made with one `mkdir`. */
  constructor(dir: string, change = 0) {
    this.dir = dir;
    this.change = change;
    Deno.mkdirSync(dir, { recursive: true });
    this.directories = new DirectoryMaker([dir]);
  }

  /** The index of destination directory `destination`, added if new. */
  rootOf(destination: string): number {
    const index = this.roots.indexOf(destination);
    if (index >= 0) return index;
    this.roots.push(destination);
    return this.roots.length - 1;
  }

  /** Where `path` (a validated archive path: relative, no `.` or `..`) of root `root` is staged. */
  path(root: number, path: string): string {
    return `${this.dir}/${stagedName(this.change, root, path)}`;
  }

  /**
   * The path under root `root` of a file written beside one of its staged
   * files (a compiler's `__pycache__/<name>.<tag>.pyc`), or undefined when it
   * is not beside one. Beside a top-level file it is written as
   * `<dir>/__pycache__/<change>.<root>.<name>`: it moves to
   * `<dir>/<change>.<root>.__pycache__/<name>`, where the commit takes it from.
   */
  adopt(root: number, written: string): string | undefined {
    const prefix = this.path(root, "");
    if (written.startsWith(prefix)) {
      return written.length > prefix.length ? written.slice(prefix.length) : undefined;
    }
    const dir = dirname(written);
    const name = written.slice(dir.length + 1);
    const own = stagedName(this.change, root, "");
    if (dirname(dir) !== this.dir || !name.startsWith(own) || name.length === own.length) {
      return undefined;
    }
    const path = `${dir.slice(this.dir.length + 1)}/${name.slice(own.length)}`;
    const target = this.path(root, path);
    this.directories.make(dirname(target));
    Deno.renameSync(written, target);
    return path;
  }

  /**
   * Puts a file at `path` of root `root` with `put` (link or write), creating
   * its directory; a file another wheel staged there is replaced, as pip's
   * last-installed-wins.
   */
  place(root: number, path: string, put: (target: string) => void): void {
    const target = this.path(root, path);
    this.directories.make(dirname(target));
    try {
      put(target);
    } catch (error) {
      const cause = error instanceof LinkError ? error.cause : error;
      if (!(cause instanceof Deno.errors.AlreadyExists)) throw error;
      Deno.removeSync(target);
      put(target);
    }
  }
}

/** Where and how a wheel is staged. */
export interface StageWheelOptions {
  /** The unpacked wheel's files. */
  readonly tree: string;
  readonly manifest: WheelManifest;
  readonly scheme: Scheme;
  readonly staging: StagingArea;
  /** The interpreter path written into script shebangs. */
  readonly python: string;
  readonly pythonVersion: readonly [number, number];
  readonly linker: Linker;
  /** The directory name under `scheme.headers` (pip uses the requirement's name). */
  readonly headersName?: string;
  /** For `ENSUREPIP_OPTIONS`. */
  readonly env?: Readonly<Record<string, string>>;
  /** The scheme directories' listings, shared by the wheels of one install (`listings.ts`). */
  readonly listings?: DirectoryListings;
}

/** A staged file: where it is now and where it goes. */
export interface StagedFile {
  /** Index into the staging area's roots. */
  readonly root: number;
  /** The path under the root, `/`-separated. */
  readonly path: string;
  /** `algorithm=digest`, or undefined for files RECORD lists without a hash (`.pyc`). */
  readonly hash?: string;
  readonly size?: number;
}

/** A wheel laid out in a staging area. */
export interface StagedWheel {
  readonly manifest: WheelManifest;
  readonly staging: StagingArea;
  /** The root that holds the `.dist-info` directory (purelib or platlib). */
  readonly libRoot: number;
  /** Every staged file except the dist-info's generated ones. */
  readonly files: StagedFile[];
}

/**
 * Lays the unpacked wheel out for `scheme` in the staging area
 * ({@link layoutWheel}: root files into purelib or platlib, `.data/<key>/`
 * into the scheme's directories, `#!python` scripts rewritten, launchers
 * generated): unchanged files are linked from the unpacked tree, generated
 * ones written. The dist-info's `INSTALLER`, `REQUESTED`, `direct_url.json`
 * and `RECORD` come later, from {@link finishStagedWheel}.
 *
 * @throws {WheelInstallError} for an unsafe manifest or entry point, or a
 *   destination that leads outside the environment.
 */
export function stageWheel(options: StageWheelOptions): StagedWheel {
  const { manifest, scheme, staging } = options;
  const source = unpackedSource(options.tree, manifest);
  const layout = layoutWheel(source, {
    python: options.python,
    pythonVersion: options.pythonVersion,
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  const directories: Record<DataSchemeKey, string> = {
    purelib: scheme.purelib,
    platlib: scheme.platlib,
    scripts: scheme.scripts,
    headers: join(
      scheme.headers,
      options.headersName ?? manifest.filename.split("-", 1)[0]!.replaceAll("_", "-"),
    ),
    data: scheme.data,
  };
  const libRoot = staging.rootOf(directories[layout.root]);
  const files = layout.placements.map((placement) =>
    stageFile(placement, {
      staging,
      root: staging.rootOf(directories[placement.scheme]),
      source,
      linker: options.linker,
    })
  );
  checkDestinations(manifest.filename, {
    staging,
    files,
    boundary: scheme.data,
    ...(options.listings === undefined ? {} : { listings: options.listings }),
  });
  return { manifest, staging, libRoot, files };
}

/** Puts one placement into the staging area. */
function stageFile(
  placement: Placement,
  context: { staging: StagingArea; root: number; source: UnpackedSource; linker: Linker },
): StagedFile {
  const { staging, root } = context;
  const { path, content } = placement;
  if (content.kind === "generated") {
    staging.place(root, path, (target) => writeNew(target, content.bytes, 0o755));
    return { root, path, hash: content.hash, size: content.size };
  }
  const from = context.source.pathOf(content.from);
  staging.place(root, path, (target) => context.linker.link(from, target));
  return {
    root,
    path,
    hash: content.hash,
    ...(content.size === undefined ? {} : { size: content.size }),
  };
}

/** What the dist-info records about how the wheel was installed. */
export interface FinishStagedWheelOptions {
  /** `INSTALLER`'s content (default `dpip`). */
  readonly installer?: string;
  /** Write `REQUESTED` (the user named this distribution). */
  readonly requested: boolean;
  /** Write `direct_url.json` (PEP 610). */
  readonly directUrl?: DirectUrl;
  /** Compiled files to list in RECORD (without hashes, as pip does). */
  readonly compiled?: readonly { root: number; path: string }[];
}

/**
 * Writes the dist-info's generated files into the staged wheel and its new
 * `RECORD`, which lists every installed file relative to the library
 * directory (`../../../bin/tool` for scripts) so pip can uninstall it.
 */
export function finishStagedWheel(staged: StagedWheel, options: FinishStagedWheelOptions): void {
  const distInfo = staged.manifest.distInfo;
  const distInfoDir = staged.staging.path(staged.libRoot, distInfo);
  staged.staging.directories.make(distInfoDir);
  const generated: [string, Uint8Array][] = [
    ["INSTALLER", encoder.encode(`${options.installer ?? "dpip"}\n`)],
  ];
  if (options.requested) generated.push(["REQUESTED", new Uint8Array()]);
  if (options.directUrl !== undefined) {
    generated.push(["direct_url.json", encoder.encode(formatDirectUrl(options.directUrl))]);
  }
  const files = [...staged.files];
  for (const [name, content] of generated) {
    const path = `${distInfo}/${name}`;
    const target = join(distInfoDir, name);
    const existing = files.findIndex((file) => file.root === staged.libRoot && file.path === path);
    if (existing >= 0) {
      Deno.removeSync(target);
      files.splice(existing, 1);
    }
    writeNew(target, content, 0o644);
    files.push({ root: staged.libRoot, path, hash: recordHash(content), size: content.length });
  }
  for (const compiled of options.compiled ?? []) files.push(compiled);
  const roots = staged.staging.roots;
  const libDir = roots[staged.libRoot]!;
  const entries: RecordEntry[] = files.map((file) => {
    const path = file.root === staged.libRoot
      ? file.path
      : relative(libDir, join(roots[file.root]!, file.path)).replaceAll("\\", "/");
    if (file.hash === undefined) return { path };
    const equals = file.hash.indexOf("=");
    return {
      path,
      hash: { algorithm: file.hash.slice(0, equals), digest: file.hash.slice(equals + 1) },
      ...(file.size === undefined ? {} : { size: file.size }),
    };
  });
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  entries.push({ path: `${distInfo}/RECORD` });
  writeNew(join(distInfoDir, "RECORD"), encoder.encode(formatRecord(entries)), 0o644);
}

/** The final paths of a staged wheel's files (absolute), for planning what an upgrade removes. */
export function stagedDestinations(staged: StagedWheel): string[] {
  const roots = staged.staging.roots;
  const libDir = roots[staged.libRoot]!;
  return [
    ...staged.files.map((file) => join(roots[file.root]!, file.path)),
    join(libDir, staged.manifest.distInfo),
  ];
}

function writeNew(path: string, content: Uint8Array, mode: number): void {
  Deno.writeFileSync(path, content, { mode, createNew: true });
}
