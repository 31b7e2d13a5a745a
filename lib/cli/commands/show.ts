/**
 * `dpip show`: details of installed packages, in pip's field order and wording.
 *
 * @module
 */

import { readTargetDists } from "../../operations/list.ts";
import { type PackageInfo, showDocument, showPackages } from "../../operations/show.ts";
import { wantsJson, writeJson } from "../json_output.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import {
  reportReadWarnings,
  targetEnvironment,
  targetInterpreter,
} from "./installed_environment.ts";
import { appendAll } from "../../lists.ts";

/** The text `show` prints for the packages found. */
export function formatShow(
  packages: readonly PackageInfo[],
  options: { files: boolean; verbose: boolean },
): string {
  const lines: string[] = [];
  packages.forEach((info, index) => {
    if (index > 0) lines.push("---");
    lines.push(
      `Name: ${info.name}`,
      `Version: ${info.version}`,
      `Summary: ${info.summary}`,
      `Home-page: ${info.homepage}`,
      `Author: ${info.author}`,
      `Author-email: ${info.authorEmail}`,
      `License: ${info.license}`,
      `Location: ${info.location}`,
    );
    if (info.editableProjectLocation !== undefined) {
      lines.push(`Editable project location: ${info.editableProjectLocation}`);
    }
    lines.push(
      `Requires: ${info.requires.join(", ")}`,
      `Required-by: ${info.requiredBy.join(", ")}`,
    );
    if (options.verbose) {
      lines.push(`Metadata-Version: ${info.metadataVersion}`, `Installer: ${info.installer}`);
      lines.push("Classifiers:");
      appendAll(lines, info.classifiers.map((c) => `  ${c}`));
      lines.push("Entry-points:");
      appendAll(lines, info.entryPoints.map((e) => `  ${e.trim()}`));
      lines.push("Project-URLs:");
      appendAll(lines, info.projectUrls.map((u) => `  ${u}`));
    }
    if (options.files) {
      lines.push("Files:");
      if (info.files === undefined) lines.push("Cannot locate RECORD or installed-files.txt");
      else appendAll(lines, info.files.map((f) => `  ${f.trim()}`));
    }
  });
  return lines.map((line) => line + "\n").join("");
}

/** Runs `dpip show`. */
export async function runShow(context: CommandContext): Promise<number> {
  const { io, options, args } = context;
  if (args.length === 0) {
    io.stderr.write("WARNING: ERROR: Please provide a package name or names.\n");
    return ExitCode.error;
  }
  const interpreter = await targetInterpreter(context);
  const target = targetEnvironment(interpreter);
  const read = readTargetDists(target);
  reportReadWarnings(io, read.warnings);
  const result = showPackages(read.dists, target, args, { importlib: target.importlib });
  if (result.missing.length > 0) {
    io.stderr.write(`WARNING: Package(s) not found: ${result.missing.join(", ")}\n`);
  }
  if (wantsJson(context)) {
    writeJson(io, showDocument(result, { files: options.flag("files") }));
  } else {
    io.stdout.write(
      formatShow(result.packages, {
        files: options.flag("files"),
        verbose: options.count("verbose") > 0,
      }),
    );
  }
  return result.packages.length > 0 ? ExitCode.success : ExitCode.error;
}
