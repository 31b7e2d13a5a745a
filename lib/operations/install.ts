/**
 * `install`: the whole pipeline, returning data and never printing. Its
 * phases, each a module with typed values between them:
 *
 * 1. Refuse what cannot be done before touching anything: PEP 668
 *    (externally managed, unless `breakSystemPackages`; not for `--target`,
 *    `--prefix`, `--root` or `--dry-run`).
 * 2. Prepare the roots (`install_roots.ts` → {@link PreparedRoots}): set
 *    aside what the markers exclude, build what you named that needs a
 *    build through the run's {@link BuildDispatch} (which also builds index
 *    sdists when the resolver asks for their metadata, and installs build
 *    environments), check hash-checking mode, unpack local wheels.
 * 3. Finish what an interrupted dpip left half done (the installer's
 *    journaled transactions), read what is installed, and resolve: the
 *    "already satisfied" shortcut (`already_satisfied.ts`) when nothing may
 *    be upgraded and everything is installed at an acceptable version (no
 *    index is asked anything), else {@link resolveSpecification}.
 * 4. Plan (`install_plan.ts` → {@link PlannedInstall}): new, replacing,
 *    satisfied and kept distributions, pip's collection and installation
 *    orders. Check the plan (`plan_checks.ts`: yanked, statuses, hashes,
 *    attestations) and describe it for a dry run or `--report`
 *    (`plan_report.ts`). `dryRun` stops here (in hash-checking mode, after
 *    fetching and verifying the wheels, as pip does).
 * 5. Execute (`install_execute.ts` → {@link InstallChangelog}): fetch the
 *    wheels and install them, dependencies first, in one journaled
 *    transaction.
 * 6. Check the environment afterwards (`post_install.ts`: pip's conflict
 *    warning, scripts outside PATH). The CLI renders the outcome.
 *
 * Every temporary directory of the run is in one {@link Scratch} directory,
 * removed however the run ends; an aborted `signal` (Ctrl-C) stops the builds
 * and ends the run before anything is installed.
 *
 * @module
 */

import { BuildStack } from "../build/build_stack.ts";
import { throwIfCancelled } from "../cancellation.ts";
import { bucketDir, CacheBucket } from "../cache/cache_dir.ts";
import { join } from "../paths.ts";
import { lazy } from "../lazy.ts";
import { compatibleTags } from "../dists/tags.ts";
import { DpipError } from "../errors.ts";
import type { LocalWheel } from "../installer/prepare.ts";
import type { PackageName } from "../names/mod.ts";
import type { Scheme } from "../python/mod.ts";
import type { RequirementsSpecification } from "../requirements/specification.ts";
import { appendAll } from "../lists.ts";
import type { BuildDispatch, BuildDispatchOptions } from "./build_dispatch.ts";
import { defaultSrcDir } from "./build_sources.ts";
import type { CheckResult } from "./check.ts";
import type { JsonValue } from "./inspect.ts";
import type { executePlan, InstallChangelog } from "./install_execute.ts";
import { planInstallation, type PlannedInstall, toInstall } from "./install_plan.ts";
import { type PreparedRoots, prepareRoots } from "./install_roots.ts";
import type { LocalReference } from "./local_wheels.ts";
import { fetchWheelReference } from "./wheel_references.ts";
import { resolveInstall } from "./install_resolve.ts";
import type { Decision, FetchAhead } from "./fetch_ahead.ts";
import type {
  InstallOptions,
  InstallReporter,
  InstallSettings,
  InstallTarget,
} from "./install_settings.ts";
import { checkPlan, type PlanCheck } from "./plan_checks.ts";
import type { describePlan } from "./plan_report.ts";
import { Scratch, tempDirOf } from "./scratch.ts";

export type { CollectedDist, PlannedInstall } from "./install_plan.ts";
export type { InstallChangelog } from "./install_execute.ts";
export type {
  InstallOptions,
  InstallReporter,
  InstallServices,
  InstallSettings,
  InstallTarget,
} from "./install_settings.ts";

/** What {@link installRequirements} did (or, for a dry run, would do). */
export interface InstallOutcome extends PlannedInstall {
  /** pip's installation report, when asked for. */
  readonly report?: Record<string, JsonValue>;
  /** What is to be installed, by the names their metadata gives (for a dry run or a report). */
  readonly metadataNames?: ReadonlyMap<PackageName, string>;
  /** The wheels prepared (for a dry run, only in hash-checking mode, where they are verified). */
  readonly wheels: readonly LocalWheel[];
  /** What the installer did (not for a dry run). */
  readonly changelog?: InstallChangelog;
  /** Broken dependencies after the install involving what was installed. */
  readonly conflicts?: CheckResult;
  /** Per installed distribution (in install order), its console scripts in a directory not on PATH. */
  readonly scriptsNotOnPath?: readonly ReadonlyMap<string, readonly string[]>[];
  /** Non-fatal problems. */
  readonly warnings: readonly string[];
  /** What preparing your direct references found (wheels unpacked, sources built), by URL. */
  readonly references: ReadonlyMap<string, LocalReference>;
}

/** PEP 668: the target environment is managed by another package manager. */
export class ExternallyManagedError extends DpipError {
  /** The distributor's message (or the default one). */
  readonly detail: string;
  constructor(prefix: string, detail: string | undefined) {
    const text = detail ??
      `The Python environment under ${prefix} is managed externally, and may not be\nmanipulated by the user. Please use specific tooling from the distributor of\nthe Python installation to interact with this Python environment instead.`;
    super(
      "externally-managed-environment",
      `Cannot install into ${prefix}: this environment is externally managed (PEP 668)`,
      {
        hint:
          "use a virtual environment, or pass --break-system-packages to override at the risk of breaking the system's Python",
      },
    );
    this.name = "ExternallyManagedError";
    this.detail = text;
  }
}

/**
 * Installs what `spec` asks for into `options.target` (see the module docs
 * for the phases).
 *
 * @throws {ExternallyManagedError} for a PEP 668 environment (nothing changed).
 * @throws {UnsupportedRequirementError} for what is neither a wheel nor a source (nothing changed).
 * @throws {BuildCycleError} when an sdist needs itself built to build (nothing changed).
 * @throws {CancelledError} when `signal` was aborted (nothing changed).
 * @throws {ResolutionImpossibleError} when no versions fit (nothing changed).
 * @throws {InstallInterruptedError} when installing failed part way.
 * @example
 * ```ts ignore
 * const outcome = await installRequirements(spec, { settings, target, services });
 * outcome.changelog?.installed.map((d) => `${d.name}-${d.version}`);
 * ```
 */
export async function installRequirements(
  spec: RequirementsSpecification,
  options: InstallOptions,
): Promise<InstallOutcome> {
  throwIfCancelled(options.signal);
  return await withBuilds(options, (run) => runPipeline(spec, options, run));
}

/**
 * Runs `use` with a run's builds: a scratch directory, the unpacked-wheel
 * bucket and the build dispatch (sdists and sources built with `options`'
 * settings), all closed or removed after.
 */
export async function withBuilds<T>(
  options: InstallOptions,
  use: (run: PipelineRun) => Promise<T>,
): Promise<T> {
  const { services } = options;
  const scratch = new Scratch({ tempDir: tempDirOf(options.env) });
  try {
    const bucket = services.cacheRoot === undefined
      ? await scratch.dir("unpacked")
      : bucketDir(services.cacheRoot, CacheBucket.unpacked);
    // The builds load on first use: a run that resolves nothing (a no-op install) has none.
    let made: Promise<BuildDispatch> | undefined;
    const dispatch = () =>
      made ??= import("./build_dispatch.ts").then(({ BuildDispatch }) =>
        new BuildDispatch(dispatchOptions(options, { scratch, bucket }))
      );
    try {
      return await use({ bucket, dispatch, scratch });
    } finally {
      // A dispatch that failed to load has nothing running to close.
      await made?.then((builds) => builds.close(), () => {});
    }
  } finally {
    await scratch.remove();
  }
}

/** The run's builds' options: the install's settings and reporting. */
function dispatchOptions(
  options: InstallOptions,
  run: { scratch: Scratch; bucket: string },
): BuildDispatchOptions {
  const { services, settings, target, reporter } = options;
  return {
    interpreter: target.interpreter,
    provider: services.provider,
    downloader: services.downloader,
    scratch: run.scratch,
    unpackedBucket: run.bucket,
    ...(services.cacheRoot === undefined
      ? {}
      : { wheelCache: bucketDir(services.cacheRoot, CacheBucket.wheels) }),
    isolation: settings.buildIsolation !== false,
    buildConstraints: settings.buildConstraints ?? [],
    ...(settings.configSettings === undefined ? {} : { configSettings: settings.configSettings }),
    pre: settings.pre,
    ...(settings.sdistLimits === undefined ? {} : { archiveLimits: settings.sdistLimits }),
    ...(settings.linkMode === undefined ? {} : { linkMode: settings.linkMode }),
    ...(settings.buildSandbox === true ? { sandbox: true } : {}),
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    vcs: {
      ...options.checkout,
      srcDir: settings.srcDir ?? defaultSrcDir(target.interpreter, Deno.cwd()),
      ...(settings.existsAction === undefined ? {} : { existsAction: settings.existsAction }),
    },
    reporter: {
      onBuildStart: (what, stack) => {
        const parent = stack.ids.at(-2);
        reporter?.onBuildStart?.(
          parent === undefined ? what : `${what} (to build ${parent.label})`,
        );
      },
      onBuildOutput: (line) => reporter?.onBuildOutput?.(line),
      onBuilt: (name, filename, stack) => {
        // Only what the install itself asked for; builds for build environments stay quiet.
        if (stack.ids.length === 1) reporter?.onBuilt?.(name, filename);
      },
    },
  };
}

/** What one run's phases share. */
export interface PipelineRun {
  /** The unpacked-wheel bucket. */
  readonly bucket: string;
  /** The run's builds, loaded and made on first use. */
  readonly dispatch: () => Promise<BuildDispatch>;
  /** The run's scratch directory, removed when the run ends. */
  readonly scratch: Scratch;
}

async function runPipeline(
  spec: RequirementsSpecification,
  options: InstallOptions,
  run: PipelineRun,
): Promise<InstallOutcome> {
  const { settings, target, services, reporter } = options;
  const { interpreter } = target;
  refuseExternallyManaged(target, settings);
  // Built on first use (a local wheel to check, wheels to install): a no-op install never does.
  const tags = lazy(() => new Set(compatibleTags(interpreter.tagFacts).map(String)));
  const prepared = await prepareRoots(spec, {
    interpreter,
    build: async (source, configSettings) =>
      (await run.dispatch()).buildRequirement(source, configSettings, BuildStack.root()),
    requireHashes: settings.requireHashes,
    ...(settings.lockFiles === undefined ? {} : { lockFiles: settings.lockFiles }),
    bucket: run.bucket,
    tags,
    ...(options.fetchWheelUrls
      ? { fetchWheel: (source) => fetchWheelReference(source, { ...services, ...run }) }
      : {}),
  });
  const scheme = interpreter.scheme(target.scheme);
  const warnings = [...prepared.warnings];
  if (!settings.dryRun && options.onWheels === undefined) {
    appendAll(warnings, await finishPendingChanges(scheme, reporter));
  }
  const ahead = fetchesAhead(options, prepared) ? new Ahead(options, run, tags) : undefined;
  try {
    return await resolveAndInstall(spec, options, {
      run,
      prepared,
      scheme,
      tags,
      warnings,
      ...(ahead === undefined ? {} : { ahead }),
    });
  } finally {
    await ahead?.close();
  }
}

/** The resolution, the plan and its checks, then (unless only planning) fetching and installing. */
async function resolveAndInstall(
  spec: RequirementsSpecification,
  options: InstallOptions,
  context: {
    run: PipelineRun;
    prepared: PreparedRoots;
    scheme: Scheme;
    tags: ReadonlySet<string>;
    warnings: string[];
    ahead?: Ahead;
  },
): Promise<InstallOutcome> {
  const { settings, target, services, reporter } = options;
  const { interpreter } = target;
  const { run, prepared, scheme, tags, warnings, ahead } = context;
  const resolved = await resolveInstall(spec, prepared, {
    options,
    dispatch: run.dispatch,
    scheme,
    ...(ahead === undefined ? {} : { onDecided: (event) => ahead.decided(event) }),
  });
  const planned = planInstallation({ ...prepared, ...resolved }, {
    interpreter,
    reinstallAll: settings.forceReinstall || settings.ignoreInstalled,
    upgrade: settings.upgrade,
    ignoreRequiresPython: settings.ignoreRequiresPython,
    ...(settings.resolveOnly ? { resolveOnly: true } : {}),
  });
  const checked = await checkPlan(planned, {
    requirements: prepared.roots.map((root) => root.requirement),
    ...(services.projectStatuses === undefined
      ? {}
      : { projectStatuses: services.projectStatuses }),
    ...(services.attestations === undefined ? {} : { attestations: services.attestations }),
    ...(prepared.hashMode ? { hashes: prepared.hashes } : {}),
  });
  appendAll(warnings, checked.warnings);
  const description = !settings.resolveOnly && (settings.report || settings.dryRun)
    ? await describe(planned, options, prepared, checked.statuses)
    : undefined;
  if (description?.report !== undefined) reporter?.onReport?.(description.report);
  const base = { ...planned, ...description, warnings, references: prepared.localWheels };
  // A dry run reads metadata only, except in hash-checking mode: there it fetches and
  // verifies every file, as pip's does, so that a file that does not match fails it.
  if ((settings.dryRun && !prepared.hashMode) || toInstall(planned).length === 0) {
    return { ...base, wheels: [] };
  }
  throwIfCancelled(options.signal);
  reporter?.onPlanned?.(planned);
  // The execute and post-install phases load only when there is something to fetch or install.
  const [{ executePlan }, { checkAfterInstall }] = await Promise.all([
    import("./install_execute.ts"),
    import("./post_install.ts"),
  ]);
  const executing = executeOptions(options, { run, prepared, scheme, tags });
  const fetchedAhead = await ahead?.fetching?.catch(() => undefined);
  const { wheels, changelog } = await executePlan(
    planned,
    fetchedAhead === undefined ? executing : { ...executing, fetchedAhead },
  );
  if (changelog === undefined) return { ...base, wheels };
  const after = checkAfterInstall(changelog, {
    interpreter,
    schemeKind: target.scheme,
    scheme,
    warnConflicts: settings.warnConflicts,
    warnScriptLocation: settings.warnScriptLocation !== false,
    resolvedWhole: resolved.installed.length === 0 && planned.resolution !== undefined &&
      !settings.noDeps,
    env: options.env ?? {},
  });
  return { ...base, wheels, changelog, ...after, warnings: [...warnings, ...changelog.warnings] };
}

/**
 * Whether wheels are fetched while resolving (`fetch_ahead.ts`): only for an
 * install that will fetch the plan's wheels anyway, and not where your
 * checks come first (`--report`, written before anything is fetched; hash-
 * checking mode). The plan's checks (attestations, project statuses) still
 * come before anything is installed: what is fetched ahead only enters the
 * caches, verified against the index's hashes.
 */
function fetchesAhead(options: InstallOptions, prepared: PreparedRoots): boolean {
  const { settings } = options;
  return settings.fetchAhead !== false && !settings.dryRun && !settings.report &&
    !settings.resolveOnly &&
    options.onWheels === undefined && !prepared.hashMode;
}

/**
 * The run's fetching ahead, loaded on the first version the resolver decides
 * that has a wheel to fetch (a no-op install never loads it).
 */
class Ahead {
  fetching: Promise<FetchAhead> | undefined;
  readonly #options: InstallOptions;
  readonly #run: PipelineRun;
  readonly #tags: ReadonlySet<string>;

  constructor(options: InstallOptions, run: PipelineRun, tags: ReadonlySet<string>) {
    this.#options = options;
    this.#run = run;
    this.#tags = tags;
  }

  decided(decision: Decision): void {
    if (decision.source === undefined) return; // nothing to fetch: not worth loading it
    this.fetching ??= this.#start();
    this.fetching.then((ahead) => ahead.decided(decision), () => {});
  }

  async #start(): Promise<FetchAhead> {
    const { services } = this.#options;
    const { FetchAhead } = await import("./fetch_ahead.ts");
    const dir = services.cacheRoot === undefined ? await this.#run.scratch.dir("ahead") : join(
      bucketDir(services.cacheRoot, CacheBucket.wheels),
      `.tmp-${crypto.randomUUID().slice(0, 8)}`,
    );
    return new FetchAhead({
      downloader: services.downloader,
      dir,
      bucket: this.#run.bucket,
      compatibleTags: this.#tags,
    });
  }

  /** Ends it: what the install did not take is not needed any more. */
  async close(): Promise<void> {
    await (await this.fetching?.catch(() => undefined))?.close();
  }
}

function refuseExternallyManaged(target: InstallTarget, settings: InstallSettings): void {
  const { interpreter } = target;
  const kind = target.scheme.kind;
  if (
    interpreter.externallyManaged !== undefined && !settings.breakSystemPackages &&
    !settings.dryRun && kind !== "target" && kind !== "prefix" && kind !== "root"
  ) {
    throw new ExternallyManagedError(interpreter.prefix, interpreter.externallyManaged.message);
  }
}

/**
 * The plan described for a dry run or `--report` (its modules loaded only
 * then), its metadata read with the install's services.
 */
async function describe(
  planned: PlannedInstall,
  options: InstallOptions,
  prepared: PreparedRoots,
  statuses: PlanCheck["statuses"],
): ReturnType<typeof describePlan> {
  const [{ describePlan }, { importlibBackend }] = await Promise.all([
    import("./plan_report.ts"),
    import("../installer/site_packages.ts"),
  ]);
  const { services, settings, target } = options;
  return await describePlan(planned, {
    ...prepared,
    fetchMetadata: async (file) => {
      const { fetchWheelMetadata } = await import("../resolver/default_provider.ts");
      return await fetchWheelMetadata(services.metadataClient, file, services.metadataStore);
    },
    report: settings.report,
    environment: target.interpreter.markerEnvironment,
    importlib: importlibBackend(target.interpreter.version),
    statuses,
  });
}

/** The execute phase's options, from the install's. */
function executeOptions(
  options: InstallOptions,
  context: { run: PipelineRun; prepared: PreparedRoots; scheme: Scheme; tags: ReadonlySet<string> },
): Parameters<typeof executePlan>[1] {
  const { settings, target, services } = options;
  return {
    prepared: context.prepared,
    interpreter: target.interpreter,
    schemeKind: target.scheme,
    scheme: context.scheme,
    tags: context.tags,
    bucket: context.run.bucket,
    fetchOnly: settings.dryRun,
    ...(options.onWheels === undefined ? {} : { onWheels: options.onWheels }),
    ...(settings.linkMode === undefined ? {} : { linkMode: settings.linkMode }),
    compile: settings.compile,
    ...(settings.requested === undefined ? {} : { requested: settings.requested }),
    downloader: services.downloader,
    ...(services.cacheRoot === undefined ? {} : { cacheRoot: services.cacheRoot }),
    ...(services.concurrency === undefined ? {} : { concurrency: services.concurrency }),
    scratch: context.run.scratch,
    ...(options.reporter === undefined ? {} : { reporter: options.reporter }),
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
}

/**
 * Completes what an interrupted dpip left half done in the target (its
 * journaled transactions), under the environment lock, so that planning
 * sees the environment as it really is; returns the warnings that says.
 * Reads one directory listing when there is nothing to do.
 */
async function finishPendingChanges(
  scheme: { purelib: string; platlib: string },
  reporter: InstallReporter | undefined,
): Promise<string[]> {
  const { recoverPendingChanges, recoveryWarnings } = await import("../installer/recovery.ts");
  const changes = await recoverPendingChanges([scheme.purelib, scheme.platlib], {
    ...(reporter?.onLockWait === undefined ? {} : { onLockWait: reporter.onLockWait }),
  });
  return recoveryWarnings(changes);
}
