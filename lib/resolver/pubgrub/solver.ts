/**
 * The PubGrub version solver (Natalie Weizenbaum's algorithm, as in Dart
 * pub, pubgrub-rs and uv): unit propagation over incompatibilities, decisions
 * by priority, and conflict-driven learning with backjumping.
 *
 * Decision order also learns from versions rejected at once (uv's conflict
 * tracker): when a chosen version's dependency contradicts what is already
 * assigned, the package chosen is *rejected* and the package it contradicts
 * is *rejecting*. A package rejected {@link CONFLICT_THRESHOLD} times is
 * marked to be decided early; one rejecting others that often is marked to be
 * decided late and, if it is decided, the solver backtracks to just before
 * that decision, once per package (so it cannot loop). The hooks' priority
 * sees the marks. This keeps an early decision (`a==2`) from walking every
 * version of a later package down to an old one that no longer depends on
 * `a`, when deciding the later package first finds `a==1` and a new version.
 *
 * The solver knows nothing about Python. Packages are opaque ids of any type
 * `P`, compared by identity (`===`, and as `Map` keys: strings, or objects
 * interned so that one package has one object); versions are indices into
 * each package's {@link Universe}; and every question about the world goes
 * through {@link SolverHooks} (pubgrub-rs's `DependencyProvider`), whose
 * answers may be async. The solver does no I/O of its own.
 *
 * @module
 */

import {
  dependencyIncompatibility,
  Incompatibility,
  type UnavailableVersions,
} from "./incompatibility.ts";
import { type Assignment, PartialSolution } from "./partial_solution.ts";
import { Term } from "./term.ts";
import { type Universe, VersionSet } from "./version_set.ts";
import type { UnavailableReason } from "../provider.ts";

/** What {@link SolverHooks.chooseVersion} found. */
export type VersionChoice =
  /** Try the version at universe index `index`. */
  | { kind: "version"; index: number }
  /** No version in the allowed set can be used; `unavailable` explains each. */
  | { kind: "none"; unavailable: UnavailableVersions[] };

/** One dependency edge: the dependent needs `package` at a version in `set`. */
export interface Dependency<P> {
  /** The package depended on. */
  package: P;
  /** The acceptable versions (may be empty when none exists). */
  set: VersionSet;
}

/** What {@link SolverHooks.getDependencies} found. */
export type DependencyAnswer<P> =
  | { kind: "dependencies"; dependencies: readonly Dependency<P>[] }
  | { kind: "unavailable"; reason: UnavailableReason };

/** Counters describing a solve, for progress and benchmarks. */
export interface SolverStats {
  /** Versions decided (each try of a version counts). */
  decisions: number;
  /** Conflicts resolved (each learned incompatibility chain counts once). */
  conflicts: number;
  /** Times the solver jumped back to an earlier decision level. */
  backtracks: number;
}

/** How many rejections mark a package (uv's threshold); see the module docs. */
export const CONFLICT_THRESHOLD = 5;

/** What the solver has learned about a package's conflicts so far. */
export interface ConflictStanding {
  /** The conflicts (learned incompatibilities) it took part in. */
  readonly conflicts: number;
  /** Its chosen versions were rejected at once {@link CONFLICT_THRESHOLD} times: decide it early. */
  readonly early: boolean;
  /** Its assignment rejected others' chosen versions that often: decide it after those. */
  readonly late: boolean;
}

/** The solver's questions to the world about packages `P`. */
export interface SolverHooks<P> {
  /**
   * The best usable version of `packageId` in `allowed`. `decided` tells the
   * version index currently decided for another package, if any.
   */
  chooseVersion(
    packageId: P,
    allowed: VersionSet,
    decided: (packageId: P) => number | undefined,
  ): Promise<VersionChoice>;
  /** The dependencies of `packageId` at universe index `index`. */
  getDependencies(packageId: P, index: number): Promise<DependencyAnswer<P>>;
  /**
   * How urgently to decide `packageId` next, compared lexicographically
   * (higher first), given what its conflicts have taught the solver.
   */
  priority(packageId: P, allowed: VersionSet, standing: ConflictStanding): readonly number[];
  /**
   * Whether two ids are views of one package (a project and one of its
   * extras): a rejection between them is not counted.
   */
  samePackage?(a: P, b: P): boolean;
  /** Versions a constraint limits `packageId` to; asked once, when the package first appears. */
  constraint?(packageId: P): VersionSet | undefined;
  /** Called after each decision. */
  onDecision?(packageId: P, index: number, stats: SolverStats): void;
}

/** Limits on a solve. */
export interface SolveOptions {
  /** Stop after this many decisions plus conflicts. */
  maxRounds?: number;
  /** Stop at this time (milliseconds since the epoch). */
  deadline?: number;
}

/** How a solve ended. */
export type SolveResult<P> =
  /** Every required package has a version: package id → universe index. */
  | { kind: "solution"; decisions: ReadonlyMap<P, number>; stats: SolverStats }
  /** No solution: `incompatibility` is the root of the derivation tree. */
  | { kind: "failure"; incompatibility: Incompatibility<P>; stats: SolverStats }
  /** A limit of {@link SolveOptions} was hit first. */
  | {
    kind: "limit";
    limit: "rounds" | "deadline";
    stats: SolverStats;
    /** Package ids by how many conflicts they took part in, most first. */
    mostConflicted: P[];
  };

/**
 * Solves for a selection that satisfies `root`'s dependencies.
 *
 * @example
 * ```ts
 * import { Universe, VersionSet } from "./version_set.ts";
 * const root = new Universe(["root"]);
 * const a = new Universe(["1.0", "2.0"]);
 * const result = await solve("root", root, {
 *   chooseVersion: (id, allowed) => Promise.resolve({ kind: "version", index: Math.max(...allowed.indices()) }),
 *   getDependencies: (id) =>
 *     Promise.resolve({
 *       kind: "dependencies",
 *       dependencies: id === "root" ? [{ package: "a", set: VersionSet.full(a) }] : [],
 *     }),
 *   priority: () => [0],
 * });
 * result.kind; // "solution"
 * ```
 */
export function solve<P>(
  rootId: P,
  rootUniverse: Universe,
  hooks: SolverHooks<P>,
  options: SolveOptions = {},
): Promise<SolveResult<P>> {
  return new Solver(rootId, rootUniverse, hooks, options).run();
}

class Solver<P> {
  readonly #root: P;
  readonly #rootUniverse: Universe;
  readonly #hooks: SolverHooks<P>;
  readonly #options: SolveOptions;
  readonly #solution = new PartialSolution<P>();
  readonly #incompatibilities = new Map<P, Incompatibility<P>[]>();
  /** Dependency edges by dependent, then by dependency, for widening identical edges. */
  readonly #dependencyEdges = new Map<P, Map<P, Incompatibility<P>[]>>();
  readonly #seen = new Set<P>();
  readonly #conflicts = new Map<P, number>();
  /** Times each package's chosen version was rejected at once, and times it rejected another's. */
  readonly #rejected = new Map<P, number>();
  readonly #rejecting = new Map<P, number>();
  readonly #early = new Set<P>();
  readonly #late = new Set<P>();
  readonly #stats: SolverStats = { decisions: 0, conflicts: 0, backtracks: 0 };

  constructor(root: P, rootUniverse: Universe, hooks: SolverHooks<P>, options: SolveOptions) {
    this.#root = root;
    this.#rootUniverse = rootUniverse;
    this.#hooks = hooks;
    this.#options = options;
  }

  async run(): Promise<SolveResult<P>> {
    this.#seen.add(this.#root);
    this.#add(
      Incompatibility.create([new Term(this.#root, VersionSet.full(this.#rootUniverse), false)], {
        kind: "root",
      }),
    );
    let next: P | undefined = this.#root;
    while (next !== undefined) {
      const limit = this.#limitHit();
      if (limit !== undefined) {
        return {
          kind: "limit",
          limit,
          stats: { ...this.#stats },
          mostConflicted: [...this.#conflicts].sort((a, b) => b[1] - a[1]).map(([id]) => id),
        };
      }
      const failure = this.#propagate(next);
      if (failure !== undefined) {
        return { kind: "failure", incompatibility: failure, stats: { ...this.#stats } };
      }
      next = await this.#chooseNext();
    }
    return { kind: "solution", decisions: new Map(this.#solution.decisions), stats: this.#stats };
  }

  #limitHit(): "rounds" | "deadline" | undefined {
    const { maxRounds, deadline } = this.#options;
    if (maxRounds !== undefined && this.#stats.decisions + this.#stats.conflicts > maxRounds) {
      return "rounds";
    }
    if (deadline !== undefined && Date.now() > deadline) return "deadline";
    return undefined;
  }

  /** Unit propagation from `start`; returns the failure incompatibility if resolution is impossible. */
  #propagate(start: P): Incompatibility<P> | undefined {
    const changed = new Set<P>([start]);
    while (changed.size > 0) {
      const packageId: P = changed.values().next().value!;
      changed.delete(packageId);
      const list = this.#incompatibilities.get(packageId) ?? [];
      for (let i = list.length - 1; i >= 0; i--) {
        const incompatibility = list[i]!;
        const result = this.#propagateOne(incompatibility);
        if (result === "conflict") {
          const rootCause = this.#resolveConflict(incompatibility);
          if (rootCause.isFailure(this.#root)) return rootCause;
          const derived = this.#propagateOne(rootCause);
          if (derived === "conflict" || derived === undefined) {
            throw new Error(`learned incompatibility ${rootCause} is not almost satisfied`);
          }
          changed.clear();
          changed.add(derived.package);
          break;
        }
        if (result !== undefined) changed.add(result.package);
      }
    }
    return undefined;
  }

  /**
   * If every term but one of `incompatibility` is satisfied, derives the
   * negation of the last one and returns its package; "conflict" when every
   * term is satisfied.
   */
  #propagateOne(incompatibility: Incompatibility<P>): { package: P } | "conflict" | undefined {
    let unsatisfied: Term<P> | undefined;
    for (const term of incompatibility.terms) {
      const relation = this.#solution.relation(term);
      if (relation === "contradicted") return undefined;
      if (relation === "inconclusive") {
        if (unsatisfied !== undefined) return undefined;
        unsatisfied = term;
      }
    }
    if (unsatisfied === undefined) return "conflict";
    this.#solution.derive(unsatisfied.negate(), incompatibility);
    return unsatisfied;
  }

  /** Learns from a satisfied incompatibility and backjumps; returns the learned root cause. */
  #resolveConflict(conflicting: Incompatibility<P>): Incompatibility<P> {
    this.#stats.conflicts++;
    for (const term of conflicting.terms) {
      this.#conflicts.set(term.package, (this.#conflicts.get(term.package) ?? 0) + 1);
    }
    let incompatibility = conflicting;
    let learned = false;
    while (!incompatibility.isFailure(this.#root)) {
      let mostRecentTerm: Term<P> | undefined;
      let mostRecentSatisfier: Assignment<P> | undefined;
      let difference: Term<P> | undefined;
      let previousSatisfierLevel = 1;
      for (const term of incompatibility.terms) {
        const satisfier = this.#solution.satisfier(term);
        if (mostRecentSatisfier === undefined) {
          mostRecentTerm = term;
          mostRecentSatisfier = satisfier;
        } else if (mostRecentSatisfier.index < satisfier.index) {
          previousSatisfierLevel = Math.max(
            previousSatisfierLevel,
            mostRecentSatisfier.decisionLevel,
          );
          mostRecentTerm = term;
          mostRecentSatisfier = satisfier;
          difference = undefined;
        } else {
          previousSatisfierLevel = Math.max(previousSatisfierLevel, satisfier.decisionLevel);
        }
        if (mostRecentTerm === term) {
          const rest = mostRecentSatisfier.term.difference(term);
          difference = rest.isEmpty() ? undefined : rest;
          if (difference !== undefined) {
            previousSatisfierLevel = Math.max(
              previousSatisfierLevel,
              this.#solution.satisfier(difference.negate()).decisionLevel,
            );
          }
        }
      }
      const satisfier = mostRecentSatisfier!;
      if (previousSatisfierLevel < satisfier.decisionLevel || satisfier.cause === undefined) {
        this.#solution.backtrack(previousSatisfierLevel);
        this.#stats.backtracks++;
        if (learned) this.#add(incompatibility);
        return incompatibility;
      }
      const cause = satisfier.cause;
      const terms = [
        ...incompatibility.terms.filter((term) => term !== mostRecentTerm),
        ...cause.terms.filter((term) => term.package !== satisfier.package),
      ];
      if (difference !== undefined) terms.push(difference.negate());
      incompatibility = Incompatibility.create(
        terms,
        { kind: "conflict", conflict: incompatibility, other: cause },
        { root: this.#root },
      );
      learned = true;
    }
    return incompatibility;
  }

  /** Decides the next package; undefined when every required package is decided. */
  async #chooseNext(): Promise<P | undefined> {
    let best: Term<P> | undefined;
    let bestPriority: readonly number[] = [];
    for (const term of this.#solution.undecided()) {
      const priority = this.#hooks.priority(term.package, term.set, {
        conflicts: this.#conflicts.get(term.package) ?? 0,
        early: this.#early.has(term.package),
        late: this.#late.has(term.package),
      });
      if (best === undefined || comparePriorities(priority, bestPriority) > 0) {
        best = term;
        bestPriority = priority;
      }
    }
    if (best === undefined) return undefined;
    const packageId = best.package;
    const choice = await this.#hooks.chooseVersion(
      packageId,
      best.set,
      (id) => this.#solution.decisions.get(id),
    );
    if (choice.kind === "none") {
      this.#add(
        Incompatibility.create([best], { kind: "no-versions", unavailable: choice.unavailable }),
      );
      return packageId;
    }
    if (!best.set.has(choice.index)) {
      throw new Error(`chooseVersion returned a version of ${packageId} outside the allowed set`);
    }
    const version = VersionSet.singleton(best.set.universe, choice.index);
    const answer = await this.#hooks.getDependencies(packageId, choice.index);
    if (answer.kind === "unavailable") {
      this.#add(
        Incompatibility.create([new Term(packageId, version, true)], {
          kind: "unavailable",
          reason: answer.reason,
        }),
      );
      return packageId;
    }
    // The first dependency that contradicts what is assigned rejects the version.
    let rejecting: Dependency<P> | undefined;
    for (const dependency of answer.dependencies) {
      const incompatibility = this.#addDependency(packageId, version, dependency);
      if (
        rejecting === undefined &&
        incompatibility.terms.every((term) =>
          term.package === packageId || this.#solution.satisfies(term)
        )
      ) rejecting = dependency;
    }
    if (rejecting !== undefined) {
      this.#noteRejection(packageId, rejecting.package);
      return packageId;
    }
    this.#solution.decide(packageId, version);
    this.#stats.decisions++;
    this.#hooks.onDecision?.(packageId, choice.index, this.#stats);
    return packageId;
  }

  /**
   * Counts a rejection of `packageId`'s chosen version by what `culprit` is
   * assigned; at the threshold, marks them (see the module docs) and, when
   * the culprit is newly marked late and decided, backtracks to before its
   * decision.
   */
  #noteRejection(packageId: P, culprit: P): void {
    if (culprit === packageId || (this.#hooks.samePackage?.(packageId, culprit) ?? false)) return;
    if (increment(this.#rejected, packageId) === CONFLICT_THRESHOLD) {
      this.#early.add(packageId);
      this.#late.delete(packageId);
    }
    if (increment(this.#rejecting, culprit) !== CONFLICT_THRESHOLD) return;
    if (this.#early.has(culprit)) return;
    this.#late.add(culprit);
    const level = this.#solution.decisionLevelOf(culprit);
    if (level === undefined) return;
    this.#solution.backtrack(level - 1);
    this.#stats.backtracks++;
  }

  /**
   * Adds "this version depends on that set", widening an existing identical
   * edge from other versions of the same package instead of adding a new one
   * (so reports say `a>=1.0 depends on b` rather than listing every version).
   */
  #addDependency(
    packageId: P,
    version: VersionSet,
    dependency: Dependency<P>,
  ): Incompatibility<P> {
    let byDependency = this.#dependencyEdges.get(packageId);
    if (byDependency === undefined) this.#dependencyEdges.set(packageId, byDependency = new Map());
    let edges = byDependency.get(dependency.package);
    if (edges === undefined) byDependency.set(dependency.package, edges = []);
    for (let i = 0; i < edges.length; i++) {
      const existing = edges[i]!;
      if (
        existing.cause.kind !== "dependency" ||
        !existing.cause.dependencySet.equals(dependency.set)
      ) continue;
      const dependentSet = existing.termFor(packageId)!.set.union(version);
      const merged = dependencyIncompatibility(
        new Term(packageId, dependentSet, true),
        dependency.package,
        dependency.set,
      );
      this.#remove(existing);
      edges[i] = merged;
      this.#add(merged);
      return merged;
    }
    const incompatibility = dependencyIncompatibility(
      new Term(packageId, version, true),
      dependency.package,
      dependency.set,
    );
    edges.push(incompatibility);
    this.#add(incompatibility);
    return incompatibility;
  }

  #add(incompatibility: Incompatibility<P>): void {
    for (const term of incompatibility.terms) {
      const list = this.#incompatibilities.get(term.package) ?? [];
      list.push(incompatibility);
      this.#incompatibilities.set(term.package, list);
    }
    if (incompatibility.cause.kind === "dependency") {
      this.#notice(incompatibility.cause.dependency, incompatibility.cause.dependencySet.universe);
    }
  }

  #remove(incompatibility: Incompatibility<P>): void {
    for (const term of incompatibility.terms) {
      const list = this.#incompatibilities.get(term.package);
      const at = list?.indexOf(incompatibility) ?? -1;
      if (at >= 0) list!.splice(at, 1);
    }
  }

  /** The first time a package appears, adds its constraint (if any) as `{root, P ∉ C}`. */
  #notice(packageId: P, universe: Universe): void {
    if (this.#seen.has(packageId)) return;
    this.#seen.add(packageId);
    const allowed = this.#hooks.constraint?.(packageId);
    if (allowed === undefined || allowed.isFull()) return;
    const forbidden = allowed.complement();
    if (forbidden.universe !== universe) throw new Error(`constraint on ${packageId} mismatched`);
    this.#add(
      Incompatibility.create(
        [
          new Term(this.#root, VersionSet.full(this.#rootUniverse), true),
          new Term(packageId, forbidden, true),
        ],
        { kind: "constraint", package: packageId, allowed },
      ),
    );
  }
}

/** Adds one to `key`'s count; the new count. */
function increment<P>(counts: Map<P, number>, key: P): number {
  const count = (counts.get(key) ?? 0) + 1;
  counts.set(key, count);
  return count;
}

function comparePriorities(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
