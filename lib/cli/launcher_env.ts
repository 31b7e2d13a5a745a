/**
 * Variables the bundle's launcher (`scripts/bundle_launcher.sh`) sets for
 * dpip's own process only: glibc's `MALLOC_MMAP_THRESHOLD_`, a memory tuning
 * read when the process starts, with {@link LAUNCHER_MALLOC_VARIABLE} saying
 * that the launcher set it (not you). Both are taken out of the environment
 * at start-up, so that nothing dpip starts (build backends, the bytecode
 * compiler) inherits them; a `MALLOC_MMAP_THRESHOLD_` of your own is left
 * alone (the launcher then sets neither).
 *
 * @module
 */

/** The variable that says the launcher set {@link MALLOC_VARIABLE}. */
export const LAUNCHER_MALLOC_VARIABLE = "DPIP_LAUNCHER_MALLOC";
/** glibc's threshold above which `malloc` maps each block on its own. */
export const MALLOC_VARIABLE = "MALLOC_MMAP_THRESHOLD_";

/** The part of `Deno.env` this module uses. */
export interface EnvAccess {
  get(name: string): string | undefined;
  delete(name: string): void;
}

/**
 * Removes the launcher's variables from `env` (the process's environment by
 * default) when the launcher set them; does nothing without `--allow-env`.
 *
 * @example
 * ```ts
 * import { dropLauncherVariables } from "./launcher_env.ts";
 * const env = new Map([["DPIP_LAUNCHER_MALLOC", "1"], ["MALLOC_MMAP_THRESHOLD_", "65536"]]);
 * dropLauncherVariables(env);
 * env.size; // 0
 * ```
 */
export function dropLauncherVariables(env: EnvAccess = Deno.env): void {
  try {
    if (env.get(LAUNCHER_MALLOC_VARIABLE) === undefined) return;
    env.delete(LAUNCHER_MALLOC_VARIABLE);
    env.delete(MALLOC_VARIABLE);
  } catch {
    // No --allow-env: nothing was passed on either.
  }
}
