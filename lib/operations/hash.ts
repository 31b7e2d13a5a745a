/**
 * `hash`: digests of local files, for `--hash` lines.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import type { HashDocument } from "./json_documents.ts";
import { hashFile } from "../net/hashes.ts";

/** The algorithms `hash` offers (pip's strong hashes). */
export const HASH_ALGORITHMS = ["sha256", "sha384", "sha512"] as const;

/** One of {@link HASH_ALGORITHMS}. */
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

/** A file `hash` cannot read. */
export class HashFileError extends DpipError {
  readonly path: string;
  constructor(path: string, reason: string, cause: unknown) {
    super("hash-file", `Cannot hash ${path}: ${reason}`, { cause });
    this.name = "HashFileError";
    this.path = path;
  }
}

/** The digest of one file. */
export interface FileDigest {
  /** The path as given. */
  readonly path: string;
  readonly algorithm: HashAlgorithm;
  readonly digest: string;
}

/**
 * Hashes each file (paths relative to `cwd`), in the order given.
 *
 * @throws {HashFileError} when a file is missing or unreadable.
 */
export async function hashFiles(
  paths: readonly string[],
  options: { algorithm?: HashAlgorithm; cwd: string },
): Promise<FileDigest[]> {
  const algorithm = options.algorithm ?? "sha256";
  return await Promise.all(paths.map(async (path) => {
    const absolute = path.startsWith("/") ? path : `${options.cwd}/${path}`;
    try {
      const digests = await hashFile(absolute, [algorithm]);
      return { path, algorithm, digest: digests[algorithm] ?? "" };
    } catch (error) {
      const reason = error instanceof Deno.errors.NotFound
        ? "no such file"
        : error instanceof Deno.errors.IsADirectory
        ? "it is a directory"
        : error instanceof Error
        ? error.message
        : String(error);
      throw new HashFileError(path, reason, error);
    }
  }));
}

/** `hash --format json`: each file's digest and the `--hash` option that pins it. */
export function hashDocument(
  digests: readonly FileDigest[],
  algorithm: HashAlgorithm,
): HashDocument {
  return {
    schema_version: 1,
    algorithm,
    files: digests.map((d) => ({
      path: d.path,
      digest: d.digest,
      option: `--hash=${d.algorithm}:${d.digest}`,
    })),
  };
}
