/**
 * A distribution's dependencies as the install phases read them: its
 * `Requires-Dist` lines parsed once per run (each is read several times:
 * the already-satisfied walk, pip's collection order, the installation
 * order, the conflict check), and whether a marker holds for the extras
 * asked of it.
 *
 * @module
 */

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
    let requirement = parsedRequirements.get(text);
    if (requirement === undefined && !parsedRequirements.has(text)) {
      try {
        requirement = parseRequirement(text);
      } catch {
        // Skipped, as pip skips it.
      }
      parsedRequirements.set(text, requirement);
    }
    if (requirement !== undefined) parsed.push(requirement);
  }
  return parsed;
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
