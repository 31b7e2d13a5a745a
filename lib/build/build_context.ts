/**
 * The seam between the build frontend and the installer: what a build asks
 * of the run it is part of. The frontend calls it to put build requirements
 * into an isolated environment; `operations/` implements it once per run
 * (resolving where the install resolves, with the same indexes, credentials
 * and build constraints, and building what exists only as an sdist with the
 * run's memo of builds). The frontend never imports the install pipeline,
 * and the pipeline never runs itself again to build.
 *
 * @module
 */

import type { Requirement } from "../pep508/mod.ts";
import type { BuildStack } from "./build_stack.ts";

/** Where a build's requirements go, and which build asks. */
export interface BuildEnvironment {
  /** A `--target`-style flat directory: packages directly in it, console scripts in `bin/`. */
  readonly dir: string;
  /** The builds in progress, outermost first, the asking build on top. */
  readonly stack: BuildStack;
}

/** What a build needs from the run it is part of. */
export interface BuildContext {
  /**
   * Resolves `requirements` (with their dependencies) and installs them into
   * `environment.dir`. A requirement that must be built from source is
   * built with `environment.stack`, so a build that needs itself is refused.
   */
  installRequirements(
    requirements: readonly Requirement[],
    environment: BuildEnvironment,
  ): Promise<void>;
}
