/**
 * The partial solution: the ordered list of decisions and derivations the
 * solver has made so far, with decision levels for backtracking.
 *
 * For each assignment it keeps the intersection of every assignment to the
 * same package up to that point, so finding the *satisfier* of a term (the
 * earliest assignment after which the term holds) is a scan of one package's
 * assignments.
 *
 * @module
 */

import type { Incompatibility } from "./incompatibility.ts";
import { type Relation, Term } from "./term.ts";
import { VersionSet } from "./version_set.ts";

/** One decision (`cause` undefined) or derivation in the partial solution. */
export interface Assignment<P> {
  /** The package assigned. */
  readonly package: P;
  /** What the assignment says. Decisions are positive singletons. */
  readonly term: Term<P>;
  /** The decision level it was made at (the root's decision is level 1). */
  readonly decisionLevel: number;
  /** Its position in the whole partial solution. */
  readonly index: number;
  /** The incompatibility it was derived from; undefined for decisions. */
  readonly cause: Incompatibility<P> | undefined;
  /** The intersection of this and every earlier assignment to the package. */
  readonly accumulated: Term<P>;
}

/**
 * Decisions and derivations in order.
 *
 * @example
 * ```ts
 * import { Universe, VersionSet } from "./version_set.ts";
 * const solution = new PartialSolution<string>();
 * solution.decide("a", VersionSet.singleton(new Universe(["1.0"]), 0));
 * solution.decisionLevel; // 1
 * ```
 */
export class PartialSolution<P> {
  #assignments: Assignment<P>[] = [];
  #byPackage = new Map<P, Assignment<P>[]>();
  #decisions = new Map<P, number>();
  #decisionLevel = 0;
  /** Packages with a positive term and no decision, kept up to date for {@link undecided}. */
  #undecided = new Set<P>();

  /** The current decision level: how many decisions are in force. */
  get decisionLevel(): number {
    return this.#decisionLevel;
  }

  /** Decided packages and the universe index of their version. */
  get decisions(): ReadonlyMap<P, number> {
    return this.#decisions;
  }

  /** How many assignments are in force. */
  get length(): number {
    return this.#assignments.length;
  }

  /** Selects `set`'s single version of `packageId`, opening a new decision level. */
  decide(packageId: P, set: VersionSet): void {
    const [index, extra] = set.indices();
    if (index === undefined || extra !== undefined) {
      throw new Error(`a decision must select one version of ${packageId}`);
    }
    this.#decisionLevel++;
    this.#decisions.set(packageId, index);
    this.#assign(new Term(packageId, set, true), undefined);
  }

  /** Records `term`, derived from `cause`, at the current decision level. */
  derive(term: Term<P>, cause: Incompatibility<P>): void {
    this.#assign(term, cause);
  }

  /** The decision level `packageId` was decided at; undefined when it is not decided. */
  decisionLevelOf(packageId: P): number | undefined {
    if (!this.#decisions.has(packageId)) return undefined;
    return this.#byPackage.get(packageId)?.find((assignment) => assignment.cause === undefined)
      ?.decisionLevel;
  }

  /** Everything the partial solution says about `packageId`, if anything. */
  termFor(packageId: P): Term<P> | undefined {
    return this.#byPackage.get(packageId)?.at(-1)?.accumulated;
  }

  /** How `term` relates to the partial solution. */
  relation(term: Term<P>): Relation {
    const known = this.termFor(term.package) ??
      new Term(term.package, VersionSet.empty(term.set.universe), false);
    return known.relation(term);
  }

  /** Whether the partial solution implies `term`. */
  satisfies(term: Term<P>): boolean {
    return this.relation(term) === "satisfied";
  }

  /** The earliest assignment after which `term` holds. The term must be satisfied. */
  satisfier(term: Term<P>): Assignment<P> {
    for (const assignment of this.#byPackage.get(term.package) ?? []) {
      if (assignment.accumulated.isSubsetOf(term)) return assignment;
    }
    throw new Error(`no assignment satisfies ${term}`);
  }

  /** Packages that must be selected but have no version decided yet. */
  *undecided(): IterableIterator<Term<P>> {
    for (const packageId of this.#undecided) yield this.termFor(packageId)!;
  }

  /** Undoes every assignment made above `level`. */
  backtrack(level: number): void {
    let keep = this.#assignments.length;
    while (keep > 0 && this.#assignments[keep - 1]!.decisionLevel > level) keep--;
    const removed = this.#assignments.splice(keep);
    for (const assignment of removed) {
      const list = this.#byPackage.get(assignment.package)!;
      list.pop();
      if (list.length === 0) this.#byPackage.delete(assignment.package);
      if (assignment.cause === undefined) this.#decisions.delete(assignment.package);
    }
    for (const assignment of removed) this.#track(assignment.package);
    this.#decisionLevel = level;
  }

  #assign(term: Term<P>, cause: Incompatibility<P> | undefined): void {
    const list = this.#byPackage.get(term.package) ?? [];
    const previous = list.at(-1)?.accumulated;
    const assignment: Assignment<P> = {
      package: term.package,
      term,
      decisionLevel: this.#decisionLevel,
      index: this.#assignments.length,
      cause,
      accumulated: previous === undefined ? term : previous.intersect(term),
    };
    this.#assignments.push(assignment);
    list.push(assignment);
    this.#byPackage.set(term.package, list);
    this.#track(term.package);
  }

  #track(packageId: P): void {
    if (this.termFor(packageId)?.positive && !this.#decisions.has(packageId)) {
      this.#undecided.add(packageId);
    } else {
      this.#undecided.delete(packageId);
    }
  }
}
