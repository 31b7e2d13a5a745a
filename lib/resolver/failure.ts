/**
 * What the resolver says when no set of versions satisfies the requirements:
 * the derivation tree PubGrub proved it with ({@link DerivationTree}), carried
 * as data by {@link ResolutionImpossibleError}. Rendering it is a separate
 * step: `report.ts` words it dpip's way, and the error's `report` and `text`
 * are that rendering, made when first read.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import type { ExtraName, PackageName } from "../names/mod.ts";
import type { PackageId } from "./package_id.ts";
import type { Incompatibility } from "./pubgrub/incompatibility.ts";
import type { UnavailableReason } from "./provider.ts";
import { type FailureReport, formatFailureText, renderDerivation } from "./report.ts";

/** Versions of a project that do not provide an extra asked for. */
export interface MissingExtra {
  /** The project. */
  readonly name: PackageName;
  /** The extra asked for. */
  readonly extra: ExtraName;
  /** The versions tried that do not declare it, in the order tried. */
  readonly versions: readonly string[];
}

/** The versions a project has: those usable, and those left out with why. */
export interface PackageVersions {
  /** Newest first. */
  readonly usable: readonly string[];
  /** Grouped by why, newest first in each group. */
  readonly unusable: readonly {
    readonly reason: UnavailableReason;
    readonly versions: readonly string[];
  }[];
}

/**
 * Why no resolution exists: PubGrub's derivation tree and the facts about
 * its packages that a renderer needs beyond it.
 */
export interface DerivationTree {
  /**
   * The root of the tree: an incompatibility that says the root cannot be
   * selected. Each derived node (`cause.kind === "conflict"`) points at the
   * two it was learned from; the leaves are external facts (dependencies,
   * constraints, unusable versions).
   */
  readonly failure: Incompatibility<PackageId>;
  /** Projects no index knows, with similar names the indexes do know. */
  readonly notFound: ReadonlyMap<PackageName, readonly string[]>;
  /** Your direct references: project → URL. */
  readonly directReferences: ReadonlyMap<PackageName, string>;
  /** Extras asked for that versions tried do not provide, in the order found. */
  readonly missingExtras: readonly MissingExtra[];
  /** The versions of each project the tree names, for a requirement that matches none. */
  readonly versions: ReadonlyMap<PackageName, PackageVersions>;
}

/** No set of versions satisfies the requirements; `derivation` says why. */
export class ResolutionImpossibleError extends DpipError<"resolution-impossible"> {
  /** The requirements that could not be resolved, as written. */
  readonly requirements: readonly string[];
  /** The proof that nothing satisfies them. */
  readonly derivation: DerivationTree;
  #report: FailureReport | undefined;

  constructor(requirements: readonly string[], derivation: DerivationTree) {
    super(
      "resolution-impossible",
      `Cannot install ${
        requirements.join(", ") || "the requirements"
      }: no set of versions satisfies them`,
    );
    this.name = "ResolutionImpossibleError";
    this.requirements = requirements;
    this.derivation = derivation;
  }

  /** The derivation in dpip's words: numbered reasons and hints. */
  get report(): FailureReport {
    return this.#report ??= renderDerivation(this.derivation);
  }

  /** {@link report} as text (hints prefixed with `hint: `). */
  get text(): string {
    return formatFailureText(this.report);
  }
}
