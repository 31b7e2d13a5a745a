/**
 * `dpip index versions NAME`: the versions the sources offer for the target,
 * newest first, in pip's text form (`name (latest)`, `Available versions:`,
 * and `INSTALLED`/`LATEST` when the project is installed) or with `--json`
 * (`{"name", "versions", "latest", "installed_version"?}`).
 *
 * @module
 */

import { DpipError } from "../../errors.ts";
import { canonicalizeName } from "../../names/mod.ts";
import { redactText } from "../../net/auth.ts";
import { formatPythonJson, type PythonJsonValue } from "../../dists/python_json.ts";
import { indexVersions, indexVersionsDocument } from "../../operations/index_versions.ts";
import { wantsJson } from "../json_output.ts";
import { displayVersion, readTargetDists } from "../../operations/list.ts";
import { tryParseVersion } from "../../pep440/mod.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import { candidateSettings, openIndexSession } from "../index_session.ts";
import { targetEnvironment, targetInterpreter } from "./installed_environment.ts";

/** Runs `dpip index`. */
export async function runIndex(context: CommandContext): Promise<number> {
  const { io, options } = context;
  const [action, ...rest] = context.args;
  if (action !== "versions") {
    throw new DpipError("index-action", "Need an action (versions) to perform.", {
      hint: `${context.program} index versions NAME`,
    });
  }
  if (rest.length !== 1) {
    throw new DpipError("usage", "You need to specify exactly one argument");
  }
  const name = rest[0] ?? "";
  const interpreter = await targetInterpreter(context);
  const { tags, policy } = candidateSettings(context, interpreter);
  const session = await openIndexSession(context);
  let result;
  try {
    result = await indexVersions(name, { sources: session.indexes, tags, policy });
  } finally {
    session.client.close();
  }
  for (const warning of new Set(result.warnings)) {
    io.stderr.write(`WARNING: ${redactText(warning)}\n`);
  }
  const project = canonicalizeName(name);
  const installed = readTargetDists(targetEnvironment(interpreter)).dists.find((d) =>
    d.name === project
  );
  if (options.flag("json") || wantsJson(context)) {
    // pip's `json.dumps`: one line, `", "` and `": "` between items, non-ASCII escaped.
    const document = indexVersionsDocument(
      result,
      installed === undefined ? undefined : displayVersion(installed.version),
    );
    io.stdout.write(formatPythonJson(document as unknown as PythonJsonValue) + "\n");
    return ExitCode.success;
  }
  io.stdout.write(`${name} (${result.latest})\n`);
  io.stdout.write(`Available versions: ${result.versions.join(", ")}\n`);
  if (installed !== undefined) {
    io.stdout.write(`  INSTALLED: ${displayVersion(installed.version)}\n`);
    const pre = tryParseVersion(result.latest)?.isPrerelease ?? false;
    io.stdout.write(
      pre
        ? `  LATEST:    ${result.latest} (pre-release; install with \`pip install --pre\`)\n`
        : `  LATEST:    ${result.latest}\n`,
    );
  }
  return ExitCode.success;
}
