/**
 * Incompatibilities: sets of terms that must not all hold at once.
 *
 * External incompatibilities come from facts (the root must be selected, a
 * version depends on a range of another package, no usable version exists,
 * a constraint); derived ones are learned by conflict resolution and point at
 * the two incompatibilities they came from, which makes the whole failure a
 * derivation tree that `report.ts` renders.
 *
 * @module
 */

import type { UnavailableReason } from "../provider.ts";
import { Term } from "./term.ts";
import type { VersionSet } from "./version_set.ts";

/** A version set of a package that cannot be used, and why. */
export interface UnavailableVersions {
  /** The unusable versions. */
  set: VersionSet;
  /** Why they cannot be used. */
  reason: UnavailableReason;
}

/** Where an incompatibility came from (`P`: the solver's package ids). */
export type IncompatibilityCause<P> =
  /** `{¬root}`: the root package must be selected. */
  | { kind: "root" }
  /**
   * `{P ∈ S, ¬(Q ∈ T)}`: every version in S of P depends on Q in T. When T is
   * empty (no version of Q matches), the incompatibility is just `{P ∈ S}`.
   */
  | { kind: "dependency"; dependent: P; dependency: P; dependencySet: VersionSet }
  /** `{root, Q ∈ ¬C}`: a constraint (`-c`) limits Q to C without requiring it. */
  | { kind: "constraint"; package: P; allowed: VersionSet }
  /** `{P ∈ S}`: none of the versions in S can be used (`unavailable` says why for each). */
  | { kind: "no-versions"; unavailable: UnavailableVersions[] }
  /** `{P ∈ S}`: these versions cannot be used, found while reading their metadata. */
  | { kind: "unavailable"; reason: UnavailableReason }
  /** Learned from two incompatibilities during conflict resolution. */
  | { kind: "conflict"; conflict: Incompatibility<P>; other: Incompatibility<P> };

let nextId = 0;

/**
 * A set of terms that cannot all be true in a valid resolution.
 *
 * @example
 * ```ts
 * import { Universe, VersionSet } from "./version_set.ts";
 * import { Term } from "./term.ts";
 * const u = new Universe(["1.0"]);
 * const forbidden = Incompatibility.create([new Term("a", VersionSet.full(u), true)], {
 *   kind: "no-versions",
 *   unavailable: [],
 * });
 * forbidden.terms.length; // 1
 * ```
 */
export class Incompatibility<P> {
  /** The terms, at most one per package. */
  readonly terms: readonly Term<P>[];
  /** Where the incompatibility came from. */
  readonly cause: IncompatibilityCause<P>;
  /** A number unique in this process, for stable ordering and maps. */
  readonly id: number;

  private constructor(terms: readonly Term<P>[], cause: IncompatibilityCause<P>) {
    this.terms = terms;
    this.cause = cause;
    this.id = nextId++;
  }

  /**
   * Builds an incompatibility, merging terms of one package (their
   * intersection), dropping terms that always hold, and, in learned
   * incompatibilities, dropping the root's positive term (always true).
   */
  static create<P>(
    terms: Iterable<Term<P>>,
    cause: IncompatibilityCause<P>,
    options: { root?: P } = {},
  ): Incompatibility<P> {
    const byPackage = new Map<P, Term<P>>();
    for (const term of terms) {
      const existing = byPackage.get(term.package);
      byPackage.set(term.package, existing === undefined ? term : existing.intersect(term));
    }
    let merged = [...byPackage.values()].filter((term) => !term.isTautology());
    if (cause.kind === "conflict" && options.root !== undefined && merged.length > 1) {
      merged = merged.filter((term) => !(term.positive && term.package === options.root));
    }
    return new Incompatibility(merged, cause);
  }

  /** Whether this is the final failure: no terms, or only "the root is selected". */
  isFailure(root: P): boolean {
    if (this.terms.length === 0) return true;
    const only = this.terms[0]!;
    return this.terms.length === 1 && only.positive && only.package === root;
  }

  /** The term about `packageId`, if any. */
  termFor(packageId: P): Term<P> | undefined {
    return this.terms.find((term) => term.package === packageId);
  }

  /** Whether this incompatibility was learned rather than stated. */
  isDerived(): this is Incompatibility<P> & {
    cause: { kind: "conflict"; conflict: Incompatibility<P>; other: Incompatibility<P> };
  } {
    return this.cause.kind === "conflict";
  }

  /** A compact debugging form: `{a ==1.0, not b >=2}`. */
  toString(): string {
    return `{${this.terms.map(String).join(", ")}}`;
  }
}

/** `{P ∈ S, ¬(Q ∈ T)}`: the versions of `dependent`'s term depend on `dependency` in `dependencySet`. */
export function dependencyIncompatibility<P>(
  dependent: Term<P>,
  dependency: P,
  dependencySet: VersionSet,
): Incompatibility<P> {
  return Incompatibility.create(
    [dependent, new Term(dependency, dependencySet, false)],
    { kind: "dependency", dependent: dependent.package, dependency, dependencySet },
  );
}
