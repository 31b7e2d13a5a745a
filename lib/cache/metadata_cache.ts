/**
 * Core metadata of wheels kept on disk by the wheel's sha256: a wheel's
 * METADATA never changes, so a warm resolution reads it here instead of
 * asking the index again (PEP 658 files, or range requests into the wheel).
 *
 * @module
 */

import { join } from "../paths.ts";

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * A directory of METADATA files named by the sha256 of their wheel
 * (`<dir>/<aa>/<sha256>.metadata`). Reads and writes never throw: a cache
 * that cannot be used only costs speed.
 *
 * @example
 * ```ts ignore
 * const cache = new MetadataCache(bucketDir(root, CacheBucket.metadata));
 * await cache.put(sha256, text);
 * await cache.get(sha256); // text
 * ```
 */
export class MetadataCache {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  #path(sha256: string): string | undefined {
    const key = sha256.toLowerCase();
    return SHA256.test(key) ? join(this.#dir, key.slice(0, 2), `${key}.metadata`) : undefined;
  }

  /** The METADATA of the wheel with this sha256, if kept. */
  async get(sha256: string): Promise<string | undefined> {
    const path = this.#path(sha256);
    if (path === undefined) return undefined;
    try {
      return await Deno.readTextFile(path);
    } catch {
      return undefined;
    }
  }

  /** Keeps the METADATA of the wheel with this sha256 (written atomically). */
  async put(sha256: string, text: string): Promise<void> {
    const path = this.#path(sha256);
    if (path === undefined) return;
    const temporary = `${path}.${crypto.randomUUID().slice(0, 12)}.tmp`;
    try {
      await Deno.mkdir(join(path, ".."), { recursive: true });
      await Deno.writeTextFile(temporary, text);
      await Deno.rename(temporary, path);
    } catch {
      await Deno.remove(temporary).catch(() => {});
    }
  }
}
