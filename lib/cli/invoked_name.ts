/**
 * The name dpip was invoked as: `argv[0]` exactly as the OS passed it, so a
 * symbolic link, hard link or copy named `pip3.12` acts as pip for Python
 * 3.12.
 *
 * `Deno.execPath()` cannot tell: it reads `/proc/self/exe` (or the platform's
 * equivalent), which the kernel resolves through symbolic links, and a hard
 * link or copy has its own name only in `argv[0]`. `Deno.args` leaves
 * `argv[0]` out. So, in order:
 * - `/proc/self/cmdline` (Linux): its first NUL-terminated field is `argv[0]`.
 *   Reading it costs one small file read and needs only `--allow-read`.
 * - `node:process`'s `argv0` elsewhere: the same value, but loading the Node
 *   compatibility layer costs ~12 ms, so only where there is no `/proc`.
 *
 * In a compiled binary `argv[0]` is the binary's own name (`pip3.12`,
 * `./dist/dpip`). Under `deno run` it is `deno`, unless the launcher sets it:
 * the bundle's wrapper script runs `exec -a "$0" deno run …`, so the bundle
 * reads its wrapper's name through the same path as the binary.
 *
 * @module
 */

/** `argv[0]` from the contents of `/proc/self/cmdline`; undefined when there is none. */
export function argv0FromCmdline(bytes: Uint8Array): string | undefined {
  const end = bytes.indexOf(0);
  const first = new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
  return first === "" ? undefined : first;
}

/** Options for {@link readInvokedName}, to replace the process's own sources in tests. */
export interface ReadInvokedNameOptions {
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
