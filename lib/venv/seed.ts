/**
 * What `--seed` installs into a new venv: pip, plus setuptools and wheel for
 * Pythons before 3.12, which still expect them (3.12 removed distutils and
 * its `ensurepip` stopped installing setuptools) — the choice `virtualenv`
 * and uv make. Pure.
 *
 * @module
 */

/**
 * The projects `--seed` installs into a venv of Python `version`.
 *
 * @example
 * ```ts
 * import { seedProjects } from "./seed.ts";
 * seedProjects([3, 11, 7]); // ["pip", "setuptools", "wheel"]
 * seedProjects([3, 12, 1]); // ["pip"]
 * ```
 */
export function seedProjects(version: readonly number[]): string[] {
  const [major = 3, minor = 0] = version;
  return major === 3 && minor < 12 ? ["pip", "setuptools", "wheel"] : ["pip"];
}
