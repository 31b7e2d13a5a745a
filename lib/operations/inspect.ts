/**
 * `inspect`: pip's JSON report of the environment (format version 1): each
 * installed distribution's metadata as JSON (the core metadata fields, PEP
 * 566's conversion), its metadata location, `direct_url.json`, installer and
 * whether it was requested, plus the marker environment.
 *
 * @module
 */

import type { DirectUrl } from "../dists/direct_url.ts";
import { redactDirectUrl } from "../dists/direct_url.ts";
import type { InstalledDist } from "../installer/site_packages.ts";
import { headerValues, metadataAsPipReadsIt } from "../installer/metadata_file.ts";
import { selectInstalled, type SelectOptions, type TargetEnvironment } from "./list.ts";

import type { InspectDocument, InspectedDistribution, JsonValue } from "./json_documents.ts";

export type { JsonValue };

/** The core metadata fields in the order of the JSON conversion, with whether they repeat. */
const METADATA_FIELDS: readonly (readonly [string, boolean])[] = [
  ["Metadata-Version", false],
  ["Name", false],
  ["Version", false],
  ["Dynamic", true],
  ["Platform", true],
  ["Supported-Platform", true],
  ["Summary", false],
  ["Description", false],
  ["Description-Content-Type", false],
  ["Keywords", false],
  ["Home-page", false],
  ["Download-URL", false],
  ["Author", false],
  ["Author-email", false],
  ["Maintainer", false],
  ["Maintainer-email", false],
  ["License", false],
  ["Classifier", true],
  ["Requires-Dist", true],
  ["Requires-Python", false],
  ["Requires-External", true],
  ["Project-URL", true],
  ["Provides-Extra", true],
  ["Provides-Dist", true],
  ["Obsoletes-Dist", true],
];

/**
 * A distribution's metadata as JSON, the way pip converts it: keys lowercased
 * with `_`, repeated fields as lists, `keywords` split, and the body as
 * `description`. Legacy egg-info requirements come from `requires.txt`.
 */
export function metadataToJson(
  dist: InstalledDist,
  options: { importlib: boolean },
): Record<string, JsonValue> {
  const message = metadataAsPipReadsIt(dist.message, options);
  const result: Record<string, JsonValue> = {};
  for (const [field, multiple] of METADATA_FIELDS) {
    let values = headerValues(message, field);
    if (field === "Requires-Dist" && values.length === 0) values = dist.requiresDist();
    if (field === "Provides-Extra" && values.length === 0) values = dist.providesExtra();
    if (values.length === 0) continue;
    const key = field.toLowerCase().replaceAll("-", "_");
    if (multiple) {
      result[key] = values;
    } else if (key === "keywords") {
      const value = values[0]!;
      result[key] = value.includes(",")
        ? value.split(",").map((v) => v.trim())
        : value.split(/\s+/).filter((v) => v !== "");
    } else {
      result[key] = values[0]!;
    }
  }
  if (dist.message.body !== "") result["description"] = dist.message.body;
  return result;
}

/** `direct_url.json` as pip's `DirectUrl.to_dict()` orders it, credentials redacted. */
export function directUrlToJson(directUrl: DirectUrl): Record<string, JsonValue> {
  const info = directUrl.info;
  const result: Record<string, JsonValue> = { url: redactDirectUrl(directUrl.url, info) };
  if (directUrl.subdirectory !== undefined) result["subdirectory"] = directUrl.subdirectory;
  switch (info.kind) {
    case "vcs": {
      const vcs: Record<string, JsonValue> = { vcs: info.vcs };
      if (info.requestedRevision !== undefined) vcs["requested_revision"] = info.requestedRevision;
      vcs["commit_id"] = info.commitId;
      result["vcs_info"] = vcs;
      break;
    }
    case "archive": {
      const archive: Record<string, JsonValue> = {};
      let hashes = info.hashes === undefined ? undefined : { ...info.hashes };
      if (info.hash !== undefined) {
        archive["hash"] = info.hash;
        const equals = info.hash.indexOf("=");
        if (equals >= 0) {
          hashes = { ...(hashes ?? {}), [info.hash.slice(0, equals)]: info.hash.slice(equals + 1) };
        }
      }
      if (hashes !== undefined) archive["hashes"] = hashes;
      result["archive_info"] = archive;
      break;
    }
    case "dir":
      result["dir_info"] = info.editable === true ? { editable: true } : {};
      break;
  }
  return result;
}

function fileUrl(path: string): string {
  return "file://" + path.split("/").map((part) => encodeURIComponent(part)).join("/");
}

/** One installed distribution in the report. */
export function inspectDist(
  dist: InstalledDist,
  options: { importlib: boolean },
): InspectedDistribution {
  const result: { -readonly [K in keyof InspectedDistribution]: InspectedDistribution[K] } = {
    metadata: metadataToJson(dist, options),
    // pip's pkg_resources backend (Python < 3.11) has no location for a distutils egg-info file.
    metadata_location: dist.kind === "egg-info-file" && !options.importlib ? null : dist.infoPath,
  };
  if (dist.directUrl !== undefined) {
    result.direct_url = directUrlToJson(dist.directUrl);
  } else if (dist.editableProjectLocation !== undefined) {
    result.direct_url = {
      url: fileUrl(dist.editableProjectLocation),
      dir_info: { editable: true },
    };
  }
  const installer = dist.installer;
  if (installer !== "") result.installer = installer;
  if (dist.kind === "dist-info") result.requested = dist.requested;
  return result;
}

/** Options of {@link inspectReport}. */
export interface InspectOptions extends Pick<SelectOptions, "paths" | "local" | "user" | "skip"> {
  /** The version string reported as `pip_version`. */
  readonly installerVersion: string;
  /** Read metadata as pip's `importlib.metadata` backend does (pip on Python 3.11+). */
  readonly importlib: boolean;
}

/**
 * The inspect report (format version 1).
 *
 * @example
 * ```ts
 * // inspectReport(readTargetDists(target).dists, target, { installerVersion: "0.1.0" }).version === "1"
 * ```
 */
export function inspectReport(
  dists: readonly InstalledDist[],
  target: TargetEnvironment,
  options: InspectOptions,
): InspectDocument {
  const selected = selectInstalled(dists, target, options);
  const { extra: _extra, ...environment } = target.markerEnvironment;
  return {
    version: "1",
    pip_version: options.installerVersion,
    installed: selected.map((dist) => inspectDist(dist, { importlib: options.importlib })),
    environment,
  };
}
