/**
 * The Python interpreter dpip acts on: discovery, the cached probe, install
 * schemes and PEP 668 status. Knows nothing about packages.
 *
 * @module
 */

import { resolveCacheRoot } from "../cache/cache_dir.ts";
import { type DiscoveredInterpreter, discoverInterpreter } from "./discovery.ts";
import { type Interpreter, InterpreterProbeError, queryInterpreter } from "./interpreter.ts";

export { discoverInterpreter, InterpreterNotFoundError } from "./discovery.ts";
export type { DiscoveredInterpreter, DiscoveryOptions } from "./discovery.ts";
export {
  externallyManagedMessage,
  messageLanguage,
  resolveScheme,
  type Scheme,
  type SchemeKind,
} from "./environment.ts";
export { Interpreter, InterpreterProbeError, queryInterpreter } from "./interpreter.ts";
export type { ExternallyManaged, QueryInterpreterOptions } from "./interpreter.ts";
export { PROBE_SCRIPT, PROBE_VERSION } from "./probe_script.ts";
export type { ProbeOutput } from "./probe_script.ts";

/** Options for {@link findInterpreter}. */
export interface FindInterpreterOptions {
  /** `--python`: a path, a venv directory, `3.12` or `python3.12`. */
  readonly python?: string;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** The name dpip was invoked as (`pip3.12` targets `python3.12`). */
  readonly invokedAs: string;
  /** Skip the active `VIRTUAL_ENV` and a `.venv` around the working directory. */
  readonly skipVirtualEnvironments?: boolean;
  /** The cache root; default from the environment (`resolveCacheRoot`); false disables caching. */
  readonly cacheRoot?: string | false;
  /** Told which executable discovery chose and why, before it is queried (for `-v`). */
  readonly onDiscovered?: (found: DiscoveredInterpreter) => void;
}

/**
 * Finds the interpreter to act on and reads its facts (from the cache when
 * fresh, else with one spawn).
 *
 * @throws {InterpreterNotFoundError} when nothing was found (the message lists the paths tried).
 * @throws {InterpreterProbeError} when the interpreter found does not run.
 * @example
 * ```ts
 * import { findInterpreter } from "./mod.ts";
 * const python = await findInterpreter({ env: { PATH: "/usr/bin" }, cwd: "/", invokedAs: "dpip" });
 * python.scheme({ kind: "default" }).purelib; // e.g. "/usr/lib/python3/dist-packages"
 * ```
 */
export async function findInterpreter(options: FindInterpreterOptions): Promise<Interpreter> {
  const found = await discoverInterpreter(options);
  options.onDiscovered?.(found);
  const cacheRoot = options.cacheRoot === false
    ? undefined
    : options.cacheRoot ?? resolveCacheRoot({ env: options.env, cwd: options.cwd });
  const interpreter = await queryInterpreter(found.executable, {
    env: options.env,
    cwd: options.cwd,
    ...(cacheRoot === undefined ? {} : { cacheRoot }),
  });
  if (found.requiredVersion !== undefined) {
    const actual = interpreter.version.join(".");
    if (actual !== found.requiredVersion) {
      throw new InterpreterProbeError(
        found.executable,
        `it is Python ${actual}, not ${found.requiredVersion} (${found.source})`,
      );
    }
  }
  return interpreter;
}
