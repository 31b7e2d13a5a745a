/**
 * `dpip sbom [-r pylock.toml] [--format cyclonedx|spdx] [-o FILE]`: the
 * SBOM of the target environment, or of a lock.
 *
 * @module
 */

import { UsageError } from "../../errors.ts";
import { parsePylock } from "../../lock/pylock.ts";
import type { PackageName } from "../../names/mod.ts";
import { readTargetDists } from "../../operations/list.ts";
import { InstalledGraph } from "../../operations/installed_graph.ts";
import { resolve } from "../../paths.ts";
import { type DocumentInfo, formatCycloneDx } from "../../sbom/cyclonedx.ts";
import { readEmbeddedSboms } from "../../sbom/embedded.ts";
import {
  type EmbeddedSbom,
  environmentSbom,
  pylockSbom,
  type SbomDocument,
} from "../../sbom/model.ts";
import { formatSpdx } from "../../sbom/spdx.ts";
import { DPIP_VERSION } from "../../version.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import { isPylockLocation } from "../../lock/pylock_name.ts";
import { readRequirementsLocation } from "../requirement_files.ts";
import {
  reportReadWarnings,
  targetEnvironment,
  targetInterpreter,
} from "./installed_environment.ts";
import { writeOutputFile } from "../output_file.ts";

async function lockDocument(context: CommandContext, file: string): Promise<SbomDocument> {
  if (!isPylockLocation(file)) {
    throw new UsageError(
      `dpip sbom -r takes a lock file (pylock.toml or pylock.<name>.toml), not ${file}`,
    );
  }
  const { lock, warnings } = parsePylock(
    await readRequirementsLocation(file, context),
    file,
  );
  for (const warning of warnings) context.io.stderr.write(`WARNING: ${file}: ${warning}\n`);
  return pylockSbom(lock, file);
}

async function environmentDocument(context: CommandContext): Promise<SbomDocument> {
  const interpreter = await targetInterpreter(context);
  const target = targetEnvironment(interpreter);
  const read = readTargetDists(target);
  reportReadWarnings(context.io, read.warnings);
  const graph = new InstalledGraph(read.dists, target.markerEnvironment);
  const embedded = new Map<PackageName, EmbeddedSbom[]>();
  for (const dist of graph.dists.values()) {
    if (dist.kind !== "dist-info") continue;
    const found = await readEmbeddedSboms(dist.infoPath);
    for (const warning of found.warnings) context.io.stderr.write(`WARNING: ${warning}\n`);
    if (found.files.length > 0) embedded.set(dist.name, found.files);
  }
  return environmentSbom(graph, { subject: interpreter.prefix, embedded });
}

/** When the document was made: `SOURCE_DATE_EPOCH` (seconds) when set, for reproducible output. */
function timestamp(env: Readonly<Record<string, string>>): Date {
  const epoch = env["SOURCE_DATE_EPOCH"];
  if (epoch !== undefined && /^\d+$/.test(epoch.trim())) return new Date(Number(epoch) * 1000);
  return new Date();
}

/** Runs `dpip sbom`. */
export async function runSbom(context: CommandContext): Promise<number> {
  const { io, options } = context;
  const files = options.strings("requirements");
  if (files.length > 1) throw new UsageError("dpip sbom takes one lock file (-r pylock.toml)");
  const document = files.length === 1
    ? await lockDocument(context, files[0]!)
    : await environmentDocument(context);
  const info: DocumentInfo = {
    toolName: "dpip",
    toolVersion: DPIP_VERSION,
    timestamp: timestamp(io.env),
    uuid: crypto.randomUUID(),
  };
  const text = options.choice("format") === "spdx"
    ? formatSpdx(document, info)
    : await formatCycloneDx(document, info);
  const output = options.string("output");
  if (output === undefined || output === "-") io.stdout.write(text);
  else writeOutputFile(resolve(io.cwd, output), output, "the SBOM", text);
  return ExitCode.success;
}
