/**
 * The sources a run reads packages from, in order: `--find-links` sources,
 * then `--index-url` (default PyPI), then each `--extra-index-url`;
 * `--no-index` drops the indexes. Index URLs may be `file://` URLs or local
 * paths of a directory laid out like a simple index.
 *
 * With pip's default strategy (`unsafe-merge`) the files of every index are
 * merged; with `first-index` only the first index that knows the project is
 * used (find-links still apply), which stops an extra index from shadowing a
 * private project (dependency confusion).
 *
 * Plain-HTTP sources are used only for localhost, loopback addresses and
 * `--trusted-host` hosts; others are skipped with pip's warning.
 *
 * A source that cannot be read (unreachable, a TLS failure, an error status
 * after the client's retries) is skipped with a warning naming it, as pip
 * does, and the others are used: the warning is given once per source, and
 * the HTTP client fails later requests to an unreachable origin at once.
 * When no source could be read for a project, that is an error saying so
 * (the source's own, or {@link SourcesUnreachableError} naming them all), not
 * "no such project". Under
 * `first-index` an index that cannot be read is an error: skipping it could
 * take a private project's name from the next index.
 *
 * @module
 */

import { DpipError, isDpipError } from "../errors.ts";
import { redactText, redactUrl } from "../net/auth.ts";
import type { HttpClient } from "../net/http_client.ts";
import { canonicalizeName } from "../names/mod.ts";
import { type FindLinksListing, readFindLinks } from "./find_links.ts";
import { indexSources, type SourceOptions } from "./index_sources.ts";
import {
  fetchProjectPage,
  type ProjectFile,
  type ProjectPage,
  type ProjectStatus,
} from "./simple_api.ts";

/** How several indexes combine. */
export type IndexStrategy = "unsafe-merge" | "first-index";

/** Options for {@link IndexSet}. */
export interface IndexSetOptions extends SourceOptions {
  readonly strategy?: IndexStrategy;
  /**
   * Told about each source that could not be read, once per source, when it
   * happens (as pip logs it); without it those warnings go into the
   * listing's `warnings`.
   */
  readonly onWarning?: (message: string) => void;
}

/** No source could be read for a project: every index and find-links source failed. */
export class SourcesUnreachableError extends DpipError<"indexes-unreachable"> {
  readonly project: string;
  constructor(project: string, failures: readonly { source: string; error: DpipError }[]) {
    const each = failures.map(({ source, error }) => `${source} (${redactText(error.message)})`);
    super(
      "indexes-unreachable",
      `No package source could be read for ${project}: ${each.join("; ")}`,
      {
        hint: failures.find((failure) => failure.error.hint !== undefined)?.error.hint ??
          "check the index URLs and your network; --index-url, --extra-index-url and --find-links name the sources",
      },
    );
    this.name = "SourcesUnreachableError";
    this.project = project;
  }
}

/** The files of one project across all sources. */
export interface ProjectListing {
  /** The normalized project name. */
  readonly project: string;
  /** Every file, find-links first, then indexes in order. */
  readonly files: ProjectFile[];
  /** The (redacted) indexes that have a page for the project. */
  readonly foundOn: string[];
  /** PEP 700 `versions` merged from the pages that give them. */
  readonly versions?: string[];
  /** PEP 792 statuses the pages give, with the (redacted) index that gave each. */
  readonly statuses?: (ProjectStatus & { readonly index: string })[];
  /** Problems that did not stop the listing (skipped sources, odd pages). */
  readonly warnings: string[];
}

/**
 * The package sources of a run. Find-links sources are read once; project
 * pages are fetched on demand (all indexes in parallel under `unsafe-merge`).
 *
 * @example
 * ```ts ignore
 * const indexes = new IndexSet(client, { indexUrl: server.url, cwd: "/", env: {} });
 * const listing = await indexes.projectFiles("Demo");
 * listing.files.map((f) => f.filename);
 * ```
 */
export class IndexSet {
  readonly #client: HttpClient;
  readonly #indexUrls: readonly string[];
  readonly #findLinks: readonly string[];
  readonly #strategy: IndexStrategy;
  readonly #skippedWarnings: readonly string[];
  readonly #onWarning: ((message: string) => void) | undefined;
  /** Sources already warned about. */
  readonly #warned = new Set<string>();
  readonly #statuses = new Map<string, (ProjectStatus & { readonly index: string })[]>();
  #findLinksListings?: Promise<FindLinksListing[]>;

  constructor(client: HttpClient, options: IndexSetOptions) {
    this.#client = client;
    this.#onWarning = options.onWarning;
    this.#strategy = options.strategy ?? "unsafe-merge";
    const sources = indexSources(options);
    this.#indexUrls = sources.indexUrls;
    this.#findLinks = sources.findLinks;
    this.#skippedWarnings = sources.warnings;
  }

  /** The index URLs in use (redacted), in order. */
  get indexUrls(): string[] {
    return this.#indexUrls.map(redactUrl);
  }

  /** The find-links sources in use (redacted), in order. */
  get findLinks(): string[] {
    return this.#findLinks.map(redactUrl);
  }

  /** Whether there is any source at all. */
  get isEmpty(): boolean {
    return this.#indexUrls.length === 0 && this.#findLinks.length === 0;
  }

  /** Warnings about sources that were dropped (insecure, invalid). */
  get sourceWarnings(): readonly string[] {
    return this.#skippedWarnings;
  }

  #readFindLinks(): Promise<FindLinksListing[]> {
    this.#findLinksListings ??= Promise.all(
      this.#findLinks.map((url) => readFindLinks(this.#client, url)),
    );
    return this.#findLinksListings;
  }

  /**
   * A warning about a source (not about one project): given to `onWarning`
   * the first time, else kept for the listing; nothing the next times.
   */
  #warnOnce(key: string, message: string, warnings: string[]): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    if (this.#onWarning === undefined) warnings.push(message);
    else this.#onWarning(message);
  }

  /** The PEP 792 statuses the indexes gave for `project` when it was last listed. */
  projectStatuses(project: string): readonly (ProjectStatus & { readonly index: string })[] {
    return this.#statuses.get(canonicalizeName(project)) ?? [];
  }

  /** Every file of `project` across the sources (see the module doc for the order). */
  async projectFiles(project: string): Promise<ProjectListing> {
    const name = canonicalizeName(project);
    const warnings: string[] = [];
    const files: ProjectFile[] = [];
    const foundOn: string[] = [];
    const versions = new Set<string>();
    const statuses: (ProjectStatus & { readonly index: string })[] = [];
    const failures: { source: string; error: DpipError }[] = [];
    let anyVersions = false;
    const findLinks = await this.#readFindLinks();
    for (const listing of findLinks) {
      if (listing.error !== undefined) {
        failures.push({ source: `find-links source ${listing.source}`, error: listing.error });
      }
      for (const file of listing.files) files.push(file);
      for (const warning of listing.warnings) this.#warnOnce(warning, warning, warnings);
    }
    const addPage = (index: string, page: ProjectPage | undefined) => {
      if (page === undefined) return false;
      foundOn.push(redactUrl(index));
      if (page.status !== undefined) statuses.push({ ...page.status, index: redactUrl(index) });
      for (const file of page.files) files.push(file);
      for (const warning of page.warnings) warnings.push(warning);
      if (page.versions !== undefined) {
        anyVersions = true;
        for (const v of page.versions) versions.add(v);
      }
      return true;
    };
    if (this.#strategy === "first-index") {
      for (const index of this.#indexUrls) {
        if (addPage(index, await fetchProjectPage(this.#client, index, name))) break;
      }
    } else {
      const pages = await Promise.all(
        this.#indexUrls.map((index) =>
          fetchProjectPage(this.#client, index, name).then(
            (page) => ({ page }),
            (error: unknown) => {
              if (!isDpipError(error, "network-error", "http-status")) throw error;
              return { error };
            },
          )
        ),
      );
      pages.forEach((outcome, i) => {
        const index = this.#indexUrls[i] ?? "";
        if ("error" in outcome) {
          failures.push({ source: `index ${redactUrl(index)}`, error: outcome.error });
        } else {
          addPage(index, outcome.page);
        }
      });
    }
    const sources = this.#indexUrls.length + this.#findLinks.length;
    if (sources > 0 && failures.length === sources) {
      // One source: its own error says it all.
      if (failures.length === 1) throw failures[0]!.error;
      throw new SourcesUnreachableError(name, failures);
    }
    for (const { source, error } of failures) {
      this.#warnOnce(source, `Skipping ${source}: ${redactText(error.message)}`, warnings);
    }
    if (statuses.length > 0) this.#statuses.set(name, statuses);
    return {
      project: name,
      files,
      foundOn,
      ...(anyVersions ? { versions: [...versions] } : {}),
      ...(statuses.length > 0 ? { statuses } : {}),
      warnings,
    };
  }
}
