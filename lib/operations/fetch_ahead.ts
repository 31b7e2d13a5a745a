/**
 * Fetching and unpacking wheels while the resolver is still at work: each
 * version the resolver decides on has its wheel downloaded (every hash the
 * index gives checked) and unpacked into the unpacked-wheel cache at once,
 * so that when the plan is made most of its wheels are ready. A cold install
 * of jupyterlab (91 wheels) otherwise waited for the whole resolution before
 * its first download, and its largest wheel, decided first, was unpacked
 * last. A version later given up (backtracking) costs a download and a cache
 * entry, nothing else (and only a project's first version tried is
 * fetched: a backtracking resolution does not download every version it
 * tries); only the plan's wheels are installed, from the environment lock.
 *
 * Not used where fetching early would be wrong or wasted: dry runs, reports
 * only, hash-checking mode (your hashes are checked when the plan is made),
 * `download`, `wheel` and `lock`.
 *
 * @module
 */

import type { LocalWheel, PrepareOptions, WheelRequest } from "../installer/prepare.ts";
import { prepareWheel } from "../installer/prepare.ts";
import { UnpackAhead } from "../installer/unpack_ahead.ts";
import { limiter } from "../limiter.ts";
import type { ResolverDecision } from "../resolver/mod.ts";
import type { IndexSource } from "../resolver/default_provider.ts";
import { withoutFragment } from "./build_sources.ts";

/** Downloads at once while resolving (the resolver's own requests share the connections). */
const CONCURRENCY = 8;

/** Where {@link FetchAhead} puts what it fetches. */
export interface FetchAheadOptions {
  readonly downloader: PrepareOptions["downloader"];
  /** A work directory for the downloaded files (removed by {@link FetchAhead.close}). */
  readonly dir: string;
  /** The `unpacked-v1` bucket (a wheel already unpacked there is not fetched). */
  readonly bucket: string;
  /** The interpreter's compatible tags. */
  readonly compatibleTags: ReadonlySet<string>;
}

/** A decision of the resolver, as {@link FetchAhead} reads it. */
export type Decision = Readonly<Omit<ResolverDecision<IndexSource>, "stats">>;

/**
 * Wheels fetched and unpacked as the resolver decides on them. The install
 * takes them through {@link FetchAhead.begun} and {@link FetchAhead.unpacked};
 * `close()` when the run ends, failed or not.
 */
export class FetchAhead {
  /** The wheels unpacked ahead, and the threads the install unpacks the rest on. */
  readonly unpacked: UnpackAhead;
  readonly #options: FetchAheadOptions;
  readonly #fetching = new Map<string, Promise<LocalWheel>>();
  readonly #slot = limiter(CONCURRENCY);
  readonly #stop = new AbortController();

  constructor(options: FetchAheadOptions) {
    this.#options = options;
    this.unpacked = new UnpackAhead({
      bucket: options.bucket,
      compatibleTags: options.compatibleTags,
    });
  }

  /**
   * The resolver decided on a version: its wheel (from an index, not yet
   * installed) is fetched, unless the resolver is backtracking over the
   * project (a second version tried: the install fetches the one chosen).
   */
  decided(decision: Decision): void {
    const source = decision.source;
    if (decision.extra !== undefined || source === undefined || this.#stop.signal.aborted) return;
    if (decision.tries > 1) return;
    if (source.kind !== "index" || source.format !== "wheel" || source.builtFrom !== undefined) {
      return;
    }
    const url = withoutFragment(source.file.url);
    if (this.#fetching.has(url)) return;
    const request: WheelRequest = {
      name: decision.name,
      version: decision.version,
      filename: source.file.filename,
      url,
      ...(source.file.size === undefined ? {} : { size: source.file.size }),
      hashes: source.file.hashes,
    };
    const { downloader, dir, bucket } = this.#options;
    const fetching = this.#slot(async () => {
      this.#stop.signal.throwIfAborted();
      await Deno.mkdir(dir, { recursive: true });
      return await prepareWheel(request, {
        downloader,
        dir,
        unpackedBucket: bucket,
        signal: this.#stop.signal,
      });
    });
    fetching.then((wheel) => this.unpacked.start(wheel), () => {}); // the install fetches it again
    this.#fetching.set(url, fetching);
  }

  /**
   * The fetch begun for `request`'s file, when the index's hashes are all it
   * checks (your `--hash` values make the install fetch and check it itself).
   */
  begun(request: WheelRequest): Promise<LocalWheel> | undefined {
    if (request.userHashes !== undefined && Object.keys(request.userHashes).length > 0) {
      return undefined;
    }
    return this.#fetching.get(request.url);
  }

  /**
   * Ends the run's early fetching: downloads still running stop, what the
   * install did not take is dropped, unpacking in progress is waited for,
   * and the downloaded files are removed.
   */
  async close(): Promise<void> {
    this.#stop.abort();
    await Promise.allSettled(this.#fetching.values());
    await this.unpacked.close();
    await Deno.remove(this.#options.dir, { recursive: true }).catch(() => {});
  }
}
