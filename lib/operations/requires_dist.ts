/**
 * A distribution's dependencies as the install phases read them: its
 * `Requires-Dist` lines parsed once per run (each is read several times:
 * the already-satisfied walk, pip's collection order, the installation
 * order, the conflict check), and whether a marker holds for the extras
 * asked of it.
 *
 * @module
 */

import { canonicalizeName } from "../names/mod.ts";
import { parseRequirement, type Requirement } from "../pep508/mod.ts";
import type { Interpreter } from "../python/mod.ts";

/** Parsed `Requires-Dist` strings; undefined when invalid. */
const parsedRequirements = new Map<string, Requirement | undefined>();

/**
 * The requirements of `requiresDist` that parse (pip skips the others here
 * too; `check` reports them).
 *
 * @example
 * ```ts
 * import { parseDependencies } from "./requires_dist.ts";
 * parseDependencies(["b>=2", "not a requirement!"]).map(String); // ["b>=2"]
 * ```
 */
export function parseDependencies(requiresDist: readonly string[]): Requirement[] {
  const parsed: Requirement[] = [];
  for (const text of requiresDist) {
    const requirement = parsedDependency(text);
    if (requirement !== undefined) parsed.push(requirement);
  }
  return parsed;
}

function parsedDependency(text: string): Requirement | undefined {
  let requirement = parsedRequirements.get(text);
  if (requirement === undefined && !parsedRequirements.has(text)) {
    try {
      requirement = parseRequirement(text);
    } catch {
      // Skipped, as pip skips it.
    }
    parsedRequirements.set(text, requirement);
  }
  return requirement;
}

/** Whether `requirement`'s marker holds on `interpreter` without extras or with one of `extras`. */
export function markerHolds(
  requirement: Requirement,
  interpreter: Pick<Interpreter, "markerEnvironment">,
  extras: readonly string[],
): boolean {
  if (requirement.marker === undefined) return true;
  return ["", ...extras].some((extra) =>
    requirement.marker!.evaluate({ ...interpreter.markerEnvironment, extra })
  );
}

/**
 * A requirement whose whole marker is one `extra == "name"` comparison: no
 * URL (`@`), quote or `;` before the marker. Most `Requires-Dist` lines are
 * (an extra's dependencies), and most extras are not asked for.
 */
const EXTRA_ONLY = /^[^;@"']*;\s*extra\s*==\s*(?:"([^"]*)"|'([^']*)')\s*$/;

/**
 * The requirements of `requiresDist` that parse and whose marker holds on
 * `interpreter` without extras or with one of `extras`: what
 * {@link parseDependencies} and {@link markerHolds} give together, in the
 * same order. A line whose marker is only `extra == "name"` for an extra
 * not asked for is left out unparsed (it would be left out parsed too).
 *
 * @example
 * ```ts
 * import { activeDependencies } from "./requires_dist.ts";
 * import { DEFAULT_MARKER_ENVIRONMENT } from "../pep508/mod.ts";
 * const interpreter = { markerEnvironment: DEFAULT_MARKER_ENVIRONMENT };
 * activeDependencies(['a', 'b; extra == "test"'], interpreter, []).map(String); // ["a"]
 * ```
 */
export function activeDependencies(
  requiresDist: readonly string[],
  interpreter: Pick<Interpreter, "markerEnvironment">,
  extras: readonly string[],
): Requirement[] {
  const active: Requirement[] = [];
  // As a marker compares them: normalized (PEP 685); "" (no extra) always holds.
  let asked: string[] | undefined;
  for (const text of requiresDist) {
    const only = EXTRA_ONLY.exec(text);
    const extra = only === null ? "" : only[1] ?? only[2] ?? "";
    if (extra !== "") {
      asked ??= extras.map((name) => canonicalizeName(name));
      if (asked.length === 0 || !asked.includes(canonicalizeName(extra))) continue;
    }
    const requirement = parsedDependency(text);
    if (requirement !== undefined && markerHolds(requirement, interpreter, extras)) {
      active.push(requirement);
    }
  }
  return active;
}
