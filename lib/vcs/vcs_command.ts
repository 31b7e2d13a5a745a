/**
 * Runs a VCS client (`git`, `hg`, `svn`, `bzr`) as pip runs it: never
 * interactively (stdin closed, no credential prompts), its output kept for
 * the error, killed when the run is interrupted.
 *
 * @module
 */

import { CancelledError, throwIfCancelled } from "../cancellation.ts";
import { DpipError } from "../errors.ts";
import type { VcsName } from "./vcs_url.ts";

/** The client's package, for the hint when it is not installed. */
const CLIENT_NAMES: Readonly<Record<VcsName, string>> = {
  git: "Git (git)",
  hg: "Mercurial (hg)",
  svn: "Subversion (svn)",
  bzr: "Bazaar or Breezy (bzr)",
};

/** The VCS client is not installed (not on `PATH`) or cannot be run. */
export class VcsNotInstalledError extends DpipError<"vcs-not-installed"> {
  /** The VCS. */
  readonly vcs: VcsName;
  /** `vcs` is the client that could not be run. */
  constructor(vcs: VcsName, options: { cause?: unknown } = {}) {
    super(
      "vcs-not-installed",
      `${CLIENT_NAMES[vcs]} is not installed (no '${vcs}' command on PATH)`,
      {
        hint: `install ${CLIENT_NAMES[vcs]} and make sure '${vcs}' is on PATH`,
        ...options,
      },
    );
    this.name = "VcsNotInstalledError";
    this.vcs = vcs;
  }
}

/** A VCS command that failed, with the last line it wrote. */
export class VcsCommandError extends DpipError<"vcs-command-failed"> {
  /** The command line (`git checkout -q v1`), passwords left out. */
  readonly command: string;
  /** The line of its output that says why. */
  readonly reason: string;
  /** Its exit status; none when it was killed for taking too long. */
  readonly exitCode?: number;
  /**
   * `command` as shown; `failure` names it briefly (`git clone`), says why
   * and how it exited.
   */
  constructor(
    command: string,
    failure: { subcommand: string; reason: string; exitCode?: number },
  ) {
    super("vcs-command-failed", `${failure.subcommand} failed: ${failure.reason}`);
    this.name = "VcsCommandError";
    this.command = command;
    this.reason = failure.reason;
    if (failure.exitCode !== undefined) this.exitCode = failure.exitCode;
  }
}

/** How commands run. */
export interface VcsCommandOptions {
  /** Aborted on an interrupt: the running command is killed. */
  readonly signal?: AbortSignal;
  /** The base environment (default: the process's). */
  readonly env?: Readonly<Record<string, string>>;
  /** Receives each command line before it runs (pip's `Running command …`). */
  readonly onCommand?: (line: string) => void;
  /** The longest a command may run: then it is killed and fails (default: no limit). */
  readonly timeoutMs?: number;
  /** Arguments before every command's own (`-c core.fsmonitor=false`). */
  readonly leadingArgs?: readonly string[];
}

/** The most output kept from one command (its head), in characters. */
const OUTPUT_LIMIT = 1 << 20;

/** Runs one client's commands. */
export class VcsClient {
  readonly vcs: VcsName;
  readonly #options: VcsCommandOptions;

  constructor(vcs: VcsName, options: VcsCommandOptions = {}) {
    this.vcs = vcs;
    this.#options = options;
  }

  /**
   * Runs `<vcs> args…` and returns its stdout. Exit statuses in `okCodes`
   * (besides 0) are success; `hidden` arguments are shown as `****`.
   *
   * @throws {VcsNotInstalledError} when the client cannot be run.
   * @throws {VcsCommandError} when it fails.
   * @throws {CancelledError} when interrupted.
   */
  async run(
    args: readonly string[],
    options: { cwd?: string; okCodes?: readonly number[]; hidden?: readonly string[] } = {},
  ): Promise<string> {
    const { signal, onCommand } = this.#options;
    throwIfCancelled(signal);
    const allArgs = [...(this.#options.leadingArgs ?? []), ...args];
    const shown = [
      this.vcs,
      ...allArgs.map((arg) => options.hidden?.includes(arg) ? "****" : arg),
    ].join(" ");
    onCommand?.(shown);
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(this.vcs, {
        args: allArgs,
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        env: this.#env(),
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (error) {
      if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied) {
        throw new VcsNotInstalledError(this.vcs, { cause: error });
      }
      throw error;
    }
    const kill = () => {
      try {
        child.kill("SIGTERM");
      } catch {
        // It has exited already.
      }
    };
    signal?.addEventListener("abort", kill, { once: true });
    const { timeoutMs } = this.#options;
    let timedOut = false;
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      try {
        child.kill("SIGKILL");
      } catch {
        // It has exited already.
      }
    }, timeoutMs);
    try {
      const [stdout, stderr, status] = await Promise.all([
        readBounded(child.stdout),
        readBounded(child.stderr),
        child.status,
      ]);
      if (signal?.aborted === true) throw new CancelledError({ cause: signal.reason });
      if (timedOut) {
        throw new VcsCommandError(shown, {
          subcommand: `${this.vcs} ${args[0] ?? ""}`,
          reason: `no answer within ${timeoutMs! / 1000} s`,
        });
      }
      if (status.success || options.okCodes?.includes(status.code) === true) return stdout;
      throw new VcsCommandError(shown, {
        subcommand: `${this.vcs} ${args[0] ?? ""}`,
        reason: failureLine(`${stderr}\n${stdout}`) ?? `exit status ${status.code}`,
        exitCode: status.code,
      });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", kill);
    }
  }

  /** The environment: never prompting, without variables that would point git elsewhere. */
  #env(): Record<string, string> {
    const env = { ...(this.#options.env ?? Deno.env.toObject()) };
    // pip unsets these (pypa/pip#1130): they would make git act on another repository.
    delete env["GIT_DIR"];
    delete env["GIT_WORK_TREE"];
    env["GIT_TERMINAL_PROMPT"] = "0";
    return env;
  }
}

/** The line of a client's output that says why it failed: its first error line, else its last. */
function failureLine(output: string): string | undefined {
  const lines = output.split("\n").map((line) => line.trim()).filter((line) => line !== "");
  return lines.find((line) => /^(fatal|error|abort|svn: E\d+|(brz|bzr): ERROR)\b/i.test(line)) ??
    lines.at(-1);
}

/** A stream's text, at most {@link OUTPUT_LIMIT} characters of it (the rest is drained). */
async function readBounded(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    if (text.length < OUTPUT_LIMIT) text += chunk.slice(0, OUTPUT_LIMIT - text.length);
  }
  return text;
}
