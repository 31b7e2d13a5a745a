/**
 * `dpip venv [DIR]`: a PEP 405 virtual environment (default `.venv`) for the
 * interpreter `--python` names (else the first `python3`/`python` on PATH,
 * skipping an active venv, whose base interpreter would be used anyway),
 * written without running `venv` or `ensurepip`; `--seed` installs pip (and
 * setuptools and wheel before 3.12) from the configured indexes. The
 * pipeline is `operations/venv.ts`; nothing of the index or install stack
 * loads without `--seed`.
 *
 * Output (stderr, none with `-q`): the interpreter used, the directory, what
 * was seeded, and how to activate it; with `--format json` the same facts as
 * a document on stdout.
 *
 * @module
 */

import { UsageError } from "../../errors.ts";
import { resolve } from "../../paths.ts";
import type { SeedOptions } from "../../operations/venv.ts";
import { createEnvironment, venvDocument } from "../../operations/venv.ts";
import type { Interpreter } from "../../python/mod.ts";
import { failureLines, resolutionFailure } from "../resolution_failure.ts";
import { seedProjects } from "../../venv/mod.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import { commandCacheRoot, targetInterpreter } from "../target_interpreter.ts";
import { wantsJson, writeJson } from "../json_output.ts";

/** `path` as typed at a shell: relative to the working directory when inside it, quoted if needed. */
function shellPath(path: string, cwd: string): string {
  const prefix = cwd.endsWith("/") ? cwd : cwd + "/";
  const shown = path.startsWith(prefix) ? path.slice(prefix.length) : path;
  return /^[\w@%+=:,./-]+$/.test(shown) ? shown : `'${shown.replaceAll("'", `'\\''`)}'`;
}

async function seedOptions(
  context: CommandContext,
  interpreter: Interpreter,
  cacheRoot: string | undefined,
): Promise<{ seed: SeedOptions; close: () => void }> {
  const { io, options } = context;
  const { candidateSettings, installServices, openIndexSession } = await import(
    "../index_session.ts"
  );
  const session = await openIndexSession(context);
  const { tags, policy } = candidateSettings(context, interpreter);
  const linkMode = options.choice("linkMode");
  return {
    seed: {
      services: installServices(session, {
        tags,
        policy,
        ...(cacheRoot === undefined ? {} : { cacheRoot }),
      }),
      reporter: {
        onLockWait: (path) =>
          io.stderr.write(`Waiting for another dpip process to release ${path}\n`),
      },
      ...(linkMode === undefined ? {} : { linkMode }),
      env: io.env,
    },
    close: () => session.client.close(),
  };
}

/** Runs `dpip venv`. */
export async function runVenv(context: CommandContext): Promise<number> {
  const { io, options, args } = context;
  if (args.length > 1) {
    throw new UsageError(
      `venv takes one directory, got ${args.length}: ${args.join(" ")}`,
    );
  }
  const dir = resolve(io.cwd, args[0] ?? ".venv");
  const quiet = options.count("quiet") > 0;
  const interpreter = await targetInterpreter(context, { skipVirtualEnvironments: true });
  const cacheRoot = commandCacheRoot(context);
  const prompt = options.string("prompt");
  const seeding = options.flag("seed")
    ? await seedOptions(context, interpreter, cacheRoot)
    : undefined;
  let created;
  try {
    created = await createEnvironment(interpreter, {
      venv: {
        dir,
        ...(prompt === undefined ? {} : { prompt }),
        cwdName: resolve(io.cwd).split("/").at(-1) ?? "",
        systemSitePackages: options.flag("systemSitePackages"),
        clear: options.flag("clear"),
      },
      ...(seeding === undefined ? {} : { seed: seeding.seed }),
      query: { env: io.env, cwd: io.cwd, ...(cacheRoot === undefined ? {} : { cacheRoot }) },
    });
  } catch (error) {
    const failure = await resolutionFailure(error);
    if (failure === undefined) throw error;
    const lines = failureLines(failure, "install", context.command);
    io.stderr.write(`ERROR: ${lines.error}\n${lines.text}\n`);
    io.stderr.write(
      `hint: --seed installs ${
        seedProjects(interpreter.version).join(", ")
      } from the package indexes; name indexes (or --find-links) that hold versions for Python ${interpreter.majorMinor}, or leave out --seed.\n`,
    );
    return ExitCode.error;
  } finally {
    seeding?.close();
  }
  if (wantsJson(context)) {
    writeJson(
      io,
      venvDocument(created, { systemSitePackages: options.flag("systemSitePackages") }),
    );
  }
  if (quiet) return ExitCode.success;
  const { base, venv, seeded } = created;
  io.stderr.write(`Using Python ${base.version.join(".")} at ${base.executable}\n`);
  io.stderr.write(`Created a virtual environment at ${shellPath(dir, io.cwd)}\n`);
  if (seeded !== undefined) {
    const { successLine } = await import("../install_render.ts");
    const names = new Map(seeded.collected.map((c) => [c.name as string, c.displayName]));
    const line = seeded.changelog === undefined ? undefined : successLine(seeded.changelog, names);
    io.stderr.write(`${line ?? "Seed packages were already installed"}\n`);
  }
  io.stderr.write(
    `Activate it with: source ${shellPath(`${venv.dir}/bin/activate`, io.cwd)}\n`,
  );
  return ExitCode.success;
}
