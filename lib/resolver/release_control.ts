/**
 * Which projects may resolve to pre-releases: pip 26's `--all-releases`
 * and `--only-final` (its `ReleaseControl`). Each value is a comma-separated
 * list of names, `:all:` or `:none:`, applied in order; a name given to one
 * option leaves the other. Pure.
 *
 * @module
 */

import { canonicalizeName } from "../names/mod.ts";

/** The two sets (normalized names, or `:all:`). */
export interface ReleaseControl {
  readonly allReleases: ReadonlySet<string>;
  readonly onlyFinal: ReadonlySet<string>;
}

/**
 * Builds a {@link ReleaseControl} from the option values in order, as pip's
 * `handle_mutual_excludes` does.
 *
 * @example
 * ```ts
 * import { allowsPrereleases, parseReleaseControl } from "./release_control.ts";
 * const control = parseReleaseControl([["all-releases", ":all:"], ["only-final", "Foo_Bar"]]);
 * [allowsPrereleases(control, "foo-bar"), allowsPrereleases(control, "other")]; // [false, true]
 * ```
 */
export function parseReleaseControl(
  values: readonly (readonly ["all-releases" | "only-final", string])[],
): ReleaseControl {
  const all = new Set<string>();
  const final = new Set<string>();
  for (const [kind, value] of values) {
    const [target, other] = kind === "all-releases" ? [all, final] : [final, all];
    let names = value.split(",");
    let stop = false;
    while (names.includes(":all:")) {
      other.clear();
      target.clear();
      target.add(":all:");
      names = names.slice(names.indexOf(":all:") + 1);
      if (!names.includes(":none:")) {
        stop = true;
        break;
      }
    }
    if (stop) continue;
    for (const name of names) {
      if (name === ":none:") {
        target.clear();
        continue;
      }
      const normalized = canonicalizeName(name);
      other.delete(normalized);
      target.add(normalized);
    }
  }
  return { allReleases: all, onlyFinal: final };
}

/**
 * Whether `name` may resolve to a pre-release: true (`--all-releases`),
 * false (`--only-final`), or undefined for the default rule.
 */
export function allowsPrereleases(control: ReleaseControl, name: string): boolean | undefined {
  if (control.allReleases.has(name)) return true;
  if (control.onlyFinal.has(name)) return false;
  if (control.allReleases.has(":all:")) return true;
  if (control.onlyFinal.has(":all:")) return false;
  return undefined;
}
