/**
 * `dpip list`: installed packages as columns, `freeze` lines or JSON, worded
 * and laid out as pip 23.2 does.
 *
 * @module
 */

import { DpipError } from "../../errors.ts";
import { canonicalizeName } from "../../names/mod.ts";
import {
  listDocument,
  type ListedPackage,
  listPackages,
  readTargetDists,
  STDLIB_PACKAGES,
} from "../../operations/list.ts";
import type { LatestInfo } from "../../operations/list_latest.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import {
  pathOption,
  reportReadWarnings,
  targetEnvironment,
  targetInterpreter,
} from "./installed_environment.ts";
import { formatPythonJson, type PythonJsonValue } from "../../dists/python_json.ts";
import { maxOf } from "../../lists.ts";

/** A `list` option combination pip refuses. */
export class ListCommandError extends DpipError {
  constructor(message: string, options: { hint?: string } = {}) {
    super("list-command", message, options);
    this.name = "ListCommandError";
  }
}

/** pip's `tabulate`: columns padded to their widest cell, trailing blanks trimmed. */
export function tabulate(
  rows: readonly (readonly string[])[],
): { lines: string[]; sizes: number[] } {
  const columns = maxOf(rows.map((r) => r.length), 0);
  const sizes: number[] = [];
  for (let c = 0; c < columns; c++) sizes.push(maxOf(rows.map((r) => (r[c] ?? "").length)));
  const lines = rows.map((row) =>
    sizes.map((size, c) => (row[c] ?? "").padEnd(size)).join(" ").trimEnd()
  );
  return { lines, sizes };
}

/** The `columns` format; `latest` adds pip's `Latest` and `Type` columns (`--outdated`). */
export function formatColumns(
  packages: readonly ListedPackage[],
  verbose: number,
  latest?: ReadonlyMap<string, LatestInfo>,
): string {
  if (packages.length === 0) return "";
  const header = ["Package", "Version"];
  if (latest !== undefined) header.push("Latest", "Type");
  const editables = packages.some((p) => p.editableProjectLocation !== undefined);
  if (editables) header.push("Editable project location");
  if (verbose >= 1) header.push("Location", "Installer");
  const rows = packages.map((p) => {
    const row = [p.name, p.version];
    if (latest !== undefined) {
      const info = latest.get(canonicalizeName(p.name));
      row.push(info?.version ?? "", info?.filetype ?? "");
    }
    if (editables) row.push(p.editableProjectLocation ?? "");
    if (verbose >= 1) row.push(p.location, p.installer);
    return row;
  });
  const { lines, sizes } = tabulate([header, ...rows]);
  lines.splice(1, 0, sizes.map((size) => "-".repeat(size)).join(" "));
  return lines.map((line) => line + "\n").join("");
}

/** The `json` format; `latest` adds `latest_version` and `latest_filetype` (`--outdated`). */
export function formatJson(
  packages: readonly ListedPackage[],
  verbose: number,
  latest?: ReadonlyMap<string, LatestInfo>,
): string {
  const document = listDocument(packages, {
    verbose: verbose >= 1,
    ...(latest === undefined ? {} : { latest }),
  });
  // An interface does not stand for the index-signature type of a JSON value in TypeScript.
  return formatPythonJson(document as unknown as PythonJsonValue) + "\n";
}

/** Runs `dpip list`. */
export async function runList(context: CommandContext): Promise<number> {
  const { io, options } = context;
  const outdated = options.flag("outdated");
  const uptodate = options.flag("uptodate");
  const format = options.choice("format") ?? "columns";
  if (outdated && uptodate) {
    throw new ListCommandError("Options --outdated and --uptodate cannot be combined.");
  }
  if (outdated && format === "freeze") {
    throw new ListCommandError("List format 'freeze' cannot be used with the --outdated option.");
  }
  const paths = pathOption(context);
  if (paths !== undefined && (options.flag("user") || options.flag("local"))) {
    throw new ListCommandError("Cannot combine '--path' with '--user' or '--local'");
  }
  const interpreter = await targetInterpreter(context);
  const target = targetEnvironment(interpreter);
  const read = readTargetDists(target, paths === undefined ? {} : { paths });
  reportReadWarnings(io, read.warnings);
  const skip = new Set<string>(STDLIB_PACKAGES);
  for (const name of options.strings("exclude")) skip.add(canonicalizeName(name));
  let packages = listPackages(read.dists, target, {
    ...(paths === undefined ? {} : { paths }),
    local: options.flag("local"),
    user: options.flag("user"),
    includeEditables: options.flag("includeEditable", true),
    editablesOnly: options.flag("editable"),
    skip,
    notRequired: options.flag("notRequired"),
  });
  let latest: Map<string, LatestInfo> | undefined;
  if (outdated || uptodate) {
    // The index client is loaded only when asked for, keeping plain `list` fast.
    const [{ candidateSettings, openIndexSession }, { compareWithLatest, latestVersions }] =
      await Promise.all([
        import("../index_session.ts"),
        import("../../operations/list_latest.ts"),
      ]);
    const { tags, policy } = candidateSettings(context, interpreter);
    const session = await openIndexSession(context);
    try {
      latest = await latestVersions(packages.map((p) => p.name), {
        sources: session.indexes,
        tags,
        policy,
      });
    } finally {
      session.client.close();
    }
    const found = latest;
    packages = packages.filter((p) => {
      const info = found.get(canonicalizeName(p.name));
      return info !== undefined &&
        compareWithLatest(p.version, info.version) === (outdated ? "outdated" : "uptodate");
    });
  }
  const shown = outdated ? latest : undefined;
  const verbose = options.count("verbose");
  if (format === "json") io.stdout.write(formatJson(packages, verbose, shown));
  else if (format === "freeze") {
    for (const p of packages) {
      io.stdout.write(
        verbose >= 1 ? `${p.name}==${p.version} (${p.location})\n` : `${p.name}==${p.version}\n`,
      );
    }
  } else io.stdout.write(formatColumns(packages, verbose, shown));
  return ExitCode.success;
}
