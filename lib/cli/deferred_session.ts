/**
 * The index session of a command that may ask no index anything: `install`
 * when everything is already satisfied reads only what is installed, and
 * should not pay for loading the HTTP client, the index pages' parser and
 * the HTTP cache (~20 modules) nor for opening them. What it says about the
 * sources before anything else (the warnings about those dropped, pip's
 * "Looking in indexes") comes from the options alone; the session opens,
 * and its modules load, when the pipeline first uses one of its services.
 * An error opening it (a `--cert` file that cannot be read) then comes at
 * that first use, as pip's comes with its first request.
 *
 * @module
 */

import { indexSources } from "../index/index_sources.ts";
import { redactText, redactUrl } from "../net/auth.ts";
import { bodyLimitsFromEnv } from "../net/body_limits.ts";
import type { InstallServices } from "../operations/install.ts";
import type { CandidatePolicy, TagRanking } from "../resolver/candidate_selector.ts";
import { lazyProvider } from "../resolver/lazy_provider.ts";
import type { CommandContext } from "./context.ts";
import { type ExtraIndexOptions, sourceOptionsOf } from "./index_options.ts";
import type { IndexSession } from "./index_session.ts";

/**
 * An index session opened on first use (see the module docs).
 *
 * @example
 * ```ts ignore
 * const session = new DeferredIndexSession(context, extra, signal);
 * lookingInLines(session.indexes, noIndex); // nothing opened yet
 * const services = session.services({ tags, policy }); // opens on first use
 * await session.close();
 * ```
 */
export class DeferredIndexSession {
  /** The sources in use (redacted), as the opened session's `indexes` gives them. */
  readonly indexes: {
    readonly indexUrls: readonly string[];
    readonly findLinks: readonly string[];
  };
  readonly #context: CommandContext;
  readonly #extra: ExtraIndexOptions;
  readonly #signal: AbortSignal | undefined;
  #opening: Promise<IndexSession> | undefined;
  #session: IndexSession | undefined;

  /**
   * Reads the sources from the options (plus what requirements files add)
   * and warns on stderr about those dropped, as `openIndexSession` does;
   * opens nothing. `signal` as for `openIndexSession`.
   */
  constructor(context: CommandContext, extra: ExtraIndexOptions = {}, signal?: AbortSignal) {
    const sources = indexSources(sourceOptionsOf(context, extra));
    for (const warning of sources.warnings) {
      context.io.stderr.write(`WARNING: ${redactText(warning)}\n`);
    }
    this.indexes = {
      indexUrls: sources.indexUrls.map(redactUrl),
      findLinks: sources.findLinks.map(redactUrl),
    };
    this.#context = context;
    this.#extra = extra;
    this.#signal = signal;
  }

  /** The session, opened (its modules loaded) on the first call. */
  open(): Promise<IndexSession> {
    return this.#opening ??= import("./index_session.ts")
      .then(({ indexSessionOf }) => indexSessionOf(this.#context, this.#extra, this.#signal))
      .then((session) => this.#session = session);
  }

  /** Closes the session's HTTP client, if the session was opened. */
  async close(): Promise<void> {
    const session = await this.#opening?.catch(() => undefined);
    session?.client.close();
  }

  /**
   * `installServices` over the session, which the first service used opens:
   * the provider, the session's client as downloader and metadata client,
   * the metadata cache, and the statuses of the project pages read (none
   * before it opens).
   */
  services(
    options: { tags: TagRanking; policy: CandidatePolicy; cacheRoot?: string },
  ): InstallServices {
    let opened: Promise<InstallServices> | undefined;
    const services = () =>
      opened ??= Promise.all([this.open(), import("./index_session.ts")]).then((
        [session, { installServices }],
      ) => installServices(session, options));
    const client = async () => (await this.open()).client;
    const store = async () => (await this.open()).metadataStore;
    return {
      provider: lazyProvider(async () => (await services()).provider),
      metadataClient: {
        get: async (url, request) => await (await client()).get(url, request),
        getRange: async (url, range, request) =>
          await (await client()).getRange(url, range, request),
        download: async (url, dest, request) => await (await client()).download(url, dest, request),
        // The client's own limits, read from the environment as it reads them.
        limits: bodyLimitsFromEnv(this.#context.io.env),
      },
      // The session has a metadata cache exactly when there is a cache root.
      ...(options.cacheRoot === undefined ? {} : {
        metadataStore: {
          get: async (key) => await (await store())?.get(key),
          put: async (key, bytes) => await (await store())?.put(key, bytes),
          has: async (key) => (await (await store())?.has(key)) ?? false,
        },
        cacheRoot: options.cacheRoot,
      }),
      downloader: {
        download: async (url, dest, request) => await (await client()).download(url, dest, request),
      },
      projectStatuses: (project) => this.#session?.indexes.projectStatuses(project) ?? [],
    };
  }
}
