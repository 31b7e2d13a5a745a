/**
 * The interpreter a command acts on: `--python` or discovery, read through
 * the cache `--cache-dir` names; `-v` says which was chosen and why.
 *
 * @module
 */

import { resolveCacheRoot } from "../cache/cache_dir.ts";
import { type DiscoveredInterpreter, findInterpreter, type Interpreter } from "../python/mod.ts";
import type { CommandContext } from "./context.ts";

/** The cache root the options and environment name; undefined for `--no-cache-dir`. */
export function commandCacheRoot(context: CommandContext): string | undefined {
  const { io, options } = context;
  const cacheDir = options.isDisabled("cacheDir") ? false : options.string("cacheDir");
  return resolveCacheRoot({
    ...(cacheDir === undefined ? {} : { cacheDir }),
    env: io.env,
    cwd: io.cwd,
  });
}

/** Options for {@link targetInterpreter}. */
export interface TargetInterpreterOptions {
  /** Without `--python`, skip `VIRTUAL_ENV` and `.venv` (for making a venv). */
  readonly skipVirtualEnvironments?: boolean;
}

/** The interpreter `--python` (or discovery) picks, read through the cache `--cache-dir` names. */
export async function targetInterpreter(
  context: CommandContext,
  targetOptions: TargetInterpreterOptions = {},
): Promise<Interpreter> {
  const { io, options } = context;
  const cacheRoot = commandCacheRoot(context);
  const python = options.string("python");
  let found: DiscoveredInterpreter | undefined;
  const interpreter = await findInterpreter({
    ...(python === undefined ? {} : { python }),
    env: io.env,
    cwd: io.cwd,
    invokedAs: io.invokedAs,
    ...(targetOptions.skipVirtualEnvironments ? { skipVirtualEnvironments: true } : {}),
    cacheRoot: cacheRoot ?? false,
    onDiscovered: (discovered) => void (found = discovered),
  });
  if (found !== undefined && options.count("verbose") > 0 && options.count("quiet") === 0) {
    io.stderr.write(chosenInterpreterLine(found, interpreter) + "\n");
  }
  return interpreter;
}

/**
 * What `-v` says about the interpreter chosen: its version, the path found and
 * why, and what that path runs when it is a launcher (a pyenv shim) or a link.
 */
export function chosenInterpreterLine(
  found: DiscoveredInterpreter,
  interpreter: Interpreter,
): string {
  const runs = interpreter.sysExecutable === found.executable
    ? ""
    : `, which runs ${interpreter.sysExecutable}`;
  return `Using Python ${
    interpreter.version.join(".")
  } at ${found.executable}${runs} (from ${found.source})`;
}
