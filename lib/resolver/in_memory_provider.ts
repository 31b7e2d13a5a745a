/**
 * A {@link ResolverProvider} over data in memory, for tests, benchmarks and
 * tools that already hold an index's metadata.
 *
 * @module
 */

import { canonicalizeName, type PackageName } from "../names/mod.ts";
import { compareVersions } from "../pep440/mod.ts";
import { similarNames } from "./similar_names.ts";
import type {
  DistributionMetadata,
  MetadataResult,
  PackageListing,
  ResolverProvider,
  UnavailableReason,
  VersionCandidate,
} from "./provider.ts";

/** One version of an in-memory project. */
export interface InMemoryVersion {
  /** `Requires-Dist` lines for the base project. */
  requires?: readonly string[];
  /** Extra name → its requirements (a marker `extra == "…"` is added to each). */
  extras?: Readonly<Record<string, readonly string[]>>;
  /** `Requires-Python`, both on the index page and in the metadata. */
  requiresPython?: string;
  /** Yanked (`true`, or the reason). */
  yanked?: boolean | string;
  /** Set when no file of this version fits the target. */
  unavailable?: UnavailableReason;
  /** Set to make the metadata request fail with this reason. */
  metadataUnavailable?: UnavailableReason;
}

/** Project name → version → its requirements (a list) or a full {@link InMemoryVersion}. */
export type InMemoryIndex = Readonly<
  Record<string, Readonly<Record<string, readonly string[] | InMemoryVersion>>>
>;

/** An in-memory provider that also records the requests made to it. */
export interface InMemoryProvider extends ResolverProvider<never> {
  /** `list NAME` and `metadata NAME VERSION`, in the order asked. */
  readonly requests: string[];
}

/** Options for {@link inMemoryProvider}. */
export interface InMemoryProviderOptions {
  /** Milliseconds each request takes (simulated latency). */
  latencyMs?: number;
}

/**
 * A provider answering from `index`, newest version first.
 *
 * @example
 * ```ts
 * import { canonicalizeName } from "../names/mod.ts";
 * const provider = inMemoryProvider({ a: { "1.0": ["b>=2"] }, b: { "2.0": [] } });
 * const listing = await provider.listVersions(canonicalizeName("a"));
 * listing.kind; // "found"
 * ```
 */
export function inMemoryProvider(
  index: InMemoryIndex,
  options: InMemoryProviderOptions = {},
): InMemoryProvider {
  const projects = new Map<string, Map<string, InMemoryVersion>>();
  for (const [name, versions] of Object.entries(index)) {
    const normalized = new Map<string, InMemoryVersion>();
    for (const [version, data] of Object.entries(versions)) {
      normalized.set(version, isRequirementList(data) ? { requires: data } : data);
    }
    projects.set(canonicalizeName(name), normalized);
  }
  const requests: string[] = [];
  const wait = () =>
    options.latencyMs
      ? new Promise((resolve) => setTimeout(resolve, options.latencyMs))
      : undefined;

  return {
    requests,
    async listVersions(name: PackageName): Promise<PackageListing<never>> {
      requests.push(`list ${name}`);
      await wait();
      const versions = projects.get(name);
      if (versions === undefined) {
        return { kind: "not-found", suggestions: similarNames(name, [...projects.keys()]) };
      }
      const candidates = [...versions].map(([version, data]) => {
        const candidate: VersionCandidate<never> = { version };
        if (data.requiresPython !== undefined) candidate.requiresPython = data.requiresPython;
        if (data.yanked) {
          candidate.yanked = typeof data.yanked === "string" ? { reason: data.yanked } : {};
        }
        if (data.unavailable !== undefined) candidate.unavailable = data.unavailable;
        return candidate;
      });
      candidates.sort((a, b) => compareVersions(b.version, a.version));
      return { kind: "found", candidates };
    },
    async getMetadata(
      name: PackageName,
      candidate: VersionCandidate<never>,
    ): Promise<MetadataResult> {
      requests.push(`metadata ${name} ${candidate.version}`);
      await wait();
      const data = projects.get(name)?.get(candidate.version);
      if (data === undefined) {
        return {
          kind: "unavailable",
          reason: { kind: "metadata", message: `no metadata for ${candidate.version}` },
        };
      }
      if (data.metadataUnavailable !== undefined) {
        return { kind: "unavailable", reason: data.metadataUnavailable };
      }
      return { kind: "metadata", metadata: toMetadata(data) };
    },
  };
}

function isRequirementList(data: readonly string[] | InMemoryVersion): data is readonly string[] {
  return Array.isArray(data);
}

/** Core metadata for an in-memory version: extras become `extra == "…"` markers. */
export function toMetadata(data: InMemoryVersion): DistributionMetadata {
  const requiresDist = [...(data.requires ?? [])];
  for (const [extra, requirements] of Object.entries(data.extras ?? {})) {
    for (const requirement of requirements) {
      const [spec, marker] = splitMarker(requirement);
      const condition = `extra == "${extra}"`;
      requiresDist.push(
        `${spec}; ${marker === undefined ? condition : `(${marker}) and ${condition}`}`,
      );
    }
  }
  const metadata: DistributionMetadata = {
    requiresDist,
    providesExtra: Object.keys(data.extras ?? {}),
  };
  if (data.requiresPython !== undefined) metadata.requiresPython = data.requiresPython;
  return metadata;
}

function splitMarker(requirement: string): [string, string | undefined] {
  const at = requirement.indexOf(";");
  if (at < 0) return [requirement, undefined];
  return [requirement.slice(0, at).trim(), requirement.slice(at + 1).trim()];
}
