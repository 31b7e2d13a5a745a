/**
 * The resolve phase, one for every command that resolves (`install`,
 * `download`, and what a build environment or `lock` needs): your
 * requirements once their roots are prepared (builds done, local wheels
 * named by URL), the `-c` constraints and what is installed, turned into
 * the resolver's manifest and options. The resolver is loaded only here,
 * and only when something is to be resolved, so a no-op install or a
 * `download --no-deps` never loads it.
 *
 * @module
 */

import type { InstalledDist } from "../installer/site_packages.ts";
import type { Requirement } from "../pep508/mod.ts";
import type { MarkerEvaluationEnvironment } from "../pep508/mod.ts";
import type { RequirementSource } from "../requirements/source.ts";
import type { ReleaseControl } from "../resolver/release_control.ts";
import type {
  InstalledDistribution,
  Resolution,
  ResolverProvider,
  ResolverReporter,
} from "../resolver/mod.ts";

/** What is resolved: the prepared roots, the constraints and what the environment has. */
export interface ResolutionRoots {
  /** Your requirements, direct references and built sources as `name @ url`. */
  readonly requirements: readonly Requirement[];
  /** The `-c` constraints (a constraint line without a requirement is skipped). */
  readonly constraints: readonly Pick<RequirementSource, "requirement">[];
  /** What the target already has, for the resolver to keep (none for a download). */
  readonly installed?: readonly InstalledDist[];
}

/** How to resolve: the target and the resolution settings. */
export interface ResolveSpecificationOptions<S> {
  /** Versions and metadata. */
  readonly provider: ResolverProvider<S>;
  /** The target's markers. */
  readonly environment: MarkerEvaluationEnvironment;
  /** The target Python (`Requires-Python`), e.g. `3.11.4`. */
  readonly pythonVersion: string;
  /** `--pre`. */
  readonly pre: boolean;
  /** `--all-releases`/`--only-final`. */
  readonly releaseControl?: ReleaseControl;
  readonly ignoreRequiresPython: boolean;
  readonly noDeps?: boolean;
  readonly upgrade?: boolean;
  readonly upgradeStrategy?: "only-if-needed" | "eager";
  /** Do not keep installed distributions (`-I`, `--force-reinstall`, `--target`). */
  readonly ignoreInstalled: boolean;
  /** `--resolution-timeout`, in milliseconds. */
  readonly timeoutMs?: number;
  /** A project version was tried. */
  readonly onDecision?: ResolverReporter<S>["onDecision"];
}

/**
 * Resolves `roots` for one target.
 *
 * @throws {ResolutionImpossibleError} when no versions fit.
 * @throws {ResolutionTooLongError} past `timeoutMs`.
 * @example
 * ```ts ignore
 * const resolution = await resolveSpecification(
 *   { requirements: [parseRequirement("flask")], constraints: [] },
 *   { provider, environment, pythonVersion: "3.11.4", pre: false, ignoreRequiresPython: false, ignoreInstalled: true },
 * );
 * ```
 */
export async function resolveSpecification<S>(
  roots: ResolutionRoots,
  options: ResolveSpecificationOptions<S>,
): Promise<Resolution<S>> {
  const { resolve } = await import("../resolver/mod.ts");
  return await resolve({
    requirements: roots.requirements,
    constraints: roots.constraints.flatMap((c) =>
      c.requirement === undefined ? [] : [c.requirement]
    ),
    installed: (roots.installed ?? []).map(installedDistribution),
  }, {
    provider: options.provider,
    environment: options.environment,
    pythonVersion: options.pythonVersion,
    ...(options.pre ? { prerelease: "allow" as const } : {}),
    ...(options.releaseControl === undefined ? {} : { releaseControl: options.releaseControl }),
    ignoreRequiresPython: options.ignoreRequiresPython,
    ...(options.noDeps === undefined ? {} : { noDeps: options.noDeps }),
    ...(options.upgrade === undefined ? {} : { upgrade: options.upgrade }),
    ...(options.upgradeStrategy === undefined ? {} : { upgradeStrategy: options.upgradeStrategy }),
    ignoreInstalled: options.ignoreInstalled,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.onDecision === undefined ? {} : { reporter: { onDecision: options.onDecision } }),
  });
}

/** An installed distribution as the resolver sees it: its version and dependencies. */
export function installedDistribution(dist: InstalledDist): InstalledDistribution {
  const requiresPython = dist.headers.find(([key]) => key.toLowerCase() === "requires-python")?.[1];
  return {
    name: dist.name,
    version: dist.version,
    metadata: {
      requiresDist: dist.requiresDist(),
      providesExtra: dist.providesExtra(),
      ...(requiresPython === undefined ? {} : { requiresPython }),
    },
  };
}
