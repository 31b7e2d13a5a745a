/**
 * Sandboxed builds (`--build-sandbox`): each PEP 517 hook process runs under
 * bubblewrap (`bwrap`, Debian's `bubblewrap`) with
 *
 * - no network (a new, empty network namespace: the build requirements were
 *   installed by dpip beforehand, outside the sandbox);
 * - the whole file system read-only, with the home directories (`$HOME`,
 *   `/root`, `/home`) and `/tmp` replaced by empty read-only directories, so
 *   `~/.netrc`, `~/.pypirc`, keyrings, SSH keys and cloud credentials are
 *   not there; the interpreter's own directories are put back read-only;
 * - write access only to the build's own directories (the project being
 *   built, and the build's work directory with its isolated environment, the
 *   wheel it writes, and a fresh `HOME` and `TMPDIR`);
 * - an environment without `PIP_*` and `DPIP_*` variables (which hold index
 *   URLs with passwords, tokens and proxies);
 * - its own PID, IPC and UTS namespaces, a new session (no terminal
 *   injection), and death with dpip.
 *
 * Where `bwrap` is missing or cannot create namespaces, a sandboxed build
 * refuses to start, saying so.
 *
 * @module
 */

import { DpipError } from "../errors.ts";

/** What one sandboxed process may see and touch. */
export interface SandboxPaths {
  /** Directories that stay readable although they lie in a hidden home (the interpreter's). */
  readonly readable: readonly string[];
  /** The only directories it may write to. */
  readonly writable: readonly string[];
}

/** `--build-sandbox` asked for, but bubblewrap cannot run here. */
export class SandboxUnavailableError extends DpipError<"build-sandbox-unavailable"> {
  /** `detail` says why. */
  constructor(detail: string) {
    super("build-sandbox-unavailable", `--build-sandbox cannot sandbox builds here: ${detail}`, {
      hint:
        "install bubblewrap (apt-get install bubblewrap) where user namespaces are allowed, or build without --build-sandbox",
    });
    this.name = "SandboxUnavailableError";
  }
}

/**
 * A sandboxed backend's environment: without dpip's and pip's settings
 * (which hold secrets), with `HOME` and `TMPDIR` in the build's own directory.
 */
export function sandboxEnv(
  env: Readonly<Record<string, string>>,
  dirs: { home: string; tmp: string },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (/^(PIP|DPIP)_/i.test(key)) continue;
    out[key] = value;
  }
  out["HOME"] = dirs.home;
  out["TMPDIR"] = dirs.tmp;
  return out;
}

const checked = new Map<string, Promise<string | undefined>>();

/** Why bubblewrap cannot sandbox here, or undefined when it can (checked once per `PATH`). */
export function sandboxProblem(env: Readonly<Record<string, string>>): Promise<string | undefined> {
  const path = env["PATH"] ?? "/usr/bin:/bin";
  let problem = checked.get(path);
  if (problem === undefined) {
    problem = probe(path);
    checked.set(path, problem);
  }
  return problem;
}

async function probe(path: string): Promise<string | undefined> {
  const program = await findOnPath("bwrap", path);
  if (program === undefined) return "bubblewrap (bwrap) is not installed";
  try {
    const run = await new Deno.Command(program, {
      args: ["--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "true"],
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    if (run.success) return undefined;
    const why = new TextDecoder().decode(run.stderr).trim().split("\n")[0] ?? "";
    return `bwrap cannot create namespaces (${why})`;
  } catch (error) {
    return `bwrap does not run (${error instanceof Error ? error.message : String(error)})`;
  }
}

/** The first executable `name` in the directories of `path`. */
export async function findOnPath(name: string, path: string): Promise<string | undefined> {
  for (const dir of path.split(":")) {
    if (dir === "") continue;
    const candidate = `${dir}/${name}`;
    try {
      const info = await Deno.stat(candidate);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return candidate;
    } catch {
      // Not there.
    }
  }
  return undefined;
}

/**
 * The `bwrap` arguments that run `program args` in `cwd` inside the sandbox
 * (the caller runs `bwrap` with them and the environment from
 * {@link sandboxEnv}).
 */
export function bubblewrapArgs(
  command: { program: string; args: readonly string[]; cwd: string },
  paths: SandboxPaths & { homes: readonly string[] },
): string[] {
  const args = [
    "--ro-bind",
    "/",
    "/",
    "--dev",
    "/dev",
    "--proc",
    "/proc",
    "--tmpfs",
    "/tmp",
  ];
  for (const home of paths.homes) args.push("--tmpfs", home);
  for (const dir of paths.readable) args.push("--ro-bind", dir, dir);
  for (const dir of paths.writable) args.push("--bind", dir, dir);
  // The empty directories standing in for /tmp and the homes: read-only too.
  for (const dir of ["/tmp", ...paths.homes]) args.push("--remount-ro", dir);
  args.push(
    "--unshare-all",
    "--die-with-parent",
    "--new-session",
    "--chdir",
    command.cwd,
    "--",
    command.program,
  );
  for (const arg of command.args) args.push(arg);
  return args;
}
