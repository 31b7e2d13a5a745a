/**
 * dpip's wording of a failed resolution: a {@link DerivationTree} rendered as
 * a chain of reasons. The renderer reads the tree as data and nothing else;
 * the solver and the resolver know nothing of its sentences.
 *
 * The walk follows Dart pub's reporter: a derived incompatibility whose two
 * causes are both external becomes one "Because X and Y, Z." line; a line is
 * numbered only when a later line refers back to it (its incompatibility is
 * used twice in the tree); a derived node with one external cause is folded
 * into its parent's sentence where that reads naturally; and "depends on b,
 * which has no usable version" collapses the no-versions nodes into the
 * dependency that needed them. Hints (pre-releases that would satisfy,
 * Requires-Python exclusions, yanked versions, missing projects and extras)
 * come from the external facts in the tree.
 *
 * @module
 */

import type { DerivationTree, PackageVersions } from "./failure.ts";
import type { PackageName } from "../names/mod.ts";
import { type PackageId, packageLabel, ROOT_ID } from "./package_id.ts";
import type { Incompatibility as Node, UnavailableVersions } from "./pubgrub/incompatibility.ts";
import type { Term as SolverTerm } from "./pubgrub/term.ts";
import type { VersionSet } from "./pubgrub/version_set.ts";
import type { UnavailableReason } from "./provider.ts";
import { appendAll, maxOf } from "../lists.ts";

type Incompatibility = Node<PackageId>;
type Term = SolverTerm<PackageId>;

/** A rendered failure. */
export interface FailureReport {
  /** The reasons, numbered where referenced (`(1) Because …`), blank lines between blocks. */
  lines: string[];
  /** One-line hints, without the `hint: ` prefix. */
  hints: string[];
}

/**
 * Renders a derivation tree in dpip's words.
 *
 * @example
 * ```ts ignore
 * const { lines, hints } = renderDerivation(error.derivation);
 * ```
 */
export function renderDerivation(tree: DerivationTree): FailureReport {
  return new Reporter(tree).report(tree.failure);
}

/** `lines` and `hints` as one text block (hints prefixed with `hint: `). */
export function formatFailureText(report: FailureReport): string {
  return [...report.lines, ...report.hints.map((hint) => `hint: ${hint}`)].join("\n");
}

type Derived = Incompatibility & {
  cause: { kind: "conflict"; conflict: Incompatibility; other: Incompatibility };
};

function isDerived(incompatibility: Incompatibility): incompatibility is Derived {
  return incompatibility.cause.kind === "conflict";
}

class Reporter {
  readonly #tree: DerivationTree;
  readonly #derivations = new Map<Incompatibility, number>();
  readonly #lineNumbers = new Map<Incompatibility, number>();
  readonly #lines: Array<{ text: string; number: number | undefined }> = [];
  #root: Incompatibility | undefined;

  constructor(tree: DerivationTree) {
    this.#tree = tree;
  }

  report(failure: Incompatibility): FailureReport {
    this.#root = failure;
    this.#countDerivations(failure);
    if (isDerived(failure)) {
      this.#visit(failure);
    } else {
      this.#write(
        failure,
        `Because ${this.#string(failure)}, ${this.#conclusion(failure)}.`,
        false,
      );
    }
    const width = maxOf(
      this.#lines.map(({ number }) => number === undefined ? 0 : `(${number}) `.length),
      0,
    );
    const lines = this.#lines.map(({ text, number }) =>
      number === undefined
        ? (text === "" ? "" : " ".repeat(width) + text)
        : `(${number}) `.padEnd(width) + text
    );
    return { lines: lines.map((line) => line.trimEnd()), hints: this.#hints(failure) };
  }

  #countDerivations(incompatibility: Incompatibility): void {
    const count = (this.#derivations.get(incompatibility) ?? 0) + 1;
    this.#derivations.set(incompatibility, count);
    if (count === 1 && isDerived(incompatibility)) {
      this.#countDerivations(incompatibility.cause.conflict);
      this.#countDerivations(incompatibility.cause.other);
    }
  }

  #visit(incompatibility: Derived, conclusion = false): void {
    const numbered = conclusion || (this.#derivations.get(incompatibility) ?? 0) > 1;
    const conjunction = conclusion || incompatibility === this.#root ? "So," : "And";
    const result = this.#conclusion(incompatibility);
    const { conflict, other } = incompatibility.cause;

    if (isDerived(conflict) && isDerived(other)) {
      const conflictLine = this.#lineNumbers.get(conflict);
      const otherLine = this.#lineNumbers.get(other);
      if (conflictLine !== undefined && otherLine !== undefined) {
        this.#write(
          incompatibility,
          `Because ${this.#and(conflict, other, conflictLine, otherLine)}, ${result}.`,
          numbered,
        );
      } else if (conflictLine !== undefined || otherLine !== undefined) {
        const withLine = conflictLine !== undefined ? conflict : other;
        const withoutLine = conflictLine !== undefined ? other : conflict;
        const line = conflictLine ?? otherLine;
        this.#visit(withoutLine);
        this.#write(
          incompatibility,
          `${conjunction} because ${this.#string(withLine)} (${line}), ${result}.`,
          numbered,
        );
      } else if (isSingleLine(conflict) || isSingleLine(other)) {
        const first = isSingleLine(other) ? conflict : other;
        const second = isSingleLine(other) ? other : conflict;
        this.#visit(first);
        this.#visit(second);
        this.#write(incompatibility, `Thus, ${result}.`, numbered);
      } else {
        this.#visit(conflict, true);
        this.#lines.push({ text: "", number: undefined });
        this.#visit(other);
        this.#write(
          incompatibility,
          `${conjunction} because ${this.#string(conflict)} (${
            this.#lineNumbers.get(conflict)
          }), ${result}.`,
          numbered,
        );
      }
    } else if (isDerived(conflict) || isDerived(other)) {
      const derived = (isDerived(conflict) ? conflict : other) as Derived;
      const external = isDerived(conflict) ? other : conflict;
      const derivedLine = this.#lineNumbers.get(derived);
      if (derivedLine !== undefined) {
        this.#write(
          incompatibility,
          `Because ${this.#and(external, derived, undefined, derivedLine)}, ${result}.`,
          numbered,
        );
      } else if (this.#isCollapsible(derived)) {
        const inner = derived.cause;
        const collapsedDerived =
          (isDerived(inner.conflict) ? inner.conflict : inner.other) as Derived;
        const collapsedExternal = isDerived(inner.conflict) ? inner.other : inner.conflict;
        this.#visit(collapsedDerived);
        this.#write(
          incompatibility,
          `${conjunction} because ${this.#and(collapsedExternal, external)}, ${result}.`,
          numbered,
        );
      } else {
        this.#visit(derived);
        this.#write(
          incompatibility,
          `${conjunction} because ${this.#string(external)}, ${result}.`,
          numbered,
        );
      }
    } else {
      const [first, second] = conflict.id < other.id ? [conflict, other] : [other, conflict];
      this.#write(incompatibility, `Because ${this.#and(first, second)}, ${result}.`, numbered);
    }
  }

  #isCollapsible(incompatibility: Derived): boolean {
    if ((this.#derivations.get(incompatibility) ?? 0) > 1) return false;
    const { conflict, other } = incompatibility.cause;
    if (isDerived(conflict) === isDerived(other)) return false;
    const complex = isDerived(conflict) ? conflict : other;
    return !this.#lineNumbers.has(complex);
  }

  #write(incompatibility: Incompatibility, text: string, numbered: boolean): void {
    if (numbered) {
      const number = this.#lineNumbers.size + 1;
      this.#lineNumbers.set(incompatibility, number);
      this.#lines.push({ text, number });
    } else {
      this.#lines.push({ text, number: undefined });
    }
  }

  // ---- sentences ----------------------------------------------------------

  /** The conclusion a line draws: "a==1.0 cannot be used", or the final failure. */
  #conclusion(incompatibility: Incompatibility): string {
    if (incompatibility.isFailure(ROOT_ID)) {
      return "we can conclude that your requirements are unsatisfiable";
    }
    return this.#string(incompatibility);
  }

  /** One incompatibility as a clause. */
  #string(incompatibility: Incompatibility): string {
    const cause = incompatibility.cause;
    switch (cause.kind) {
      case "root":
        return "you require your own project";
      case "dependency": {
        const dependent = this.#dependentText(cause.dependent, incompatibility);
        const dependency = this.#setText(cause.dependency, cause.dependencySet);
        if (cause.dependencySet.isEmpty()) {
          // Named once: "you require flask==9, but no version of flask matches".
          return `${dependent} ${dependency}, ${
            this.#nothingClause(cause.dependency, cause.dependencySet)
          }`;
        }
        return `${dependent} ${dependency}`;
      }
      case "constraint":
        return `your constraints allow only ${this.#setText(cause.package, cause.allowed)}`;
      case "no-versions": {
        const term = incompatibility.terms[0]!;
        return this.#noVersions(term, cause.unavailable);
      }
      case "unavailable": {
        const term = incompatibility.terms[0]!;
        return `${this.#termText(term)} ${describeReason(cause.reason, term.set.size() === 1)}`;
      }
      case "conflict":
        return this.#termsString(incompatibility.terms);
    }
  }

  /** "you require" or "a==1.0 depends on". */
  #dependentText(dependent: PackageId, incompatibility: Incompatibility): string {
    if (dependent.kind === "root") return "you require";
    const term = incompatibility.termFor(dependent);
    return term === undefined
      ? `${packageLabel(dependent)} depends on`
      : `${this.#termText(term)} depends on`;
  }

  /** The similar names of a project no index knows; undefined for one that is known. */
  #notFound(packageId: PackageId): readonly string[] | undefined {
    return packageId.kind === "root" ? undefined : this.#tree.notFound.get(packageId.name);
  }

  /** The URL your direct reference pins the project to, if it does. */
  #directReference(packageId: PackageId): string | undefined {
    return packageId.kind === "root" ? undefined : this.#tree.directReferences.get(packageId.name);
  }

  /** The versions the project has, usable and not. */
  #versions(packageId: PackageId): PackageVersions | undefined {
    return packageId.kind === "root" ? undefined : this.#tree.versions.get(packageId.name);
  }

  /** "which was not found in the package index", "but there is no version of b==2.0". */
  #nothingClause(packageId: PackageId, set: VersionSet): string {
    if (this.#notFound(packageId) !== undefined) {
      return "which was not found in the package index";
    }
    if (set.universe.size === 0) return "which has no versions";
    const url = this.#directReference(packageId);
    if (url !== undefined) return `but ${this.#pinnedBy(packageId, set, url)}`;
    return `which matches no version of ${packageLabel(packageId)}`;
  }

  #pinnedBy(packageId: PackageId, set: VersionSet, url: string): string {
    const versions = set.universe.labels.join(", ");
    return `your direct reference ${url} pins ${packageLabel(packageId)} to ${versions}`;
  }

  #noVersions(term: Term, unavailable: readonly UnavailableVersions[]): string {
    if (unavailable.length === 0) return `there is no version of ${this.#termText(term)}`;
    return `${this.#termText(term)} ${this.#noVersionsPredicate(term, unavailable)}`;
  }

  /** What is wrong with every version of `term`: "was yanked", "has no usable version". */
  #noVersionsPredicate(term: Term, unavailable: readonly UnavailableVersions[]): string {
    const reasons = unavailable.map(({ reason }) => reason);
    const first = reasons[0];
    if (first === undefined) return "does not exist";
    const kinds = new Set(reasons.map((reason) => reason.kind));
    if (kinds.size > 1) return "has no usable version";
    const same = reasons.every((reason) => JSON.stringify(reason) === JSON.stringify(first));
    if (same || first.kind !== "requires-python") {
      return describeReason(first, term.set.size() === 1);
    }
    return `is not compatible with Python ${first.python}`;
  }

  #termsString(terms: readonly Term[]): string {
    const visible = terms.filter((term) => !(term.positive && term.package.kind === "root"));
    const positive = visible.filter((term) => term.positive);
    const negative = visible.filter((term) => !term.positive);
    if (visible.length === 0) return "your requirements are unsatisfiable";
    if (visible.length === 1) {
      const only = visible[0]!;
      if (only.positive) return `${this.#termText(only)} cannot be used`;
      return terms.length > visible.length
        ? `you require ${this.#termText(only)}`
        : `${this.#termText(only)} is required`;
    }
    if (positive.length > 0 && negative.length > 0) {
      const needed = negative.map((term) => this.#termText(term)).join(" or ");
      if (positive.length === 1) return `${this.#termText(positive[0]!)} requires ${needed}`;
      return `if ${positive.map((term) => this.#termText(term)).join(" and ")} then ${needed}`;
    }
    if (positive.length > 0) {
      return `${joinAnd(positive.map((term) => this.#termText(term)).sort())} are incompatible`;
    }
    return `one of ${negative.map((term) => this.#termText(term)).join(" or ")} is required`;
  }

  /** Two incompatibilities as one clause, combining them where they chain. */
  #and(
    first: Incompatibility,
    second: Incompatibility,
    firstLine?: number,
    secondLine?: number,
  ): string {
    return this.#requiresBoth(first, second, firstLine, secondLine) ??
      this.#requiresThrough(first, second, firstLine, secondLine) ??
      this.#requiresForbidden(first, second, firstLine, secondLine) ??
      `${this.#string(first)}${ref(firstLine)} and ${this.#string(second)}${ref(secondLine)}`;
  }

  /** "you require a and b" / "a==1.0 depends on b and c". */
  #requiresBoth(
    first: Incompatibility,
    second: Incompatibility,
    firstLine?: number,
    secondLine?: number,
  ): string | undefined {
    if (first.terms.length === 1 || second.terms.length === 1) return undefined;
    const firstPositive = singleTerm(first, true);
    const secondPositive = singleTerm(second, true);
    if (firstPositive === undefined || secondPositive === undefined) return undefined;
    if (firstPositive.package !== secondPositive.package) return undefined;
    if (!firstPositive.set.equals(secondPositive.set)) return undefined;
    const firstNeeds = this.#negatives(first);
    const secondNeeds = this.#negatives(second);
    const subject = this.#subject(
      firstPositive,
      first.cause.kind === "dependency" && second.cause.kind === "dependency",
    );
    return `${subject} ${firstNeeds}${ref(firstLine)} and ${secondNeeds}${ref(secondLine)}`;
  }

  /** "a==1.0 depends on b>=2, which depends on c". */
  #requiresThrough(
    first: Incompatibility,
    second: Incompatibility,
    firstLine?: number,
    secondLine?: number,
  ): string | undefined {
    if (first.terms.length === 1 || second.terms.length === 1) return undefined;
    // Either order may chain: the prior's negative term must be implied by the latter's positive.
    const chain = ([
      [first, firstLine, second, secondLine],
      [second, secondLine, first, firstLine],
    ] as const).map(([prior, priorLine, latter, latterLine]) => {
      const negative = singleTerm(prior, false);
      const positive = singleTerm(latter, true);
      const chains = negative !== undefined && positive !== undefined &&
        negative.package === positive.package && negative.negate().isSubsetOf(positive);
      return chains ? { prior, priorNegative: negative, priorLine, latter, latterLine } : undefined;
    }).find((found) => found !== undefined);
    if (chain === undefined) return undefined;
    const { prior, priorNegative, priorLine, latter, latterLine } = chain;
    const priorPositives = prior.terms.filter((term) => term.positive);
    const head = priorPositives.length > 1
      ? `if ${priorPositives.map((term) => this.#termText(term)).join(" or ")} then`
      : this.#subject(priorPositives[0]!, prior.cause.kind === "dependency");
    const verb = latter.cause.kind === "dependency" ? "depends on" : "requires";
    return `${head} ${this.#termText(priorNegative)}${ref(priorLine)}, which ${verb} ${
      this.#negatives(latter)
    }${ref(latterLine)}`;
  }

  /** "a==1.0 depends on b>=2, which was yanked": the second says the needed versions cannot be used. */
  #requiresForbidden(
    first: Incompatibility,
    second: Incompatibility,
    firstLine?: number,
    secondLine?: number,
  ): string | undefined {
    if (first.terms.length !== 1 && second.terms.length !== 1) return undefined;
    const [prior, latter, priorLine, latterLine] = first.terms.length === 1
      ? [second, first, secondLine, firstLine]
      : [first, second, firstLine, secondLine];
    const negative = singleTerm(prior, false);
    const forbidden = latter.terms[0];
    if (negative === undefined || forbidden === undefined || !forbidden.positive) return undefined;
    if (negative.package !== forbidden.package || !negative.negate().isSubsetOf(forbidden)) {
      return undefined;
    }
    const positives = prior.terms.filter((term) => term.positive);
    if (positives.length === 0) return undefined;
    let predicate: string;
    switch (latter.cause.kind) {
      case "conflict":
        predicate = "cannot be used";
        break;
      case "no-versions":
        predicate = this.#noVersionsPredicate(forbidden, latter.cause.unavailable);
        break;
      case "unavailable":
        predicate = describeReason(latter.cause.reason, forbidden.set.size() === 1);
        break;
      case "dependency": {
        const { dependency, dependencySet } = latter.cause;
        if (!dependencySet.isEmpty()) return undefined;
        predicate = `depends on ${this.#setText(dependency, dependencySet)}, ${
          this.#nothingClause(dependency, dependencySet)
        }`;
        break;
      }
      default:
        return undefined;
    }
    const head = positives.length > 1
      ? `if ${positives.map((term) => this.#termText(term)).join(" or ")} then`
      : this.#subject(positives[0]!, prior.cause.kind === "dependency");
    return `${head} ${this.#termText(negative)}${ref(priorLine)}, which ${predicate}${
      ref(latterLine)
    }`;
  }

  #negatives(incompatibility: Incompatibility): string {
    return incompatibility.terms.filter((term) => !term.positive).map((term) =>
      this.#termText(term)
    )
      .join(" or ");
  }

  /** "you require" for the root, "a==1.0 depends on"/"requires" otherwise. */
  #subject(term: Term, dependency: boolean): string {
    if (term.package.kind === "root") return "you require";
    return `${this.#termText(term)} ${dependency ? "depends on" : "requires"}`;
  }

  /** A term as `name` + version set, whatever its sign. */
  #termText(term: Term): string {
    if (term.package.kind === "root") return "your requirements";
    return this.#setText(term.package, term.set);
  }

  #setText(packageId: PackageId, set: VersionSet): string {
    const label = packageLabel(packageId);
    if (set.label === "") return label;
    if (set.label === undefined && set.isFull() && set.universe.size !== 1) return label;
    return `${label}${set}`;
  }

  // ---- hints ----------------------------------------------------------------

  #hints(failure: Incompatibility): string[] {
    const hints: string[] = [];
    const seen = new Set<Incompatibility>();
    const packages = new Set<PackageId>();
    const visit = (incompatibility: Incompatibility): void => {
      if (seen.has(incompatibility)) return;
      seen.add(incompatibility);
      for (const term of incompatibility.terms) packages.add(term.package);
      const cause = incompatibility.cause;
      if (cause.kind === "conflict") {
        visit(cause.conflict);
        visit(cause.other);
      } else if (cause.kind === "dependency") {
        packages.add(cause.dependency);
        const suggestions = this.#notFound(cause.dependency);
        if (suggestions !== undefined) {
          const didYouMean = suggestions.length > 0
            ? `; did you mean ${joinOr(suggestions.map((name) => `'${name}'`))}?`
            : "";
          hints.push(
            `no index has a project named '${packageLabel(cause.dependency)}'${didYouMean}`,
          );
        } else if (cause.dependencySet.isEmpty()) {
          const versions = this.#versions(cause.dependency);
          if (versions !== undefined) {
            appendAll(hints, versionHints(packageLabel(cause.dependency), versions));
          }
        }
      } else if (cause.kind === "no-versions") {
        const packageId = incompatibility.terms[0]!.package;
        appendAll(hints, unavailableHints(packageId, cause.unavailable.map(labelled)));
      } else if (cause.kind === "unavailable") {
        const term = incompatibility.terms[0]!;
        appendAll(
          hints,
          unavailableHints(term.package, [labelled({ set: term.set, reason: cause.reason })]),
        );
      }
    };
    visit(failure);
    const named = [...packages].flatMap((id) =>
      id.kind === "root" ? [] : [{ name: id.name, label: packageLabel(id) }]
    );
    named.sort((a, b) => a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
    for (const { name } of named) appendAll(hints, this.#missingExtraHints(name));
    return [...new Set(hints)];
  }

  /** "a 1.0, 2.0 does not provide the extra 'x'", for each extra of `name` asked for in vain. */
  #missingExtraHints(name: PackageName): string[] {
    return this.#tree.missingExtras.filter((missing) => missing.name === name).map(
      ({ extra, versions }) =>
        `${name} ${versions.join(", ")} does not provide the extra '${extra}'`,
    );
  }
}

function ref(line: number | undefined): string {
  return line === undefined ? "" : ` (${line})`;
}

function isSingleLine(incompatibility: Derived): boolean {
  return !isDerived(incompatibility.cause.conflict) && !isDerived(incompatibility.cause.other);
}

function singleTerm(incompatibility: Incompatibility, positive: boolean): Term | undefined {
  const matching = incompatibility.terms.filter((term) => term.positive === positive);
  return matching.length === 1 ? matching[0] : undefined;
}

function joinAnd(parts: readonly string[]): string {
  if (parts.length <= 2) return parts.join(" and ");
  return `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}

function joinOr(parts: readonly string[]): string {
  if (parts.length <= 2) return parts.join(" or ");
  return `${parts.slice(0, -1).join(", ")} or ${parts.at(-1)}`;
}

/** What is wrong, as a predicate: "was yanked", "requires Python>=3.10 (the target is 3.9)". */
function describeReason(reason: UnavailableReason, single: boolean): string {
  switch (reason.kind) {
    case "yanked":
      return single ? "was yanked" : "was yanked (every version)";
    case "prerelease":
      return "only matches pre-releases (not enabled)";
    case "requires-python":
      return `requires Python${reason.requiresPython} (the target is ${reason.python})`;
    case "no-compatible-wheel":
      return "has no wheel compatible with the target and no source distribution";
    case "sdist-only":
      return `has only a source distribution (${
        reason.message ?? "building is not supported yet"
      })`;
    case "metadata":
      return `has metadata that cannot be read (${reason.message})`;
    case "other":
      return `cannot be used (${reason.message})`;
  }
}

/** Versions as labels, newest first. */
function labelled(
  { set, reason }: UnavailableVersions,
): { reason: UnavailableReason; versions: string[] } {
  return { reason, versions: [...set.indices()].reverse().map((i) => set.universe.labels[i]!) };
}

/** At most `limit` versions, and how many more there are. */
function listVersions(versions: readonly string[], limit = 20): string {
  return versions.length > limit
    ? `${versions.slice(0, limit).join(", ")}, … (${versions.length - limit} more)`
    : versions.join(", ");
}

/**
 * The versions a package has, for a requirement none of them match: those
 * usable on one line (pip's `from versions:`), then each reason others were
 * left out on a line of its own.
 */
function versionHints(packageId: string, versions: PackageVersions): string[] {
  const lines = [
    versions.usable.length > 0
      ? `${packageId} has ${listVersions(versions.usable)}`
      : `${packageId} has no usable version`,
  ];
  for (const { reason, versions: left } of versions.unusable) {
    const shown = listVersions(left);
    switch (reason.kind) {
      case "prerelease":
        lines.push(`${packageId} left out as pre-releases (--pre allows them): ${shown}`);
        break;
      case "yanked":
        lines.push(
          `${packageId} left out as yanked${
            reason.reason ? ` (reason: ${reason.reason})` : ""
          } (== pins one anyway): ${shown}`,
        );
        break;
      case "requires-python":
        lines.push(
          `${packageId} left out for requiring Python${reason.requiresPython} (the target is ${reason.python}): ${shown}`,
        );
        break;
      case "no-compatible-wheel":
        lines.push(
          `${packageId} left out for having wheels only for other platforms or Pythons${
            reason.tags && reason.tags.length > 0 ? ` (${reason.tags.slice(0, 3).join(", ")})` : ""
          }: ${shown}`,
        );
        break;
      case "sdist-only":
      case "metadata":
      case "other":
        lines.push(
          `${packageId} left out (${describeReason(reason, left.length === 1)}): ${shown}`,
        );
        break;
    }
  }
  return lines;
}

function unavailableHints(
  id: PackageId,
  unavailable: readonly { reason: UnavailableReason; versions: readonly string[] }[],
): string[] {
  const packageId = packageLabel(id);
  const hints: string[] = [];
  for (const { versions, reason } of unavailable) {
    const shown = versions.length > 3
      ? `${versions.slice(0, 3).join(", ")}, …`
      : versions.join(", ");
    switch (reason.kind) {
      case "prerelease":
        hints.push(
          `pre-releases of ${packageId} would satisfy the request (${shown}), but pre-releases are not enabled (use --pre, or use a specifier that names a pre-release)`,
        );
        break;
      case "yanked":
        hints.push(
          `${packageId} ${shown} ${versions.length > 1 ? "were" : "was"} yanked${
            reason.reason ? ` (reason: ${reason.reason})` : ""
          }; pin it with == to use it anyway`,
        );
        break;
      case "requires-python":
        hints.push(
          `${packageId} ${shown} requires Python${reason.requiresPython}, but the target Python is ${reason.python} (--ignore-requires-python skips this check)`,
        );
        break;
      case "no-compatible-wheel":
        hints.push(
          `${packageId} ${shown} has wheels only for other platforms or Pythons${
            reason.tags && reason.tags.length > 0 ? ` (${reason.tags.slice(0, 3).join(", ")})` : ""
          }`,
        );
        break;
      case "sdist-only":
      case "metadata":
      case "other":
        break;
    }
  }
  return hints;
}
