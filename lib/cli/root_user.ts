/**
 * pip's warning for running as root outside a virtual environment, and
 * `--root-user-action` (`warn`, the default, or `ignore`; also
 * `PIP_ROOT_USER_ACTION`). As pip 23.2.1: `install` and `uninstall` (and
 * dpip's `upgrade`) give it once they succeeded (not for a dry run), when
 * the real user id is 0 on a POSIX system and the target interpreter is not
 * a virtual environment.
 *
 * @module
 */

import type { CommandContext } from "./context.ts";

/** pip 23.2.1's words, with the name dpip was invoked as when that is a pip name. */
export function rootUserWarning(program: string): string {
  const name = program.startsWith("pip") ? "pip" : "dpip";
  return `Running ${name} as the 'root' user can result in broken permissions and conflicting behaviour with the system package manager. It is recommended to use a virtual environment instead: https://pip.pypa.io/warnings/venv`;
}

/**
 * Whether this process's real user id is 0: read from `/proc/self/status`
 * (no extra permission needed), else `Deno.uid()` where the system allows
 * it; false when neither says.
 */
export function runningAsRoot(): boolean {
  if (Deno.build.os === "windows") return false;
  try {
    const status = Deno.readTextFileSync("/proc/self/status");
    const line = /^Uid:\s+(\d+)/m.exec(status);
    if (line !== null) return line[1] === "0";
  } catch {
    // No procfs (macOS, BSD): ask the runtime.
  }
  try {
    return Deno.uid() === 0;
  } catch {
    return false;
  }
}

/** The warning to give after a successful change, or undefined. */
export function rootUserWarningFor(
  context: CommandContext,
  target: { readonly isVenv: boolean },
  isRoot: () => boolean = runningAsRoot,
): string | undefined {
  if (context.options.choice("rootUserAction") === "ignore") return undefined;
  if (target.isVenv || !isRoot()) return undefined;
  return rootUserWarning(context.program);
}
