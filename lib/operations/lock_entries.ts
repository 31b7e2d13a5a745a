/**
 * The entries of a lock (PEP 751), as `pip lock` writes them: an index file
 * as `[[packages.wheels]]` or `[packages.sdist]` (name, upload time, URL
 * without credentials, size, sha256), and a direct reference — a wheel or
 * sdist, local or remote, as `[packages.archive]` (its URL and sha256), a
 * project directory as `[packages.directory]` (its path relative to the
 * lock's directory; `editable` for `-e`), a VCS URL as `[packages.vcs]` with
 * the commit checked out — and the same reference as `compile` writes it
 * (`name @ url`, the commit pinned).
 *
 * @module
 */

import { type DirectUrl, redactDirectUrl } from "../dists/direct_url.ts";
import { formatUtcMicros, parseIndexUploadTime } from "../dists/upload_time.ts";
import { DpipError } from "../errors.ts";
import type { PylockDistribution, PylockPackage } from "../lock/pylock.ts";
import { TomlDateTime } from "../lock/toml_writer.ts";
import { fileURLToPath, relative } from "../paths.ts";
import type { IndexSource } from "../resolver/default_provider.ts";
import { withoutFragment } from "./build_sources.ts";

/** A resolved distribution that cannot be written to a lock file. */
export class UnlockableError extends DpipError<"unlockable"> {
  /** `name==version` of the distribution. */
  readonly distribution: string;
  /** `distribution` is `name==version`; `why` says what is missing. */
  constructor(distribution: string, why: string) {
    super("unlockable", `Cannot lock ${distribution}: ${why}`, {
      hint: "use an index that gives sha256 hashes, or name a file whose hash can be checked",
    });
    this.name = "UnlockableError";
    this.distribution = distribution;
  }
}

function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1");
}

function lockHashes(hashes: Readonly<Record<string, string>>): Record<string, string> | undefined {
  if (hashes["sha256"] !== undefined) return { sha256: hashes["sha256"] };
  return Object.keys(hashes).length > 0 ? { ...hashes } : undefined;
}

function uploadTimeOf(text: string | undefined): TomlDateTime | undefined {
  try {
    const micros = parseIndexUploadTime(text);
    return micros === undefined ? undefined : new TomlDateTime(formatUtcMicros(micros));
  } catch {
    return undefined; // An index's unreadable upload time is left out of the lock.
  }
}

/**
 * An index file as a lock's `[[packages.wheels]]` or `[packages.sdist]`
 * entry (name, upload time, URL without credentials, size, sha256).
 *
 * @throws {UnlockableError} when the index gives no hash for it (`label` names the distribution).
 */
export function lockedFile(file: IndexSource["file"], label: string): PylockDistribution {
  const hashes = lockHashes(file.hashes);
  if (hashes === undefined) {
    throw new UnlockableError(label, `no hash is known for ${file.filename}`);
  }
  const uploadTime = uploadTimeOf(file.uploadTime);
  return {
    name: file.filename,
    ...(uploadTime === undefined ? {} : { uploadTime }),
    url: withoutCredentials(file.url.split("#")[0]!),
    ...(file.size === undefined ? {} : { size: file.size }),
    hashes,
  };
}

/** What is known of a direct reference once prepared: the wheel's sha256, and what a build records. */
export interface PreparedReference {
  /** The sha256 of the wheel (local, fetched or built). */
  readonly sha256: string;
  /** What `direct_url.json` records, for a source built or a wheel fetched. */
  readonly directUrl?: DirectUrl;
}

/** The PEP 751 table of a direct reference. */
export type ReferenceTable = Pick<PylockPackage, "archive" | "directory" | "vcs">;

const ARCHIVE_INFO = { kind: "archive" } as const;

/** The archive's hashes `direct_url.json` records (`hashes`, or the legacy `hash`). */
function archiveHashes(info: DirectUrl["info"]): Record<string, string> | undefined {
  if (info.kind !== "archive") return undefined;
  if (info.hashes?.["sha256"] !== undefined) return { sha256: info.hashes["sha256"] };
  if (info.hashes !== undefined && Object.keys(info.hashes).length > 0) return { ...info.hashes };
  const [algorithm, digest] = (info.hash ?? "").split("=", 2);
  return algorithm && digest ? { [algorithm]: digest } : undefined;
}

/**
 * The lock table of the reference `url` (as resolved: without a fragment
 * but `#subdirectory=`): `reference` says what preparing it found (none for
 * a remote wheel never fetched); paths are written relative to `lockDir`.
 *
 * @throws {UnlockableError} for an archive whose hash is unknown (`label` names it).
 */
export function referenceTable(
  url: string,
  reference: PreparedReference | undefined,
  options: { readonly lockDir: string; readonly label: string },
): ReferenceTable {
  const directUrl = reference?.directUrl;
  if (directUrl === undefined) {
    // A wheel named by path or file: URL, hashed when it was unpacked.
    if (reference === undefined) {
      throw new UnlockableError(options.label, `no hash is known for ${withoutFragment(url)}`);
    }
    return {
      archive: {
        url: redactDirectUrl(withoutFragment(url), ARCHIVE_INFO),
        hashes: { sha256: reference.sha256 },
      },
    };
  }
  const { info } = directUrl;
  const subdirectory = directUrl.subdirectory === undefined
    ? {}
    : { subdirectory: directUrl.subdirectory };
  switch (info.kind) {
    case "archive": {
      const hashes = archiveHashes(info);
      if (hashes === undefined) {
        throw new UnlockableError(options.label, `no hash is known for ${directUrl.url}`);
      }
      return { archive: { url: redactDirectUrl(directUrl.url, info), hashes, ...subdirectory } };
    }
    case "dir": {
      const path = relative(options.lockDir, fileURLToPath(directUrl.url)) || ".";
      return {
        directory: { path, ...(info.editable ? { editable: true } : {}), ...subdirectory },
      };
    }
    case "vcs":
      return {
        vcs: {
          type: info.vcs,
          url: redactDirectUrl(directUrl.url, info),
          ...(info.requestedRevision === undefined
            ? {}
            : { requestedRevision: info.requestedRevision }),
          commitId: info.commitId,
          ...subdirectory,
        },
      };
  }
}

/** A direct reference as a requirement line writes it (`compile`). */
export interface ReferenceLine {
  /** The URL after `name @` (a VCS commit pinned, `#subdirectory=` kept). */
  readonly url: string;
  /** `-e`: an editable project directory. */
  readonly editable: boolean;
  /** The archive's `sha256:…` (none for a directory or a checkout). */
  readonly hashes: readonly string[];
}

/** The requirement-line form of a direct reference (see {@link referenceTable}). */
export function referenceLine(
  url: string,
  reference: PreparedReference | undefined,
): ReferenceLine {
  const directUrl = reference?.directUrl;
  const plain = { url: withoutFragment(url), editable: false };
  if (directUrl === undefined) {
    return { ...plain, hashes: reference === undefined ? [] : [`sha256:${reference.sha256}`] };
  }
  const { info } = directUrl;
  const subdirectory = directUrl.subdirectory === undefined
    ? ""
    : `#subdirectory=${directUrl.subdirectory}`;
  const base = redactDirectUrl(directUrl.url, info);
  switch (info.kind) {
    case "archive": {
      const sha256 = archiveHashes(info)?.["sha256"];
      return {
        url: `${base}${subdirectory}`,
        editable: false,
        hashes: sha256 === undefined ? [] : [`sha256:${sha256}`],
      };
    }
    case "dir":
      return { url: `${base}${subdirectory}`, editable: info.editable === true, hashes: [] };
    case "vcs":
      return {
        url: `${info.vcs}+${base}@${info.commitId}${subdirectory}`,
        editable: false,
        hashes: [],
      };
  }
}
