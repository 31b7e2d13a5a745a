/**
 * File hashes: computing several digests in one pass, and checking a file
 * against the hashes an index or the user gave.
 *
 * Algorithm names are hashlib's (`sha256`, `sha3_256`, `blake2b`), the names
 * PEP 503 hash fragments and `--hash=` use.
 *
 * @module
 */

import type { Hash } from "node:crypto";
import { DpipError } from "../errors.ts";

type NodeCrypto = typeof import("node:crypto");
let nodeCrypto: NodeCrypto | undefined;

/**
 * The sha256 of a small input, hex: with `node:crypto` when something
 * already loaded it (synchronous, a few microseconds), else with Web Crypto,
 * so that nothing loads `node:crypto` for this alone (see
 * {@link loadCrypto}); an HTTP cache key costs an async op and a trip to
 * another thread that way. For large or streamed data use
 * {@link MultiHasher}, which is faster.
 *
 * @example
 * ```ts
 * import { sha256Hex } from "./hashes.ts";
 * (await sha256Hex("abc")).slice(0, 8); // "ba7816bf"
 * ```
 */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  if (nodeCrypto !== undefined) return nodeCrypto.createHash("sha256").update(data).digest("hex");
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>),
  );
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/**
 * `node:crypto`, imported on first use: loading it costs about 25 ms of
 * start-up (measured), which commands that hash nothing (`list`, a no-op
 * install) should not pay.
 *
 * @example
 * ```ts
 * import { loadCrypto } from "./hashes.ts";
 * const { createHash } = await loadCrypto();
 * createHash("sha256").update("abc").digest("hex").slice(0, 8); // "ba7816bf"
 * ```
 */
export async function loadCrypto(): Promise<NodeCrypto> {
  return nodeCrypto ??= await import("node:crypto");
}

/** Acceptable hex digests by hashlib algorithm name: a file matches when any one matches. */
export type AllowedHashes = Readonly<Record<string, readonly string[]>>;

/** A hash check a download must pass, with where its hashes came from (for the error). */
export interface HashCheck {
  /** e.g. `the index`, `the requirement`. */
  readonly source: string;
  readonly allowed: AllowedHashes;
}

/**
 * The check for one digest per algorithm (an index's file hashes, a URL's
 * `#sha256=` fragment), keeping the algorithms dpip can compute; no check
 * when none is left.
 *
 * @example
 * ```ts
 * import { digestChecks } from "./hashes.ts";
 * digestChecks("the index", { sha256: "ab", blake9: "cd" });
 * // [{ source: "the index", allowed: { sha256: ["ab"] } }]
 * ```
 */
export function digestChecks(
  source: string,
  digests: Readonly<Record<string, string>>,
): HashCheck[] {
  const supported = Object.entries(digests).filter(([algorithm]) => isSupportedHash(algorithm));
  if (supported.length === 0) return [];
  return [{
    source,
    allowed: Object.fromEntries(supported.map(([algorithm, digest]) => [algorithm, [digest]])),
  }];
}

const NODE_NAMES: Readonly<Record<string, string>> = {
  md5: "md5",
  sha1: "sha1",
  sha224: "sha224",
  sha256: "sha256",
  sha384: "sha384",
  sha512: "sha512",
  sha3_224: "sha3-224",
  sha3_256: "sha3-256",
  sha3_384: "sha3-384",
  sha3_512: "sha3-512",
  blake2b: "blake2b512",
  blake2s: "blake2s256",
};

/** Whether dpip can compute `algorithm` (a hashlib name). */
export function isSupportedHash(algorithm: string): boolean {
  return Object.hasOwn(NODE_NAMES, algorithm.toLowerCase());
}

/** A file that does not match any of the hashes it must match. */
export class HashMismatchError extends DpipError {
  readonly file: string;
  readonly expected: AllowedHashes;
  readonly got: Readonly<Record<string, string>>;

  constructor(
    file: string,
    detail: { expected: AllowedHashes; got: Readonly<Record<string, string>>; source: string },
  ) {
    const expected = Object.entries(detail.expected)
      .flatMap(([algorithm, digests]) => digests.map((d) => `${algorithm}:${d}`)).join(" or ");
    const got = Object.keys(detail.expected)
      .map((algorithm) => `${algorithm}:${detail.got[algorithm] ?? "?"}`).join(", ");
    super(
      "hash-mismatch",
      `Hash mismatch for ${file}: ${detail.source} expected ${expected}, got ${got}`,
      {
        hint:
          "the file changed since its hash was recorded, or it was corrupted in transit; check the index and the hashes you gave",
      },
    );
    this.name = "HashMismatchError";
    this.file = file;
    this.expected = detail.expected;
    this.got = detail.got;
  }
}

/**
 * Computes several digests over a stream of chunks.
 *
 * @example
 * ```ts
 * import { MultiHasher } from "./hashes.ts";
 * const hasher = await MultiHasher.create(["sha256"]);
 * hasher.update(new TextEncoder().encode("abc"));
 * hasher.digest().sha256; // "ba7816bf…"
 * ```
 */
export class MultiHasher {
  readonly #hashes = new Map<string, Hash>();

  private constructor(crypto: NodeCrypto, algorithms: Iterable<string>) {
    for (const algorithm of ["sha256", ...algorithms]) {
      const lower = algorithm.toLowerCase();
      const node = NODE_NAMES[lower];
      if (node !== undefined && !this.#hashes.has(lower)) {
        this.#hashes.set(lower, crypto.createHash(node));
      }
    }
  }

  /** A hasher for `algorithms` (hashlib names; unsupported ones are left out, sha256 is always in). */
  static async create(algorithms: Iterable<string>): Promise<MultiHasher> {
    return new MultiHasher(await loadCrypto(), algorithms);
  }

  update(chunk: Uint8Array): void {
    for (const hash of this.#hashes.values()) hash.update(chunk);
  }

  /** The hex digests by algorithm. Call once. */
  digest(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, hash] of this.#hashes) out[name] = hash.digest("hex");
    return out;
  }
}

/**
 * Whether `digests` satisfy `allowed`: some algorithm of `allowed` that was
 * computed has a matching digest. An empty `allowed` is satisfied by anything.
 *
 * @example
 * ```ts
 * import { matchesHashes } from "./hashes.ts";
 * matchesHashes({ sha256: "ab" }, { sha256: ["cd", "ab"] }); // true
 * ```
 */
export function matchesHashes(
  digests: Readonly<Record<string, string>>,
  allowed: AllowedHashes,
): boolean {
  const entries = Object.entries(allowed).filter(([algorithm]) => isSupportedHash(algorithm));
  if (entries.length === 0) return true;
  return entries.some(([algorithm, values]) => {
    const got = digests[algorithm.toLowerCase()];
    return got !== undefined && values.some((v) => v.toLowerCase() === got);
  });
}

/** Hashes a file on disk with `algorithms` (sha256 always included). */
export async function hashFile(
  path: string,
  algorithms: Iterable<string> = [],
): Promise<Record<string, string>> {
  const hasher = await MultiHasher.create(algorithms);
  using file = await Deno.open(path, { read: true });
  const buffer = new Uint8Array(1 << 20);
  while (true) {
    const n = await file.read(buffer);
    if (n === null) break;
    hasher.update(buffer.subarray(0, n));
  }
  return hasher.digest();
}
