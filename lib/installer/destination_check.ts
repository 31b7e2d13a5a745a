/**
 * The last check before a staged wheel moves into the environment: that
 * every file lands where its path says once links already in the
 * environment are followed (`real_paths.ts`). Text checks on names happen
 * earlier (`wheel_layout.ts`); this one looks at the file system.
 *
 * @module
 */

import { join } from "../paths.ts";
import { DirectoryListings } from "./listings.ts";
import { isWithin, RealPaths } from "./real_paths.ts";
import { WheelInstallError } from "./wheel.ts";

/**
 * Checks, before anything moves into the environment, that every staged
 * file lands where its path says, resolving links that already exist there:
 * a scheme directory inside `boundary` (the environment's data directory)
 * must really lie inside it (a `bin` that is a link to elsewhere would take
 * the launchers with it), no directory on the way below a scheme directory
 * may be a link (the commit never writes through links, and could not merge
 * into them), and no file may land where a directory is (the commit would
 * delete the directory).
 *
 * Only directories that already exist are looked at: into a fresh
 * environment this costs a few `lstat` calls per wheel, not one per file;
 * and a top-level name missing from the listing of its scheme directory
 * (`listings`, shared by an install's wheels: nothing is committed while
 * they are staged) is not looked at either.
 *
 * @throws {WheelInstallError} naming the wheel and the path in the way.
 */
export function checkDestinations(
  filename: string,
  target: {
    staging: { readonly roots: readonly string[] };
    files: readonly { readonly root: number; readonly path: string }[];
    boundary: string;
    listings?: DirectoryListings;
  },
): void {
  const refuse = (reason: string): never => {
    throw new WheelInstallError(filename, reason, { code: "unsafe-destination" });
  };
  const real = new RealPaths();
  const listings = target.listings ?? new DirectoryListings();
  const byRoot = new Map<number, string[]>();
  for (const file of target.files) {
    const paths = byRoot.get(file.root);
    if (paths === undefined) byRoot.set(file.root, [file.path]);
    else paths.push(file.path);
  }
  for (const [root, paths] of byRoot) {
    const rootDir = target.staging.roots[root]!;
    if (isWithin(rootDir, target.boundary) && !real.within(rootDir, target.boundary)) {
      refuse(
        `${rootDir} leads outside ${target.boundary} (to ${
          real.of(rootDir)
        }, through a symbolic link); dpip does not install through it`,
      );
    }
    // Whether each directory (relative to the root; "" is the root) exists as a directory.
    const present = new Map<string, boolean>([["", isDirectory(rootDir)]]);
    const isPresent = (dir: string): boolean => {
      const known = present.get(dir);
      if (known !== undefined) return known;
      const slash = dir.lastIndexOf("/");
      let exists = false;
      const listed = slash >= 0 || listings.has(rootDir, dir);
      if (listed && isPresent(slash < 0 ? "" : dir.slice(0, slash))) {
        const path = join(rootDir, dir);
        const info = lstatOrUndefined(path);
        if (info?.isSymlink) {
          refuse(`${path} is a symbolic link; dpip does not install through links`);
        }
        // A file in the way is left to the commit, which fails on it (and finishes once it is
        // gone); nothing below it exists.
        exists = info?.isDirectory === true;
      }
      present.set(dir, exists);
      return exists;
    };
    for (const path of paths) {
      const slash = path.lastIndexOf("/");
      if (!isPresent(slash < 0 ? "" : path.slice(0, slash))) continue;
      if (slash < 0 && !listings.has(rootDir, path)) continue;
      const destination = join(rootDir, path);
      if (lstatOrUndefined(destination)?.isDirectory) {
        refuse(`${destination} is a directory where the wheel has a file`);
      }
    }
  }
}

function lstatOrUndefined(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Whether `path` is a directory, following links (a scheme directory may be one: `lib64`). */
function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}
