/**
 * Wheels named by an http(s) URL, fetched whole when a lock or a universal
 * resolution needs them (as `pip lock` fetches them): the lock records the
 * file's sha256, checked against a `#sha256=` fragment when there is one,
 * and the metadata is read from the verified file.
 *
 * @module
 */

import { digestChecks } from "../net/hashes.ts";
import { canonicalizeName } from "../names/mod.ts";
import { parseWheelFilename } from "../dists/wheel_filename.ts";
import { join } from "../paths.ts";
import type { RequirementSource } from "../requirements/source.ts";
import type { WheelDownloader } from "../installer/prepare.ts";
import { type BuiltRequirement, SourceBuildError, withoutFragment } from "./build_sources.ts";
import type { Scratch } from "./scratch.ts";

/** Whether `source` names a wheel by an http(s) URL (fetched by {@link fetchWheelReference}). */
export function isRemoteWheel(
  source: RequirementSource,
): source is RequirementSource & { kind: "url" } {
  return source.kind === "url" && source.archive === "wheel" && /^https?:/i.test(source.url);
}

/**
 * Fetches the wheel an http(s) URL names into `scratch`, checking a
 * `#sha256=` fragment, as a prepared reference: the file to read its
 * metadata from, and its hash.
 *
 * @throws {HashMismatchError} when the file does not match the fragment.
 * @throws {SourceBuildError} when the URL's file name (decoded) holds a path separator.
 */
export async function fetchWheelReference(
  source: RequirementSource & { kind: "url" },
  context: { readonly downloader: WheelDownloader; readonly scratch: Scratch },
): Promise<BuiltRequirement> {
  const url = withoutFragment(source.url);
  const filename = decodeURIComponent(new URL(url).pathname.split("/").at(-1) ?? "");
  if (/[/\\\0]/.test(filename)) {
    throw new SourceBuildError(
      source.text,
      `its file name ${JSON.stringify(filename)} is not a wheel's`,
    );
  }
  const dir = await context.scratch.dir("wheel-url");
  const result = await context.downloader.download(url, join(dir, filename), {
    checks: digestChecks("the URL", source.urlHashes),
  });
  return {
    source,
    name: source.requirement === undefined
      ? parseWheelFilename(filename).name
      : canonicalizeName(source.requirement.name),
    url,
    wheelPath: result.path,
    directUrl: { url, info: { kind: "archive", hashes: { sha256: result.digests["sha256"]! } } },
  };
}
