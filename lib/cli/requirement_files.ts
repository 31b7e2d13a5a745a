/**
 * Reading requirements files named on the command line: paths relative to
 * the working directory, or `http(s):`/`file:` URLs.
 *
 * @module
 */

import { resolve } from "../paths.ts";

/**
 * Reads a requirements file: a path (relative to `cwd`), or an
 * `http(s):`/`file:` URL.
 *
 * @example
 * ```ts ignore
 * const text = await readRequirementsLocation("requirements.txt", "/project");
 * ```
 */
export async function readRequirementsLocation(location: string, cwd: string): Promise<string> {
  if (/^https?:\/\//i.test(location)) {
    const response = await fetch(location);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return await response.text();
  }
  if (/^file:/i.test(location)) return await Deno.readTextFile(new URL(location));
  return await Deno.readTextFile(resolve(cwd, location));
}
