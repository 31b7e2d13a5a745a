/**
 * `dpip bundle REQUIREMENTS… -o DIR`: an offline bundle (`operations/bundle.ts`)
 * of the requirements' whole tree, resolved and saved by `dpip download`
 * itself (its command, with the same options) into the bundle's `wheels/`
 * with `--only-binary :all:`: for another machine with `--platform`,
 * `--python-version`, `--implementation` and `--abi`, once per operating
 * system the platforms name, each system's packages marked with its
 * `sys_platform` where the systems' trees differ. dpip itself comes from
 * where the running program is (`operations/dpip_build.ts`), checked before
 * anything is downloaded.
 *
 * Output: `download`'s lines on stderr, then where the bundle is and how to
 * install it; `--format json` prints the bundle's document instead.
 *
 * @module
 */

import { UsageError } from "../../errors.ts";
import { splitBySystem, targetMarkerEnvironment } from "../../index/target_markers.ts";
import { isForeignTarget } from "../../index/target_tags.ts";
import {
  bundleDocument,
  type BundledWheel,
  BundleError,
  type BundleTarget,
  makeBundle,
} from "../../operations/bundle.ts";
import { INSTALL_SCRIPT } from "../../operations/bundle_script.ts";
import { runningDpipBuild } from "../../operations/dpip_build.ts";
import type { DownloadDocument } from "../../operations/json_documents.ts";
import { resolve } from "../../paths.ts";
import type { RequirementsSpecification } from "../../requirements/specification.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import { targetOptionsOf } from "../index_session.ts";
import { displayPath, runPrinted } from "../install_render.ts";
import { emitDocument, wantsJson } from "../json_output.ts";
import { OptionValues } from "../option_values.ts";
import { downloadRequirements, runDownload } from "./download.ts";
import { targetInterpreter } from "./installed_environment.ts";

/** `download` failed for a target; it has printed why. */
class TargetDownloadFailed extends Error {
  constructor(readonly status: number) {
    super(`download exited with status ${status}`);
    this.name = "TargetDownloadFailed";
  }
}

/** The bundle's targets: one per operating system `--platform` names, with its marker. */
async function bundleTargets(
  context: CommandContext,
): Promise<{ platforms?: readonly string[]; marker?: string }[]> {
  const target = targetOptionsOf(context);
  const systems = isForeignTarget(target) ? splitBySystem(target) : [target];
  if (systems.length === 1) return [{}];
  const host = (await targetInterpreter(context)).markerEnvironment;
  return systems.map((each) => ({
    platforms: each.platforms ?? [],
    marker: `sys_platform == "${targetMarkerEnvironment(host, each).sys_platform}"`,
  }));
}

/**
 * Runs `download` with this command's options into `wheelDir`, wheels only,
 * for `platforms` when given, and lists what it saved (its JSON document,
 * collected as `sync` collects its parts').
 */
async function downloadTarget(
  context: CommandContext,
  spec: RequirementsSpecification,
  wheelDir: string,
  platforms: readonly string[] | undefined,
): Promise<BundledWheel[]> {
  const options = new OptionValues();
  for (const [dest, value, source] of context.options.entries()) options.set(dest, value, source);
  options.set("dest", wheelDir, "cli");
  options.set("onlyBinary", [":all:"], "cli");
  options.set("outputFormat", "json", "cli");
  if (platforms !== undefined) options.set("platforms", [...platforms], "cli");
  let document: DownloadDocument | undefined;
  const status = await runDownload({
    ...context,
    options,
    collectDocument: (part) => document = part as DownloadDocument,
  }, spec);
  if (status !== ExitCode.success || document === undefined) {
    throw new TargetDownloadFailed(status);
  }
  return document.files.map((file) => ({
    filename: file.filename,
    size: file.size,
    sha256: file.sha256,
  }));
}

/**
 * A project directory (editable or not) cannot be bundled: `download` saves
 * nothing for it, and the target machine would need its build backend.
 *
 * @throws {BundleError} naming the first one.
 */
function refuseProjectDirectories(spec: RequirementsSpecification, program: string): void {
  for (const { source } of spec.requirements) {
    if (source.kind === "path" && source.pathKind === "directory") {
      throw new BundleError(
        "unsupported-requirement",
        `Cannot bundle ${source.text}: it is a project directory, and installing it would need its build backend on the target machine`,
        `build its wheel first ('${program} wheel ${source.text} -w DIR') and bundle that file`,
      );
    }
  }
}

/** Runs `dpip bundle`. */
export async function runBundle(context: CommandContext): Promise<number> {
  try {
    return await runPrinted(context, "bundle", async (printer) => {
      const { io, options } = context;
      const out = options.string("bundleOutput");
      if (out === undefined) {
        throw new UsageError(
          `${context.program} bundle needs the directory to write: -o DIR (a new or empty directory)`,
        );
      }
      if (context.args.length === 0 && options.strings("requirements").length === 0) {
        throw new UsageError(
          `You must give at least one requirement to bundle (maybe you meant "${context.program} bundle -o ${out} PACKAGE"?)`,
        );
      }
      // Read once: every target's download resolves the same requirements.
      const spec = await downloadRequirements(context);
      refuseProjectDirectories(spec, context.program);
      const output = resolve(io.cwd, out);
      const build = runningDpipBuild(io.env);
      const targets = await bundleTargets(context);
      const outcome = await makeBundle({
        output,
        build,
        createdBy: "dpip",
        download: async (wheelDir) => {
          const found: BundleTarget[] = [];
          for (const target of targets) {
            const wheels = await downloadTarget(context, spec, wheelDir, target.platforms);
            found.push(
              target.marker === undefined ? { wheels } : { marker: target.marker, wheels },
            );
          }
          return found;
        },
      });
      if (wantsJson(context)) {
        emitDocument(context, bundleDocument(outcome));
      } else {
        const count = outcome.lock.packages.length;
        const shown = displayPath(output, io.cwd);
        printer.info(
          `Bundled ${count} package${count === 1 ? "" : "s"} and dpip (${
            build.kind === "binary" ? "compiled" : "JavaScript, needs deno"
          }) into ${shown}`,
        );
        printer.info(
          `Install offline with: ${shown}/${INSTALL_SCRIPT} PYTHON-OR-VENV`,
        );
      }
      return ExitCode.success;
    });
  } catch (error) {
    if (error instanceof TargetDownloadFailed) return error.status;
    throw error;
  }
}
