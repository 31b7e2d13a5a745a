/**
 * `dpip debug`: the target interpreter's facts and its compatible tags, laid
 * out like `pip debug` (all tags with `--verbose`, the first ten otherwise).
 *
 * @module
 */

import { compatibleTags } from "../../dists/tags.ts";
import { DPIP_VERSION } from "../../version.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import { targetInterpreter } from "./installed_environment.ts";

/** Runs `dpip debug`. */
export async function runDebug(context: CommandContext): Promise<number> {
  const { io, options } = context;
  const interpreter = await targetInterpreter(context);
  const verbose = options.count("verbose") > 0;
  const out: string[] = [
    "WARNING: This command is only meant for debugging. Do not use this with automation for parsing and getting these details, since the output and options of this command may change without notice.",
  ];
  const probe = interpreter.probe;
  out.push(`dpip version: dpip ${DPIP_VERSION} (python ${interpreter.majorMinor})`);
  out.push(`sys.version: ${interpreter.version.join(".")}`);
  out.push(`sys.executable: ${interpreter.sysExecutable}`);
  out.push(`sys.platform: ${interpreter.markerEnvironment.sys_platform}`);
  out.push("sys.implementation:", `  name: ${interpreter.markerEnvironment.implementation_name}`);
  out.push(`sys.prefix: ${interpreter.prefix}`, `sys.base_prefix: ${interpreter.basePrefix}`);
  out.push(
    `venv: ${interpreter.isVenv ? "yes" : "no"}` +
      (interpreter.isVenv
        ? ` (include-system-site-packages = ${interpreter.includeSystemSitePackages})`
        : ""),
  );
  out.push(
    `externally managed: ${
      interpreter.externallyManaged === undefined ? "no" : interpreter.externallyManaged.path
    }`,
  );
  out.push("Marker environment:");
  for (const [key, value] of Object.entries(interpreter.markerEnvironment)) {
    if (key !== "extra") out.push(`  ${key}: ${value}`);
  }
  out.push("Install scheme:");
  const scheme = interpreter.scheme({ kind: "default" });
  for (const [key, value] of Object.entries(scheme)) out.push(`  ${key}: ${value}`);
  out.push(`User site: ${probe.user_site ?? "None"}${probe.enable_user_site ? "" : " (disabled)"}`);
  out.push("sys.path:", ...interpreter.sitePackages.map((p) => `  ${p}`));
  const tags = compatibleTags(interpreter.tagFacts);
  out.push(`Compatible tags: ${tags.length}`);
  const shown = verbose ? tags : tags.slice(0, 10);
  out.push(...shown.map((tag) => `  ${String(tag)}`));
  if (!verbose && tags.length > 10) {
    out.push("  ...", "[First 10 tags shown. Pass --verbose to show all.]");
  }
  io.stdout.write(out.join("\n") + "\n");
  return ExitCode.success;
}
