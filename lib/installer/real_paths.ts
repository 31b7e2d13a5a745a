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
 * Resolves paths to where they lead, remembering each answer (a plan of
 * thousands of files lives in a few hundred directories). A path that does
 * not exist yet resolves through its nearest existing ancestor; a dangling
 * link resolves to where writing through it would land.
 */
export class RealPaths {
  readonly #known = new Map<string, string>();

  /** The real path of `path` (absolute). */
  of(path: string): string {
    return this.#resolve(resolve(path), 0);
  }

  /** Whether `path` really lies inside the real path of `dir`. */
  within(path: string, dir: string): boolean {
    return isWithin(this.of(path), this.of(dir));
  }

  #resolve(path: string, links: number): string {
    const known = this.#known.get(path);
    if (known !== undefined) return known;
    let real: string;
    try {
      real = Deno.realPathSync(path);
    } catch {
      real = this.#unresolved(path, links);
    }
    this.#known.set(path, real);
    return real;
  }

  /** `path` does not resolve: it is missing, or a link to something missing (or a loop). */
  #unresolved(path: string, links: number): string {
    const parent = dirname(path);
    if (parent === path) return path;
    let target: string | undefined;
    try {
      if (Deno.lstatSync(path).isSymlink) target = Deno.readLinkSync(path);
    } catch {
      target = undefined;
    }
    if (target !== undefined && links < MAX_LINKS) {
      return this.#resolve(resolve(this.#resolve(parent, links), target), links + 1);
    }
    return join(this.#resolve(parent, links), basename(path));
  }
}
