/**
 * `debug`: the facts about the target interpreter that `dpip debug` shows,
 * as data (`--format json` prints it, the text is laid out from it).
 *
 * @module
 */

import { compatibleTags } from "../dists/tags.ts";
import type { Interpreter } from "../python/mod.ts";
import type { DebugDocument } from "./json_documents.ts";

/** The interpreter's facts, its default install scheme and its compatible tags (all of them). */
export function debugDocument(interpreter: Interpreter, dpipVersion: string): DebugDocument {
  const { extra: _extra, ...markers } = interpreter.markerEnvironment;
  const scheme: Record<string, string> = {};
  for (const [key, value] of Object.entries(interpreter.scheme({ kind: "default" }))) {
    scheme[key] = String(value);
  }
  return {
    schema_version: 1,
    dpip_version: dpipVersion,
    python_version: interpreter.version.join("."),
    sys_executable: interpreter.sysExecutable,
    sys_platform: interpreter.markerEnvironment.sys_platform,
    implementation_name: interpreter.markerEnvironment.implementation_name,
    sys_prefix: interpreter.prefix,
    sys_base_prefix: interpreter.basePrefix,
    venv: interpreter.isVenv,
    ...(interpreter.isVenv
      ? { include_system_site_packages: interpreter.includeSystemSitePackages }
      : {}),
    externally_managed: interpreter.externallyManaged?.path ?? null,
    marker_environment: { ...markers },
    install_scheme: scheme,
    user_site: interpreter.probe.user_site ?? null,
    user_site_enabled: Boolean(interpreter.probe.enable_user_site),
    sys_path: interpreter.sitePackages,
    compatible_tags: compatibleTags(interpreter.tagFacts).map(String),
  };
}
