/**
 * Installing a build's requirements into its isolated environment: resolve
 * them (with the build constraints, never your own `-c` constraints, as pip
 * 26.2 does) through the run's provider, fetch the chosen wheels (every hash
 * checked) and install them into the environment's flat directory. What
 * exists only as an sdist is built by the run's build dispatch as the
 * resolver asks for it, with the asking build's stack.
 *
 * @module
 */

import { compatibleTags } from "../dists/tags.ts";
import { planInstall } from "../installer/plan.ts";
import { readInstalledDists } from "../installer/site_packages.ts";
import type { WheelDownloader } from "../installer/prepare.ts";
import type { LinkMode } from "../installer/wheel_cache.ts";
import type { Requirement } from "../pep508/mod.ts";
import type { Interpreter } from "../python/mod.ts";
import type { IndexSource } from "../resolver/default_provider.ts";
import type { ResolverProvider } from "../resolver/mod.ts";
import { wheelRequest, withBuiltWheels } from "./resolved_wheels.ts";
import type { BuiltIndexWheel } from "./sdist_builds.ts";
import type { Scratch } from "./scratch.ts";
import { resolveSpecification } from "./resolve_specification.ts";

/** What a build environment is installed with. */
export interface BuildEnvironmentServices {
  /** Versions and metadata, with sdist builds for the asking build's stack. */
  readonly provider: ResolverProvider<IndexSource>;
  /** The wheel built from an sdist during the resolution. */
  readonly builtWheel: (sdistUrl: string) => BuiltIndexWheel | undefined;
  readonly interpreter: Interpreter;
  readonly downloader: WheelDownloader;
  /** The `unpacked-v1` bucket (or the run's temporary one). */
  readonly unpackedBucket: string;
  readonly scratch: Scratch;
  /** `--build-constraint`: constraints on every build environment. */
  readonly constraints: readonly Requirement[];
  /** `--pre`. */
  readonly pre: boolean;
  readonly linkMode?: LinkMode;
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Resolves `requirements` and installs the result into `dir` (a
 * `--target`-style directory).
 *
 * @throws {ResolutionImpossibleError} when no versions fit.
 * @throws {BuildCycleError} when a requirement needs a build already in progress.
 */
export async function installBuildEnvironment(
  requirements: readonly Requirement[],
  dir: string,
  services: BuildEnvironmentServices,
): Promise<void> {
  const { interpreter } = services;
  const resolution = await resolveSpecification({
    requirements,
    constraints: services.constraints.map((requirement) => ({ requirement })),
  }, {
    provider: services.provider,
    environment: interpreter.markerEnvironment,
    pythonVersion: interpreter.markerEnvironment.python_full_version,
    pre: services.pre,
    ignoreRequiresPython: false,
    ignoreInstalled: true,
  });
  const scheme = interpreter.scheme({ kind: "target", dir });
  // A second install into the environment (get_requires_for_build_*) keeps what the first put there.
  const plan = planInstall(withBuiltWheels(resolution.dists, services.builtWheel), [], {
    targetDir: { has: readInstalledDists([scheme.purelib]).dists, upgrade: false },
  });
  const kept = new Set(plan.kept.map((entry) => entry.dist.name));
  const dists = plan.install.filter((dist) => !kept.has(dist.name));
  if (dists.length === 0) return;
  const { prepareWheels } = await import("../installer/prepare.ts");
  const wheels = await prepareWheels(dists.map((dist) => wheelRequest(dist)), {
    downloader: services.downloader,
    dir: await services.scratch.dir("build-env-wheels"),
    unpackedBucket: services.unpackedBucket,
  });
  const { installWheels } = await import("./install_wheels.ts");
  await installWheels(
    wheels.map((wheel, index) => ({
      path: wheel.path,
      requested: dists[index]!.requested,
      sha256: wheel.sha256,
      directUrl: null,
    })),
    {
      scheme,
      python: interpreter.executable,
      pythonVersion: [interpreter.version[0], interpreter.version[1]],
      compatibleTags: new Set(compatibleTags(interpreter.tagFacts).map(String)),
      cacheBucket: services.unpackedBucket,
      ...(services.linkMode === undefined ? {} : { linkMode: services.linkMode }),
      compile: false,
      environmentDirs: [scheme.purelib],
      ...(services.env === undefined ? {} : { env: services.env }),
    },
  );
}
