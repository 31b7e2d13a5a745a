/**
 * Forks of a universal resolution: a fork is a set of environments (a
 * {@link MarkerSet}) in which the resolver does not know which environment
 * it is in. A requirement applies in a fork when its marker can hold
 * somewhere in it; a version's `Requires-Python` is read by its lower bound
 * (upper bounds are ignored, as uv does).
 *
 * A fork splits (the resolution of it stops with {@link ForkSplit} and
 * starts again in each part) when the version just chosen
 * - requires one project more than once, differently, under markers that
 *   divide the fork (`b>=2; sys_platform == "linux"` and `b<2; sys_platform
 *   == "darwin"`): into the parts where each combination of those markers
 *   holds, the remainder (where none holds) included;
 * - has a `Requires-Python` whose lower bound cuts through the fork's
 *   Pythons: into the Pythons it supports (where it can be used) and the
 *   older ones (where an older version must be found);
 * - is the root, and one of your constraints has a marker that holds in
 *   part of the fork: into where it holds and where it does not.
 *
 * Pure: no I/O.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { canonicalizeName } from "../names/mod.ts";
import type { Marker, Requirement } from "../pep508/mod.ts";
import { MarkerSet } from "../pep508/marker_algebra.ts";
import type { ChosenDependencies, MarkerScope } from "./marker_scope.ts";

const markerSets = new WeakMap<Marker, MarkerSet>();

/** The set of environments where `marker` holds (memoized per parsed marker). */
export function markerSetOf(marker: Marker | undefined): MarkerSet {
  if (marker === undefined) return MarkerSet.TRUE;
  let set = markerSets.get(marker);
  if (set === undefined) {
    set = MarkerSet.of(marker);
    markerSets.set(marker, set);
  }
  return set;
}

/**
 * The Pythons a `Requires-Python` admits, read by its lower bound only
 * (`>=3.9,<4` is `>=3.9`); every Python when it has none or cannot be read.
 */
export function pythonFloor(requiresPython: string): MarkerSet {
  let set: MarkerSet;
  try {
    set = MarkerSet.requiresPython(requiresPython);
  } catch {
    return MarkerSet.TRUE; // pip and uv ignore a Requires-Python they cannot read.
  }
  if (set.isEmpty()) return set;
  const lowest = set.lowestPython();
  if (lowest === undefined) return MarkerSet.TRUE;
  return MarkerSet.requiresPython(`${lowest.inclusive ? ">=" : ">"}${lowest.version}`);
}

/** Thrown by a fork's scope to stop its resolution: resolve each of `parts` instead. */
export class ForkSplit extends Error {
  /** The parts, disjoint, covering the fork, in the order to resolve them. */
  readonly parts: readonly MarkerSet[];
  constructor(parts: readonly MarkerSet[], why: string) {
    super(`fork split: ${why}`);
    this.name = "ForkSplit";
    this.parts = parts;
  }
}

/** A {@link MarkerScope} over one fork. */
export class ForkScope implements MarkerScope {
  /** The fork's environments. */
  readonly fork: MarkerSet;
  readonly pythonLabel: string;

  constructor(fork: MarkerSet) {
    this.fork = fork;
    // Reports say "the target is …": the fork's own marker says which environments failed.
    this.pythonLabel = fork.isUniversal() ? "any Python" : String(fork);
  }

  applies(marker: Marker, extra: string): boolean {
    return !this.fork.isDisjoint(markerSetOf(marker).withExtra(extra));
  }

  addedByExtra(marker: Marker, extra: string): boolean {
    const set = markerSetOf(marker);
    const withExtra = set.withExtra(extra);
    return !this.fork.isDisjoint(withExtra) && !withExtra.equals(set.withExtra(""));
  }

  admitsPython(requiresPython: string): boolean {
    return !this.fork.isDisjoint(pythonFloor(requiresPython));
  }

  inspect(chosen: ChosenDependencies): void {
    const label = chosen.name === undefined
      ? "your requirements"
      : `${chosen.name} ${chosen.version}`;
    if (chosen.requiresPython !== undefined) {
      const supported = pythonFloor(chosen.requiresPython);
      if (!this.fork.implies(supported) && !this.fork.isDisjoint(supported)) {
        throw new ForkSplit(
          [this.fork.and(supported), this.fork.and(supported.not())],
          `${label} requires Python${chosen.requiresPython}`,
        );
      }
    }
    const parts = siblingParts(this.fork, chosen.requirements, chosen.extra);
    if (parts.length > 1) {
      throw new ForkSplit(parts, `${label} requires one project differently under markers`);
    }
    const limited = constraintParts(this.fork, chosen.constraints ?? []);
    if (limited.length > 1) {
      throw new ForkSplit(limited, "a constraint holds in part of the environments");
    }
  }
}

/** The most parts one split may make (markers dividing a fork finer are refused). */
export const MAX_PARTS = 256;

/** A universal resolution whose markers split the environments too finely. */
export class TooManyForksError extends DpipError<"resolution-too-long"> {
  constructor(limit: number) {
    super(
      "resolution-too-long",
      `Universal resolution gave up after ${limit} forks: the requirements split the environments too finely`,
      {
        hint:
          "narrow the environments (--python-version, --python-platform) or pin the projects that fork",
      },
    );
    this.name = "TooManyForksError";
  }
}

interface Part {
  marker: MarkerSet;
  /** Which of the dividing requirements apply in the part. */
  applying: number[];
}

/**
 * The parts `fork` divides into for requirements on one project that differ
 * (other than by marker) and whose markers divide it; `[fork]` when none do.
 */
export function siblingParts(
  fork: MarkerSet,
  requirements: readonly Requirement[],
  extra: string,
): MarkerSet[] {
  const byName = new Map<string, Requirement[]>();
  for (const requirement of requirements) {
    const name = canonicalizeName(requirement.name);
    byName.set(name, [...(byName.get(name) ?? []), requirement]);
  }
  let parts: Part[] = [{ marker: fork, applying: [] }];
  let index = 0;
  for (const group of byName.values()) {
    if (group.length < 2 || new Set(group.map(withoutMarker)).size < 2) continue;
    for (const requirement of group) {
      const where = markerSetOf(requirement.marker).withExtra(extra);
      const id = index++;
      const next: Part[] = [];
      for (const part of parts) {
        const inside = part.marker.and(where);
        if (inside.isEmpty()) next.push(part);
        else if (inside.equals(part.marker)) {
          next.push({ ...part, applying: [...part.applying, id] });
        } else {
          next.push({ marker: inside, applying: [...part.applying, id] });
          next.push({ marker: part.marker.and(where.not()), applying: part.applying });
        }
      }
      parts = next;
      if (parts.length > MAX_PARTS) throw new TooManyForksError(MAX_PARTS);
    }
  }
  if (parts.length < 2) return [fork];
  // Deterministic order: parts where requirements apply, by marker text, then the rest.
  return parts.sort((a, b) =>
    Number(a.applying.length === 0) - Number(b.applying.length === 0) ||
    compareText(String(a.marker), String(b.marker))
  ).map((part) => part.marker);
}

/**
 * The parts `fork` divides into for constraints whose markers hold in part
 * of it (a constraint limits versions only where its marker holds); `[fork]`
 * when none does.
 */
export function constraintParts(fork: MarkerSet, constraints: readonly Requirement[]): MarkerSet[] {
  let parts = [fork];
  for (const constraint of constraints) {
    if (constraint.marker === undefined) continue;
    const where = markerSetOf(constraint.marker).withExtra("");
    const next: MarkerSet[] = [];
    for (const part of parts) {
      const inside = part.and(where);
      if (inside.isEmpty() || inside.equals(part)) next.push(part);
      else next.push(inside, part.and(where.not()));
    }
    parts = next;
    if (parts.length > MAX_PARTS) throw new TooManyForksError(MAX_PARTS);
  }
  return parts;
}

function withoutMarker(requirement: Requirement): string {
  return [
    requirement.specifier.specifiers.map(String).sort().join(","),
    [...requirement.extras].sort().join(","),
    requirement.url ?? "",
  ].join("\u0000");
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
