/**
 * Unpacking each wheel as soon as it is on disk, while the others download:
 * a cold install then unpacks during its downloads instead of after them
 * (jupyterlab's 91 wheels from a loopback mirror: the downloads took ~180 ms
 * during which the second core idled). Only verified files are handed here
 * (every hash is checked before a download completes), and they are unpacked
 * into the unpacked-wheel cache, never into the environment: the install
 * itself, holding the environment lock, takes the entries from here.
 *
 * @module
 */

import type { WheelManifest } from "./wheel.ts";
import type { UnpackedEntry } from "./wheel_cache.ts";
import { ExtractPool } from "./extract_pool.ts";
import { type LocalWheel, unpackWheelCached } from "./prepare.ts";

/** Where and how {@link UnpackAhead} unpacks. */
export interface UnpackAheadOptions {
  /** The `unpacked-v1` bucket. */
  readonly bucket: string;
  /**
   * The wheels coming, when known (their count and the sizes the index gives
   * decide the threads); else threads start once the wheels handed are worth them.
   */
  readonly coming?: readonly { readonly size?: number }[];
  /** The interpreter's compatible tags (a wheel is refused here as it would be later). */
  readonly compatibleTags?: ReadonlySet<string>;
  /** Whether the install will want `wheel` (default: every one). */
  readonly wanted?: (wheel: LocalWheel) => boolean;
}

/** The size assumed for a wheel the index gives none for (jupyterlab's 91 average 0.5 MB). */
const ASSUMED_SIZE = 512 * 1024;

interface Ahead {
  readonly entry: Promise<UnpackedEntry<WheelManifest>>;
  /** What unpacking warned, given again to whoever takes the entry. */
  readonly warnings: string[];
}

/** The run stopped before installing: what was queued is not unpacked. */
export class UnpackAbandonedError extends Error {
  constructor() {
    super("the install stopped before this wheel was unpacked");
    this.name = "UnpackAbandonedError";
  }
}

/**
 * Wheels unpacked ahead of the install, by sha256, on a pool of threads the
 * install shares ({@link UnpackAhead.pool}). `close()` when the run ends,
 * failed or not: it waits for what is being unpacked (the files are read
 * from a work directory the caller then removes).
 */
export class UnpackAhead {
  /** The threads unpacking; the install hands them what was not unpacked ahead. */
  readonly pool: ExtractPool;
  readonly #options: UnpackAheadOptions;
  readonly #ahead = new Map<string, Ahead>();
  /** The run stopped: a wheel not yet handed to the pool is not unpacked. */
  #stopped = false;

  constructor(options: UnpackAheadOptions) {
    this.#options = options;
    // A wheel whose size the index does not give (PEP 700) counts as a typical one; the pool
    // also starts its workers once the wheels handed to it are large enough.
    const { coming } = options;
    this.pool = new ExtractPool(
      coming === undefined ? {} : {
        totalBytes: coming.reduce((sum, wheel) => sum + (wheel.size ?? ASSUMED_SIZE), 0),
        jobs: coming.length,
      },
    );
    // This thread serves the downloads (reading, hashing, writing them) until they are done.
    this.pool.hereBusy = true;
  }

  /** The downloads are done: this thread unpacks too from now on. */
  fetched(): void {
    this.pool.hereBusy = false;
  }

  /** Starts unpacking `wheel`, a verified file (not one found unpacked already). */
  start(wheel: LocalWheel): void {
    if (wheel.origin === "unpacked" || this.#ahead.has(wheel.sha256)) return;
    if (this.#options.wanted?.(wheel) === false) return;
    const filename = wheel.path.split("/").at(-1)!;
    const warnings: string[] = [];
    const { compatibleTags } = this.#options;
    const entry = unpackWheelCached(
      this.#options.bucket,
      wheel.sha256,
      (tree, onWarning) =>
        this.#stopped ? Promise.reject(new UnpackAbandonedError()) : this.pool.extract({
          path: wheel.path,
          filename,
          dir: tree,
          ...(wheel.size === undefined ? {} : { size: wheel.size }),
          ...(compatibleTags === undefined ? {} : { compatibleTags }),
          onWarning,
        }),
      (message) => warnings.push(message),
    );
    entry.catch(() => {}); // its taker reports it, or nobody does (the run stopped)
    this.#ahead.set(wheel.sha256, { entry, warnings });
  }

  /**
   * The entry unpacked ahead for `sha256`, its warnings given to `onWarning`;
   * undefined when none was started.
   */
  take(
    sha256: string,
    onWarning: (message: string) => void,
  ): Promise<UnpackedEntry<WheelManifest>> | undefined {
    const ahead = this.#ahead.get(sha256);
    if (ahead === undefined) return undefined;
    return ahead.entry.then((entry) => {
      for (const message of ahead.warnings) onWarning(message);
      return entry;
    });
  }

  /**
   * Ends the run's unpacking: what no thread has started is dropped (the
   * install has taken what it needed, or stopped), what is in progress is
   * waited for, then the workers stop.
   */
  async close(): Promise<void> {
    this.#stopped = true;
    this.pool.discardQueued(new UnpackAbandonedError());
    await Promise.allSettled([...this.#ahead.values()].map((ahead) => ahead.entry));
    this.pool.close();
  }
}
