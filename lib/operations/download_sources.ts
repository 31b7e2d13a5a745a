/**
 * The sources `download` prepares rather than fetches, as pip 23.2.1 does:
 * a VCS requirement is checked out (an editable one from a requirements
 * file in `--src`), its metadata prepared, and the checkout saved as
 * `<name>-<version>.zip` (`source_zip.ts`); an editable project directory is
 * saved the same way; any other project directory has its metadata prepared
 * but nothing saved (pip copies no directory). Source archives are fetched
 * as files (`download_files.ts`), not here.
 *
 * @module
 */

import { parseCoreMetadata } from "../dists/core_metadata.ts";
import { redactUrl } from "../net/auth.ts";
import type { PreparedSource } from "./build_dispatch.ts";
import type { DownloadedFile } from "./download_files.ts";
import type { ReferencedSource } from "./download_roots.ts";
import { saveSourceZip, type SourceZipOptions } from "./source_zip.ts";
import { withoutFragment } from "./build_sources.ts";

/** A project directory prepared for its metadata and not saved. */
export interface PreparedDirectory {
  /** The requirement as written. */
  readonly requirement: string;
  /** The normalized project name. */
  readonly name: string;
  readonly version: string;
  /** The directory. */
  readonly path: string;
}

/** What preparing the sources gave: the archives saved, the directories prepared. */
export interface SourceDownloads {
  readonly files: DownloadedFile[];
  readonly directories: PreparedDirectory[];
}

/** Prepares one source: its metadata and the directory it was prepared in. */
export type PrepareSource = (source: ReferencedSource) => Promise<PreparedSource>;

/**
 * Prepares each VCS requirement and project directory among `sources`, in
 * order, saving the archive of each VCS checkout and editable directory
 * into `options.dest`.
 *
 * @throws {SourceZipError} when an archive cannot be saved.
 */
export async function saveSources(
  sources: readonly ReferencedSource[],
  prepare: PrepareSource,
  options: SourceZipOptions,
): Promise<SourceDownloads> {
  const downloads: SourceDownloads = { files: [], directories: [] };
  for (const source of sources) {
    const isDirectory = source.kind === "path" && source.pathKind === "directory";
    if (source.kind !== "vcs" && !isDirectory) continue;
    const prepared = await prepare(source);
    if (source.kind === "path" && !source.editable) {
      downloads.directories.push({
        requirement: source.text,
        name: prepared.name,
        version: prepared.version,
        path: source.path,
      });
      continue;
    }
    // pip names the archive as the requirement does, else as the metadata does.
    const name = source.requirement?.name ?? parseCoreMetadata(prepared.metadata).name ??
      prepared.name;
    const saved = await saveSourceZip(
      { projectDir: prepared.projectDir, name, version: prepared.version },
      options,
    );
    downloads.files.push({
      requirement: source.text,
      name: prepared.name,
      version: prepared.version,
      filename: saved.filename,
      path: saved.path,
      size: saved.size,
      url: redactUrl(withoutFragment(source.url)),
      origin: saved.kept ? "present" : "archived",
      sha256: saved.sha256,
    });
  }
  return downloads;
}
