/**
 * The name dpip was invoked as: `argv[0]` exactly as the OS passed it, so a
 * symbolic link, hard link or copy named `pip3.12` acts as pip for Python
 * 3.12.
 *
 * `Deno.execPath()` cannot tell: it reads `/proc/self/exe` (or the platform's
 * equivalent), which the kernel resolves through symbolic links, and a hard
 * link or copy has its own name only in `argv[0]`. `Deno.args` leaves
 * `argv[0]` out. So, in order:
 * - `DPIP_INVOKED_AS`, which the bundle's launcher sets to the name it was run
 *   as (and which is removed from the environment once read, so that nothing
 *   dpip starts inherits it).
 * - `/proc/self/cmdline` (Linux): its first NUL-terminated field is `argv[0]`.
 *   One small file read, but Deno 2.9 lets only `--allow-all` read `/proc/self`,
 *   so a binary with dpip's narrower permissions goes on to:
 * - `node:process`'s `argv0`: the same value, but loading the Node
 *   compatibility layer costs ~20 ms of start-up.
 *
 * In a compiled binary `argv[0]` is the binary's own name (`pip3.12`,
 * `./dist/dpip`). Under `deno run` it is `deno`, unless the launcher says
 * otherwise: the bundle's wrapper script runs
 * `DPIP_INVOKED_AS="$0" exec -a "$0" deno run …`.
 *
 * @module
 */

/** `argv[0]` from the contents of `/proc/self/cmdline`; undefined when there is none. */
export function argv0FromCmdline(bytes: Uint8Array): string | undefined {
  const end = bytes.indexOf(0);
  const first = new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
  return first === "" ? undefined : first;
}

/** The variable the bundle's launcher passes its name in. */
export const INVOKED_AS_VARIABLE = "DPIP_INVOKED_AS";

/** `DPIP_INVOKED_AS`, removed from this process's environment once read. */
function takeLauncherName(): string | undefined {
  try {
    const name = Deno.env.get(INVOKED_AS_VARIABLE);
    if (name !== undefined) Deno.env.delete(INVOKED_AS_VARIABLE);
    return name;
  } catch {
    return undefined; // no --allow-env
  }
}

/** Options for {@link readInvokedName}, to replace the process's own sources in tests. */
export interface ReadInvokedNameOptions {
  /** The launcher's `DPIP_INVOKED_AS` (taken out of the environment). */
  readonly launcherName?: () => string | undefined;
  /** Reads `/proc/self/cmdline` (throws where there is none). */
  readonly readCmdline?: () => Uint8Array;
  /** `node:process`'s `argv0`. */
  readonly nodeArgv0?: () => Promise<string | undefined>;
}

/**
 * `argv[0]` of this process as the OS passed it (`pip3.12`, `/usr/local/bin/pip`,
 * `deno`), or undefined when it cannot be read.
 *
 * @example
 * ```ts ignore
 * const name = await readInvokedName(); // "pip3.12" when run through a link of that name
 * ```
 */
export async function readInvokedName(
  options: ReadInvokedNameOptions = {},
): Promise<string | undefined> {
  const launched = (options.launcherName ?? takeLauncherName)();
  if (launched !== undefined && launched !== "") return launched;
  const readCmdline = options.readCmdline ?? (() => Deno.readFileSync("/proc/self/cmdline"));
  try {
    return argv0FromCmdline(readCmdline());
  } catch {
    // No /proc (macOS, Windows) or no read permission: ask the Node layer.
  }
  try {
    const nodeArgv0 = options.nodeArgv0 ??
      (async () => (await import("node:process")).default.argv0);
    const name = await nodeArgv0();
    return name === "" ? undefined : name;
  } catch {
    return undefined;
  }
}
