/**
 * pip's installation report (`install --report FILE`, format version 1):
 * what would be (or was) installed, each with its core metadata as JSON (PEP
 * 566's conversion, as `inspect` does it), where it came from
 * (`download_info`, PEP 610's shape), whether it was a direct reference,
 * yanked or requested, plus the target's marker environment.
 *
 * @module
 */

import { redactDirectUrl } from "../dists/direct_url.ts";
import { InstalledDist } from "../installer/site_packages.ts";
import { parseEmailMessage, universalNewlines } from "../installer/metadata_file.ts";
import { canonicalizeName } from "../names/mod.ts";
import type { MarkerEnvironment } from "../pep508/mod.ts";
import { DPIP_VERSION } from "../version.ts";
import { type JsonValue, metadataToJson } from "./inspect.ts";

/** One distribution of the report. */
export interface ReportItem {
  /** The wheel's `METADATA` text. */
  readonly metadata: string;
  /** Where the archive is (without a fragment). */
  readonly url: string;
  /** Known hashes of the archive, by algorithm (hex). */
  readonly hashes: Readonly<Record<string, string>>;
  /** The user named it by URL or path. */
  readonly isDirect: boolean;
  readonly isYanked: boolean;
  /** The user named it. */
  readonly requested: boolean;
  /** The extras the user asked for, as written. */
  readonly requestedExtras?: readonly string[];
}

/** Options for {@link formatInstallReport}. */
export interface InstallReportOptions {
  readonly environment: MarkerEnvironment;
  /** Read metadata as pip's `importlib.metadata` backend does (Python 3.11+). */
  readonly importlib: boolean;
}

const ENVIRONMENT_KEYS: readonly (keyof MarkerEnvironment)[] = [
  "implementation_name",
  "implementation_version",
  "os_name",
  "platform_machine",
  "platform_release",
  "platform_system",
  "platform_version",
  "python_full_version",
  "platform_python_implementation",
  "python_version",
  "sys_platform",
];

/** A `METADATA` text as JSON, the way pip's report converts it. */
export function coreMetadataToJson(
  text: string,
  options: { importlib: boolean },
): Record<string, JsonValue> {
  const message = parseEmailMessage(universalNewlines(text));
  const name = message.headers.find(([key]) => key.toLowerCase() === "name")?.[1] ?? "";
  const version = message.headers.find(([key]) => key.toLowerCase() === "version")?.[1] ?? "";
  const dist = new InstalledDist({
    name: canonicalizeName(name),
    rawName: name,
    version,
    kind: "dist-info",
    location: "",
    installedLocation: "",
    infoPath: "",
    infoFiles: new Set(),
    message,
  });
  return metadataToJson(dist, options);
}

function downloadInfo(item: ReportItem): Record<string, JsonValue> {
  const archive: Record<string, JsonValue> = {};
  const hashes = Object.entries(item.hashes);
  const first = item.hashes["sha256"] === undefined ? hashes[0] : ["sha256", item.hashes["sha256"]];
  if (first !== undefined) {
    archive["hash"] = `${first[0]}=${first[1]}`;
    archive["hashes"] = Object.fromEntries(hashes);
  }
  // As pip's report: credentials left out (PEP 610's `${VAR}` placeholders kept).
  return { url: redactDirectUrl(item.url, { kind: "archive" }), archive_info: archive };
}

/**
 * The report as a JSON value (keys in pip's order), items sorted by name.
 *
 * @example
 * ```ts ignore
 * const report = formatInstallReport(items, { environment, importlib: true });
 * JSON.stringify(report, null, 2);
 * ```
 */
export function formatInstallReport(
  items: readonly ReportItem[],
  options: InstallReportOptions,
): Record<string, JsonValue> {
  const install = items.map((item) => {
    const metadata = coreMetadataToJson(item.metadata, options);
    const entry: Record<string, JsonValue> = {
      download_info: downloadInfo(item),
      is_direct: item.isDirect,
      is_yanked: item.isYanked,
      requested: item.requested,
    };
    if (item.requested && (item.requestedExtras?.length ?? 0) > 0) {
      entry["requested_extras"] = [...item.requestedExtras!].sort();
    }
    entry["metadata"] = metadata;
    return { key: canonicalizeName(String(metadata["name"] ?? "")), entry };
  });
  install.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const environment: Record<string, JsonValue> = {};
  for (const key of ENVIRONMENT_KEYS) environment[key] = options.environment[key];
  return {
    version: "1",
    pip_version: `dpip ${DPIP_VERSION}`,
    install: install.map((item) => item.entry),
    environment,
  };
}
