/**
 * `wheel`: the wheels of your requirements (and, unless `noDeps`, of their
 * dependencies) in one directory, as pip's `wheel` makes them. The
 * requirements are resolved as `install` resolves them, ignoring what is
 * installed; a version the indexes offer as a wheel is downloaded (hashes
 * verified), one offered only as an sdist, a project directory, a source
 * archive or a VCS URL is built (in an isolated build environment unless
 * `buildIsolation` is false), and every wheel is copied into the wheel
 * directory. Nothing is installed.
 *
 * Returns data; never prints.
 *
 * @module
 */

import { basename, join } from "../paths.ts";
import { DpipError } from "../errors.ts";
import type { LocalWheel } from "../installer/prepare.ts";
import type { PackageName } from "../names/mod.ts";
import type { Interpreter } from "../python/mod.ts";
import type { RequirementsSpecification } from "../requirements/specification.ts";
import { type InstallOptions, installRequirements } from "./install.ts";
import type { WheelDocument } from "./json_documents.ts";

/** Options for {@link buildWheels}: `install`'s, without a target. */
export interface WheelOptions extends Omit<InstallOptions, "target" | "onWheels"> {
  /** The interpreter the wheels are for (it runs the build backends). */
  readonly interpreter: Interpreter;
  /** Where the wheels go (created when missing). */
  readonly wheelDir: string;
}

/** One wheel in the wheel directory. */
export interface SavedWheel {
  readonly name: PackageName;
  readonly version: string;
  readonly filename: string;
  /** Its path in the wheel directory. */
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  /** `built` in this run, `downloaded`, `cached` (HTTP cache), or `local` (a file on disk). */
  readonly origin: "built" | "downloaded" | "cached" | "local";
  /** Named by your requirements. */
  readonly requested: boolean;
}

/** What {@link buildWheels} did. */
export interface WheelOutcome {
  /** In pip's collection order: your requirements first, then their dependencies. */
  readonly wheels: readonly SavedWheel[];
  readonly warnings: readonly string[];
}

/** A wheel file name that is not a plain file name (from a hostile index or backend). */
export class BadWheelNameError extends DpipError<"invalid-wheel-filename"> {
  constructor(filename: string) {
    super("invalid-wheel-filename", `Refusing to save a wheel named ${JSON.stringify(filename)}`, {
      hint: "a wheel's file name must not contain a directory",
    });
    this.name = "BadWheelNameError";
  }
}

/**
 * Builds (or downloads) the wheels of `spec` into `options.wheelDir`.
 *
 * @throws {ResolutionImpossibleError} when no versions fit (nothing saved).
 * @throws {BuildCycleError} when an sdist needs itself to build (nothing saved).
 * @throws {CancelledError} when `options.signal` was aborted (nothing saved).
 * @example
 * ```ts ignore
 * const outcome = await buildWheels(spec, { settings, services, interpreter, wheelDir: "wheelhouse" });
 * outcome.wheels.map((wheel) => wheel.filename);
 * ```
 */
export async function buildWheels(
  spec: RequirementsSpecification,
  options: WheelOptions,
): Promise<WheelOutcome> {
  const { interpreter, wheelDir, reporter, ...rest } = options;
  const built = new Set<PackageName>();
  let saved: SavedWheel[] = [];
  // pip's wheel builds `-e` projects as regular wheels (editable wheels are for installing).
  const regular: RequirementsSpecification = {
    ...spec,
    requirements: spec.requirements.map((each) =>
      each.source.editable ? { ...each, source: { ...each.source, editable: false } } : each
    ),
  };
  const outcome = await installRequirements(regular, {
    ...rest,
    settings: {
      ...options.settings,
      // pip's wheel resolves as if nothing were installed, and installs nothing.
      ignoreInstalled: true,
      upgrade: false,
      forceReinstall: false,
      dryRun: false,
      report: false,
      compile: false,
    },
    target: { interpreter, scheme: { kind: "target", dir: wheelDir } },
    reporter: {
      ...reporter,
      onBuilt: (name, filename) => {
        built.add(name);
        reporter?.onBuilt?.(name, filename);
      },
    },
    onWheels: async (wheels) => {
      saved = await saveWheels(wheels, wheelDir, built);
    },
  });
  // pip's order: as collected (your requirements first, then breadth first).
  const order = new Map(outcome.collected.map((item, index) => [item.name, index]));
  const requested = new Set(
    outcome.collected.filter((item) => item.chain.length === 0).map((item) => item.name),
  );
  return {
    wheels: saved.map((wheel) => ({ ...wheel, requested: requested.has(wheel.name) }))
      .sort((a, b) => (order.get(a.name) ?? order.size) - (order.get(b.name) ?? order.size)),
    warnings: outcome.warnings,
  };
}

/** Copies the wheels into `dir` (each whole or not at all). */
async function saveWheels(
  wheels: readonly LocalWheel[],
  dir: string,
  built: ReadonlySet<PackageName>,
): Promise<SavedWheel[]> {
  await Deno.mkdir(dir, { recursive: true });
  const saved: SavedWheel[] = [];
  for (const wheel of wheels) {
    const filename = wheel.request.filename;
    if (filename !== basename(filename) || filename === "" || filename.startsWith(".")) {
      throw new BadWheelNameError(filename);
    }
    const path = join(dir, filename);
    if (wheel.path !== path) {
      const temp = join(dir, `.${filename}.tmp-${crypto.randomUUID().slice(0, 8)}`);
      try {
        await Deno.copyFile(wheel.path, temp);
        await Deno.rename(temp, path);
      } catch (error) {
        await Deno.remove(temp).catch(() => {});
        throw error;
      }
    }
    saved.push({
      name: wheel.request.name,
      version: wheel.request.version,
      filename,
      path,
      size: wheel.size ?? (await Deno.stat(path)).size,
      sha256: wheel.sha256,
      origin: built.has(wheel.request.name)
        ? "built"
        : wheel.origin === "downloaded" || wheel.origin === "cached"
        ? wheel.origin
        : "local",
      requested: false,
    });
  }
  return saved;
}

/** `wheel --format json`. */
export function wheelDocument(outcome: WheelOutcome, wheelDir: string): WheelDocument {
  return {
    schema_version: 1,
    wheel_dir: wheelDir,
    wheels: outcome.wheels.map((wheel) => ({
      name: wheel.name,
      version: wheel.version,
      filename: wheel.filename,
      path: wheel.path,
      size: wheel.size,
      sha256: wheel.sha256,
      origin: wheel.origin,
      requested: wheel.requested,
    })),
    warnings: [...new Set(outcome.warnings)],
  };
}
