/**
 * `dpip audit [-r FILE]... [--path DIR]... [--vulnerability-db DIR|URL]
 * [--format columns|json|sarif] [-o FILE]`: checks the target environment's
 * distributions, or the pins of requirements files and `pylock.toml` locks,
 * against OSV records, and exits with status 1 when one affects something.
 *
 * @module
 */

import {
  audit,
  type AuditedPackage,
  findingCount,
  packagesFromPylock,
  packagesFromRequirements,
  type SkippedPackage,
} from "../../audit/audit.ts";
import { formatAuditJson, formatAuditSarif, formatAuditText } from "../../audit/formats.ts";
import {
  apiSource,
  directorySource,
  type JsonTransport,
  type VulnerabilitySource,
} from "../../audit/sources.ts";
import { readInstalledDists } from "../../installer/site_packages.ts";
import { parsePylock } from "../../lock/pylock.ts";
import { readTargetDists, STDLIB_PACKAGES } from "../../operations/list.ts";
import { fileURLToPath, resolve } from "../../paths.ts";
import { parseRequirementsFile } from "../../requirements/requirements_txt.ts";
import { DPIP_VERSION } from "../../version.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import { openIndexSession } from "../index_session.ts";
import { isPylockLocation } from "../../lock/pylock_name.ts";
import { readRequirementsLocation } from "../requirement_files.ts";
import {
  pathOption,
  reportReadWarnings,
  targetEnvironment,
  targetInterpreter,
} from "./installed_environment.ts";
import { writeOutputFile } from "../output_file.ts";

/** The database asked when `--vulnerability-db` is not given. */
export const DEFAULT_VULNERABILITY_DB = "https://api.osv.dev";

interface Collected {
  readonly packages: AuditedPackage[];
  readonly skipped: SkippedPackage[];
}

async function fromFiles(context: CommandContext, files: readonly string[]): Promise<Collected> {
  const { io } = context;
  const packages: AuditedPackage[] = [];
  const skipped: SkippedPackage[] = [];
  for (const file of files) {
    let found: Collected;
    if (isPylockLocation(file)) {
      const { lock, warnings } = parsePylock(await readRequirementsLocation(file, context), file);
      for (const warning of warnings) io.stderr.write(`WARNING: ${file}: ${warning}\n`);
      found = packagesFromPylock(lock, /^[a-z]+:\/\//i.test(file) ? file : resolve(io.cwd, file));
    } else {
      const parsed = await parseRequirementsFile(resolve(io.cwd, file), {
        read: (location) => readRequirementsLocation(location, context),
        env: io.env,
      });
      found = packagesFromRequirements(parsed.requirements);
    }
    for (const pkg of found.packages) packages.push(pkg);
    for (const item of found.skipped) skipped.push(item);
  }
  return { packages, skipped };
}

async function fromEnvironment(context: CommandContext): Promise<Collected> {
  const paths = pathOption(context);
  const read = paths === undefined
    ? readTargetDists(targetEnvironment(await targetInterpreter(context)))
    : readInstalledDists(paths);
  reportReadWarnings(context.io, read.warnings);
  const packages = read.dists
    .filter((dist) => !STDLIB_PACKAGES.includes(dist.name))
    .map((dist): AuditedPackage => ({
      name: dist.name,
      displayName: dist.rawName,
      version: dist.version,
      location: { path: dist.infoPath },
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { packages, skipped: [] };
}

function jsonOf(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    return undefined;
  }
}

async function source(context: CommandContext): Promise<VulnerabilitySource> {
  const { io, options } = context;
  const db = options.string("vulnerabilityDb") ?? DEFAULT_VULNERABILITY_DB;
  if (/^file:/i.test(db)) return directorySource(fileURLToPath(db));
  if (!/^https?:\/\//i.test(db)) return directorySource(resolve(io.cwd, db));
  const { client } = await openIndexSession(context);
  const transport: JsonTransport = {
    async postJson(url, body) {
      const answer = await client.post(url, new TextEncoder().encode(JSON.stringify(body)), {
        contentType: "application/json",
        accept: "application/json",
      });
      return { status: answer.status, json: jsonOf(answer.body) };
    },
    async getJson(url) {
      const answer = await client.get(url, { accept: "application/json" });
      return { status: answer.status, json: jsonOf(answer.body) };
    },
  };
  return apiSource(db, transport);
}

/** Runs `dpip audit`. */
export async function runAudit(context: CommandContext): Promise<number> {
  const { io, options } = context;
  const files = options.strings("requirements");
  const collected = files.length > 0
    ? await fromFiles(context, files)
    : await fromEnvironment(context);
  const result = await audit(collected.packages, {
    source: await source(context),
    skipped: collected.skipped,
  });
  for (const warning of result.warnings) io.stderr.write(`WARNING: ${warning}\n`);
  for (const item of result.skipped) {
    io.stderr.write(`WARNING: ${item.name} was not audited: ${item.reason}\n`);
  }
  const format = options.choice("format") ?? "columns";
  const text = format === "json"
    ? formatAuditJson(result)
    : format === "sarif"
    ? formatAuditSarif(result, { name: "dpip", version: DPIP_VERSION })
    : formatAuditText(result);
  const output = options.string("output");
  if (output === undefined || output === "-") io.stdout.write(text);
  else writeOutputFile(resolve(io.cwd, output), output, "the audit report", text);
  return findingCount(result) > 0 ? ExitCode.error : ExitCode.success;
}
