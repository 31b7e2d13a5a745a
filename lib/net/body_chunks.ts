/**
 * Reading a response body in large pieces for streaming it to disk. A byte
 * stream (what `fetch` returns) is read in BYOB mode into a reused 1 MiB
 * buffer, so each read takes as much as the connection has at once, with no
 * allocation and no copy: measured on 40 wheels (144 MB) from a local
 * server, about 4× fewer reads than the default reader's 64 KiB chunks, and
 * the whole loop 20% faster than gathering chunks into 1 MiB writes. Each
 * piece is meant to be written (and hashed) before the next read, so a
 * dropped connection loses nothing that arrived. Other streams' chunks are
 * passed on as they come.
 *
 * @module
 */

/** The size of the buffers a {@link ChunkPool} hands out. */
export const CHUNK_BYTES = 1 << 20;

/** How many idle buffers a {@link ChunkPool} keeps by default. */
export const IDLE_CHUNKS = 2;

/**
 * Read buffers to reuse across downloads (a fresh megabyte costs page
 * faults on first touch). Memory stays at one buffer per running download,
 * and a few idle ones: a buffer given back when the pool already keeps its
 * share is freed at once, so a burst of parallel downloads (16 for an
 * install) does not leave its buffers behind for the rest of the run (they
 * were ~16 MB of an install's peak, which comes later, while unpacking).
 *
 * @example
 * ```ts
 * import { ChunkPool } from "./body_chunks.ts";
 * const pool = new ChunkPool();
 * const buffer = pool.take(); // a new 1 MiB buffer
 * pool.give(buffer);
 * pool.take() === buffer; // true
 * ```
 */
export class ChunkPool {
  readonly #free: Uint8Array<ArrayBuffer>[] = [];
  readonly #size: number;
  readonly #idle: number;

  /**
   * `size` is each buffer's length (default {@link CHUNK_BYTES}); `idle` how
   * many buffers given back it keeps (default {@link IDLE_CHUNKS}).
   */
  constructor(size: number = CHUNK_BYTES, idle: number = IDLE_CHUNKS) {
    this.#size = size;
    this.#idle = idle;
  }

  /** A buffer of the pool's size, reused when one was given back. */
  take(): Uint8Array<ArrayBuffer> {
    return this.#free.pop() ?? new Uint8Array(this.#size);
  }

  /**
   * Gives a buffer back (one of another size, or detached, is dropped); past
   * the pool's idle share, its memory is freed now (the buffer is detached).
   */
  give(buffer: Uint8Array<ArrayBuffer>): void {
    if (buffer.byteLength !== this.#size || buffer.byteOffset !== 0) return;
    if (this.#free.length < this.#idle) this.#free.push(buffer);
    else buffer.buffer.transfer(0);
  }
}

/**
 * A body read piece by piece: up to a pool buffer's size per piece from a
 * byte stream, the stream's own chunks otherwise.
 *
 * @example
 * ```ts
 * import { BodyChunks, ChunkPool } from "./body_chunks.ts";
 * const chunks = new BodyChunks(new Response("hello").body!, new ChunkPool(4));
 * const sizes: number[] = [];
 * for (let c = await chunks.next(); c !== undefined; c = await chunks.next()) sizes.push(c.length);
 * chunks.release();
 * sizes.reduce((a, b) => a + b); // 5
 * ```
 */
export class BodyChunks {
  readonly #pool: ChunkPool;
  readonly #reader:
    | { kind: "byob"; reader: ReadableStreamBYOBReader }
    | { kind: "default"; reader: ReadableStreamDefaultReader<Uint8Array> };
  #buffer: Uint8Array<ArrayBuffer> | undefined;
  #done = false;

  constructor(body: ReadableStream<Uint8Array>, pool: ChunkPool) {
    this.#pool = pool;
    let byob: ReadableStreamBYOBReader | undefined;
    try {
      byob = body.getReader({ mode: "byob" });
    } catch {
      // Not a byte stream (e.g. one built from a Node stream): take its chunks.
    }
    this.#reader = byob === undefined
      ? { kind: "default", reader: body.getReader() }
      : { kind: "byob", reader: byob };
  }

  /**
   * The next piece of the body, `undefined` at its end. The view is valid
   * until the next call (its buffer is read into again).
   */
  async next(): Promise<Uint8Array | undefined> {
    while (!this.#done) {
      if (this.#reader.kind === "default") {
        const { value, done } = await this.#reader.reader.read();
        if (done) this.#done = true;
        else if (value.length > 0) return value;
        continue;
      }
      const buffer = this.#buffer ?? this.#pool.take();
      const size = buffer.length;
      this.#buffer = undefined;
      const { value, done } = await this.#reader.reader.read(buffer);
      // The read transfers (detaches) the buffer: its memory comes back as `value.buffer`.
      if (value !== undefined) this.#buffer = new Uint8Array(value.buffer as ArrayBuffer, 0, size);
      if (done) this.#done = true;
      else if (value !== undefined && value.byteLength > 0) return value;
    }
    return undefined;
  }

  /** Gives the buffer back to the pool and releases the stream (cancelling what is unread). */
  release(): void {
    if (this.#buffer !== undefined) this.#pool.give(this.#buffer);
    this.#buffer = undefined;
    if (!this.#done) this.#reader.reader.cancel().catch(() => {});
    this.#reader.reader.releaseLock();
  }
}
