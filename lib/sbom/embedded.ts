/**
 * PEP 770: the SBOM documents a wheel ships in `.dist-info/sboms/`, which an
 * installer keeps. dpip references each (its path and hashes) from the
 * component it belongs to rather than merging it: PEP 770 leaves those
 * documents opaque, in whatever format, for SBOM tools to merge.
 *
 * @module
 */

import { join } from "../paths.ts";

/** The most files read from one `sboms/` directory, and the largest one hashed. */
export const MAX_EMBEDDED_FILES = 100;
const MAX_EMBEDDED_BYTES = 64 * 1024 * 1024;

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The regular files directly in `<infoPath>/sboms/` (sorted by name), with
 * their sha256 and sha1 (SPDX 2.3 requires a sha1 for a file). Links,
 * subdirectories and files past the bounds are left out, and named in the
 * warnings.
 */
export async function readEmbeddedSboms(
  infoPath: string,
): Promise<
  { files: { path: string; name: string; sha256: string; sha1: string }[]; warnings: string[] }
> {
  const dir = join(infoPath, "sboms");
  const files: { path: string; name: string; sha256: string; sha1: string }[] = [];
  const warnings: string[] = [];
  let names: string[] = [];
  try {
    if (!(await Deno.lstat(dir)).isDirectory) return { files, warnings };
    for await (const entry of Deno.readDir(dir)) {
      if (names.length >= MAX_EMBEDDED_FILES) {
        warnings.push(`${dir}: more than ${MAX_EMBEDDED_FILES} files, the rest left out`);
        break;
      }
      if (entry.isFile) names.push(entry.name);
      else warnings.push(`${join(dir, entry.name)}: not a regular file, left out`);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { files, warnings };
    throw error;
  }
  names = names.sort();
  for (const name of names) {
    const path = join(dir, name);
    const info = await Deno.lstat(path);
    if (!info.isFile || info.size > MAX_EMBEDDED_BYTES) {
      warnings.push(`${path}: larger than ${MAX_EMBEDDED_BYTES} bytes, left out`);
      continue;
    }
    const bytes = await Deno.readFile(path);
    const [sha256, sha1] = await Promise.all([
      crypto.subtle.digest("SHA-256", bytes),
      crypto.subtle.digest("SHA-1", bytes),
    ]);
    files.push({ path, name, sha256: hex(sha256), sha1: hex(sha1) });
  }
  return { files, warnings };
}
