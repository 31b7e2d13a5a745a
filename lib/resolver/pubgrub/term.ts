/**
 * PubGrub terms: a statement about one package.
 *
 * A positive term `P ∈ S` says "P is selected, at a version in S". A negative
 * term `¬(P ∈ S)` says "P is not selected at a version in S" (P may not be
 * selected at all). Terms of one package form a boolean algebra; every
 * operation here is exact because version sets are exact.
 *
 * @module
 */

import type { VersionSet } from "./version_set.ts";

/** How a term relates to what the partial solution already says about its package. */
export type Relation = "satisfied" | "contradicted" | "inconclusive";

/**
 * A positive or negative statement about one package's version.
 *
 * @example
 * ```ts
 * import { Universe, VersionSet } from "./version_set.ts";
 * const u = new Universe(["1.0", "2.0"]);
 * const atLeast2 = new Term("a", VersionSet.singleton(u, 1), true);
 * atLeast2.negate().positive; // false
 * ```
 */
export class Term<P> {
  /** The package the term is about (an id the solver compares by identity). */
  readonly package: P;
  /** The versions the term talks about. */
  readonly set: VersionSet;
  /** True for `P ∈ S`, false for `¬(P ∈ S)`. */
  readonly positive: boolean;

  constructor(packageId: P, set: VersionSet, positive: boolean) {
    this.package = packageId;
    this.set = set;
    this.positive = positive;
  }

  /** The term that holds exactly when this one does not. */
  negate(): Term<P> {
    return new Term(this.package, this.set, !this.positive);
  }

  /** The term that holds when both hold. Both must be about the same package. */
  intersect(other: Term<P>): Term<P> {
    if (this.positive && other.positive) {
      return new Term(this.package, this.set.intersect(other.set), true);
    }
    if (this.positive) return new Term(this.package, this.set.minus(other.set), true);
    if (other.positive) return new Term(this.package, other.set.minus(this.set), true);
    return new Term(this.package, this.set.union(other.set), false);
  }

  /** The term that holds when this one holds and `other` does not. */
  difference(other: Term<P>): Term<P> {
    return this.intersect(other.negate());
  }

  /** Whether every selection this term allows is allowed by `other`. */
  isSubsetOf(other: Term<P>): boolean {
    if (this.positive && other.positive) return this.set.isSubsetOf(other.set);
    if (this.positive) return this.set.isDisjoint(other.set);
    if (other.positive) return false;
    return other.set.isSubsetOf(this.set);
  }

  /** Whether no selection satisfies both terms. */
  isDisjoint(other: Term<P>): boolean {
    if (this.positive && other.positive) return this.set.isDisjoint(other.set);
    if (this.positive) return this.set.isSubsetOf(other.set);
    if (other.positive) return other.set.isSubsetOf(this.set);
    return false;
  }

  /** Whether the term allows nothing (a positive term over no versions). */
  isEmpty(): boolean {
    return this.positive && this.set.isEmpty();
  }

  /** Whether the term allows everything (a negative term over no versions). */
  isTautology(): boolean {
    return !this.positive && this.set.isEmpty();
  }

  /**
   * How `other` relates to this term, when this term is everything known
   * about the package: satisfied (this ⊆ other), contradicted (disjoint) or
   * inconclusive.
   */
  relation(other: Term<P>): Relation {
    if (this.isSubsetOf(other)) return "satisfied";
    if (this.isDisjoint(other)) return "contradicted";
    return "inconclusive";
  }

  /** `a>=1.0` or `not a>=1.0`, for debugging. */
  toString(): string {
    return `${this.positive ? "" : "not "}${this.package} ${this.set}`;
  }
}
