/**
 * `dpip debug`: the target interpreter's facts and its compatible tags, laid
 * out like `pip debug` (all tags with `--verbose`, the first ten otherwise),
 * or every fact as JSON with `--format json`.
 *
 * @module
 */

import { debugDocument } from "../../operations/debug.ts";
import { DPIP_VERSION } from "../../version.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import { wantsJson, writeJson } from "../json_output.ts";
import { targetInterpreter } from "./installed_environment.ts";

/** Runs `dpip debug`. */
export async function runDebug(context: CommandContext): Promise<number> {
  const { io, options } = context;
  const interpreter = await targetInterpreter(context);
  const facts = debugDocument(interpreter, DPIP_VERSION);
  if (wantsJson(context)) {
    writeJson(io, facts);
    return ExitCode.success;
  }
  const verbose = options.count("verbose") > 0;
  const out: string[] = [
    "WARNING: This command is only meant for debugging. Do not use this with automation for parsing and getting these details, since the output and options of this command may change without notice.",
  ];
  out.push(`dpip version: dpip ${facts.dpip_version} (python ${interpreter.majorMinor})`);
  out.push(`sys.version: ${facts.python_version}`);
  out.push(`sys.executable: ${facts.sys_executable}`);
  out.push(`sys.platform: ${facts.sys_platform}`);
  out.push("sys.implementation:", `  name: ${facts.implementation_name}`);
  out.push(`sys.prefix: ${facts.sys_prefix}`, `sys.base_prefix: ${facts.sys_base_prefix}`);
  out.push(
    `venv: ${facts.venv ? "yes" : "no"}` +
      (facts.venv ? ` (include-system-site-packages = ${facts.include_system_site_packages})` : ""),
  );
  out.push(`externally managed: ${facts.externally_managed ?? "no"}`);
  out.push("Marker environment:");
  for (const [key, value] of Object.entries(facts.marker_environment)) {
    out.push(`  ${key}: ${value}`);
  }
  out.push("Install scheme:");
  for (const [key, value] of Object.entries(facts.install_scheme)) out.push(`  ${key}: ${value}`);
  out.push(
    `User site: ${facts.user_site ?? "None"}${facts.user_site_enabled ? "" : " (disabled)"}`,
  );
  out.push("sys.path:");
  for (const path of facts.sys_path) out.push(`  ${path}`);
  const tags = facts.compatible_tags;
  out.push(`Compatible tags: ${tags.length}`);
  for (const tag of verbose ? tags : tags.slice(0, 10)) out.push(`  ${tag}`);
  if (!verbose && tags.length > 10) {
    out.push("  ...", "[First 10 tags shown. Pass --verbose to show all.]");
  }
  io.stdout.write(out.join("\n") + "\n");
  return ExitCode.success;
}
