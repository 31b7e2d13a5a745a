/**
 * Core metadata of wheels, kept so that a warm resolution reads it here
 * instead of asking the index again.
 *
 * Nothing is kept on disk before its hash is verified, and each entry is
 * keyed by the hash that was verified:
 *
 * - `wheel`: METADATA read from a wheel whose bytes hashed to `sha256` (a
 *   download checked against the index's hash, or hashed as it arrived), at
 *   `<dir>/wheel/<aa>/<sha256>.metadata`;
 * - `core-metadata`: a PEP 658 `.metadata` file whose own bytes hashed to
 *   `sha256`, at `<dir>/core/<aa>/<sha256>.metadata`. These are
 *   content-addressed: a read checks the bytes against the name again, so a
 *   file edited in the cache is a miss, not a lie;
 * - `unverified`: METADATA read with range requests into a wheel, which
 *   cannot be checked against the wheel's hash without the whole wheel. It is
 *   kept in memory for this run only, by the URL it was read from, so a bad
 *   file served once cannot outlive the run (or reach another index's file
 *   with the same listed hash). Once the wheel is downloaded and verified,
 *   its metadata is kept on disk under the wheel's hash.
 *
 * @module
 */

import { join } from "../paths.ts";
import { sha256Hex } from "../net/hashes.ts";

const SHA256 = /^[0-9a-f]{64}$/;

/** The largest METADATA read back from disk (a bigger file is not one dpip wrote). */
const MAX_STORED_BYTES = 64 * 1024 * 1024;

/** What a piece of metadata was verified against, which is what it is kept by. */
export type MetadataKey =
  /** Read from a wheel whose sha256 was verified. */
  | { readonly kind: "wheel"; readonly sha256: string }
  /** A PEP 658 file whose own sha256 was verified. */
  | { readonly kind: "core-metadata"; readonly sha256: string }
  /** Not verified (range requests into a wheel): memory only, for this run. */
  | { readonly kind: "unverified"; readonly url: string };

/**
 * The metadata cache of one run: a directory for verified entries (see the
 * module doc) and memory for unverified ones. Reads and writes never throw: a
 * cache that cannot be used only costs speed.
 *
 * @example
 * ```ts ignore
 * const cache = new MetadataCache(bucketDir(root, CacheBucket.metadata));
 * await cache.put({ kind: "wheel", sha256 }, bytes);
 * await cache.get({ kind: "wheel", sha256 }); // bytes
 * ```
 */
export class MetadataCache {
  readonly #dir: string;
  readonly #unverified = new Map<string, Uint8Array>();
  /** Paths of the verified entries this run has read or written. */
  readonly #present = new Set<string>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  #path(key: MetadataKey & { sha256: string }): string | undefined {
    const sha256 = key.sha256.toLowerCase();
    if (!SHA256.test(sha256)) return undefined;
    const area = key.kind === "wheel" ? "wheel" : "core";
    return join(this.#dir, area, sha256.slice(0, 2), `${sha256}.metadata`);
  }

  /** The metadata kept under `key`, if any. */
  async get(key: MetadataKey): Promise<Uint8Array | undefined> {
    switch (key.kind) {
      case "unverified":
        return this.#unverified.get(key.url);
      case "wheel":
      case "core-metadata": {
        const path = this.#path(key);
        if (path === undefined) return undefined;
        const bytes = await readBounded(path);
        if (bytes === undefined) return undefined;
        if (key.kind === "core-metadata" && await sha256Hex(bytes) !== key.sha256.toLowerCase()) {
          return undefined;
        }
        this.#present.add(path);
        return bytes;
      }
    }
  }

  /**
   * Whether metadata is kept under `key`: without reading it again when this
   * run has read or written it already.
   */
  async has(key: MetadataKey): Promise<boolean> {
    if (key.kind !== "unverified") {
      const path = this.#path(key);
      if (path !== undefined && this.#present.has(path)) return true;
    }
    return await this.get(key) !== undefined;
  }

  /**
   * Keeps `bytes` under `key`: on disk (written atomically) for verified
   * keys, in memory for unverified ones. A `core-metadata` entry whose bytes
   * do not hash to its key is not kept.
   */
  async put(key: MetadataKey, bytes: Uint8Array): Promise<void> {
    if (key.kind === "unverified") {
      this.#unverified.set(key.url, bytes);
      return;
    }
    const path = this.#path(key);
    if (path === undefined) return;
    if (key.kind === "core-metadata" && await sha256Hex(bytes) !== key.sha256.toLowerCase()) {
      return;
    }
    const temporary = `${path}.${crypto.randomUUID().slice(0, 12)}.tmp`;
    try {
      await Deno.mkdir(join(path, ".."), { recursive: true });
      await Deno.writeFile(temporary, bytes);
      await Deno.rename(temporary, path);
      this.#present.add(path);
    } catch {
      await Deno.remove(temporary).catch(() => {});
    }
  }
}

/**
 * The file's bytes, or undefined when it is missing, unreadable or too big to
 * be an entry: its size is checked first, then it is read in one operation
 * (where a bounded read loop takes four), and a file that changed size in
 * between is not used.
 */
async function readBounded(path: string): Promise<Uint8Array | undefined> {
  try {
    const size = (await Deno.stat(path)).size;
    if (size > MAX_STORED_BYTES) return undefined;
    const bytes = await Deno.readFile(path);
    return bytes.length === size ? bytes : undefined;
  } catch {
    return undefined;
  }
}
