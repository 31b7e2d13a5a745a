/**
 * `dpip inspect`: pip's JSON inspect report (version 1) of the target environment.
 *
 * @module
 */

import { inspectReport } from "../../operations/inspect.ts";
import { readTargetDists, STDLIB_PACKAGES } from "../../operations/list.ts";
import { DPIP_VERSION } from "../../version.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import {
  pathOption,
  reportReadWarnings,
  targetEnvironment,
  targetInterpreter,
} from "./installed_environment.ts";
import { formatPythonJson, type PythonJsonValue } from "../../dists/python_json.ts";

/** Runs `dpip inspect`. */
export async function runInspect(context: CommandContext): Promise<number> {
  const { io, options } = context;
  const paths = pathOption(context);
  const interpreter = await targetInterpreter(context);
  const target = targetEnvironment(interpreter);
  const read = readTargetDists(target, paths === undefined ? {} : { paths });
  reportReadWarnings(io, read.warnings);
  const report = inspectReport(read.dists, target, {
    ...(paths === undefined ? {} : { paths }),
    local: options.flag("local"),
    user: options.flag("user"),
    skip: new Set(STDLIB_PACKAGES),
    installerVersion: DPIP_VERSION,
    importlib: target.importlib,
  });
  // `--format json` changes nothing: the report is JSON, pip's shape (an interface, which
  // TypeScript does not let stand for the index-signature type of a JSON value).
  io.stdout.write(
    formatPythonJson(report as unknown as PythonJsonValue, { indent: 2, ensureAscii: false }) +
      "\n",
  );
  return ExitCode.success;
}
