/**
 * The resolve phase of `install`: what the environment has (after the
 * journal's recovery), then the "already satisfied" shortcut
 * (`already_satisfied.ts`), or {@link resolveSpecification} through the
 * run's provider, decorated with the local wheels and PEP 792 quarantine;
 * an index sdist the resolver chose is replaced by the wheel built from it.
 *
 * @module
 */

import { BuildStack } from "../build/build_stack.ts";
import type { InstalledDist } from "../installer/site_packages.ts";
import type { Scheme } from "../python/mod.ts";
import type { IndexSource } from "../resolver/default_provider.ts";
import type { Resolution, ResolvedDist } from "../resolver/mod.ts";
import type { RequirementsSpecification } from "../requirements/specification.ts";
import { satisfiedAsInstalled } from "./already_satisfied.ts";
import type { BuildDispatch } from "./build_dispatch.ts";
import type { PreparedRoots } from "./install_roots.ts";
import type { InstallOptions, InstallReporter } from "./install_settings.ts";
import { withLocalWheels } from "./local_wheels.ts";
import { withQuarantine } from "./project_status.ts";
import { withBuiltWheels } from "./resolved_wheels.ts";
import { resolveSpecification } from "./resolve_specification.ts";

/** What the resolve phase found: the distributions, and what is installed. */
export interface ResolvedInstall {
  readonly dists: readonly ResolvedDist<IndexSource>[];
  /** Undefined when everything was already satisfied without resolving. */
  readonly resolution?: Resolution<IndexSource>;
  /** What the environment has (nothing for `--target`). */
  readonly installed: readonly InstalledDist[];
  /** `--target`: what the directory has already. */
  readonly targetHas?: readonly InstalledDist[];
}

/**
 * The resolve phase: what is installed, then the "already satisfied"
 * shortcut, or a resolution (index sdists built as the resolver asks).
 */
export async function resolveInstall(
  spec: RequirementsSpecification,
  prepared: PreparedRoots,
  context: {
    options: Pick<InstallOptions, "settings" | "target" | "services" | "reporter">;
    /** The run's builds (their provider, the wheels built from index sdists), made on first use. */
    dispatch: () => Promise<Pick<BuildDispatch, "provider" | "builtWheel">>;
    scheme: Scheme;
    /** Each version the resolver decides on, after the reporter hears of it. */
    onDecided?: InstallReporter["onResolving"];
  },
): Promise<ResolvedInstall> {
  const { settings, target, services, reporter } = context.options;
  const { interpreter } = target;
  const { roots } = prepared;
  const isTarget = target.scheme.kind === "target";
  const { scheme } = context;
  // What is installed is read only when it matters (not for `lock`, which resolves only).
  const site = isTarget || !settings.resolveOnly
    ? await import("../installer/site_packages.ts")
    : undefined;
  const installed = site === undefined || isTarget
    ? []
    : site.readInstalledDists(interpreter.sitePackages, {
      importlib: site.importlibBackend(interpreter.version),
    }).dists;
  const has = site !== undefined && isTarget
    ? { targetHas: site.readInstalledDists([...new Set([scheme.purelib, scheme.platlib])]).dists }
    : {};
  const reinstallAll = settings.forceReinstall || settings.ignoreInstalled;
  if (!settings.upgrade && !reinstallAll && !isTarget && roots.length > 0) {
    const dists = satisfiedAsInstalled(
      roots,
      spec.constraints,
      new Map(installed.map((d) => [d.name, d])),
      {
        interpreter,
        noDeps: settings.noDeps,
      },
    );
    if (dists !== undefined) return { dists, installed, ...has };
  }
  const requirements = roots.map((root) => root.requirement);
  const dispatch = await context.dispatch();
  const provider = withQuarantine(
    withLocalWheels(dispatch.provider(BuildStack.root()), prepared.localWheels),
    { requirements, lookup: services.projectStatuses ?? (() => []) },
  );
  const resolution = await resolveSpecification({
    requirements,
    constraints: spec.constraints,
    installed,
  }, {
    provider,
    environment: interpreter.markerEnvironment,
    pythonVersion: interpreter.markerEnvironment.python_full_version,
    pre: settings.pre,
    ...(settings.releaseControl === undefined ? {} : { releaseControl: settings.releaseControl }),
    ignoreRequiresPython: settings.ignoreRequiresPython,
    noDeps: settings.noDeps,
    upgrade: settings.upgrade,
    upgradeStrategy: settings.upgradeStrategy,
    ignoreInstalled: reinstallAll || isTarget,
    ...(settings.resolutionTimeoutMs === undefined
      ? {}
      : { timeoutMs: settings.resolutionTimeoutMs }),
    ...decisionsTo(reporter?.onResolving, context.onDecided),
  });
  const dists = withBuiltWheels(resolution.dists, (url) => dispatch.builtWheel(url));
  return { dists, resolution, installed, ...has };
}

/** The resolver's `onDecision` option, telling each of `listeners` that is given. */
function decisionsTo(
  ...listeners: InstallReporter["onResolving"][]
): { onDecision?: NonNullable<InstallReporter["onResolving"]> } {
  const given = listeners.filter((listener) => listener !== undefined);
  if (given.length === 0) return {};
  if (given.length === 1) return { onDecision: given[0]! };
  return { onDecision: (event) => given.forEach((listener) => listener(event)) };
}
