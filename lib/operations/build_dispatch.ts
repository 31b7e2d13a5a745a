/**
 * The run's builds, in one place: the {@link BuildContext} the build frontend
 * asks for build requirements, and everything a run builds (your project
 * directories and source archives, index sdists the resolver needs, sources
 * named by build requirements).
 *
 * - One memo per run: each source is built once, whatever asks for it, and
 *   concurrent requests share the build.
 * - Every build carries its {@link BuildStack}; a distribution needed to
 *   build itself (`a → b → a`) is refused with one error naming the chain.
 * - Build requirements are resolved where the install resolves (the same
 *   provider: indexes, `--find-links`, credentials, format rules), with
 *   `--build-constraint`.
 * - Backend hooks run one at a time (the waits for build environments do
 *   not hold that turn, so nested builds cannot deadlock on it).
 * - Every directory goes into the run's {@link Scratch}; {@link close} stops
 *   what is still running (a speculative build, or everything after an
 *   interrupt) and waits for it before the scratch directory is removed.
 *
 * @module
 */

import type {
  BuildContext,
  BuildEnvironment,
  BuildOptions,
  BuiltWheel,
  HookSlot,
  SourceArchiveLimits,
} from "../build/mod.ts";
import { BuildMemo } from "../build/build_memo.ts";
import type { BuildId, BuildStack } from "../build/build_stack.ts";
import { throwIfCancelled } from "../cancellation.ts";
import { fileURLToPath } from "../paths.ts";
import { tryParseSdistFilenameForProject } from "../dists/sdist_filename.ts";
import { compatibleTags } from "../dists/tags.ts";
import { parseWheelFilename } from "../dists/wheel_filename.ts";
import { DpipError, isDpipError } from "../errors.ts";
import type { WheelDownloader } from "../installer/prepare.ts";
import type { LinkMode } from "../installer/wheel_cache.ts";
import { canonicalizeName, type PackageName } from "../names/mod.ts";
import { dirname } from "../paths.ts";
import type { Requirement } from "../pep508/mod.ts";
import type { Interpreter } from "../python/mod.ts";
import type { IndexFile, IndexSource } from "../resolver/default_provider.ts";
import type { ResolverProvider } from "../resolver/mod.ts";
import { ResolutionImpossibleError } from "../resolver/failure.ts";
import { parseRequirementSource, type RequirementSource } from "../requirements/source.ts";
import {
  type BuiltRequirement,
  checkout,
  type CheckoutContext,
  pinnedVcsDirectUrl,
  pinnedVcsKey,
  SourceBuildError,
  sourceBuildId,
  sourceIdentity,
  type VcsSettings,
  withoutFragment,
} from "./build_sources.ts";
import type { Scratch } from "./scratch.ts";
import {
  buildIndexSdist,
  type BuiltIndexWheel,
  type BuiltWheelCache,
  cachedBuiltWheel,
  cachedIndexWheel,
  describeWheel,
  fetchIndexSdist,
  keepBuiltWheel,
  keptIndexWheel,
  type SdistBuilder,
  sdistProvider,
  type SourceMetadata,
} from "./sdist_builds.ts";
import { parseCoreMetadata } from "../dists/core_metadata.ts";
import { statKind } from "./path_kind.ts";

/** Progress of the run's builds. */
export interface BuildReporter {
  /** A build starts; `stack` has it on top (one entry: asked for by the install itself). */
  onBuildStart?(what: string, stack: BuildStack): void;
  /** A line of a build backend's output. */
  onBuildOutput?(line: string): void;
  /** A build made `filename`. */
  onBuilt?(name: PackageName, filename: string, stack: BuildStack): void;
}

/** What the run builds with. */
export interface BuildDispatchOptions {
  /** The target interpreter: it runs the backends and gets the build environments' layout. */
  readonly interpreter: Interpreter;
  /** Versions and metadata from the indexes (without builds: the dispatch adds them). */
  readonly provider: ResolverProvider<IndexSource>;
  readonly downloader: WheelDownloader;
  /** Where every build directory goes. */
  readonly scratch: Scratch;
  /** The `unpacked-v1` bucket (or the run's temporary one). */
  readonly unpackedBucket: string;
  /** The `wheels-v1` bucket, where wheels built from index sdists are kept; none: not kept. */
  readonly wheelCache?: string;
  /** Build in isolated environments (pip's default); false for `--no-build-isolation`. */
  readonly isolation: boolean;
  /** `--build-constraint`: constraints on every build environment. */
  readonly buildConstraints: readonly Requirement[];
  /** `--config-settings` for every build (a requirement's own settings add to them). */
  readonly configSettings?: Readonly<Record<string, string | readonly string[]>>;
  /** `--pre` for build requirements. */
  readonly pre: boolean;
  readonly linkMode?: LinkMode;
  /** Base environment of the backend processes. */
  readonly env?: Readonly<Record<string, string>>;
  /** Aborted on an interrupt. */
  readonly signal?: AbortSignal;
  /** Bounds on unpacking source archives. */
  readonly archiveLimits?: SourceArchiveLimits;
  /** How VCS requirements are checked out (`--src`, `--exists-action`, their messages). */
  readonly vcs: VcsSettings;
  readonly reporter?: BuildReporter;
  /** `--build-sandbox`: run every backend hook in a bubblewrap sandbox (`build/sandbox.ts`). */
  readonly sandbox?: boolean;
}

/** A source prepared for its metadata, and where. */
export interface PreparedSource extends SourceMetadata {
  /** The project directory the metadata hook ran in. */
  readonly projectDir: string;
}

type Settings = Readonly<Record<string, string | readonly string[]>>;

/**
 * The builds of one run.
 *
 * @example
 * ```ts ignore
 * const dispatch = new BuildDispatch({ interpreter, provider, downloader, scratch, ... });
 * try {
 *   const built = await dispatch.buildRequirement(source, {}, BuildStack.root());
 *   await resolve(input, { provider: dispatch.provider(BuildStack.root()) });
 * } finally {
 *   await dispatch.close();
 * }
 * ```
 */
export class BuildDispatch implements BuildContext, SdistBuilder {
  readonly #options: BuildDispatchOptions;
  readonly #memo = new BuildMemo();
  /** Wheels built from index sdists, by the sdist's URL. */
  readonly #built = new Map<string, BuiltIndexWheel>();
  readonly #hookSlot: HookSlot = oneAtATime();
  /** Aborted by an interrupt, or by {@link close} to stop what no one waits for. */
  readonly #stop = new AbortController();
  readonly #signal: AbortSignal;

  constructor(options: BuildDispatchOptions) {
    this.#options = options;
    this.#signal = options.signal === undefined
      ? this.#stop.signal
      : AbortSignal.any([options.signal, this.#stop.signal]);
  }

  /** How many builds were started in this run. */
  get buildsStarted(): number {
    return this.#memo.started;
  }

  /**
   * The run's provider for the build on top of `stack`, with sdists
   * buildable; with `metadataOnly` (for a download, which needs no wheel),
   * an sdist's metadata comes from `prepare_metadata_for_build_wheel`.
   */
  provider(
    stack: BuildStack,
    options: { metadataOnly?: boolean } = {},
  ): ResolverProvider<IndexSource> {
    return sdistProvider(this.#options.provider, this, stack, options);
  }

  /** The wheel built from the index sdist at `sdistUrl`, if it was. */
  builtWheel(sdistUrl: string): BuiltIndexWheel | undefined {
    return this.#built.get(sdistUrl);
  }

  /**
   * Builds a requirement named by path or URL (a directory, a source archive,
   * a git URL) into a wheel.
   *
   * @throws {SourceBuildError} when it cannot be fetched or names another project.
   * @throws {BuildCycleError} when its build is already in progress on `stack`.
   */
  buildRequirement(
    source: RequirementSource & { kind: "path" | "url" | "vcs" },
    configSettings: Settings,
    stack: BuildStack,
  ): Promise<BuiltRequirement> {
    const key = `source:${source.editable ? "editable:" : ""}${sourceIdentity(source)}`;
    return this.#memo.build(key, {
      id: sourceBuildId(source),
      stack,
      build: async (inner) => {
        const pinned = await pinnedVcsKey(source);
        const cached = pinned === undefined ? undefined : await this.#cachedWheel(pinned);
        if (cached !== undefined && source.kind === "vcs") {
          // Built from this very commit before: no checkout, no build (as pip).
          const wheelPath = fileURLToPath(cached.file.url);
          return {
            source,
            name: checkedName(source, cached.file.filename),
            url: sourceIdentity(source),
            wheelPath,
            directUrl: pinnedVcsDirectUrl(source),
          };
        }
        this.#options.reporter?.onBuildStart?.(source.text, inner);
        const { projectDir, directUrl, cacheKey } = await checkout(
          source,
          this.#checkoutContext(),
        );
        const built = await this.#buildProject(projectDir, {
          what: source.text,
          editable: source.editable,
          configSettings,
          stack: inner,
        });
        const name = checkedName(source, built.filename);
        const wheelPath = cacheKey === undefined || this.#options.wheelCache === undefined
          ? built.path
          : fileURLToPath(
            (await keepBuiltWheel(built.path, cacheKey, this.#wheelCache())).file.url,
          );
        return { source, name, url: sourceIdentity(source), wheelPath, directUrl };
      },
    });
  }

  /** Builds an index's sdist (or takes the wheel the cache kept from an earlier run). */
  buildIndexSdist(name: PackageName, file: IndexFile, stack: BuildStack): Promise<BuiltIndexWheel> {
    return this.#memo.build(`sdist:${withoutFragment(file.url)}`, {
      id: sdistBuildId(name, file),
      stack,
      build: async (inner) => {
        const options = this.#options;
        const wheel = await buildIndexSdist(name, file, {
          downloader: options.downloader,
          scratch: options.scratch,
          unpack: (archive, dir) => this.#unpack(archive, dir),
          build: (projectDir) =>
            this.#buildProject(projectDir, { what: file.filename, stack: inner }),
          ...(options.wheelCache === undefined ? {} : { wheelCache: options.wheelCache }),
          interpreterKey: interpreterKey(options.interpreter),
          onBuildStart: () => options.reporter?.onBuildStart?.(name, inner),
        });
        this.#built.set(file.url, wheel);
        return wheel;
      },
    });
  }

  /**
   * The core metadata of an index's sdist from its backend's
   * `prepare_metadata_for_build_wheel`, in the build environment a build
   * would get. A wheel built from it before (in this run, or kept in the
   * cache) answers at once; a backend without the hook builds the wheel,
   * which is then kept as {@link buildIndexSdist} keeps it.
   *
   * @throws {SourceBuildError} when the metadata names another project.
   */
  indexSdistMetadata(name: PackageName, file: IndexFile, stack: BuildStack): Promise<string> {
    const built = this.#built.get(file.url);
    if (built !== undefined) return Promise.resolve(built.metadata);
    return this.#memo.build(`metadata:${withoutFragment(file.url)}`, {
      id: sdistBuildId(name, file),
      stack,
      build: async (inner) => {
        const cached = await cachedIndexWheel(file, this.#wheelCache());
        if (cached !== undefined) return cached.metadata;
        this.#options.reporter?.onBuildStart?.(name, inner);
        const sdist = await fetchIndexSdist(file, {
          downloader: this.#options.downloader,
          scratch: this.#options.scratch,
          unpack: (archive, dir) => this.#unpack(archive, dir),
        });
        const { prepareMetadata } = await import("../build/frontend.ts");
        const prepared = await prepareMetadata(
          sdist.root,
          await this.#frontendOptions({ what: file.filename, stack: inner }),
        );
        if (prepared.wheel !== undefined) {
          const wheel = await keptIndexWheel(name, prepared.wheel, sdist, this.#wheelCache());
          this.#built.set(file.url, wheel);
          return wheel.metadata;
        }
        const named = parseCoreMetadata(prepared.metadata).name;
        if (named !== undefined && canonicalizeName(named) !== name) {
          throw new SourceBuildError(
            file.filename,
            `it was listed for ${name}, but its metadata names ${canonicalizeName(named)}`,
          );
        }
        return prepared.metadata;
      },
    });
  }

  /**
   * The name, version and core metadata of a project directory, source
   * archive or VCS checkout named by path or URL, from its backend's metadata
   * hook (for `download`, which saves the archive and needs no wheel), and
   * the project directory it was prepared in (in the run's scratch for an
   * archive or checkout: it lasts as long as the run).
   *
   * @throws {SourceBuildError} when it names another project than it was asked by.
   */
  sourceMetadata(
    source: RequirementSource & { kind: "path" | "url" | "vcs" },
    stack: BuildStack,
  ): Promise<PreparedSource> {
    return this.#memo.build(`source-metadata:${sourceIdentity(source)}`, {
      id: sourceBuildId(source),
      stack,
      build: async (inner) => {
        this.#options.reporter?.onBuildStart?.(source.text, inner);
        const { projectDir } = await checkout(source, this.#checkoutContext());
        const { prepareMetadata } = await import("../build/frontend.ts");
        const { metadata } = await prepareMetadata(
          projectDir,
          await this.#frontendOptions({ what: source.text, stack: inner }),
        );
        const parsed = parseCoreMetadata(metadata);
        if (parsed.name === undefined || parsed.version === undefined) {
          throw new SourceBuildError(source.text, "its metadata has no Name or no Version");
        }
        const name = canonicalizeName(parsed.name);
        if (source.name !== undefined && source.name !== name) {
          throw new SourceBuildError(
            source.text,
            `it was requested as ${source.name}, but its metadata names ${name}`,
            { hint: "fix the name in the requirement (or its #egg= fragment)" },
          );
        }
        return { name, version: parsed.version, metadata, projectDir };
      },
    });
  }

  /** {@link sourceMetadata} of what a direct reference `name @ url` names. */
  async directMetadata(name: PackageName, url: string, stack: BuildStack): Promise<SourceMetadata> {
    return await this.sourceMetadata(directSource(name, url), stack);
  }

  /** Builds the source a direct reference `name @ url` names (for a build requirement). */
  async buildDirect(name: PackageName, url: string, stack: BuildStack): Promise<BuiltIndexWheel> {
    const built = await this.buildRequirement(directSource(name, url), {}, stack);
    return await describeWheel(built.wheelPath);
  }

  /** {@link BuildContext}: resolves and installs a build's requirements into its environment. */
  async installRequirements(
    requirements: readonly Requirement[],
    environment: BuildEnvironment,
  ): Promise<void> {
    throwIfCancelled(this.#signal);
    const options = this.#options;
    // Loaded with the first build environment: most runs build nothing.
    const { installBuildEnvironment } = await import("./build_environment.ts");
    await installBuildEnvironment(requirements, environment.dir, {
      provider: this.provider(environment.stack),
      builtWheel: (url) => this.builtWheel(url),
      interpreter: options.interpreter,
      downloader: options.downloader,
      unpackedBucket: options.unpackedBucket,
      scratch: options.scratch,
      constraints: options.buildConstraints,
      pre: options.pre,
      ...(options.linkMode === undefined ? {} : { linkMode: options.linkMode }),
      ...(options.env === undefined ? {} : { env: options.env }),
    });
  }

  /**
   * Stops the builds still running (speculative ones, or all after an
   * interrupt) and waits until every build has settled, so that the scratch
   * directory can go.
   */
  async close(): Promise<void> {
    this.#stop.abort();
    await this.#memo.settled();
  }

  #checkoutContext(): CheckoutContext {
    const vcs = this.#options.vcs;
    return {
      downloader: this.#options.downloader,
      scratch: this.#options.scratch,
      unpack: (archive: string, dir: string) => this.#unpack(archive, dir),
      vcs: {
        ...vcs,
        signal: this.#signal,
        ...(this.#options.env === undefined ? {} : { env: this.#options.env }),
      },
    };
  }

  #wheelCache(): BuiltWheelCache {
    const { wheelCache, interpreter } = this.#options;
    return {
      ...(wheelCache === undefined ? {} : { wheelCache }),
      interpreterKey: interpreterKey(interpreter),
    };
  }

  async #cachedWheel(key: string): Promise<BuiltIndexWheel | undefined> {
    return await cachedBuiltWheel(key, this.#wheelCache());
  }

  async #unpack(archive: string, dir: string): Promise<string> {
    throwIfCancelled(this.#signal);
    const { unpackSourceArchive } = await import("../build/source_archive.ts");
    return await unpackSourceArchive(archive, dir, {
      python: this.#options.interpreter.executable,
      signal: this.#signal,
      ...(this.#options.archiveLimits === undefined ? {} : { limits: this.#options.archiveLimits }),
    });
  }

  /** Builds the project in `projectDir` into a new scratch directory. */
  async #buildProject(
    projectDir: string,
    build: { what: string; stack: BuildStack; editable?: boolean; configSettings?: Settings },
  ): Promise<BuiltWheel> {
    const { buildWheel } = await import("../build/frontend.ts");
    const wheel = await buildWheel(projectDir, await this.#frontendOptions(build));
    this.#options.reporter?.onBuilt?.(
      canonicalizeName(parseWheelFilename(wheel.filename).name),
      wheel.filename,
      build.stack,
    );
    return wheel;
  }

  /** How the frontend builds for `build`: the run's settings, scratch directories and signal. */
  async #frontendOptions(
    build: { what: string; stack: BuildStack; editable?: boolean; configSettings?: Settings },
  ): Promise<BuildOptions> {
    throwIfCancelled(this.#signal);
    const options = this.#options;
    return {
      python: options.interpreter.executable,
      outDir: await options.scratch.dir("wheel"),
      ...(build.editable === undefined ? {} : { editable: build.editable }),
      configSettings: mergeSettings(options.configSettings, build.configSettings ?? {}),
      ...(options.isolation ? { isolation: explained(build.what, this) } : {}),
      stack: build.stack,
      signal: this.#signal,
      hookSlot: this.#hookSlot,
      ...(options.env === undefined ? {} : { env: { ...options.env } }),
      ...(options.reporter?.onBuildOutput === undefined
        ? {}
        : { onOutput: options.reporter.onBuildOutput }),
      tempDir: await options.scratch.dir("build"),
      ...(options.sandbox === true
        ? {
          sandbox: {
            readable: [
              ...new Set([
                options.interpreter.prefix,
                options.interpreter.basePrefix,
                dirname(options.interpreter.executable),
                dirname(options.interpreter.sysExecutable),
              ]),
            ],
          },
        }
        : {}),
    };
  }
}

/** The source a direct reference `name @ url` names. */
function directSource(
  name: PackageName,
  url: string,
): RequirementSource & { kind: "path" | "url" | "vcs" } {
  const source = parseRequirementSource(`${name} @ ${url}`, { cwd: "/", stat: statKind });
  if (source.kind === "registry") {
    throw new SourceBuildError(source.text, "it names a project on an index, not a source");
  }
  return source;
}

/** Whether a local path is a directory or a file (undefined: neither). */
/** An index sdist's place on the build stack: its project and version when the name says. */
function sdistBuildId(name: PackageName, file: IndexFile): BuildId {
  const version = tryParseSdistFilenameForProject(file.filename, name)?.version;
  return version === undefined
    ? { key: withoutFragment(file.url), label: file.filename }
    : { key: `${name}==${version}`, label: `${name} ${version}` };
}

/** The project name of a wheel built for `source`, checked against the name it was asked by. */
function checkedName(source: RequirementSource, filename: string): PackageName {
  const name = canonicalizeName(parseWheelFilename(filename).name);
  if (source.name !== undefined && source.name !== name) {
    throw new SourceBuildError(
      source.text,
      `it was requested as ${source.name}, but its metadata names ${name}`,
      { hint: "fix the name in the requirement (or its #egg= fragment)" },
    );
  }
  return name;
}

/** The build context, its failures saying whose build environment it was. */
function explained(what: string, context: BuildContext): BuildContext {
  return {
    installRequirements: async (requirements, environment) => {
      try {
        await context.installRequirements(requirements, environment);
      } catch (error) {
        // A cycle or an interrupt ends the run as it is; network failures say enough.
        if (
          !(error instanceof DpipError) ||
          isDpipError(error, "build-cycle", "cancelled", "network-error")
        ) throw error;
        // A resolution failure's derivation says best what is missing.
        const derivation = error instanceof ResolutionImpossibleError ? error.text.trim() : "";
        const reason = derivation !== "" ? derivation.split("\n")[0]! : error.message;
        throw new SourceBuildError(
          what,
          `cannot install its build dependencies (${requirements.join(", ")}): ${reason}`,
          {
            hint: error.hint ??
              "make the build requirements available on the index, or use --no-build-isolation",
            cause: error,
          },
        );
      }
    },
  };
}

function mergeSettings(
  global: Settings | undefined,
  own: Settings,
): Record<string, string | string[]> {
  const merged: Record<string, string | string[]> = {};
  for (const settings of [global ?? {}, own]) {
    for (const [key, value] of Object.entries(settings)) {
      merged[key] = typeof value === "string" ? value : [...value];
    }
  }
  return merged;
}

/** One hook process at a time, in the order asked. */
function oneAtATime(): HookSlot {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(run: () => Promise<T>): Promise<T> => {
    const result = tail.then(run);
    tail = result.then(() => {}, () => {});
    return result;
  };
}

/** What a built wheel depends on besides the sdist: the interpreter's best tag. */
function interpreterKey(interpreter: Interpreter): string {
  return String(compatibleTags(interpreter.tagFacts)[0] ?? interpreter.executable);
}
