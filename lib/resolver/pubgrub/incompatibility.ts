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

/** Where an incompatibility came from. */
export type IncompatibilityCause =
  /** `{¬root}`: the root package must be selected. */
  | { kind: "root" }
  /**
   * `{P ∈ S, ¬(Q ∈ T)}`: every version in S of P depends on Q in T. When T is
   * empty (no version of Q matches), the incompatibility is just `{P ∈ S}`.
   */
  | { kind: "dependency"; dependent: string; dependency: string; dependencySet: VersionSet }
  /** `{root, Q ∈ ¬C}`: a constraint (`-c`) limits Q to C without requiring it. */
  | { kind: "constraint"; package: string; allowed: VersionSet }
  /** `{P ∈ S}`: none of the versions in S can be used (`unavailable` says why for each). */
  | { kind: "no-versions"; unavailable: UnavailableVersions[] }
  /** `{P ∈ S}`: these versions cannot be used, found while reading their metadata. */
  | { kind: "unavailable"; reason: UnavailableReason }
  /** Learned from two incompatibilities during conflict resolution. */
  | { kind: "conflict"; conflict: Incompatibility; other: Incompatibility };

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
export class Incompatibility {
  /** The terms, at most one per package. */
  readonly terms: readonly Term[];
  /** Where the incompatibility came from. */
  readonly cause: IncompatibilityCause;
  /** A number unique in this process, for stable ordering and maps. */
  readonly id: number;

  private constructor(terms: readonly Term[], cause: IncompatibilityCause) {
    this.terms = terms;
    this.cause = cause;
    this.id = nextId++;
  }

  /**
   * Builds an incompatibility, merging terms of one package (their
   * intersection), dropping terms that always hold, and, in learned
   * incompatibilities, dropping the root's positive term (always true).
   */
  static create(
    terms: Iterable<Term>,
    cause: IncompatibilityCause,
    options: { root?: string } = {},
  ): Incompatibility {
    const byPackage = new Map<string, Term>();
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
  isFailure(root: string): boolean {
    if (this.terms.length === 0) return true;
    const only = this.terms[0]!;
    return this.terms.length === 1 && only.positive && only.package === root;
  }

  /** The term about `packageId`, if any. */
  termFor(packageId: string): Term | undefined {
    return this.terms.find((term) => term.package === packageId);
  }

  /** Whether this incompatibility was learned rather than stated. */
  isDerived(): this is Incompatibility & {
    cause: { kind: "conflict"; conflict: Incompatibility; other: Incompatibility };
  } {
    return this.cause.kind === "conflict";
  }

  /** A compact debugging form: `{a ==1.0, not b >=2}`. */
  toString(): string {
    return `{${this.terms.map(String).join(", ")}}`;
  }
}

/** `{P ∈ S, ¬(Q ∈ T)}`: the versions of `dependent`'s term depend on `dependency` in `dependencySet`. */
export function dependencyIncompatibility(
  dependent: Term,
  dependency: string,
  dependencySet: VersionSet,
): Incompatibility {
  return Incompatibility.create(
    [dependent, new Term(dependency, dependencySet, false)],
    { kind: "dependency", dependent: dependent.package, dependency, dependencySet },
  );
}
