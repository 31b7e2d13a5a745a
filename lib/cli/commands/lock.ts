/**
 * `dpip lock`: resolves the requirements for the target interpreter as
 * `install --dry-run --ignore-installed` does and writes a PEP 751 lock file
 * (`-o`, default `pylock.toml`; `-o -` for stdout), as `pip lock` does;
 * `--format json` also describes the lock written on stdout (not with `-o -`,
 * whose TOML is stdout's). The
 * work is `operations/lock.ts`; this file turns options into its settings.
 *
 * @module
 */

import { basename, dirname, resolve } from "../../paths.ts";
import { commandCacheRoot, targetInterpreter } from "../target_interpreter.ts";
import { DpipError, UsageError } from "../../errors.ts";
import { formatPylock, type Pylock } from "../../lock/pylock.ts";
import { isPylockFilename, isPylockLocation } from "../../lock/pylock_name.ts";
import { lockRequirements } from "../../operations/lock.ts";
import { lockDocument } from "../../operations/lock_document.ts";
import { parseConfigSettings } from "../../requirements/requirements_txt.ts";
import { buildSpecification } from "../../requirements/specification.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import {
  candidateSettings,
  type ExtraIndexOptions,
  installServices,
  openIndexSession,
} from "../index_session.ts";
import { type InstallPrinter, runPrinted } from "../install_render.ts";
import { readRequirementsLocation } from "../requirement_files.ts";
import { readPylocks, withLocks } from "../pylock_files.ts";
import {
  checkOnlyDeps,
  groupRequirements,
  readOverrides,
  scriptRequirements,
  withOverrides,
} from "../extra_requirements.ts";
import { ResolutionStatus } from "../resolution_progress.ts";
import { pinningSettings } from "./pinning.ts";
import { overrideRoots } from "../../operations/overrides.ts";
import { wantsJson, writeJson } from "../json_output.ts";
import { checkUniversalOptions, providerTags, universalOptions } from "./universal.ts";
import type { InstallOptions } from "../../operations/install.ts";
import { statKind } from "../../operations/path_kind.ts";
import { writeOutputFile } from "../output_file.ts";

/** Runs `dpip lock`. */
export function runLock(context: CommandContext): Promise<number> {
  return runPrinted(context, "lock", (printer) => lock(context, printer));
}

async function lock(context: CommandContext, printer: InstallPrinter): Promise<number> {
  const { io, options } = context;
  checkOnlyDeps(context);
  checkUniversalOptions(context);
  const requirementFiles = options.strings("requirements");
  const lockFiles = requirementFiles.filter(isPylockLocation);
  // A lock given with -r is locked again as it stands: its files are the only candidates.
  const locks = lockFiles.length === 0
    ? undefined
    : await readPylocks(context, lockFiles, await targetInterpreter(context));
  for (const warning of locks?.warnings ?? []) printer.warning(warning);
  const given = await buildSpecification({
    args: [
      ...context.args,
      ...await groupRequirements(context),
      ...await scriptRequirements(context, () => targetInterpreter(context)),
    ],
    requirementFiles,
    constraintFiles: options.strings("constraints"),
    editables: options.strings("editables"),
  }, {
    cwd: io.cwd,
    env: io.env,
    read: async (location) =>
      locks?.texts.get(location) ?? await readRequirementsLocation(location, context),
    stat: statKind,
  });
  const overrides = await readOverrides(context);
  const spec = overrideRoots(given, overrides);
  if (spec.requirements.length === 0) {
    printer.error(
      `You must give at least one requirement to lock (see "${context.program} help lock")`,
    );
    return ExitCode.error;
  }
  const output = options.string("lockOutput") ?? "pylock.toml";
  if (output === "-" && wantsJson(context)) {
    throw new UsageError(
      "-o - and --format json both write to stdout: give -o a file name for the lock",
    );
  }
  if (output !== "-" && !isPylockFilename(basename(output))) {
    printer.warning(`${output} is not a valid lock file name.`);
  }
  const interpreter = await targetInterpreter(context);
  const extra: ExtraIndexOptions = spec.fileOptions;
  const cacheRoot = commandCacheRoot(context);
  const session = await openIndexSession(context, extra);
  const { tags, policy } = candidateSettings(context, interpreter, extra);
  const status = io.stderr.isTerminal && options.count("quiet") === 0
    ? new ResolutionStatus(io.stderr)
    : undefined;
  const install: InstallOptions = {
    settings: {
      ...pinningSettings(context, spec),
      noDeps: options.flag("noDeps"),
      requireHashes: options.flag("requireHashes") || spec.fileOptions.requireHashes,
      buildIsolation: options.flag("buildIsolation", true),
      buildSandbox: options.flag("buildSandbox"),
      configSettings: parseConfigSettings(options.strings("configSettings"), (message) => {
        throw new DpipError("usage", message);
      }),
    },
    target: { interpreter, scheme: { kind: "default" } },
    services: withLocks(
      withOverrides(
        installServices(session, {
          tags: providerTags(context, tags),
          policy,
          ...(cacheRoot === undefined ? {} : { cacheRoot }),
          // Every locked wheel's metadata is checked against its hash: read them whole.
          wholeWheels: true,
        }),
        overrides,
      ),
      locks,
    ),
    reporter: {
      ...(status === undefined ? {} : { onResolving: (event) => status.onDecision(event) }),
    },
    env: io.env,
  };
  const locking = {
    createdBy: "dpip",
    onlyDeps: options.flag("onlyDeps"),
    // As pip: project directories are written relative to the lock's directory.
    lockDir: output === "-" ? io.cwd : dirname(resolve(io.cwd, output)),
  };
  let lock: Pylock;
  let warnings: readonly string[];
  try {
    if (options.flag("universal")) {
      const universal = universalOptions(context, interpreter.version, session, policy);
      // The universal resolver loads only for --universal.
      const { lockUniversally } = await import("../../operations/universal_lock.ts");
      const result = await lockUniversally(spec, { ...install, ...universal, ...locking });
      lock = result.lock;
      warnings = result.resolution.warnings;
    } else {
      const result = await lockRequirements(spec, { ...install, ...locking });
      lock = result.lock;
      warnings = result.outcome.warnings;
    }
  } finally {
    status?.finish();
    session.client.close();
  }
  for (const warning of warnings) printer.warning(warning);
  writeLock(context, output, lock, [...(locks?.warnings ?? []), ...warnings]);
  return ExitCode.success;
}

/** Writes the lock (`-` for stdout) and, with `--format json`, its document. */
function writeLock(
  context: CommandContext,
  output: string,
  lock: Pylock,
  warnings: readonly string[],
): void {
  const { io } = context;
  const text = formatPylock(lock);
  if (output === "-") io.stdout.write(text);
  else writeOutputFile(resolve(io.cwd, output), output, "the lock file", text);
  if (wantsJson(context)) {
    writeJson(io, lockDocument(lock, { output: resolve(io.cwd, output), warnings: [...warnings] }));
  }
}
