/**
 * The value sets the marker algebra works with, one kind per kind of marker
 * variable:
 *
 * - {@link VersionRanges}: a union of intervals of final releases (`3.9`,
 *   `3.11.4`; no epoch, pre-, post- or dev-release, no local label), for
 *   `python_full_version` (and `python_version`, mapped onto it) and
 *   `implementation_version`. Final releases are the domain because those
 *   are what interpreters report; a specifier's set is taken over them
 *   ({@link rangesOfSpecifier}), which is exact for every interpreter that is
 *   not itself a pre-release.
 * - {@link StringSet}: a finite set of strings or the complement of one, for
 *   `sys_platform`, `os_name`, `extra` and the other string variables, and
 *   for opaque comparisons (the set `{"1"}` holds where the comparison does).
 *
 * Every set is kept in one canonical form, so two sets are equal exactly when
 * their {@link VersionRanges.key}s are. Pure: no I/O.
 *
 * @module
 */

import { type Specifier, tryParseVersion, type Version } from "../pep440/mod.ts";

/** A final release as numbers, trailing zeros removed (`3.9.0` is `[3, 9]`; `0` is `[0]`). */
export type Release = readonly number[];

/** One end of an interval: the release, and whether it belongs to the interval. */
export interface Bound {
  readonly release: Release;
  readonly inclusive: boolean;
}

/** An interval of final releases; an absent end is unbounded. */
export interface Interval {
  readonly lower?: Bound;
  readonly upper?: Bound;
}

/** `release` with trailing zeros removed (at least one number kept). */
export function trimRelease(release: readonly number[]): Release {
  let end = release.length;
  while (end > 1 && release[end - 1] === 0) end--;
  return release.slice(0, end);
}

/** Compares two releases, shorter ones padded with zeros (`3.9` equals `3.9.0`). */
export function compareReleases(a: readonly number[], b: readonly number[]): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i] ?? 0, y = b[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** `3.9` for `[3, 9]`, padded to `minimum` numbers (`[3]` with 2 is `3.0`). */
export function formatRelease(release: Release, minimum = 1): string {
  const parts = [...release];
  while (parts.length < minimum) parts.push(0);
  return parts.join(".");
}

/** Whether a point at `release` lies above `bound` taken as a lower end. */
function aboveLower(release: Release, bound: Bound | undefined): boolean {
  if (bound === undefined) return true;
  const order = compareReleases(release, bound.release);
  return order > 0 || (order === 0 && bound.inclusive);
}

/** Whether a point at `release` lies below `bound` taken as an upper end. */
function belowUpper(release: Release, bound: Bound | undefined): boolean {
  if (bound === undefined) return true;
  const order = compareReleases(release, bound.release);
  return order < 0 || (order === 0 && bound.inclusive);
}

/** Orders lower ends: unbounded first; at one release, inclusive before exclusive. */
function compareLower(a: Bound | undefined, b: Bound | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  return compareReleases(a.release, b.release) ||
    (a.inclusive === b.inclusive ? 0 : a.inclusive ? -1 : 1);
}

/** Orders upper ends: at one release, exclusive before inclusive; unbounded last. */
function compareUpper(a: Bound | undefined, b: Bound | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  return compareReleases(a.release, b.release) ||
    (a.inclusive === b.inclusive ? 0 : a.inclusive ? 1 : -1);
}

/** Whether an interval ending at `upper` and one starting at `lower` overlap or touch. */
function touches(upper: Bound | undefined, lower: Bound | undefined): boolean {
  if (upper === undefined || lower === undefined) return true;
  const order = compareReleases(upper.release, lower.release);
  return order > 0 || (order === 0 && (upper.inclusive || lower.inclusive));
}

function isEmptyInterval(interval: Interval): boolean {
  const { lower, upper } = interval;
  // Nothing comes before 0, the first release.
  if (lower === undefined) return upper !== undefined && !upper.inclusive && isZero(upper.release);
  if (upper === undefined) return false;
  const order = compareReleases(lower.release, upper.release);
  return order > 0 || (order === 0 && !(lower.inclusive && upper.inclusive));
}

function boundKey(bound: Bound | undefined, lower: boolean): string {
  if (bound === undefined) return lower ? "(-" : "+)";
  const text = bound.release.join(".");
  return lower ? `${bound.inclusive ? "[" : "("}${text}` : `${text}${bound.inclusive ? "]" : ")"}`;
}

/**
 * A set of final releases: sorted, disjoint, non-touching intervals.
 *
 * @example
 * ```ts
 * import { VersionRanges } from "./marker_domains.ts";
 * const a = VersionRanges.atLeast([3, 9]);
 * a.intersect(VersionRanges.atLeast([3, 12]).complement()).key; // "[3.9,3.12)"
 * ```
 */
export class VersionRanges {
  /** The intervals, ascending. */
  readonly intervals: readonly Interval[];
  #key: string | undefined;

  private constructor(intervals: readonly Interval[]) {
    this.intervals = intervals;
  }

  /** Every release. */
  static readonly FULL: VersionRanges = new VersionRanges([{}]);
  /** No release. */
  static readonly EMPTY: VersionRanges = new VersionRanges([]);

  /** The union of `intervals`, in canonical form. */
  static of(intervals: readonly Interval[]): VersionRanges {
    const kept = intervals.filter((interval) => !isEmptyInterval(interval))
      .map((interval) => normalizeInterval(interval))
      .sort((a, b) => compareLower(a.lower, b.lower));
    const merged: Interval[] = [];
    for (const interval of kept) {
      const last = merged.at(-1);
      if (last !== undefined && touches(last.upper, interval.lower)) {
        const upper = compareUpper(last.upper, interval.upper) >= 0 ? last.upper : interval.upper;
        merged[merged.length - 1] = withEnds(last.lower, upper);
      } else {
        merged.push(interval);
      }
    }
    return merged.length === 0
      ? VersionRanges.EMPTY
      : merged.length === 1 && merged[0]!.lower === undefined && merged[0]!.upper === undefined
      ? VersionRanges.FULL
      : new VersionRanges(merged);
  }

  /** `x >= release`. */
  static atLeast(release: readonly number[]): VersionRanges {
    return VersionRanges.of([{ lower: { release: trimRelease(release), inclusive: true } }]);
  }

  /** `x == release`. */
  static point(release: readonly number[]): VersionRanges {
    const bound = { release: trimRelease(release), inclusive: true };
    return VersionRanges.of([{ lower: bound, upper: bound }]);
  }

  /** The canonical text of the set (`[3.9,3.12)|[3.13,+)`); equal sets have equal keys. */
  get key(): string {
    this.#key ??= this.intervals.map((interval) =>
      `${boundKey(interval.lower, true)},${boundKey(interval.upper, false)}`
    ).join("|");
    return this.#key;
  }

  /** Whether the set has no release. */
  isEmpty(): boolean {
    return this.intervals.length === 0;
  }

  /** Whether the set has every release. */
  isFull(): boolean {
    const [only] = this.intervals;
    return this.intervals.length === 1 && only!.lower === undefined && only!.upper === undefined;
  }

  /** Whether `release` is in the set. */
  contains(release: readonly number[]): boolean {
    return this.intervals.some((interval) =>
      aboveLower(release, interval.lower) && belowUpper(release, interval.upper)
    );
  }

  /** The releases in both sets. */
  intersect(other: VersionRanges): VersionRanges {
    const out: Interval[] = [];
    for (const a of this.intervals) {
      for (const b of other.intervals) {
        const lower = compareLower(a.lower, b.lower) >= 0 ? a.lower : b.lower;
        const upper = compareUpper(a.upper, b.upper) <= 0 ? a.upper : b.upper;
        const interval = withEnds(lower, upper);
        if (!isEmptyInterval(interval)) out.push(interval);
      }
    }
    return VersionRanges.of(out);
  }

  /** The releases in either set. */
  union(other: VersionRanges): VersionRanges {
    return VersionRanges.of([...this.intervals, ...other.intervals]);
  }

  /** The releases not in the set. */
  complement(): VersionRanges {
    const out: Interval[] = [];
    let from: Bound | undefined; // where the next gap starts (unbounded at first)
    for (const interval of this.intervals) {
      if (interval.lower !== undefined) out.push(withEnds(from, flip(interval.lower)));
      if (interval.upper === undefined) return VersionRanges.of(out);
      from = flip(interval.upper);
    }
    out.push(withEnds(from, undefined));
    return VersionRanges.of(out);
  }

  /** Whether every release of the set is in `other`. */
  isSubsetOf(other: VersionRanges): boolean {
    return this.intersect(other).key === this.key;
  }
}

function flip(bound: Bound): Bound {
  return { release: bound.release, inclusive: !bound.inclusive };
}

function withEnds(lower: Bound | undefined, upper: Bound | undefined): Interval {
  return { ...(lower === undefined ? {} : { lower }), ...(upper === undefined ? {} : { upper }) };
}

function isZero(release: readonly number[]): boolean {
  return release.every((n) => n === 0);
}

/** Trims the bounds' releases; `>= 0` is no lower bound at all (0 is the first release). */
function normalizeInterval(interval: Interval): Interval {
  const norm = (bound: Bound | undefined) =>
    bound === undefined
      ? undefined
      : { release: trimRelease(bound.release), inclusive: bound.inclusive };
  const lower = norm(interval.lower);
  const first = lower !== undefined && lower.inclusive && isZero(lower.release);
  return withEnds(first ? undefined : lower, norm(interval.upper));
}

/** Where a version lies relative to the final release of its release numbers. */
function position(version: Version): "below" | "exact" | "above" {
  if (version.pre !== undefined) return "below";
  if (version.post !== undefined) return "above";
  if (version.dev !== undefined) return "below";
  return "exact";
}

/** Whether every number of the version is exact in a JavaScript number. */
export function hasSafeNumbers(version: Version): boolean {
  return version.release.every((n) => Number.isSafeInteger(n));
}

/**
 * The final releases a specifier contains (with pre-releases allowed, as
 * markers evaluate them), or `undefined` for what this cannot describe: `===`,
 * a wildcard on anything but a plain release, numbers too large to be exact.
 *
 * @example
 * ```ts
 * import { parseSpecifier } from "../pep440/mod.ts";
 * import { rangesOfSpecifier } from "./marker_domains.ts";
 * rangesOfSpecifier(parseSpecifier("<3.13.0rc1"))?.key; // "(-,3.13)"
 * rangesOfSpecifier(parseSpecifier("~=3.9.1"))?.key; // "[3.9.1,3.10)"
 * ```
 */
export function rangesOfSpecifier(specifier: Specifier): VersionRanges | undefined {
  const { operator } = specifier;
  if (operator === "===") return undefined;
  const wildcard = specifier.version.endsWith(".*");
  const version = tryParseVersion(wildcard ? specifier.version.slice(0, -2) : specifier.version);
  if (version === undefined || !hasSafeNumbers(version)) return undefined;
  if (wildcard) {
    if (position(version) !== "exact" || version.local !== undefined) return undefined;
    const prefix = version.epoch === 0 ? prefixRanges(version.release) : VersionRanges.EMPTY;
    return operator === "==" ? prefix : prefix.complement();
  }
  if (version.epoch !== 0) {
    // Every final release of epoch 0 comes before any version of a later epoch.
    return operator === "<" || operator === "<=" || operator === "!="
      ? VersionRanges.FULL
      : VersionRanges.EMPTY;
  }
  const release = trimRelease(version.release);
  const where = position(version);
  const at = (inclusive: boolean): Bound => ({ release, inclusive });
  switch (operator) {
    case ">=":
      return VersionRanges.of([{ lower: at(where !== "above") }]);
    case ">":
      return VersionRanges.of([{ lower: at(where === "below") }]);
    case "<=":
      return VersionRanges.of([{ upper: at(where !== "below") }]);
    case "<":
      return VersionRanges.of([{ upper: at(where === "above") }]);
    case "==":
    case "!=": {
      const equal = where === "exact" && version.local === undefined
        ? VersionRanges.point(release)
        : VersionRanges.EMPTY;
      return operator === "==" ? equal : equal.complement();
    }
    case "~=":
      return VersionRanges.of([{ lower: at(where !== "above") }])
        .intersect(prefixRanges(version.release.slice(0, -1)));
  }
}

/** The releases that `prefix.*` matches: `[prefix, prefix with its last number + 1)`. */
function prefixRanges(prefix: readonly number[]): VersionRanges {
  const next = [...prefix];
  next[next.length - 1] = next.at(-1)! + 1;
  return VersionRanges.of([{
    lower: { release: trimRelease(prefix), inclusive: true },
    upper: { release: trimRelease(next), inclusive: false },
  }]);
}

/**
 * The full versions whose `major.minor` is in `minors` (a set of releases
 * taken as `python_version` values): each minor `a.b` in the set stands for
 * `[a.b, a.(b+1))`.
 *
 * @example
 * ```ts
 * import { minorsToFull, VersionRanges } from "./marker_domains.ts";
 * minorsToFull(VersionRanges.atLeast([3, 9, 1])).key; // "[3.10,+)"
 * ```
 */
export function minorsToFull(minors: VersionRanges): VersionRanges {
  const out: Interval[] = [];
  for (const interval of minors.intervals) {
    let lower: Bound | undefined;
    if (interval.lower !== undefined) {
      const [a = 0, b = 0] = interval.lower.release;
      const first = aboveLower([a, b], interval.lower) ? [a, b] : [a, b + 1];
      lower = { release: trimRelease(first), inclusive: true };
    }
    let upper: Bound | undefined;
    if (interval.upper !== undefined) {
      const [a = 0, b = 0] = interval.upper.release;
      const end = belowUpper([a, b], interval.upper) ? [a, b + 1] : [a, b];
      upper = { release: trimRelease(end), inclusive: false };
    }
    out.push(withEnds(lower, upper));
  }
  return VersionRanges.of(out);
}

/**
 * A finite set of strings (`negated` false) or the complement of one
 * (`negated` true), values sorted.
 *
 * @example
 * ```ts
 * import { StringSet } from "./marker_domains.ts";
 * StringSet.of(["linux"]).union(StringSet.of(["linux"]).complement()).isFull(); // true
 * ```
 */
export class StringSet {
  /** True when the set is every string except {@link values}. */
  readonly negated: boolean;
  /** The strings named, sorted and distinct. */
  readonly values: readonly string[];
  #key: string | undefined;

  private constructor(negated: boolean, values: readonly string[]) {
    this.negated = negated;
    this.values = values;
  }

  /** Every string. */
  static readonly FULL: StringSet = new StringSet(true, []);
  /** No string. */
  static readonly EMPTY: StringSet = new StringSet(false, []);

  /** The set of `values` (or, `negated`, every other string). */
  static of(values: Iterable<string>, negated = false): StringSet {
    const sorted = [...new Set(values)].sort();
    if (sorted.length === 0) return negated ? StringSet.FULL : StringSet.EMPTY;
    return new StringSet(negated, sorted);
  }

  /** The canonical text of the set; equal sets have equal keys. */
  get key(): string {
    this.#key ??= `${this.negated ? "!" : ""}{${
      this.values.map((v) => JSON.stringify(v)).join(",")
    }}`;
    return this.#key;
  }

  /** Whether the set has no string. */
  isEmpty(): boolean {
    return !this.negated && this.values.length === 0;
  }

  /** Whether the set has every string. */
  isFull(): boolean {
    return this.negated && this.values.length === 0;
  }

  /** Whether `value` is in the set. */
  contains(value: string): boolean {
    return this.values.includes(value) !== this.negated;
  }

  /** The strings in both sets. */
  intersect(other: StringSet): StringSet {
    if (!this.negated && !other.negated) {
      return StringSet.of(this.values.filter((v) => other.values.includes(v)));
    }
    if (this.negated && other.negated) return StringSet.of([...this.values, ...other.values], true);
    const [finite, cofinite] = this.negated ? [other, this] : [this, other];
    return StringSet.of(finite.values.filter((v) => !cofinite.values.includes(v)));
  }

  /** The strings in either set. */
  union(other: StringSet): StringSet {
    return this.complement().intersect(other.complement()).complement();
  }

  /** The strings not in the set. */
  complement(): StringSet {
    return StringSet.of(this.values, !this.negated);
  }
}

/** A set of values of one marker variable. */
export type DomainSet = VersionRanges | StringSet;
