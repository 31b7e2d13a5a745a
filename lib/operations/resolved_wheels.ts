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
import type { IndexSource, SdistOrigin } from "../resolver/default_provider.ts";
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

/** Checks the archive a wheel was built from against the hashes `source` allows (if any). */
function checkOrigin(
  origin: SdistOrigin,
  allowed: AllowedHashes | undefined,
  source: string,
): void {
  if (allowed === undefined || Object.keys(allowed).length === 0) return;
  const digests = { sha256: origin.sha256 };
  if (!matchesHashes(digests, allowed)) {
    throw new HashMismatchError(origin.filename, { expected: allowed, got: digests, source });
  }
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
  let url = hashes.url ?? {};
  if (source.builtFrom !== undefined) {
    // Your hashes (and a URL's #sha256=) are the sdist's, checked here, not the wheel's built from it.
    checkOrigin(source.builtFrom, user, "the requirement");
    checkOrigin(
      source.builtFrom,
      Object.fromEntries(Object.entries(url).map(([algorithm, digest]) => [algorithm, [digest]])),
      "the URL",
    );
    user = undefined;
    url = {};
  }
  return {
    name: dist.name,
    version: dist.version,
    filename: file.filename,
    url: withoutFragment(file.url),
    ...(file.size === undefined ? {} : { size: file.size }),
    hashes: { ...file.hashes, ...url },
    ...(user === undefined ? {} : { userHashes: user }),
  };
}
