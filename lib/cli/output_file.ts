/**
 * Files a command writes where the user said (`lock -o`, `compile -o`,
 * `install --report`, `audit -o`, `sbom -o`): written whole or not at all,
 * and a path that cannot take it is one line naming it, not a crash.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { basename, dirname, join } from "../paths.ts";

/** A file the user named that dpip cannot write. */
export class OutputFileError extends DpipError<"output-file"> {
  /** The path as the user gave it. */
  readonly path: string;

  constructor(path: string, what: string, reason: string, cause: unknown) {
    super("output-file", `Cannot write ${what} to ${path}: ${reason}`, {
      hint: "name a file in an existing directory you can write to",
      cause,
    });
    this.name = "OutputFileError";
    this.path = path;
  }
}

/** Why a write failed, in words. */
function reasonOf(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "its directory does not exist";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.IsADirectory) return "it is a directory";
  if (error instanceof Deno.errors.NotADirectory) return "a part of its directory is a file";
  return error instanceof Error ? error.message : String(error);
}

/**
 * Writes `text` to `path` (`shown` is the path as the user gave it) through a
 * temporary file beside it and a rename, so a failed write leaves what was
 * there before. Throws {@link OutputFileError}.
 *
 * @example
 * ```ts ignore
 * writeOutputFile("/srv/pylock.toml", "pylock.toml", "the lock file", text);
 * ```
 */
export function writeOutputFile(path: string, shown: string, what: string, text: string): void {
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${crypto.randomUUID().slice(0, 8)}.tmp`,
  );
  try {
    Deno.writeTextFileSync(temporary, text);
    Deno.renameSync(temporary, path);
  } catch (error) {
    try {
      Deno.removeSync(temporary);
    } catch {
      // never written
    }
    throw new OutputFileError(shown, what, reasonOf(error), error);
  }
}
