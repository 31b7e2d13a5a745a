/**
 * From a resolution to the wheels to fetch: what install and the build
 * environments share once versions are chosen. A distribution resolved to an
 * sdist is installed from the wheel built from it (the build happened when
 * the resolver asked for its metadata).
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import type { WheelRequest } from "../installer/prepare.ts";
import { type AllowedHashes, HashMismatchError, matchesHashes } from "../net/hashes.ts";
import type { IndexSource } from "../resolver/default_provider.ts";
import type { ResolvedDist } from "../resolver/mod.ts";
import { withoutFragment } from "./build_sources.ts";
import type { BuiltIndexWheel } from "./sdist_builds.ts";

/** A requirement dpip cannot install (not a wheel or a source, or no wheel was built for it). */
export class UnsupportedRequirementError extends DpipError<"unsupported-requirement"> {
  /** The requirement as written. */
  readonly requirement: string;
  /** `what` says why it cannot be installed. */
  constructor(requirement: string, what: string) {
    super("unsupported-requirement", `Cannot install ${requirement}: ${what}`, {
      hint: "install a built wheel instead (a wheel file, a wheel URL, or a project on an index)",
    });
    this.name = "UnsupportedRequirementError";
    this.requirement = requirement;
  }
}

/** The wheel a resolved distribution comes from, if it is one. */
export function wheelSource(dist: ResolvedDist<IndexSource>): IndexSource | undefined {
  const source = dist.source;
  return source?.kind === "index" && source.format === "wheel" ? source : undefined;
}

/** `dists` with each one resolved to an sdist taking the wheel built from it instead. */
export function withBuiltWheels(
  dists: readonly ResolvedDist<IndexSource>[],
  builtWheel: (sdistUrl: string) => BuiltIndexWheel | undefined,
): ResolvedDist<IndexSource>[] {
  return dists.map((dist) => {
    const source = dist.source;
    const wheel = source?.format === "sdist" ? builtWheel(source.file.url) : undefined;
    return wheel === undefined ? dist : {
      ...dist,
      source: {
        kind: "index",
        file: wheel.file,
        format: "wheel",
        ...(wheel.sdist === undefined ? {} : { builtFrom: wheel.sdist }),
      },
    };
  });
}

/**
 * The wheel to fetch for a resolved distribution.
 *
 * @throws {UnsupportedRequirementError} when it has no wheel.
 */
export function wheelRequest(
  dist: ResolvedDist<IndexSource>,
  hashes: { user?: AllowedHashes; url?: Readonly<Record<string, string>> } = {},
): WheelRequest {
  const source = wheelSource(dist);
  if (source === undefined) {
    throw new UnsupportedRequirementError(
      `${dist.name}==${dist.version}`,
      "only a source distribution was chosen, and no wheel was built from it",
    );
  }
  const file = source.file;
  let user = hashes.user;
  if (source.builtFrom !== undefined && user !== undefined && Object.keys(user).length > 0) {
    // Your hashes are the sdist's (checked here), not the wheel's built from it.
    const digests = { sha256: source.builtFrom.sha256 };
    if (!matchesHashes(digests, user)) {
      throw new HashMismatchError(source.builtFrom.filename, {
        expected: user,
        got: digests,
        source: "the requirement",
      });
    }
    user = undefined;
  }
  return {
    name: dist.name,
    version: dist.version,
    filename: file.filename,
    url: withoutFragment(file.url),
    ...(file.size === undefined ? {} : { size: file.size }),
    hashes: { ...file.hashes, ...(hashes.url ?? {}) },
    ...(user === undefined ? {} : { userHashes: user }),
  };
}
