/**
 * Where a path really leads, for the checks that keep package data inside an
 * environment. Text comparison is not enough: a directory on the way may be a
 * symbolic link to anywhere, so containment is decided on real paths
 * ({@link RealPaths}), with missing components (a file not written yet)
 * resolved through their nearest existing ancestor.
 *
 * @module
 */

import { basename, dirname, join, resolve } from "../paths.ts";

/** Symbolic links followed at most while resolving one path (as the kernel's ELOOP limit). */
const MAX_LINKS = 40;

/** Whether `path` is `dir` or inside it, comparing the text of the two absolute paths. */
export function isWithin(path: string, dir: string): boolean {
  const base = resolve(dir);
  const target = resolve(path);
  return target === base || target.startsWith(base.endsWith("/") ? base : base + "/");
}

/**
 * Resolves paths to where they lead, one component at a time (an `lstat`
 * each, remembered: a plan of thousands of files lives in a few hundred
 * directories). A component that does not exist yet is kept as written (it
 * would be created there); a link, dangling or not, is followed to where
 * writing through it would land.
 */
export class RealPaths {
  readonly #known = new Map<string, string>([["/", "/"]]);

  /** The real path of `path` (made absolute first). */
  of(path: string): string {
    return this.#resolve(resolve(path), 0);
  }

  /** Whether `path` really lies inside the real path of `dir`. */
  within(path: string, dir: string): boolean {
    return isWithin(this.of(path), this.of(dir));
  }

  /** `path`: absolute and normalized, as the paths handed to the file system are. */
  #resolve(path: string, links: number): string {
    const known = this.#known.get(path);
    if (known !== undefined) return known;
    const real = this.#child(this.#resolve(dirname(path), links), basename(path), links);
    this.#known.set(path, real);
    return real;
  }

  /** Where entry `name` of the real directory `dir` leads. */
  #child(dir: string, name: string, links: number): string {
    const path = join(dir, name);
    const known = this.#known.get(path);
    if (known !== undefined) return known;
    let info: Deno.FileInfo | undefined;
    try {
      info = Deno.lstatSync(path);
    } catch {
      info = undefined;
    }
    // Past the kernel's limit (a loop), the link is left as it is: opening it would fail.
    if (!info?.isSymlink || links >= MAX_LINKS) return path;
    const target = Deno.readLinkSync(path);
    // The target's components in turn, as the kernel takes them (`..` after a link is the
    // parent of where the link led, not of the link).
    let at = target.startsWith("/") ? "/" : dir;
    for (const part of target.split("/")) {
      if (part === "" || part === ".") continue;
      at = part === ".." ? dirname(at) : this.#child(at, part, links + 1);
    }
    this.#known.set(path, at);
    return at;
  }
}
