/**
 * Whether a file names a PEP 751 lock file, by its name alone: what the
 * commands taking `-r` decide before reading anything (a run without a lock
 * file never loads the lock format's modules).
 *
 * @module
 */

import { basename } from "../paths.ts";

/**
 * Whether `filename` names a lock file: `pylock.toml` or `pylock.<name>.toml` (PEP 751).
 *
 * @example
 * ```ts
 * import { isPylockFilename } from "./pylock_name.ts";
 * isPylockFilename("pylock.dev.toml"); // true
 * isPylockFilename("requirements.txt"); // false
 * ```
 */
export function isPylockFilename(filename: string): boolean {
  return filename === "pylock.toml" || /^pylock\.[^.]+\.toml$/.test(filename);
}

/**
 * Whether a `-r` location (a path or a URL) names a lock file, by its file
 * name, as pip decides.
 *
 * @example
 * ```ts
 * import { isPylockLocation } from "./pylock_name.ts";
 * isPylockLocation("https://example.com/locks/pylock.toml?x=1"); // true
 * ```
 */
export function isPylockLocation(location: string): boolean {
  const path = /^[a-z]+:\/\//i.test(location) ? new URL(location).pathname : location;
  return isPylockFilename(basename(path));
}
