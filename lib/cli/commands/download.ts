/**
 * `dpip download`: the requirements and their dependencies (resolved with
 * the PubGrub resolver), or with `--no-deps` the best file of each
 * requirement, into `-d/--dest` (default: the working directory). Requirements come from
 * the arguments and `-r` files (with `--hash` lines and the index options a
 * file may set); `-c` files narrow versions. Foreign targets (`--platform`,
 * `--python-version`, `--implementation`, `--abi`) follow pip's rule that
 * they need `--no-deps` or `--only-binary=:all:`.
 *
 * Output is pip's (`Collecting`, `Downloading`, `Saved`, `Successfully
 * downloaded`), written in requirement order once the parallel downloads
 * are done; progress bars appear only on a terminal.
 *
 * @module
 */

import { resolve as resolvePath } from "../../paths.ts";
import { DpipError, isDpipError, UsageError } from "../../errors.ts";
import { resolveCacheRoot } from "../../cache/cache_dir.ts";
import type { Interpreter } from "../../python/mod.ts";
import type { IndexSource } from "../../resolver/default_provider.ts";
import type { ResolverProvider } from "../../resolver/mod.ts";
import { parseConfigSettings } from "../../requirements/requirements_txt.ts";
import {
  type SourceMetadataOptions,
  withSourceMetadata,
} from "../../operations/source_metadata.ts";
import { checkoutHooks, existsActionsOf, srcDirOf } from "../checkout_hooks.ts";
import { buildConstraintsOf, sdistLimitsOf } from "./install.ts";
import {
  downloadDocument,
  type DownloadItem,
  type DownloadOutcome,
  downloadRequirements,
  downloadResolved,
  type ResolvedFile,
} from "../../operations/download.ts";
import { parseSpecifierSet } from "../../pep440/mod.ts";
import { parseRequirement, type Requirement } from "../../pep508/mod.ts";
import { buildSpecification } from "../../requirements/specification.ts";
import { readRequirementsLocation } from "../requirement_files.ts";
import type { PathKind, RequirementSource } from "../../requirements/source.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import { tagPriorities } from "../../dists/tags.ts";
import { splitBySystem, targetMarkerEnvironment } from "../../index/target_markers.ts";
import { isForeignTarget, targetTags } from "../../index/target_tags.ts";
import {
  candidateSettings,
  type ExtraIndexOptions,
  type IndexSession,
  openIndexSession,
  targetOptionsOf,
} from "../index_session.ts";
import { type InstallPrinter, runPrinted } from "../install_render.ts";
import { emitDocument, wantsJson } from "../json_output.ts";
import { formatSize, progressDisplay } from "../progress.ts";
import { targetInterpreter } from "./installed_environment.ts";
import { resolutionBounds } from "../resolution_progress.ts";

/** A requirement form `download` cannot handle yet. */
export class UnsupportedDownloadError extends DpipError {
  constructor(requirement: string, why: string, hint: string) {
    super("unsupported-requirement", `Cannot download ${requirement}: ${why}`, { hint });
    this.name = "UnsupportedDownloadError";
  }
}

function statKind(path: string): PathKind {
  try {
    return Deno.statSync(path).isDirectory ? "directory" : "file";
  } catch {
    return undefined;
  }
}

/** A resolved file's identity across resolutions: project, version and where it comes from. */
function fileKey(dist: ResolvedFile): string {
  return `${dist.name} ${dist.version} ${dist.source?.file.url ?? dist.url ?? ""}`;
}

/** pip's `display_path`: `./x` under the working directory, else the absolute path. */
export function displayPath(path: string, cwd: string): string {
  const prefix = cwd.endsWith("/") ? cwd : cwd + "/";
  return path.startsWith(prefix) ? "./" + path.slice(prefix.length) : path;
}

/** How `download` asks backends for sdists' metadata: the build options of the command line. */
async function sourceMetadataOptions(
  context: CommandContext,
  printer: InstallPrinter,
  run: {
    interpreter: Interpreter;
    provider: ResolverProvider<IndexSource>;
    session: IndexSession;
    signal: AbortSignal | undefined;
  },
): Promise<SourceMetadataOptions> {
  const { io, options } = context;
  if (options.strings("buildConstraints").length > 0 && !options.flag("buildIsolation", true)) {
    throw new UsageError("--build-constraint cannot be used with --no-build-isolation.");
  }
  const cacheDir = options.isDisabled("cacheDir") ? false : options.string("cacheDir");
  const cacheRoot = resolveCacheRoot({
    ...(cacheDir === undefined ? {} : { cacheDir }),
    env: io.env,
    cwd: io.cwd,
  });
  return {
    interpreter: run.interpreter,
    provider: run.provider,
    downloader: run.session.client,
    ...(cacheRoot === undefined ? {} : { cacheRoot }),
    isolation: options.flag("buildIsolation", true),
    buildConstraints: await buildConstraintsOf(context),
    configSettings: parseConfigSettings(options.strings("configSettings"), (message) => {
      throw new UsageError(message);
    }),
    pre: options.flag("pre"),
    archiveLimits: sdistLimitsOf(io.env),
    ...(options.flag("buildSandbox") ? { sandbox: true } : {}),
    env: io.env,
    ...(run.signal === undefined ? {} : { signal: run.signal }),
    vcs: {
      ...checkoutHooks(context, printer),
      srcDir: srcDirOf(context, run.interpreter),
      existsAction: existsActionsOf(context),
    },
    reporter: {
      onBuildStart: (what) => printer.debug(`Preparing metadata of ${what}`),
      onBuildOutput: (line) => printer.debug(`  ${line}`),
    },
  };
}

/** `name[extras] @ url` for a requirement named by path or URL. */
function referenceRequirement(
  name: string,
  source: RequirementSource & { kind: "path" | "url" },
): Requirement {
  const extras = source.extras.length > 0 ? `[${source.extras.join(",")}]` : "";
  return parseRequirement(`${name}${extras} @ ${source.url.split("#")[0]}`);
}

/** Runs `dpip download`. */
export function runDownload(context: CommandContext): Promise<number> {
  return runPrinted(context, "download", (printer) => download(context, printer));
}

async function download(context: CommandContext, printer: InstallPrinter): Promise<number> {
  const { io, options } = context;
  if (options.strings("editables").length > 0) {
    throw new UnsupportedDownloadError(
      options.strings("editables")[0] ?? "",
      "editable requirements need a build, which dpip cannot do yet",
      "download a built wheel instead",
    );
  }
  const spec = await buildSpecification({
    args: context.args,
    requirementFiles: options.strings("requirements"),
    constraintFiles: options.strings("constraints"),
  }, {
    cwd: io.cwd,
    env: io.env,
    read: (location) => readRequirementsLocation(location, context),
    stat: statKind,
  });
  if (spec.requirements.length === 0) {
    throw new DpipError(
      "usage",
      `You must give at least one requirement to download (maybe you meant "${context.program} download PACKAGE"?)`,
    );
  }
  const fileOptions = spec.fileOptions;
  // A requirements file's index and format options add to (or replace) the command line's.
  const extra: ExtraIndexOptions = fileOptions;
  const interpreter = await targetInterpreter(context);
  const noDeps = options.flag("noDeps");
  const target = targetOptionsOf(context);
  if (isForeignTarget(target) && !noDeps) {
    // Another machine's dependencies come from wheels' metadata only (an sdist's would need a
    // build there), so only wheels are used, as pip's required --only-binary=:all: says;
    // asking for sdists explicitly cannot work.
    const noBinary = [...fileOptions.noBinary, ...options.strings("noBinary")];
    if (noBinary.some((v) => v !== ":none:")) {
      throw new DpipError(
        "usage",
        `--no-binary ${
          noBinary.join(",")
        } asks for source distributions, which cannot be used for another platform or Python (--platform, --python-version, --abi, --implementation) without --no-deps`,
      );
    }
  }
  const { tags, policy, foreign } = candidateSettings(
    context,
    interpreter,
    isForeignTarget(target) && !noDeps
      ? { ...extra, onlyBinary: [...(extra.onlyBinary ?? []), ":all:"] }
      : extra,
  );
  // One resolution per operating system the platforms name, each with that system's markers.
  const targets = foreign ? splitBySystem(target) : [target];
  const environments = targets.map((each) =>
    foreign
      ? targetMarkerEnvironment(interpreter.markerEnvironment, each)
      : interpreter.markerEnvironment
  );

  const items: DownloadItem[] = [];
  /** Project directories and source archives whose dependencies are wanted. */
  const sources: (RequirementSource & { kind: "path" | "url" })[] = [];
  /** What the resolver gets: your requirements with their extras. */
  const roots: Requirement[] = [];
  const notes: string[] = [];
  const constraints = spec.constraints;
  for (const { source, hashes } of spec.requirements) {
    const marker = source.marker;
    if (marker !== undefined && !environments.some((env) => marker.evaluate(env))) {
      notes.push(
        `Ignoring ${
          source.name ?? source.text
        }: markers '${source.marker}' don't match your environment`,
      );
      continue;
    }
    const allHashes: Record<string, string[]> = {};
    for (const [algorithm, values] of Object.entries(hashes)) allHashes[algorithm] = [...values];
    for (const [algorithm, value] of Object.entries(source.urlHashes)) {
      allHashes[algorithm] = [...(allHashes[algorithm] ?? []), value];
    }
    const hashPart = Object.keys(allHashes).length > 0 ? { hashes: allHashes } : {};
    switch (source.kind) {
      case "registry": {
        const narrowing = constraints.filter((c) => c.name === source.name)
          .map((c) => String(c.requirement?.specifier ?? "")).filter((s) => s !== "");
        const specifier = [String(source.requirement.specifier), ...narrowing]
          .filter((s) => s !== "").join(",");
        items.push({
          text: source.text,
          name: source.name,
          specifier: parseSpecifierSet(specifier),
          ...hashPart,
        });
        roots.push(source.requirement);
        break;
      }
      case "url":
      case "path": {
        const wheel = (source.kind === "path" ? source.pathKind : source.archive) === "wheel";
        const directory = source.kind === "path" && source.pathKind === "directory";
        if (directory && (noDeps || isForeignTarget(target))) {
          throw new UnsupportedDownloadError(
            source.text,
            "it is a project directory: only its dependencies can be downloaded",
            "leave out --no-deps and the foreign-target options",
          );
        }
        // A directory is not saved (as pip), only what it depends on.
        if (!directory) {
          items.push({
            text: source.text,
            ...(source.name === undefined ? {} : { name: source.name }),
            url: source.url,
            ...hashPart,
          });
        }
        if (noDeps) break;
        if (!wheel) {
          if (isForeignTarget(target)) {
            throw new UnsupportedDownloadError(
              source.text,
              "the dependencies of a source archive on another platform are only known after a build there",
              "add --no-deps, and list its dependencies as requirements",
            );
          }
          // Its name and dependencies come from its backend's metadata hook.
          sources.push(source);
          break;
        }
        // The wheel's own metadata gives its dependencies, as for `install`.
        roots.push(referenceRequirement(source.requirement!.name, source));
        break;
      }
      case "vcs":
        throw new UnsupportedDownloadError(
          source.text,
          "version-control URLs need a checkout and a build",
          "building from source is not available in dpip yet",
        );
    }
  }

  // Ctrl-C stops the downloads and the backends asked for metadata (lib never exits).
  const signal = io.interruptSignal?.();
  const session = await openIndexSession(context, extra, signal);
  const quiet = options.count("quiet");
  const out = (line: string) => printer.info(line);
  if (!options.flag("noIndex") && !fileOptions.noIndex) {
    const indexes = session.indexes.indexUrls;
    if (indexes.length > 0 && !(indexes.length === 1 && indexes[0] === "https://pypi.org/simple")) {
      out(`Looking in indexes: ${indexes.join(", ")}`);
    }
  }
  if (session.indexes.findLinks.length > 0) {
    out(`Looking in links: ${session.indexes.findLinks.join(", ")}`);
  }
  for (const note of notes) out(note);
  const display = progressDisplay(io, {
    progressBar: options.string("progressBar"),
    quiet,
    json: wantsJson(context),
  });
  const bars = display.downloads;
  const dest = resolvePath(io.cwd, options.string("dest") ?? ".");
  let outcome: DownloadOutcome;
  const requireHashes = options.flag("requireHashes") || fileOptions.requireHashes;
  /** Your requirements resolved for each target (only them with `only`: `--no-deps`). */
  const resolveTargets = async (only: boolean) => {
    // The resolver loads only when needed (not for a `--no-deps` download that finds its files).
    const { defaultProvider } = await import("../../resolver/default_provider.ts");
    const { resolve } = await import("../../resolver/mod.ts");
    const dists = new Map<string, ResolvedFile>();
    const warnings: string[] = [];
    for (const [index, each] of targets.entries()) {
      const provider = defaultProvider({
        indexes: session.indexes,
        client: session.client,
        tags: targets.length === 1 ? tags : tagPriorities(targetTags(interpreter.tagFacts, each)),
        policy,
        ...(session.metadataStore === undefined ? {} : { metadataStore: session.metadataStore }),
      });
      const resolveWith = (usable: typeof provider, named: readonly Requirement[] = []) =>
        resolve({
          requirements: [...roots, ...named],
          constraints: spec.constraints.flatMap((c) =>
            c.requirement === undefined ? [] : [c.requirement]
          ),
        }, {
          provider: usable,
          environment: environments[index]!,
          pythonVersion: policy.pythonVersion.join("."),
          ...(policy.pre ? { prerelease: "allow" as const } : {}),
          ignoreRequiresPython: policy.ignoreRequiresPython ?? false,
          ignoreInstalled: true,
          noDeps: only,
          ...resolutionBounds(context),
        });
      // Another machine's dependencies come from wheels only; here, an sdist's from its
      // backend's metadata hook (pip's prepare_metadata_for_build_wheel).
      const resolution = foreign || only ? await resolveWith(provider) : await withSourceMetadata(
        await sourceMetadataOptions(context, printer, { interpreter, provider, session, signal }),
        async (usable, nameOf) =>
          await resolveWith(
            usable,
            await Promise.all(
              sources.map(async (source) => referenceRequirement(await nameOf(source), source)),
            ),
          ),
      );
      // Each system's files; a file two systems share is saved once.
      for (const dist of resolution.dists) dists.set(fileKey(dist), dist);
      for (const warning of resolution.warnings) warnings.push(warning);
    }
    return { dists, warnings };
  };
  try {
    if (noDeps) {
      outcome = await downloadRequirements(items, {
        sources: session.indexes,
        downloader: session.client,
        tags,
        policy,
        dest,
        requireHashes,
        ...(bars === undefined ? {} : { reporter: bars }),
      }).catch(async (error) => {
        // A requirement no file matches is explained as install explains it: by the resolver.
        if (isDpipError(error, "no-matching-distribution")) await resolveTargets(true);
        throw error;
      });
    } else {
      const { dists, warnings } = await resolveTargets(false);
      outcome = await downloadResolved([...dists.values()], items, {
        downloader: session.client,
        dest,
        requireHashes,
        ...(bars === undefined ? {} : { reporter: bars }),
      });
      for (const warning of warnings) outcome.warnings.push(warning);
    }
  } finally {
    display.finish();
    session.client.close();
  }
  for (const warning of new Set(outcome.warnings)) printer.warning(warning);
  for (const file of outcome.files) {
    out(`Collecting ${file.requirement}`);
    switch (file.origin) {
      case "present":
        out(`  File was already downloaded ${file.path}`);
        break;
      case "cached":
        out(`  Using cached ${file.filename} (${formatSize(file.size)})`);
        break;
      case "downloaded":
        out(
          file.url.startsWith("file:")
            ? `  Processing ${file.url.replace(/^file:\/\//, "")}`
            : `  Downloading ${file.filename} (${formatSize(file.size)})`,
        );
        break;
    }
  }
  for (const file of outcome.files) {
    if (file.origin !== "present") out(`Saved ${displayPath(file.path, io.cwd)}`);
  }
  if (outcome.files.length > 0) {
    out(`Successfully downloaded ${outcome.files.map((f) => f.name).join(" ")}`);
  }
  if (wantsJson(context)) emitDocument(context, downloadDocument(outcome, dest));
  return ExitCode.success;
}
