/**
 * An on-disk HTTP cache (the `http-v1` bucket) honouring `Cache-Control`,
 * `ETag` and `Last-Modified`.
 *
 * Each entry is two files named by the sha256 of the request key (the URL
 * without credentials or fragment, plus the `Accept` header, since index
 * pages vary by it): `<key>.json` (status, the headers that matter, when it
 * was stored, the body's sha256) and `<key>.body`. Both are written to a
 * temporary name and renamed, so readers never see half an entry; a body that
 * fails to commit is deleted.
 *
 * Freshness follows RFC 9111 in the small: `no-store` is never stored,
 * `no-cache` always revalidates, `max-age` gives the fresh lifetime, and
 * anything else is stale and revalidated with `If-None-Match` /
 * `If-Modified-Since` when it has a validator.
 *
 * @module
 */

import { dirname, join } from "../paths.ts";
import { sha256Hex } from "./hashes.ts";

/** The largest entry record (`<key>.json`) read back. */
const MAX_RECORD_BYTES = 64 * 1024;

/** The response headers an entry keeps. */
const KEPT_HEADERS = ["cache-control", "content-type", "etag", "last-modified", "date", "vary"];

/** The metadata of one cached response. */
export interface CacheEntry {
  /** The URL asked for (the cache key with `Accept`), without credentials. */
  readonly requestUrl: string;
  /** The URL the body came from after redirects, without credentials. */
  readonly url: string;
  readonly status: number;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** When the entry was stored or last revalidated, in ms since the epoch. */
  readonly storedAt: number;
  /** The body's sha256, lowercase hex. */
  readonly sha256: string;
  readonly size: number;
  /** Where the body is on disk. */
  readonly bodyPath: string;
}

/** A body being written into the cache; {@link PendingBody.commit} or {@link PendingBody.abort} it. */
export interface PendingBody {
  /** The temporary file to write the body to. */
  readonly path: string;
  /** Moves the body into place and writes its metadata. */
  commit(meta: Omit<CacheEntry, "bodyPath" | "storedAt" | "requestUrl">): Promise<CacheEntry>;
  /** Deletes the temporary file. */
  abort(): Promise<void>;
}

/** Parsed `Cache-Control` directives that matter here. */
export interface CacheControl {
  readonly noStore: boolean;
  readonly noCache: boolean;
  readonly maxAge?: number;
  readonly immutable: boolean;
}

/**
 * Parses a `Cache-Control` header.
 *
 * @example
 * ```ts
 * import { parseCacheControl } from "./http_cache.ts";
 * parseCacheControl("max-age=600, public"); // { noStore: false, noCache: false, maxAge: 600, immutable: false }
 * ```
 */
export function parseCacheControl(header: string | undefined): CacheControl {
  let noStore = false;
  let noCache = false;
  let immutable = false;
  let maxAge: number | undefined;
  for (const part of (header ?? "").split(",")) {
    const [rawName = "", rawValue] = part.split("=", 2);
    const name = rawName.trim().toLowerCase();
    const value = rawValue?.trim().replace(/^"|"$/g, "");
    if (name === "no-store") noStore = true;
    else if (name === "no-cache") noCache = true;
    else if (name === "immutable") immutable = true;
    else if (name === "max-age" && value !== undefined && /^\d+$/.test(value)) {
      maxAge = Number(value);
    }
  }
  return { noStore, noCache, immutable, ...(maxAge === undefined ? {} : { maxAge }) };
}

/** Whether a response with these headers may be stored. */
export function isStorable(headers: Readonly<Record<string, string>>): boolean {
  const control = parseCacheControl(headers["cache-control"]);
  if (control.noStore) return false;
  return control.maxAge !== undefined || headers["etag"] !== undefined ||
    headers["last-modified"] !== undefined;
}

/**
 * Whether `entry` can be used without asking the server again at `now` (ms).
 *
 * @example
 * ```ts
 * import { isFresh } from "./http_cache.ts";
 * const entry = { headers: { "cache-control": "max-age=60" }, storedAt: 0 };
 * isFresh(entry, 30_000); // true
 * isFresh(entry, 90_000); // false
 * ```
 */
export function isFresh(
  entry: Pick<CacheEntry, "headers" | "storedAt">,
  now: number,
): boolean {
  const control = parseCacheControl(entry.headers["cache-control"]);
  if (control.noCache || control.maxAge === undefined) return false;
  return now - entry.storedAt < control.maxAge * 1000;
}

/** The conditional-request headers that revalidate `entry`. */
export function revalidationHeaders(entry: CacheEntry): Record<string, string> {
  const headers: Record<string, string> = {};
  if (entry.headers["etag"] !== undefined) headers["if-none-match"] = entry.headers["etag"];
  if (entry.headers["last-modified"] !== undefined) {
    headers["if-modified-since"] = entry.headers["last-modified"];
  }
  return headers;
}

/** Keeps the headers an entry stores, lower-cased. */
export function keptHeaders(headers: Pick<Headers, "get">): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = headers.get(name);
    if (value !== null) kept[name] = value;
  }
  return kept;
}

/**
 * The HTTP cache in one directory (the `http-v1` bucket).
 *
 * @example
 * ```ts ignore
 * const cache = new HttpCache(bucketDir(root, CacheBucket.http));
 * const entry = await cache.lookup("https://example.com/simple/demo/", "text/html");
 * ```
 */
export class HttpCache {
  readonly #dir: string;
  /** Directories this instance has created (or found), so each is made once. */
  readonly #made = new Set<string>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** The directory of the cache. */
  get dir(): string {
    return this.#dir;
  }

  async #base(url: string, accept: string): Promise<string> {
    const key = await sha256Hex(`${accept}\n${url}`);
    return join(this.#dir, key.slice(0, 2), key.slice(2, 4), key);
  }

  /** The entry for `url` fetched with `accept`, if stored and its body is present. */
  async lookup(url: string, accept: string): Promise<CacheEntry | undefined> {
    const base = await this.#base(url, accept);
    try {
      // An entry's record is a few hundred bytes; anything much bigger was not written here.
      if ((await Deno.stat(base + ".json")).size > MAX_RECORD_BYTES) return undefined;
      const meta = JSON.parse(await Deno.readTextFile(base + ".json")) as CacheEntry;
      const stat = await Deno.stat(base + ".body");
      if (stat.size !== meta.size) return undefined;
      return { ...meta, bodyPath: base + ".body" };
    } catch {
      return undefined;
    }
  }

  /** Starts writing a body for `url`/`accept`; nothing is visible until `commit`. */
  async begin(url: string, accept: string): Promise<PendingBody> {
    const base = await this.#base(url, accept);
    const dir = dirname(base);
    if (!this.#made.has(dir)) {
      await Deno.mkdir(dir, { recursive: true });
      this.#made.add(dir);
    }
    const tmp = `${base}.${crypto.randomUUID().slice(0, 12)}.tmp`;
    return {
      path: tmp,
      commit: async (meta) => {
        const entry: CacheEntry = {
          ...meta,
          requestUrl: url,
          storedAt: Date.now(),
          bodyPath: base + ".body",
        };
        await Deno.rename(tmp, base + ".body");
        // Written in place: a reader that meets it half-written fails to parse it, a miss.
        await Deno.writeTextFile(base + ".json", JSON.stringify(entry));
        return entry;
      },
      abort: async () => {
        await Deno.remove(tmp).catch(() => {});
      },
    };
  }

  /**
   * Records a successful revalidation (a 304): new headers, new `storedAt`.
   * An entry that can never be fresh (no `max-age`, or `no-cache`) and whose
   * headers did not change is not rewritten: the next use revalidates it
   * anyway, and the write would cost more than the request.
   */
  async refresh(
    entry: CacheEntry,
    headers: Pick<Headers, "get">,
    accept: string,
  ): Promise<CacheEntry> {
    const merged = { ...entry.headers, ...keptHeaders(headers) };
    const control = parseCacheControl(merged["cache-control"]);
    const changed = Object.entries(merged).some(([name, value]) =>
      name !== "date" && entry.headers[name] !== value
    );
    if (!changed && (control.noCache || control.maxAge === undefined)) return entry;
    const refreshed: CacheEntry = { ...entry, headers: merged, storedAt: Date.now() };
    const base = await this.#base(entry.requestUrl, accept);
    await writeAtomic(base + ".json", JSON.stringify(refreshed)).catch(() => {});
    return refreshed;
  }
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${crypto.randomUUID().slice(0, 12)}.tmp`;
  try {
    await Deno.writeTextFile(tmp, text);
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
}
