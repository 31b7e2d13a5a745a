/**
 * Finding dpip itself, to put it into an offline bundle (`dpip bundle`):
 * the running compiled binary, or `deno task bundle`'s directory of
 * JavaScript (`main.js`, its chunks, the unpacking worker and the `dpip`
 * launcher), and copying it.
 *
 * Where the running program is tells which:
 * - a compiled binary (`Deno.build.standalone`) is `Deno.execPath()`;
 * - `DPIP_BUNDLE` names a bundle directory (the launcher's own variable);
 * - run from the bundle, this module is a chunk at the bundle's top, so the
 *   bundle is the directory of `import.meta.url`;
 * - run from a checkout (`lib/operations/` here), the checkout's
 *   `dist/dpip` (`deno task compile`) or else `dist/bundle/`.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { dirname, fileURLToPath, join } from "../paths.ts";

/** A dpip that can be copied into a bundle. */
export type DpipBuild =
  /** A `deno compile`d executable. */
  | { readonly kind: "binary"; readonly path: string }
  /** `deno task bundle`'s output directory (runs with `deno`). */
  | { readonly kind: "bundle"; readonly dir: string };

/** What the running program knows about where it is. */
export interface RunningProgram {
  /** `Deno.build.standalone`: running as a compiled binary. */
  readonly standalone: boolean;
  /** `Deno.execPath()`. */
  readonly execPath: string;
  /** `import.meta.url` of this module. */
  readonly moduleUrl: string;
  /** `DPIP_BUNDLE`, when set. */
  readonly bundleVariable?: string;
  /** Whether a regular file exists at a path. */
  readonly isFile: (path: string) => boolean;
}

/** Neither a compiled dpip nor its bundle is where the running program looks. */
export class DpipBuildMissingError extends DpipError<"dpip-build-missing"> {
  /** Where dpip looked. */
  readonly places: readonly string[];
  constructor(places: readonly string[], hint: string) {
    super(
      "dpip-build-missing",
      `Cannot put dpip itself into the bundle: found neither a compiled dpip nor dpip's JavaScript bundle (looked at ${
        places.join(", ")
      })`,
      { hint },
    );
    this.name = "DpipBuildMissingError";
    this.places = places;
  }
}

/** Whether `dir` holds a bundle: `main.js` and its `dpip` launcher. */
function isBundleDir(dir: string, isFile: (path: string) => boolean): boolean {
  return isFile(join(dir, "main.js")) && isFile(join(dir, "dpip"));
}

/**
 * The dpip the running program can copy (see the module documentation for
 * the order).
 *
 * @throws {DpipBuildMissingError} when there is none, saying which command makes one.
 */
export function locateDpipBuild(program: RunningProgram): DpipBuild {
  if (program.standalone) return { kind: "binary", path: program.execPath };
  const { isFile } = program;
  if (program.bundleVariable) {
    const dir = program.bundleVariable;
    if (isBundleDir(dir, isFile)) return { kind: "bundle", dir };
    throw new DpipBuildMissingError(
      [dir],
      `DPIP_BUNDLE must name the directory 'deno task bundle' writes (dist/bundle/, holding main.js and dpip); unset it or correct it`,
    );
  }
  const here = dirname(fileURLToPath(program.moduleUrl));
  if (!program.moduleUrl.endsWith(".ts") && isBundleDir(here, isFile)) {
    return { kind: "bundle", dir: here };
  }
  const checkout = dirname(dirname(here));
  const binary = join(checkout, "dist", "dpip");
  if (isFile(binary)) return { kind: "binary", path: binary };
  const bundle = join(checkout, "dist", "bundle");
  if (isBundleDir(bundle, isFile)) return { kind: "bundle", dir: bundle };
  throw new DpipBuildMissingError(
    [binary, bundle],
    `run 'deno task bundle' (or 'deno task compile', where Deno can fetch denort) in ${checkout}, then run this again`,
  );
}

/** The dpip this process can copy: {@link locateDpipBuild} for the running program. */
export function runningDpipBuild(env: Readonly<Record<string, string>>): DpipBuild {
  const bundleVariable = env["DPIP_BUNDLE"];
  return locateDpipBuild({
    standalone: Deno.build.standalone,
    execPath: Deno.execPath(),
    moduleUrl: import.meta.url,
    ...(bundleVariable === undefined ? {} : { bundleVariable }),
    isFile: (path) => {
      try {
        return Deno.statSync(path).isFile;
      } catch {
        return false;
      }
    },
  });
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory) await copyTree(source, target);
    else if (entry.isFile) await Deno.copyFile(source, target);
  }
}

/**
 * Copies `build` into `dir` (made here): a binary as `dir/dpip`, a bundle's
 * files as they are (its launcher is `dir/dpip` too), both executable.
 */
export async function copyDpipBuild(build: DpipBuild, dir: string): Promise<void> {
  if (build.kind === "binary") {
    await Deno.mkdir(dir, { recursive: true });
    await Deno.copyFile(build.path, join(dir, "dpip"));
  } else {
    await copyTree(build.dir, dir);
  }
  await Deno.chmod(join(dir, "dpip"), 0o755);
}
