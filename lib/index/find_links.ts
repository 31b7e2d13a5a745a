/**
 * `--find-links` sources: a local directory (every file in it), a local HTML
 * file (its links), a remote page (its links), or a URL of one archive.
 * Each source is read once per run and serves every project; the candidate
 * selector keeps the files of the project asked for.
 *
 * @module
 */

import { redactUrl } from "../net/auth.ts";
import type { HttpClient } from "../net/http_client.ts";
import { HttpStatusError } from "../net/http_client.ts";
import { type DpipError, isDpipError } from "../errors.ts";
import { SDIST_EXTENSIONS } from "../dists/sdist_filename.ts";
import { filenameOfUrl, parseProjectPage, type ProjectFile } from "./simple_api.ts";

/** The files a find-links source offers, with problems that did not stop it. */
export interface FindLinksListing {
  /** The source as given, redacted. */
  readonly source: string;
  readonly files: ProjectFile[];
  readonly warnings: string[];
  /** Why a remote page could not be read (unreachable, TLS, an error status). */
  readonly error?: DpipError;
}

function isArchiveName(filename: string): boolean {
  const lower = filename.toLowerCase();
  return lower.endsWith(".whl") || SDIST_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

function bareFile(url: URL): ProjectFile {
  return {
    filename: filenameOfUrl(url),
    url: url.href,
    hashes: {},
    yanked: false,
    coreMetadata: false,
  };
}

/**
 * Reads one find-links source at `url` (see `findLinksUrl` in `index_sources.ts`). A missing
 * local path gives no files and a warning, as pip does; a page that cannot
 * be read or understood gives no files and the `error` (the index set warns
 * and goes on).
 */
export async function readFindLinks(client: HttpClient, url: string): Promise<FindLinksListing> {
  const source = redactUrl(url);
  const parsed = new URL(url);
  if (parsed.protocol === "file:") {
    const path = decodeURIComponent(parsed.pathname);
    let stat: Deno.FileInfo;
    try {
      stat = await Deno.stat(path);
    } catch {
      return {
        source,
        files: [],
        warnings: [`Location '${source}' is ignored: it does not exist.`],
      };
    }
    if (stat.isDirectory) {
      const names: string[] = [];
      for await (const entry of Deno.readDir(path)) {
        if (entry.isFile || entry.isSymlink) names.push(entry.name);
      }
      names.sort().reverse();
      const base = parsed.href.endsWith("/") ? parsed : new URL(parsed.href + "/");
      return {
        source,
        files: names.map((name) => bareFile(new URL(encodeURIComponent(name), base))),
        warnings: [],
      };
    }
    if (isArchiveName(filenameOfUrl(parsed))) {
      return { source, files: [bareFile(parsed)], warnings: [] };
    }
  } else if (isArchiveName(filenameOfUrl(parsed))) {
    return { source, files: [bareFile(parsed)], warnings: [] };
  }
  try {
    const response = await client.get(url, { accept: "text/html" });
    if (response.status !== 200) {
      throw new HttpStatusError(url, response.status, { attempts: 1 });
    }
    const page = parseProjectPage(response.body, {
      url: response.url,
      contentType: response.contentType.startsWith("application/vnd.pypi.simple.v1+json")
        ? response.contentType
        : "text/html",
    });
    return { source, files: page.files, warnings: page.warnings };
  } catch (error) {
    if (!isDpipError(error)) throw error;
    return { source, files: [], warnings: [], error };
  }
}
