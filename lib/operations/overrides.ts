/**
 * Overrides (`--overrides FILE`, uv): requirements that replace every
 * requirement on the same project, yours and every distribution's
 * `Requires-Dist`, so that a dependency's bad upper bound (or pin) can be
 * lifted. An override keeps the marker of the requirement it replaces, and
 * with one of its own both must hold; several overrides of one project
 * replace it with all of them. Constraints only narrow; overrides replace.
 *
 * @module
 */

import { canonicalizeName, type PackageName } from "../names/mod.ts";
import { parseRequirement, type Requirement } from "../pep508/mod.ts";
import type { DistributionMetadata, ResolverProvider } from "../resolver/mod.ts";
import { parseRequirementSource } from "../requirements/source.ts";
import type { RequirementsSpecification } from "../requirements/specification.ts";

/** Overrides by project. */
export type Overrides = ReadonlyMap<PackageName, readonly Requirement[]>;

/** Groups override requirements by project. */
export function overridesOf(requirements: readonly Requirement[]): Overrides {
  const byName = new Map<PackageName, Requirement[]>();
  for (const requirement of requirements) {
    const name = canonicalizeName(requirement.name);
    byName.set(name, [...(byName.get(name) ?? []), requirement]);
  }
  return byName;
}

function combined(original: Requirement, override: Requirement): string {
  const extras = override.extras.length > 0 ? `[${override.extras.join(",")}]` : "";
  const body = override.url === undefined
    ? `${override.name}${extras}${override.specifier}`
    : `${override.name}${extras} @ ${override.url} `;
  const markers = [original.marker, override.marker].filter((m) => m !== undefined)
    .map((m) => `(${m})`);
  return markers.length === 0 ? body.trimEnd() : `${body}; ${markers.join(" and ")}`;
}

/**
 * `requiresDist` with every requirement on an overridden project replaced
 * by its overrides (unparsable lines are left as they are).
 *
 * @example
 * ```ts
 * import { applyOverrides, overridesOf } from "./overrides.ts";
 * import { parseRequirement } from "../pep508/mod.ts";
 * const overrides = overridesOf([parseRequirement("werkzeug>=3")]);
 * applyOverrides(["werkzeug<3; extra == 'x'", "click"], overrides);
 * // ['werkzeug>=3; (extra == "x")', "click"]
 * ```
 */
export function applyOverrides(requiresDist: readonly string[], overrides: Overrides): string[] {
  if (overrides.size === 0) return [...requiresDist];
  const out: string[] = [];
  for (const text of requiresDist) {
    let requirement: Requirement;
    try {
      requirement = parseRequirement(text);
    } catch {
      out.push(text);
      continue;
    }
    const replacements = overrides.get(canonicalizeName(requirement.name));
    if (replacements === undefined) out.push(text);
    else for (const override of replacements) out.push(combined(requirement, override));
  }
  return out;
}

function overridden(metadata: DistributionMetadata, overrides: Overrides): DistributionMetadata {
  return { ...metadata, requiresDist: applyOverrides(metadata.requiresDist, overrides) };
}

/** `provider` with every distribution's dependencies overridden. */
export function overridingProvider<S>(
  provider: ResolverProvider<S>,
  overrides: Overrides,
): ResolverProvider<S> {
  if (overrides.size === 0) return provider;
  return {
    listVersions: (name) => provider.listVersions(name),
    getMetadata: async (name, candidate) => {
      const result = await provider.getMetadata(name, candidate);
      return result.kind === "metadata"
        ? { kind: "metadata", metadata: overridden(result.metadata, overrides) }
        : result;
    },
    ...(provider.getDirectMetadata === undefined ? {} : {
      getDirectMetadata: async (name, url) => {
        const result = await provider.getDirectMetadata!(name, url);
        return result.kind === "metadata"
          ? { ...result, metadata: overridden(result.metadata, overrides) }
          : result;
      },
    }),
  };
}

/** `spec` with your own requirements on overridden projects replaced by the overrides. */
export function overrideRoots(
  spec: RequirementsSpecification,
  overrides: Overrides,
): RequirementsSpecification {
  if (overrides.size === 0) return spec;
  return {
    ...spec,
    requirements: spec.requirements.flatMap((specified) => {
      const { source } = specified;
      const replacements = source.kind === "registry" && source.name !== undefined
        ? overrides.get(source.name)
        : undefined;
      if (replacements === undefined || source.requirement === undefined) return [specified];
      return replacements.map((override) => ({
        ...specified,
        source: parseRequirementSource(combined(source.requirement!, override), {
          cwd: "/",
          stat: () => undefined,
          origin: source.origin,
        }),
      }));
    }),
  };
}
