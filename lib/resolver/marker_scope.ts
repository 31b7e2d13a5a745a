/**
 * How the resolver decides which requirements apply: against one target
 * environment (the default: each marker evaluated), or, in a universal
 * resolution, against a fork — a set of environments — through a
 * {@link MarkerScope} (`forks.ts`).
 *
 * @module
 */

import type { Marker, Requirement } from "../pep508/mod.ts";

/** What a resolver learns about one chosen version before using its dependencies. */
export interface ChosenDependencies {
  /** The project (`undefined` for your own requirements). */
  readonly name?: string;
  /** The version chosen. */
  readonly version?: string;
  /** The extra whose dependencies these are (`""` for the base project). */
  readonly extra: string;
  /** Its `Requires-Python` (index or metadata), when it has one. */
  readonly requiresPython?: string;
  /** The requirements that apply ({@link MarkerScope.applies}). */
  readonly requirements: readonly Requirement[];
  /** For your own requirements: the constraints that apply. */
  readonly constraints?: readonly Requirement[];
}

/** Markers decided against a set of environments instead of one. */
export interface MarkerScope {
  /** Whether a requirement with `marker` applies somewhere in the scope, with `extra` (`""`: none). */
  applies(marker: Marker, extra: string): boolean;
  /**
   * Whether a requirement with `marker` belongs to `extra` rather than to the
   * base project: it applies with the extra and differs without it.
   */
  addedByExtra(marker: Marker, extra: string): boolean;
  /** Whether some Python of the scope satisfies `requiresPython`. */
  admitsPython(requiresPython: string): boolean;
  /** The Pythons of the scope, for reports (`>=3.9`). */
  readonly pythonLabel: string;
  /**
   * Sees the dependencies of each chosen version before the solver does; may
   * throw to stop the resolution (a universal resolution splits its fork).
   */
  inspect(chosen: ChosenDependencies): void;
}
