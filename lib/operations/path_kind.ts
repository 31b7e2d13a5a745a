/**
 * What a requirement that may name a local path names on disk, read with
 * one `stat`: the `stat` the requirement parsers take as a parameter.
 *
 * @module
 */

import type { PathKind } from "../requirements/source.ts";

/** Whether `path` is a directory or a file; undefined when nothing is there. */
export function statKind(path: string): PathKind {
  try {
    return Deno.statSync(path).isDirectory ? "directory" : "file";
  } catch {
    return undefined;
  }
}
