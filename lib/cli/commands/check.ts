/**
 * `dpip check`: broken dependencies among installed packages, in pip's words
 * and exit statuses, plus projects installed more than once and dpip changes
 * found interrupted (finished, or left as another tool has changed them) or
 * running.
 *
 * @module
 */

import { checkDocument, checkInstalled, type CheckResult } from "../../operations/check.ts";
import { wantsJson, writeJson } from "../json_output.ts";
import { pendingChangeLines } from "../../installer/recovery.ts";
import { displayVersion, readTargetDists } from "../../operations/list.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import {
  reportReadWarnings,
  targetEnvironment,
  targetInterpreter,
} from "./installed_environment.ts";

/** The lines `check` prints (stdout), without the all-clear line. */
export function formatCheck(result: CheckResult): string[] {
  const lines: string[] = [];
  for (const missing of result.missing) {
    lines.push(
      `${missing.project} ${missing.version} requires ${missing.dependency}, which is not installed.`,
    );
  }
  for (const conflict of result.conflicting) {
    lines.push(
      `${conflict.project} ${conflict.version} has requirement ${
        String(conflict.requirement)
      }, but you have ${conflict.dependency} ${conflict.installedVersion}.`,
    );
  }
  for (const duplicate of result.duplicates) {
    const versions = duplicate.dists.map((d) => `${displayVersion(d.version)} in ${d.location}`);
    lines.push(
      `${duplicate.project} is installed more than once: ${
        versions.join(", ")
      } (the first is used).`,
    );
  }
  return lines;
}

/** Runs `dpip check`. */
export async function runCheck(context: CommandContext): Promise<number> {
  const { io } = context;
  const interpreter = await targetInterpreter(context);
  const target = targetEnvironment(interpreter);
  const read = readTargetDists(target);
  // Interrupted changes are findings here: on stdout (stderr beside a JSON document), and
  // the exit status says so.
  reportReadWarnings(io, read.warnings.filter((warning) => warning.kind !== "interrupted-change"));
  const pending = read.pendingChanges === undefined
    ? []
    : pendingChangeLines(read.pendingChanges, { busy: true }).map((line) => line.text);
  const json = wantsJson(context);
  for (const line of pending) {
    if (json) io.stderr.write(`WARNING: ${line}\n`);
    else io.stdout.write(line + "\n");
  }
  const result = checkInstalled(read.dists, target, { shadowed: read.shadowed });
  if (json) {
    const document = checkDocument(result);
    writeJson(io, document);
    return document.ok && pending.length === 0 ? ExitCode.success : ExitCode.error;
  }
  for (const problem of result.parsingProblems) {
    io.stderr.write(
      `WARNING: Error parsing requirements for ${problem.project}: invalid requirement ${
        JSON.stringify(problem.requirement)
      }\n`,
    );
  }
  const lines = formatCheck(result);
  for (const line of lines) io.stdout.write(line + "\n");
  if (pending.length > 0 || lines.length > 0 || result.parsingProblems.length > 0) {
    return ExitCode.error;
  }
  io.stdout.write("No broken requirements found.\n");
  return ExitCode.success;
}
