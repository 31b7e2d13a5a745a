/**
 * dpip's command-line entry point, `main(args, io)`: parses argv, runs the
 * command and turns every error into a message and an exit status. It never
 * exits the process, so tests run it in-process.
 *
 * @module
 */

import { DpipError, isDpipError } from "../errors.ts";
import { redactText } from "../net/auth.ts";
import { DPIP_VERSION } from "../version.ts";
import { RUNNERS } from "./commands/mod.ts";
import { ExitCode } from "./exit_codes.ts";
import { formatCommandHelp, formatMainHelp, formatUsage } from "./help.ts";
import type { Io } from "./io.ts";
import { applyConfiguration, isIsolated, loadConfiguration } from "./configuration.ts";
import { CommandUsageError, parseArgs } from "./parse_args.ts";
import type { CommandSpec } from "./commands.ts";
import { fitHint } from "./hints.ts";

/** The program name for usage lines: the invoked name when it is a pip alias, else `dpip`. */
export function programName(invokedAs: string): string {
  const base = invokedAs.split(/[\\/]/).at(-1) ?? "dpip";
  return /^pip(\d+(\.\d+)?)?$/.test(base) ? base : "dpip";
}

/**
 * Runs dpip with `args` (argv without the program name) and returns the exit status.
 *
 * @example
 * ```ts
 * import { main } from "./main.ts";
 * import { captureIo } from "./io.ts";
 * const io = captureIo();
 * const status = await main(["--version"], io);
 * // status === 0, io.out() starts with "dpip "
 * ```
 */
export async function main(args: readonly string[], io: Io): Promise<number> {
  const program = programName(io.invokedAs);
  let debug = args.includes("--debug");
  if (io.env["PIP_AUTO_COMPLETE"] !== undefined) {
    // The shell completion scripts (`completion --bash` …) call back with these variables.
    const { autocomplete } = await import("./autocomplete.ts");
    const lines = await autocomplete(io.env, {
      cwd: io.cwd,
      installed: async () => {
        const { installedProjectNames } = await import("./commands/installed_environment.ts");
        return await installedProjectNames(io);
      },
    });
    if (lines !== undefined) {
      io.stdout.write(lines.map((line) => line + "\n").join(""));
      return ExitCode.error; // as pip: it exits 1 after completing
    }
  }
  let command: CommandSpec | undefined;
  try {
    const parsed = parseArgs(args);
    const configuration = loadConfiguration({
      env: io.env,
      isolated: isIsolated(parsed, io.env),
      ...(io.env["VIRTUAL_ENV"] ? { sitePrefix: io.env["VIRTUAL_ENV"] } : {}),
    });
    applyConfiguration(parsed, configuration);
    debug = parsed.options.flag("debug");
    command = parsed.command;
    const { options } = parsed;
    if (options.flag("version")) {
      io.stdout.write(
        program === "dpip"
          ? `dpip ${DPIP_VERSION}\n`
          : `dpip ${DPIP_VERSION} (invoked as ${program})\n`,
      );
      return ExitCode.success;
    }
    if (command === undefined || command.name === "help") {
      const topic = command === undefined ? undefined : parsed.args[0];
      if (topic !== undefined) return await main([topic, "--help"], io);
      io.stdout.write(formatMainHelp(program) + "\n");
      return ExitCode.success;
    }
    if (options.flag("help")) {
      io.stdout.write(formatCommandHelp(program, command) + "\n");
      return ExitCode.success;
    }
    const loadRunner = RUNNERS[command.name];
    if (loadRunner === undefined) {
      io.stderr.write(
        `ERROR: "${command.name}" is not available yet in dpip ${DPIP_VERSION}; see the README for what works today.\n`,
      );
      return ExitCode.error;
    }
    const runner = await loadRunner();
    return await runner({ io, command, options, args: parsed.args, program, configuration });
  } catch (error) {
    return reportError(error, io, { program, debug, command });
  }
}

function reportError(
  error: unknown,
  io: Io,
  { program, debug, command }: { program: string; debug: boolean; command?: CommandSpec },
): number {
  if (error instanceof CommandUsageError) {
    if (!error.showUsage) {
      io.stderr.write(`ERROR: ${redactText(error.message)}\n`);
      return ExitCode.usage;
    }
    io.stderr.write(`${formatUsage(program, error.command)}\n${redactText(error.message)}\n`);
    return ExitCode.usage;
  }
  if (error instanceof DpipError) {
    io.stderr.write(`ERROR: ${redactText(error.message)}\n`);
    const hint = error.hint === undefined || command === undefined
      ? error.hint
      : fitHint(error.hint, command);
    if (hint !== undefined) io.stderr.write(`hint: ${redactText(hint)}\n`);
    return isDpipError(error, "usage") ? ExitCode.usage : ExitCode.error;
  }
  if (error instanceof Deno.errors.NotCapable) {
    // Deno's permissions, not a bug: dpip runs with read, write, net, env and run, and Deno opens
    // some paths (those under /dev) only with --allow-all.
    const path = /"([^"]*)"/.exec(error.message)?.[1];
    io.stderr.write(
      `ERROR: dpip cannot open ${
        path === undefined ? "a path" : `"${redactText(path)}"`
      }: Deno opens paths under /dev only for programs run with --allow-all, which dpip is not; use a path outside /dev.\n`,
    );
    return ExitCode.error;
  }
  if (debug) throw error;
  const detail = redactText(
    error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  );
  io.stderr.write(
    `ERROR: dpip failed unexpectedly (${detail}). This is a bug in dpip; run again with --debug for the stack trace and report it.\n`,
  );
  return ExitCode.error;
}
